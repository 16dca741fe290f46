/**
 * createReloader on a real temp folder with a stand-in arbiter that records reload() calls.
 * Absence of a reload is shown by ordering, not by sleeping: the ignored writes happen first,
 * then a marker file is saved, and the next batch must hold the marker alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createReloader, type Reloader } from '../../../../src-main/gateway/reload';

const open: Reloader[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((reloader) => reloader.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-reloader-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return dir;
}

function write(dir: string, name: string, text = 'x = 1\n'): void {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), text);
}

async function watch(dir: string, options: { include?: string[]; exclude?: string[] } = {}) {
  const batches: string[][] = [];
  const changes: string[][] = [];
  const waiters: (() => void)[] = [];
  const reloader = createReloader({
    projectDir: dir,
    ...options,
    arbiter: {
      reload: (files) => {
        batches.push(files);
        for (const wake of waiters.splice(0)) wake();
      },
    },
    onChange: (files) => changes.push([...files]),
  });
  open.push(reloader);
  await reloader.ready;
  /** Resolves with the batch number `n` (1-based) once it came. */
  const batch = async (n: number, timeoutMs = 5000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (batches.length < n) {
      if (Date.now() > deadline) throw new Error(`no reload #${n}; batches so far: ${JSON.stringify(batches)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return batches[n - 1];
  };
  return { reloader, batches, changes, batch };
}

describe('createReloader', () => {
  it('reloads with the saved file, after telling onChange', async () => {
    const dir = project({ 'app.py': 'v = 1\n' });
    const { batch, changes } = await watch(dir);
    write(dir, 'app.py', 'v = 2\n');
    expect(await batch(1)).toEqual(['app.py']);
    expect(changes).toEqual([['app.py']]);
  });

  it('sees nothing it should ignore (ignored folders, .gitignore, virtualenvs, other file kinds)', async () => {
    const dir = project({
      'app.py': '',
      '.gitignore': 'build/\n*.generated.py\n',
      'build/out.py': '',
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/site.py': '',
      '.git/hooks/x.py': '',
      'node_modules/pkg/x.py': '',
      '__pycache__/app.cpython-313.pyc': '',
    });
    const { reloader, batch } = await watch(dir);
    expect(reloader.watchedDirs()).toEqual(['.']);
    write(dir, 'build/out.py', 'changed');
    write(dir, 'schema.generated.py', 'new');
    write(dir, 'env/lib/site.py', 'changed');
    write(dir, '.git/hooks/x.py', 'changed');
    write(dir, '__pycache__/app.cpython-313.pyc', 'changed');
    write(dir, 'README.md', 'new');
    write(dir, 'static/app.js', 'new');
    write(dir, 'marker.py');
    const first = await batch(1);
    expect(first).toContain('marker.py');
    expect(first.filter((file) => file !== 'static' && file !== 'marker.py')).toEqual([]);
  });

  it('includes and excludes per --reload-include / --reload-exclude', async () => {
    const dir = project({ 'app.py': '', 'tests/test_app.py': '' });
    const { batch } = await watch(dir, { include: ['*.yaml'], exclude: ['tests/'] });
    write(dir, 'tests/test_app.py', 'changed');
    write(dir, 'config.yaml', 'new: 1\n');
    expect(await batch(1)).toEqual(['config.yaml']);
  });

  it("folds an editor's atomic save (temp file renamed over the original) into one reload", async () => {
    const dir = project({ 'app.py': 'v = 1\n' });
    const { batch, batches } = await watch(dir);
    writeFileSync(path.join(dir, '.app.py.tmp'), 'v = 2\n');
    renameSync(path.join(dir, '.app.py.tmp'), path.join(dir, 'app.py'));
    expect(await batch(1)).toEqual(['app.py']);
    write(dir, 'marker.py');
    expect(await batch(2)).toEqual(['marker.py']);
    expect(batches).toHaveLength(2);
  });

  it('does not lose a second save that follows the first within chokidar\'s 50 ms throttle', async () => {
    const dir = project({ 'app.py': 'v = 1\n' });
    const { batch } = await watch(dir);
    write(dir, 'app.py', 'v = 2\n');
    await batch(1);
    write(dir, 'app.py', 'v = 3\n'); // right after the first reload went out
    expect(await batch(2)).toEqual(['app.py']);
  });

  it('turns 500 files written at once into exactly one reload listing each once', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `pkg/mod_${i}.py`);
    const dir = project(Object.fromEntries(names.map((name) => [name, 'x = 0\n'])));
    const { batch, batches } = await watch(dir);
    for (const name of names) write(dir, name, 'x = 1\n');
    const first = await batch(1);
    expect(first).toHaveLength(500);
    expect(new Set(first)).toEqual(new Set(names));
    // Late echoes of those 500 events would come before (or with) the marker's batch.
    write(dir, 'marker.py');
    expect(await batch(2)).toEqual(['marker.py']);
    expect(batches).toHaveLength(2);
  });

  it('sees files of a folder that appears with its content already inside (checkout, move-in)', async () => {
    const dir = project({ 'app.py': '' });
    const outside = mkdtempSync(path.join(tmpdir(), 'fw-reloader-out-'));
    dirs.push(outside);
    write(outside, 'pkg/sub/a.py');
    write(outside, 'pkg/sub/b.html');
    const { batch } = await watch(dir);
    renameSync(path.join(outside, 'pkg'), path.join(dir, 'pkg'));
    const seen = new Set<string>();
    for (let n = 1; !(seen.has('pkg/sub/a.py') && seen.has('pkg/sub/b.html')); n++) for (const file of await batch(n)) seen.add(file);
    expect([...seen].sort()).toEqual(['pkg/sub/a.py', 'pkg/sub/b.html']);
  });

  it('reloads when a module is deleted', async () => {
    const dir = project({ 'app.py': '', 'helpers.py': '' });
    const { batch } = await watch(dir);
    rmSync(path.join(dir, 'helpers.py'));
    expect(await batch(1)).toEqual(['helpers.py']);
  });

  it('stops watching a virtualenv created inside the project', async () => {
    const dir = project({ 'app.py': '' });
    const { batch } = await watch(dir);
    write(dir, 'myenv/pyvenv.cfg', 'home = /usr/bin\n');
    // Until the reloader has seen pyvenv.cfg, files written there would count: wait for that by
    // a marker first, then fill the virtualenv.
    write(dir, 'marker1.py');
    expect(await batch(1)).toEqual(['marker1.py']);
    for (let i = 0; i < 20; i++) write(dir, `myenv/lib/python3/site-packages/m${i}.py`);
    write(dir, 'marker2.py');
    expect(await batch(2)).toEqual(['marker2.py']);
  });

  it('close() stops the watch', async () => {
    const dir = project({ 'app.py': '' });
    const { reloader, batches } = await watch(dir);
    write(dir, 'app.py', 'v = 2\n');
    await reloader.close();
    write(dir, 'app.py', 'v = 3\n');
    expect(batches).toEqual([]);
  });
});
