/**
 * Where finished exchanges keep their bytes: slices of large shared slabs, reused once every
 * exchange on a slab has been evicted.
 *
 * Why not one Buffer each: small Buffers come from Node's 8 KiB pool, which they share with
 * short-lived allocations (a retained slice keeps its whole slab alive), and a Buffer of its own
 * costs an ArrayBuffer plus its bookkeeping per exchange. Why reuse: a full ring frees a slab
 * every few milliseconds under load, and V8 lets tens of MiB of dead ArrayBuffers pile up before
 * it collects them, which made the master's RSS a matter of when the last GC ran.
 */
const SLAB_BYTES = 256 * 1024;
/** Anything larger gets its own allocation: it would waste most of a slab's tail. */
const OWN_ALLOCATION_FROM = SLAB_BYTES / 8;
/** Empty slabs kept for reuse; more are left to the garbage collector. */
const SPARE_SLABS = 8;
/**
 * Released allocations of their own (big bodies) kept for reuse, in bytes. A ring full of
 * captured downloads evicts a 1 MiB body with each new one: the new body takes the buffer the
 * evicted one left instead of a fresh 1 MiB allocation per request that V8 collects late
 * (10 MiB downloads at c=4: master RSS 404 -> 392 MiB with the default ring, 202 -> 195 MiB
 * with a 64 MiB one; 104 MiB without capture).
 */
const SPARE_LARGE_BYTES = 16 * 1024 * 1024;
/** A spare big buffer serves a request this much smaller than itself, at most. */
const LARGE_FIT = 1.25;

interface Slab {
  bytes: Buffer;
  /** Slices handed out and not yet released. */
  live: number;
}

export class PackArena {
  private readonly slabs = new Map<ArrayBufferLike, Slab>();
  private readonly spare: Slab[] = [];
  private current: Slab | null = null;
  private used = 0;
  /** Allocations of their own, handed out and not yet released, by their memory. */
  private readonly large = new Set<ArrayBufferLike>();
  private readonly spareLarge: Buffer[] = [];
  private spareLargeBytes = 0;

  alloc(size: number): Buffer {
    if (size >= OWN_ALLOCATION_FROM) return this.allocLarge(size);
    if (!this.current || this.used + size > SLAB_BYTES) this.startSlab();
    const slab = this.current!;
    const slice = slab.bytes.subarray(this.used, this.used + size);
    this.used += size;
    slab.live++;
    return slice;
  }

  /**
   * The Buffer a slice lies in: its slab, shared by every slice on it, or the slice itself when
   * it is an allocation of its own. Holding that and an offset instead of the slice saves one
   * heap object per stored exchange (see SealedExchange).
   */
  backing(slice: Buffer): Buffer {
    return this.slabs.get(slice.buffer)?.bytes ?? slice;
  }

  /** Bytes of released big buffers kept for reuse, for tests. */
  get spareLargeSize(): number {
    return this.spareLargeBytes;
  }

  /**
   * The slice's owner is done with it (its exchange was evicted); it must not be read again.
   * Any view of the same memory will do (the slice, or its backing), for one release per slice.
   */
  release(slice: Buffer): void {
    const slab = this.slabs.get(slice.buffer);
    if (!slab) {
      this.releaseLarge(slice);
      return;
    }
    slab.live--;
    if (slab.live === 0 && slab !== this.current) this.retire(slab);
  }

  /** Slabs in use or spare, for tests. */
  get slabCount(): number {
    return this.slabs.size;
  }

  private allocLarge(size: number): Buffer {
    const spare = this.spareLarge.findIndex((buffer) => buffer.length >= size && buffer.length <= size * LARGE_FIT);
    let buffer: Buffer;
    if (spare === -1) {
      buffer = Buffer.allocUnsafeSlow(size);
    } else {
      buffer = this.spareLarge.splice(spare, 1)[0];
      this.spareLargeBytes -= buffer.length;
    }
    this.large.add(buffer.buffer);
    // A view of the whole buffer's memory: released by it, or by any view of the same memory.
    return buffer.length === size ? buffer : buffer.subarray(0, size);
  }

  private releaseLarge(slice: Buffer): void {
    if (!this.large.delete(slice.buffer)) return; // not ours, or released already
    const whole = Buffer.from(slice.buffer, 0, slice.buffer.byteLength);
    if (this.spareLargeBytes + whole.length > SPARE_LARGE_BYTES) return; // the garbage collector frees it
    this.spareLarge.push(whole);
    this.spareLargeBytes += whole.length;
  }

  private startSlab(): void {
    const previous = this.current;
    const slab = this.spare.pop() ?? { bytes: Buffer.allocUnsafeSlow(SLAB_BYTES), live: 0 };
    this.slabs.set(slab.bytes.buffer, slab);
    this.current = slab;
    this.used = 0;
    if (previous && previous.live === 0) this.retire(previous);
  }

  private retire(slab: Slab): void {
    if (this.spare.length < SPARE_SLABS) {
      this.spare.push(slab);
    } else {
      this.slabs.delete(slab.bytes.buffer);
    }
  }
}
