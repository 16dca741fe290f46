/**
 * The main window and the rules every web contents of the app lives by. The decisions are in
 * security.ts; this module applies them to Electron.
 */
import { BrowserWindow, screen, shell, type WebContents } from 'electron';
import { decideNavigation, decideWindowOpen } from './security';
import { fitBounds, MIN_WINDOW, type WindowBounds } from './settings-store';

export const DEFAULT_WINDOW = { width: 1280, height: 800 } as const;

export interface MainWindowOptions {
  preload: string;
  /** The saved bounds (or null: the default size, placed by the window manager). */
  bounds: WindowBounds | null;
  title: string;
  /** Called as the window closes, with the bounds to restore next time. */
  onClose(bounds: WindowBounds): void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.bounds ? fitBounds(options.bounds, screen.getAllDisplays().map((display) => display.workArea)) : null;
  const window = new BrowserWindow({
    ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : DEFAULT_WINDOW),
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    title: options.title,
    show: false,
    webPreferences: {
      // Built by electron-vite as CommonJS: sandboxed preloads cannot be ES modules.
      preload: options.preload,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  // A page that never paints (renderer not built, a load error) must not leave an invisible app.
  window.webContents.once('did-fail-load', (_event, code, description, url) => {
    console.error(`forkwatch: cannot load ${url}: ${description} (${code})`);
    window.show();
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`forkwatch: the renderer is gone (${details.reason}, exit code ${details.exitCode})`);
  });
  // The title says which project is open; the page's own <title> must not replace it.
  window.on('page-title-updated', (event) => event.preventDefault());
  window.on('close', () => {
    options.onClose({ ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  return window;
}

/**
 * Keeps a web contents on the app's page: window.open never makes a window, navigation away is
 * refused, web links open in the system browser (http and https only), no <webview>.
 */
export function guardContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  const openExternal = (url: string) => {
    shell.openExternal(url).catch((error: Error) => console.error(`forkwatch: cannot open ${url}: ${error.message}`));
  };
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-external') openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, isAppUrl);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(event.url);
  });
  // Subframes (the main frame's navigations are will-navigate's): no frame leaves the app either.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return;
    if (decideNavigation(event.url, isAppUrl) !== 'allow') event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (decideNavigation(event.url, isAppUrl) !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Brings the window to the front (second launch, dialogs). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
