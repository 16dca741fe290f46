import { describe, expect, it } from 'vitest';
import { appPaths, unpackedPath } from '../../../src-main/electron/app-paths';

describe('appPaths', () => {
  it('finds the preload, the renderer and the example beside out/main in a checkout', () => {
    expect(appPaths({ mainDir: '/repo/out/main', appPath: '/repo' })).toEqual({
      preload: '/repo/out/preload/index.cjs',
      rendererFile: '/repo/out/renderer/index.html',
      exampleProject: '/repo/resources/examples/hello',
    });
  });

  it('takes the example from app.asar.unpacked when packaged (Python cannot read inside an asar)', () => {
    const paths = appPaths({ mainDir: '/opt/Forkwatch/resources/app.asar/out/main', appPath: '/opt/Forkwatch/resources/app.asar' });
    expect(paths.rendererFile).toBe('/opt/Forkwatch/resources/app.asar/out/renderer/index.html');
    expect(paths.exampleProject).toBe('/opt/Forkwatch/resources/app.asar.unpacked/resources/examples/hello');
  });
});

describe('unpackedPath', () => {
  it('rewrites the app.asar segment only', () => {
    expect(unpackedPath('/x/resources/app.asar/resources/python/w.py')).toBe('/x/resources/app.asar.unpacked/resources/python/w.py');
    expect(unpackedPath('C:\\F\\resources\\app.asar\\resources')).toBe('C:\\F\\resources\\app.asar.unpacked\\resources');
    expect(unpackedPath('/repo/resources/python/w.py')).toBe('/repo/resources/python/w.py');
    expect(unpackedPath('/x/my-app.asarx/y')).toBe('/x/my-app.asarx/y');
  });
});
