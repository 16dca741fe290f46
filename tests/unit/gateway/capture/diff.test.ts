import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ExchangeDiffLine, ExchangeRecord } from '../../../../src-main/contract';
import { NO_NEWLINE_MARKER, diffExchanges, prettyJson, splitLines } from '../../../../src-main/gateway/capture/diff';
import { EMPTY_BODY, capture, makeRecord } from './fixtures';

const render = (lines: ExchangeDiffLine[]): string[] =>
  lines.map((line) => ({ same: ' ', added: '+', removed: '-' })[line.kind] + line.text);

function withBody(body: string | Uint8Array, contentType = 'text/plain', extra: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return makeRecord({ responseHeaders: [['Content-Type', contentType]], responseBody: capture(body), ...extra });
}

const bodyDiff = (left: ExchangeRecord, right: ExchangeRecord): string[] => render(diffExchanges(left, right).body);

describe('diffExchanges: status and headers', () => {
  it('reports identical exchanges as all same', () => {
    const diff = diffExchanges(makeRecord(), makeRecord());
    expect(diff.status).toEqual({ left: '200 OK', right: '200 OK', same: true });
    expect(diff.headers.every((line) => line.kind === 'same')).toBe(true);
    expect(diff.headers[0]).toEqual({ kind: 'same', text: 'Content-Type: text/plain; charset=utf-8' });
    expect(render(diff.body)).toEqual([' Hello, world!']);
  });

  it('compares the status strings', () => {
    const left = makeRecord();
    const right = makeRecord({ status: 404, responseStatus: '404 Not Found' });
    expect(diffExchanges(left, right).status).toEqual({ left: '200 OK', right: '404 Not Found', same: false });
    const none = makeRecord({ status: 0, responseStatus: '', outcome: 'crash' });
    expect(diffExchanges(none, left).status.left).toBe('(no response)');
  });

  it('diffs header lines as a sequence', () => {
    const left = makeRecord({ responseHeaders: [['A', '1'], ['B', '2'], ['C', '3']] });
    const right = makeRecord({ responseHeaders: [['A', '1'], ['B', 'two'], ['C', '3'], ['D', '4']] });
    expect(render(diffExchanges(left, right).headers)).toEqual([' A: 1', '-B: 2', '+B: two', ' C: 3', '+D: 4']);
  });
});

