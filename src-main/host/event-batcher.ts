/**
 * Event batching for the inspector's subscribers.
 *
 * Every event pushed in one interval (50 ms: at most 20 deliveries a second) is coalesced into
 * one batch, shared by all subscribers:
 *   - exchange upserts are merged by id (the latest summary wins), in id order;
 *   - evictions are merged (an exchange evicted in the same interval is not upserted);
 *   - `cleared` drops the exchange events before it;
 *   - workers and server: only the latest;
 *   - arbiter log entries are appended (the last `maxArbiterEntries` kept).
 * A batch goes out as at most six events, in this order: cleared, server, workers, arbiter,
 * evicted, exchanges.
 *
 * Each subscriber has its own bounded queue. A subscriber that cannot keep up (`congested()`
 * true, e.g. a WebSocket's bufferedAmount over budget) keeps its events queued; once its queue
 * is over `maxQueue` events or `maxQueueBytes`, the queue is dropped and the subscriber gets one
 * `{type: 'resync'}` instead, when it can take it again (sizes are only computed for what
 * stays queued, so a subscriber that keeps up costs nothing extra). A slow UI never slows the gateway nor
 * grows memory without bound: the gateway only ever pushes into the one shared batch.
 */
import type { ArbiterLogEntry, ExchangeSummary, InspectorEvent, ServerInfo, WorkerStatus } from '../contract';

export const DEFAULT_BATCH_INTERVAL_MS = 50;
export const DEFAULT_MAX_QUEUE = 1000;
export const DEFAULT_MAX_QUEUE_BYTES = 8 * 1024 * 1024;

export interface SubscriberOptions {
  /** True while the subscriber cannot take more yet: its events wait in its queue. */
  congested?: () => boolean;
  /** Queued events past which the queue is dropped for one resync (default 1,000). */
  maxQueue?: number;
  /** Queued bytes (by `sizeOf`) past which the queue is dropped for one resync (default 8 MiB). */
  maxQueueBytes?: number;
  /** Approximate size of an event in bytes (default: its JSON length, cached per event). */
  sizeOf?: (event: InspectorEvent) => number;
}

export interface EventBatcherOptions {
  intervalMs?: number;
  /** Called just before a batch is built: the place to push lazily computed events. */
  beforeFlush?: () => void;
  /** Arbiter entries kept in one batch (default 500, the log's size). */
  maxArbiterEntries?: number;
  now?: () => number;
}

export type EventListener = (event: InspectorEvent) => void;

interface Subscriber {
  listener: EventListener;
  congested: () => boolean;
  maxQueue: number;
  maxQueueBytes: number;
  sizeOf: ((event: InspectorEvent) => number) | null;
  queue: InspectorEvent[];
  resync: boolean;
  closed: boolean;
}

const notCongested = () => false;

export class EventBatcher {
  private readonly intervalMs: number;
  private readonly maxArbiterEntries: number;
  private readonly beforeFlush: (() => void) | null;
  private readonly now: () => number;
  private readonly subscribers = new Set<Subscriber>();
  private readonly sizes = new WeakMap<InspectorEvent, number>();

  // The pending batch.
  private cleared = false;
  private server: ServerInfo | null = null;
  private workers: WorkerStatus[] | null = null;
  private arbiter: ArbiterLogEntry[] = [];
  private evicted: number[] = [];
  private exchanges = new Map<number, ExchangeSummary>();
  private pending = false;

  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = -Infinity;
  private closed = false;
  private flushing = false;
  /** Batches delivered so far (for tests and diagnostics). */
  flushes = 0;

