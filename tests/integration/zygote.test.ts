/** --preload: one zygote per generation imports the app and forks the workers (real Python, through the CLI). */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPS_DIR, PYTHON, launchCli, startCli, startGateway, stopAll, waitFor, type CliServer } from './support/servers';
import { standbyChildren } from './support/procs';
import { ZygoteSupervisor } from '../../src-main/gateway/zygote';

afterEach(stopAll);

const LINUX = process.platform === 'linux';

/**
 * Appends its pid to imports.log at import time; answers "pid ppid". Its sleeps are the app's
 * simulated work, not waits of the test: IMPORT_SECONDS makes an import slow enough for a second
 * reload to land while the first generation boots, /sleep?S keeps a worker busy for a stack dump.
 * The tests themselves wait on state (events, log lines, worker states).
 */
const APP = `import os, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "imports.log"), "a") as f:
    f.write("%d\\n" % os.getpid())

time.sleep(float(os.environ.get("IMPORT_SECONDS", "0")))

def app(environ, start_response):
    if environ["PATH_INFO"] == "/raw":
        os.write(2, b"raw stderr from %d\\n" % os.getpid())
    if environ["PATH_INFO"] == "/sleep":
        def sleeping_in_the_app():
            os.write(2, b"sleeping_in_the_app started\\n")
            time.sleep(float(environ["QUERY_STRING"]))
        sleeping_in_the_app()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("%d %d" % (os.getpid(), os.getppid())).encode()]
`;

function project(source = APP): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-preload-'));
  writeFileSync(path.join(dir, 'app.py'), source);
  return dir;
}

const preloadArgs = (dir: string, ...extra: string[]) => [dir, '--app', 'app:app', '--bind', '127.0.0.1:0', '--python', PYTHON, '--preload', '--no-access-log', ...extra];

function imports(dir: string): string[] {
  return readFileSync(path.join(dir, 'imports.log'), 'utf8').split('\n').filter(Boolean);
}

function zygotes(output: string): { pid: number; generation: number }[] {
  return [...output.matchAll(/Preloading the app in zygote pid: (\d+) \(generation (\d+)\)/g)].map(([, pid, generation]) => ({ pid: Number(pid), generation: Number(generation) }));
}

/** Worker pids the CLI has announced and not yet seen exit. */
function livePids(output: string): Set<number> {
  const pids = new Set<number>();
  for (const [, pid] of output.matchAll(/Booting worker with pid: (\d+)/g)) pids.add(Number(pid));
  for (const [, pid] of output.matchAll(/Worker (\d+) exited/g)) pids.delete(Number(pid));
  return pids;
}

/** The parent pid, from /proc/<pid>/stat (field 4, after the parenthesised command name). */
function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // A zombie still answers kill(0): it is dead all the same.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function served(cli: CliServer, times: number): Promise<{ pid: number; ppid: number }[]> {
  const answers = [];
  for (let i = 0; i < times; i++) {
    const [pid, ppid] = (await (await fetch(cli.url)).text()).split(' ').map(Number);
    answers.push({ pid, ppid });
  }
  return answers;
}

