/**
 * The request list: virtualised (only the rows in view exist in the DOM), appending live and
 * following the newest row until the user scrolls away; scrolling back to the bottom follows
 * again.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ExchangeSummary } from '@contract';
import { useSelectedId } from '../../stores/selection/hooks';
import { selectExchange } from '../../stores/selection/store';
import { RequestListHeader, RequestRow, ROW_HEIGHT } from './RequestRow';
import { RequestsEmpty } from './RequestsEmpty';
import { useListKeyboard } from './use-list-keyboard';

export function RequestList({ rows, version }: { rows: readonly ExchangeSummary[]; version: number }) {
  const selectedId = useSelectedId();
  const scroller = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  // New rows: stay at the bottom while following.
  useLayoutEffect(() => {
    // The virtualiser knows the total height without a layout: no forced reflow per batch.
    if (following && rows.length > 0) virtualizer.scrollToOffset(virtualizer.getTotalSize());
  }, [version, rows.length, following, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 1.5;
    setFollowing(atBottom);
  }, []);

  const scrollToIndex = useCallback((index: number) => virtualizer.scrollToIndex(index, { align: 'auto' }), [virtualizer]);
  useListKeyboard(rows, scrollToIndex);

  // Keep the selected row in view when the filter changes.
  useEffect(() => {
    if (selectedId === null || following) return;
    const index = rows.findIndex((r) => r.id === selectedId);
    if (index >= 0) scrollToIndex(index);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);

  const onSelect = useCallback((id: number) => selectExchange(id), []);

  return (
    <div className="request-list" role="grid" aria-label="Requests" aria-rowcount={rows.length} data-testid="request-list">
      <RequestListHeader />
      <div className="request-scroll" ref={scroller} onScroll={onScroll} tabIndex={-1}>
        {rows.length === 0 ? (
          <RequestsEmpty />
        ) : (
          <div className="request-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              return <RequestRow key={row.id} row={row} top={item.start} selected={row.id === selectedId} onSelect={onSelect} />;
            })}
          </div>
        )}
      </div>
      {!following && rows.length > 0 && (
        <button
          type="button"
          className="jump-newest"
          data-testid="jump-to-newest"
          onClick={() => {
            setFollowing(true);
            virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
          }}
        >
          ↓ Newest
        </button>
      )}
    </div>
  );
}
