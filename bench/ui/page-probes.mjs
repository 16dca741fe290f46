// Code that runs inside the inspector page (passed to page.evaluate, so each exported function
// must be self-contained: no imports, no closures over this module).
//
// Timing model (Chromium): one frame = input events and tasks, then the rendering update
// (requestAnimationFrame callbacks, style, layout, paint) as one step. A task posted from a
// requestAnimationFrame callback therefore runs after that frame's paint; "painted at" below is
// the time of such a task. Frame times are the deltas between requestAnimationFrame timestamps.

/**
 * Installs window.__fwb: collectors (long animation frames, Event Timing) and the input probe.
 * Idempotent.
 */
export function installProbes() {
  if (window.__fwb) return 'already';
  const ROW = '[data-testid="request-row"]';
  const state = { collecting: false, loaf: [], events: [] };

  const loafEntry = (e) => ({
    startTime: e.startTime, duration: e.duration, blockingDuration: e.blockingDuration,
    renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
    scripts: (e.scripts ?? []).map((s) => ({
      invoker: s.invoker, invokerType: s.invokerType, sourceURL: s.sourceURL,
      sourceFunctionName: s.sourceFunctionName, sourceCharPosition: s.sourceCharPosition,
      duration: s.duration, forcedStyleAndLayoutDuration: s.forcedStyleAndLayoutDuration,
    })),
  });
  try {
    new PerformanceObserver((list) => { if (state.collecting) for (const e of list.getEntries()) state.loaf.push(loafEntry(e)); })
      .observe({ type: 'long-animation-frame' });
  } catch { /* not supported: no attribution */ }
  try {
    new PerformanceObserver((list) => {
      if (!state.collecting) return;
      for (const e of list.getEntries()) {
        state.events.push({ name: e.name, startTime: e.startTime, processingStart: e.processingStart, processingEnd: e.processingEnd, duration: e.duration, interactionId: e.interactionId });
      }
    }).observe({ type: 'event', durationThreshold: 16 });
  } catch { /* no Event Timing */ }

  // ---- the page's WebSocket traffic, for the click diagnostics: when the first message after
  // the input went out (a command), and when the first answer to a command came back. Only
  // timestamps; the messages pass through unchanged.
  const wsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const p = pending;
    if (p && p.t0 !== null && !p.finished && p.wsSentAt === null) p.wsSentAt = performance.now();
    return wsSend.call(this, data);
  };
  const onMessageDesc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return onMessageDesc.get.call(this); },
    set(handler) {
      onMessageDesc.set.call(this, typeof handler !== 'function' ? handler : function (e) {
        const p = pending;
        // Events are {"event": ...}; answers to commands {"id": ...}.
        if (p && p.wsSentAt !== null && p.wsAnsweredAt === null && typeof e.data === 'string' && e.data.startsWith('{"id"')) p.wsAnsweredAt = performance.now();
        return handler.call(this, e);
      });
    },
  });

  // ---- input probe
  let pending = null;
  let inFrame = false; // inside a rendering update (between our rAF callback and the task after it)
  const afterPaint = (cb) => {
    const post = () => { const ch = new MessageChannel(); ch.port1.onmessage = () => cb(performance.now()); ch.port2.postMessage(null); };
    if (inFrame) post(); else requestAnimationFrame(post);
  };
  const check = () => {
    const p = pending;
    if (!p || p.t0 === null || p.finished) return;
    for (const m of p.marks) {
      if (m.reflectedAt !== null) continue;
      let ok = false;
      try { ok = m.test(p); } catch { ok = false; }
      if (!ok) continue;
      m.reflectedAt = performance.now();
      afterPaint((t) => {
        m.paintAt = t;
        if (p.marks.every((x) => x.paintAt !== null)) finish(p);
      });
    }
  };
  const finish = (p) => {
    if (p.finished) return;
    p.finished = true;
    p.observer.disconnect();
    clearTimeout(p.timer);
    p.resolve({
      kind: p.kind, t0: p.t0, handlerDelay: p.handlerAt - p.t0, targetId: p.targetId ?? null, timedOut: !!p.timedOut, error: p.error ?? null,
      wsSent: p.wsSentAt === null ? null : p.wsSentAt - p.t0, wsAnswered: p.wsAnsweredAt === null ? null : p.wsAnsweredAt - p.t0,
      marks: p.marks.map((m) => ({ name: m.name, preSatisfied: m.preSatisfied, reflected: m.reflectedAt === null ? null : m.reflectedAt - p.t0, painted: m.paintAt === null ? null : m.paintAt - p.t0 })),
    });
  };
  const frameLoop = () => {
    if (!pending || pending.finished) return;
    inFrame = true;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { inFrame = false; };
    ch.port2.postMessage(null);
    check();
    requestAnimationFrame(frameLoop);
  };
  const onStart = (e) => {
    const p = pending;
    if (!p || p.t0 !== null) return;
    if (p.kind === 'key' && e.type !== 'keydown') return;
    if (p.kind === 'click' && e.type !== 'pointerdown') return;
    p.t0 = e.timeStamp; // when the browser received the input (same clock as performance.now())
    p.handlerAt = performance.now();
    if (p.kind === 'click') {
      const row = e.target?.closest?.(ROW);
      p.targetId = row?.getAttribute('data-id') ?? null;
      if (p.targetId === null) { p.error = 'the click did not land on a request row'; p.marks = []; }
    }
    // Capture phase on window: runs before the app's own handlers, so this is the state before.
    for (const m of p.marks) { try { m.preSatisfied = !!m.test(p); } catch { m.preSatisfied = false; } }
    if (p.marks.length === 0) { finish(p); return; }
    check();
    requestAnimationFrame(frameLoop);
  };
  window.addEventListener('keydown', onStart, true);
  window.addEventListener('pointerdown', onStart, true);

  const rowTexts = () => [...document.querySelectorAll(ROW)].map((r) => (r.textContent ?? '').toLowerCase());
  /** The rendered rows show the filter `to` (and no longer `from`). */
  const listShows = (from, to) => {
    const rows = rowTexts();
    if (rows.length === 0) return false;
    const all = (needle) => rows.every((t) => t.includes(needle));
    if (to.includes(from)) return all(to); // narrowing (or first text)
    if (from.includes(to)) return all(to) && !all(from); // widening
    return all(to) && !all(from);
  };

  window.__fwb = {
    startCollect() { state.loaf = []; state.events = []; state.collecting = true; },
    stopCollect() { state.collecting = false; const out = { loaf: state.loaf, events: state.events }; state.loaf = []; state.events = []; return out; },
    /** Arm the probe for the next keydown: marks "echo" (the input shows `value`) and, when
     *  `from`/`to` are given, "list" (the rendered rows show filter `to`). */
    armKey({ value, from = null, to = null, timeoutMs = 5000 }) {
      const input = document.querySelector('[data-testid="request-filter"]');
      const marks = [{ name: 'echo', test: () => input.value === value }];
      if (to !== null) marks.push({ name: 'list', test: () => listShows(from, to) });
      return this._arm('key', marks, timeoutMs);
    },
    /** Arm the probe for the next pointerdown on a row: "selected" (that row rendered as
     *  selected) and "detail" (the detail pane shows that exchange). */
    armClick({ timeoutMs = 5000 } = {}) {
      const sel = (p) => document.querySelector(`${ROW}[data-id="${p.targetId}"]`);
      const marks = [
        { name: 'selected', test: (p) => { const r = sel(p); return !!r && (r.getAttribute('aria-selected') === 'true' || r.classList.contains('selected')); } },
        { name: 'detail', test: (p) => !!document.querySelector(`[data-testid="exchange-detail"][data-id="${p.targetId}"]`) },
      ];
      return this._arm('click', marks, timeoutMs);
    },
    _arm(kind, marks, timeoutMs) {
      if (pending && !pending.finished) pending.observer.disconnect();
      const p = { kind, t0: null, handlerAt: null, finished: false, wsSentAt: null, wsAnsweredAt: null, marks: marks.map((m) => ({ ...m, preSatisfied: null, reflectedAt: null, paintAt: null })) };
      p.promise = new Promise((resolve) => { p.resolve = resolve; });
      p.observer = new MutationObserver(check);
      p.observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      p.timer = setTimeout(() => { p.timedOut = true; finish(p); }, timeoutMs);
      pending = p;
      return true;
    },
    /** The armed probe's result (waits for it). */
    result() { return pending ? pending.promise : Promise.resolve(null); },
  };
  return 'installed';
}

