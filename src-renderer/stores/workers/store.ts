/** Workers and the arbiter's event log. */
import { create } from 'zustand';
import type { ArbiterLogEntry, WorkerStatus } from '@contract';
import { recordRssSamples, resetRssHistory } from './rss-history';

/** Arbiter log lines kept in the UI (the host keeps its own bounded log). */
export const ARBITER_LOG_LIMIT = 500;

export interface WorkersState {
  workers: WorkerStatus[];
  /** performance.now() when `workers` arrived: busy timers count on from it. */
  sampledAt: number;
  arbiterLog: ArbiterLogEntry[];
}

const initialState = (): WorkersState => ({ workers: [], sampledAt: 0, arbiterLog: [] });

export const useWorkersStore = create<WorkersState>()(initialState);

/** One update per flush: new worker statuses and/or arbiter lines. */
export function applyWorkerUpdates(update: { workers?: WorkerStatus[]; arbiter?: ArbiterLogEntry[]; replaceLog?: boolean }): void {
  const next: Partial<WorkersState> = {};
  if (update.workers) {
    // History first: the sparklines redraw from it when the store notifies them.
    recordRssSamples(update.workers);
    next.workers = update.workers;
    next.sampledAt = performance.now();
  }
  if (update.arbiter) {
    const base = update.replaceLog ? [] : useWorkersStore.getState().arbiterLog;
    const seen = new Set(base.map((e) => e.seq));
    const merged = base.concat(update.arbiter.filter((e) => !seen.has(e.seq)));
    next.arbiterLog = merged.length > ARBITER_LOG_LIMIT ? merged.slice(-ARBITER_LOG_LIMIT) : merged;
  }
  if (Object.keys(next).length > 0) useWorkersStore.setState(next);
}

export function resetWorkersStore(): void {
  resetRssHistory();
  useWorkersStore.setState(initialState(), true);
}
