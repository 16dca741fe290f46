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

/**
 * Native things only the desktop shell can do. The renderer must work without them (browser
 * mode has no `window.forkwatch`), e.g. `window.forkwatch?.openFolder`.
 *
 * Opening a project reloads the window onto it: the page that asked is replaced, boots anew,
 * subscribes and takes a snapshot of the new project. So a `true` is rarely seen; `false` is.
 */
export interface DesktopApi {
  /**
   * Shows the native Open Folder dialog and opens the folder chosen in place of the current
   * project. Resolves false when cancelled or when the folder cannot be served (the shell shows
   * why in a native dialog; the current project stays open).
   */
  openFolder(): Promise<boolean>;
  /** Recently opened project folders, most recent first (the open one first). */
  recentProjects(): Promise<string[]>;
  /**
   * Opens one of the folders `recentProjects()` returned; the shell refuses any other path
   * (rejects with "not a recent project"). Resolves as openFolder does.
   */
  openRecent(folder: string): Promise<boolean>;
}

/** `window.forkwatch` in the desktop app: the inspector client plus the desktop extras. */
export interface ForkwatchApi extends InspectorClient, DesktopApi {}
