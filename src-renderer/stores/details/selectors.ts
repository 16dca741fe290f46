/** Pure reads of the details store. */
import type { DetailEntry, DetailsState } from './store';

export const selectDetail =
  (id: number | null) =>
  (s: DetailsState): DetailEntry | undefined =>
    id === null ? undefined : s.entries.get(id);
