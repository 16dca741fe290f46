/**
 * The arbiter: keeps the right number of workers of the right code generation alive, hands
 * requests to idle ones, and supervises them (gunicorn's arbiter.py, as a reconcile loop).
 *
 * Exits, signals, timers and commands only record facts (a desired count, a new generation, a
 * dead worker); `tick()` brings the actual state back to the desired one and is safe to run any
 * number of times: murderStuckWorkers -> manageWorkers -> refillStandbys. A new worker is a
 * standby interpreter when one is parked (standby-pool.ts), else a fresh spawn.
 */
import { EventEmitter } from 'node:events';
import { ExitCode, LINGER_MS, type BootFailure, type ReadyInfo } from './protocol';
import { WorkerProcess, type WorkerExit, type WorkerHandle, type WorkerSpawnOptions } from './worker-process';
import { StandbyPool } from './standby-pool';
import type { Relay } from './relay';
import { pollWhile } from './busy-poll';
import { availableParallelism } from 'node:os';

export type WorkerState = 'booting' | 'idle' | 'busy' | 'stopping' | 'dead';

export interface WorkerInfo {
  id: number;
  pid: number;
  generation: number;
  state: WorkerState;
  startedAt: number;
  served: number;
  /** The request in progress, when busy. */
  requestId: number | null;
  requestStartedAt: number | null;
  lastExit?: WorkerExit & { reason: string };
}

export interface ArbiterOptions {
  spawn: Omit<WorkerSpawnOptions, 'env'> & { env?: NodeJS.ProcessEnv };
  /**
   * Starts one worker of a generation. Default: spawn a fresh interpreter (WorkerProcess).
   * A preloading zygote forks instead (one import per generation instead of one per worker).
   */
  createWorker?: (generation: number) => WorkerHandle;
  /**
   * Keep as many standby interpreters as workers, booted up to the app's import, so a new worker
   * (reload, replacement, scale-up) costs only the import (standby-pool.ts). Default: on, for
   * spawned workers (not with `createWorker`).
   */
  standby?: boolean;
  workers: number;
  /** Seconds a request may run before its worker is killed (0: never). */
  timeout: number;
  /** Seconds stopping workers get to finish their request before SIGKILL. */
  gracefulTimeout: number;
  /** Recycle a worker after this many requests (0: never), plus up to `maxRequestsJitter`. */
  maxRequests: number;
  maxRequestsJitter: number;
  /** Requests that may wait for a worker before new ones get 503. */
  backlog: number;
  /**
   * Spend spare cores on latency (default on): while fewer workers are busy than there are cores,
   * the master polls for a worker's answer and an idle worker polls for its next request, for
   * well under a millisecond each, instead of sleeping (busy-poll.ts).
   */
  busyPoll?: boolean;
}

export interface ArbiterEvents {
  'worker-spawned': [WorkerInfo];
  'worker-ready': [WorkerInfo, ReadyInfo];
  'worker-exited': [WorkerInfo, WorkerExit & { reason: string }];
  'worker-state': [WorkerInfo];
  'worker-timeout': [WorkerInfo, string];
  'boot-failed': [WorkerInfo, BootFailure];
  /** A worker's console line outside any request. */
  console: [WorkerInfo, { stream: 'stdout' | 'stderr'; text: string }];
  'reload-started': [{ generation: number; changedFiles: string[] }];
  'reload-finished': [{ generation: number; ms: number; changedFiles: string[] }];
  'reload-failed': [{ generation: number; failure: BootFailure | null; reason: string; changedFiles: string[] }];
  scaled: [{ from: number; to: number }];
  /** The first generation could not boot: the app cannot be served. */
  halted: [{ failure: BootFailure | null; reason: string }];
}

interface Worker {
  info: WorkerInfo;
  process: WorkerHandle;
  /** The request the worker is running (the head of its channel). */
  relay: Relay | null;
  /**
   * Requests already written to the worker's channel behind `relay`, not started: the worker
   * reads the next one the moment it answers, with no round trip through the master in between.
   */
  pipeline: Relay[];
  maxRequests: number;
  retireWhenIdle: boolean;
  /** Its current request went with LINGER: once it answers, it polls for the next one. */
  lingering: boolean;
  /** performance.now() until which it is still polling after its last answer (0: asleep). */
  awakeUntil: number;
}

