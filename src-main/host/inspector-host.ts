/**
 * The inspector host: the main-process side of the inspector, shared by both transports
 * (Electron IPC and the browser's WebSocket). It implements every InspectorCommand over the
 * gateway, its arbiter and the capture, and turns what happens into InspectorEvents, batched
 * (see event-batcher.ts) for any number of subscribers.
 *
 * Create it before `gateway.start()` to see the boot (the workers spawning, the Python version);
 * created later, it starts from the arbiter's current state. `close()` stops the host, not the
 * gateway: whoever made the gateway closes it.
 */
import type {
  ArbiterLogEntry,
  CommandArgs,
  CommandName,
  CommandResult,
  ExchangeRecord,
  InspectorCommands,
  InspectorEvent,
  InspectorSnapshot,
  WorkerStatus,
} from '../contract';
import { validateCommand } from '../contract/validate';
import type { Gateway } from '../gateway/gateway';
import type { Capture } from '../gateway/capture';
import { toHar } from '../gateway/capture/har';
import { toCurl } from '../gateway/capture/curl';
import { diffExchanges } from '../gateway/capture/diff';
import { ArbiterLog, DEFAULT_ARBITER_LOG_LIMIT } from './arbiter-log';
import { EventBatcher, type EventListener, type SubscriberOptions } from './event-batcher';
import { ServerInfoTracker } from './server-info';
import { WorkerStatsSampler } from './worker-stats';

export interface InspectorHostOptions {
  gateway: Gateway;
  capture: Capture;
  /** What the header shows: the project folder, the app spec and the Python command. */
  info: { projectDir: string; app: string; python: string };
  /** ms between /proc samples of the workers (default 1,000). */
  sampleIntervalMs?: number;
  /** ms between event deliveries (default 50: at most 20 a second). */
  batchIntervalMs?: number;
  /** Arbiter log lines kept (default 500). */
  arbiterLogLimit?: number;
}

/** Every command as an async function: what a transport calls. */
export type HostCommands = { [K in CommandName]: (...args: CommandArgs<K>) => Promise<CommandResult<K>> };

export interface InspectorHost {
  readonly commands: HostCommands;
  /**
   * Validates a command from a transport (untrusted name and arguments) and runs it; rejects
   * with the validation error or the command's own error.
   */
  dispatch(name: string, args: unknown): Promise<unknown>;
  /** Batched events from now on; call `snapshot` after subscribing for the state so far. */
  subscribe(listener: EventListener, options?: SubscriberOptions): () => void;
  /** Stops sampling and delivering (subscribers get a last `server` event, state 'stopped', if the gateway stopped). */
  close(): void;
}

