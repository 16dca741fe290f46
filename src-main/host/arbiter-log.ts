/**
 * The arbiter's event log as the inspector shows it: each supervision event becomes one
 * ArbiterLogEntry line, numbered by `seq`, and only the last `limit` lines are kept.
 *
 * A worker's boot failure has no kind of its own: its traceback goes into the `exited` line
 * of that worker (a replacement that cannot import) or into the `reload-failed` line. A halt
 * (the first generation could not boot) is logged as `reload-failed` of generation 1.
 */
import type { ArbiterLogEntry } from '../contract';
import type { Arbiter, ArbiterEvents } from '../gateway/arbiter';
import type { BootFailure } from '../gateway/protocol';

export const DEFAULT_ARBITER_LOG_LIMIT = 500;

export interface ArbiterLogOptions {
  limit?: number;
  /** Called with every new entry, in order. */
  onEntry?: (entry: ArbiterLogEntry) => void;
  now?: () => number;
}

type Listener<K extends keyof ArbiterEvents> = (...args: ArbiterEvents[K]) => void;

export class ArbiterLog {
  private readonly buffer: ArbiterLogEntry[] = [];
  private readonly limit: number;
  private readonly now: () => number;
  private seq = 0;
  private readonly bootFailures = new Map<number, BootFailure>();
  private readonly detachers: (() => void)[] = [];
  onEntry: ((entry: ArbiterLogEntry) => void) | null;

  constructor(options: ArbiterLogOptions = {}) {
    this.limit = Math.max(1, options.limit ?? DEFAULT_ARBITER_LOG_LIMIT);
    this.now = options.now ?? Date.now;
    this.onEntry = options.onEntry ?? null;
  }

  /** The kept entries, oldest first (a copy). */
  entries(): ArbiterLogEntry[] {
    return this.buffer.slice();
  }

  get lastSeq(): number {
    return this.seq;
  }

  add(entry: Omit<ArbiterLogEntry, 'seq' | 'time'>): ArbiterLogEntry {
    const full: ArbiterLogEntry = { seq: ++this.seq, time: this.now(), ...entry };
    this.buffer.push(full);
    if (this.buffer.length > this.limit) this.buffer.splice(0, this.buffer.length - this.limit);
    this.onEntry?.(full);
    return full;
  }

  /** Logs the arbiter's events from now on. */
  attach(arbiter: Arbiter): void {
    this.on(arbiter, 'worker-spawned', (worker) => {
      this.add({ kind: 'spawned', message: `Booting worker ${worker.pid} (generation ${worker.generation})`, pid: worker.pid, generation: worker.generation });
    });
    this.on(arbiter, 'boot-failed', (worker, failure) => {
      this.bootFailures.set(worker.pid, failure);
    });
    this.on(arbiter, 'worker-exited', (worker, exit) => {
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      const failure = this.bootFailures.get(worker.pid);
      this.bootFailures.delete(worker.pid);
      const entry: Omit<ArbiterLogEntry, 'seq' | 'time'> = {
        kind: 'exited',
        message: `Worker ${worker.pid} exited with ${how} (${exit.reason})${failure ? `: ${failure.type}: ${failure.message}` : ''}`,
        pid: worker.pid,
        generation: worker.generation,
      };
      if (failure) entry.detail = failure.traceback;
      this.add(entry);
    });
    this.on(arbiter, 'worker-timeout', (worker, stack) => {
      this.add({
        kind: 'timeout',
        message: `Worker ${worker.pid} timed out${worker.requestId !== null ? ` on request ${worker.requestId}` : ''}; killed`,
        pid: worker.pid,
        generation: worker.generation,
        detail: stack,
      });
    });
    this.on(arbiter, 'reload-started', ({ generation }) => {
      this.add({ kind: 'reload-started', message: `Reloading: booting generation ${generation}`, generation });
    });
    this.on(arbiter, 'reload-finished', ({ generation, ms }) => {
      const message = generation === 1 ? `Generation 1 serving (booted in ${ms} ms)` : `Reloaded: generation ${generation} serving after ${ms} ms`;
      this.add({ kind: 'reload-finished', message, generation, durationMs: ms });
    });
    this.on(arbiter, 'reload-failed', ({ generation, failure, reason }) => {
      const entry: Omit<ArbiterLogEntry, 'seq' | 'time'> = {
        kind: 'reload-failed',
        message: `Reload to generation ${generation} failed; the previous generation keeps serving: ${reason}`,
        generation,
      };
      if (failure) entry.detail = failure.traceback;
      this.add(entry);
    });
    this.on(arbiter, 'halted', ({ failure, reason }) => {
      const entry: Omit<ArbiterLogEntry, 'seq' | 'time'> = { kind: 'reload-failed', message: `The app could not be loaded; not serving: ${reason}`, generation: 1 };
      if (failure) entry.detail = failure.traceback;
      this.add(entry);
    });
    this.on(arbiter, 'scaled', ({ from, to }) => {
      this.add({ kind: 'scaled', message: `Workers: ${from} -> ${to}` });
    });
  }

  detach(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  private on<K extends keyof ArbiterEvents>(arbiter: Arbiter, event: K, listener: Listener<K>): void {
    // EventEmitter<T>'s typed overloads do not accept a generic key; the listener matches by construction.
    const emitter = arbiter as unknown as { on(event: string, l: Listener<K>): void; off(event: string, l: Listener<K>): void };
    emitter.on(event, listener);
    this.detachers.push(() => emitter.off(event, listener));
  }
}
