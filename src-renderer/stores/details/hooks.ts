/** The detail of one exchange, fetched on demand through the session's client. */
import { useEffect, useMemo } from 'react';
import { useClient } from '../../session/client-context';
import { loadDetail, useDetailsStore, type DetailEntry } from './store';
import { selectDetail } from './selectors';

export function useExchangeDetail(id: number | null): DetailEntry | undefined {
  const client = useClient();
  const entry = useDetailsStore(useMemo(() => selectDetail(id), [id]));
  useEffect(() => {
    // No entry: never loaded, or invalidated by a row update. Load (again).
    if (id !== null && entry === undefined) void loadDetail(client, id);
  }, [client, id, entry]);
  return entry;
}
