/** One row of the request list; re-renders only when its row object or selection changes. */
import { memo } from 'react';
import type { ExchangeSummary } from '@contract';
import { isErrorRow } from '../../model/filters';
import { formatBytes, formatClock, formatDuration } from '../../model/format';
import { StatusCode } from '../common/StatusCode';

export const ROW_HEIGHT = 26;

export const RequestRow = memo(function RequestRow(props: { row: ExchangeSummary; selected: boolean; top: number; onSelect: (id: number) => void }) {
  const { row, selected, top } = props;
  const classes = ['request-row'];
  if (selected) classes.push('selected');
  if (isErrorRow(row)) classes.push('error');
  if (row.outcome === 'pending') classes.push('pending');
  return (
    <div
      role="row"
      aria-selected={selected}
      className={classes.join(' ')}
      data-testid="request-row"
      data-id={row.id}
      data-status={row.status}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={(e) => {
        e.preventDefault(); // keep keyboard focus on the list
        // Selected on press, as native lists do: the detail is on its way before the button is released.
        if (e.button === 0) props.onSelect(row.id);
      }}
      // A click with no press before it (assistive technology): select then.
      onClick={(e) => e.detail === 0 && props.onSelect(row.id)}
    >
      <span role="gridcell" className="col-time">
        {formatClock(row.startedAt)}
      </span>
      <span role="gridcell" className={`col-method method-${row.method.toLowerCase()}`}>
        {row.method}
      </span>
      <span role="gridcell" className="col-path" title={row.url}>
        {row.findingCount > 0 && (
          <span className="finding-mark" data-testid="finding-mark" title={`${row.findingCount} PEP 3333 finding${row.findingCount === 1 ? '' : 's'}`}>
            ⚠
          </span>
        )}
        {row.replayOf !== undefined && (
          <span className="replay-mark" title={`Replay of #${row.replayOf}`}>
            ↻
          </span>
        )}
        {row.url}
      </span>
      <span role="gridcell" className="col-status">
        <StatusCode status={row.status} outcome={row.outcome} />
      </span>
      <span role="gridcell" className="col-duration">
        {formatDuration(row.durationMs)}
      </span>
      <span role="gridcell" className="col-size">
        {row.outcome === 'pending' ? '' : formatBytes(row.responseSize)}
      </span>
      <span role="gridcell" className="col-pid">
        {row.workerPid ?? '–'}
      </span>
      <span role="gridcell" className="col-gen">
        {row.generation ?? '–'}
      </span>
    </div>
  );
});

export function RequestListHeader() {
  return (
    <div role="row" className="request-row request-head">
      {['Time', 'Method', 'Path', 'Status', 'Duration', 'Size', 'Worker', 'Gen'].map((name) => (
        <span key={name} role="columnheader" className={`col-${name.toLowerCase()}`}>
          {name}
        </span>
      ))}
    </div>
  );
}
