/**
 * The desktop settings kept between runs, in <userData>/settings.json: the window's bounds and
 * the recently opened project folders. The file system is injected (tests use a fake), and
 * whatever the file holds is checked field by field: a corrupt or hand-edited file costs its
 * bad fields, never the launch.
 */
import path from 'node:path';

export const SETTINGS_FILE = 'settings.json';
export const MAX_RECENT = 10;

export interface WindowBounds {
  /** Absent: let the window manager place it. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface DesktopSettings {
  window: WindowBounds | null;
  /** Absolute folders, most recent first, no duplicates, at most MAX_RECENT. */
  recent: string[];
}

/** The synchronous fs calls the store makes (a subset of node:fs). */
export interface SettingsFs {
  readFileSync(file: string, encoding: 'utf8'): string;
  writeFileSync(file: string, data: string): void;
  renameSync(from: string, to: string): void;
  mkdirSync(dir: string, options: { recursive: true }): unknown;
}

export const MIN_WINDOW = { width: 640, height: 400 } as const;
/** Larger than any screen: a bigger saved size is nonsense. */
const MAX_WINDOW_SIDE = 100_000;

export function defaultSettings(): DesktopSettings {
  return { window: null, recent: [] };
}

/** Reads settings from JSON text; anything unreadable falls back to the defaults, field by field. */
export function parseSettings(text: string): DesktopSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return defaultSettings();
  }
  if (!isRecord(raw)) return defaultSettings();
  return { window: parseBounds(raw.window), recent: parseRecent(raw.recent) };
}

function parseBounds(value: unknown): WindowBounds | null {
  if (!isRecord(value)) return null;
  const { x, y, width, height, maximized } = value;
  if (!isSide(width) || !isSide(height)) return null;
  const bounds: WindowBounds = {
    width: Math.max(MIN_WINDOW.width, Math.round(width)),
    height: Math.max(MIN_WINDOW.height, Math.round(height)),
    maximized: maximized === true,
  };
  if (isCoordinate(x) && isCoordinate(y)) {
    bounds.x = Math.round(x);
    bounds.y = Math.round(y);
  }
  return bounds;
}

function parseRecent(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  let recent: string[] = [];
  // Oldest first, so that each addRecent moves its folder to the front: the order is kept.
  for (const entry of [...value].reverse()) {
    if (typeof entry === 'string' && entry.length > 0 && path.isAbsolute(entry)) recent = addRecent(recent, entry);
  }
  return recent;
}

/** `folder` first, without its older entry, capped at `max`. */
export function addRecent(recent: readonly string[], folder: string, max = MAX_RECENT): string[] {
  const normal = path.resolve(folder);
  return [normal, ...recent.filter((entry) => !samePath(entry, normal))].slice(0, max);
}

export function removeRecent(recent: readonly string[], folder: string): string[] {
  return recent.filter((entry) => !samePath(entry, folder));
}

/** Windows and macOS file systems are usually case-insensitive; Linux's are not. */
export function samePath(a: string, b: string, platform: string = process.platform): boolean {
  const left = path.resolve(a);
  const right = path.resolve(b);
  return platform === 'win32' || platform === 'darwin' ? left.toLowerCase() === right.toLowerCase() : left === right;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Saved bounds as they may be used now: the position is dropped (the window manager centres the
 * window) unless at least 100 x 50 px of its title area falls on one of the displays' work
 * areas, so a window last seen on an unplugged monitor comes back where it can be grabbed.
 * The size is capped to the largest work area.
 */
export function fitBounds(saved: WindowBounds, workAreas: readonly Rectangle[]): WindowBounds {
  const fitted: WindowBounds = { ...saved };
  if (workAreas.length > 0) {
    fitted.width = Math.min(fitted.width, Math.max(...workAreas.map((area) => area.width)));
    fitted.height = Math.min(fitted.height, Math.max(...workAreas.map((area) => area.height)));
  }
  if (fitted.x === undefined || fitted.y === undefined) return fitted;
  const title: Rectangle = { x: fitted.x, y: fitted.y, width: fitted.width, height: 50 };
  const visible = workAreas.some((area) => {
    const width = Math.min(title.x + title.width, area.x + area.width) - Math.max(title.x, area.x);
    const height = Math.min(title.y + title.height, area.y + area.height) - Math.max(title.y, area.y);
    return width >= 100 && height >= 50 && title.y >= area.y;
  });
  if (!visible) {
    delete fitted.x;
    delete fitted.y;
  }
  return fitted;
}

export interface SettingsStore {
  /** The settings as loaded and changed since (never null: defaults when there was no file). */
  readonly current: DesktopSettings;
  setWindow(bounds: WindowBounds): void;
  /** Moves (or adds) `folder` to the front of the recent list; returns the new list. */
  addRecent(folder: string): string[];
  removeRecent(folder: string): string[];
  clearRecent(): void;
  /** Writes the file (atomically: a temporary file, then a rename). Errors are reported, not thrown. */
  save(): void;
}

export interface SettingsStoreOptions {
  /** The folder the file lives in: app.getPath('userData'). */
  dir: string;
  fs: SettingsFs;
  maxRecent?: number;
  /** Told when the file cannot be read (other than missing) or written. */
  onError?: (message: string) => void;
}

export function openSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const { dir, fs } = options;
  const file = path.join(dir, SETTINGS_FILE);
  const max = options.maxRecent ?? MAX_RECENT;
  const report = options.onError ?? (() => {});

  let current = defaultSettings();
  try {
    current = parseSettings(fs.readFileSync(file, 'utf8'));
    current.recent = current.recent.slice(0, max);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') report(`cannot read ${file}: ${(error as Error).message}`);
  }

  return {
    get current() {
      return current;
    },
    setWindow(bounds) {
      current = { ...current, window: { ...bounds } };
    },
    addRecent(folder) {
      current = { ...current, recent: addRecent(current.recent, folder, max) };
      return current.recent;
    },
    removeRecent(folder) {
      current = { ...current, recent: removeRecent(current.recent, folder) };
      return current.recent;
    },
    clearRecent() {
      current = { ...current, recent: [] };
    },
    save() {
      const temporary = `${file}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(temporary, JSON.stringify(current, null, 2) + '\n');
        fs.renameSync(temporary, file);
      } catch (error) {
        report(`cannot write ${file}: ${(error as Error).message}`);
      }
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSide(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_WINDOW_SIDE;
}

function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_WINDOW_SIDE;
}
