/**
 * Validators for the inspector's commands: the arguments as they arrive over a transport
 * (JSON from a WebSocket, structured clones over IPC) are untrusted until checked here.
 *
 * Pure and environment-neutral (no Node or DOM APIs): the main process, the preload script
 * and the renderer may all use it. Import it as `@contract/validate`.
 *
 * `validateCommand(name, args)` checks the name against the known commands, the arity, and
 * each argument's shape, and returns normalised arguments: optional arguments given as `null`
 * (what JSON makes of `undefined`) or left out are dropped, and a ReplayEdits object is
 * copied with only its known fields.
 */
import type { ReplayEdits } from './exchange';
import type { CaptureMode, CommandName } from './inspector';

export type ValidationResult = { ok: true; name: CommandName; args: unknown[] } | { ok: false; error: string };

/** Limits of the checks; exported for tests and for the UI's own form checks. */
export const VALIDATION_LIMITS = {
  minWorkers: 1,
  maxWorkers: 64,
  /** Longest request-target a replay may use. */
  maxUrlLength: 64 * 1024,
  maxMethodLength: 32,
  maxHeaders: 1000,
  maxHeaderNameLength: 256,
  maxHeaderValueLength: 64 * 1024,
  /** Base64 characters of a replay body (48 MiB of base64 = 36 MiB of bytes). */
  maxBodyBase64Length: 48 * 1024 * 1024,
  maxEnvironKeys: 1000,
  maxEnvironKeyLength: 256,
  maxEnvironValueLength: 64 * 1024,
  /** Most ids exportHar takes in one call. */
  maxIds: 100_000,
} as const;

export const CAPTURE_MODES: readonly CaptureMode[] = ['on', 'paused', 'off'];

type ArgCheck = (value: unknown, label: string) => string | null;

interface CommandSpec {
  /** Required arguments, then optional ones. */
  required: ArgCheck[];
  optional?: ArgCheck[];
  /** Turns a checked argument into its normalised form (by position). */
  normalise?: (args: unknown[]) => unknown[];
}

const id: ArgCheck = (value, label) =>
  isInteger(value) && value >= 0 ? null : `${label} must be an integer >= 0, got ${describe(value)}`;

const pid: ArgCheck = (value, label) =>
  isInteger(value) && value >= 1 ? null : `${label} must be a process id (an integer >= 1), got ${describe(value)}`;

const workerCount: ArgCheck = (value, label) =>
  isInteger(value) && value >= VALIDATION_LIMITS.minWorkers && value <= VALIDATION_LIMITS.maxWorkers
    ? null
    : `${label} must be an integer from ${VALIDATION_LIMITS.minWorkers} to ${VALIDATION_LIMITS.maxWorkers}, got ${describe(value)}`;

const captureMode: ArgCheck = (value, label) =>
  typeof value === 'string' && (CAPTURE_MODES as readonly string[]).includes(value)
    ? null
    : `${label} must be one of ${CAPTURE_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(value)}`;

const idList: ArgCheck = (value, label) => {
  if (!Array.isArray(value)) return `${label} must be an array of exchange ids, got ${describe(value)}`;
  if (value.length > VALIDATION_LIMITS.maxIds) return `${label} has ${value.length} ids; at most ${VALIDATION_LIMITS.maxIds}`;
  for (let i = 0; i < value.length; i++) {
    const error = id(value[i], `${label}[${i}]`);
    if (error) return error;
  }
  return null;
};

const replayEdits: ArgCheck = (value, label) => checkReplayEdits(value, label);

const COMMANDS: Record<CommandName, CommandSpec> = {
  snapshot: { required: [] },
  exchange: { required: [id] },
  reload: { required: [] },
  setWorkerCount: { required: [workerCount] },
  restartWorker: { required: [pid] },
  killWorker: { required: [pid] },
  workerStack: { required: [pid] },
  replay: {
    required: [id],
    optional: [replayEdits],
    normalise: (args) => (args.length > 1 ? [args[0], copyReplayEdits(args[1] as ReplayEdits)] : args),
  },
  diff: { required: [id, id] },
  curl: { required: [id] },
  exportHar: { required: [], optional: [idList], normalise: (args) => (args.length > 0 ? [[...(args[0] as number[])]] : args) },
  clear: { required: [] },
  setCapture: { required: [captureMode] },
};

