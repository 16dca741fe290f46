/**
 * HAR 1.2 export of recorded exchanges, importable by Chrome DevTools' Network panel (and
 * Firefox, Charles, Fiddler ...), with everything forkwatch-specific kept in "_" fields.
 *
 * Pure: records in, a plain object out (the caller JSON.stringifies it).
 *
 * Decisions:
 * - Pending exchanges are exported, not skipped: the request that hangs is often the one
 *   being debugged. They get status 0 and statusText "" (what browsers write for a request
 *   with no complete response), whatever was captured so far, timings up to the last moment
 *   reached, `_outcome: "pending"` and an entry comment saying so.
 * - Bodies are exported as bytes when they are not UTF-8 text: `content.text` base64 with
 *   `content.encoding: "base64"` (standard), `postData.text` base64 with `_encoding: "base64"`
 *   (HAR has no encoding field for request bodies).
 * - A response with a Content-Encoding the app applied (gzip, deflate, br) is exported
 *   decoded, as browsers do, with `content.compression` the bytes saved.
 * - Truncated bodies keep the full sizes (`bodySize`, `content.size`) and their captured
 *   prefix as text; `_truncated` and a `comment` say so.
 */
import { isIP } from 'node:net';
import type { BodyCapture, ExchangeRecord, ExchangeTimings } from '../../contract';
import { bodyBytes, bodyText, decodeContentEncoding, headerValue, headerValues } from './body';
import type {
  HarContent,
  HarCookie,
  HarCreator,
  HarEntry,
  HarLog,
  HarNameValue,
  HarPostData,
  HarRequest,
  HarResponse,
  HarTimings,
} from './har-types';
import { environMap, parseUrlEncoded, rawQuery, requestLocation } from './request-url';

export type * from './har-types';

/**
 * package.json's version. Not imported: tsconfig.node.json is a composite project and
 * package.json is outside its file list. A unit test keeps the two equal.
 */
export const FORKWATCH_VERSION = '0.1.0';

export const DEFAULT_HAR_CREATOR: HarCreator = { name: 'forkwatch', version: FORKWATCH_VERSION };

/** The `log` object of a HAR file; serialize as `JSON.stringify({ log })`. */
export function toHar(records: ExchangeRecord[], creator: HarCreator = DEFAULT_HAR_CREATOR): HarLog {
  return { version: '1.2', creator: { ...creator }, entries: records.map(toHarEntry) };
}

export function toHarEntry(record: ExchangeRecord): HarEntry {
  const pending = record.outcome === 'pending';
  const timings = harTimings(record.timings);
  const location = requestLocation(record);
  const serverName = environMap(record).get('SERVER_NAME')?.replace(/^\[(.*)\]$/, '$1');

  const entry: HarEntry = {
    startedDateTime: isoDate(record.startedAt),
    time: totalTime(timings),
    request: harRequest(record, location.url),
    response: harResponse(record, pending),
    cache: {},
    timings,
    ...(serverName && isIP(serverName) ? { serverIPAddress: serverName } : {}),
    ...(pending ? { comment: 'Pending when exported: the response was not complete.' } : {}),
    _id: record.id,
    _environ: record.environ,
    _startResponse: record.startResponse,
    _usedWrite: record.usedWrite,
    _serverAddedHeaders: record.serverAddedHeaders,
    _worker: record.workerPid === null ? null : { pid: record.workerPid, generation: record.generation },
    _logs: record.logs,
    _findings: record.findings,
    _outcome: record.outcome,
    _requestBytesRead: record.requestBytesRead,
    _responseChunks: record.responseChunks,
    _truncated: { request: record.requestBody.truncated, response: record.responseBody.truncated },
  };
  // Optional fields only when present, so the JSON has no nulls a strict reader might reject.
  if (record.error) entry._error = record.error;
  if (record.workerExit) entry._workerExit = record.workerExit;
  if (record.stack !== undefined) entry._stack = record.stack;
  if (record.replayOf !== undefined) entry._replayOf = record.replayOf;
  if (location.unusualTarget !== undefined) entry._requestTarget = location.unusualTarget;
  return entry;
}

