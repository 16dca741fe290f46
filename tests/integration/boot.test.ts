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
import { fixtureGatewayOptions } from './support/servers';

const started: Gateway[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((gateway) => gateway.close(false)));
});

/** A project whose app takes `importSeconds` to import (or fails to, given `broken`). */
function project(importSeconds: number, broken = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-boot-'));
  writeFileSync(
    path.join(dir, 'app.py'),
    [
      'import os, time',
      `time.sleep(${importSeconds})  # a slow import (Django's settings, a big model)`,
      broken ? 'raise RuntimeError("the database is not there")' : '',
      'IMPORTED_BY = os.getpid()',
      'def app(environ, start_response):',
      '    start_response("200 OK", [("Content-Type", "text/plain")])',
      '    return [b"imported by %d" % IMPORTED_BY]',
      '',
    ].join('\n'),
  );
  return dir;
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
    const gateway = gatewayFor(project(0.5));
    let startedAt = 0;
    const starting = gateway.start().then(() => (startedAt = performance.now()));
    const port = await listeningPort(gateway);
    expect(gateway.arbiter.list().every((worker) => worker.state === 'booting')).toBe(true);

    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const answeredAt = performance.now();
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
      const gateway = gatewayFor(project(0), port);
      const spawned: number[] = [];
      gateway.arbiter.on('worker-spawned', (worker) => spawned.push(worker.pid));
      await expect(gateway.start()).rejects.toThrow(/EADDRINUSE/);
      expect(spawned).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('answers a request sent during a failing import with 503, then closes the port', async () => {
    const gateway = gatewayFor(project(0.3, true));
    const starting = gateway.start();
    const failed = starting.then(
      () => null,
      (error: Error) => error,
    );
    const port = await listeningPort(gateway);
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect((await failed)?.message).toMatch(/the database is not there/);
    await expect(rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).rejects.toThrow(/ECONNREFUSED/);
  });
});
