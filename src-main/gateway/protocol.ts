/**
 * The master <-> worker wire protocol, version 1.
 *
 * Mirrored once in resources/python/forkwatch_worker/protocol.py; change both together.
 *
 * Transport: the worker's fd 3, a Unix socketpair created by the master (child_process `pipe`
 * stdio). stdin is /dev/null, stdout (fd 1) and stderr (fd 2) are plain pipes the master reads
 * as the worker's console, and fd 4 is a pipe that receives faulthandler stack dumps
 * (SIGUSR1). So nothing an app prints can corrupt the channel.
 *
 * Every message is one frame:
 *
 *     0        4      5            9
 *     +--------+------+------------+----------------------+
 *     | length | type | request id | payload (length B)   |
 *     | u32 BE | u8   | u32 BE     |                      |
 *     +--------+------+------------+----------------------+
 *
 * `length` counts the payload only. Request id 0 means "not about a request".
 *
 * One request, master's view (sync model: a worker holds at most one request at a time):
 *
 *     master -> REQUEST(flags, environ) -> BODY* -> BODY_END       (ABORT if the client left)
 *     worker -> CONTINUE? -> LOG* -> START -> BODY* -> END(json)
 *
 * The worker sends START only with the first non-empty body chunk (or at the end for an
 * empty body), as PEP 3333 requires, and it builds the error page itself when the app raises
 * before that, so every request ends with START ... END unless the worker dies.
 *
 * Preload (`--preload`): one zygote process per code generation imports the app and forks the
 * workers. It is spawned like a worker and boots like one (READY carries the zygote's pid, or
 * BOOT_FAILED), then only forks:
 *
 *     master -> zygote:  FORK(fork id, token)              SHUTDOWN: fork no more, exit when childless
 *     zygote -> master:  FORKED(fork id, pid) | FORK_FAILED(fork id, PythonError)
 *                        CHILD_OUTPUT(pid, fd + bytes)*     the child's own fds 1, 2, 4, relayed
 *                        CHILD_EXIT(pid, code, signal)      after the zygote reaped it
 *
 * A forked worker cannot get a socketpair end from the master, so it connects to the master's
 * private Unix socket (path given to the zygote as `--zygote PATH`) and sends HELLO(fork id,
 * pid, token) first, then READY (its own pid) and the usual worker frames on that connection.
 *
 * String payloads (environ, START) are NUL-separated latin-1 text: HTTP/1.1 forbids NUL in
 * the request line and header fields (RFC 9110 §5.5), and PEP 3333 defines every environ and
 * header str as latin-1, so the mapping is exact and needs no escaping.
 */

export const PROTOCOL_VERSION = 1;
export const HEADER_SIZE = 9;

/** Frames the master sends. */
export const MasterFrame = {
  /** payload: u8 RequestFlags, then "key\0value\0key\0value" (latin-1), CGI keys + wsgi.url_scheme. */
  REQUEST: 0x01,
  /** payload: raw request body bytes. */
  BODY: 0x02,
  /** payload: u8, 0 = body complete, 1 = the client went away mid-body. */
  BODY_END: 0x03,
  /** The client disconnected: stop iterating, call close(), answer END. Empty payload. */
  ABORT: 0x04,
  /** Finish the current request (if any), then exit 0. Empty payload. (Zygote: fork no more, exit once childless.) */
  SHUTDOWN: 0x05,
  /** Zygote only: fork a worker. Request id = fork id (not 0); payload: the fork's token (ASCII). */
  FORK: 0x06,
  /** Standby only (`--standby`): import the app now, then READY or BOOT_FAILED. Empty payload. */
  GO: 0x07,
} as const;

/** Frames the worker sends. */
export const WorkerFrame = {
  /** The app is imported; payload: JSON ReadyInfo. Request id 0. */
  READY: 0x81,
  /** The app failed to import; payload: JSON BootFailure. The worker then exits APP_LOAD_ERROR. */
  BOOT_FAILED: 0x82,
  /** The app started reading wsgi.input: time to send `100 Continue`. Empty payload. */
  CONTINUE: 0x83,
  /** payload: "status\0name\0value\0name\0value" (latin-1): the headers to send. */
  START: 0x84,
  /** payload: response body bytes. */
  BODY: 0x85,
  /**
   * payload: JSON RequestEnd; for a CAPTURE request followed by "\n" and the JSON RequestCapture
   * (decodeEnd / decodeEndCapture). The worker is idle again.
   */
  END: 0x86,
  /** payload: JSON LogRecord: a line of stdout/stderr/wsgi.errors or a logging record. */
  LOG: 0x87,
  /** A forked worker's first frame on its connection: request id = fork id; payload JSON Hello. */
  HELLO: 0x8c,
} as const;

