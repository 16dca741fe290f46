import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArbiterLogEntry, ExchangeSummary, InspectorEvent, ServerInfo, WorkerStatus } from '../../../src-main/contract';
import { EventBatcher } from '../../../src-main/host/event-batcher';

function summary(id: number, status = 200): ExchangeSummary {
  return { id, method: 'GET', url: `/${id}`, status, outcome: status ? 'ok' : 'pending', startedAt: 0, durationMs: null, responseSize: 0, workerPid: 1, generation: 1, findingCount: 0 };
}
function worker(pid: number): WorkerStatus {
  return { pid, generation: 1, state: 'idle', exchangeId: null, busyForMs: null, served: 0, rss: 0, cpu: 0, startedAt: 0 };
}
function server(state: ServerInfo['state']): ServerInfo {
  return { state, projectDir: '/p', app: 'a:b', python: 'python3', pythonVersion: '3.12', url: '', workerCount: 1, generation: 1, capture: 'on' };
}
function entry(seq: number): ArbiterLogEntry {
  return { seq, time: 0, kind: 'spawned', message: `entry ${seq}` };
}

function collector() {
  const events: InspectorEvent[] = [];
  return { events, listener: (event: InspectorEvent) => void events.push(event) };
}

describe('EventBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces one interval into one batch: latest exchange by id, evictions merged, latest workers and server, arbiter appended', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const { events, listener } = collector();
    batcher.subscribe(listener);
    batcher.push({ type: 'exchanges', exchanges: [summary(3, 0)] });
    batcher.push({ type: 'exchanges', exchanges: [summary(1, 0), summary(2, 0)] });
    batcher.push({ type: 'server', server: server('starting') });
    batcher.push({ type: 'workers', workers: [worker(10)] });
    batcher.push({ type: 'arbiter', entries: [entry(1)] });
    batcher.push({ type: 'exchanges', exchanges: [summary(1, 200)] });
    batcher.push({ type: 'evicted', ids: [2] });
    batcher.push({ type: 'evicted', ids: [0] });
    batcher.push({ type: 'workers', workers: [worker(11), worker(12)] });
    batcher.push({ type: 'server', server: server('running') });
    batcher.push({ type: 'arbiter', entries: [entry(2), entry(3)] });
    expect(events).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(events).toEqual([
      { type: 'server', server: server('running') },
      { type: 'workers', workers: [worker(11), worker(12)] },
      { type: 'arbiter', entries: [entry(1), entry(2), entry(3)] },
      { type: 'evicted', ids: [2, 0] },
      { type: 'exchanges', exchanges: [summary(1, 200), summary(3, 0)] },
    ]);
    expect(batcher.flushes).toBe(1);
  });

  it('drops exchange events from before a clear, keeps those after it', () => {
    const batcher = new EventBatcher();
    const { events, listener } = collector();
    batcher.subscribe(listener);
    batcher.push({ type: 'exchanges', exchanges: [summary(1)] });
    batcher.push({ type: 'evicted', ids: [0] });
    batcher.push({ type: 'cleared' });
    batcher.push({ type: 'exchanges', exchanges: [summary(2)] });
    batcher.flush();
    expect(events).toEqual([{ type: 'cleared' }, { type: 'exchanges', exchanges: [summary(2)] }]);
  });

  it('delivers the first event after a quiet spell at once, then at most once per 50 ms', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const deliveries: number[] = [];
    batcher.subscribe((event) => {
      if (event.type === 'exchanges') deliveries.push(Date.now());
    });
    const start = Date.now();
    batcher.push({ type: 'exchanges', exchanges: [summary(0)] });
    vi.advanceTimersByTime(0);
    expect(deliveries).toEqual([start]);
    // A request every millisecond for a second.
    for (let i = 1; i <= 1000; i++) {
      vi.advanceTimersByTime(1);
      batcher.push({ type: 'exchanges', exchanges: [summary(i)] });
    }
    vi.advanceTimersByTime(100);
    expect(deliveries.length).toBeGreaterThanOrEqual(19);
    expect(deliveries.length).toBeLessThanOrEqual(22);
    for (let i = 1; i < deliveries.length; i++) expect(deliveries[i] - deliveries[i - 1]).toBeGreaterThanOrEqual(50);
  });

  it('each exchange id reaches the subscriber, in id order', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const seen: number[] = [];
    batcher.subscribe((event) => {
      if (event.type === 'exchanges') seen.push(...event.exchanges.map((row) => row.id));
    });
    for (let i = 0; i < 300; i++) {
      batcher.push({ type: 'exchanges', exchanges: [summary(i)] });
      vi.advanceTimersByTime(3);
    }
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('gives a slow subscriber one resync instead of an unbounded queue, and keeps the fast one whole', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const fast = collector();
    const slow = collector();
    let congested = true;
    batcher.subscribe(fast.listener);
    batcher.subscribe(slow.listener, { congested: () => congested, maxQueue: 100 });
    for (let i = 0; i < 60; i++) {
      batcher.push({ type: 'exchanges', exchanges: [summary(i)] });
      batcher.push({ type: 'workers', workers: [worker(i)] });
      vi.advanceTimersByTime(50);
    }
    expect(slow.events).toEqual([]);
    expect(fast.events.filter((e) => e.type === 'exchanges')).toHaveLength(60);
    // 120 events > 100: the queue was dropped; while still congested nothing more is kept.
    congested = false;
    vi.advanceTimersByTime(50);
    expect(slow.events).toEqual([{ type: 'resync' }]);
    batcher.push({ type: 'exchanges', exchanges: [summary(1000)] });
    vi.advanceTimersByTime(50);
    expect(slow.events).toEqual([{ type: 'resync' }, { type: 'exchanges', exchanges: [summary(1000)] }]);
    expect(fast.events.some((e) => e.type === 'resync')).toBe(false);
  });

  it('delivers a briefly congested subscriber its queue in order once it drains', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const slow = collector();
    let congested = true;
    batcher.subscribe(slow.listener, { congested: () => congested });
    for (let i = 0; i < 5; i++) {
      batcher.push({ type: 'exchanges', exchanges: [summary(i)] });
      vi.advanceTimersByTime(50);
    }
    expect(slow.events).toEqual([]);
    congested = false;
    vi.advanceTimersByTime(50);
    expect(slow.events.map((e) => (e.type === 'exchanges' ? e.exchanges[0].id : -1))).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops a queue over its byte budget', () => {
    const batcher = new EventBatcher({ now: () => Date.now() });
    const slow = collector();
    let congested = true;
    batcher.subscribe(slow.listener, { congested: () => congested, maxQueueBytes: 2000 });
    for (let i = 0; i < 5; i++) {
      batcher.push({ type: 'exchanges', exchanges: Array.from({ length: 5 }, (_, j) => summary(i * 5 + j)) });
      vi.advanceTimersByTime(50);
    }
    congested = false;
    vi.advanceTimersByTime(50);
    expect(slow.events).toEqual([{ type: 'resync' }]);
  });

  it('keeps delivering to the others when a listener throws, and stops after unsubscribe', () => {
    const batcher = new EventBatcher();
    const good = collector();
    batcher.subscribe(() => {
      throw new Error('broken');
    });
    const unsubscribe = batcher.subscribe(good.listener);
    batcher.push({ type: 'cleared' });
    batcher.flush();
    expect(good.events).toEqual([{ type: 'cleared' }]);
    unsubscribe();
    batcher.push({ type: 'cleared' });
    batcher.flush();
    expect(good.events).toHaveLength(1);
  });

  it('keeps nothing while nobody listens, and nothing after close', () => {
    const batcher = new EventBatcher();
    batcher.push({ type: 'exchanges', exchanges: [summary(1)] });
    const { events, listener } = collector();
    batcher.subscribe(listener);
    batcher.flush();
    expect(events).toEqual([]);
    batcher.push({ type: 'cleared' });
    batcher.close();
    vi.advanceTimersByTime(100);
    expect(events).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets beforeFlush add lazily computed events to the batch', () => {
    let dirty = false;
    const batcher = new EventBatcher({
      beforeFlush: () => {
        if (dirty) batcher.push({ type: 'workers', workers: [worker(7)] });
        dirty = false;
      },
    });
    const { events, listener } = collector();
    batcher.subscribe(listener);
    dirty = true;
    batcher.push({ type: 'cleared' });
    vi.advanceTimersByTime(50);
    expect(events).toEqual([{ type: 'cleared' }, { type: 'workers', workers: [worker(7)] }]);
    vi.advanceTimersByTime(200);
    expect(events).toHaveLength(2);
  });
});
