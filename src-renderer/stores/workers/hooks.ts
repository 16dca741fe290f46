/** React hooks over the workers store. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useWorkersStore } from './store';
import * as sel from './selectors';

export const useWorkers = () => useWorkersStore(sel.selectWorkers);
export const useArbiterLog = () => useWorkersStore(sel.selectArbiterLog);
export const useSampledAt = () => useWorkersStore(sel.selectSampledAt);
export const useWorkerPids = () => useWorkersStore(useShallow(sel.selectWorkerPids));

export function useWorker(pid: number | null) {
  return useWorkersStore(useMemo(() => sel.selectWorker(pid), [pid]));
}
