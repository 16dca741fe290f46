import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '@contract';
import { FilteredView, FilteredViewCache } from '@renderer/model/filtered-view';
import { EMPTY_FILTER, filterRows, isNarrowing, type RowFilter } from '@renderer/model/filters';
import { RowTable } from '@renderer/model/row-table';
import { summary } from '../support/fixtures';

const f = (filter: Partial<RowFilter>): RowFilter => ({ ...EMPTY_FILTER, ...filter });
const ids = (rows: readonly ExchangeSummary[]) => rows.map((r) => r.id);

/** Rows 1..n, every third one under /api. */
function tableOf(n: number): RowTable {
  const table = new RowTable();
  table.upsert(Array.from({ length: n }, (_, i) => summary(i + 1, { url: (i + 1) % 3 === 0 ? `/api/${i + 1}` : `/page/${i + 1}` })));
  return table;
}

describe('FilteredView', () => {
  it('appends the new rows that pass, keeping the same array', () => {
    const table = tableOf(6);
    const view = new FilteredView(f({ text: 'api' }));
    view.sync(table);
    expect(ids(view.rows)).toEqual([3, 6]);
    const rows = view.rows;
    const lineage = view.lineage;
    table.upsert([summary(7, { url: '/api/7' }), summary(8, { url: '/x' })]);
    view.sync(table);
    expect(ids(view.rows)).toEqual([3, 6, 7]);
    expect(view.rows).toBe(rows);
    expect(view.lineage).toBe(lineage);
  });

  it('drops evicted rows from the front and counts them', () => {
    const table = tableOf(9);
    const view = new FilteredView(f({ text: 'api' }));
    view.sync(table);
    table.evict([1, 2, 3, 4]);
    table.upsert([summary(10, { url: '/api/10' })]);
    view.sync(table);
    expect(ids(view.rows)).toEqual([6, 9, 10]);
    expect(view.dropped).toBe(1);
    table.evict([5, 6, 7, 8, 9]);
    view.sync(table);
    expect(ids(view.rows)).toEqual([10]);
    expect(view.dropped).toBe(3);
  });

  it('re-tests rows replaced in place (a pending request completing)', () => {
    const table = new RowTable();
    table.upsert([summary(1, { status: 0, outcome: 'pending' }), summary(2, { status: 500 }), summary(3, { status: 0, outcome: 'pending' })]);
    const view = new FilteredView(f({ statusClasses: ['5xx'] }));
    view.sync(table);
    expect(ids(view.rows)).toEqual([2]);
    table.upsert([summary(3, { status: 503 }), summary(1, { status: 502 }), summary(2, { status: 200 })]);
    view.sync(table);
    expect(ids(view.rows)).toEqual([1, 3]);
    expect(view.rows[1].status).toBe(503);
  });

  it('starts over when the table is renumbered (a late row, a snapshot)', () => {
    const table = tableOf(3);
    const view = new FilteredView(f({ text: 'api' }));
    view.sync(table);
    const lineage = view.lineage;
    table.upsert([summary(5, { url: '/api/5' })]);
    table.upsert([summary(4, { url: '/api/4' })]); // arrives late: resort
    view.sync(table);
    expect(ids(view.rows)).toEqual([3, 4, 5]);
    expect(view.lineage).not.toBe(lineage);
    table.replaceAll([summary(9, { url: '/api/9' })]);
    view.sync(table);
    expect(ids(view.rows)).toEqual([9]);
  });

  it('narrows from a broader view when the typed text grows', () => {
    const table = tableOf(30);
    const broad = new FilteredView(f({ text: 'api' }));
    broad.sync(table);
    table.upsert([summary(31, { url: '/api/31' })]);
    const narrow = broad.narrow(f({ text: 'api/3' }), table);
    expect(ids(narrow.rows)).toEqual([3, 30, 31]);
    expect(narrow.lineage).not.toBe(broad.lineage);
    // The narrowed view continues incrementally from where the broad one was.
    table.upsert([summary(32, { url: '/api/32' }), summary(33, { url: '/api/4' })]);
    narrow.sync(table);
    expect(ids(narrow.rows)).toEqual([3, 30, 31, 32]);
  });
});