const TICK_MS = 100;
/**
 * Requests prefetched per busy worker when every worker is busy. One is enough to keep a
 * worker from sleeping between requests; more would queue requests behind a slow one while
 * another worker may free up first (head-of-line blocking).
 */
const PIPELINE_DEPTH = 1;
/**
 * Longest the master polls for one request's answer before it sleeps like any idle loop. A
 * wake-up costs 20-40 us, which matters against answers of a few tenths of a millisecond and
 * not beyond. Short also because the scheduler sometimes puts the polling master on the core of
 * the worker it waits for: the worker then runs only once the poll ends (with 1 ms, that was a
 * cluster of 1.1-1.2 ms requests in 1-2% of them at c=1).
 */
const POLL_FOR_ANSWER_MS = 0.2;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 10_000;
/**
 * Standbys are refilled this long after a reload settled: booting interpreters right away would
 * take the CPU from the new generation's first requests (and from the next save's reload).
 */
const STANDBY_REFILL_DELAY_MS = 200;

export class Arbiter extends EventEmitter<ArbiterEvents> {
  private readonly workers = new Map<number, Worker>();
  /** The same workers by pid: relayDone looks one up per request. */
  private readonly workersByPid = new Map<number, Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Relay[] = [];
  /** Workers with a request in progress (a worker's `relay` is set). */
  private running = 0;
  /** Cores the machine offers: busy-polling runs only while a busy worker leaves one spare. */
  private readonly cores = availableParallelism();
  private readonly spareCore = () => this.running > 0 && this.running < this.cores;
  private nextWorkerId = 1;
  private target: number;
  /** The generation that new requests go to. */
  private servingGeneration = 0;
  /** The generation being booted by a reload, if any. */
  private pendingGeneration: { generation: number; startedAt: number; changedFiles: string[] } | null = null;
  private generationCounter = 1;
  private backoffMs = 0;
  private nextSpawnAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private bootFailure: BootFailure | null = null;
  private readonly standbys: StandbyPool | null;
  /** When the last reload was promoted or abandoned: standbys refill a moment after. */
  private settledAt = 0;

  constructor(private readonly options: ArbiterOptions) {
    super();
    this.target = options.workers;
    this.standbys = options.createWorker || options.standby === false ? null : new StandbyPool(options.spawn, () => this.target);
  }

  /** Boots the first generation; resolves once every worker has imported the app. */
  start(): Promise<void> {
    const generation = this.generationCounter;
    this.pendingGeneration = { generation, startedAt: Date.now(), changedFiles: [] };
    return new Promise((resolve, reject) => {
      const onFinished = () => {
        cleanup();
        resolve();
      };
      const onHalted = ({ reason }: { reason: string }) => {
        cleanup();
        reject(new Error(reason));
      };
      const cleanup = () => {
        this.off('reload-finished', onFinished);
        this.off('halted', onHalted);
      };
      this.on('reload-finished', onFinished);
      this.on('halted', onHalted);
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
      this.tick();
    });
  }

  get generation(): number {
    return this.servingGeneration;
  }

  get workerCount(): number {
    return this.target;
  }

  list(): WorkerInfo[] {
    return [...this.workers.values()].map((worker) => ({ ...worker.info }));
  }

  /** Pids of the standby interpreters waiting to become workers (not workers yet). */
  standbyPids(): number[] {
    return this.standbys?.pids() ?? [];
  }

  /** Hands a request to an idle worker, or queues it; false when the queue is full. */
  dispatch(relay: Relay): boolean {
    const worker = this.idle.pop();
    if (worker) {
      this.assign(worker, relay);
      return true;
    }
    if (this.prefetch(relay)) return true;
    if (this.queue.length >= this.options.backlog) return false;
    this.queue.push(relay);
    return true;
  }

