#!/usr/bin/env node
// Reload benchmark: how long from saving a file to the first response that carries the new
// text, and how many requests failed (error or non-200) or got the old text meanwhile.
// Forkwatch --reload side by side with gunicorn --reload (inotify and poll engines), werkzeug's
// reloader (run_simple(use_reloader=True), as `flask run`), and for Django also Django's own
// `manage.py runserver`, on a hello app and on a small Django project (bench/reload/apps/).
//
//   node bench/reload/run.mjs [--trials 10] [--apps hello,django] [--servers a,b] ...
//   npm run bench -- --only reload            (bench/run.mjs hands over to this file)
//
// Shape of a run, per app:
//   1. every contender gets its own temp copy of the app and is started (own process group),
//      then waits until it answers 200. The idle ones keep running: their pollers stat() every
//      module once a second, a few ms of CPU. (--pause SIGSTOPs them instead, but gunicorn's
//      inotify reloader was seen to miss the save after a SIGSTOP/SIGCONT: off by default.)
//   2. trials, interleaved: trial k measures every contender once, in an order rotated by k,
//      so drift on this shared 2-core machine hits all alike. One trial: wait until the
//      contender has served the current text 20 times in a row (and >= 1.5 s since its last
//      save, so a polling reloader's second worker has caught up), then write the file and
//      poll as fast as one client can (sequential requests, keep-alive where the server keeps
//      it) until the new text comes back, then 500 ms more to catch "flaps" (old text again
//      after the new: a second worker still on the old code) and failures after the switch.
//   3. median / min / max of the latencies, summed counters, ratio to gunicorn --reload
//      with inotify, and the targets: hello median <= gunicorn inotify, no failed request,
//      Django median < 1 s. Everything also in bench/results/reload.json (gitignored).
//
// Every loop is bounded (trial timeout, request timeout, request count); every process is in
// a process group of its own and is stopped (SIGCONT, SIGTERM, SIGKILL after 10 s) at the end,
// on errors and on Ctrl-C, and the run checks that none is left.

import { parseArgs } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort, logTail, startServer, stopAllServers, stopServer, waitReady } from '../lib/servers.mjs';
import { allGroupsEverStarted, groupMembers, killGroup, machineBusy, trackedGroups } from '../lib/proc.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const APPS = join(HERE, 'apps');
const PYTHON = '/usr/bin/python3';
// As in bench/run.mjs: the sandbox sets PYTHONDONTWRITEBYTECODE, which would make every worker
// start recompile every module; a private bytecode cache gives all contenders a warm cache.
const SERVER_ENV = { PYTHONDONTWRITEBYTECODE: undefined, PYTHONPYCACHEPREFIX: join(tmpdir(), 'forkwatch-bench-pycache') };

/** The apps: where the source is, the WSGI spec, the file the bench edits and its template. */
const APP_DEFS = {
  hello: {
    source: join(APPS, 'hello'),
    spec: 'app:app',
    file: 'app.py',
  },
  django: {
    source: join(APPS, 'django_hello'),
    spec: 'hellosite.wsgi:application',
    file: 'hellosite/views.py',
    manage: true,
  },
};
const TEXT_RE = /^TEXT = ".*"$/m;
const textFor = (k) => `reload-bench v${k}`;
const versionOf = (text) => {
  const m = /^reload-bench v(\d+)$/.exec(text);
  return m ? Number(m[1]) : NaN;
};

