/**
 * The IPC channels between the preload script and the main process, and what they carry.
 * Shared by both sides; the preload bundles these constants in (it may require only 'electron').
 */
import type { InspectorEvent } from '@contract';

export const CHANNELS = {
  /** invoke: CallRequest -> the command's result (rejects with the validation or command error). */
  call: 'forkwatch:call',
  /** main -> renderer: InspectorEvent[], one message per batch of the host's subscribe. */
  event: 'forkwatch:event',
  /** invoke: () -> boolean (a folder was chosen). */
  openFolder: 'forkwatch:open-folder',
  /** invoke: () -> string[]. */
  recentProjects: 'forkwatch:recent-projects',
  /** invoke: (folder: string, one of recentProjects()) -> boolean. */
  openRecent: 'forkwatch:open-recent',
} as const;

/** The one argument of `forkwatch:call`. */
export interface CallRequest {
  command: string;
  args: unknown[];
}

/** The payload of `forkwatch:event`. */
export type EventBatch = InspectorEvent[];

/**
 * The message of an error from an invoke handler. Electron rejects `ipcRenderer.invoke` with
 * "Error invoking remote method 'CHANNEL': Error: MESSAGE"; the renderer gets MESSAGE, as the
 * WebSocket transport gives it.
 */
export function ipcErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?([\s\S]*)$/.exec(message);
  return match ? match[1] : message;
}