  /**
   * Writes a request behind a busy worker's current one. Only bodyless requests, and only
   * behind requests whose bodies are fully sent: frames on a channel are in stream order, and
   * an unfinished upload must not wait behind, or in front of, another request.
   */
  private prefetch(relay: Relay): boolean {
    if (relay.hasBody) return false;
    let best: Worker | null = null;
    for (const worker of this.workers.values()) {
      if (
        worker.info.state === 'busy' &&
        worker.relay !== null &&
        worker.pipeline.length < PIPELINE_DEPTH &&
        !worker.retireWhenIdle &&
        worker.info.generation === this.servingGeneration &&
        worker.relay.bodySent &&
        (best === null || worker.pipeline.length < best.pipeline.length)
      ) {
        best = worker;
      }
    }
    if (!best) return false;
    best.pipeline.push(relay);
    relay.assign(best.process);
    return true;
  }

  /** Puts never-started requests back at the front of the queue, then hands out what it can. */
  private requeue(relays: Relay[]): void {
    for (const relay of relays.reverse()) {
      relay.unassign();
      this.queue.unshift(relay);
    }
    while (this.idle.length && this.queue.length) this.assign(this.idle.pop()!, this.queue.shift()!);
  }

  /** Starts a new generation; the old one serves until the new one is ready (HUP). */
  reload(changedFiles: string[] = []): void {
    if (this.stopping) return;
    this.generationCounter += 1;
    // A reload during a reload supersedes it: the half-booted generation is never promoted.
    if (this.pendingGeneration && this.servingGeneration !== 0) this.killGeneration(this.pendingGeneration.generation, 'superseded');
    this.pendingGeneration = { generation: this.generationCounter, startedAt: Date.now(), changedFiles };
    this.backoffMs = 0;
    this.nextSpawnAt = 0;
    this.emit('reload-started', { generation: this.generationCounter, changedFiles });
    this.tick();
  }

  /** Sets the number of workers (TTIN/TTOU, the UI's -/+). */
  scale(count: number): void {
    const to = Math.max(1, Math.floor(count));
    if (to === this.target) return;
    this.emit('scaled', { from: this.target, to });
    this.target = to;
    this.tick();
  }

  /** Gracefully restarts one worker (it finishes its request first). */
  restartWorker(pid: number): boolean {
    const worker = this.byPid(pid);
    if (!worker || worker.info.state === 'dead') return false;
    this.retire(worker, 'restarted');
    this.tick();
    return true;
  }

  /** Kills one worker at once (SIGKILL); its request, if any, gets 502. */
  killWorker(pid: number): boolean {
    const worker = this.byPid(pid);
    if (!worker || worker.info.state === 'dead') return false;
    worker.process.kill('SIGKILL');
    return true;
  }

  dumpStack(pid: number): Promise<string> {
    const worker = this.byPid(pid);
    return worker ? worker.process.dumpStack() : Promise.resolve('');
  }

