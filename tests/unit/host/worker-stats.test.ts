import { describe, expect, it } from 'vitest';
import { WorkerStatsSampler, cpuPercent, parseProcStat, parseProcStatusRss } from '../../../src-main/host/worker-stats';

// A real /proc/<pid>/stat line (python3), with an awkward comm put in below.
const STAT =
  '4242 (python3) S 4100 4242 4100 34816 4242 4194560 2345 0 0 0 150 25 0 0 20 0 1 0 123456 31457280 5120 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

const STATUS = `Name:\tpython3
Umask:\t0022
State:\tS (sleeping)
Pid:\t4242
VmPeak:\t   40000 kB
VmSize:\t   30720 kB
VmRSS:\t   20480 kB
RssAnon:\t    8192 kB
Threads:\t1
`;

describe('parseProcStat', () => {
  it('reads pid, comm, state, utime, stime and rss pages', () => {
    expect(parseProcStat(STAT)).toEqual({ pid: 4242, comm: 'python3', state: 'S', utime: 150, stime: 25, rssPages: 5120 });
  });

  it('copes with spaces and parentheses in the process name', () => {
    const odd = STAT.replace('(python3)', '(we ird) (name))');
    expect(parseProcStat(odd)).toMatchObject({ pid: 4242, comm: 'we ird) (name)', state: 'S', utime: 150, stime: 25 });
  });

  it('answers null for text that is not a stat line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('12 (x) S 1 2 3')).toBeNull();
  });
});

describe('parseProcStatusRss', () => {
  it('reads VmRSS in bytes', () => {
    expect(parseProcStatusRss(STATUS)).toBe(20480 * 1024);
  });
  it('is 0 without VmRSS (a zombie)', () => {
    expect(parseProcStatusRss('Name:\tpython3\nState:\tZ (zombie)\n')).toBe(0);
  });
});

describe('cpuPercent', () => {
  it('is percent of one core over the interval', () => {
    expect(cpuPercent(100, 150, 1000, 100)).toBe(50);
    expect(cpuPercent(100, 300, 1000, 100)).toBe(200);
    expect(cpuPercent(100, 100, 1000, 100)).toBe(0);
    expect(cpuPercent(100, 101, 3000, 100)).toBe(0.3);
  });
  it('is 0 for no time or a counter that went back', () => {
    expect(cpuPercent(100, 150, 0, 100)).toBe(0);
    expect(cpuPercent(150, 100, 1000, 100)).toBe(0);
  });
});

describe('WorkerStatsSampler', () => {
  it('samples rss at once and cpu from the second sample on; forgets pids no longer listed', async () => {
    let now = 0;
    let ticks = 175;
    const files: Record<string, () => string> = {
      '/proc/4242/stat': () => STAT.replace(' 150 25 ', ` ${ticks - 25} 25 `),
      '/proc/4242/status': () => STATUS,
      '/proc/self/stat': () => STAT,
    };
    const sampler = new WorkerStatsSampler({
      now: () => now,
      readText: async (path) => {
        const file = files[path];
        if (!file) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return file();
      },
    });
    await sampler.sample([4242, 9999]);
    expect(sampler.get(4242)).toEqual({ rss: 20480 * 1024, cpu: 0 });
    expect(sampler.get(9999)).toEqual({ rss: 0, cpu: 0 });
    now = 1000;
    ticks += 25;
    await sampler.sample([4242]);
    expect(sampler.get(4242)).toEqual({ rss: 20480 * 1024, cpu: 25 });
    await sampler.sample([]);
    expect(sampler.get(4242)).toEqual({ rss: 0, cpu: 0 });
  });

  it('degrades to 0 without /proc', async () => {
    let reads = 0;
    const sampler = new WorkerStatsSampler({
      readText: async () => {
        reads++;
        throw new Error('ENOENT');
      },
    });
    await sampler.sample([1, 2]);
    const after = reads;
    await sampler.sample([1, 2]);
    expect(reads).toBe(after);
    expect(sampler.get(1)).toEqual({ rss: 0, cpu: 0 });
  });

  it('reads this very process on Linux', async () => {
    if (process.platform !== 'linux') return;
    const sampler = new WorkerStatsSampler();
    await sampler.sample([process.pid]);
    expect(sampler.get(process.pid).rss).toBeGreaterThan(1024 * 1024);
  });
});
