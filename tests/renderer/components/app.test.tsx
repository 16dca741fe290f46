import { beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { App } from '@renderer/App';
import { createFakeClient } from '../support/fake-client';
import { server, snapshot } from '../support/fixtures';
import { renderApp } from '../support/render';
import { fakeLayout, microtaskScheduler, useStoreReset } from '../support/setup';

useStoreReset();
let restoreLayout: () => void;
beforeAll(() => (restoreLayout = fakeLayout()));
afterAll(() => restoreLayout());

describe('App', () => {
  it('shows the project, app, interpreter, URL and server state in the header', async () => {
    await renderApp();
    expect(screen.getByTestId('project-dir').textContent).toBe('/home/dev/hello');
    expect(screen.getByTestId('app-spec').textContent).toBe('app:app');
    expect(screen.getByTestId('python-version').textContent).toBe('python3 3.11.7');
    const link = screen.getByTestId('server-url') as HTMLAnchorElement;
    expect(link.href).toBe('http://127.0.0.1:8000/');
    expect(link.target).toBe('_blank');
    expect(screen.getByTestId('server-state').dataset.state).toBe('running');
    expect(screen.getByTestId('worker-count').textContent).toBe('2 workers');
  });

  it('runs the header commands: reload and worker count', async () => {
    const { client } = await renderApp();
    fireEvent.click(screen.getByTestId('reload-button'));
    fireEvent.click(screen.getByTestId('worker-count-inc'));
    fireEvent.click(screen.getByTestId('worker-count-dec'));
    expect(client.calls.filter((c) => c.name !== 'snapshot' && c.name !== 'exchange' && c.name !== 'workerStack')).toEqual([
      { name: 'reload', args: [] },
      { name: 'setWorkerCount', args: [3] },
      { name: 'setWorkerCount', args: [1] },
    ]);
  });

  it('shows a failed reload with its traceback and that the previous version still serves', async () => {
    const failed = server({
      generation: 3,
      failure: { reason: 'reload failed', at: 1_700_000_000_000, error: { type: 'SyntaxError', message: 'invalid syntax', traceback: 'Traceback (most recent call last):\n  File "app.py", line 2\nSyntaxError: invalid syntax' } },
    });
    await renderApp(createFakeClient({ snapshot: snapshot({ server: failed }) }));
    const banner = screen.getByTestId('failure-banner');
    expect(banner.textContent).toContain('SyntaxError: invalid syntax');
    expect(banner.textContent).toContain('previous version (generation 3) still serves');
    expect(within(banner).getByTestId('failure-traceback').textContent).toContain('File "app.py", line 2');
  });

  it('shows the start screen when the server is stopped, with the open action disabled', async () => {
    render(<App client={createFakeClient({ snapshot: snapshot({ server: server({ state: 'stopped' }) }) })} schedule={microtaskScheduler} />);
    await screen.findByTestId('start-screen');
    const open = screen.getByTestId('open-project') as HTMLButtonElement;
    expect(open.disabled).toBe(true);
    expect(open.parentElement?.title).toMatch(/not available/);
    expect(screen.getAllByTestId('example-project').map((e) => e.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining('hello'), expect.stringContaining('flask-todo')]),
    );
  });

  it('in the desktop app with no project open, opens a folder or a recent project', async () => {
    const openFolder = vi.fn(async () => false);
    const openRecent = vi.fn(async () => true);
    const client = createFakeClient({
      handlers: {
        snapshot: () => {
          throw new Error('No project is open: use File > Open Folder');
        },
      },
    });
    client.desktop = { openFolder, recentProjects: async () => ['/home/dev/shop', '/home/dev/blog'], openRecent };
    render(<App client={client} schedule={microtaskScheduler} />);
    await screen.findByTestId('start-screen');
    fireEvent.click(screen.getByTestId('open-project'));
    expect(openFolder).toHaveBeenCalledTimes(1);
    const recent = await screen.findAllByTestId('recent-project');
    expect(recent.map((r) => r.textContent)).toEqual(['/home/dev/shop', '/home/dev/blog']);
    fireEvent.click(within(recent[1]).getByRole('button'));
    expect(openRecent).toHaveBeenCalledWith('/home/dev/blog');
  });

  it('says when the connection is lost', async () => {
    const { client } = await renderApp();
    act(() => client.setStatus({ state: 'reconnecting', detail: 'connection lost; retrying in 1 s' }));
    expect(screen.getByTestId('connection-status').dataset.state).toBe('reconnecting');
  });
});
