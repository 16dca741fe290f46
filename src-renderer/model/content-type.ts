/** Content-Type parsing and the body kind it suggests. Pure. */

export interface ContentType {
  /** Lower-cased "type/subtype", or "" when absent. */
  mimeType: string;
  /** Lower-cased parameter names; values unquoted. */
  params: Record<string, string>;
}

export type ContentKind = 'json' | 'html' | 'image' | 'form' | 'multipart' | 'text' | 'binary' | 'unknown';

export function parseContentType(header: string | null | undefined): ContentType {
  if (!header) return { mimeType: '', params: {} };
  const [type, ...rest] = header.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name) params[name] = value;
  }
  return { mimeType: type.trim().toLowerCase(), params };
}

const TEXT_APPLICATION_TYPES = new Set([
  'application/javascript',
  'application/ecmascript',
  'application/xml',
  'application/x-javascript',
  'application/graphql',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/sql',
]);

/** What the declared type says the body is; `unknown` when nothing is declared. */
export function contentKind(type: ContentType): ContentKind {
  const m = type.mimeType;
  if (!m) return 'unknown';
  if (m === 'application/json' || m.endsWith('+json') || m === 'text/json') return 'json';
  if (m === 'text/html' || m === 'application/xhtml+xml') return 'html';
  if (m.startsWith('image/')) return 'image';
  if (m === 'application/x-www-form-urlencoded') return 'form';
  if (m.startsWith('multipart/')) return 'multipart';
  if (m.startsWith('text/') || m.endsWith('+xml') || TEXT_APPLICATION_TYPES.has(m)) return 'text';
  return 'binary';
}

/** The first header of that name (case-insensitive), or null. */
export function findHeader(headers: readonly (readonly [string, string])[], name: string): string | null {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return null;
}
