// Running wrk and parsing its text report.
//
// Why parse text: the brief asks for `wrk --latency`, and its report is stable across wrk
// 4.x (the Debian 4.1.0 build here). A Lua `done()` hook could emit JSON instead, but the
// upload scenario already needs its own script and wrk takes only one, so the text report
// is the single format that works for every scenario.

import { spawn } from 'node:child_process';
import { track, untrack, killGroup } from './proc.mjs';

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }; // -> milliseconds
// wrk prints byte sizes with binary prefixes (format_binary: 1024-based, "KB" = KiB).
const BYTE_UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 };
// ...and counts (Req/Sec column) with metric prefixes (format_metric: 1000-based).
const METRIC_UNITS = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** "470.00us" -> 0.47 (ms). */
export function parseTime(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: cannot parse time "${text}"`);
  return Number(m[1]) * TIME_UNITS[m[2]];
}

/** "3.51MB" -> bytes. */
export function parseBytes(text) {
  const m = /^([\d.]+)([KMGTP]?B)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: cannot parse size "${text}"`);
  return Number(m[1]) * BYTE_UNITS[m[2]];
}

/** "6.07k" -> 6070. */
export function parseMetric(text) {
  const m = /^([\d.]+)([kMGTP]?)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: cannot parse number "${text}"`);
  return Number(m[1]) * METRIC_UNITS[m[2]];
}

/**
 * Parse a `wrk --latency` report. Throws when the essential lines are missing (e.g. wrk
 * could not connect at all), so a broken run never turns into a silent 0.
 *
 * Returns latencies in ms, bytes in bytes, and the error counters wrk prints only when
 * non-zero (so their absence means 0).
 */
export function parseWrk(output) {
  const r = {
    requests: null, durationMs: null, bytesRead: null,
    requestsPerSec: null, transferPerSec: null,
    latency: { avg: null, stdev: null, max: null, p50: null, p75: null, p90: null, p99: null },
    errors: { connect: 0, read: 0, write: 0, timeout: 0, non2xx3xx: 0 },
  };
  let m;
  if ((m = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+%\s*$/m.exec(output))) {
    r.latency.avg = parseTime(m[1]); r.latency.stdev = parseTime(m[2]); r.latency.max = parseTime(m[3]);
  }
  for (const [, pct, value] of output.matchAll(/^\s*(50|75|90|99)%\s+(\S+)\s*$/gm)) {
    r.latency[`p${pct}`] = parseTime(value);
  }
  if ((m = /^\s*(\d+) requests in (\S+), (\S+) read\s*$/m.exec(output))) {
    r.requests = Number(m[1]); r.durationMs = parseTime(m[2]); r.bytesRead = parseBytes(m[3]);
  }
  if ((m = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/m.exec(output))) {
    Object.assign(r.errors, { connect: +m[1], read: +m[2], write: +m[3], timeout: +m[4] });
  }
  if ((m = /^\s*Non-2xx or 3xx responses: (\d+)/m.exec(output))) r.errors.non2xx3xx = +m[1];
  if ((m = /^Requests\/sec:\s+(\S+)/m.exec(output))) r.requestsPerSec = Number(m[1]);
  if ((m = /^Transfer\/sec:\s+(\S+)/m.exec(output))) r.transferPerSec = parseBytes(m[1]);

  if (r.requestsPerSec === null || r.requests === null) {
    throw new Error(`wrk: no "Requests/sec" in output:\n${output.trim()}`);
  }
  r.errorCount = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return r;
}

/**
 * Run wrk once against `url` and return the parsed report (plus the raw text, for the JSON).
 *
 * wrk runs in its own process group and is tracked, so Ctrl-C or an error mid-run kills it;
 * a watchdog kills it if it overruns its own -d by 30 s (a hung server must not hang the
 * bench). Threads = min(2, connections): 2 cores, and wrk refuses threads > connections.
 */
export async function runWrk({ url, connections, durationS, script = null, timeoutS = 5, env = {} }) {
  const threads = Math.max(1, Math.min(2, connections));
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${durationS}s`,
    '--timeout', `${timeoutS}s`, '--latency'];
  if (script) args.push('-s', script);
  args.push(url);

  const child = spawn('wrk', args, {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  track(child.pid, 'wrk');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  const watchdog = setTimeout(() => killGroup(child.pid, 'SIGKILL'), (durationS + 30) * 1000);
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, sig) => resolve(sig ?? c));
  }).finally(() => { clearTimeout(watchdog); untrack(child.pid); });
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${(stderr || stdout).trim()}`);
  return { ...parseWrk(stdout), raw: stdout, args: ['wrk', ...args] };
}
