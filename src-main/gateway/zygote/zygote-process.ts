/**
 * One zygote: a Python process that imports the app of one code generation once and forks that
 * generation's workers on request (resources/python/forkwatch_worker/zygote.py).
 *
 * Spawned like a WorkerProcess (fd 3 channel, fds 1/2 console, fd 4 stack pipe) with
 * `--zygote SOCKET_PATH`. A standby zygote (`--standby` too) is started before its generation
 * exists and waits for `activate(generation)` (GO) to import the app. It turns the zygote's frames into calls on its ForkedWorkers: FORKED,
 * CHILD_OUTPUT, CHILD_EXIT; and when it ends, settles every worker it still owed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Duplex, Readable } from 'node:stream';
import {
  FrameDecoder,
  MasterFrame,
  WorkerFrame,
  ZygoteFrame,
  encodeFrame,
  ExitCode,
  type BootFailure,
  type ChildExit,
  type Frame,
  type LogRecord,
  type PythonError,
} from '../protocol';
import { WORKER_ENTRY, type WorkerExit, type WorkerSpawnOptions } from '../worker-process';
import type { ForkParent, ForkedWorker } from './forked-worker';
import { forwardLines, onExitAfterDrain } from '../worker-io';


export type ZygoteState = 'standby' | 'booting' | 'ready' | 'failed' | 'exited';

export interface ZygoteConsoleLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ZygoteEvents {
  /** The app is imported: forks start. */
  ready: [{ ms: number }];
  'boot-failed': [BootFailure];
  /** The zygote's own output (import-time prints, C-level output, its warnings). */
  console: [ZygoteConsoleLine];
  /** fork() failed in the zygote for one worker. */
  'fork-failed': [PythonError];
  exit: [WorkerExit];
}

export class Zygote extends EventEmitter<ZygoteEvents> implements ForkParent {
  readonly child: ChildProcess;
  readonly pid: number;
  state: ZygoteState;
  /** Told to fork no more and to exit once its children are gone. */
  retired = false;
  bootFailure: BootFailure | null = null;
  exitStatus: WorkerExit | null = null;
  /** When it started importing the app (spawn, or GO for a standby). */
  private startedAt = performance.now();
  private readonly channel: Duplex;
  /** Workers asked of this zygote and not exited yet, by fork id, in request order. */
  private readonly workers = new Map<number, ForkedWorker>();
  private readonly byPid = new Map<number, ForkedWorker>();

  /** `generation` 0 with `options.standby`: parked until activate(). */
  constructor(
    public generation: number,
    options: WorkerSpawnOptions,
    socketPath: string,
    private readonly onReleased: (zygote: Zygote, worker: ForkedWorker) => void,
  ) {
    super();
    this.state = options.standby ? 'standby' : 'booting';
    this.child = spawn(
      options.python,
      [
        options.entry ?? WORKER_ENTRY, '--app', options.app, '--dir', options.projectDir, '--zygote', socketPath,
        ...(options.standby ? ['--standby'] : []),
      ],
      {
        cwd: options.projectDir,
        env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      },
    );
    this.pid = this.child.pid ?? -1;
    this.channel = this.child.stdio[3] as Duplex;
    const decoder = new FrameDecoder((frame) => this.onFrame(frame));
    this.channel.on('data', (chunk: Buffer) => decoder.push(chunk));
    this.channel.on('error', () => {});
    forwardLines(this.child.stdout!, (text) => this.emit('console', { stream: 'stdout', text }));
    forwardLines(this.child.stderr!, (text) => this.emit('console', { stream: 'stderr', text }));
    // Nobody asks the zygote itself for a stack dump; keep its fd 4 from filling up anyway.
    (this.child.stdio[4] as Readable).resume();

    // Frames still unread on the channel (BOOT_FAILED, the last CHILD_EXITs) come first.
    onExitAfterDrain(this.child, this.channel, (code, signal) => this.ended({ code, signal }));
  }

  /** A standby zygote becomes `generation`'s: it imports the app now (GO), then forks. */
  activate(generation: number): void {
    this.generation = generation;
    this.state = 'booting';
    this.startedAt = performance.now();
    this.send(MasterFrame.GO, 0);
  }

