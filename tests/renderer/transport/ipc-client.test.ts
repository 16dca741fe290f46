import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, type InspectorClient } from '@contract';
import { createIpcClient, desktopApiOf, findBridge } from '@renderer/transport/ipc-client';
import { pickTransport } from '@renderer/transport/pick';

function fakeBridge(): InspectorClient & { emit: (e: unknown) => void } {
  const listeners = new Set<(e: never) => void>();
  return {
    call: vi.fn(async () => 'result') as unknown as InspectorClient['call'],
    subscribe: (l) => {
      listeners.add(l as (e: never) => void);
      return () => listeners.delete(l as (e: never) => void);
    },
    emit: (e) => listeners.forEach((l) => l(e as never)),
  };
}

describe('ipc client', () => {
  it('finds the bridge on window.forkwatch only when it has call and subscribe', () => {
    expect(findBridge({})).toBeNull();
    expect(findBridge({ [BRIDGE_KEY]: {} })).toBeNull();
    const bridge = fakeBridge();
    expect(findBridge({ [BRIDGE_KEY]: bridge })).toBe(bridge);
  });

  it('passes calls and events through, and is open from the start', async () => {
    const bridge = fakeBridge();
    const client = createIpcClient(bridge);
    await expect(client.call('curl', 3)).resolves.toBe('result');
    expect(bridge.call).toHaveBeenCalledWith('curl', 3);
    const events: unknown[] = [];
    const unsubscribe = client.subscribe((e) => events.push(e));
    bridge.emit({ type: 'cleared' });
    unsubscribe();
    bridge.emit({ type: 'cleared' });
    expect(events).toHaveLength(1);
    const states: string[] = [];
    client.onConnection((s) => states.push(s.state));
    expect(states).toEqual(['open']);
  });
});

describe('desktop extras', () => {
  it('are offered when the bridge has them, and absent otherwise', async () => {
    expect(createIpcClient(fakeBridge()).desktop).toBeUndefined();
    const openRecent = vi.fn(async () => true);
    const bridge = { ...fakeBridge(), openFolder: async () => false, recentProjects: async () => ['/a'], openRecent };
    const desktop = desktopApiOf(bridge)!;
    await expect(desktop.recentProjects()).resolves.toEqual(['/a']);
    await desktop.openRecent('/a');
    expect(openRecent).toHaveBeenCalledWith('/a');
    expect(createIpcClient(bridge).desktop).toBeDefined();
  });
});

describe('pickTransport', () => {
  it('prefers the Electron bridge', () => {
    const win = { [BRIDGE_KEY]: fakeBridge(), location: { host: 'x', search: '?token=t', protocol: 'http:' } } as unknown as Window;
    const picked = pickTransport(win);
    expect(picked.ok && picked.kind).toBe('ipc');
  });

  it('explains what to do when a browser page has no token', () => {
    const win = { location: { host: '127.0.0.1:1', search: '', protocol: 'http:' } } as unknown as Window;
    const picked = pickTransport(win);
    expect(picked.ok).toBe(false);
    if (!picked.ok) expect(picked.error).toMatch(/token/);
  });
});
