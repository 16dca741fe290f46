import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLaunch } from '../../../scripts/launch-plan.mjs';

const root = '/repo';
const found = { found: true as const, path: '/repo/node_modules/electron/dist/electron' };
const missing = { found: false as const, reason: 'the Electron binary was never downloaded' };

function facts(overrides: Partial<Parameters<typeof planLaunch>[0]> = {}): Parameters<typeof planLaunch>[0] {
  return { args: [], electron: found, display: true, root, cwd: '/home/me', node: '/usr/bin/node', platform: 'linux', isRoot: false, ...overrides };
}

describe('planLaunch', () => {
  it('runs Electron on the repository with the folder, resolved where the user typed npm start', () => {
    expect(planLaunch(facts({ args: ['site', '--workers', '4'] }))).toEqual({
      mode: 'electron',
      command: found.path,
      args: [root, '/home/me/site', '--workers', '4'],
    });
  });

  it('gives Electron no folder when none is given (the app opens the example; a second launch only focuses)', () => {
    expect(planLaunch(facts()).args).toEqual([root]);
    expect(planLaunch(facts({ args: ['--workers', '3'] })).args).toEqual([root, '--workers', '3']);
  });

  it("adds --no-sandbox as root on Linux only (Chromium's OS sandbox refuses root)", () => {
    expect(planLaunch(facts({ isRoot: true })).args).toEqual(['--no-sandbox', root]);
    expect(planLaunch(facts({ isRoot: true, platform: 'darwin' })).args).toEqual([root]);
  });

  it('falls back to the browser UI without an Electron binary, saying why in one line', () => {
    const plan = planLaunch(facts({ electron: missing, args: ['/p/site', '--bind', ':9000'] }));
    expect(plan).toEqual({
      mode: 'browser',
      notice: 'Electron binary is not available (the Electron binary was never downloaded): falling back to browser mode.',
      command: '/usr/bin/node',
      args: [path.join(root, 'bin/forkwatch.cjs'), 'serve', '/p/site', '--ui', '--reload', '--bind', ':9000'],
    });
    expect(plan.mode === 'browser' && plan.notice).not.toContain('\n');
  });

  it('falls back to the browser UI without a display, on the example by default', () => {
    const plan = planLaunch(facts({ display: false }));
    expect(plan.mode).toBe('browser');
    expect(plan.mode === 'browser' && plan.notice).toBe('Electron cannot open a window here (no display): falling back to browser mode.');
    expect(plan.args.slice(1, 5)).toEqual(['serve', path.join(root, 'resources/examples/hello'), '--ui', '--reload']);
  });
});
