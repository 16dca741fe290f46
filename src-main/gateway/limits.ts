/**
 * Request size limits, named and defaulted after gunicorn's (`--limit-request-*`).
 * Pure: each check returns the status to answer with, or null when the request is fine.
 */

export interface RequestLimits {
  /** Longest request line (method, target and version), in bytes. */
  requestLine: number;
  /** Most header fields in one request. */
  requestFields: number;
  /** Longest single header field (name + ": " + value), in bytes. */
  requestFieldSize: number;
  /** Largest request body, in bytes; 0 means unlimited. */
  requestBody: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  requestLine: 8190,
  requestFields: 100,
  requestFieldSize: 8190,
  requestBody: 0,
};

export interface LimitViolation {
  status: 413 | 414 | 431;
  reason: string;
}

/**
 * Node's parser enforces one budget for the whole head (`maxHeaderSize`); it must be big enough
 * for every field at its own limit to fit, so that our finer checks decide the status.
 */
export function maxHeaderSizeFor(limits: RequestLimits): number {
  return limits.requestLine + limits.requestFields * (limits.requestFieldSize + 2) + 4;
}

export function checkHead(
  method: string,
  url: string,
  httpVersion: string,
  rawHeaders: string[],
  limits: RequestLimits,
): LimitViolation | null {
  const requestLineLength = method.length + url.length + httpVersion.length + 7; // "M U HTTP/x.y"
  if (requestLineLength > limits.requestLine) {
    return { status: 414, reason: `request line of ${requestLineLength} bytes exceeds the limit of ${limits.requestLine}` };
  }
  const fieldCount = rawHeaders.length / 2;
  if (fieldCount > limits.requestFields) {
    return { status: 431, reason: `${fieldCount} header fields exceed the limit of ${limits.requestFields}` };
  }
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const size = rawHeaders[i].length + rawHeaders[i + 1].length + 2;
    if (size > limits.requestFieldSize) {
      return { status: 431, reason: `header ${rawHeaders[i]} of ${size} bytes exceeds the limit of ${limits.requestFieldSize}` };
    }
  }
  return null;
}

/** A declared Content-Length over the limit is refused before any of the body is read. */
export function checkDeclaredBody(contentLength: string | undefined, limits: RequestLimits): LimitViolation | null {
  if (!limits.requestBody || contentLength === undefined) return null;
  const length = Number(contentLength);
  if (length > limits.requestBody) {
    return { status: 413, reason: `body of ${length} bytes exceeds the limit of ${limits.requestBody}` };
  }
  return null;
}
