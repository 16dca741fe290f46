import { describe, expect, it } from 'vitest';
import type { InspectorEvent } from '../../../src-main/contract';
import type { EventListener } from '../../../src-main/host/event-batcher';
import { forwardEvents } from '../../../src-main/electron/event-forwarder';

function fakeHost() {
  const listeners = new Set<EventListener>();
  return {
    listeners,
    subscribe(listener: EventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(...events: InspectorEvent[]) {
      for (const event of events) for (const listener of listeners) listener(event);
    },
  };
}

describe('forwardEvents', () => {
  it("sends one host batch (a burst of synchronous calls) as one IPC message", async () => {
    const host = fakeHost();
    const sent: InspectorEvent[][] = [];
    forwardEvents(host, (batch) => sent.push(batch));
    host.emit({ type: 'cleared' }, { type: 'workers', workers: [] }, { type: 'evicted', ids: [1] });
    expect(sent).toEqual([]);
    await Promise.resolve();
    expect(sent).toEqual([[{ type: 'cleared' }, { type: 'workers', workers: [] }, { type: 'evicted', ids: [1] }]]);
    host.emit({ type: 'resync' });
    await Promise.resolve();
    expect(sent).toHaveLength(2);
  });

  it('stops sending, also what was pending, once unsubscribed', async () => {
    const host = fakeHost();
    const sent: InspectorEvent[][] = [];
    const stop = forwardEvents(host, (batch) => sent.push(batch));
    host.emit({ type: 'cleared' });
    stop();
    await Promise.resolve();
    expect(sent).toEqual([]);
    expect(host.listeners.size).toBe(0);
  });
});
