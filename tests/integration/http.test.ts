/** HTTP/1.1 behaviour of the front end with real workers: keep-alive, pipelining, HEAD, 100-continue, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Gateway } from '../../src-main/gateway/gateway';
import { countResponses, rawExchange } from './support/raw-http';
import { startGateway, stopAll, waitFor } from './support/servers';

let gateway: Gateway;
let port: number;

beforeAll(async () => {
  // One worker per app would need many gateways; the dispatch picks the app by path instead.
  gateway = await startGateway('hello');
  port = Number(new URL(gateway.url).port);
});
afterAll(stopAll);

describe('keep-alive and pipelining', () => {
  it('answers three pipelined requests on one connection, in order', async () => {
    const one = 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n';
    const text = await rawExchange(port, one + one + one, (t) => countResponses(t) === 3);
    expect(countResponses(text)).toBe(3);
    expect(text.match(/Hello, World!/g)).toHaveLength(3);
  });

  it('keeps the connection open between requests (HTTP/1.1 keep-alive)', async () => {
    const first = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', (t) => countResponses(t) === 1);
    expect(first).not.toMatch(/connection: close/i);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(first).toMatch(/\r\nDate: /);
    expect(first).toMatch(/\r\nServer: forkwatch/);
  });

  it('answers HTTP/1.0 and closes the connection', async () => {
    const text = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(text).toMatch(/ 200 OK/);
    expect(text).toMatch(/Hello, World!$/);
  });

  it('sends no body for HEAD', async () => {
    const text = await rawExchange(port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/ 200 OK/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('malformed and oversized requests', () => {
  it('answers garbage with 400 and keeps serving', async () => {
    const text = await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(gateway.url)).status).toBe(200);
  });

  it('answers a request line over --limit-request-line with 414', async () => {
    const text = await rawExchange(port, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 414/);
  });

  it('answers too many header fields with 431', async () => {
    const headers = Array.from({ length: 150 }, (_, i) => `X-H${i}: v\r\n`).join('');
    const text = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431/);
  });

  it('answers a header field over --limit-request-field-size with 431', async () => {
    const text = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(9000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431/);
  });

  it('answers a head larger than everything allowed with 431 and the master survives', async () => {
    const headers = Array.from({ length: 120 }, (_, i) => `X-H${i}: ${'v'.repeat(8000)}\r\n`).join('');
    const text = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431/);
    expect((await fetch(gateway.url)).status).toBe(200);
  });
});

describe('dispatch', () => {
  it('queues up to --backlog requests when every worker is busy, then answers 503 with Retry-After', async () => {
    const g = await startGateway('sleepy', { workers: 1, backlog: 1 });
    // One running, one prefetched behind it on the worker's channel, one in the backlog...
    const held = [fetch(`${g.url}/?1`), fetch(`${g.url}/?0`), fetch(`${g.url}/?0`)];
    await waitFor(() => g.arbiter.list()[0]?.state === 'busy', 10_000, 'a busy worker');
    // ...wait until the backlog is full: the next one overflows.
    let overflow: Response | undefined;
    await waitFor(async () => {
      const response = await fetch(`${g.url}/?0`);
      if (response.status === 503) overflow = response;
      return overflow;
    }, 10_000, 'a 503');
    expect(overflow!.headers.get('retry-after')).toBe('1');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('request bodies', () => {
  let bodies: Gateway;
  beforeAll(async () => {
    bodies = await startGateway('input_methods', { limits: { requestBody: 1000 } });
  });

  it('reads wsgi.input with read(n), readline(), readline(n), readlines() and iteration, never past the end', async () => {
    const body = 'one\ntwo\nthree';
    const read = async (how: string) => (await (await fetch(`${bodies.url}/?${how}`, { method: 'POST', body })).json()) as string[];
    expect(await read('readline')).toEqual(['one\n', 'two\n', 'three', "eof:b''"]);
    expect(await read('readline-limit')).toEqual(['one', '\n', "eof:b'two\\nthree'"]);
    expect(await read('readlines')).toEqual(['one\n', 'two\n', 'three', "eof:b''"]);
    expect(await read('iter')).toEqual(['one\n', 'two\n', 'three', "eof:b''"]);
    expect(await read('read-n')).toEqual(['one\n', 'two\n', 'thre', 'e', "eof:b''"]);
    expect(await read('all')).toEqual([body, "eof:b''"]);
  });

  it('sends 100 Continue when the app reads a body sent with Expect: 100-continue', async () => {
    const bodyPort = Number(new URL(bodies.url).port);
    const head = 'POST /?all HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n';
    const text = await new Promise<string>((resolve, reject) => {
      // Send the body only after the interim response, as a real client does.
      import('node:net').then(({ default: net }) => {
        const socket = net.connect(bodyPort, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => {
          received += chunk.toString();
          if (received.startsWith('HTTP/1.1 100') && !received.includes('200')) socket.write('hello');
        });
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
        socket.write(head);
      }, reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(text).toContain('["hello", "eof:b\'\'"]');
  });

  it('answers a declared body over --limit-request-body with 413', async () => {
    const response = await fetch(bodies.url + '/?all', { method: 'POST', body: 'x'.repeat(2000) });
    expect(response.status).toBe(413);
  });

  it('answers a chunked body that grows over --limit-request-body with 413', async () => {
    const bodyPort = Number(new URL(bodies.url).port);
    const chunk = `${(800).toString(16)}\r\n${'y'.repeat(800)}\r\n`;
    const text = await rawExchange(bodyPort, `POST /?all HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect((await fetch(bodies.url + '/?all', { method: 'POST', body: 'small' })).status).toBe(200);
  });
});

describe('app errors and response bodies', () => {
  const appGateway = (app: string) => startGateway(app, { workers: 1 });

  it('answers 500 when the app raises before start_response, and keeps serving', async () => {
    const g = await appGateway('raise_early');
    const response = await fetch(g.url);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('boom before start_response');
    expect((await fetch(g.url)).status).toBe(500);
  });

  it('closes the connection when the app raises after headers were sent', async () => {
    const g = await appGateway('raise_after_headers');
    const text = await rawExchange(Number(new URL(g.url).port), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('first part');
    // Chunked, and cut off: no terminating zero-length chunk.
    expect(text).not.toMatch(/\r\n0\r\n\r\n$/);
  });

  it('sends what write() wrote, then the iterable', async () => {
    const g = await appGateway('write_callable');
    expect(await (await fetch(g.url)).text()).toBe('written and returned');
  });

  it('never sends more than the declared Content-Length', async () => {
    const g = await appGateway('long_body');
    expect(await (await fetch(g.url)).text()).toBe('01234');
  });

  it('closes the connection when the app sends less than its Content-Length', async () => {
    const g = await appGateway('short_body');
    const text = await rawExchange(Number(new URL(g.url).port), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(text).toMatch(/Content-Length: 100/i);
    expect(text.endsWith('only ten b')).toBe(true);
  });

  it('uses chunked encoding for a body of unknown length on HTTP/1.1', async () => {
    const g = await appGateway('download');
    const text = await rawExchange(Number(new URL(g.url).port), 'GET /?1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/Transfer-Encoding: chunked/i);
  });

  it("calls the iterable's close() when the client disconnects mid-response", async () => {
    const g = await appGateway('closing');
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'fw-close-')), 'closed');
    await rawExchange(Number(new URL(g.url).port), `GET /?${marker} HTTP/1.1\r\nHost: x\r\n\r\n`, (t) => t.length > 100_000);
    await waitFor(() => existsSync(marker), 10_000, 'close() to be called');
    // The worker is free again afterwards.
    const again = await rawExchange(Number(new URL(g.url).port), `GET /?${marker}2 HTTP/1.1\r\nHost: x\r\n\r\n`, (t) => t.length > 1000);
    expect(again).toMatch(/^HTTP\/1\.1 200/);
  });

  it("calls close() on disconnect even with the next request prefetched behind it", async () => {
    const g = await appGateway('closing');
    const port = Number(new URL(g.url).port);
    const dir = mkdtempSync(path.join(tmpdir(), 'fw-close-'));
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    // The first streams for ~10 s; the second, sent while the only worker is busy, is
    // prefetched onto its channel behind the first.
    const streaming = rawExchange(port, `GET /?${first} HTTP/1.1\r\nHost: x\r\n\r\n`, (t) => t.length > 100_000);
    const queued = rawExchange(port, `GET /?${second} HTTP/1.1\r\nHost: x\r\n\r\n`, (t) => t.length > 1000, 20_000);
    await streaming;
    await waitFor(() => existsSync(first), 10_000, 'close() of the first');
    expect(await queued).toMatch(/^HTTP\/1\.1 200/);
  });

  it('passes a wsgiref.validate.validator-wrapped app with no violation', async () => {
    const g = await appGateway('validated');
    for (const init of [{}, { method: 'POST', body: 'payload' }, { method: 'HEAD' }] as RequestInit[]) {
      const response = await fetch(g.url + '/v?q=1', init);
      expect(response.status, JSON.stringify(init)).toBe(200);
      if (init.method === 'POST') expect(await response.text()).toBe('okpayload');
    }
  });
});
