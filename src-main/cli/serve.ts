/**
 * `forkwatch serve`: the headless gateway with gunicorn's logs and signals.
 */
import { createGateway, type Gateway } from '../gateway/gateway';
import { formatAccessLine } from '../gateway/access-log';
import { resolveAppSpec, resolvePython } from '../gateway/project';
import type { ServeConfig } from './args';
import type { Logger } from './log';
import { describeChanges } from '../gateway/reload/describe';
import { ZygoteSupervisor } from '../gateway/zygote';
import { tuneGarbageCollector } from '../gateway/gc-tuning';

export const VERSION = '0.1.0';

/** Builds the gateway for a project (not started yet: attach listeners, then `start()`). */
export function prepare(config: ServeConfig, log: Logger): { gateway: Gateway; app: string; python: string } {
  const app = resolveAppSpec(config.projectDir, config.app);
  const python = resolvePython(config.projectDir, config.python);
  log.info(`Starting forkwatch ${VERSION}`);
  log.info(`Serving ${app} from ${config.projectDir} with ${python}`);
  tuneGarbageCollector();

  const zygotes = config.preload ? preloader({ python, app, projectDir: config.projectDir }, config.standby, log) : null;
  const gateway = createGateway({
    ...(zygotes && { createWorker: zygotes.createWorker, onClose: () => zygotes.close() }),
    standby: config.standby,
    projectDir: config.projectDir,
    app,
    python,
    host: config.host,
    port: config.port,
    rootPath: config.rootPath,
    workers: config.workers,
    timeout: config.timeout,
    gracefulTimeout: config.gracefulTimeout,
    maxRequests: config.maxRequests,
    maxRequestsJitter: config.maxRequestsJitter,
    backlog: config.backlog,
    capture: config.capture,
    busyPoll: config.busyPoll,
    reloadErrors: config.reloadErrors,
    limits: {
      requestLine: config.limitRequestLine,
      requestFields: config.limitRequestFields,
      requestFieldSize: config.limitRequestFieldSize,
      requestBody: config.limitRequestBody,
    },
  });
  zygotes?.attach(gateway.arbiter);
  return { gateway, app, python };
}

/** --preload: one zygote per generation imports the app and forks the workers. */
function preloader(spawn: { python: string; app: string; projectDir: string }, standby: boolean, log: Logger): ZygoteSupervisor {
  const zygotes = new ZygoteSupervisor(spawn, standby);
  zygotes.on('zygote-spawned', ({ pid, generation }) => log.info(`Preloading the app in zygote pid: ${pid} (generation ${generation})`));
  zygotes.on('zygote-ready', ({ pid, generation, ms }) => log.info(`Zygote ${pid} (generation ${generation}) imported the app in ${ms} ms`));
  zygotes.on('zygote-exited', ({ pid }, exit) => log.info(`Zygote ${pid} exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`));
  zygotes.on('fork-failed', ({ pid }, error) => log.error(`Zygote ${pid} could not fork a worker: ${error.type}: ${error.message}`));
  zygotes.on('console', ({ pid }, line) => (line.stream === 'stderr' ? process.stderr : process.stdout).write(`[${pid}] ${line.text}\n`));
  return zygotes;
}

