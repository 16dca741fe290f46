/** Pure reads of the selection store. */
import type { SelectionState } from './store';

export const selectSelectedId = (s: SelectionState) => s.selectedId;
export const selectSelectedPid = (s: SelectionState) => s.selectedPid;
export const selectMode = (s: SelectionState) => s.mode;
export const selectTab = (s: SelectionState) => s.tab;
export const selectDiff = (s: SelectionState) => s.diff;
/** Waiting for the user to pick the diff's second request. */
export const selectPickingDiff = (s: SelectionState) => (s.diff !== null && s.diff.rightId === null ? s.diff.leftId : null);
