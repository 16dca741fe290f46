/**
 * Which file changes restart the workers. Pure: paths in, yes/no out (no file system access;
 * the caller reads .gitignore and hands over its text).
 *
 * Patterns (defaults, --reload-include, --reload-exclude, .gitignore) all use .gitignore syntax,
 * through the `ignore` package: `*.yaml` matches at any depth, `config/*.yaml` from the project
 * root, `docs/` a whole folder, `**` any number of folders.
 *
 * A file is decided by the first rule that applies:
 *   1. inside a folder that is never watched (.git, __pycache__, .venv, venv, node_modules,
 *      tool caches), or a *.pyc / *.pyo file, or an editor lock (`.#name`): no
 *   2. inside a folder excluded by --reload-exclude or listed in .gitignore: no (such folders
 *      are not watched at all, as git would not look inside them either)
 *   3. matches --reload-exclude: no
 *   4. matches --reload-include: yes (also when .gitignore lists the file: asked for by name)
 *   5. listed in .gitignore: no, except `.env` (almost always ignored, since it holds secrets,
 *      yet it is configuration the app reads)
 *   6. matches the defaults (Python, templates, config): yes
 *   7. anything else: no
 */
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** What reloads by default: Python code, templates, configuration. */
export const DEFAULT_RELOAD_PATTERNS: readonly string[] = [
  '*.py',
  '*.html',
  '*.jinja',
  '*.jinja2',
  '*.txt',
  '*.toml',
  '*.ini',
  '*.cfg',
  '.env',
];

/** Folders never watched, wherever they are: VCS data, bytecode, virtualenvs, dependencies, caches. */
export const NEVER_WATCHED_DIRS: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  'node_modules',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
];

const NEVER_WATCHED = new Set(NEVER_WATCHED_DIRS);
/** Bytecode, and emacs' lock symlinks (`.#app.py`, created as soon as a buffer is modified). */
const NEVER_RELOADS_FILE = /(?:\.py[co]$)|(?:^\.#)/;

export interface ReloadMatcherOptions {
  /** Absolute paths given to the matcher are made relative to this folder. */
  projectDir: string;
  /** --reload-include globs (.gitignore syntax): reload on these too. */
  include?: readonly string[];
  /** --reload-exclude globs (.gitignore syntax): never reload on these; excluded folders are not watched. */
  exclude?: readonly string[];
  /** The project's .gitignore text, if it has one. */
  gitignoreText?: string;
}

export interface ReloadMatcher {
  /** Does a change to this file (relative to the project, or absolute inside it) reload? */
  (filePath: string): boolean;
  /** Should the watcher descend into this folder at all? (false prunes the whole subtree) */
  watchesDir(dirPath: string): boolean;
}

export function createReloadMatcher(options: ReloadMatcherOptions): ReloadMatcher {
  const projectDir = path.resolve(options.projectDir);
  const include = patterns(options.include);
  const exclude = patterns(options.exclude);
  const gitignore = ignore().add(options.gitignoreText ?? '');
  const defaults = ignore().add([...DEFAULT_RELOAD_PATTERNS]);
  const dirCache = new Map<string, boolean>();

  /** Project-relative, '/'-separated, no leading './'; null when outside the project. */
  const relative = (filePath: string): string | null => {
    let rel = path.isAbsolute(filePath) ? path.relative(projectDir, filePath) : filePath;
    rel = rel.split(path.sep).join('/').replace(/\/+/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/$/, '');
    if (rel === '' || rel === '.' || rel === '..' || rel.startsWith('../') || path.posix.isAbsolute(rel)) return null;
    return rel;
  };

  /** Folder test on a normalized relative folder path (cached: the watcher asks per folder). */
  const dirWatched = (rel: string): boolean => {
    const cached = dirCache.get(rel);
    if (cached !== undefined) return cached;
    const segments = rel.split('/');
    let watched: boolean;
    if (segments.some((segment) => NEVER_WATCHED.has(segment) || segment === '..')) watched = false;
    else {
      const parent = segments.length > 1 ? segments.slice(0, -1).join('/') : null;
      const asDir = `${rel}/`;
      watched = (parent === null || dirWatched(parent)) && !exclude.ignores(asDir) && !gitignore.ignores(asDir);
    }
    dirCache.set(rel, watched);
    return watched;
  };

  const matcher = ((filePath: string): boolean => {
    const rel = relative(filePath);
    if (rel === null) return false;
    const slash = rel.lastIndexOf('/');
    const base = rel.slice(slash + 1);
    if (NEVER_RELOADS_FILE.test(base) || NEVER_WATCHED.has(base)) return false;
    if (slash !== -1 && !dirWatched(rel.slice(0, slash))) return false;
    if (exclude.ignores(rel)) return false;
    if (include.ignores(rel)) return true;
    if (base !== '.env' && gitignore.ignores(rel)) return false;
    return defaults.ignores(rel);
  }) as ReloadMatcher;

  matcher.watchesDir = (dirPath: string): boolean => {
    const rel = relative(dirPath);
    return rel === null ? path.resolve(projectDir, dirPath) === projectDir : dirWatched(rel);
  };
  return matcher;
}

function patterns(list: readonly string[] | undefined): Ignore {
  return ignore().add((list ?? []).map((pattern) => pattern.trim()).filter(Boolean));
}