/** Wires the arbiter's events to the log, the way gunicorn reports its workers. */
export function logArbiterEvents(gateway: Gateway, log: Logger, accessLog: boolean, reloadErrors: 'keep' | 'serve' = 'keep'): void {
  const { arbiter } = gateway;
  arbiter.on('worker-spawned', (worker) => log.info(`Booting worker with pid: ${worker.pid} (generation ${worker.generation})`));
  arbiter.on('worker-exited', (worker, exit) => {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    const line = `Worker ${worker.pid} exited with ${how} (${exit.reason})`;
    if (exit.reason === 'crashed') log.error(line);
    else log.info(line);
  });
  arbiter.on('worker-timeout', (worker, stack) => {
    log.error(`WORKER TIMEOUT (pid:${worker.pid}): request ${worker.requestId} ran past the timeout; its Python stack:\n${stack.trimEnd() || '(no stack dump received)'}`);
  });
  arbiter.on('boot-failed', (worker, failure) => log.error(`Worker ${worker.pid} failed to load the app:\n${failure.traceback.trimEnd()}`));
  arbiter.on('console', (worker, line) => (line.stream === 'stderr' ? process.stderr : process.stdout).write(`[${worker.pid}] ${line.text}\n`));
  arbiter.on('reload-started', ({ generation, changedFiles }) =>
    log.info(changedFiles.length ? `Reloading: ${describeChanges(changedFiles)} changed (generation ${generation})` : `Reloading: starting generation ${generation}`),
  );
  arbiter.on('reload-finished', ({ generation, ms, changedFiles }) => {
    if (generation <= 1) return;
    log.info(changedFiles.length ? `Reloaded in ${ms} ms: ${describeChanges(changedFiles)} changed (generation ${generation})` : `Reloaded: generation ${generation} serving after ${ms} ms`);
  });
  arbiter.on('reload-failed', ({ reason, failure, changedFiles }) => {
    // A SyntaxError's message already names the file and line; an ImportError's does not.
    const known = failure?.lineno !== undefined && reason.includes(`line ${failure.lineno}`);
    const where = failure?.filename && !known ? ` (${failure.filename}${failure.lineno ? `, line ${failure.lineno}` : ''})` : '';
    const after = changedFiles.length ? ` after ${describeChanges(changedFiles)} changed` : '';
    const meanwhile = reloadErrors === 'serve' ? 'answering with the traceback until it is fixed' : 'the previous generation keeps serving';
    log.error(`Reload failed${after}, ${meanwhile}: ${reason}${where}`);
  });
  arbiter.on('scaled', ({ from, to }) => log.info(`Workers: ${from} -> ${to}`));

  gateway.onLog = (relay, record) => {
    const stream = record.stream === 'stdout' ? process.stdout : process.stderr;
    stream.write(`[${relay.worker?.pid ?? '?'}] ${record.text}\n`);
  };
  if (accessLog) {
    gateway.onFinished = (relay, summary) => {
      const req = relay.req;
      process.stdout.write(
        formatAccessLine({
          remoteAddress: relay.environ.REMOTE_ADDR,
          time: new Date(),
          method: req.method ?? '-',
          url: req.url ?? '-',
          httpVersion: req.httpVersion,
          status: summary.status,
          bytesSent: summary.bytesSent,
          referer: relay.environ.HTTP_REFERER,
          userAgent: relay.environ.HTTP_USER_AGENT,
          durationMs: relay.dispatchedAt ? performance.now() - relay.dispatchedAt : 0,
        }) + '\n',
      );
    };
  }
}

/** gunicorn's signals: HUP reload, TTIN/TTOU +/-1 worker, TERM graceful stop, INT quick stop. */
export function handleSignals(gateway: Gateway, log: Logger, onStopped: (code: number) => void): void {
  const { arbiter } = gateway;
  let stoppingSince = 0;
  const stop = (graceful: boolean) => {
    if (stoppingSince) {
      // A terminal's Ctrl-C reaches the whole process group, and `npm start` forwards it too:
      // only a second, deliberate signal forces the exit.
      if (Date.now() - stoppingSince < 1000) return;
      log.warn('Forced exit');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info(graceful ? 'Handling signal: term; stopping gracefully' : 'Handling signal: int; stopping now');
    gateway.close(graceful).then(
      () => {
        log.info('Shutting down: Master');
        onStopped(0);
      },
      (error: Error) => {
        log.error(`Shutdown failed: ${error.message}`);
        onStopped(1);
      },
    );
  };
  process.on('SIGHUP', () => {
    log.info('Handling signal: hup');
    arbiter.reload();
  });
  process.on('SIGTTIN', () => arbiter.scale(arbiter.workerCount + 1));
  process.on('SIGTTOU', () => arbiter.scale(arbiter.workerCount - 1));
  process.on('SIGTERM', () => stop(true));
  process.on('SIGINT', () => stop(false));
}
