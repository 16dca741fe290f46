import { describe, expect, it } from 'vitest';
import { toSideBySide } from '@renderer/model/diff';
import { buildWaterfall } from '@renderer/model/waterfall';
import { parseTraceback } from '@renderer/model/traceback';
import { sparklinePath, pushSample } from '@renderer/model/sparkline';
import { formatBytes, formatDuration } from '@renderer/model/format';
import { RowTable } from '@renderer/model/row-table';
import { summary } from '../support/fixtures';

describe('toSideBySide', () => {
  it('pairs removed and added runs as changed rows', () => {
    const rows = toSideBySide([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b1' },
      { kind: 'removed', text: 'b2' },
      { kind: 'added', text: 'c1' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
    expect(rows).toEqual([
      { kind: 'same', left: 'a', right: 'a' },
      { kind: 'changed', left: 'b1', right: 'c1' },
      { kind: 'removed', left: 'b2', right: null },
      { kind: 'same', left: 'd', right: 'd' },
      { kind: 'added', left: null, right: 'e' },
    ]);
  });
});

describe('buildWaterfall', () => {
  it('makes queue, app, first byte and body segments scaled to the total', () => {
    const w = buildWaterfall({ accepted: 0, dispatched: 1, startResponse: 6, firstByte: 7, complete: 10 });
    expect(w.segments.map((s) => [s.name, s.startMs, s.endMs])).toEqual([
      ['queue', 0, 1],
      ['app', 1, 6],
      ['first-byte', 6, 7],
      ['body', 7, 10],
    ]);
    expect(w.segments[1].offset).toBeCloseTo(0.1);
    expect(w.segments[1].width).toBeCloseTo(0.5);
    expect(w.complete).toBe(true);
  });

  it('skips moments that never happened', () => {
    const w = buildWaterfall({ accepted: 0, dispatched: 2, complete: 5 });
    expect(w.segments.map((s) => [s.name, s.startMs, s.endMs])).toEqual([
      ['queue', 0, 2],
      ['body', 2, 5],
    ]);
  });

  it('is incomplete while pending', () => {
    const w = buildWaterfall({ accepted: 0, dispatched: 2 });
    expect(w).toMatchObject({ complete: false, totalMs: 2 });
  });
});

describe('parseTraceback', () => {
  it('tells headers, frames, source lines and the message apart', () => {
    const lines = parseTraceback('Traceback (most recent call last):\n  File "app.py", line 3, in app\n    1 / 0\n    ~~^~~\nZeroDivisionError: division by zero\n');
    expect(lines.map((l) => l.kind)).toEqual(['header', 'frame', 'source', 'source', 'message']);
    expect(lines[1]).toMatchObject({ file: 'app.py', line: 3, func: 'app' });
  });
});

describe('sparkline', () => {
  it('draws min at the bottom and max at the top', () => {
    expect(sparklinePath([0, 10], 100, 20)).toBe('M0.0 19.0 L100.0 1.0');
    expect(sparklinePath([5, 5], 100, 20)).toBe('M0.0 10.0 L100.0 10.0');
    expect(sparklinePath([], 100, 20)).toBe('');
  });

  it('keeps a bounded history', () => {
    const h: number[] = [];
    for (let i = 0; i < 10; i++) pushSample(h, i, 3);
    expect(h).toEqual([7, 8, 9]);
  });
});

describe('format', () => {
  it('formats sizes and durations', () => {
    expect([0, 13, 1536, 5 * 1024 * 1024].map(formatBytes)).toEqual(['0 B', '13 B', '1.5 KiB', '5.0 MiB']);
    expect([0.5, 12.34, 250, 1534, null].map(formatDuration)).toEqual(['0.50 ms', '12.3 ms', '250 ms', '1.53 s', '…']);
  });
});

describe('RowTable', () => {
  it('appends new rows and replaces known ones in place', () => {
    const table = new RowTable();
    table.upsert([summary(1), summary(2, { outcome: 'pending' })]);
    const rows = table.rows;
    const updated = table.upsert([summary(2, { outcome: 'ok', status: 201 }), summary(3)]);
    expect(updated).toEqual([2]);
    expect(table.rows).toBe(rows); // not copied
    expect(table.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(table.get(2)?.status).toBe(201);
  });

  it('evicts the oldest rows by moving the head, keeping lookups right', () => {
    const table = new RowTable();
    table.upsert([1, 2, 3, 4, 5].map((id) => summary(id)));
    table.evict([1, 2]);
    expect(table.rows.map((r) => r.id)).toEqual([3, 4, 5]);
    expect(table.indexOf(4)).toBe(1);
    expect(table.get(1)).toBeUndefined();
    table.upsert([summary(6)]);
    expect(table.indexOf(6)).toBe(3);
  });

  it('evicts rows from the middle too', () => {
    const table = new RowTable();
    table.upsert([1, 2, 3, 4].map((id) => summary(id)));
    table.evict([3, 99]);
    expect(table.rows.map((r) => r.id)).toEqual([1, 2, 4]);
    expect(table.indexOf(4)).toBe(2);
  });

  it('keeps id order when a row arrives late', () => {
    const table = new RowTable();
    table.upsert([summary(1), summary(3)]);
    table.upsert([summary(2)]);
    expect(table.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(table.indexOf(3)).toBe(2);
  });
});
