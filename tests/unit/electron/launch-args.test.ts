import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../../src-main/electron/launch-args';

const dev = { cwd: '/home/me', defaultApp: true };
const packaged = { cwd: '/home/me', defaultApp: false };

describe('parseLaunchArgs', () => {
  it('takes the folder after the app path in development (`electron <repo> FOLDER`)', () => {
    expect(parseLaunchArgs(['/repo/node_modules/electron/dist/electron', '/repo', '/p/site'], dev)).toEqual({
      folder: '/p/site',
      serveOptions: [],
    });
  });

  it('takes the first argument when packaged, resolved against the working directory', () => {
    expect(parseLaunchArgs(['/opt/Forkwatch/forkwatch', 'projects/blog'], packaged).folder).toBe('/home/me/projects/blog');
  });

  it('gives no folder when none is given', () => {
    expect(parseLaunchArgs(['/opt/Forkwatch/forkwatch'], packaged)).toEqual({ folder: null, serveOptions: [] });
    expect(parseLaunchArgs(['electron', '/repo'], dev)).toEqual({ folder: null, serveOptions: [] });
  });

  it('skips Chromium switches, before and after the app path (start.mjs adds --no-sandbox as root)', () => {
    expect(parseLaunchArgs(['electron', '--no-sandbox', '/repo', '--enable-logging', '/p/site'], dev).folder).toBe('/p/site');
  });

  it('keeps forkwatch serve options, with their values, and drops the rest', () => {
    const argv = ['electron', '/repo', '/p/site', '--workers', '4', '--bind=127.0.0.1:9000', '--no-capture', '--inspect=9229', '-w', '3'];
    expect(parseLaunchArgs(argv, dev)).toEqual({
      folder: '/p/site',
      serveOptions: ['--workers', '4', '--bind=127.0.0.1:9000', '--no-capture', '-w', '3'],
    });
  });

  it('keeps the capture and reload options, repeatable ones too', () => {
    const argv = ['forkwatch', 'site', '--reload', '--reload-include', '*.txt', '--reload-exclude=media/', '--reload-include', '*.cfg', '--capture-body-limit', '0'];
    expect(parseLaunchArgs(argv, packaged).serveOptions).toEqual(argv.slice(2));
  });

  it("does not take a serve option's value for the folder", () => {
    expect(parseLaunchArgs(['forkwatch', '--app', 'web:app', 'site'], packaged)).toEqual({
      folder: '/home/me/site',
      serveOptions: ['--app', 'web:app'],
    });
  });

  it("reads a second instance's argv, which Chromium extends with switches of its own", () => {
    // What 'second-instance' gives on Windows/Linux: the switches may come before the arguments.
    const argv = ['/opt/Forkwatch/forkwatch', '--allow-file-access-from-files', '--original-process-start-time=13345', 'other'];
    expect(parseLaunchArgs(argv, { cwd: '/srv', defaultApp: false })).toEqual({ folder: '/srv/other', serveOptions: [] });
  });

  it("ignores macOS's -psn_ argument and a bare --", () => {
    expect(parseLaunchArgs(['/Applications/Forkwatch.app/Contents/MacOS/Forkwatch', '-psn_0_12345', '--', '/p/a'], packaged).folder).toBe('/p/a');
  });

  it('takes the first folder only', () => {
    expect(parseLaunchArgs(['forkwatch', '/p/a', '/p/b'], packaged).folder).toBe('/p/a');
  });
});
