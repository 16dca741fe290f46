/** What a failed reload serves: the previous generation (keep) or the traceback page (serve). */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGateway } from '../../src-main/gateway/gateway';
import { PYTHON, stopAll } from './support/servers';

const gateways: { close(graceful?: boolean): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close(false)));
  await stopAll();
});

const appSource = (text: string) => `def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"${text}"]\n`;

async function projectGateway(reloadErrors: 'keep' | 'serve') {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-reload-errors-'));
  writeFileSync(path.join(dir, 'app.py'), appSource('v1'));
  const gateway = createGateway({
    projectDir: dir, app: 'app:app', python: PYTHON, host: '127.0.0.1', port: 0, rootPath: '',
    workers: 1, timeout: 30, gracefulTimeout: 5, maxRequests: 0, maxRequestsJitter: 0, backlog: 100,
    capture: false, reloadErrors,
  });
  gateways.push(gateway);
  await gateway.start();
  return { gateway, dir };
}

describe('a reload whose code does not import', () => {
  it('keeps the previous generation serving by default', async () => {
    const { gateway, dir } = await projectGateway('keep');
    writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response:\n');
    const failed = once(gateway.arbiter, 'reload-failed');
    gateway.arbiter.reload(['app.py']);
    const [event] = await failed;
    expect(event.failure.type).toBe('SyntaxError');
    expect(event.failure.filename).toMatch(/app\.py$/);
    expect(event.failure.lineno).toBe(1);
    const response = await fetch(gateway.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('v1');
  });

  it('answers with the traceback page under reloadErrors "serve", until the code is fixed', async () => {
    const { gateway, dir } = await projectGateway('serve');
    writeFileSync(path.join(dir, 'app.py'), 'import no_such_module_here\n');
    const failed = once(gateway.arbiter, 'reload-failed');
    gateway.arbiter.reload(['app.py']);
    await failed;
    const broken = await fetch(gateway.url);
    expect(broken.status).toBe(500);
    const page = await broken.text();
    expect(page).toContain('app.py changed');
    expect(page).toContain('ModuleNotFoundError');

    writeFileSync(path.join(dir, 'app.py'), appSource('v2'));
    const finished = once(gateway.arbiter, 'reload-finished');
    gateway.arbiter.reload(['app.py']);
    await finished;
    expect(await (await fetch(gateway.url)).text()).toBe('v2');
  });
});
