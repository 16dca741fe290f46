/**
 * One exchange as the store keeps it: a handful of numbers and strings plus the raw bytes it
 * was seen as (the REQUEST payload, the END JSON, the request headers, the wire head, the
 * bodies), and the full ExchangeRecord built from them only when someone reads it.
 *
 * Why: thousands of retained records, each a tree of arrays and objects (environ pairs,
 * headers, parsed JSON), made the garbage collector the gateway's main cost. While it runs, an
 * exchange is a CapturedExchange the recorder fills in; once complete it is sealed into a
 * SealedExchange: every byte-heavy part, and every number, copied into one slice of a shared
 * slab (see PackArena). The ring store then keeps just its id, slab and bounds in columns
 * (ring-store.ts), so nothing per exchange stays on the heap: each stored exchange is new when
 * it is stored, and the young-generation collector copies whatever of it survives. Those copies
 * were most of a collection's pause under load: 1.3-1.6 ms per scavenge at c=1 with a record
 * tree per exchange, 0.7 ms with one small object, 0.3 ms with columns (as with capture off).
 */
import type { BodyCapture, ExchangeOutcome, ExchangeRecord, ExchangeSummary, ExchangeTimings, LogLine } from '../../contract';
import { REPLAY_HEADER } from '../gateway';
import { decodeEnd, decodeEndCapture } from '../protocol';
import type { PackArena } from './pack-arena';
import { summarize, type StoredExchange } from './store';
import { BodyBuffer, parseWireHead } from './wire';

/**
 * Heap bytes per stored exchange beyond its packed bytes: the object, its strings, the store's
 * map entries: counted as 1.5 KiB (about twice the live size once measured: between full
 * collections the heap holds about twice its live size). So the byte budget bounds memory.
 */
const EXCHANGE_OVERHEAD = 1536;

/** The microsecond clock wraps here: its values stay small integers (2^30 us is 17.9 minutes). */
const CLOCK_WRAP = 2 ** 30;

function clockTick(): number {
  return Math.round(performance.now() * 1000) % CLOCK_WRAP;
}

/** Facts of a finished exchange that are not bytes, kept only when there are any (rare). */
interface Extras {
  logs: LogLine[] | null;
  workerExit: { code: number | null; signal: string | null } | undefined;
  stack: string | undefined;
}

/** What a record is built from: the facts plus each part, live or unpacked from the slab. */
interface RecordSource extends ExchangeSummary, Extras {
  httpVersion: string;
  remoteAddress: string;
  timings: ExchangeTimings;
}

interface RecordParts {
  environ: Buffer | null;
  end: Buffer | null;
  rawHeaders: string;
  wireHead: string;
  requestBody: BodyCapture;
  responseBody: BodyCapture;
}

export class CapturedExchange implements StoredExchange {
  status = 0;
  outcome: ExchangeOutcome = 'pending';
  responseSize = 0;
  workerPid: number | null = null;
  generation: number | null = null;
  findingCount = 0;
  replayOf: number | undefined = undefined;
  // Times are whole microseconds after accepted, -1 until it happens, and the wall clock is
  // split in two: small integers live inside the object, where a fractional or large number
  // would be one more heap object per field.
  dispatchedUs = -1;
  startResponseUs = -1;
  firstByteUs = -1;
  completeUs = -1;
  /** When accepted, on a clock of microseconds that wraps (only differences are used). */
  private readonly acceptedTick = clockTick();
  private readonly startedAtSeconds: number;
  private readonly startedAtMillis: number;
  logs: LogLine[] | null = null;
  workerExit: { code: number | null; signal: string | null } | undefined = undefined;
  stack: string | undefined = undefined;

  /** The request headers as received, "name\0value\0..." in one string (one heap object, not 2n). */
  rawHeaders = '';
  requestPayload: Buffer | null = null;
  /** The END payload; may be a view into a socket read (seal copies it). */
  endPayload: Buffer | null = null;
  wireHead = '';
  private requestBody: BodyBuffer | null = null;
  private responseBody: BodyBuffer | null = null;

