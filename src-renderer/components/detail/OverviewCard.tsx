/** Overview: the timing waterfall, what happened, who served it, and the PEP 3333 findings. */
import type { ExchangeView } from '../../model/exchange-view';
import { formatBytes, formatClock, formatDuration } from '../../model/format';
import { outcomeLabel } from '../../model/outcome';
import { selectExchange, selectWorker } from '../../stores/selection/store';
import { FindingsList } from './FindingsList';
import { Waterfall } from './Waterfall';

export function OverviewCard({ view }: { view: ExchangeView }) {
  return (
    <div className="card overview-card">
      <Waterfall waterfall={view.waterfall} />
      <table className="kv-table facts">
        <tbody>
          <Fact name="Started">{new Date(view.startedAt).toLocaleDateString()} {formatClock(view.startedAt)}</Fact>
          <Fact name="Duration">{formatDuration(view.durationMs)}</Fact>
          <Fact name="Outcome">
            <span data-testid="overview-outcome" data-outcome={view.outcome}>
              {outcomeLabel(view.outcome)}
            </span>
          </Fact>
          <Fact name="Worker">
            {view.workerPid === null ? (
              'none'
            ) : (
              <button type="button" className="link" onClick={() => selectWorker(view.workerPid)}>
                {view.workerPid}
              </button>
            )}
          </Fact>
          <Fact name="Generation">{view.generation ?? '–'}</Fact>
          {view.replayOf !== undefined && (
            <Fact name="Replay of">
              <button type="button" className="link" data-testid="replay-of" onClick={() => selectExchange(view.replayOf!)}>
                #{view.replayOf}
              </button>
            </Fact>
          )}
          <Fact name="Client">
            {view.remoteAddress} · HTTP/{view.httpVersion}
          </Fact>
          <Fact name="Response">
            {formatBytes(view.responseSize)} in {view.responseChunks.length} chunk{view.responseChunks.length === 1 ? '' : 's'}
            {view.usedWrite && ' · used write()'}
          </Fact>
          <Fact name="Request body">
            {formatBytes(view.requestSize)}, app read {formatBytes(view.requestBytesRead)}
          </Fact>
        </tbody>
      </table>
      <FindingsList findings={view.findings} />
    </div>
  );
}

function Fact({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{children}</td>
    </tr>
  );
}
