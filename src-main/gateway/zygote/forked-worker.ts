/**
 * A worker forked by a zygote, seen from the master: the same WorkerHandle as a spawned
 * WorkerProcess, built from other parts.
 *
 * - pid: 0 until the zygote reports the fork (FORKED) or the child says HELLO, then 'spawned'.
 * - channel: the child's connection to the master's Unix socket (attached after HELLO).
 * - console and stack dumps: the child's own fds 1, 2 and 4, relayed by the zygote (CHILD_OUTPUT).
 * - exit: CHILD_EXIT from the zygote (it is the parent), reported once the channel drained.
 *
 * A worker the zygote never forked (its import failed, it crashed, or the arbiter gave the
 * worker up first) takes the zygote's pid and ends the way a spawned worker would have:
 * 'boot-failed' then 'exit' with the zygote's status (4 after BOOT_FAILED).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { MasterFrame, encodeFrame, type BootFailure, type Frame } from '../protocol';
import type { FrameSink, WorkerExit, WorkerHandle, WorkerProcessEvents } from '../worker-process';
import { CHANNEL_DRAIN_MS, collectStackDump, exitWithin, routeWorkerFrame } from '../worker-io';


/** What a forked worker needs of the zygote that forks it. */
export interface ForkParent {
  /** The zygote's pid: stands for a worker that was never forked. */
  readonly pid: number;
  /** The worker has exited: forget it. */
  released(worker: ForkedWorker): void;
}

export class ForkedWorker extends EventEmitter<WorkerProcessEvents> implements WorkerHandle {
  sink: FrameSink | null = null;
  generation: number;
  /** The pid reported to the arbiter: the child's, or the zygote's for a worker never forked. */
  private currentPid = 0;
  /** The child's pid, once forked; never signalled after it was reaped (the pid may be reused). */
  private childPid = 0;
  private reaped = false;
  private socket: Socket | null = null;
  private socketClosed = false;
  private paused = false;
  private stopRequested = false;
  /** kill()/stop() before the fork: the child is not wanted any more (the zygote kills it if it comes). */
  private cancelled = false;
  /** The exit is decided (waiting for the channel to drain). */
  private ending = false;
  private exited: WorkerExit | null = null;
  private resolveExit!: (status: WorkerExit) => void;
  private readonly exitPromise = new Promise<WorkerExit>((resolve) => (this.resolveExit = resolve));
  private readonly stdout = new LineSplitter((text) => this.emit('console', { stream: 'stdout', text }));
  private readonly stderr = new LineSplitter((text) => this.emit('console', { stream: 'stderr', text }));
  private readonly stackListeners = new Set<(chunk: Buffer) => void>();

  constructor(
    readonly forkId: number,
    readonly token: string,
    generation: number,
    private readonly parent: ForkParent,
  ) {
    super();
    this.generation = generation;
  }

  get pid(): number {
    return this.currentPid;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** Still wanted: not exited, not given up, not ending. */
  get wanted(): boolean {
    return this.exited === null && !this.cancelled && !this.ending;
  }

  get exitStatus(): WorkerExit | null {
    return this.exited;
  }

  // -- what the zygote and the socket server report ---------------------------------------

  /** FORKED (or HELLO, whichever came first): the child exists. False: not wanted any more. */
  forked(pid: number): boolean {
    if (!this.wanted) return false;
    if (this.childPid !== 0) return true;
    this.childPid = pid;
    this.announce(pid);
    return true;
  }

  private announce(pid: number): void {
    if (this.currentPid !== 0) return;
    this.currentPid = pid;
    this.emit('spawned', pid);
  }

  /** The child connected and proved it is this fork (HELLO); its frames come next. */
  connected(socket: Socket, pid: number): void {
    this.forked(pid);
    this.socket = socket;
    socket.on('error', () => {}); // EPIPE/ECONNRESET when the child dies: its exit tells the story
    socket.once('close', () => (this.socketClosed = true));
    if (this.paused) socket.pause();
    if (this.stopRequested) this.send(MasterFrame.SHUTDOWN, 0);
  }

  onFrame(frame: Frame): void {
    routeWorkerFrame(this, this.sink, frame);
  }

  batchEnd(): void {
    this.sink?.batchEnd();
  }

  /** CHILD_OUTPUT: what the child wrote on its fd 1, 2 or 4. */
  output(fd: number, data: Buffer): void {
    if (fd === 1) this.stdout.push(data);
    else if (fd === 2) this.stderr.push(data);
    else if (fd === 4) for (const listener of this.stackListeners) listener(data);
  }

  /** CHILD_EXIT: the zygote reaped the child. Reported once the channel has drained. */
  childExited(status: WorkerExit): void {
    if (this.ending || this.exited) return;
    this.ending = true;
    this.reaped = true;
    const socket = this.socket;
    if (!socket || this.socketClosed || socket.destroyed) return this.finish(status);
    const timer = setTimeout(() => this.finish(status), CHANNEL_DRAIN_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      this.finish(status);
    });
    socket.resume();
  }