const ARG_NAMES: Record<CommandName, string[]> = {
  snapshot: [],
  exchange: ['id'],
  reload: [],
  setWorkerCount: ['count'],
  restartWorker: ['pid'],
  killWorker: ['pid'],
  workerStack: ['pid'],
  replay: ['id', 'edits'],
  diff: ['leftId', 'rightId'],
  curl: ['id'],
  exportHar: ['ids'],
  clear: [],
  setCapture: ['mode'],
};

/** The names of every command, in the contract's order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

/** Checks a command and its arguments; on success the arguments are normalised (see above). */
export function validateCommand(name: string, args: unknown): ValidationResult {
  if (!isCommandName(name)) return { ok: false, error: `unknown command ${describe(name)}` };
  const spec = COMMANDS[name];
  const names = ARG_NAMES[name];
  if (args === undefined || args === null) args = [];
  if (!Array.isArray(args)) return { ok: false, error: `${name}: arguments must be an array, got ${describe(args)}` };
  const optional = spec.optional ?? [];
  const max = spec.required.length + optional.length;
  // Trailing nulls are optional arguments left out (JSON turns undefined into null).
  let given = args.length;
  while (given > spec.required.length && (args[given - 1] === null || args[given - 1] === undefined)) given--;
  if (given < spec.required.length || given > max) {
    const expected = optional.length ? `${spec.required.length} to ${max}` : `${spec.required.length}`;
    return { ok: false, error: `${name}: expected ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}` };
  }
  const checked: unknown[] = [];
  for (let i = 0; i < given; i++) {
    const check = i < spec.required.length ? spec.required[i] : optional[i - spec.required.length];
    const value = args[i];
    if (i >= spec.required.length && (value === null || value === undefined)) {
      // An optional argument left out before a given one: nothing follows it in any command.
      return { ok: false, error: `${name}: ${names[i]} is missing` };
    }
    const error = check(value, `${name}: ${names[i]}`);
    if (error) return { ok: false, error };
    checked.push(value);
  }
  return { ok: true, name, args: spec.normalise ? spec.normalise(checked) : checked };
}

// --- ReplayEdits -------------------------------------------------------------------------------

