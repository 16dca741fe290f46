/**
 * A session: the transport's events go through the ingest queue into the stores, and a
 * snapshot replaces all state on every (re)connect and on a `resync` event (events were
 * dropped for us, so the stores can no longer be patched up).
 */
import type { InspectorSnapshot } from '@contract';
import type { RendererClient } from '../transport/types';
import { resetDetailsStore } from '../stores/details/store';
import { replaceRows } from '../stores/exchanges/store';
import { setConnection, setServer, setSnapshotError } from '../stores/server/store';
import { applyWorkerUpdates } from '../stores/workers/store';
import { createIngest, type Scheduler } from './ingest';
import { rememberProject } from './recent-projects';

export interface Session {
  /** Loads a snapshot now and replaces state with it. */
  resync(): Promise<void>;
  /** Applies queued events now (tests). */
  flush(): void;
  stop(): void;
}

export function startSession(client: RendererClient, options: { schedule?: Scheduler } = {}): Session {
  let stopped = false;
  /** Only the newest snapshot request may replace state. */
  let request = 0;

  const resync = async () => {
    const mine = ++request;
    try {
      const snapshot = await client.call('snapshot');
      if (stopped || mine !== request) return;
      // Events that arrived before the answer are already in it.
      ingest.drop();
      hydrate(snapshot);
    } catch (error) {
      if (!stopped && mine === request) setSnapshotError(error instanceof Error ? error.message : String(error));
    }
  };

  const ingest = createIngest({ schedule: options.schedule, onResync: () => void resync() });
  const unsubscribeEvents = client.subscribe((event) => ingest.push(event));
  const unsubscribeStatus = client.onConnection((status) => {
    setConnection(status);
    if (status.state === 'open') void resync();
  });

  return {
    resync,
    flush: () => ingest.flush(),
    stop() {
      stopped = true;
      unsubscribeEvents();
      unsubscribeStatus();
      ingest.dispose();
    },
  };
}

/** Replaces every store's state with the snapshot's. */
export function hydrate(snapshot: InspectorSnapshot): void {
  setServer(snapshot.server);
  applyWorkerUpdates({ workers: snapshot.workers, arbiter: snapshot.arbiterLog, replaceLog: true });
  replaceRows(snapshot.exchanges);
  resetDetailsStore();
  if (snapshot.server.projectDir) rememberProject(snapshot.server.projectDir, snapshot.server.app);
}
