import { describe, expect, it } from 'vitest';
import { buildBodyView, sniffImage } from '@renderer/model/body';
import { bytesToBase64, decodeUtf8, textToBase64 } from '@renderer/model/bytes';
import { buildExchangeView } from '@renderer/model/exchange-view';
import { record } from '../support/fixtures';

const capture = (text: string, truncated = false, size?: number) => ({ base64: textToBase64(text), truncated, size: size ?? new TextEncoder().encode(text).length });
const binary = (bytes: number[], truncated = false) => ({ base64: bytesToBase64(new Uint8Array(bytes)), truncated, size: bytes.length });

describe('buildBodyView: viewer choice', () => {
  it('offers nothing for an empty body', () => {
    expect(buildBodyView({ base64: '', size: 0, truncated: false }, 'text/plain').viewers).toEqual([]);
  });

  it('pretty-prints JSON first, with text and hex as alternatives', () => {
    const view = buildBodyView(capture('{"a":[1,2]}'), 'application/json; charset=utf-8');
    expect(view.viewers).toEqual(['json', 'text', 'hex']);
    expect(view.json?.value).toEqual({ a: [1, 2] });
  });

  it('treats +json types as JSON', () => {
    expect(buildBodyView(capture('{"type":"about:blank"}'), 'application/problem+json').viewers[0]).toBe('json');
  });

  it('shows truncated or malformed JSON as text and says why', () => {
    const truncated = buildBodyView(capture('{"a": [1, 2', true, 100), 'application/json');
    expect(truncated.viewers).toEqual(['text', 'hex']);
    expect(truncated.jsonError).toMatch(/truncated/);
    const broken = buildBodyView(capture('{nope}'), 'application/json');
    expect(broken.jsonError).toMatch(/Not valid JSON/);
  });

  it('renders HTML, with its source as text', () => {
    expect(buildBodyView(capture('<h1>Hi</h1>'), 'text/html; charset=utf-8').viewers).toEqual(['html', 'text', 'hex']);
  });

  it('shows images from a data: URL, and offers hex', () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
    const view = buildBodyView(binary(png), 'image/png');
    expect(view.viewers).toEqual(['image', 'hex']);
    expect(view.imageUrl).toBe(`data:image/png;base64,${bytesToBase64(new Uint8Array(png))}`);
  });

  it('sniffs an undeclared image by its magic bytes', () => {
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(buildBodyView(binary([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]), null).viewers[0]).toBe('image');
  });

  it('parses urlencoded forms into fields', () => {
    const view = buildBodyView(capture('a=1&b=two+words&c=%C3%A9'), 'application/x-www-form-urlencoded');
    expect(view.viewers[0]).toBe('form');
    expect(view.form).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'two words' },
      { name: 'c', value: 'é' },
    ]);
  });

  it('shows plain text as text', () => {
    const view = buildBodyView(capture('Hello, World!'), 'text/plain');
    expect(view.viewers).toEqual(['text', 'hex']);
    expect(view.text).toBe('Hello, World!');
  });

  it('shows binary as hex only', () => {
    const view = buildBodyView(binary([0, 1, 2, 0xff, 0xfe]), 'application/octet-stream');
    expect(view.viewers).toEqual(['hex']);
    expect(view.text).toBeNull();
  });

  it('sniffs undeclared JSON and text', () => {
    expect(buildBodyView(capture('[1,2,3]'), null).viewers[0]).toBe('json');
    expect(buildBodyView(capture('just words'), null).viewers[0]).toBe('text');
  });

  it('keeps size and truncation from the capture', () => {
    const view = buildBodyView(capture('abc', true, 5000), 'text/plain');
    expect(view).toMatchObject({ size: 5000, captured: 3, truncated: true });
  });
});

describe('decodeUtf8', () => {
  it('rejects invalid UTF-8', () => {
    expect(decodeUtf8(new Uint8Array([0xc3, 0x28]))).toBeNull();
  });

  it('forgives a multi-byte character cut by truncation', () => {
    const bytes = new TextEncoder().encode('café');
    expect(decodeUtf8(bytes.subarray(0, bytes.length - 1), true)).toBe('caf');
    expect(decodeUtf8(bytes.subarray(0, bytes.length - 1), false)).toBeNull();
  });
});

describe('buildExchangeView: bodies on demand', () => {
  it('gives the sizes at once and builds each body once, when first read', () => {
    const json = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ i })) });
    const view = buildExchangeView(
      record(1, {
        responseHeaders: [['Content-Type', 'application/json']],
        responseBody: { size: json.length + 10, truncated: false, base64: textToBase64(json) },
      }),
    );
    expect(view.responseSize).toBe(json.length + 10);
    expect(view.requestSize).toBe(0);
    const body = view.responseBody;
    expect(body.viewers[0]).toBe('json');
    expect((body.json?.value as { items: unknown[] }).items).toHaveLength(2000);
    expect(view.responseBody).toBe(body);
    expect(view.requestBody.viewers).toEqual([]);
  });
});
