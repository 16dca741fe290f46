/** An in-memory RendererClient: scripted command answers, events pushed by the test. */
import { vi } from 'vitest';
import type { CommandArgs, CommandName, CommandResult, ExchangeRecord, InspectorEvent, InspectorSnapshot } from '@contract';
import type { ConnectionStatus, RendererClient } from '@renderer/transport/types';
import { snapshot as defaultSnapshot, record } from './fixtures';

type Handlers = { [K in CommandName]?: (...args: CommandArgs<K>) => CommandResult<K> | Promise<CommandResult<K>> };

export interface FakeClient extends RendererClient {
  emit(event: InspectorEvent): void;
  setStatus(status: ConnectionStatus): void;
  /** Every call made, in order. */
  calls: { name: CommandName; args: unknown[] }[];
  handlers: Handlers;
  records: Map<number, ExchangeRecord>;
}

export function createFakeClient(options: { snapshot?: InspectorSnapshot; records?: ExchangeRecord[]; handlers?: Handlers } = {}): FakeClient {
  const listeners = new Set<(event: InspectorEvent) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = { state: 'open' };
  const records = new Map<number, ExchangeRecord>((options.records ?? []).map((r) => [r.id, r]));
  const handlers: Handlers = {
    snapshot: () => options.snapshot ?? defaultSnapshot(),
    exchange: (id) => records.get(id) ?? (id <= 3 ? record(id) : null),
    workerStack: (pid) => `Thread 1 (pid ${pid}):\n  File "app.py", line 4, in app\n    time.sleep(1)`,
    ...options.handlers,
  };
  const client: FakeClient = {
    calls: [],
    handlers,
    records,
    call: vi.fn(async <K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> => {
      client.calls.push({ name, args });
      const handler = handlers[name] as ((...a: CommandArgs<K>) => CommandResult<K>) | undefined;
      if (!handler) return undefined as CommandResult<K>;
      return handler(...args);
    }) as RendererClient['call'],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {},
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    setStatus(next) {
      status = next;
      for (const listener of statusListeners) listener(next);
    },
  };
  return client;
}
