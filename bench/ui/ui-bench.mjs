// Scenario `ui` (issue 4): the inspector UI with 100,000 exchanges, in Debian's Chromium.
//
//   (a) scroll: Forkwatch `serve --ui` on bench/apps/suite.py gets 100,000 requests (wrk), then
//       the inspector page opens and, once the request count shows 100,000, the list is scrolled
//       continuously for SCROLL_MS at SCROLL_PX_PER_S (scrollTop set from requestAnimationFrame)
//       while frame times are recorded in the page. Target: mean >= 50 fps (the 5th-percentile
//       frame rate and the worst frames are printed too). Screenshot: bench/results/ui-100k.png.
//   (b) input latency under load: wrk paced at ~RATE req/s (bench/lib/mix.lua, FW_RATE) against
//       the gateway while the bench clicks rows and types into the filter box; each interaction is
//       timed from the input event's timestamp to the first frame painted after the DOM shows
//       the result. Target: p95 <= 100 ms.
//
// Diagnostics for the UI engineer (JSON, and the top entries in the report): long animation
// frames with script attribution, Event Timing entries, and a CPU profile (a separate scroll
// pass and the typing pass, so the profiler does not distort the measured figures).
//
// Every process is ours and in its own process group (server, wrk, Chromium): see
// bench/ui/chromium.mjs and bench/lib/proc.mjs.

import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCounted, runMix } from '../lib/capture-memory.mjs';
import { startServer, waitReady, waitWorkers, stopServer, logTail } from '../lib/servers.mjs';
import { launchChromium } from './chromium.mjs';
import { installProbes, readRequestCount, describeScroller, scrollListTo, measureFrames, pickRowPoint } from './page-probes.mjs';

export const ROWS = Number(process.env.FORKWATCH_BENCH_UI_ROWS) || 100_000; // env: quick checks only
const MAX_EXCHANGES = 120_000;
const SCROLL_MS = 5000;
const SCROLL_PX_PER_S = 3000; // ~115 rows/s: a brisk wheel scroll
const FPS_TARGET = 50;
const RATE = 2000; // req/s during the input-latency phase
const CLICKS = 25;
const KEYS = 25;
const LATENCY_TARGET_MS = 100;
const VIEWPORT = { width: 1440, height: 900 };
// Request mix for both phases: GET /?k=<0..9> (rows differ by URL, for the filter), and 1 in 10 a
// small POST /upload.
const MIX_ENV = { FW_QUERY_MOD: 10, FW_POST_EVERY: 10, FW_POST_BYTES: 256 };

