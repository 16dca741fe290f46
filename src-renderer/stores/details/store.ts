/**
 * Full exchange records fetched for the detail pane, built into view models once
 * (STYLE #14), a few kept. A row update (a pending request completing) invalidates its entry.
 */
import { create } from 'zustand';
import type { InspectorClient } from '@contract';
import { buildExchangeView, type ExchangeView } from '../../model/exchange-view';

export type DetailEntry =
  | { status: 'loading' }
  | { status: 'loaded'; view: ExchangeView }
  /** The host no longer has it (evicted or cleared). */
  | { status: 'missing' }
  | { status: 'error'; error: string };

/** Records kept; each can hold two bodies up to the capture limit. */
export const DETAIL_CACHE_LIMIT = 20;

export interface DetailsState {
  entries: ReadonlyMap<number, DetailEntry>;
}

export const useDetailsStore = create<DetailsState>()(() => ({ entries: new Map() }));

function setEntry(id: number, entry: DetailEntry): void {
  const entries = new Map(useDetailsStore.getState().entries);
  entries.delete(id);
  entries.set(id, entry);
  // Map keeps insertion order: the first keys are the least recently loaded.
  for (const key of entries.keys()) {
    if (entries.size <= DETAIL_CACHE_LIMIT) break;
    entries.delete(key);
  }
  useDetailsStore.setState({ entries });
}

/** Fetches a record unless it is cached or on its way. */
export async function loadDetail(client: Pick<InspectorClient, 'call'>, id: number, force = false): Promise<void> {
  const current = useDetailsStore.getState().entries.get(id);
  if (!force && current && current.status !== 'error') return;
  setEntry(id, { status: 'loading' });
  try {
    const record = await client.call('exchange', id);
    // Invalidated meanwhile (the row changed): the next render asks again.
    if (useDetailsStore.getState().entries.get(id)?.status !== 'loading') return;
    setEntry(id, record ? { status: 'loaded', view: buildExchangeView(record) } : { status: 'missing' });
  } catch (error) {
    setEntry(id, { status: 'error', error: error instanceof Error ? error.message : String(error) });
  }
}

/** Drops cached records whose rows changed; one setState for the batch. */
export function invalidateDetails(ids: Iterable<number>): void {
  const current = useDetailsStore.getState().entries;
  let entries: Map<number, DetailEntry> | null = null;
  for (const id of ids) {
    if (!current.has(id)) continue;
    entries ??= new Map(current);
    entries.delete(id);
  }
  if (entries) useDetailsStore.setState({ entries });
}

export function resetDetailsStore(): void {
  useDetailsStore.setState({ entries: new Map() }, true);
}
