/** The request list with its filter and toolbar; the filtered view is computed once here. */
import { useVisibleRows } from '../../stores/exchanges/hooks';
import { usePickingDiff } from '../../stores/selection/hooks';
import { cancelDiff } from '../../stores/selection/store';
import { FilterBar } from './FilterBar';
import { ListToolbar } from './ListToolbar';
import { RequestList } from './RequestList';

export function RequestsPanel() {
  const { rows, version, lineage, dropped } = useVisibleRows();
  const picking = usePickingDiff();
  return (
    <section className="requests-panel" aria-label="Requests">
      <FilterBar />
      <ListToolbar visible={rows.length} />
      {picking !== null && (
        <div className="pick-banner" data-testid="diff-pick-banner">
          Click another request to compare with #{picking}.{' '}
          <button type="button" className="link" onClick={cancelDiff}>
            Cancel (Esc)
          </button>
        </div>
      )}
      <RequestList rows={rows} version={version} lineage={lineage} dropped={dropped} />
    </section>
  );
}
