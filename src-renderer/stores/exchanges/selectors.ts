/** Pure reads of the exchanges store, and the filtered view kept per (version, filter). */
import type { ExchangeSummary } from '@contract';
import { FilteredViewCache, type VisibleRows } from '../../model/filtered-view';
import { isFilterActive, type RowFilter } from '../../model/filters';
import type { ExchangesState } from './store';

export const selectVersion = (s: ExchangesState) => s.version;
export const selectLastId = (s: ExchangesState) => s.lastId;
export const selectTotal = (s: ExchangesState) => s.table.size;

export const selectRow =
  (id: number | null) =>
  (s: ExchangesState): ExchangeSummary | undefined =>
    id === null ? undefined : s.table.get(id);

/**
 * The rows passing the filter, memoised on (version, filter) and kept incrementally: per flush
 * only new, updated and evicted rows are looked at (FilteredView). Each caller (one list) gets
 * its own cache. With no filter, the table's own rows (no copy).
 */
export function createVisibleRowsSelector() {
  const cache = new FilteredViewCache();
  let lastVersion = -1;
  let lastFilter: RowFilter | null = null;
  let lastTable: ExchangesState['table'] | null = null;
  let result: VisibleRows = { rows: [], lineage: 0, dropped: 0 };
  return (s: ExchangesState, filter: RowFilter): VisibleRows => {
    if (s.version !== lastVersion || filter !== lastFilter || s.table !== lastTable) {
      lastVersion = s.version;
      lastFilter = filter;
      if (s.table !== lastTable) cache.clear();
      lastTable = s.table;
      if (!isFilterActive(filter)) result = { rows: s.table.rows, lineage: s.table.epoch, dropped: s.table.offset };
      else {
        const view = cache.get(s.table, filter);
        result = { rows: view.rows, lineage: view.lineage, dropped: view.dropped };
      }
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
