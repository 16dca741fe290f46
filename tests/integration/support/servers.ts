/**
 * Real servers for the integration tests: the gateway in-process, or the CLI as its own process
 * (for signals and memory), both on 127.0.0.1 with a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createGateway, type Gateway, type GatewayOptions } from '../../../src-main/gateway/gateway';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const APPS_DIR = path.join(REPO, 'tests/fixtures/apps');
export const PYTHON = process.env.FORKWATCH_TEST_PYTHON ?? 'python3';

const running = new Set<{ stop(): Promise<void> }>();

/** Ends whatever a test started, even when it failed midway. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
  running.clear();
}

/** Gateway options for a fixture app ("name" in wsgi_apps.py, or "module:callable"). */
export function fixtureGatewayOptions(app: string, overrides: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    projectDir: APPS_DIR,
    app: app.includes(':') ? app : `wsgi_apps:${app}`,
    python: PYTHON,
    host: '127.0.0.1',
    port: 0,
    rootPath: '',
    workers: 2,
    timeout: 30,
    gracefulTimeout: 10,
    maxRequests: 0,
    maxRequestsJitter: 0,
    backlog: 2048,
    capture: false,
    ...overrides,
  };
}

export async function startGateway(app: string, overrides: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const gateway = createGateway(fixtureGatewayOptions(app, overrides));
  running.add({ stop: () => gateway.close(false) });
  await gateway.start();
  return gateway;
}

export interface CliServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `forkwatch serve` as its own process and waits for its "Listening at" line. */
export async function startCli(args: string[], options: { cwd?: string } = {}): Promise<CliServer> {
  const cli = launchCli(args, options);
  const [, url] = await cli.waitForOutput(/Listening at: (http:\/\/\S+)/);
  cli.url = url;
  cli.port = Number(new URL(url).port);
  return cli;
}

/** Runs `forkwatch serve` without waiting for it to listen (for failures at boot). */
export function launchCli(args: string[], options: { cwd?: string } = {}): CliServer {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/forkwatch.cjs'), 'serve', ...args], {
    cwd: options.cwd ?? REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onText = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', onText);
  child.stderr!.on('data', onText);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const server: CliServer = {
    url: '',
    port: 0,
    process: child,
    output: () => text,
    exited,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern} in output:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => setImmediate(() => {
          if (!waiters.has(check)) return;
          check();
          if (waiters.has(check)) {
            cleanup();
            reject(new Error(`process exited while waiting for ${pattern}; output:\n${text}`));
          }
        }));
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(deadline);
      return code;
    },
  };
  running.add({ stop: async () => void (await server.stop()) });
  return server;
}

/** Polls `probe` until it returns a truthy value (state, not time, ends the wait). */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** RSS of a process in bytes, from /proc. */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
