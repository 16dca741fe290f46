// Turning measurements into the printed table. Kept apart from run.mjs so the composing
// code reads as "what is measured" and this file as "how it is shown".
//
// Ratios are always forkwatch/gunicorn (capture table: on/off), and every row says which
// direction is better, because a ratio of 0.8 is good for latency and bad for throughput.

const int = (v) => Math.round(v).toLocaleString('en-US');
export const FORMATS = {
  'req/s': (v) => int(v),
  ms: (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3)),
  'MiB/s': (v) => int(v),
  MiB: (v) => v.toFixed(1),
  'ms/s': (v) => v.toFixed(1),
};

export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
}

/** Does `r` meet `target` ({ op: '>=' | '<=', value })? null when either is unknown. */
export function meets(r, target) {
  if (r === null || !target) return null;
  return target.op === '>=' ? r >= target.value - 1e-9 : r <= target.value + 1e-9;
}

function cell(v, unit, mark) {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v; // "error", "skipped"
  return FORMATS[unit](v) + (mark ? ' !' : '');
}

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd());
}

/**
 * rows: { label, unit, a, b, better: 'higher'|'lower', target?, ref?, markA?, markB? }
 * a/b are numbers, or strings like "error"/"skipped" when there is no figure.
 */
export function table(rows, { a = 'forkwatch', b = 'gunicorn', ratioName = 'fw/gu', withRef = true } = {}) {
  const head = ['metric', a, b, ratioName, 'better', 'target', 'ok'];
  if (withRef) head.push('ref gunicorn');
  const out = [head];
  for (const r of rows) {
    const rr = ratio(r.a, r.b);
    const ok = meets(rr, r.target);
    const line = [
      `${r.label} (${r.unit})`,
      cell(r.a, r.unit, r.markA),
      cell(r.b, r.unit, r.markB),
      rr === null ? '-' : `${rr.toFixed(2)}x`,
      r.better === 'lower' ? 'lower' : 'higher',
      r.target ? `${r.target.op} ${r.target.value.toFixed(2)}x` : '',
      ok === null ? '' : ok ? 'PASS' : 'FAIL',
    ];
    if (withRef) line.push(r.ref === undefined ? '' : cell(r.ref, r.unit));
    out.push(line);
  }
  const lines = pad(out);
  lines.splice(1, 0, '-'.repeat(Math.max(...lines.map((l) => l.length))));
  return lines.join('\n');
}

/** Rows as plain objects for the JSON file (same content as the printed table). */
export function rowsForJson(rows) {
  return rows.map((r) => {
    const rr = ratio(r.a, r.b);
    return {
      metric: r.label, unit: r.unit, forkwatch: r.a, gunicorn: r.b,
      ratio: rr, better: r.better, target: r.target ?? null, pass: meets(rr, r.target),
      reference: r.ref ?? null,
    };
  });
}
