/** ForkedWorker's state machine against a fake zygote and a fake connection (no Python). */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ForkedWorker } from '../../../../src-main/gateway/zygote/forked-worker';
import { MasterFrame, WorkerFrame, type BootFailure } from '../../../../src-main/gateway/protocol';
import { parseServeArgs, USAGE } from '../../../../src-main/cli/args';

const ZYGOTE_PID = 4242;

function setup() {
  const released: ForkedWorker[] = [];
  const worker = new ForkedWorker(7, 'token', 3, { pid: ZYGOTE_PID, released: (w) => released.push(w) });
  const events: unknown[][] = [];
  worker.on('spawned', (pid) => events.push(['spawned', pid]));
  worker.on('ready', (info) => events.push(['ready', info.pid]));
  worker.on('boot-failed', (failure) => events.push(['boot-failed', failure.type]));
  worker.on('console', (line) => events.push(['console', line.stream, line.text]));
  worker.on('exit', (status) => events.push(['exit', status.code, status.signal]));
  return { worker, events, released };
}

class FakeSocket extends EventEmitter {
  destroyed = false;
  written: Buffer[] = [];
  paused = false;
  write(data: Buffer) {
    this.written.push(data);
    return true;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  close() {
    this.destroyed = true;
    this.emit('close');
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const kills = () => vi.spyOn(process, 'kill').mockImplementation(() => true);

afterEach(() => vi.restoreAllMocks());

describe('ForkedWorker', () => {
  it('has pid 0 until the fork, then announces it once (FORKED and HELLO in either order)', () => {
    const { worker, events } = setup();
    expect(worker.pid).toBe(0);
    const socket = new FakeSocket();
    worker.connected(socket as unknown as Socket, 1001);
    expect(worker.forked(1001)).toBe(true);
    expect(worker.pid).toBe(1001);
    worker.onFrame({ type: WorkerFrame.READY, requestId: 0, payload: Buffer.from(JSON.stringify({ pid: 1001 })) });
    expect(events).toEqual([
      ['spawned', 1001],
      ['ready', 1001],
    ]);
  });

  it('reports CHILD_EXIT only once its channel has drained', async () => {
    const { worker, events, released } = setup();
    const socket = new FakeSocket();
    worker.forked(1001);
    worker.connected(socket as unknown as Socket, 1001);
    worker.childExited({ code: 0, signal: null });
    await tick();
    expect(worker.alive).toBe(true);
    socket.close();
    expect(events.at(-1)).toEqual(['exit', 0, null]);
    expect(released).toEqual([worker]);
    await expect(worker.waitForExit()).resolves.toEqual({ code: 0, signal: null });
  });

  it('splits relayed output into lines (UTF-8 across chunks) and flushes the rest at exit', () => {
    const { worker, events } = setup();
    worker.forked(1001);
    const bytes = Buffer.from('héllo\nwor');
    worker.output(1, bytes.subarray(0, 2)); // cuts "é" in half
    worker.output(1, bytes.subarray(2));
    worker.output(2, Buffer.from('err line\n'));
    worker.output(1, Buffer.from('ld'));
    worker.childExited({ code: 0, signal: null });
    expect(events.filter(([kind]) => kind === 'console')).toEqual([
      ['console', 'stdout', 'héllo'],
      ['console', 'stderr', 'err line'],
      ['console', 'stdout', 'world'],
    ]);
  });

  it('dumps its stack from fd 4 output after SIGUSR1 to the child', async () => {
    const kill = kills();
    const { worker } = setup();
    worker.forked(1001);
    const dump = worker.dumpStack(1000);
    expect(kill).toHaveBeenCalledWith(1001, 'SIGUSR1');
    worker.output(4, Buffer.from('Thread 0x1 (most recent call first):\n'));
    worker.output(4, Buffer.from('  File "app.py", line 3 in view\n'));
    await expect(dump).resolves.toBe('Thread 0x1 (most recent call first):\n  File "app.py", line 3 in view\n');
  });

  it('is simply not forked when killed or stopped before the fork, and refuses a late fork', async () => {
    const kill = kills();
    const { worker, events, released } = setup();
    worker.kill('SIGKILL');
    expect(worker.alive).toBe(true); // exits asynchronously, like a process
    await tick();
    expect(events).toEqual([
      ['spawned', ZYGOTE_PID],
      ['exit', null, 'SIGKILL'],
    ]);
    expect(released).toEqual([worker]);
    expect(worker.forked(1001)).toBe(false);
    expect(kill).not.toHaveBeenCalled();

    const stopped = setup();
    await expect(stopped.worker.stop(1000)).resolves.toEqual({ code: 0, signal: null });
  });

  it('stops in band: SHUTDOWN now, or as soon as it connects; SIGKILL after the grace period', async () => {
    vi.useFakeTimers();
    try {
      const kill = kills();
      const { worker } = setup();
      worker.forked(1001);
      const stopping = worker.stop(5000);
      const socket = new FakeSocket();
      worker.connected(socket as unknown as Socket, 1001);
      expect(socket.written.map((frame) => frame[4])).toEqual([MasterFrame.SHUTDOWN]);
      expect(kill).not.toHaveBeenCalled(); // no SIGTERM: it could overtake a REQUEST in the socket
      vi.advanceTimersByTime(5000);
      expect(kill).toHaveBeenCalledWith(1001, 'SIGKILL');
      worker.childExited({ code: null, signal: 'SIGKILL' });
      socket.close();
      await expect(stopping).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('never signals a reaped child (its pid may belong to another process by then)', () => {
    const kill = kills();
    const { worker } = setup();
    worker.forked(1001);
    const socket = new FakeSocket();
    worker.connected(socket as unknown as Socket, 1001);
    worker.childExited({ code: 0, signal: null });
    worker.kill('SIGKILL');
    expect(kill).not.toHaveBeenCalled();
  });

  it('stands in for the zygote when the zygote failed to import: boot-failed, then exit 4', async () => {
    const { worker, events } = setup();
    const failure: BootFailure = { type: 'SyntaxError', message: 'invalid syntax', traceback: '...', stage: 'import' };
    let after = false;
    worker.neverForked(failure, { code: 4, signal: null }, () => (after = true));
    expect(events).toEqual([
      ['spawned', ZYGOTE_PID],
      ['boot-failed', 'SyntaxError'],
    ]);
    await tick();
    expect(events.at(-1)).toEqual(['exit', 4, null]);
    expect(after).toBe(true);
  });

  it('dies with its zygote: SIGKILL if still connected, exit reported as SIGKILL', () => {
    const kill = kills();
    const { worker, events } = setup();
    worker.forked(1001);
    const socket = new FakeSocket();
    worker.connected(socket as unknown as Socket, 1001);
    worker.parentGone();
    expect(kill).toHaveBeenCalledWith(1001, 'SIGKILL');
    socket.close();
    expect(events.at(-1)).toEqual(['exit', null, 'SIGKILL']);
  });
});

describe('--preload', () => {
  it('is off by default and documented', () => {
    const off = parseServeArgs(['serve']);
    const on = parseServeArgs(['serve', '--preload']);
    expect(off.ok && off.config.preload).toBe(false);
    expect(on.ok && on.config.preload).toBe(true);
    expect(USAGE).toContain('--preload');
  });
});
