/**
 * Turns a burst of file events into one batch: an editor's atomic save (unlink + add, or a
 * rename over the file), a formatter's second write, a `git checkout` touching 500 files.
 *
 * The batch goes out `quietMs` after the last event, or `maxWaitMs` after the first one when
 * events keep coming (a tool writing continuously must not hold reloads back forever). Once a
 * batch holds `bulkThreshold` items it is a bulk operation (checkout, copy, code generator),
 * not a save: the silence that ends it is `bulkQuietMs`, since a writer that has done 300
 * files and was descheduled for 30 ms on a busy machine is most likely not done. Items are
 * de-duplicated, in the order they first came. Pure logic: the clock and timers are injected,
 * so tests drive time by hand.
 */

export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface DebouncerOptions<T> {
  /** Silence after the last event before the batch goes out. */
  quietMs: number;
  /** Longest a batch waits after its first event, however busy the stream. */
  maxWaitMs: number;
  /** From this many items on, the batch ends after `bulkQuietMs` of silence instead. */
  bulkThreshold?: number;
  bulkQuietMs?: number;
  onFlush: (items: T[]) => void;
  scheduler?: Scheduler;
}

export interface Debouncer<T> {
  push(item: T): void;
  /** Sends what is pending now (no-op when nothing is). */
  flush(): void;
  /** Drops what is pending. */
  cancel(): void;
  /** Items waiting in the current batch. */
  readonly pending: number;
}

/**
 * The default window: a save's events arrive within a millisecond or two of each other, but a
 * `git checkout` writing hundreds of files can be descheduled for several milliseconds on a
 * busy machine (seen at 10 ms: the first file went alone, the rest in a second reload).
 */
export const DEFAULT_QUIET_MS = 25;
export const DEFAULT_BULK_THRESHOLD = 5;
export const DEFAULT_BULK_QUIET_MS = 150;
export const DEFAULT_MAX_WAIT_MS = 2000;

export function createDebouncer<T>(options: DebouncerOptions<T>): Debouncer<T> {
  const { quietMs, maxWaitMs, onFlush } = options;
  const bulkThreshold = options.bulkThreshold ?? Infinity;
  const bulkQuietMs = options.bulkQuietMs ?? quietMs;
  const scheduler = options.scheduler ?? realScheduler;
  if (!(quietMs >= 0) || !(maxWaitMs >= quietMs)) throw new Error('debounce needs 0 <= quietMs <= maxWaitMs');
  if (!(bulkQuietMs >= quietMs) || !(bulkThreshold >= 1)) throw new Error('debounce needs quietMs <= bulkQuietMs and bulkThreshold >= 1');
  let items = new Set<T>();
  let firstAt = 0;
  let dueAt = 0;
  let timer: unknown = null;

  const clear = () => {
    if (timer !== null) scheduler.clearTimeout(timer);
    timer = null;
  };

  const flush = () => {
    clear();
    if (!items.size) return;
    const batch = [...items];
    items = new Set();
    onFlush(batch);
  };

  const arm = (at: number) => {
    // Re-arming on every event would churn timers during a 500-file burst; a timer that fires
    // early just re-arms for the remaining time.
    dueAt = at;
    if (timer !== null) return;
    const wait = () => {
      timer = null;
      const left = dueAt - scheduler.now();
      if (left > 0) timer = scheduler.setTimeout(wait, left);
      else flush();
    };
    timer = scheduler.setTimeout(wait, Math.max(0, at - scheduler.now()));
  };

  return {
    push(item) {
      const now = scheduler.now();
      if (!items.size) firstAt = now;
      items.add(item);
      const quiet = items.size >= bulkThreshold ? bulkQuietMs : quietMs;
      arm(Math.min(now + quiet, firstAt + maxWaitMs));
    },
    flush,
    cancel() {
      clear();
      items = new Set();
    },
    get pending() {
      return items.size;
    },
  };
}
