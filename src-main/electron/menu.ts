/**
 * The application menu as a pure function of the shell's state: main.ts passes the result to
 * Menu.buildFromTemplate whenever the state changes (recent list, server up or down).
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuState {
  platform: string;
  /** Recent project folders, most recent first. */
  recent: readonly string[];
  /** A project is open (running, starting or failed): Reload App applies. */
  hasProject: boolean;
  /** The gateway's URL once it listens, else null: Open in Browser applies. */
  serverUrl: string | null;
  /** Development build: page reload and the DevTools in the View menu. */
  dev: boolean;
}

export interface MenuActions {
  openFolder(): void;
  openRecent(folder: string): void;
  clearRecent(): void;
  reloadApp(): void;
  openInBrowser(): void;
  quit(): void;
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { id: 'open-folder', label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
      { id: 'open-recent', label: 'Open Recent', enabled: state.recent.length > 0, submenu: recentItems(state, actions) },
      { type: 'separator' },
      {
        id: 'reload-app',
        label: 'Reload App',
        accelerator: 'CmdOrCtrl+R',
        enabled: state.hasProject,
        click: () => actions.reloadApp(),
      },
      {
        id: 'open-in-browser',
        label: 'Open in Browser',
        accelerator: 'CmdOrCtrl+Shift+B',
        enabled: state.serverUrl !== null,
        click: () => actions.openInBrowser(),
      },
      { type: 'separator' },
      mac
        ? { role: 'close' }
        : { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(state.dev
        ? ([{ role: 'reload', accelerator: 'CmdOrCtrl+Shift+R' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [file, { role: 'editMenu' }, view, { role: 'windowMenu' }];
  if (mac) {
    // macOS's first menu is the app's (About, Hide, Quit): its Quit goes through app.quit too.
    template.unshift({
      label: 'Forkwatch',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { id: 'quit', label: 'Quit Forkwatch', accelerator: 'Cmd+Q', click: () => actions.quit() },
      ],
    });
  }
  return template;
}

function recentItems(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  if (state.recent.length === 0) return [{ label: 'No Recent Projects', enabled: false }];
  return [
    ...state.recent.map(
      (folder, index): MenuItemConstructorOptions => ({
        id: `recent-${index}`,
        label: menuLabel(folder, state.platform),
        click: () => actions.openRecent(folder),
      }),
    ),
    { type: 'separator' },
    { id: 'clear-recent', label: 'Clear Recent', click: () => actions.clearRecent() },
  ];
}

/** On Windows and Linux `&` marks a mnemonic; a path's own `&` must be doubled to show. */
export function menuLabel(text: string, platform: string): string {
  return platform === 'darwin' ? text : text.replaceAll('&', '&&');
}
