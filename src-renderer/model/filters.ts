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

/**
 * The lowercase text the filter's free text searches: method, URL, status, worker pid.
 * Built once per row object (the row table keeps it next to the row), not once per filtering.
 */
export function searchTextOf(row: ExchangeSummary): string {
  return `${row.method} ${row.url} ${row.status || ''} ${row.workerPid ?? ''}`.toLowerCase();
}

/** The filter's free text as matched: trimmed, lowercase. */
export function needleOf(filter: RowFilter): string {
  return filter.text.trim().toLowerCase();
}

/**
 * A predicate for the filter, built once per filter (not once per row). `text` is the row's
 * `searchTextOf` when the caller has it; otherwise it is built here.
 */
export function compileFilter(filter: RowFilter): (row: ExchangeSummary, text?: string) => boolean {
  const needle = needleOf(filter);
  const classes = new Set(filter.statusClasses);
  const { method, workerPid, errorsOnly } = filter;
  return (row, text) => {
    if (method && row.method !== method) return false;
    if (workerPid !== null && row.workerPid !== workerPid) return false;
    if (errorsOnly && !isErrorRow(row)) return false;
    if (classes.size > 0 && !classes.has(statusClassOf(row.status))) return false;
    if (needle && !(text ?? searchTextOf(row)).includes(needle)) return false;
    return true;
  };
}

/**
 * Every row passing `next` also passes `previous`: the rows `previous` kept are enough to
 * compute `next` (the typed text grew, or a narrowing choice was added).
 */
export function isNarrowing(previous: RowFilter, next: RowFilter): boolean {
  if (!needleOf(next).includes(needleOf(previous))) return false;
  if (previous.method !== '' && previous.method !== next.method) return false;
  if (previous.workerPid !== null && previous.workerPid !== next.workerPid) return false;
  if (previous.errorsOnly && !next.errorsOnly) return false;
  if (previous.statusClasses.length > 0) {
    if (next.statusClasses.length === 0) return false;
    if (!next.statusClasses.every((c) => previous.statusClasses.includes(c))) return false;
  }
  return true;
}

/** Two filters keep the same rows. */
export function sameFilter(a: RowFilter, b: RowFilter): boolean {
  return (
    a === b ||
    (needleOf(a) === needleOf(b) &&
      a.method === b.method &&
      a.workerPid === b.workerPid &&
      a.errorsOnly === b.errorsOnly &&
      a.statusClasses.length === b.statusClasses.length &&
      a.statusClasses.every((c) => b.statusClasses.includes(c)))
  );
}

/** The rows that pass, in order; the input array itself when nothing filters (no copy). */
export function filterRows(rows: readonly ExchangeSummary[], filter: RowFilter): readonly ExchangeSummary[] {
  if (!isFilterActive(filter)) return rows;
  const test = compileFilter(filter);
  return rows.filter((row) => test(row));
}
