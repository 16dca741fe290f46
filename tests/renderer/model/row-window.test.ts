import { describe, expect, it } from 'vitest';
import { bottomOffset, contentHeight, KEY_SLOTS, OVERSCAN, revealOffset, rowWindow, slotKey, STEP, type ListGeometry } from '@renderer/model/row-window';

const list = (count: number, padding = 0): ListGeometry => ({ count, rowHeight: 20, padding, viewport: 200 });

describe('rowWindow', () => {
  it('covers the viewport plus at least OVERSCAN rows each side, clamped to the rows', () => {
    const g = list(100_000);
    for (const scrollTop of [0, 1, 19, 20, 999, 123_456, bottomOffset(g)]) {
      const { start, end } = rowWindow(g, scrollTop);
      const first = Math.floor(scrollTop / 20);
      const last = Math.ceil((scrollTop + 200) / 20);
      expect(start).toBeLessThanOrEqual(Math.max(0, first - OVERSCAN));
      expect(end).toBeGreaterThanOrEqual(Math.min(100_000, last + OVERSCAN));
      expect(end - start).toBeLessThanOrEqual(10 + 2 * (OVERSCAN + STEP) + 1);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(100_000);
    }
  });

  it('moves in steps: a small scroll keeps the same window', () => {
    const g = list(1000);
    const at = (top: number) => rowWindow(g, top);
    const changes = new Set<string>();
    for (let top = 4000; top < 4000 + 20 * STEP * 3; top += 5) changes.add(JSON.stringify(at(top)));
    expect(changes.size).toBeLessThanOrEqual(4);
  });

  it('counts the blank padding above the rows (evicted rows) and clamps a stale offset', () => {
    const g = list(100, 10_000);
    expect(contentHeight(g)).toBe(12_000);
    expect(bottomOffset(g)).toBe(11_800);
    const { start } = rowWindow(g, 10_000 + 20 * 50);
    expect(start).toBeLessThanOrEqual(50 - OVERSCAN);
    // An offset past the end (the list got shorter) shows the last rows.
    expect(rowWindow(g, 1e9).end).toBe(100);
    expect(rowWindow(list(0), 0)).toEqual({ start: 0, end: 0 });
  });

  it('renders a few rows before the viewport is known', () => {
    expect(rowWindow({ ...list(500), viewport: 0 }, 0)).toEqual({ start: 0, end: OVERSCAN });
  });
});

describe('revealOffset', () => {
  it('scrolls a row above or below the viewport just into view, and leaves a visible one', () => {
    const g = list(1000);
    expect(revealOffset(g, 25, 400)).toBeNull();
    expect(revealOffset(g, 5, 400)).toBe(100);
    expect(revealOffset(g, 40, 400)).toBe(40 * 20 + 20 - 200);
    expect(revealOffset(list(1000, 500), 0, 1000)).toBe(500);
  });
});

describe('slotKey', () => {
  it('is unique within a window and stable for a row that stays rendered', () => {
    const a = { start: 250, end: 300 };
    const b = { start: 262, end: 312 };
    const keys = (w: typeof a) => Array.from({ length: w.end - w.start }, (_, i) => slotKey(w.start + i, w));
    expect(new Set(keys(a)).size).toBe(50);
    expect(new Set(keys(b)).size).toBe(50);
    for (let index = 262; index < 300; index++) expect(slotKey(index, a)).toBe(slotKey(index, b));
    // Rows that leave lend their keys to rows that enter.
    expect(new Set([...keys(a), ...keys(b)]).size).toBeLessThanOrEqual(KEY_SLOTS);
  });

  it('keeps a row\'s key when rows before it are evicted (its index shrinks by as many)', () => {
    const before = { start: 100, end: 150 };
    const after = { start: 70, end: 120 };
    for (let index = 100; index < 150; index++) expect(slotKey(index - 30, after, 530)).toBe(slotKey(index, before, 500));
  });
});
