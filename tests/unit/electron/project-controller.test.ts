import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createProjectController, type SessionLike } from '../../../src-main/electron/project-controller';
import type { StopOutcome } from '../../../src-main/electron/shutdown';

interface FakeSession extends SessionLike {
  status: SessionLike['status'];
  closed: boolean;
  reloads: number;
  /** Resolves the close() in progress. */
  finishClose(): void;
}

interface Resolved {
  config: { projectDir: string };
  options: readonly string[];
}

/** A controller over fake sessions; `log` records what happened, in order. */
function setup(options: { problems?: Record<string, string>; openFails?: string[]; slowClose?: boolean } = {}) {
  const log: string[] = [];
  const sessions: FakeSession[] = [];
  const recent: string[] = [];
  const changes: (string | null)[] = [];
  const errors: [string, string][] = [];
  const controller = createProjectController<Resolved, FakeSession>({
    resolve: (folder, serveOptions) => ({ config: { projectDir: path.resolve('/home/me', folder) }, options: serveOptions }),
    check: (resolved) => options.problems?.[resolved.config.projectDir] ?? null,
    async open(resolved) {
      const folder = resolved.config.projectDir;
      if (options.openFails?.includes(folder)) throw new Error(`python3 not found for ${folder}`);
      log.push(`open ${folder}`);
      let finishClose: () => void = () => {};
      const session: FakeSession = {
        folder,
        status: 'running',
        closed: false,
        reloads: 0,
        gateway: { url: 'http://127.0.0.1:8000' },
        host: {
          commands: {
            reload: async () => {
              session.reloads++;
            },
          } as unknown as SessionLike['host']['commands'],
          subscribe: () => () => {},
        },
        close() {
          log.push(`close ${folder}`);
          session.status = 'closing';
          return new Promise<StopOutcome>((resolve) => {
            finishClose = () => {
              session.closed = true;
              session.status = 'closed';
              log.push(`closed ${folder}`);
              resolve('graceful');
            };
            if (!options.slowClose) finishClose();
          });
        },
        finishClose: () => finishClose(),
      };
      sessions.push(session);
      return session;
    },
    onChange: (session) => changes.push(session?.folder ?? null),
    onError: (folder, message) => errors.push([folder, message]),
    recent: {
      add: (folder) => {
        recent.splice(0, recent.length, folder, ...recent.filter((entry) => entry !== folder));
      },
      remove: (folder) => {
        const index = recent.indexOf(folder);
        if (index >= 0) recent.splice(index, 1);
      },
    },
  });
  return { controller, log, sessions, recent, changes, errors };
}

