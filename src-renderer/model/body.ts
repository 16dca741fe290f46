/**
 * A captured body as the viewers see it: the bytes decoded once, the content type read, and
 * the viewers that fit, best first (STYLE #15: the body card picks its viewer by content type).
 */
import type { BodyCapture } from '@contract';
import { base64ToBytes, decodeUtf8, isReadableText } from './bytes';
import { contentKind, parseContentType, type ContentKind } from './content-type';
import { parseMultipart, parseUrlEncoded, type FormField, type MultipartResult } from './form';

export type BodyViewer = 'json' | 'html' | 'image' | 'form' | 'multipart' | 'text' | 'hex';

export interface BodyView {
  /** Total bytes, also those not captured. */
  size: number;
  /** Bytes captured (`bytes.length`). */
  captured: number;
  truncated: boolean;
  /** The Content-Type header as sent, if any. */
  contentType: string | null;
  kind: ContentKind;
  bytes: Uint8Array;
  /** UTF-8 text when the bytes are readable text, else null. */
  text: string | null;
  /** The parsed JSON when the body is JSON and complete. */
  json?: { value: unknown };
  /** Why a JSON body did not parse (truncated or malformed). */
  jsonError?: string;
  form?: FormField[];
  multipart?: MultipartResult;
  /** data: URL for images. */
  imageUrl?: string;
  /** Viewers that fit, best first; empty for an empty body. */
  viewers: BodyViewer[];
}

const IMAGE_MAGIC: [string, number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

/** The image type the first bytes announce, or null. */
export function sniffImage(bytes: Uint8Array): string | null {
  for (const [type, magic] of IMAGE_MAGIC) {
    if (magic.every((b, i) => bytes[i] === b)) return type;
  }
  return null;
}

export function buildBodyView(capture: BodyCapture, contentType: string | null): BodyView {
  const bytes = base64ToBytes(capture.base64);
  const declared = parseContentType(contentType);
  const decoded = decodeUtf8(bytes, capture.truncated);
  const text = decoded !== null && isReadableText(decoded) ? decoded : null;
  const view: BodyView = {
    size: capture.size,
    captured: bytes.length,
    truncated: capture.truncated,
    contentType,
    kind: contentKind(declared),
    bytes,
    text,
    viewers: [],
  };
  if (bytes.length === 0) return view;

  let kind = view.kind;
  if (kind === 'unknown') kind = sniffKind(bytes, text);
  const imageType = kind === 'image' ? (declared.mimeType.startsWith('image/') ? declared.mimeType : sniffImage(bytes)) : null;

  if (kind === 'json' && text !== null) {
    try {
      view.json = { value: JSON.parse(text) };
    } catch (error) {
      view.jsonError = capture.truncated ? 'The body is truncated, so it is shown as text.' : `Not valid JSON: ${(error as Error).message}`;
    }
  }
  if (kind === 'form' && text !== null) view.form = parseUrlEncoded(text);
  if (kind === 'multipart') view.multipart = parseMultipart(bytes, contentType ?? '');
  if (imageType) view.imageUrl = `data:${imageType};base64,${capture.base64}`;

  view.viewers = chooseViewers(kind, view, imageType);
  return view;
}

function sniffKind(bytes: Uint8Array, text: string | null): ContentKind {
  if (sniffImage(bytes)) return 'image';
  if (text === null) return 'binary';
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  if (/^\s*<(!doctype html|html)/i.test(text)) return 'html';
  return 'text';
}

/** The viewers for a body of that kind, best first; text only when the bytes are text. */
export function chooseViewers(kind: ContentKind, view: Pick<BodyView, 'text' | 'json' | 'form' | 'multipart'>, imageType: string | null): BodyViewer[] {
  const out: BodyViewer[] = [];
  if (kind === 'json' && view.json) out.push('json');
  if (kind === 'html' && view.text !== null) out.push('html');
  if (kind === 'image' && imageType) out.push('image');
  if (kind === 'form' && view.form) out.push('form');
  if (kind === 'multipart' && view.multipart && view.multipart.parts.length > 0) out.push('multipart');
  // An image's bytes are not text, except SVG's; binary with readable text still offers text.
  if (view.text !== null) out.push('text');
  out.push('hex');
  return out;
}
