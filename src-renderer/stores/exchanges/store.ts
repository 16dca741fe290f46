/**
 * The request list's rows. The RowTable is changed in place by the ingest flush (never copied
 * per event, STYLE #13); each flush then makes one setState that bumps `version`, which is
 * what components and memoised selectors key on.
 */
import { create } from 'zustand';
import type { ExchangeSummary } from '@contract';
import { RowTable } from '../../model/row-table';

export interface ExchangesState {
  table: RowTable;
  /** Bumped once per change batch. */
  version: number;
  /** Highest id seen: "new rows arrived" for the list's follow mode. */
  lastId: number;
}

const initialState = (): ExchangesState => ({ table: new RowTable(), version: 0, lastId: 0 });

export const useExchangesStore = create<ExchangesState>()(initialState);

/** One batch of row changes, in order, then one setState. */
export type RowChange =
  | { kind: 'upsert'; rows: readonly ExchangeSummary[] }
  | { kind: 'evict'; ids: readonly number[] }
  | { kind: 'clear' };

export function applyRowChanges(changes: readonly RowChange[]): void {
  if (changes.length === 0) return;
  const { table, version } = useExchangesStore.getState();
  for (const change of changes) {
    if (change.kind === 'upsert') table.upsert(change.rows);
    else if (change.kind === 'evict') table.evict(change.ids);
    else table.clear();
  }
  useExchangesStore.setState({ version: version + 1, lastId: table.rows.at(-1)?.id ?? 0 });
}

/** Replaces every row (a snapshot). */
export function replaceRows(rows: readonly ExchangeSummary[]): void {
  const { table, version } = useExchangesStore.getState();
  table.replaceAll(rows);
  useExchangesStore.setState({ version: version + 1, lastId: table.rows.at(-1)?.id ?? 0 });
}

export function resetExchangesStore(): void {
  useExchangesStore.setState(initialState(), true);
}
