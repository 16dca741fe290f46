/**
 * The recorder: a RelayObserver that keeps one CapturedExchange per request in the store. The master sees the bytes (request and response bodies, the wire head); the worker's
 * END carries what only Python sees (environ as received, start_response calls, findings).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { CaptureMode, ExchangeRecord, LogLine, ReplayEdits } from '../../contract';
import { CapturedExchange } from './captured-exchange';
import { REPLAY_HEADER, type Gateway } from '../gateway';
import type { Relay, RelayObserver, RelaySummary } from '../relay';
import type { Capture, CaptureOptions } from './index';
import { createRingStore } from './ring-store';
import { BodyBuffer } from './wire';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** What the recorder keeps on a relay while it runs. */
interface Pending {
  exchange: CapturedExchange;
  acceptedAt: number;
}

export function createCapture(gateway: Gateway, options: CaptureOptions = {}): Capture {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const store = createRingStore(options.storeLimits);
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
      const exchange = new CapturedExchange(
        id,
        req.method ?? '',
        req.url ?? '',
        req.httpVersion,
        relay.environ.REMOTE_ADDR,
        Date.now(),
        new BodyBuffer(bodyLimit),
        new BodyBuffer(bodyLimit),
      );
      exchange.rawHeaders = req.rawHeaders.join('\0');
      if (relay.replay) {
        exchange.replayOf = relay.replay.of;
        replayWaiters.get(relay.replay.nonce)?.(id);
      }
      relay.tag = { exchange, acceptedAt: performance.now() } satisfies Pending;
      byRequestId.set(relay.id, id);
      // A pending row only matters to a live UI; without one, the exchange goes in once, complete.
      if (store.listening) store.put(exchange);
    },
    dispatched(relay, worker) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      pending.exchange.dispatched = elapsed(pending);
      pending.exchange.workerPid = worker.pid;
      pending.exchange.generation = worker.generation;
    },
    requestBody(relay, chunk) {
      (relay.tag as Pending | null)?.exchange.requestBody.add(chunk);
    },
    start(relay) {
      const pending = relay.tag as Pending | null;
      if (pending) pending.exchange.startResponse = elapsed(pending);
    },
    responseBody(relay, chunk) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      if (Number.isNaN(pending.exchange.firstByte)) pending.exchange.firstByte = elapsed(pending);
      pending.exchange.responseBody.add(chunk);
    },
    log(relay, line) {
      const pending = relay.tag as Pending | null;
      if (!pending) return;
      const entry: LogLine = { stream: line.stream, text: line.text, time: Math.round(line.time * 1000) };
      if (line.level) entry.level = line.level;
      if (line.logger) entry.logger = line.logger;
      (pending.exchange.logs ??= []).push(entry);
    },
    finished(relay, summary) {
      const pending = relay.tag as Pending | null;
      byRequestId.delete(relay.id);
      if (!pending) return;
      relay.tag = null;
      complete(pending, relay, summary);
      store.put(pending.exchange);
    },
  };

  const complete = (pending: Pending, relay: Relay, summary: RelaySummary) => {
    const exchange = pending.exchange;
    const done = elapsed(pending);
    exchange.complete = done;
    exchange.durationMs = done;
    exchange.status = summary.status;
    exchange.outcome = summary.outcome === 'stopped' ? 'rejected' : summary.outcome;
    exchange.responseSize = summary.bytesSent;
    exchange.findingCount = summary.end?.capture?.findings.length ?? 0;
    // Raw, not parsed: see CapturedExchange. The END payload is a view into a socket read.
    exchange.requestPayload = relay.requestPayload;
    exchange.endPayload = relay.endPayload && Buffer.from(relay.endPayload);
    exchange.wireHead = relay.wireHead;
    if (summary.exit) exchange.workerExit = summary.exit;
    if (summary.stack !== undefined) exchange.stack = summary.stack;
    exchange.invalidate();
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
