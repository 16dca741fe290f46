/** The arbiter under real signals and faults, through the CLI as its own process. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPS_DIR, PYTHON, launchCli, startCli, stopAll, waitFor } from './support/servers';

afterEach(stopAll);

const serveArgs = (app: string, ...extra: string[]) => [APPS_DIR, '--app', `wsgi_apps:${app}`, '--bind', '127.0.0.1:0', '--python', PYTHON, ...extra];

/** Worker pids the CLI has announced and not yet seen exit. */
function livePids(output: string): Set<number> {
  const pids = new Set<number>();
  for (const [, pid] of output.matchAll(/Booting worker with pid: (\d+)/g)) pids.add(Number(pid));
  for (const [, pid] of output.matchAll(/Worker (\d+) exited/g)) pids.delete(Number(pid));
  return pids;
}

describe('supervision', () => {
  it('replaces a worker that is killed', async () => {
    const cli = await startCli(serveArgs('pid'));
    const [victim] = livePids(cli.output());
    process.kill(victim, 'SIGKILL');
    await cli.waitForOutput(new RegExp(`Worker ${victim} exited with signal SIGKILL`));
    await waitFor(() => livePids(cli.output()).size === 2 && !livePids(cli.output()).has(victim), 10_000, 'a replacement worker');
    const pids = new Set<string>();
    for (let i = 0; i < 20; i++) pids.add(await (await fetch(cli.url)).text());
    expect(pids.has(String(victim))).toBe(false);
  });

  it('kills a worker stuck past --timeout, logs its Python stack and answers 504', async () => {
    const cli = await startCli(serveArgs('sleepy', '--timeout', '1', '--workers', '1'));
    const response = await fetch(cli.url + '/?30');
    expect(response.status).toBe(504);
    await cli.waitForOutput(/WORKER TIMEOUT/);
    await cli.waitForOutput(/sleeping_in_the_app/);
    // A replacement serves the next request.
    expect((await fetch(cli.url + '/?0')).status).toBe(200);
  });

  it('recycles workers after --max-requests', async () => {
    const cli = await startCli(serveArgs('pid', '--workers', '1', '--max-requests', '3'));
    const seen = new Set<string>();
    for (let i = 0; i < 7; i++) seen.add(await (await fetch(cli.url)).text());
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(cli.output()).toMatch(/\(max requests\)/);
  });

  it('adds and removes a worker on TTIN and TTOU', async () => {
    const cli = await startCli(serveArgs('pid'));
    cli.process.kill('SIGTTIN');
    await waitFor(() => livePids(cli.output()).size === 3, 10_000, 'three workers');
    // One signal at a time: two identical pending signals merge into one delivery.
    cli.process.kill('SIGTTOU');
    await waitFor(() => livePids(cli.output()).size === 2, 10_000, 'two workers');
    cli.process.kill('SIGTTOU');
    await waitFor(() => livePids(cli.output()).size === 1, 10_000, 'one worker');
    expect((await fetch(cli.url)).status).toBe(200);
  });

  it('answers every request of a client loop running through HUP reloads', async () => {
    const cli = await startCli(serveArgs('pid'));
    const statuses: number[] = [];
    let reloadsDone = 0;
    const client = async () => {
      for (let i = 0; i < 150; i++) statuses.push((await fetch(cli.url)).status);
    };
    const reloader = async () => {
      for (let generation = 2; generation <= 4; generation++) {
        cli.process.kill('SIGHUP');
        await cli.waitForOutput(new RegExp(`generation ${generation} serving`));
        reloadsDone += 1;
      }
    };
    await Promise.all([client(), client(), client(), reloader()]);
    expect(reloadsDone).toBe(3);
    expect(statuses).toHaveLength(450);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });

  it('stops gracefully on TERM: the running request finishes, workers exit, exit code 0', async () => {
    const cli = await startCli(serveArgs('sleepy', '--workers', '1'));
    const pending = fetch(cli.url + '/?0.5');
    await cli.waitForOutput(/sleeping for 0.5 s/);
    const [worker] = livePids(cli.output());
    cli.process.kill('SIGTERM');
    expect((await pending).status).toBe(200);
    expect(await cli.exited).toBe(0);
    expect(() => process.kill(worker, 0)).toThrow();
  });

  it('shows the traceback and exits non-zero when the app cannot be imported, without a respawn loop', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fw-broken-'));
    writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response):\n    return [b"x"\n');
    const cli = launchCli([dir, '--app', 'app:app', '--bind', '127.0.0.1:0', '--python', PYTHON]);
    expect(await cli.exited).not.toBe(0);
    expect(cli.output()).toMatch(/SyntaxError/);
    expect(cli.output()).toMatch(/app\.py/);
    expect(cli.output().match(/Booting worker/g)?.length ?? 0).toBeLessThanOrEqual(2);
  });

  it('never leaves workers behind when the master is killed', async () => {
    const cli = await startCli(serveArgs('hello'));
    const pids = [...livePids(cli.output())];
    cli.process.kill('SIGKILL');
    await cli.exited;
    await waitFor(() => pids.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }), 10_000, 'workers to exit');
  });
});
