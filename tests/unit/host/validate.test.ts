import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, isBase64, validateCommand } from '../../../src-main/contract/validate';

function ok(name: string, args: unknown) {
  const result = validateCommand(name, args);
  if (!result.ok) throw new Error(`expected ${name} to pass: ${result.error}`);
  return result.args;
}

function fails(name: string, args: unknown, pattern?: RegExp) {
  const result = validateCommand(name, args);
  expect(result.ok, `${name}(${JSON.stringify(args)}) should fail`).toBe(false);
  if (!result.ok && pattern) expect(result.error).toMatch(pattern);
}

describe('validateCommand', () => {
  it('knows every command of the contract and nothing else', () => {
    expect(COMMAND_NAMES.sort()).toEqual(
      ['clear', 'curl', 'diff', 'exchange', 'exportHar', 'killWorker', 'reload', 'replay', 'restartWorker', 'setCapture', 'setWorkerCount', 'snapshot', 'workerStack'].sort(),
    );
    fails('nope', [], /unknown command/);
    fails('toString', [], /unknown command/);
    fails('__proto__', [], /unknown command/);
    fails('constructor', [], /unknown command/);
  });

  it('checks arity', () => {
    expect(ok('snapshot', [])).toEqual([]);
    expect(ok('snapshot', undefined)).toEqual([]);
    fails('snapshot', [1], /expected 0 arguments, got 1/);
    fails('exchange', [], /expected 1 argument, got 0/);
    fails('diff', [1], /expected 2 arguments/);
    fails('diff', [1, 2, 3], /expected 2 arguments/);
    fails('replay', [1, {}, 3], /expected 1 to 2/);
    fails('exchange', 'nope', /must be an array/);
    fails('exchange', { 0: 1 }, /must be an array/);
  });

  it('takes integer ids >= 0', () => {
    expect(ok('exchange', [0])).toEqual([0]);
    expect(ok('curl', [42])).toEqual([42]);
    expect(ok('diff', [1, 2])).toEqual([1, 2]);
    for (const bad of [-1, 1.5, '1', null, NaN, Infinity, 2 ** 60, true]) fails('exchange', [bad], /integer >= 0/);
    fails('diff', [1, -2], /rightId/);
  });

  it('takes process ids for worker commands', () => {
    expect(ok('killWorker', [1234])).toEqual([1234]);
    expect(ok('restartWorker', [1])).toEqual([1]);
    expect(ok('workerStack', [99])).toEqual([99]);
    fails('killWorker', [0], /process id/);
    fails('killWorker', [-1], /process id/);
    fails('restartWorker', ['12'], /process id/);
  });

  it('takes a worker count from 1 to 64', () => {
    expect(ok('setWorkerCount', [1])).toEqual([1]);
    expect(ok('setWorkerCount', [64])).toEqual([64]);
    fails('setWorkerCount', [0], /1 to 64/);
    fails('setWorkerCount', [65], /1 to 64/);
    fails('setWorkerCount', [2.5], /1 to 64/);
  });

  it('takes a capture mode from the enum', () => {
    for (const mode of ['on', 'paused', 'off']) expect(ok('setCapture', [mode])).toEqual([mode]);
    fails('setCapture', ['ON'], /'on', 'paused', 'off'/);
    fails('setCapture', [true]);
  });

  it('takes optional arguments left out, undefined or null', () => {
    expect(ok('exportHar', [])).toEqual([]);
    expect(ok('exportHar', [null])).toEqual([]);
    expect(ok('exportHar', [[1, 2, 3]])).toEqual([[1, 2, 3]]);
    expect(ok('replay', [5])).toEqual([5]);
    expect(ok('replay', [5, null])).toEqual([5]);
    fails('exportHar', [[1, -2]], /ids\[1\]/);
    fails('exportHar', ['1,2'], /array of exchange ids/);
  });

  describe('replay edits', () => {
    it('accepts every field and returns a fresh copy', () => {
      const edits = {
        method: 'POST',
        url: '/items?page=2&q=%20x',
        headers: [['Content-Type', 'application/json'], ['X-Empty', '']],
        bodyBase64: 'eyJhIjoxfQ==',
        environ: { REMOTE_ADDR: '10.0.0.1', 'wsgi.url_scheme': 'https', SCRIPT_NAME: '/app', 'HTTP_X-ODD': 'v' },
      };
      const [id, copy] = ok('replay', [3, edits]);
      expect(id).toBe(3);
      expect(copy).toEqual(edits);
      expect(copy).not.toBe(edits);
      expect((copy as typeof edits).headers[0]).not.toBe(edits.headers[0]);
    });

    it('accepts an empty edit', () => {
      expect(ok('replay', [3, {}])).toEqual([3, {}]);
    });

    it('rejects bad shapes', () => {
      fails('replay', [1, []], /must be an object/);
      fails('replay', [1, 'x'], /must be an object/);
      fails('replay', [1, { mehtod: 'GET' }], /unknown field "mehtod"/);
      fails('replay', [1, { method: 'GE T' }], /method/);
      fails('replay', [1, { method: '' }], /method/);
      fails('replay', [1, { method: 5 }], /method/);
      fails('replay', [1, { url: '/a b' }], /url/);
      fails('replay', [1, { url: '/a\r\nX: y' }], /url/);
      fails('replay', [1, { url: '' }], /url/);
      fails('replay', [1, { url: '?page=2' }], /url/);
      fails('replay', [1, { url: 'http://elsewhere.example/' }], /url/);
      fails('replay', [1, { url: '/é' }], /url/);
      fails('replay', [1, { headers: { a: 'b' } }], /headers must be an array/);
      fails('replay', [1, { headers: [['a']] }], /pair/);
      fails('replay', [1, { headers: [['a', 'b', 'c']] }], /pair/);
      fails('replay', [1, { headers: [['bad name', 'b']] }], /name/);
      fails('replay', [1, { headers: [['X', 'a\r\nInjected: 1']] }], /CR, LF or NUL/);
      fails('replay', [1, { headers: [['X', 5]] }], /value/);
      fails('replay', [1, { bodyBase64: 'not base64!' }], /base64/);
      fails('replay', [1, { bodyBase64: 'abcde' }], /base64/);
      fails('replay', [1, { bodyBase64: 12 }], /base64/);
      fails('replay', [1, { environ: [] }], /environ must be an object/);
      fails('replay', [1, { environ: { REMOTE_ADDR: 1 } }], /must be a string/);
      fails('replay', [1, { environ: { '1BAD': 'x' } }], /not a valid environ name/);
      fails('replay', [1, { environ: { 'A B': 'x' } }], /not a valid environ name/);
      fails('replay', [1, { environ: { '': 'x' } }], /not a valid environ name/);
      fails('replay', [1, JSON.parse('{"environ": {"__proto__": "x"}}')], /not a valid environ name/);
    });
  });
});

describe('isBase64', () => {
  it('accepts padded and unpadded base64', () => {
    for (const text of ['', 'YQ==', 'YWI=', 'YWJj', 'YQ', 'YWI', '+/+/']) expect(isBase64(text), text).toBe(true);
  });
  it('rejects the rest', () => {
    for (const text of ['Y', 'YQ=', 'Y===', 'YW-_', 'YW J', 'YQ==YQ==']) expect(isBase64(text), text).toBe(false);
  });
});