  constructor(
    readonly id: number,
    readonly method: string,
    readonly url: string,
    readonly httpVersion: string,
    readonly remoteAddress: string,
    startedAt: number,
    private readonly bodyLimit: number,
  ) {
    this.startedAtSeconds = Math.floor(startedAt / 1000);
    this.startedAtMillis = startedAt - this.startedAtSeconds * 1000;
  }

  /** Wall-clock ms when accepted. */
  get startedAt(): number {
    return this.startedAtSeconds * 1000 + this.startedAtMillis;
  }

  get durationMs(): number | null {
    return this.completeUs < 0 ? null : this.completeUs / 1000;
  }

  get timings(): ExchangeTimings {
    return timingsOf(this.dispatchedUs, this.startResponseUs, this.firstByteUs, this.completeUs);
  }

  /** Microseconds since it was accepted. */
  elapsedUs(): number {
    return (clockTick() - this.acceptedTick + CLOCK_WRAP) % CLOCK_WRAP;
  }

  addRequestBody(chunk: Buffer): void {
    (this.requestBody ??= new BodyBuffer(this.bodyLimit)).add(chunk);
  }

  addResponseBody(chunk: Buffer): void {
    (this.responseBody ??= new BodyBuffer(this.bodyLimit)).add(chunk);
  }

  /**
   * The exchange as the store keeps it once complete: every part and number copied into one
   * slice from the arena (the END payload may be a view into a socket read). Call once.
   */
  seal(arena: PackArena): SealedExchange {
    const environ = this.requestPayload;
    const end = this.endPayload;
    const requestBody = this.requestBody;
    const responseBody = this.responseBody;
    // Every string is latin1, one byte per character, as Node reads the request and writes the
    // head. The request line's strings go in too, so the stored object holds none.
    const textBytes = this.method.length + this.url.length + this.httpVersion.length + this.remoteAddress.length + this.outcome.length;
    const size =
      PACKED_HEADER_BYTES + textBytes +
      (environ?.length ?? 0) + (end?.length ?? 0) + this.rawHeaders.length + this.wireHead.length + (requestBody?.keptBytes ?? 0) + (responseBody?.keptBytes ?? 0);
    const packed = arena.alloc(size);
    let at = packText(packed, PACKED_HEADER_BYTES, 0, this.method);
    at = packText(packed, at, 1, this.url);
    at = packText(packed, at, 2, this.httpVersion);
    at = packText(packed, at, 3, this.remoteAddress);
    at = packText(packed, at, 4, this.outcome);
    const environStart = at;
    if (environ) at += environ.copy(packed, at);
    const environEnd = at;
    if (end) at += end.copy(packed, at);
    const endEnd = at;
    at += packed.write(this.rawHeaders, at, 'latin1');
    const headersEnd = at;
    at += packed.write(this.wireHead, at, 'latin1');
    const wireHeadEnd = at;
    if (requestBody) at = requestBody.copyTo(packed, at);
    const requestBodyEnd = at;
    if (responseBody) responseBody.copyTo(packed, at);
    // Written out, not through a helper closure: this runs once per request.
    packed.writeInt32LE(this.dispatchedUs, Slot.DispatchedUs * 4);
    packed.writeInt32LE(this.startResponseUs, Slot.StartResponseUs * 4);
    packed.writeInt32LE(this.firstByteUs, Slot.FirstByteUs * 4);
    packed.writeInt32LE(this.completeUs, Slot.CompleteUs * 4);
    packed.writeInt32LE(this.status, Slot.Status * 4);
    packed.writeInt32LE(this.workerPid ?? -1, Slot.WorkerPid * 4);
    packed.writeInt32LE(this.generation ?? -1, Slot.Generation * 4);
    packed.writeInt32LE(this.findingCount, Slot.FindingCount * 4);
    packed.writeDoubleLE(this.startedAt, At.StartedAt);
    packed.writeDoubleLE(this.replayOf ?? -1, At.ReplayOf);
    packed.writeDoubleLE(environStart, At.EnvironStart);
    packed.writeDoubleLE(environEnd, At.EnvironEnd);
    packed.writeDoubleLE(endEnd, At.EndEnd);
    packed.writeDoubleLE(headersEnd, At.HeadersEnd);
    packed.writeDoubleLE(wireHeadEnd, At.WireHeadEnd);
    packed.writeDoubleLE(requestBodyEnd, At.RequestBodyEnd);
    packed.writeDoubleLE(this.responseSize, At.ResponseSize);
    packed.writeDoubleLE(requestBody?.totalBytes ?? 0, At.RequestBodySize);
    packed.writeDoubleLE(responseBody?.totalBytes ?? 0, At.ResponseBodySize);
    const extras = this.logs || this.workerExit || this.stack !== undefined ? { logs: this.logs, workerExit: this.workerExit, stack: this.stack } : null;
    const backing = arena.backing(packed);
    return new SealedExchange(this.id, backing, packed.byteOffset - backing.byteOffset, size, arena, extras);
  }

