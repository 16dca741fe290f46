// Debian's Chromium for the ui scenario, started by us (never a downloaded browser, never
// `npx playwright install`) and driven by playwright-core over CDP.
//
// Why not chromium.launch(): the bench must be able to end exactly the processes it started,
// by process group, also when it is interrupted. Spawned here with `detached: true`, Chromium
// leads its own process group (its zygote, renderer and utility processes inherit it) and the
// group is tracked in bench/lib/proc.mjs like the servers and wrk, so run.mjs's exit hook and
// leftover check cover it.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { track, untrack, killGroup, groupMembers } from '../lib/proc.mjs';

export const CHROMIUM = process.env.FORKWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * Start Chromium with remote debugging on a kernel-chosen loopback port and connect Playwright
 * to it. Returns { browser, pid, version, close() }; close() disconnects, SIGTERMs the group,
 * SIGKILLs it after 5 s, and removes the temporary profile.
 */
export async function launchChromium({ width = 1440, height = 900 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'forkwatch-bench-chromium-'));
  const args = [...CHROMIUM_ARGS, '--no-first-run', '--disable-component-update',
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`, 'about:blank'];
  const child = spawn(CHROMIUM, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error(`cannot start ${CHROMIUM}`);
  track(child.pid, 'chromium');
  let stderr = '';
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium: no DevTools endpoint after 30 s:\n${stderr.slice(-2000)}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr = (stderr + d).slice(-16_384);
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`chromium exited (${signal ?? code}):\n${stderr.slice(-2000)}`)); });
  }).catch(async (e) => { await stopGroup(child.pid, () => exited); rmSync(profile, { recursive: true, force: true }); throw e; });
  let browser;
  try {
    browser = await chromium.connectOverCDP(endpoint);
  } catch (e) {
    await stopGroup(child.pid, () => exited);
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    browser,
    pid: child.pid,
    version: browser.version(),
    stderrTail: () => stderr,
    async close() {
      await browser.close().catch(() => {}); // over CDP: disconnects, the process stays
      const r = await stopGroup(child.pid, () => exited);
      rmSync(profile, { recursive: true, force: true });
      return r;
    },
  };
}

/** SIGTERM the group, wait up to 5 s for every member to be gone, then SIGKILL it. */
async function stopGroup(pgid, exited) {
  killGroup(pgid, 'SIGTERM');
  let graceful = true;
  for (let i = 0; i < 100 && (groupMembers(pgid).length > 0 || !exited()); i++) await sleep(50);
  if (groupMembers(pgid).length > 0) { graceful = false; killGroup(pgid, 'SIGKILL'); }
  for (let i = 0; i < 40 && groupMembers(pgid).length > 0; i++) await sleep(50);
  untrack(pgid);
  return { graceful, leftovers: groupMembers(pgid).map((p) => ({ pid: p.pid, comm: p.comm })) };
}
