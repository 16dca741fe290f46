/**
 * Which rows of a fixed-row-height list to render, from numbers the list already knows (row
 * count, row height, scroll offset, viewport height): no measuring, no layout reads, and O(1)
 * per render however many rows there are. Pure.
 *
 * The rendered window reaches OVERSCAN rows past each edge of the viewport and moves in steps of
 * STEP rows, so a steady scroll re-renders the list every few rows rather than every frame, and
 * a scroll step made before the list re-renders (its scroll event comes a frame later) still
 * shows rows.
 */

export const OVERSCAN = 10;
export const STEP = 6;

export interface RowWindow {
  /** First rendered index. */
  start: number;
  /** One past the last rendered index. */
  end: number;
}

export interface ListGeometry {
  count: number;
  rowHeight: number;
  /** Blank space above the first row (rows evicted while scrolled away). */
  padding: number;
  viewport: number;
}

/** Total scrollable height. */
export function contentHeight(g: ListGeometry): number {
  return g.padding + g.count * g.rowHeight;
}

/** The scroll offset that shows the last row at the bottom of the viewport. */
export function bottomOffset(g: ListGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewport);
}

export function rowWindow(g: ListGeometry, scrollTop: number): RowWindow {
  if (g.count === 0) return { start: 0, end: 0 };
  // Not laid out yet (the first render, before the viewport is read): a few rows.
  if (g.viewport <= 0) return { start: 0, end: Math.min(g.count, OVERSCAN) };
  const top = Math.min(Math.max(0, scrollTop), bottomOffset(g)) - g.padding;
  // The first row in view, rounded down to a step; the window is a function of it alone.
  const base = Math.floor(Math.floor(top / g.rowHeight) / STEP) * STEP;
  const inView = Math.ceil(g.viewport / g.rowHeight) + 1;
  const end = Math.min(g.count, base + STEP + inView + OVERSCAN);
  return { start: Math.min(Math.max(0, base - OVERSCAN), end), end };
}

export function sameWindow(a: RowWindow, b: RowWindow): boolean {
  return a.start === b.start && a.end === b.end;
}

/** The scroll offset that brings row `index` fully into view, or null when it already is. */
export function revealOffset(g: ListGeometry, index: number, scrollTop: number): number | null {
  const top = g.padding + index * g.rowHeight;
  if (top < scrollTop) return top;
  if (top + g.rowHeight > scrollTop + g.viewport) return Math.max(0, top + g.rowHeight - g.viewport);
  return null;
}

/** Keys cycle through this many slots, so a row scrolled out lends its DOM to a row scrolled in. */
export const KEY_SLOTS = 256;

/**
 * A React key for row `index` of a window: the same for a row as long as it stays rendered, and
 * reused by the rows that enter when others leave (React updates the recycled elements' text
 * instead of removing and creating every cell). `dropped` counts the rows removed from the front
 * of the list so far: keying on `dropped + index` keeps a row's key when older rows are evicted
 * and its index shrinks (otherwise every rendered element would show another row after each
 * eviction).
 */
export function slotKey(index: number, window: RowWindow, dropped = 0): number {
  return window.end - window.start <= KEY_SLOTS ? (dropped + index) % KEY_SLOTS : dropped + index;
}
