/**
 * `forkwatch serve` argument parsing: gunicorn's flag names where gunicorn has the flag.
 * Pure: argv in, a resolved config or an error message out.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';

export interface ServeConfig {
  projectDir: string;
  app?: string;
  python?: string;
  host: string;
  port: number;
  workers: number;
  timeout: number;
  gracefulTimeout: number;
  maxRequests: number;
  maxRequestsJitter: number;
  backlog: number;
  rootPath: string;
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  limitRequestBody: number;
  capture: boolean;
  /** Poll instead of sleeping while cores are spare (lower latency, a little CPU): ArbiterOptions.busyPoll. */
  busyPoll: boolean;
  /** The capture ring's bounds and the bytes of each body kept. */
  captureMaxExchanges: number;
  captureMaxBytes: number;
  captureBodyLimit: number;
  ui: boolean;
  record?: string;
  reload: boolean;
  /** --reload-include / --reload-exclude globs (.gitignore syntax), repeatable. */
  reloadInclude: string[];
  reloadExclude: string[];
  /** When reloaded code fails to import: keep serving the old code, or serve the traceback. */
  reloadErrors: 'keep' | 'serve';
  /** Import the app once per generation in a zygote that forks the workers. */
  preload: boolean;
  /**
   * Keep interpreters (or, with preload, a zygote) started ahead, parked before the app's
   * import, so a reload or a new worker does not wait for a Python start (--no-standby: off).
   */
  standby: boolean;
  accessLog: boolean;
}

export const USAGE = `Usage: forkwatch serve [DIR] [options]

Serves the WSGI app in DIR (default: the current folder) with pre-forked Python workers.

Options:
  --app MODULE:CALLABLE      the WSGI app (gunicorn syntax; module:factory() too). Default: guessed
  --workers N                worker processes (default 2)
  --bind HOST:PORT           where to listen (default 127.0.0.1:8000; port 0 = any free port)
  --timeout S                kill a worker whose request runs longer (default 30; 0 = never)
  --graceful-timeout S       time workers get to finish on reload/stop (default 30)
  --max-requests N           recycle a worker after N requests (default 0 = never)
  --max-requests-jitter N    add up to N random requests to --max-requests (default 0)
  --backlog N                requests that may wait for a worker before 503 (default 2048)
  --python PATH              interpreter (default: DIR/.venv, DIR/venv, then python3 on PATH)
  --root-path P              mount point, passed as SCRIPT_NAME (default "")
  --limit-request-line N     longest request line in bytes (default 8190)
  --limit-request-fields N   most header fields (default 100)
  --limit-request-field-size N  longest header field in bytes (default 8190)
  --limit-request-body N     largest request body in bytes (default 0 = unlimited)
  --no-capture               do not record exchanges (raw speed)
  --capture-max-exchanges N  exchanges kept, oldest evicted first (default 5000)
  --capture-max-bytes N      bytes kept for them (default 268435456 = 256 MiB)
  --capture-body-limit N     bytes of each request/response body kept (default 1048576)
  --no-access-log            do not print the access log
  --no-busy-poll             never poll while waiting (saves a little CPU, slower answers at low load)
  --ui                       serve the inspector UI in the browser and print its URL
  --record FILE.har          write every captured exchange to FILE.har on shutdown
  --reload                   restart workers when project files change (*.py, templates, config)
  --reload-include GLOB      also reload on these files (.gitignore syntax, repeatable)
  --reload-exclude GLOB      never reload on these files or folders (repeatable)
  --reload-errors keep|serve when new code fails to import: keep serving the old code
                             (default), or answer with the traceback until it is fixed
  --preload                  import the app once (per reload) and fork the workers from it
  --no-standby               do not keep Python processes started ahead for the next reload
                             or worker (saves their memory; reloads take longer)
  -h, --help                 show this help

Signals: HUP reload, TTIN/TTOU one worker more/less, TERM graceful stop, INT quick stop.`;

export type ParseResult = { ok: true; config: ServeConfig } | { ok: false; error: string } | { ok: false; help: true };

