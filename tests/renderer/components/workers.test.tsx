import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createFakeClient } from '../support/fake-client';
import { arbiterEntry, snapshot, summary, worker } from '../support/fixtures';
import { renderApp } from '../support/render';
import { fakeLayout, useStoreReset } from '../support/setup';

useStoreReset();
let restoreLayout: () => void;
beforeAll(() => (restoreLayout = fakeLayout()));
afterAll(() => restoreLayout());

const states = [
  worker(101, { state: 'booting' }),
  worker(102, { state: 'idle', served: 5 }),
  worker(103, { state: 'busy', exchangeId: 7, busyForMs: 1500 }),
  worker(104, { state: 'stopping' }),
  worker(105, { state: 'dead', lastExit: { code: null, signal: 'SIGKILL', reason: 'killed from the inspector' } }),
];

describe('workers panel', () => {
  it('shows a card per worker with its state', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ workers: states, exchanges: [summary(7, { url: '/slow', outcome: 'pending', status: 0, workerPid: 103 })] }) }));
    const cards = screen.getAllByTestId('worker-card');
    expect(cards.map((c) => [c.dataset.pid, c.dataset.state])).toEqual([
      ['101', 'booting'],
      ['102', 'idle'],
      ['103', 'busy'],
      ['104', 'stopping'],
      ['105', 'dead'],
    ]);
    expect(cards[1].textContent).toContain('5 served');
    expect(within(cards[2]).getByTestId('worker-current-request').textContent).toMatch(/GET \/slow · 1\.\d+ s/);
    expect(cards[4].textContent).toContain('SIGKILL');
    expect((within(cards[4]).getByTestId('worker-kill') as HTMLButtonElement).disabled).toBe(true);
  });

  it('updates states live and draws the RSS sparkline without re-rendering', async () => {
    const { client } = await renderApp();
    const path = () => screen.getAllByTestId('worker-rss-sparkline')[0].querySelector('path')!.getAttribute('d');
    const before = path();
    act(() => client.emit({ type: 'workers', workers: [worker(101, { state: 'busy', rss: 30_000_000 }), worker(102)] }));
    await waitFor(() => expect(screen.getAllByTestId('worker-card')[0].dataset.state).toBe('busy'));
    expect(path()).not.toBe(before);
    expect(path()).toMatch(/^M0\.0 [\d.]+ L120\.0 1\.0$/);
  });

  it('kills and restarts a worker', async () => {
    const { client } = await renderApp();
    const card = screen.getAllByTestId('worker-card')[0];
    fireEvent.click(within(card).getByTestId('worker-kill'));
    fireEvent.click(within(card).getByTestId('worker-restart'));
    expect(client.calls.filter((c) => c.name === 'killWorker' || c.name === 'restartWorker')).toEqual([
      { name: 'killWorker', args: [101] },
      { name: 'restartWorker', args: [101] },
    ]);
  });

  it('shows a clicked worker’s live Python stack and recent requests', async () => {
    await renderApp(createFakeClient({ snapshot: snapshot({ exchanges: [summary(1, { workerPid: 101, url: '/a' }), summary(2, { workerPid: 102 })] }) }));
    fireEvent.click(screen.getAllByTestId('worker-card')[0]);
    const detail = await screen.findByTestId('worker-detail');
    await waitFor(() => expect(within(detail).getByTestId('worker-stack').textContent).toContain('pid 101'));
    expect(within(detail).getByTestId('worker-recent').textContent).toContain('/a');
    expect(within(detail).getByTestId('worker-recent').textContent).not.toContain('/items/2');
  });

  it('shows the arbiter log with reload details', async () => {
    const log = [arbiterEntry(1), arbiterEntry(2, { kind: 'reload-finished', message: 'Generation 2 serving', changedFiles: ['app.py'], durationMs: 640 })];
    await renderApp(createFakeClient({ snapshot: snapshot({ arbiterLog: log }) }));
    const entries = screen.getAllByTestId('arbiter-entry');
    expect(entries.map((e) => e.dataset.kind)).toEqual(['reload-finished', 'spawned']);
    expect(entries[0].textContent).toContain('changed: app.py');
    expect(entries[0].textContent).toContain('640 ms');
  });
});
