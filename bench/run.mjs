#!/usr/bin/env node
// Forkwatch benchmark: Forkwatch vs gunicorn (sync workers), same app, same worker count,
// same client (wrk), in the same run. `npm run bench -- --help` for options.
//
// Shape of a run (each step is skipped when not selected with --only/--skip):
//   0. prime: start and stop each server once (warm bytecode and page caches), discarded.
//   1. start one Forkwatch and one gunicorn on bench/apps/suite.py (routes /, /download,
//      /upload), wait until each answers 200 and has all its workers; RSS "idle".
//   2. load scenarios, each as: warm-up wrk run (discarded) then the measured run, Forkwatch
//      then gunicorn back to back so both see the same machine state:
//        hello c=32, hello c=1, download c=4, upload c=4, and hello c=32 capture on/off
//        (two fresh Forkwatch instances, with and without --no-capture, only for that row).
//   3. RSS "after load", then graceful stop (SIGTERM) and a check that no process is left.
//   4. start time: spawn -> first 200 on GET /, median of N starts, alternating servers.
//   5. table on stdout, everything (raw wrk output included) in bench/results/latest.json.
//
// The two servers are never loaded at the same time: with 2 cores they would compete for
// CPU with each other and with wrk. An idle server costs nothing measurable.

import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import { runWrk } from './lib/wrk.mjs';
import { buildTimingShim, timingEnv, readTimings, percentiles, slowTime } from './lib/timing-shim.mjs';
import {
  freePort, startServer, waitReady, waitWorkers, serverTree, stopServer, stopAllServers, checkResponses,
} from './lib/servers.mjs';
import { machineBusy, memorySnapshot, trackedGroups, killGroup, groupMembers, allGroupsEverStarted } from './lib/proc.mjs';
import { table, rowsForJson, ratio, meets, FORMATS } from './lib/report.mjs';
import { runCaptureMemory, captureMemoryReport } from './lib/capture-memory.mjs';
import { runUi, uiReport } from './ui/ui-bench.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');

// ---------------------------------------------------------------- reload scenario (hand-over)
// `--only reload` runs bench/reload/run.mjs instead: its own harness (reload latency against
// gunicorn --reload and werkzeug) with its own options, which follow on the command line.
{
  const argv = process.argv.slice(2);
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const value = at === -1 ? '' : argv[at].startsWith('--only=') ? argv[at].slice(7) : argv[at + 1] ?? '';
  const names = value.split(',').map((x) => x.trim()).filter(Boolean);
  if (names.includes('reload')) {
    if (names.length > 1) {
      process.stderr.write('bench: the reload scenario runs alone: npm run bench -- --only reload [its options]\n');
      process.exit(2);
    }
    const rest = argv.filter((_, i) => i !== at && !(i === at + 1 && argv[at] === '--only'));
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(BENCH_DIR, 'reload', 'run.mjs'), ...rest], { stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal's process group; wait for its cleanup.
    process.on('SIGINT', () => {});
    for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
    const code = await new Promise((done) => child.on('exit', (c) => done(c ?? 1)));
    process.exit(code);
  }
}
const APP_DIR = join(BENCH_DIR, 'apps');
const UPLOAD_LUA = join(BENCH_DIR, 'lib', 'upload.lua');
const MIB = 1024 * 1024;
const BODY_BYTES = 10 * MIB; // download.py / upload.lua size

// Environment of both servers. This sandbox exports PYTHONDONTWRITEBYTECODE=1, which makes
// every start recompile every module (Forkwatch's worker code, the app) from source: not what
// a developer's machine does, and it would inflate start times. Bytecode goes to a private
// cache dir instead, so nothing is written next to the sources and both servers get the
// same warm cache (the load-test servers start before the start-time runs).
const SERVER_ENV = { PYTHONDONTWRITEBYTECODE: undefined, PYTHONPYCACHEPREFIX: join(tmpdir(), 'forkwatch-bench-pycache') };

let interrupted = false; // set by SIGINT/SIGTERM/SIGHUP: start nothing new, stop everything

const SCENARIOS = ['hello', 'download', 'upload', 'capture', 'start', 'rss', 'capture-memory', 'ui'];

// Figures measured earlier on this machine for gunicorn sync, 2 workers (printed as "ref").
const REFERENCE = { helloC32: 11_600, p99C1: 0.47, download: 2_500, upload: 540 };
// Targets for the ratio printed next to each figure.
const TARGETS = {
  helloC32: { op: '>=', value: 1.5 },
  p99C1: { op: '<=', value: 1.0 },
  download: { op: '>=', value: 0.8 },
  upload: { op: '>=', value: 0.8 },
  start: { op: '<=', value: 1.0 },
  capture: { op: '>=', value: 0.85 },
};

