/**
 * The inspector's contract: commands (name -> signature), events (a union discriminated by
 * `type`) and the client interface both transports implement. Types only, plus pure helpers.
 */
import type { ExchangeRecord, ExchangeSummary, PythonErrorInfo, ReplayEdits } from './exchange';

export type WorkerStateName = 'booting' | 'idle' | 'busy' | 'stopping' | 'dead';

export interface WorkerStatus {
  pid: number;
  generation: number;
  state: WorkerStateName;
  /** The exchange in progress (capture id), when busy. */
  exchangeId: number | null;
  /** ms the current request has run, when busy. */
  busyForMs: number | null;
  served: number;
  /** Resident memory in bytes, sampled about once a second. */
  rss: number;
  /** CPU use over the last sample, percent of one core. */
  cpu: number;
  /** Epoch ms. */
  startedAt: number;
  lastExit?: { code: number | null; signal: string | null; reason: string };
}

export type ServerState = 'starting' | 'running' | 'reloading' | 'failed' | 'stopped';

export interface ServerInfo {
  state: ServerState;
  projectDir: string;
  app: string;
  python: string;
  pythonVersion: string;
  /** The gateway's URL, e.g. http://127.0.0.1:8000. */
  url: string;
  workerCount: number;
  generation: number;
  capture: CaptureMode;
  /** The last failed boot or reload, shown until the next success. */
  failure?: { reason: string; error?: PythonErrorInfo; at: number };
}

export type CaptureMode = 'on' | 'paused' | 'off';

export type ArbiterEventKind =
  | 'spawned'
  | 'exited'
  | 'timeout'
  | 'reload-started'
  | 'reload-finished'
  | 'reload-failed'
  | 'scaled';

/** One line of the arbiter's event log. */
export interface ArbiterLogEntry {
  seq: number;
  /** Epoch ms. */
  time: number;
  kind: ArbiterEventKind;
  message: string;
  pid?: number;
  generation?: number;
  /** Traceback for reload-failed, stack for timeout. */
  detail?: string;
  /** For reload events: what changed and how long it took. */
  changedFiles?: string[];
  durationMs?: number;
}

export interface InspectorSnapshot {
  server: ServerInfo;
  workers: WorkerStatus[];
  exchanges: ExchangeSummary[];
  arbiterLog: ArbiterLogEntry[];
}

export type InspectorEvent =
  | { type: 'server'; server: ServerInfo }
  | { type: 'workers'; workers: WorkerStatus[] }
  /** New or updated rows (a pending row is updated when it completes), in id order. */
  | { type: 'exchanges'; exchanges: ExchangeSummary[] }
  /** Rows evicted from the store (oldest first). */
  | { type: 'evicted'; ids: number[] }
  | { type: 'arbiter'; entries: ArbiterLogEntry[] }
  | { type: 'cleared' }
  /** Events were dropped for this client: fetch a fresh snapshot. */
  | { type: 'resync' };

export interface ExchangeDiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface ExchangeDiff {
  status: { left: string; right: string; same: boolean };
  headers: ExchangeDiffLine[];
  body: ExchangeDiffLine[];
}

/** Every command: name -> signature. Both transports carry exactly these. */
export interface InspectorCommands {
  snapshot(): InspectorSnapshot;
  exchange(id: number): ExchangeRecord | null;
  reload(): void;
  setWorkerCount(count: number): void;
  restartWorker(pid: number): boolean;
  killWorker(pid: number): boolean;
  /** The live Python stack of a worker, busy or not. */
  workerStack(pid: number): string;
  /** Sends the request again (edited or not); resolves with the new exchange's id. */
  replay(id: number, edits?: ReplayEdits): number;
  diff(leftId: number, rightId: number): ExchangeDiff | null;
  curl(id: number): string | null;
  /** HAR 1.2 as a JSON string; all exchanges when `ids` is absent. */
  exportHar(ids?: number[]): string;
  clear(): void;
  setCapture(mode: CaptureMode): void;
}

export type CommandName = keyof InspectorCommands;
export type CommandArgs<K extends CommandName> = Parameters<InspectorCommands[K]>;
export type CommandResult<K extends CommandName> = ReturnType<InspectorCommands[K]>;

/** What the renderer talks to: the same over Electron IPC and over WebSocket. */
export interface InspectorClient {
  call<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: InspectorEvent) => void): () => void;
}

/** Messages of the WebSocket transport. */
export type ClientMessage = { id: number; command: CommandName; args: unknown[] };
export type ServerMessage =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: InspectorEvent };
