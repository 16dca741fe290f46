// Starting and stopping the servers under test, and deciding when they are ready.
//
// Readiness is "answered GET / with 200", not "printed a banner": gunicorn prints
// `Listening at:` as soon as the master has bound the socket, before any worker has
// imported the app, so a banner would start the clock (and the load) too early. The same
// probe is used for both servers, which is what makes the start-time figures comparable.
// The banner time is still recorded, for information.

import { spawn } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import {
  track, untrack, killGroup, killPid, groupMembers, processTree, readStat,
} from './proc.mjs';

const LOG_TAIL_CHARS = 16 * 1024;
const live = new Set(); // servers started and not yet stopped (for emergency cleanup)

/** A port that was free a moment ago on 127.0.0.1 (bind :0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawn a server in its own process group. Output is drained continuously (a server that
 * logs per request must never block on a full pipe) but only a tail is kept, for error
 * messages; the first `Listening at: http://...` line is timestamped.
 */
export function startServer({ label, argv, cwd, port, env = {} }) {
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  const server = {
    label, argv, port, child, pid: child.pid, t0,
    listeningMs: null, listeningUrl: null,
    tail: '', exitInfo: null, known: new Map(), // pid -> startTime of every process seen in its tree
  };
  if (child.pid === undefined) {
    // spawn failed synchronously-ish (ENOENT etc.); 'error' below will carry the reason.
    server.exitInfo = { code: null, signal: null, error: 'spawn failed' };
  } else {
    track(child.pid, label);
    live.add(server);
  }
  const onData = (chunk) => {
    server.tail = (server.tail + chunk).slice(-LOG_TAIL_CHARS);
    if (server.listeningMs === null) {
      const m = /Listening at: (http:\/\/\S+)/.exec(server.tail);
      if (m) { server.listeningMs = performance.now() - t0; server.listeningUrl = m[1]; }
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  server.exited = new Promise((resolve) => {
    child.on('error', (err) => { server.exitInfo = { code: null, signal: null, error: err.message }; resolve(server.exitInfo); });
    child.on('exit', (code, signal) => { server.exitInfo = { code, signal }; resolve(server.exitInfo); });
  });
  return server;
}

/** The last lines of a server's output, for error messages. */
export function logTail(server, lines = 15) {
  return server.tail.trimEnd().split('\n').slice(-lines).join('\n');
}

function exitError(server, what) {
  const { code, signal, error } = server.exitInfo;
  const how = error ?? (signal ? `signal ${signal}` : `code ${code}`);
  const err = new Error(`${server.label} exited (${how}) ${what}:\n${logTail(server)}`);
  err.serverExited = true;
  return err;
}

/**
 * One readiness probe: connect, send a minimal HTTP/1.1 GET, read the status line.
 * Raw sockets instead of node:http so nothing (agents, keep-alive pools) sits between the
 * probe and the server and nothing stays open afterwards.
 * Resolves with the status code; rejects with the socket error (ECONNREFUSED while the
 * server has not bound yet).
 */
export function probe(port, path = '/', timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    sock.setEncoding('latin1');
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`probe timed out after ${timeoutMs} ms`)));
    sock.on('connect', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    sock.on('data', (d) => {
      buf += d;
      const eol = buf.indexOf('\r\n');
      if (eol >= 0) {
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf.slice(0, eol));
        sock.destroy();
        m ? resolve(Number(m[1])) : reject(new Error(`bad status line: ${JSON.stringify(buf.slice(0, eol))}`));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => reject(new Error('connection closed before a status line')));
  });
}

/**
 * Poll until GET `path` answers 200. Returns ms since spawn. Fails fast if the server exits
 * (e.g. an unknown CLI flag) instead of waiting for the timeout.
 * Refused connections are retried every 5 ms: that is the resolution of the start-time figure.
 */
export async function waitReady(server, { path = '/', timeoutMs = 30_000 } = {}) {
  const deadline = server.t0 + timeoutMs;
  let last = 'no attempt';
  while (performance.now() < deadline) {
    if (server.exitInfo) throw exitError(server, 'before answering');
    const remaining = Math.max(1, deadline - performance.now());
    try {
      const status = await Promise.race([probe(server.port, path, remaining), server.exited.then(() => -1)]);
      if (status === 200) return performance.now() - server.t0;
      if (status === -1) continue; // loop top reports the exit
      last = `HTTP ${status}`;
      await sleep(20);
    } catch (e) {
      last = e.code ?? e.message;
      await sleep(5);
    }
  }
  throw new Error(`${server.label} not ready after ${timeoutMs} ms (last probe: ${last}):\n${logTail(server)}`);
}