const HELP = `Usage: npm run bench -- [options]     (or: node bench/run.mjs [options])

  --only LIST          comma-separated subset of: ${SCENARIOS.join(', ')}  (default: all)
  --only reload        instead: the reload benchmark, bench/reload/run.mjs (--help for its options)
  --skip LIST          run everything except these
  --duration S         seconds per measured wrk run (default 5)
  --warmup S           seconds of the warm-up wrk run per server and scenario (default: min(2, duration))
  --rounds N           measured runs per server and scenario, interleaved; figures are the
                       median (default 3; 1 = a single run)
  --starts N           process starts per server for the start-time median (default 5)
  --workers N          workers for both servers (default 2)
  --capture on|off     Forkwatch's main instance with capture on (default) or --no-capture;
                       with "off" the capture on/off row is skipped (nothing to compare)
  --forkwatch-cmd CMD  FALLBACK: command for the "forkwatch" side, for testing the harness
                       before/without Forkwatch. "gunicorn" = a second gunicorn; anything else
                       is a whitespace-separated template with {app_dir} {app} {workers}
                       {bind} {port} {python} placeholders ("node" = this node binary).
                       Default: node bin/forkwatch.cjs serve {app_dir} --app {app}
                                --workers {workers} --bind {bind} --python {python}
                                --no-access-log
  --out FILE           JSON output (default bench/results/latest.json)
  -h, --help
`;

// ---------------------------------------------------------------- options

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' }, skip: { type: 'string' },
      duration: { type: 'string', default: '5' }, warmup: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      starts: { type: 'string', default: '5' }, workers: { type: 'string', default: '2' },
      capture: { type: 'string', default: 'on' },
      'forkwatch-cmd': { type: 'string' },
      out: { type: 'string', default: join(BENCH_DIR, 'results', 'latest.json') },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(HELP); process.exit(0); }
  const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  for (const name of [...list(values.only), ...list(values.skip)]) {
    if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
  }
  const selected = new Set(values.only ? list(values.only) : SCENARIOS);
  for (const name of list(values.skip)) selected.delete(name);
  const num = (name, v, min) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
    return n;
  };
  const duration = num('duration', values.duration, 1);
  if (!['on', 'off'].includes(values.capture)) throw new Error('--capture must be on or off');
  return {
    selected,
    duration: Math.round(duration),
    warmup: Math.round(num('warmup', values.warmup ?? Math.min(2, duration), 1)),
    rounds: Math.round(num('rounds', values.rounds, 1)),
    starts: Math.round(num('starts', values.starts, 1)),
    workers: Math.round(num('workers', values.workers, 1)),
    capture: values.capture,
    forkwatchCmd: values['forkwatch-cmd'] ?? null,
    out: resolve(values.out),
  };
}

// ---------------------------------------------------------------- commands

function gunicornArgv({ app, workers, port }) {
  // `python3 -m gunicorn` rather than /usr/bin/gunicorn: same code, and the interpreter is
  // explicit (the one Forkwatch's workers use too).
  return [PYTHON, '-m', 'gunicorn', '--workers', String(workers), '--worker-class', 'sync',
    '--bind', `127.0.0.1:${port}`, '--chdir', APP_DIR, app];
}

// --python: Forkwatch otherwise runs `python3` from PATH, which here is a pyenv shim (another
//   interpreter, plus a bash hop at every worker start); gunicorn is only installed for
//   /usr/bin/python3, so that is the one both sides use.
// --no-access-log: gunicorn logs no access line by default; Forkwatch does. Printing one
//   line per request is a real but separate cost, so it is off for a like-for-like figure.
const PYTHON = '/usr/bin/python3';
const FORKWATCH_TEMPLATE = 'node bin/forkwatch.cjs serve {app_dir} --app {app} --workers {workers} --bind {bind}'
  + ' --python {python} --no-access-log';

function forkwatchArgv(opts, { app, workers, port, extra = [] }) {
  if (opts.forkwatchCmd === 'gunicorn') return [...gunicornArgv({ app, workers, port }), ...extra];
  const template = opts.forkwatchCmd ?? FORKWATCH_TEMPLATE;
  const vars = { python: PYTHON, app_dir: APP_DIR, app, workers: String(workers), bind: `127.0.0.1:${port}`, port: String(port) };
  const argv = template.trim().split(/\s+/).map((w) => w.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m));
  if (argv[0] === 'node') argv[0] = process.execPath;
  return [...argv, ...extra];
}

