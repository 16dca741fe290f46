import { describe, expect, it } from 'vitest';
import { startSession } from '@renderer/session/session';
import { useExchangesStore } from '@renderer/stores/exchanges/store';
import { useServerStore } from '@renderer/stores/server/store';
import { useWorkersStore } from '@renderer/stores/workers/store';
import { loadRecentProjects } from '@renderer/session/recent-projects';
import { createFakeClient } from '../support/fake-client';
import { server, snapshot, summary, worker } from '../support/fixtures';
import { microtaskScheduler, useStoreReset } from '../support/setup';

useStoreReset();

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const rowIds = () => useExchangesStore.getState().table.rows.map((r) => r.id);

describe('session', () => {
  it('loads a snapshot when the connection opens', async () => {
    const client = createFakeClient();
    const session = startSession(client, { schedule: microtaskScheduler });
    await tick();
    expect(useServerStore.getState()).toMatchObject({ hydrated: true, connection: { state: 'open' } });
    expect(rowIds()).toEqual([1, 2, 3]);
    expect(useWorkersStore.getState().workers.map((w) => w.pid)).toEqual([101, 102]);
    expect(loadRecentProjects()[0]).toMatchObject({ projectDir: '/home/dev/hello', app: 'app:app' });
    session.stop();
  });

  it('replaces all state on a resync event', async () => {
    let snap = snapshot();
    const client = createFakeClient({ handlers: { snapshot: () => snap } });
    const session = startSession(client, { schedule: microtaskScheduler });
    await tick();
    client.emit({ type: 'exchanges', exchanges: [summary(4)] });
    await tick();
    expect(rowIds()).toEqual([1, 2, 3, 4]);
    snap = snapshot({ server: server({ generation: 7 }), workers: [worker(301)], exchanges: [summary(50), summary(51)], arbiterLog: [] });
    client.emit({ type: 'resync' });
    await tick();
    await tick();
    expect(rowIds()).toEqual([50, 51]);
    expect(useWorkersStore.getState().workers.map((w) => w.pid)).toEqual([301]);
    expect(useWorkersStore.getState().arbiterLog).toEqual([]);
    expect(useServerStore.getState().server?.generation).toBe(7);
    session.stop();
  });

  it('reloads the snapshot after a reconnect and shows the connection state meanwhile', async () => {
    const client = createFakeClient();
    const session = startSession(client, { schedule: microtaskScheduler });
    await tick();
    client.setStatus({ state: 'reconnecting', detail: 'connection lost' });
    expect(useServerStore.getState().connection.state).toBe('reconnecting');
    const before = client.calls.filter((c) => c.name === 'snapshot').length;
    client.setStatus({ state: 'open' });
    await tick();
    expect(client.calls.filter((c) => c.name === 'snapshot').length).toBe(before + 1);
    session.stop();
  });

  it('drops events that arrived before the snapshot answer (they are in it)', async () => {
    let answer!: (value: ReturnType<typeof snapshot>) => void;
    const client = createFakeClient({ handlers: { snapshot: () => new Promise((resolve) => (answer = resolve)) } });
    const session = startSession(client, { schedule: () => () => {} /* never flushes by itself */ });
    client.emit({ type: 'exchanges', exchanges: [summary(2)] });
    answer(snapshot({ exchanges: [summary(1), summary(2)] }));
    await tick();
    session.flush();
    expect(rowIds()).toEqual([1, 2]);
    expect(useExchangesStore.getState().version).toBe(1);
    session.stop();
  });

  it('stops listening when stopped', async () => {
    const client = createFakeClient();
    const session = startSession(client, { schedule: microtaskScheduler });
    await tick();
    session.stop();
    client.emit({ type: 'exchanges', exchanges: [summary(99)] });
    await tick();
    expect(rowIds()).not.toContain(99);
  });
});
