/**
 * The "edit and replay" form: its state as text fields, seeded from the exchange, and the
 * ReplayEdits it turns into (only what changed). Pure.
 */
import type { ReplayEdits } from '@contract';
import { textToBase64 } from './bytes';
import type { ExchangeView } from './exchange-view';

/** Environ keys an HTTP client cannot set, offered as their own fields. */
export const ENVIRON_OVERRIDE_KEYS = ['REMOTE_ADDR', 'wsgi.url_scheme', 'SCRIPT_NAME'] as const;

export interface ReplayForm {
  method: string;
  url: string;
  /** One "Name: value" a line. */
  headers: string;
  /** The body as text; null when the original is binary and has not been replaced. */
  body: string | null;
  /** The known override keys, then any "KEY=value" lines in `extraEnviron`. */
  environ: Record<string, string>;
  extraEnviron: string;
}

export function initialReplayForm(view: ExchangeView): ReplayForm {
  const environ: Record<string, string> = {};
  for (const key of ENVIRON_OVERRIDE_KEYS) environ[key] = view.environ.find(([k]) => k === key)?.[1] ?? '';
  return {
    method: view.method,
    url: view.url,
    headers: view.requestHeaders.map(([name, value]) => `${name}: ${value}`).join('\n'),
    body: view.requestBody.captured === 0 ? '' : view.requestBody.text,
    environ,
    extraEnviron: '',
  };
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseHeaderLines(text: string): ParseResult<[string, string][]> {
  const headers: [string, string][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `Header line ${i + 1} needs "Name: value".` };
    const name = line.slice(0, colon).trim();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return { ok: false, error: `Header line ${i + 1}: "${name}" is not a valid header name.` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { ok: true, value: headers };
}

export function parseEnvironLines(text: string): ParseResult<Record<string, string>> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, error: `Environ line ${i + 1} needs "KEY=value".` };
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { ok: true, value: out };
}

/** The edits that turn the original request into the form's; only changed fields are sent. */
export function buildReplayEdits(view: ExchangeView, form: ReplayForm): ParseResult<ReplayEdits> {
  const original = initialReplayForm(view);
  const edits: ReplayEdits = {};
  const method = form.method.trim().toUpperCase();
  if (!method) return { ok: false, error: 'The method is empty.' };
  if (method !== view.method) edits.method = method;
  const url = form.url.trim();
  if (!url.startsWith('/') && url !== '*') return { ok: false, error: 'The URL must be a path starting with "/", e.g. /items?page=2.' };
  if (url !== view.url) edits.url = url;
  if (form.headers !== original.headers) {
    const headers = parseHeaderLines(form.headers);
    if (!headers.ok) return headers;
    edits.headers = headers.value;
  }
  if (form.body !== null && form.body !== original.body) edits.bodyBase64 = textToBase64(form.body);
  const environ: Record<string, string> = {};
  for (const key of ENVIRON_OVERRIDE_KEYS) {
    if (form.environ[key] !== original.environ[key]) environ[key] = form.environ[key];
  }
  const extra = parseEnvironLines(form.extraEnviron);
  if (!extra.ok) return extra;
  Object.assign(environ, extra.value);
  if (Object.keys(environ).length > 0) edits.environ = environ;
  return { ok: true, value: edits };
}

