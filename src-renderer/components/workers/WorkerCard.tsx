/** One worker: state by colour, what it serves now and for how long, counters, RSS and CPU. */
import { memo } from 'react';
import type { WorkerStatus } from '@contract';
import { formatBytes, formatDuration, formatPercent } from '../../model/format';
import { selectExchange, selectWorker } from '../../stores/selection/store';
import { useRow } from '../../stores/exchanges/hooks';
import { useSampledAt } from '../../stores/workers/hooks';
import { useNow } from '../common/use-now';
import { RssSparkline } from './RssSparkline';
import { WorkerActions } from './WorkerActions';

export const WorkerCard = memo(function WorkerCard({ worker, selected }: { worker: WorkerStatus; selected: boolean }) {
  const busy = worker.state === 'busy';
  return (
    <article
      className={`worker-card worker-${worker.state}${selected ? ' selected' : ''}`}
      data-testid="worker-card"
      data-pid={worker.pid}
      data-state={worker.state}
      aria-label={`Worker ${worker.pid}, ${worker.state}`}
      onClick={() => selectWorker(worker.pid)}
    >
      <div className="worker-head">
        <span className="worker-pid">{worker.pid}</span>
        <span className={`worker-state state-${worker.state}`} data-testid="worker-state">
          {worker.state}
        </span>
        <span className="muted" title="Code generation">
          gen {worker.generation}
        </span>
      </div>
      <div className="worker-current">{busy ? <CurrentRequest worker={worker} /> : <LastExit worker={worker} />}</div>
      <div className="worker-stats">
        <span title="Requests served">{worker.served} served</span>
        <span title="CPU, percent of one core">{formatPercent(worker.cpu)} CPU</span>
        <span title="Resident memory">{formatBytes(worker.rss)}</span>
      </div>
      <RssSparkline pid={worker.pid} />
      <WorkerActions pid={worker.pid} state={worker.state} />
    </article>
  );
});

function CurrentRequest({ worker }: { worker: WorkerStatus }) {
  const row = useRow(worker.exchangeId);
  const sampledAt = useSampledAt();
  const now = useNow(true);
  const elapsed = (worker.busyForMs ?? 0) + Math.max(0, now - sampledAt);
  return (
    <button
      type="button"
      className="link current-request"
      data-testid="worker-current-request"
      disabled={worker.exchangeId === null}
      onClick={(e) => {
        e.stopPropagation();
        if (worker.exchangeId !== null) selectExchange(worker.exchangeId);
      }}
    >
      {row ? `${row.method} ${row.url}` : worker.exchangeId !== null ? `#${worker.exchangeId}` : 'a request'} · {formatDuration(elapsed)}
    </button>
  );
}

function LastExit({ worker }: { worker: WorkerStatus }) {
  if (!worker.lastExit) return <span className="muted">{worker.state === 'idle' ? 'waiting for a request' : '\u00a0'}</span>;
  const { code, signal, reason } = worker.lastExit;
  return (
    <span className="muted" title={reason}>
      exited {signal ? `by ${signal}` : `with code ${code}`}: {reason}
    </span>
  );
}
