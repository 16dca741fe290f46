import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  HEADER_SIZE,
  MasterFrame,
  WorkerFrame,
  decodeStart,
  encodeFrame,
  encodeFrameHeader,
  encodeNulPairs,
  type Frame,
} from '../../../src-main/gateway/protocol';

function collect(): { frames: Frame[]; decoder: FrameDecoder; batches: () => number } {
  const frames: Frame[] = [];
  let batches = 0;
  const decoder = new FrameDecoder(
    (frame) => frames.push({ ...frame, payload: Buffer.from(frame.payload) }),
    () => batches++,
  );
  return { frames, decoder, batches: () => batches };
}

describe('encodeFrame', () => {
  it('writes length, type and request id big-endian before the payload', () => {
    const frame = encodeFrame(WorkerFrame.BODY, 0x01020304, Buffer.from('hi'));
    expect([...frame]).toEqual([0, 0, 0, 2, 0x85, 1, 2, 3, 4, 0x68, 0x69]);
  });

  it('encodes an empty payload as a bare header', () => {
    const frame = encodeFrame(MasterFrame.SHUTDOWN, 0);
    expect(frame.length).toBe(HEADER_SIZE);
    expect(frame.equals(encodeFrameHeader(MasterFrame.SHUTDOWN, 0, 0))).toBe(true);
  });
});

describe('FrameDecoder', () => {
  const messages: Array<[number, number, Buffer]> = [
    [WorkerFrame.READY, 0, Buffer.from('{"pid":42}')],
    [WorkerFrame.START, 7, encodeNulPairs([['Content-Type', 'text/plain; charset=é']], '200 OK')],
    [WorkerFrame.BODY, 7, Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))],
    [WorkerFrame.END, 7, Buffer.from('{"outcome":"ok"}')],
    [MasterFrame.ABORT, 0xffffffff, Buffer.alloc(0)],
  ];
  const stream = Buffer.concat(messages.map(([type, id, payload]) => encodeFrame(type, id, payload)));

  // Payloads compared as hex: deep equality over Buffers is slow byte by byte.
  const expected = messages.map(([type, id, payload]) => [type, id, payload.toString('hex')]);
  function expectRoundTrip(frames: Frame[]): void {
    expect(frames.map((f) => [f.type, f.requestId, f.payload.toString('hex')])).toEqual(expected);
  }

  it('decodes frames pushed in one chunk', () => {
    const { frames, decoder, batches } = collect();
    decoder.push(stream);
    expectRoundTrip(frames);
    expect(batches()).toBe(1);
  });

  it.each([1, 2, 5, 9, 10, 1000, 4096])('reassembles frames split into %i-byte chunks', (size) => {
    const { frames, decoder } = collect();
    for (let offset = 0; offset < stream.length; offset += size) {
      decoder.push(stream.subarray(offset, offset + size));
    }
    expectRoundTrip(frames);
  });

  it('reassembles a stream cut at any byte', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { frames, decoder } = collect();
      decoder.push(stream.subarray(0, cut));
      decoder.push(stream.subarray(cut));
      expectRoundTrip(frames);
    }
  });

  it('reassembles a large frame arriving in socket-sized chunks', () => {
    const body = Buffer.alloc(1 << 20, 0x5a);
    const { frames, decoder } = collect();
    const bytes = Buffer.concat([encodeFrame(WorkerFrame.BODY, 3, body), encodeFrame(WorkerFrame.END, 3)]);
    for (let offset = 0; offset < bytes.length; offset += 65_536) {
      decoder.push(bytes.subarray(offset, offset + 65_536));
    }
    expect(frames.map((f) => [f.type, f.requestId, f.payload.length])).toEqual([
      [WorkerFrame.BODY, 3, body.length],
      [WorkerFrame.END, 3, 0],
    ]);
    expect(frames[0].payload.equals(body)).toBe(true);
  });

  it('decodes START payloads as latin-1 status and headers', () => {
    const { frames, decoder } = collect();
    decoder.push(stream);
    const start = decodeStart(frames[1].payload);
    expect(start).toEqual({ status: '200 OK', headers: ['Content-Type', 'text/plain; charset=é'] });
  });
});

describe('FrameDecoder with a streamable type', () => {
  it('passes a body frame on piece by piece, as its bytes arrive, and the frames after it whole', async () => {
    const { FrameDecoder: Decoder, encodeFrame: encode } = await import('../../../src-main/gateway/protocol');
    const BODY = 0x85;
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const stream = Buffer.concat([encode(0x84, 7, Buffer.from('200 OK')), encode(BODY, 7, body), encode(0x86, 7, Buffer.from('{}'))]);
    for (const size of [1, 3, 9, 10, 64, 1000, 4999, stream.length]) {
      const seen: { type: number; requestId: number; payload: Buffer }[] = [];
      const decoder = new Decoder((frame) => seen.push({ ...frame, payload: Buffer.from(frame.payload) }), undefined, BODY);
      for (let i = 0; i < stream.length; i += size) decoder.push(stream.subarray(i, i + size));
      const types = seen.map((frame) => frame.type);
      expect(types[0], `chunk ${size}`).toBe(0x84);
      expect(types.at(-1)).toBe(0x86);
      const bodyFrames = seen.filter((frame) => frame.type === BODY);
      expect(bodyFrames.every((frame) => frame.requestId === 7)).toBe(true);
      expect(Buffer.concat(bodyFrames.map((frame) => frame.payload)).equals(body)).toBe(true);
      if (size < 1000) expect(bodyFrames.length).toBeGreaterThan(1);
      expect(seen.at(-1)!.payload.toString()).toBe('{}');
    }
  });

  it('keeps no view of a pushed chunk: the buffer may be read into again after push', () => {
    const { frames, decoder } = collect();
    const wire = Buffer.concat([encodeFrame(WorkerFrame.LOG, 3, Buffer.from('{"text":"a log line"}')), encodeFrame(WorkerFrame.END, 3, Buffer.from('{"outcome":"ok"}'))]);
    // Cut inside the first header, inside the first payload, and inside the second header.
    const cuts = [0, 5, 20, wire.length - 20, wire.length];
    for (let i = 1; i < cuts.length; i++) {
      const chunk = Buffer.from(wire.subarray(cuts[i - 1], cuts[i]));
      decoder.push(chunk);
      chunk.fill(0xff);
    }
    expect(frames.map((frame) => [frame.type, frame.requestId, frame.payload.toString()])).toEqual([
      [WorkerFrame.LOG, 3, '{"text":"a log line"}'],
      [WorkerFrame.END, 3, '{"outcome":"ok"}'],
    ]);
  });
});
