/** Every captured field, from a real request through real workers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../src-main/contract';
import { createCapture, type Capture } from '../../src-main/gateway/capture';
import type { Gateway } from '../../src-main/gateway/gateway';
import { startGateway, stopAll, waitFor } from './support/servers';

afterAll(stopAll);

/** A gateway serving one fixture app with capture on. */
async function captured(app: string, options: Parameters<typeof createCapture>[1] = {}, gatewayOptions = {}) {
  const gateway = await startGateway(app, { capture: true, workers: 1, ...gatewayOptions });
  const capture = createCapture(gateway, options);
  return { gateway, capture };
}

/** The completed record of the newest exchange whose url matches. */
async function recorded(capture: Capture, url: string): Promise<ExchangeRecord> {
  const found = await waitFor(() => capture.store.records().findLast((record) => record.url === url && record.outcome !== 'pending'), 10_000, `exchange ${url}`);
  return found!;
}

/** The record `id` once it completed. */
async function completed(capture: Capture, id: number): Promise<ExchangeRecord> {
  const found = await waitFor(() => {
    const record = capture.store.get(id);
    return record && record.outcome !== 'pending' ? record : undefined;
  }, 10_000, `exchange #${id}`);
  return found!;
}

const text = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('capture of an exchange', () => {
  let gateway: Gateway;
  let capture: Capture;
  beforeAll(async () => ({ gateway, capture } = await captured('environ_json')));

  it('records the environ as the app received it, in order, with non-str values by type', async () => {
    await fetch(`${gateway.url}/path?q=1`, { headers: { 'X-Custom': 'yes' } });
    const record = await recorded(capture, '/path?q=1');
    const environ = new Map(record.environ);
    expect(environ.get('PATH_INFO')).toBe('/path');
    expect(environ.get('QUERY_STRING')).toBe('q=1');
    expect(environ.get('HTTP_X_CUSTOM')).toBe('yes');
    expect(environ.get('wsgi.input')).toMatch(/^<\w+>$/);
    expect(environ.get('wsgi.multiprocess')).toBe('<bool>');
    const keys = record.environ.map(([key]) => key);
    expect(keys.indexOf('REQUEST_METHOD')).toBeLessThan(keys.indexOf('wsgi.input'));
  });

  it('records worker, generation, timings in order, status and the wire headers the server added', async () => {
    await fetch(`${gateway.url}/timed`);
    const record = await recorded(capture, '/timed');
    const worker = gateway.arbiter.list()[0];
    expect(record.workerPid).toBe(worker.pid);
    expect(record.generation).toBe(1);
    const t = record.timings;
    expect(t.dispatched).toBeGreaterThanOrEqual(0);
    expect(t.startResponse!).toBeGreaterThanOrEqual(t.dispatched!);
    expect(t.firstByte!).toBeGreaterThanOrEqual(t.startResponse!);
    expect(t.complete!).toBeGreaterThanOrEqual(t.firstByte!);
    expect(record.status).toBe(200);
    expect(record.outcome).toBe('ok');
    expect(record.startResponse).toEqual([{ status: '200 OK', headers: [['Content-Type', 'application/json']] }]);
    const wireNames = record.responseHeaders.map(([name]) => name.toLowerCase());
    expect(wireNames).toEqual(expect.arrayContaining(['content-type', 'date', 'server']));
    expect(record.serverAddedHeaders.map((name) => name.toLowerCase())).toEqual(expect.arrayContaining(['date', 'server']));
    expect(record.serverAddedHeaders.map((name) => name.toLowerCase())).not.toContain('content-type');
  });

  it('records the request and response bodies', async () => {
    await fetch(`${gateway.url}/body`, { method: 'POST', body: 'hello body' });
    const record = await recorded(capture, '/body');
    expect(text(record.requestBody.base64)).toBe('hello body');
    expect(record.requestBody).toMatchObject({ size: 10, truncated: false });
    expect(record.requestBytesRead).toBe(10);
    expect(JSON.parse(text(record.responseBody.base64)).__body__).toBe('hello body');
    expect(record.responseChunks).toEqual([record.responseBody.size]);
  });
});

