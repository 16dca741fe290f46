/**
 * The bench's per-request timing (bench/lib/timing-shim.c preloaded into wrk): a real wrk with
 * one connection against a server that makes every 10th request wait 20 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildTimingShim, percentiles, readTimings, timingEnv } from '../../bench/lib/timing-shim.mjs';

const SLOW_MS = 20;
let server: http.Server;
let served = 0;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-timing-'));
  server = http.createServer((_req, res) => {
    const reply = () => res.end('Hello, World!');
    if (++served % 10 === 0) setTimeout(reply, SLOW_MS);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('timing shim', () => {
  it('records each request of a one-connection wrk run as it went', async () => {
    const shim = buildTimingShim(dir);
    expect(shim.error).toBeUndefined(); // .ci/run installs a C compiler
    const out = join(dir, 'timings.txt');
    const { port } = server.address() as AddressInfo;
    const before = served;
    const wrk = await promisify(execFile)('wrk', ['-t1', '-c1', '-d1s', `http://127.0.0.1:${port}/`], {
      env: { ...process.env, ...timingEnv(shim.path!, out) },
    });
    const latencies = readTimings(out);

    // One entry per answered request (wrk stops with at most one request unanswered).
    expect(latencies.length).toBe(Number(/(\d+) requests in/.exec(wrk.stdout)![1]));
    expect(served - before - latencies.length).toBeLessThanOrEqual(1);
    // The slow tenth and only it. Half the delay as the line: libuv starts a timer from the
    // loop's cached clock, so a 20 ms one can end a little under 20 ms after the request came.
    const slow = latencies.filter((us) => us >= (SLOW_MS / 2) * 1000).length;
    expect(Math.abs(slow - latencies.length / 10)).toBeLessThanOrEqual(1);
    const p = percentiles(latencies, [50, 95]);
    expect(p.p50).toBeLessThan(SLOW_MS / 2);
    expect(p.p95).toBeGreaterThanOrEqual(SLOW_MS / 2);
  });
});
