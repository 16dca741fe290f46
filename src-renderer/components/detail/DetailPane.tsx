/**
 * The right-hand pane: one request's detail, its replay editor, a diff, or a worker.
 *
 * A click selects a row and the row paints as selected in that frame. A request whose record
 * is already here follows in a deferred render (its cards may be heavy: the selection paints
 * first). One whose record is still on its way renders at once: its pane is only the loading
 * state, and once mounted it shows the record in the render the answer makes, instead of
 * waiting for a deferred render that live updates keep interrupting.
 */
import { memo, useDeferredValue, useState } from 'react';
import { useDetailsStore } from '../../stores/details/store';
import { useDetailMode, useDiff, useSelectedId, useSelectedPid } from '../../stores/selection/hooks';
import { EmptyState } from '../common/EmptyState';
import { WorkerDetail } from '../workers/WorkerDetail';
import { DiffView } from './DiffView';
import { ExchangeDetail } from './ExchangeDetail';
import { ReplayEditor } from './ReplayEditor';

export function DetailPane() {
  const mode = useDetailMode();
  const selectedId = useSelectedId();
  const selectedPid = useSelectedPid();
  const diff = useDiff();
  const deferred = { mode: useDeferredValue(mode), selectedId: useDeferredValue(selectedId), selectedPid: useDeferredValue(selectedPid), diff: useDeferredValue(diff) };
  const atOnce = useLoadingAtOnce(selectedId);
  return atOnce ? <DetailContent mode={mode} selectedId={selectedId} selectedPid={selectedPid} diff={diff} /> : <DetailContent {...deferred} />;
}

/** Whether the record of `id` was not loaded yet when it was selected (decided once per selection). */
function useLoadingAtOnce(id: number | null): boolean {
  const [decision, setDecision] = useState({ id, atOnce: false });
  if (decision.id === id) return decision.atOnce;
  const atOnce = id !== null && useDetailsStore.getState().entries.get(id)?.status !== 'loaded';
  setDecision({ id, atOnce });
  return atOnce;
}

/** Memoised: the urgent render of a click (still the old values) stops here. */
const DetailContent = memo(function DetailContent(props: {
  mode: ReturnType<typeof useDetailMode>;
  selectedId: number | null;
  selectedPid: number | null;
  diff: ReturnType<typeof useDiff>;
}) {
  const { mode, selectedId, selectedPid, diff } = props;
  let content;
  if (mode === 'worker' && selectedPid !== null) content = <WorkerDetail pid={selectedPid} />;
  else if (mode === 'diff' && diff && diff.rightId !== null) content = <DiffView leftId={diff.leftId} rightId={diff.rightId} />;
  else if (mode === 'replay' && selectedId !== null) content = <ReplayEditor id={selectedId} />;
  else if (selectedId !== null) content = <ExchangeDetail id={selectedId} />;
  else
    content = (
      <EmptyState title="Select a request" testId="detail-empty">
        Click a row, or use ↑ ↓ in the list, to see its environ, start_response, bodies, logs and timing. Click a worker card to see its live stack.
      </EmptyState>
    );
  return (
    <section className="detail-pane" data-testid="detail-pane" aria-label="Details">
      {content}
    </section>
  );
});