function harRequest(record: ExchangeRecord, url: string): HarRequest {
  const request: HarRequest = {
    method: record.method,
    url,
    httpVersion: httpVersionLabel(record.httpVersion),
    cookies: requestCookies(record.requestHeaders),
    headers: nameValues(record.requestHeaders),
    queryString: parseUrlEncoded(rawQuery(record.url)),
    headersSize: -1,
    bodySize: record.requestBody.size,
  };
  if (record.requestBody.size > 0) request.postData = postData(record);
  return request;
}

function postData(record: ExchangeRecord): HarPostData {
  const body = record.requestBody;
  const mimeType = headerValue(record.requestHeaders, 'content-type') ?? '';
  const bytes = bodyBytes(body);
  const text = bodyText(bytes, mimeType);
  // `text` is always present, also next to `params`: the spec calls the two mutually
  // exclusive, but Chrome and Firefox write both for forms and Chrome's importer reads only
  // `text` (a params-only entry shows the payload "undefined").
  const data: HarPostData =
    text === null ? { mimeType, text: Buffer.from(bytes).toString('base64'), _encoding: 'base64' } : { mimeType, text };
  // Params only for a complete form: a cut-off last pair would be reported as a real value.
  if (text !== null && !body.truncated && /^application\/x-www-form-urlencoded\b/i.test(mimeType)) {
    data.params = parseUrlEncoded(text);
  }
  if (body.truncated) data.comment = truncationNote(body, bytes.length);
  return data;
}

function harResponse(record: ExchangeRecord, pending: boolean): HarResponse {
  const headers = record.responseHeaders;
  return {
    status: pending ? 0 : record.status,
    statusText: pending ? '' : statusText(record.responseStatus),
    // The gateway always answers with an HTTP/1.1 status line.
    httpVersion: 'HTTP/1.1',
    cookies: headerValues(headers, 'set-cookie').flatMap((value) => {
      const cookie = parseSetCookie(value, record.startedAt);
      return cookie ? [cookie] : [];
    }),
    headers: nameValues(headers),
    content: harContent(record),
    redirectURL: headerValue(headers, 'location') ?? '',
    headersSize: -1,
    bodySize: record.responseSize,
  };
}

function harContent(record: ExchangeRecord): HarContent {
  const body = record.responseBody;
  // "x-unknown" is what Chrome writes and reads back as "no mime type".
  const mimeType = headerValue(record.responseHeaders, 'content-type') || 'x-unknown';
  const raw = bodyBytes(body);
  const decoded = decodeContentEncoding(raw, headerValue(record.responseHeaders, 'content-encoding'), body.truncated);
  const bytes = decoded ?? raw;

  const content: HarContent = { size: body.size, mimeType };
  // With a full capture the decoded size is known; a truncated one decodes only in part, so
  // its size stays the encoded total, the only total known.
  if (decoded && !body.truncated) {
    content.size = decoded.length;
    if (decoded.length >= raw.length) content.compression = decoded.length - raw.length;
  }
  const text = bodyText(bytes, mimeType);
  if (text !== null) content.text = text;
  else {
    content.text = Buffer.from(bytes).toString('base64');
    content.encoding = 'base64';
  }
  if (body.truncated) content.comment = truncationNote(body, raw.length);
  return content;
}

function truncationNote(body: BodyCapture, captured: number): string {
  return `Truncated at capture: the first ${captured} of ${body.size} bytes.`;
}

/**
 * HAR timings from the recorded moments. `blocked` is the wait for a free worker (accepted to
 * dispatched), `wait` the app's time to the first response byte, `receive` the rest of the
 * body. There is no DNS, connect or TLS on the server side, and the request is already in
 * when it is accepted, so `send` is 0.
 */
