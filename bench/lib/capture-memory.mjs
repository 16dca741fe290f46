// Scenario `capture-memory` (issue 3): "master RSS after 100,000 captured requests stays within
// the ring's byte budget plus 100 MB".
//
// For each capture configuration (CONFIGS): start Forkwatch on bench/apps/suite.py with those
// --capture-max-* flags, read the master's VmRSS when idle ("before"), drive TOTAL requests with
// wrk (loopback; GET / mixed with small POST /upload so request bodies are captured too), let it
// settle, read VmRSS again ("after", plus the VmHWM peak), stop the server. Verdict:
// after <= budget + 100 MiB. Then, for the reader, a GC diagnosis through the V8 inspector: the
// heap and Buffer figures before and after a forced full GC (see gcDiagnosis).
//
// Counting: wrk is duration-based, so bench/lib/mix.lua counts responses per wrk thread and
// stops each thread at its share; the harness ends wrk (SIGINT: it still prints its report) as
// soon as every thread is done. A run that ends short (errors, -d reached) is followed by another
// slice for the rest, within TIME_BOUND_S per configuration.
//
// Exports runCounted() too, which the ui scenario uses to load the inspector.

import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { parseWrk } from './wrk.mjs';
import { track, untrack, killGroup, memorySnapshot } from './proc.mjs';
import { freePort, startServer, waitReady, waitWorkers, stopServer } from './servers.mjs';
import WebSocket from 'ws';

const LIB_DIR = dirname(fileURLToPath(import.meta.url));
export const MIX_LUA = join(LIB_DIR, 'mix.lua');
const MIB = 1024 * 1024;

export const TOTAL = 100_000;
export const MARGIN_MIB = 100; // "plus 100 MB", taken as MiB like every other figure here
const TIME_BOUND_S = 240; // per configuration, for all wrk slices together
const POST_EVERY = 4; // 1 request in 4 is a POST /upload
const POST_BYTES = 1024;

/** Capture configurations measured. The first is the issue's setting; the second the default. */
export const CONFIGS = [
  { name: '64 MiB / 100,000', flags: ['--capture-max-exchanges', '100000', '--capture-max-bytes', String(64 * MIB)], budgetBytes: 64 * MIB, maxExchanges: 100_000 },
  { name: 'default (256 MiB / 5,000)', flags: [], budgetBytes: 256 * MIB, maxExchanges: 5000 },
];

/**
 * One wrk run with bench/lib/mix.lua. `limit` = total responses wanted (split over the threads;
 * 0 = none, run for durationS). Ends at the count (SIGINT once every thread printed FW_DONE),
 * at -d, or on `stopSignal` (an AbortSignal: SIGINT, report kept). Resolves with the parsed
 * report plus `raw` and `args`. wrk runs in its own process group, tracked for cleanup.
 */
