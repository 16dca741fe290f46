/**
 * `createReloader`: watches the project folder and asks the arbiter for a reload when a file
 * that matters changes. The arbiter boots the new generation next to the old one and switches
 * over once it imported the app; a failed import is reported by the arbiter's reload-failed
 * event while the old generation keeps serving, so nothing here waits on the outcome.
 *
 * Latency is the point (edit, save, reload the browser): chokidar with native inotify watches
 * (no polling, no awaitWriteFinish, no `atomic` 100 ms hold on unlinks), and every raw inotify
 * event counts too. chokidar drops a second `change` of the same file within 50 ms; a formatter
 * rewriting the file right after the editor's save would otherwise leave the first version
 * running. The debouncer then waits for a short silence so a save (or a checkout) is one reload.
 */
import { existsSync, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { createDebouncer, DEFAULT_BULK_QUIET_MS, DEFAULT_BULK_THRESHOLD, DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS, type Scheduler } from './debounce';
import { createReloadMatcher, type ReloadMatcher } from './matcher';

/** What the reloader needs from the arbiter (structural, so tests can pass a stand-in). */
export interface Reloadable {
  reload(changedFiles: string[]): void;
}

/** How long after a raw event chokidar's event for the same path counts as its echo. */
const ECHO_WINDOW_MS = 2000;

export interface ReloaderOptions {
  projectDir: string;
  arbiter: Reloadable;
  /** --reload-include globs (.gitignore syntax). */
  include?: readonly string[];
  /** --reload-exclude globs (.gitignore syntax). */
  exclude?: readonly string[];
  /** Called with the project-relative changed files just before the reload is asked for. */
  onChange?: (changedFiles: string[]) => void;
  /** The watcher's own trouble (e.g. the inotify watch limit); watching goes on where it can. */
  onError?: (error: Error) => void;
  /** Silence after the last event before reloading (default 10 ms). */
  quietMs?: number;
  /** Silence that ends a batch of 5 files or more (a checkout, not a save; default 150 ms). */
  bulkQuietMs?: number;
  /** Longest wait after the first event of a burst that never pauses (default 2000 ms). */
  maxWaitMs?: number;
  scheduler?: Scheduler;
}

export interface Reloader {
  /** Resolves once the initial scan is done: changes from then on are seen. */
  readonly ready: Promise<void>;
  readonly matcher: ReloadMatcher;
  /** Project-relative folders being watched, sorted (for diagnostics and tests). */
  watchedDirs(): string[];
  close(): Promise<void>;
}

export function createReloader(options: ReloaderOptions): Reloader {
  const projectDir = path.resolve(options.projectDir);
  const matcher = createReloadMatcher({
    projectDir,
    include: options.include,
    exclude: options.exclude,
    gitignoreText: readText(path.join(projectDir, '.gitignore')),
  });
  const relative = (absolute: string) => path.relative(projectDir, absolute).split(path.sep).join('/');
  let closed = false;

  const debouncer = createDebouncer<string>({
    quietMs: options.quietMs ?? DEFAULT_QUIET_MS,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    bulkThreshold: DEFAULT_BULK_THRESHOLD,
    bulkQuietMs: options.bulkQuietMs ?? DEFAULT_BULK_QUIET_MS,
    scheduler: options.scheduler,
    onFlush: (changedFiles) => {
      if (closed) return;
      try {
        options.onChange?.(changedFiles);
      } finally {
        options.arbiter.reload(changedFiles);
      }
    },
  });

  // A folder holding pyvenv.cfg is a virtualenv, whatever its name (env/, .env3/, py312/):
  // thousands of .py files that change only when pip runs.
  const virtualenvs = new Set<string>();
  const isVirtualenv = (dir: string) => {
    if (virtualenvs.has(dir)) return true;
    // Not cached when absent: `python -m venv` may be about to write it.
    if (!existsSync(path.join(dir, 'pyvenv.cfg'))) return false;
    virtualenvs.add(dir);
    return true;
  };
  const inVirtualenv = (absolute: string) => {
    if (!virtualenvs.size) return false;
    for (let dir = path.dirname(absolute); dir.length > projectDir.length; dir = path.dirname(dir)) {
      if (virtualenvs.has(dir)) return true;
    }
    return false;
  };

  const ignored = (absolute: string, stats?: Stats): boolean => {
    if (absolute === projectDir) return false;
    const parent = path.dirname(absolute);
    // Without stats chokidar is only asking in passing: prune by the folder it is in.
    if (parent !== projectDir && (!matcher.watchesDir(parent) || inVirtualenv(absolute))) return true;
    if (!stats) return false;
    if (stats.isDirectory()) return !matcher.watchesDir(absolute) || isVirtualenv(absolute);
    if (stats.isSymbolicLink()) return !matcher(absolute) && !matcher.watchesDir(absolute);
    // pyvenv.cfg is tracked so that a virtualenv created in the project is seen (then dropped).
    if (path.basename(absolute) === 'pyvenv.cfg') return false;
    // Files that can never reload get no watch of their own (inotify watches are a limited
    // resource); their folder's watch still reports them if they are renamed into a match.
    return !matcher(absolute);
  };

  /** When each path last had a raw event (to tell chokidar's echoes of it from news). */
  const seenRaw = new Map<string, number>();
  let nextPruneAt = 0;
  const pruneSeenRaw = () => {
    const now = performance.now();
    if (now < nextPruneAt) return;
    nextPruneAt = now + ECHO_WINDOW_MS;
    for (const [file, at] of seenRaw) if (now - at >= ECHO_WINDOW_MS) seenRaw.delete(file);
  };

  const consider = (absolute: string) => {
    pruneSeenRaw();
    if (closed) return;
    if (path.basename(absolute) === 'pyvenv.cfg') {
      // `python -m venv X` inside the project: stop watching X before pip fills it.
      const dir = path.dirname(absolute);
      if (dir !== projectDir && !virtualenvs.has(dir) && existsSync(absolute)) {
        virtualenvs.add(dir);
        const inside = Object.keys(watcher.getWatched()).filter((watched) => watched.startsWith(dir + path.sep));
        watcher.unwatch([dir, ...inside]);
      }
      return;
    }
    if (matcher(absolute) && !inVirtualenv(absolute)) debouncer.push(relative(absolute));
  };

  const watcher: FSWatcher = watch(projectDir, {
    ignoreInitial: true,
    usePolling: false,
    awaitWriteFinish: false,
    atomic: false,
    ignored,
  });
  // Raw events: every inotify event of every watched folder, at once and unthrottled.
  watcher.on('raw', (_event, name, details) => {
    const watchedPath = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (!watchedPath || !name) return;
    // A folder's watch names a child; a file's own watch names the file itself.
    const folder = path.resolve(projectDir, watchedPath);
    const absolute = path.basename(folder) === name ? folder : path.join(folder, name);
    seenRaw.set(absolute, performance.now());
    consider(absolute);
  });
  // chokidar's own events only add what raw events cannot see: files that were already in a
  // folder when it appeared (a checkout, a copied or moved-in package) and files of a folder
  // moved away. The rest repeat raw events, some (after a readdir) tens of ms late: skipped,
  // or a 500-file checkout would come out as several reloads.
  watcher.on('all', (event, changed) => {
    if (event !== 'add' && event !== 'change' && event !== 'unlink') return;
    const absolute = path.resolve(projectDir, changed);
    const rawAt = seenRaw.get(absolute);
    if (rawAt !== undefined && performance.now() - rawAt < ECHO_WINDOW_MS) return;
    consider(absolute);
  });
  watcher.on('error', (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    matcher,
    watchedDirs() {
      const watched = watcher.getWatched();
      return Object.keys(watched)
        .map((dir) => path.resolve(projectDir, dir))
        .filter((dir) => dir === projectDir || dir.startsWith(projectDir + path.sep))
        .map((dir) => relative(dir) || '.')
        .sort();
    },
    async close() {
      closed = true;
      debouncer.cancel();
      await watcher.close();
    },
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
