/**
 * A short RSS history per worker pid, for the sparklines. Kept outside React state: the
 * sparkline redraws its SVG path from here through a transient store subscription (zustand
 * "Transient updates"), so a new sample does not re-render the workers panel.
 */
import type { WorkerStatus } from '@contract';
import { pushSample } from '../../model/sparkline';

export const RSS_HISTORY_LENGTH = 60;

const history = new Map<number, number[]>();

export function recordRssSamples(workers: readonly WorkerStatus[]): void {
  const live = new Set<number>();
  for (const worker of workers) {
    live.add(worker.pid);
    const samples = history.get(worker.pid) ?? [];
    pushSample(samples, worker.rss, RSS_HISTORY_LENGTH);
    history.set(worker.pid, samples);
  }
  // Forget workers that are gone from the list.
  for (const pid of history.keys()) if (!live.has(pid)) history.delete(pid);
}

export function getRssHistory(pid: number): readonly number[] {
  return history.get(pid) ?? [];
}

export function resetRssHistory(): void {
  history.clear();
}
