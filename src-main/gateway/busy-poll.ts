/**
 * Busy-polling the event loop while a worker answers: the loop keeps calling epoll with a zero
 * timeout instead of sleeping in it, for a bounded time.
 *
 * Why: one request at a time, a request's latency is mostly wake-ups. Each hop that finds its
 * reader asleep costs the writer an inter-processor interrupt (on a VM, an exit to the host) and
 * the reader a trip through the scheduler. Our path has four such hops (client -> master ->
 * worker -> master -> client) where gunicorn's has two. On the bench VM at c=1 the master spent
 * 138 us of CPU per request against 54 at c=32, half of it in the kernel waking the other side,
 * and p50 was 0.17-0.19 ms against gunicorn's 0.12. A polling master and a lingering worker
 * (the LINGER request flag) take two of the four wake-ups away: p50 fell to 0.05-0.07 ms.
 *
 * The spin must never take a core from someone who needs it, so the caller says when it may run
 * (only while fewer workers are busy than there are cores), and it stops at a deadline: a slow
 * request costs at most that much CPU in polling.
 */
import { performance } from 'node:perf_hooks';

let polling = false;
let deadline = 0;
let keepPolling: () => boolean = () => false;

function tick(): void {
  // A pending immediate makes libuv poll with timeout 0: the loop stays awake, runs every I/O
  // callback as usual, and comes back here once per turn.
  if (keepPolling() && performance.now() < deadline) setImmediate(tick);
  else polling = false;
}

/**
 * Keeps the event loop awake while `condition()` holds, for at most `maxMs` from now. One
 * poller per process (there is one event loop): a new call replaces the condition and deadline.
 */
export function pollWhile(condition: () => boolean, maxMs: number): void {
  keepPolling = condition;
  deadline = performance.now() + maxMs;
  if (polling) return;
  polling = true;
  setImmediate(tick);
}

/** True while the loop is being kept awake (for tests). */
export function isPolling(): boolean {
  return polling;
}