describe.runIf(LINUX)('--preload', () => {
  it('serves from workers forked by the zygote, which imported the app once', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '3'));
    const [zygote] = zygotes(cli.output());
    expect(zygote.generation).toBe(1);
    const workers = [...livePids(cli.output())];
    expect(workers).toHaveLength(3);
    for (const pid of workers) expect(ppidOf(pid)).toBe(zygote.pid);
    expect(ppidOf(zygote.pid)).toBe(cli.process.pid);
    for (const answer of await served(cli, 12)) {
      expect(workers).toContain(answer.pid);
      expect(answer.ppid).toBe(zygote.pid);
    }
    expect(imports(dir)).toEqual([String(zygote.pid)]);
  });

  it('imports once more per HUP reload, and the old zygote leaves with its workers', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '3'));
    const [first] = zygotes(cli.output());
    cli.process.kill('SIGHUP');
    await cli.waitForOutput(/generation 2 serving/);
    const second = zygotes(cli.output()).find((zygote) => zygote.generation === 2)!;
    expect(imports(dir)).toEqual([String(first.pid), String(second.pid)]);
    for (const answer of await served(cli, 9)) expect(answer.ppid).toBe(second.pid);
    await cli.waitForOutput(new RegExp(`Zygote ${first.pid} exited with code 0`));
    await waitFor(() => gone(first.pid), 5000, 'the old zygote to be gone');
  });

  it('replaces a killed worker with a new fork, without importing again', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '2'));
    const [zygote] = zygotes(cli.output());
    const [victim] = livePids(cli.output());
    process.kill(victim, 'SIGKILL');
    await cli.waitForOutput(new RegExp(`Worker ${victim} exited with signal SIGKILL`));
    const workers = (await waitFor(() => {
      const live = [...livePids(cli.output())];
      return live.length === 2 && !live.includes(victim) ? live : null;
    }, 10_000, 'a replacement'))!;
    for (const pid of workers) expect(ppidOf(pid)).toBe(zygote.pid);
    expect(imports(dir)).toHaveLength(1);
    for (const answer of await served(cli, 6)) expect(answer.pid).not.toBe(victim);
  });

  it('keeps the old generation serving when the reloaded code has a syntax error, and shows the traceback', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '2'));
    const [first] = zygotes(cli.output());
    writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response:\n    pass\n');
    cli.process.kill('SIGHUP');
    await cli.waitForOutput(/Reload failed/);
    const broken = zygotes(cli.output()).find((zygote) => zygote.generation === 2)!;
    expect(cli.output()).toMatch(new RegExp(`Worker ${broken.pid} failed to load the app:\\n[^]*SyntaxError`));
    expect(cli.output()).toMatch(/app\.py/);
    // One import attempt, one traceback, no respawn loop.
    expect(cli.output().match(/failed to load the app/g)).toHaveLength(1);
    for (const answer of await served(cli, 6)) expect(answer.ppid).toBe(first.pid);
    expect(gone(broken.pid) || (await waitFor(() => gone(broken.pid), 5000, 'the broken zygote to exit'))).toBe(true);

    writeFileSync(path.join(dir, 'app.py'), APP);
    cli.process.kill('SIGHUP');
    await cli.waitForOutput(/generation 3 serving/);
    const third = zygotes(cli.output()).find((zygote) => zygote.generation === 3)!;
    for (const answer of await served(cli, 6)) expect(answer.ppid).toBe(third.pid);
  });

  it('halts with the traceback when the first generation cannot import, without a respawn loop', async () => {
    const dir = project('def app(environ, start_response):\n    return [b"x"\n');
    const cli = launchCli(preloadArgs(dir));
    expect(await cli.exited).not.toBe(0);
    expect(cli.output()).toMatch(/SyntaxError/);
    expect(zygotes(cli.output())).toHaveLength(1);
    for (const { pid } of zygotes(cli.output())) expect(gone(pid)).toBe(true);
  });

  it('tags a worker raw stderr with its own pid, and dumps its stack on timeout', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '2'));
    const [pid] = (await (await fetch(cli.url + '/raw')).text()).split(' ');
    await cli.waitForOutput(new RegExp(`\\[${pid}\\] raw stderr from ${pid}`));

    const sleepy = await startCli([APPS_DIR, '--app', 'wsgi_apps:sleepy', '--bind', '127.0.0.1:0', '--python', PYTHON, '--preload', '--workers', '1', '--timeout', '1']);
    expect((await fetch(sleepy.url + '/?30')).status).toBe(504);
    await sleepy.waitForOutput(/WORKER TIMEOUT/);
    await sleepy.waitForOutput(/sleeping_in_the_app/);
    expect((await fetch(sleepy.url + '/?0')).status).toBe(200);
  });

  it('answers every request of a client loop running through HUP reloads', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir));
    const statuses: number[] = [];
    const client = async () => {
      for (let i = 0; i < 100; i++) statuses.push((await fetch(cli.url)).status);
    };
    const reloader = async () => {
      for (let generation = 2; generation <= 4; generation++) {
        cli.process.kill('SIGHUP');
        await cli.waitForOutput(new RegExp(`generation ${generation} serving`));
      }
    };
    await Promise.all([client(), client(), reloader()]);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(imports(dir)).toHaveLength(4);
    // Generations 1-3 leave with their workers.
    await waitFor(() => zygotes(cli.output()).filter(({ pid }) => !gone(pid)).length === 1, 10_000, 'one zygote left');
  });

  it('stops everything on TERM: workers, zygote, master', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '3'));
    const pids = [...zygotes(cli.output()).map(({ pid }) => pid), ...livePids(cli.output())];
    expect(pids).toHaveLength(4);
    cli.process.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    await waitFor(() => pids.every(gone), 5000, 'every worker and the zygote to be gone');
    expect(cli.output()).toMatch(/Zygote \d+ exited with code 0/);
  });

  it('leaves no zygote or worker behind when the master is killed', async () => {
    const dir = project();
    const cli = await startCli(preloadArgs(dir, '--workers', '3'));
    cli.process.kill('SIGHUP');
    await cli.waitForOutput(/generation 2 serving/);
    // The standby zygote parked for the next reload, too.
    const standby = (await waitFor(() => standbyChildren(cli.process.pid!).find((pid) => !zygotes(cli.output()).some((z) => z.pid === pid)), 10_000, 'a standby zygote'))!;
    const pids = [standby, ...zygotes(cli.output()).map(({ pid }) => pid), ...livePids(cli.output())];
    // The zygote's argv names the master's socket: its directory outlives a SIGKILL ...
    const argv = readFileSync(`/proc/${standby}/cmdline`, 'utf8').split('\0');
    const socketDir = path.dirname(argv[argv.indexOf('--zygote') + 1]);
    cli.process.kill('SIGKILL');
    await cli.exited;
    await waitFor(() => pids.every(gone), 10_000, 'every zygote and worker to be gone');
    // ... until the next supervisor starts.
    expect(existsSync(socketDir)).toBe(true);
    await new ZygoteSupervisor({ python: PYTHON, app: 'app:app', projectDir: dir }).close();
    expect(existsSync(socketDir)).toBe(false);
  });
});