const pct = (xs, p) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
};
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Newest mtime (ms) of any file under `dir`. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The page is the built renderer (out/renderer): build it if missing (or forced). */
function ensureRenderer(repo, log) {
  const index = join(repo, 'out', 'renderer', 'index.html');
  const force = process.env.FORKWATCH_BENCH_UI_BUILD === '1';
  if (force || !existsSync(index)) {
    log(`  ui: building the renderer (npx electron-vite build)${force ? ' (FORKWATCH_BENCH_UI_BUILD=1)' : ''}...`);
    const r = spawnSync(process.execPath, [join(repo, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${(r.stderr || r.stdout).slice(-3000)}`);
    return { built: true, stale: false };
  }
  const builtAt = statSync(index).mtimeMs;
  const srcAt = newestMtime(join(repo, 'src-renderer'));
  return { built: false, stale: srcAt > builtAt + 1000, builtAt: new Date(builtAt).toISOString(), newestSource: new Date(srcAt).toISOString() };
}

/** Frame statistics from requestAnimationFrame deltas. */
function frameStats(m) {
  const f = m.frames;
  const total = f.reduce((a, b) => a + b, 0);
  const p95 = pct(f, 95);
  return {
    frames: f.length,
    elapsedMs: m.elapsedMs,
    meanFps: total > 0 ? (f.length * 1000) / total : null,
    p50FrameMs: pct(f, 50),
    p95FrameMs: p95,
    p99FrameMs: pct(f, 99),
    fpsAt5thPercentile: p95 ? 1000 / p95 : null,
    worstFramesMs: [...f].sort((a, b) => b - a).slice(0, 5),
    over33ms: f.filter((x) => x > 33.4).length,
    over50ms: f.filter((x) => x > 50).length,
    over100ms: f.filter((x) => x > 100).length,
    blankFrames: m.blankFrames ?? null,
    checkedFrames: m.checkedFrames ?? null,
    distancePx: m.distancePx ?? null,
    scrollStepMs: m.stepMs?.length ? { p50: pct(m.stepMs, 50), p95: pct(m.stepMs, 95), max: Math.max(...m.stepMs) } : null,
  };
}

/** Long animation frames: totals and the scripts that took the time. */
function loafSummary(loaf, bundle) {
  const byScript = new Map();
  let scriptMs = 0;
  let renderMs = 0;
  let styleLayoutMs = 0;
  for (const e of loaf) {
    const end = e.startTime + e.duration;
    if (e.renderStart) renderMs += end - e.renderStart;
    if (e.styleAndLayoutStart) styleLayoutMs += end - e.styleAndLayoutStart;
    for (const s of e.scripts) {
      scriptMs += s.duration;
      const where = s.sourceURL ? `${s.sourceFunctionName || '(anonymous)'} @${s.sourceURL.split('/').pop()}:${s.sourceCharPosition}` : '(no source)';
      const key = `${s.invokerType} ${s.invoker} -> ${where}`;
      const x = byScript.get(key) ?? { key, count: 0, ms: 0, forcedLayoutMs: 0, snippet: bundle?.(s.sourceURL, s.sourceCharPosition) ?? null };
      x.count++; x.ms += s.duration; x.forcedLayoutMs += s.forcedStyleAndLayoutDuration ?? 0;
      byScript.set(key, x);
    }
  }
  return {
    count: loaf.length,
    totalMs: loaf.reduce((a, e) => a + e.duration, 0),
    blockingMs: loaf.reduce((a, e) => a + (e.blockingDuration ?? 0), 0),
    scriptMs, renderMs, styleLayoutMs,
    topScripts: [...byScript.values()].sort((a, b) => b.ms - a.ms).slice(0, 8),
  };
}

/** CPU profile (CDP Profiler) -> self time per function, top N, with a bundle snippet. */
function profileSummary(profile, bundle, top = 12) {
  const self = new Map(); // node id -> ms
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
  const byFn = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (!ms) continue;
    total += ms;
    const cf = n.callFrame;
    const file = cf.url ? cf.url.split('/').pop().split('?')[0] : '';
    const key = `${cf.functionName || '(anonymous)'} ${file}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`;
    const x = byFn.get(key) ?? { fn: cf.functionName || '(anonymous)', where: file ? `${file}:${cf.lineNumber + 1}:${cf.columnNumber + 1}` : '', ms: 0, snippet: cf.url && bundle ? bundle(cf.url, null, cf.lineNumber, cf.columnNumber) : null };
    x.ms += ms;
    byFn.set(key, x);
  }
  const list = [...byFn.values()].sort((a, b) => b.ms - a.ms);
  return { totalMs: total, top: list.slice(0, top).map((x) => ({ ...x, share: total ? x.ms / total : 0 })) };
}

/**
 * Where the page's main thread spends its time, from a Chrome trace (devtools.timeline) over
 * `ms`: self time per trace event name on the renderer main thread (nested events, e.g. a
 * layout forced inside a script, are subtracted from their parent).
 */
async function traceMainThread(browser, page, during) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'] });
  let trace;
  try { await during(); } finally { trace = JSON.parse((await browser.stopTracing()).toString('utf8')); }
  const events = trace.traceEvents ?? trace;
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name);
  // The page's renderer main thread: the CrRendererMain with the most complete events.
  const perThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    const key = `${e.pid}:${e.tid}`;
    if (names.get(key) !== 'CrRendererMain') continue;
    if (!perThread.has(key)) perThread.set(key, []);
    perThread.get(key).push(e);
  }
  const main = [...perThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  main.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let first = Infinity;
  let last = -Infinity;
  for (const e of main) {
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts + e.dur);
    while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && e.ts + e.dur <= parent.end) parent.childUs += e.dur;
    const node = { name: e.name, dur: e.dur, end: e.ts + e.dur, childUs: 0 };
    stack.push(node);
    node.done = () => self.set(node.name, (self.get(node.name) ?? 0) + Math.max(0, node.dur - node.childUs));
    e.node = node;
  }
  for (const e of main) e.node.done();
  // Top-level busy time (not double counted).
  let busyUs = 0;
  let coverEnd = -Infinity;
  for (const e of main) {
    const s0 = Math.max(e.ts, coverEnd);
    const end = e.ts + e.dur;
    if (end > s0) { busyUs += end - s0; coverEnd = end; }
  }
  const windowMs = main.length ? (last - first) / 1000 : 0;
  const top = [...self.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms).slice(0, 12);
  return { windowMs, busyMs: busyUs / 1000, top };
}

/** Start a CPU profile in the page; returns stop() -> profile. */
async function startProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.send('Profiler.disable');
    await cdp.detach();
    return profile;
  };
}

/**
 * Run the scenario. `argvFor(extraFlags)` builds the Forkwatch command (run.mjs's template with
 * --bind 127.0.0.1:0); the scenario adds --ui and --capture-max-exchanges.
 */
export async function runUi({ argvFor, cwd, env, workers = 2, resultsDir, log = () => {}, isInterrupted = () => false }) {
  const out = { loadavgAtStart: loadavg(), rows: ROWS, rate: RATE, viewport: VIEWPORT, scroll: { durationMs: SCROLL_MS, pxPerSec: SCROLL_PX_PER_S } };
  const guard = () => { if (isInterrupted()) throw new Error('interrupted'); };
  out.renderer = ensureRenderer(cwd, log);
  if (out.renderer.stale) log(`  ui: note: out/renderer (${out.renderer.builtAt}) is older than src-renderer (${out.renderer.newestSource}); measuring the last build (FORKWATCH_BENCH_UI_BUILD=1 rebuilds)`);

  const argv = argvFor(['--ui', '--capture-max-exchanges', String(MAX_EXCHANGES)]);
  out.command = argv.join(' ');
  const server = startServer({ label: 'forkwatch --ui', argv, cwd, port: 0, env });
  let inspectorUrl = null;
  const onData = (chunk) => {
    const m = /Inspector: (http:\/\/\S+)/.exec(String(chunk));
    if (m) inspectorUrl = m[1];
  };
  server.child.stdout?.on('data', onData);
  server.child.stderr?.on('data', onData);
  let chromium = null;
  let pacer = null;
  const abort = new AbortController();
  const pageErrors = [];
  try {
    // ---- server: wait for "Listening at" (port 0: the kernel picks), the inspector URL, workers
    const t0 = performance.now();
    while ((!server.listeningUrl || !inspectorUrl) && performance.now() - t0 < 30_000) {
      if (server.exitInfo) throw new Error(`server exited: ${JSON.stringify(server.exitInfo)}\n${logTail(server)}`);
      await sleep(50);
    }
    if (!server.listeningUrl || !inspectorUrl) throw new Error(`no "Listening at" / "Inspector:" line after 30 s:\n${logTail(server)}`);
    server.port = Number(new URL(server.listeningUrl).port);
    await waitReady(server);
    await waitWorkers(server, workers);
    const gateway = `http://127.0.0.1:${server.port}/`;
    log(`  ui: forkwatch --ui on ${gateway} (pid ${server.pid}); loading ${ROWS} exchanges with wrk`);

    // ---- load 100,000 exchanges
    guard();
    out.load = await runCounted({ url: gateway, total: ROWS, env: MIX_ENV, log, isInterrupted });
    if (!out.load.complete) throw new Error(`only ${out.load.requests} of ${ROWS} requests went through`);

    // ---- (a) open the inspector, wait for 100,000 rows, screenshot, scroll
    guard();
    chromium = await launchChromium(VIEWPORT);
    out.chromium = chromium.version;
    const context = chromium.browser.contexts()[0] ?? await chromium.browser.newContext();
    const page = await context.newPage();
    await page.setViewportSize(VIEWPORT);
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = m.location()?.url ?? '';
      // The browser's own favicon request: not the app's doing.
      if (/Failed to load resource/.test(m.text()) && /\/favicon\.ico(\?|$)/.test(url)) return;
      pageErrors.push(`console.error: ${m.text()}${url ? ` (${url.replace(/token=[^&]+/, 'token=...')})` : ''}`);
    });
    await page.addInitScript(installProbes);
    const tOpen = performance.now();
    await page.goto(inspectorUrl);
    let count = null;
    while (performance.now() - tOpen < 180_000) {
      guard();
      count = await page.evaluate(readRequestCount).catch(() => null);
      if (count && count.total >= ROWS) break;
      await sleep(100);
    }
    if (!count || count.total < ROWS) throw new Error(`the request count did not reach ${ROWS} within 180 s (last: ${JSON.stringify(count)})`);
    out.timeToListMs = performance.now() - tOpen;
    out.countText = count.text;
    log(`  ui: the list shows "${count.text}" ${(out.timeToListMs / 1000).toFixed(1)} s after opening the page`);
    await sleep(1500);

    // Bundle text, for snippets next to minified positions in the diagnostics.
    const bundleTexts = new Map();
    for (const src of await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean))) {
      bundleTexts.set(src, await page.evaluate((u) => fetch(u).then((r) => r.text()), src).catch(() => null));
    }
    const bundle = (url, charPos, line = null, col = null) => {
      const text = bundleTexts.get(url);
      if (!text) return null;
      let at = charPos;
      if (at === null || at === undefined || at < 0) {
        if (line === null) return null;
        const lines = text.split('\n');
        at = lines.slice(0, line).reduce((a, l) => a + l.length + 1, 0) + col;
      }
      return text.slice(Math.max(0, at), at + 90).replace(/\s+/g, ' ');
    };

    mkdirSync(resultsDir, { recursive: true });
    out.screenshot = join(resultsDir, 'ui-100k.png');
    await page.screenshot({ path: out.screenshot });
    out.scroller = await page.evaluate(describeScroller);
    if (!out.scroller) throw new Error('no scrollable element found in [data-testid="request-list"]');
    await page.evaluate(scrollListTo, 0.5);
    await sleep(700);

    log(`  ui: scrolling ${SCROLL_MS / 1000} s at ${SCROLL_PX_PER_S} px/s (measured)`);
    guard();
    await page.evaluate(() => window.__fwb.startCollect());
    const scroll = await page.evaluate(measureFrames, { durationMs: SCROLL_MS, pxPerSec: SCROLL_PX_PER_S });
    const scrollDiag = await page.evaluate(() => window.__fwb.stopCollect());
    out.scrollFrames = frameStats(scroll);
    out.scrollFrames.raw = scroll.frames;
    out.scrollLoaf = loafSummary(scrollDiag.loaf, bundle);
    out.scrollFrames.pass = out.scrollFrames.meanFps !== null && out.scrollFrames.meanFps >= FPS_TARGET;

    if (process.env.FORKWATCH_BENCH_UI_PROFILE !== '0') {
      log('  ui: scrolling again with the CPU profiler on (diagnostics only)');
      await page.evaluate(scrollListTo, 0.3);
      await sleep(500);
      const stop = await startProfile(page);
      const profiled = await page.evaluate(measureFrames, { durationMs: SCROLL_MS, pxPerSec: SCROLL_PX_PER_S });
      out.scrollProfile = { frames: frameStats(profiled), ...profileSummary(await stop(), bundle) };
      await page.evaluate(scrollListTo, 0.6);
      await sleep(500);
      out.scrollTrace = await traceMainThread(chromium.browser, page, () => page.evaluate(measureFrames, { durationMs: 3000, pxPerSec: SCROLL_PX_PER_S }));
    }

    // ---- (b) input latency with ~RATE req/s against the gateway
    guard();
    await page.evaluate(scrollListTo, 1); // back to the newest row: the list follows new rows again
    await sleep(500);
    log(`  ui: input latency with wrk paced at ${RATE} req/s: ${CLICKS} row clicks, ${KEYS} keystrokes in the filter`);
    const tLoad = performance.now();
    pacer = runMix({ url: gateway, connections: 32, threads: 1, durationS: 240, env: { ...MIX_ENV, FW_RATE: RATE }, stopSignal: abort.signal })
      .then((r) => r, (e) => ({ error: e.message }));
    await sleep(2000);
    // Frame rate while the list follows new rows (no input).
    await page.evaluate(() => window.__fwb.startCollect());
    const idle = await page.evaluate(measureFrames, { durationMs: 3000 });
    out.ingestFrames = frameStats(idle);
    out.ingestLoaf = loafSummary((await page.evaluate(() => window.__fwb.stopCollect())).loaf, bundle);
    if (process.env.FORKWATCH_BENCH_UI_PROFILE !== '0') {
      const stop = await startProfile(page);
      await sleep(3000);
      out.ingestProfile = profileSummary(await stop(), bundle);
      out.ingestTrace = await traceMainThread(chromium.browser, page, () => sleep(3000));
    }

    // Clicks: on rows in the middle of the list (scrolled away from the newest, so rows stay put).
    await page.evaluate(scrollListTo, 0.5);
    await sleep(500);
    await page.evaluate(() => window.__fwb.startCollect());
    const clicks = [];
    for (let i = 0; i < CLICKS; i++) {
      guard();
      const point = await page.evaluate(pickRowPoint, Math.random());
      if (!point) { clicks.push({ error: 'no clickable row in view' }); continue; }
      await page.evaluate(() => window.__fwb.armClick({ timeoutMs: 5000 }));
      await page.mouse.click(point.x, point.y);
      clicks.push({ pickedId: point.id, ...(await page.evaluate(() => window.__fwb.result())) });
      await sleep(100 + Math.random() * 150);
    }
    const clickDiag = await page.evaluate(() => window.__fwb.stopCollect());
    if (process.env.FORKWATCH_BENCH_UI_PROFILE !== '0') {
      const stop = await startProfile(page);
      for (let i = 0; i < 10; i++) {
        const point = await page.evaluate(pickRowPoint, Math.random());
        if (point) await page.mouse.click(point.x, point.y);
        await sleep(250);
      }
      out.clickProfile = profileSummary(await stop(), bundle);
    }

    // Keys: focus the filter (not measured), then "k", "=", and digit / Backspace alternately:
    // each digit narrows the list to /?k=<d>, each Backspace widens it back to every "k=" row.
    const filter = page.locator('[data-testid="request-filter"]');
    await filter.click();
    await filter.fill('');
    await sleep(300);
    const keys = [];
    let value = '';
    const plan = ['k', '='];
    while (plan.length < KEYS) plan.push(plan.length % 2 === 0 ? String(Math.floor(Math.random() * 10)) : 'Backspace');
    await page.evaluate(() => window.__fwb.startCollect());
    for (const key of plan) {
      guard();
      const before = value;
      value = key === 'Backspace' ? value.slice(0, -1) : value + key;
      // "k" -> "k=" shows the same rows (echo only); every other step changes the rows.
      const listChanges = !(before === 'k' && value === 'k=');
      await page.evaluate((a) => window.__fwb.armKey(a), { value, from: listChanges ? before.toLowerCase() : null, to: listChanges ? value.toLowerCase() : null, timeoutMs: 5000 });
      await page.keyboard.press(key);
      keys.push({ key, value, ...(await page.evaluate(() => window.__fwb.result())) });
      await sleep(80 + Math.random() * 120);
    }
    const keyDiag = await page.evaluate(() => window.__fwb.stopCollect());

    // The same typing once more with the CPU profiler on (diagnostics only).
    if (process.env.FORKWATCH_BENCH_UI_PROFILE !== '0') {
      const stop = await startProfile(page);
      for (const key of ['Backspace', 'Backspace', 'k', '=', '3', 'Backspace', '5', 'Backspace', '7', 'Backspace', '1']) {
        await page.keyboard.press(key);
        await sleep(150);
      }
      out.typingProfile = profileSummary(await stop(), bundle);
    }
    await filter.fill('');

    abort.abort();
    const load = await pacer;
    pacer = null;
    out.pacedLoad = load.error ? { error: load.error } : { requests: load.requests, wallS: load.wallS, achievedRate: load.requests / load.wallS, requestsPerSec: load.requestsPerSec, errors: load.errors, errorCount: load.errorCount, latency: load.latency, args: load.args };
    out.pacedLoad.phaseS = (performance.now() - tLoad) / 1000;
    out.finalCount = await page.evaluate(readRequestCount).catch(() => null);

    out.clicks = clicks;
    out.keys = keys;
    out.clickLoaf = loafSummary(clickDiag.loaf, bundle);
    out.keyLoaf = loafSummary(keyDiag.loaf, bundle);
    out.eventTiming = { clicks: clickDiag.events, keys: keyDiag.events };
    out.latency = latencyStats(clicks, keys);
  } catch (e) {
    out.error = e.message;
    log(`  ui: ERROR ${e.message.split('\n')[0]}`);
  } finally {
    out.pageErrors = pageErrors.slice(0, 20);
    abort.abort();
    if (pacer) await pacer;
    if (chromium) out.chromiumStop = await chromium.close();
    out.serverStop = await stopServer(server);
  }
  return out;
}