  /** A standby that has not exited: activate() would give a zygote. */
  get parked(): boolean {
    return this.state === 'standby' && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Workers this zygote still owes an exit to. */
  get workerCount(): number {
    return this.workers.size;
  }

  /** Can take FORK requests. */
  get usable(): boolean {
    return (this.state === 'booting' || this.state === 'ready') && !this.retired;
  }

  /** Asks for one worker; FORK waits in the channel while the zygote is still importing. */
  fork(worker: ForkedWorker): void {
    this.workers.set(worker.forkId, worker);
    this.send(MasterFrame.FORK, worker.forkId, Buffer.from(worker.token, 'ascii'));
  }

  /** No more forks; the zygote exits once its last child is gone. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.send(MasterFrame.SHUTDOWN, 0);
    this.dropIfUseless();
  }

  kill(): void {
    if (!this.exitStatus) this.child.kill('SIGKILL');
  }

  /** ForkParent: a worker has exited. */
  released(worker: ForkedWorker): void {
    if (this.workers.get(worker.forkId) === worker) this.workers.delete(worker.forkId);
    if (worker.pid && this.byPid.get(worker.pid) === worker) this.byPid.delete(worker.pid);
    this.onReleased(this, worker);
    this.dropIfUseless();
  }

  /** A zygote still importing for workers nobody wants any more (superseded, stopped) is killed. */
  private dropIfUseless(): void {
    if (this.state !== 'booting' || this.exitStatus) return;
    for (const worker of this.workers.values()) if (worker.wanted) return;
    if (this.workers.size === 0 || this.retired) this.kill();
  }

  private send(type: number, requestId: number, payload?: Uint8Array): void {
    if (this.exitStatus || this.channel.destroyed) return;
    this.channel.write(encodeFrame(type, requestId, payload));
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case ZygoteFrame.CHILD_OUTPUT: {
        const worker = this.byPid.get(frame.requestId);
        if (worker && frame.payload.length > 1) worker.output(frame.payload[0], frame.payload.subarray(1));
        return;
      }
      case ZygoteFrame.FORKED: {
        const { pid } = json<{ pid: number }>(frame);
        const worker = this.workers.get(frame.requestId);
        if (worker && worker.forked(pid)) {
          this.byPid.set(pid, worker);
          return;
        }
        // Given up while the fork was on its way: not wanted.
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        return;
      }
      case ZygoteFrame.CHILD_EXIT: {
        const exit = json<ChildExit>(frame);
        const worker = this.byPid.get(exit.pid);
        if (worker) worker.childExited({ code: exit.code, signal: exit.signal as NodeJS.Signals | null });
        return;
      }
      case ZygoteFrame.FORK_FAILED: {
        const error = json<PythonError>(frame);
        this.emit('fork-failed', error);
        this.workers.get(frame.requestId)?.neverForked(null, { code: ExitCode.WORKER_BOOT_ERROR, signal: null }, () => {});
        return;
      }
      case WorkerFrame.READY:
        this.state = 'ready';
        this.emit('ready', { ms: Math.round(performance.now() - this.startedAt) });
        return;
      case WorkerFrame.BOOT_FAILED:
        this.state = 'failed';
        this.bootFailure = json<BootFailure>(frame);
        this.emit('boot-failed', this.bootFailure);
        return;
      case WorkerFrame.LOG: {
        const record = json<LogRecord>(frame);
        this.emit('console', { stream: record.stream === 'stdout' ? 'stdout' : 'stderr', text: record.text });
        return;
      }
      default:
      // Nothing else is meant for the master.
    }
  }

  /** The zygote process is gone: settle every worker it still owed. */
  private ended(status: WorkerExit): void {
    this.state = 'exited';
    this.exitStatus = status;
    const unforked: ForkedWorker[] = [];
    for (const worker of this.workers.values()) {
      if (worker.pid !== 0 && this.byPid.get(worker.pid) === worker) worker.parentGone();
      else unforked.push(worker);
    }
    // Workers never forked end as a spawned worker whose import ended this way would have: one
    // at a time, so the arbiter reacts to the first (halts, abandons the reload, or kills the
    // rest of the generation) before the next one reports.
    const failure = this.bootFailure;
    const next = (): void => {
      const worker = unforked.shift();
      if (worker) worker.neverForked(failure, status, next);
      else this.emit('exit', status);
    };
    next();
  }
}

function json<T>(frame: Frame): T {
  return JSON.parse(frame.payload.toString('utf8')) as T;
}
