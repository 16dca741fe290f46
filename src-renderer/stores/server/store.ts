/** Server and connection: what the header, banners and start screen show. */
import { create } from 'zustand';
import type { ServerInfo } from '@contract';
import type { ConnectionStatus } from '../../transport/types';

export interface ServerState {
  /** Null until the first snapshot. */
  server: ServerInfo | null;
  connection: ConnectionStatus;
  /** Set after the first snapshot arrived. */
  hydrated: boolean;
  /** Why the last snapshot could not be loaded. */
  snapshotError: string | null;
}

const initialState = (): ServerState => ({
  server: null,
  connection: { state: 'connecting' },
  hydrated: false,
  snapshotError: null,
});

export const useServerStore = create<ServerState>()(initialState);

export function setServer(server: ServerInfo): void {
  useServerStore.setState({ server, hydrated: true, snapshotError: null });
}

export function setConnection(connection: ConnectionStatus): void {
  useServerStore.setState({ connection });
}

export function setSnapshotError(message: string): void {
  useServerStore.setState({ snapshotError: message });
}

export function resetServerStore(): void {
  useServerStore.setState(initialState(), true);
}
