/**
 * The recorder: a RelayObserver that builds one ExchangeRecord per request and keeps it in the
 * store. The master sees the bytes (request and response bodies, the wire head); the worker's
 * END carries what only Python sees (environ as received, start_response calls, findings).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { CaptureMode, ExchangeRecord, LogLine, ReplayEdits } from '../../contract';
import { REPLAY_HEADER, type Gateway } from '../gateway';
import type { Relay, RelayObserver, RelaySummary } from '../relay';
import type { Capture, CaptureOptions } from './index';
import { createRingStore } from './ring-store';
import { BodyBuffer, parseWireHead } from './wire';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** What the recorder keeps on a relay while it runs. */
interface Pending {
  record: ExchangeRecord;
  requestBody: BodyBuffer;
  responseBody: BodyBuffer;
  acceptedAt: number;
}

export function createCapture(gateway: Gateway, options: CaptureOptions = {}): Capture {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const store = createRingStore(options.storeLimits, materialize, deferredBytes);
  const byRequestId = new Map<number, number>();
  const replayWaiters = new Map<string, (id: number) => void>();
  let nextId = 1;
  let mode: CaptureMode = options.mode ?? 'on';

  const elapsed = (pending: Pending) => performance.now() - pending.acceptedAt;

  const observer: RelayObserver = {
    accepted(relay) {
      if (mode !== 'on') return;
      const req = relay.req;
      const id = nextId++;
      const record: ExchangeRecord = {
        id,
        method: req.method ?? '',
        url: req.url ?? '',
        status: 0,
        outcome: 'pending',
        startedAt: Date.now(),
        durationMs: null,
        responseSize: 0,
        workerPid: null,
        generation: null,
        findingCount: 0,
        httpVersion: req.httpVersion,
        remoteAddress: relay.environ.REMOTE_ADDR,
        timings: { accepted: 0 },
        // Heavy fields (headers, environ, bodies as base64) are built on first read: see materialize().
        requestHeaders: [],
        environ: [],
        requestBody: { size: 0, truncated: false, base64: '' },
        requestBytesRead: 0,
        startResponse: [],
        usedWrite: false,
        responseStatus: '',
        responseHeaders: [],
        serverAddedHeaders: [],
        responseBody: { size: 0, truncated: false, base64: '' },
        responseChunks: [],
        logs: [],
        findings: [],
      };
      if (relay.replay) {
        record.replayOf = relay.replay.of;
        replayWaiters.get(relay.replay.nonce)?.(id);
      }
      relay.tag = { record, requestBody: new BodyBuffer(bodyLimit), responseBody: new BodyBuffer(bodyLimit), acceptedAt: performance.now() } satisfies Pending;
      byRequestId.set(relay.id, id);
      // A pending row only matters to a live UI; without one, the record goes in once, complete.
      if (store.listening) store.put(record);
    },
    dispatched(relay, worker) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      pending.record.timings.dispatched = elapsed(pending);
      pending.record.workerPid = worker.pid;
      pending.record.generation = worker.generation;
    },
    requestBody(relay, chunk) {
      (relay.tag as Pending | null)?.requestBody.add(chunk);
    },
    start(relay) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      pending.record.timings.startResponse = elapsed(pending);
    },
    responseBody(relay, chunk) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      pending.record.timings.firstByte ??= elapsed(pending);
      pending.responseBody.add(chunk);
    },
    log(relay, line) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      const entry: LogLine = { stream: line.stream, text: line.text, time: Math.round(line.time * 1000) };
      if (line.level) entry.level = line.level;
      if (line.logger) entry.logger = line.logger;
      pending.record.logs.push(entry);
    },
    finished(relay, summary) {
      const pending = relay.tag as Pending | null;
      byRequestId.delete(relay.id);
      if (!pending) return;
      relay.tag = null;
      complete(pending, relay, summary);
      store.put(pending.record);
    },
  };

  const complete = (pending: Pending, relay: Relay, summary: RelaySummary) => {
    const record = pending.record;
    const done = elapsed(pending);
    record.timings.complete = done;
    record.durationMs = done;
    record.status = summary.status;
    record.outcome = summary.outcome === 'stopped' ? 'rejected' : summary.outcome;
    record.responseSize = summary.bytesSent;
    const end = summary.end;
    const captured = end?.capture;
    if (end) {
      record.requestBytesRead = end.bytesRead;
      if (end.error) record.error = end.error;
      if (captured) {
        record.startResponse = captured.startResponse;
        record.usedWrite = captured.usedWrite;
        record.responseChunks = captured.chunkSizes;
        record.findings = captured.findings;
        record.findingCount = captured.findings.length;
      }
    }
    if (summary.exit) record.workerExit = summary.exit;
    if (summary.stack !== undefined) record.stack = summary.stack;
    deferMaterialize(record, {
      rawHeaders: relay.req.rawHeaders,
      environ: relay.environ,
      environExtra: captured?.environExtra ?? null,
      wireHead: relay.wireHead,
      requestBody: pending.requestBody,
      responseBody: pending.responseBody,
    });
  };

  const applyMode = (next: CaptureMode) => {
    mode = next;
    gateway.setCapture(next === 'on');
    gateway.observer = next === 'off' ? null : observer;
  };
  applyMode(mode);

  return {
    store,
    get mode() {
      return mode;
    },
    setMode: applyMode,
    exchangeIdForRequest: (requestId) => byRequestId.get(requestId) ?? null,
    replay(id, edits) {
      const original = store.get(id);
      if (!original) return Promise.reject(new Error(`no exchange ${id}`));
      return sendReplay(gateway, original, edits ?? {}, replayWaiters);
    },
    detach() {
      gateway.observer = null;
      gateway.setCapture(false);
    },
  };
}

