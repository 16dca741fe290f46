/** Pure reads of the server store. */
import type { ServerState } from './store';

export const selectServer = (s: ServerState) => s.server;
export const selectConnection = (s: ServerState) => s.connection;
export const selectHydrated = (s: ServerState) => s.hydrated;
export const selectSnapshotError = (s: ServerState) => s.snapshotError;
export const selectFailure = (s: ServerState) => s.server?.failure ?? null;
export const selectCapture = (s: ServerState) => s.server?.capture ?? 'off';
export const selectServerUrl = (s: ServerState) => s.server?.url ?? null;

/** No server to inspect: the start screen shows instead of the inspector. */
export const selectShowStartScreen = (s: ServerState) => s.hydrated && (s.server === null || s.server.state === 'stopped');
