/**
 * One Python worker process, seen from the master: spawn, the framed channel on fd 3, console
 * output on fds 1/2, stack dumps on fd 4, and termination that escalates on a deadline.
 *
 * It knows nothing of HTTP or scheduling: it turns the child into typed events and frames.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Readable, Duplex } from 'node:stream';
import { collectStackDump, exitWithin, forwardLines, onExitAfterDrain, readChannel, routeWorkerFrame } from './worker-io';
import {
  FrameDecoder,
  WorkerFrame,
  MasterFrame,
  encodeFrame,
  type BootFailure,
  type Frame,
  type ReadyInfo,
} from './protocol';

/**
 * The worker's entry script. In a packaged app the bundle lives inside app.asar, which Python
 * cannot read: the worker is shipped unpacked beside it (electron-builder.yml asarUnpack).
 */
export const WORKER_ENTRY = fileURLToPath(
  new URL('../../resources/python/forkwatch_worker/__main__.py', import.meta.url),
).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');

export interface WorkerSpawnOptions {
  python: string;
  app: string;
  projectDir: string;
  env?: NodeJS.ProcessEnv;
  /** Path of the worker's entry script; tests may point elsewhere. */
  entry?: string;
  /**
   * Start as a standby: boot the interpreter and the worker, then wait for `go()` before
   * importing the app (standby-pool.ts).
   */
  standby?: boolean;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcessEvents {
  /**
   * The pid is known, for handles created with pid 0 (a worker forked by a zygote learns its
   * pid once the fork happened). Always before 'ready', 'boot-failed' and 'exit'.
   */
  spawned: [number];
  ready: [ReadyInfo];
  'boot-failed': [BootFailure];
  /** A console line: fds 1/2 written outside Python's sys.stdout (C code, subprocesses), or LOG frames with id 0. */
  console: [{ stream: 'stdout' | 'stderr'; text: string }];
  exit: [WorkerExit];
}

/** Receives the frames about requests (START, BODY, END, CONTINUE, LOG): the hot path, so no emitter. */
export interface FrameSink {
  frame(frame: Frame): void;
  /** After the frames of one read from the channel. */
  batchEnd(): void;
}

/**
 * What the arbiter and relays need of a worker, however it was started: spawned by the master
 * (WorkerProcess) or forked by a preloaded zygote. Emits the WorkerProcessEvents.
 */
export interface WorkerHandle extends EventEmitter<WorkerProcessEvents> {
  /** 0 until 'spawned' when the process does not exist yet at creation (forked by a zygote). */
  readonly pid: number;
  generation: number;
  sink: FrameSink | null;
  readonly alive: boolean;
  send(type: number, requestId: number, payload?: Uint8Array): boolean;
  sendRaw(frame: Buffer): boolean;
  onceDrained(callback: () => void): void;
  pauseOutput(): void;
  resumeOutput(): void;
  dumpStack(waitMs?: number): Promise<string>;
  stop(graceMs: number): Promise<WorkerExit>;
  kill(signal?: NodeJS.Signals): void;
  waitForExit(): Promise<WorkerExit>;
}

export class WorkerProcess extends EventEmitter<WorkerProcessEvents> implements WorkerHandle {
  /** Set by the owner before the first request. */
  sink: FrameSink | null = null;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The code generation (reload count) this worker runs; set by the arbiter. */
  generation = 0;
  private readonly channel: Duplex;
  private readonly stackPipe: Readable;
  private exited: WorkerExit | null = null;
  private readonly exitPromise: Promise<WorkerExit>;

  constructor(options: WorkerSpawnOptions) {
    super();
    this.child = spawn(
      options.python,
      [options.entry ?? WORKER_ENTRY, '--app', options.app, '--dir', options.projectDir, ...(options.standby ? ['--standby'] : [])],
      {
        cwd: options.projectDir,
        env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      },
    );
    this.pid = this.child.pid ?? -1;
    this.channel = this.child.stdio[3] as Duplex;
    this.stackPipe = this.child.stdio[4] as Readable;

    const decoder = new FrameDecoder(
      (frame) => this.onFrame(frame),
      () => this.sink?.batchEnd(),
      WorkerFrame.BODY,
    );
    readChannel(this.channel, (chunk) => decoder.push(chunk));
    // EPIPE/ECONNRESET when the worker dies mid-write: the exit event tells the story.
    this.channel.on('error', () => {});
    forwardLines(this.child.stdout!, (text) => this.emit('console', { stream: 'stdout', text }));
    forwardLines(this.child.stderr!, (text) => this.emit('console', { stream: 'stderr', text }));

    this.exitPromise = new Promise((resolve) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exited) return;
        this.exited = { code, signal };
        this.emit('exit', this.exited);
        resolve(this.exited);
      };
      onExitAfterDrain(this.child, this.channel, onExit);
    });
  }

  get alive(): boolean {
    return this.exited === null;
  }

  get exitStatus(): WorkerExit | null {
    return this.exited;
  }

  /** A standby: import the app now, then READY (or BOOT_FAILED) as a fresh worker would. */
  go(): void {
    this.send(MasterFrame.GO, 0);
  }

  /** Sends one frame; false means the channel is full: wait for `onceDrained`. */
  send(type: number, requestId: number, payload?: Uint8Array): boolean {
    if (this.exited || this.channel.destroyed) return true;
    return this.channel.write(encodeFrame(type, requestId, payload));
  }

  /** Sends an already encoded frame (header + payload written together). */
  sendRaw(frame: Buffer): boolean {
    if (this.exited || this.channel.destroyed) return true;
    return this.channel.write(frame);
  }

  onceDrained(callback: () => void): void {
    this.channel.once('drain', callback);
  }

  /** Stops reading the worker's frames, so a slow client slows the worker, not our memory. */
  pauseOutput(): void {
    this.channel.pause();
  }

  resumeOutput(): void {
    this.channel.resume();
  }

  /**
   * Asks faulthandler for every thread's Python stack (SIGUSR1), even while the worker is busy
   * in a loop or a blocking call, and resolves with the text, or '' if none came within `waitMs`.
   */
  dumpStack(waitMs = 1000): Promise<string> {
    if (this.exited) return Promise.resolve('');
    return collectStackDump(
      (onData) => {
        this.stackPipe.on('data', onData);
        return () => this.stackPipe.off('data', onData);
      },
      () => {
        try {
          return this.child.kill('SIGUSR1');
        } catch {
          return false;
        }
      },
      waitMs,
    );
  }

  /**
   * Asks the worker to finish what it was sent and exit; SIGKILL if it has not after `graceMs`.
   * In band, not SIGTERM: a signal overtakes a REQUEST still in the socket, and a worker that
   * believes itself idle would exit without it. SHUTDOWN comes after everything already sent.
   */
  async stop(graceMs: number): Promise<WorkerExit> {
    if (this.exited) return this.exited;
    this.send(MasterFrame.SHUTDOWN, 0);
    return exitWithin(this.exitPromise, graceMs, () => this.kill());
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited) this.child.kill(signal);
  }

  waitForExit(): Promise<WorkerExit> {
    return this.exitPromise;
  }

  private onFrame(frame: Frame): void {
    routeWorkerFrame(this, this.sink, frame);
  }
}