/** Latency per interaction kind (ms, input event -> first painted frame showing the result). */
function latencyStats(clicks, keys) {
  const markMs = (r, name) => r?.marks?.find((m) => m.name === name)?.painted ?? null;
  const summarize = (values, attempts) => {
    const ok = values.filter((v) => v !== null);
    return { n: ok.length, attempts, timeouts: attempts - ok.length, p50: pct(ok, 50), p95: pct(ok, 95), max: ok.length ? Math.max(...ok) : null, mean: mean(ok) };
  };
  // A key's result: the list when this step changes the rows (and did not already show them),
  // otherwise the echo of the keystroke in the input.
  const keyResult = (k) => {
    const list = k.marks?.find((m) => m.name === 'list');
    if (list && !list.preSatisfied) return list.painted;
    return markMs(k, 'echo');
  };
  const clickSelected = clicks.map((c) => markMs(c, 'selected'));
  const keyValues = keys.map(keyResult);
  const all = [...clickSelected, ...keyValues];
  const s = {
    clickSelected: summarize(clickSelected, clicks.length),
    clickDetail: summarize(clicks.map((c) => markMs(c, 'detail')), clicks.length),
    keyResult: summarize(keyValues, keys.length),
    keyEcho: summarize(keys.map((k) => markMs(k, 'echo')), keys.length),
    inputDelay: summarize([...clicks, ...keys].map((r) => (r && Number.isFinite(r.handlerDelay) ? r.handlerDelay : null)), clicks.length + keys.length),
    // Clicks whose record was fetched: the host's round trip, and detail shown after the answer.
    hostRoundTrip: summarize(clicks.filter((c) => c.wsAnswered != null).map((c) => c.wsAnswered - c.wsSent), clicks.filter((c) => c.wsSent != null).length),
    detailAfterAnswer: summarize(clicks.filter((c) => c.wsAnswered != null).map((c) => (markMs(c, 'detail') === null ? null : markMs(c, 'detail') - c.wsAnswered)), clicks.filter((c) => c.wsAnswered != null).length),
    all: summarize(all, all.length),
    ambiguousKeys: keys.filter((k) => k.marks?.find((m) => m.name === 'list')?.preSatisfied).length,
  };
  s.all.pass = s.all.timeouts === 0 && s.all.p95 !== null && s.all.p95 <= LATENCY_TARGET_MS;
  s.clickDetail.pass = s.clickDetail.timeouts === 0 && s.clickDetail.p95 !== null && s.clickDetail.p95 <= LATENCY_TARGET_MS;
  return s;
}

