/**
 * Pieces every kind of worker handle shares (spawned by the master or forked by a zygote):
 * console lines, the routing of boot frames, and collecting a faulthandler stack dump.
 */
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { WorkerFrame, type BootFailure, type Frame, type ReadyInfo } from './protocol';
import type { FrameSink, WorkerProcessEvents } from './worker-process';

/** How long a dead child's channel may take to hand over its last frames. */
export const CHANNEL_DRAIN_MS = 1000;

/**
 * Calls `onExit` once the child has exited AND its channel is drained: SIGCHLD can overtake the
 * last frames still unread on the channel (an END, a BOOT_FAILED), and a request whose END is
 * only late must not look lost. A spawn failure (python not found) has no 'exit': it reports 127.
 */
export function onExitAfterDrain(child: ChildProcess, channel: Duplex, onExit: (code: number | null, signal: NodeJS.Signals | null) => void): void {
  let done = false;
  const report = (code: number | null, signal: NodeJS.Signals | null) => {
    if (done) return;
    done = true;
    onExit(code, signal);
  };
  child.once('exit', (code, signal) => {
    if (channel.closed || channel.destroyed) return report(code, signal);
    const timer = setTimeout(() => report(code, signal), CHANNEL_DRAIN_MS);
    channel.once('close', () => {
      clearTimeout(timer);
      report(code, signal);
    });
    channel.resume();
  });
  child.once('error', () => report(127, null));
}

/**
 * Size of the buffers a worker's channel is read into. Node reads a socket 64 KiB at a time, and
 * each read takes a trip through the stream machinery and becomes one write to the client: a
 * 10 MiB body cost 160 of each. The worker's send buffer holds about 2 MiB (channel.py). On the
 * bench VM, 10 MiB downloads cost the master 7.8 ms each with 64 KiB reads, 5.5 with 256 KiB,
 * 4.6 with 512 KiB, 4.4-4.5 with 1 MiB.
 */
export const CHANNEL_READ_SIZE = 1024 * 1024;
/**
 * A read up to this size is copied out and its buffer read into again (a small frame does not
 * pin a megabyte); a larger one is handed on with its buffer, and the next read goes into a spare
 * one. So a chunk never holds more than 4x its size, and a big body is never copied. A handed-on
 * buffer becomes a spare again once every view of it is written (holdChunk): reading into the
 * same few buffers, warm in the cache, took 10 MiB downloads from about 6 to 4-4.3 ms of master
 * CPU each, against a new buffer per read.
 */
export const CHANNEL_COPY_LIMIT = CHANNEL_READ_SIZE / 4;

/** Read buffers kept per channel for reuse once nothing holds a view of them any more. */
const SPARE_BUFFERS = 2;

/** A big read's buffer: views of it are out until every hold is released. */
interface Lease {
  holds: number;
  free: () => void;
}
const leases = new WeakMap<ArrayBufferLike, Lease>();
const noop = () => {};

/**
 * Keeps a chunk from readChannel (or a view of one) valid past the callback it came in: its
 * buffer is not read into again until the returned function has been called. For anything else,
 * a no-op.
 */
export function holdChunk(chunk: Buffer): () => void {
  const lease = leases.get(chunk.buffer);
  if (!lease) return noop;
  lease.holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--lease.holds === 0) lease.free();
  };
}

/**
 * Calls `onChunk` with each piece of data read from a worker's channel, in order. A chunk is
 * valid during the call only: whoever keeps it (or a view of it) longer copies it or holds it
 * (holdChunk).
 */
