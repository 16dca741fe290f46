/**
 * Builds the CGI part of a WSGI environ (PEP 3333 "environ Variables") from a parsed request.
 *
 * Pure: no I/O, no sockets. The worker adds the wsgi.* objects (input, errors, version ...)
 * that only exist in Python; `wsgi.url_scheme` is decided here because only the master knows
 * how the client connected.
 */

/** What the HTTP layer knows about one request, already parsed. */
export interface ParsedRequest {
  method: string;
  /** The request-target as sent (origin-form, or absolute-form for proxies). */
  url: string;
  /** "1.1" or "1.0". */
  httpVersion: string;
  /** Header names and values in arrival order, flat: [name, value, name, value ...]. */
  rawHeaders: string[];
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
}

export interface EnvironOptions {
  /** The mount point, e.g. "/api": becomes SCRIPT_NAME and is stripped from PATH_INFO. */
  rootPath: string;
  urlScheme: 'http' | 'https';
}

/**
 * Returns the environ as an ordered object: CGI keys first, then HTTP_* in arrival order,
 * then wsgi.url_scheme.
 */
export function buildEnviron(request: ParsedRequest, options: EnvironOptions): Record<string, string> {
  const { path, query } = splitTarget(request.url);
  const decodedPath = percentDecodeToLatin1(path);
  const { scriptName, pathInfo } = splitScriptName(decodedPath, options.rootPath);

  const environ: Record<string, string> = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: scriptName,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    RAW_URI: request.url,
    SERVER_NAME: request.localAddress,
    SERVER_PORT: String(request.localPort),
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    REMOTE_ADDR: request.remoteAddress,
    REMOTE_PORT: String(request.remotePort),
  };
  Object.assign(environ, headerVariables(request.rawHeaders));
  environ['wsgi.url_scheme'] = options.urlScheme;
  return environ;
}

/**
 * Maps request headers to CONTENT_TYPE, CONTENT_LENGTH and HTTP_* variables.
 *
 * Repeated headers are joined with "," (RFC 9110 §5.3). A header whose name contains "_" is
 * dropped: "X-Forwarded_For" and "X-Forwarded-For" would both become HTTP_X_FORWARDED_FOR,
 * letting a client spoof a header a proxy set (the fix gunicorn, nginx and Apache share).
 * A chunked request has no CONTENT_LENGTH: its length is not known up front.
 */
export function headerVariables(rawHeaders: string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  let chunked = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.includes('_')) continue;
    const value = rawHeaders[i + 1];
    const upper = name.toUpperCase();
    let key: string;
    if (upper === 'CONTENT-TYPE') key = 'CONTENT_TYPE';
    else if (upper === 'CONTENT-LENGTH') key = 'CONTENT_LENGTH';
    else {
      if (upper === 'TRANSFER-ENCODING' && /chunked/i.test(value)) chunked = true;
      key = 'HTTP_' + upper.replace(/-/g, '_');
    }
    const previous = variables[key];
    variables[key] = previous === undefined ? value : `${previous},${value}`;
  }
  if (chunked) delete variables.CONTENT_LENGTH;
  return variables;
}

/** Splits a request-target into path and query; absolute-form ("http://h/p?q") loses its authority. */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  if (!rest.startsWith('/')) {
    const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
    if (authority) rest = rest.slice(authority[0].length) || '/';
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  if (question === -1) return { path: rest, query: '' };
  return { path: rest.slice(0, question), query: rest.slice(question + 1) };
}

/**
 * Decodes %XX escapes to bytes and returns them as a latin-1 string, one char per byte: PEP 3333
 * ("Unicode Issues") wants PATH_INFO as bytes in a str, so that the app can re-decode them as
 * UTF-8 (Werkzeug, Django do) without the server guessing an encoding. Invalid escapes stay as-is.
 */
export function percentDecodeToLatin1(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Splits a decoded path at the mount point (gunicorn's SCRIPT_NAME handling). */
export function splitScriptName(path: string, rootPath: string): { scriptName: string; pathInfo: string } {
  const root = rootPath.replace(/\/+$/, '');
  if (root && (path === root || path.startsWith(root + '/'))) {
    return { scriptName: root, pathInfo: path.slice(root.length) };
  }
  return { scriptName: root, pathInfo: path };
}
