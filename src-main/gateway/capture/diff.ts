/**
 * Compares the responses of two exchanges (typically an original and its replay) for the
 * inspector's diff view. Pure.
 *
 * - status: the status strings as sent ("200 OK"); "(no response)" when none went out.
 * - headers: the response headers as "Name: value" lines, in wire order, diffed as a
 *   sequence (so a moved header shows as removed and added).
 * - body: the response bodies, with any Content-Encoding the app applied undone. When both
 *   are UTF-8 text they are diffed line by line, JSON pretty-printed first so that a changed
 *   key is one changed line; otherwise both are diffed as hex dump lines (16 bytes a line).
 *   Marker lines starting with "\ " report what the lines cannot show: a missing final
 *   newline, a capture cut short.
 */
import type { BodyCapture, ExchangeDiff, ExchangeDiffLine, ExchangeRecord } from '../../contract';
import { bodyBytes, bodyText, decodeContentEncoding, headerValue, hexDumpLines } from './body';
import { diffLines } from './line-diff';

export const NO_NEWLINE_MARKER = '\\ No newline at end of file';

export function diffExchanges(left: ExchangeRecord, right: ExchangeRecord): ExchangeDiff {
  const leftStatus = statusLine(left);
  const rightStatus = statusLine(right);
  return {
    status: { left: leftStatus, right: rightStatus, same: leftStatus === rightStatus },
    headers: diffLines(headerLines(left), headerLines(right)),
    body: diffBodies(left, right),
  };
}

function statusLine(record: ExchangeRecord): string {
  if (record.responseStatus) return record.responseStatus;
  return record.status > 0 ? String(record.status) : '(no response)';
}

function headerLines(record: ExchangeRecord): string[] {
  return record.responseHeaders.map(([name, value]) => `${name}: ${value}`);
}

interface DecodedBody {
  bytes: Uint8Array;
  text: string | null;
  capture: BodyCapture;
}

function decodeBody(record: ExchangeRecord): DecodedBody {
  const capture = record.responseBody;
  const raw = bodyBytes(capture);
  const bytes =
    decodeContentEncoding(raw, headerValue(record.responseHeaders, 'content-encoding'), capture.truncated) ?? raw;
  const mimeType = headerValue(record.responseHeaders, 'content-type') ?? '';
  return { bytes, text: bodyText(bytes, mimeType), capture };
}

function diffBodies(leftRecord: ExchangeRecord, rightRecord: ExchangeRecord): ExchangeDiffLine[] {
  const left = decodeBody(leftRecord);
  const right = decodeBody(rightRecord);
  let leftLines: string[];
  let rightLines: string[];
  if (left.text !== null && right.text !== null) {
    [leftLines, rightLines] = textLines(left.text, right.text);
  } else {
    leftLines = hexDumpLines(left.bytes);
    rightLines = hexDumpLines(right.bytes);
  }
  // As lines, not as a side note: when both are cut at the same size the marker is "same",
  // when not it shows as a change.
  if (left.capture.truncated) leftLines.push(truncationMarker(left.capture, bodyBytes(left.capture).length));
  if (right.capture.truncated) rightLines.push(truncationMarker(right.capture, bodyBytes(right.capture).length));
  return diffLines(leftLines, rightLines);
}

function truncationMarker(capture: BodyCapture, captured: number): string {
  return `\\ Truncated at capture: ${captured} of ${capture.size} bytes`;
}

/**
 * The two texts as lines to diff. JSON is pretty-printed, unless that hides the difference
 * (the texts differ only in whitespace between tokens): then the raw lines are diffed.
 */
function textLines(left: string, right: string): [string[], string[]] {
  const leftJson = prettyJson(left);
  const rightJson = prettyJson(right);
  if (leftJson !== null || rightJson !== null) {
    const leftPretty = leftJson ?? left;
    const rightPretty = rightJson ?? right;
    if (left === right || leftPretty !== rightPretty) return [splitLines(leftPretty), splitLines(rightPretty)];
  }
  const leftLines = splitLines(left);
  const rightLines = splitLines(right);
  const leftEnds = left.endsWith('\n');
  const rightEnds = right.endsWith('\n');
  // Like diff(1): only mention a missing final newline when that is a difference.
  if (leftEnds !== rightEnds) {
    if (!leftEnds && left !== '') leftLines.push(NO_NEWLINE_MARKER);
    if (!rightEnds && right !== '') rightLines.push(NO_NEWLINE_MARKER);
  }
  return [leftLines, rightLines];
}

/** Lines without their "\n"; a final newline does not start another line; "" is no lines. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/**
 * Re-indents JSON text, two spaces a level, one member or element a line; null when the text
 * is not JSON. Works on the tokens rather than on JSON.parse's values, so numbers, escapes and
 * duplicate keys stay exactly as sent (1.0 and 1 must not compare equal).
 */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return null;
  try {
    JSON.parse(trimmed);
  } catch {
    return null;
  }
  let out = '';
  let depth = 0;
  const newline = (): string => '\n' + '  '.repeat(depth);
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i];
    if (char === '"') {
      // Copy the string verbatim, escapes included.
      let end = i + 1;
      while (trimmed[end] !== '"') end += trimmed[end] === '\\' ? 2 : 1;
      out += trimmed.slice(i, end + 1);
      i = end;
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      let next = i + 1;
      while (/\s/.test(trimmed[next])) next++;
      if (trimmed[next] === close) {
        // An empty object or array stays on its line.
        out += char + close;
        i = next;
      } else {
        depth++;
        out += char + newline();
      }
    } else if (char === '}' || char === ']') {
      depth--;
      out += newline() + char;
    } else if (char === ',') out += ',' + newline();
    else if (char === ':') out += ': ';
    else if (!/\s/.test(char)) out += char;
  }
  return out;
}
