import { describe, expect, it } from 'vitest';
import { decodeEnd, decodeEndCapture } from '../../../src-main/gateway/protocol';

const payload = (text: string) => Buffer.from(text);

describe('END payload', () => {
  it('reads every shape the worker writes exactly as JSON.parse does', () => {
    const heads = [
      '{"outcome":"ok","bytesRead":0,"bytesSent":13,"short":false}',
      '{"outcome":"ok","bytesRead":1048576,"bytesSent":0,"short":true}',
      '{"outcome":"ok","bytesRead":12,"bytesSent":34,"short":false,"findingCount":0}',
      '{"outcome":"ok","bytesRead":12,"bytesSent":34,"short":true,"findingCount":3}',
      '{"outcome":"app-error","bytesRead":0,"bytesSent":120,"short":false,"error":{"type":"KeyError","message":"x","traceback":"T"}}',
      '{"outcome":"ok","bytesRead":0,"bytesSent":5,"short":false,"error":{"type":"E","message":"close","traceback":""}}',
      '{"outcome":"aborted","bytesRead":0,"bytesSent":0,"short":false}',
      '{"outcome": "ok", "bytesRead": 1, "bytesSent": 2, "short": false}',
    ];
    for (const head of heads) {
      expect(decodeEnd(payload(head))).toStrictEqual(JSON.parse(head));
      expect(decodeEnd(payload(`${head}\n{"findings":[]}`))).toStrictEqual(JSON.parse(head));
    }
  });

  it('leaves anything off the template to JSON.parse, which rejects what is broken', () => {
    expect(() => decodeEnd(payload('{"outcome":"ok","bytesRead":,"bytesSent":1,"short":false}'))).toThrow(SyntaxError);
    expect(() => decodeEnd(payload('{"outcome":"ok","bytesRead":1,"bytesSent":2,"short":false'))).toThrow(SyntaxError);
    expect(() => decodeEnd(payload('{"outcome":"ok","bytesRead":1,"bytesSent":2,"short":maybe}'))).toThrow(SyntaxError);
    expect(decodeEnd(payload('{"outcome":"ok","bytesRead":1,"bytesSent":2,"short":false,"extra":1}'))).toStrictEqual({ outcome: 'ok', bytesRead: 1, bytesSent: 2, short: false, extra: 1 });
  });

  it('gives the capture behind the newline only when asked, and none without one', () => {
    const capture = { environExtra: [], startResponse: [], usedWrite: false, chunkSizes: [13], findings: [], closeCalled: null };
    const text = `{"outcome":"ok","bytesRead":0,"bytesSent":13,"short":false,"findingCount":0}\n${JSON.stringify(capture)}`;
    expect(decodeEndCapture(payload(text))).toStrictEqual(capture);
    expect(decodeEndCapture(payload('{"outcome":"ok","bytesRead":0,"bytesSent":13,"short":false}'))).toBeUndefined();
  });

  it("turns the worker's startText (one plain start_response call) into startResponse, in the wire's key order", () => {
    const head = '{"outcome":"ok","bytesRead":0,"bytesSent":13,"short":false,"findingCount":0}';
    const wire = (startText: string) =>
      `${head}\n{"environExtra":[["wsgi.input","<EmptyInput>"]],"startText":${JSON.stringify(startText)},"usedWrite":false,"chunkSizes":[13],"findings":[],"closeCalled":null}`;
    const decoded = decodeEndCapture(payload(wire(['200 OK', 'Content-Type', 'text/plain', 'X-Note', 'caf\u00e9 au lait', 'Content-Length', '13'].join('\0'))));
    expect(decoded).toStrictEqual({
      environExtra: [['wsgi.input', '<EmptyInput>']],
      startResponse: [{ status: '200 OK', headers: [['Content-Type', 'text/plain'], ['X-Note', 'caf\u00e9 au lait'], ['Content-Length', '13']] }],
      usedWrite: false,
      chunkSizes: [13],
      findings: [],
      closeCalled: null,
    });
    expect(Object.keys(decoded!)).toEqual(['environExtra', 'startResponse', 'usedWrite', 'chunkSizes', 'findings', 'closeCalled']);
    // The worker escapes NUL and non-ASCII (\u0000, \u00e9): the same text once parsed.
    const escaped = `${head}\n{"environExtra":[],"startText":"204 No Content\\u0000X-A\\u0000\\u00e9 \\u00ff","usedWrite":false,"chunkSizes":[],"findings":[],"closeCalled":null}`;
    expect(decodeEndCapture(payload(escaped))!.startResponse).toEqual([{ status: '204 No Content', headers: [['X-A', '\u00e9 \u00ff']] }]);
    expect(decodeEndCapture(payload(wire('200 OK')))!.startResponse).toEqual([{ status: '200 OK', headers: [] }]);
    expect(decodeEndCapture(payload(wire('404 Not Found\0X-Empty\0')))!.startResponse).toEqual([{ status: '404 Not Found', headers: [['X-Empty', '']] }]);
  });
});
