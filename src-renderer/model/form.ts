/**
 * Request bodies parsed into fields: application/x-www-form-urlencoded (WHATWG URL standard,
 * "application/x-www-form-urlencoded parsing") and multipart/form-data (RFC 7578). Pure.
 */
import { binaryStringToBytes, bytesToBinaryString, decodeUtf8, isReadableText } from './bytes';
import { parseContentType } from './content-type';

export interface FormField {
  name: string;
  value: string;
}

/** Decodes a urlencoded body: '+' is a space, bad %-escapes are kept as written. */
export function parseUrlEncoded(text: string): FormField[] {
  const fields: FormField[] = [];
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    fields.push({ name: decodeComponent(rawName), value: decodeComponent(rawValue) });
  }
  return fields;
}

function decodeComponent(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

export interface MultipartPart {
  /** From Content-Disposition; "" when absent. */
  name: string;
  filename: string | null;
  contentType: string | null;
  headers: [string, string][];
  size: number;
  /** The content as text when it is readable UTF-8, otherwise null (binary; see `bytes`). */
  text: string | null;
  bytes: Uint8Array;
}

export interface MultipartResult {
  parts: MultipartPart[];
  /** Set when the body did not parse completely (no boundary, truncated capture, no closing delimiter). */
  problem: string | null;
}

/** Splits a multipart body on the boundary from its Content-Type. */
export function parseMultipart(bytes: Uint8Array, contentTypeHeader: string): MultipartResult {
  const boundary = parseContentType(contentTypeHeader).params.boundary;
  if (!boundary) return { parts: [], problem: 'The Content-Type has no boundary parameter.' };
  // Byte-level work on a Latin-1 string: one char per byte, so offsets stay byte offsets.
  const body = bytesToBinaryString(bytes);
  const delimiter = `--${boundary}`;
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return { parts, problem: `The boundary "${boundary}" does not occur in the body.` };
  for (;;) {
    pos += delimiter.length;
    if (body.startsWith('--', pos)) return { parts, problem: null };
    // Skip transport padding and the CRLF after the delimiter.
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const next = body.indexOf(`\r\n${delimiter}`, lineEnd);
    if (next < 0) {
      const rest = body.slice(lineEnd + 2);
      if (rest) parts.push(buildPart(rest));
      break;
    }
    parts.push(buildPart(body.slice(lineEnd + 2, next)));
    pos = next + 2;
  }
  return { parts, problem: 'The body ends before the closing boundary (truncated capture?).' };
}

function buildPart(raw: string): MultipartPart {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const content = split < 0 ? '' : raw.slice(split + 4);
  const headers: [string, string][] = [];
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), decodeUtf8(binaryStringToBytes(line.slice(colon + 1).trim())) ?? line.slice(colon + 1).trim()]);
  }
  const disposition = headers.find(([k]) => k.toLowerCase() === 'content-disposition')?.[1] ?? '';
  const params = parseContentType(disposition).params;
  const bytes = binaryStringToBytes(content);
  const text = decodeUtf8(bytes);
  return {
    name: params.name ?? '',
    filename: params.filename ?? null,
    contentType: headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null,
    headers,
    size: bytes.length,
    text: text !== null && isReadableText(text) ? text : null,
    bytes,
  };
}
