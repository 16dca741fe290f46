import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ExchangeRecord } from '@contract';
import { textToBase64 } from '@renderer/model/bytes';
import { createFakeClient } from '../support/fake-client';
import { record, snapshot, summary } from '../support/fixtures';
import { renderApp } from '../support/render';
import { fakeLayout, useStoreReset } from '../support/setup';

useStoreReset();
let restoreLayout: () => void;
beforeAll(() => (restoreLayout = fakeLayout()));
afterAll(() => restoreLayout());

async function openDetail(rec: ExchangeRecord = record(1), extra: Parameters<typeof createFakeClient>[0] = {}) {
  const client = createFakeClient({ snapshot: snapshot({ exchanges: [summary(rec.id, rec)] }), records: [rec], ...extra });
  await renderApp(client);
  fireEvent.click(screen.getAllByTestId('request-row')[0]);
  await screen.findByTestId('exchange-detail');
  return client;
}

const tab = (name: string) => fireEvent.click(screen.getByTestId(`detail-tab-${name}`));

describe('request detail', () => {
  it('starts on the overview: waterfall, outcome, worker, generation', async () => {
    await openDetail();
    const panel = screen.getByTestId('detail-panel-overview');
    expect(within(panel).getAllByTestId('waterfall-segment').map((s) => s.dataset.segment)).toEqual(['queue', 'app', 'first-byte', 'body']);
    expect(within(panel).getByTestId('overview-outcome').dataset.outcome).toBe('ok');
    expect(panel.textContent).toContain('101');
  });

  it('lists findings and links a replay to its original', async () => {
    await openDetail(record(2, { findingCount: 1, findings: [{ code: 'hop-by-hop-header', message: 'The app set Connection' }], replayOf: 1 }));
    expect(screen.getByTestId('finding').dataset.code).toBe('hop-by-hop-header');
    expect(screen.getByTestId('replay-of').textContent).toBe('#1');
  });

  it('shows environ values by key, grouped and searchable', async () => {
    await openDetail();
    tab('environ');
    const row = document.querySelector('[data-testid="environ-row"][data-key="PATH_INFO"]')!;
    expect(within(row as HTMLElement).getByTestId('environ-value').textContent).toBe('/items/1');
    expect(screen.getAllByTestId('environ-group').map((g) => g.dataset.group)).toEqual(['cgi', 'http', 'wsgi', 'other']);
    fireEvent.change(screen.getByTestId('environ-search'), { target: { value: 'user_agent' } });
    expect(screen.getAllByTestId('environ-row').map((r) => r.dataset.key)).toEqual(['HTTP_USER_AGENT']);
  });

  it('shows the start_response status line, its headers, and the wire headers with server-added ones marked', async () => {
    await openDetail();
    tab('start-response');
    expect(screen.getByTestId('status-line').textContent).toBe('200 OK');
    const wire = screen.getByTestId('wire-headers');
    const added = within(wire)
      .getAllByTestId('header-row')
      .filter((r) => r.dataset.serverAdded === 'true')
      .map((r) => r.dataset.name);
    expect(added).toEqual(['Server', 'Date']);
  });

  it('shows every start_response call in order, with exc_info', async () => {
    await openDetail(
      record(1, {
        startResponse: [
          { status: '200 OK', headers: [] },
          { status: '500 Internal Server Error', headers: [], excInfo: { type: 'ValueError', message: 'bad', traceback: 'Traceback (most recent call last):\nValueError: bad' } },
        ],
      }),
    );
    tab('start-response');
    expect(screen.getAllByTestId('status-line').map((s) => s.textContent)).toEqual(['200 OK', '500 Internal Server Error']);
    expect(screen.getByTestId('exc-info-traceback').textContent).toContain('ValueError: bad');
  });

  it('shows a text response body with its size', async () => {
    await openDetail();
    tab('response-body');
    expect(screen.getByTestId('body-text').textContent).toBe('Hello, World!');
    expect(screen.getByTestId('body-meta').textContent).toContain('13 B');
  });

  it('pretty-prints JSON, can fold it, and can switch to text', async () => {
    const json = JSON.stringify({ items: [{ id: 1 }], ok: true });
    await openDetail(record(1, { responseHeaders: [['Content-Type', 'application/json']], responseBody: { size: json.length, truncated: false, base64: textToBase64(json) } }));
    tab('response-body');
    const tree = screen.getByTestId('body-json');
    expect(tree.textContent).toContain('"items"');
    fireEvent.click(within(tree).getAllByRole('button', { name: '▾' })[0]);
    expect(tree.textContent).toContain('2 keys');
    fireEvent.click(screen.getByTestId('viewer-text'));
    expect(screen.getByTestId('body-text').textContent).toBe(json);
  });

  it('renders HTML in a sandboxed iframe with scripts off, and says when a body is truncated', async () => {
    const html = '<h1>Hi</h1><script>alert(1)</script>';
    await openDetail(record(1, { responseHeaders: [['Content-Type', 'text/html']], responseBody: { size: 9000, truncated: true, base64: textToBase64(html) } }));
    tab('response-body');
    const frame = screen.getByTestId('body-html') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe(html);
    expect(screen.getByTestId('body-truncated').textContent).toContain('8.8 KiB');
  });

  it('shows binary bodies as hex', async () => {
    await openDetail(record(1, { responseHeaders: [['Content-Type', 'application/octet-stream']], responseBody: { size: 3, truncated: false, base64: btoa('\u0000\u0001\u00ff') } }));
    tab('response-body');
    expect(screen.getByTestId('body-hex').textContent).toContain('00 01 ff');
  });

  it('parses a form request body into fields, next to the request headers', async () => {
    await openDetail(
      record(1, {
        method: 'POST',
        requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
        requestBody: { size: 7, truncated: false, base64: btoa('a=1&b=2') },
        requestBytesRead: 7,
      }),
    );
    tab('request-body');
    expect(screen.getAllByTestId('form-field').map((f) => [f.dataset.name, f.textContent])).toEqual([
      ['a', 'a1'],
      ['b', 'b2'],
    ]);
    expect(screen.getByTestId('request-headers').textContent).toContain('application/x-www-form-urlencoded');
  });

  it('lists log lines by stream with their level', async () => {
    await openDetail(
      record(1, {
        logs: [
          { stream: 'stdout', text: 'hello from print', time: 1 },
          { stream: 'logging', text: 'db slow', level: 'WARNING', logger: 'app.db', time: 2 },
        ],
      }),
    );
    tab('logs');
    const lines = screen.getAllByTestId('log-line');
    expect(lines.map((l) => l.dataset.stream)).toEqual(['stdout', 'logging']);
    expect(lines[1].textContent).toContain('WARNING');
  });

  it('shows the traceback, a timeout stack and a crash exit on the error tab', async () => {
    await openDetail(
      record(1, {
        outcome: 'timeout',
        status: 0,
        error: { type: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback (most recent call last):\n  File "app.py", line 3, in app\n    1 / 0\nZeroDivisionError: division by zero' },
        stack: '  File "app.py", line 9, in slow\n    time.sleep(60)',
        workerExit: { code: null, signal: 'SIGKILL' },
      }),
    );
    tab('error');
    expect(screen.getByTestId('error-traceback').textContent).toContain('1 / 0');
    expect(screen.getByTestId('timeout-stack').textContent).toContain('time.sleep(60)');
    expect(screen.getByTestId('worker-exit').textContent).toContain('SIGKILL');
  });

  it('reloads the detail when a pending request completes', async () => {
    const pending = record(1, { outcome: 'pending', status: 0, durationMs: null });
    const client = await openDetail(pending);
    tab('start-response');
    client.records.set(1, record(1));
    client.emit({ type: 'exchanges', exchanges: [summary(1)] });
    await waitFor(() => expect(screen.getByTestId('status-line').textContent).toBe('200 OK'));
  });
});

describe('request actions', () => {
  it('replays and selects the new exchange', async () => {
    const client = await openDetail(record(1), { handlers: { replay: () => 2 } });
    client.records.set(2, record(2, { replayOf: 1 }));
    fireEvent.click(screen.getByTestId('action-replay'));
    await waitFor(() => expect(screen.getByTestId('exchange-detail').dataset.id).toBe('2'));
    expect(client.calls.find((c) => c.name === 'replay')?.args).toEqual([1]);
  });

  it('edits and replays with only the changed fields', async () => {
    const client = await openDetail(record(1), { handlers: { replay: () => 2 } });
    fireEvent.click(screen.getByTestId('action-edit-replay'));
    fireEvent.change(screen.getByTestId('replay-method'), { target: { value: 'POST' } });
    fireEvent.change(screen.getByTestId('replay-body'), { target: { value: 'x=1' } });
    fireEvent.change(screen.getByTestId('replay-environ-wsgi.url_scheme'), { target: { value: 'https' } });
    fireEvent.click(screen.getByTestId('replay-submit'));
    await waitFor(() => expect(client.calls.some((c) => c.name === 'replay')).toBe(true));
    expect(client.calls.find((c) => c.name === 'replay')?.args).toEqual([1, { method: 'POST', bodyBase64: btoa('x=1'), environ: { 'wsgi.url_scheme': 'https' } }]);
  });

  it('copies the cURL command to the clipboard', async () => {
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void written.push(t) } });
    await openDetail(record(1), { handlers: { curl: () => "curl 'http://127.0.0.1:8000/items/1'" } });
    fireEvent.click(screen.getByTestId('action-curl'));
    await waitFor(() => expect(written).toEqual(["curl 'http://127.0.0.1:8000/items/1'"]));
    expect((await screen.findByTestId('notice')).textContent).toContain('Copied as cURL');
  });

  it('diffs with a second exchange picked from the list, side by side', async () => {
    const client = createFakeClient({
      snapshot: snapshot({ exchanges: [summary(1), summary(2)] }),
      handlers: {
        diff: () => ({
          status: { left: '200 OK', right: '404 Not Found', same: false },
          headers: [
            { kind: 'same', text: 'Content-Type: text/plain' },
            { kind: 'removed', text: 'Content-Length: 13' },
            { kind: 'added', text: 'Content-Length: 9' },
          ],
          body: [{ kind: 'same', text: 'Hello' }],
        }),
      },
    });
    await renderApp(client);
    fireEvent.click(screen.getAllByTestId('request-row')[0]);
    fireEvent.click(await screen.findByTestId('action-diff'));
    expect(screen.getByTestId('diff-pick-banner').textContent).toContain('#1');
    // A mouse click: the press picks the second side, the click after it changes nothing.
    const second = screen.getAllByTestId('request-row')[1];
    fireEvent.mouseDown(second, { button: 0, detail: 1 });
    fireEvent.mouseUp(second, { button: 0, detail: 1 });
    fireEvent.click(second, { button: 0, detail: 1 });
    const view = await screen.findByTestId('diff-view');
    await waitFor(() => expect(within(view).getAllByTestId('diff-row').map((r) => r.dataset.kind)).toEqual(['changed', 'same', 'changed', 'same']));
    expect(client.calls.find((c) => c.name === 'diff')?.args).toEqual([1, 2]);
  });

  it('shows the loading state while a record is on its way, then the record; a cached one at once', async () => {
    let answer: (r: ExchangeRecord) => void = () => {};
    const client = createFakeClient({
      snapshot: snapshot({ exchanges: [summary(1), summary(2)] }),
      records: [record(1)],
      handlers: { exchange: (id) => (id === 2 ? new Promise<ExchangeRecord>((resolve) => (answer = resolve)) : record(id)) },
    });
    await renderApp(client);
    const press = (index: number) => fireEvent.mouseDown(screen.getAllByTestId('request-row')[index], { button: 0, detail: 1 });
    press(0);
    expect((await screen.findByTestId('exchange-detail')).dataset.id).toBe('1');
    press(1);
    expect((await screen.findByTestId('detail-loading')).textContent).toContain('#2');
    answer(record(2));
    await waitFor(() => expect(screen.getByTestId('exchange-detail').dataset.id).toBe('2'));
    press(0);
    await waitFor(() => expect(screen.getByTestId('exchange-detail').dataset.id).toBe('1'));
    expect(client.calls.filter((c) => c.name === 'exchange').map((c) => c.args[0])).toEqual([1, 2]);
  });

  it('exports the selected exchange as HAR', async () => {
    const created: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => (created.push(blob), 'blob:x');
    URL.revokeObjectURL = () => {};
    const client = await openDetail(record(1), { handlers: { exportHar: () => '{"log":{"entries":[]}}' } });
    fireEvent.click(screen.getByTestId('action-export-har'));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(client.calls.find((c) => c.name === 'exportHar')?.args).toEqual([[1]]);
    expect(await created[0].text()).toBe('{"log":{"entries":[]}}');
  });
});
