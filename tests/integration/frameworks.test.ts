/** The bundled Flask and Django examples through real workers (Debian's python3 has the frameworks). */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO, startCli, stopAll } from './support/servers';

const DEBIAN_PYTHON = '/usr/bin/python3';
afterEach(stopAll);

const example = (name: string) => path.join(REPO, 'resources/examples', name);

describe.skipIf(!existsSync(DEBIAN_PYTHON))('framework examples', () => {
  it('serves the Flask example: JSON, a form post with a redirect, a template, an app error', async () => {
    const cli = await startCli([example('flask-todo'), '--bind', '127.0.0.1:0', '--python', DEBIAN_PYTHON]);
    expect(cli.output()).toMatch(/Serving app:app/);
    const todos = (await (await fetch(`${cli.url}/api/todos`)).json()) as { title: string }[];
    expect(todos[0].title).toBe('Open Forkwatch');
    const posted = await fetch(`${cli.url}/todos`, { method: 'POST', body: new URLSearchParams({ title: 'Write tests' }), redirect: 'manual' });
    expect(posted.status).toBe(303);
    await cli.waitForOutput(/added todo 'Write tests'/);
    const page = await (await fetch(cli.url)).text();
    expect(page).toContain('Write tests');
    const boom = await fetch(`${cli.url}/boom`);
    expect(boom.status).toBe(500);
  });

  it('finds and serves the Django example', async () => {
    const cli = await startCli([example('django-notes'), '--bind', '127.0.0.1:0', '--python', DEBIAN_PYTHON]);
    expect(cli.output()).toMatch(/Serving notes\.wsgi:application/);
    const api = (await (await fetch(`${cli.url}/api/notes?x=1`)).json()) as { path: string; method: string };
    expect(api).toMatchObject({ path: '/api/notes', method: 'GET' });
    expect(await (await fetch(cli.url)).text()).toContain('<h1>Notes</h1>');
  });
});
