/**
 * The ingest queue between the transport and the stores (STYLE #13).
 *
 * Events only enqueue. One flush per animation frame (or after FALLBACK_MS, since a hidden
 * tab gets no frames) applies up to MAX_BATCH events with one setState per store touched:
 * 1,000 events in a frame cost one render, not 1,000. Rows change in place (RowTable).
 */
import type { ArbiterLogEntry, InspectorEvent, ServerInfo, WorkerStatus } from '@contract';
import { invalidateDetails, resetDetailsStore } from '../stores/details/store';
import { applyRowChanges, type RowChange } from '../stores/exchanges/store';
import { setServer } from '../stores/server/store';
import { applyWorkerUpdates } from '../stores/workers/store';

/** Events applied per flush; the rest wait for the next frame. */
export const MAX_BATCH = 2000;
const FALLBACK_MS = 250;

export type Scheduler = (flush: () => void) => () => void;

/** requestAnimationFrame, with a timer as a floor for background tabs. */
export const frameScheduler: Scheduler = (flush) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    flush();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, FALLBACK_MS);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

export interface Ingest {
  push(event: InspectorEvent): void;
  /** Applies what is queued now (tests; the scheduler calls it otherwise). */
  flush(): void;
  /** Forgets queued events: a snapshot replaces them. */
  drop(): void;
  dispose(): void;
}

export function createIngest(options: { schedule?: Scheduler; onResync: () => void }): Ingest {
  const schedule = options.schedule ?? frameScheduler;
  let queue: InspectorEvent[] = [];
  let cancel: (() => void) | null = null;

  const request = () => {
    cancel ??= schedule(() => {
      cancel = null;
      flush();
    });
  };

  const flush = () => {
    if (cancel) {
      cancel();
      cancel = null;
    }
    const batch = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue.splice(0);
    if (queue.length > 0) request();
    if (applyEvents(batch)) options.onResync();
  };

  return {
    push(event) {
      queue.push(event);
      request();
    },
    flush,
    drop() {
      queue = [];
    },
    dispose() {
      cancel?.();
      cancel = null;
      queue = [];
    },
  };
}

/** Applies a batch: one setState per store. Returns true when the host asked for a resync. */
export function applyEvents(events: readonly InspectorEvent[]): boolean {
  let server: ServerInfo | undefined;
  let workers: WorkerStatus[] | undefined;
  const arbiter: ArbiterLogEntry[] = [];
  const rowChanges: RowChange[] = [];
  const changedIds: number[] = [];
  let cleared = false;
  let resync = false;
  for (const event of events) {
    switch (event.type) {
      case 'server':
        server = event.server;
        break;
      case 'workers':
        workers = event.workers;
        break;
      case 'exchanges':
        rowChanges.push({ kind: 'upsert', rows: event.exchanges });
        for (const row of event.exchanges) changedIds.push(row.id);
        break;
      case 'evicted':
        rowChanges.push({ kind: 'evict', ids: event.ids });
        break;
      case 'cleared':
        rowChanges.push({ kind: 'clear' });
        cleared = true;
        break;
      case 'arbiter':
        arbiter.push(...event.entries);
        break;
      case 'resync':
        resync = true;
        break;
    }
  }
  if (server) setServer(server);
  if (workers || arbiter.length > 0) applyWorkerUpdates({ workers, arbiter: arbiter.length > 0 ? arbiter : undefined });
  applyRowChanges(rowChanges);
  // After a clear the host has none of the cached records: drop them all.
  if (cleared) resetDetailsStore();
  else if (changedIds.length > 0) invalidateDetails(changedIds);
  return resync;
}
