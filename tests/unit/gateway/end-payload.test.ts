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
});
