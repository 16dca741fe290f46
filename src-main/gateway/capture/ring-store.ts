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
  const entries = new Map<number, { exchange: StoredExchange; bytes: number }>();
  const listeners = new Set<Partial<StoreEvents>>();
  let bytes = 0;

  const evict = () => {
    if (entries.size <= resolved.maxExchanges && bytes <= resolved.maxBytes) return;
    const evicted: number[] = [];
    for (const [id, entry] of entries) {
      if (entries.size <= resolved.maxExchanges && bytes <= resolved.maxBytes) break;
      entries.delete(id);
      bytes -= entry.bytes;
      evicted.push(id);
    }
    if (evicted.length) for (const listener of listeners) listener.evicted?.(evicted);
  };

  return {
    limits: resolved,
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
    get listening() {
      return listeners.size > 0;
    },
    get: (id) => entries.get(id)?.exchange.record(),
    summaries: () => [...entries.values()].map((entry) => entry.exchange.summary()),
    records: () => [...entries.values()].map((entry) => entry.exchange.record()),
    put(exchange) {
      const size = exchange.bytes();
      const previous = entries.get(exchange.id);
      if (previous) bytes -= previous.bytes;
      entries.set(exchange.id, { exchange, bytes: size });
      bytes += size;
      if (listeners.size) {
        const summary = exchange.summary();
        for (const listener of listeners) listener.upsert?.(summary);
      }
      evict();
    },
    clear() {
      entries.clear();
      bytes = 0;
      for (const listener of listeners) listener.cleared?.();
    },
    listen(events) {
      listeners.add(events);
      return () => listeners.delete(events);
    },
  };
}
