/**
 * Relays one HTTP request through one worker: request body to the channel, START/BODY/END back
 * to the client, with backpressure both ways so neither a 1 GB upload nor a 1 GB download is
 * held in the master's memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  MasterFrame,
  RequestFlags,
  WorkerFrame,
  decodeEnd,
  decodeStart,
  encodeFrameHeader,
  encodeRequest,
  type Frame,
  type LogRecord,
  type RequestEnd,
} from './protocol';
import type { WorkerHandle } from './worker-process';
import { holdChunk } from './worker-io';

/** Why a request ended without a normal END from its worker. */
export type LostReason = 'timeout' | 'crash' | 'stopped';

export interface LostDetail {
  /** How the worker exited, for a crash. */
  exit?: { code: number | null; signal: string | null };
  /** The worker's Python stack when it was killed, for a timeout. */
  stack?: string;
}

export interface RelaySummary extends LostDetail {
  id: number;
  status: number;
  bytesSent: number;
  outcome: RequestEnd['outcome'] | 'timeout' | 'crash' | 'client-gone' | 'stopped' | 'rejected';
  end?: RequestEnd;
  workerPid: number;
}

/** Hooks for whoever records exchanges; every member is optional and off the hot path when unset. */
export interface RelayObserver {
  accepted?(relay: Relay): void;
  dispatched?(relay: Relay, worker: WorkerHandle): void;
  requestBody?(relay: Relay, chunk: Buffer): void;
  start?(relay: Relay, status: string, headers: string[]): void;
  /** `chunk` is valid during the call only (its buffer is read into again): copy what you keep. */
  responseBody?(relay: Relay, chunk: Buffer): void;
  log?(relay: Relay, record: LogRecord): void;
  finished?(relay: Relay, summary: RelaySummary): void;
}

const STATUS_TEXT: Record<LostReason, [number, string]> = {
  timeout: [504, 'Gateway Timeout'],
  crash: [502, 'Bad Gateway'],
  stopped: [503, 'Service Unavailable'],
};

/** Bytes of response queued in the master (not yet taken by the client's socket) before the worker is paused. */
export const OUTPUT_HIGH_WATER = 1024 * 1024;

export class Relay {
  worker: WorkerHandle | null = null;
  /** Set when the client went away; frames still arrive until the worker's END. */
  clientGone = false;
  finished = false;
  dispatchedAt = 0;
  /** When the worker began running it: the clock --timeout measures. */
  startedAt = 0;
  private bodyEnded = false;
  private headStatus = 0;
  private headReason = '';
  private headHeaders: string[] | null = null;
  private heldChunk: Buffer | null = null;
  private outputPaused = false;
  private bytesSent = 0;
  private bodyStarted = false;
  /** Whatever the observer keeps about this request (the capture's record under construction). */
  tag: unknown = null;
  /**
   * The worker's END payload, for an observer that keeps it raw rather than parsed: set only
   * during observer.finished() after an END, a view to copy from, not to keep.
   */
  endPayload: Buffer | null = null;
  /** The REQUEST payload sent to the worker (flags byte + the environ as NUL-separated latin-1). */
  requestPayload: Buffer | null = null;
  /** Set for a replay sent by the inspector: the exchange it replays and the sender's nonce. */
  replay: { of: number; nonce: string } | null = null;

  constructor(
    readonly id: number,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly environ: Record<string, string>,
    private readonly flags: number,
    private readonly onDone: (relay: Relay, summary: RelaySummary) => void,
    private readonly observer: RelayObserver | null,
    /** Largest body to pass on (0: no limit); a chunked body has no declared size to check up front. */
    private readonly bodyLimit = 0,
    /** Where the app's output during this request goes besides the observer (the console). */
    private readonly onLog: ((relay: Relay, record: LogRecord) => void) | null = null,
  ) {
    res.once('close', () => {
      if (!res.writableFinished && !this.finished) this.onClientGone();
    });
  }

  /** Tells the observer the request exists; separate from the constructor so replay info is set first. */
  announce(): void {
    this.observer?.accepted?.(this);
  }

  /** The response head as it went on the wire (status line and every header, also Node's). */
  get wireHead(): string {
    return (this.res as unknown as { _header?: string | null })._header ?? '';
  }

  get hasBody(): boolean {
    return (this.flags & RequestFlags.HAS_BODY) !== 0;
  }

