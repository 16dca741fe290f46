/**
 * Stopping in two steps with deadlines (as httptoolkit-desktop's stop-server does): ask
 * gracefully, force after `graceMs`, and give up waiting `forceMs` after that, so that quitting
 * never hangs on a worker that ignores its signals.
 */

export type StopOutcome = 'graceful' | 'forced' | 'abandoned';

export interface StopSteps {
  /** The graceful stop: running requests may finish. */
  graceful(): Promise<void>;
  /** The forced stop (SIGKILL): called once `graceMs` passed without `graceful` settling. */
  force(): Promise<void>;
  graceMs: number;
  forceMs: number;
  /** Injectable for tests. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export async function stopWithDeadline(steps: StopSteps): Promise<StopOutcome> {
  const set = steps.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
  const clear = steps.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));

  const within = async (work: Promise<void>, ms: number): Promise<boolean> => {
    let handle: unknown;
    const timedOut = new Promise<false>((resolve) => {
      handle = set(() => resolve(false), ms);
    });
    // A stop that fails has still stopped as far as it could: treat it as settled.
    const settled = work.then(
      () => true as const,
      () => true as const,
    );
    const result = await Promise.race([settled, timedOut]);
    clear(handle);
    return result;
  };

  if (await within(Promise.resolve().then(steps.graceful), steps.graceMs)) return 'graceful';
  if (await within(Promise.resolve().then(steps.force), steps.forceMs)) return 'forced';
  return 'abandoned';
}
