/**
 * The preload script against a stand-in `electron`: what it exposes, and how it talks to main.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, type ForkwatchApi, type InspectorEvent } from '../../../src-main/contract';
import { CHANNELS } from '../../../src-main/electron/ipc-channels';

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  return {
    exposed,
    listeners,
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    /** Main sending on a channel. */
    emit(channel: string, ...args: unknown[]) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipcRenderer', senderId: 0 }, ...args);
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      electron.listeners.set(channel, [...(electron.listeners.get(channel) ?? []), listener]);
    },
  },
}));

let api: ForkwatchApi;
beforeAll(async () => {
  await import('../../../src-main/electron/preload');
  api = electron.exposed.get(BRIDGE_KEY) as ForkwatchApi;
});

describe('preload', () => {
  it('exposes exactly ForkwatchApi under BRIDGE_KEY, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['forkwatch']);
    expect(Object.keys(api).sort()).toEqual(['call', 'openFolder', 'openRecent', 'recentProjects', 'subscribe']);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('sends every command over forkwatch:call as {command, args}', async () => {
    electron.invoke.mockResolvedValueOnce('curl http://127.0.0.1:8000/');
    await expect(api.call('curl', 3)).resolves.toBe('curl http://127.0.0.1:8000/');
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.call, { command: 'curl', args: [3] });
    electron.invoke.mockResolvedValueOnce(undefined);
    await api.call('setCapture', 'paused');
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.call, { command: 'setCapture', args: ['paused'] });
  });

  it("rejects with main's error message, without Electron's wrapping", async () => {
    electron.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'forkwatch:call': Error: unknown command \"x\""));
    await expect(api.call('snapshot')).rejects.toThrow(/^unknown command "x"$/);
  });

  it('delivers each event of a batch to every subscriber, plain (no IPC event object)', () => {
    const first: InspectorEvent[] = [];
    const second: unknown[][] = [];
    const stopFirst = api.subscribe((event) => first.push(event));
    const stopSecond = api.subscribe((...args: unknown[]) => second.push(args));
    electron.emit(CHANNELS.event, [{ type: 'cleared' }, { type: 'resync' }]);
    expect(first).toEqual([{ type: 'cleared' }, { type: 'resync' }]);
    expect(second).toEqual([[{ type: 'cleared' }], [{ type: 'resync' }]]);
    stopFirst();
    electron.emit(CHANNELS.event, [{ type: 'cleared' }]);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(3);
    stopSecond();
  });

  it('keeps delivering when one listener throws, and ignores a malformed message', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const got: InspectorEvent[] = [];
    const stopBad = api.subscribe(() => {
      throw new Error('render bug');
    });
    const stopGood = api.subscribe((event) => got.push(event));
    electron.emit(CHANNELS.event, [{ type: 'cleared' }]);
    electron.emit(CHANNELS.event, 'not a batch');
    expect(got).toEqual([{ type: 'cleared' }]);
    expect(errors).toHaveBeenCalledOnce();
    stopBad();
    stopGood();
    errors.mockRestore();
  });

  it('has the desktop extras on their own channels; openRecent passes only the name it was given', async () => {
    electron.invoke.mockResolvedValue(true);
    await api.openFolder();
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.openFolder);
    await api.recentProjects();
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.recentProjects);
    await api.openRecent('/p/a');
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.openRecent, '/p/a');
  });
});
