/**
 * Body and header helpers shared by the HAR export, the cURL command and the exchange diff.
 * Pure: bytes in, strings out.
 */
import { brotliDecompressSync, constants as zlibConstants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { BodyCapture } from '../../contract';

export function bodyBytes(body: BodyCapture): Uint8Array {
  return Buffer.from(body.base64, 'base64');
}

// fatal: bytes that are not UTF-8 must be reported, not replaced with U+FFFD (that would
// silently change the body). ignoreBOM: keep a leading BOM so the text round-trips to the
// same bytes.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text when they are valid UTF-8, else null. Decoding is then lossless. */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Mime types whose bodies are bytes even when they happen to decode as UTF-8 (a tiny PNG
 * chunk or a zip of ASCII can): shown as text they would mislead, and Chrome's importer
 * expects them base64.
 */
const BINARY_MIME = /^(image\/(?!svg)|audio\/|video\/|font\/|application\/(octet-stream|zip|gzip|x-gzip|x-tar|pdf|wasm|x-protobuf|protobuf|vnd\.|msgpack|x-msgpack|cbor))/i;

export function isBinaryMime(mimeType: string): boolean {
  return BINARY_MIME.test(mimeType.trim());
}

/**
 * The body as display text, or null when it should be treated as bytes: not UTF-8, a binary
 * mime type, or containing NUL (valid UTF-8, but no text format uses it).
 */
export function bodyText(bytes: Uint8Array, mimeType = ''): string | null {
  if (isBinaryMime(mimeType) || bytes.includes(0)) return null;
  return utf8OrNull(bytes);
}

/** The first value of header `name` (case-insensitive), or undefined. */
export function headerValue(headers: [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(headers: [string, string][], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

/**
 * Largest decoded body we inflate: the captured bytes are bounded by the capture limit, but
 * a compression bomb is not, and this runs in the main process.
 */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/**
 * Undoes a Content-Encoding the app applied (gzip, deflate, br; a list such as "gzip, br" is
 * undone right to left). Returns null when there is nothing to undo or the bytes do not
 * decode. A truncated capture decodes as far as it goes (a flush instead of a finish), so a
 * partial body is still readable.
 */
export function decodeContentEncoding(bytes: Uint8Array, contentEncoding: string | undefined, truncated: boolean): Uint8Array | null {
  if (!contentEncoding || bytes.length === 0) return null;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return null;
  let current: Uint8Array = bytes;
  try {
    for (const coding of codings.reverse()) {
      const zlibOptions = {
        maxOutputLength: MAX_DECODED_BYTES,
        ...(truncated ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {}),
      };
      if (coding === 'gzip' || coding === 'x-gzip') current = gunzipSync(current, zlibOptions);
      else if (coding === 'deflate') {
        // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        try {
          current = inflateSync(current, zlibOptions);
        } catch {
          current = inflateRawSync(current, zlibOptions);
        }
      } else if (coding === 'br') {
        current = brotliDecompressSync(current, {
          maxOutputLength: MAX_DECODED_BYTES,
          ...(truncated ? { finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH } : {}),
        });
      } else return null;
    }
  } catch {
    return null;
  }
  return current;
}

/** Bytes as `hexdump -C` lines, 16 bytes each: offset, hex in two groups of 8, ASCII. */
export function hexDumpLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      if (i < row.length) {
        hex += row[i].toString(16).padStart(2, '0') + ' ';
        ascii += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
      } else hex += '   ';
    }
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines;
}
