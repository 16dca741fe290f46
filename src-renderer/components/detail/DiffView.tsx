/** Two requests side by side (status, headers, body), changed lines marked: the diff command's result. */
import { useEffect, useMemo, useState } from 'react';
import type { ExchangeDiff } from '@contract';
import { toSideBySide } from '../../model/diff';
import { useClient } from '../../session/client-context';
import { cancelDiff, selectExchange } from '../../stores/selection/store';
import { EmptyState } from '../common/EmptyState';

type DiffState = { status: 'loading' } | { status: 'loaded'; diff: ExchangeDiff | null } | { status: 'error'; error: string };

export function DiffView({ leftId, rightId }: { leftId: number; rightId: number }) {
  const client = useClient();
  const [state, setState] = useState<DiffState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    client.call('diff', leftId, rightId).then(
      (diff) => live && setState({ status: 'loaded', diff }),
      (error: unknown) => live && setState({ status: 'error', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [client, leftId, rightId]);
  return (
    <section className="diff-view" data-testid="diff-view">
      <div className="detail-head">
        <h2>
          <button type="button" className="link" onClick={() => selectExchange(leftId)}>
            #{leftId}
          </button>{' '}
          vs{' '}
          <button type="button" className="link" onClick={() => selectExchange(rightId)}>
            #{rightId}
          </button>
        </h2>
        <button type="button" className="link" onClick={cancelDiff}>
          Close
        </button>
      </div>
      {state.status === 'loading' && <EmptyState title="Comparing…" />}
      {state.status === 'error' && <EmptyState title="Could not compare">{state.error}</EmptyState>}
      {state.status === 'loaded' && !state.diff && <EmptyState title="One of the two requests is no longer recorded." />}
      {state.status === 'loaded' && state.diff && <DiffBody diff={state.diff} />}
    </section>
  );
}

function DiffBody({ diff }: { diff: ExchangeDiff }) {
  const headers = useMemo(() => toSideBySide(diff.headers), [diff.headers]);
  const body = useMemo(() => toSideBySide(diff.body), [diff.body]);
  return (
    <>
      <h3>Status</h3>
      <table className="diff-table">
        <tbody>
          <tr className={diff.status.same ? 'diff-same' : 'diff-changed'} data-testid="diff-row" data-kind={diff.status.same ? 'same' : 'changed'}>
            <td>{diff.status.left}</td>
            <td>{diff.status.right}</td>
          </tr>
        </tbody>
      </table>
      <DiffTable title="Headers" rows={headers} />
      <DiffTable title="Body" rows={body} />
    </>
  );
}

function DiffTable({ title, rows }: { title: string; rows: ReturnType<typeof toSideBySide> }) {
  return (
    <>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">Both empty.</p>
      ) : (
        <table className="diff-table">
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className={`diff-${row.kind}`} data-testid="diff-row" data-kind={row.kind}>
                <td className={row.left === null ? 'diff-blank' : undefined}>{row.left}</td>
                <td className={row.right === null ? 'diff-blank' : undefined}>{row.right}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
