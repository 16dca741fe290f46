/**
 * The server's state for the inspector's header: what the arbiter's events say (starting,
 * running, reloading, failed, stopped; the last failure; the Python version a worker reported)
 * plus what is read live (URL, worker count, generation, capture mode).
 *
 * States: `starting` until the first generation serves; `reloading` between reload-started and
 * reload-finished/-failed; `running` otherwise (also after a failed reload: the previous
 * generation keeps serving, and `failure` says what went wrong); `failed` when the first
 * generation could not boot (halted); `stopped` once the gateway's server closed.
 */
import type { CaptureMode, PythonErrorInfo, ServerInfo, ServerState } from '../contract';
import type { Arbiter, ArbiterEvents } from '../gateway/arbiter';
import type { BootFailure } from '../gateway/protocol';

export interface ServerInfoSources {
  arbiter: Arbiter;
  /** The gateway's URL ('' until it listens). */
  url: () => string;
  captureMode: () => CaptureMode;
  info: { projectDir: string; app: string; python: string };
  now?: () => number;
}

type Listener<K extends keyof ArbiterEvents> = (...args: ArbiterEvents[K]) => void;

export class ServerInfoTracker {
  private state: ServerState;
  private pythonVersion = '';
  private failure: ServerInfo['failure'] | undefined;
  /** A failure from a replacement worker's boot clears when a worker boots again. */
  private failureFromBoot = false;
  private readonly detachers: (() => void)[] = [];
  private readonly now: () => number;
  /** Called after an arbiter event changed something here. */
  onChange: (() => void) | null = null;

  constructor(private readonly sources: ServerInfoSources) {
    this.now = sources.now ?? Date.now;
    this.state = sources.arbiter.generation > 0 ? 'running' : 'starting';
    this.attach(sources.arbiter);
  }

  current(): ServerInfo {
    const { arbiter, info } = this.sources;
    const server: ServerInfo = {
      state: this.state,
      projectDir: info.projectDir,
      app: info.app,
      python: info.python,
      pythonVersion: this.pythonVersion,
      url: this.sources.url(),
      workerCount: arbiter.workerCount,
      generation: arbiter.generation,
      capture: this.sources.captureMode(),
    };
    if (this.failure) server.failure = { ...this.failure };
    return server;
  }

  /** The gateway stopped: final. */
  stopped(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.onChange?.();
  }

  detach(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }

  private attach(arbiter: Arbiter): void {
    this.on(arbiter, 'worker-ready', (_worker, ready) => {
      if (this.failureFromBoot) {
        this.failure = undefined;
        this.failureFromBoot = false;
      }
      this.pythonVersion = ready.python;
      this.changed();
    });
    this.on(arbiter, 'boot-failed', (_worker, failure) => {
      this.fail(`${failure.type}: ${failure.message}`, failure);
      this.failureFromBoot = true;
      this.changed();
    });
    this.on(arbiter, 'reload-started', () => {
      if (this.state === 'running') this.state = 'reloading';
      this.changed();
    });
    this.on(arbiter, 'reload-finished', () => {
      this.state = 'running';
      this.failure = undefined;
      this.failureFromBoot = false;
      this.changed();
    });
    this.on(arbiter, 'reload-failed', ({ failure, reason }) => {
      this.state = 'running';
      this.fail(reason, failure);
      this.changed();
    });
    this.on(arbiter, 'halted', ({ failure, reason }) => {
      this.state = 'failed';
      this.fail(reason, failure);
      this.changed();
    });
    this.on(arbiter, 'scaled', () => this.changed());
  }

  private fail(reason: string, failure: BootFailure | null): void {
    this.failureFromBoot = false;
    this.failure = { reason, at: this.now() };
    if (failure) this.failure.error = pythonError(failure);
  }

  private changed(): void {
    if (this.state !== 'stopped') this.onChange?.();
  }

  private on<K extends keyof ArbiterEvents>(arbiter: Arbiter, event: K, listener: Listener<K>): void {
    const emitter = arbiter as unknown as { on(event: string, l: Listener<K>): void; off(event: string, l: Listener<K>): void };
    // Once stopped, nothing changes any more (workers still exit while the gateway closes).
    const guarded = ((...args: ArbiterEvents[K]) => {
      if (this.state !== 'stopped') listener(...args);
    }) as Listener<K>;
    emitter.on(event, guarded);
    this.detachers.push(() => emitter.off(event, guarded));
  }
}

function pythonError(failure: BootFailure): PythonErrorInfo {
  const error: PythonErrorInfo = { type: failure.type, message: failure.message, traceback: failure.traceback };
  if (failure.filename !== undefined) error.filename = failure.filename;
  if (failure.lineno !== undefined) error.lineno = failure.lineno;
  return error;
}
