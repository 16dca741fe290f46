/**
 * V8 garbage-collector settings for a process that hosts the gateway (the CLI, Electron's main
 * process): set once, before load, process-wide.
 *
 * --no-parallel-scavenge: the young-generation collector runs on the main thread alone. By
 * default it hands work to helper threads, and on a machine with few cores those threads take
 * the core a worker or the client is running on, or the main thread waits for one the scheduler
 * has not run yet. On the 2-core bench VM at c=1, a scavenge's pause fell from 0.27 to 0.16 ms
 * without the helpers, and wrk's p99 from 0.36-0.41 to 0.24-0.29 ms. V8 reads the flag at the
 * start of each scavenge, so setting it at run time takes effect (unlike the heap-size flags).
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

export function tuneGarbageCollector(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-parallel-scavenge');
}
