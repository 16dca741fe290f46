import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '@renderer/transport/types';
import { createWsClient, wsUrlFor } from '@renderer/transport/ws-client';

/** A WebSocket stand-in the test drives: open, receive, drop. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static instances: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.instances.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000, reason = '') {
    this.drop(code, reason);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = '') {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason });
  }
}

const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1];

function makeClient() {
  const client = createWsClient({ url: 'ws://127.0.0.1:1234/ws?token=t', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, initialDelayMs: 100, maxDelayMs: 400 });
  const statuses: ConnectionStatus[] = [];
  client.onConnection((s) => statuses.push(s));
  return { client, statuses };
}

beforeEach(() => {
  FakeSocket.instances = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('wsUrlFor', () => {
  it('builds the WebSocket URL from the page location and token', () => {
    expect(wsUrlFor({ host: '127.0.0.1:4000', search: '?token=abc', protocol: 'http:' })).toBe('ws://127.0.0.1:4000/ws?token=abc');
    expect(wsUrlFor({ host: '127.0.0.1:4000', search: '', protocol: 'http:' })).toBeNull();
  });
});

describe('createWsClient', () => {
  it('sends {id, command, args} and resolves with the matching result', async () => {
    const { client } = makeClient();
    latest().open();
    const a = client.call('exchange', 7);
    const b = client.call('curl', 8);
    const [first, second] = latest().sent as { id: number; command: string; args: unknown[] }[];
    expect(first).toEqual({ id: first.id, command: 'exchange', args: [7] });
    latest().receive({ id: second.id, result: 'curl ...' });
    latest().receive({ id: first.id, error: 'no such exchange' });
    await expect(b).resolves.toBe('curl ...');
    await expect(a).rejects.toThrow('no such exchange');
  });

  it('delivers events to subscribers', () => {
    const { client } = makeClient();
    const events: unknown[] = [];
    client.subscribe((e) => events.push(e));
    latest().open();
    latest().receive({ event: { type: 'cleared' } });
    expect(events).toEqual([{ type: 'cleared' }]);
  });

  it('holds calls made before the socket opens and sends them on open', async () => {
    const { client } = makeClient();
    const answer = client.call('snapshot');
    expect(latest().sent).toEqual([]);
    latest().open();
    const [message] = latest().sent as { id: number }[];
    latest().receive({ id: message.id, result: { ok: 1 } });
    await expect(answer).resolves.toEqual({ ok: 1 });
  });

  it('reconnects with growing delays, and rejects calls in flight when the connection drops', async () => {
    const { client, statuses } = makeClient();
    latest().open();
    const inFlight = client.call('reload');
    latest().drop();
    await expect(inFlight).rejects.toThrow(/dropped/);
    expect(statuses.map((s) => s.state)).toEqual(['connecting', 'open', 'reconnecting']);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(2);
    latest().drop(); // the retry fails too: wait twice as long
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(3);
    latest().open();
    expect(statuses.at(-1)?.state).toBe('open');
  });

  it('stops for good on close()', () => {
    const { client, statuses } = makeClient();
    latest().open();
    client.close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(statuses.at(-1)?.state).toBe('closed');
  });
});
