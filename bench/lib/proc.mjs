// Processes: tracking what the bench started (so nothing outlives it), the process tree of
// a server, and memory (RSS) from /proc.
//
// Why process groups: every process the bench spawns (servers, wrk) is started with
// `detached: true`, i.e. setsid(), so it leads a new process group whose id is its pid.
// Workers forked by a server inherit that group, so "kill the group" reaches exactly the
// processes we started and their descendants, never anything else on the machine.
// Ctrl-C in a terminal signals only the foreground group (this node process), which lets
// us shut the servers down in order instead of having the terminal SIGINT them mid-run.

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

const tracked = new Map(); // pgid -> label, while it may still be running
const everStarted = new Set(); // every pgid we created, for the final "nothing left" check

export function track(pgid, label) { tracked.set(pgid, label); everStarted.add(pgid); }
export function allGroupsEverStarted() { return [...everStarted]; }
export function untrack(pgid) { tracked.delete(pgid); }
export function trackedGroups() { return [...tracked.entries()]; }

/** Send `signal` to the whole process group `pgid`. Returns false if the group is gone. */
export function killGroup(pgid, signal = 'SIGTERM') {
  try { process.kill(-pgid, signal); return true; } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

/** Send `signal` to one pid. Returns false if it is gone. */
export function killPid(pid, signal = 'SIGTERM') {
  try { process.kill(pid, signal); return true; } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * /proc/<pid>/stat, parsed. comm is in parentheses and may itself contain spaces or ")", so
 * the fields are split after the LAST ")". Returns null when the process is gone.
 */
export function readStat(pid) {
  let text;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return null; }
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' '); // f[0] is field 3 (state)
  return { pid, comm, state: f[0], ppid: +f[1], pgrp: +f[2], startTime: f[19] };
}

/** All live processes, one /proc scan. Zombies are excluded: they hold no memory and
 *  only wait for a reaper (in a container PID 1 may never reap them). */
export function listProcesses() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(+name);
    if (st && st.state !== 'Z') out.push(st);
  }
  return out;
}

/** Live members of process group `pgid` (what would still be running after a stop). */
export function groupMembers(pgid) {
  return listProcesses().filter((p) => p.pgrp === pgid);
}

/** True when `pid` runs a Python interpreter. /proc/<pid>/exe is used rather than comm,
 *  because gunicorn (via setproctitle, if installed) and scripts with a shebang rename comm. */
export function isPython(pid) {
  try { return /^python/.test(basename(readlinkSync(`/proc/${pid}/exe`))); } catch { /* gone or not ours */ }
  try { return /python/.test(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]); } catch { return false; }
}

/** True for a Forkwatch standby interpreter, as started (`--standby` in its command line). */
export function isStandby(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes('--standby'); } catch { return false; }
}

/** Memory of one process from /proc/<pid>/status: VmRSS now, VmHWM peak, in KiB. */
export function readMemory(pid) {
  let text;
  try { text = readFileSync(`/proc/${pid}/status`, 'utf8'); } catch { return null; }
  const kib = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/**
 * The server's process tree, split into master / workers / helpers.
 *
 * We scan /proc for parent links rather than reading /proc/<pid>/task/<tid>/children
 * (needs CONFIG_PROC_CHILDREN and lists children per thread) or running `ps --ppid`
 * (an extra process per sample): one scan gives the whole tree in one consistent snapshot.
 *
 * master  = the shallowest process in the tree that has Python children. For gunicorn and
 *           for `node bin/forkwatch.cjs` that is the spawned process itself; if Forkwatch is
 *           ever launched through a wrapper (e.g. a tsx CLI that re-execs node), the wrapper
 *           is reported under helpers and the real master is still found.
 * workers = the master's Python children.
 * helpers = anything else in the tree (wrappers, esbuild service, ...), listed separately
 *           so it is neither hidden nor mistaken for a worker.
 */
export function processTree(rootPid) {
  const procs = listProcesses();
  const children = new Map();
  for (const p of procs) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  if (!byPid.has(rootPid)) return null;

  // Breadth-first, so the first process with Python children is the shallowest one.
  const order = [];
  const queue = [byPid.get(rootPid)];
  while (queue.length) {
    const p = queue.shift();
    order.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  const master = order.find((p) => (children.get(p.pid) ?? []).some((c) => isPython(c.pid))) ?? order[0];
  // Forkwatch's standby interpreters (parked before the app's import, not serving) are listed
  // with the helpers: "per worker" means processes that serve requests.
  const workers = (children.get(master.pid) ?? []).filter((c) => isPython(c.pid) && !isStandby(c.pid));
  const workerPids = new Set(workers.map((w) => w.pid));
  const helpers = order.filter((p) => p.pid !== master.pid && !workerPids.has(p.pid));
  return { master, workers, helpers, all: order };
}

/** RSS snapshot of a server: master, each worker, helpers, totals (all in KiB). */
export function memorySnapshot(rootPid) {
  const tree = processTree(rootPid);
  if (!tree) return null;
  const mem = (p) => ({ pid: p.pid, comm: p.comm, ...readMemory(p.pid) });
  const master = mem(tree.master);
  const workers = tree.workers.map(mem);
  const helpers = tree.helpers.map((p) => ({ ...mem(p), standby: isStandby(p.pid) }));
  const sum = (list) => list.reduce((a, m) => a + (m.rssKiB ?? 0), 0);
  return {
    master, workers, helpers,
    workersRssKiB: sum(workers),
    totalRssKiB: sum([master, ...workers, ...helpers]),
  };
}

/** Whole-machine CPU times from /proc/stat (first "cpu" line), in clock ticks. */
function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0); // idle + iowait
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/**
 * Fraction of all CPUs busy over `ms` milliseconds, measured before the bench starts
 * anything. Load average is not used for this: it decays over minutes, so it still shows
 * the previous bench run; this is what else is running right now.
 */
export async function machineBusy(ms = 1000) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}
