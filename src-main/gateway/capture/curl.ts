/**
 * "Copy as cURL (bash)" for a recorded exchange, in the style of Chrome DevTools: one
 * argument a line, single quotes where they suffice, bash ANSI-C quoting ($'...') where not.
 *
 * Pure. The command aims to send the same bytes the app received:
 * - every request header in order, except Content-Length (curl computes it) and Host when
 *   it equals the URL's authority (curl sends that itself);
 * - curl's own defaults the original request did not have are switched off
 *   (`-H 'User-Agent:'`, `-H 'Accept:'`, and with a body `-H 'Content-Type:'`, `-H 'Expect:'`);
 * - the body goes as --data-binary (as --data-raw if it starts with "@", which curl would
 *   read as a file name). A body holding NUL (argv cannot), or too long for one argument
 *   (Linux caps one at 128 KiB), is piped in instead: `printf '...' | curl ... --data-binary @-`.
 * - Text in headers and the URL is taken as the bytes it stands for (chars up to U+00FF are
 *   ISO-8859-1 bytes, as HTTP/1.1 field values are; anything above is UTF-8).
 */
import type { ExchangeRecord } from '../../contract';
import { bodyBytes, headerValue, utf8OrNull } from './body';
import { requestLocation } from './request-url';

/** Longest body passed as an argument: Linux's MAX_ARG_STRLEN (128 KiB) less the NUL. */
export const MAX_INLINE_BODY = 128 * 1024 - 1;

/** Bodies larger than this make curl add "Expect: 100-continue" (1 KiB in older curls). */
const CURL_EXPECT_THRESHOLD = 1024;

export function toCurl(record: ExchangeRecord): string {
  const location = requestLocation(record);
  const headers = record.requestHeaders;
  const body = bodyBytes(record.requestBody);
  const hasBody =
    record.requestBody.size > 0 ||
    headerValue(headers, 'content-length') !== undefined ||
    headerValue(headers, 'transfer-encoding') !== undefined;

  const comments: string[] = [];
  if (record.requestBody.truncated) {
    comments.push(
      `# forkwatch: the request body was truncated at capture: this sends only its first ${body.length} of ${record.requestBody.size} bytes.`,
    );
  }
  if (record.outcome === 'pending') comments.push('# forkwatch: captured while still pending; the body may be incomplete.');

  const args: string[] = [shellQuote(stringBytes(location.url))];
  // curl expands [] and {} in URLs as globs; a query like ?a[]=1 must go out as written.
  if (/[[\]{}]/.test(location.url)) args.push('--globoff');
  if (location.unusualTarget !== undefined) args.push(`--request-target ${shellQuote(stringBytes(location.unusualTarget))}`);
  if (/^(HTTP\/)?1\.0$/i.test(record.httpVersion)) args.push('--http1.0');

  const method = record.method;
  if (method === 'HEAD' && !hasBody) args.push('-I');
  else if (method !== (hasBody ? 'POST' : 'GET')) args.push(`-X ${shellQuote(stringBytes(method))}`);

  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    if (lower === 'host' && value.toLowerCase() === location.authority.toLowerCase()) continue;
    // "Name:" would tell curl to remove the header; "Name;" sends it empty.
    args.push(`-H ${shellQuote(stringBytes(value === '' ? `${name};` : `${name}: ${value}`))}`);
  }
  const absent = (name: string): boolean => headerValue(headers, name) === undefined;
  if (absent('user-agent')) args.push("-H 'User-Agent:'");
  if (absent('accept')) args.push("-H 'Accept:'");

  let pipeFrom: string | null = null;
  if (hasBody) {
    if (absent('content-type')) args.push("-H 'Content-Type:'");
    if (absent('expect') && body.length > CURL_EXPECT_THRESHOLD) args.push("-H 'Expect:'");
    if (body.includes(0) || body.length > MAX_INLINE_BODY) {
      pipeFrom = `printf ${printfFormat(body)}`;
      args.push('--data-binary @-');
    } else {
      const option = body[0] === 0x40 /* @ */ ? '--data-raw' : '--data-binary';
      args.push(`${option} ${shellQuote(body)}`);
    }
  }

  const command = (pipeFrom === null ? 'curl ' : `${pipeFrom} | curl `) + args.join(' \\\n  ');
  return [...comments, command].join('\n');
}

/** The bytes a header or URL string stands for (see the module comment). */
function stringBytes(text: string): Uint8Array {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/**
 * One shell word that bash turns back into exactly `bytes` (which hold no NUL). Printable
 * ASCII goes in single quotes; anything else in $'...', where printable UTF-8 stays readable
 * and every other byte is \xHH.
 */
export function shellQuote(bytes: Uint8Array): string {
  if (bytes.every((byte) => byte >= 0x20 && byte < 0x7f)) {
    return `'${Buffer.from(bytes).toString('latin1').replace(/'/g, `'\\''`)}'`;
  }
  const text = utf8OrNull(bytes);
  let out = "$'";
  if (text === null) {
    for (const byte of bytes) out += ansiCByte(byte);
  } else {
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (code < 0x80) out += ansiCByte(code);
      // C1 controls would be invisible or act on a terminal; write their bytes.
      else if (code < 0xa0) for (const byte of Buffer.from(char, 'utf8')) out += hex(byte);
      else out += char;
    }
  }
  return out + "'";
}

function ansiCByte(byte: number): string {
  switch (byte) {
    case 0x5c:
      return '\\\\';
    case 0x27:
      return "\\'";
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    // Interactive bash's history expansion scans $'...' as if \' ended the quote, so a
    // later "!" could be expanded: write it as an escape (Chrome does the same).
    case 0x21:
      return hex(byte);
  }
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : hex(byte);
}

/** \xHH, always two digits: bash reads at most two, so a following digit stays literal. */
function hex(byte: number): string {
  return '\\x' + byte.toString(16).padStart(2, '0');
}

/**
 * A single-quoted printf format that prints exactly `bytes`, NUL included: printable ASCII
 * as is ("%" doubled, "\" escaped), everything else as three-digit octal (POSIX printf reads
 * at most three, and octal is the escape every printf knows). A leading "-" is escaped too,
 * or printf would take the format for an option.
 */
export function printfFormat(bytes: Uint8Array): string {
  let format = '';
  bytes.forEach((byte, index) => {
    if (byte === 0x25) format += '%%';
    else if (byte === 0x5c) format += '\\\\';
    else if (byte === 0x0a) format += '\\n';
    else if (byte >= 0x20 && byte < 0x7f && !(index === 0 && byte === 0x2d)) format += String.fromCharCode(byte);
    else format += '\\' + byte.toString(8).padStart(3, '0');
  });
  return `'${format.replace(/'/g, `'\\''`)}'`;
}