/** The contenders: argv for (app, project dir, port). `only` limits one to some apps. */
const CONTENDERS = {
  forkwatch: ({ dir, spec, port, workers }) => [process.execPath, join(REPO_ROOT, 'bin', 'forkwatch.cjs'), 'serve', dir, '--app', spec,
    '--bind', `127.0.0.1:${port}`, '--python', PYTHON, '--reload', '--no-access-log', '--workers', String(workers)],
  'forkwatch-nocapture': (o) => [...CONTENDERS.forkwatch(o), '--no-capture'],
  // --preload: one zygote per generation imports the app once and forks the workers.
  'forkwatch-preload': (o) => [...CONTENDERS.forkwatch(o), '--preload'],
  // Without the standby interpreters: every new worker starts an interpreter (before/after in one run).
  'forkwatch-nostandby': (o) => [...CONTENDERS.forkwatch(o), '--no-standby'],
  'gunicorn-inotify': ({ dir, spec, port, workers }) => [PYTHON, '-m', 'gunicorn', '--reload', '--reload-engine', 'inotify',
    '--workers', String(workers), '--worker-class', 'sync', '--bind', `127.0.0.1:${port}`, '--chdir', dir, spec],
  'gunicorn-poll': ({ dir, spec, port, workers }) => [PYTHON, '-m', 'gunicorn', '--reload', '--reload-engine', 'poll',
    '--workers', String(workers), '--worker-class', 'sync', '--bind', `127.0.0.1:${port}`, '--chdir', dir, spec],
  werkzeug: ({ dir, spec, port }) => [PYTHON, join(APPS, 'werkzeug_run.py'), dir, String(port), spec],
  'django-runserver': ({ dir, port }) => [PYTHON, join(dir, 'manage.py'), 'runserver', `127.0.0.1:${port}`],
};
const ONLY_FOR = { 'django-runserver': ['django'] };
const BASELINE = 'gunicorn-inotify';
const TARGETS = {
  hello: 'forkwatch median <= gunicorn-inotify median, and no failed request',
  django: 'forkwatch median < 1000 ms, and no failed request',
};

const HELP = `Usage: node bench/reload/run.mjs [options]     (or: npm run bench -- --only reload [options])

  --trials N        reloads measured per contender and app, interleaved (default 10)
  --apps LIST       ${Object.keys(APP_DEFS).join(', ')} (default: both)
  --servers LIST    ${Object.keys(CONTENDERS).join(', ')}
                    (default: all; django-runserver only runs for django)
  --workers N       workers for forkwatch and gunicorn (default 2; werkzeug and runserver have one process)
  --timeout-ms N    give up on one reload after N ms (default 10000)
  --settle-ms N     keep polling after the switch, counting flaps and failures (default 500)
  --pause           SIGSTOP the contenders not being measured (see the note in this file)
  --out FILE        JSON output (default bench/results/reload.json)
  -h, --help
`;

const log = (msg) => process.stderr.write(`${msg}\n`);
let interrupted = false;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      trials: { type: 'string', default: '10' },
      apps: { type: 'string' },
      servers: { type: 'string' },
      workers: { type: 'string', default: '2' },
      'timeout-ms': { type: 'string', default: '10000' },
      'settle-ms': { type: 'string', default: '500' },
      pause: { type: 'boolean' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'reload.json') },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) { process.stdout.write(HELP); process.exit(0); }
  const list = (s, known, what) => {
    const names = s ? s.split(',').map((x) => x.trim()).filter(Boolean) : Object.keys(known);
    for (const n of names) if (!(n in known)) throw new Error(`unknown ${what} "${n}" (known: ${Object.keys(known).join(', ')})`);
    return names;
  };
  const num = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    trials: num('trials', 1),
    apps: list(values.apps, APP_DEFS, 'app'),
    servers: list(values.servers, CONTENDERS, 'server'),
    workers: num('workers', 1),
    timeoutMs: num('timeout-ms', 100),
    settleMs: num('settle-ms', 0),
    pause: values.pause ?? false,
    out: resolve(values.out),
  };
}

// ---------------------------------------------------------------- one request, one poll loop

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

/** GET / -> { status, text } or { error }. Never throws; bounded by `timeoutMs`. */
function get(port, agent, timeoutMs = 5000) {
  return new Promise((done) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => done({ error: e.code ?? e.message }));
      res.on('end', () => done({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })));
    req.on('error', (e) => done({ error: e.code ?? e.message }));
    req.end();
  });
}

