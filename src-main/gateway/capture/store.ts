/**
 * The exchange store: an in-memory ring bounded by count and by bytes, oldest evicted first.
 */
import type { ExchangeRecord, ExchangeSummary } from '../../contract';

export interface StoreLimits {
  /** Most exchanges kept (default 5,000). */
  maxExchanges: number;
  /** Most bytes kept, counting captured bodies, environ and logs (default 256 MiB). */
  maxBytes: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { maxExchanges: 5000, maxBytes: 256 * 1024 * 1024 };

/** What the store holds per exchange: compact, with the full record built on demand. */
export interface StoredExchange {
  readonly id: number;
  /** Approximate bytes held. */
  bytes(): number;
  summary(): ExchangeSummary;
  /** The full record, built on each call (a cached one would pin its bodies as base64). */
  record(): ExchangeRecord;
  /** Called when the store drops it, so it can give back what it holds; not read again after. */
  evicted?(): void;
}

export interface StoreEvents {
  /** A new or updated exchange (pending, then complete). */
  upsert(summary: ExchangeSummary): void;
  evicted(ids: number[]): void;
  cleared(): void;
}

export interface ExchangeStore {
  readonly limits: StoreLimits;
  /** Approximate bytes held. */
  readonly bytes: number;
  readonly size: number;
  /** True while someone listens (a UI): then pending rows are worth publishing. */
  readonly listening: boolean;
  get(id: number): ExchangeRecord | undefined;
  /** Summaries in id order (oldest first). */
  summaries(): ExchangeSummary[];
  /** Every record in id order. */
  records(): ExchangeRecord[];
  /** Adds or replaces an exchange, then evicts past the limits. */
  put(exchange: StoredExchange): void;
  clear(): void;
  /** Listeners (the host's event batching). */
  listen(events: Partial<StoreEvents>): () => void;
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