export function runMix({ url, connections, threads, durationS, limit = 0, env = {}, timeoutS = 10, stopSignal = null }) {
  threads = Math.max(1, Math.min(threads, connections));
  const perThread = limit > 0 ? Math.ceil(limit / threads) : 0;
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${Math.max(1, Math.round(durationS))}s`,
    '--timeout', `${timeoutS}s`, '--latency', '-s', MIX_LUA, url];
  const child = spawn('wrk', args, {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FW_LIMIT: String(perThread), ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
  });
  track(child.pid, 'wrk');
  const t0 = performance.now();
  let stdout = '';
  let stderr = '';
  let doneThreads = 0;
  let interruptedAt = null;
  const interrupt = () => {
    if (interruptedAt === null) { interruptedAt = performance.now() - t0; killGroup(child.pid, 'SIGINT'); }
  };
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    const n = (stderr.match(/^FW_DONE$/gm) ?? []).length;
    if (n > doneThreads) { doneThreads = n; if (doneThreads >= threads) interrupt(); }
  });
  const onAbort = () => interrupt();
  stopSignal?.addEventListener('abort', onAbort, { once: true });
  if (stopSignal?.aborted) interrupt();
  const watchdog = setTimeout(() => killGroup(child.pid, 'SIGKILL'), (durationS + 30) * 1000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve(sig ?? code));
  }).finally(() => {
    clearTimeout(watchdog);
    stopSignal?.removeEventListener('abort', onAbort);
    untrack(child.pid);
  }).then((code) => {
    if (code !== 0) throw new Error(`wrk exited with ${code}: ${(stderr.replace(/^FW_DONE\n/gm, '') || stdout).trim()}`);
    const wallS = (performance.now() - t0) / 1000;
    return { ...parseWrk(stdout), wallS, threadsDone: doneThreads, endedBy: doneThreads >= threads ? 'count' : interruptedAt !== null ? 'signal' : 'duration', raw: stdout, args: ['wrk', ...args] };
  });
}

/**
 * Drive `total` responses in slices of runMix, within `timeBoundS`. Returns
 * { requests, errors, slices, wallS, rate, complete }.
 */
export async function runCounted({ url, total, connections = 16, threads = 2, timeBoundS = TIME_BOUND_S, env = {}, log = () => {}, isInterrupted = () => false }) {
  const t0 = performance.now();
  const slices = [];
  let requests = 0;
  const errors = { connect: 0, read: 0, write: 0, timeout: 0, non2xx3xx: 0 };
  while (requests < total) {
    if (isInterrupted()) throw new Error('interrupted');
    const left = timeBoundS - (performance.now() - t0) / 1000;
    if (left < 2) break;
    const r = await runMix({ url, connections, threads, durationS: Math.min(60, left), limit: total - requests, env });
    requests += r.requests;
    for (const [k, v] of Object.entries(r.errors)) errors[k] += v;
    slices.push({ requests: r.requests, requestsPerSec: r.requestsPerSec, wallS: r.wallS, endedBy: r.endedBy, errors: r.errors, latency: r.latency, args: r.args });
    log(`    wrk slice ${slices.length}: ${r.requests} responses in ${r.wallS.toFixed(1)} s (${Math.round(r.requestsPerSec)} req/s, ended by ${r.endedBy}); ${requests}/${total}`);
    if (r.requests === 0) break; // nothing gets through: no point in looping
  }
  const wallS = (performance.now() - t0) / 1000;
  return { requests, errors, errorCount: Object.values(errors).reduce((a, b) => a + b, 0), slices, wallS, rate: requests / wallS, complete: requests >= total };
}

/** The master's memory (KiB): the shallowest process of the tree with Python children. */
function masterMemory(pid) {
  const snap = memorySnapshot(pid);
  if (!snap) throw new Error(`server process ${pid} is gone`);
  return { pid: snap.master.pid, comm: snap.master.comm, rssKiB: snap.master.rssKiB, hwmKiB: snap.master.hwmKiB, workersRssKiB: snap.workersRssKiB };
}

/**
 * After the verdict: what the master's memory is made of, through the V8 inspector (the master
 * was started with --inspect on a free loopback port; nothing connects to it before this point).
 * process.memoryUsage() before and after a forced full GC, and VmRSS after it: tells "garbage
 * not collected yet" (GC slack) apart from memory the ring really keeps.
 */
async function gcDiagnosis(inspectPort, masterPid) {
  const list = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let id = 0;
  const pending = new Map();
  ws.on('message', (m) => {
    const d = JSON.parse(m);
    if (pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); }
  });
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 20_000);
    pending.set(++id, (d) => { clearTimeout(timer); d.error ? reject(new Error(d.error.message)) : resolve(d.result); });
    ws.send(JSON.stringify({ id, method, params }));
  });
  try {
    const usage = async () => JSON.parse((await call('Runtime.evaluate', { expression: 'JSON.stringify({ pid: process.pid, ...process.memoryUsage() })' })).result.value);
    const before = await usage();
    if (before.pid !== masterPid) throw new Error(`inspector port answers for pid ${before.pid}, not the master ${masterPid}`);
    await call('HeapProfiler.collectGarbage');
    await sleep(1000);
    const after = await usage();
    return { beforeGc: before, afterGc: after, rssAfterGcKiB: masterMemory(masterPid).rssKiB };
  } finally {
    ws.close();
  }
}

/**
 * Run the scenario. `argvFor(port, extraFlags)` builds the Forkwatch command (run.mjs's template),
 * `cwd`/`env` as for the other servers; `workers` = expected Python workers.
 */
export async function runCaptureMemory({ argvFor, cwd, env, workers = 2, log = () => {}, isInterrupted = () => false, total = TOTAL, configs = CONFIGS }) {
  const out = { total, marginMiB: MARGIN_MIB, postEvery: POST_EVERY, postBytes: POST_BYTES, loadavgAtStart: loadavg(), configs: [] };
  for (const config of configs) {
    if (isInterrupted()) throw new Error('interrupted');
    log(`capture-memory [${config.name}]: ${total} requests (1 in ${POST_EVERY} a POST /upload of ${POST_BYTES} B)`);
    const port = await freePort();
    const argv = argvFor(port, config.flags);
    // For the GC diagnosis only (see gcDiagnosis); when the command is node itself.
    const inspectPort = argv[0] === process.execPath ? await freePort() : null;
    if (inspectPort) argv.splice(1, 0, `--inspect=127.0.0.1:${inspectPort}`);
    const server = startServer({ label: `forkwatch capture-memory ${config.name}`, argv, cwd, port, env });
    const result = { name: config.name, flags: config.flags, budgetBytes: config.budgetBytes, maxExchanges: config.maxExchanges, command: argv.join(' ') };
    out.configs.push(result);
    try {
      await waitReady(server);
      await waitWorkers(server, workers);
      await sleep(1000);
      result.before = masterMemory(server.pid);
      result.load = await runCounted({
        url: `http://127.0.0.1:${port}/`, total, env: { FW_POST_EVERY: POST_EVERY, FW_POST_BYTES: POST_BYTES }, log, isInterrupted,
      });
      if (server.exitInfo) throw new Error(`server exited during the load: ${JSON.stringify(server.exitInfo)}`);
      result.afterImmediate = masterMemory(server.pid);
      await sleep(2000); // let the last batches settle (no forced GC: a real master does not get one)
      result.after = masterMemory(server.pid);
      result.loadavgAfter = loadavg();
      const rssBytes = result.after.rssKiB * 1024;
      result.overBudgetBytes = rssBytes - config.budgetBytes;
      result.limitBytes = config.budgetBytes + MARGIN_MIB * MIB;
      result.pass = result.load.complete && rssBytes <= result.limitBytes;
      if (inspectPort) {
        try { result.gc = await gcDiagnosis(inspectPort, result.after.pid); } catch (e) { result.gc = { error: e.message }; }
      }
    } catch (e) {
      result.error = e.message;
      log(`  capture-memory [${config.name}]: ERROR ${e.message.split('\n')[0]}`);
    } finally {
      result.stop = await stopServer(server);
    }
  }
  return out;
}

