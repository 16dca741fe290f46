/**
 * The recorder: a RelayObserver that keeps one CapturedExchange per request in the store. The master sees the bytes (request and response bodies, the wire head); the worker's
 * END carries what only Python sees (environ as received, start_response calls, findings).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { CaptureMode, ExchangeRecord, LogLine, ReplayEdits } from '../../contract';
import { CapturedExchange, type SealedExchange } from './captured-exchange';
import { REPLAY_HEADER, type Gateway } from '../gateway';
import type { Relay, RelayObserver, RelaySummary } from '../relay';
import type { Capture, CaptureOptions } from './index';
import { createRingStore } from './ring-store';
import { PackArena } from './pack-arena';
import { IdIndex } from './id-index';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createCapture(gateway: Gateway, options: CaptureOptions = {}): Capture {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const store = createRingStore(options.storeLimits);
  const arena = new PackArena();
  // Request id -> exchange id of the requests in flight. Not a Map: a long-lived Map that takes
  // a set and a delete per request rebuilds its table in the old generation every few requests
  // (see IdIndex), which made the old generation grow by megabytes a second.
  const byRequestId = new IdIndex();
  const replayWaiters = new Map<string, (id: number) => void>();
  let nextId = 1;
  let mode: CaptureMode = options.mode ?? 'on';

  // relay.tag holds the exchange under construction (null when capture was not on at accept).

  const observer: RelayObserver = {
    accepted(relay) {
      if (mode !== 'on') return;
      const req = relay.req;
      const id = nextId++;
      const exchange = new CapturedExchange(id, req.method ?? '', req.url ?? '', req.httpVersion, relay.environ.REMOTE_ADDR, Date.now(), bodyLimit);
      exchange.rawHeaders = req.rawHeaders.join('\0');
      if (relay.replay) {
        exchange.replayOf = relay.replay.of;
        replayWaiters.get(relay.replay.nonce)?.(id);
      }
      relay.tag = exchange;
      byRequestId.set(relay.id, id);
      // A pending row only matters to a live UI; without one, the exchange goes in once, complete.
      if (store.listening) store.put(exchange);
    },
    dispatched(relay, worker) {
      const exchange = relay.tag as CapturedExchange | null;
      if (!exchange) return;
      exchange.dispatchedUs = exchange.elapsedUs();
      exchange.workerPid = worker.pid;
      exchange.generation = worker.generation;
    },
    requestBody(relay, chunk) {
      (relay.tag as CapturedExchange | null)?.addRequestBody(chunk);
    },
    start(relay) {
      const exchange = relay.tag as CapturedExchange | null;
      if (exchange) exchange.startResponseUs = exchange.elapsedUs();
    },
    responseBody(relay, chunk) {
      const exchange = relay.tag as CapturedExchange | null;
      if (!exchange) return;
      if (exchange.firstByteUs < 0) exchange.firstByteUs = exchange.elapsedUs();
      exchange.addResponseBody(chunk);
    },
    log(relay, line) {
      const exchange = relay.tag as CapturedExchange | null;
      if (!exchange) return;
      const entry: LogLine = { stream: line.stream, text: line.text, time: Math.round(line.time * 1000) };
      if (line.level) entry.level = line.level;
      if (line.logger) entry.logger = line.logger;
      (exchange.logs ??= []).push(entry);
    },
    finished(relay, summary) {
      const exchange = relay.tag as CapturedExchange | null;
      byRequestId.delete(relay.id);
      if (!exchange) return;
      relay.tag = null;
      store.put(complete(exchange, relay, summary));
    },
  };

  const complete = (exchange: CapturedExchange, relay: Relay, summary: RelaySummary): SealedExchange => {
    exchange.completeUs = exchange.elapsedUs();
    exchange.status = summary.status;
    exchange.outcome = summary.outcome === 'stopped' ? 'rejected' : summary.outcome;
    exchange.responseSize = summary.bytesSent;
    exchange.findingCount = summary.end?.findingCount ?? 0;
    // Raw, not parsed: see CapturedExchange. seal() copies them (END is a view into a socket read).
    exchange.requestPayload = relay.requestPayload;
    exchange.endPayload = relay.endPayload;
    exchange.wireHead = relay.wireHead;
    if (summary.exit) exchange.workerExit = summary.exit;
    if (summary.stack !== undefined) exchange.stack = summary.stack;
    return exchange.seal(arena);
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
