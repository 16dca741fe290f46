/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the parts forkwatch writes,
 * plus forkwatch's custom fields. The spec allows custom fields anywhere as long as their
 * names start with "_"; every forkwatch addition does.
 */
import type {
  ExchangeOutcome,
  FindingRecord,
  LogLine,
  PythonErrorInfo,
  StartResponseRecord,
} from '../../contract';

export interface HarLog {
  version: '1.2';
  creator: HarCreator;
  pages?: HarPage[];
  entries: HarEntry[];
  comment?: string;
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO 8601. */
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
  /** SameSite attribute (HAR 1.2 predates it). */
  _sameSite?: string;
}

export interface HarParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  params?: HarParam[];
  text: string;
  comment?: string;
  /** "base64" when `text` holds the body base64-encoded because it is not UTF-8 text. */
  _encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** forkwatch's per-exchange fields, kept so an exported HAR loses nothing the inspector showed. */
export interface HarForkwatchFields {
  /** The capture id. */
  _id: number;
  /** Every environ key the app received, in order. */
  _environ: [string, string][];
  _startResponse: StartResponseRecord[];
  _usedWrite: boolean;
  /** Response headers the server added rather than the app. */
  _serverAddedHeaders: string[];
  _worker: { pid: number; generation: number | null } | null;
  _logs: LogLine[];
  _findings: FindingRecord[];
  _outcome: ExchangeOutcome;
  _error?: PythonErrorInfo;
  _workerExit?: { code: number | null; signal: string | null };
  _stack?: string;
  /** Bytes of wsgi.input the app read. */
  _requestBytesRead: number;
  /** Sizes of the chunks the app produced, in order. */
  _responseChunks: number[];
  /** Which captured bodies hold only their first bytes (the sizes stay the full ones). */
  _truncated: { request: boolean; response: boolean };
  _replayOf?: number;
  /** Set when the request-target was "*" or authority-form: the URL cannot carry it. */
  _requestTarget?: string;
}

export interface HarEntry extends HarForkwatchFields {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
}

/** The file's top level: `{ "log": ... }`. */
export interface Har {
  log: HarLog;
}
