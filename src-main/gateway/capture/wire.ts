/** Small pieces the recorder needs to see bytes as they went by. */
import type { BodyCapture } from '../../contract';

/** Keeps the first `limit` bytes of a stream and counts the rest. */
export class BodyBuffer {
  /** Allocated on the first byte: most requests have no body to keep. */
  private chunks: Buffer[] | null = null;
  private kept = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    // Copy: the chunk may be a view into a socket buffer that is reused.
    const piece = Buffer.from(chunk.length > room ? chunk.subarray(0, room) : chunk);
    (this.chunks ??= []).push(piece);
    this.kept += piece.length;
  }

  get keptBytes(): number {
    return this.kept;
  }

  /** Bytes seen in all, also past the limit. */
  get totalBytes(): number {
    return this.total;
  }

  /** Copies the kept bytes into `target` at `offset`; returns the offset after them. */
  copyTo(target: Buffer, offset: number): number {
    if (this.chunks) for (const chunk of this.chunks) offset += chunk.copy(target, offset);
    return offset;
  }

  capture(): BodyCapture {
    return {
      size: this.total,
      truncated: this.total > this.kept,
      base64: this.chunks ? Buffer.concat(this.chunks, this.kept).toString('base64') : '',
    };
  }
}

/** Splits Node's serialized response head ("HTTP/1.1 200 OK\r\nName: value\r\n...") into parts. */
export function parseWireHead(head: string): { status: string; headers: [string, string][] } {
  if (!head) return { status: '', headers: [] };
  const lines = head.split('\r\n');
  const status = lines[0].replace(/^HTTP\/\d\.\d /, '');
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { status, headers };
}
