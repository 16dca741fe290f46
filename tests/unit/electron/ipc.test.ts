import { describe, expect, it, vi } from 'vitest';
import {
  checkSender,
  createIpcRouter,
  parseCall,
  parseFolderName,
  parseNoArgs,
  type IpcInvokeEventLike,
  type IpcMainLike,
  type SenderPolicy,
} from '../../../src-main/electron/ipc';
import { CHANNELS, ipcErrorMessage } from '../../../src-main/electron/ipc-channels';

const APP_URL = 'file:///opt/forkwatch/out/renderer/index.html';
const mainContents = { id: 1 };
const otherContents = { id: 2 };

const policy: SenderPolicy = {
  trustedContents: () => mainContents,
  isAppUrl: (url) => url.startsWith(APP_URL),
};

function event(overrides: Partial<IpcInvokeEventLike> = {}): IpcInvokeEventLike {
  return { sender: mainContents, senderFrame: { url: APP_URL, parent: null }, ...overrides };
}

/** An ipcMain that keeps its handlers, so a test can invoke them as Electron would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();
  const ipc: IpcMainLike & { invoke(channel: string, event: IpcInvokeEventLike, ...args: unknown[]): Promise<unknown> } = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
    invoke: async (channel, e, ...args) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler(e, ...args);
    },
  };
  return { ipc, handlers };
}

describe('checkSender', () => {
  it("accepts the main window's top frame on the app page (with a hash route)", () => {
    expect(checkSender(event(), policy)).toBeNull();
    expect(checkSender(event({ senderFrame: { url: `${APP_URL}#/exchanges/4`, parent: null } }), policy)).toBeNull();
  });

  it('refuses another webContents, even on the same page', () => {
    expect(checkSender(event({ sender: otherContents }), policy)).toBe('not the main window');
  });

  it('refuses everything when there is no main window', () => {
    expect(checkSender(event(), { ...policy, trustedContents: () => null })).toBe('not the main window');
  });

  it('refuses a subframe', () => {
    expect(checkSender(event({ senderFrame: { url: APP_URL, parent: {} } }), policy)).toBe('not the top frame');
  });

  it('refuses a page that navigated away, and a frame that is gone', () => {
    expect(checkSender(event({ senderFrame: { url: 'https://evil.example/', parent: null } }), policy)).toMatch(/not an app page/);
    expect(checkSender(event({ senderFrame: null }), policy)).toBe('the sending frame is gone');
  });
});

describe('createIpcRouter', () => {
  it('runs the handler with the parsed value for a trusted sender', async () => {
    const { ipc } = fakeIpcMain();
    const router = createIpcRouter(ipc, policy);
    const run = vi.fn((value: { name: string; args: unknown[] }) => `ran ${value.name}`);
    router.handle(CHANNELS.call, parseCall, run);
    await expect(ipc.invoke(CHANNELS.call, event(), { command: 'exchange', args: [3] })).resolves.toBe('ran exchange');
    expect(run).toHaveBeenCalledWith({ name: 'exchange', args: [3] });
  });

  it('refuses an untrusted sender before looking at its arguments', async () => {
    const { ipc } = fakeIpcMain();
    const refused = vi.fn();
    const router = createIpcRouter(ipc, policy, refused);
    const parse = vi.fn(parseCall);
    const run = vi.fn();
    router.handle(CHANNELS.call, parse, run);
    await expect(ipc.invoke(CHANNELS.call, event({ sender: otherContents }), { command: 'snapshot', args: [] })).rejects.toThrow(
      'forkwatch:call: refused: not the main window',
    );
    expect(parse).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
    expect(refused).toHaveBeenCalledWith(CHANNELS.call, 'not the main window');
  });

  it('rejects invalid arguments with the validation error and never runs the handler', async () => {
    const { ipc } = fakeIpcMain();
    const router = createIpcRouter(ipc, policy);
    const run = vi.fn();
    router.handle(CHANNELS.call, parseCall, run);
    const cases: [unknown[], RegExp][] = [
      [[{ command: 'rm -rf', args: [] }], /unknown command/],
      [[{ command: 'exchange', args: ['1; DROP'] }], /id must be an integer/],
      [[{ command: 'setWorkerCount', args: [1000] }], /count must be an integer from 1 to 64/],
      [[{ command: 'exchange', args: [1, 2] }], /expected 1 argument/],
      [[{ command: 'replay', args: [1, { url: 'http://elsewhere/' }] }], /url must be a path/],
      [[{ command: 'exchange' }], /expected 1 argument, got 0/],
      [[{ command: 42, args: [] }], /command must be a string/],
      [['snapshot'], /expected a \{command, args\} object/],
      [[null], /expected a \{command, args\} object/],
      [[], /expected one \{command, args\} object, got 0/],
      [[{ command: 'snapshot', args: [] }, 'extra'], /got 2 arguments/],
    ];
    for (const [args, error] of cases) {
      await expect(ipc.invoke(CHANNELS.call, event(), ...args)).rejects.toThrow(error);
    }
    expect(run).not.toHaveBeenCalled();
  });

  it('passes normalised arguments: optional nulls dropped, replay edits copied with known fields only', async () => {
    const { ipc } = fakeIpcMain();
    const router = createIpcRouter(ipc, policy);
    const run = vi.fn((value: unknown) => value);
    router.handle(CHANNELS.call, parseCall, run);
    await expect(ipc.invoke(CHANNELS.call, event(), { command: 'exportHar', args: [null] })).resolves.toEqual({ name: 'exportHar', args: [] });
    const edits = { method: 'POST', headers: [['X-A', '1']] };
    const result = (await ipc.invoke(CHANNELS.call, event(), { command: 'replay', args: [7, edits] })) as { args: unknown[] };
    expect(result.args).toEqual([7, { method: 'POST', headers: [['X-A', '1']] }]);
    expect(result.args[1]).not.toBe(edits);
  });

  it('lets a handler error through to the caller', async () => {
    const { ipc } = fakeIpcMain();
    createIpcRouter(ipc, policy).handle(CHANNELS.recentProjects, parseNoArgs, () => {
      throw new Error('disk on fire');
    });
    await expect(ipc.invoke(CHANNELS.recentProjects, event())).rejects.toThrow('disk on fire');
  });

  it('registers a channel once, and dispose removes every handler', () => {
    const { ipc, handlers } = fakeIpcMain();
    const router = createIpcRouter(ipc, policy);
    router.handle(CHANNELS.openFolder, parseNoArgs, () => true);
    router.handle(CHANNELS.recentProjects, parseNoArgs, () => []);
    expect(() => router.handle(CHANNELS.openFolder, parseNoArgs, () => true)).toThrow(/already handled/);
    router.dispose();
    expect(handlers.size).toBe(0);
  });
});

describe('argument parsers', () => {
  it('parseNoArgs takes nothing', () => {
    expect(parseNoArgs([])).toEqual({ ok: true, value: undefined });
    expect(parseNoArgs(['/etc']).ok).toBe(false);
  });

  it('parseFolderName takes one sane string', () => {
    expect(parseFolderName(['/p/a'])).toEqual({ ok: true, value: '/p/a' });
    for (const args of [[], [''], [42], ['/p/a', '/p/b'], ['/p/a\0/etc'], ['x'.repeat(5000)], [{ toString: () => '/p' }]]) {
      expect(parseFolderName(args).ok).toBe(false);
    }
  });
});

describe('ipcErrorMessage', () => {
  it("strips Electron's invoke prefix", () => {
    const error = new Error("Error invoking remote method 'forkwatch:call': Error: exchange: id must be an integer >= 0, got -1");
    expect(ipcErrorMessage(error)).toBe('exchange: id must be an integer >= 0, got -1');
    expect(ipcErrorMessage(new Error("Error invoking remote method 'forkwatch:call': TypeError: x is not a function"))).toBe('x is not a function');
  });

  it('leaves other messages alone', () => {
    expect(ipcErrorMessage(new Error('plain'))).toBe('plain');
    expect(ipcErrorMessage('text')).toBe('text');
  });
});