const REPLAY_FIELDS = new Set(['method', 'url', 'headers', 'bodyBase64', 'environ']);
/** RFC 9110 token characters: method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A request-target's characters: visible ASCII only (no spaces, no controls, no non-ASCII). */
const REQUEST_TARGET = /^[\x21-\x7e]+$/;
/** A header value: no CR, LF or NUL (other controls are the app's business, as on the wire). */
const HEADER_VALUE = /^[^\r\n\0]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** An environ key: CGI names (REMOTE_ADDR, HTTP_X_FOO) and WSGI ones (wsgi.url_scheme). */
const ENVIRON_KEY = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function checkReplayEdits(value: unknown, label: string): string | null {
  if (!isPlainObject(value)) return `${label} must be an object, got ${describe(value)}`;
  for (const key of Object.keys(value)) {
    if (!REPLAY_FIELDS.has(key)) return `${label} has an unknown field ${describe(key)} (known: ${[...REPLAY_FIELDS].join(', ')})`;
  }
  const edits = value as Record<string, unknown>;
  const L = VALIDATION_LIMITS;
  if (edits.method !== undefined) {
    const method = edits.method;
    if (typeof method !== 'string' || !TOKEN.test(method) || method.length > L.maxMethodLength) {
      return `${label}.method must be an HTTP method token of at most ${L.maxMethodLength} characters, got ${describe(method)}`;
    }
  }
  if (edits.url !== undefined) {
    const url = edits.url;
    if (typeof url !== 'string' || url.length > L.maxUrlLength || !url.startsWith('/') || !REQUEST_TARGET.test(url)) {
      return `${label}.url must be a path and query starting with "/" (visible ASCII, no spaces, at most ${L.maxUrlLength} characters), got ${describe(url)}`;
    }
  }
  if (edits.headers !== undefined) {
    const headers = edits.headers;
    if (!Array.isArray(headers)) return `${label}.headers must be an array of [name, value] pairs, got ${describe(headers)}`;
    if (headers.length > L.maxHeaders) return `${label}.headers has ${headers.length} headers; at most ${L.maxHeaders}`;
    for (let i = 0; i < headers.length; i++) {
      const pair: unknown = headers[i];
      if (!Array.isArray(pair) || pair.length !== 2) return `${label}.headers[${i}] must be a [name, value] pair, got ${describe(pair)}`;
      const [name, headerValue] = pair as unknown[];
      if (typeof name !== 'string' || !TOKEN.test(name) || name.length > L.maxHeaderNameLength) {
        return `${label}.headers[${i}] name must be an HTTP header name token, got ${describe(name)}`;
      }
      if (typeof headerValue !== 'string' || headerValue.length > L.maxHeaderValueLength || !HEADER_VALUE.test(headerValue)) {
        return `${label}.headers[${i}] value must be a string without CR, LF or NUL, at most ${L.maxHeaderValueLength} characters`;
      }
    }
  }
  if (edits.bodyBase64 !== undefined) {
    const body = edits.bodyBase64;
    if (typeof body !== 'string') return `${label}.bodyBase64 must be a base64 string, got ${describe(body)}`;
    if (body.length > L.maxBodyBase64Length) return `${label}.bodyBase64 is too long (${body.length} characters; at most ${L.maxBodyBase64Length})`;
    if (!isBase64(body)) return `${label}.bodyBase64 is not valid base64`;
  }
  if (edits.environ !== undefined) {
    const environ = edits.environ;
    if (!isPlainObject(environ)) return `${label}.environ must be an object of string keys to string values, got ${describe(environ)}`;
    const keys = Object.keys(environ);
    if (keys.length > L.maxEnvironKeys) return `${label}.environ has ${keys.length} keys; at most ${L.maxEnvironKeys}`;
    for (const key of keys) {
      if (key.length > L.maxEnvironKeyLength || !ENVIRON_KEY.test(key) || FORBIDDEN_KEYS.has(key)) {
        return `${label}.environ key ${describe(key)} is not a valid environ name (letters, digits, _ . -; not starting with a digit)`;
      }
      const entry = (environ as Record<string, unknown>)[key];
      if (typeof entry !== 'string') return `${label}.environ[${describe(key)}] must be a string, got ${describe(entry)}`;
      if (entry.length > L.maxEnvironValueLength) return `${label}.environ[${describe(key)}] is too long (at most ${L.maxEnvironValueLength} characters)`;
    }
  }
  return null;
}

/** A fresh copy with only the known fields (never the caller's objects). */
function copyReplayEdits(edits: ReplayEdits): ReplayEdits {
  const copy: ReplayEdits = {};
  if (edits.method !== undefined) copy.method = edits.method;
  if (edits.url !== undefined) copy.url = edits.url;
  if (edits.headers !== undefined) copy.headers = edits.headers.map(([name, value]) => [name, value]);
  if (edits.bodyBase64 !== undefined) copy.bodyBase64 = edits.bodyBase64;
  if (edits.environ !== undefined) {
    const environ: Record<string, string> = {};
    for (const key of Object.keys(edits.environ)) environ[key] = edits.environ[key];
    copy.environ = environ;
  }
  return copy;
}

// --- helpers -------------------------------------------------------------------------------------

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isBase64(text: string): boolean {
  return BASE64.test(text) && text.length % 4 !== 1 && (!text.includes('=') || text.length % 4 === 0);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}
