/**
 * The inspector over a real gateway: a gateway (real Python workers), real capture, the host,
 * and optionally the browser transport; plus a tiny reference WebSocket client, written here
 * the way a renderer would (the renderer team writes the real one).
 */
import WebSocket from 'ws';
import type { CommandArgs, CommandName, CommandResult, InspectorEvent, ServerMessage } from '../../../src-main/contract';
import { createCapture, type Capture } from '../../../src-main/gateway/capture';
import { createGateway, type Gateway, type GatewayOptions } from '../../../src-main/gateway/gateway';
import { createInspectorHost, type InspectorHost, type InspectorHostOptions } from '../../../src-main/host/inspector-host';
import { startBrowserTransport, type BrowserTransport, type BrowserTransportOptions } from '../../../src-main/host/ws-transport';
import { fixtureGatewayOptions } from '../support/servers';

export interface Inspected {
  gateway: Gateway;
  capture: Capture;
  host: InspectorHost;
  transport: BrowserTransport | null;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Ends everything the tests started (newest first), even after a failure. */
export async function stopInspected(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export interface InspectedOptions {
  gateway?: Partial<GatewayOptions>;
  host?: Partial<InspectorHostOptions>;
  /** Start the browser transport too (with these options). */
  transport?: Omit<BrowserTransportOptions, 'host'> | false;
  /** Don't wait for start() (for failing boots): the promise is returned instead. */
  noStart?: boolean;
}

/** Builds gateway + capture + host before start(), as the CLI does, then starts. */
export async function startInspected(app: string, options: InspectedOptions = {}): Promise<Inspected & { started: Promise<string> }> {
  const gatewayOptions = fixtureGatewayOptions(app, { capture: true, ...options.gateway });
  const gateway = createGateway(gatewayOptions);
  cleanups.push(() => gateway.close(false));
  const capture = createCapture(gateway);
  const host = createInspectorHost({
    gateway,
    capture,
    info: { projectDir: gatewayOptions.projectDir, app: gatewayOptions.app, python: gatewayOptions.python },
    ...options.host,
  });
  cleanups.push(() => host.close());
  const started = gateway.start();
  if (!options.noStart) await started;
  else started.catch(() => {});
  let transport: BrowserTransport | null = null;
  if (options.transport !== undefined && options.transport !== false) {
    transport = await startBrowserTransport({ host, ...options.transport });
    const opened = transport;
    cleanups.push(() => opened.close());
  }
  return { gateway, capture, host, transport, started };
}

/** Resolves when `probe` holds, checked whenever `subscribe`'s source says something changed; rejects after timeoutMs. */
export function until<T>(probe: () => T | undefined | null | false, onChange: (check: () => void) => () => void, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const check = () => {
      const value = probe();
      if (!value) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    stop = onChange(check);
    check();
  });
}

/** Collects a host's events in process (what the Electron IPC transport would forward). */
export function recordEvents(host: InspectorHost) {
  const events: InspectorEvent[] = [];
  const waiters = new Set<() => void>();
  const unsubscribe = host.subscribe((event) => {
    events.push(event);
    for (const waiter of [...waiters]) waiter();
  });
  cleanups.push(unsubscribe);
  return {
    events,
    /** The first event from index `from` on that `probe` maps to a truthy value. */
    waitFor<T>(probe: (event: InspectorEvent) => T | undefined | null | false, what = 'event', from = 0, timeoutMs = 15_000): Promise<T> {
      let index = from;
      return until(
        () => {
          for (; index < events.length; index++) {
            const value = probe(events[index]);
            if (value) return value;
          }
          return undefined;
        },
        (check) => {
          waiters.add(check);
          return () => waiters.delete(check);
        },
        timeoutMs,
        what,
      );
    },
    unsubscribe,
  };
}

/** A reference client of the WebSocket transport: ClientMessage out, ServerMessage in. */
export class ReferenceClient {
  readonly events: { event: InspectorEvent; at: number }[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if ('event' in message) {
        this.events.push({ event: message.event, at: performance.now() });
        for (const waiter of [...this.waiters]) waiter();
        return;
      }
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if ('error' in message) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
    socket.on('close', () => {
      for (const call of this.pending.values()) call.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<ReferenceClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      socket.once('open', () => {
        const client = new ReferenceClient(socket);
        cleanups.push(() => client.close());
        resolve(client);
      });
      socket.once('unexpected-response', (_req, res) => {
        socket.terminate();
        reject(Object.assign(new Error(`refused with ${res.statusCode}`), { statusCode: res.statusCode }));
      });
      socket.once('error', reject);
    });
  }

  call<K extends CommandName>(command: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> {
    return this.send(command, args) as Promise<CommandResult<K>>;
  }

  /** Sends anything, for tests of what the server refuses. */
  send(command: string, args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, command, args }));
    });
  }

  waitForEvent<T>(probe: (event: InspectorEvent) => T | undefined | null | false, what = 'event', from = 0, timeoutMs = 15_000): Promise<T> {
    let index = from;
    return until(
      () => {
        for (; index < this.events.length; index++) {
          const value = probe(this.events[index].event);
          if (value) return value;
        }
        return undefined;
      },
      (check) => {
        this.waiters.add(check);
        return () => this.waiters.delete(check);
      },
      timeoutMs,
      what,
    );
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export function wsUrl(transport: BrowserTransport, token: string | null = transport.token): string {
  return `ws://127.0.0.1:${transport.port}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}
