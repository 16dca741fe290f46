import { describe, expect, it } from 'vitest';
import { createDebouncer, type Scheduler } from '../../../../src-main/gateway/reload/debounce';

/** A hand-driven clock: `advance(ms)` runs the timers that come due, in order. */
function manualClock(): Scheduler & { advance(ms: number): void; timers(): number } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = end;
    },
    timers: () => timers.size,
  };
}

function setup(quietMs = 20, maxWaitMs = 1000) {
  const clock = manualClock();
  const batches: { at: number; items: string[] }[] = [];
  const debouncer = createDebouncer<string>({ quietMs, maxWaitMs, scheduler: clock, onFlush: (items) => batches.push({ at: clock.now(), items }) });
  return { clock, batches, debouncer };
}

describe('createDebouncer', () => {
  it('sends one event quietMs after it', () => {
    const { clock, batches, debouncer } = setup();
    debouncer.push('app.py');
    clock.advance(19);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([{ at: 20, items: ['app.py'] }]);
    expect(debouncer.pending).toBe(0);
    expect(clock.timers()).toBe(0);
  });

  it("folds an editor's atomic save (unlink, add, change) into one de-duplicated batch", () => {
    const { clock, batches, debouncer } = setup();
    debouncer.push('app.py');
    clock.advance(1);
    debouncer.push('.app.py.tmp');
    debouncer.push('app.py');
    clock.advance(2);
    debouncer.push('app.py');
    clock.advance(100);
    expect(batches).toEqual([{ at: 23, items: ['app.py', '.app.py.tmp'] }]);
  });

  it('restarts the quiet window at each event', () => {
    const { clock, batches, debouncer } = setup();
    for (let i = 0; i < 5; i++) {
      debouncer.push(`m${i}.py`);
      clock.advance(15);
    }
    expect(batches).toEqual([]);
    clock.advance(5);
    expect(batches).toEqual([{ at: 80, items: ['m0.py', 'm1.py', 'm2.py', 'm3.py', 'm4.py'] }]);
  });

  it('sends a 500-file checkout as exactly one batch', () => {
    const { clock, batches, debouncer } = setup();
    for (let i = 0; i < 500; i++) {
      debouncer.push(`pkg/m${i}.py`);
      if (i % 50 === 0) debouncer.push(`pkg/m${i}.py`); // unlink + add of the same file
      clock.advance(0.2);
    }
    clock.advance(1000);
    expect(batches).toHaveLength(1);
    expect(batches[0].items).toHaveLength(500);
    expect(new Set(batches[0].items).size).toBe(500);
  });

  it('caps the wait at maxWaitMs for a stream that never pauses, then starts a new batch', () => {
    const { clock, batches, debouncer } = setup(20, 100);
    for (let i = 0; i < 30; i++) {
      debouncer.push(`log${i}.txt`);
      clock.advance(10);
    }
    clock.advance(100);
    expect(batches.map((b) => b.at)).toEqual([100, 200, 300]);
    expect(batches.flatMap((b) => b.items)).toHaveLength(30);
    expect(batches[0].items).toHaveLength(10);
  });

  it('a file changed again after its batch went out is in the next batch', () => {
    const { clock, batches, debouncer } = setup();
    debouncer.push('app.py');
    clock.advance(30);
    debouncer.push('app.py');
    clock.advance(30);
    expect(batches).toEqual([
      { at: 20, items: ['app.py'] },
      { at: 50, items: ['app.py'] },
    ]);
  });

  it('flush() sends at once, cancel() drops, neither leaves a timer', () => {
    const { clock, batches, debouncer } = setup();
    debouncer.push('a.py');
    debouncer.flush();
    expect(batches).toEqual([{ at: 0, items: ['a.py'] }]);
    debouncer.flush();
    expect(batches).toHaveLength(1);
    debouncer.push('b.py');
    debouncer.cancel();
    clock.advance(1000);
    expect(batches).toHaveLength(1);
    expect(clock.timers()).toBe(0);
  });

  it('keeps one timer for a burst instead of re-arming on every event', () => {
    const { clock, debouncer } = setup();
    for (let i = 0; i < 100; i++) debouncer.push(`m${i}.py`);
    expect(clock.timers()).toBe(1);
  });

  it('quietMs 0 sends on the next timer turn', () => {
    const { clock, batches, debouncer } = setup(0, 0);
    debouncer.push('a.py');
    debouncer.push('b.py');
    expect(batches).toEqual([]);
    clock.advance(0);
    expect(batches).toEqual([{ at: 0, items: ['a.py', 'b.py'] }]);
  });

  it('rejects a max wait shorter than the quiet window', () => {
    expect(() => createDebouncer({ quietMs: 50, maxWaitMs: 10, onFlush: () => {} })).toThrow(/quietMs/);
    expect(() => createDebouncer({ quietMs: 50, maxWaitMs: 100, bulkQuietMs: 10, onFlush: () => {} })).toThrow(/bulkQuietMs/);
  });

  describe('bulk batches', () => {
    const bulk = () => {
      const clock = manualClock();
      const batches: { at: number; items: string[] }[] = [];
      const debouncer = createDebouncer<string>({
        quietMs: 20, maxWaitMs: 2000, bulkThreshold: 10, bulkQuietMs: 150, scheduler: clock,
        onFlush: (items) => batches.push({ at: clock.now(), items }),
      });
      return { clock, batches, debouncer };
    };

    it('a save of a few files still goes out after the short window', () => {
      const { clock, batches, debouncer } = bulk();
      for (const file of ['a.py', 'b.py', 'c.py']) debouncer.push(file);
      clock.advance(20);
      expect(batches).toEqual([{ at: 20, items: ['a.py', 'b.py', 'c.py'] }]);
    });

    it('a checkout that stalls for 60 ms midway is still one batch', () => {
      const { clock, batches, debouncer } = bulk();
      for (let i = 0; i < 300; i++) {
        debouncer.push(`pkg/m${i}.py`);
        clock.advance(0.1);
      }
      clock.advance(60); // the writer was descheduled
      for (let i = 300; i < 500; i++) {
        debouncer.push(`pkg/m${i}.py`);
        clock.advance(0.1);
      }
      expect(batches).toEqual([]);
      clock.advance(150);
      expect(batches).toHaveLength(1);
      expect(batches[0].items).toHaveLength(500);
      expect(batches[0].at).toBeCloseTo(30 + 60 + 19.9 + 150, 3); // 150 ms after the last file
    });

    it('the short window applies again to the next batch', () => {
      const { clock, batches, debouncer } = bulk();
      for (let i = 0; i < 20; i++) debouncer.push(`m${i}.py`);
      clock.advance(150);
      debouncer.push('app.py');
      clock.advance(20);
      expect(batches.map((b) => b.items.length)).toEqual([20, 1]);
      expect(batches[1].at).toBe(170);
    });
  });
});
