/** One worker in the detail pane: its live Python stack and the requests it served last. */
import { useCallback, useEffect, useState } from 'react';
import { formatBytes, formatClock, formatDuration } from '../../model/format';
import { useClient } from '../../session/client-context';
import { useRecentForWorker } from '../../stores/exchanges/hooks';
import { selectExchange, selectWorker } from '../../stores/selection/store';
import { useWorker } from '../../stores/workers/hooks';
import { EmptyState } from '../common/EmptyState';
import { StatusCode } from '../common/StatusCode';
import { WorkerActions } from './WorkerActions';

/** How often the stack refreshes while "live" is on. */
const LIVE_STACK_MS = 1000;

export function WorkerDetail({ pid }: { pid: number }) {
  const worker = useWorker(pid);
  const recent = useRecentForWorker(pid, 20);
  const stack = useWorkerStack(pid, worker?.state === 'dead');
  return (
    <section className="worker-detail" data-testid="worker-detail" data-pid={pid}>
      <div className="detail-head">
        <h2>
          Worker {pid} {worker && <span className={`worker-state state-${worker.state}`}>{worker.state}</span>}
        </h2>
        <button type="button" className="link" onClick={() => selectWorker(null)}>
          Close
        </button>
      </div>
      {worker ? (
        <p className="muted">
          generation {worker.generation} · {worker.served} served · {formatBytes(worker.rss)} · started {formatClock(worker.startedAt)}
        </p>
      ) : (
        <p className="muted">This worker is gone.</p>
      )}
      {worker && <WorkerActions pid={pid} state={worker.state} />}
      <div className="stack-toolbar">
        <h3>Python stack</h3>
        <button type="button" data-testid="worker-stack-refresh" onClick={stack.refresh} disabled={stack.loading || !worker || worker.state === 'dead'}>
          Refresh
        </button>
        <label title="Refresh the stack every second">
          <input type="checkbox" checked={stack.live} onChange={(e) => stack.setLive(e.target.checked)} /> Live
        </label>
      </div>
      <pre className="stack" data-testid="worker-stack">
        {stack.error ? `Could not get the stack: ${stack.error}` : (stack.text ?? 'Loading…')}
      </pre>
      <h3>Recent requests</h3>
      {recent.length === 0 ? (
        <EmptyState title="This worker has served no recorded request yet." />
      ) : (
        <ul className="recent-requests" data-testid="worker-recent">
          {recent.map((row) => (
            <li key={row.id}>
              <button type="button" className="link" onClick={() => selectExchange(row.id)}>
                <StatusCode status={row.status} outcome={row.outcome} /> {row.method} {row.url}
              </button>{' '}
              <span className="muted">
                {formatClock(row.startedAt)} · {formatDuration(row.durationMs)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function useWorkerStack(pid: number, dead: boolean) {
  const client = useClient();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [live, setLive] = useState(false);
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setText(await client.call('workerStack', pid));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, [client, pid]);
  useEffect(() => {
    setText(null);
    if (!dead) void refresh();
  }, [pid, dead, refresh]);
  useEffect(() => {
    if (!live || dead) return;
    const timer = setInterval(() => void refresh(), LIVE_STACK_MS);
    return () => clearInterval(timer);
  }, [live, dead, refresh]);
  return { text, error, loading, live, setLive, refresh: () => void refresh() };
}