  bytes(): number {
    const bytes = EXCHANGE_OVERHEAD + extrasBytes(this) + (this.requestPayload?.length ?? 0) + (this.endPayload?.length ?? 0) + this.rawHeaders.length + this.wireHead.length;
    return bytes + (this.requestBody?.keptBytes ?? 0) + (this.responseBody?.keptBytes ?? 0);
  }

  summary(): ExchangeSummary {
    return summarize(this);
  }

  /** A pending exchange changes until it is sealed: its record is built fresh on each read. */
  record(): ExchangeRecord {
    return buildRecord(this, {
      environ: this.requestPayload,
      end: this.endPayload,
      rawHeaders: this.rawHeaders,
      wireHead: this.wireHead,
      requestBody: this.requestBody?.capture() ?? noBody(),
      responseBody: this.responseBody?.capture() ?? noBody(),
    });
  }
}

/**
 * A sealed exchange's numbers, at the start of its slice: Int32 slots for the small ones
 * (times in us, which wrap below 2^30, -1 = not reached; pid and generation -1 = none; string
 * lengths), then doubles at byte offsets for the start time and for what can pass 2 GiB (the
 * part ends, offsets into the slice, and the sizes: --capture-body-limit has no upper bound).
 */
const enum Slot {
  DispatchedUs,
  StartResponseUs,
  FirstByteUs,
  CompleteUs,
  Status,
  WorkerPid,
  Generation,
  FindingCount,
  /** Then the byte lengths of method, url, httpVersion, remoteAddress and outcome, in order. */
  MethodLength,
}
const enum At {
  StartedAt = 56,
  ReplayOf = 64,
  EnvironStart = 72,
  EnvironEnd = 80,
  EndEnd = 88,
  HeadersEnd = 96,
  WireHeadEnd = 104,
  RequestBodyEnd = 112,
  ResponseSize = 120,
  RequestBodySize = 128,
  ResponseBodySize = 136,
}
/** The strings (method, url, httpVersion, remoteAddress, outcome) follow, then the parts. */
const PACKED_HEADER_BYTES = 144;

/**
 * A complete exchange: one small object, everything else in its slice of a slab. The ring store
 * keeps one without extras as columns (its id, slab and bounds) rather than as this object, and
 * opens a new one over the same slice for each read (see ring-store.ts): so its fields are
 * public, for the store to read, and its record is built on each call, never cached (a cached
 * record would pin megabytes of base64 bodies per exchange ever read).
 */
export class SealedExchange implements StoredExchange {
  readonly id: number;
  /** The slab its bytes lie in (shared with other exchanges), and where: [start, end). */
  slab: Buffer | null;
  readonly start: number;
  readonly end: number;
  arena: PackArena | null;
  /** Logs, a worker's exit, a stack dump: rare, and kept as objects (no columns for them). */
  readonly extras: Extras | null;

