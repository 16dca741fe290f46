/**
 * The request list's rows: an array in id order plus an id -> position map, changed in place.
 *
 * With 100,000 rows and events arriving every frame, copying the array or the map per event
 * would cost more than rendering. Upserts replace one slot, appends push, and evicting the
 * oldest rows (the host's ring store drops them first) shifts a `head` offset instead of
 * renumbering every position in the map. The owner (the exchanges store) bumps a version
 * after each batch so React knows the table changed.
 *
 * Each row's lowercase search text (`searchTextOf`) is built once, when the row arrives, and
 * kept in a parallel array. For views that follow the table incrementally (FilteredView) it
 * also tells what changed: rows are appended at absolute positions `offset + index`, evicted
 * from the front (the offset grows), replaced in place (the update log), or, rarely,
 * renumbered (a resort or a non-prefix eviction bumps `epoch`: start over).
 */
import type { ExchangeSummary } from '@contract';
import { searchTextOf } from './filters';

/** Update log entries kept; a view further behind recomputes from scratch. */
const UPDATE_LOG_LIMIT = 16_384;

let lineageCounter = 0;
/** A number never handed out before: table epochs and FilteredView lineages share it. */
export function nextLineage(): number {
  return ++lineageCounter;
}

export class RowTable {
  private list: ExchangeSummary[] = [];
  /** id -> absolute position; the row is at `list[position - head]`. */
  private positions = new Map<number, number>();
  private head = 0;
  private textList: string[] = [];
  private epochCount = nextLineage();
  /** Absolute positions replaced in place, oldest first; entry i is update `logBase + i`. */
  private updateLog: number[] = [];
  private logBase = 0;

  /** The rows in id order. Read-only for callers: only this class changes it. */
  get rows(): readonly ExchangeSummary[] {
    return this.list;
  }

  /** Lowercase search text of `rows[i]` at `texts[i]`. */
  get texts(): readonly string[] {
    return this.textList;
  }

  /** Absolute position of `rows[0]`: the number of rows evicted from the front so far. */
  get offset(): number {
    return this.head;
  }

  /** Changes whenever positions are renumbered (resort, non-prefix eviction, replaceAll, clear); unique across tables. */
  get epoch(): number {
    return this.epochCount;
  }

  /** Sequence number of the next in-place update (all before it are in `updatesSince`). */
  get updateSeq(): number {
    return this.logBase + this.updateLog.length;
  }

  /** Absolute positions replaced in place since update `seq`, or null when no longer logged. */
  updatesSince(seq: number): readonly number[] | null {
    if (seq < this.logBase) return null;
    return seq === this.updateSeq ? [] : this.updateLog.slice(seq - this.logBase);
  }

  get size(): number {
    return this.list.length;
  }

  get(id: number): ExchangeSummary | undefined {
    const index = this.indexOf(id);
    return index < 0 ? undefined : this.list[index];
  }

  /** Index of the row in `rows`, or -1. */
  indexOf(id: number): number {
    const position = this.positions.get(id);
    return position === undefined ? -1 : position - this.head;
  }

  /** Adds new rows and replaces known ones. Returns the ids that were already there. */
  upsert(rows: readonly ExchangeSummary[]): number[] {
    const updated: number[] = [];
    let unordered = false;
    for (const row of rows) {
      const index = this.indexOf(row.id);
      if (index >= 0) {
        this.list[index] = row;
        this.textList[index] = searchTextOf(row);
        updated.push(row.id);
        this.updateLog.push(this.head + index);
        continue;
      }
      const last = this.list[this.list.length - 1];
      if (last && row.id < last.id) unordered = true;
      this.positions.set(row.id, this.head + this.list.length);
      this.list.push(row);
      this.textList.push(searchTextOf(row));
    }
    if (this.updateLog.length > UPDATE_LOG_LIMIT) {
      const drop = this.updateLog.length - UPDATE_LOG_LIMIT / 2;
      this.updateLog.splice(0, drop);
      this.logBase += drop;
    }
    if (unordered) this.resort();
    return updated;
  }

  /** Removes rows by id. The common case, a prefix of the oldest rows, costs O(evicted). */
  evict(ids: readonly number[]): void {
    const present = ids.filter((id) => this.positions.has(id));
    if (present.length === 0) return;
    const isPrefix = present.every((id) => this.indexOf(id) < present.length);
    if (isPrefix) {
      this.list.splice(0, present.length);
      this.textList.splice(0, present.length);
      for (const id of present) this.positions.delete(id);
      this.head += present.length;
      return;
    }
    const gone = new Set(present);
    const keep = this.list.map((row) => !gone.has(row.id));
    this.list = this.list.filter((_, index) => keep[index]);
    this.textList = this.textList.filter((_, index) => keep[index]);
    this.resort();
  }

  clear(): void {
    this.replaceAll([]);
  }

  /** Replaces everything (a snapshot). Takes ownership of a copy of `rows`. */
  replaceAll(rows: readonly ExchangeSummary[]): void {
    this.list = rows.slice();
    this.textList = this.list.map(searchTextOf);
    this.resort();
  }

  private resort(): void {
    const { list, textList } = this;
    const order = list.map((_, index) => index).sort((a, b) => list[a].id - list[b].id);
    const sorted = order.map((index) => list[index]);
    // In place: `rows` stays the same array.
    for (let i = 0; i < sorted.length; i++) list[i] = sorted[i];
    this.textList = order.map((index) => textList[index]);
    this.head = 0;
    this.positions = new Map(this.list.map((row, index) => [row.id, index]));
    this.epochCount = nextLineage();
    this.logBase += this.updateLog.length;
    this.updateLog = [];
  }
}