function describeForkwatch(opts) {
  if (opts.forkwatchCmd === 'gunicorn') return 'FALLBACK: a second gunicorn (--forkwatch-cmd gunicorn)';
  if (opts.forkwatchCmd) return `FALLBACK: custom command (--forkwatch-cmd)`;
  return 'node bin/forkwatch.cjs';
}

// ---------------------------------------------------------------- steps

const log = (msg) => process.stderr.write(`${msg}\n`);
const mib = (kib) => (kib === null || kib === undefined ? null : kib / 1024);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

/** Servers that needed SIGKILL or left processes behind, or answered wrongly: Problems list. */
const stopIssues = [];
const checkIssues = [];
async function stop(server, options) {
  const first = !server.stopped;
  const r = await stopServer(server, options);
  if (first && !r.graceful) stopIssues.push(`${server.label} did not stop cleanly on SIGTERM: ${JSON.stringify(r)}`);
  return r;
}

/** Start a server and wait until it answers 200 and has all its workers. */
async function launch(label, argv, workers) {
  if (interrupted) throw new Error('interrupted');
  const port = await freePort();
  // argv was built for a placeholder port; rebuild with the real one.
  const server = startServer({ label, argv: argv(port), cwd: REPO_ROOT, port, env: SERVER_ENV });
  try {
    const readyMs = await waitReady(server);
    await waitWorkers(server, workers);
    log(`  ${label}: ready in ${readyMs.toFixed(0)} ms on port ${port} (pid ${server.pid})`);
    return server;
  } catch (e) {
    await stop(server, { graceMs: 3000 });
    throw e;
  }
}

/** The compiled timing-shim.c ({ path } or { error }), built once when a scenario wants it. */
let timingShim = null;

/**
 * One measured wrk run against one server. With `perRequest` (one connection only), the run
 * also records each request's latency on the wire (timing-shim.c) into `r.perRequest`.
 */
async function measure(server, { path = '/', connections, script = null, timeoutS = 5, perRequest = false }, durationS) {
  if (interrupted) throw new Error('interrupted');
  const url = `http://127.0.0.1:${server.port}${path}`;
  const timingsPath = perRequest && timingShim?.path ? join(tmpdir(), `forkwatch-timings-${process.pid}.txt`) : null;
  const env = timingsPath ? timingEnv(timingShim.path, timingsPath) : {};
  const r = await runWrk({ url, connections, durationS, script, timeoutS, env });
  if (r.requests === 0) throw new Error(`no request completed (${JSON.stringify(r.errors)})`);
  if (server.exitInfo) throw new Error(`${server.label} exited during the run`);
  if (timingsPath) {
    const latencies = readTimings(timingsPath);
    r.perRequest = { ...percentiles(latencies), ...slowTime(latencies, durationS), requests: latencies.length };
  }
  return r;
}

/**
 * One scenario on several servers: a warm-up run per server (discarded: first connections,
 * lazy imports, CPU frequency), then `rounds` rounds of one measured run per server. The
 * order flips every round (A B, B A, A B...) so neither side always runs right after the
 * other's load, and each figure is the median over rounds: on a 2-core machine shared with
 * other work a single 5 s run can be off by 30%, the median of 3 interleaved runs much less.
 * A server that fails is reported as { error } and the others go on.
 */
async function scenario(servers, def, opts) {
  const names = Object.keys(servers);
  const out = {};
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) {
    const s = servers[n];
    if (s.error) { out[n] = { error: `not started: ${s.error}` }; continue; }
    const w = await attempt(`${n} warm-up`, () => measure(s, def, opts.warmup));
    if (w.error) out[n] = w;
  }
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const n of order) {
      if (out[n]) continue; // failed already
      const r = await attempt(`${n} round ${round + 1}`, () => measure(servers[n], def, opts.duration));
      if (r.error) out[n] = r; else runs[n].push(r);
    }
  }
  for (const n of names) out[n] ??= combine(runs[n]);
  return out;
}

