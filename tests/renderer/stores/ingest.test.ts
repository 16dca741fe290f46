import { describe, expect, it, vi } from 'vitest';
import type { InspectorEvent } from '@contract';
import { createIngest, MAX_BATCH, type Scheduler } from '@renderer/session/ingest';
import { useExchangesStore } from '@renderer/stores/exchanges/store';
import { useServerStore } from '@renderer/stores/server/store';
import { useWorkersStore } from '@renderer/stores/workers/store';
import { getRssHistory } from '@renderer/stores/workers/rss-history';
import { useDetailsStore } from '@renderer/stores/details/store';
import { buildExchangeView } from '@renderer/model/exchange-view';
import { arbiterEntry, record, server, summary, worker } from '../support/fixtures';
import { useStoreReset } from '../support/setup';

useStoreReset();

/** A scheduler the test runs by hand: one pending flush at most, like one animation frame. */
function manualScheduler() {
  const frames: (() => void)[] = [];
  const schedule: Scheduler = (flush) => {
    frames.push(flush);
    return () => frames.splice(frames.indexOf(flush), 1);
  };
  return { schedule, frames, runFrame: () => frames.shift()?.() };
}

function countUpdates() {
  const counts = { exchanges: 0, server: 0, workers: 0 };
  const unsubscribe = [
    useExchangesStore.subscribe(() => counts.exchanges++),
    useServerStore.subscribe(() => counts.server++),
    useWorkersStore.subscribe(() => counts.workers++),
  ];
  return { counts, stop: () => unsubscribe.forEach((u) => u()) };
}

const rowIds = () => useExchangesStore.getState().table.rows.map((r) => r.id);

describe('ingest', () => {
  it('applies 1,800 events with one state update per store, in one frame', () => {
    const frames = manualScheduler();
    const ingest = createIngest({ schedule: frames.schedule, onResync: () => {} });
    const { counts, stop } = countUpdates();
    for (let id = 1; id <= 600; id++) {
      ingest.push({ type: 'exchanges', exchanges: [summary(id)] });
      ingest.push({ type: 'workers', workers: [worker(101, { served: id })] });
      ingest.push({ type: 'server', server: server({ generation: id }) });
    }
    expect(frames.frames).toHaveLength(1);
    expect(counts).toEqual({ exchanges: 0, server: 0, workers: 0 });
    frames.runFrame();
    stop();
    expect(counts).toEqual({ exchanges: 1, server: 1, workers: 1 });
    expect(useExchangesStore.getState().table.size).toBe(600);
    // The last state wins.
    expect(useWorkersStore.getState().workers[0].served).toBe(600);
    expect(useServerStore.getState().server?.generation).toBe(600);
  });

  it('caps a flush at MAX_BATCH events and schedules the rest for the next frame', () => {
    const frames = manualScheduler();
    const ingest = createIngest({ schedule: frames.schedule, onResync: () => {} });
    for (let id = 1; id <= MAX_BATCH + 10; id++) ingest.push({ type: 'exchanges', exchanges: [summary(id)] });
    frames.runFrame();
    expect(useExchangesStore.getState().table.size).toBe(MAX_BATCH);
    expect(frames.frames).toHaveLength(1);
    frames.runFrame();
    expect(useExchangesStore.getState().table.size).toBe(MAX_BATCH + 10);
  });

  it('updates pending rows in place and applies evictions and clears in order', () => {
    const ingest = createIngest({ schedule: manualScheduler().schedule, onResync: () => {} });
    ingest.push({ type: 'exchanges', exchanges: [summary(1), summary(2, { outcome: 'pending', status: 0 }), summary(3)] });
    ingest.flush();
    const rows = useExchangesStore.getState().table.rows;
    ingest.push({ type: 'exchanges', exchanges: [summary(2, { status: 201 })] });
    ingest.push({ type: 'evicted', ids: [1] });
    ingest.flush();
    expect(rowIds()).toEqual([2, 3]);
    expect(useExchangesStore.getState().table.get(2)?.status).toBe(201);
    // The same array, changed in place; the version says it changed.
    expect(useExchangesStore.getState().table.rows).toBe(rows);
    expect(useExchangesStore.getState().version).toBe(2);
    ingest.push({ type: 'cleared' });
    ingest.push({ type: 'exchanges', exchanges: [summary(9)] });
    ingest.flush();
    expect(rowIds()).toEqual([9]);
  });

  it('drops a cached detail when its row changes', () => {
    useDetailsStore.setState({ entries: new Map([[2, { status: 'loaded', view: buildExchangeView(record(2)) }]]) });
    const ingest = createIngest({ schedule: manualScheduler().schedule, onResync: () => {} });
    ingest.push({ type: 'exchanges', exchanges: [summary(2)] });
    ingest.flush();
    expect(useDetailsStore.getState().entries.has(2)).toBe(false);
  });

  it('appends arbiter entries once each and keeps an RSS history per worker', () => {
    const ingest = createIngest({ schedule: manualScheduler().schedule, onResync: () => {} });
    ingest.push({ type: 'arbiter', entries: [arbiterEntry(1), arbiterEntry(2)] });
    ingest.push({ type: 'workers', workers: [worker(101, { rss: 10 })] });
    ingest.flush();
    ingest.push({ type: 'arbiter', entries: [arbiterEntry(2), arbiterEntry(3)] });
    ingest.push({ type: 'workers', workers: [worker(101, { rss: 20 })] });
    ingest.flush();
    expect(useWorkersStore.getState().arbiterLog.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(getRssHistory(101)).toEqual([10, 20]);
  });

  it('asks for a resync when the host says events were dropped', () => {
    const onResync = vi.fn();
    const ingest = createIngest({ schedule: manualScheduler().schedule, onResync });
    ingest.push({ type: 'resync' } as InspectorEvent);
    ingest.flush();
    expect(onResync).toHaveBeenCalledTimes(1);
  });

  it('forgets queued events on drop', () => {
    const frames = manualScheduler();
    const ingest = createIngest({ schedule: frames.schedule, onResync: () => {} });
    ingest.push({ type: 'exchanges', exchanges: [summary(1)] });
    ingest.drop();
    frames.runFrame();
    expect(rowIds()).toEqual([]);
  });
});