/** The supervisor used directly, as an embedder would (createWorker + onClose + attach). */
describe.runIf(LINUX)('ZygoteSupervisor in a gateway', () => {
  async function preloaded(dir: string, env: NodeJS.ProcessEnv = process.env) {
    const zygotes = new ZygoteSupervisor({ python: PYTHON, app: 'app:app', projectDir: dir, env });
    const gateway = await startGateway('unused', { projectDir: dir, app: 'app:app', env, createWorker: zygotes.createWorker, onClose: () => zygotes.close() });
    zygotes.attach(gateway.arbiter);
    return { zygotes, gateway };
  }
  const answer = async (url: string) => (await (await fetch(url)).text()).split(' ').map(Number);

  it('kills the half-booted zygote of a reload superseded by another', async () => {
    const dir = project();
    const { zygotes, gateway } = await preloaded(dir, { ...process.env, IMPORT_SECONDS: '0.5' });
    const exited: number[] = [];
    zygotes.on('zygote-exited', ({ generation }) => exited.push(generation));
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload();
    gateway.arbiter.reload();
    const [{ generation }] = await finished;
    expect(generation).toBe(3);
    await waitFor(() => zygotes.list().length === 1, 5000, 'only the serving zygote');
    expect(zygotes.list()[0].generation).toBe(3);
    expect(exited.sort()).toEqual([1, 2]);
    const [, ppid] = await answer(gateway.url);
    expect(ppid).toBe(zygotes.list()[0].pid);
  });

  it('replaces the workers of a zygote that died with a new zygote of the same generation', async () => {
    const dir = project();
    const { zygotes, gateway } = await preloaded(dir);
    const [first] = zygotes.list();
    const before = gateway.arbiter.list().map((worker) => worker.pid);
    process.kill(first.pid, 'SIGKILL');
    await waitFor(() => {
      const workers = gateway.arbiter.list();
      return workers.length === 2 && workers.every((worker) => worker.state === 'idle' && !before.includes(worker.pid));
    }, 10_000, 'two new workers');
    const [second] = zygotes.list();
    expect(second.generation).toBe(1);
    expect(second.pid).not.toBe(first.pid);
    for (const pid of before) expect(gone(pid)).toBe(true);
    const [, ppid] = await answer(gateway.url);
    expect(ppid).toBe(second.pid);
    expect(imports(dir)).toEqual([String(first.pid), String(second.pid)]);
  });

  it('dumps the stack of a busy forked worker through its zygote', async () => {
    const dir = project();
    const { gateway } = await preloaded(dir);
    const lines: { pid: number; text: string }[] = [];
    gateway.arbiter.on('console', (info: { pid: number }, line: { text: string }) => lines.push({ pid: info.pid, text: line.text }));
    const pending = fetch(gateway.url + '/sleep?1');
    const busy = await waitFor(() => gateway.arbiter.list().find((worker) => worker.state === 'busy'), 5000, 'a busy worker');
    // The app says so once it is inside sleeping_in_the_app.
    await waitFor(() => lines.some(({ pid, text }) => pid === busy!.pid && text.includes('sleeping_in_the_app started')), 5000, 'the app to start sleeping');
    const stack = await gateway.arbiter.dumpStack(busy!.pid);
    expect(stack).toMatch(/sleeping_in_the_app/);
    expect((await pending).status).toBe(200);
  });

  const parkedStandby = (zygotes: ZygoteSupervisor, not?: number) =>
    waitFor(() => {
      const pid = zygotes.standbyPid();
      return pid !== null && pid !== not && !gone(pid) ? pid : null;
    }, 10_000, 'a standby zygote');

  it('preloads a reload in the standby zygote, which imports the app only then', async () => {
    const dir = project();
    const { zygotes, gateway } = await preloaded(dir);
    const standby = (await parkedStandby(zygotes))!;
    expect(imports(dir)).not.toContain(String(standby));
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload(['app.py']);
    await finished;
    expect(zygotes.list()).toContainEqual({ pid: standby, generation: 2 });
    const [, ppid] = await answer(gateway.url);
    expect(ppid).toBe(standby);
    expect(imports(dir).at(-1)).toBe(String(standby));
    // The next reload gets a new standby.
    expect(await parkedStandby(zygotes, standby)).not.toBe(standby);
  });

  it('replaces a standby zygote that dies', async () => {
    const { zygotes, gateway } = await preloaded(project());
    const standby = (await parkedStandby(zygotes))!;
    process.kill(standby, 'SIGKILL');
    const next = (await parkedStandby(zygotes, standby))!;
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload(['app.py']);
    await finished;
    const [, ppid] = await answer(gateway.url);
    expect(ppid).toBe(next);
  });

  it('close() ends the zygotes and removes the socket directory', async () => {
    const dir = project();
    const { zygotes, gateway } = await preloaded(dir);
    const standby = (await parkedStandby(zygotes))!;
    const pids = [standby, ...zygotes.list().map(({ pid }) => pid), ...gateway.arbiter.list().map(({ pid }) => pid)];
    await gateway.close();
    expect(zygotes.list()).toEqual([]);
    await waitFor(() => pids.every(gone), 5000, 'every process to be gone');
    expect(existsSync(path.dirname(zygotes.socketPath))).toBe(false);
  });
});