/** Median over rounds of each figure; error counters summed; every run kept for the JSON. */
function combine(runs) {
  const med = (f) => median(runs.map(f));
  const errors = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    requestsPerSec: med((r) => r.requestsPerSec),
    transferPerSec: med((r) => r.transferPerSec),
    latency: Object.fromEntries(Object.keys(runs[0].latency).map((k) => [k, med((r) => r.latency[k])])),
    spread: { requestsPerSec: [Math.min(...runs.map((r) => r.requestsPerSec)), Math.max(...runs.map((r) => r.requestsPerSec))] },
    ...(runs[0].perRequest && { perRequest: Object.fromEntries(Object.keys(runs[0].perRequest).map((k) => [k, med((r) => r.perRequest[k])])) }),
    errors,
    errorCount: runs.reduce((a, r) => a + r.errorCount, 0),
    runs,
  };
}

/** Run `fn` and turn a failure into { error } so one side failing does not end the run. */
async function attempt(what, fn) {
  try { return await fn(); } catch (e) {
    log(`  ${what}: ERROR ${e.message.split('\n')[0]}`);
    return { error: e.message };
  }
}

/** One start: spawn -> first 200 on GET /, then a graceful stop before the next start. */
async function measureStart(label, argvFor) {
  if (interrupted) throw new Error('interrupted');
  const port = await freePort();
  const server = startServer({ label, argv: argvFor(port), cwd: REPO_ROOT, port, env: SERVER_ENV });
  try {
    const readyMs = await waitReady(server);
    return { readyMs, listeningMs: server.listeningMs };
  } finally {
    await stop(server);
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const want = (s) => opts.selected.has(s);
  const loadScenarios = ['hello', 'download', 'upload', 'capture'].filter(want);
  const needServers = loadScenarios.length > 0 || want('rss');
  const W = opts.workers;

  const wrkCheck = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (wrkCheck.error) throw new Error(`wrk not found: ${wrkCheck.error.message}`);
  if (!opts.forkwatchCmd && !existsSync(join(REPO_ROOT, 'bin', 'forkwatch.cjs'))) {
    log('note: bin/forkwatch.cjs does not exist yet; the forkwatch side will fail to start.'
      + ' Use --forkwatch-cmd gunicorn to exercise the harness.');
  }

  const fwArgv = (app, extra = []) => (port) => forkwatchArgv(opts, { app, workers: W, port, extra });
  const guArgv = (app) => (port) => gunicornArgv({ app, workers: W, port });
  const fwMainExtra = opts.capture === 'off' ? ['--no-capture'] : [];

  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      wrk: (wrkCheck.stdout || wrkCheck.stderr).split('\n')[0].trim(),
      cpus: cpus().length,
      loadavgAtStart: loadavg(),
      cpuBusyBeforeStart: await machineBusy(),
      serverEnv: { unset: ['PYTHONDONTWRITEBYTECODE'], set: { PYTHONPYCACHEPREFIX: SERVER_ENV.PYTHONPYCACHEPREFIX } },
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || null,
      options: { ...opts, selected: [...opts.selected] },
      forkwatchSide: describeForkwatch(opts),
      commands: {
        forkwatch: fwArgv('suite:app', fwMainExtra)('PORT').join(' '),
        gunicorn: guArgv('suite:app')('PORT').join(' '),
      },
      reference: REFERENCE,
      targets: TARGETS,
    },
    checks: {}, load: {}, capture: null, rss: {}, start: {}, cleanup: {},
  };
  log(`forkwatch side: ${describeForkwatch(opts)}`);

  // ---- 0: one discarded start per server, so the first measured start and the idle RSS are
  // not those of a cold bytecode cache (compiling inflates RSS by ~5 MiB) or a cold page cache.
  if (needServers || want('start')) {
    log('priming: one discarded start per server');
    await attempt('prime forkwatch', () => measureStart('forkwatch (prime)', fwArgv('suite:app', fwMainExtra)));
    await attempt('prime gunicorn', () => measureStart('gunicorn (prime)', guArgv('suite:app')));
  }

  // ---- 1-3: long-lived servers, load scenarios, RSS
  if (needServers) {
    log('starting servers (bench/apps/suite.py)...');
    const fw = await attempt('forkwatch', () => launch('forkwatch', fwArgv('suite:app', fwMainExtra), W));
    const gu = await attempt('gunicorn', () => launch('gunicorn', guArgv('suite:app'), W));
    const sides = { forkwatch: fw, gunicorn: gu };
    const up = (s) => s && !s.error;

    if (want('rss')) {
      await sleep(1000); // let both settle after boot before calling it "idle"
      for (const [name, s] of Object.entries(sides)) {
        results.rss[name] = { idle: up(s) ? memorySnapshot(s.pid) : { error: s.error } };
      }
    }

    // Correctness before speed: wrk counts responses but does not read them. Done after the
    // idle RSS snapshot, which would otherwise include a 10 MiB body each way.
    for (const [name, s] of Object.entries(sides)) {
      if (!up(s)) continue;
      const problems = await checkResponses(s, { bodyBytes: BODY_BYTES });
      results.checks[name] = problems;
      for (const p of problems) { log(`  ${name} answers wrongly: ${p}`); checkIssues.push(`${name} answers wrongly: ${p}`); }
    }

    const scenarioDefs = {
      'hello c=32': { scenario: 'hello', connections: 32 },
      'hello c=1': { scenario: 'hello', connections: 1, perRequest: true },
      // Big bodies: a 10 MiB transfer can take longer than wrk's default 2 s timeout on a busy box.
      'download c=4': { scenario: 'download', connections: 4, path: '/download', timeoutS: 30 },
      'upload c=4': { scenario: 'upload', connections: 4, path: '/upload', script: UPLOAD_LUA, timeoutS: 30 },
    };
    if (want('hello')) {
      timingShim = buildTimingShim();
      results.meta.timingShim = timingShim.error ?? 'built';
      if (timingShim.error) log(`  ${timingShim.error}`);
    }
    for (const [name, def] of Object.entries(scenarioDefs)) {
      if (!want(def.scenario)) continue;
      log(`${name}: per server ${opts.warmup}s warm-up + ${opts.rounds} x ${opts.duration}s`);
      results.load[name] = await scenario(sides, def, opts);
    }

    if (want('capture')) {
      if (opts.capture === 'off') {
        results.capture = { skipped: 'main Forkwatch instance already runs with --no-capture (--capture off)' };
      } else if (!up(fw)) {
        results.capture = { skipped: `Forkwatch not started: ${fw.error.split('\n')[0]}` };
      } else {
        // Two fresh instances that differ only in the flag. Not the main instance for "on": by
        // now it has served the 10 MiB downloads, and its ring holds 256 MiB of 1 MiB bodies,
        // so its figure would mix the cost of capture with that history.
        log('hello c=32 capture on/off: starting two fresh Forkwatch instances, with and without --no-capture');
        let on;
        let off;
        try {
          on = await launch('forkwatch (capture on)', fwArgv('suite:app'), W);
          off = await launch('forkwatch --no-capture', fwArgv('suite:app', ['--no-capture']), W);
        } catch (e) {
          results.capture = { skipped: `a fresh instance did not start: ${e.message.trim().split('\n').slice(0, 4).join(' | ')}` };
          log(`  skipped: ${results.capture.skipped}`);
        }
        if (on && off) {
          try {
            const pair = await scenario({ on, off }, { connections: 32 }, opts);
            results.capture = { ...pair, onStop: await stop(on), offStop: await stop(off) };
          } finally {
            await stop(on);
            await stop(off);
          }
        } else {
          if (on) await stop(on);
          if (off) await stop(off);
        }
      }
    }

    if (want('rss')) {
      await sleep(500);
      for (const [name, s] of Object.entries(sides)) {
        results.rss[name].afterLoad = up(s) ? memorySnapshot(s.pid) : { error: s.error };
      }
    }

    for (const [name, s] of Object.entries(sides)) {
      if (up(s)) {
        serverTree(s);
        results.cleanup[name] = await stop(s);
      }
    }
  }

  // ---- 4: start time. Alternating, so drift (page cache, CPU frequency) hits both alike.
  if (want('start')) {
    log(`start time: ${opts.starts} starts per server (spawn -> first 200 on GET /, hello:app)`);
    const runs = { forkwatch: [], gunicorn: [] };
    const errors = {};
    for (let i = 0; i < opts.starts; i++) {
      for (const [side, argvFor] of [['forkwatch', fwArgv('hello:app', fwMainExtra)], ['gunicorn', guArgv('hello:app')]]) {
        if (errors[side]) continue;
        const r = await attempt(`start ${side}`, () => measureStart(side, argvFor));
        if (r.error) errors[side] = r.error; else runs[side].push(r);
      }
    }
    for (const side of ['forkwatch', 'gunicorn']) {
      results.start[side] = errors[side] ? { error: errors[side], runs: runs[side] } : {
        medianMs: median(runs[side].map((r) => r.readyMs)),
        medianListeningMs: runs[side].every((r) => r.listeningMs !== null) ? median(runs[side].map((r) => r.listeningMs)) : null,
        runs: runs[side],
      };
    }
  }

  // ---- 6: capture memory (issue 3; bench/lib/capture-memory.mjs): own servers, one per setting.
  if (want('capture-memory')) {
    results.captureMemory = await attempt('capture-memory', () => runCaptureMemory({
      argvFor: (port, extra) => forkwatchArgv(opts, { app: 'suite:app', workers: W, port, extra }),
      cwd: REPO_ROOT, env: SERVER_ENV, workers: W, log, isInterrupted: () => interrupted,
    }));
  }

  // ---- 7: inspector UI (issue 4; bench/ui/): own server with --ui, Debian Chromium.
  if (want('ui')) {
    log('ui: inspector with 100,000 exchanges in Chromium (scroll fps, input latency under load)');
    results.ui = await attempt('ui', () => runUi({
      argvFor: (extra) => forkwatchArgv(opts, { app: 'suite:app', workers: W, port: 0, extra }),
      cwd: REPO_ROOT, env: SERVER_ENV, workers: W, resultsDir: join(BENCH_DIR, 'results'), log, isInterrupted: () => interrupted,
    }));
  }

  return { opts, results };
}

