/**
 * Standby interpreters (standby-pool.ts): real Python processes parked before the app's import,
 * taken by the arbiter for a reload or a replacement. Every wait is on state (pids, events,
 * responses), never on time.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGateway, type Gateway } from '../../src-main/gateway/gateway';
import { PYTHON, startCli, stopAll, waitFor } from './support/servers';
import { isAlive, standbyChildren } from './support/procs';

const dirs: string[] = [];
const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close(false)));
  await stopAll();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const appSource = (text: string) =>
  `def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"${text}"]\n`;

function project(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-standby-it-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'app.py'), appSource(text));
  return dir;
}

async function projectGateway(dir: string, workers = 2): Promise<Gateway> {
  const gateway = createGateway({
    projectDir: dir, app: 'app:app', python: PYTHON, host: '127.0.0.1', port: 0, rootPath: '',
    workers, timeout: 30, gracefulTimeout: 5, maxRequests: 0, maxRequestsJitter: 0, backlog: 100,
    capture: false,
  });
  gateways.push(gateway);
  await gateway.start();
  return gateway;
}

/** Waits until `probe` finds the pids it looks for. */
async function waitForPids(probe: () => number[] | null, what: string): Promise<number[]> {
  return (await waitFor(probe, 10_000, what))!;
}

const fullPool = (gateway: Gateway, size = 2) => waitForPids(() => {
  const pids = gateway.arbiter.standbyPids();
  return pids.length === size && pids.every(isAlive) ? pids : null;
}, `${size} standbys`);

const text = async (url: string) => (await fetch(url)).text();
/** The serving generation's workers (the previous one's may still be on their way out). */
const workerPids = (gateway: Gateway) =>
  gateway.arbiter.list().filter((worker) => worker.generation === gateway.arbiter.generation).map((worker) => worker.pid).sort();

describe.skipIf(process.platform !== 'linux')('standby interpreters', () => {
  it('serve a reload from standbys, which import the code saved after they were parked', async () => {
    const dir = project('v1');
    const gateway = await projectGateway(dir);
    const standbys = await fullPool(gateway);
    expect(workerPids(gateway)).not.toEqual(expect.arrayContaining(standbys));

    writeFileSync(path.join(dir, 'app.py'), appSource('v2'));
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload(['app.py']);
    await finished;
    expect(workerPids(gateway)).toEqual([...standbys].sort());
    expect(await text(gateway.url)).toBe('v2');
    // The pool is refilled for the next reload with fresh processes.
    const next = await fullPool(gateway);
    expect(next.some((pid) => standbys.includes(pid))).toBe(false);
  });

  it('replace a dead worker with a standby', async () => {
    const gateway = await projectGateway(project('v1'), 1);
    const [standby] = await fullPool(gateway, 1);
    const [victim] = workerPids(gateway);
    process.kill(victim, 'SIGKILL');
    await waitFor(() => gateway.arbiter.list().some((worker) => worker.pid === standby && worker.state === 'idle'), 10_000, 'the standby serving');
    expect(await text(gateway.url)).toBe('v1');
  });

  it('replace a standby that dies', async () => {
    const gateway = await projectGateway(project('v1'));
    const [victim, survivor] = await fullPool(gateway);
    process.kill(victim, 'SIGKILL');
    const pool = await waitForPids(() => {
      const pids = gateway.arbiter.standbyPids();
      return pids.length === 2 && !pids.includes(victim) && pids.every(isAlive) ? pids : null;
    }, 'a replacement standby');
    expect(pool).toContain(survivor);
    // Nobody took the dead one for a worker.
    expect(workerPids(gateway)).not.toContain(victim);
    expect(await text(gateway.url)).toBe('v1');
  });

  it('keep the old generation serving when the code a standby imports is broken, then serve the fix', async () => {
    const dir = project('good');
    const gateway = await projectGateway(dir);
    const standbys = await fullPool(gateway);
    const serving = workerPids(gateway);

    writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response:\n');
    const failed = once(gateway.arbiter, 'reload-failed');
    gateway.arbiter.reload(['app.py']);
    const [event] = await failed;
    expect(event.failure.type).toBe('SyntaxError');
    expect(workerPids(gateway)).toEqual(serving);
    expect(await text(gateway.url)).toBe('good');
    await waitFor(() => standbys.every((pid) => !isAlive(pid)), 10_000, 'the failed generation gone');

    const refilled = await fullPool(gateway);
    writeFileSync(path.join(dir, 'app.py'), appSource('fixed'));
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload(['app.py']);
    await finished;
    expect(workerPids(gateway)).toEqual([...refilled].sort());
    expect(await text(gateway.url)).toBe('fixed');
  });

  it('end with the gateway', async () => {
    const gateway = await projectGateway(project('v1'));
    const standbys = await fullPool(gateway);
    await gateway.close();
    expect(standbys.filter(isAlive)).toEqual([]);
  });

  it('are not used under --no-standby: a reload spawns fresh workers', async () => {
    const cli = await startCli([project('v1'), '--app', 'app:app', '--bind', '127.0.0.1:0', '--python', PYTHON, '--no-access-log', '--no-standby']);
    cli.process.kill('SIGHUP');
    await cli.waitForOutput(/generation 2 serving/);
    const fresh = [...cli.output().matchAll(/Booting worker with pid: (\d+) \(generation 2\)/g)].map(([, pid]) => Number(pid));
    expect(fresh).toHaveLength(2);
    for (const pid of fresh) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).not.toContain('--standby');
    expect(standbyChildren(cli.process.pid!)).toEqual([]);
  });

  it('do not outlive a master killed with SIGKILL', async () => {
    const cli = await startCli([project('v1'), '--app', 'app:app', '--bind', '127.0.0.1:0', '--python', PYTHON, '--no-access-log']);
    const master = cli.process.pid!;
    const standbys = await waitForPids(() => {
      const pids = standbyChildren(master);
      return pids.length === 2 ? pids : null;
    }, 'two standbys');
    cli.process.kill('SIGKILL');
    await cli.exited;
    await waitFor(() => standbys.every((pid) => !isAlive(pid)), 10_000, 'the standbys gone');
  });
});
