import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../../src-main/contract';
import { createRingStore } from '../../../../src-main/gateway/capture/ring-store';
import type { StoredExchange } from '../../../../src-main/gateway/capture/store';

/** A stored exchange of a given size whose record is just its summary. */
function stored(id: number, bytes = 100, status = 200): StoredExchange {
  const summary = { id, method: 'GET', url: `/${id}`, status, outcome: 'ok', startedAt: 0, durationMs: 1, responseSize: 0, workerPid: 1, generation: 1, findingCount: 0 } as ExchangeSummary;
  return { id, bytes: () => bytes, summary: () => summary, record: () => summary as never };
}

const ids = (store: ReturnType<typeof createRingStore>) => store.summaries().map((summary) => summary.id);

describe('ring store', () => {
  it('evicts the oldest first when the count is exceeded, and tells listeners which', () => {
    const store = createRingStore({ maxExchanges: 3 });
    const evicted: number[][] = [];
    store.listen({ evicted: (gone) => evicted.push(gone) });
    for (let id = 1; id <= 5; id++) store.put(stored(id));
    expect(ids(store)).toEqual([3, 4, 5]);
    expect(evicted).toEqual([[1], [2]]);
    expect(store.get(1)).toBeUndefined();
    expect(store.get(4)?.id).toBe(4);
  });

  it('evicts by bytes, several at once when a big one arrives, and keeps the byte count exact', () => {
    const store = createRingStore({ maxExchanges: 100, maxBytes: 1000 });
    for (let id = 1; id <= 5; id++) store.put(stored(id, 200));
    expect(store.bytes).toBe(1000);
    store.put(stored(6, 700));
    expect(ids(store)).toEqual([5, 6]);
    expect(store.bytes).toBe(900);
  });

  it('replacing an exchange (pending, then complete) keeps its place in the eviction order', () => {
    const store = createRingStore({ maxExchanges: 2, maxBytes: 10_000 });
    store.put(stored(1, 10));
    store.put(stored(2, 10));
    store.put(stored(1, 500, 404)); // exchange 1 completes after 2 arrived
    expect(store.bytes).toBe(510);
    expect(store.get(1)?.status).toBe(404);
    store.put(stored(3, 10));
    expect(ids(store)).toEqual([2, 3]);
    expect(store.bytes).toBe(20);
  });

  it('stays a ring over many thousands of puts (the order queue is compacted)', () => {
    const store = createRingStore({ maxExchanges: 1000 });
    for (let id = 1; id <= 50_000; id++) store.put(stored(id, 10));
    expect(store.size).toBe(1000);
    expect(store.bytes).toBe(10_000);
    expect(ids(store)[0]).toBe(49_001);
    expect(ids(store).at(-1)).toBe(50_000);
  });

  it('clear empties it and eviction starts over', () => {
    const store = createRingStore({ maxExchanges: 2 });
    let cleared = 0;
    store.listen({ cleared: () => cleared++ });
    for (let id = 1; id <= 3; id++) store.put(stored(id));
    store.clear();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    expect(cleared).toBe(1);
    for (let id = 4; id <= 6; id++) store.put(stored(id));
    expect(ids(store)).toEqual([5, 6]);
  });
});
