/**
 * The gateway: a node:http front end in front of the arbiter's pre-forked Python workers.
 * `createGateway(options)` builds it; `start()` binds the port, then resolves once every worker has
 * imported the app: no request reaches a worker that is still importing (pre-fork).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Arbiter, type ArbiterOptions } from './arbiter';
import { buildEnviron } from './environ';
import { DEFAULT_LIMITS, checkDeclaredBody, checkHead, maxHeaderSizeFor, type RequestLimits } from './limits';
import { RequestFlags, type LogRecord } from './protocol';
import { Relay, type RelayObserver, type RelaySummary } from './relay';

export interface GatewayOptions extends Omit<ArbiterOptions, 'spawn'> {
  projectDir: string;
  app: string;
  python: string;
  host: string;
  port: number;
  rootPath: string;
  limits?: Partial<RequestLimits>;
  /** Ask workers for a RequestCapture in every END (the inspector's data). */
  capture: boolean;
  env?: NodeJS.ProcessEnv;
  /** Seconds an idle keep-alive connection stays open. */
  keepAlive?: number;
  /**
   * When new code fails to import on reload: `keep` serves the previous generation (default),
   * `serve` answers every request with the traceback page until the code is fixed (werkzeug-like).
   */
  reloadErrors?: 'keep' | 'serve';
  /** Runs in close() once the workers are gone, e.g. to end the zygotes of `createWorker`. */
  onClose?: () => Promise<void> | void;
}

/** The header an inspector replay carries: "<token> <replayed id> <nonce> <base64url JSON environ overrides>". */
export const REPLAY_HEADER = 'x-forkwatch-replay';

export interface Gateway {
  /** Unlocks REPLAY_HEADER: only the inspector in this process knows it. */
  readonly replayToken: string;
  /** The listening URL, once started. */
  readonly url: string;
  /** Listens, then boots the workers; rejects (after closing the port and ending the workers) if the app cannot load. */
  start(): Promise<string>;
  readonly arbiter: Arbiter;
  readonly server: http.Server;
  /** Set before requests arrive to see every exchange (the inspector's capture). */
  observer: RelayObserver | null;
  /** The app's output during a request (print, stderr, wsgi.errors, logging), for the console. */
  onLog: ((relay: Relay, record: LogRecord) => void) | null;
  /** Called once per finished request, for the access log. */
  onFinished: ((relay: Relay, summary: RelaySummary) => void) | null;
  /** Asks for capture in workers' END frames from now on. */
  setCapture(on: boolean): void;
  /** Stops accepting, lets running requests finish (graceful) or not, ends every worker. */
  close(graceful?: boolean): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const limits: RequestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const arbiter = new Arbiter({
    ...options,
    spawn: { python: options.python, app: options.app, projectDir: options.projectDir, env: options.env },
  });

  const sockets = new Set<Socket>();
  let importErrorPage: string | null = null;
  if (options.reloadErrors === 'serve') {
    arbiter.on('reload-failed', ({ failure, reason, changedFiles }) => {
      importErrorPage = renderImportErrorPage(failure?.traceback ?? reason, changedFiles);
    });
    arbiter.on('reload-finished', () => {
      importErrorPage = null;
    });
  }
  let nextRequestId = 0;
  let captureFlag = options.capture ? RequestFlags.CAPTURE : 0;

  const server = http.createServer({
    maxHeaderSize: maxHeaderSizeFor(limits),
    // Node's own 300 s request timeout would answer 408 under a slow upload the app is reading.
    requestTimeout: 0,
    keepAliveTimeout: (options.keepAlive ?? 5) * 1000,
  });

  const gateway: Gateway = {
    url: '',
    replayToken: randomBytes(18).toString('base64url'),
    arbiter,
    server,
    observer: null,
    onLog: null,
    onFinished: null,
    async start() {
      // Bound before the workers boot, like gunicorn: a taken port fails at once, not after the
      // imports, and a request that arrives meanwhile waits in the queue (as in gunicorn's
      // listen backlog) and goes to the first generation once every worker has imported the app.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch(async (error: Error) => {
        await options.onClose?.();
        throw error;
      });
      await arbiter.start().catch(async (error: Error) => {
        server.close();
        await arbiter.stop(false);
        await options.onClose?.();
        for (const socket of sockets) socket.destroy();
        throw error;
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      (gateway as { url: string }).url = `http://${host}:${port}`;
      return gateway.url;
    },
    setCapture(on) {
      captureFlag = on ? RequestFlags.CAPTURE : 0;
    },
    async close(graceful = true) {
      server.close();
      // Idle keep-alive connections would hold close() open; busy ones end after their response.
      server.closeIdleConnections();
      await arbiter.stop(graceful);
      await options.onClose?.();
      for (const socket of sockets) socket.destroy();
    },
  };

