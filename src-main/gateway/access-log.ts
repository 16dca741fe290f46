/**
 * gunicorn's default access log line (`%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"`),
 * so tools that parse gunicorn or Apache combined logs read ours too. Pure.
 */

export interface AccessRecord {
  remoteAddress: string;
  time: Date;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  bytesSent: number;
  referer?: string;
  userAgent?: string;
  durationMs: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatAccessLine(record: AccessRecord): string {
  const bytes = record.bytesSent ? String(record.bytesSent) : '-';
  const status = record.status || '-';
  return `${record.remoteAddress} - - [${formatClfTime(record.time)}] "${record.method} ${record.url} HTTP/${record.httpVersion}" ${status} ${bytes} "${record.referer ?? '-'}" "${record.userAgent ?? '-'}" ${record.durationMs.toFixed(1)}ms`;
}

/** Common Log Format time: 24/Nov/2026:12:07:24 +0000 (local time with its offset). */
export function formatClfTime(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -time.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${pad(time.getDate())}/${MONTHS[time.getMonth()]}/${time.getFullYear()}:${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}