describe('capture details', () => {
  it('keeps what the app read apart from what was received, and truncates at the body limit', async () => {
    const { gateway, capture } = await captured('read_part', { bodyLimit: 8 });
    await fetch(`${gateway.url}/part`, { method: 'POST', body: '0123456789abcdef' });
    const record = await recorded(capture, '/part');
    expect(record.requestBytesRead).toBe(4);
    expect(record.requestBody).toEqual({ size: 16, truncated: true, base64: Buffer.from('01234567').toString('base64') });
  });

  it('keeps non-UTF-8 bytes as bytes and counts chunks', async () => {
    const { gateway, capture } = await captured('binary');
    await fetch(`${gateway.url}/bin`);
    const record = await recorded(capture, '/bin');
    expect([...Buffer.from(record.responseBody.base64, 'base64')]).toEqual([0xff, 0xfe, 0x00, 0x01, 0x80]);
    expect(record.responseChunks).toEqual([2, 2, 1]);
  });

  it('records stdout, stderr, wsgi.errors and logging records of the request', async () => {
    const { gateway, capture } = await captured('logs');
    await fetch(`${gateway.url}/logs`);
    const record = await recorded(capture, '/logs');
    const lines = record.logs.map((line) => `${line.stream}:${line.text}`);
    expect(lines).toEqual(expect.arrayContaining(['stdout:to stdout', 'stderr:to stderr', 'wsgi.errors:to wsgi.errors']));
    const logging = record.logs.find((line) => line.stream === 'logging');
    expect(logging).toMatchObject({ level: 'WARNING', logger: 'app.views' });
    expect(logging!.text).toContain('a logging record');
  });

  it('records every start_response call with exc_info', async () => {
    const { gateway, capture } = await captured('exc_info_replace');
    await fetch(`${gateway.url}/exc`);
    const record = await recorded(capture, '/exc');
    expect(record.status).toBe(500);
    expect(record.startResponse.map((call) => call.status)).toEqual(['200 OK', '500 Internal Server Error']);
    expect(record.startResponse[1].excInfo).toMatchObject({ type: 'KeyError' });
    expect(record.startResponse[1].excInfo!.traceback).toContain('raise KeyError');
  });

  it('records an app exception with its traceback and source lines', async () => {
    const { gateway, capture } = await captured('raise_early');
    await fetch(`${gateway.url}/boom`);
    const record = await recorded(capture, '/boom');
    expect(record.outcome).toBe('app-error');
    expect(record.status).toBe(500);
    expect(record.error).toMatchObject({ type: 'ValueError', message: 'boom before start_response' });
    expect(record.error!.traceback).toContain('raise ValueError("boom before start_response")');
    expect(record.error!.filename).toMatch(/wsgi_apps\.py$/);
  });

  it.each([
    ['hop_by_hop', /hop-by-hop/i],
    ['bad_status', /status/i],
    ['no_start_response', /start_response/i],
  ])('flags the PEP 3333 violation of %s, answers 500 and says why', async (app, message) => {
    const { gateway, capture } = await captured(app);
    const response = await fetch(`${gateway.url}/${app}`);
    expect(response.status).toBe(500);
    const record = await recorded(capture, `/${app}`);
    expect(record.outcome).toBe('violation');
    expect(record.error?.message ?? '').toMatch(message);
  });

  it('records a worker crash with its exit code', async () => {
    const { gateway, capture } = await captured('crash');
    const response = await fetch(`${gateway.url}/crash`);
    expect(response.status).toBe(502);
    const record = await recorded(capture, '/crash');
    expect(record.outcome).toBe('crash');
    expect(record.workerExit).toEqual({ code: 7, signal: null });
  });

  it('records a timeout with the stack dump', async () => {
    const { gateway, capture } = await captured('sleepy', {}, { timeout: 1 });
    const response = await fetch(`${gateway.url}/?20`);
    expect(response.status).toBe(504);
    const record = await recorded(capture, '/?20');
    expect(record.outcome).toBe('timeout');
    expect(record.stack).toContain('sleeping_in_the_app');
  });

  it('evicts the oldest exchanges past the count limit and past the byte limit', async () => {
    const byCount = await captured('hello', { storeLimits: { maxExchanges: 5 } });
    for (let i = 0; i < 8; i++) await fetch(`${byCount.gateway.url}/n${i}`);
    await recorded(byCount.capture, '/n7');
    expect(byCount.capture.store.summaries().map((s) => s.url)).toEqual(['/n3', '/n4', '/n5', '/n6', '/n7']);

    const byBytes = await captured('upload_digest', { storeLimits: { maxBytes: 300_000 } });
    for (let i = 0; i < 6; i++) await fetch(`${byBytes.gateway.url}/b${i}`, { method: 'POST', body: Buffer.alloc(100_000, i) });
    await recorded(byBytes.capture, '/b5');
    expect(byBytes.capture.store.bytes).toBeLessThanOrEqual(300_000);
    const urls = byBytes.capture.store.summaries().map((s) => s.url);
    expect(urls.at(-1)).toBe('/b5');
    expect(urls).not.toContain('/b0');
  });

  it('pauses and turns capture off', async () => {
    const { gateway, capture } = await captured('hello');
    capture.setMode('paused');
    await fetch(`${gateway.url}/paused`);
    capture.setMode('off');
    await fetch(`${gateway.url}/off`);
    capture.setMode('on');
    await fetch(`${gateway.url}/on`);
    await recorded(capture, '/on');
    expect(capture.store.summaries().map((s) => s.url)).toEqual(['/on']);
  });

  it('replays an exchange, edited, with environ keys a client cannot set, linked to the original', async () => {
    const { gateway, capture } = await captured('environ_json');
    await fetch(`${gateway.url}/orig?a=1`, { method: 'POST', body: 'first' });
    const original = await recorded(capture, '/orig?a=1');
    const sameId = await capture.replay(original.id);
    const editedId = await capture.replay(original.id, {
      url: '/edited?b=2',
      bodyBase64: Buffer.from('second').toString('base64'),
      environ: { REMOTE_ADDR: '203.0.113.9', 'wsgi.url_scheme': 'https' },
    });
    const same = await completed(capture, sameId);
    const edited = await completed(capture, editedId);
    expect(same.replayOf).toBe(original.id);
    expect(JSON.parse(text(same.responseBody.base64)).__body__).toBe('first');
    const echoed = JSON.parse(text(edited.responseBody.base64)) as Record<string, string>;
    expect(echoed.__body__).toBe('second');
    expect(echoed.PATH_INFO).toBe('/edited');
    expect(echoed.REMOTE_ADDR).toBe('203.0.113.9');
    expect(echoed['wsgi.url_scheme']).toBe('https');
    expect(echoed.HTTP_X_FORKWATCH_REPLAY).toBeUndefined();
  });

  it('ignores the replay header without the token', async () => {
    const { gateway, capture } = await captured('environ_json');
    const environ = (await (await fetch(`${gateway.url}/spoof`, { headers: { 'X-Forkwatch-Replay': 'wrong 1 n ' + Buffer.from('{"REMOTE_ADDR":"1.2.3.4"}').toString('base64url') } })).json()) as Record<string, string>;
    expect(environ.REMOTE_ADDR).toBe('127.0.0.1');
    expect((await recorded(capture, '/spoof')).replayOf).toBeUndefined();
  });
});
