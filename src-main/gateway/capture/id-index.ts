/**
 * A map from exchange id (an integer >= 0) to a number (the ring store's sequence numbers), as an open-addressing
 * hash table in two typed arrays: linear probing, and deletion by shifting the entries behind
 * back (no tombstones), so a table under constant set and delete never needs rebuilding.
 *
 * Why not a Map: a 5,000-entry Map under the ring's churn (one set and one delete per request)
 * fills with deleted entries and rebuilds its table every few thousand operations, each time a
 * new ~230 KB object in the large-object space: 5.8 MB per million puts, straight into the old
 * generation. That brought a mark-compact (1-3 ms, the master not answering) every 1-2 s at c=1.
 */
export class IdIndex {
  /** id + 1 per slot, 0 when empty (so id 0 is a key like any other). */
  private keys: Float64Array;
  private values: Float64Array;
  private mask: number;
  /** 32 - log2(capacity): a hash's top bits pick the slot. */
  private shift: number;
  private count = 0;

  constructor(minCapacity = 16) {
    let capacity = 16;
    while (capacity < minCapacity * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  get size(): number {
    return this.count;
  }

  get(id: number): number | undefined {
    const slot = this.find(id);
    return slot < 0 ? undefined : this.values[slot];
  }

  set(id: number, value: number): void {
    if (!(id >= 0 && Number.isSafeInteger(id))) throw new RangeError(`not an exchange id: ${id}`);
    const key = id + 1;
    let slot = this.home(id);
    while (this.keys[slot] !== 0) {
      if (this.keys[slot] === key) {
        this.values[slot] = value;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot] = key;
    this.values[slot] = value;
    this.count++;
    // Half full at most: with scattered homes, runs stay a few slots long.
    if (this.count * 2 > this.keys.length) this.resize(this.keys.length * 2);
  }

  delete(id: number): void {
    let hole = this.find(id);
    if (hole < 0) return;
    this.count--;
    // Shift back every entry of the run after the hole that may live there: one whose home is
    // not cyclically within (hole, slot]. Lookups then never meet a gap inside a run.
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & this.mask;
      const key = this.keys[slot];
      if (key === 0) break;
      const home = this.home(key - 1);
      const staysPut = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (staysPut) continue;
      this.keys[hole] = key;
      this.values[hole] = this.values[slot];
      hole = slot;
    }
    this.keys[hole] = 0;
  }

  /** The longest run of occupied slots, which a delete may walk (for tests). */
  longestRun(): number {
    let longest = 0;
    let run = 0;
    // Twice round, so a run that wraps past the end is counted whole.
    for (let i = 0; i < this.keys.length * 2; i++) {
      run = this.keys[i & this.mask] === 0 ? 0 : run + 1;
      longest = Math.max(longest, Math.min(run, this.keys.length));
    }
    return longest;
  }

  clear(): void {
    this.keys.fill(0);
    this.count = 0;
  }

  private home(id: number): number {
    // Fibonacci hashing, not the id's low bits: ids come in sequence, and as their own slots
    // they would form one run as long as the table is full, which every delete walks to its end
    // (5,000 steps per request at c=32 with the default ring). Scattered, runs stay short.
    const high = (id / 4294967296) >>> 0;
    return Math.imul((id >>> 0) ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  private find(id: number): number {
    if (!(id >= 0)) return -1; // not an id: its key could be the empty marker
    const key = id + 1;
    let slot = this.home(id);
    for (;;) {
      const found = this.keys[slot];
      if (found === key) return slot;
      if (found === 0) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  private resize(capacity: number): void {
    const { keys, values } = this;
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== 0) this.set(keys[slot] - 1, values[slot]);
  }
}