  constructor(id: number, slab: Buffer, start: number, size: number, arena: PackArena, extras: Extras | null) {
    this.id = id;
    this.slab = slab;
    this.start = start;
    this.end = start + size;
    this.arena = arena;
    this.extras = extras;
  }

  get method(): string {
    return this.text(0);
  }

  get url(): string {
    return this.text(1);
  }

  get httpVersion(): string {
    return this.text(2);
  }

  get remoteAddress(): string {
    return this.text(3);
  }

  get outcome(): ExchangeOutcome {
    return this.text(4) as ExchangeOutcome;
  }

  get startedAt(): number {
    return this.double(At.StartedAt, 0);
  }

  get replayOf(): number | undefined {
    const replayOf = this.double(At.ReplayOf, -1);
    return replayOf < 0 ? undefined : replayOf;
  }

  get status(): number {
    return this.int(Slot.Status, 0);
  }

  get responseSize(): number {
    return this.double(At.ResponseSize, 0);
  }

  get workerPid(): number | null {
    const pid = this.int(Slot.WorkerPid, -1);
    return pid < 0 ? null : pid;
  }

  get generation(): number | null {
    const generation = this.int(Slot.Generation, -1);
    return generation < 0 ? null : generation;
  }

  get findingCount(): number {
    return this.int(Slot.FindingCount, 0);
  }

  get durationMs(): number | null {
    const complete = this.int(Slot.CompleteUs, -1);
    return complete < 0 ? null : complete / 1000;
  }

  get timings(): ExchangeTimings {
    return timingsOf(this.int(Slot.DispatchedUs, -1), this.int(Slot.StartResponseUs, -1), this.int(Slot.FirstByteUs, -1), this.int(Slot.CompleteUs, -1));
  }

  get logs(): LogLine[] | null {
    return this.extras?.logs ?? null;
  }

  get workerExit(): Extras['workerExit'] {
    return this.extras?.workerExit;
  }

  get stack(): string | undefined {
    return this.extras?.stack;
  }

  /** Gives its packed bytes back to the arena (the store evicted it); its record is gone with them. */
  evicted(): void {
    if (this.slab) this.arena?.release(this.slab);
    this.slab = this.arena = null;
  }

  bytes(): number {
    return EXCHANGE_OVERHEAD + extrasBytes(this) + (this.slab ? this.end - this.start : 0);
  }

  summary(): ExchangeSummary {
    return summarize(this);
  }

  record(): ExchangeRecord {
    const slab = this.slab;
    if (!slab) return buildRecord(this, { environ: null, end: null, rawHeaders: '', wireHead: '', requestBody: noBody(), responseBody: noBody() });
    // Part ends are offsets into the slice; the slab is read at start + offset.
    const at = (end: At) => this.start + this.double(end, 0);
    const environStart = at(At.EnvironStart);
    const environEnd = at(At.EnvironEnd);
    const endEnd = at(At.EndEnd);
    const headersEnd = at(At.HeadersEnd);
    const wireHeadEnd = at(At.WireHeadEnd);
    const requestBodyEnd = at(At.RequestBodyEnd);
    return buildRecord(this, {
      environ: environEnd > environStart ? slab.subarray(environStart, environEnd) : null,
      end: endEnd > environEnd ? slab.subarray(environEnd, endEnd) : null,
      rawHeaders: slab.toString('latin1', endEnd, headersEnd),
      wireHead: slab.toString('latin1', headersEnd, wireHeadEnd),
      requestBody: packedBody(slab, wireHeadEnd, requestBodyEnd, this.double(At.RequestBodySize, 0)),
      responseBody: packedBody(slab, requestBodyEnd, this.end, this.double(At.ResponseBodySize, 0)),
    });
  }

  /** A double of the packed header; `fallback` once evicted. */
  private double(at: At, fallback: number): number {
    return this.slab ? this.slab.readDoubleLE(this.start + at) : fallback;
  }