/** Frames a zygote sends (besides READY, BOOT_FAILED and LOG, as any worker). */
export const ZygoteFrame = {
  /** Request id = fork id; payload JSON { pid }. */
  FORKED: 0x88,
  /** fork() failed. Request id = fork id; payload JSON PythonError. */
  FORK_FAILED: 0x89,
  /** A child was reaped. Request id = its pid; payload JSON ChildExit. */
  CHILD_EXIT: 0x8a,
  /** Output of a child. Request id = its pid; payload: u8 fd (1 stdout, 2 stderr, 4 stack dump), then the bytes. */
  CHILD_OUTPUT: 0x8b,
} as const;

/** Bits of REQUEST's first payload byte. */
export const RequestFlags = {
  /** BODY frames follow, then BODY_END. Without it the body is empty and nothing follows. */
  HAS_BODY: 1,
  /** The client sent `Expect: 100-continue`: the master waits for CONTINUE before BODY frames. */
  EXPECT_CONTINUE: 2,
  /** Collect a RequestCapture and send it after END's JSON (see WorkerFrame.END). */
  CAPTURE: 4,
  /**
   * After answering, poll the channel for a while before blocking on it: the master has a core to
   * spare and expects the next request soon (busy-poll.ts says why a wake-up costs so much).
   */
  LINGER: 8,
} as const;

/**
 * How long a worker polls for its next request after answering one sent with LINGER (mirrored
 * as LINGER_SECONDS in channel.py): longer than the master and a client take to turn a response
 * into the next request (about 0.1 ms on the bench VM), short enough that polling in vain costs
 * little.
 */
export const LINGER_MS = 0.25;

/** Worker exit codes with a meaning of their own (named after gunicorn's). */
export const ExitCode = {
  OK: 0,
  WORKER_BOOT_ERROR: 3,
  APP_LOAD_ERROR: 4,
} as const;

export interface ReadyInfo {
  pid: number;
  python: string;
  executable: string;
  app: string;
  protocol: number;
}

/** HELLO's payload: the forked worker proves which FORK it answers. */
export interface Hello {
  pid: number;
  token: string;
}

/** CHILD_EXIT's payload, as Node reports a child's exit. */
export interface ChildExit {
  pid: number;
  code: number | null;
  signal: string | null;
}

export interface PythonError {
  type: string;
  message: string;
  /** Formatted traceback, as Python prints it (with source lines). */
  traceback: string;
  /** Innermost frame in the user's code, when known. */
  filename?: string;
  lineno?: number;
}

export interface BootFailure extends PythonError {
  /** What failed: finding the module, finding the callable, or running the module. */
  stage: 'import' | 'attribute' | 'factory' | 'spec';
}

export type LogStream = 'stdout' | 'stderr' | 'wsgi.errors' | 'logging';

export interface LogRecord {
  stream: LogStream;
  text: string;
  /** For `logging` records. */
  level?: string;
  logger?: string;
  /** Seconds since the epoch, from the worker's clock. */
  time: number;
}

/** One start_response call as the app made it. */
export interface StartResponseCall {
  status: string;
  headers: [string, string][];
  excInfo?: PythonError;
}

/** A PEP 3333 problem noticed while the request ran. */
export interface Finding {
  code: string;
  message: string;
}

/**
 * What the worker saw, sent only when the request had the CAPTURE flag.
 *
 * On the wire, the usual single start_response call (no exc_info, str status, a list of (str, str)
 * tuples) comes as `"startText": "status\u0000name\u0000value..."` (START's text, which the
 * worker has already built) instead of `startResponse`; decodeEndCapture turns it back into
 * `startResponse`, so this interface is all a reader ever sees.
 */
export interface RequestCapture {
  /**
   * The keys the worker added after the master's REQUEST pairs (wsgi.version, wsgi.input ...),
   * in order, non-str values as `<type name>`: the master's pairs followed by these are the
   * environ exactly as the app received it, without sending the strings back.
   */
  environExtra: [string, string][];
  startResponse: StartResponseCall[];
  usedWrite: boolean;
  /** Sizes of the chunks the app produced, in order (write() calls and yielded items). */
  chunkSizes: number[];
  findings: Finding[];
  closeCalled: boolean | null;
}

export type RequestOutcome =
  | 'ok'
  /** The app raised before headers went out; the worker sent a 500 page. */
  | 'app-error'
  /** The app raised after headers went out: the master must close the connection. */
  | 'app-error-after-headers'
  /** The app broke PEP 3333 (bad status/headers, no start_response ...): a 500 was sent. */
  | 'violation'
  /** ABORT was received and the app's iterable was closed. */
  | 'aborted';

