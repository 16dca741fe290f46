/**
 * One exchange as the store keeps it: a handful of numbers and strings plus the raw bytes it
 * was seen as (the REQUEST payload, the END JSON, the request headers, the wire head, the
 * bodies), and the full ExchangeRecord built from them only when someone reads it.
 *
 * Why: thousands of retained records, each a tree of arrays and objects (environ pairs,
 * headers, parsed JSON), made the garbage collector the gateway's main cost. Once complete, an
 * exchange is sealed: every byte-heavy part is copied into one slice of a shared slab (see
 * PackArena), so a stored exchange is two heap objects, whatever it captured.
 */
import type { BodyCapture, ExchangeOutcome, ExchangeRecord, ExchangeSummary, ExchangeTimings, LogLine } from '../../contract';
import { REPLAY_HEADER } from '../gateway';
import { decodeEnd, decodeEndCapture } from '../protocol';
import type { PackArena } from './pack-arena';
import type { StoredExchange } from './store';
import { summarize } from './ring-store';
import { BodyBuffer, parseWireHead } from './wire';

/**
 * Heap bytes per stored exchange beyond its packed bytes: the object (its time fields are boxed
 * numbers), its strings, the Buffer view and the store's map entries: about 0.6 KiB live (heap
 * used after a full GC divided by exchanges held), counted as 1.5 KiB because between full
 * collections the heap holds about twice its live size. So the byte budget bounds memory.
 */
const EXCHANGE_OVERHEAD = 1536;

/** The microsecond clock wraps here: its values stay small integers (2^30 us is 17.9 minutes). */
const CLOCK_WRAP = 2 ** 30;

