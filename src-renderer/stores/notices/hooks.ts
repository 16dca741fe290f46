/** React hooks over the notices store. */
import { useNoticesStore } from './store';
import { selectNotices } from './selectors';

export const useNotices = () => useNoticesStore(selectNotices);
