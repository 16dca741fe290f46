/** React hooks over the server store. */
import { useServerStore } from './store';
import * as sel from './selectors';

export const useServer = () => useServerStore(sel.selectServer);
export const useConnection = () => useServerStore(sel.selectConnection);
export const useHydrated = () => useServerStore(sel.selectHydrated);
export const useSnapshotError = () => useServerStore(sel.selectSnapshotError);
export const useFailure = () => useServerStore(sel.selectFailure);
export const useCapture = () => useServerStore(sel.selectCapture);
export const useServerUrl = () => useServerStore(sel.selectServerUrl);
export const useShowStartScreen = () => useServerStore(sel.selectShowStartScreen);
