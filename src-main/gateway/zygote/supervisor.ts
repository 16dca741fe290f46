/**
 * Preload (`--preload`): a ZygoteSupervisor gives the arbiter workers forked from one zygote
 * per code generation instead of fresh interpreters. A reload of an app with heavy imports costs
 * one import instead of one per worker, and the workers share the imported code copy-on-write.
 *
 *     const zygotes = new ZygoteSupervisor({ python, app, projectDir });
 *     const gateway = createGateway({ ...options, createWorker: zygotes.createWorker, onClose: () => zygotes.close() });
 *     zygotes.attach(gateway.arbiter);
 *
 * - createWorker(generation): starts the generation's zygote if it has none (or if it failed),
 *   and asks it to FORK one worker. Starting one means activating the standby zygote when there
 *   is one: a zygote spawned ahead of time, parked before the app's import, so a reload costs
 *   the import and the forks but not an interpreter start. The standby is replaced a moment
 *   after each reload settles (never while one boots); one that dies is replaced with a back-off.
 * - Forked workers connect back to a Unix socket in a fresh private directory (mode 0700) and
 *   prove which fork they are with HELLO (fork id + a random token), then speak the worker
 *   protocol on that connection.
 * - attach(arbiter): when a newer generation is serving ('reload-finished'), or a reload is
 *   abandoned ('reload-failed'), the zygotes concerned are retired: they fork no more and exit
 *   once their last child has. A zygote's children die with it (PR_SET_PDEATHSIG), the zygotes
 *   die with the master.
 * - close(): ends every zygote (after the gateway stopped the workers).
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FrameDecoder, WorkerFrame, type BootFailure, type Hello, type PythonError } from '../protocol';
import type { WorkerExit, WorkerSpawnOptions } from '../worker-process';
import { readChannel } from '../worker-io';
import type { Arbiter } from '../arbiter';
import { ForkedWorker } from './forked-worker';
import { Zygote, type ZygoteConsoleLine } from './zygote-process';

/** A connection that has not said HELLO by then is not one of our workers. */
const HELLO_TIMEOUT_MS = 10_000;
/** How long close() lets zygotes exit on their own before SIGKILL. */
const CLOSE_GRACE_MS = 5_000;
/** The socket directories: forkwatch-zygotes-<master pid>-XXXXXX in the temp dir. */
const DIR_PREFIX = 'forkwatch-zygotes-';
/** The standby zygote is started this long after a reload settled (as the arbiter's standbys). */
const STANDBY_DELAY_MS = 200;
const STANDBY_BACKOFF_MAX_MS = 10_000;

export interface ZygoteInfo {
  pid: number;
  generation: number;
}

export interface ZygoteSupervisorEvents {
  'zygote-spawned': [ZygoteInfo];
  /** The zygote imported the app in `ms`. */
  'zygote-ready': [ZygoteInfo & { ms: number }];
  'zygote-boot-failed': [ZygoteInfo, BootFailure];
  'zygote-exited': [ZygoteInfo, WorkerExit];
  'fork-failed': [ZygoteInfo, PythonError];
  /** A zygote's own output: import-time prints and warnings (its workers' output goes to each worker). */
  console: [ZygoteInfo, ZygoteConsoleLine];
}

export class ZygoteSupervisor extends EventEmitter<ZygoteSupervisorEvents> {
  /** The current zygote of each generation. */
  private readonly zygotes = new Map<number, Zygote>();
  /** Every zygote not exited yet, current or not. */
  private readonly living = new Set<Zygote>();
  /** Forked workers that have not said HELLO yet, by fork id. */
  private readonly awaitingHello = new Map<number, ForkedWorker>();
  private readonly dir: string;
  readonly socketPath: string;
  private readonly server: net.Server;
  private nextForkId = 1;
  private closed = false;
  /** The parked zygote the next generation takes, if any. */
  private standby: Zygote | null = null;
  private standbyTimer: NodeJS.Timeout | null = null;
  /** A reload is booting: a standby started now would compete with it for the CPU. */
  private reloading = false;
  /** Standbys that died parked since one was last taken: the back-off grows with them. */
  private standbyDeaths = 0;
  private readonly exitHook = () => this.killAllSync();