function clockTick(): number {
  return Math.round(performance.now() * 1000) % CLOCK_WRAP;
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
  // would be one more heap object per field, per exchange, for the garbage collector to copy.
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

  // While it runs, the parts as they came (seal() moves them into `packed`).
  /** The request headers as received, "name\0value\0..." in one string (one heap object, not 2n). */
  rawHeaders = '';
  requestPayload: Buffer | null = null;
  /** The END payload; may be a view into a socket read until sealed (seal copies it). */
  endPayload: Buffer | null = null;
  wireHead = '';
  private requestBody: BodyBuffer | null = null;
  private responseBody: BodyBuffer | null = null;

  // Once sealed: [REQUEST payload | END | headers | wire head | request body | response body],
  // with the end offset of each part and the bodies' full sizes (kept bytes may be fewer).
  private packed: Buffer | null = null;
  private arena: PackArena | null = null;
  private environEnd = 0;
  private endEnd = 0;
  private headersEnd = 0;
  private wireHeadEnd = 0;
  private requestBodyEnd = 0;
  private requestBodySize = 0;
  private responseBodySize = 0;
  private built: ExchangeRecord | null = null;

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

  /** Moves every byte-heavy part into one slice from the arena; call once, when complete. */
  seal(arena: PackArena): void {
    const environ = this.requestPayload;
    const end = this.endPayload;
    const requestBody = this.requestBody;
    const responseBody = this.responseBody;
    // Header strings are latin1 (one byte per character), as Node reads and writes them.
    const size =
      (environ?.length ?? 0) + (end?.length ?? 0) + this.rawHeaders.length + this.wireHead.length + (requestBody?.keptBytes ?? 0) + (responseBody?.keptBytes ?? 0);
    const packed = arena.alloc(size);
    let at = environ ? environ.copy(packed, 0) : 0;
    this.environEnd = at;
    if (end) at += end.copy(packed, at);
    this.endEnd = at;
    at += packed.write(this.rawHeaders, at, 'latin1');
    this.headersEnd = at;
    at += packed.write(this.wireHead, at, 'latin1');
    this.wireHeadEnd = at;
    if (requestBody) at = requestBody.copyTo(packed, at);
    this.requestBodyEnd = at;
    if (responseBody) responseBody.copyTo(packed, at);
    this.requestBodySize = requestBody?.totalBytes ?? 0;
    this.responseBodySize = responseBody?.totalBytes ?? 0;
    this.packed = packed;
    this.arena = arena;
    this.requestPayload = this.endPayload = this.requestBody = this.responseBody = null;
    this.rawHeaders = this.wireHead = '';
    this.built = null;
  }

  /** Gives its packed bytes back to the arena (the store evicted it); its record is gone with them. */
  evicted(): void {
    if (this.packed) this.arena?.release(this.packed);
    this.packed = this.arena = this.built = null;
    this.environEnd = this.endEnd = this.headersEnd = this.wireHeadEnd = this.requestBodyEnd = 0;
    this.requestBodySize = this.responseBodySize = 0;
  }

  bytes(): number {
    let bytes = EXCHANGE_OVERHEAD + (this.stack?.length ?? 0);
    if (this.logs) for (const line of this.logs) bytes += line.text.length + 64;
    if (this.packed) return bytes + this.packed.length;
    bytes += (this.requestPayload?.length ?? 0) + (this.endPayload?.length ?? 0) + this.rawHeaders.length + this.wireHead.length;
    return bytes + (this.requestBody?.keptBytes ?? 0) + (this.responseBody?.keptBytes ?? 0);
  }

  summary(): ExchangeSummary {
    return summarize(this);
  }

  /** Drops a built record so the next read rebuilds it (after the exchange changed). */
  invalidate(): void {
    this.built = null;
  }

  record(): ExchangeRecord {
    if (this.built) return this.built;
    const endBytes = this.part(this.environEnd, this.endEnd, this.endPayload);
    const end = endBytes ? decodeEnd(endBytes) : null;
    const captured = endBytes ? decodeEndCapture(endBytes) : undefined;
    const wire = parseWireHead(this.packed ? this.packed.toString('latin1', this.headersEnd, this.wireHeadEnd) : this.wireHead);
    const environ = decodeEnviron(this.part(0, this.environEnd, this.requestPayload));
    const rawHeaders = this.packed ? this.packed.toString('latin1', this.endEnd, this.headersEnd) : this.rawHeaders;
    const record: ExchangeRecord = {
      ...this.summary(),
      httpVersion: this.httpVersion,
      remoteAddress: this.remoteAddress,
      timings: this.timings(),
      requestHeaders: pairs(rawHeaders.split('\0')).filter(([name]) => name.toLowerCase() !== REPLAY_HEADER),
      environ: captured ? environ.concat(captured.environExtra) : environ,
      requestBody: this.packed ? this.packedBody(this.wireHeadEnd, this.requestBodyEnd, this.requestBodySize) : (this.requestBody?.capture() ?? noBody()),
      requestBytesRead: end?.bytesRead ?? 0,
      startResponse: captured?.startResponse ?? [],
      usedWrite: captured?.usedWrite ?? false,
      responseStatus: wire.status,
      responseHeaders: wire.headers,
      serverAddedHeaders: captured ? serverAdded(wire.headers, captured.startResponse.at(-1)?.headers ?? []) : [],
      responseBody: this.packed ? this.packedBody(this.requestBodyEnd, this.packed.length, this.responseBodySize) : (this.responseBody?.capture() ?? noBody()),
      responseChunks: captured?.chunkSizes ?? [],
      logs: this.logs ?? [],
      findings: captured?.findings ?? [],
    };
    if (end?.error) record.error = end.error;
    if (this.workerExit) record.workerExit = this.workerExit;
    if (this.stack !== undefined) record.stack = this.stack;
    // A pending exchange changes again: build it fresh next time.
    if (this.outcome !== 'pending') this.built = record;
    return record;
  }

  /** A packed part, or the live one before sealing; null when it is empty. */
  private part(start: number, end: number, live: Buffer | null): Buffer | null {
    if (!this.packed) return live;
    return end > start ? this.packed.subarray(start, end) : null;
  }

  private packedBody(start: number, end: number, size: number): BodyCapture {
    if (size === 0) return noBody();
    return { size, truncated: size > end - start, base64: this.packed!.toString('base64', start, end) };
  }

  private timings(): ExchangeTimings {
    const timings: ExchangeTimings = { accepted: 0 };
    if (this.dispatchedUs >= 0) timings.dispatched = this.dispatchedUs / 1000;
    if (this.startResponseUs >= 0) timings.startResponse = this.startResponseUs / 1000;
    if (this.firstByteUs >= 0) timings.firstByte = this.firstByteUs / 1000;
    if (this.completeUs >= 0) timings.complete = this.completeUs / 1000;
    return timings;
  }
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