  /** True once the whole request body is on the worker's channel (or there is none). */
  get bodySent(): boolean {
    return !this.hasBody || this.bodyEnded;
  }

  /**
   * Writes the request to a worker's channel: REQUEST, then the body as it arrives (unless
   * 100-continue). `linger`: the worker polls for its next request after answering this one.
   */
  assign(worker: WorkerHandle, linger = false): void {
    this.worker = worker;
    this.dispatchedAt = performance.now();
    this.observer?.dispatched?.(this, worker);
    this.requestPayload = encodeRequest(linger ? this.flags | RequestFlags.LINGER : this.flags, this.environ);
    worker.send(MasterFrame.REQUEST, this.id, this.requestPayload);
    if (this.hasBody && !(this.flags & RequestFlags.EXPECT_CONTINUE)) this.pumpBody();
  }

  /** The worker starts running it now (at once, or after the request it was prefetched behind). */
  start(): void {
    this.startedAt = performance.now();
  }

  /** Takes back a prefetched request its worker never started (the worker died). */
  unassign(): void {
    this.worker = null;
    this.startedAt = 0;
  }

  frame(frame: Frame): void {
    switch (frame.type) {
      case WorkerFrame.START:
        this.onStart(frame.payload);
        return;
      case WorkerFrame.BODY:
        this.onBody(frame.payload);
        return;
      case WorkerFrame.END:
        // A view into the channel read, for the observer's finished() (called from onEnd): a
        // copy per request would be wasted with capture off, and the recorder copies it anyway.
        this.endPayload = frame.payload;
        this.onEnd(decodeEnd(frame.payload));
        this.endPayload = null;
        return;
      case WorkerFrame.CONTINUE:
        if (!this.clientGone) this.res.writeContinue();
        this.pumpBody();
        return;
      case WorkerFrame.LOG: {
        const record = JSON.parse(frame.payload.toString('utf8')) as LogRecord;
        this.observer?.log?.(this, record);
        this.onLog?.(this, record);
        return;
      }
    }
  }

  /** Sends a body chunk held back in the hope that END would follow in the same read. */
  flushHeld(): void {
    const chunk = this.heldChunk;
    if (!chunk) return;
    this.heldChunk = null;
    this.writeHead();
    const res = this.res;
    res.write(chunk, holdChunk(chunk));
    // Not res.write's answer: it says "full" past 16 KiB, so every body chunk would pause the
    // worker's channel and resume it a moment later. Pause once a real backlog has built up.
    if (res.writableLength > OUTPUT_HIGH_WATER) this.pauseWorker();
  }

  /** The client reads slower than the app writes: stop reading the worker until it catches up. */
  private pauseWorker(): void {
    if (this.outputPaused) return;
    this.outputPaused = true;
    this.worker!.pauseOutput();
    this.res.once('drain', () => this.resumeWorker());
  }

  /**
   * On drain, and at the request's end: once END is in, no 'drain' comes (Node emits it only for
   * an unfinished response), and the worker's next request must not wait for this client.
   */
  private resumeWorker(): void {
    if (!this.outputPaused) return;
    this.outputPaused = false;
    this.worker?.resumeOutput();
  }

  /** The worker died or was killed while this request ran. */
  lost(reason: LostReason, detail: LostDetail = {}): void {
    if (this.finished) return;
    const [status, text] = STATUS_TEXT[reason];
    if (!this.res.headersSent && !this.clientGone) {
      const body = `${status} ${text}: the worker ${reason === 'timeout' ? 'timed out and was killed' : reason === 'crash' ? 'died while handling this request' : 'was stopped'}\n`;
      this.res.writeHead(status, text, ['Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close']);
      this.res.end(body);
      this.headStatus = status;
    } else {
      this.res.destroy();
    }
    this.finish({ id: this.id, status: this.headStatus || status, bytesSent: this.bytesSent, outcome: reason, workerPid: this.worker?.pid ?? 0, ...detail });
  }

  /** Answers without any worker (queue overflow, shutdown). */
  reject(status: number, reason: string, extraHeaders: string[] = []): void {
    if (this.finished) return;
    this.res.writeHead(status, ['Content-Type', 'text/plain; charset=utf-8', ...extraHeaders]);
    this.res.end(`${status} ${reason}\n`);
    this.finish({ id: this.id, status, bytesSent: 0, outcome: 'rejected', workerPid: 0 });
  }

