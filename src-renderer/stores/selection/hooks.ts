/** React hooks over the selection store. */
import { useSelectionStore } from './store';
import * as sel from './selectors';

export const useSelectedId = () => useSelectionStore(sel.selectSelectedId);
export const useSelectedPid = () => useSelectionStore(sel.selectSelectedPid);
export const useDetailMode = () => useSelectionStore(sel.selectMode);
export const useDetailTab = () => useSelectionStore(sel.selectTab);
export const useDiff = () => useSelectionStore(sel.selectDiff);
export const usePickingDiff = () => useSelectionStore(sel.selectPickingDiff);
