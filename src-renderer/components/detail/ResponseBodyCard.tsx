/** The response body as the app produced it (chunk sizes listed when there were several). */
import type { ExchangeView } from '../../model/exchange-view';
import { formatBytes } from '../../model/format';
import { BodyViewer } from './BodyViewer';

export function ResponseBodyCard({ view }: { view: ExchangeView }) {
  const chunks = view.responseChunks;
  return (
    <div className="card body-card">
      <BodyViewer body={view.responseBody} what="response" />
      {chunks.length > 1 && (
        <p className="muted">
          {chunks.length} chunks from the app's iterable: {chunks.slice(0, 20).map(formatBytes).join(', ')}
          {chunks.length > 20 && ', …'}
        </p>
      )}
    </div>
  );
}
