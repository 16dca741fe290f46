/**
 * Preload script: exposes exactly ForkwatchApi (the contract's InspectorClient plus the desktop
 * extras) to the renderer as `window.forkwatch`, over the channels in ipc-channels.ts.
 *
 * It runs sandboxed, so it is bundled into one CommonJS file that requires nothing but
 * `electron`: values from elsewhere (BRIDGE_KEY, CHANNELS) are inlined by the bundler, and
 * everything else is imported as types. No Electron object (IpcRendererEvent, ipcRenderer)
 * ever reaches the renderer: it gets plain data and promises.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from '@contract';
import type { CommandArgs, CommandName, CommandResult, ForkwatchApi, InspectorEvent } from '@contract';
import { CHANNELS, ipcErrorMessage, type CallRequest, type EventBatch } from './ipc-channels';

const invoke = <T>(channel: string, ...args: unknown[]): Promise<T> =>
  (ipcRenderer.invoke(channel, ...args) as Promise<T>).catch((error: unknown) => {
    throw new Error(ipcErrorMessage(error));
  });

type Listener = (event: InspectorEvent) => void;
const listeners = new Set<Listener>();

// One IPC listener for the page's lifetime, fanned out to the renderer's subscribers.
ipcRenderer.on(CHANNELS.event, (_event, batch: EventBatch) => {
  if (!Array.isArray(batch)) return;
  for (const event of batch) {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('forkwatch: an event listener threw', error);
      }
    }
  }
});

const api = {
  call<K extends CommandName>(name: K, ...args: CommandArgs<K>): Promise<CommandResult<K>> {
    const request: CallRequest = { command: name, args };
    return invoke<CommandResult<K>>(CHANNELS.call, request);
  },
  subscribe(listener: Listener): () => void {
    // A fresh wrapper per call: the same function subscribed twice gets two subscriptions, as the
    // WebSocket client does.
    const wrapper: Listener = (event) => listener(event);
    listeners.add(wrapper);
    return () => {
      listeners.delete(wrapper);
    };
  },
  openFolder: () => invoke<boolean>(CHANNELS.openFolder),
  recentProjects: () => invoke<string[]>(CHANNELS.recentProjects),
  openRecent: (folder: string) => invoke<boolean>(CHANNELS.openRecent, folder),
} satisfies ForkwatchApi;

contextBridge.exposeInMainWorld(BRIDGE_KEY, api);
