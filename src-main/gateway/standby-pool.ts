/**
 * Standby interpreters: Python workers started ahead of need, booted up to the point where they
 * would import the app, and parked there until GO (resources/python/forkwatch_worker/standby.py).
 *
 * Starting an interpreter and the worker package costs about 70 ms on a small machine, most of
 * a small app's reload. With standbys at hand, a new worker costs only the app's import.
 *
 * - take(): the oldest parked standby, told to GO (it imports the app now and says READY or
 *   BOOT_FAILED like a fresh worker), or null: then the caller spawns a fresh worker.
 * - refill(): starts standbys until `size()` are parked (and ends extra ones). The arbiter calls
 *   it once a reload has settled, so refilling never competes with a reload for the CPU.
 * - A standby that dies while parked is dropped and replaced by a later refill, after a
 *   back-off that grows while standbys keep dying (a broken interpreter must not respawn in a
 *   loop; the arbiter's fresh spawns report what is wrong).
 * - close(): ends every parked standby. They also die with the master like any worker
 *   (PR_SET_PDEATHSIG, EOF on the channel).
 *
 * Standbys are not workers: nobody lists or counts them as such until one is taken.
 */
import { WorkerProcess, type WorkerExit, type WorkerSpawnOptions } from './worker-process';

const DEATH_BACKOFF_MIN_MS = 100;
const DEATH_BACKOFF_MAX_MS = 10_000;
/** How long close() lets a standby exit on SHUTDOWN before SIGKILL (it holds no request). */
const CLOSE_GRACE_MS = 1000;

export class StandbyPool {
  /** In the order they were started: take() hands out the oldest, the most likely booted. */
  private readonly parked = new Map<WorkerProcess, (status: WorkerExit) => void>();
  /** Standbys that died while parked, since one was last taken. */
  private deaths = 0;
  private nextRefillAt = 0;
  private closed = false;

  constructor(
    private readonly spawnOptions: WorkerSpawnOptions,
    /** How many to keep parked (the arbiter's worker count). */
    private readonly size: () => number,
  ) {}

  /** Pids of the parked standbys. */
  pids(): number[] {
    return [...this.parked.keys()].map((standby) => standby.pid);
  }

  /** A parked standby, now importing the app and no longer the pool's, or null if none is left. */
  take(): WorkerProcess | null {
    for (const standby of this.parked.keys()) {
      this.release(standby);
      // Exited already, its 'exit' only waiting for the channel to drain: not a worker to give.
      if (!standby.alive || standby.child.exitCode !== null || standby.child.signalCode !== null) continue;
      this.deaths = 0;
      standby.go();
      return standby;
    }
    return null;
  }

  refill(): void {
    if (this.closed) return;
    const size = Math.max(0, this.size());
    for (const standby of [...this.parked.keys()].slice(size)) {
      this.release(standby);
      void standby.stop(CLOSE_GRACE_MS);
    }
    if (Date.now() < this.nextRefillAt) return;
    for (let i = this.parked.size; i < size; i++) this.park(new WorkerProcess({ ...this.spawnOptions, standby: true }));
  }

  /** Ends every parked standby: SHUTDOWN (or SIGKILL when not graceful); resolves once all exited. */
  async close(graceful = true): Promise<void> {
    this.closed = true;
    const standbys = [...this.parked.keys()];
    for (const standby of standbys) this.release(standby);
    await Promise.all(
      standbys.map((standby) => (graceful ? standby.stop(CLOSE_GRACE_MS) : (standby.kill('SIGKILL'), standby.waitForExit()))),
    );
  }

  private park(standby: WorkerProcess): void {
    const onExit = () => {
      this.parked.delete(standby);
      if (this.closed) return;
      this.deaths += 1;
      this.nextRefillAt = Date.now() + Math.min(DEATH_BACKOFF_MAX_MS, DEATH_BACKOFF_MIN_MS * 2 ** (this.deaths - 1));
    };
    this.parked.set(standby, onExit);
    standby.once('exit', onExit);
  }

  private release(standby: WorkerProcess): void {
    const onExit = this.parked.get(standby);
    if (onExit) standby.off('exit', onExit);
    this.parked.delete(standby);
  }
}
