import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, filterRows, isErrorRow, statusClassOf, type RowFilter } from '@renderer/model/filters';
import { summary } from '../support/fixtures';

const rows = [
  summary(1, { method: 'GET', url: '/', status: 200 }),
  summary(2, { method: 'POST', url: '/login', status: 302, workerPid: 102 }),
  summary(3, { method: 'GET', url: '/missing', status: 404 }),
  summary(4, { method: 'GET', url: '/boom', status: 500, outcome: 'app-error' }),
  summary(5, { method: 'GET', url: '/slow', status: 0, outcome: 'timeout', workerPid: 102 }),
  summary(6, { method: 'GET', url: '/pending', status: 0, outcome: 'pending', durationMs: null }),
];

const ids = (filter: Partial<RowFilter>) => filterRows(rows, { ...EMPTY_FILTER, ...filter }).map((r) => r.id);

describe('filterRows', () => {
  it('returns the same array when nothing filters (no copy)', () => {
    expect(filterRows(rows, EMPTY_FILTER)).toBe(rows);
  });

  it('filters by text in the URL, method or status, case-insensitively', () => {
    expect(ids({ text: 'LOGIN' })).toEqual([2]);
    expect(ids({ text: 'post' })).toEqual([2]);
    expect(ids({ text: '404' })).toEqual([3]);
  });

  it('filters by method', () => {
    expect(ids({ method: 'POST' })).toEqual([2]);
  });

  it('filters by status classes (any of them)', () => {
    expect(ids({ statusClasses: ['4xx', '5xx'] })).toEqual([3, 4]);
    expect(ids({ statusClasses: ['2xx'] })).toEqual([1]);
  });

  it('filters by worker', () => {
    expect(ids({ workerPid: 102 })).toEqual([2, 5]);
  });

  it('keeps only errors: failed outcomes and 5xx', () => {
    expect(ids({ errorsOnly: true })).toEqual([4, 5]);
  });

  it('combines filters', () => {
    expect(ids({ workerPid: 102, errorsOnly: true })).toEqual([5]);
  });
});

describe('statusClassOf / isErrorRow', () => {
  it('classifies statuses', () => {
    expect([101, 204, 301, 418, 503, 0].map(statusClassOf)).toEqual(['1xx', '2xx', '3xx', '4xx', '5xx', 'none']);
  });

  it('does not count a pending request as an error', () => {
    expect(isErrorRow(rows[5])).toBe(false);
  });
});
