/**
 * The browser transport: the inspector over HTTP + WebSocket on 127.0.0.1, for
 * `forkwatch serve --ui` without Electron.
 *
 *   GET  /?token=T              the built renderer's index.html
 *   GET  /assets/...            the renderer's static files (no secrets: no token needed)
 *   GET  /api/snapshot?token=T  the current InspectorSnapshot as JSON (debugging)
 *   WS   /ws?token=T            ClientMessage in, ServerMessage out (JSON text frames)
 *
 * Every request and upgrade must carry Host 127.0.0.1:<port>, localhost:<port> or
 * [::1]:<port> (403 otherwise), and the page, API and WebSocket the token (403 otherwise).
 * Commands are validated (validateCommand) before they run; events are batched by the host,
 * and a connection whose send buffer is over budget gets one `resync` instead of a backlog.
 */
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, InspectorEvent, ServerMessage } from '../contract';
import { isAllowedHost, isAllowedOrigin, newToken, tokenMatches } from './http-guard';
import type { InspectorHost } from './inspector-host';
import { contentTypeFor, defaultRendererDir, resolveStaticFile } from './static-files';

export interface BrowserTransportOptions {
  host: InspectorHost;
  /** The built renderer (default: the package's out/renderer). */
  rendererDir?: string;
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** Bytes a connection may have unsent before its events are held (default 4 MiB). */
  sendBudget?: number;
  /** Events held for a congested connection before it gets a resync instead (default 1,000). */
  maxQueue?: number;
  /** Largest message a client may send (default 64 MiB: a replay's base64 body). */
  maxPayload?: number;
  /** ms between pings; a connection that missed one pong is ended (default 30,000). */
  heartbeatMs?: number;
}

export interface BrowserTransport {
  /** The page's URL, token included: what `forkwatch serve --ui` prints. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

const BIND_HOST = '127.0.0.1';

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The token is in the page's URL: never send it on in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startBrowserTransport(options: BrowserTransportOptions): Promise<BrowserTransport> {
  const { host } = options;
  const rendererDir = path.resolve(options.rendererDir ?? defaultRendererDir());
  const token = newToken();
  const sendBudget = options.sendBudget ?? 4 * 1024 * 1024;
  const maxQueue = options.maxQueue ?? 1000;
  let port = 0;

  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 * 1024, perMessageDeflate: false });
  /** Each event is serialised once, however many connections it goes to. */
  const wire = new WeakMap<InspectorEvent, string>();
  const serialise = (event: InspectorEvent): string => {
    let text = wire.get(event);
    if (text === undefined) {
      text = JSON.stringify({ event } satisfies ServerMessage);
      wire.set(event, text);
    }
    return text;
  };

  server.on('request', (req, res) => {
    void handleRequest(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Internal error: ${error.message}\n`);
      else res.destroy();
    });
  });

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isAllowedHost(req.headers.host, port)) {
      send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: this server answers only to 127.0.0.1, localhost or [::1] on its own port.\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${BIND_HOST}:${port}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      return;
    }
    const pathname = url.pathname;
    const needsToken = pathname === '/' || pathname === '/index.html' || pathname.startsWith('/api/') || pathname === '/ws';
    if (needsToken && !tokenMatches(url.searchParams.get('token'), token)) {
      send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: missing or wrong token. Open the inspector URL that forkwatch printed.\n');
      return;
    }
    if (pathname === '/api/snapshot') {
      const snapshot = await host.commands.snapshot();
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify(snapshot), { 'Cache-Control': 'no-store' });
      return;
    }
    if (pathname === '/ws') {
      send(res, 426, 'text/plain; charset=utf-8', 'Upgrade Required: /ws is a WebSocket endpoint\n', { Upgrade: 'websocket' });
      return;
    }
    const index = path.join(rendererDir, 'index.html');
    if (pathname === '/' || pathname === '/index.html') {
      let html: Buffer;
      try {
        html = await readFile(index);
      } catch {
        send(res, 503, 'text/html; charset=utf-8', notBuiltPage(rendererDir), { 'Cache-Control': 'no-store' });
        return;
      }
      send(res, 200, 'text/html; charset=utf-8', html, { 'Cache-Control': 'no-store' });
      return;
    }
    const file = await resolveStaticFile(rendererDir, pathname);
    if (!file) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    const body = await readFile(file);
    // Vite's assets carry a content hash in their names: safe to cache.
    const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    send(res, 200, contentTypeFor(file), body, { 'Cache-Control': cache });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => {
      const text = `${reason}\n`;
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    };
    if (!isAllowedHost(req.headers.host, port)) return refuse(403, 'Forbidden: wrong Host');
    if (!isAllowedOrigin(req.headers.origin, port)) return refuse(403, 'Forbidden: wrong Origin');
    const url = new URL(req.url ?? '/', `http://${BIND_HOST}:${port}`);
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(403, 'Forbidden: missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => serveConnection(ws));

  const serveConnection = (ws: WebSocket) => {
    let alive = true;
    ws.on('pong', () => (alive = true));
    const reply = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = host.subscribe(
      (event) => {
        if (ws.readyState === ws.OPEN) ws.send(serialise(event));
      },
      { congested: () => ws.bufferedAmount > sendBudget, maxQueue },
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reply({ id: -1, error: 'messages are JSON text' });
      const parsed = parseClientMessage(data.toString());
      if ('error' in parsed) return reply({ id: parsed.id, error: parsed.error });
      const { id, command, args } = parsed;
      host.dispatch(command, args).then(
        (result) => reply({ id, result: result === undefined ? null : result }),
        (error: unknown) => reply({ id, error: error instanceof Error ? error.message : String(error) }),
      );
    });
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, options.heartbeatMs ?? 30_000);
    heartbeat.unref();
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, BIND_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : (options.port ?? 0);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${BIND_HOST}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'server closing');
        wss.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Clients that do not answer the close handshake promptly are cut off.
        const cutoff = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
          server.closeAllConnections();
        }, 1000);
        cutoff.unref();
      });
      return closing;
    },
  };
}

/** A ClientMessage, or why it is not one (with its id when it has one). */
export function parseClientMessage(text: string): ClientMessage | { id: number; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: -1, error: 'message is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { id: -1, error: 'message must be an object {id, command, args}' };
  const message = value as Record<string, unknown>;
  const id = message.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { id: -1, error: 'message needs an integer id' };
  if (typeof message.command !== 'string') return { id, error: 'message needs a command name' };
  const args = message.args === undefined ? [] : message.args;
  if (!Array.isArray(args)) return { id, error: 'args must be an array' };
  return { id, command: message.command as ClientMessage['command'], args };
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': contentType, 'Content-Length': bytes.length });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

function notBuiltPage(rendererDir: string): string {
  const escaped = rendererDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Forkwatch: inspector not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>The inspector is not built</h1>
<p>There is no <code>index.html</code> in <code>${escaped}</code>.</p>
<p>Run <code>npm run build</code> in the forkwatch folder, then reload this page.</p>
<p>The server itself is running: requests to the app are served and recorded meanwhile.</p>
</body>
</html>
`;
}
