/**
 * What the preload script exposes to the renderer as `window.forkwatch` (BRIDGE_KEY) in the
 * desktop app. In browser mode (`forkwatch serve --ui`) there is no `window.forkwatch`: the
 * renderer talks to the same InspectorClient over a WebSocket, and has no desktop extras.
 *
 * Channels (src-main/electron/ipc-channels.ts): `forkwatch:call` carries every InspectorCommand,
 * `forkwatch:event` carries the host's batched InspectorEvents; the desktop extras have one
 * channel each.
 */
import type { InspectorClient } from './inspector';

/** Native things only the desktop shell can do. The renderer must work without them. */
export interface DesktopApi {
  /**
   * Shows the native Open Folder dialog. Resolves true when a folder was chosen: the shell then
   * stops the current project and reloads the window onto the new one. False when cancelled.
   */
  openFolder(): Promise<boolean>;
  /** Recently opened project folders, most recent first (the open one included). */
  recentProjects(): Promise<string[]>;
  /**
   * Opens one of the folders `recentProjects()` returned (the shell refuses any other path).
   * Resolves true when it switches to it (the window then reloads).
   */
  openRecent(folder: string): Promise<boolean>;
}

/** `window.forkwatch` in the desktop app: the inspector client plus the desktop extras. */
export interface ForkwatchApi extends InspectorClient, DesktopApi {}
