/**
 * One open project in the desktop app: the gateway the CLI would build for it (cli/serve.ts
 * `prepare`), its capture and inspector host, and the --reload watcher, started and stopped
 * together. No Electron here: the shell hands the host to the IPC transport and calls
 * `close()` on the way out.
 *
 * Capture and host are built here as cli/inspector.ts's attachInspector builds them, not through
 * it: it ties the host to --ui and loads the browser transport, which the window does not use.
 */
import { statSync } from 'node:fs';
import net from 'node:net';
import { parseServeArgs, type ServeConfig } from '../cli/args';
import { createLogger, type Logger } from '../cli/log';
import { logArbiterEvents, prepare } from '../cli/serve';
import { createCapture, type Capture } from '../gateway/capture';
import type { Gateway } from '../gateway/gateway';
import { resolveAppSpec } from '../gateway/project';
import { createReloader, type Reloader } from '../gateway/reload';
import { createInspectorHost, type InspectorHost } from '../host/inspector-host';
import { stopWithDeadline, type StopOutcome } from './shutdown';

/** How long running requests get to finish when a project closes, then how long the kill may take. */
export const CLOSE_GRACE_MS = 5_000;
export const CLOSE_FORCE_MS = 3_000;

export interface SessionConfig {
  config: ServeConfig;
  /** --bind was given: use that port or fail, never another one. */
  explicitBind: boolean;
  /** Options that did not parse (they are then all ignored), for the log. */
  warning: string | null;
}

/** The serve config for `folder`: `forkwatch serve FOLDER [options]`, minus what the CLI alone does. */
export function resolveSessionConfig(folder: string, serveOptions: readonly string[] = []): SessionConfig {
  let warning: string | null = null;
  let parsed = parseServeArgs(['serve', folder, ...serveOptions]);
  if (!parsed.ok) {
    warning = `ignoring ${serveOptions.join(' ')}: ${'error' in parsed ? parsed.error : 'not a serve option'}`;
    parsed = parseServeArgs(['serve', folder]);
  }
  if (!parsed.ok) throw new Error(`cannot serve ${folder}`);
  const explicitBind = serveOptions.some((option) => /^(?:--bind(?:=|$)|-b)/.test(option));
  // The window is the UI, and --record is the CLI's (HAR export is a command here).
  const config: ServeConfig = { ...parsed.config, ui: false, record: undefined };
  return { config, explicitBind, warning };
}

/** Why `config.projectDir` cannot be served, or null: checked before the open project is closed. */
export function checkProject(config: ServeConfig): string | null {
  try {
    if (!statSync(config.projectDir).isDirectory()) return `${config.projectDir} is not a folder`;
  } catch {
    return `${config.projectDir} does not exist`;
  }
  try {
    resolveAppSpec(config.projectDir, config.app);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

export type SessionStatus = 'starting' | 'running' | 'failed' | 'closing' | 'closed';

export interface ProjectSession {
  /** The project folder (absolute). */
  readonly folder: string;
  readonly config: ServeConfig;
  readonly gateway: Gateway;
  readonly capture: Capture;
  readonly host: InspectorHost;
  readonly status: SessionStatus;
  /** Resolves with the gateway's URL once the workers serve; rejects if the app cannot load. */
  readonly started: Promise<string>;
  /** Stops the gateway (graceful, then forced on a deadline), then the host. Idempotent. */
  close(): Promise<StopOutcome>;
}

export interface SessionDeps {
  log?: Logger;
  isPortFree?: (host: string, port: number) => Promise<boolean>;
  graceMs?: number;
  forceMs?: number;
}

/**
 * Builds and starts the session. Throws (nothing started) when the project has no app; resolves
 * as soon as the workers are booting, so the window can show the boot (or its failure: the
 * host keeps the traceback, `status` becomes 'failed').
 */
export async function openProjectSession(resolved: SessionConfig, deps: SessionDeps = {}): Promise<ProjectSession> {
  const log = deps.log ?? createLogger();
  let config = resolved.config;
  if (resolved.warning) log.warn(resolved.warning);
  // gunicorn's port 8000 is what a user expects, but a desktop app should open even when it is taken.
  if (!resolved.explicitBind && config.port !== 0 && !(await (deps.isPortFree ?? isPortFree)(config.host, config.port))) {
    log.warn(`Port ${config.port} is in use: listening on a free port instead`);
    config = { ...config, port: 0 };
  }

  const prepared = prepare(config, log);
  const { gateway } = prepared;
  logArbiterEvents(gateway, log, config.accessLog, config.reloadErrors);
  // Capture and host as the CLI builds them (cli/inspector.ts), before start() to see the boot.
  const capture = createCapture(gateway, {
    mode: config.capture ? 'on' : 'off',
    bodyLimit: config.captureBodyLimit,
    storeLimits: { maxExchanges: config.captureMaxExchanges, maxBytes: config.captureMaxBytes },
  });
  const host = createInspectorHost({
    gateway,
    capture,
    info: { projectDir: config.projectDir, app: prepared.app, python: prepared.python },
  });

  let status: SessionStatus = 'starting';
  let closing: Promise<StopOutcome> | null = null;
  let reloader: Reloader | null = null;
  const started = gateway.start().then(
    (url) => {
      if (closing) {
        // Closed while booting: the listen happened after close() ran; undo it.
        void gateway.close(false);
        throw new Error('closed while starting');
      }
      status = 'running';
      log.info(`Listening at: ${url} (${process.pid})`);
      // --reload: watch once the app is served, as the CLI does.
      if (config.reload) {
        reloader = createReloader({
          projectDir: config.projectDir,
          arbiter: gateway.arbiter,
          include: config.reloadInclude,
          exclude: config.reloadExclude,
          onError: (error) => log.warn(`Reloader: ${error.message}`),
        });
      }
      return url;
    },
    (error: Error) => {
      if (!closing) {
        status = 'failed';
        log.error(`App failed to load: ${error.message}`);
      }
      throw error;
    },
  );
  // Observed through `status` and the host's server events; callers may await it too.
  started.catch(() => {});

  return {
    folder: config.projectDir,
    config,
    gateway,
    capture,
    host,
    started,
    get status() {
      return status;
    },
    close() {
      closing ??= (async () => {
        status = 'closing';
        await reloader?.close();
        const outcome = await stopWithDeadline({
          graceful: () => gateway.close(true),
          force: () => gateway.close(false),
          graceMs: deps.graceMs ?? CLOSE_GRACE_MS,
          forceMs: deps.forceMs ?? CLOSE_FORCE_MS,
        });
        host.close();
        capture.detach();
        status = 'closed';
        log.info(outcome === 'graceful' ? 'Shutting down: Master' : `Shutting down: Master (${outcome})`);
        return outcome;
      })();
      return closing;
    },
  };
}

/** Whether nothing listens on host:port (a bind test; anything but EADDRINUSE counts as free). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'EADDRINUSE'));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
