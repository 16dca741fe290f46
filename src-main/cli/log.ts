/**
 * gunicorn-style log lines: `[2026-11-24 12:07:24 +0000] [pid] [INFO] message`.
 * INFO goes to stdout with the access log (one stream to follow); warnings and errors to stderr.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export function formatLogLine(level: LogLevel, message: string, time = new Date(), pid = process.pid): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = -time.getTimezoneOffset();
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  const stamp = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())} ${zone}`;
  return `[${stamp}] [${pid}] [${level}] ${message}`;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  err: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  return {
    info: (message) => out(formatLogLine('INFO', message)),
    warn: (message) => err(formatLogLine('WARNING', message)),
    error: (message) => err(formatLogLine('ERROR', message)),
  };
}
