/** Wire records for renderer tests, shaped like the host's (see a real `exchange` answer). */
import type { ArbiterLogEntry, ExchangeRecord, ExchangeSummary, InspectorSnapshot, ServerInfo, WorkerStatus } from '@contract';

const b64 = (text: string) => btoa(text);

export function server(overrides: Partial<ServerInfo> = {}): ServerInfo {
  return {
    state: 'running',
    projectDir: '/home/dev/hello',
    app: 'app:app',
    python: '/usr/bin/python3',
    pythonVersion: '3.11.7',
    url: 'http://127.0.0.1:8000',
    workerCount: 2,
    generation: 1,
    capture: 'on',
    ...overrides,
  };
}

export function worker(pid: number, overrides: Partial<WorkerStatus> = {}): WorkerStatus {
  return { pid, generation: 1, state: 'idle', exchangeId: null, busyForMs: null, served: 0, rss: 17_000_000, cpu: 0.5, startedAt: 1_700_000_000_000, ...overrides };
}

export function summary(id: number, overrides: Partial<ExchangeSummary> = {}): ExchangeSummary {
  return {
    id,
    method: 'GET',
    url: `/items/${id}`,
    status: 200,
    outcome: 'ok',
    startedAt: 1_700_000_000_000 + id,
    durationMs: 2.5,
    responseSize: 13,
    workerPid: 101,
    generation: 1,
    findingCount: 0,
    ...overrides,
  };
}

export function record(id: number, overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  const body = 'Hello, World!';
  return {
    ...summary(id),
    httpVersion: '1.1',
    remoteAddress: '127.0.0.1',
    timings: { accepted: 0, dispatched: 0.2, startResponse: 1.6, firstByte: 1.7, complete: 2.5 },
    requestHeaders: [
      ['Host', '127.0.0.1:8000'],
      ['User-Agent', 'curl/7.88.1'],
    ],
    environ: [
      ['REQUEST_METHOD', 'GET'],
      ['SCRIPT_NAME', ''],
      ['PATH_INFO', `/items/${id}`],
      ['QUERY_STRING', ''],
      ['REMOTE_ADDR', '127.0.0.1'],
      ['HTTP_HOST', '127.0.0.1:8000'],
      ['HTTP_USER_AGENT', 'curl/7.88.1'],
      ['wsgi.url_scheme', 'http'],
      ['wsgi.input', '<RequestInput>'],
      ['gunicorn.socket', '<socket>'],
    ],
    requestBody: { size: 0, truncated: false, base64: '' },
    requestBytesRead: 0,
    startResponse: [
      {
        status: '200 OK',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Length', '13'],
        ],
      },
    ],
    usedWrite: false,
    responseStatus: '200 OK',
    responseHeaders: [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '13'],
      ['Server', 'forkwatch'],
      ['Date', 'Tue, 24 Nov 2026 12:47:14 GMT'],
    ],
    serverAddedHeaders: ['Server', 'Date'],
    responseBody: { size: body.length, truncated: false, base64: b64(body) },
    responseChunks: [body.length],
    logs: [],
    findings: [],
    ...overrides,
  };
}

export function arbiterEntry(seq: number, overrides: Partial<ArbiterLogEntry> = {}): ArbiterLogEntry {
  return { seq, time: 1_700_000_000_000 + seq, kind: 'spawned', message: `Booting worker ${100 + seq}`, pid: 100 + seq, generation: 1, ...overrides };
}

export function snapshot(overrides: Partial<InspectorSnapshot> = {}): InspectorSnapshot {
  return {
    server: server(),
    workers: [worker(101), worker(102, { state: 'busy', exchangeId: 3, busyForMs: 1200 })],
    exchanges: [summary(1), summary(2, { method: 'POST', url: '/form', status: 302 }), summary(3, { status: 0, outcome: 'pending', durationMs: null, workerPid: 102 })],
    arbiterLog: [arbiterEntry(1), arbiterEntry(2)],
    ...overrides,
  };
}
