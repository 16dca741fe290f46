/** Pure reads of the notices store. */
import type { NoticesState } from './store';

export const selectNotices = (s: NoticesState) => s.notices;
