/**
 * The request list's rows: an array in id order plus an id -> position map, changed in place.
 *
 * With 100,000 rows and events arriving every frame, copying the array or the map per event
 * would cost more than rendering. Upserts replace one slot, appends push, and evicting the
 * oldest rows (the host's ring store drops them first) shifts a `head` offset instead of
 * renumbering every position in the map. The owner (the exchanges store) bumps a version
 * after each batch so React knows the table changed.
 */
import type { ExchangeSummary } from '@contract';

export class RowTable {
  private list: ExchangeSummary[] = [];
  /** id -> absolute position; the row is at `list[position - head]`. */
  private positions = new Map<number, number>();
  private head = 0;

  /** The rows in id order. Read-only for callers: only this class changes it. */
  get rows(): readonly ExchangeSummary[] {
    return this.list;
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
        updated.push(row.id);
        continue;
      }
      const last = this.list[this.list.length - 1];
      if (last && row.id < last.id) unordered = true;
      this.positions.set(row.id, this.head + this.list.length);
      this.list.push(row);
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
      for (const id of present) this.positions.delete(id);
      this.head += present.length;
      return;
    }
    const gone = new Set(present);
    this.replaceAll(this.list.filter((row) => !gone.has(row.id)));
  }

  clear(): void {
    this.replaceAll([]);
  }

  /** Replaces everything (a snapshot). Takes ownership of a copy of `rows`. */
  replaceAll(rows: readonly ExchangeSummary[]): void {
    this.list = rows.slice();
    this.resort();
  }

  private resort(): void {
    this.list.sort((a, b) => a.id - b.id);
    this.head = 0;
    this.positions = new Map(this.list.map((row, index) => [row.id, index]));
  }
}
