/** No rows: either nothing came in yet, or the filter hides everything. */
import { clearFilters } from '../../stores/filters/store';
import { useFilterActive } from '../../stores/filters/hooks';
import { useTotalRows } from '../../stores/exchanges/hooks';
import { useCapture, useServerUrl } from '../../stores/server/hooks';
import { EmptyState } from '../common/EmptyState';
import { CopyButton } from '../common/CopyButton';

export function RequestsEmpty() {
  const url = useServerUrl();
  const total = useTotalRows();
  const filtered = useFilterActive();
  const capture = useCapture();
  if (total > 0 && filtered) {
    return (
      <EmptyState title={`No request matches the filter (${total} recorded).`} testId="requests-empty">
        <button type="button" onClick={clearFilters}>
          Clear the filter
        </button>
      </EmptyState>
    );
  }
  if (capture === 'off') {
    return <EmptyState title="Capture is off" testId="requests-empty">Requests are served but not recorded. Restart forkwatch without --no-capture to see them.</EmptyState>;
  }
  return (
    <EmptyState title="No requests yet" testId="requests-empty">
      {url ? (
        <p>
          Open{' '}
          <a href={url} target="_blank" rel="noreferrer noopener">
            {url}
          </a>{' '}
          or <code>curl {url}</code> <CopyButton text={`curl -i ${url}`} what="curl command" testId="copy-curl-hint" />
        </p>
      ) : (
        <p>Waiting for the server to listen.</p>
      )}
      {capture === 'paused' && <p>Capture is paused: press Resume to record requests.</p>}
    </EmptyState>
  );
}