describe('project controller', () => {
  it('opens a project: the session becomes current, the folder goes first in the recent list', async () => {
    const { controller, recent, changes } = setup();
    await expect(controller.open('/p/a')).resolves.toBe(true);
    expect(controller.current?.folder).toBe('/p/a');
    expect(recent).toEqual(['/p/a']);
    expect(changes).toEqual(['/p/a']);
  });

  it('closes the open project (its port freed) before starting the next', async () => {
    const { controller, log, sessions } = setup();
    await controller.open('/p/a');
    await controller.open('/p/b');
    expect(log).toEqual(['open /p/a', 'close /p/a', 'closed /p/a', 'open /p/b']);
    expect(sessions[0].closed).toBe(true);
    expect(controller.current?.folder).toBe('/p/b');
  });

  it('keeps the open project when the new folder is not a project, and says why', async () => {
    const { controller, log, errors } = setup({ problems: { '/p/empty': 'no WSGI app found in /p/empty: pass --app module:callable' } });
    await controller.open('/p/a');
    await expect(controller.open('/p/empty')).resolves.toBe(false);
    expect(controller.current?.folder).toBe('/p/a');
    expect(log).toEqual(['open /p/a']);
    expect(errors).toEqual([['/p/empty', 'no WSGI app found in /p/empty: pass --app module:callable']]);
  });

  it('drops a recent folder that no longer exists', async () => {
    const { controller, recent } = setup({ problems: { '/p/gone': '/p/gone does not exist' } });
    await controller.open('/p/gone');
    recent.push('/p/gone');
    await controller.open('/p/gone');
    expect(recent).toEqual([]);
  });

  it('is left with no project when the new one fails to start after the old one closed', async () => {
    const { controller, changes, errors } = setup({ openFails: ['/p/b'] });
    await controller.open('/p/a');
    await expect(controller.open('/p/b')).resolves.toBe(false);
    expect(controller.current).toBeNull();
    expect(changes).toEqual(['/p/a', null]);
    expect(errors[0][1]).toMatch(/python3 not found/);
  });

  it('does nothing for the folder already open (a second launch on the same project)', async () => {
    const { controller, log } = setup();
    await controller.open('/p/a');
    await expect(controller.open('/p/a/')).resolves.toBe(true);
    expect(log).toEqual(['open /p/a']);
  });

  it('resolves relative folders as the resolver says', async () => {
    const { controller } = setup();
    await controller.open('site');
    expect(controller.current?.folder).toBe('/home/me/site');
  });

  it('supersedes requests that have not started when a newer one comes', async () => {
    const { controller, log } = setup();
    await controller.open('/p/a');
    const requests = [controller.open('/p/b'), controller.open('/p/c'), controller.open('/p/d')];
    await expect(Promise.all(requests)).resolves.toEqual([false, false, true]);
    expect(log).toEqual(['open /p/a', 'close /p/a', 'closed /p/a', 'open /p/d']);
  });

  it('runs one switch at a time: a request made during a switch waits for it, then runs', async () => {
    const { controller, log } = setup({ slowClose: true });
    await controller.open('/p/a');
    const toB = controller.open('/p/b');
    await vi.waitFor(() => expect(log).toContain('close /p/a'));
    const toC = controller.open('/p/c');
    expect(controller.current?.folder).toBe('/p/a');
    (controller.current as FakeSession).finishClose();
    // b had started: it finishes (and is current for a moment) before c closes it.
    await expect(toB).resolves.toBe(true);
    await vi.waitFor(() => expect(log).toContain('close /p/b'));
    (controller.current as FakeSession).finishClose();
    await expect(toC).resolves.toBe(true);
    expect(log.filter((line) => line.startsWith('open'))).toEqual(['open /p/a', 'open /p/b', 'open /p/c']);
  });

  it('Reload App reloads the workers of a running project', async () => {
    const { controller, sessions } = setup();
    await controller.open('/p/a');
    await controller.reload();
    expect(sessions[0].reloads).toBe(1);
    expect(sessions).toHaveLength(1);
  });

  it('Reload App opens a project that failed to start anew, with the same options', async () => {
    const { controller, sessions, log } = setup();
    await controller.open('/p/a', ['--workers', '3']);
    sessions[0].status = 'failed';
    await controller.reload();
    expect(log).toEqual(['open /p/a', 'close /p/a', 'closed /p/a', 'open /p/a']);
    expect(controller.current).toBe(sessions[1]);
  });

  it('reopens the folder already open when it failed, or with new options', async () => {
    const { controller, sessions } = setup();
    await controller.open('/p/a');
    sessions[0].status = 'failed';
    await controller.open('/p/a');
    expect(sessions).toHaveLength(2);
    await controller.open('/p/a', ['--workers', '4']);
    expect(sessions).toHaveLength(3);
  });

  it('close() stops the project for good: later and pending opens are refused', async () => {
    const { controller, sessions, log } = setup();
    await controller.open('/p/a');
    const pending = controller.open('/p/b');
    await expect(controller.close()).resolves.toBe('graceful');
    await expect(pending).resolves.toBe(false);
    await expect(controller.open('/p/c')).resolves.toBe(false);
    expect(sessions.every((session) => session.status === 'closed')).toBe(true);
    expect(log.at(-1)).toBe('closed /p/a');
  });

  it('close() with nothing open resolves null', async () => {
    await expect(setup().controller.close()).resolves.toBeNull();
  });
});
