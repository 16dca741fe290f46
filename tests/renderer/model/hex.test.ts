import { describe, expect, it } from 'vitest';
import { hexDump, hexDumpText } from '@renderer/model/hex';

describe('hexDump', () => {
  it('lays out 16 bytes a line with offsets and ASCII', () => {
    const bytes = new TextEncoder().encode('Hello, World!\n\u0000ABCDEFG');
    const dump = hexDump(bytes);
    expect(dump.lines).toHaveLength(2);
    expect(dump.lines[0]).toEqual({
      offset: '00000000',
      hex: '48 65 6c 6c 6f 2c 20 57  6f 72 6c 64 21 0a 00 41',
      ascii: 'Hello, World!..A',
    });
    expect(dump.lines[1].offset).toBe('00000010');
    expect(dump.lines[1].ascii).toBe('BCDEFG');
    // The last line is padded so the ASCII column lines up.
    expect(dump.lines[1].hex).toHaveLength(dump.lines[0].hex.length);
  });

  it('stops at maxBytes and counts the rest', () => {
    const dump = hexDump(new Uint8Array(100), 32);
    expect(dump.lines).toHaveLength(2);
    expect(dump.omitted).toBe(68);
  });

  it('renders as text like hexdump -C', () => {
    const text = hexDumpText(hexDump(new Uint8Array([0x41, 0x42])));
    expect(text).toMatch(/^00000000  41 42 +\|AB\|$/);
    expect(text.indexOf('|')).toBe(10 + 48 + 2);
  });

  it('is empty for no bytes', () => {
    expect(hexDump(new Uint8Array(0))).toEqual({ lines: [], omitted: 0 });
  });
});
