/**
 * main.ts's wiring, run against a stand-in `electron` (no Electron binary can run here) and a
 * real project with real Python workers: the window's web preferences, the IPC handlers and
 * their sender check, events reaching the window, the menu, the CSP header, the permission
 * handlers, a second launch switching projects, and quitting stopping the gateway.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InspectorEvent, InspectorSnapshot } from '../../../src-main/contract';
import { CHANNELS } from '../../../src-main/electron/ipc-channels';
import { isPortFree } from '../../../src-main/electron/project-session';

const root = path.resolve(import.meta.dirname, '../../..');
const hello = path.join(root, 'resources/examples/hello');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'forkwatch-main-'));
const userData = path.join(scratch, 'userData');
const other = path.join(scratch, 'other');
mkdirSync(other);
writeFileSync(path.join(other, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"other"]\n');

/** Where main.ts, run from source, expects the built page: <src-main>/renderer/index.html. */
const rendererFile = path.join(root, 'src-main/renderer/index.html');
const appUrl = `file://${rendererFile}`;

type Handler = (event: unknown, ...args: unknown[]) => unknown;

const fake = vi.hoisted(() => ({
  state: {
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    windows: [] as any[],
    menu: null as unknown,
    opened: [] as string[],
    messages: [] as unknown[],
    sandboxEnabled: false,
    quitted: false,
    onHeadersReceived: null as null | ((details: unknown, callback: (response: unknown) => void) => void),
    permissionRequest: null as null | ((...args: any[]) => void),
    permissionCheck: null as null | ((...args: any[]) => boolean),
    userData: '',
    appPath: '',
  },
  app: null as any,
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const { state } = fake;
  const app: any = Object.assign(new EventEmitter(), {
    isPackaged: false,
    getAppPath: () => state.appPath,
    getPath: (name: string) => (name === 'userData' ? state.userData : os.tmpdir()),
    enableSandbox: () => {
      state.sandboxEnabled = true;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit() {
      if (state.quitted) return;
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      app.emit('before-quit', event);
      if (event.defaultPrevented) return;
      state.quitted = true;
      for (const window of [...state.windows]) window.close();
    },
  });
  fake.app = app;

  class WebContents extends EventEmitter {
    url = '';
    sent: [string, unknown][] = [];
    reloads = 0;
    destroyed = false;
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    reload() {
      this.reloads++;
    }
    isDestroyed() {
      return this.destroyed;
    }
    getURL() {
      return this.url;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
  }

  class BrowserWindow extends EventEmitter {
    webContents = new WebContents();
    visible = false;
    title = '';
    constructor(public options: Record<string, any>) {
      super();
      this.title = options.title;
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadFile(file: string) {
      this.webContents.url = `file://${file}`;
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.webContents.url = url;
      return Promise.resolve();
    }
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {}
    restore() {}
    maximize() {}
    isMinimized() {
      return false;
    }
    isMaximized() {
      return false;
    }
    setTitle(title: string) {
      this.title = title;
    }
    getNormalBounds() {
      return { x: 40, y: 30, width: 1100, height: 700 };
    }
    close() {
      this.emit('close', { preventDefault() {} });
      this.webContents.destroyed = true;
      state.windows.splice(state.windows.indexOf(this), 1);
      this.emit('closed');
      if (state.windows.length === 0) app.emit('window-all-closed');
    }
  }

  return {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: Handler) => state.handlers.set(channel, handler),
      removeHandler: (channel: string) => state.handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => {
        state.menu = menu;
      },
    },
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showMessageBox: async (...args: unknown[]) => {
        state.messages.push(args.at(-1));
        return { response: 0 };
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (listener: any) => (state.onHeadersReceived = listener) },
        setPermissionRequestHandler: (handler: any) => (state.permissionRequest = handler),
        setPermissionCheckHandler: (handler: any) => (state.permissionCheck = handler),
      },
    },
    shell: {
      openExternal: async (url: string) => {
        state.opened.push(url);
      },
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const { state } = fake;
const trusted = () => ({ sender: state.windows[0].webContents, senderFrame: { url: appUrl, parent: null } });
const invoke = async (channel: string, event: unknown, ...args: unknown[]) => {
  const handler = state.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(event, ...args);
};
const snapshot = () => invoke(CHANNELS.call, trusted(), { command: 'snapshot', args: [] }) as Promise<InspectorSnapshot>;
const menuItem = (id: string): MenuItemConstructorOptions => {
  const walk = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? walk(item.submenu) : [])]);
  const found = walk(state.menu as MenuItemConstructorOptions[]).find((item) => item.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
};

const argv = process.argv;
afterAll(() => {
  process.argv = argv;
  // The gateway is stopped by the quit test; this only guards against a failed run.
  if (!state.quitted) fake.app?.quit();
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!python)('main process wiring (fake electron, real gateway)', () => {
  beforeAll(async () => {
    state.userData = userData;
    state.appPath = root;
    // `electron <repo> FOLDER [serve options]`, as scripts/start.mjs runs it.
    (process as { defaultApp?: boolean }).defaultApp = true;
    process.argv = ['electron', root, hello, '--workers', '1', '--bind', '127.0.0.1:0', '--no-access-log'];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await import('../../../src-main/electron/main');
    await vi.waitFor(() => expect(state.windows).toHaveLength(1), { timeout: 10_000 });
  }, 20_000);

  it('creates one sandboxed, isolated window without Node, and loads the built page', () => {
    expect(state.sandboxEnabled).toBe(true);
    const prefs = state.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toBe(path.join(root, 'src-main/preload/index.cjs'));
    expect(state.windows[0].webContents.url).toBe(appUrl);
  });

  it('registers exactly the bridge channels', () => {
    expect([...state.handlers.keys()].sort()).toEqual(
      [CHANNELS.call, CHANNELS.openFolder, CHANNELS.openRecent, CHANNELS.recentProjects].sort(),
    );
  });

  it('answers inspector commands from the window, on the project from the command line', { timeout: 20_000 }, async () => {
    await vi.waitFor(async () => expect((await snapshot()).server.state).toBe('running'), { timeout: 15_000 });
    const { server } = await snapshot();
    expect(server.projectDir).toBe(hello);
    expect(server.workerCount).toBe(1);
    expect(await (await fetch(`${server.url}/`)).text()).toBe('Hello, World!');
    expect(state.windows[0].title).toBe('hello — Forkwatch');
  });

  it('refuses other senders and invalid arguments', async () => {
    const stranger = { sender: {}, senderFrame: { url: appUrl, parent: null } };
    await expect(invoke(CHANNELS.call, stranger, { command: 'snapshot', args: [] })).rejects.toThrow(/refused: not the main window/);
    const navigated = { sender: state.windows[0].webContents, senderFrame: { url: 'https://evil.example/', parent: null } };
    await expect(invoke(CHANNELS.call, navigated, { command: 'snapshot', args: [] })).rejects.toThrow(/not an app page/);
    await expect(invoke(CHANNELS.call, trusted(), { command: 'killWorker', args: ['1'] })).rejects.toThrow(/pid must be a process id/);
    await expect(invoke(CHANNELS.openFolder, trusted(), '/etc')).rejects.toThrow(/expected no arguments/);
  });

  it('opens only folders from its own recent list', async () => {
    await expect(invoke(CHANNELS.recentProjects, trusted())).resolves.toEqual([hello]);
    await expect(invoke(CHANNELS.openRecent, trusted(), '/etc')).rejects.toThrow('not a recent project');
    await expect(invoke(CHANNELS.openRecent, trusted(), hello)).resolves.toBe(true);
  });

  it("streams the host's events to the window as batches", async () => {
    const { server } = await snapshot();
    await fetch(`${server.url}/events`);
    await vi.waitFor(() => {
      const batches = state.windows[0].webContents.sent.filter(([channel]: [string]) => channel === CHANNELS.event);
      const events = batches.flatMap(([, batch]: [string, InspectorEvent[]]) => batch);
      expect(events.some((event: InspectorEvent) => event.type === 'exchanges' && event.exchanges.some((x) => x.url === '/events'))).toBe(true);
    });
  });

  it('keeps links out of the window: web links to the system browser, the rest blocked', () => {
    const contents = state.windows[0].webContents;
    expect(contents.windowOpenHandler({ url: 'https://docs.python.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    const navigation = (url: string) => {
      const event = { url, isMainFrame: true, prevented: false, preventDefault: () => (event.prevented = true) };
      contents.emit('will-navigate', event);
      return event.prevented;
    };
    expect(navigation('http://127.0.0.1:1/x')).toBe(true);
    expect(navigation('file:///home/me/.ssh/id_rsa')).toBe(true);
    expect(navigation(appUrl)).toBe(false);
    expect(state.opened).toEqual(['https://docs.python.org/', 'http://127.0.0.1:1/x']);
  });

  it("sets a strict CSP on the app's page only", () => {
    let response: any;
    state.onHeadersReceived!({ resourceType: 'mainFrame', url: appUrl, responseHeaders: {} }, (r) => (response = r));
    expect(response.responseHeaders['Content-Security-Policy'][0]).toMatch(/^default-src 'none'; script-src 'self';/);
    state.onHeadersReceived!({ resourceType: 'mainFrame', url: 'https://example.com/', responseHeaders: {} }, (r) => (response = r));
    expect(response).toEqual({});
  });

  it('grants the page the clipboard and nothing else', () => {
    const contents = state.windows[0].webContents;
    expect(state.permissionCheck!(contents, 'clipboard-sanitized-write', 'file:///', { requestingUrl: appUrl })).toBe(true);
    expect(state.permissionCheck!(contents, 'media', 'file:///', { requestingUrl: appUrl })).toBe(false);
    const answers: boolean[] = [];
    state.permissionRequest!(contents, 'notifications', (granted: boolean) => answers.push(granted), { requestingUrl: appUrl });
    expect(answers).toEqual([false]);
  });

  it('File > Open in Browser opens the gateway URL', async () => {
    const { server } = await snapshot();
    (menuItem('open-in-browser').click as () => void)();
    expect(state.opened.at(-1)).toBe(server.url);
    expect(menuItem('reload-app').enabled).toBe(true);
  });

  it('a second launch with a folder switches to it: old gateway stopped, window reloaded', { timeout: 20_000 }, async () => {
    const before = await snapshot();
    const oldPids = before.workers.map((worker) => worker.pid);
    const reloads = state.windows[0].webContents.reloads;
    fake.app.emit('second-instance', {}, ['electron', '--no-sandbox', root, 'other', '--bind', '127.0.0.1:0'], scratch);
    await vi.waitFor(async () => expect((await snapshot()).server.projectDir).toBe(other), { timeout: 15_000 });
    expect(state.windows[0].webContents.reloads).toBe(reloads + 1);
    for (const pid of oldPids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(isPortFree('127.0.0.1', Number(new URL(before.server.url).port))).resolves.toBe(true);
    await expect(invoke(CHANNELS.recentProjects, trusted())).resolves.toEqual([other, hello]);
  });

  it('an unservable folder from a second launch keeps the project and says why', async () => {
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty);
    fake.app.emit('second-instance', {}, ['electron', root, empty], scratch);
    await vi.waitFor(() => expect(state.messages.at(-1)).toMatchObject({ type: 'error', message: `Cannot open ${empty}` }));
    expect((await snapshot()).server.projectDir).toBe(other);
  });

  it('quitting stops the gateway (workers ended, port freed) before the app exits, and saves the settings', { timeout: 20_000 }, async () => {
    await vi.waitFor(async () => expect((await snapshot()).server.state).toBe('running'), { timeout: 15_000 });
    const { server, workers } = await snapshot();
    fake.app.quit();
    expect(state.quitted).toBe(false);
    expect(state.windows[0].visible).toBe(false);
    await vi.waitFor(() => expect(state.quitted).toBe(true), { timeout: 15_000 });
    for (const worker of workers) expect(() => process.kill(worker.pid, 0)).toThrow();
    await expect(isPortFree('127.0.0.1', Number(new URL(server.url).port))).resolves.toBe(true);
    const settings = JSON.parse(readFileSync(path.join(userData, 'settings.json'), 'utf8'));
    expect(settings).toEqual({ window: { x: 40, y: 30, width: 1100, height: 700, maximized: false }, recent: [other, hello] });
  });
});
