/**
 * A line diff for the inspector's exchange comparison: Myers' O(ND) algorithm in its
 * linear-space form (divide at the "middle snake"), so memory stays O(N + M) whatever the
 * edit distance.
 *
 * Pure. Lines are compared exactly (no whitespace folding): the point of the comparison is to
 * show what really changed between two responses.
 */
import type { ExchangeDiffLine } from '../../contract';

/**
 * Past this many lines on either side (after the common head and tail are set aside), the
 * middle is reported coarsely, all removed then all added: Myers costs O((N + M) * D) time,
 * and a diff of two 50,000-line bodies must not stall the main process.
 */
export const MAX_DIFF_LINES = 4000;

export interface DiffLinesOptions {
  /** Overrides MAX_DIFF_LINES (tests use a small value). */
  maxLines?: number;
}

/**
 * The shortest edit script turning `a` into `b`, as a list of lines: unchanged lines are
 * `same`, lines only in `a` are `removed`, lines only in `b` are `added`. Within a changed
 * run, removals come before additions, as in a unified diff.
 */
export function diffLines(a: string[], b: string[], options: DiffLinesOptions = {}): ExchangeDiffLine[] {
  const maxLines = options.maxLines ?? MAX_DIFF_LINES;
  // Compare small integers instead of strings: the inner loop runs O((N + M) * D) times.
  const ids = new Map<string, number>();
  const intern = (line: string): number => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const ax = Int32Array.from(a, intern);
  const bx = Int32Array.from(b, intern);

  const out: ExchangeDiffLine[] = [];
  const emitter: Emitter = {
    same: (ai, count) => {
      for (let i = 0; i < count; i++) out.push({ kind: 'same', text: a[ai + i] });
    },
    removed: (ai, count) => {
      for (let i = 0; i < count; i++) out.push({ kind: 'removed', text: a[ai + i] });
    },
    added: (bi, count) => {
      for (let i = 0; i < count; i++) out.push({ kind: 'added', text: b[bi + i] });
    },
  };

  // The common head and tail cost O(N) and are most of a typical diff; only the middle is
  // subject to the size bound.
  const head = commonPrefix(ax, 0, ax.length, bx, 0, bx.length);
  const tail = commonSuffix(ax, head, ax.length, bx, head, bx.length);
  const aEnd = ax.length - tail;
  const bEnd = bx.length - tail;
  emitter.same(0, head);
  if (aEnd - head > maxLines || bEnd - head > maxLines) {
    emitter.removed(head, aEnd - head);
    emitter.added(head, bEnd - head);
  } else {
    diffRange(ax, head, aEnd, bx, head, bEnd, emitter);
  }
  emitter.same(aEnd, tail);
  return out;
}

interface Emitter {
  same(aStart: number, count: number): void;
  removed(aStart: number, count: number): void;
  added(bStart: number, count: number): void;
}

function commonPrefix(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number): number {
  let n = 0;
  while (aLo + n < aHi && bLo + n < bHi && a[aLo + n] === b[bLo + n]) n++;
  return n;
}

function commonSuffix(a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number): number {
  let n = 0;
  while (aHi - n > aLo && bHi - n > bLo && a[aHi - n - 1] === b[bHi - n - 1]) n++;
  return n;
}

/** Diffs a[aLo, aHi) against b[bLo, bHi), emitting in order. */
function diffRange(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
  emit: Emitter,
): void {
  const head = commonPrefix(a, aLo, aHi, b, bLo, bHi);
  emit.same(aLo, head);
  aLo += head;
  bLo += head;
  const tail = commonSuffix(a, aLo, aHi, b, bLo, bHi);
  aHi -= tail;
  bHi -= tail;

  if (aLo === aHi) emit.added(bLo, bHi - bLo);
  else if (bLo === bHi) emit.removed(aLo, aHi - aLo);
  else {
    const split = middleSnake(a, aLo, aHi, b, bLo, bHi);
    if (split === null) {
      // Nothing in common at all.
      emit.removed(aLo, aHi - aLo);
      emit.added(bLo, bHi - bLo);
    } else {
      diffRange(a, aLo, aLo + split[0], b, bLo, bLo + split[1], emit);
      diffRange(a, aLo + split[0], aHi, b, bLo + split[1], bHi, emit);
    }
  }
  emit.same(aHi, tail);
}

/**
 * Finds where a shortest edit path crosses the middle, running Myers' search from both ends
 * at once (the "bisect" of Myers 1986, section 4b). Returns the split point as offsets into
 * the two ranges, or null when the ranges share no line. Both halves of the split are
 * strictly smaller problems, so the recursion ends.
 */
function middleSnake(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
): [number, number] | null {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD;
  const size = 2 * maxD + 2;
  // forward[k]: furthest x reached on diagonal k (x - y = k) from the start; backward[k]: the
  // same measured from the ends. -1 marks a diagonal not reached yet.
  const forward = new Int32Array(size).fill(-1);
  const backward = new Int32Array(size).fill(-1);
  forward[offset + 1] = 0;
  backward[offset + 1] = 0;
  const delta = n - m;
  // With an odd delta the paths meet during a forward step, with an even one during a
  // backward step.
  const frontMeets = delta % 2 !== 0;
  // Diagonals that ran off the grid are skipped from then on.
  let kForwardStart = 0;
  let kForwardEnd = 0;
  let kBackwardStart = 0;
  let kBackwardEnd = 0;

  for (let d = 0; d < maxD; d++) {
    for (let k = -d + kForwardStart; k <= d - kForwardEnd; k += 2) {
      const ki = offset + k;
      let x = k === -d || (k !== d && forward[ki - 1] < forward[ki + 1]) ? forward[ki + 1] : forward[ki - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      forward[ki] = x;
      if (x > n) kForwardEnd += 2;
      else if (y > m) kForwardStart += 2;
      else if (frontMeets) {
        const bi = offset + delta - k;
        if (bi >= 0 && bi < size && backward[bi] !== -1 && x >= n - backward[bi]) return [x, y];
      }
    }

    for (let k = -d + kBackwardStart; k <= d - kBackwardEnd; k += 2) {
      const ki = offset + k;
      let x = k === -d || (k !== d && backward[ki - 1] < backward[ki + 1]) ? backward[ki + 1] : backward[ki - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[aHi - x - 1] === b[bHi - y - 1]) {
        x++;
        y++;
      }
      backward[ki] = x;
      if (x > n) kBackwardEnd += 2;
      else if (y > m) kBackwardStart += 2;
      else if (!frontMeets) {
        const fi = offset + delta - k;
        if (fi >= 0 && fi < size && forward[fi] !== -1) {
          const fx = forward[fi];
          const fy = fx - (delta - k);
          if (fx >= n - x) return [fx, fy];
        }
      }
    }
  }
  return null;
}
