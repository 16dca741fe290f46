/**
 * What the app was launched with: `forkwatch-desktop [FOLDER] [serve options]`, from the first
 * launch's process.argv or a second instance's argv. Pure: argv in, folder and options out.
 *
 * The argv carries more than ours: the executable, in development the app path
 * (`electron . FOLDER`: process.defaultApp), and Chromium's own switches (--no-sandbox, and
 * those Chromium adds to a second instance's command line, such as
 * --allow-file-access-from-files or --original-process-start-time=...). Only the `forkwatch
 * serve` options listed here are kept; any other switch is Chromium's and is skipped.
 */
import path from 'node:path';

/** `forkwatch serve` options that take a value, and the flags that take none. */
const VALUE_OPTIONS = new Set([
  '--app',
  '--workers',
  '-w',
  '--bind',
  '-b',
  '--timeout',
  '-t',
  '--graceful-timeout',
  '--max-requests',
  '--max-requests-jitter',
  '--backlog',
  '--python',
  '--root-path',
  '--limit-request-line',
  '--limit-request-fields',
  '--limit-request-field-size',
  '--limit-request-body',
  '--capture-max-exchanges',
  '--capture-max-bytes',
  '--capture-body-limit',
  '--reload-include',
  '--reload-exclude',
  '--reload-errors',
]);
const FLAG_OPTIONS = new Set(['--no-capture', '--no-access-log', '--no-busy-poll', '--reload']);

export interface LaunchArgs {
  /** Absolute project folder, or null when none was given. */
  folder: string | null;
  /** `forkwatch serve` options, to hand to parseServeArgs. */
  serveOptions: string[];
}

export interface LaunchContext {
  /** Where relative folders resolve: the launching shell's working directory. */
  cwd: string;
  /** True when run as `electron <app path> ...` (process.defaultApp), false when packaged. */
  defaultApp: boolean;
}

export function parseLaunchArgs(argv: readonly string[], context: LaunchContext): LaunchArgs {
  const rest = argv.slice(1);
  if (context.defaultApp) {
    // `electron [switches] <app path> ...`: the app path is the first non-switch.
    const appIndex = rest.findIndex((arg) => !arg.startsWith('-'));
    if (appIndex >= 0) rest.splice(appIndex, 1);
  }
  let folder: string | null = null;
  const serveOptions: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') continue;
    if (!arg.startsWith('-')) {
      folder ??= path.resolve(context.cwd, arg);
      continue;
    }
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (FLAG_OPTIONS.has(name)) serveOptions.push(arg);
    else if (VALUE_OPTIONS.has(name)) {
      if (arg.includes('=')) serveOptions.push(arg);
      else if (i + 1 < rest.length) serveOptions.push(arg, rest[++i]);
    }
    // Anything else is a Chromium/Electron switch (or macOS's -psn_...): not ours.
  }
  return { folder, serveOptions };
}
