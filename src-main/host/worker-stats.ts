/**
 * Worker resource use from Linux's /proc: resident memory from /proc/<pid>/status (VmRSS) and
 * CPU time from /proc/<pid>/stat (utime + stime). The parsers are pure; the sampler reads the
 * files about once a second and turns CPU time into percent of one core over the last sample.
 * Where /proc is missing (macOS, Windows) or a process is gone, the numbers are 0.
 */
import { readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  /** The process name in parentheses, as the kernel shows it (may contain spaces and parens). */
  comm: string;
  state: string;
  /** CPU time in clock ticks. */
  utime: number;
  stime: number;
  /** Resident pages (field 24); VmRSS in /proc/<pid>/status is preferred for bytes. */
  rssPages: number;
}

/** Parses /proc/<pid>/stat; null when the text is not one. */
export function parseProcStat(text: string): ProcStat | null {
  // comm is "(name)" and the name may hold spaces or ")": the last ")" ends it.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime is field 14, stime 15, rss 24.
  if (!Number.isInteger(pid) || rest.length < 22) return null;
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  const rssPages = Number(rest[24 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { pid, comm: text.slice(open + 1, close), state: rest[0], utime, stime, rssPages: Number.isFinite(rssPages) ? rssPages : 0 };
}

/** Resident memory in bytes from /proc/<pid>/status (VmRSS, in kB); 0 when absent (zombies, kernel threads). */
export function parseProcStatusRss(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s*kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Percent of one core used between two samples of CPU ticks. */
export function cpuPercent(previousTicks: number, ticks: number, elapsedMs: number, ticksPerSecond: number): number {
  if (elapsedMs <= 0 || ticks < previousTicks) return 0;
  const cpuMs = ((ticks - previousTicks) / ticksPerSecond) * 1000;
  return Math.round((cpuMs / elapsedMs) * 1000) / 10;
}

export interface WorkerStats {
  rss: number;
  cpu: number;
}

export interface WorkerStatsSamplerOptions {
  /** Reads a /proc file; rejects when it is missing. */
  readText?: (path: string) => Promise<string>;
  /** USER_HZ: 100 on every mainstream Linux architecture. */
  ticksPerSecond?: number;
  now?: () => number;
}

/** Samples /proc for a set of pids; `get` answers from the last sample. */
export class WorkerStatsSampler {
  private readonly readText: (path: string) => Promise<string>;
  private readonly ticksPerSecond: number;
  private readonly now: () => number;
  private readonly last = new Map<number, { ticks: number; at: number; stats: WorkerStats }>();
  /** Turned off after /proc proves missing, so other platforms pay nothing. */
  private available = true;

  constructor(options: WorkerStatsSamplerOptions = {}) {
    this.readText = options.readText ?? ((path) => readFile(path, 'utf8'));
    this.ticksPerSecond = options.ticksPerSecond ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  get(pid: number): WorkerStats {
    return this.last.get(pid)?.stats ?? { rss: 0, cpu: 0 };
  }

  /** Reads every pid's files; forgets pids not listed. */
  async sample(pids: readonly number[]): Promise<void> {
    const wanted = new Set(pids);
    for (const pid of this.last.keys()) if (!wanted.has(pid)) this.last.delete(pid);
    if (!this.available) return;
    await Promise.all(pids.map((pid) => this.sampleOne(pid)));
  }

  private async sampleOne(pid: number): Promise<void> {
    let statText: string;
    let statusText: string;
    try {
      [statText, statusText] = await Promise.all([this.readText(`/proc/${pid}/stat`), this.readText(`/proc/${pid}/status`)]);
    } catch {
      this.last.delete(pid);
      if (this.available && !(await this.procExists())) this.available = false;
      return;
    }
    const stat = parseProcStat(statText);
    if (!stat) return;
    const ticks = stat.utime + stat.stime;
    const at = this.now();
    const previous = this.last.get(pid);
    const cpu = previous ? cpuPercent(previous.ticks, ticks, at - previous.at, this.ticksPerSecond) : 0;
    this.last.set(pid, { ticks, at, stats: { rss: parseProcStatusRss(statusText), cpu } });
  }

  private async procExists(): Promise<boolean> {
    try {
      await this.readText('/proc/self/stat');
      return true;
    } catch {
      return false;
    }
  }
}
