import { describe, expect, it } from 'vitest';
import { CapturedExchange } from '../../../../src-main/gateway/capture/captured-exchange';
import { PackArena } from '../../../../src-main/gateway/capture/pack-arena';
import { encodeRequest } from '../../../../src-main/gateway/protocol';

/** An exchange as the recorder fills it, before it is sealed. */
function filled(bodyLimit = 8): CapturedExchange {
  const exchange = new CapturedExchange(7, 'POST', '/form?x=1', '1.1', '127.0.0.1', 1_700_000_000_000, bodyLimit);
  exchange.rawHeaders = ['Host', 'localhost', 'X-Latin', 'caf\u00e9'].join('\0');
  exchange.requestPayload = encodeRequest(1, { REQUEST_METHOD: 'POST', PATH_INFO: '/form', HTTP_X_LATIN: 'caf\u00e9' });
  exchange.addRequestBody(Buffer.from([0xff, 0x00, 0x41]));
  exchange.addRequestBody(Buffer.from('0123456789'));
  exchange.addResponseBody(Buffer.from('hello'));
  const end = { outcome: 'ok', bytesRead: 13, bytesSent: 5, short: false, findingCount: 0 };
  const capture = { environExtra: [['wsgi.input', '<RequestInput>']], startResponse: [{ status: '200 OK', headers: [['Content-Type', 'text/plain']] }], usedWrite: false, chunkSizes: [5], findings: [], closeCalled: null };
  exchange.endPayload = Buffer.from(`${JSON.stringify(end)}\n${JSON.stringify(capture)}`);
  exchange.wireHead = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: forkwatch\r\n\r\n';
  exchange.status = 200;
  exchange.outcome = 'ok';
  return exchange;
}

describe('CapturedExchange', () => {
  it('reads the same record after sealing its parts into the arena as before', () => {
    const live = filled().record();
    const record = filled().seal(new PackArena()).record();
    expect(record).toEqual(live);
    expect(record.requestBody).toEqual({ size: 13, truncated: true, base64: Buffer.from([0xff, 0x00, 0x41, 0x30, 0x31, 0x32, 0x33, 0x34]).toString('base64') });
    expect(record.responseBody.base64).toBe(Buffer.from('hello').toString('base64'));
    expect(record.requestHeaders).toEqual([['Host', 'localhost'], ['X-Latin', 'caf\u00e9']]);
    expect(record.environ).toContainEqual(['HTTP_X_LATIN', 'caf\u00e9']);
    expect(record.environ.at(-1)).toEqual(['wsgi.input', '<RequestInput>']);
    expect(record.serverAddedHeaders).toEqual(['Server']);
    expect(record.startResponse).toEqual([{ status: '200 OK', headers: [['Content-Type', 'text/plain']] }]);
    expect(record.responseChunks).toEqual([5]);
  });

  it('copies the END payload when sealing, so a reused socket buffer cannot change it', () => {
    const exchange = filled();
    const socketRead = Buffer.from(exchange.endPayload!);
    exchange.endPayload = socketRead;
    const sealed = exchange.seal(new PackArena());
    socketRead.fill(0x20);
    expect(sealed.record().outcome).toBe('ok');
    expect(sealed.record().requestBytesRead).toBe(13);
  });

  it('counts its packed bytes plus a fixed overhead, no bodies twice', () => {
    const exchange = filled();
    const before = exchange.bytes();
    // Sealed, it also holds its numbers (a 144-byte header) and its strings.
    const strings = 'POST' + '/form?x=1' + '1.1' + '127.0.0.1' + 'ok';
    expect(exchange.seal(new PackArena()).bytes()).toBe(before + 144 + strings.length);
  });

  it('keeps every summary field and timing through sealing, and null pid and generation as null', () => {
    const exchange = filled();
    exchange.dispatchedUs = 120;
    exchange.startResponseUs = 300;
    exchange.firstByteUs = 310;
    exchange.completeUs = 1_500;
    exchange.responseSize = 3 * 2 ** 30; // past Int32: sizes are doubles
    exchange.findingCount = 2;
    exchange.replayOf = 3;
    const live = exchange.record();
    const sealed = exchange.seal(new PackArena());
    expect(sealed.summary()).toEqual(exchange.summary());
    expect(sealed.record()).toEqual(live);
    expect(sealed.summary()).toMatchObject({ workerPid: null, generation: null, responseSize: 3 * 2 ** 30, durationMs: 1.5, replayOf: 3 });
    exchange.workerPid = 4242;
    exchange.generation = 5;
    exchange.stack = 'File "app.py", line 1';
    exchange.workerExit = { code: null, signal: 'SIGKILL' };
    exchange.logs = [{ stream: 'stdout', text: 'hi', time: 1 }];
    const sealedAgain = exchange.seal(new PackArena());
    expect(sealedAgain.summary()).toMatchObject({ workerPid: 4242, generation: 5 });
    expect(sealedAgain.record()).toEqual(exchange.record());
  });

  it('packs many exchanges into shared slabs without overlap', () => {
    const arena = new PackArena();
    const exchanges = Array.from({ length: 500 }, () => filled());
    const expected = exchanges.map((exchange) => exchange.record());
    const sealed = exchanges.map((exchange) => exchange.seal(arena));
    sealed.forEach((exchange, i) => expect(exchange.record()).toEqual(expected[i]));
  });
});

