/**
 * The request list: virtualised (only the rows in view exist in the DOM), appending live and
 * following the newest row until the user scrolls away; scrolling back to the bottom follows
 * again. Scrolled away, rows evicted above the viewport (a full ring) do not make the content
 * slide: their space stays as blank padding above the rows until the user scrolls into it.
 *
 * Rows have one fixed height, so which rows to render is arithmetic on the row count and the
 * scroll offset (model/row-window): nothing is measured and nothing is read from layout, however
 * many rows there are. The scroll offset is known from scroll events and from our own writes;
 * while following, the bottom is written once per batch (only when it moved).
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import type { ExchangeSummary } from '@contract';
import type { VisibleRows } from '../../model/filtered-view';
import { bottomOffset, contentHeight, revealOffset, rowWindow, sameWindow, slotKey, type ListGeometry, type RowWindow } from '../../model/row-window';
import { useClient } from '../../session/client-context';
import { loadDetail } from '../../stores/details/store';
import { useSelectedId } from '../../stores/selection/hooks';
import { selectExchange } from '../../stores/selection/store';
import { RequestListHeader, RequestRow, ROW_HEIGHT } from './RequestRow';
import { RequestsEmpty } from './RequestsEmpty';
import { useListKeyboard } from './use-list-keyboard';

/** Blank space kept above the rows at most; past it the scroll position is moved once. */
const MAX_EVICTED_PADDING = 2_000_000;

/** Within this distance of the bottom, the list follows new rows. */
const FOLLOW_SLACK = ROW_HEIGHT * 1.5;

/** What the last commit rendered: what scroll events compare against. */
interface Rendered {
  geometry: ListGeometry;
  window: RowWindow;
  following: boolean;
}

export function RequestList({ rows, version, lineage, dropped }: VisibleRows & { rows: readonly ExchangeSummary[]; version: number }) {
  const selectedId = useSelectedId();
  const client = useClient();
  const scroller = useRef<HTMLDivElement>(null);
  const viewport = useViewportHeight(scroller);
  const [following, setFollowing] = useState(true);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  /** The scroller's scrollTop as last seen in a scroll event or written by us. */
  const scrollTop = useRef(0);
  // Rows evicted above the viewport while scrolled away are replaced by as much blank space:
  // the rows in view keep their offsets, so nothing slides and nothing is written to scrollTop
  // per batch. `anchor` is the eviction count the padding counts from; it moves along while
  // following, and when the user reaches the padding.
  const anchor = useRef({ lineage, dropped });
  const paddingRows = !following && anchor.current.lineage === lineage ? Math.max(0, dropped - anchor.current.dropped) : 0;
  const geometry: ListGeometry = { count: rows.length, rowHeight: ROW_HEIGHT, padding: paddingRows * ROW_HEIGHT, viewport };
  // Following: render the rows at the bottom, where the layout effect below scrolls.
  const shown = rowWindow(geometry, following ? bottomOffset(geometry) : scrollTop.current);
  const rendered = useRef<Rendered>({ geometry, window: shown, following });

  useLayoutEffect(() => {
    rendered.current = { geometry, window: shown, following };
    if (following || anchor.current.lineage !== lineage) anchor.current = { lineage, dropped };
  });

  // New rows while following: scroll to the bottom, once per batch and only if it moved (a full
  // ring evicts as many rows as arrive: the height stays, and nothing is written).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!following || !el || viewport <= 0 || rows.length === 0) return;
    const bottom = bottomOffset(geometry);
    if (bottom === scrollTop.current) return;
    scrollTop.current = bottom;
    el.scrollTop = bottom;
  });

  /** Drops the blank space above the rows, moving the scroll position (`from`) up by as much. */
  const reanchor = useCallback((from: number) => {
    const pad = rendered.current.geometry.padding;
    anchor.current = { lineage: anchor.current.lineage, dropped: anchor.current.dropped + pad / ROW_HEIGHT };
    const el = scroller.current;
    if (el && pad > 0) {
      scrollTop.current = Math.max(0, from - pad);
      el.scrollTop = scrollTop.current;
    }
  }, []);

  // Too much blank space, or the rows in view were evicted themselves: move the scroll position.
  const padding = geometry.padding;
  useLayoutEffect(() => {
    if (padding === 0) return;
    const top = scrollTop.current;
    if (padding > MAX_EVICTED_PADDING || top < padding + viewport) {
      reanchor(top);
      rerender();
    }
  }, [padding, viewport, reanchor]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    scrollTop.current = top;
    const { geometry: g, window: w, following: wasFollowing } = rendered.current;
    // Scrolled up into the space of evicted rows: there is nothing there any more.
    if (g.padding > 0 && top < g.padding + g.viewport) {
      reanchor(top);
      flushSync(rerender);
      return;
    }
    // Rendered in this frame (scroll events come before the frame's paint), not one later.
    const atBottom = top >= bottomOffset(g) - FOLLOW_SLACK;
    if (atBottom !== wasFollowing) flushSync(() => setFollowing(atBottom));
    else if (!atBottom && !sameWindow(rowWindow(g, top), w)) flushSync(rerender);
  }, [reanchor]);

  const scrollToIndex = useCallback((index: number) => {
    const el = scroller.current;
    const to = el && revealOffset(rendered.current.geometry, index, scrollTop.current);
    if (!el || to === null) return;
    scrollTop.current = to;
    el.scrollTop = to;
    rerender();
  }, []);
  useListKeyboard(rows, scrollToIndex);

  // Keep the selected row in view when the filter changes (a new lineage), not on every batch.
  useEffect(() => {
    if (selectedId === null || following) return;
    const index = rows.findIndex((r) => r.id === selectedId);
    if (index >= 0) scrollToIndex(index);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineage]);

  // The record is fetched from the press itself (RequestRow selects on mouse down), before any
  // render; the selection paints at once and the detail pane follows (DetailPane defers it).
  const onSelect = useCallback(
    (id: number) => {
      void loadDetail(client, id);
      selectExchange(id);
    },
    [client],
  );

  const items = [];
  for (let index = shown.start; index < shown.end; index++) {
    const row = rows[index];
    items.push(<RequestRow key={slotKey(index, shown, dropped)} row={row} top={geometry.padding + index * ROW_HEIGHT} selected={row.id === selectedId} onSelect={onSelect} />);
  }
  return (
    <div className="request-list" role="grid" aria-label="Requests" aria-rowcount={rows.length} data-testid="request-list" data-following={following}>
      <RequestListHeader />
      <div className="request-scroll" ref={scroller} onScroll={onScroll} tabIndex={-1}>
        {rows.length === 0 ? (
          <RequestsEmpty />
        ) : (
          <div className="request-rows" style={{ height: contentHeight(geometry) }}>
            {items}
          </div>
        )}
      </div>
      {!following && rows.length > 0 && (
        <button type="button" className="jump-newest" data-testid="jump-to-newest" onClick={() => setFollowing(true)}>
          ↓ Newest
        </button>
      )}
    </div>
  );
}

/** The element's height, from a ResizeObserver (read once on mount where there is none). */
function useViewportHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return height;
}
