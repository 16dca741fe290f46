/**
 * A WebSocket client that stops reading must not grow the server's memory: once its send
 * buffer is over budget its events are held, past `maxQueue` dropped, and it gets one resync.
 * A stand-in host drives the real transport and batcher with large events (no gateway needed).
 */
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectorEvent } from '../../../src-main/contract';
import { EventBatcher } from '../../../src-main/host/event-batcher';
import type { HostCommands, InspectorHost } from '../../../src-main/host/inspector-host';
import { startBrowserTransport, type BrowserTransport } from '../../../src-main/host/ws-transport';
import { ReferenceClient, stopInspected, wsUrl } from './harness';

let transport: BrowserTransport | null = null;
afterAll(async () => {
  await stopInspected();
  await transport?.close();
});

describe('a client that stops reading', () => {
  it('gets one resync instead of an unbounded backlog', async () => {
    const batcher = new EventBatcher();
    const host: InspectorHost = {
      commands: {} as HostCommands,
      dispatch: async () => null,
      subscribe: (listener, options) => batcher.subscribe(listener, options),
      close: () => batcher.close(),
    };
    transport = await startBrowserTransport({ host, rendererDir: '/nonexistent', sendBudget: 256 * 1024, maxQueue: 20 });
    const client = await ReferenceClient.connect(wsUrl(transport));
    const raw = (client.socket as unknown as { _socket: Socket })._socket;
    raw.pause();

    const detail = 'x'.repeat(64 * 1024);
    const big = (seq: number): InspectorEvent => ({ type: 'arbiter', entries: [{ seq, time: 0, kind: 'spawned', message: `entry ${seq}`, detail }] });
    const total = 600; // ~38 MiB: more than any loopback socket buffers hold
    for (let seq = 1; seq <= total; seq++) {
      batcher.push(big(seq));
      batcher.flush();
      // Let the socket write what the kernel takes, as it would between real batches.
      if (seq % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    raw.resume();
    await client.waitForEvent((event) => event.type === 'resync', 'resync', 0, 20_000);
    // After the resync, new events flow again.
    batcher.push({ type: 'cleared' });
    batcher.flush();
    await client.waitForEvent((event) => event.type === 'cleared', 'an event after the resync', 0, 20_000);

    const kinds = client.events.map(({ event }) => event.type);
    expect(kinds.filter((kind) => kind === 'resync')).toHaveLength(1);
    const delivered = client.events.filter(({ event }) => event.type === 'arbiter').length;
    expect(delivered).toBeLessThan(total);
    // Everything before the resync arrived in order, with no gaps: dropped events are all after it.
    const seqs = client.events.flatMap(({ event }) => (event.type === 'arbiter' ? event.entries.map((e) => e.seq) : []));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(kinds.indexOf('resync')).toBe(delivered);
  });
});