  const onRelayDone = (relay: Relay, summary: RelaySummary) => {
    arbiter.relayDone(relay);
    gateway.onFinished?.(relay, summary);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
    const socket = req.socket;
    const environ = buildEnviron(
      {
        method: req.method!,
        url: req.url!,
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        remoteAddress: socket.remoteAddress ?? '',
        remotePort: socket.remotePort ?? 0,
        localAddress: socket.localAddress ?? options.host,
        localPort: socket.localPort ?? 0,
      },
      { rootPath: options.rootPath, urlScheme: 'http' },
    );
    // From the environ rather than req.headers: Node builds that object lazily, on first use.
    const hasBody = environ.HTTP_TRANSFER_ENCODING !== undefined || Number(environ.CONTENT_LENGTH ?? 0) > 0;
    const violation =
      checkHead(req.method!, req.url!, req.httpVersion, req.rawHeaders, limits) ??
      checkDeclaredBody(environ.CONTENT_LENGTH, limits);
    let flags = captureFlag;
    if (hasBody) flags |= RequestFlags.HAS_BODY;
    if (expectContinue && hasBody) flags |= RequestFlags.EXPECT_CONTINUE;
    nextRequestId = nextRequestId >= 0xffffffff ? 1 : nextRequestId + 1;
    const replayHeader = environ.HTTP_X_FORKWATCH_REPLAY;
    const replay = replayHeader === undefined ? null : parseReplayHeader(replayHeader, gateway.replayToken);
    if (replay) {
      delete environ.HTTP_X_FORKWATCH_REPLAY;
      Object.assign(environ, replay.environ);
    }
    const relay = new Relay(nextRequestId, req, res, environ, flags, onRelayDone, gateway.observer, limits.requestBody, gateway.onLog);
    if (replay) relay.replay = { of: replay.of, nonce: replay.nonce };
    relay.announce();
    if (violation) {
      res.shouldKeepAlive = false;
      relay.reject(violation.status, `${http.STATUS_CODES[violation.status]}: ${violation.reason}`);
      return;
    }
    if (importErrorPage !== null) {
      relay.reject(500, importErrorPage);
      return;
    }
    if (!arbiter.dispatch(relay)) {
      relay.reject(503, 'Service Unavailable: all workers are busy and the backlog is full', ['Retry-After', '1']);
    }
  };

  server.on('request', (req, res) => handle(req, res, false));
  server.on('checkContinue', (req, res) => handle(req, res, true));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    if (!socket.writable || (error.code === 'ECONNRESET' && !error.rawPacket)) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error, limits);
    const text = http.STATUS_CODES[status];
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${text!.length + 1}\r\n\r\n${text}\n`);
  });

  return gateway;
}

/** Maps a parse error of Node's HTTP parser to the status gunicorn would answer with. */
export function clientErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, limits: RequestLimits): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const raw = error.rawPacket;
    const lineEnd = raw ? raw.indexOf('\r\n') : -1;
    return lineEnd === -1 || lineEnd > limits.requestLine ? 414 : 431;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Reads an inspector replay header. A wrong token makes it an ordinary header: the environ
 * overrides (REMOTE_ADDR, wsgi.url_scheme ...) are only for the inspector of this process.
 */
export function parseReplayHeader(value: string, token: string): { of: number; nonce: string; environ: Record<string, string> } | null {
  const [given, of, nonce, encoded] = value.split(' ');
  if (given !== token || !nonce) return null;
  let environ: Record<string, string> = {};
  if (encoded) {
    try {
      const parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
      if (parsed && typeof parsed === 'object') {
        environ = Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      }
    } catch {
      return null;
    }
  }
  return { of: Number(of), nonce, environ };
}

/** The page `--reload-errors serve` answers with while the new code cannot be imported. */
export function renderImportErrorPage(traceback: string, changedFiles: string[]): string {
  const changed = changedFiles.length ? ` after ${changedFiles.join(', ')} changed` : '';
  return `Internal Server Error: the app failed to import${changed}.\nFix the code and save: the server reloads by itself.\n\n${traceback.trimEnd()}`;
}
