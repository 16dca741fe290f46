/**
 * The diff command's line list (same / removed / added) laid out side by side: a run of
 * removed lines followed by a run of added ones pairs up row by row as "changed". Pure.
 */
import type { ExchangeDiffLine } from '@contract';

export type SideRowKind = 'same' | 'changed' | 'removed' | 'added';

export interface SideBySideRow {
  kind: SideRowKind;
  /** null: nothing on that side. */
  left: string | null;
  right: string | null;
}

export function toSideBySide(lines: readonly ExchangeDiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.kind === 'same') {
      rows.push({ kind: 'same', left: line.text, right: line.text });
      i++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (i < lines.length && lines[i].kind === 'removed') removed.push(lines[i++].text);
    while (i < lines.length && lines[i].kind === 'added') added.push(lines[i++].text);
    const n = Math.max(removed.length, added.length);
    for (let k = 0; k < n; k++) {
      const left = k < removed.length ? removed[k] : null;
      const right = k < added.length ? added[k] : null;
      rows.push({ kind: left !== null && right !== null ? 'changed' : left !== null ? 'removed' : 'added', left, right });
    }
  }
  return rows;
}
