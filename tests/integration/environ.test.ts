/** Each environ key as a real app receives it through real workers (PEP 3333 "environ Variables"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src-main/gateway/gateway';
import { rawExchange } from './support/raw-http';
import { startGateway, stopAll } from './support/servers';

let gateway: Gateway;
let port: number;

beforeAll(async () => {
  gateway = await startGateway('environ_json', { rootPath: '/mount' });
  port = Number(new URL(gateway.url).port);
});
afterAll(stopAll);

async function environFor(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(gateway.url + path, init);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The JSON body of a raw response (for requests fetch() normalises away). */
function jsonBody(text: string): Record<string, unknown> {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}

describe('environ', () => {
  it('has the CGI keys of the request', async () => {
    const environ = await environFor('/mount/a/b?x=1&y=2');
    expect(environ.REQUEST_METHOD).toBe('GET');
    expect(environ.SCRIPT_NAME).toBe('/mount');
    expect(environ.PATH_INFO).toBe('/a/b');
    expect(environ.QUERY_STRING).toBe('x=1&y=2');
    expect(environ.SERVER_NAME).toBe('127.0.0.1');
    expect(environ.SERVER_PORT).toBe(String(port));
    expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.1');
    expect(environ.REMOTE_ADDR).toBe('127.0.0.1');
    expect(Number(environ.REMOTE_PORT)).toBeGreaterThan(0);
    expect(environ.HTTP_HOST).toBe(`127.0.0.1:${port}`);
  });

  it('has the wsgi.* keys with the right types and values', async () => {
    const environ = await environFor('/');
    expect(environ['wsgi.version']).toEqual([1, 0]);
    expect(environ['wsgi.url_scheme']).toBe('http');
    expect(environ['wsgi.multithread']).toBe(false);
    expect(environ['wsgi.multiprocess']).toBe(true);
    expect(environ['wsgi.run_once']).toBe(false);
    for (const key of ['wsgi.input', 'wsgi.errors', 'wsgi.file_wrapper']) {
      expect(environ[key], key).toMatch(/^<\w+>$/);
    }
  });

  it('gives PATH_INFO as percent-decoded bytes in a latin-1 str', async () => {
    // "/café" in UTF-8 is c3 a9: PEP 3333 wants the two bytes as two latin-1 chars.
    const environ = await environFor('/caf%C3%A9/%2F%20x');
    expect(environ.PATH_INFO).toBe('/caf\u00c3\u00a9// x');
  });

  it('has CONTENT_TYPE and CONTENT_LENGTH without the HTTP_ prefix, and the body on wsgi.input', async () => {
    const environ = await environFor('/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(environ.REQUEST_METHOD).toBe('POST');
    expect(environ.CONTENT_TYPE).toBe('application/x-www-form-urlencoded');
    expect(environ.CONTENT_LENGTH).toBe('3');
    expect(environ.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(environ.__body__).toBe('a=1');
  });

  it('joins repeated headers with "," and drops names with "_" so they cannot spoof others', async () => {
    const text = await rawExchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded_For: 6.6.6.6\r\nAccept: a\r\nAccept: b\r\nConnection: close\r\n\r\n',
    );
    const environ = jsonBody(text);
    expect(environ.HTTP_X_FORWARDED_FOR).toBe('10.0.0.1');
    expect(environ.HTTP_ACCEPT).toBe('a,b');
  });

  it('keeps latin-1 header bytes as latin-1 chars', async () => {
    const text = await rawExchange(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\nConnection: close\r\n\r\n', 'latin1'));
    expect(jsonBody(Buffer.from(text, 'latin1').toString('utf8')).HTTP_X_NAME).toBe('caf\u00e9');
  });

  it('reports HTTP/1.0 and an empty wsgi.input for a request without a body', async () => {
    const text = await rawExchange(port, 'GET /old HTTP/1.0\r\n\r\n');
    expect(text.startsWith('HTTP/1.1 200') || text.startsWith('HTTP/1.0 200')).toBe(true);
    const environ = jsonBody(text);
    expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.0');
    expect(environ.__body__).toBe('');
    expect(environ.CONTENT_LENGTH).toBeUndefined();
  });

  it('has no CONTENT_LENGTH for a chunked body, and the whole body on wsgi.input', async () => {
    const text = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const environ = jsonBody(text);
    expect(environ.CONTENT_LENGTH).toBeUndefined();
    expect(environ.HTTP_TRANSFER_ENCODING).toBe('chunked');
    expect(environ.__body__).toBe('hello world');
  });

  it('orders CGI keys before HTTP_* keys before wsgi.* keys', async () => {
    const keys = (await environFor('/')).__keys__ as string[];
    expect(keys.indexOf('REQUEST_METHOD')).toBeLessThan(keys.indexOf('HTTP_HOST'));
    expect(keys.indexOf('HTTP_HOST')).toBeLessThan(keys.indexOf('wsgi.input'));
  });
});