export interface RequestEnd {
  outcome: RequestOutcome;
  /** Bytes of wsgi.input the app read. */
  bytesRead: number;
  /** Body bytes sent in BODY frames. */
  bytesSent: number;
  /** The app declared a Content-Length it did not fill: the connection cannot be reused. */
  short: boolean;
  error?: PythonError;
  /** Set for a CAPTURE request: how many findings its RequestCapture lists. */
  findingCount?: number;
}

const NEWLINE = 0x0a;

/**
 * END's RequestEnd. Only the JSON before the newline is parsed: the capture behind it (several
 * times larger) is parsed only when someone reads the exchange. JSON text holds no raw newline.
 */
export function decodeEnd(payload: Buffer): RequestEnd {
  const split = payload.indexOf(NEWLINE);
  const end = split === -1 ? payload.length : split;
  return decodeCleanEnd(payload, end) ?? (JSON.parse(payload.toString('utf8', 0, end)) as RequestEnd);
}

/** What a clean request's END starts with: the worker writes it from this template. */
const CLEAN_END_PREFIX = Buffer.from('{"outcome":"ok","bytesRead":');

/**
 * The END of a request that went well, read without JSON.parse: the worker writes it from a fixed
 * template ({"outcome":"ok","bytesRead":N,"bytesSent":N,"short":B} with "findingCount":N when
 * captured), and parsing it was a visible part of the master's time per request. Anything else
 * (errors, another shape) returns null and goes to JSON.parse.
 */
function decodeCleanEnd(payload: Buffer, end: number): RequestEnd | null {
  if (end < CLEAN_END_PREFIX.length || payload.compare(CLEAN_END_PREFIX, 0, CLEAN_END_PREFIX.length, 0, CLEAN_END_PREFIX.length) !== 0) return null;
  let at = CLEAN_END_PREFIX.length;
  const number = (): number => {
    let value = 0;
    const start = at;
    for (let byte = payload[at]; byte >= 0x30 && byte <= 0x39; byte = payload[++at]) value = value * 10 + byte - 0x30;
    return at > start && at - start < 16 ? value : NaN;
  };
  const expect = (text: string): boolean => {
    for (let i = 0; i < text.length; i++) if (payload[at + i] !== text.charCodeAt(i)) return false;
    at += text.length;
    return true;
  };
  const bytesRead = number();
  if (Number.isNaN(bytesRead) || !expect(',"bytesSent":')) return null;
  const bytesSent = number();
  if (Number.isNaN(bytesSent) || !expect(',"short":')) return null;
  let short: boolean;
  if (expect('false')) short = false;
  else if (expect('true')) short = true;
  else return null;
  if (at === end - 1 && payload[at] === 0x7d) return { outcome: 'ok', bytesRead, bytesSent, short };
  if (!expect(',"findingCount":')) return null;
  const findingCount = number();
  if (Number.isNaN(findingCount) || at !== end - 1 || payload[at] !== 0x7d) return null;
  return { outcome: 'ok', bytesRead, bytesSent, short, findingCount };
}

/**
 * END's RequestCapture, if the request was captured. A wire `startText` (see RequestCapture) becomes
 * `startResponse: [{ status, headers }]`: NUL-separated status, names and values (the worker's
 * validation keeps NUL out of all three), so "200 OK" alone is a call without headers.
 */
export function decodeEndCapture(payload: Buffer): RequestCapture | undefined {
  const split = payload.indexOf(NEWLINE);
  if (split === -1) return undefined;
  const wire = JSON.parse(payload.toString('utf8', split + 1)) as RequestCapture | (Omit<RequestCapture, 'startResponse'> & { startText: string });
  if (!('startText' in wire)) return wire;
  const { environExtra, startText, ...rest } = wire;
  const [status, ...parts] = startText.split('\0');
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) headers.push([parts[i], parts[i + 1]]);
  return { environExtra, startResponse: [{ status, headers }], ...rest }; // the wire's key order
}

