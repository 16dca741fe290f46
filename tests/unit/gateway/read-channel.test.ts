/** readChannel over a real Unix socket: big reads reuse their buffers only once nothing holds them. */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHANNEL_COPY_LIMIT, CHANNEL_READ_SIZE, holdChunk, readChannel } from '../../../src-main/gateway/worker-io';

/** Smaller than the real size: a Node writer's socket holds only ~200 KiB, the worker's 2 MiB. */
const READ_SIZE = 32 * 1024;
const COPY_LIMIT = READ_SIZE * (CHANNEL_COPY_LIMIT / CHANNEL_READ_SIZE);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A connected pair of Unix sockets (the kind of socket a worker's channel is). */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fw-read-channel-'));
  const server = net.createServer();
  const address = path.join(dir, 's');
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(address);
  const peer = await accepted;
  cleanups.push(() => {
    client.destroy();
    peer.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return [client, peer];
}

/** Writes `data` and collects what readChannel delivers until the writer's end. */
async function readAll(data: Buffer, onChunk: (chunk: Buffer) => void): Promise<void> {
  const [writer, reader] = await socketPair();
  const ended = new Promise<void>((resolve) => reader.once('end', resolve));
  readChannel(reader, onChunk, READ_SIZE);
  // Written in reads' worth, each after the last was taken, so most reads are big.
  for (let at = 0; at < data.length; at += READ_SIZE) {
    if (!writer.write(data.subarray(at, at + READ_SIZE))) await new Promise((resolve) => writer.once('drain', resolve));
  }
  writer.end();
  await ended;
}

describe('readChannel', () => {
  it('delivers every byte in order', async () => {
    const data = randomBytes(64 * READ_SIZE + 123);
    const chunks: Buffer[] = [];
    await readAll(data, (chunk) => chunks.push(Buffer.from(chunk)));
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('never reads into a buffer a held chunk lies in, and reads into released ones again', async () => {
    const data = randomBytes(64 * READ_SIZE);
    const held: { chunk: Buffer; copy: Buffer; release: () => void }[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let bigReads = 0;
    let received = 0;
    await readAll(data, (chunk) => {
      expect(chunk.equals(data.subarray(received, received + chunk.length))).toBe(true);
      received += chunk.length;
      if (chunk.length <= COPY_LIMIT) return;
      bigReads++;
      buffers.add(chunk.buffer);
      // Hold every other big chunk; the rest are released when the call returns.
      if (bigReads % 2 === 1) held.push({ chunk, copy: Buffer.from(chunk), release: holdChunk(chunk) });
    });
    expect(received).toBe(data.length);
    expect(bigReads).toBeGreaterThan(4);
    for (const { chunk, copy } of held) expect(chunk.equals(copy)).toBe(true);
    // Each held chunk needed a buffer of its own; the released ones were read into again.
    expect(buffers.size).toBeLessThan(bigReads);
    for (const { release } of held) release();
  });
});
