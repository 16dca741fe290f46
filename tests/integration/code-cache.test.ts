/** The CLI's V8 code cache (bin/forkwatch.cjs): written at exit, and never in the way. */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { APPS_DIR, PYTHON, REPO, startCli, stopAll } from './support/servers';

const CACHE = path.join(REPO, 'out/cli/forkwatch.cjs.v8cache');

afterEach(stopAll);

async function serveOnce(): Promise<void> {
  const cli = await startCli([APPS_DIR, '--app', 'wsgi_apps:hello', '--bind', '127.0.0.1:0', '--python', PYTHON, '--workers', '1']);
  const response = await fetch(cli.url);
  expect(await response.text()).toBe('Hello, World!');
  expect(await cli.stop('SIGTERM')).toBe(0);
}

describe('the code cache', () => {
  it('replaces a cache V8 rejects with the code this run compiled, and serves either way', async () => {
    // The bundle must exist first: building it clears out/cli.
    expect(spawnSync(process.execPath, [path.join(REPO, 'bin/forkwatch.cjs'), '--help']).status).toBe(0);
    const garbage = Buffer.from('not a V8 code cache '.repeat(8));
    writeFileSync(CACHE, garbage);
    await serveOnce();
    const written = readFileSync(CACHE);
    expect(written.equals(garbage)).toBe(false);
    // Covers the request path, not just the top level of the bundle.
    expect(written.length).toBeGreaterThan(20_000);
    await serveOnce();
  });
});