/** Builds one frame. */
export function encodeFrame(type: number, requestId: number, payload?: Uint8Array): Buffer {
  const length = payload ? payload.length : 0;
  const frame = Buffer.allocUnsafe(HEADER_SIZE + length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt8(type, 4);
  frame.writeUInt32BE(requestId, 5);
  if (payload) frame.set(payload, HEADER_SIZE);
  return frame;
}

/** Builds only a frame's header, for a payload written separately (saves a copy of big bodies). */
export function encodeFrameHeader(type: number, requestId: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header.writeUInt32BE(length, 0);
  header.writeUInt8(type, 4);
  header.writeUInt32BE(requestId, 5);
  return header;
}

/** Encodes "k\0v\0k\0v" latin-1 pairs, the payload shape of REQUEST and START. */
export function encodeNulPairs(pairs: Iterable<readonly [string, string]>, prefix?: string): Buffer {
  const parts: string[] = prefix === undefined ? [] : [prefix];
  for (const [key, value] of pairs) parts.push(key, value);
  return Buffer.from(parts.join('\0'), 'latin1');
}

export function encodeRequest(flags: number, environ: Record<string, string>): Buffer {
  // One flat array joined once: entries() and a string per pair were 2 KB of garbage a request.
  const parts: string[] = [];
  for (const key in environ) parts.push(key, environ[key]);
  const text = parts.join('\0');
  const payload = Buffer.allocUnsafe(1 + Buffer.byteLength(text, 'latin1'));
  payload[0] = flags;
  payload.write(text, 1, 'latin1');
  return payload;
}

/** Decodes START's payload into the status line and a flat [name, value, name, value] list. */
export function decodeStart(payload: Buffer): { status: string; headers: string[] } {
  const headers = payload.toString('latin1').split('\0');
  const status = headers.shift()!; // in place: no second array per response
  return { status, headers };
}

export interface Frame {
  type: number;
  requestId: number;
  payload: Buffer;
}

/**
 * Reassembles frames from a byte stream. Feed it each chunk the socket gives; it calls
 * `onFrame` for every complete frame, in order. Payloads are views into the chunk when the
 * frame lies inside one chunk (the common case), and the chunk's buffer may be read into again
 * after `push` returns (worker-io.ts readChannel): consumers copy what they keep past the
 * callback, or hold it (holdChunk). The decoder itself keeps only copies.
 */
export class FrameDecoder {
  /** Chunks of an incomplete frame, joined only once the whole frame is here (no quadratic copying). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Total size of the incomplete frame, once its header has arrived. */
  private needed = 0;
  /** Bytes still to come of a streamable frame being passed on piece by piece. */
  private streamRemaining = 0;
  private streamRequestId = 0;

  /**
   * @param onFrame called for each complete frame.
   * @param onBatchEnd called after the frames of one pushed chunk, so a consumer can hold back a
   *   body chunk and merge it with an END in the same chunk into one socket write.
   * @param streamType a frame type whose payload may be split into several frames of the same
   *   type (a body: its bytes mean the same in one frame or in three). Such a frame is passed on
   *   as its bytes arrive instead of being reassembled: no copy, no wait for the whole frame.
   */
  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly onBatchEnd?: () => void,
    private readonly streamType = -1,
  ) {}

  push(chunk: Buffer): void {
    let data = chunk;
    let offset = 0;
    if (this.streamRemaining) {
      const take = Math.min(this.streamRemaining, data.length);
      this.streamRemaining -= take;
      this.onFrame({ type: this.streamType, requestId: this.streamRequestId, payload: data.subarray(0, take) });
      offset = take;
    } else if (this.pendingBytes) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.needed === 0 && this.pendingBytes >= HEADER_SIZE) {
        this.needed = HEADER_SIZE + Buffer.concat(this.pending).readUInt32BE(0);
      }
      const streamable = this.needed !== 0 && this.pendingBytes >= HEADER_SIZE && Buffer.concat(this.pending, HEADER_SIZE)[4] === this.streamType;
      if (!streamable && (this.needed === 0 || this.pendingBytes < this.needed)) {
        this.pending[this.pending.length - 1] = Buffer.from(chunk); // kept past this call: copied
        return;
      }
      data = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.needed = 0;
    }
    while (data.length - offset >= HEADER_SIZE) {
      const length = data.readUInt32BE(offset);
      const end = offset + HEADER_SIZE + length;
      const type = data[offset + 4];
      const requestId = data.readUInt32BE(offset + 5);
      if (end > data.length) {
        if (type !== this.streamType) break;
        // Pass on what is here of the body; the rest follows in later chunks.
        this.onFrame({ type, requestId, payload: data.subarray(offset + HEADER_SIZE) });
        this.streamRemaining = end - data.length;
        this.streamRequestId = requestId;
        offset = data.length;
        break;
      }
      this.onFrame({ type, requestId, payload: data.subarray(offset + HEADER_SIZE, end) });
      offset = end;
    }
    if (offset < data.length) {
      // Copied: the chunk's buffer may be read into again once this call returns.
      const rest = Buffer.from(data.subarray(offset));
      this.pending = [rest];
      this.pendingBytes = rest.length;
      this.needed = rest.length >= HEADER_SIZE ? HEADER_SIZE + rest.readUInt32BE(0) : 0;
    }
    this.onBatchEnd?.();
  }
}
