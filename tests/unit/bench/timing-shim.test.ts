/** Per-request percentiles of the bench (bench/lib/timing-shim.mjs): wrk's rank rule, in ms. */
import { describe, expect, it } from 'vitest';
import { percentiles, slowTime } from '../../../bench/lib/timing-shim.mjs';

describe('percentiles', () => {
  it('takes the smallest latency with at least round(p% x n + 0.5) samples at or below it', () => {
    // 1..1000 us in shuffled order: rank round(p * 10 + 0.5), e.g. p99 -> rank 991 (990.5 rounds up).
    const latencies = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1);
    expect(percentiles(latencies, [50, 90, 99, 99.9])).toEqual({ p50: 0.501, p90: 0.901, p99: 0.991, p999: 1 });
  });

  it('sees one slow request in a hundred at p99 and not at p98', () => {
    const latencies = [...Array(99).fill(100), 5000];
    expect(percentiles(latencies, [98, 99])).toEqual({ p98: 0.1, p99: 5 });
  });

  it('reports nothing for a run without requests', () => {
    expect(percentiles([], [50])).toEqual({ p50: null });
  });
});

describe('slowTime', () => {
  it('sums the time past 0.25 ms and the whole time of requests over 1 ms, per second of run', () => {
    // 2 s run: 0.1 ms requests do not count; 0.5 ms counts 0.25 past; 3 ms counts 2.75 past and 3 in stalls.
    const latencies = [100, 100, 500, 3000, 250, 1000];
    expect(slowTime(latencies, 2)).toEqual({ pastQuarterMsPerS: (0.25 + 2.75 + 0.75) / 2, stallsMsPerS: 3 / 2 });
  });

  it('reports nothing for a run of no length', () => {
    expect(slowTime([500], 0)).toEqual({ pastQuarterMsPerS: null, stallsMsPerS: null });
  });
});
