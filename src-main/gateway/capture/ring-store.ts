/**
 * ExchangeStore as a ring: a Map in insertion (= id) order, evicting from the front when the
 * count or the byte budget is exceeded.
 */
import type { ExchangeRecord, ExchangeSummary } from '../../contract';
import { DEFAULT_STORE_LIMITS, type ExchangeStore, type StoreEvents, type StoreLimits, type StoredExchange } from './store';

/** A record that is already complete, stored as it is (tests, imports). */
export function storedRecord(record: ExchangeRecord, bytes = 1024): StoredExchange {
  return { id: record.id, bytes: () => bytes, summary: () => summarize(record), record: () => record };
}

export function summarize(record: ExchangeSummary): ExchangeSummary {
  const summary: ExchangeSummary = {
    id: record.id,
    method: record.method,
    url: record.url,
    status: record.status,
    outcome: record.outcome,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    responseSize: record.responseSize,
    workerPid: record.workerPid,
    generation: record.generation,
    findingCount: record.findingCount,
  };
  if (record.replayOf !== undefined) summary.replayOf = record.replayOf;
  return summary;
}

export function createRingStore(limits: Partial<StoreLimits> = {}): ExchangeStore {
  const resolved: StoreLimits = { ...DEFAULT_STORE_LIMITS, ...limits };
  const exchanges = new Map<number, StoredExchange>();
  const sizes = new Map<number, number>();
  // Eviction order (oldest first) as a queue with a moving head. Why not iterate the Map from its
  // front: deleted entries stay behind as holes until the Map rehashes, so walking to the oldest
  // live entry took thousands of steps per put once the ring was full.
  let order: number[] = [];
  let head = 0;
  const listeners = new Set<Partial<StoreEvents>>();
  let bytes = 0;

  const overLimits = () => exchanges.size > resolved.maxExchanges || bytes > resolved.maxBytes;

  const evict = () => {
    if (!overLimits()) return;
    // The ids only matter to listeners (a UI); without one, no array per put.
    const evicted: number[] | null = listeners.size ? [] : null;
    while (overLimits() && head < order.length) {
      const id = order[head++];
      const size = sizes.get(id);
      if (size === undefined) continue;
      exchanges.get(id)?.evicted?.();
      exchanges.delete(id);
      sizes.delete(id);
      bytes -= size;
      evicted?.push(id);
    }
    if (head > 4096 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
    if (evicted?.length) for (const listener of listeners) listener.evicted?.(evicted);
  };

  return {
    limits: resolved,
    get bytes() {
      return bytes;
    },
    get size() {
      return exchanges.size;
    },
    get listening() {
      return listeners.size > 0;
    },
    get: (id) => exchanges.get(id)?.record(),
    summaries: () => [...exchanges.values()].map((exchange) => exchange.summary()),
    records: () => [...exchanges.values()].map((exchange) => exchange.record()),
    put(exchange) {
      const size = exchange.bytes();
      const previous = sizes.get(exchange.id);
      if (previous === undefined) order.push(exchange.id);
      else bytes -= previous;
      exchanges.set(exchange.id, exchange);
      sizes.set(exchange.id, size);
      bytes += size;
      if (listeners.size) {
        const summary = exchange.summary();
        for (const listener of listeners) listener.upsert?.(summary);
      }
      evict();
    },
    clear() {
      for (const exchange of exchanges.values()) exchange.evicted?.();
      exchanges.clear();
      sizes.clear();
      order = [];
      head = 0;
      bytes = 0;
      for (const listener of listeners) listener.cleared?.();
    },
    listen(events) {
      listeners.add(events);
      return () => listeners.delete(events);
    },
  };
}
