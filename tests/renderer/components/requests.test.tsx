import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { createFakeClient } from '../support/fake-client';
import { snapshot, summary } from '../support/fixtures';
import { renderApp } from '../support/render';
import { fakeLayout, useStoreReset } from '../support/setup';

useStoreReset();
let restoreLayout: () => void;
beforeAll(() => (restoreLayout = fakeLayout()));
afterAll(() => restoreLayout());

const rowIds = () => screen.queryAllByTestId('request-row').map((r) => Number(r.dataset.id));

const rows = [
  summary(1, { url: '/', status: 200 }),
  summary(2, { method: 'POST', url: '/login', status: 302 }),
  summary(3, { url: '/missing', status: 404, workerPid: 102 }),
  summary(4, { url: '/boom', status: 500, outcome: 'app-error', findingCount: 2 }),
];

describe('request list', () => {
  it('renders a row per exchange with status, method and path', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    expect(rowIds()).toEqual([1, 2, 3, 4]);
    const row = screen.getAllByTestId('request-row')[1];
    expect(row.textContent).toContain('POST');
    expect(row.textContent).toContain('/login');
    expect(row.dataset.status).toBe('302');
    expect(screen.getByTestId('request-count').textContent).toBe('4 requests');
  });

  it('marks exchanges with PEP 3333 findings', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    const marks = screen.getAllByTestId('finding-mark');
    expect(marks).toHaveLength(1);
    expect(marks[0].closest('[data-testid="request-row"]')?.getAttribute('data-id')).toBe('4');
  });

  it('filters by text, method, status class, worker and errors', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: 'log' } });
    expect(rowIds()).toEqual([2]);
    expect(screen.getByTestId('request-count').textContent).toBe('1 of 4 requests');
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('filter-method'), { target: { value: 'POST' } });
    expect(rowIds()).toEqual([2]);
    fireEvent.change(screen.getByTestId('filter-method'), { target: { value: '' } });
    fireEvent.click(screen.getByTestId('filter-status-4xx'));
    fireEvent.click(screen.getByTestId('filter-status-5xx'));
    expect(rowIds()).toEqual([3, 4]);
    fireEvent.click(screen.getByTestId('filter-errors'));
    expect(rowIds()).toEqual([4]);
    fireEvent.click(screen.getByTestId('filter-errors'));
    fireEvent.change(screen.getByTestId('filter-worker'), { target: { value: '102' } });
    expect(rowIds()).toEqual([3]);
  });

  it('says what to do when there are no requests yet', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: [] }) }));
    const empty = screen.getByTestId('requests-empty');
    expect(empty.textContent).toContain('No requests yet');
    expect(empty.textContent).toContain('http://127.0.0.1:8000');
  });

  it('offers to clear a filter that hides everything', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: 'zzz' } });
    expect(screen.getByTestId('requests-empty').textContent).toContain('No request matches the filter (4 recorded)');
  });

  it('appends live rows and updates pending ones', async () => {
    const { client } = await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    act(() => client.emit({ type: 'exchanges', exchanges: [summary(5, { outcome: 'pending', status: 0, durationMs: null })] }));
    await waitFor(() => expect(rowIds()).toEqual([1, 2, 3, 4, 5]));
    act(() => client.emit({ type: 'exchanges', exchanges: [summary(5, { status: 201 })] }));
    await waitFor(() => expect(screen.getAllByTestId('request-row')[4].dataset.status).toBe('201'));
    act(() => client.emit({ type: 'evicted', ids: [1, 2] }));
    await waitFor(() => expect(rowIds()).toEqual([3, 4, 5]));
  });

  it('keeps a filtered list up to date with live rows, updates and evictions', async () => {
    const { client } = await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: 'o' } });
    await waitFor(() => expect(rowIds()).toEqual([2, 4])); // /login, /boom
    act(() => client.emit({ type: 'exchanges', exchanges: [summary(5, { url: '/open', outcome: 'pending', status: 0, durationMs: null }), summary(6, { url: '/x' })] }));
    await waitFor(() => expect(rowIds()).toEqual([2, 4, 5]));
    fireEvent.click(screen.getByTestId('filter-status-2xx'));
    await waitFor(() => expect(rowIds()).toEqual([]));
    act(() => client.emit({ type: 'exchanges', exchanges: [summary(5, { url: '/open', status: 200 })] }));
    await waitFor(() => expect(rowIds()).toEqual([5]));
    fireEvent.click(screen.getByTestId('filter-status-2xx'));
    await waitFor(() => expect(rowIds()).toEqual([2, 4, 5]));
    act(() => client.emit({ type: 'evicted', ids: [1, 2, 3] }));
    await waitFor(() => expect(rowIds()).toEqual([4, 5]));
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: 'op' } });
    await waitFor(() => expect(rowIds()).toEqual([5]));
    fireEvent.change(screen.getByTestId('request-filter'), { target: { value: 'o' } });
    await waitFor(() => expect(rowIds()).toEqual([4, 5]));
  });

  it('clears, pauses capture and exports every exchange', async () => {
    const { client } = await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }), handlers: { exportHar: () => '{"log":{}}' } }));
    const created: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => (created.push(blob), 'blob:har');
    URL.revokeObjectURL = () => {};
    fireEvent.click(screen.getByTestId('capture-toggle'));
    fireEvent.click(screen.getByTestId('clear-button'));
    fireEvent.click(screen.getByTestId('export-har-all'));
    await waitFor(() => expect(created).toHaveLength(1));
    const commands = client.calls.filter((c) => ['setCapture', 'clear', 'exportHar'].includes(c.name));
    expect(commands).toEqual([
      { name: 'setCapture', args: ['paused'] },
      { name: 'clear', args: [] },
      { name: 'exportHar', args: [] },
    ]);
  });

  it('moves the selection with up/down, focuses the filter with / and clears with Esc', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    const selected = () => screen.queryAllByTestId('request-row').find((r) => r.getAttribute('aria-selected') === 'true')?.dataset.id;
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    expect(selected()).toBe('1');
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    fireEvent.keyDown(document.body, { key: 'ArrowUp' });
    expect(selected()).toBe('2');
    fireEvent.keyDown(document.body, { key: '/' });
    const filter = screen.getByTestId('request-filter');
    expect(document.activeElement).toBe(filter);
    fireEvent.change(filter, { target: { value: 'boom' } });
    fireEvent.keyDown(filter, { key: 'Escape' });
    expect((filter as HTMLInputElement).value).toBe('');
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(selected()).toBeUndefined();
  });

  it('selects a row when the mouse button goes down, not with other buttons', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: rows }) }));
    const selected = () => screen.queryAllByTestId('request-row').find((r) => r.getAttribute('aria-selected') === 'true')?.dataset.id;
    fireEvent.mouseDown(screen.getAllByTestId('request-row')[2], { button: 2 });
    expect(selected()).toBeUndefined();
    fireEvent.mouseDown(screen.getAllByTestId('request-row')[2], { button: 0, detail: 1 });
    expect(selected()).toBe('3');
  });

  it('stays smooth with 100,000 rows: only the rows in view are in the DOM', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => summary(i + 1));
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: many }) }));
    expect(screen.getByTestId('request-count').textContent).toBe('100000 requests');
    expect(screen.getAllByTestId('request-row').length).toBeLessThan(80);
  });
});