  constructor(options: EventBatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
    this.maxArbiterEntries = options.maxArbiterEntries ?? 500;
    this.beforeFlush = options.beforeFlush ?? null;
    this.now = options.now ?? (() => performance.now());
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Adds an event to the pending batch; it goes out within one interval. */
  push(event: InspectorEvent): void {
    if (this.closed || this.subscribers.size === 0) return;
    switch (event.type) {
      case 'server':
        this.server = event.server;
        break;
      case 'workers':
        this.workers = event.workers;
        break;
      case 'exchanges':
        for (const summary of event.exchanges) this.exchanges.set(summary.id, summary);
        break;
      case 'evicted':
        for (const id of event.ids) {
          this.exchanges.delete(id);
          this.evicted.push(id);
        }
        break;
      case 'arbiter':
        this.arbiter.push(...event.entries);
        if (this.arbiter.length > this.maxArbiterEntries) this.arbiter.splice(0, this.arbiter.length - this.maxArbiterEntries);
        break;
      case 'cleared':
        this.cleared = true;
        this.exchanges.clear();
        this.evicted = [];
        break;
      case 'resync':
        // Everyone starts over from a snapshot: nothing queued matters any more.
        for (const subscriber of this.subscribers) this.dropQueue(subscriber);
        break;
    }
    this.pending = true;
    this.schedule();
  }

  /** Makes sure a flush comes within one interval (for events built lazily in `beforeFlush`). */
  requestFlush(): void {
    if (this.closed || this.subscribers.size === 0) return;
    this.pending = true;
    this.schedule();
  }

  subscribe(listener: EventListener, options: SubscriberOptions = {}): () => void {
    const subscriber: Subscriber = {
      listener,
      congested: options.congested ?? notCongested,
      maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
      maxQueueBytes: options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
      sizeOf: options.sizeOf ?? null,
      queue: [],
      resync: false,
      closed: this.closed,
    };
    if (!this.closed) this.subscribers.add(subscriber);
    return () => {
      subscriber.closed = true;
      subscriber.queue = [];
      this.subscribers.delete(subscriber);
    };
  }

  /** Builds and delivers the pending batch now, and drains every queue as far as it goes. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed) return;
    this.lastFlushAt = this.now();
    this.flushing = true;
    try {
      this.beforeFlush?.();
    } finally {
      this.flushing = false;
    }
    const batch = this.takeBatch();
    if (batch.length) this.flushes += 1;
    for (const subscriber of [...this.subscribers]) {
      if (batch.length) this.enqueue(subscriber, batch);
      this.drain(subscriber);
      this.checkLimits(subscriber);
    }
    // Congested subscribers are retried on the same rhythm until their queues are empty.
    if (this.hasBacklog()) this.schedule();
  }

  /** Stops delivering; pending and queued events are dropped. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const subscriber of this.subscribers) {
      subscriber.closed = true;
      subscriber.queue = [];
    }
    this.subscribers.clear();
    this.takeBatch();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.flushing) return;
    const delay = Math.max(0, this.lastFlushAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private takeBatch(): InspectorEvent[] {
    const batch: InspectorEvent[] = [];
    if (!this.pending) return batch;
    if (this.cleared) batch.push({ type: 'cleared' });
    if (this.server) batch.push({ type: 'server', server: this.server });
    if (this.workers) batch.push({ type: 'workers', workers: this.workers });
    if (this.arbiter.length) batch.push({ type: 'arbiter', entries: this.arbiter });
    if (this.evicted.length) batch.push({ type: 'evicted', ids: this.evicted });
    if (this.exchanges.size) batch.push({ type: 'exchanges', exchanges: [...this.exchanges.values()].sort((a, b) => a.id - b.id) });
    this.cleared = false;
    this.server = null;
    this.workers = null;
    this.arbiter = [];
    this.evicted = [];
    this.exchanges = new Map();
    this.pending = false;
    return batch;
  }

  private enqueue(subscriber: Subscriber, batch: InspectorEvent[]): void {
    // Waiting for its resync: whatever happens meanwhile is in the snapshot it will fetch.
    if (subscriber.resync) return;
    subscriber.queue.push(...batch);
  }

  /** Whatever the subscriber could not take stays queued, within its limits. */
  private checkLimits(subscriber: Subscriber): void {
    const queue = subscriber.queue;
    if (!queue.length) return;
    if (queue.length > subscriber.maxQueue) return this.dropQueue(subscriber);
    let bytes = 0;
    for (const event of queue) {
      bytes += this.sizeOf(subscriber, event);
      if (bytes > subscriber.maxQueueBytes) return this.dropQueue(subscriber);
    }
  }

  private dropQueue(subscriber: Subscriber): void {
    subscriber.queue = [];
    subscriber.resync = true;
  }

  private drain(subscriber: Subscriber): void {
    while (!subscriber.closed && (subscriber.resync || subscriber.queue.length)) {
      if (this.isCongested(subscriber)) return;
      let event: InspectorEvent;
      if (subscriber.resync) {
        subscriber.resync = false;
        event = { type: 'resync' };
      } else {
        event = subscriber.queue.shift()!;
      }
      try {
        subscriber.listener(event);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  }

  private isCongested(subscriber: Subscriber): boolean {
    try {
      return subscriber.congested();
    } catch {
      return false;
    }
  }

  private sizeOf(subscriber: Subscriber, event: InspectorEvent): number {
    if (subscriber.sizeOf) return subscriber.sizeOf(event);
    let size = this.sizes.get(event);
    if (size === undefined) {
      size = JSON.stringify(event).length;
      this.sizes.set(event, size);
    }
    return size;
  }

  private hasBacklog(): boolean {
    for (const subscriber of this.subscribers) if (subscriber.resync || subscriber.queue.length) return true;
    return false;
  }
}
