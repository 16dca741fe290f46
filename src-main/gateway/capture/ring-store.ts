/**
 * ExchangeStore as a ring: a Map in insertion (= id) order, evicting from the front when the
 * count or the byte budget is exceeded.
 */
import type { ExchangeRecord, ExchangeSummary } from '../../contract';
import { DEFAULT_STORE_LIMITS, type ExchangeStore, type StoreEvents, type StoreLimits } from './store';

/** Fixed cost of a record beyond what we count field by field (objects, numbers, small strings). */
const RECORD_OVERHEAD = 1024;

/** Approximate memory a record holds: the big variable parts dominate. */
export function recordBytes(record: ExchangeRecord): number {
  let bytes = RECORD_OVERHEAD + record.requestBody.base64.length + record.responseBody.base64.length + (record.stack?.length ?? 0);
  for (const [key, value] of record.environ) bytes += key.length + value.length + 16;
  for (const [key, value] of record.requestHeaders) bytes += key.length + value.length + 16;
  for (const [key, value] of record.responseHeaders) bytes += key.length + value.length + 16;
  for (const line of record.logs) bytes += line.text.length + 64;
  if (record.error) bytes += record.error.traceback.length;
  return bytes;
}

export function summarize(record: ExchangeRecord): ExchangeSummary {
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

/**
 * @param materialize builds a record's deferred fields on first read (the recorder defers the
 *   costly ones); identity by default.
 * @param pendingBytes bytes a record holds in parts not built yet, for the byte budget.
 */
export function createRingStore(
  limits: Partial<StoreLimits> = {},
  materialize: (record: ExchangeRecord) => ExchangeRecord = (record) => record,
  pendingBytes: (record: ExchangeRecord) => number = () => 0,
): ExchangeStore {
  const resolved: StoreLimits = { ...DEFAULT_STORE_LIMITS, ...limits };
  const records = new Map<number, { record: ExchangeRecord; bytes: number }>();
  const listeners = new Set<Partial<StoreEvents>>();
  let bytes = 0;

  const evict = () => {
    const evicted: number[] = [];
    for (const [id, entry] of records) {
      if (records.size <= resolved.maxExchanges && bytes <= resolved.maxBytes) break;
      records.delete(id);
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
      return records.size;
    },
    get listening() {
      return listeners.size > 0;
    },
    get(id) {
      const entry = records.get(id);
      return entry && materialize(entry.record);
    },
    summaries: () => [...records.values()].map((entry) => summarize(entry.record)),
    records: () => [...records.values()].map((entry) => materialize(entry.record)),
    put(record) {
      const size = recordBytes(record) + pendingBytes(record);
      const previous = records.get(record.id);
      if (previous) bytes -= previous.bytes;
      records.set(record.id, { record, bytes: size });
      bytes += size;
      if (listeners.size) {
        const summary = summarize(record);
        for (const listener of listeners) listener.upsert?.(summary);
      }
      evict();
    },
    clear() {
      records.clear();
      bytes = 0;
      for (const listener of listeners) listener.cleared?.();
    },
    listen(events) {
      listeners.add(events);
      return () => listeners.delete(events);
    },
  };
}
