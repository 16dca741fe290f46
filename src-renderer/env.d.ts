/// <reference types="vite/client" />

import type { ForkwatchApi } from '@contract';

declare global {
  interface Window {
    /** Exposed by the preload script in Electron; absent in browser mode (`--ui`). */
    forkwatch?: ForkwatchApi;
  }
}
