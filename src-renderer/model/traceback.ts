/** A Python traceback split into lines a viewer can style. Pure. */

export type TracebackLineKind = 'header' | 'frame' | 'source' | 'message' | 'plain';

export interface TracebackLine {
  kind: TracebackLineKind;
  text: string;
  /** For frames: where. */
  file?: string;
  line?: number;
  func?: string;
}

const FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;

export function parseTraceback(text: string): TracebackLine[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const out: TracebackLine[] = [];
  let previous: TracebackLineKind = 'plain';
  for (const raw of lines) {
    const frame = FRAME.exec(raw);
    let entry: TracebackLine;
    if (frame) {
      entry = { kind: 'frame', text: raw, file: frame[1], line: Number(frame[2]), func: frame[3] };
    } else if (/^(Traceback \(most recent call last\)|During handling|The above exception|(Current t|T)hread 0x[0-9a-f]+)/.test(raw)) {
      entry = { kind: 'header', text: raw };
    } else if ((previous === 'frame' || previous === 'source') && /^\s{4,}/.test(raw)) {
      // The source line under a frame, and the ^^^^ markers Python 3.11+ adds below it.
      entry = { kind: 'source', text: raw };
    } else if (raw.trim() !== '' && !/^\s/.test(raw)) {
      entry = { kind: 'message', text: raw };
    } else {
      entry = { kind: 'plain', text: raw };
    }
    out.push(entry);
    previous = entry.kind;
  }
  return out;
}
