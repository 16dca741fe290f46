/** Hex dump of binary bodies, 16 bytes a line, like `hexdump -C`. Pure. */

export interface HexLine {
  /** Byte offset, 8 hex digits. */
  offset: string;
  /** 16 two-digit hex bytes in two groups of 8 (padded on the last line). */
  hex: string;
  /** Printable ASCII, '.' for the rest. */
  ascii: string;
}

export interface HexDump {
  lines: HexLine[];
  /** Bytes left out past `maxBytes`. */
  omitted: number;
}

const BYTES_PER_LINE = 16;

export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): HexDump {
  const shown = Math.min(bytes.length, maxBytes);
  const lines: HexLine[] = [];
  for (let start = 0; start < shown; start += BYTES_PER_LINE) {
    const end = Math.min(start + BYTES_PER_LINE, shown);
    const cells: string[] = [];
    let ascii = '';
    for (let i = start; i < start + BYTES_PER_LINE; i++) {
      if (i < end) {
        const b = bytes[i];
        cells.push(b.toString(16).padStart(2, '0'));
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        cells.push('  ');
      }
    }
    lines.push({
      offset: start.toString(16).padStart(8, '0'),
      hex: `${cells.slice(0, 8).join(' ')}  ${cells.slice(8).join(' ')}`,
      ascii,
    });
  }
  return { lines, omitted: bytes.length - shown };
}

/** The dump as text (for copying): "00000000  48 65 ...  |He...|". */
export function hexDumpText(dump: HexDump): string {
  return dump.lines.map((l) => `${l.offset}  ${l.hex}  |${l.ascii}|`).join('\n');
}
