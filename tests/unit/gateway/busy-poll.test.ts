import { describe, expect, it, vi } from 'vitest';
import { performance } from 'node:perf_hooks';
import { isPolling, pollWhile } from '../../../src-main/gateway/busy-poll';

/** Resolves once the poller has stopped, checking on timers (which run while the loop polls too). */
const pollingEnds = () => vi.waitFor(() => expect(isPolling()).toBe(false), { timeout: 4_000, interval: 1 });

describe('pollWhile', () => {
  it('keeps the loop turning (immediates and timers run) until its deadline, then lets it sleep', async () => {
    const started = performance.now();
    let turns = 0;
    pollWhile(() => {
      turns++;
      return true;
    }, 30);
    expect(isPolling()).toBe(true);
    await pollingEnds();
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    // One check per turn of the loop: a polling loop turns many times a millisecond.
    expect(turns).toBeGreaterThan(30);
  });

  it('stops on the first turn its condition is false, well before the deadline', async () => {
    let turns = 0;
    const started = performance.now();
    pollWhile(() => ++turns < 5, 10_000);
    await pollingEnds();
    expect(turns).toBe(5);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a new call takes over the condition and deadline of one already polling', async () => {
    pollWhile(() => true, 10_000);
    let second = 0;
    pollWhile(() => ++second < 3, 10_000);
    await pollingEnds();
    expect(second).toBe(3);
  });
});
