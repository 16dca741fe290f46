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

/** Blank space kept above the rows at most; past it the scroll position is moved once. */
const MAX_EVICTED_PADDING = 2_000_000;

export function RequestList({ rows, version, lineage, dropped }: VisibleRows & { rows: readonly ExchangeSummary[]; version: number }) {
  const selectedId = useSelectedId();
  const client = useClient();
  const scroller = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  // Rows evicted above the viewport while scrolled away are replaced by as much blank space
  // (the virtualiser's paddingStart): the rows in view keep their offsets, so nothing slides
  // and nothing is written to scrollTop per batch. `anchor` is the eviction count the padding
  // counts from; it moves along while following, and when the user reaches the padding.
  const anchor = useRef({ lineage, dropped });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const paddingRows = !following && anchor.current.lineage === lineage ? Math.max(0, dropped - anchor.current.dropped) : 0;
  const padding = paddingRows * ROW_HEIGHT;
  const paddingRef = useRef(padding);
  paddingRef.current = padding;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: padding,
    overscan: 10,
  });
  // Following: lay the rows out for the bottom in this render, so the scroll written below
  // needs no second render when its scroll event comes back. Only while the virtualiser's
  // offset is still the one written last (a user's scroll up is not overridden).
  const viewport = virtualizer.scrollRect?.height ?? 0;
  const bottom = Math.max(0, virtualizer.getTotalSize() - viewport);
  const written = useRef<number | null>(null);
  if (following && viewport > 0 && written.current !== null && virtualizer.scrollOffset !== null && Math.abs(virtualizer.scrollOffset - written.current) < ROW_HEIGHT * 1.5) {
    virtualizer.scrollOffset = bottom;
  }

  useLayoutEffect(() => {
    if (following || anchor.current.lineage !== lineage) anchor.current = { lineage, dropped };
  }, [following, lineage, dropped]);

  /** Drops the blank space above the rows, moving the scroll position (`from`) by as much. */
  const reanchor = useCallback((from: number) => {
    const el = scroller.current;
    const pad = paddingRef.current;
    anchor.current = { lineage: anchor.current.lineage, dropped: anchor.current.dropped + pad / ROW_HEIGHT };
    if (el && pad > 0) {
      const offset = Math.max(0, from - pad);
      virtualizer.scrollOffset = offset;
      el.scrollTop = offset;
    }
    rerender();
  }, [virtualizer]);

  // Too much blank space, or the rows in view were evicted themselves: move the scroll position.
  useLayoutEffect(() => {
    if (padding === 0) return;
    const offset = virtualizer.scrollOffset ?? scroller.current?.scrollTop ?? 0;
    if (padding > MAX_EVICTED_PADDING || offset < padding + viewport) reanchor(offset);
  }, [padding, viewport, reanchor, virtualizer]);

  // New rows: stay at the bottom while following (one scroll per flush).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!following || !el || rows.length === 0) {
      written.current = null;
      return;
    }
    if (viewport > 0) {
      el.scrollTop = bottom;
      written.current = bottom;
    } else virtualizer.scrollToOffset(virtualizer.getTotalSize());
  }, [version, rows.length, following, virtualizer, viewport, bottom]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    // Scrolled up into the space of evicted rows: there is nothing there any more.
    if (paddingRef.current > 0 && el.scrollTop < paddingRef.current + el.clientHeight) {
      reanchor(el.scrollTop);
      return;
    }
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 1.5;
    setFollowing(atBottom);
  }, [reanchor]);

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
