/**
 * Where the built app's pieces are, in development (`electron <repo>`: out/ and resources/ in
 * the checkout) and packaged (electron-builder: out/ inside resources/app.asar, and
 * resources/python + resources/examples unpacked beside it in app.asar.unpacked, since Python
 * cannot read files inside an asar archive).
 */
import path from 'node:path';

export interface AppLocation {
  /** The folder of the running main bundle: out/main. */
  mainDir: string;
  /** app.getAppPath(): the repository in development, .../resources/app.asar when packaged. */
  appPath: string;
}

export interface AppPaths {
  preload: string;
  rendererFile: string;
  /** The project opened when none is given and none was opened before: resources/examples/hello. */
  exampleProject: string;
}

export function appPaths(location: AppLocation): AppPaths {
  return {
    preload: path.join(location.mainDir, '../preload/index.cjs'),
    rendererFile: path.join(location.mainDir, '../renderer/index.html'),
    exampleProject: path.join(unpackedPath(location.appPath), 'resources/examples/hello'),
  };
}

/** The same path outside the asar archive: `app.asar` -> `app.asar.unpacked` (a no-op in development). */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/]|^)app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}