export function harTimings(timings: ExchangeTimings): HarTimings {
  const dispatched = sinceAccepted(timings, timings.dispatched);
  const firstByte = sinceAccepted(timings, timings.firstByte);
  const complete = sinceAccepted(timings, timings.complete);
  const start = dispatched ?? 0;
  // Without a first byte (a crash, a timeout, still pending) all the time is waiting.
  const responseStart = firstByte ?? complete ?? start;
  return {
    blocked: dispatched === undefined ? -1 : ms(dispatched),
    dns: -1,
    connect: -1,
    ssl: -1,
    send: 0,
    wait: ms(responseStart - start),
    receive: firstByte !== undefined && complete !== undefined ? ms(complete - firstByte) : 0,
  };
}

/**
 * The contract gives `accepted` in epoch ms and the later moments in ms from it. A moment
 * recorded as an epoch time as well (at or after an epoch `accepted`) is tolerated, because
 * an offset can never be that large.
 */
function sinceAccepted(timings: ExchangeTimings, moment: number | undefined): number | undefined {
  if (moment === undefined || !Number.isFinite(moment)) return undefined;
  const epochAccepted = timings.accepted > 1e11;
  return epochAccepted && moment >= timings.accepted ? moment - timings.accepted : moment;
}

/** Non-negative, rounded to microseconds (sub-µs digits are float noise). */
function ms(value: number): number {
  return Math.max(0, Math.round(value * 1000) / 1000);
}

/** HAR's entry.time: the sum of the timings that apply (-1 means "does not apply"). */
function totalTime(timings: HarTimings): number {
  // ssl is already part of connect (HAR 1.2), so it is left out of the sum.
  const parts = [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait, timings.receive];
  let total = 0;
  for (const part of parts) if (part !== undefined && part > 0) total += part;
  return Math.round(total * 1000) / 1000;
}

function isoDate(epochMs: number): string {
  return new Date(Number.isFinite(epochMs) ? epochMs : 0).toISOString();
}

function httpVersionLabel(version: string): string {
  if (!version) return 'HTTP/1.1';
  return /^HTTP\//i.test(version) ? version.toUpperCase() : `HTTP/${version}`;
}

/** "200 OK" (or a whole status line) -> "OK". */
function statusText(status: string): string {
  const match = /^(?:HTTP\/\S+\s+)?\d{3}(?:\s+(.*))?$/.exec(status.trim());
  return match?.[1] ?? '';
}

function nameValues(headers: [string, string][]): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

/**
 * Cookie request header(s) -> pairs, as RFC 6265 servers read them: split on ";", first "="
 * separates name and value, values kept as sent (cookies have no standard encoding). A piece
 * without "=" is a nameless cookie, as browsers treat it.
 */
function requestCookies(headers: [string, string][]): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of headerValues(headers, 'cookie')) {
    for (const piece of header.split(';')) {
      const trimmed = piece.trim();
      if (trimmed === '') continue;
      const equals = trimmed.indexOf('=');
      cookies.push(
        equals < 0 ? { name: '', value: trimmed } : { name: trimmed.slice(0, equals).trim(), value: trimmed.slice(equals + 1).trim() },
      );
    }
  }
  return cookies;
}

/**
 * One Set-Cookie header -> a HAR cookie (RFC 6265 section 5.2). Max-Age wins over Expires and
 * is turned into a date from the request's start; an unparsable date is dropped rather than
 * written, since Chrome's importer rejects the whole file on an invalid `expires`.
 */
export function parseSetCookie(header: string, nowEpochMs: number): HarCookie | null {
  const [pair, ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals < 0) return null;
  const cookie: HarCookie = { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim() };
  let expires: string | undefined;
  let maxAge: number | undefined;
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : attribute.slice(eq + 1).trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'expires') {
      const date = Date.parse(value);
      if (!Number.isNaN(date)) expires = new Date(date).toISOString();
    } else if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie._sameSite = value;
  }
  if (maxAge !== undefined) {
    const at = (Number.isFinite(nowEpochMs) ? nowEpochMs : 0) + maxAge * 1000;
    // Max-Age <= 0 means "expire now"; also keeps the date inside Date's range.
    expires = new Date(maxAge <= 0 ? 0 : Math.min(at, 8.64e15)).toISOString();
  }
  if (expires !== undefined) cookie.expires = expires;
  return cookie;
}