export function parseServeArgs(argv: string[], cwd = process.cwd()): ParseResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        app: { type: 'string' },
        workers: { type: 'string', short: 'w' },
        bind: { type: 'string', short: 'b' },
        timeout: { type: 'string', short: 't' },
        'graceful-timeout': { type: 'string' },
        'max-requests': { type: 'string' },
        'max-requests-jitter': { type: 'string' },
        backlog: { type: 'string' },
        python: { type: 'string' },
        'root-path': { type: 'string' },
        'limit-request-line': { type: 'string' },
        'limit-request-fields': { type: 'string' },
        'limit-request-field-size': { type: 'string' },
        'limit-request-body': { type: 'string' },
        'no-capture': { type: 'boolean' },
        'capture-max-exchanges': { type: 'string' },
        'capture-max-bytes': { type: 'string' },
        'capture-body-limit': { type: 'string' },
        'no-access-log': { type: 'boolean' },
        'no-busy-poll': { type: 'boolean' },
        ui: { type: 'boolean' },
        record: { type: 'string' },
        reload: { type: 'boolean' },
        'reload-include': { type: 'string', multiple: true },
        'reload-exclude': { type: 'string', multiple: true },
        'reload-errors': { type: 'string' },
        preload: { type: 'boolean' },
        'no-standby': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: false, help: true };
  const [command, dir, ...extra] = positionals;
  if (command !== 'serve') return { ok: false, error: command ? `unknown command "${command}"` : 'missing command "serve"' };
  if (extra.length) return { ok: false, error: `unexpected argument "${extra[0]}"` };

  try {
    const bind = parseBind(values.bind ?? '127.0.0.1:8000');
    const config: ServeConfig = {
      projectDir: path.resolve(cwd, dir ?? '.'),
      app: values.app,
      python: values.python,
      host: bind.host,
      port: bind.port,
      workers: count('--workers', values.workers, 2, 1),
      timeout: count('--timeout', values.timeout, 30),
      gracefulTimeout: count('--graceful-timeout', values['graceful-timeout'], 30),
      maxRequests: count('--max-requests', values['max-requests'], 0),
      maxRequestsJitter: count('--max-requests-jitter', values['max-requests-jitter'], 0),
      backlog: count('--backlog', values.backlog, 2048),
      rootPath: values['root-path'] ?? '',
      limitRequestLine: count('--limit-request-line', values['limit-request-line'], 8190, 1),
      limitRequestFields: count('--limit-request-fields', values['limit-request-fields'], 100, 1),
      limitRequestFieldSize: count('--limit-request-field-size', values['limit-request-field-size'], 8190, 1),
      limitRequestBody: count('--limit-request-body', values['limit-request-body'], 0),
      capture: !values['no-capture'],
      captureMaxExchanges: count('--capture-max-exchanges', values['capture-max-exchanges'], 5000, 1),
      captureMaxBytes: count('--capture-max-bytes', values['capture-max-bytes'], 256 * 1024 * 1024, 1),
      captureBodyLimit: count('--capture-body-limit', values['capture-body-limit'], 1024 * 1024),
      accessLog: !values['no-access-log'],
      busyPoll: !values['no-busy-poll'],
      ui: values.ui ?? false,
      record: values.record,
      reload: values.reload ?? false,
      reloadInclude: values['reload-include'] ?? [],
      reloadExclude: values['reload-exclude'] ?? [],
      reloadErrors: oneOf('--reload-errors', values['reload-errors'], ['keep', 'serve'] as const, 'keep'),
      preload: values.preload ?? false,
      standby: !values['no-standby'],
    };
    if (config.rootPath && !config.rootPath.startsWith('/')) throw new Error('--root-path must start with "/"');
    return { ok: true, config };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** "HOST:PORT", ":PORT", "PORT", "[::1]:PORT" or "HOST" (port 8000). */
export function parseBind(bind: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(bind) ?? /^()()(\d+)$/.exec(bind);
  if (!match) throw new Error(`--bind "${bind}" is not HOST:PORT`);
  const host = match[1] ?? (match[2] || '127.0.0.1');
  const port = match[3] === undefined ? 8000 : Number(match[3]);
  if (port > 65535) throw new Error(`--bind port ${port} is out of range`);
  if (/^\d+$/.test(bind)) return { host: '127.0.0.1', port: Number(bind) };
  return { host, port };
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} takes ${allowed.join(' or ')}, not "${value}"`);
  return value as T;
}

function count(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || (flag !== '--timeout' && flag !== '--graceful-timeout' && !Number.isInteger(number))) {
    throw new Error(`${flag} takes a ${min > 0 ? 'positive' : 'non-negative'} number, not "${value}"`);
  }
  return number;
}
