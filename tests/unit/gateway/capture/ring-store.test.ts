import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../../src-main/contract';
import { createRingStore } from '../../../../src-main/gateway/capture/ring-store';
import type { StoredExchange } from '../../../../src-main/gateway/capture/store';
import { CapturedExchange } from '../../../../src-main/gateway/capture/captured-exchange';
import { PackArena } from '../../../../src-main/gateway/capture/pack-arena';

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

  it('stays a ring over many thousands of puts (its slots are reused)', () => {
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

/** A complete exchange as the recorder seals it (a 1000-byte body, so about 220 fit a slab). */
function sealedExchange(arena: PackArena, id: number, logs = false) {
  const exchange = new CapturedExchange(id, 'GET', `/item/${id}`, '1.1', '127.0.0.1', 1_700_000_000_000 + id, 4096);
  exchange.rawHeaders = ['Host', 'localhost'].join('\0');
  exchange.addResponseBody(Buffer.alloc(1000, id % 251));
  exchange.wireHead = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n';
  exchange.status = 200;
  exchange.outcome = 'ok';
  exchange.completeUs = 1500;
  if (logs) exchange.logs = [{ stream: 'stdout', text: `line ${id}`, time: 0 }];
  const record = exchange.record();
  return { sealed: exchange.seal(arena), record };
}

describe('ring store of sealed exchanges (kept as columns)', () => {
  it('reads back every record and summary as sealed, in order, past the first growth of the ring', () => {
    const arena = new PackArena();
    const store = createRingStore({ maxExchanges: 3000 });
    const records = [];
    for (let id = 1; id <= 2500; id++) {
      const { sealed, record } = sealedExchange(arena, id, id % 500 === 0);
      records.push(record);
      store.put(sealed);
    }
    expect(store.size).toBe(2500);
    expect(ids(store)).toEqual(records.map((record) => record.id));
    for (const id of [1, 1023, 1024, 1025, 1500, 2500]) expect(store.get(id)).toEqual(records[id - 1]);
    expect(store.get(1000)?.logs).toEqual([{ stream: 'stdout', text: 'line 1000', time: 0 }]);
    expect(store.records()).toEqual(records);
  });

  it('gives evicted slices back to the arena: a full ring runs on the same slabs', () => {
    const arena = new PackArena();
    const store = createRingStore({ maxExchanges: 500 });
    for (let id = 1; id <= 2000; id++) store.put(sealedExchange(arena, id).sealed);
    const slabs = arena.slabCount;
    for (let id = 2001; id <= 20_000; id++) store.put(sealedExchange(arena, id).sealed);
    // Without the releases, 18,000 more exchanges of 1 KB would take about 80 more slabs.
    expect(arena.slabCount).toBeLessThanOrEqual(slabs + 1);
    expect(ids(store)[0]).toBe(19_501);
    expect(store.get(19_501)?.responseBody.base64).toBe(Buffer.alloc(1000, 19_501 % 251).toString('base64'));
    expect(store.get(19_500)).toBeUndefined();
  });

  it('evicts by bytes across columns and objects', () => {
    const arena = new PackArena();
    const first = sealedExchange(arena, 1).sealed;
    const size = first.bytes();
    const store = createRingStore({ maxExchanges: 100, maxBytes: size * 3 });
    store.put(first);
    store.put(stored(2, size));
    store.put(sealedExchange(arena, 3).sealed);
    store.put(sealedExchange(arena, 4).sealed);
    expect(ids(store)).toEqual([2, 3, 4]);
    expect(store.bytes).toBe(size * 3);
  });

  it('clear gives every slice back: refilling takes the same slabs again', () => {
    const arena = new PackArena();
    const store = createRingStore({ maxExchanges: 5000 });
    for (let id = 1; id <= 1500; id++) store.put(sealedExchange(arena, id).sealed);
    const slabs = arena.slabCount;
    store.clear();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    for (let id = 1501; id <= 3000; id++) store.put(sealedExchange(arena, id).sealed);
    expect(arena.slabCount).toBeLessThanOrEqual(slabs + 1);
    expect(store.get(3000)?.url).toBe('/item/3000');
  });
});
