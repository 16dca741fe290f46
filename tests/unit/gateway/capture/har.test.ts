import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../../../src-main/contract';
import { FORKWATCH_VERSION, parseSetCookie, toHar, type HarLog } from '../../../../src-main/gateway/capture/har';
import { EMPTY_BODY, STARTED_AT, capture, makePost, makeRecord } from './fixtures';

// ---------------------------------------------------------------------------------------------
// A structural validator for HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), plus
// the few things Chrome DevTools' importer (front_end/models/har/HARFormat.ts) is stricter
// about. It returns every problem found, as "path: problem".
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
type Problems = string[];

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface FieldSpec {
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  required: boolean;
}

const req = (type: FieldSpec['type']): FieldSpec => ({ type, required: true });
const opt = (type: FieldSpec['type']): FieldSpec => ({ type, required: false });

/** Checks an object's fields: required ones present, types right, unknown ones "_"-prefixed. */
function checkObject(value: unknown, path: string, fields: Record<string, FieldSpec>, problems: Problems): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object`);
    return false;
  }
  const object = value as Json;
  for (const [name, spec] of Object.entries(fields)) {
    const field = object[name];
    if (field === undefined) {
      if (spec.required) problems.push(`${path}.${name}: required`);
      continue;
    }
    const actual = Array.isArray(field) ? 'array' : field === null ? 'null' : typeof field;
    if (actual !== spec.type) problems.push(`${path}.${name}: expected ${spec.type}, got ${actual}`);
    else if (spec.type === 'number' && !Number.isFinite(field)) problems.push(`${path}.${name}: not a finite number`);
  }
  for (const name of Object.keys(object)) {
    if (!(name in fields) && !name.startsWith('_')) problems.push(`${path}.${name}: unknown field without "_" prefix`);
  }
  return true;
}

function checkArray(value: unknown, path: string, each: (item: unknown, path: string) => void, problems: Problems): void {
  if (!Array.isArray(value)) {
    problems.push(`${path}: expected an array`);
    return;
  }
  value.forEach((item, index) => each(item, `${path}[${index}]`));
}

function checkNameValues(value: unknown, path: string, problems: Problems): void {
  checkArray(value, path, (item, itemPath) => {
    checkObject(item, itemPath, { name: req('string'), value: req('string'), comment: opt('string') }, problems);
  }, problems);
}

function checkCookies(value: unknown, path: string, problems: Problems): void {
  checkArray(value, path, (item, itemPath) => {
    const fields = {
      name: req('string'),
      value: req('string'),
      path: opt('string'),
      domain: opt('string'),
      expires: opt('string'),
      httpOnly: opt('boolean'),
      secure: opt('boolean'),
      comment: opt('string'),
    } as const;
    if (checkObject(item, itemPath, fields, problems) && typeof item.expires === 'string') {
      // Chrome rejects the whole file on an invalid date.
      if (!ISO_8601.test(item.expires) || Number.isNaN(Date.parse(item.expires))) problems.push(`${itemPath}.expires: not ISO 8601`);
    }
  }, problems);
}

function checkSize(value: unknown, path: string, problems: Problems): void {
  if (typeof value === 'number' && value < -1) problems.push(`${path}: below -1`);
}

function checkRequest(value: unknown, path: string, problems: Problems): void {
  const fields = {
    method: req('string'),
    url: req('string'),
    httpVersion: req('string'),
    cookies: req('array'),
    headers: req('array'),
    queryString: req('array'),
    postData: opt('object'),
    headersSize: req('number'),
    bodySize: req('number'),
    comment: opt('string'),
  } as const;
  if (!checkObject(value, path, fields, problems)) return;
  if (typeof value.url === 'string' && !URL.canParse(value.url)) problems.push(`${path}.url: not an absolute URL`);
  checkCookies(value.cookies, `${path}.cookies`, problems);
  checkNameValues(value.headers, `${path}.headers`, problems);
  checkNameValues(value.queryString, `${path}.queryString`, problems);
  checkSize(value.headersSize, `${path}.headersSize`, problems);
  checkSize(value.bodySize, `${path}.bodySize`, problems);
  if (value.postData !== undefined) {
    const postFields = { mimeType: req('string'), params: opt('array'), text: opt('string'), comment: opt('string') } as const;
    if (checkObject(value.postData, `${path}.postData`, postFields, problems)) {
      // Chrome's importer reads only `text` (String(undefined) otherwise).
      if (typeof value.postData.text !== 'string') problems.push(`${path}.postData.text: Chrome needs text`);
      if (value.postData.params !== undefined) {
        checkArray(value.postData.params, `${path}.postData.params`, (item, itemPath) => {
          const paramFields = {
            name: req('string'),
            value: opt('string'),
            fileName: opt('string'),
            contentType: opt('string'),
            comment: opt('string'),
          } as const;
          checkObject(item, itemPath, paramFields, problems);
        }, problems);
      }
    }
  }
}

function checkResponse(value: unknown, path: string, problems: Problems): void {
  const fields = {
    status: req('number'),
    statusText: req('string'),
    httpVersion: req('string'),
    cookies: req('array'),
    headers: req('array'),
    content: req('object'),
    redirectURL: req('string'),
    headersSize: req('number'),
    bodySize: req('number'),
    comment: opt('string'),
  } as const;
  if (!checkObject(value, path, fields, problems)) return;
  checkCookies(value.cookies, `${path}.cookies`, problems);
  checkNameValues(value.headers, `${path}.headers`, problems);
  checkSize(value.headersSize, `${path}.headersSize`, problems);
  checkSize(value.bodySize, `${path}.bodySize`, problems);
  const contentFields = {
    size: req('number'),
    compression: opt('number'),
    mimeType: req('string'),
    text: opt('string'),
    encoding: opt('string'),
    comment: opt('string'),
  } as const;
  if (checkObject(value.content, `${path}.content`, contentFields, problems)) {
    if (value.content.encoding !== undefined && value.content.encoding !== 'base64') {
      problems.push(`${path}.content.encoding: only base64 is meaningful`);
    }
    if (value.content.encoding === 'base64' && typeof value.content.text === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value.content.text)) {
      problems.push(`${path}.content.text: not base64`);
    }
  }
}

const TIMING_FIELDS = {
  blocked: opt('number'),
  dns: opt('number'),
  connect: opt('number'),
  send: req('number'),
  wait: req('number'),
  receive: req('number'),
  ssl: opt('number'),
  comment: opt('string'),
} as const;

function checkTimings(value: unknown, path: string, entryTime: unknown, problems: Problems): void {
  if (!checkObject(value, path, TIMING_FIELDS, problems)) return;
  for (const name of ['blocked', 'dns', 'connect', 'ssl'] as const) {
    const timing = value[name];
    if (typeof timing === 'number' && timing < 0 && timing !== -1) problems.push(`${path}.${name}: negative but not -1`);
  }
  for (const name of ['send', 'wait', 'receive'] as const) {
    const timing = value[name];
    if (typeof timing === 'number' && timing < 0) problems.push(`${path}.${name}: must not be negative (-1 not allowed)`);
  }
  // entry.time is the sum of the applicable timings; ssl is included in connect.
  let sum = 0;
  for (const name of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'] as const) {
    const timing = value[name];
    if (typeof timing === 'number' && timing > 0) sum += timing;
  }
  if (typeof entryTime === 'number' && Math.abs(entryTime - sum) > 1e-6) problems.push(`${path}: sum ${sum} != entry.time ${entryTime}`);
}

function checkEntry(value: unknown, path: string, problems: Problems): void {
  const fields = {
    pageref: opt('string'),
    startedDateTime: req('string'),
    time: req('number'),
    request: req('object'),
    response: req('object'),
    cache: req('object'),
    timings: req('object'),
    serverIPAddress: opt('string'),
    connection: opt('string'),
    comment: opt('string'),
  } as const;
  if (!checkObject(value, path, fields, problems)) return;
  if (typeof value.startedDateTime === 'string' && !ISO_8601.test(value.startedDateTime)) {
    problems.push(`${path}.startedDateTime: not ISO 8601`);
  }
  if (typeof value.time === 'number' && value.time < 0) problems.push(`${path}.time: negative`);
  checkRequest(value.request, `${path}.request`, problems);
  checkResponse(value.response, `${path}.response`, problems);
  checkObject(value.cache, `${path}.cache`, { beforeRequest: opt('object'), afterRequest: opt('object'), comment: opt('string') }, problems);
  checkTimings(value.timings, `${path}.timings`, value.time, problems);
}

function validateHar(root: unknown): Problems {
  const problems: Problems = [];
  if (!checkObject(root, '$', { log: req('object') }, problems)) return problems;
  const log = root.log;
  const fields = {
    version: req('string'),
    creator: req('object'),
    browser: opt('object'),
    pages: opt('array'),
    entries: req('array'),
    comment: opt('string'),
  } as const;
  if (!checkObject(log, '$.log', fields, problems)) return problems;
  if (log.version !== '1.2') problems.push('$.log.version: expected "1.2"');
  checkObject(log.creator, '$.log.creator', { name: req('string'), version: req('string'), comment: opt('string') }, problems);
  checkArray(log.entries, '$.log.entries', (entry, path) => checkEntry(entry, path, problems), problems);
  return problems;
}

/** What a HAR file holds: the log as JSON, read back. */
function harFile(records: ExchangeRecord[]): { log: HarLog } {
  const log = toHar(records);
  const text = JSON.stringify({ log });
  const parsed = JSON.parse(text) as { log: HarLog };
  // Nothing is lost in JSON: no undefined values, NaN or Infinity.
  expect(parsed).toEqual({ log });
  return parsed;
}

// ---------------------------------------------------------------------------------------------

const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe, 0x80]);

const SCENARIOS: Record<string, () => ExchangeRecord> = {
  get: () => makeRecord(),
  formPost: () => makePost('name=Ada+Lovelace&lang=en&note=caf%C3%A9%21&empty=&flag', 'application/x-www-form-urlencoded'),
  jsonPost: () => makePost('{"a": 1}', 'application/json'),
  binaryBodies: () =>
    makePost(PNG_BYTES, 'image/png', {
      responseHeaders: [['Content-Type', 'image/png'], ['Content-Length', String(PNG_BYTES.length)]],
      responseBody: capture(PNG_BYTES),
      responseSize: PNG_BYTES.length,
    }),
  nonUtf8Bodies: () =>
    makePost(Buffer.from('caf\xe9', 'latin1'), 'text/plain; charset=iso-8859-1', {
      responseHeaders: [['Content-Type', 'text/plain; charset=iso-8859-1']],
      responseBody: capture(Buffer.from('na\xefve', 'latin1')),
      responseSize: 5,
    }),
  truncatedBodies: () =>
    makePost('a=1&b=2&c=3', 'application/x-www-form-urlencoded', {
      requestBody: capture('a=1&b=', { size: 11, truncated: true }),
      requestBytesRead: 11,
      responseBody: capture('0123456789', { size: 5_000_000, truncated: true }),
      responseSize: 5_000_000,
    }),
  appError: () =>
    makeRecord({
      status: 500,
      outcome: 'app-error',
      responseStatus: '500 Internal Server Error',
      responseHeaders: [['Content-Type', 'text/html'], ['Content-Length', '21']],
      responseBody: capture('Internal Server Error'),
      responseSize: 21,
      error: { type: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback ...', filename: 'app.py', lineno: 3 },
      findingCount: 1,
      findings: [{ code: 'app-error', message: 'The app raised ZeroDivisionError.' }],
    }),
  crash: () =>
    makeRecord({
      status: 502,
      outcome: 'crash',
      responseStatus: '502 Bad Gateway',
      responseHeaders: [['Content-Type', 'text/plain']],
      responseBody: capture('worker died'),
      responseSize: 11,
      // No first byte from the app: the whole time counts as waiting.
      timings: { accepted: STARTED_AT, dispatched: 1, complete: 40 },
      workerExit: { code: null, signal: 'SIGSEGV' },
    }),
  rejected: () =>
    makeRecord({
      status: 431,
      outcome: 'rejected',
      responseStatus: '431 Request Header Fields Too Large',
      environ: [],
      workerPid: null,
      generation: null,
      timings: { accepted: STARTED_AT, complete: 0.2 },
      responseHeaders: [],
      responseBody: EMPTY_BODY,
      responseSize: 0,
      startResponse: [],
    }),
  pending: () =>
    makeRecord({
      status: 200,
      outcome: 'pending',
      durationMs: null,
      timings: { accepted: STARTED_AT, dispatched: 0.5, startResponse: 3, firstByte: 4 },
      responseBody: capture('partial'),
      responseSize: 7,
    }),
};

describe('toHar: structure', () => {
  it('the validator catches broken HAR (so its silence means something)', () => {
    const { log } = harFile([makeRecord()]);
    const broken = structuredClone(log) as unknown as { entries: Json[] };
    const entry = broken.entries[0] as { timings: Json; request: Json; response: Json; extra?: number };
    entry.timings.wait = -1;
    delete entry.request.headersSize;
    entry.response.status = '200';
    entry.extra = 1;
    const problems = validateHar({ log: broken });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('timings.wait'),
        expect.stringContaining('request.headersSize: required'),
        expect.stringContaining('response.status: expected number'),
        expect.stringContaining('extra: unknown field'),
      ]),
    );
  });

  for (const [name, build] of Object.entries(SCENARIOS)) {
    it(`is valid HAR 1.2: ${name}`, () => {
      expect(validateHar(harFile([build()]))).toEqual([]);
    });
  }

  it('is valid HAR 1.2 with every scenario in one log, in the given order', () => {
    const records = Object.values(SCENARIOS).map((build, index) => ({ ...build(), id: index + 1 }));
    const { log } = harFile(records);
    expect(validateHar({ log })).toEqual([]);
    expect(log.entries.map((entry) => entry._id)).toEqual(records.map((record) => record.id));
  });

  it('writes version 1.2 and the creator', () => {
    expect(toHar([])).toEqual({ version: '1.2', creator: { name: 'forkwatch', version: FORKWATCH_VERSION }, entries: [] });
    expect(toHar([], { name: 'x', version: '9' }).creator).toEqual({ name: 'x', version: '9' });
  });

  it("uses package.json's version by default", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(FORKWATCH_VERSION).toBe(pkg.version);
  });
});

describe('toHar: a GET', () => {
  const [entry] = harFile([makeRecord()]).log.entries;

  it('builds the absolute URL from the environ and decodes the query', () => {
    expect(entry.request.url).toBe('http://127.0.0.1:8000/items?page=2&q=caf%C3%A9+au+lait');
    expect(entry.request.queryString).toEqual([
      { name: 'page', value: '2' },
      { name: 'q', value: 'café au lait' },
    ]);
    expect(entry.request.method).toBe('GET');
    expect(entry.request.httpVersion).toBe('HTTP/1.1');
    expect(entry.request.postData).toBeUndefined();
    expect(entry.request.bodySize).toBe(0);
    expect(entry.request.headersSize).toBe(-1);
  });

  it('parses request cookies and Set-Cookie', () => {
    expect(entry.request.cookies).toEqual([
      { name: 'session', value: 'abc123' },
      { name: 'theme', value: 'dark' },
    ]);
    expect(entry.response.cookies).toEqual([
      { name: 'seen', value: '1', path: '/', httpOnly: true, _sameSite: 'Lax', expires: new Date(STARTED_AT + 3_600_000).toISOString() },
    ]);
  });

  it('writes the response with its text body', () => {
    expect(entry.response).toMatchObject({
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      redirectURL: '',
      headersSize: -1,
      bodySize: 14,
      content: { size: 14, mimeType: 'text/plain; charset=utf-8', text: 'Hello, world!\n' },
    });
    expect(entry.response.content.encoding).toBeUndefined();
    expect(entry.response.headers[0]).toEqual({ name: 'Content-Type', value: 'text/plain; charset=utf-8' });
  });

  it('turns the recorded moments into HAR timings', () => {
    expect(entry.startedDateTime).toBe('2026-01-02T03:04:05.678Z');
    expect(entry.timings).toEqual({ blocked: 0.5, dns: -1, connect: -1, ssl: -1, send: 0, wait: 9.5, receive: 2.5 });
    expect(entry.time).toBe(12.5);
    expect(entry.serverIPAddress).toBe('127.0.0.1');
    expect(entry.cache).toEqual({});
  });

  it('keeps the forkwatch fields', () => {
    const record = makeRecord();
    expect(entry).toMatchObject({
      _id: 7,
      _environ: record.environ,
      _startResponse: record.startResponse,
      _worker: { pid: 4242, generation: 3 },
      _logs: record.logs,
      _findings: [],
      _outcome: 'ok',
      _requestBytesRead: 0,
      _responseChunks: [14],
      _truncated: { request: false, response: false },
      _usedWrite: false,
      _serverAddedHeaders: ['Date', 'Server', 'Content-Length'],
    });
    expect(entry._error).toBeUndefined();
    expect(entry._replayOf).toBeUndefined();
    expect(harFile([makeRecord({ replayOf: 3 })]).log.entries[0]._replayOf).toBe(3);
  });
});

describe('toHar: bodies', () => {
  it('writes a form as text and decoded params', () => {
    const [entry] = harFile([SCENARIOS.formPost()]).log.entries;
    expect(entry.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      text: 'name=Ada+Lovelace&lang=en&note=caf%C3%A9%21&empty=&flag',
      params: [
        { name: 'name', value: 'Ada Lovelace' },
        { name: 'lang', value: 'en' },
        { name: 'note', value: 'café!' },
        { name: 'empty', value: '' },
        { name: 'flag', value: '' },
      ],
    });
    expect(entry.request.bodySize).toBe(55);
    expect(entry.request.method).toBe('POST');
  });

  it('writes other text bodies as text without params', () => {
    const [entry] = harFile([SCENARIOS.jsonPost()]).log.entries;
    expect(entry.request.postData).toEqual({ mimeType: 'application/json', text: '{"a": 1}' });
  });

  it('writes binary bodies base64', () => {
    const [entry] = harFile([SCENARIOS.binaryBodies()]).log.entries;
    expect(entry.request.postData).toEqual({ mimeType: 'image/png', text: Buffer.from(PNG_BYTES).toString('base64'), _encoding: 'base64' });
    expect(entry.response.content).toEqual({
      size: PNG_BYTES.length,
      mimeType: 'image/png',
      text: Buffer.from(PNG_BYTES).toString('base64'),
      encoding: 'base64',
    });
  });

  it('writes bodies that are not UTF-8 base64, byte for byte', () => {
    const [entry] = harFile([SCENARIOS.nonUtf8Bodies()]).log.entries;
    expect(entry.request.postData?._encoding).toBe('base64');
    expect(Buffer.from(entry.request.postData!.text, 'base64').toString('latin1')).toBe('caf\xe9');
    expect(entry.response.content.encoding).toBe('base64');
    expect(Buffer.from(entry.response.content.text!, 'base64').toString('latin1')).toBe('na\xefve');
  });

  it('writes an image that happens to be valid UTF-8 base64 all the same', () => {
    const record = makeRecord({ responseHeaders: [['Content-Type', 'image/gif']], responseBody: capture('GIF89a') });
    expect(toHar([record]).entries[0].response.content).toMatchObject({ encoding: 'base64', text: Buffer.from('GIF89a').toString('base64') });
  });

  it('keeps a UTF-8 BOM', () => {
    const record = makeRecord({ responseBody: capture('\ufeffhi') });
    expect(toHar([record]).entries[0].response.content.text).toBe('\ufeffhi');
  });

  it('marks truncated bodies, keeps the full sizes and leaves out partial form params', () => {
    const [entry] = harFile([SCENARIOS.truncatedBodies()]).log.entries;
    expect(entry._truncated).toEqual({ request: true, response: true });
    expect(entry.request.bodySize).toBe(11);
    expect(entry.request.postData).toEqual({
      mimeType: 'application/x-www-form-urlencoded',
      text: 'a=1&b=',
      comment: 'Truncated at capture: the first 6 of 11 bytes.',
    });
    expect(entry.response.bodySize).toBe(5_000_000);
    expect(entry.response.content).toMatchObject({ size: 5_000_000, text: '0123456789', comment: 'Truncated at capture: the first 10 of 5000000 bytes.' });
  });

  it('decodes a gzip Content-Encoding, reporting the bytes saved', () => {
    const text = 'compress me '.repeat(100);
    const gzipped = gzipSync(text);
    const record = makeRecord({
      responseHeaders: [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']],
      responseBody: capture(gzipped),
      responseSize: gzipped.length,
    });
    const { content, bodySize } = harFile([record]).log.entries[0].response;
    expect(content).toEqual({ size: text.length, compression: text.length - gzipped.length, mimeType: 'text/plain', text });
    expect(bodySize).toBe(gzipped.length);
  });

  it('decodes what there is of a truncated gzip body', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const gzipped = gzipSync(text);
    const cut = gzipped.subarray(0, Math.floor(gzipped.length / 2));
    const record = makeRecord({
      responseHeaders: [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']],
      responseBody: capture(cut, { size: gzipped.length, truncated: true }),
      responseSize: gzipped.length,
    });
    const { content } = toHar([record]).entries[0].response;
    expect(content.size).toBe(gzipped.length);
    expect(content.compression).toBeUndefined();
    expect(content.text!.length).toBeGreaterThan(0);
    expect(text.startsWith(content.text!)).toBe(true);
  });

  it('leaves a body it cannot decode as it was', () => {
    const record = makeRecord({ responseHeaders: [['Content-Encoding', 'gzip']], responseBody: capture('not gzip') });
    expect(toHar([record]).entries[0].response.content).toMatchObject({ mimeType: 'x-unknown', text: 'not gzip' });
  });
});

describe('toHar: outcomes', () => {
  it('keeps the Python error of an app error', () => {
    const [entry] = harFile([SCENARIOS.appError()]).log.entries;
    expect(entry.response.status).toBe(500);
    expect(entry.response.statusText).toBe('Internal Server Error');
    expect(entry._outcome).toBe('app-error');
    expect(entry._error).toMatchObject({ type: 'ZeroDivisionError', lineno: 3 });
    expect(entry._findings).toHaveLength(1);
  });

  it('counts a crash without a first byte as waiting, and keeps the exit', () => {
    const [entry] = harFile([SCENARIOS.crash()]).log.entries;
    expect(entry.timings).toMatchObject({ blocked: 1, send: 0, wait: 39, receive: 0 });
    expect(entry.time).toBe(40);
    expect(entry._workerExit).toEqual({ code: null, signal: 'SIGSEGV' });
  });

  it('writes a request never dispatched with blocked -1 and its URL from the Host header', () => {
    const [entry] = harFile([SCENARIOS.rejected()]).log.entries;
    expect(entry.timings.blocked).toBe(-1);
    expect(entry.timings.wait).toBe(0.2);
    expect(entry.time).toBe(0.2);
    expect(entry.request.url).toBe('http://127.0.0.1:8000/items?page=2&q=caf%C3%A9+au+lait');
    expect(entry._worker).toBeNull();
    expect(entry.serverIPAddress).toBeUndefined();
  });

  it('exports a pending exchange with status 0, what was captured and a comment', () => {
    const [entry] = harFile([SCENARIOS.pending()]).log.entries;
    expect(entry.response.status).toBe(0);
    expect(entry.response.statusText).toBe('');
    expect(entry.response.content.text).toBe('partial');
    expect(entry._outcome).toBe('pending');
    expect(entry.comment).toMatch(/pending/i);
    expect(entry.timings).toMatchObject({ blocked: 0.5, wait: 3.5, receive: 0 });
  });

  it('writes the Location header as redirectURL', () => {
    const record = makeRecord({ status: 302, responseStatus: '302 Found', responseHeaders: [['Location', '/login?next=%2F']] });
    expect(toHar([record]).entries[0].response).toMatchObject({ status: 302, statusText: 'Found', redirectURL: '/login?next=%2F' });
  });
});

describe('toHar: URLs and timings', () => {
  const withEnviron = (environ: [string, string][], overrides: Partial<ExchangeRecord> = {}): ExchangeRecord =>
    makeRecord({ environ, requestHeaders: [], url: '/x?y=1', ...overrides });

  it('uses the environ scheme, then SERVER_NAME and SERVER_PORT without a default port', () => {
    const url = (environ: [string, string][]) => toHar([withEnviron(environ)]).entries[0].request.url;
    expect(url([['wsgi.url_scheme', 'https'], ['HTTP_HOST', 'example.test']])).toBe('https://example.test/x?y=1');
    expect(url([['SERVER_NAME', '10.0.0.1'], ['SERVER_PORT', '80'], ['wsgi.url_scheme', 'http']])).toBe('http://10.0.0.1/x?y=1');
    expect(url([['SERVER_NAME', '10.0.0.1'], ['SERVER_PORT', '443'], ['wsgi.url_scheme', 'https']])).toBe('https://10.0.0.1/x?y=1');
    expect(url([['SERVER_NAME', '::1'], ['SERVER_PORT', '8000']])).toBe('http://[::1]:8000/x?y=1');
    expect(url([])).toBe('http://localhost/x?y=1');
  });

  it('strips IPv6 brackets from serverIPAddress', () => {
    const entry = toHar([withEnviron([['SERVER_NAME', '::1'], ['SERVER_PORT', '8000']])]).entries[0];
    expect(entry.serverIPAddress).toBe('::1');
  });

  it('keeps an absolute-form target as the URL, and a "*" target aside', () => {
    const proxy = toHar([withEnviron([['HTTP_HOST', 'a.test']], { url: 'http://b.test/p?q' })]).entries[0];
    expect(proxy.request.url).toBe('http://b.test/p?q');
    const star = harFile([withEnviron([['HTTP_HOST', 'a.test']], { method: 'OPTIONS', url: '*' })]).log.entries[0];
    expect(star.request.url).toBe('http://a.test/');
    expect(star._requestTarget).toBe('*');
  });

  it('accepts moments recorded as epoch times too', () => {
    const record = makeRecord({
      timings: { accepted: STARTED_AT, dispatched: STARTED_AT + 2, firstByte: STARTED_AT + 5, complete: STARTED_AT + 6 },
    });
    const [entry] = harFile([record]).log.entries;
    expect(entry.timings).toMatchObject({ blocked: 2, wait: 3, receive: 1 });
    expect(entry.time).toBe(6);
  });

  it('never writes negative send, wait or receive, even from odd timings', () => {
    const record = makeRecord({ timings: { accepted: STARTED_AT, dispatched: 5, firstByte: 3, complete: 2 } });
    const [entry] = harFile([record]).log.entries;
    expect(validateHar({ log: toHar([record]) })).toEqual([]);
    expect(entry.timings).toMatchObject({ blocked: 5, wait: 0, receive: 0 });
  });
});

describe('parseSetCookie', () => {
  it('reads the attributes, Max-Age over Expires', () => {
    expect(parseSetCookie('id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; Domain=example.test', 0)).toEqual({
      name: 'id',
      value: 'a3fWa',
      expires: '2015-10-21T07:28:00.000Z',
      secure: true,
      domain: 'example.test',
    });
    expect(parseSetCookie('id=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=10', 1000)?.expires).toBe('1970-01-01T00:00:11.000Z');
    expect(parseSetCookie('id=1; Max-Age=0', STARTED_AT)?.expires).toBe('1970-01-01T00:00:00.000Z');
  });

  it('drops an invalid Expires and skips a header without a pair', () => {
    expect(parseSetCookie('id=1; Expires=someday', 0)).toEqual({ name: 'id', value: '1' });
    expect(parseSetCookie('garbage', 0)).toBeNull();
  });
});
