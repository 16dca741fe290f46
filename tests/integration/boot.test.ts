/**
 * The gateway's boot order, like gunicorn's: the port is bound first, then the workers import
 * the app; a request that arrives during the imports waits and is served once they are done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGateway, type Gateway } from '../../src-main/gateway/gateway';
import { rawExchange } from './support/raw-http';
import { fixtureGatewayOptions, waitFor } from './support/servers';

const started: Gateway[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((gateway) => gateway.close(false)));
});

/**
 * A project whose app import blocks until the test calls `finishImport()` (a slow import:
 * Django's settings, a big model), then succeeds or, given `broken`, raises.
 */
function project(broken = false): { dir: string; finishImport: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-boot-'));
  const gate = path.join(dir, 'imports-may-finish');
  writeFileSync(
    path.join(dir, 'app.py'),
    [
      'import os, time',
      '# Polls the gate the test opens: the import lasts exactly as long as the test holds it.',
      `while not os.path.exists(${JSON.stringify(gate)}):`,
      '    time.sleep(0.01)',
      broken ? 'raise RuntimeError("the database is not there")' : '',
      'IMPORTED_BY = os.getpid()',
      'def app(environ, start_response):',
      '    start_response("200 OK", [("Content-Type", "text/plain")])',
      '    return [b"imported by %d" % IMPORTED_BY]',
      '',
    ].join('\n'),
  );
  return { dir, finishImport: () => writeFileSync(gate, '') };
}

function gatewayFor(dir: string, port = 0): Gateway {
  const gateway = createGateway(fixtureGatewayOptions('app:app', { projectDir: dir, port, standby: false }));
  started.push(gateway);
  return gateway;
}

function listeningPort(gateway: Gateway): Promise<number> {
  const portOf = () => (gateway.server.address() as net.AddressInfo).port;
  if (gateway.server.listening) return Promise.resolve(portOf());
  return new Promise((resolve) => gateway.server.once('listening', () => resolve(portOf())));
}

describe('boot', () => {
  it('binds before the workers import the app, and serves a request sent meanwhile once every worker has imported it', async () => {
    const { dir, finishImport } = project();
    const gateway = gatewayFor(dir);
    let startedAt = 0;
    const starting = gateway.start().then(() => (startedAt = performance.now()));
    const port = await listeningPort(gateway);
    await waitFor(() => gateway.arbiter.list().length === 2, 10_000, 'both workers to be spawned');
    expect(gateway.arbiter.list().every((worker) => worker.state === 'booting')).toBe(true);

    let answeredAt = 0;
    const received = new Promise((resolve) => gateway.server.once('request', resolve));
    const answer = rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').then((text) => {
      answeredAt = performance.now();
      return text;
    });
    // Received while the imports are held: the request must be waiting, not answered.
    await received;
    expect(answeredAt).toBe(0);
    expect(startedAt).toBe(0);

    finishImport();
    const text = await answer;
    await starting;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    const servedBy = Number(/imported by (\d+)/.exec(text)?.[1]);
    expect(gateway.arbiter.list().map((worker) => worker.pid)).toContain(servedBy);
    // Served only after the whole first generation was up, not by the first worker to finish.
    expect(startedAt).toBeGreaterThan(0);
    expect(startedAt).toBeLessThanOrEqual(answeredAt);
  });

  it('fails at once on a port that is taken, without booting a worker', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const { dir, finishImport } = project();
      finishImport();
      const gateway = gatewayFor(dir, port);
      const spawned: number[] = [];
      gateway.arbiter.on('worker-spawned', (worker) => spawned.push(worker.pid));
      await expect(gateway.start()).rejects.toThrow(/EADDRINUSE/);
      expect(spawned).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('answers a request sent during a failing import with 503, then closes the port', async () => {
    const { dir, finishImport } = project(true);
    const gateway = gatewayFor(dir);
    const failed = gateway.start().then(
      () => null,
      (error: Error) => error,
    );
    const port = await listeningPort(gateway);
    const received = new Promise((resolve) => gateway.server.once('request', resolve));
    const answer = rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await received;
    finishImport();
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect((await failed)?.message).toMatch(/the database is not there/);
    await expect(rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).rejects.toThrow(/ECONNREFUSED/);
  });
});
