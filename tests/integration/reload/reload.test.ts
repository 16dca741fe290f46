/**
 * `forkwatch serve --reload` end to end: the CLI as its own process with real Python workers,
 * a temp project that the test edits. Every wait is on state (a log line, a response text).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PYTHON, startCli, stopAll, waitFor, type CliServer } from '../support/servers';

afterEach(stopAll);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const appSource = (text: string, extra = '') =>
  `${extra}def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"${text}"]\n`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-reload-it-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) save(dir, name, text);
  return dir;
}

function save(dir: string, name: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}

async function serve(dir: string, ...extra: string[]): Promise<CliServer> {
  const cli = await startCli([dir, '--app', 'app:app', '--bind', '127.0.0.1:0', '--python', PYTHON, '--reload', '--no-access-log', ...extra]);
  // Changes count from the moment the watch is set up, which is after "Listening at".
  await cli.waitForOutput(/Watching .* for changes/);
  return cli;
}

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};
const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern, 'g'))].length;

describe('forkwatch serve --reload', () => {
  it('serves the new text after a file is saved, and logs what changed and how long it took', async () => {
    const dir = project({ 'app.py': appSource('v1') });
    const cli = await serve(dir);
    expect(await get(cli.url)).toEqual({ status: 200, text: 'v1' });
    save(dir, 'app.py', appSource('v2'));
    await waitFor(async () => (await get(cli.url)).text === 'v2', 10_000, 'the new text');
    expect(cli.output()).toMatch(/Reloading: app\.py changed \(generation 2\)/);
    await cli.waitForOutput(/Reloaded in \d+ ms: app\.py changed \(generation 2\)/);
  });

  it('reloads on a change to an imported module, a template and .env', async () => {
    const dir = project({
      'app.py': appSource('v1', 'import helpers\n'),
      'helpers.py': 'X = 1\n',
      'templates/index.html': '<p>hi</p>\n',
      '.env': 'A=1\n',
      '.gitignore': '.env\nbuild/\n',
    });
    const cli = await serve(dir);
    for (const [generation, file] of [[2, 'helpers.py'], [3, 'templates/index.html'], [4, '.env']] as const) {
      save(dir, file, `# ${generation}\n`);
      await cli.waitForOutput(new RegExp(`Reloaded in \\d+ ms: ${file.replace(/\./g, '\\.')} changed \\(generation ${generation}\\)`));
    }
  });

  it('keeps the old code serving after a syntax error, reports file and line, and recovers once fixed', async () => {
    const dir = project({ 'app.py': appSource('good') });
    const cli = await serve(dir);
    save(dir, 'app.py', 'def app(environ, start_response:\n    pass\n');
    const [line] = await cli.waitForOutput(/Reload failed after app\.py changed, the previous generation keeps serving: SyntaxError: .*/);
    expect(line).toMatch(/app\.py, line 1/);
    expect(cli.output()).toMatch(/File ".*app\.py", line 1/);
    expect(await get(cli.url)).toEqual({ status: 200, text: 'good' });

    save(dir, 'app.py', appSource('fixed'));
    await waitFor(async () => (await get(cli.url)).text === 'fixed', 10_000, 'the fixed text');
  });

  it('answers with the traceback page under --reload-errors serve until the code is fixed', async () => {
    const dir = project({ 'app.py': appSource('good') });
    const cli = await serve(dir, '--reload-errors', 'serve');
    save(dir, 'app.py', 'import no_such_module_anywhere\n' + appSource('bad'));
    await cli.waitForOutput(/Reload failed after app\.py changed, answering with the traceback until it is fixed/);
    const broken = await get(cli.url);
    expect(broken.status).toBe(500);
    expect(broken.text).toContain('ModuleNotFoundError');
    save(dir, 'app.py', appSource('fixed'));
    await waitFor(async () => (await get(cli.url)).text === 'fixed', 10_000, 'the fixed text');
  });

  /**
   * One client, one request at a time, for as long as 5 reloads go on and at least 200 times;
   * each save waits until the client has seen the previous version, so there are 5 real
   * switches of generation under traffic.
   */
  async function clientThroughReloads(...extra: string[]) {
    const dir = project({ 'app.py': appSource('v0') });
    const cli = await serve(dir, ...extra);
    const statuses = new Map<string, number>();
    const versions: number[] = [];
    let sent = 0;
    let reloadsDone = false;
    const deadline = Date.now() + 25_000;
    const client = (async () => {
      while ((!reloadsDone || sent < 200) && sent < 5000 && Date.now() < deadline) {
        sent += 1;
        const outcome = await get(cli.url).then(
          ({ status, text }) => {
            versions.push(Number(text.slice(1)));
            return String(status);
          },
          (error: Error & { cause?: Error }) => `${error.message}: ${error.cause?.message ?? ''}`,
        );
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
      }
    })();
    for (let i = 1; i <= 5; i++) {
      await waitFor(() => versions.at(-1) === i - 1, 10_000, `v${i - 1} served`);
      save(dir, 'app.py', appSource(`v${i}`));
    }
    await waitFor(() => versions.at(-1) === 5, 10_000, 'v5 served');
    reloadsDone = true;
    await client;
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(Object.fromEntries(statuses)).toEqual({ 200: sent });
    // Sequential requests never go back to older code once newer code answered.
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(count(cli.output(), /Reloaded in \d+ ms: app\.py changed/)).toBe(5);
  }

  it('answers 200 to every request of a client loop running through 5 reloads (--no-capture)', async () => {
    await clientThroughReloads('--no-capture');
  });

  it('answers 200 to every request of a client loop running through 5 reloads (capture on)', async () => {
    await clientThroughReloads();
  });

  it('turns 500 files touched at once into exactly one reload', async () => {
    const modules = Array.from({ length: 500 }, (_, i) => `pkg/mod_${i}.py`);
    const dir = project({ 'app.py': appSource('v1'), 'pkg/__init__.py': '', ...Object.fromEntries(modules.map((m) => [m, 'X = 0\n'])) });
    const cli = await serve(dir);
    for (const module of modules) save(dir, module, 'X = 1\n');
    await cli.waitForOutput(/Reloaded in \d+ ms: pkg\/mod_\d+\.py, pkg\/mod_\d+\.py, pkg\/mod_\d+\.py and 497 more changed \(generation 2\)/);
    // A straggler event from the checkout would be a reload before (or merged into) this one.
    save(dir, 'app.py', appSource('v2'));
    await cli.waitForOutput(/Reloaded in \d+ ms: app\.py changed \(generation 3\)/);
    expect(count(cli.output(), /Reloading: /)).toBe(2);
    expect(await get(cli.url)).toEqual({ status: 200, text: 'v2' });
  });

  it('honours --reload-exclude and --reload-include', async () => {
    const dir = project({ 'app.py': appSource('v1'), 'tests/test_app.py': '', 'config.yaml': 'a: 1\n' });
    const cli = await serve(dir, '--reload-exclude', 'tests/', '--reload-include', '*.yaml');
    save(dir, 'tests/test_app.py', 'changed = True\n');
    save(dir, 'config.yaml', 'a: 2\n');
    await cli.waitForOutput(/Reloaded in \d+ ms: config\.yaml changed \(generation 2\)/);
    expect(cli.output()).not.toMatch(/test_app\.py/);
  });
});
