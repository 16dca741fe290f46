/**
 * Where finished exchanges keep their bytes: slices of large shared slabs.
 *
 * Why not one Buffer each: small Buffers come from Node's 8 KiB pool, which they share with
 * short-lived allocations (a retained slice keeps its whole slab alive), and a Buffer of its own
 * costs an ArrayBuffer plus its bookkeeping per exchange. Exchanges are evicted roughly in the
 * order they were packed, so a slab is released once every exchange on it has been evicted.
 */
const SLAB_BYTES = 256 * 1024;
/** Anything larger gets its own allocation: it would waste most of a slab's tail. */
const OWN_ALLOCATION_FROM = SLAB_BYTES / 8;

export class PackArena {
  private slab = Buffer.allocUnsafeSlow(0);
  private used = 0;

  alloc(size: number): Buffer {
    if (size >= OWN_ALLOCATION_FROM) return Buffer.allocUnsafeSlow(size);
    if (this.used + size > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    const slice = this.slab.subarray(this.used, this.used + size);
    this.used += size;
    return slice;
  }
}
