/**
 * The Electron transport: the preload exposes the contract's InspectorClient as
 * `window.forkwatch` (BRIDGE_KEY), backed by IPC. There is no connection to lose, so the
 * status is open from the start.
 */
import { BRIDGE_KEY, type DesktopApi, type InspectorClient } from '@contract';
import type { RendererClient } from './types';

/** The bridge, when the page runs in Forkwatch's Electron window. */
export function findBridge(target: object): InspectorClient | null {
  const bridge = (target as Record<string, unknown>)[BRIDGE_KEY] as Partial<InspectorClient> | undefined;
  if (bridge && typeof bridge.call === 'function' && typeof bridge.subscribe === 'function') return bridge as InspectorClient;
  return null;
}

/** The desktop extras the bridge has (all three, or none). */
export function desktopApiOf(bridge: InspectorClient): DesktopApi | undefined {
  const candidate = bridge as Partial<DesktopApi>;
  if (typeof candidate.openFolder !== 'function' || typeof candidate.recentProjects !== 'function' || typeof candidate.openRecent !== 'function') return undefined;
  return {
    openFolder: () => candidate.openFolder!(),
    recentProjects: () => candidate.recentProjects!(),
    openRecent: (folder) => candidate.openRecent!(folder),
  };
}

export function createIpcClient(bridge: InspectorClient): RendererClient {
  const subscriptions = new Set<() => void>();
  return {
    desktop: desktopApiOf(bridge),
    call: (name, ...args) => bridge.call(name, ...args),
    subscribe(listener) {
      const unsubscribe = bridge.subscribe(listener);
      subscriptions.add(unsubscribe);
      return () => {
        subscriptions.delete(unsubscribe);
        unsubscribe();
      };
    },
    onConnection(listener) {
      listener({ state: 'open' });
      return () => {};
    },
    close() {
      for (const unsubscribe of subscriptions) unsubscribe();
      subscriptions.clear();
    },
  };
}