describe('SealedExchange strings', () => {
  it('keeps the request line and address as they came, latin-1 and IPv6 included', () => {
    const exchange = new CapturedExchange(9, 'PROPFIND', '/caf\u00e9?q=\u00ff&x=%20', '1.0', '::ffff:127.0.0.1', 1_764_000_000_123, 16);
    exchange.outcome = 'client-gone';
    const sealed = exchange.seal(new PackArena());
    expect(sealed.summary()).toEqual(exchange.summary());
    expect([sealed.method, sealed.url, sealed.httpVersion, sealed.remoteAddress, sealed.outcome]).toEqual(['PROPFIND', '/caf\u00e9?q=\u00ff&x=%20', '1.0', '::ffff:127.0.0.1', 'client-gone']);
    expect(sealed.startedAt).toBe(1_764_000_000_123);
    expect(sealed.replayOf).toBeUndefined();
  });
});

describe('SealedExchange on the arena', () => {
  it('reads a body of its own allocation (32 KiB and more) back, and gives it up on eviction', () => {
    const arena = new PackArena();
    const exchange = filled(1 << 20);
    const big = Buffer.alloc(100_000, 0x61);
    exchange.addResponseBody(big);
    const live = exchange.record();
    const sealed = exchange.seal(arena);
    expect(arena.slabCount).toBe(0); // not on a slab
    expect(sealed.record()).toEqual(live);
    expect(Buffer.from(sealed.record().responseBody.base64, 'base64').subarray(5).equals(big)).toBe(true);
    sealed.evicted();
    expect(sealed.record().responseBody.size).toBe(0);
  });

  it('frees its slab slice on eviction: slabs are reused, survivors still read right', () => {
    const arena = new PackArena();
    const sealed = Array.from({ length: 2000 }, () => filled().seal(arena));
    const expected = filled().record();
    const slabs = arena.slabCount;
    expect(slabs).toBeGreaterThanOrEqual(3);
    for (const exchange of sealed.slice(0, 1950)) exchange.evicted();
    const more = Array.from({ length: 2000 }, () => filled().seal(arena));
    // Without the releases this would take as many slabs again.
    expect(arena.slabCount).toBeLessThanOrEqual(slabs + 1);
    for (const exchange of [...sealed.slice(1950), ...more]) expect(exchange.record()).toEqual(expected);
  });
});

describe('PackArena', () => {
  it('reuses a slab once every slice on it was released, never while one is live', () => {
    const arena = new PackArena();
    const first = Array.from({ length: 300 }, (_, i) => arena.alloc(1000).fill(i % 251));
    // 300 KB: the first slab (256 KiB) is full, a second one is current.
    expect(arena.slabCount).toBe(2);
    first.slice(0, 200).forEach((slice) => arena.release(slice));
    // Still live: slices 200..261 sit on the first slab; the newest slices must not overwrite them.
    const more = Array.from({ length: 300 }, () => arena.alloc(1000).fill(0xee));
    first.slice(200).forEach((slice, i) => expect(slice.every((byte) => byte === (200 + i) % 251)).toBe(true));
    expect(more.length).toBe(300);
    const slabsBefore = arena.slabCount;
    first.slice(200).forEach((slice) => arena.release(slice));
    more.forEach((slice) => arena.release(slice));
    // Everything released: further allocations come from spare slabs, no new ones.
    Array.from({ length: 500 }, () => arena.alloc(1000));
    expect(arena.slabCount).toBeLessThanOrEqual(slabsBefore);
  });

  it('reuses a released big buffer for a big allocation of about its size, never one still live', () => {
    const arena = new PackArena();
    const first = arena.alloc(1_000_000).fill(1);
    const second = arena.alloc(1_000_000).fill(2);
    expect(first.buffer).not.toBe(second.buffer);
    arena.release(first);
    expect(arena.spareLargeSize).toBe(1_000_000);
    const reused = arena.alloc(990_000);
    expect(reused.buffer).toBe(first.buffer);
    expect(arena.spareLargeSize).toBe(0);
    expect(second.every((byte) => byte === 2)).toBe(true);
    arena.release(second);
    arena.release(second); // a second release of the same memory counts once
    expect(arena.spareLargeSize).toBe(1_000_000);
    // Far smaller than the spare: a buffer of its own size, the spare kept.
    expect(arena.alloc(100_000).buffer).not.toBe(second.buffer);
    expect(arena.spareLargeSize).toBe(1_000_000);
  });

  it('keeps at most 16 MiB of released big buffers', () => {
    const arena = new PackArena();
    const buffers = Array.from({ length: 40 }, () => arena.alloc(1 << 20));
    for (const buffer of buffers) arena.release(buffer);
    expect(arena.spareLargeSize).toBe(16 << 20);
  });

  it('an evicted exchange gives its bytes back and has no record left to read', () => {
    const arena = new PackArena();
    const exchange = filled().seal(arena);
    expect(exchange.record().responseBody.base64).toBe(Buffer.from('hello').toString('base64'));
    exchange.evicted();
    expect(exchange.record().responseBody.size).toBe(0);
    expect(exchange.record().environ).toEqual([]);
  });
});

describe('CapturedExchange times', () => {
  it('keeps the wall clock to the millisecond and timings in ms from whole microseconds', () => {
    const exchange = new CapturedExchange(1, 'GET', '/', '1.1', '127.0.0.1', 1_764_000_000_123, 16);
    expect(exchange.startedAt).toBe(1_764_000_000_123);
    expect(exchange.summary().startedAt).toBe(1_764_000_000_123);
    expect(exchange.durationMs).toBeNull();
    expect(exchange.record().timings).toEqual({ accepted: 0 });
    const elapsed = exchange.elapsedUs();
    expect(Number.isInteger(elapsed) && elapsed >= 0 && elapsed < 1_000_000).toBe(true);
    exchange.dispatchedUs = 250;
    exchange.completeUs = 1_500;
    expect(exchange.durationMs).toBe(1.5);
    expect(exchange.record().timings).toEqual({ accepted: 0, dispatched: 0.25, complete: 1.5 });
  });
});
