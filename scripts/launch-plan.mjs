// What `npm start [-- FOLDER [serve options]]` runs: the Electron app, or, where no Electron
// binary or no display can be had, the same UI in the browser (`forkwatch serve FOLDER --ui --reload`: the desktop app reloads on changes by default).
// Pure: the facts in, the command out (scripts/start.mjs gathers the facts and runs it).

import path from 'node:path';

/** The project opened when none is given: in the browser here; the desktop app picks its own. */
export const EXAMPLE_PROJECT = 'resources/examples/hello';

/**
 * @typedef {import('./electron-binary.mjs').ElectronBinary} ElectronBinary
 *
 * @typedef {object} LaunchFacts
 * @property {string[]} args what followed `npm start --`
 * @property {ElectronBinary} electron
 * @property {boolean} display whether a window can be shown (hasDisplay)
 * @property {string} root the repository
 * @property {string} cwd where the user typed `npm start` (INIT_CWD)
 * @property {string} node this Node's executable
 * @property {string} platform
 * @property {boolean} isRoot running as root (uid 0)
 *
 * @typedef {{ mode: 'electron', command: string, args: string[] }
 *   | { mode: 'browser', notice: string, command: string, args: string[] }} LaunchPlan
 */

/**
 * @param {LaunchFacts} facts
 * @returns {LaunchPlan}
 */
export function planLaunch(facts) {
  const args = [...facts.args];
  const folder = args[0] !== undefined && !args[0].startsWith('-') ? path.resolve(facts.cwd, /** @type {string} */ (args.shift())) : null;

  if (facts.electron.found && facts.display) {
    // The repository is the app: package.json "main" is the built out/main/index.js. Without a
    // folder the app opens the example, and a second launch without one only focuses the first.
    const flags = [];
    // Chromium refuses to run as root with its OS sandbox on (containers, CI).
    if (facts.platform === 'linux' && facts.isRoot) flags.push('--no-sandbox');
    return { mode: 'electron', command: facts.electron.path, args: [...flags, facts.root, ...(folder ? [folder] : []), ...args] };
  }

  const notice = facts.electron.found
    ? 'Electron cannot open a window here (no display): falling back to browser mode.'
    : `Electron binary is not available (${facts.electron.reason}): falling back to browser mode.`;
  return {
    mode: 'browser',
    notice,
    command: facts.node,
    args: [path.join(facts.root, 'bin/forkwatch.cjs'), 'serve', folder ?? path.join(facts.root, EXAMPLE_PROJECT), '--ui', '--reload', ...args],
  };
}
