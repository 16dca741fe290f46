/** Processes seen through /proc (Linux): liveness and the standby interpreters of a master. */
import { readFileSync, readdirSync } from 'node:fs';

/** Fields after the command name in /proc/<pid>/stat: [state, ppid, ...]. */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Alive and not a zombie (a reparented child may stay one until its new parent reaps it). */
export function isAlive(pid: number): boolean {
  try {
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Children of `parent` started with --standby (workers or zygotes waiting for GO). */
export function standbyChildren(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(statFields(name)[1]) !== parent) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes('--standby')) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}