  /** Graceful stop (TERM): queued requests get 503, running ones may finish within the timeout. */
  async stop(graceful = true): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    for (const relay of this.queue.splice(0)) relay.reject(503, 'Service Unavailable: server shutting down');
    const graceMs = graceful ? this.options.gracefulTimeout * 1000 : 0;
    await Promise.all([
      this.standbys?.close(graceful),
      ...[...this.workers.values()].map((worker) => {
        worker.info.state = 'stopping';
        return graceful ? worker.process.stop(graceMs) : (worker.process.kill('SIGKILL'), worker.process.waitForExit());
      }),
    ]);
  }

  /** The reconcile loop. */
  tick(): void {
    if (this.stopping) return;
    this.murderStuckWorkers();
    this.manageWorkers();
    this.refillStandbys();
  }

  private murderStuckWorkers(): void {
    const timeoutMs = this.options.timeout * 1000;
    if (!timeoutMs) return;
    const now = performance.now();
    for (const worker of this.workers.values()) {
      const started = worker.info.state === 'busy' || worker.info.state === 'stopping' ? worker.relay?.startedAt : undefined;
      if (started === undefined || now - started < timeoutMs || worker.relay === null) continue;
      const relay = worker.relay;
      this.setRelay(worker, null);
      void this.murder(worker, relay);
    }
  }

  /** Timeout kill: dump the Python stack first (what was it doing?), then SIGKILL and 504. */
  private async murder(worker: Worker, relay: Relay): Promise<void> {
    this.setState(worker, 'stopping');
    const stack = await worker.process.dumpStack(1000);
    worker.info.lastExit = { code: null, signal: 'SIGKILL', reason: 'timeout' };
    this.emit('worker-timeout', { ...worker.info }, stack);
    worker.process.kill('SIGKILL');
    relay.lost('timeout', { stack });
  }

  /** Brings the worker set to the target: spawn what is missing, retire what is extra. */
  private manageWorkers(): void {
    const pending = this.pendingGeneration;
    const generation = pending ? pending.generation : this.servingGeneration;
    const live = this.liveOf(generation);
    if (live.length < this.target && Date.now() >= this.nextSpawnAt) {
      for (let i = live.length; i < this.target; i++) this.spawnWorker(generation);
    }
    if (!pending && live.length > this.target) {
      // Retire the youngest idle ones first; busy ones finish their request.
      const extra = live.sort((a, b) => b.info.startedAt - a.info.startedAt).slice(0, live.length - this.target);
      for (const worker of extra) this.retire(worker, 'scaled down');
    }
  }

  /** Once the serving generation has settled (no reload booting), park standbys for the next. */
  private refillStandbys(): void {
    if (!this.standbys || this.pendingGeneration || this.servingGeneration === 0) return;
    if (Date.now() - this.settledAt < STANDBY_REFILL_DELAY_MS) return;
    this.standbys.refill();
  }

  private liveOf(generation: number): Worker[] {
    return [...this.workers.values()].filter(
      (worker) => worker.info.generation === generation && worker.info.state !== 'dead' && worker.info.state !== 'stopping' && !worker.retireWhenIdle,
    );
  }

  private spawnWorker(generation: number): void {
    const process = this.options.createWorker?.(generation) ?? this.standbys?.take() ?? new WorkerProcess(this.options.spawn);
    process.generation = generation;
    const jitter = this.options.maxRequestsJitter ? Math.floor(Math.random() * (this.options.maxRequestsJitter + 1)) : 0;
    const worker: Worker = {
      info: {
        id: this.nextWorkerId++,
        pid: process.pid,
        generation,
        state: 'booting',
        startedAt: Date.now(),
        served: 0,
        requestId: null,
        requestStartedAt: null,
      },
      process,
      relay: null,
      pipeline: [],
      maxRequests: this.options.maxRequests ? this.options.maxRequests + jitter : 0,
      retireWhenIdle: false,
      lingering: false,
      awakeUntil: 0,
    };
    this.workers.set(worker.info.id, worker);
    if (process.pid !== 0) this.workersByPid.set(worker.info.pid, worker);
    process.sink = {
      frame: (frame) => {
        const relay = worker.relay;
        if (relay && frame.requestId === relay.id) relay.frame(frame);
      },
      batchEnd: () => worker.relay?.flushHeld(),
    };
    process.on('ready', (ready) => this.onReady(worker, ready));
    process.on('boot-failed', (failure) => {
      this.bootFailure = failure;
      this.emit('boot-failed', { ...worker.info }, failure);
    });
    process.on('console', (line) => this.emit('console', { ...worker.info }, line));
    process.on('exit', (status) => this.onExit(worker, status));
    if (process.pid !== 0) {
      this.emit('worker-spawned', { ...worker.info });
      return;
    }
    // Forked by a zygote: the pid comes with the fork (before 'ready').
    process.once('spawned', (pid) => {
      worker.info.pid = pid;
      this.workersByPid.set(pid, worker);
      this.emit('worker-spawned', { ...worker.info });
    });
  }

  private onReady(worker: Worker, ready: ReadyInfo): void {
    this.backoffMs = 0;
    this.emit('worker-ready', { ...worker.info }, ready);
    const pending = this.pendingGeneration;
    if (pending && worker.info.generation === pending.generation) {
      worker.info.state = 'idle';
      const booted = this.liveOf(pending.generation).filter((w) => w.info.state === 'idle');
      if (booted.length >= this.target) this.promote(pending);
      return;
    }
    this.becomeIdle(worker);
  }

  /** The new generation is ready: it takes all new requests, the old one finishes and leaves. */
  private promote({ generation, startedAt, changedFiles }: { generation: number; startedAt: number; changedFiles: string[] }): void {
    this.pendingGeneration = null;
    this.servingGeneration = generation;
    this.bootFailure = null;
    this.settledAt = Date.now();
    for (const worker of this.workers.values()) {
      if (worker.info.generation !== generation && worker.info.state !== 'dead') this.retire(worker, 'reloaded');
    }
    this.idle.length = 0;
    for (const worker of this.workers.values()) {
      if (worker.info.generation === generation && worker.info.state === 'idle') this.becomeIdle(worker);
    }
    this.emit('reload-finished', { generation, ms: Date.now() - startedAt, changedFiles });
  }

  private onExit(worker: Worker, status: WorkerExit): void {
    const previous = worker.info.state;
    const reason = worker.info.lastExit?.reason ?? (previous === 'stopping' ? 'stopped' : previous === 'booting' ? 'boot failed' : 'crashed');
    const exit = { ...status, reason };
    worker.info.lastExit = exit;
    this.setState(worker, 'dead');
    this.workers.delete(worker.info.id);
    if (this.workersByPid.get(worker.info.pid) === worker) this.workersByPid.delete(worker.info.pid);
    removeFrom(this.idle, worker);
    worker.relay?.lost(reason === 'timeout' ? 'timeout' : 'crash', { exit: status });
    this.setRelay(worker, null);
    // The worker never started these (it runs one request at a time): safe to send elsewhere.
    if (worker.pipeline.length) this.requeue(worker.pipeline.splice(0));
    this.emit('worker-exited', { ...worker.info }, exit);
    if (this.stopping) return;
    if (previous === 'booting') this.onBootExit(worker, status);
    this.tick();
  }

  /**
   * A worker that dies before READY: an app that cannot import. Never respawn in a loop; the
   * first generation halts, a reload is abandoned (the old code keeps serving), a replacement
   * backs off exponentially until the code is fixed.
   */
  private onBootExit(worker: Worker, status: WorkerExit): void {
    if (worker.info.lastExit?.reason === 'superseded') return;
    const appError = status.code === ExitCode.APP_LOAD_ERROR || status.code === ExitCode.WORKER_BOOT_ERROR;
    const reason = this.bootFailure
      ? `${this.bootFailure.type}: ${this.bootFailure.message}`
      : `worker exited with ${status.signal ?? `code ${status.code}`} before it was ready`;
    const pending = this.pendingGeneration;
    if (pending && worker.info.generation === pending.generation) {
      this.killGeneration(pending.generation);
      this.pendingGeneration = null;
      this.settledAt = Date.now();
      if (this.servingGeneration === 0) {
        this.stopping = true;
        if (this.timer) clearInterval(this.timer);
        this.emit('halted', { failure: this.bootFailure, reason });
        return;
      }
      this.emit('reload-failed', { generation: pending.generation, failure: this.bootFailure, reason, changedFiles: pending.changedFiles });
      return;
    }
    if (appError || status.code !== 0) {
      this.backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, this.backoffMs * 2));
      this.nextSpawnAt = Date.now() + this.backoffMs;
    }
  }

  private killGeneration(generation: number, reason = 'reload failed'): void {
    for (const worker of this.workers.values()) {
      if (worker.info.generation === generation) {
        worker.info.lastExit = { code: null, signal: 'SIGKILL', reason };
        worker.process.kill('SIGKILL');
      }
    }
  }

  private assign(worker: Worker, relay: Relay): void {
    this.activate(worker, relay);
    // With a core to spare and nothing queued, this worker will likely wait for the next
    // request once it answers: it lingers (polls) for it instead of sleeping.
    const spare = this.options.busyPoll !== false && this.spareCore();
    const awake = spare && worker.awakeUntil > performance.now(); // no clock read under load
    worker.lingering = spare && this.queue.length === 0;
    relay.assign(worker.process, worker.lingering);
    // Poll for the answer only when the worker is awake, still polling after its last answer.
    // A write that wakes a sleeping worker carries the kernel's "sync" hint, which places the
    // worker on the writer's core on the bet that the writer is about to sleep; a polling
    // master then keeps it from running until the poll ends (at c=1, 1-2% of requests took the
    // whole poll longer). Left to sleep, the master lets it run on that core at once.
    if (awake) pollWhile(this.spareCore, POLL_FOR_ANSWER_MS);
  }

  /** Makes `relay` the request the worker is running (it was just sent, or prefetched earlier). */
  private activate(worker: Worker, relay: Relay): void {
    this.setRelay(worker, relay);
    relay.start();
    worker.info.requestId = relay.id;
    worker.info.requestStartedAt = Date.now();
    this.setState(worker, 'busy');
  }

  /** Called by the gateway when a relay ends, however it ended. */
  relayDone(relay: Relay): void {
    const worker = relay.worker ? this.byPid(relay.worker.pid) : undefined;
    if (!worker || worker.relay !== relay) {
      removeFrom(this.queue, relay);
      return;
    }
    this.setRelay(worker, null);
    // Margin below LINGER_MS: the worker started polling when it sent END, before we read it.
    worker.awakeUntil = worker.lingering ? performance.now() + LINGER_MS * 0.8 : 0;
    worker.lingering = false;
    worker.info.served += 1;
    worker.info.requestId = null;
    worker.info.requestStartedAt = null;
    const next = worker.pipeline.shift();
    if (next) {
      this.activate(worker, next);
      this.topUp(worker);
      return;
    }
    if (worker.info.state === 'stopping') return;
    if (worker.maxRequests && worker.info.served >= worker.maxRequests) {
      this.retire(worker, 'max requests');
      this.tick();
      return;
    }
    if (worker.retireWhenIdle) {
      this.retire(worker, worker.info.lastExit?.reason ?? 'retired');
      return;
    }
    this.becomeIdle(worker);
  }

  /** Refills a busy worker's prefetch from the queue. */
  private topUp(worker: Worker): void {
    while (worker.pipeline.length < PIPELINE_DEPTH && this.queue.length && !this.queue[0].hasBody && !worker.retireWhenIdle && worker.info.state === 'busy') {
      const relay = this.queue.shift()!;
      if (relay.clientGone) {
        relay.cancelQueued();
        continue;
      }
      worker.pipeline.push(relay);
      relay.assign(worker.process);
    }
  }

  private becomeIdle(worker: Worker): void {
    if (worker.info.generation !== this.servingGeneration) {
      this.setState(worker, 'idle');
      return;
    }
    let relay = this.queue.shift();
    while (relay && relay.clientGone) {
      relay.cancelQueued();
      relay = this.queue.shift();
    }
    if (relay) {
      this.assign(worker, relay);
      this.topUp(worker);
      return;
    }
    this.setState(worker, 'idle');
    this.idle.push(worker);
  }

  /** Asks a worker to leave: now if idle, after its request if busy. */
  private retire(worker: Worker, reason: string): void {
    if (worker.relay) {
      worker.retireWhenIdle = true;
      worker.info.lastExit = { code: null, signal: null, reason };
      if (worker.info.generation !== this.servingGeneration) {
        // An old generation's busy worker must not take new work; it ends after its request.
        worker.info.state = 'stopping';
        void worker.process.stop(this.options.gracefulTimeout * 1000);
      }
      return;
    }
    removeFrom(this.idle, worker);
    worker.info.lastExit = { code: null, signal: null, reason };
    this.setState(worker, 'stopping');
    void worker.process.stop(this.options.gracefulTimeout * 1000);
  }

  private setRelay(worker: Worker, relay: Relay | null): void {
    this.running += (relay ? 1 : 0) - (worker.relay ? 1 : 0);
    worker.relay = relay;
  }

  private setState(worker: Worker, state: WorkerState): void {
    if (worker.info.state === state) return;
    worker.info.state = state;
    // Twice per request (busy, idle): copy only for someone listening.
    if (this.listenerCount('worker-state')) this.emit('worker-state', { ...worker.info });
  }

  private byPid(pid: number): Worker | undefined {
    return this.workersByPid.get(pid);
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
}
