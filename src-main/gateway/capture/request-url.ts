/**
 * The absolute URL of a recorded request, for exports that need one (HAR, cURL). The record
 * keeps the request-target as sent; the scheme and authority come from what the app saw in
 * its environ, so the URL is the one the app would reconstruct (PEP 3333 "URL Reconstruction").
 * Pure.
 */
import type { ExchangeRecord } from '../../contract';
import { headerValue } from './body';

export interface RequestLocation {
  /** "http" or "https" (wsgi.url_scheme). */
  scheme: string;
  /** host[:port] as the client named it (Host header), else the server's address. */
  authority: string;
  /** scheme://authority/path?query */
  url: string;
  /**
   * Set when the request-target is neither origin-form ("/path") nor absolute-form, i.e.
   * "*" (OPTIONS *) or authority-form (CONNECT): the URL then ends in "/" and this holds
   * the real target.
   */
  unusualTarget?: string;
}

const ABSOLUTE_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

export function environMap(record: ExchangeRecord): Map<string, string> {
  const map = new Map<string, string>();
  // The first occurrence wins: the environ is recorded in order and has no duplicates anyway.
  for (const [key, value] of record.environ) if (!map.has(key)) map.set(key, value);
  return map;
}

export function requestLocation(record: ExchangeRecord): RequestLocation {
  const target = record.url;
  const absolute = ABSOLUTE_FORM.exec(target);
  // absolute-form (a proxy-style request): the target already is the URL.
  if (absolute) return { scheme: absolute[1].toLowerCase(), authority: absolute[2], url: target };

  const environ = environMap(record);
  const scheme = environ.get('wsgi.url_scheme') || 'http';
  const authority =
    environ.get('HTTP_HOST') ||
    headerValue(record.requestHeaders, 'host') ||
    serverAuthority(scheme, environ.get('SERVER_NAME'), environ.get('SERVER_PORT')) ||
    // A request rejected before it had an environ, without a Host header (HTTP/1.0).
    'localhost';
  const origin = `${scheme}://${authority}`;
  if (target.startsWith('/')) return { scheme, authority, url: origin + target };
  return { scheme, authority, url: origin + '/', unusualTarget: target };
}

function serverAuthority(scheme: string, name: string | undefined, port: string | undefined): string | undefined {
  if (!name) return undefined;
  // SERVER_NAME is the socket's address here: an IPv6 one needs brackets in a URL.
  const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  const defaultPort = scheme === 'https' ? '443' : '80';
  return port && port !== defaultPort ? `${host}:${port}` : host;
}

/** The query string of a request-target (after "?", before any "#"), undecoded. */
export function rawQuery(target: string): string {
  const question = target.indexOf('?');
  if (question < 0) return '';
  const hash = target.indexOf('#', question);
  return target.slice(question + 1, hash < 0 ? undefined : hash);
}

/**
 * Parses application/x-www-form-urlencoded text (a query string or a form body) into
 * decoded name/value pairs, in order, duplicates kept. "+" is a space; percent-escapes are
 * decoded as UTF-8, and a pair that does not decode is kept as sent rather than mangled.
 */
export function parseUrlEncoded(text: string): { name: string; value: string }[] {
  const pairs: { name: string; value: string }[] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    pairs.push({ name: decodeComponent(name), value: decodeComponent(value) });
  }
  return pairs;
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
