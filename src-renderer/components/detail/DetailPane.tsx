/**
 * The right-hand pane: one request's detail, its replay editor, a diff, or a worker.
 *
 * A click selects a row and the row paints as selected in that frame; the pane follows in a
 * deferred render (the record is being fetched anyway: it shows the loading state first).
 */
import { memo, useDeferredValue } from 'react';
import { useDetailMode, useDiff, useSelectedId, useSelectedPid } from '../../stores/selection/hooks';
import { EmptyState } from '../common/EmptyState';
import { WorkerDetail } from '../workers/WorkerDetail';
import { DiffView } from './DiffView';
import { ExchangeDetail } from './ExchangeDetail';
import { ReplayEditor } from './ReplayEditor';

export function DetailPane() {
  const mode = useDeferredValue(useDetailMode());
  const selectedId = useDeferredValue(useSelectedId());
  const selectedPid = useDeferredValue(useSelectedPid());
  const diff = useDeferredValue(useDiff());
  return <DetailContent mode={mode} selectedId={selectedId} selectedPid={selectedPid} diff={diff} />;
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
