import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectorEvent, InspectorSnapshot } from '../../../src-main/contract';
import type { Logger } from '../../../src-main/cli/log';
import {
  checkProject,
  isPortFree,
  openProjectSession,
  resolveSessionConfig,
  type ProjectSession,
} from '../../../src-main/electron/project-session';

const root = path.resolve(import.meta.dirname, '../../..');
const hello = path.join(root, 'resources/examples/hello');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'forkwatch-session-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function quietLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };
}

describe('resolveSessionConfig', () => {
  it("is `forkwatch serve FOLDER` with the CLI's defaults, without --ui (the window is the UI) or --record", () => {
    const { config, explicitBind, warning } = resolveSessionConfig('/p/site');
    expect(config).toMatchObject({ projectDir: '/p/site', host: '127.0.0.1', port: 8000, workers: 2, capture: true, ui: false, reload: false });
    expect(config.record).toBeUndefined();
    expect(explicitBind).toBe(false);
    expect(warning).toBeNull();
  });

  it('applies serve options and notices an explicit --bind', () => {
    const options = ['--workers', '4', '--bind=127.0.0.1:9000', '--no-capture', '--reload', '--capture-max-exchanges', '10'];
    const { config, explicitBind } = resolveSessionConfig('/p/site', options);
    expect(config).toMatchObject({ workers: 4, port: 9000, capture: false, reload: true, captureMaxExchanges: 10 });
    expect(explicitBind).toBe(true);
    expect(resolveSessionConfig('/p/site', ['-b', ':9001']).explicitBind).toBe(true);
  });

  it('ignores options that do not parse, with a warning, rather than refusing to open', () => {
    const { config, warning } = resolveSessionConfig('/p/site', ['--workers', 'many']);
    expect(config.workers).toBe(2);
    expect(warning).toMatch(/ignoring --workers many: --workers takes a positive number/);
  });
});

describe('checkProject', () => {
  it('accepts the example', () => {
    expect(checkProject(resolveSessionConfig(hello).config)).toBeNull();
  });

  it('says why a folder cannot be served', () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    const file = path.join(scratch, 'file.txt');
    writeFileSync(file, 'x');
    expect(checkProject(resolveSessionConfig(empty).config)).toMatch(/no WSGI app found/);
    expect(checkProject(resolveSessionConfig(path.join(scratch, 'missing')).config)).toMatch(/does not exist/);
    expect(checkProject(resolveSessionConfig(file).config)).toMatch(/is not a folder/);
  });
});

describe('isPortFree', () => {
  it('tells a taken port from a free one', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await expect(isPortFree('127.0.0.1', port)).resolves.toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(isPortFree('127.0.0.1', port)).resolves.toBe(true);
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!python)('a project session with real Python workers', () => {
  let session: ProjectSession | null = null;
  afterAll(async () => {
    await session?.close();
  });

  it('serves the example, answers inspector commands, streams events, and frees everything on close', { timeout: 30_000 }, async () => {
    const log = quietLog();
    // A free port, as the desktop does when 8000 is taken (explicitBind false, port probe says taken).
    session = await openProjectSession(resolveSessionConfig(hello, ['--workers', '1', '--no-access-log']), {
      log,
      isPortFree: async () => false,
    });
    const events: InspectorEvent[] = [];
    session.host.subscribe((event) => events.push(event));
    expect(session.status).toBe('starting');

    const url = await session.started;
    expect(session.status).toBe('running');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:8000');
    expect(log.lines).toContain('WARN Port 8000 is in use: listening on a free port instead');

    const response = await fetch(`${url}/hello`);
    expect(await response.text()).toBe('Hello, World!');

    // The transport's entry point: validated, then run.
    const snapshot = (await session.host.dispatch('snapshot', [])) as InspectorSnapshot;
    expect(snapshot.server).toMatchObject({ state: 'running', projectDir: hello, app: 'app:app', url });
    await expect(session.host.dispatch('setWorkerCount', [0])).rejects.toThrow(/count must be an integer from 1/);
    await expect.poll(() => events.some((event) => event.type === 'exchanges'), { timeout: 5000 }).toBe(true);

    const pids = session.gateway.arbiter.list().map((worker) => worker.pid);
    expect(pids.length).toBeGreaterThan(0);
    await expect(session.close()).resolves.toBe('graceful');
    expect(session.status).toBe('closed');
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    const port = Number(new URL(url).port);
    await expect(isPortFree('127.0.0.1', port)).resolves.toBe(true);
    // Idempotent.
    await expect(session.close()).resolves.toBe('graceful');
  });

  it('takes the capture limits from the options, as the CLI does', { timeout: 30_000 }, async () => {
    const limited = await openProjectSession(
      resolveSessionConfig(hello, ['--workers', '1', '--bind', '127.0.0.1:0', '--no-access-log', '--capture-max-exchanges', '2']),
      { log: quietLog() },
    );
    const url = await limited.started;
    for (let i = 0; i < 4; i++) await (await fetch(`${url}/${i}`)).text();
    await expect.poll(() => limited.capture.store.summaries().map((row) => row.url), { timeout: 5000 }).toEqual(['/2', '/3']);
    await limited.close();
  });

  it('--reload: a saved file reloads the workers, and closing stops the watcher', { timeout: 30_000 }, async () => {
    const project = path.join(scratch, 'reloading');
    mkdirSync(project);
    const source = (text: string) => `def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"${text}"]\n`;
    writeFileSync(path.join(project, 'app.py'), source('one'));
    const reloading = await openProjectSession(resolveSessionConfig(project, ['--workers', '1', '--bind', '127.0.0.1:0', '--reload']), { log: quietLog() });
    const url = await reloading.started;
    expect(await (await fetch(url)).text()).toBe('one');
    // The watcher starts after the boot; give its initial scan a moment, then save.
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(path.join(project, 'app.py'), source('two'));
    await expect.poll(async () => (await fetch(url)).text(), { timeout: 15_000, interval: 200 }).toBe('two');
    await reloading.close();
  });

  it('reports an app that cannot import as a failed start, with the host showing why', { timeout: 30_000 }, async () => {
    const broken = path.join(scratch, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'app.py'), 'import no_such_module_here\napp = None\n');
    const failing = await openProjectSession(resolveSessionConfig(broken, ['--workers', '1', '--bind', '127.0.0.1:0']), { log: quietLog() });
    await expect(failing.started).rejects.toThrow();
    expect(failing.status).toBe('failed');
    const snapshot = (await failing.host.dispatch('snapshot', [])) as InspectorSnapshot;
    expect(snapshot.server.state).toBe('failed');
    expect(snapshot.server.failure?.error?.message ?? snapshot.server.failure?.reason).toMatch(/no_such_module_here/);
    await failing.close();
  });
});
