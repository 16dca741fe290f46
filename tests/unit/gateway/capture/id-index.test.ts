import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../../../src-main/gateway/capture/id-index';

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('IdIndex', () => {
  it('agrees with a Map under a ring-like churn of sets and deletes, out of order and colliding', () => {
    const next = random(42);
    const index = new IdIndex(4);
    const oracle = new Map<number, number>();
    const live: number[] = [];
    let nextId = 0;
    for (let step = 0; step < 200_000; step++) {
      const roll = next();
      if (roll < 0.5 || live.length === 0) {
        // Mostly the next id; sometimes one far off (same low bits as live ones: collisions).
        const id = roll < 0.45 ? nextId++ : nextId + 1024 * Math.floor(next() * 64) + 2 ** 40;
        if (!oracle.has(id)) live.push(id);
        oracle.set(id, step);
        index.set(id, step);
      } else {
        // Delete the oldest usually, a random live one otherwise.
        const at = roll < 0.9 ? 0 : Math.floor(next() * live.length);
        const [id] = live.splice(at, 1);
        oracle.delete(id);
        index.delete(id);
      }
      if (step % 997 === 0) {
        expect(index.size).toBe(oracle.size);
        for (const id of live) expect(index.get(id)).toBe(oracle.get(id));
      }
    }
    for (const id of live) expect(index.get(id)).toBe(oracle.get(id));
    expect(index.get(nextId + 5)).toBeUndefined();
    expect(index.get(-1)).toBeUndefined();
  });

  it('keeps runs short for ids in sequence, as the ring feeds it (a delete walks its run)', () => {
    const index = new IdIndex(16);
    for (let id = 1; id <= 5000; id++) index.set(id, id);
    for (let id = 5001; id <= 20_000; id++) {
      index.set(id, id);
      index.delete(id - 5000);
    }
    expect(index.size).toBe(5000);
    // Homes at the ids' low bits made one run of all 5,000.
    expect(index.longestRun()).toBeLessThan(64);
  });

  it('takes id 0 and ids past 2^32, and clear empties it', () => {
    const index = new IdIndex();
    index.set(0, 7);
    index.set(2 ** 32, 8);
    index.set(2 ** 32 + 16, 9);
    expect([index.get(0), index.get(2 ** 32), index.get(2 ** 32 + 16), index.get(16)]).toEqual([7, 8, 9, undefined]);
    index.delete(2 ** 32);
    expect(index.get(2 ** 32 + 16)).toBe(9);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.get(0)).toBeUndefined();
  });
});
