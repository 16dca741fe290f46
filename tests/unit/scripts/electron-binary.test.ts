import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, hasDisplay } from '../../../scripts/electron-binary.mjs';

const pkg = '/p/node_modules/electron';

function probe(files: Record<string, string>, env: Record<string, string> = {}) {
  return {
    env,
    packageDir: () => pkg,
    exists: (file: string) => file in files,
    readText: (file: string) => files[file] ?? '',
  };
}

describe('findElectronBinary', () => {
  it('finds the binary that path.txt names in dist/', () => {
    const exe = path.join(pkg, 'dist', 'electron');
    const result = findElectronBinary(probe({ [path.join(pkg, 'path.txt')]: 'electron', [exe]: '' }));
    expect(result).toEqual({ found: true, path: exe });
  });

  it('reports a package installed without its binary (ignore-scripts)', () => {
    expect(findElectronBinary(probe({}))).toEqual({
      found: false,
      reason: 'the Electron binary was never downloaded',
    });
  });

  it('reports a path.txt whose binary is gone', () => {
    const result = findElectronBinary(probe({ [path.join(pkg, 'path.txt')]: 'electron' }));
    expect(result.found).toBe(false);
  });

  it('reports a missing electron package', () => {
    expect(findElectronBinary({ env: {}, packageDir: () => null })).toEqual({
      found: false,
      reason: 'the electron package is not installed',
    });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_EXEC_PATH', () => {
    const files = { [path.join(pkg, 'path.txt')]: 'electron', '/opt/electron/electron': '', '/bin/e': '' };
    expect(findElectronBinary(probe(files, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }))).toEqual({
      found: true,
      path: '/opt/electron/electron',
    });
    expect(findElectronBinary(probe(files, { ELECTRON_EXEC_PATH: '/bin/e' }))).toEqual({ found: true, path: '/bin/e' });
    expect(findElectronBinary(probe(files, { ELECTRON_EXEC_PATH: '/bin/none' })).found).toBe(false);
  });

  it('finds nothing in this checkout unless someone installed the binary', () => {
    const result = findElectronBinary();
    expect(typeof result.found).toBe('boolean');
  });
});

describe('hasDisplay', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux only', () => {
    expect(hasDisplay({ env: {}, platform: 'linux' })).toBe(false);
    expect(hasDisplay({ env: { DISPLAY: ':99' }, platform: 'linux' })).toBe(true);
    expect(hasDisplay({ env: { WAYLAND_DISPLAY: 'wayland-0' }, platform: 'linux' })).toBe(true);
    expect(hasDisplay({ env: {}, platform: 'darwin' })).toBe(true);
  });
});
