/**
 * Hand-built ExchangeRecords for the capture export tests: a complete, plausible GET served
 * by a worker, with overrides. Bodies are given as bytes or text and stored base64, as the
 * capture stores them.
 */
import type { BodyCapture, ExchangeRecord } from '../../../../src-main/contract';

/** 2026-01-02T03:04:05.678Z */
export const STARTED_AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

export function capture(body: string | Uint8Array, options: { size?: number; truncated?: boolean } = {}): BodyCapture {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return { size: options.size ?? bytes.length, truncated: options.truncated ?? false, base64: bytes.toString('base64') };
}

export const EMPTY_BODY: BodyCapture = { size: 0, truncated: false, base64: '' };

export function makeRecord(overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  const responseBody = overrides.responseBody ?? capture('Hello, world!\n');
  const record: ExchangeRecord = {
    id: 7,
    method: 'GET',
    url: '/items?page=2&q=caf%C3%A9+au+lait',
    status: 200,
    outcome: 'ok',
    startedAt: STARTED_AT,
    durationMs: 12.5,
    responseSize: responseBody.size,
    workerPid: 4242,
    generation: 3,
    findingCount: 0,
    httpVersion: '1.1',
    remoteAddress: '127.0.0.1',
    timings: { accepted: STARTED_AT, dispatched: 0.5, startResponse: 9, firstByte: 10, complete: 12.5 },
    requestHeaders: [
      ['Host', '127.0.0.1:8000'],
      ['User-Agent', 'test-agent/1.0'],
      ['Accept', '*/*'],
      ['Cookie', 'session=abc123; theme=dark'],
    ],
    environ: [
      ['REQUEST_METHOD', 'GET'],
      ['SCRIPT_NAME', ''],
      ['PATH_INFO', '/items'],
      ['QUERY_STRING', 'page=2&q=caf%C3%A9+au+lait'],
      ['RAW_URI', '/items?page=2&q=caf%C3%A9+au+lait'],
      ['SERVER_NAME', '127.0.0.1'],
      ['SERVER_PORT', '8000'],
      ['SERVER_PROTOCOL', 'HTTP/1.1'],
      ['REMOTE_ADDR', '127.0.0.1'],
      ['REMOTE_PORT', '51234'],
      ['HTTP_HOST', '127.0.0.1:8000'],
      ['HTTP_USER_AGENT', 'test-agent/1.0'],
      ['HTTP_ACCEPT', '*/*'],
      ['HTTP_COOKIE', 'session=abc123; theme=dark'],
      ['wsgi.url_scheme', 'http'],
      ['wsgi.input', '<BufferedReader>'],
    ],
    requestBody: EMPTY_BODY,
    requestBytesRead: 0,
    startResponse: [{ status: '200 OK', headers: [['Content-Type', 'text/plain; charset=utf-8']] }],
    usedWrite: false,
    responseStatus: '200 OK',
    responseHeaders: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Set-Cookie', 'seen=1; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax'],
      ['Date', 'Fri, 02 Jan 2026 03:04:05 GMT'],
      ['Server', 'forkwatch'],
      ['Content-Length', String(responseBody.size)],
    ],
    serverAddedHeaders: ['Date', 'Server', 'Content-Length'],
    responseBody,
    responseChunks: [responseBody.size],
    logs: [{ stream: 'stdout', text: 'serving items', time: STARTED_AT + 5 }],
    findings: [],
  };
  return { ...record, ...overrides };
}

/** A POST of `body` with its Content-Type and Content-Length, read in full by the app. */
export function makePost(body: string | Uint8Array, contentType: string | null, overrides: Partial<ExchangeRecord> = {}): ExchangeRecord {
  const requestBody = capture(body);
  const headers: [string, string][] = [
    ['Host', '127.0.0.1:8000'],
    ['User-Agent', 'test-agent/1.0'],
    ['Accept', '*/*'],
  ];
  if (contentType !== null) headers.push(['Content-Type', contentType]);
  headers.push(['Content-Length', String(requestBody.size)]);
  return makeRecord({
    method: 'POST',
    url: '/submit',
    requestHeaders: headers,
    requestBody,
    requestBytesRead: requestBody.size,
    ...overrides,
  });
}