// ---------------------------------------------------------------- report

function buildReport({ opts, results }) {
  const rows = [];
  const val = (r, f) => (!r ? null : r.error ? 'error' : f(r));
  const bad = (r) => !!r && !r.error && r.errorCount > 0;
  const push = (label, unit, name, f, extra = {}) => {
    const pair = results.load[name];
    if (!pair) return;
    rows.push({ label, unit, a: val(pair.forkwatch, f), b: val(pair.gunicorn, f),
      markA: bad(pair.forkwatch), markB: bad(pair.gunicorn), ...extra });
  };
  const rps = (r) => r.requestsPerSec;
  push('hello c=32', 'req/s', 'hello c=32', rps, { better: 'higher', target: TARGETS.helloC32, ref: REFERENCE.helloC32 });
  push('hello c=32 p50', 'ms', 'hello c=32', (r) => r.latency.p50, { better: 'lower' });
  push('hello c=32 p99', 'ms', 'hello c=32', (r) => r.latency.p99, { better: 'lower' });
  push('hello c=1', 'req/s', 'hello c=1', rps, { better: 'higher' });
  push('hello c=1 p50', 'ms', 'hello c=1', (r) => r.latency.p50, { better: 'lower' });
  push('hello c=1 p99', 'ms', 'hello c=1', (r) => r.latency.p99, { better: 'lower', target: TARGETS.p99C1, ref: REFERENCE.p99C1 });
  push('hello c=1 p99 per request *', 'ms', 'hello c=1', (r) => r.perRequest?.p99 ?? null, { better: 'lower' });
  push('hello c=1 p99.9 per request *', 'ms', 'hello c=1', (r) => r.perRequest?.p999 ?? null, { better: 'lower' });
  push('hello c=1 time past 0.25 ms *', 'ms/s', 'hello c=1', (r) => r.perRequest?.pastQuarterMsPerS ?? null, { better: 'lower' });
  push('hello c=1 in stalls > 1 ms *', 'ms/s', 'hello c=1', (r) => r.perRequest?.stallsMsPerS ?? null, { better: 'lower' });
  // MiB/s from completed requests x body size: exact, where wrk's Transfer/sec has 3 digits.
  push('download c=4', 'MiB/s', 'download c=4', (r) => (r.requestsPerSec * BODY_BYTES) / MIB, { better: 'higher', target: TARGETS.download, ref: REFERENCE.download });
  push('upload c=4', 'MiB/s', 'upload c=4', (r) => (r.requestsPerSec * BODY_BYTES) / MIB, { better: 'higher', target: TARGETS.upload, ref: REFERENCE.upload });

  if (results.start.forkwatch || results.start.gunicorn) {
    const s = (side) => { const x = results.start[side]; return !x ? null : x.error ? 'error' : x.medianMs; };
    rows.push({ label: `start to first 200, median of ${opts.starts}`, unit: 'ms', a: s('forkwatch'), b: s('gunicorn'), better: 'lower', target: TARGETS.start });
  }

  for (const phase of ['idle', 'afterLoad']) {
    if (!results.rss.forkwatch && !results.rss.gunicorn) break;
    const snap = (side) => results.rss[side]?.[phase];
    const f = (fn) => (side) => { const x = snap(side); return !x ? null : x.error ? 'error' : fn(x); };
    const tag = phase === 'idle' ? 'idle' : 'after load';
    const master = f((x) => mib(x.master.rssKiB));
    const perWorker = f((x) => (x.workers.length ? mib(x.workersRssKiB / x.workers.length) : null));
    const total = f((x) => mib(x.totalRssKiB));
    rows.push({ label: `RSS master, ${tag}`, unit: 'MiB', a: master('forkwatch'), b: master('gunicorn'), better: 'lower' });
    rows.push({ label: `RSS per worker (mean), ${tag}`, unit: 'MiB', a: perWorker('forkwatch'), b: perWorker('gunicorn'), better: 'lower' });
    rows.push({ label: `RSS total, ${tag}`, unit: 'MiB', a: total('forkwatch'), b: total('gunicorn'), better: 'lower' });
  }

  const lines = [];
  lines.push('');
  lines.push(`Forkwatch vs gunicorn (sync, ${opts.workers} workers), ${results.meta.cpus} CPUs; wrk: ${opts.warmup}s warm-up, then median of ${opts.rounds} interleaved ${opts.duration}s runs`);
  const busy = results.meta.cpuBusyBeforeStart;
  if (busy > 0.15) lines.push(`WARNING: the CPUs were ${(busy * 100).toFixed(0)}% busy before the bench started: other work competes with it, figures are noisy`);
  lines.push(`forkwatch side: ${results.meta.forkwatchSide}${opts.capture === 'off' ? ' with --no-capture' : ''}`);
  lines.push('ratio = forkwatch/gunicorn; "better" says which direction wins; "!" = wrk reported errors (see JSON)');
  lines.push('');
  if (rows.length) lines.push(table(rows)); // empty with --only capture-memory,ui
  if (results.load['hello c=1']) {
    lines.push('* wrk\'s latency figures are corrected for coordinated omission: a request slower than twice');
    lines.push('  the mean interval also counts the requests a steady client would have queued behind it.');
    lines.push('  "per request" is each request as it went, timed on wrk\'s socket (bench/lib/timing-shim.c)'
      + (timingShim?.error ? `: ${timingShim.error}` : '.'));
    lines.push('  "time past 0.25 ms": what requests spent beyond 0.25 ms, "in stalls": the whole time of requests');
    lines.push('  over 1 ms, both in ms per second of run. wrk\'s correction turns such time into samples: its');
    lines.push('  p99 follows them more than it follows the typical request.');
  }

  // Spread over rounds: how much to trust a ratio (two identical servers differ by this much).
  const spreads = [];
  for (const [name, pair] of Object.entries(results.load)) {
    const part = Object.entries(pair).filter(([, r]) => r.spread)
      .map(([side, r]) => `${side} ${r.spread.requestsPerSec.map((v) => FORMATS['req/s'](v)).join('-')}`);
    if (part.length && opts.rounds > 1) spreads.push(`  ${name}: ${part.join(', ')}`);
  }
  if (spreads.length) { lines.push(''); lines.push(`req/s spread over the ${opts.rounds} rounds (min-max):`); lines.push(...spreads); }

  // Capture overhead: its own small table, because the ratio there is on/off, not fw/gu.
  let captureRows = [];
  if (results.capture) {
    lines.push('');
    if (results.capture.skipped) {
      lines.push(`hello c=32, capture off: SKIPPED (${results.capture.skipped})`);
    } else {
      const { on, off } = results.capture;
      captureRows = [{ label: 'hello c=32', unit: 'req/s', a: on.error ? 'error' : on.requestsPerSec, b: off.error ? 'error' : off.requestsPerSec,
        markA: !on.error && on.errorCount > 0, markB: !off.error && off.errorCount > 0, better: 'higher', target: TARGETS.capture }];
      lines.push(table(captureRows, { a: 'capture on', b: 'capture off', ratioName: 'on/off', withRef: false }));
    }
  }

  // Per-process RSS detail: which pid is the master, each worker, helpers, peak (VmHWM).
  for (const side of ['forkwatch', 'gunicorn']) {
    const r = results.rss[side];
    if (!r) continue;
    for (const phase of ['idle', 'afterLoad']) {
      const x = r[phase];
      if (!x || x.error) continue;
      const p = (m) => `${FORMATS.MiB(mib(m.rssKiB))} (peak ${FORMATS.MiB(mib(m.hwmKiB))}) pid ${m.pid}`;
      const parts = [`master ${x.master.comm} ${p(x.master)}`, ...x.workers.map((w, i) => `worker${i + 1} ${p(w)}`),
        ...x.helpers.map((h) => `${h.standby ? 'standby' : 'helper'} ${h.comm} ${p(h)}`)];
      if (phase === 'idle' && side === 'forkwatch') lines.push('');
      if (phase === 'idle' && side === 'forkwatch') lines.push('RSS detail, MiB (peak = VmHWM):');
      lines.push(`  ${side.padEnd(9)} ${phase === 'idle' ? 'idle ' : 'after'}: ${parts.join('; ')}`);
    }
  }

  const errs = [];
  for (const [name, pair] of Object.entries(results.load)) {
    for (const [side, r] of Object.entries(pair)) {
      if (r.error) errs.push(`${name} ${side}: ${r.error}`);
      else if (r.errorCount) errs.push(`${name} ${side}: wrk errors ${JSON.stringify(r.errors)}`);
    }
  }
  errs.push(...checkIssues, ...stopIssues);
  // Scenarios with their own section (bench/lib/capture-memory.mjs, bench/ui/).
  for (const [key, section] of [['captureMemory', captureMemoryReport], ['ui', uiReport]]) {
    const r = results[key];
    if (!r) continue;
    const part = r.error && Object.keys(r).length === 1 ? { lines: ['', `${key}: ERROR ${r.error.split('\n')[0]}`], problems: [`${key}: ${r.error}`] } : section(r);
    lines.push(...part.lines);
    errs.push(...part.problems);
  }
  for (const side of ['on', 'off']) {
    const r = results.capture?.[side];
    if (r?.error) errs.push(`capture ${side}: ${r.error}`);
    else if (r?.errorCount) errs.push(`capture ${side}: wrk errors ${JSON.stringify(r.errors)}`);
  }
  for (const side of ['forkwatch', 'gunicorn']) {
    if (results.start[side]?.error) errs.push(`start ${side}: ${results.start[side].error}`);
  }
  if (errs.length) {
    lines.push(''); lines.push('Problems:');
    // The same server error repeats per row; show its output tail once.
    const seen = new Set();
    for (const e of errs) {
      const [first, ...rest] = e.split('\n');
      lines.push(`  ${first}`);
      const tail = rest.filter((l) => l.trim()).slice(-6).join('\n');
      if (tail && !seen.has(tail)) { seen.add(tail); for (const l of tail.split('\n')) lines.push(`      | ${l}`); }
    }
  }

  results.rows = rowsForJson(rows);
  if (captureRows.length) {
    const c = captureRows[0];
    const rr = ratio(c.a, c.b);
    results.captureRow = { metric: 'hello c=32 capture on/off', on: c.a, off: c.b, ratio: rr, target: TARGETS.capture, pass: meets(rr, TARGETS.capture) };
  }
  return { text: lines.join('\n'), problems: errs.length };
}

