/**
 * Who may talk to the browser transport: checked on every request and every upgrade.
 *
 * - Host header: only 127.0.0.1:<port>, localhost:<port> or [::1]:<port>. A page on another
 *   site that rebinds its DNS name to 127.0.0.1 still sends its own name as Host (DNS-rebinding
 *   defence).
 * - Origin (WebSocket upgrades, when a browser sends one): the same three origins over http.
 * - Token: 24 random bytes, base64url, in `?token=`; compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The Host header values accepted for a server on 127.0.0.1:<port>. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return allowedHosts(port).has(hostHeader.trim().toLowerCase());
}

/** An absent Origin is a non-browser client (allowed: the token still guards it). */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const lower = origin.trim().toLowerCase();
  if (!lower.startsWith('http://')) return false;
  return allowedHosts(port).has(lower.slice('http://'.length));
}

/** Constant-time comparison (of digests, so lengths never leak through timing either). */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
