import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi, type Mock } from 'vitest';
import { buildMenuTemplate, menuLabel, type MenuActions, type MenuState } from '../../../src-main/electron/menu';

function actions(): { [K in keyof MenuActions]: Mock<MenuActions[K]> } {
  return {
    openFolder: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    reloadApp: vi.fn(),
    openInBrowser: vi.fn(),
    quit: vi.fn(),
  };
}

const base: MenuState = { platform: 'linux', recent: [], hasProject: true, serverUrl: 'http://127.0.0.1:8000', dev: false };

/** Every item, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

function byId(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = items(template).find((item) => item.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Window menus, File with the project commands in order', () => {
    const template = buildMenuTemplate(base, actions());
    expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu']);
    const file = template[0].submenu as MenuItemConstructorOptions[];
    expect(file.map((item) => item.label ?? item.type)).toEqual([
      'Open Folder…',
      'Open Recent',
      'separator',
      'Reload App',
      'Open in Browser',
      'separator',
      'Quit',
    ]);
  });

  it('wires each command to its action', () => {
    const spy = actions();
    const template = buildMenuTemplate({ ...base, recent: ['/p/a'] }, spy);
    click(byId(template, 'open-folder'));
    click(byId(template, 'reload-app'));
    click(byId(template, 'open-in-browser'));
    click(byId(template, 'quit'));
    click(byId(template, 'clear-recent'));
    expect(spy.openFolder).toHaveBeenCalledOnce();
    expect(spy.reloadApp).toHaveBeenCalledOnce();
    expect(spy.openInBrowser).toHaveBeenCalledOnce();
    expect(spy.quit).toHaveBeenCalledOnce();
    expect(spy.clearRecent).toHaveBeenCalledOnce();
  });

  it('lists recent projects, each opening its own folder', () => {
    const spy = actions();
    const template = buildMenuTemplate({ ...base, recent: ['/p/a', '/p/b'] }, spy);
    const recent = byId(template, 'open-recent');
    expect(recent.enabled).toBe(true);
    expect((recent.submenu as MenuItemConstructorOptions[]).map((item) => item.label ?? item.type)).toEqual([
      '/p/a',
      '/p/b',
      'separator',
      'Clear Recent',
    ]);
    click(byId(template, 'recent-1'));
    expect(spy.openRecent).toHaveBeenCalledWith('/p/b');
  });

  it('disables Open Recent when the list is empty', () => {
    const recent = byId(buildMenuTemplate(base, actions()), 'open-recent');
    expect(recent.enabled).toBe(false);
    expect(recent.submenu).toEqual([{ label: 'No Recent Projects', enabled: false }]);
  });

  it('enables Reload App with a project, Open in Browser only with a listening server', () => {
    const none = buildMenuTemplate({ ...base, hasProject: false, serverUrl: null }, actions());
    expect(byId(none, 'reload-app').enabled).toBe(false);
    expect(byId(none, 'open-in-browser').enabled).toBe(false);
    const booting = buildMenuTemplate({ ...base, hasProject: true, serverUrl: null }, actions());
    expect(byId(booting, 'reload-app').enabled).toBe(true);
    expect(byId(booting, 'open-in-browser').enabled).toBe(false);
    const serving = buildMenuTemplate(base, actions());
    expect(byId(serving, 'open-in-browser').enabled).toBe(true);
  });

  it('shows page reload and the DevTools in development only', () => {
    const roles = (state: MenuState) => items(buildMenuTemplate(state, actions())).map((item) => item.role);
    expect(roles({ ...base, dev: true })).toContain('toggleDevTools');
    expect(roles(base)).not.toContain('toggleDevTools');
    expect(roles(base)).not.toContain('reload');
  });

  it("on macOS puts Quit in the app menu and Close Window in File", () => {
    const spy = actions();
    const template = buildMenuTemplate({ ...base, platform: 'darwin' }, spy);
    expect(template[0].label).toBe('Forkwatch');
    click(byId(template, 'quit'));
    expect(spy.quit).toHaveBeenCalledOnce();
    const file = template[1].submenu as MenuItemConstructorOptions[];
    expect(file.at(-1)).toEqual({ role: 'close' });
  });

  it('is a pure function of its state', () => {
    const state = { ...base, recent: ['/p/a'] };
    const strip = (template: MenuItemConstructorOptions[]) => JSON.parse(JSON.stringify(template)) as unknown;
    expect(strip(buildMenuTemplate(state, actions()))).toEqual(strip(buildMenuTemplate(state, actions())));
  });
});

describe('menuLabel', () => {
  it("doubles & on Windows and Linux (mnemonics), not on macOS", () => {
    expect(menuLabel('/p/R&D', 'win32')).toBe('/p/R&&D');
    expect(menuLabel('/p/R&D', 'linux')).toBe('/p/R&&D');
    expect(menuLabel('/p/R&D', 'darwin')).toBe('/p/R&D');
  });
});
