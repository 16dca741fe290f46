/**
 * The rows of a RowTable that pass one filter, kept up to date incrementally.
 *
 * With 100,000 rows and a flush every frame, re-filtering everything per flush costs more
 * than a frame. A view remembers how far into the table it has looked (absolute positions,
 * see RowTable) and per flush only: drops its rows that were evicted from the table's front,
 * re-tests rows replaced in place (the table's update log), and tests the appended rows.
 * A view for a narrower filter (the typed text grew) starts from a broader view's rows instead
 * of the whole table. Only a renumbering of the table (its `epoch`) makes it start over.
 *
 * `rows` is changed in place while the lineage stays the same (like RowTable.rows); `lineage`
 * changes whenever the rows were recomputed, and `dropped` counts the rows removed from the
 * front since then: a list keeps what the user looks at in place by scrolling up by that.
 */
import type { ExchangeSummary } from '@contract';
import { compileFilter, isNarrowing, sameFilter, type RowFilter } from './filters';
import { nextLineage, type RowTable } from './row-table';

export class FilteredView {
  readonly filter: RowFilter;
  private readonly test: (row: ExchangeSummary, text?: string) => boolean;
  private table: RowTable | null = null;
  private epoch = -1;
  /** Absolute table position up to which rows were tested. */
  private end = 0;
  /** The table's update sequence number up to which updates were applied. */
  private seq = 0;
  private list: ExchangeSummary[] = [];
  /** Absolute table position of each row in `list`, ascending. */
  private positions: number[] = [];
  private lineageId = 0;
  private droppedCount = 0;

  constructor(filter: RowFilter) {
    this.filter = filter;
    this.test = compileFilter(filter);
  }

  get rows(): readonly ExchangeSummary[] {
    return this.list;
  }

  get lineage(): number {
    return this.lineageId;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Brings the view up to date with `table`. */
  sync(table: RowTable): void {
    if (table !== this.table || table.epoch !== this.epoch) {
      this.recompute(table);
      return;
    }
    const updates = table.updatesSince(this.seq);
    if (updates === null) {
      this.recompute(table);
      return;
    }
    this.dropEvicted(table.offset);
    this.applyUpdates(table, updates);
    this.seq = table.updateSeq;
    this.appendFrom(table, this.end);
  }

  /** A view for `filter`, which must narrow this view's filter, computed from this view's rows. */
  narrow(filter: RowFilter, table: RowTable): FilteredView {
    this.sync(table);
    const view = new FilteredView(filter);
    const { rows, texts, offset } = table;
    for (let i = 0; i < this.list.length; i++) {
      const position = this.positions[i];
      const index = position - offset;
      if (view.test(rows[index], texts[index])) {
        view.list.push(rows[index]);
        view.positions.push(position);
      }
    }
    view.table = table;
    view.epoch = table.epoch;
    view.end = this.end;
    view.seq = this.seq;
    view.lineageId = nextLineage();
    return view;
  }

  private recompute(table: RowTable): void {
    this.table = table;
    this.epoch = table.epoch;
    this.seq = table.updateSeq;
    this.list = [];
    this.positions = [];
    this.droppedCount = 0;
    this.lineageId = nextLineage();
    this.appendFrom(table, table.offset);
  }

  private appendFrom(table: RowTable, from: number): void {
    const { rows, texts, offset } = table;
    const { list, positions, test } = this;
    for (let index = Math.max(0, from - offset); index < rows.length; index++) {
      if (test(rows[index], texts[index])) {
        list.push(rows[index]);
        positions.push(offset + index);
      }
    }
    this.end = offset + rows.length;
  }

  private dropEvicted(offset: number): void {
    const count = lowerBound(this.positions, offset);
    if (count === 0) return;
    this.list.splice(0, count);
    this.positions.splice(0, count);
    this.droppedCount += count;
  }

  private applyUpdates(table: RowTable, updates: readonly number[]): void {
    const { rows, texts, offset } = table;
    for (const position of updates) {
      // Evicted since, or not reached yet (tested when appended).
      if (position < offset || position >= this.end) continue;
      const index = position - offset;
      const row = rows[index];
      const at = lowerBound(this.positions, position);
      const present = this.positions[at] === position;
      const passes = this.test(row, texts[index]);
      if (present && passes) this.list[at] = row;
      else if (present) {
        this.list.splice(at, 1);
        this.positions.splice(at, 1);
      } else if (passes) {
        this.list.splice(at, 0, row);
        this.positions.splice(at, 0, position);
      }
    }
  }
}

/** First index whose value is >= `value` (sorted ascending). */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a list shows: the rows, and how to tell a continuation from a recomputation. */
export interface VisibleRows {
  rows: readonly ExchangeSummary[];
  /** Changes whenever `rows` was recomputed rather than continued. */
  lineage: number;
  /** Rows removed from the front of `rows` within this lineage. */
  dropped: number;
}

/**
 * A few recent views, each kept up to date when asked for: switching back to a recent filter
 * (Backspace after a narrowing keystroke, or the deferred and the current filter alternating
 * while React catches up) costs only the changes since that view last looked.
 */
export class FilteredViewCache {
  private views: FilteredView[] = [];

  constructor(private readonly limit = 4) {}

  get(table: RowTable, filter: RowFilter): FilteredView {
    const index = this.views.findIndex((v) => sameFilter(v.filter, filter));
    let view: FilteredView;
    if (index >= 0) {
      view = this.views[index];
      this.views.splice(index, 1);
      view.sync(table);
    } else {
      // The narrowest broader view we have (fewest rows to test).
      let base: FilteredView | null = null;
      for (const candidate of this.views) {
        if (candidate.lineage === 0 || !isNarrowing(candidate.filter, filter)) continue;
        if (base === null || candidate.rows.length < base.rows.length) base = candidate;
      }
      if (base) view = base.narrow(filter, table);
      else {
        view = new FilteredView(filter);
        view.sync(table);
      }
    }
    this.views.unshift(view);
    if (this.views.length > this.limit) this.views.length = this.limit;
    return view;
  }

  clear(): void {
    this.views = [];
  }
}
