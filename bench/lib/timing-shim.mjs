// Per-request latency of a one-connection wrk run, next to wrk's own (corrected) figures:
// timing-shim.c, compiled on first use with the system's C compiler, preloaded into wrk.
// Without a compiler the bench still runs; it only lacks these figures.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'timing-shim.c');

/**
 * Compile the shim into `dir` (default: the temp dir). Returns { path } or { error } saying
 * why not (no compiler, say), never throws.
 * @param {string} [dir]
 * @returns {{ path: string, error?: undefined } | { error: string, path?: undefined }}
 */
export function buildTimingShim(dir = tmpdir()) {
  const path = join(dir, `forkwatch-timing-shim-${process.pid}.so`);
  const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-shared', '-fPIC', '-o', path, SOURCE, '-ldl'], { encoding: 'utf8' });
  if (cc.error) return { error: `no C compiler (${/** @type {NodeJS.ErrnoException} */ (cc.error).code ?? cc.error.message}): per-request latency not measured` };
  if (cc.status !== 0 || !existsSync(path)) return { error: `cc failed: ${(cc.stderr || cc.stdout).trim().split('\n')[0]}` };
  return { path };
}

/**
 * Environment that makes a wrk run record its per-request latencies into `outPath`.
 * @param {string} shimPath
 * @param {string} outPath
 */
export function timingEnv(shimPath, outPath) {
  return { LD_PRELOAD: shimPath, FORKWATCH_TIMING_OUT: outPath };
}

/**
 * The latencies (microseconds) the shim wrote, and the file removed.
 * @param {string} outPath
 * @returns {number[]}
 */
export function readTimings(outPath) {
  const text = readFileSync(outPath, 'utf8');
  rmSync(outPath, { force: true });
  return text.split('\n').filter(Boolean).map(Number);
}

/**
 * Percentiles in ms by wrk's rank rule (the smallest value with at least round(p% x n + 0.5)
 * samples at or below it), so that they compare with wrk's own.
 * @param {number[]} latenciesUs
 * @param {number[]} [ps]
 */
export function percentiles(latenciesUs, ps = [50, 90, 99, 99.9]) {
  const sorted = Float64Array.from(latenciesUs).sort();
  const n = sorted.length;
  /** @type {Record<string, number | null>} */
  const out = {};
  for (const p of ps) {
    const rank = Math.min(n, Math.max(1, Math.round((p / 100) * n + 0.5)));
    out[`p${String(p).replace('.', '')}`] = n ? sorted[rank - 1] / 1000 : null;
  }
  return out;
}

/**
 * How much of a run went into slow requests, in ms per second of run: the time requests spent
 * past 0.25 ms, and the whole time of requests over 1 ms (stalls). These are what wrk's
 * corrected p99 follows at one connection: each slow response adds a synthetic sample per mean
 * interval it took, so the p99 sits about where 1% of the run's time (10 ms a second), plus one
 * interval per slow request, lies past it, whatever the typical request does.
 * @param {number[]} latenciesUs
 * @param {number} durationS
 */
export function slowTime(latenciesUs, durationS) {
  let pastQuarterUs = 0;
  let stallsUs = 0;
  for (const us of latenciesUs) {
    if (us > 250) pastQuarterUs += us - 250;
    if (us > 1000) stallsUs += us;
  }
  const perSecond = (/** @type {number} */ us) => (durationS > 0 ? us / 1000 / durationS : null);
  return { pastQuarterMsPerS: perSecond(pastQuarterUs), stallsMsPerS: perSecond(stallsUs) };
}
