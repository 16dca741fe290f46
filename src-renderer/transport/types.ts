/**
 * The renderer's view of a transport: the contract's InspectorClient plus the connection's
 * state, so the session knows when to (re)load a snapshot. Chosen once at boot (pick.ts);
 * no other code knows which implementation it has (STYLE #4).
 */
import type { DesktopApi, InspectorClient } from '@contract';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the last connection ended, or the wait before the next try. */
  detail?: string;
}

export interface RendererClient extends InspectorClient {
  /** Called now with the current status, then on every change. Returns an unsubscribe. */
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
  /** Stops the transport for good (no reconnect). */
  close(): void;
  /**
   * Native extras (open a folder, recent projects) when the page runs in the desktop shell.
   * A capability, not a transport flag: components ask "can I open a folder?", not "am I in
   * Electron?".
   */
  desktop?: DesktopApi;
}
