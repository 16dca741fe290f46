/**
 * Electron main process: the composition root of the desktop shell. One window shows the
 * renderer; the open project's gateway, capture and inspector host run in this process
 * (project-session.ts) and reach the renderer only through the preload's ForkwatchApi.
 *
 * Launched by scripts/start.mjs as `electron <repo> [FOLDER] [serve options]`, or packaged as
 * `forkwatch [FOLDER] [serve options]`. A second launch hands its folder to the first instance.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { createLogger } from '../cli/log';
import { appPaths } from './app-paths';
import { forwardEvents } from './event-forwarder';
import { createIpcRouter, parseCall, parseFolderName, parseNoArgs, type IpcMainLike } from './ipc';
import { CHANNELS, type EventBatch } from './ipc-channels';
import { parseLaunchArgs } from './launch-args';
import { buildMenuTemplate } from './menu';
import { createProjectController } from './project-controller';
import { checkProject, openProjectSession, resolveSessionConfig, type ProjectSession } from './project-session';
import { contentSecurityPolicy, createAppUrlMatcher, isExternalUrlAllowed, isPermissionAllowed, withCsp } from './security';
import { openSettingsStore } from './settings-store';
import { createMainWindow, focusWindow, guardContents } from './window';

const log = createLogger();
const dev = !app.isPackaged;
const devUrl = dev ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const paths = appPaths({ mainDir: import.meta.dirname, appPath: app.getAppPath() });
const isAppUrl = createAppUrlMatcher({ rendererFile: paths.rendererFile, devUrl });
const launchContext = { defaultApp: Boolean(process.defaultApp) };

// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // The first instance got our argv in 'second-instance' and opens the folder.
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  const launch = parseLaunchArgs(process.argv, { ...launchContext, cwd: process.cwd() });
  const store = openSettingsStore({ dir: app.getPath('userData'), fs, onError: (message) => log.warn(message) });
  let window: BrowserWindow | null = null;
  let stopForwarding: (() => void) | null = null;

  const controller = createProjectController<ReturnType<typeof resolveSessionConfig>, ProjectSession>({
    resolve: resolveSessionConfig,
    check: (resolved) => checkProject(resolved.config),
    open: (resolved) => openProjectSession(resolved, { log }),
    onChange(current) {
      attachWindow();
      // A fresh page for a fresh project: no state of the previous one survives in the renderer.
      if (window && current) window.webContents.reload();
      current?.started.then(refresh, refresh);
      refresh();
    },
    onError(folder, message) {
      log.error(`Cannot open ${folder}: ${message}`);
      refresh();
      const options = { type: 'error' as const, message: `Cannot open ${folder}`, detail: message };
      void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
    },
    recent: {
      add(folder) {
        store.addRecent(folder);
        store.save();
      },
      remove(folder) {
        store.removeRecent(folder);
        store.save();
      },
    },
  });

  /** Points the window's event stream at the current project's host. */
  function attachWindow(): void {
    stopForwarding?.();
    stopForwarding = null;
    const current = controller.current;
    if (!window || !current) return;
    const contents = window.webContents;
    stopForwarding = forwardEvents(current.host, (batch: EventBatch) => {
      if (!contents.isDestroyed()) contents.send(CHANNELS.event, batch);
    });
  }

  /** The menu and the title follow the state. */
  function refresh(): void {
    const current = controller.current;
    const url = current?.status === 'running' && current.gateway.url ? current.gateway.url : null;
    const template = buildMenuTemplate(
      { platform: process.platform, recent: store.current.recent, hasProject: current !== null, serverUrl: url, dev },
      {
        openFolder: () => void chooseFolder(),
        openRecent: (folder) => void controller.open(folder),
        clearRecent: () => {
          store.clearRecent();
          store.save();
          refresh();
        },
        reloadApp: () => void controller.reload(),
        openInBrowser: () => {
          if (url && isExternalUrlAllowed(url)) void shell.openExternal(url);
        },
        quit: () => app.quit(),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    window?.setTitle(current ? `${path.basename(current.folder)} — Forkwatch` : 'Forkwatch');
  }

  /** File > Open Folder: the only way, with Open Recent, that a path reaches the gateway. */
  async function chooseFolder(): Promise<boolean> {
    const options: Electron.OpenDialogOptions = {
      title: 'Open Project Folder',
      buttonLabel: 'Open',
      properties: ['openDirectory'],
      defaultPath: controller.current?.folder,
    };
    const result = await (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options));
    if (result.canceled || result.filePaths.length === 0) return false;
    return controller.open(result.filePaths[0]);
  }

  const router = createIpcRouter(
    ipcMain as unknown as IpcMainLike,
    { trustedContents: () => window?.webContents ?? null, isAppUrl },
    (channel, reason) => log.warn(`Refused ${channel}: ${reason}`),
  );
  router.handle(CHANNELS.call, parseCall, ({ name, args }) => {
    const current = controller.current;
    if (!current) throw new Error('No project is open: use File > Open Folder');
    return current.host.dispatch(name, args);
  });
  router.handle(CHANNELS.openFolder, parseNoArgs, () => chooseFolder());
  router.handle(CHANNELS.recentProjects, parseNoArgs, () => [...store.current.recent]);
  router.handle(CHANNELS.openRecent, parseFolderName, (folder) => {
    // The renderer only names an entry of main's own list; it never supplies a path to open.
    const entry = store.current.recent.find((recent) => recent === folder);
    if (!entry) throw new Error('not a recent project');
    return controller.open(entry);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window) focusWindow(window);
    const args = parseLaunchArgs(argv, { ...launchContext, cwd: workingDirectory });
    if (args.folder) void controller.open(args.folder, args.serveOptions);
  });

  app.on('web-contents-created', (_event, contents) => guardContents(contents, isAppUrl));

  // Closing the window quits, on macOS too: the window is the open project.
  app.on('window-all-closed', () => app.quit());
  handleQuit(() => controller.close(), () => window);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(async () => {
    secureSession();
    refresh();
    // Packaged, with nothing given: the last project, else the example (a development launch
    // without a folder opens the example, as `npm start` promises).
    const folder = launch.folder ?? (dev ? null : store.current.recent[0]) ?? paths.exampleProject;
    await controller.open(folder, launch.serveOptions);

    window = createMainWindow({
      preload: paths.preload,
      bounds: store.current.window,
      title: 'Forkwatch',
      onClose: (bounds) => {
        store.setWindow(bounds);
        store.save();
      },
    });
    window.on('closed', () => {
      stopForwarding?.();
      stopForwarding = null;
      window = null;
    });
    attachWindow();
    refresh();
    if (devUrl) void window.loadURL(devUrl);
    else void window.loadFile(paths.rendererFile);
  });
}

/** The app's own pages get a strict CSP header; no page gets a permission it was not meant to have. */
function secureSession(): void {
  const csp = contentSecurityPolicy({ dev: devUrl !== null });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType === 'mainFrame' && isAppUrl(details.url)) {
      callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
    } else {
      callback({});
    }
  });
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl || contents.getURL(), isAppUrl));
  });
  // The origin of a file:// page is not its URL: judge by the URL, as the request handler does.
  session.defaultSession.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? contents?.getURL() ?? requestingOrigin, isAppUrl),
  );
}

/**
 * Quitting (menu, last window closed, SIGINT/SIGTERM) waits for the gateway to stop: workers
 * ended, port freed; graceful first, forced on a deadline (project-session.ts). The window is
 * hidden meanwhile, so the app looks gone at once.
 */
function handleQuit(stop: () => Promise<unknown>, window: () => BrowserWindow | null): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    window()?.hide();
    stop()
      .catch((error: Error) => log.error(`Shutdown failed: ${error.message}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}