  constructor(
    private readonly options: WorkerSpawnOptions,
    /** Keep a standby zygote (off: every generation spawns its zygote when it needs it). */
    private readonly useStandby = true,
  ) {
    super();
    sweepStaleDirs();
    this.dir = mkdtempSync(path.join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
    this.socketPath = path.join(this.dir, 'workers.sock');
    this.server = net.createServer((socket) => this.onConnection(socket));
    // Synchronous for a Unix path: the socket exists before any zygote can fork.
    this.server.listen(this.socketPath);
    this.server.unref();
    process.once('exit', this.exitHook);
  }

  /** ArbiterOptions.createWorker (bound). */
  readonly createWorker = (generation: number): ForkedWorker => {
    const zygote = this.closed ? null : this.zygoteFor(generation);
    const worker = new ForkedWorker(this.nextForkId++, randomBytes(16).toString('hex'), generation, zygote ?? deadParent);
    if (!zygote) {
      worker.kill(); // closed: nothing can fork any more
      return worker;
    }
    this.awaitingHello.set(worker.forkId, worker);
    zygote.fork(worker);
    return worker;
  };

  /** Retires zygotes as the arbiter moves to newer generations; parks a standby once it settled. */
  attach(arbiter: Arbiter): void {
    arbiter.on('reload-started', () => {
      this.reloading = true;
      this.cancelStandby();
    });
    arbiter.on('reload-finished', ({ generation }) => {
      this.reloading = false;
      for (const zygote of this.living) if (zygote.state !== 'standby' && zygote.generation < generation) zygote.retire();
      this.scheduleStandby(STANDBY_DELAY_MS);
    });
    arbiter.on('reload-failed', ({ generation }) => {
      this.reloading = false;
      for (const zygote of this.living) if (zygote.state !== 'standby' && zygote.generation === generation) zygote.retire();
      this.scheduleStandby(STANDBY_DELAY_MS);
    });
    // Attached to an arbiter already serving: its first 'reload-finished' has come and gone.
    if (arbiter.generation !== 0) this.scheduleStandby(STANDBY_DELAY_MS);
  }

  /** The zygotes alive now, the standby excepted (tests, the UI). */
  list(): ZygoteInfo[] {
    return [...this.living].filter((zygote) => zygote !== this.standby).map((zygote) => ({ pid: zygote.pid, generation: zygote.generation }));
  }

  /** The standby zygote's pid, if one is parked. */
  standbyPid(): number | null {
    return this.standby?.pid ?? null;
  }

  /**
   * Ends every zygote: they exit once their children are gone (the gateway stops the workers
   * first), or are killed after a grace period. Then the socket and its directory go.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelStandby();
    this.standby = null;
    const zygotes = [...this.living];
    await Promise.all(
      zygotes.map(
        (zygote) =>
          new Promise<void>((resolve) => {
            if (zygote.exitStatus) return resolve();
            zygote.once('exit', () => resolve());
            zygote.retire();
            const timer = setTimeout(() => zygote.kill(), CLOSE_GRACE_MS);
            zygote.once('exit', () => clearTimeout(timer));
          }),
      ),
    );
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
    process.off('exit', this.exitHook);
  }

  private zygoteFor(generation: number): Zygote {
    const current = this.zygotes.get(generation);
    if (current && current.usable) return current;
    const zygote = this.takeStandby(generation) ?? this.spawnZygote(generation, false);
    const info = { pid: zygote.pid, generation };
    this.zygotes.set(generation, zygote);
    this.living.add(zygote);
    zygote.on('ready', ({ ms }) => this.emit('zygote-ready', { ...info, ms }));
    zygote.on('boot-failed', (failure) => this.emit('zygote-boot-failed', info, failure));
    zygote.on('fork-failed', (error) => this.emit('fork-failed', info, error));
    zygote.on('console', (line) => this.emit('console', info, line));
    zygote.once('exit', (status) => {
      this.living.delete(zygote);
      if (this.zygotes.get(generation) === zygote) this.zygotes.delete(generation);
      this.emit('zygote-exited', info, status);
    });
    this.emit('zygote-spawned', info);
    return zygote;
  }

  private spawnZygote(generation: number, standby: boolean): Zygote {
    return new Zygote(generation, { ...this.options, standby }, this.socketPath, (_, worker) => this.awaitingHello.delete(worker.forkId));
  }

  /** The parked standby, now importing `generation`'s app, or null. */
  private takeStandby(generation: number): Zygote | null {
    const standby = this.standby;
    this.standby = null;
    if (!standby || !standby.parked) return null;
    this.standbyDeaths = 0;
    standby.activate(generation);
    // Taken for a replacement zygote, not a reload: nothing else will ask for the next one.
    if (!this.reloading) this.scheduleStandby(STANDBY_DELAY_MS);
    return standby;
  }

  private scheduleStandby(delayMs: number): void {
    this.cancelStandby();
    if (!this.useStandby || this.closed || this.standby) return;
    this.standbyTimer = setTimeout(() => this.parkStandby(), delayMs);
    this.standbyTimer.unref();
  }

  private cancelStandby(): void {
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = null;
  }

  private parkStandby(): void {
    this.standbyTimer = null;
    if (this.closed || this.standby) return;
    const zygote = this.spawnZygote(0, true);
    this.standby = zygote;
    this.living.add(zygote);
    zygote.once('exit', () => {
      this.living.delete(zygote);
      if (this.standby !== zygote) return; // taken: the generation's own listeners report it
      this.standby = null;
      this.standbyDeaths += 1;
      this.scheduleStandby(Math.min(STANDBY_BACKOFF_MAX_MS, STANDBY_DELAY_MS * 2 ** this.standbyDeaths));
    });
  }

  /** A forked worker connecting: its first frame must be HELLO with its fork's token. */
  private onConnection(socket: Socket): void {
    let worker: ForkedWorker | null = null;
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    const decoder = new FrameDecoder(
      (frame) => {
        if (worker) return worker.onFrame(frame);
        if (socket.destroyed) return;
        clearTimeout(timer);
        const hello = frame.type === WorkerFrame.HELLO ? parseHello(frame.payload) : null;
        const candidate = this.awaitingHello.get(frame.requestId);
        if (!hello || !candidate || hello.token !== candidate.token || !candidate.wanted) {
          socket.destroy();
          return;
        }
        this.awaitingHello.delete(frame.requestId);
        worker = candidate;
        worker.connected(socket, hello.pid);
      },
      () => worker?.batchEnd(),
      WorkerFrame.BODY,
    );
    // The same 1 MiB, reused reads as a spawned worker's channel (worker-io.ts).
    readChannel(socket, (chunk) => decoder.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => clearTimeout(timer));
  }

  /** process 'exit': no zygote (nor, through them, any worker) outlives us, even without close(). */
  private killAllSync(): void {
    for (const zygote of this.living) zygote.kill();
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

/**
 * A master killed by SIGKILL cannot remove its socket directory: the next supervisor removes
 * the directories of masters that no longer run (a reused pid only delays that).
 */
function sweepStaleDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(DIR_PREFIX) ? /^(\d+)-/.exec(name.slice(DIR_PREFIX.length)) : null;
    if (!match || Number(match[1]) === process.pid || isRunning(Number(match[1]))) continue;
    try {
      rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // someone else's, or gone already
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent of workers created after close(). */
const deadParent = { pid: 0, released: () => {} };

function parseHello(payload: Buffer): Hello | null {
  try {
    const hello = JSON.parse(payload.toString('utf8')) as Hello;
    return typeof hello.pid === 'number' && typeof hello.token === 'string' ? hello : null;
  } catch {
    return null;
  }
}
