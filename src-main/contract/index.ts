/**
 * The typed contract shared by the main process, the preload script and the renderer.
 *
 * Everything here must be environment-neutral: no Node or DOM APIs, so it typechecks under
 * both tsconfig.node.json and tsconfig.web.json. Import it as `@contract`.
 */
export * from './exchange';
export * from './inspector';

/** The name under which the preload script exposes the API on `window`. */
export const BRIDGE_KEY = 'forkwatch';

/** The API the preload script exposes to the renderer as `window.forkwatch`: see bridge.ts. */
export type { DesktopApi, ForkwatchApi } from './bridge';
