/**
 * Electron main process (placeholder): one sandboxed window showing the renderer.
 *
 * Launched by scripts/start.mjs as `electron out/main/index.js <project folder>`.
 */
import { app, BrowserWindow } from 'electron';
import path from 'node:path';

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Forkwatch',
    webPreferences: {
      // Built by electron-vite as CommonJS: sandboxed preloads cannot be ES modules.
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });

  // `electron-vite dev` serves the renderer and sets this; a build loads the files.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(path.join(import.meta.dirname, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