  /**
   * The zygote is gone without reporting this child: the child dies with it (its parent-death
   * signal is SIGKILL); make sure, then report it so once the channel has closed.
   */
  parentGone(): void {
    if (this.ending || this.exited) return;
    if (this.socket && !this.socketClosed) this.signal('SIGKILL');
    this.childExited({ code: null, signal: 'SIGKILL' });
  }

  /**
   * The zygote ended before forking this worker: stand in for a worker whose boot ended the
   * same way (the zygote's pid, its BootFailure, its exit status). `then` runs after 'exit'.
   */
  neverForked(failure: BootFailure | null, status: WorkerExit, then: () => void): void {
    if (!this.wanted) return then();
    this.ending = true;
    this.announce(this.parent.pid);
    if (failure) this.emit('boot-failed', failure);
    setImmediate(() => {
      this.finish(status);
      then();
    });
  }

  /** Ends the handle of a worker that was never forked (asynchronously, like a real exit). */
  private cancel(status: WorkerExit): void {
    if (this.ending || this.exited) return;
    this.cancelled = true;
    this.ending = true;
    this.announce(this.parent.pid);
    setImmediate(() => this.finish(status));
  }

  private finish(status: WorkerExit): void {
    if (this.exited) return;
    this.exited = status;
    this.stdout.end();
    this.stderr.end();
    this.emit('exit', status);
    this.resolveExit(status);
    this.parent.released(this);
  }

  // -- WorkerHandle -------------------------------------------------------------------------

  send(type: number, requestId: number, payload?: Uint8Array): boolean {
    const socket = this.socket;
    if (this.exited || !socket || socket.destroyed) return true;
    return socket.write(encodeFrame(type, requestId, payload));
  }

  sendRaw(frame: Buffer): boolean {
    const socket = this.socket;
    if (this.exited || !socket || socket.destroyed) return true;
    return socket.write(frame);
  }

  onceDrained(callback: () => void): void {
    if (this.socket) this.socket.once('drain', callback);
    else queueMicrotask(callback);
  }

  pauseOutput(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resumeOutput(): void {
    this.paused = false;
    this.socket?.resume();
  }

  /** SIGUSR1 to the child; faulthandler writes to its fd 4, which the zygote relays. */
  dumpStack(waitMs = 1000): Promise<string> {
    if (this.exited || this.childPid === 0 || this.reaped) return Promise.resolve('');
    return collectStackDump(
      (onData) => {
        this.stackListeners.add(onData);
        return () => this.stackListeners.delete(onData);
      },
      () => this.signal('SIGUSR1'),
      waitMs,
    );
  }

  /**
   * SHUTDOWN in band (as WorkerProcess: a signal could overtake a REQUEST still in the socket),
   * sent as soon as the child is connected; SIGKILL after `graceMs`. A worker not forked yet is
   * simply not forked.
   */
  async stop(graceMs: number): Promise<WorkerExit> {
    if (this.exited) return this.exited;
    if (this.childPid === 0) {
      this.cancel({ code: 0, signal: null });
      return this.exitPromise;
    }
    this.stopRequested = true;
    this.send(MasterFrame.SHUTDOWN, 0);
    return exitWithin(this.exitPromise, graceMs, () => this.kill());
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exited) return;
    if (this.childPid === 0) this.cancel({ code: null, signal });
    else this.signal(signal);
  }

  waitForExit(): Promise<WorkerExit> {
    return this.exitPromise;
  }

  /** Signals the child, if it exists and has not been reaped (then its pid may be reused). */
  private signal(signal: NodeJS.Signals): boolean {
    if (this.childPid === 0 || this.reaped || this.exited) return false;
    try {
      process.kill(this.childPid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Splits relayed bytes into lines (UTF-8 safe across chunks), like WorkerProcess's console. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.onLine(rest);
  }
}
