/**
 * The inspector host in process (what the Electron IPC transport wraps) over a real gateway with
 * real Python workers and real capture: server state through boot, reloads and failures, worker
 * status with /proc stats and the exchange in progress, the arbiter log, shutdown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServerInfo, WorkerStatus } from '../../../src-main/contract';
import { waitFor } from '../support/servers';
import { recordEvents, startInspected, stopInspected } from './harness';

afterEach(stopInspected);

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project with app.py answering `text`. */
function project(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'forkwatch-host-'));
  projects.push(dir);
  writeFileSync(path.join(dir, 'app.py'), source);
  return dir;
}

const appSource = (text: string) => `def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"${text}"]
`;

const serverEvent = (predicate: (server: ServerInfo) => boolean) => (event: { type: string; server?: ServerInfo }) =>
  event.type === 'server' && predicate(event.server!) && event.server!;

const workersEvent = (predicate: (workers: WorkerStatus[]) => boolean) => (event: { type: string; workers?: WorkerStatus[] }) =>
  event.type === 'workers' && predicate(event.workers!) && event.workers!;

describe('inspector host', () => {
  it('follows the boot: starting, then running with the Python version and the spawned workers logged', async () => {
    const { host, gateway, started } = await startInspected('pid', { noStart: true });
    const early = await host.commands.snapshot();
    expect(early.server).toMatchObject({ state: 'starting', url: '', generation: 0, workerCount: 2, capture: 'on' });
    const events = recordEvents(host);
    await started;
    const running = await events.waitFor(serverEvent((server) => server.state === 'running' && server.url !== ''), 'running');
    expect(running.url).toBe(gateway.url);
    expect(running.generation).toBe(1);
    expect(running.pythonVersion).toMatch(/^3\.\d+\.\d+/);
    const { arbiterLog, workers } = await host.commands.snapshot();
    const spawned = arbiterLog.filter((entry) => entry.kind === 'spawned').map((entry) => entry.pid);
    expect(spawned.sort()).toEqual(workers.map((worker) => worker.pid).sort());
    expect(arbiterLog.find((entry) => entry.kind === 'reload-finished')).toMatchObject({ generation: 1 });
    expect(arbiterLog.map((entry) => entry.seq)).toEqual(arbiterLog.map((_, i) => i + 1));
  });

  it('samples each worker\'s RSS from /proc about once a second', async () => {
    if (process.platform !== 'linux') return;
    const { host } = await startInspected('pid');
    const events = recordEvents(host);
    const workers = await events.waitFor(workersEvent((list) => list.length === 2 && list.every((w) => w.rss > 1024 * 1024)), 'sampled RSS');
    for (const worker of workers) {
      expect(worker.cpu).toBeGreaterThanOrEqual(0);
      expect(worker.rss).toBeLessThan(1024 ** 3);
    }
  });

  it('shows a busy worker with its exchange and how long it has run, and dumps its stack', async () => {
    const { host, gateway, capture } = await startInspected('sleepy', { gateway: { workers: 1 } });
    const events = recordEvents(host);
    const response = fetch(`${gateway.url}/?3`).then((r) => r.text());
    const pending = await waitFor(() => capture.store.summaries().find((row) => row.url === '/?3'), 10_000, 'the pending exchange');
    const busy = await events.waitFor(workersEvent((list) => list[0]?.state === 'busy' && (list[0].busyForMs ?? 0) >= 500), 'busy for 500 ms');
    expect(busy[0].exchangeId).toBe(pending!.id);
    const stack = await host.commands.workerStack(busy[0].pid);
    expect(stack).toContain('sleeping_in_the_app');
    expect(await response).toBe('woke up');
    await events.waitFor(workersEvent((list) => list[0]?.state === 'idle' && list[0].exchangeId === null && list[0].busyForMs === null && list[0].served === 1), 'idle again');
  });

  it('logs a timeout with the stack and the exit', async () => {
    const { host, gateway } = await startInspected('sleepy', { gateway: { workers: 1, timeout: 1 } });
    const events = recordEvents(host);
    expect((await fetch(`${gateway.url}/?30`)).status).toBe(504);
    const timeout = await events.waitFor((event) => event.type === 'arbiter' && event.entries.find((entry) => entry.kind === 'timeout'), 'timeout entry');
    expect(timeout.detail).toContain('sleeping_in_the_app');
    await events.waitFor((event) => event.type === 'arbiter' && event.entries.some((entry) => entry.kind === 'exited' && entry.pid === timeout.pid), 'exit entry');
  });

  it('follows reloads: reloading, running on the new generation; a failed reload keeps serving and shows the traceback until fixed', async () => {
    const dir = project(appSource('v1'));
    const { host, gateway } = await startInspected('app:app', {
      gateway: { projectDir: dir, workers: 1, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    });
    const events = recordEvents(host);

    writeFileSync(path.join(dir, 'app.py'), appSource('v2'));
    await host.commands.reload();
    await events.waitFor(serverEvent((server) => server.state === 'reloading'), 'reloading');
    const reloaded = await events.waitFor(serverEvent((server) => server.state === 'running' && server.generation === 2), 'generation 2');
    expect(reloaded.failure).toBeUndefined();
    expect(await (await fetch(gateway.url)).text()).toBe('v2');
    const finished = await events.waitFor((event) => event.type === 'arbiter' && event.entries.find((e) => e.kind === 'reload-finished' && e.generation === 2), 'reload-finished');
    expect(finished.durationMs).toBeGreaterThanOrEqual(0);

    writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response)\n    pass\n');
    let from = events.events.length;
    await host.commands.reload();
    const failed = await events.waitFor(serverEvent((server) => server.failure !== undefined && server.state === 'running'), 'a failure, running', from);
    expect(failed.state).toBe('running');
    expect(failed.generation).toBe(2);
    expect(failed.failure!.error?.type).toBe('SyntaxError');
    expect(failed.failure!.error?.traceback).toContain('SyntaxError');
    const logged = await events.waitFor((event) => event.type === 'arbiter' && event.entries.find((e) => e.kind === 'reload-failed'), 'reload-failed', from);
    expect(logged.detail).toContain('SyntaxError');
    expect(await (await fetch(gateway.url)).text()).toBe('v2');

    writeFileSync(path.join(dir, 'app.py'), appSource('v3'));
    from = events.events.length;
    await host.commands.reload();
    // Generation 3 was the one that failed: the fix is generation 4.
    const fixed = await events.waitFor(serverEvent((server) => server.state === 'running' && server.generation === 4), 'generation 4', from);
    expect(fixed.failure).toBeUndefined();
    expect(await (await fetch(gateway.url)).text()).toBe('v3');
  });

  it('shows a halt: failed, with the traceback', async () => {
    const dir = project('import does_not_exist_anywhere\n');
    const { host, started } = await startInspected('app:app', { gateway: { projectDir: dir, workers: 1 }, noStart: true });
    await expect(started).rejects.toThrow();
    const { server, arbiterLog } = await host.commands.snapshot();
    expect(server.state).toBe('failed');
    expect(server.failure?.error?.type).toBe('ModuleNotFoundError');
    expect(server.failure?.error?.traceback).toContain('does_not_exist_anywhere');
    expect(arbiterLog.at(-1)).toMatchObject({ kind: 'reload-failed', generation: 1 });
  });

  it('validates what a transport hands it', async () => {
    const { host } = await startInspected('pid', { gateway: { workers: 1 } });
    await expect(host.dispatch('setWorkerCount', [0])).rejects.toThrow(/1 to 64/);
    await expect(host.dispatch('rm -rf', [])).rejects.toThrow(/unknown command/);
    const snapshot = (await host.dispatch('snapshot', [])) as { workers: unknown[] };
    expect(snapshot.workers).toHaveLength(1);
  });

  it('says stopped when the gateway closes', async () => {
    const { host, gateway } = await startInspected('pid', { gateway: { workers: 1 } });
    const events = recordEvents(host);
    await gateway.close();
    await events.waitFor(serverEvent((server) => server.state === 'stopped'), 'stopped');
    expect((await host.commands.snapshot()).server.state).toBe('stopped');
  });
});