/** Report lines and the problems list for run.mjs. */
export function captureMemoryReport(r) {
  const lines = [];
  const problems = [];
  const m = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
  const mb = (bytes) => `${(bytes / MIB).toFixed(1)} MiB`;
  lines.push('');
  lines.push(`Capture memory (issue 3): master (node) VmRSS after ${r.total.toLocaleString('en-US')} requests`
    + ` (1 in ${r.postEvery} a POST /upload of ${r.postBytes} B, rest GET /); target: RSS <= ring byte budget + ${r.marginMiB} MiB`);
  const load = r.loadavgAtStart[0];
  if (load > 1.5) lines.push(`  note: load average ${r.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')} at the start (2 CPUs shared): timings are noisy; RSS figures much less so`);
  for (const c of r.configs) {
    lines.push(`  [${c.name}]  ${c.flags.join(' ') || '(no --capture-max-* flags)'}`);
    if (c.error && !c.after) {
      lines.push(`    ERROR: ${c.error.split('\n')[0]}`);
      problems.push(`capture-memory ${c.name}: ${c.error}`);
      continue;
    }
    const L = c.load;
    lines.push(`    load: ${L.requests.toLocaleString('en-US')} requests in ${L.wallS.toFixed(1)} s (${Math.round(L.rate)} req/s, ${L.slices.length} wrk slice${L.slices.length === 1 ? '' : 's'})${L.errorCount ? `, wrk errors ${JSON.stringify(L.errors)}` : ''}`);
    lines.push(`    RSS before load ${m(c.before.rssKiB)}; after load ${m(c.after.rssKiB)} (right after the last response ${m(c.afterImmediate.rssKiB)}, peak VmHWM ${m(c.after.hwmKiB)}), pid ${c.after.pid} (${c.after.comm})`);
    lines.push(`    growth over idle (after - before) ${m(c.after.rssKiB - c.before.rssKiB)}: ${m(c.after.rssKiB - c.before.rssKiB - c.budgetBytes / 1024)} over the budget (for reference; the verdict is on RSS itself)`);
    lines.push(`    budget ${mb(c.budgetBytes)}; RSS - budget = ${mb(c.overBudgetBytes)}; limit budget + ${r.marginMiB} MiB = ${mb(c.limitBytes)}`
      + `  -> ${c.pass ? 'PASS' : 'FAIL'}${L.complete ? '' : ` (only ${L.requests} of ${r.total} requests in the time bound)`}`);
    if (c.gc?.error) lines.push(`    GC diagnosis failed: ${c.gc.error}`);
    else if (c.gc) {
      const u = (x) => `heapUsed ${mb(x.heapUsed)} / heapTotal ${mb(x.heapTotal)}, Buffers (arrayBuffers) ${mb(x.arrayBuffers)}`;
      lines.push(`    diagnosis (after the verdict, V8 inspector): ${u(c.gc.beforeGc)}; after a forced full GC: ${u(c.gc.afterGc)}, RSS ${m(c.gc.rssAfterGcKiB)}`);
    }
    if (!c.pass) problems.push(`capture-memory ${c.name}: FAIL (RSS ${m(c.after.rssKiB)} vs limit ${mb(c.limitBytes)}${L.complete ? '' : ', incomplete load'})`);
    if (L.errorCount) problems.push(`capture-memory ${c.name}: wrk errors ${JSON.stringify(L.errors)}`);
    if (c.stop && !c.stop.graceful) problems.push(`capture-memory ${c.name}: server did not stop cleanly: ${JSON.stringify(c.stop)}`);
  }
  return { lines, problems };
}
