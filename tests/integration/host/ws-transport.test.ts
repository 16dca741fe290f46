/**
 * The browser transport over a real gateway, real capture and a real WebSocket: who gets in,
 * commands round-tripping, and events arriving batched.
 */
import http from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { ExchangeSummary, InspectorSnapshot, WorkerStatus } from '../../../src-main/contract';
import { rawExchange } from '../support/raw-http';
import { waitFor } from '../support/servers';
import { ReferenceClient, startInspected, stopInspected, wsUrl, type Inspected } from './harness';

/** A GET with full control over the Host header (fetch will not send a foreign one). */
function get(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: target, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function refusal(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  try {
    await ReferenceClient.connect(url, options);
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? -1;
  }
  throw new Error('the connection was accepted');
}

const liveWorkers = (workers: WorkerStatus[]) => workers.filter((w) => w.state !== 'stopping' && w.state !== 'dead');

let renderer: string;
let inspected: Inspected;
let port: number;
let token: string;

beforeAll(async () => {
  renderer = mkdtempSync(path.join(tmpdir(), 'forkwatch-renderer-'));
  mkdirSync(path.join(renderer, 'assets'));
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Forkwatch</title><script type="module" src="./assets/app-1234.js"></script>');
  writeFileSync(path.join(renderer, 'assets/app-1234.js'), 'console.log("inspector");');
  writeFileSync(path.join(renderer, 'assets/style.css'), 'body{}');
  writeFileSync(path.join(path.dirname(renderer), 'forkwatch-secret.txt'), 'secret');
  inspected = await startInspected('pid', { transport: { rendererDir: renderer } });
  port = inspected.transport!.port;
  token = inspected.transport!.token;
});

afterAll(async () => {
  await stopInspected();
  rmSync(renderer, { recursive: true, force: true });
});

describe('who may connect', () => {
  it('prints a URL on 127.0.0.1 with a 32-character base64url token', () => {
    const url = new URL(inspected.transport!.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(port);
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('token')).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('serves the page with the token, on each local host name', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const page = await get(port, `/?token=${token}`, { Host: host });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('<title>Forkwatch</title>');
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('refuses the page and the API without the token or with a wrong one', async () => {
    for (const target of ['/', '/index.html', '/api/snapshot', `/?token=${token.slice(0, -1)}`, `/?token=${token}x`, '/?token=', `/api/snapshot?token=${'A'.repeat(32)}`]) {
      const answer = await get(port, target);
      expect(answer.status, target).toBe(403);
      expect(answer.body).not.toContain('Forkwatch</title>');
    }
  });

  it('refuses a foreign Host header on every request, token or not (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `127.0.0.1`, `localhost.evil.example:${port}`]) {
      for (const target of [`/?token=${token}`, `/api/snapshot?token=${token}`, '/assets/app-1234.js']) {
        const answer = await get(port, target, { Host: host });
        expect(answer.status, `${host} ${target}`).toBe(403);
      }
    }
    // No Host at all (HTTP/1.0).
    const raw = await rawExchange(port, `GET /?token=${token} HTTP/1.0\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 403/);
  });

  it('refuses WebSocket upgrades without the token, with a wrong one, from a foreign Host or Origin', async () => {
    const transport = inspected.transport!;
    expect(await refusal(wsUrl(transport, null))).toBe(403);
    expect(await refusal(wsUrl(transport, 'wrong'))).toBe(403);
    expect(await refusal(wsUrl(transport, token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase()))).toBe(403);
    expect(await refusal(wsUrl(transport), { headers: { Host: `evil.example:${port}` } })).toBe(403);
    expect(await refusal(wsUrl(transport), { origin: 'http://evil.example' })).toBe(403);
    expect(await refusal(wsUrl(transport), { origin: `http://127.0.0.1:${port}.evil.example` })).toBe(403);
    expect(await refusal(`ws://127.0.0.1:${port}/elsewhere?token=${token}`)).toBe(404);
    // The right token, a local Host and the page's own Origin get in.
    const client = await ReferenceClient.connect(wsUrl(transport), { origin: `http://localhost:${port}`, headers: { Host: `localhost:${port}` } });
    await client.close();
  });
});

describe('the renderer files', () => {
  it('serves static files with their content types, without the token', async () => {
    const script = await get(port, '/assets/app-1234.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log("inspector");');
    expect((await get(port, '/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(port, '/assets/missing.js')).status).toBe(404);
    expect((await get(port, '/assets')).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const target of [
      '/../forkwatch-secret.txt',
      '/assets/../../forkwatch-secret.txt',
      '/%2e%2e/forkwatch-secret.txt',
      '/assets/..%2f..%2fforkwatch-secret.txt',
      '/..%5cforkwatch-secret.txt',
      '/%00index.html',
      '/%E0%A4%A',
      '//etc/passwd',
    ]) {
      const raw = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(raw, target).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(raw).not.toContain('secret');
    }
  });

  it('answers 503 with "npm run build" when the renderer is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'forkwatch-unbuilt-'));
    try {
      const { transport } = await startInspected('pid', { gateway: { workers: 1 }, transport: { rendererDir: empty } });
      const page = await get(transport!.port, `/?token=${transport!.token}`);
      expect(page.status).toBe(503);
      expect(page.body).toContain('npm run build');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answers 405 to methods other than GET and HEAD', async () => {
    const raw = await rawExchange(port, `POST /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 405/);
  });

  it('serves the snapshot at /api/snapshot for debugging', async () => {
    const answer = await get(port, `/api/snapshot?token=${token}`);
    expect(answer.status).toBe(200);
    const snapshot = JSON.parse(answer.body) as InspectorSnapshot;
    expect(snapshot.server.state).toBe('running');
    expect(snapshot.workers.map((w) => w.pid).sort()).toEqual(inspected.gateway.arbiter.list().map((w) => w.pid).sort());
  });
});

describe('commands and events over the WebSocket', () => {
  it('round-trips snapshot: real worker pids, server info', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    const snapshot = await client.call('snapshot');
    const pids = snapshot.workers.map((w) => w.pid).sort();
    expect(pids).toEqual(inspected.gateway.arbiter.list().map((w) => w.pid).sort());
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    expect(snapshot.server).toMatchObject({ state: 'running', url: inspected.gateway.url, workerCount: 2, generation: 1, capture: 'on', app: 'wsgi_apps:pid' });
    expect(snapshot.server.pythonVersion).toMatch(/^3\.\d+/);
    expect(snapshot.arbiterLog.some((entry) => entry.kind === 'spawned')).toBe(true);
    await client.close();
  });

  it('returns errors for unknown commands, bad arguments and malformed messages, and keeps the connection', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    await expect(client.send('nope', [])).rejects.toThrow(/unknown command/);
    await expect(client.send('setWorkerCount', [0])).rejects.toThrow(/1 to 64/);
    await expect(client.send('setWorkerCount', [1000])).rejects.toThrow(/1 to 64/);
    await expect(client.send('exchange', ['1'])).rejects.toThrow(/integer/);
    await expect(client.send('setCapture', ['loud'])).rejects.toThrow(/'on', 'paused', 'off'/);
    await expect(client.send('replay', [1, { url: 'no-slash' }])).rejects.toThrow(/url/);
    await expect(client.call('workerStack', 999_999_999)).rejects.toThrow(/no worker/);
    expect(await client.call('exchange', 987_654)).toBeNull();
    // Not JSON, and JSON without an id: answered with id -1.
    const answered = new Promise<string>((resolve) => client.socket.once('message', (data) => resolve(data.toString())));
    client.socket.send('{not json');
    expect(JSON.parse(await answered)).toEqual({ id: -1, error: 'message is not JSON' });
    expect((await client.call('snapshot')).workers.length).toBeGreaterThan(0);
    await client.close();
  });

  it('killWorker: a new pid appears in a later workers event', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    const before = (await client.call('snapshot')).workers.map((w) => w.pid);
    const victim = before[0];
    const from = client.events.length;
    expect(await client.call('killWorker', victim)).toBe(true);
    const replaced = await client.waitForEvent(
      (event) => event.type === 'workers' && !event.workers.some((w) => w.pid === victim) && liveWorkers(event.workers).filter((w) => w.state === 'idle').length === 2 && event.workers,
      'a replacement worker',
      from,
    );
    const fresh = replaced.map((w) => w.pid).filter((pid) => !before.includes(pid));
    expect(fresh).toHaveLength(1);
    await client.waitForEvent((event) => event.type === 'arbiter' && event.entries.some((e) => e.kind === 'exited' && e.pid === victim), 'the exit in the arbiter log', from);
    expect(await client.call('killWorker', victim)).toBe(false);
    await client.close();
  });

  it('setWorkerCount(3) yields 3 workers, then back to 2', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    const from = client.events.length;
    await client.call('setWorkerCount', 3);
    await client.waitForEvent((event) => event.type === 'workers' && liveWorkers(event.workers).filter((w) => w.state === 'idle').length === 3, '3 idle workers', from);
    await client.waitForEvent((event) => event.type === 'server' && event.server.workerCount === 3, 'server.workerCount 3', from);
    await client.waitForEvent((event) => event.type === 'arbiter' && event.entries.some((e) => e.kind === 'scaled' && e.message === 'Workers: 2 -> 3'), 'the scaled log line', from);
    const back = client.events.length;
    await client.call('setWorkerCount', 2);
    await client.waitForEvent((event) => event.type === 'workers' && event.workers.length === 2 && liveWorkers(event.workers).length === 2, '2 workers', back);
    await client.close();
  });

  it('delivers events batched: 300 fast requests, at most ~20 deliveries a second, every exchange completed', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    const from = client.events.length;
    const startIds = new Set((await client.call('snapshot')).exchanges.map((e) => e.id));
    const started = performance.now();
    const urls = Array.from({ length: 300 }, (_, i) => `/batch/${i}`);
    for (let i = 0; i < urls.length; i += 20) {
      await Promise.all(urls.slice(i, i + 20).map(async (url) => (await fetch(inspected.gateway.url + url)).text()));
    }
    // Wait until every one of them arrived complete (latest row per id).
    const latest = new Map<number, ExchangeSummary>();
    await client.waitForEvent(
      (event) => {
        if (event.type === 'exchanges') for (const row of event.exchanges) if (!startIds.has(row.id)) latest.set(row.id, row);
        const done = [...latest.values()].filter((row) => row.url.startsWith('/batch/') && row.outcome === 'ok');
        return done.length === 300;
      },
      '300 completed exchanges',
      from,
    );
    const elapsed = performance.now() - started;
    const deliveries = client.events.slice(from).filter(({ event }) => event.type === 'exchanges');
    // One delivery per 50 ms at most, plus the first, which goes out at once.
    expect(deliveries.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    expect(deliveries.length).toBeLessThan(300);
    // Never more than ~20 in any second (what the client sees; loop delays may bunch two up).
    for (const delivery of deliveries) {
      const inWindow = deliveries.filter((d) => d.at >= delivery.at && d.at < delivery.at + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(22);
    }
    const summaries = [...latest.values()].filter((row) => row.url.startsWith('/batch/'));
    expect(new Set(summaries.map((row) => row.url)).size).toBe(300);
    expect(summaries.every((row) => row.status === 200 && row.workerPid !== null)).toBe(true);
    await client.close();
  });

  it('exchange, curl, diff, exportHar, replay and clear over the wire', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    await fetch(inspected.gateway.url + '/one?x=1');
    await fetch(inspected.gateway.url + '/two');
    const rows = await waitFor(() => {
      const summaries = inspected.capture.store.summaries();
      const one = summaries.find((row) => row.url === '/one?x=1' && row.outcome === 'ok');
      const two = summaries.find((row) => row.url === '/two' && row.outcome === 'ok');
      return one && two ? { one, two } : undefined;
    }, 10_000, 'two exchanges');
    if (!rows) throw new Error('unreachable');
    const record = await client.call('exchange', rows.one.id);
    expect(record).toMatchObject({ id: rows.one.id, method: 'GET', url: '/one?x=1', status: 200 });
    expect(await client.call('curl', rows.one.id)).toMatch(/^curl /);
    expect(await client.call('curl', 999_999)).toBeNull();
    const diff = await client.call('diff', rows.one.id, rows.two.id);
    expect(diff).toHaveProperty('status');
    expect(await client.call('diff', rows.one.id, 999_999)).toBeNull();
    const har = JSON.parse(await client.call('exportHar', [rows.one.id, rows.two.id]));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(2);
    expect(JSON.parse(await client.call('exportHar')).log.entries.length).toBe(inspected.capture.store.size);
    const replayId = await client.call('replay', rows.one.id, { url: '/one?x=2', headers: [['X-Replayed', 'yes']] });
    expect(replayId).toBeGreaterThan(rows.two.id);
    await client.waitForEvent((event) => event.type === 'exchanges' && event.exchanges.some((row) => row.id === replayId && row.replayOf === rows.one.id && row.outcome === 'ok'), 'the replay');
    await expect(client.call('replay', 999_999)).rejects.toThrow(/no exchange/);
    const from = client.events.length;
    await client.call('clear');
    await client.waitForEvent((event) => event.type === 'cleared', 'cleared', from);
    expect((await client.call('snapshot')).exchanges).toEqual([]);
    await client.close();
  });

  it('setCapture pauses recording and says so in a server event', async () => {
    const client = await ReferenceClient.connect(wsUrl(inspected.transport!));
    const from = client.events.length;
    await client.call('setCapture', 'paused');
    await client.waitForEvent((event) => event.type === 'server' && event.server.capture === 'paused', 'capture paused', from);
    const before = inspected.capture.store.size;
    await (await fetch(inspected.gateway.url + '/not-recorded')).text();
    expect(inspected.capture.store.size).toBe(before);
    await client.call('setCapture', 'on');
    await client.waitForEvent((event) => event.type === 'server' && event.server.capture === 'on', 'capture on', from);
    await client.close();
  });

  it('ends its connections on close', async () => {
    const { transport } = await startInspected('pid', { gateway: { workers: 1 }, transport: { rendererDir: renderer } });
    const client = await ReferenceClient.connect(wsUrl(transport!));
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    await transport!.close();
    expect(await closed).toBe(1001);
    await expect(get(transport!.port, '/')).rejects.toThrow();
  });
});
