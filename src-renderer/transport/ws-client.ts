/**
 * The browser transport: InspectorClient over the host's WebSocket (`/ws?token=...`).
 *
 * Calls are `{id, command, args}` answered by `{id, result}` or `{id, error}`; events come as
 * `{event}`. Calls made while disconnected wait for the next connection; calls in flight when
 * it drops are rejected (the host may or may not have run them). A dropped connection is
 * retried with exponential backoff; the session reloads a snapshot on every (re)connect, since
 * events sent meanwhile are lost.
 */
import type { ClientMessage, CommandArgs, CommandName, CommandResult, InspectorEvent, ServerMessage } from '@contract';
import type { ConnectionStatus, RendererClient } from './types';

export interface WsClientOptions {
  url: string;
  /** For tests: a WebSocket-compatible constructor. */
  WebSocketImpl?: typeof WebSocket;
  /** First retry delay; doubles per failure up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

interface Pending {
  text: string;
  /** Sent on the current socket (else waiting in the outbox). */
  sent: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** The WebSocket URL for a page served by the host at http://127.0.0.1:PORT/?token=T. */
export function wsUrlFor(location: Pick<Location, 'host' | 'search' | 'protocol'>): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}

export function createWsClient(options: WsClientOptions): RendererClient {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 8000;
  const eventListeners = new Set<(event: InspectorEvent) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, Pending>();
  /** Ids of calls waiting for an open socket. */
  const outbox: number[] = [];
  let status: ConnectionStatus = { state: 'connecting' };
  let socket: WebSocket | null = null;
  let nextId = 1;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const listener of statusListeners) listener(status);
  };

  const connect = () => {
    const ws = new Impl(options.url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      setStatus({ state: 'open' });
      for (const id of outbox.splice(0)) {
        const call = pending.get(id);
        if (!call) continue;
        call.sent = true;
        ws.send(call.text);
      }
    };
    ws.onmessage = (message: MessageEvent) => handleMessage(String(message.data));
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      const reason = event.reason || (event.code === 1006 ? 'connection lost' : `closed (${event.code})`);
      for (const [id, call] of pending) {
        if (!call.sent) continue;
        pending.delete(id);
        call.reject(new Error(`The connection to forkwatch dropped: ${reason}`));
      }
      if (closed) return setStatus({ state: 'closed', detail: reason });
      const delay = Math.min(maxDelay, initialDelay * 2 ** failures);
      failures += 1;
      setStatus({ state: 'reconnecting', detail: `${reason}; retrying in ${Math.round(delay / 100) / 10} s` });
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (!closed) connect();
      }, delay);
    };
    // Errors are followed by close, which does the work.
    ws.onerror = () => {};
  };

  const handleMessage = (text: string) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of eventListeners) listener(message.event);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if ('error' in message) call.reject(new Error(message.error));
    else call.resolve(message.result);
  };

  connect();

  return {
    call<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> {
      if (closed) return Promise.reject(new Error('The inspector connection is closed.'));
      const id = nextId++;
      const text = JSON.stringify({ id, command: name, args } satisfies ClientMessage);
      return new Promise((resolve, reject) => {
        const open = socket !== null && socket.readyState === Impl.OPEN;
        pending.set(id, { text, sent: open, resolve: resolve as (value: unknown) => void, reject });
        if (open) socket!.send(text);
        else outbox.push(id);
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      outbox.length = 0;
      for (const call of pending.values()) call.reject(new Error('The inspector connection is closed.'));
      pending.clear();
      if (socket) socket.close(1000, 'closed by the page');
      else setStatus({ state: 'closed' });
    },
  };
}