// ---------------------------------------------------------------- cleanup & entry

/** Last resort on any exit path: SIGKILL every process group still tracked (wrk or server). */
process.on('exit', () => {
  for (const [pgid] of trackedGroups()) killGroup(pgid, 'SIGKILL');
  if (timingShim?.path) rmSync(timingShim.path, { force: true });
});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (interrupted) process.exit(130); // second Ctrl-C: the exit hook SIGKILLs what is left
    interrupted = true;
    log(`\n${sig}: stopping wrk and servers...`);
    for (const [pgid, label] of trackedGroups()) if (label === 'wrk') killGroup(pgid, 'SIGKILL');
    await stopAllServers();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/** After a run: is any process from any group we started still alive? (report only) */
function leftoverCheck() {
  const left = allGroupsEverStarted().flatMap((pgid) => groupMembers(pgid));
  return left.map((p) => ({ pid: p.pid, pgrp: p.pgrp, comm: p.comm }));
}

try {
  const run = await main();
  const { text, problems } = buildReport(run);
  const left = leftoverCheck();
  run.results.cleanup.leftovers = left;
  process.stdout.write(`${text}\n`);
  process.stdout.write(left.length
    ? `\nWARNING: processes left running: ${JSON.stringify(left)} (killing them)\n`
    : `\ncleanup: all ${allGroupsEverStarted().length} process groups started by the bench are gone\n`);
  for (const p of left) killGroup(p.pgrp, 'SIGKILL');
  mkdirSync(dirname(run.opts.out), { recursive: true });
  writeFileSync(run.opts.out, `${JSON.stringify(run.results, null, 2)}\n`);
  process.stdout.write(`results: ${run.opts.out}\n`);
  process.exit(problems || left.length ? 1 : 0);
} catch (e) {
  log(`bench failed: ${e.stack ?? e.message}`);
  await stopAllServers();
  process.exit(2);
}
