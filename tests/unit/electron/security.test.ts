import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  createAppUrlMatcher,
  decideNavigation,
  decideWindowOpen,
  isExternalUrlAllowed,
  isPermissionAllowed,
  withCsp,
} from '../../../src-main/electron/security';

const rendererFile = '/opt/forkwatch/out/renderer/index.html';

describe('createAppUrlMatcher', () => {
  const built = createAppUrlMatcher({ rendererFile, platform: 'linux' });

  it("matches exactly the built index.html, with any query or hash", () => {
    expect(built('file:///opt/forkwatch/out/renderer/index.html')).toBe(true);
    expect(built('file:///opt/forkwatch/out/renderer/index.html#/exchange/3')).toBe(true);
    expect(built('file:///opt/forkwatch/out/renderer/index.html?x=1')).toBe(true);
  });

  it('refuses other files, also beside it or reached through .. or encoding', () => {
    expect(built('file:///opt/forkwatch/out/renderer/other.html')).toBe(false);
    expect(built('file:///opt/forkwatch/out/renderer/assets/index.js')).toBe(false);
    expect(built('file:///tmp/index.html')).toBe(false);
    expect(built('file:///opt/forkwatch/out/renderer/x/../index.html')).toBe(true); // the URL parser resolves ..: the same file
    expect(built('file:///opt/forkwatch/out/renderer%2Findex.html')).toBe(false);
    expect(built('file://evil.example/opt/forkwatch/out/renderer/index.html')).toBe(false);
  });

  it('refuses web pages and junk', () => {
    expect(built('http://127.0.0.1:8000/')).toBe(false);
    expect(built('not a url')).toBe(false);
    expect(built('')).toBe(false);
  });

  it("matches the dev server's origin in development, and only it", () => {
    const dev = createAppUrlMatcher({ rendererFile, devUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5173/index.html#x')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev('http://127.0.0.1:5173/')).toBe(false);
    expect(dev('file:///opt/forkwatch/out/renderer/index.html')).toBe(false);
  });
});

describe('external links', () => {
  it('allows http and https only', () => {
    expect(isExternalUrlAllowed('https://docs.python.org/3/')).toBe(true);
    expect(isExternalUrlAllowed('http://127.0.0.1:8000/hello')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'vscode://x', 'data:text/html,hi', 'http://', 'nonsense']) {
      expect(isExternalUrlAllowed(url)).toBe(false);
    }
  });

  it('never opens a window; sends web links to the system browser', () => {
    expect(decideWindowOpen('https://example.com/')).toBe('open-external');
    expect(decideWindowOpen('file:///etc/passwd')).toBe('block');
    expect(decideWindowOpen('about:blank')).toBe('block');
  });

  it('keeps the window on the app page: links go out, anything else is blocked', () => {
    const isApp = createAppUrlMatcher({ rendererFile });
    expect(decideNavigation('file:///opt/forkwatch/out/renderer/index.html', isApp)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:8000/', isApp)).toBe('open-external');
    expect(decideNavigation('file:///home/me/.ssh/id_rsa', isApp)).toBe('block');
    expect(decideNavigation('chrome://gpu', isApp)).toBe('block');
  });
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it("is strict: nothing by default, scripts from the app only, no inline script, no eval, no frames", () => {
    const csp = directives(contentSecurityPolicy({ dev: false }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy({ dev: false })).not.toMatch(/unsafe-eval|\*/);
  });

  it("allows the React Fast Refresh preamble (an inline script) in development only", () => {
    expect(directives(contentSecurityPolicy({ dev: true })).get('script-src')).toContain("'unsafe-inline'");
  });

  it('replaces any CSP header of the response, whatever its case, and keeps the others', () => {
    const headers = { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] };
    expect(withCsp(headers, "default-src 'none'")).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
    expect(withCsp(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});

describe('isPermissionAllowed', () => {
  const isApp = createAppUrlMatcher({ rendererFile });
  it('lets the app page write the clipboard, and nothing else', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'file:///opt/forkwatch/out/renderer/index.html', isApp)).toBe(true);
    expect(isPermissionAllowed('clipboard-read', 'file:///opt/forkwatch/out/renderer/index.html', isApp)).toBe(false);
    expect(isPermissionAllowed('media', 'file:///opt/forkwatch/out/renderer/index.html', isApp)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com/', isApp)).toBe(false);
  });
});
