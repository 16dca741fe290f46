/** The file-watching reloader: `--reload` on the CLI, on by default in the desktop app. */
export { createReloader, type Reloader, type ReloaderOptions, type Reloadable } from './reloader';
export { createReloadMatcher, DEFAULT_RELOAD_PATTERNS, NEVER_WATCHED_DIRS, type ReloadMatcher, type ReloadMatcherOptions } from './matcher';
export { createDebouncer, DEFAULT_BULK_QUIET_MS, DEFAULT_BULK_THRESHOLD, DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS, type Debouncer, type DebouncerOptions, type Scheduler } from './debounce';
export { describeChanges } from './describe';