/** Headers a replay must not copy: the new request computes its own. */
const RECOMPUTED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'expect', 'host', REPLAY_HEADER]);

/** Sends the replay through the real front end and resolves with the new exchange's id. */
function sendReplay(gateway: Gateway, original: ExchangeRecord, edits: ReplayEdits, waiters: Map<string, (id: number) => void>): Promise<number> {
  if (original.requestBody.truncated && edits.bodyBase64 === undefined) {
    return Promise.reject(new Error(`exchange ${original.id}'s body was truncated at capture; replay it with an edited body`));
  }
  const nonce = randomBytes(9).toString('base64url');
  const overrides = edits.environ && Object.keys(edits.environ).length ? Buffer.from(JSON.stringify(edits.environ)).toString('base64url') : '';
  const body = Buffer.from(edits.bodyBase64 ?? original.requestBody.base64, 'base64');
  const headers: [string, string][] = (edits.headers ?? original.requestHeaders).filter(([name]) => !RECOMPUTED_HEADERS.has(name.toLowerCase()));
  const flat = headers.flat();
  flat.push('Host', new URL(gateway.url).host);
  flat.push(REPLAY_HEADER, `${gateway.replayToken} ${original.id} ${nonce} ${overrides}`.trimEnd());
  if (body.length) flat.push('Content-Length', String(body.length));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(nonce);
      reject(new Error('the replay was not recorded (is capture on?)'));
    }, 10_000);
    waiters.set(nonce, (newId) => {
      clearTimeout(timer);
      waiters.delete(nonce);
      resolve(newId);
    });
    const request = http.request(gateway.url + (edits.url ?? original.url), { method: edits.method ?? original.method, headers: flat, agent: false }, (response) => response.resume());
    request.on('error', (error) => {
      clearTimeout(timer);
      waiters.delete(nonce);
      reject(error);
    });
    request.end(body);
  });
}

/** What a completed record still needs to build its heavy fields, kept until it is first read. */
interface RawParts {
  rawHeaders: string[];
  environ: Record<string, string>;
  environExtra: [string, string][] | null;
  wireHead: string;
  requestBody: BodyBuffer;
  responseBody: BodyBuffer;
}

/**
 * Most records are never opened: building their header lists, environ pairs and base64 bodies
 * per request would cost the gateway more than the request itself. They are built once, on the
 * first read (store.get / records), from the raw parts kept here.
 */
const deferred = new WeakMap<ExchangeRecord, RawParts>();

function deferMaterialize(record: ExchangeRecord, parts: RawParts): void {
  deferred.set(record, parts);
  // Sizes are known now, so the store can account for them before anything is built.
  record.requestBody = parts.requestBody.sizeOnly();
  record.responseBody = parts.responseBody.sizeOnly();
}

/** Builds the deferred fields of a record (idempotent). */
export function materialize(record: ExchangeRecord): ExchangeRecord {
  const parts = deferred.get(record);
  if (!parts) return record;
  deferred.delete(record);
  const headers: [string, string][] = [];
  for (let i = 0; i < parts.rawHeaders.length; i += 2) {
    if (parts.rawHeaders[i].toLowerCase() !== REPLAY_HEADER) headers.push([parts.rawHeaders[i], parts.rawHeaders[i + 1]]);
  }
  record.requestHeaders = headers;
  const environ = Object.entries(parts.environ);
  record.environ = parts.environExtra ? environ.concat(parts.environExtra) : environ;
  const wire = parseWireHead(parts.wireHead);
  record.responseStatus = wire.status;
  record.responseHeaders = wire.headers;
  if (parts.environExtra) {
    const appHeaders = new Set(record.startResponse.at(-1)?.headers.map(([name]) => name.toLowerCase()));
    record.serverAddedHeaders = wire.headers.map(([name]) => name).filter((name) => !appHeaders.has(name.toLowerCase()));
  }
  record.requestBody = parts.requestBody.capture();
  record.responseBody = parts.responseBody.capture();
  return record;
}

/** Bytes a record's deferred parts hold (the store's budget counts them before they are built). */
export function deferredBytes(record: ExchangeRecord): number {
  const parts = deferred.get(record);
  if (!parts) return 0;
  // Bodies are counted as the base64 they become.
  let bytes = parts.wireHead.length + Math.ceil(((parts.requestBody.keptBytes + parts.responseBody.keptBytes) * 4) / 3);
  for (let i = 0; i < parts.rawHeaders.length; i++) bytes += parts.rawHeaders[i].length + 8;
  for (const key in parts.environ) bytes += key.length + parts.environ[key].length + 16;
  return bytes;
}
