/**
 * The renderer's security decisions, as pure functions: its Content-Security-Policy, which URLs
 * are the app's own pages, and what happens to navigation and window.open. main.ts and
 * window.ts apply them to Electron; tests call them directly.
 *
 * The renderer runs with contextIsolation, sandbox and no Node integration; it can reach the
 * main process only through the preload's ForkwatchApi, and these rules keep it on its own page.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { samePath } from './settings-store';

/**
 * The policy sent as a header for the app's pages. src-renderer/index.html carries a meta
 * policy too (the one that counts for file:// pages where webRequest sees no headers); a page
 * gets the intersection of both, so this one may only be stricter.
 *
 * `dev`: the electron-vite dev server's page, where @vitejs/plugin-react injects its Fast
 * Refresh preamble as an inline module script.
 */
export function contentSecurityPolicy(options: { dev: boolean }): string {
  return [
    "default-src 'none'",
    options.dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // 'self' also covers the dev server's HMR WebSocket (same host and port).
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Response headers with `csp` in place of any Content-Security-Policy the response had. */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [csp];
  return result;
}

export interface AppPages {
  /** The built renderer's index.html (absolute path). */
  rendererFile: string;
  /** ELECTRON_RENDERER_URL under `electron-vite dev` (never honoured in a packaged app). */
  devUrl?: string | null;
  platform?: string;
}

/**
 * Whether `url` is the app's own page: the dev server's origin in development, else exactly the
 * built index.html (any query or hash). Other file:// URLs are not the app, even beside it.
 */
export function createAppUrlMatcher(pages: AppPages): (url: string) => boolean {
  const devOrigin = pages.devUrl ? safeUrl(pages.devUrl)?.origin ?? null : null;
  return (url) => {
    const parsed = safeUrl(url);
    if (!parsed) return false;
    if (devOrigin) return parsed.origin === devOrigin;
    if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
    let file: string;
    try {
      file = fileURLToPath(new URL(parsed.pathname, 'file://'));
    } catch {
      return false;
    }
    return samePath(path.normalize(file), pages.rendererFile, pages.platform);
  };
}

/** Only web pages leave the app, in the system browser: no file:, javascript:, custom schemes. */
export function isExternalUrlAllowed(url: string): boolean {
  const parsed = safeUrl(url);
  return parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
}

export type NavigationDecision = 'allow' | 'open-external' | 'block';

/**
 * A page-initiated navigation (will-navigate, will-frame-navigate, will-redirect): the app's own
 * page may reload itself (the dev server's full reload); a web link opens in the system browser;
 * anything else is blocked.
 */
export function decideNavigation(url: string, isAppUrl: (url: string) => boolean): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  return isExternalUrlAllowed(url) ? 'open-external' : 'block';
}

/** window.open and target=_blank: never a new Electron window; web links go to the system browser. */
export function decideWindowOpen(url: string): Exclude<NavigationDecision, 'allow'> {
  return isExternalUrlAllowed(url) ? 'open-external' : 'block';
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Web permissions the app's page may have: writing to the clipboard (Copy as cURL); nothing
 * else (camera, notifications, geolocation ...), and nothing for any other page.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string, isAppUrl: (url: string) => boolean): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}
