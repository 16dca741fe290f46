/**
 * Picks the transport once at boot (STYLE #4): the preload's bridge inside Electron, the
 * host's WebSocket in a browser. Nothing else in the renderer knows which it got.
 */
import { createIpcClient, findBridge } from './ipc-client';
import type { RendererClient } from './types';
import { createWsClient, wsUrlFor } from './ws-client';

export type PickResult = { ok: true; client: RendererClient; kind: 'ipc' | 'ws' } | { ok: false; error: string };

export function pickTransport(win: Window): PickResult {
  const bridge = findBridge(win);
  if (bridge) return { ok: true, client: createIpcClient(bridge), kind: 'ipc' };
  const url = wsUrlFor(win.location);
  if (url) return { ok: true, client: createWsClient({ url }), kind: 'ws' };
  return {
    ok: false,
    error: 'This page needs its access token. Open the inspector URL that `forkwatch serve --ui` printed (it ends in ?token=...).',
  };
}
