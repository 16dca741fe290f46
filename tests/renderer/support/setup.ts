/**
 * Shared test helpers: reset every store between tests (zustand's testing guide), a
 * synchronous-enough ingest scheduler, and a size for the virtualised list's scroller
 * (jsdom lays nothing out, so clientHeight would be 0 and no row would render).
 */
import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { resetAllStores } from '@renderer/stores/reset';
import type { Scheduler } from '@renderer/session/ingest';

/** Flushes on a microtask: tests await it with `await act(async () => {})` or findBy*. */
export const microtaskScheduler: Scheduler = (flush) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) flush();
  });
  return () => {
    cancelled = true;
  };
};

export function useStoreReset(): void {
  beforeEach(() => {
    resetAllStores();
    localStorage.clear();
  });
  afterEach(() => {
    cleanup();
    resetAllStores();
  });
}

/** Gives every element a layout box so the virtualiser renders rows (call in beforeAll). */
export function fakeLayout(height = 600, width = 800): () => void {
  const proto = HTMLElement.prototype;
  const saved = {
    clientHeight: Object.getOwnPropertyDescriptor(proto, 'clientHeight'),
    clientWidth: Object.getOwnPropertyDescriptor(proto, 'clientWidth'),
    offsetHeight: Object.getOwnPropertyDescriptor(proto, 'offsetHeight'),
  };
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(proto, 'offsetHeight', { configurable: true, get: () => height });
  return () => {
    for (const [key, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(proto, key, descriptor);
      else delete (proto as unknown as Record<string, unknown>)[key];
    }
  };
}
