import { describe, expect, it } from 'vitest';
import { environGroupOf, groupEnviron } from '@renderer/model/environ';

const environ: [string, string][] = [
  ['REQUEST_METHOD', 'GET'],
  ['HTTP_HOST', 'localhost'],
  ['wsgi.version', '<tuple>'],
  ['PATH_INFO', '/x'],
  ['HTTP_ACCEPT', 'text/html'],
  ['gunicorn.socket', '<socket>'],
  ['wsgi.url_scheme', 'http'],
];

describe('groupEnviron', () => {
  it('groups CGI, HTTP_*, wsgi.* and other keys, keeping the received order within a group', () => {
    const groups = groupEnviron(environ);
    expect(groups.map((g) => [g.name, g.entries.map((e) => e.key)])).toEqual([
      ['cgi', ['REQUEST_METHOD', 'PATH_INFO']],
      ['http', ['HTTP_HOST', 'HTTP_ACCEPT']],
      ['wsgi', ['wsgi.version', 'wsgi.url_scheme']],
      ['other', ['gunicorn.socket']],
    ]);
  });

  it('marks non-str values that arrive as <type name>', () => {
    const wsgi = groupEnviron(environ).find((g) => g.name === 'wsgi')!;
    expect(wsgi.entries.map((e) => e.isTypeName)).toEqual([true, false]);
  });

  it('searches keys and values, case-insensitively, and drops empty groups', () => {
    expect(groupEnviron(environ, 'html').map((g) => g.entries.map((e) => e.key))).toEqual([['HTTP_ACCEPT']]);
    expect(groupEnviron(environ, 'path_')[0].entries[0].key).toBe('PATH_INFO');
    expect(groupEnviron(environ, 'nothing-like-it')).toEqual([]);
  });

  it('classifies keys', () => {
    expect(environGroupOf('CONTENT_TYPE')).toBe('cgi');
    expect(environGroupOf('HTTP_X_FORWARDED_FOR')).toBe('http');
    expect(environGroupOf('wsgi.input')).toBe('wsgi');
    expect(environGroupOf('werkzeug.request')).toBe('other');
  });
});
