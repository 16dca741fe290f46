/**
 * One exchange as the store keeps it: a handful of numbers and strings plus the raw bytes it
 * was seen as (the REQUEST payload, the END JSON, the wire head, the bodies), and the full
 * ExchangeRecord built from them only when someone reads it.
 *
 * Why: thousands of retained records, each a tree of arrays and objects (environ pairs,
 * headers, parsed JSON), made the garbage collector the gateway's main cost. Raw Buffers live
 * outside the JS heap and a few flat fields are cheap to keep.
 */
import type { ExchangeOutcome, ExchangeRecord, ExchangeSummary, ExchangeTimings, LogLine } from '../../contract';
import { REPLAY_HEADER } from '../gateway';
import type { RequestEnd } from '../protocol';
import type { StoredExchange } from './store';
import { summarize } from './ring-store';
import { BodyBuffer, parseWireHead } from './wire';


/** Fixed cost per exchange beyond what is counted field by field. */
const EXCHANGE_OVERHEAD = 512;

export class CapturedExchange implements StoredExchange {
  status = 0;
  outcome: ExchangeOutcome = 'pending';
  durationMs: number | null = null;
  responseSize = 0;
  workerPid: number | null = null;
  generation: number | null = null;
  findingCount = 0;
  replayOf: number | undefined = undefined;
  /** ms after accepted; NaN until it happens. */
  dispatched = NaN;
  startResponse = NaN;
  firstByte = NaN;
  complete = NaN;
  /** The request headers as received, "name\0value\0..." in one string (one heap object, not 2n). */
  rawHeaders = '';
  requestPayload: Buffer | null = null;
  endPayload: Buffer | null = null;
  wireHead = '';
  logs: LogLine[] | null = null;
  workerExit: { code: number | null; signal: string | null } | undefined = undefined;
  stack: string | undefined = undefined;
  private built: ExchangeRecord | null = null;

  constructor(
    readonly id: number,
    readonly method: string,
    readonly url: string,
    readonly httpVersion: string,
    readonly remoteAddress: string,
    readonly startedAt: number,
    readonly requestBody: BodyBuffer,
    readonly responseBody: BodyBuffer,
  ) {}

  bytes(): number {
    let bytes = EXCHANGE_OVERHEAD + this.wireHead.length + (this.stack?.length ?? 0);
    // Bodies are counted as the base64 they become in the record.
    bytes += Math.ceil(((this.requestBody.keptBytes + this.responseBody.keptBytes) * 4) / 3);
    bytes += (this.requestPayload?.length ?? 0) * 2 + (this.endPayload?.length ?? 0) * 2;
    bytes += this.rawHeaders.length;
    if (this.logs) for (const line of this.logs) bytes += line.text.length + 64;
    return bytes;
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
    const end = this.endPayload ? (JSON.parse(this.endPayload.toString('utf8')) as RequestEnd) : null;
    const captured = end?.capture;
    const wire = parseWireHead(this.wireHead);
    const environ = decodeEnviron(this.requestPayload);
    const record: ExchangeRecord = {
      ...this.summary(),
      httpVersion: this.httpVersion,
      remoteAddress: this.remoteAddress,
      timings: this.timings(),
      requestHeaders: pairs(this.rawHeaders.split('\0')).filter(([name]) => name.toLowerCase() !== REPLAY_HEADER),
      environ: captured ? environ.concat(captured.environExtra) : environ,
      requestBody: this.requestBody.capture(),
      requestBytesRead: end?.bytesRead ?? 0,
      startResponse: captured?.startResponse ?? [],
      usedWrite: captured?.usedWrite ?? false,
      responseStatus: wire.status,
      responseHeaders: wire.headers,
      serverAddedHeaders: captured ? serverAdded(wire.headers, captured.startResponse.at(-1)?.headers ?? []) : [],
      responseBody: this.responseBody.capture(),
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

  private timings(): ExchangeTimings {
    const timings: ExchangeTimings = { accepted: 0 };
    if (!Number.isNaN(this.dispatched)) timings.dispatched = this.dispatched;
    if (!Number.isNaN(this.startResponse)) timings.startResponse = this.startResponse;
    if (!Number.isNaN(this.firstByte)) timings.firstByte = this.firstByte;
    if (!Number.isNaN(this.complete)) timings.complete = this.complete;
    return timings;
  }
}

/** The environ pairs of a REQUEST payload (flags byte, then "k\0v\0..." latin-1). */
export function decodeEnviron(payload: Buffer | null): [string, string][] {
  if (!payload || payload.length < 2) return [];
  return pairs(payload.toString('latin1', 1).split('\0'));
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