export function createInspectorHost(options: InspectorHostOptions): InspectorHost {
  const { gateway, capture } = options;
  const { arbiter } = gateway;
  const store = capture.store;
  const sampler = new WorkerStatsSampler();
  const serverInfo = new ServerInfoTracker({
    arbiter,
    url: () => gateway.url,
    captureMode: () => capture.mode,
    info: { ...options.info },
  });
  const log = new ArbiterLog({ limit: options.arbiterLogLimit ?? DEFAULT_ARBITER_LOG_LIMIT });

  let workersDirty = false;
  let lastServerJson = '';
  let closed = false;

  const workers = (): WorkerStatus[] => {
    const now = Date.now();
    return arbiter
      .list()
      .sort((a, b) => a.id - b.id)
      .map((info) => {
        const stats = sampler.get(info.pid);
        const busy = info.state === 'busy' && info.requestStartedAt !== null;
        const status: WorkerStatus = {
          pid: info.pid,
          generation: info.generation,
          state: info.state,
          exchangeId: info.requestId !== null ? capture.exchangeIdForRequest(info.requestId) : null,
          busyForMs: busy ? Math.max(0, now - info.requestStartedAt!) : null,
          served: info.served,
          rss: stats.rss,
          cpu: stats.cpu,
          startedAt: info.startedAt,
        };
        if (info.lastExit) status.lastExit = { code: info.lastExit.code, signal: info.lastExit.signal, reason: info.lastExit.reason };
        return status;
      });
  };

  const batcher = new EventBatcher({
    intervalMs: options.batchIntervalMs,
    maxArbiterEntries: options.arbiterLogLimit ?? DEFAULT_ARBITER_LOG_LIMIT,
    beforeFlush: () => {
      if (!workersDirty) return;
      workersDirty = false;
      batcher.push({ type: 'workers', workers: workers() });
    },
  });

  /** Workers are rebuilt once per batch, not per event (a request changes state twice). */
  const markWorkers = () => {
    if (batcher.subscriberCount === 0) return;
    workersDirty = true;
    batcher.requestFlush();
  };

  /** Sends the server info when it differs from what subscribers last got. */
  const refreshServer = () => {
    const server = serverInfo.current();
    const json = JSON.stringify(server);
    if (json === lastServerJson) return;
    lastServerJson = json;
    batcher.push({ type: 'server', server });
  };

  serverInfo.onChange = refreshServer;
  log.onEntry = (entry: ArbiterLogEntry) => batcher.push({ type: 'arbiter', entries: [entry] });
  log.attach(arbiter);

  const workerEvents = ['worker-spawned', 'worker-ready', 'worker-exited', 'worker-state', 'worker-timeout'] as const;
  for (const event of workerEvents) arbiter.on(event, markWorkers);

  const stopListening = store.listen({
    upsert: (summary) => batcher.push({ type: 'exchanges', exchanges: [summary] }),
    evicted: (ids) => batcher.push({ type: 'evicted', ids }),
    cleared: () => batcher.push({ type: 'cleared' }),
  });

  // gateway.url is set just after 'listening' fires; 'close' is the gateway stopping for good.
  const onListening = () => setImmediate(refreshServer);
  const onServerClose = () => serverInfo.stopped();
  gateway.server.on('listening', onListening);
  gateway.server.on('close', onServerClose);

  let sampling = false;
  const sample = async () => {
    if (sampling || closed) return;
    sampling = true;
    try {
      await sampler.sample(arbiter.list().map((info) => info.pid));
    } finally {
      sampling = false;
    }
    if (closed) return;
    markWorkers();
    refreshServer();
  };
  void sample();
  const sampleTimer = setInterval(() => void sample(), options.sampleIntervalMs ?? 1000);
  sampleTimer.unref();

  const record = (id: number): ExchangeRecord | null => store.get(id) ?? null;

  const commands: HostCommands = {
    async snapshot(): Promise<InspectorSnapshot> {
      return { server: serverInfo.current(), workers: workers(), exchanges: store.summaries(), arbiterLog: log.entries() };
    },
    async exchange(id) {
      return record(id);
    },
    async reload() {
      arbiter.reload();
    },
    async setWorkerCount(count) {
      arbiter.scale(count);
      refreshServer();
    },
    async restartWorker(pid) {
      return arbiter.restartWorker(pid);
    },
    async killWorker(pid) {
      return arbiter.killWorker(pid);
    },
    async workerStack(pid) {
      if (!arbiter.list().some((info) => info.pid === pid)) throw new Error(`no worker with pid ${pid}`);
      return arbiter.dumpStack(pid);
    },
    async replay(id, edits) {
      return capture.replay(id, edits);
    },
    async diff(leftId, rightId) {
      const left = record(leftId);
      const right = record(rightId);
      return left && right ? diffExchanges(left, right) : null;
    },
    async curl(id) {
      const found = record(id);
      return found ? toCurl(found) : null;
    },
    async exportHar(ids) {
      const records = ids ? ids.map((id) => store.get(id)).filter((found): found is ExchangeRecord => found !== undefined) : store.records();
      return JSON.stringify({ log: toHar(records) });
    },
    async clear() {
      store.clear();
    },
    async setCapture(mode) {
      capture.setMode(mode);
      refreshServer();
    },
  };

  return {
    commands,
    async dispatch(name, args) {
      const checked = validateCommand(name, args);
      if (!checked.ok) throw new Error(checked.error);
      const command = commands[checked.name] as (...args: unknown[]) => Promise<unknown>;
      return command(...checked.args);
    },
    subscribe(listener, subscriberOptions) {
      return batcher.subscribe(listener, subscriberOptions);
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(sampleTimer);
      refreshServer();
      batcher.flush();
      batcher.close();
      log.detach();
      serverInfo.detach();
      stopListening();
      for (const event of workerEvents) arbiter.off(event, markWorkers);
      gateway.server.off('listening', onListening);
      gateway.server.off('close', onServerClose);
    },
  };
}

export type { InspectorEvent, InspectorCommands };
