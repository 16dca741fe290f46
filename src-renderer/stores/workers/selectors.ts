/** Pure reads of the workers store. */
import type { WorkerStatus } from '@contract';
import type { WorkersState } from './store';

export const selectWorkers = (s: WorkersState) => s.workers;
export const selectArbiterLog = (s: WorkersState) => s.arbiterLog;
export const selectSampledAt = (s: WorkersState) => s.sampledAt;

export const selectWorker =
  (pid: number | null) =>
  (s: WorkersState): WorkerStatus | null =>
    pid === null ? null : (s.workers.find((w) => w.pid === pid) ?? null);

/** Pids in the list, for the worker filter. */
export const selectWorkerPids = (s: WorkersState) => s.workers.map((w) => w.pid);
