import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ArbiterLogEntry } from '../../../src-main/contract';
import type { Arbiter, WorkerInfo } from '../../../src-main/gateway/arbiter';
import { ArbiterLog } from '../../../src-main/host/arbiter-log';

function info(pid: number, generation = 1): WorkerInfo {
  return { id: pid, pid, generation, state: 'idle', startedAt: 0, served: 0, requestId: null, requestStartedAt: null };
}

const failure = { type: 'SyntaxError', message: 'invalid syntax', traceback: 'Traceback (most recent call last):\n  ...\nSyntaxError: invalid syntax\n', stage: 'import' as const };

describe('ArbiterLog', () => {
  it('turns arbiter events into numbered log lines', () => {
    const arbiter = new EventEmitter();
    const seen: ArbiterLogEntry[] = [];
    const log = new ArbiterLog({ now: () => 1234, onEntry: (entry) => seen.push(entry) });
    log.attach(arbiter as unknown as Arbiter);
    arbiter.emit('worker-spawned', info(10));
    arbiter.emit('reload-finished', { generation: 1, ms: 120 });
    arbiter.emit('scaled', { from: 1, to: 3 });
    arbiter.emit('worker-timeout', { ...info(10), requestId: 7 }, 'File "app.py", line 3, in app\n');
    arbiter.emit('worker-exited', info(10), { code: null, signal: 'SIGKILL', reason: 'timeout' });
    arbiter.emit('reload-started', { generation: 2 });
    arbiter.emit('boot-failed', info(11, 2), failure);
    arbiter.emit('worker-exited', info(11, 2), { code: 3, signal: null, reason: 'boot failed' });
    arbiter.emit('reload-failed', { generation: 2, failure, reason: 'SyntaxError: invalid syntax' });
    arbiter.emit('console', info(10), { stream: 'stdout', text: 'not logged' });

    const entries = log.entries();
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'spawned'],
      [2, 'reload-finished'],
      [3, 'scaled'],
      [4, 'timeout'],
      [5, 'exited'],
      [6, 'reload-started'],
      [7, 'exited'],
      [8, 'reload-failed'],
    ]);
    expect(seen).toEqual(entries);
    expect(entries[0]).toEqual({ seq: 1, time: 1234, kind: 'spawned', message: 'Booting worker 10 (generation 1)', pid: 10, generation: 1 });
    expect(entries[1]).toMatchObject({ durationMs: 120, generation: 1 });
    expect(entries[2].message).toBe('Workers: 1 -> 3');
    expect(entries[3]).toMatchObject({ pid: 10, detail: 'File "app.py", line 3, in app\n' });
    expect(entries[3].message).toContain('request 7');
    expect(entries[4].message).toBe('Worker 10 exited with signal SIGKILL (timeout)');
    expect(entries[6]).toMatchObject({ pid: 11, generation: 2, detail: failure.traceback });
    expect(entries[6].message).toContain('SyntaxError: invalid syntax');
    expect(entries[7]).toMatchObject({ generation: 2, detail: failure.traceback });
  });

  it('logs a halt as a failed load of generation 1', () => {
    const arbiter = new EventEmitter();
    const log = new ArbiterLog();
    log.attach(arbiter as unknown as Arbiter);
    arbiter.emit('halted', { failure, reason: 'SyntaxError: invalid syntax' });
    expect(log.entries()).toEqual([expect.objectContaining({ kind: 'reload-failed', generation: 1, detail: failure.traceback })]);
  });

  it('keeps only the last `limit` entries and stops on detach', () => {
    const arbiter = new EventEmitter();
    const log = new ArbiterLog({ limit: 3 });
    log.attach(arbiter as unknown as Arbiter);
    for (let i = 0; i < 10; i++) arbiter.emit('scaled', { from: i, to: i + 1 });
    expect(log.entries().map((e) => e.seq)).toEqual([8, 9, 10]);
    log.detach();
    expect(arbiter.listenerCount('scaled')).toBe(0);
    arbiter.emit('scaled', { from: 1, to: 2 });
    expect(log.lastSeq).toBe(10);
  });
});
