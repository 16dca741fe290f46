/** Pure reads of the exchanges store, and the filtered view memoised on (version, filter). */
import type { ExchangeSummary } from '@contract';
import { filterRows, type RowFilter } from '../../model/filters';
import type { ExchangesState } from './store';

export const selectVersion = (s: ExchangesState) => s.version;
export const selectLastId = (s: ExchangesState) => s.lastId;
export const selectTotal = (s: ExchangesState) => s.table.size;

export const selectRow =
  (id: number | null) =>
  (s: ExchangesState): ExchangeSummary | undefined =>
    id === null ? undefined : s.table.get(id);

/**
 * A memoised `filterRows`: recomputed only when the table's version or the filter object
 * changes. Each caller (one list) gets its own cache.
 */
export function createVisibleRowsSelector() {
  let lastVersion = -1;
  let lastFilter: RowFilter | null = null;
  let lastTable: ExchangesState['table'] | null = null;
  let result: readonly ExchangeSummary[] = [];
  return (s: ExchangesState, filter: RowFilter): readonly ExchangeSummary[] => {
    if (s.version !== lastVersion || filter !== lastFilter || s.table !== lastTable) {
      lastVersion = s.version;
      lastFilter = filter;
      lastTable = s.table;
      result = filterRows(s.table.rows, filter);
    }
    return result;
  };
}

/** The newest rows a worker served, newest first. */
export function selectRecentForWorker(s: ExchangesState, pid: number, limit: number): ExchangeSummary[] {
  const out: ExchangeSummary[] = [];
  const rows = s.table.rows;
  for (let i = rows.length - 1; i >= 0 && out.length < limit; i--) {
    if (rows[i].workerPid === pid) out.push(rows[i]);
  }
  return out;
}
