/**
 * Preload script (placeholder). Runs sandboxed, so it is bundled into one CommonJS file that
 * requires nothing but `electron`; only type imports may come from elsewhere.
 */
import { contextBridge } from 'electron';
import { BRIDGE_KEY, type ForkwatchApi } from '@contract';

const api: ForkwatchApi = {};

contextBridge.exposeInMainWorld(BRIDGE_KEY, api);
