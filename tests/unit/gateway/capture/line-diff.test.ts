import { describe, expect, it } from 'vitest';
import type { ExchangeDiffLine } from '../../../../src-main/contract';
import { MAX_DIFF_LINES, diffLines } from '../../../../src-main/gateway/capture/line-diff';

/** The side `a` a diff was made from (same + removed) and the side `b` (same + added). */
function sides(diff: ExchangeDiffLine[]): { a: string[]; b: string[] } {
  return {
    a: diff.filter((line) => line.kind !== 'added').map((line) => line.text),
    b: diff.filter((line) => line.kind !== 'removed').map((line) => line.text),
  };
}

/** Longest common subsequence length by dynamic programming: the reference for minimality. */
function lcsLength(a: string[], b: string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    previous = current;
  }
  return previous[b.length];
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const render = (diff: ExchangeDiffLine[]): string[] =>
  diff.map((line) => ({ same: ' ', added: '+', removed: '-' })[line.kind] + line.text);

describe('diffLines', () => {
  it('reports equal inputs as all same, and empty inputs as nothing', () => {
    expect(diffLines(['a', 'b'], ['a', 'b'])).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'same', text: 'b' },
    ]);
    expect(diffLines([], [])).toEqual([]);
  });

  it('handles one side empty', () => {
    expect(render(diffLines([], ['x', 'y']))).toEqual(['+x', '+y']);
    expect(render(diffLines(['x', 'y'], []))).toEqual(['-x', '-y']);
  });

  it('finds a changed line in the middle, removal before addition', () => {
    expect(render(diffLines(['a', 'b', 'c'], ['a', 'B', 'c']))).toEqual([' a', '-b', '+B', ' c']);
  });

  it('finds insertions and deletions at both ends', () => {
    expect(render(diffLines(['b', 'c'], ['a', 'b', 'c', 'd']))).toEqual(['+a', ' b', ' c', '+d']);
    expect(render(diffLines(['a', 'b', 'c', 'd'], ['b', 'c']))).toEqual(['-a', ' b', ' c', '-d']);
  });

  it('gives the minimal diff of the classic Myers example (ABCABBA -> CBABAC)', () => {
    const a = [...'ABCABBA'];
    const b = [...'CBABAC'];
    const diff = diffLines(a, b);
    expect(sides(diff)).toEqual({ a, b });
    expect(diff.filter((line) => line.kind === 'same')).toHaveLength(4);
  });

  it('keeps duplicate lines straight', () => {
    const a = ['x', 'x', 'x', 'y', 'x'];
    const b = ['x', 'y', 'x', 'x', 'x'];
    const diff = diffLines(a, b);
    expect(sides(diff)).toEqual({ a, b });
    expect(diff.filter((line) => line.kind === 'same')).toHaveLength(lcsLength(a, b));
  });

  it('is a valid and minimal edit script on random inputs', () => {
    const next = random(42);
    for (let round = 0; round < 400; round++) {
      const alphabet = 1 + Math.floor(next() * 6);
      const line = (): string => String.fromCharCode(97 + Math.floor(next() * alphabet));
      const a = Array.from({ length: Math.floor(next() * 30) }, line);
      // b: a with random edits, or unrelated.
      const b = next() < 0.2 ? Array.from({ length: Math.floor(next() * 30) }, line) : a.flatMap((item) => {
        const roll = next();
        if (roll < 0.1) return [];
        if (roll < 0.2) return [line()];
        if (roll < 0.3) return [item, line()];
        return [item];
      });
      const diff = diffLines(a, b);
      expect(sides(diff), `round ${round}`).toEqual({ a, b });
      expect(diff.filter((entry) => entry.kind === 'same').length, `round ${round}`).toBe(lcsLength(a, b));
    }
  });

  it('falls back to a coarse diff past the size bound, keeping the common head and tail', () => {
    const a = ['head', '1', '2', '3', 'tail'];
    const b = ['head', 'x', '1', 'two', '3', 'y', 'tail'];
    // The middle is 3 lines against 5: past a bound of 4.
    expect(render(diffLines(a, b, { maxLines: 4 }))).toEqual([
      ' head', '-1', '-2', '-3', '+x', '+1', '+two', '+3', '+y', ' tail',
    ]);
    // Within the bound the same input gets the fine diff.
    expect(render(diffLines(a, b, { maxLines: 5 }))).toEqual([' head', '+x', ' 1', '-2', '+two', ' 3', '+y', ' tail']);
  });

  it('stays fast on large, very different inputs', () => {
    const next = random(7);
    const a = Array.from({ length: MAX_DIFF_LINES }, () => String(Math.floor(next() * 50)));
    const b = Array.from({ length: MAX_DIFF_LINES }, () => String(Math.floor(next() * 50)));
    const started = performance.now();
    const diff = diffLines(a, b);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(sides(diff)).toEqual({ a, b });

    const huge = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
    const other = huge.map((line, i) => (i % 3 === 0 ? `${line}!` : line));
    const coarseStarted = performance.now();
    const coarse = diffLines(huge, other);
    expect(performance.now() - coarseStarted).toBeLessThan(1000);
    expect(sides(coarse)).toEqual({ a: huge, b: other });
  });
});