  /** The i-th packed string (see Slot.MethodLength); '' once evicted. */
  private text(index: number): string {
    const slab = this.slab;
    if (!slab) return '';
    let at = this.start + PACKED_HEADER_BYTES;
    for (let i = 0; i < index; i++) at += slab.readInt32LE(this.start + (Slot.MethodLength + i) * 4);
    return slab.toString('latin1', at, at + slab.readInt32LE(this.start + (Slot.MethodLength + index) * 4));
  }

  /** An Int32 of the packed header; `fallback` once evicted. */
  private int(slot: Slot, fallback: number): number {
    return this.slab ? this.slab.readInt32LE(this.start + slot * 4) : fallback;
  }
}

/** Writes the index-th string of a sealed exchange at `at` and its length in its slot; returns the offset after it. */
function packText(packed: Buffer, at: number, index: number, text: string): number {
  const written = packed.write(text, at, 'latin1');
  packed.writeInt32LE(written, (Slot.MethodLength + index) * 4);
  return at + written;
}

function extrasBytes(extras: Extras): number {
  let bytes = extras.stack?.length ?? 0;
  if (extras.logs) for (const line of extras.logs) bytes += line.text.length + 64;
  return bytes;
}

function timingsOf(dispatchedUs: number, startResponseUs: number, firstByteUs: number, completeUs: number): ExchangeTimings {
  const timings: ExchangeTimings = { accepted: 0 };
  if (dispatchedUs >= 0) timings.dispatched = dispatchedUs / 1000;
  if (startResponseUs >= 0) timings.startResponse = startResponseUs / 1000;
  if (firstByteUs >= 0) timings.firstByte = firstByteUs / 1000;
  if (completeUs >= 0) timings.complete = completeUs / 1000;
  return timings;
}

function packedBody(packed: Buffer, start: number, end: number, size: number): BodyCapture {
  if (size === 0) return noBody();
  return { size, truncated: size > end - start, base64: packed.toString('base64', start, end) };
}

function buildRecord(source: RecordSource, parts: RecordParts): ExchangeRecord {
  const end = parts.end ? decodeEnd(parts.end) : null;
  const captured = parts.end ? decodeEndCapture(parts.end) : undefined;
  const wire = parseWireHead(parts.wireHead);
  const environ = decodeEnviron(parts.environ);
  const record: ExchangeRecord = {
    ...summarize(source),
    httpVersion: source.httpVersion,
    remoteAddress: source.remoteAddress,
    timings: source.timings,
    requestHeaders: pairs(parts.rawHeaders.split('\0')).filter(([name]) => name.toLowerCase() !== REPLAY_HEADER),
    environ: captured ? environ.concat(captured.environExtra) : environ,
    requestBody: parts.requestBody,
    requestBytesRead: end?.bytesRead ?? 0,
    startResponse: captured?.startResponse ?? [],
    usedWrite: captured?.usedWrite ?? false,
    responseStatus: wire.status,
    responseHeaders: wire.headers,
    serverAddedHeaders: captured ? serverAdded(wire.headers, captured.startResponse.at(-1)?.headers ?? []) : [],
    responseBody: parts.responseBody,
    responseChunks: captured?.chunkSizes ?? [],
    logs: source.logs ?? [],
    findings: captured?.findings ?? [],
  };
  if (end?.error) record.error = end.error;
  if (source.workerExit) record.workerExit = source.workerExit;
  if (source.stack !== undefined) record.stack = source.stack;
  return record;
}

/** The environ pairs of a REQUEST payload (flags byte, then "k\0v\0..." latin-1). */
export function decodeEnviron(payload: Buffer | null): [string, string][] {
  if (!payload || payload.length < 2) return [];
  return pairs(payload.toString('latin1', 1).split('\0'));
}

function noBody(): BodyCapture {
  return { size: 0, truncated: false, base64: '' };
}

function pairs(flat: string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([flat[i], flat[i + 1]]);
  return result;
}

function serverAdded(wire: [string, string][], appHeaders: [string, string][]): string[] {
  const fromApp = new Set(appHeaders.map(([name]) => name.toLowerCase()));
  return wire.map(([name]) => name).filter((name) => !fromApp.has(name.toLowerCase()));
}
