import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopWithDeadline } from '../../../src-main/electron/shutdown';

afterEach(() => {
  vi.useRealTimers();
});

const never = () => new Promise<void>(() => {});

describe('stopWithDeadline', () => {
  it('is graceful when the graceful stop finishes in time, and never forces', async () => {
    const force = vi.fn(async () => {});
    await expect(stopWithDeadline({ graceful: async () => {}, force, graceMs: 1000, forceMs: 1000 })).resolves.toBe('graceful');
    expect(force).not.toHaveBeenCalled();
  });

  it('forces once the grace period is over', async () => {
    vi.useFakeTimers();
    const force = vi.fn(async () => {});
    const outcome = stopWithDeadline({ graceful: never, force, graceMs: 5000, forceMs: 3000 });
    await vi.advanceTimersByTimeAsync(4999);
    expect(force).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toBe('forced');
    expect(force).toHaveBeenCalledOnce();
  });

  it('gives up waiting when even the forced stop hangs, so quitting never hangs', async () => {
    vi.useFakeTimers();
    const outcome = stopWithDeadline({ graceful: never, force: never, graceMs: 5000, forceMs: 3000 });
    await vi.advanceTimersByTimeAsync(8000);
    await expect(outcome).resolves.toBe('abandoned');
  });

  it('counts a stop that throws as done (it stopped as far as it could)', async () => {
    const outcome = await stopWithDeadline({
      graceful: () => Promise.reject(new Error('already closed')),
      force: async () => {},
      graceMs: 1000,
      forceMs: 1000,
    });
    expect(outcome).toBe('graceful');
  });

  it('clears its timers', async () => {
    vi.useFakeTimers();
    await stopWithDeadline({ graceful: async () => {}, force: async () => {}, graceMs: 1000, forceMs: 1000 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