  /** The client left while the request was still queued: nothing reached a worker. */
  cancelQueued(): void {
    this.finish({ id: this.id, status: 0, bytesSent: 0, outcome: 'client-gone', workerPid: 0 });
  }

  private pumpBody(): void {
    if (this.bodyStarted) return;
    this.bodyStarted = true;
    const worker = this.worker!;
    const req = this.req;
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (this.bodyLimit && received > this.bodyLimit) {
        onAbort();
        this.refuseBody();
        return;
      }
      this.observer?.requestBody?.(this, chunk);
      const channelHasRoom = worker.sendRaw(encodeFrameHeader(MasterFrame.BODY, this.id, chunk.length)) && worker.sendRaw(chunk);
      if (!channelHasRoom) {
        req.pause();
        worker.onceDrained(() => req.resume());
      }
    };
    const onEnd = () => {
      cleanup();
      this.bodyEnded = true;
      worker.send(MasterFrame.BODY_END, this.id, Uint8Array.of(0));
    };
    const onAbort = () => {
      cleanup();
      this.bodyEnded = true;
      worker.send(MasterFrame.BODY_END, this.id, Uint8Array.of(1));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onCloseEarly);
    };
    const onCloseEarly = () => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onCloseEarly);
    if (req.complete && req.readableEnded) onEnd();
  }

  /** The body outgrew the limit mid-stream: 413, and the worker sees a client that went away. */
  private refuseBody(): void {
    if (!this.res.headersSent) {
      this.headStatus = 413;
      this.res.writeHead(413, ['Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close']);
      this.res.end(`413 Content Too Large: body exceeds the limit of ${this.bodyLimit} bytes\n`);
    }
    this.onClientGone();
    this.req.destroy();
  }

  private onStart(payload: Buffer): void {
    const { status, headers } = decodeStart(payload);
    if (this.clientGone) return;
    const space = status.indexOf(' ');
    this.headStatus = Number(space === -1 ? status : status.slice(0, space));
    this.headReason = space === -1 ? '' : status.slice(space + 1);
    if (!hasHeader(headers, 'server')) headers.push('Server', 'forkwatch');
    this.headHeaders = headers;
    this.observer?.start?.(this, status, headers);
  }

  private onBody(chunk: Buffer): void {
    this.bytesSent += chunk.length;
    this.observer?.responseBody?.(this, chunk);
    if (this.clientGone) return;
    this.flushHeld();
    this.heldChunk = chunk;
  }

  private onEnd(end: RequestEnd): void {
    const res = this.res;
    if (!this.clientGone) {
      if (end.outcome === 'app-error-after-headers' || end.short) {
        // The response on the wire is incomplete: closing is the only honest signal (PEP 3333).
        this.flushHeld();
        closeAfterFlush(res);
      } else {
        this.writeHead();
        const chunk = this.heldChunk;
        this.heldChunk = null;
        if (chunk) res.end(chunk, holdChunk(chunk));
        else res.end();
      }
    }
    const outcome = this.clientGone && end.outcome !== 'aborted' ? 'client-gone' : end.outcome;
    this.finish({ id: this.id, status: this.headStatus, bytesSent: this.bytesSent, outcome, end, workerPid: this.worker!.pid });
  }

  private writeHead(): void {
    if (this.headHeaders === null || this.res.headersSent) return;
    this.res.writeHead(this.headStatus, this.headReason, this.headHeaders);
  }

  private onClientGone(): void {
    this.clientGone = true;
    this.heldChunk = null;
    // A prefetched request the worker has not started gets no ABORT: it runs, unseen, later.
    if (this.worker && this.startedAt) {
      this.outputPaused = false;
      this.worker.resumeOutput();
      this.worker.send(MasterFrame.ABORT, this.id);
    }
  }

  private finish(summary: RelaySummary): void {
    if (this.finished) return;
    this.finished = true;
    this.resumeWorker();
    this.observer?.finished?.(this, summary);
    this.onDone(this, summary);
  }
}

function hasHeader(flat: string[], lowerName: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i].toLowerCase() === lowerName) return true;
  return false;
}

/** Sends what was written, then closes: no terminating chunk, no reuse of the connection. */
function closeAfterFlush(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  // Node corks the socket around a response's first write; flush before the FIN.
  while (socket.writableCorked) socket.uncork();
  socket.end();
}