/** The total in the request count element ("N requests" / "V of N requests"), or null. */
export function readRequestCount() {
  const el = document.querySelector('[data-testid="request-count"]');
  if (!el) return null;
  const text = (el.textContent ?? '').replace(/(\d)[,.\u202f\u00a0 '](?=\d{3}(\D|$))/g, '$1');
  const numbers = [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
  return numbers.length ? { total: numbers[numbers.length - 1], visible: numbers[0], text: el.textContent } : null;
}

/** The list's scrollable element: the request list itself or its first descendant that scrolls. */
export function describeScroller() {
  const list = document.querySelector('[data-testid="request-list"]');
  if (!list) return null;
  const el = [list, ...list.querySelectorAll('*')].find((e) => {
    const s = getComputedStyle(e);
    return /(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1;
  });
  if (!el) return null;
  return { className: el.className, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight, scrollTop: el.scrollTop, rows: document.querySelectorAll('[data-testid="request-row"]').length };
}

/** Scroll the list to `fraction` of its height (0 top, 1 bottom). */
export function scrollListTo(fraction) {
  const list = document.querySelector('[data-testid="request-list"]');
  const el = [list, ...list.querySelectorAll('*')].find((e) => /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1);
  el.scrollTop = fraction * (el.scrollHeight - el.clientHeight);
  return el.scrollTop;
}

/**
 * Frame times over `durationMs` (requestAnimationFrame deltas). With `pxPerSec`, the list's
 * scroller is moved every frame to where a steady scroll at that speed would be at that time
 * (a slow frame therefore jumps further, as a real scroll does), bouncing between the ends.
 * After each scroll step it checks, without forcing layout (from the rows' inline
 * translateY/top), whether the rows already in the DOM cover the viewport that this frame will
 * paint: a frame where they do not shows blank space.
 */
export function measureFrames({ durationMs, pxPerSec = 0 }) {
  let el = null;
  if (pxPerSec) {
    const list = document.querySelector('[data-testid="request-list"]');
    el = list && [list, ...list.querySelectorAll('*')].find((e) => /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1);
    if (!el) throw new Error('no scrollable element in [data-testid="request-list"]');
  }
  const clientH = el ? el.clientHeight : 0;
  const frames = [];
  const stepMs = []; // time spent setting scrollTop: the layout it forces (rows React just changed)
  let blank = 0;
  let checked = 0;
  let distance = 0;
  const rowBox = (r) => {
    const st = r.style;
    let top = null;
    // Chromium serialises big lengths in exponent form: translateY(1.30002e+06px).
    const m = /translateY\((-?[\d.]+(?:e[+-]?\d+)?)px\)/i.exec(st.transform || '');
    if (m) top = Number(m[1]);
    else if (st.top && st.top.endsWith('px')) top = Number.parseFloat(st.top);
    if (top === null) return null;
    const h = st.height && st.height.endsWith('px') ? Number.parseFloat(st.height) : 26;
    return [top, top + h];
  };
  return new Promise((resolve) => {
    let t0 = null;
    let last = null;
    let startTop = 0;
    let lastTop = 0;
    const tick = (ts) => {
      if (t0 === null) {
        t0 = ts; last = ts;
        startTop = el ? el.scrollTop : 0; lastTop = startTop;
        requestAnimationFrame(tick);
        return;
      }
      frames.push(ts - last);
      last = ts;
      const elapsed = ts - t0;
      if (el) {
        const s0 = performance.now();
        const max = el.scrollHeight - clientH; // reading it forces the layout of what React changed
        const period = 2 * max;
        let p = startTop + (pxPerSec * elapsed) / 1000;
        p = ((p % period) + period) % period;
        if (p > max) p = period - p;
        el.scrollTop = p;
        stepMs.push(performance.now() - s0);
        distance += Math.abs(p - lastTop);
        lastTop = p;
        let lo = Infinity;
        let hi = -Infinity;
        let any = false;
        for (const r of el.querySelectorAll('[data-testid="request-row"]')) {
          const b = rowBox(r);
          if (!b) continue;
          any = true;
          if (b[0] < lo) lo = b[0];
          if (b[1] > hi) hi = b[1];
        }
        if (any) {
          checked++;
          if (lo > p + 1 || hi < Math.min(p + clientH, el.scrollHeight) - 1) blank++;
        }
      }
      if (elapsed >= durationMs) resolve({ frames, stepMs, elapsedMs: elapsed, blankFrames: blank, checkedFrames: checked, distancePx: distance });
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Centre of a random rendered row that is fully inside the scroller's viewport and not
 *  selected (viewport coordinates), or null. */
export function pickRowPoint(seed) {
  const list = document.querySelector('[data-testid="request-list"]');
  const el = [list, ...list.querySelectorAll('*')].find((e) => /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1);
  const view = el.getBoundingClientRect();
  const rows = [...el.querySelectorAll('[data-testid="request-row"]')].filter((r) => {
    const b = r.getBoundingClientRect();
    return b.top >= view.top + 2 && b.bottom <= view.bottom - 2 && r.getAttribute('aria-selected') !== 'true' && !r.classList.contains('selected');
  });
  if (rows.length === 0) return null;
  const r = rows[Math.floor(seed * rows.length) % rows.length];
  const b = r.getBoundingClientRect();
  // The path column is a safe place to click (no buttons); fall back to the row's centre.
  return { x: Math.round(b.left + Math.min(b.width / 2, 300)), y: Math.round(b.top + b.height / 2), id: r.getAttribute('data-id') };
}