/** Remember every process seen in the server's tree, so stopServer can find a worker
 *  even if it left the process group. startTime guards against pid reuse. */
function remember(server, tree) {
  for (const p of tree?.all ?? []) server.known.set(p.pid, p.startTime);
}

/** Wait until the master has `n` Python worker children (workers boot after the master
 *  answers on some servers; RSS "idle" must include all of them). */
export async function waitWorkers(server, n, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  let tree;
  while (performance.now() < deadline) {
    if (server.exitInfo) throw exitError(server, 'while waiting for workers');
    tree = processTree(server.pid);
    remember(server, tree);
    if (tree && tree.workers.length >= n) return tree;
    await sleep(50);
  }
  throw new Error(`${server.label}: expected ${n} Python workers, found ${tree?.workers.length ?? 0}`);
}

/** Snapshot the tree (and remember its pids). */
export function serverTree(server) {
  const tree = processTree(server.pid);
  remember(server, tree);
  return tree;
}

/**
 * Graceful stop: SIGTERM to the master only (both servers stop their workers themselves on
 * SIGTERM; signalling the whole group at once would race the master's own shutdown), wait
 * up to `graceMs`, then SIGKILL the group. Finally make sure no process of ours is left:
 * group members, and any remembered worker that left the group (same pid AND start time).
 * Returns { graceful, leftovers } so the run can report a server that did not stop cleanly.
 */
export async function stopServer(server, { graceMs = 10_000 } = {}) {
  if (server.stopped) return server.stopped;
  let graceful = true;
  if (!server.exitInfo) {
    killPid(server.pid, 'SIGTERM');
    const done = await Promise.race([server.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) { graceful = false; killGroup(server.pid, 'SIGKILL'); await server.exited; }
  }
  // The master is gone; its workers should follow within moments.
  const strays = () => [
    ...groupMembers(server.pid),
    ...[...server.known].filter(([pid, st]) => readStat(pid)?.startTime === st && readStat(pid)?.state !== 'Z')
      .map(([pid]) => readStat(pid)),
  ].filter((p, i, a) => p && a.findIndex((q) => q.pid === p.pid) === i);
  const deadline = performance.now() + 3000;
  let left = strays();
  while (left.length && performance.now() < deadline) { await sleep(50); left = strays(); }
  const leftovers = left.map((p) => ({ pid: p.pid, comm: p.comm }));
  if (left.length) {
    graceful = false;
    killGroup(server.pid, 'SIGKILL');
    for (const p of left) killPid(p.pid, 'SIGKILL');
  }
  untrack(server.pid);
  live.delete(server);
  server.stopped = { graceful, leftovers, exit: server.exitInfo };
  return server.stopped;
}

/** Stop everything still running (error / Ctrl-C path). Short grace: we are bailing out. */
export async function stopAllServers() {
  await Promise.all([...live].map((s) => stopServer(s, { graceMs: 3000 }).catch(() => {})));
}

/** One HTTP request with node:http (no keep-alive agent); resolves { status, body }. */
function request(port, { method = 'GET', path = '/', body = null, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false,
      headers: body ? { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' } : {} });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.end(body ?? undefined);
  });
}

/**
 * Before measuring, check that the server gives the right answers: wrk counts responses,
 * it does not look at them, so a server that truncated the 10 MiB body would otherwise look
 * fast rather than broken. Returns a list of problems (empty = all good).
 */
export async function checkResponses(server, { bodyBytes }) {
  const problems = [];
  const expect = async (what, fn) => {
    try { const p = await fn(); if (p) problems.push(`${what}: ${p}`); } catch (e) { problems.push(`${what}: ${e.message}`); }
  };
  await expect('GET /', async () => {
    const r = await request(server.port, {});
    return r.status === 200 && r.body.toString() === 'Hello, World!' ? null : `HTTP ${r.status}, body ${JSON.stringify(r.body.toString().slice(0, 60))}`;
  });
  await expect('GET /download', async () => {
    const r = await request(server.port, { path: '/download' });
    return r.status === 200 && r.body.length === bodyBytes ? null : `HTTP ${r.status}, ${r.body.length} bytes instead of ${bodyBytes}`;
  });
  await expect('POST /upload', async () => {
    const r = await request(server.port, { method: 'POST', path: '/upload', body: Buffer.alloc(bodyBytes, 'x') });
    return r.status === 200 && r.body.toString() === String(bodyBytes) ? null : `HTTP ${r.status}, app saw ${r.body.toString().slice(0, 40)} bytes of ${bodyBytes}`;
  });
  return problems;
}