export function readChannel(channel: Duplex, onChunk: (chunk: Buffer) => void, readSize = CHANNEL_READ_SIZE): void {
  const copyLimit = readSize * (CHANNEL_COPY_LIMIT / CHANNEL_READ_SIZE);
  const slots = onreadSlots();
  const handle = (channel as unknown as { _handle?: { useUserBuffer?: (buffer: Buffer) => void } })._handle;
  if (!slots || !(channel instanceof Socket) || typeof handle?.useUserBuffer !== 'function') {
    channel.on('data', onChunk);
    return;
  }
  const spare: Buffer[] = [];
  let buffer: Buffer = Buffer.allocUnsafe(readSize);
  const target = channel as unknown as Record<symbol, unknown>;
  target[slots.buffer] = buffer;
  target[slots.generate] = () => buffer;
  target[slots.callback] = (length: number) => {
    if (length <= copyLimit) {
      const chunk = Buffer.allocUnsafe(length);
      buffer.copy(chunk, 0, 0, length);
      onChunk(chunk);
      return;
    }
    // Handed on as is; read into again (warm in the cache) once every view has been written.
    const full = buffer;
    const lease: Lease = { holds: 1, free: () => void (spare.length < SPARE_BUFFERS && spare.push(full)) };
    leases.set(full.buffer, lease);
    buffer = spare.pop() ?? Buffer.allocUnsafe(readSize);
    try {
      onChunk(full.subarray(0, length));
    } finally {
      if (--lease.holds === 0) lease.free();
    }
  };
  handle.useUserBuffer(buffer);
  channel.resume();
}

interface OnreadSlots {
  buffer: symbol;
  callback: symbol;
  generate: symbol;
}

let onread: OnreadSlots | null | undefined;

/**
 * net.Socket's `onread` option (read into buffers we supply, documented since Node 12) is taken
 * only by the constructor, and child_process builds the channel's socket. The constructor keeps
 * it in three symbol-keyed slots, which pause() and resume() also consult; they are found by name
 * on a socket made with the option. Null if this Node has no such slots (then: 'data' events).
 */
function onreadSlots(): OnreadSlots | null {
  if (onread !== undefined) return onread;
  // @types/node lists `onread` only among connect()'s options; the constructor takes it too.
  const options = { onread: { buffer: () => Buffer.alloc(1), callback: () => true } };
  const probe = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  const named = (name: string) => Object.getOwnPropertySymbols(probe).find((key) => key.description === name);
  const buffer = named('kBuffer');
  const callback = named('kBufferCb');
  const generate = named('kBufferGen');
  probe.destroy();
  onread = buffer && callback && generate ? { buffer, callback, generate } : null;
  return onread;
}

/** Waits for `exited`, calling `onDeadline` (a SIGKILL) if it takes longer than `ms`. */
export async function exitWithin<T>(exited: Promise<T>, ms: number, onDeadline: () => void): Promise<T> {
  const timer = setTimeout(onDeadline, ms);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** How long a stack dump may go quiet before it is considered complete. */
export const STACK_DUMP_QUIET_MS = 30;

/** Splits a byte stream into lines (the last partial line is flushed at end of stream). */
export function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
  });
}

/** READY and BOOT_FAILED become events; every other frame is about a request: to the sink. */
export function routeWorkerFrame(emitter: EventEmitter<WorkerProcessEvents>, sink: FrameSink | null, frame: Frame): void {
  switch (frame.type) {
    case WorkerFrame.READY:
      emitter.emit('ready', JSON.parse(frame.payload.toString('utf8')) as ReadyInfo);
      return;
    case WorkerFrame.BOOT_FAILED:
      emitter.emit('boot-failed', JSON.parse(frame.payload.toString('utf8')) as BootFailure);
      return;
    default:
      sink?.frame(frame);
  }
}

/**
 * Collects what faulthandler writes after `trigger()` (which sends SIGUSR1 and says whether it
 * could): the dump is complete once the pipe has been quiet for a moment, or at `waitMs`.
 */
export function collectStackDump(
  listen: (onData: (chunk: Buffer) => void) => () => void,
  trigger: () => boolean,
  waitMs: number,
): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let quietTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(quietTimer);
      clearTimeout(deadline);
      unlisten();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const unlisten = listen((chunk) => {
      chunks.push(chunk);
      clearTimeout(quietTimer);
      quietTimer = setTimeout(finish, STACK_DUMP_QUIET_MS);
    });
    const deadline = setTimeout(finish, waitMs);
    if (!trigger()) finish();
  });
}