/** Polls until `text` has been served `streak` times in a row (bounded). */
async function waitServing(contender, text, { streak = 20, timeoutMs = 15_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  let inRow = 0;
  let last = null;
  while (performance.now() < deadline && !interrupted) {
    const r = await get(contender.port, contender.agent);
    last = r;
    if (r.status === 200 && r.text === text) {
      if (++inRow >= streak) return;
    } else {
      inRow = 0;
      if (r.error) await sleep(5); // a restarting server: do not spin on ECONNREFUSED
    }
  }
  throw new Error(`${contender.name} did not settle on "${text}" (last answer ${JSON.stringify(last)}):\n${logTail(contender.server)}`);
}

/**
 * One reload: write the new text, poll until it is served. Returns the latency and what the
 * client saw meanwhile (stale = old text before the switch, flaps = old text after it).
 */
async function trial(contender, k, opts) {
  const { app } = contender;
  const oldText = textFor(k - 1);
  const newText = textFor(k);
  const sinceLastSave = performance.now() - (contender.savedAt ?? 0);
  if (sinceLastSave < 1500) await sleep(1500 - sinceLastSave);
  await waitServing(contender, oldText);

  const source = readFileSync(contender.file, 'utf8');
  const t0 = performance.now();
  writeFileSync(contender.file, source.replace(TEXT_RE, `TEXT = "${newText}"`));
  contender.savedAt = t0;
  const out = { ms: null, requests: 0, failed: 0, stale: 0, flaps: 0, failures: {} };
  let switchedAt = null;
  const deadline = t0 + opts.timeoutMs;
  while (!interrupted) {
    const now = performance.now();
    if (switchedAt === null ? now > deadline : now > switchedAt + opts.settleMs) break;
    if (out.requests >= 100_000) break;
    const r = await get(contender.port, contender.agent);
    out.requests += 1;
    if (r.error || r.status !== 200) {
      out.failed += 1;
      const key = r.error ?? `HTTP ${r.status}`;
      out.failures[key] = (out.failures[key] ?? 0) + 1;
      if (r.error) await sleep(1); // connection refused while a server restarts: a browser would retry too
    } else if (r.text === newText) {
      if (switchedAt === null) {
        switchedAt = performance.now();
        out.ms = switchedAt - t0;
      }
    } else if (r.text === oldText || versionOf(r.text) < k) {
      // Older code (a worker whose reloader missed an earlier save counts here too).
      if (switchedAt === null) out.stale += 1;
      else out.flaps += 1;
    } else {
      out.failed += 1;
      out.failures.unexpectedText = (out.failures.unexpectedText ?? 0) + 1;
    }
  }
  if (out.ms === null) out.timeout = true;
  // Forkwatch logs how long the new generation took to boot: the rest is watch + switch.
  const reloaded = [...contender.server.tail.matchAll(/Reloaded in (\d+) ms/g)].at(-1);
  if (contender.name.startsWith('forkwatch') && reloaded) out.bootMs = Number(reloaded[1]);
  return out;
}

// ---------------------------------------------------------------- contenders

function pauseGroup(contender, on) {
  if (!contender.server || contender.server.exitInfo) return;
  killGroup(contender.server.pid, on ? 'SIGSTOP' : 'SIGCONT');
}

async function startContender(name, appName, opts, scratch) {
  const def = APP_DEFS[appName];
  const dir = join(scratch, `${appName}-${name}`);
  cpSync(def.source, dir, { recursive: true });
  const file = join(dir, def.file);
  writeFileSync(file, readFileSync(file, 'utf8').replace(TEXT_RE, `TEXT = "${textFor(0)}"`));
  const port = await freePort();
  const argv = CONTENDERS[name]({ dir, spec: def.spec, port, workers: opts.workers });
  const server = startServer({ label: `${name} (${appName})`, argv, cwd: dir, port, env: SERVER_ENV });
  const contender = { name, app: appName, dir, file, port, argv, server, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
  let readyMs;
  try {
    readyMs = await waitReady(server, { timeoutMs: 60_000 });
  } catch (e) {
    contender.agent.destroy();
    await stopServer(server, { graceMs: 3000 });
    throw e;
  }
  log(`  ${name}: ready in ${readyMs.toFixed(0)} ms on port ${port} (pid ${server.pid})`);
  return contender;
}

async function stopContender(contender) {
  pauseGroup(contender, false); // a stopped process would not see SIGTERM
  contender.agent.destroy();
  return stopServer(contender.server);
}

// ---------------------------------------------------------------- main

async function runApp(appName, opts, scratch, problems) {
  const names = opts.servers.filter((n) => !ONLY_FOR[n] || ONLY_FOR[n].includes(appName));
  log(`${appName}: starting ${names.join(', ')}`);
  const contenders = [];
  const results = {};
  try {
    for (const name of names) {
      try {
        contenders.push(await startContender(name, appName, opts, scratch));
      } catch (e) {
        problems.push(`${appName} ${name}: did not start: ${e.message.split('\n')[0]}`);
        results[name] = { error: e.message };
        log(`  ${name}: NOT STARTED ${e.message.split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    if (opts.pause) for (const c of contenders) pauseGroup(c, true);
    for (const c of contenders) results[c.name] = { trials: [] };

    for (let k = 1; k <= opts.trials && !interrupted; k++) {
      const order = contenders.map((_, i) => contenders[(i + k) % contenders.length]);
      const line = [];
      for (const c of order) {
        if (results[c.name].error) continue;
        if (opts.pause) pauseGroup(c, false);
        try {
          const t = await trial(c, k, opts);
          results[c.name].trials.push(t);
          line.push(`${c.name} ${t.ms === null ? 'TIMEOUT' : `${t.ms.toFixed(0)} ms`}${t.failed ? ` (${t.failed} failed)` : ''}`);
          if (t.timeout) {
            results[c.name].error = `no reload within ${opts.timeoutMs} ms at trial ${k}`;
            problems.push(`${appName} ${c.name}: ${results[c.name].error}:\n${logTail(c.server)}`);
          }
        } catch (e) {
          results[c.name].error = e.message;
          problems.push(`${appName} ${c.name}: ${e.message}`);
          line.push(`${c.name} ERROR`);
        } finally {
          if (opts.pause) pauseGroup(c, true);
        }
      }
      log(`  trial ${k}/${opts.trials}: ${line.join(', ')}`);
    }
  } finally {
    for (const c of contenders) {
      const r = await stopContender(c);
      results[c.name].stop = r;
      if (!r.graceful) problems.push(`${appName} ${c.name} did not stop cleanly: ${JSON.stringify(r)}`);
    }
  }
  for (const [name, r] of Object.entries(results)) {
    const ok = (r.trials ?? []).filter((t) => t.ms !== null);
    Object.assign(r, {
      medianMs: median(ok.map((t) => t.ms)),
      minMs: ok.length ? Math.min(...ok.map((t) => t.ms)) : null,
      maxMs: ok.length ? Math.max(...ok.map((t) => t.ms)) : null,
      medianBootMs: median(ok.filter((t) => t.bootMs !== undefined).map((t) => t.bootMs)),
      failed: (r.trials ?? []).reduce((a, t) => a + t.failed, 0),
      stale: (r.trials ?? []).reduce((a, t) => a + t.stale, 0),
      flaps: (r.trials ?? []).reduce((a, t) => a + t.flaps, 0),
      requests: (r.trials ?? []).reduce((a, t) => a + t.requests, 0),
      failures: (r.trials ?? []).reduce((a, t) => {
        for (const [key, n] of Object.entries(t.failures)) a[key] = (a[key] ?? 0) + n;
        return a;
      }, {}),
    });
  }
  return results;
}

function report(all, opts, meta) {
  const fmt = (v) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = ['', `Reload: file write -> first response with the new text; median of ${opts.trials} interleaved trials, ${opts.workers} workers where the server has workers`];
  if (meta.cpuBusyBeforeStart > 0.15) lines.push(`WARNING: the CPUs were ${(meta.cpuBusyBeforeStart * 100).toFixed(0)}% busy before the bench started: figures are noisy`);
  lines.push('failed = error or non-200 answers; stale = old text before the switch; flaps = old text again after it (within the settle time)');
  const verdicts = [];
  for (const [appName, results] of Object.entries(all)) {
    const head = ['app', 'server', 'median ms', 'min', 'max', `vs ${BASELINE}`, 'failed', 'stale', 'flaps', 'requests', 'fw boot ms'];
    const rows = [head];
    const base = results[BASELINE]?.medianMs ?? null;
    for (const [name, r] of Object.entries(results)) {
      if (r.error && !r.trials?.length) {
        rows.push([appName, name, 'error', '', '', '', '', '', '', '', '']);
        continue;
      }
      const ratio = base && r.medianMs !== null ? `${(r.medianMs / base).toFixed(2)}x` : '-';
      rows.push([appName, name + (r.error ? ' !' : ''), fmt(r.medianMs), fmt(r.minMs), fmt(r.maxMs), ratio, String(r.failed), String(r.stale), String(r.flaps), String(r.requests), fmt(r.medianBootMs)]);
    }
    const widths = head.map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
    const pad = (row) => row.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
    lines.push('', pad(rows[0]), '-'.repeat(pad(rows[0]).length), ...rows.slice(1).map(pad));
    for (const [name, r] of Object.entries(results)) {
      if (Object.keys(r.failures ?? {}).length) lines.push(`  ${name} failures: ${JSON.stringify(r.failures)}`);
    }
    const fw = results.forkwatch;
    if (fw && fw.medianMs !== null && !fw.error) {
      const speed = appName === 'hello'
        ? (base === null ? null : fw.medianMs <= base)
        : fw.medianMs < 1000;
      const what = appName === 'hello' ? `median ${fmt(fw.medianMs)} ms vs ${BASELINE} ${fmt(base)} ms` : `median ${fmt(fw.medianMs)} ms < 1000 ms`;
      verdicts.push(`${appName}: ${what}: ${speed === null ? 'n/a' : speed ? 'PASS' : 'FAIL'}; failed requests ${fw.failed}: ${fw.failed === 0 ? 'PASS' : 'FAIL'}`);
      all[appName].verdict = { target: TARGETS[appName], speed, noFailures: fw.failed === 0 };
    }
  }
  if (verdicts.length) lines.push('', 'Targets (forkwatch):', ...verdicts.map((v) => `  ${v}`));
  return lines.join('\n');
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    python: spawnSync(PYTHON, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    cpus: cpus().length,
    loadavgAtStart: loadavg(),
    cpuBusyBeforeStart: await machineBusy(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || null,
    options: opts,
    commands: {},
  };
  const scratch = mkdtempSync(join(tmpdir(), 'forkwatch-reload-bench-'));
  const problems = [];
  const all = {};
  try {
    for (const appName of opts.apps) {
      if (interrupted) break;
      for (const name of opts.servers) {
        meta.commands[name] ??= CONTENDERS[name]({ dir: 'DIR', spec: 'APP', port: 'PORT', workers: opts.workers }).join(' ');
      }
      all[appName] = await runApp(appName, opts, scratch, problems);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const text = report(all, opts, meta);
  process.stdout.write(`${text}\n`);
  if (problems.length) {
    process.stdout.write('\nProblems:\n');
    for (const p of problems) process.stdout.write(`  ${p.split('\n').slice(0, 8).join('\n      | ')}\n`);
  }
  const left = allGroupsEverStarted().flatMap((pgid) => groupMembers(pgid)).map((p) => ({ pid: p.pid, comm: p.comm }));
  process.stdout.write(left.length
    ? `\nWARNING: processes left running: ${JSON.stringify(left)} (killing them)\n`
    : `\ncleanup: all ${allGroupsEverStarted().length} process groups started by the bench are gone\n`);
  for (const pgid of allGroupsEverStarted()) if (groupMembers(pgid).length) killGroup(pgid, 'SIGKILL');
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ meta, results: all, problems }, null, 2)}\n`);
  process.stdout.write(`results: ${opts.out}\n`);
  return problems.length || left.length ? 1 : 0;
}

/** Last resort on any exit path: continue and SIGKILL every process group still tracked. */
process.on('exit', () => {
  for (const [pgid] of trackedGroups()) {
    killGroup(pgid, 'SIGCONT');
    killGroup(pgid, 'SIGKILL');
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`\n${sig}: stopping the servers...`);
    for (const [pgid] of trackedGroups()) killGroup(pgid, 'SIGCONT');
    await stopAllServers();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

try {
  process.exitCode = await main();
} catch (e) {
  log(`reload bench failed: ${e.stack ?? e.message}`);
  for (const [pgid] of trackedGroups()) killGroup(pgid, 'SIGCONT');
  await stopAllServers();
  process.exitCode = 2;
}
