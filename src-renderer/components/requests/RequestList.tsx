/**
 * The request list: virtualised (only the rows in view exist in the DOM), appending live and
 * following the newest row until the user scrolls away; scrolling back to the bottom follows
 * again. Scrolled away, rows evicted above the viewport (a full ring) do not make the content
 * slide: the scroll position moves up by what was removed.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ExchangeSummary } from '@contract';
import type { VisibleRows } from '../../model/filtered-view';
import { useClient } from '../../session/client-context';
import { loadDetail } from '../../stores/details/store';
import { useSelectedId } from '../../stores/selection/hooks';
import { selectExchange } from '../../stores/selection/store';
import { RequestListHeader, RequestRow, ROW_HEIGHT } from './RequestRow';
import { RequestsEmpty } from './RequestsEmpty';
import { useListKeyboard } from './use-list-keyboard';

export function RequestList({ rows, version, lineage, dropped }: VisibleRows & { rows: readonly ExchangeSummary[]; version: number }) {
  const selectedId = useSelectedId();
  const client = useClient();
  const scroller = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  // Rows removed above the viewport: scroll up by as much, before the frame is painted, so the
  // rows the user looks at stay put. The virtualiser learns the offset at once (not from the
  // scroll event a frame later) and one more render places the rows for it.
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const applied = useRef({ lineage, dropped });
  useLayoutEffect(() => {
    const previous = applied.current;
    applied.current = { lineage, dropped };
    const el = scroller.current;
    if (following || !el || previous.lineage !== lineage || dropped <= previous.dropped) return;
    const offset = Math.max(0, (virtualizer.scrollOffset ?? el.scrollTop) - (dropped - previous.dropped) * ROW_HEIGHT);
    virtualizer.scrollOffset = offset;
    el.scrollTop = offset;
    rerender();
  }, [lineage, dropped, following, virtualizer]);

  // New rows: stay at the bottom while following (one scroll per flush).
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

  // Keep the selected row in view when the filter changes (a new lineage), not on every batch.
  useEffect(() => {
    if (selectedId === null || following) return;
    const index = rows.findIndex((r) => r.id === selectedId);
    if (index >= 0) scrollToIndex(index);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineage]);

  // The record is fetched from the click itself, before any render; the selection paints at
  // once and the detail pane follows (DetailPane defers it).
  const onSelect = useCallback(
    (id: number) => {
      void loadDetail(client, id);
      selectExchange(id);
    },
    [client],
  );

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