describe('isNarrowing', () => {
  it('holds when the text grows or a restriction is added, not otherwise', () => {
    expect(isNarrowing(f({ text: 'k=' }), f({ text: 'k=3' }))).toBe(true);
    expect(isNarrowing(f({ text: 'K=' }), f({ text: ' k=3' }))).toBe(true);
    expect(isNarrowing(f({ text: 'k=3' }), f({ text: 'k=' }))).toBe(false);
    expect(isNarrowing(f({}), f({ method: 'GET' }))).toBe(true);
    expect(isNarrowing(f({ method: 'GET' }), f({ method: 'POST' }))).toBe(false);
    expect(isNarrowing(f({ statusClasses: ['4xx', '5xx'] }), f({ statusClasses: ['5xx'] }))).toBe(true);
    expect(isNarrowing(f({ statusClasses: ['5xx'] }), f({ statusClasses: [] }))).toBe(false);
    expect(isNarrowing(f({ errorsOnly: true }), f({}))).toBe(false);
    expect(isNarrowing(f({ workerPid: 1 }), f({ workerPid: 1, text: 'x' }))).toBe(true);
  });
});

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('FilteredViewCache: equivalence with a full re-filter on random data', () => {
  const METHODS = ['GET', 'POST', 'PUT'];
  const STATUSES = [0, 200, 201, 302, 404, 500, 503];
  const TEXTS = ['', 'k', 'k=', 'k=1', 'k=12', 'K=2', 'api', 'post', '50', '10'];

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches filterRows after every step (seed ${seed})`, () => {
      const rand = random(seed);
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
      const makeRow = (id: number): ExchangeSummary => {
        const status = pick(STATUSES);
        return summary(id, {
          method: pick(METHODS),
          url: rand() < 0.5 ? `/api/?k=${Math.floor(rand() * 30)}` : `/page/${id}`,
          status,
          outcome: status === 0 ? pick(['pending', 'timeout'] as const) : 'ok',
          workerPid: pick([101, 102, null]),
        });
      };
      const randomFilter = (): RowFilter =>
        f({
          text: pick(TEXTS),
          method: rand() < 0.2 ? pick(METHODS) : '',
          statusClasses: rand() < 0.2 ? [pick(['2xx', '4xx', '5xx'] as const)] : [],
          workerPid: rand() < 0.1 ? 101 : null,
          errorsOnly: rand() < 0.1,
        });

      const table = new RowTable();
      const cache = new FilteredViewCache();
      let nextId = 1;
      let filter = randomFilter();
      for (let step = 0; step < 300; step++) {
        const action = rand();
        const rows = table.rows;
        if (action < 0.35) {
          table.upsert(Array.from({ length: 1 + Math.floor(rand() * 20) }, () => makeRow(nextId++)));
        } else if (action < 0.5 && rows.length > 0) {
          // The ring is full: the oldest go.
          table.evict(ids(rows.slice(0, Math.floor(rand() * Math.min(rows.length, 25)))));
        } else if (action < 0.65 && rows.length > 0) {
          // Rows replaced in place (pending requests completing), new ones among them.
          const replaced = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => makeRow(pick(rows).id));
          table.upsert([...replaced, makeRow(nextId++)]);
        } else if (action < 0.68 && rows.length > 0) {
          table.evict([pick(rows).id]); // from the middle
        } else if (action < 0.7) {
          // A row arriving late (renumbers).
          table.upsert([makeRow(nextId + 1), makeRow(nextId)]);
          nextId += 2;
        } else if (action < 0.71) {
          table.clear();
        } else if (action < 0.85) {
          // Typing: extend or shorten the text, sometimes change the rest.
          const text = filter.text;
          filter = rand() < 0.5 && text.length > 0 ? { ...filter, text: text.slice(0, -1) } : { ...filter, text: text + pick(['k', '=', '1', '2', 'a']) };
        } else if (action < 0.9) {
          filter = randomFilter();
        }
        const view = cache.get(table, filter);
        expect(ids(view.rows)).toEqual(ids(filterRows(table.rows, filter)));
      }
    });
  }

  it('keeps a count of front evictions that matches the rows removed', () => {
    const table = tableOf(300);
    const cache = new FilteredViewCache();
    const filter = f({ text: 'api' });
    const first = cache.get(table, filter);
    const before = first.rows.length;
    table.evict(Array.from({ length: 90 }, (_, i) => i + 1));
    const view = cache.get(table, filter);
    expect(view).toBe(first);
    expect(view.dropped).toBe(30);
    expect(view.rows.length).toBe(before - 30);
  });
});