/** Report lines and problems for run.mjs. */
export function uiReport(r) {
  const lines = [''];
  const problems = [];
  const ms = (x) => (x === null || x === undefined ? '-' : `${x.toFixed(0)} ms`);
  const f1 = (x) => (x === null || x === undefined ? '-' : x.toFixed(1));
  lines.push(`Inspector UI (issue 4): Chromium ${r.chromium ?? '?'} headless, ${r.viewport.width}x${r.viewport.height}, ${r.rows.toLocaleString('en-US')} exchanges`);
  if (r.loadavgAtStart[0] > 1.5) lines.push(`  note: load average ${r.loadavgAtStart.map((x) => x.toFixed(2)).join(' ')} at the start on 2 shared CPUs: browser, server and wrk compete for them; figures are noisy`);
  if (r.renderer?.stale) lines.push(`  note: out/renderer is older than src-renderer: this measures the last build (FORKWATCH_BENCH_UI_BUILD=1 rebuilds)`);
  if (r.error && !r.scrollFrames) {
    lines.push(`  ERROR: ${r.error.split('\n')[0]}`);
    problems.push(`ui: ${r.error}`);
    return { lines, problems };
  }
  if (r.load) lines.push(`  load: ${r.load.requests.toLocaleString('en-US')} requests in ${r.load.wallS.toFixed(1)} s; the list showed "${r.countText}" ${f1(r.timeToListMs / 1000)} s after opening the page`);
  const s = r.scrollFrames;
  if (s) {
    lines.push(`  (a) scroll ${r.scroll.pxPerSec} px/s for ${r.scroll.durationMs / 1000} s (${s.frames} frames): mean ${f1(s.meanFps)} fps, 5th-percentile ${f1(s.fpsAt5thPercentile)} fps`
      + ` (p95 frame ${f1(s.p95FrameMs)} ms), worst frames ${s.worstFramesMs.map((x) => x.toFixed(0)).join(', ')} ms; frames >50 ms: ${s.over50ms}; frames with blank rows: ${s.blankFrames}/${s.checkedFrames}`
      + `  -> ${s.pass ? 'PASS' : 'FAIL'} (mean >= ${FPS_TARGET} fps)`);
    if (!s.pass) problems.push(`ui scroll: FAIL (mean ${f1(s.meanFps)} fps < ${FPS_TARGET})`);
    if (s.scrollStepMs) lines.push(`      layout forced by each scroll step (setting scrollTop after React changed the rows): p50 ${f1(s.scrollStepMs.p50)} ms, p95 ${f1(s.scrollStepMs.p95)} ms, max ${f1(s.scrollStepMs.max)} ms`);
    if (r.scrollLoaf?.count) lines.push(`      long animation frames: ${r.scrollLoaf.count}, ${r.scrollLoaf.totalMs.toFixed(0)} ms (scripts ${r.scrollLoaf.scriptMs.toFixed(0)} ms, style+layout ${r.scrollLoaf.styleLayoutMs.toFixed(0)} ms)`);
    lines.push(`      screenshot: ${r.screenshot}`);
  }
  if (r.ingestFrames) lines.push(`  frame rate while following live rows at ~${r.rate} req/s (no input): mean ${f1(r.ingestFrames.meanFps)} fps, worst ${r.ingestFrames.worstFramesMs.map((x) => x.toFixed(0)).join(', ')} ms`);
  const L = r.latency;
  if (L) {
    const P = r.pacedLoad;
    lines.push(`  (b) input latency, input event -> first painted frame showing the result, with wrk at ${P?.achievedRate ? `${Math.round(P.achievedRate)} req/s achieved` : '?'} (target ${r.rate}):`);
    const row = (label, x, verdict = null) => lines.push(`      ${label.padEnd(34)} n=${String(x.n).padStart(2)}  p50 ${ms(x.p50).padStart(7)}  p95 ${ms(x.p95).padStart(7)}  max ${ms(x.max).padStart(7)}${x.timeouts ? `  timeouts ${x.timeouts}` : ''}${verdict ?? ''}`);
    row('click row -> row selected', L.clickSelected);
    row('keystroke -> filtered list', L.keyResult);
    row('all clicks + keystrokes', L.all, `  -> ${L.all.pass ? 'PASS' : 'FAIL'} (p95 <= ${LATENCY_TARGET_MS} ms)`);
    row('click row -> detail pane shown', L.clickDetail, `  -> ${L.clickDetail.pass ? 'PASS' : 'FAIL'}`);
    row('input delay (event -> handler)', L.inputDelay);
    if (L.hostRoundTrip?.n) {
      row('  fetched: host round trip', L.hostRoundTrip);
      row('  fetched: answer -> detail shown', L.detailAfterAnswer);
      lines.push(`      (${L.hostRoundTrip.n} of ${r.clicks.length} clicks fetched the record; the others were cached)`);
    }
    if (L.ambiguousKeys) lines.push(`      (${L.ambiguousKeys} keystroke(s) whose rows already matched: timed on the input's echo)`);
    if (!L.all.pass) problems.push(`ui input latency: FAIL (p95 ${ms(L.all.p95)}, max ${ms(L.all.max)}, timeouts ${L.all.timeouts})`);
    if (!L.clickDetail.pass) problems.push(`ui click -> detail: FAIL (p95 ${ms(L.clickDetail.p95)})`);
    if (P?.achievedRate && P.achievedRate < r.rate * 0.9) lines.push(`      note: the paced load reached only ${Math.round(P.achievedRate)} req/s (CPU-bound machine)`);
    if (P?.error) problems.push(`ui paced load: ${P.error}`);
  }
  const tops = [['scrolling', r.scrollProfile], ['following live rows', r.ingestProfile], ['clicking rows', r.clickProfile], ['typing in the filter', r.typingProfile]];
  for (const [name, p] of tops) {
    if (!p?.top) continue;
    lines.push(`  CPU profile while ${name} (diagnostics; self time, top 5 of ${p.totalMs.toFixed(0)} ms${name === 'scrolling' ? '; "tick" = the bench\'s scroll step, mostly the layout that setting scrollTop forces' : ''}):`);
    for (const x of p.top.slice(0, 5)) lines.push(`      ${(x.share * 100).toFixed(0).padStart(3)}%  ${x.fn} ${x.where}${x.snippet ? `  \`${x.snippet.slice(0, 60)}\`` : ''}`);
  }
  for (const [name, t] of [['scrolling', r.scrollTrace], ['following live rows', r.ingestTrace]]) {
    if (!t?.top?.length) continue;
    lines.push(`  main thread while ${name} (Chrome trace, diagnostics): busy ${t.busyMs.toFixed(0)} of ${t.windowMs.toFixed(0)} ms; self time: `
      + t.top.slice(0, 7).map((x) => `${x.name} ${x.ms.toFixed(0)}`).join(', ') + ' ms');
  }
  if (r.pageErrors?.length) { lines.push(`  page errors: ${r.pageErrors.length} (first: ${r.pageErrors[0]})`); problems.push(`ui: page errors: ${r.pageErrors[0]}`); }
  for (const [what, st] of [['chromium', r.chromiumStop], ['server', r.serverStop]]) {
    if (st && !st.graceful) problems.push(`ui: ${what} did not stop cleanly: ${JSON.stringify(st)}`);
  }
  if (r.error) problems.push(`ui: ${r.error}`);
  return { lines, problems };
}
