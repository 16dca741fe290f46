/**
 * Capture: turns every request through the gateway into an ExchangeRecord in the store.
 *
 * `createCapture(gateway, options)` installs itself as the gateway's relay observer. Replays go through
 * the real HTTP front end, with a header only this capture's token unlocks (for environ keys an
 * HTTP client cannot set, such as REMOTE_ADDR).
 */
import type { CaptureMode, ReplayEdits } from '../../contract';
import type { ExchangeStore, StoreLimits } from './store';

export interface CaptureOptions {
  /** Bytes of each body kept (default 1 MiB); the total size is always counted. */
  bodyLimit?: number;
  storeLimits?: Partial<StoreLimits>;
  mode?: CaptureMode;
}

export interface Capture {
  readonly store: ExchangeStore;
  readonly mode: CaptureMode;
  /** on: record; paused: record nothing but keep the store; off: also ask workers for nothing (raw speed). */
  setMode(mode: CaptureMode): void;
  /** Sends exchange `id` again, edited or not; resolves with the new exchange's id. */
  replay(id: number, edits?: ReplayEdits): Promise<number>;
  /** The exchange a worker's current request belongs to (for worker status). */
  exchangeIdForRequest(requestId: number): number | null;
  /** Stops observing the gateway. */
  detach(): void;
}

export { createCapture } from './recorder';
export type { ExchangeStore, StoreLimits } from './store';
