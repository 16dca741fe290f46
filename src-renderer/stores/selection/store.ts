/** What the user is looking at: the selected request or worker, the detail tab, a diff. */
import { create } from 'zustand';

export type DetailTab = 'overview' | 'environ' | 'start-response' | 'response-body' | 'request-body' | 'logs' | 'error';

export const DETAIL_TABS: DetailTab[] = ['overview', 'environ', 'start-response', 'response-body', 'request-body', 'logs', 'error'];

/** The detail pane shows one thing at a time. */
export type DetailMode = 'exchange' | 'worker' | 'replay' | 'diff';

export interface SelectionState {
  selectedId: number | null;
  selectedPid: number | null;
  mode: DetailMode;
  tab: DetailTab;
  /** Diff: the left exchange, and the right once picked (null while picking). */
  diff: { leftId: number; rightId: number | null } | null;
}

const initialState = (): SelectionState => ({ selectedId: null, selectedPid: null, mode: 'exchange', tab: 'overview', diff: null });

export const useSelectionStore = create<SelectionState>()(initialState);

/** Selects a request; while picking a diff's second side, completes the diff instead. */
export function selectExchange(id: number | null): void {
  const { diff } = useSelectionStore.getState();
  if (id !== null && diff && diff.rightId === null && id !== diff.leftId) {
    useSelectionStore.setState({ diff: { leftId: diff.leftId, rightId: id }, mode: 'diff' });
    return;
  }
  useSelectionStore.setState({ selectedId: id, mode: 'exchange' });
}

export function selectWorker(pid: number | null): void {
  useSelectionStore.setState({ selectedPid: pid, mode: pid === null ? 'exchange' : 'worker' });
}

export function setDetailTab(tab: DetailTab): void {
  useSelectionStore.setState({ tab, mode: 'exchange' });
}

export function openReplayEditor(): void {
  useSelectionStore.setState({ mode: 'replay' });
}

export function showExchangeDetail(): void {
  useSelectionStore.setState({ mode: 'exchange', diff: null });
}

/** Starts picking the second exchange of a diff against `leftId`. */
export function startDiff(leftId: number): void {
  useSelectionStore.setState({ diff: { leftId, rightId: null } });
}

export function setDiff(leftId: number, rightId: number): void {
  useSelectionStore.setState({ diff: { leftId, rightId }, mode: 'diff' });
}

export function cancelDiff(): void {
  const { mode } = useSelectionStore.getState();
  useSelectionStore.setState({ diff: null, mode: mode === 'diff' ? 'exchange' : mode });
}

export function resetSelectionStore(): void {
  useSelectionStore.setState(initialState(), true);
}
