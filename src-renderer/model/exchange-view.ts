/**
 * The one builder from the wire's ExchangeRecord to what the detail cards show (STYLE #14):
 * bodies decoded, timings turned into waterfall segments, wire headers marked. Components
 * never parse wire data themselves.
 *
 * The bodies (up to the capture limit each: base64 to decode, text to decode, JSON or a form to
 * parse) are built when a card first reads them, not when the record arrives: opening a request
 * on its overview costs the same for a 1 MiB JSON response as for a 13-byte one.
 */
import type { ExchangeRecord, FindingRecord, LogLine, PythonErrorInfo, StartResponseRecord } from '@contract';
import { buildBodyView, type BodyView } from './body';
import { findHeader } from './content-type';
import { buildWaterfall, type Waterfall } from './waterfall';

export interface WireHeader {
  name: string;
  value: string;
  /** Added by the server, not by the app's start_response. */
  serverAdded: boolean;
}

export interface ErrorView {
  /** The app's exception. */
  exception?: PythonErrorInfo;
  /** For a timeout: the Python stack when the worker was killed. */
  timeoutStack?: string;
  /** For a crash: how the worker exited. */
  exit?: { code: number | null; signal: string | null };
}

export interface ExchangeView {
  id: number;
  method: string;
  url: string;
  status: number;
  outcome: ExchangeRecord['outcome'];
  startedAt: number;
  durationMs: number | null;
  workerPid: number | null;
  generation: number | null;
  replayOf?: number;
  httpVersion: string;
  remoteAddress: string;
  waterfall: Waterfall;
  requestHeaders: [string, string][];
  environ: [string, string][];
  /** Request body bytes in total (also those not captured), without building `requestBody`. */
  requestSize: number;
  /** Built on first read. */
  readonly requestBody: BodyView;
  /** Bytes of wsgi.input the app read. */
  requestBytesRead: number;
  startResponse: StartResponseRecord[];
  usedWrite: boolean;
  responseStatus: string;
  responseHeaders: WireHeader[];
  /** Response body bytes in total, without building `responseBody`. */
  responseSize: number;
  /** Built on first read. */
  readonly responseBody: BodyView;
  responseChunks: number[];
  logs: LogLine[];
  findings: FindingRecord[];
  /** Null when nothing went wrong. */
  error: ErrorView | null;
}

export function buildExchangeView(record: ExchangeRecord): ExchangeView {
  const added = new Set(record.serverAddedHeaders.map((name) => name.toLowerCase()));
  const appHeaders = record.startResponse.at(-1)?.headers ?? [];
  const responseType = findHeader(record.responseHeaders, 'content-type') ?? findHeader(appHeaders, 'content-type');
  let requestBody: BodyView | undefined;
  let responseBody: BodyView | undefined;
  return {
    id: record.id,
    method: record.method,
    url: record.url,
    status: record.status,
    outcome: record.outcome,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    workerPid: record.workerPid,
    generation: record.generation,
    replayOf: record.replayOf,
    httpVersion: record.httpVersion,
    remoteAddress: record.remoteAddress,
    waterfall: buildWaterfall(record.timings),
    requestHeaders: record.requestHeaders,
    environ: record.environ,
    requestSize: record.requestBody.size,
    get requestBody() {
      return (requestBody ??= buildBodyView(record.requestBody, findHeader(record.requestHeaders, 'content-type')));
    },
    requestBytesRead: record.requestBytesRead,
    startResponse: record.startResponse,
    usedWrite: record.usedWrite,
    responseStatus: record.responseStatus,
    responseHeaders: record.responseHeaders.map(([name, value]) => ({ name, value, serverAdded: added.has(name.toLowerCase()) })),
    responseSize: record.responseBody.size,
    get responseBody() {
      return (responseBody ??= buildBodyView(record.responseBody, responseType));
    },
    responseChunks: record.responseChunks,
    logs: record.logs,
    findings: record.findings,
    error: buildErrorView(record),
  };
}

function buildErrorView(record: ExchangeRecord): ErrorView | null {
  if (!record.error && !record.stack && !record.workerExit) return null;
  return { exception: record.error, timeoutStack: record.stack, exit: record.workerExit };
}
