/** React hooks over the exchanges store; the filtered view joins the filters store here. */
import { useMemo } from 'react';
import type { ExchangeSummary } from '@contract';
import type { VisibleRows } from '../../model/filtered-view';
import { useFilter } from '../filters/hooks';
import { useExchangesStore } from './store';
import * as sel from './selectors';

export const useRowsVersion = () => useExchangesStore(sel.selectVersion);
export const useLastId = () => useExchangesStore(sel.selectLastId);
export const useTotalRows = () => useExchangesStore(sel.selectTotal);

/** One row by id; re-renders when that row object is replaced. */
export function useRow(id: number | null): ExchangeSummary | undefined {
  return useExchangesStore(useMemo(() => sel.selectRow(id), [id]));
}

/**
 * The rows passing the filter. `version` changes whenever the rows do, also when `rows` is
 * the same (mutated) array: key effects and memos on it. `lineage` changes when the rows were
 * recomputed (another filter), `dropped` counts rows evicted from the front within a lineage.
 */
export function useVisibleRows(): VisibleRows & { version: number } {
  // Not deferred: with the views kept incrementally a keystroke costs a few ms (narrowing, or
  // catching up a cached view), less than a deferred render that every ingest flush restarts.
  const filter = useFilter();
  const version = useRowsVersion();
  const select = useMemo(() => sel.createVisibleRowsSelector(), []);
  return { ...select(useExchangesStore.getState(), filter), version };
}

export function useRecentForWorker(pid: number | null, limit = 20): ExchangeSummary[] {
  const version = useRowsVersion();
  return useMemo(
    () => (pid === null ? [] : sel.selectRecentForWorker(useExchangesStore.getState(), pid, limit)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [pid, limit, version],
  );
}