describe('diffExchanges: text bodies', () => {
  it('diffs text line by line', () => {
    expect(bodyDiff(withBody('one\ntwo\nthree\n'), withBody('one\n2\nthree\nfour\n'))).toEqual([
      ' one',
      '-two',
      '+2',
      ' three',
      '+four',
    ]);
  });

  it('marks a missing final newline only when the sides differ in it', () => {
    expect(bodyDiff(withBody('a\nb\n'), withBody('a\nb'))).toEqual([' a', ' b', `+${NO_NEWLINE_MARKER}`]);
    expect(bodyDiff(withBody('a\nb'), withBody('a\nc'))).toEqual([' a', '-b', '+c']);
  });

  it('reports empty bodies as no lines', () => {
    expect(diffExchanges(makeRecord({ responseBody: EMPTY_BODY }), makeRecord({ responseBody: EMPTY_BODY })).body).toEqual([]);
    expect(bodyDiff(makeRecord({ responseBody: EMPTY_BODY }), withBody('new\n'))).toEqual(['+new']);
  });

  it('pretty-prints JSON so that one changed key is one changed line', () => {
    const left = withBody('{"id":1,"name":"Ada","tags":["a","b"],"meta":{}}', 'application/json');
    const right = withBody('{"id":1,"name":"Grace","tags":["a","b"],"meta":{}}', 'application/json');
    expect(bodyDiff(left, right)).toEqual([
      ' {',
      '   "id": 1,',
      '-  "name": "Ada",',
      '+  "name": "Grace",',
      '   "tags": [',
      '     "a",',
      '     "b"',
      '   ],',
      '   "meta": {}',
      ' }',
    ]);
  });

  it('keeps JSON numbers as written: 1.0 and 1 differ', () => {
    const left = withBody('{"n":1.0}', 'application/json');
    const right = withBody('{"n":1}', 'application/json');
    expect(bodyDiff(left, right)).toEqual([' {', '-  "n": 1.0', '+  "n": 1', ' }']);
  });

  it('falls back to the raw text when JSON differs only in whitespace', () => {
    const left = withBody('{"a": 1}', 'application/json');
    const right = withBody('{"a":1}', 'application/json');
    expect(bodyDiff(left, right)).toEqual(['-{"a": 1}', '+{"a":1}']);
  });

  it('compares bodies after undoing a Content-Encoding', () => {
    const gzipped = (text: string): ExchangeRecord =>
      makeRecord({
        responseHeaders: [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']],
        responseBody: capture(gzipSync(text)),
      });
    expect(bodyDiff(gzipped('same\nold\n'), gzipped('same\nnew\n'))).toEqual([' same', '-old', '+new']);
  });
});

describe('diffExchanges: binary bodies', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i * 5);

  it('diffs hex dump lines, 16 bytes a line', () => {
    const changed = Uint8Array.from(bytes);
    changed[20] = 0xff;
    const lines = bodyDiff(withBody(bytes, 'application/octet-stream'), withBody(changed, 'application/octet-stream'));
    expect(lines).toEqual([
      ' 00000000  00 05 0a 0f 14 19 1e 23  28 2d 32 37 3c 41 46 4b  |.......#(-27<AFK|',
      '-00000010  50 55 5a 5f 64 69 6e 73  78 7d 82 87 8c 91 96 9b  |PUZ_dinsx}......|',
      '+00000010  50 55 5a 5f ff 69 6e 73  78 7d 82 87 8c 91 96 9b  |PUZ_.insx}......|',
      ' 00000020  a0 a5 aa af b4 b9 be c3                           |........|',
    ]);
  });

  it('uses hex for both sides when only one is text', () => {
    const lines = diffExchanges(withBody('hi'), withBody(Uint8Array.from([0xff, 0x00]))).body;
    expect(render(lines)).toEqual([
      '-00000000  68 69                                             |hi|',
      '+00000000  ff 00                                             |..|',
    ]);
  });

  it('treats bytes that are not UTF-8 as binary', () => {
    const lines = render(diffExchanges(withBody(Buffer.from('caf\xe9', 'latin1')), withBody('café')).body);
    expect(lines[0]).toMatch(/^-00000000 {2}63 61 66 e9/);
    expect(lines[1]).toMatch(/^\+00000000 {2}63 61 66 c3 a9/);
  });
});

describe('diffExchanges: truncated captures', () => {
  it('ends a truncated side with a marker line, same when both are cut alike', () => {
    const cut = (text: string, size: number): ExchangeRecord =>
      makeRecord({ responseHeaders: [['Content-Type', 'text/plain']], responseBody: capture(text, { size, truncated: true }) });
    expect(bodyDiff(cut('a\nb\n', 100), cut('a\nb\n', 100))).toEqual([' a', ' b', ' \\ Truncated at capture: 4 of 100 bytes']);
    expect(bodyDiff(cut('a\nb\n', 100), withBody('a\nb\n'))).toEqual([' a', ' b', '-\\ Truncated at capture: 4 of 100 bytes']);
  });
});

describe('prettyJson', () => {
  it('indents objects and arrays, keeping strings verbatim', () => {
    expect(prettyJson('{"a":[1,{"b":"x,y:{}[]\\"z"}],"c":[],"d":{ }}')).toBe(
      ['{', '  "a": [', '    1,', '    {', '      "b": "x,y:{}[]\\"z"', '    }', '  ],', '  "c": [],', '  "d": {}', '}'].join('\n'),
    );
  });

  it('returns null for anything but a JSON object or array', () => {
    expect(prettyJson('{"a":')).toBeNull();
    expect(prettyJson('42')).toBeNull();
    expect(prettyJson('hello')).toBeNull();
  });

  it('keeps escapes, unicode and duplicate keys', () => {
    expect(prettyJson('{"k":"\\u00e9\\\\","k":"é"}')).toBe('{\n  "k": "\\u00e9\\\\",\n  "k": "é"\n}');
  });
});

describe('splitLines', () => {
  it('splits on newlines without a phantom last line', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(splitLines('\n')).toEqual(['']);
  });
});
