// Finds the Electron executable without downloading anything.
//
// `.npmrc` sets ignore-scripts, so `npm ci` installs the `electron` package without running its
// install script: no binary in node_modules/electron/dist and no path.txt naming it. Then, or
// where Electron cannot show a window, `npm start` falls back to browser mode.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * @typedef {{ found: true, path: string } | { found: false, reason: string }} ElectronBinary
 *
 * @typedef {object} ElectronProbe
 * @property {Record<string, string | undefined>} [env] environment (default process.env)
 * @property {string} [platform] default process.platform
 * @property {() => string | null} [packageDir] folder of the installed `electron` package
 * @property {(file: string) => boolean} [exists]
 * @property {(file: string) => string} [readText]
 */

/** The folder of the `electron` package that this project resolves, or null. */
export function electronPackageDir() {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * Where the Electron executable is, or why there is none. Follows what `require('electron')`
 * does (path.txt, ELECTRON_OVERRIDE_DIST_PATH) and what electron-vite honours
 * (ELECTRON_EXEC_PATH), but checks that the file exists instead of throwing.
 *
 * @param {ElectronProbe} [probe] injectable for tests
 * @returns {ElectronBinary}
 */
export function findElectronBinary(probe = {}) {
  const env = probe.env ?? process.env;
  const exists = probe.exists ?? existsSync;
  const readText = probe.readText ?? ((file) => readFileSync(file, 'utf8'));

  if (env.ELECTRON_EXEC_PATH) {
    return exists(env.ELECTRON_EXEC_PATH)
      ? { found: true, path: env.ELECTRON_EXEC_PATH }
      : { found: false, reason: `ELECTRON_EXEC_PATH ${env.ELECTRON_EXEC_PATH} does not exist` };
  }

  const dir = (probe.packageDir ?? electronPackageDir)();
  if (!dir) return { found: false, reason: 'the electron package is not installed' };

  const pathFile = path.join(dir, 'path.txt');
  if (!exists(pathFile)) return { found: false, reason: 'the Electron binary was never downloaded' };
  const relative = readText(pathFile).trim();
  if (!relative) return { found: false, reason: `${pathFile} is empty` };

  const executable = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    : path.join(dir, 'dist', relative);
  return exists(executable)
    ? { found: true, path: executable }
    : { found: false, reason: `${executable} does not exist` };
}

/**
 * Whether a window can be shown: on Linux (and the BSDs) Electron needs an X11 or Wayland
 * display; macOS and Windows always have one.
 *
 * @param {Pick<ElectronProbe, 'env' | 'platform'>} [probe]
 */
export function hasDisplay(probe = {}) {
  const env = probe.env ?? process.env;
  const platform = probe.platform ?? process.platform;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
