import { describe, expect, it } from 'vitest';
import { parseMultipart, parseUrlEncoded } from '@renderer/model/form';

const enc = (text: string) => new TextEncoder().encode(text);

describe('parseUrlEncoded', () => {
  it('decodes names and values, + as space, keeps repeats and empty values', () => {
    expect(parseUrlEncoded('q=a+b&tag=x&tag=y&empty=&flag')).toEqual([
      { name: 'q', value: 'a b' },
      { name: 'tag', value: 'x' },
      { name: 'tag', value: 'y' },
      { name: 'empty', value: '' },
      { name: 'flag', value: '' },
    ]);
  });

  it('keeps a bad percent escape as written', () => {
    expect(parseUrlEncoded('a=%zz')).toEqual([{ name: 'a', value: '%zz' }]);
  });
});

describe('parseMultipart', () => {
  const body = [
    '--XyZ',
    'Content-Disposition: form-data; name="title"',
    '',
    'Hello',
    '--XyZ',
    'Content-Disposition: form-data; name="file"; filename="a.bin"',
    'Content-Type: application/octet-stream',
    '',
    '\u0000\u0001\u0002',
    '--XyZ--',
    '',
  ].join('\r\n');

  it('splits parts on the boundary with their names, files and types', () => {
    const result = parseMultipart(enc(body), 'multipart/form-data; boundary=XyZ');
    expect(result.problem).toBeNull();
    expect(result.parts).toHaveLength(2);
    expect(result.parts[0]).toMatchObject({ name: 'title', filename: null, text: 'Hello', size: 5 });
    expect(result.parts[1]).toMatchObject({ name: 'file', filename: 'a.bin', contentType: 'application/octet-stream', text: null, size: 3 });
    expect(Array.from(result.parts[1].bytes)).toEqual([0, 1, 2]);
  });

  it('accepts a quoted boundary', () => {
    expect(parseMultipart(enc(body), 'multipart/form-data; boundary="XyZ"').parts).toHaveLength(2);
  });

  it('reports a missing boundary parameter', () => {
    expect(parseMultipart(enc(body), 'multipart/form-data').problem).toMatch(/no boundary/);
  });

  it('keeps the parts of a truncated body and says it is cut', () => {
    const cut = body.slice(0, body.indexOf('\u0001'));
    const result = parseMultipart(enc(cut), 'multipart/form-data; boundary=XyZ');
    expect(result.parts.map((p) => p.name)).toEqual(['title', 'file']);
    expect(result.problem).toMatch(/closing boundary/);
  });

  it('decodes UTF-8 in part headers and content', () => {
    const text = '--b\r\nContent-Disposition: form-data; name="n"\r\n\r\nzaï\r\n--b--';
    expect(parseMultipart(enc(text), 'multipart/form-data; boundary=b').parts[0].text).toBe('zaï');
  });
});
