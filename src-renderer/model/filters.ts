/** The request list's filter: what a row must match to be shown. Pure. */
import type { ExchangeSummary } from '@contract';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export const STATUS_CLASSES: StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

export interface RowFilter {
  /** Case-insensitive substring of method, URL, status or worker pid. */
  text: string;
  /** "" for any. */
  method: string;
  /** Empty for any. */
  statusClasses: StatusClass[];
  workerPid: number | null;
  errorsOnly: boolean;
}

export const EMPTY_FILTER: RowFilter = { text: '', method: '', statusClasses: [], workerPid: null, errorsOnly: false };

export function statusClassOf(status: number): StatusClass {
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx` as StatusClass;
  return 'none';
}

/** Failed in the app, the worker or the transport, or answered 5xx. */
export function isErrorRow(row: ExchangeSummary): boolean {
  if (row.outcome !== 'ok' && row.outcome !== 'pending') return true;
  return row.status >= 500;
}

export function isFilterActive(filter: RowFilter): boolean {
  return filter.text.trim() !== '' || filter.method !== '' || filter.statusClasses.length > 0 || filter.workerPid !== null || filter.errorsOnly;
}

/** A predicate for the filter, built once per filter (not once per row). */
export function compileFilter(filter: RowFilter): (row: ExchangeSummary) => boolean {
  const needle = filter.text.trim().toLowerCase();
  const classes = new Set(filter.statusClasses);
  const { method, workerPid, errorsOnly } = filter;
  return (row) => {
    if (method && row.method !== method) return false;
    if (workerPid !== null && row.workerPid !== workerPid) return false;
    if (errorsOnly && !isErrorRow(row)) return false;
    if (classes.size > 0 && !classes.has(statusClassOf(row.status))) return false;
    if (needle) {
      const haystack = `${row.method} ${row.url} ${row.status || ''} ${row.workerPid ?? ''}`.toLowerCase();
      if (!haystack.includes(needle)) return false;
    }
    return true;
  };
}

/** The rows that pass, in order; the input array itself when nothing filters (no copy). */
export function filterRows(rows: readonly ExchangeSummary[], filter: RowFilter): readonly ExchangeSummary[] {
  if (!isFilterActive(filter)) return rows;
  return rows.filter(compileFilter(filter));
}
