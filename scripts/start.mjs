// `npm start [-- FOLDER [serve options]]`: builds the app, then opens the Forkwatch window on
// FOLDER (default: resources/examples/hello). Without an Electron binary or a display, it says
// so in one line and serves the same UI in the browser instead: `forkwatch serve FOLDER --ui`,
// which prints the inspector's URL (`Inspector: http://127.0.0.1:PORT/?token=...`).
//
// Never downloads Electron: the project installs with ignore-scripts (see .npmrc).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay } from './electron-binary.mjs';
import { planLaunch } from './launch-plan.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a command with the terminal, forwarding SIGINT/SIGTERM to it, and resolves with the
 * exit code this process should use (128 + signal number when the child died of a signal).
 * On Ctrl-C the terminal signals the whole process group, so the child may get SIGINT twice.
 *
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<number>}
 */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    /** @param {NodeJS.Signals} signal */
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (/** @type {number} */ code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`start: cannot run ${command}: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => {
      done(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

const electronVite = path.join(
  path.dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')),
  'bin/electron-vite.js',
);
let code = await run(process.execPath, [electronVite, 'build']);
if (code !== 0) process.exit(code);

const plan = planLaunch({
  args: process.argv.slice(2),
  electron: findElectronBinary(),
  display: hasDisplay(),
  root,
  // npm runs scripts from the package root; INIT_CWD is where the user typed `npm start`.
  cwd: process.env.INIT_CWD ?? process.cwd(),
  node: process.execPath,
  platform: process.platform,
  isRoot: process.getuid?.() === 0,
});
if (plan.mode === 'browser') process.stdout.write(plan.notice + '\n');
code = await run(plan.command, plan.args);
process.exit(code);
