/**
 * Wire types of a recorded exchange: one HTTP request through the gateway, as the inspector
 * shows it. Plain JSON (bytes as base64) so it crosses IPC and WebSocket unchanged.
 */

/** Bytes captured up to the capture limit. */
export interface BodyCapture {
  /** Total bytes, also those past the limit. */
  size: number;
  /** True when `base64` holds only the first `limit` bytes. */
  truncated: boolean;
  /** The captured bytes, base64: non-UTF-8 bodies are kept as bytes, never mangled. */
  base64: string;
}

export interface PythonErrorInfo {
  type: string;
  message: string;
  traceback: string;
  filename?: string;
  lineno?: number;
}

export interface StartResponseRecord {
  status: string;
  headers: [string, string][];
  excInfo?: PythonErrorInfo;
}

export interface FindingRecord {
  /** Short kebab-case code, e.g. "hop-by-hop-header". */
  code: string;
  message: string;
}

export type LogStreamName = 'stdout' | 'stderr' | 'wsgi.errors' | 'logging';

export interface LogLine {
  stream: LogStreamName;
  text: string;
  level?: string;
  logger?: string;
  /** Epoch milliseconds. */
  time: number;
}

export type ExchangeOutcome =
  | 'pending'
  | 'ok'
  | 'app-error'
  | 'app-error-after-headers'
  | 'violation'
  | 'crash'
  | 'timeout'
  | 'client-gone'
  | 'aborted'
  | 'rejected';

/** Milliseconds from `accepted` (epoch ms); absent until the moment happens. */
export interface ExchangeTimings {
  accepted: number;
  dispatched?: number;
  startResponse?: number;
  firstByte?: number;
  complete?: number;
}

/** One row of the request list: small, sent live. */
export interface ExchangeSummary {
  id: number;
  method: string;
  /** The request-target as sent (path and query). */
  url: string;
  status: number;
  outcome: ExchangeOutcome;
  /** Epoch ms when the request was accepted. */
  startedAt: number;
  /** ms from accepted to complete; null while pending. */
  durationMs: number | null;
  /** Response body bytes sent. */
  responseSize: number;
  workerPid: number | null;
  /** The code generation (reload count) that served it. */
  generation: number | null;
  findingCount: number;
  /** Set on a replay: the exchange it replays. */
  replayOf?: number;
}

/** Everything recorded about one exchange: the detail view. */
export interface ExchangeRecord extends ExchangeSummary {
  httpVersion: string;
  remoteAddress: string;
  timings: ExchangeTimings;
  requestHeaders: [string, string][];
  /** Every environ key the app received, in order; non-str values as `<type name>`. */
  environ: [string, string][];
  /** The request body as received from the client. */
  requestBody: BodyCapture;
  /** Bytes of wsgi.input the app read (less than requestBody.size when it read part). */
  requestBytesRead: number;
  /** Every start_response call, in order. */
  startResponse: StartResponseRecord[];
  usedWrite: boolean;
  /** The status line and headers that went on the wire, including those the server added. */
  responseStatus: string;
  responseHeaders: [string, string][];
  /** Headers the server added (Date, Server, Content-Length or Transfer-Encoding). */
  serverAddedHeaders: string[];
  responseBody: BodyCapture;
  /** Sizes of the chunks the app produced, in order. */
  responseChunks: number[];
  logs: LogLine[];
  findings: FindingRecord[];
  error?: PythonErrorInfo;
  /** For a worker crash: how it exited. */
  workerExit?: { code: number | null; signal: string | null };
  /** For a timeout: the worker's Python stack when it was killed. */
  stack?: string;
}

/** Edits for a replay; environ keys an HTTP client cannot set go in `environ`. */
export interface ReplayEdits {
  method?: string;
  /** Path and query, e.g. "/items?page=2". */
  url?: string;
  headers?: [string, string][];
  /** New body, base64. */
  bodyBase64?: string;
  /** Overrides of environ keys, e.g. REMOTE_ADDR, wsgi.url_scheme, SCRIPT_NAME. */
  environ?: Record<string, string>;
}
