import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addRecent,
  fitBounds,
  MAX_RECENT,
  openSettingsStore,
  parseSettings,
  SETTINGS_FILE,
  type SettingsFs,
} from '../../../src-main/electron/settings-store';

/** An in-memory file system with the calls the store makes. */
function memoryFs(files: Record<string, string> = {}) {
  const writes: string[] = [];
  const fs: SettingsFs & { files: Record<string, string>; writes: string[] } = {
    files,
    writes,
    readFileSync(file) {
      if (!(file in files)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return files[file];
    },
    writeFileSync(file, data) {
      writes.push(file);
      files[file] = data;
    },
    renameSync(from, to) {
      files[to] = files[from];
      delete files[from];
    },
    mkdirSync: () => undefined,
  };
  return fs;
}

const dir = '/home/me/.config/forkwatch';
const file = path.join(dir, SETTINGS_FILE);

describe('parseSettings', () => {
  it('reads window bounds and the recent list', () => {
    const text = JSON.stringify({ window: { x: 10, y: 20, width: 1000, height: 700, maximized: true }, recent: ['/p/a', '/p/b'] });
    expect(parseSettings(text)).toEqual({ window: { x: 10, y: 20, width: 1000, height: 700, maximized: true }, recent: ['/p/a', '/p/b'] });
  });

  it('tolerates corrupt JSON and wrong shapes', () => {
    const empty = { window: null, recent: [] };
    expect(parseSettings('{"window": {"x": 1, ')).toEqual(empty);
    expect(parseSettings('')).toEqual(empty);
    expect(parseSettings('null')).toEqual(empty);
    expect(parseSettings('[1,2]')).toEqual(empty);
    expect(parseSettings('{"window": "big", "recent": "/p/a"}')).toEqual(empty);
  });

  it('keeps the good fields of a half-bad file', () => {
    const text = JSON.stringify({ window: { width: 'wide', height: 700 }, recent: ['/p/a', 42, '', 'relative/path', null, '/p/b'] });
    expect(parseSettings(text)).toEqual({ window: null, recent: ['/p/a', '/p/b'] });
  });

  it('drops a position that is not a number, keeps the size, enforces the minimum size', () => {
    const text = JSON.stringify({ window: { x: 'left', y: 5, width: 100, height: 100 } });
    expect(parseSettings(text).window).toEqual({ width: 640, height: 400, maximized: false });
  });

  it('drops a size no screen has', () => {
    expect(parseSettings(JSON.stringify({ window: { width: 800, height: 1e9 } })).window).toBeNull();
    expect(parseSettings(JSON.stringify({ window: { width: -5, height: 600 } })).window).toBeNull();
  });

  it('dedupes and caps the recent list, keeping its order', () => {
    const recent = ['/p/a', '/p/b', '/p/a/', '/p/c', ...Array.from({ length: 20 }, (_, i) => `/q/${i}`)];
    const parsed = parseSettings(JSON.stringify({ recent })).recent;
    expect(parsed.slice(0, 3)).toEqual(['/p/a', '/p/b', '/p/c']);
    expect(parsed).toHaveLength(MAX_RECENT);
  });
});

describe('addRecent', () => {
  it('puts the folder first, once, normalised, capped', () => {
    expect(addRecent(['/p/a', '/p/b'], '/p/b/')).toEqual(['/p/b', '/p/a']);
    expect(addRecent(['/p/a', '/p/b', '/p/c'], '/p/d', 3)).toEqual(['/p/d', '/p/a', '/p/b']);
    expect(addRecent([], '/p/x/../y')).toEqual(['/p/y']);
  });
});

describe('openSettingsStore', () => {
  it('starts from the defaults without a file, and says nothing', () => {
    const errors: string[] = [];
    const store = openSettingsStore({ dir, fs: memoryFs(), onError: (message) => errors.push(message) });
    expect(store.current).toEqual({ window: null, recent: [] });
    expect(errors).toEqual([]);
  });

  it('starts from the defaults with a corrupt file, and saving replaces it', () => {
    const fs = memoryFs({ [file]: '{"recent": ["/p/a"' });
    const store = openSettingsStore({ dir, fs });
    expect(store.current.recent).toEqual([]);
    store.addRecent('/p/new');
    store.save();
    expect(JSON.parse(fs.files[file])).toEqual({ window: null, recent: ['/p/new'] });
  });

  it('round-trips window bounds and recent projects through the file', () => {
    const fs = memoryFs();
    const store = openSettingsStore({ dir, fs });
    store.setWindow({ x: 5, y: 6, width: 900, height: 600, maximized: false });
    store.addRecent('/p/a');
    store.addRecent('/p/b');
    store.addRecent('/p/a');
    store.save();
    const again = openSettingsStore({ dir, fs });
    expect(again.current).toEqual({ window: { x: 5, y: 6, width: 900, height: 600, maximized: false }, recent: ['/p/a', '/p/b'] });
  });

  it('writes through a temporary file and a rename (never a half-written settings.json)', () => {
    const fs = memoryFs();
    openSettingsStore({ dir, fs }).save();
    expect(fs.writes).toEqual([`${file}.tmp`]);
    expect(Object.keys(fs.files)).toEqual([file]);
  });

  it('caps the recent list at maxRecent, removes and clears', () => {
    const store = openSettingsStore({ dir, fs: memoryFs(), maxRecent: 2 });
    store.addRecent('/p/a');
    store.addRecent('/p/b');
    expect(store.addRecent('/p/c')).toEqual(['/p/c', '/p/b']);
    expect(store.removeRecent('/p/b')).toEqual(['/p/c']);
    store.clearRecent();
    expect(store.current.recent).toEqual([]);
  });

  it('reports an unwritable or unreadable file instead of throwing', () => {
    const errors: string[] = [];
    const fs = memoryFs();
    fs.readFileSync = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    fs.writeFileSync = () => {
      throw new Error('ENOSPC');
    };
    const store = openSettingsStore({ dir, fs, onError: (message) => errors.push(message) });
    store.save();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/cannot read/);
    expect(errors[1]).toMatch(/cannot write.*ENOSPC/);
  });
});

describe('fitBounds', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 875 };
  const external = { x: 1440, y: 0, width: 2560, height: 1415 };

  it('keeps a window that is on a display', () => {
    const saved = { x: 1500, y: 100, width: 1280, height: 800, maximized: false };
    expect(fitBounds(saved, [laptop, external])).toEqual(saved);
  });

  it('drops the position of a window last seen on a display that is gone', () => {
    const saved = { x: 1500, y: 100, width: 1280, height: 800, maximized: false };
    expect(fitBounds(saved, [laptop])).toEqual({ width: 1280, height: 800, maximized: false });
  });

  it('drops the position when the title bar is above the work area (cannot be grabbed)', () => {
    expect(fitBounds({ x: 100, y: -300, width: 800, height: 600, maximized: false }, [laptop]).x).toBeUndefined();
  });

  it('shrinks a window larger than every display', () => {
    expect(fitBounds({ width: 4000, height: 3000, maximized: false }, [laptop, external])).toEqual({
      width: 2560,
      height: 1415,
      maximized: false,
    });
  });
});
