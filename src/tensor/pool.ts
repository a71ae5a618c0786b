// Size-bucketed pool of GPU storage buffers with live/pooled counters (the leak tests read them).
// Buckets are quarter steps between powers of two, so a reused buffer wastes at most 25% of its bytes.

import { gpu, onClose, reportError } from './device.js';

const USAGE_STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST

export interface PoolStats {
  liveBuffers: number;
  liveBytes: number;
  pooledBuffers: number;
  pooledBytes: number;
  /** Buffers created since the device opened: a flat count in steady state means the pool is doing its job. */
  created: number;
  /** Highest liveBytes since the device opened or the last resetPeakBytes() (a step's GPU memory high-water mark). */
  peakLiveBytes: number;
}

const free = new Map<number, GPUBuffer[]>();
const live = new Set<GPUBuffer>();
/** Counts hand-outs per buffer, so a holder can tell its buffer from the same buffer handed out again. */
const handOuts = new WeakMap<GPUBuffer, number>();
let handOutCount = 0;
let liveBytes = 0;
let pooledBytes = 0;
let pooledBuffers = 0;
let created = 0;
let peakLiveBytes = 0;

/** The bucket a request of `bytes` is served from: at least 16 bytes, a multiple of 16. */
export function bucketBytes(bytes: number): number {
  const b = Math.max(16, bytes);
  const pow = 2 ** Math.floor(Math.log2(b));
  const quarter = Math.max(16, pow / 4);
  return Math.ceil(b / quarter) * quarter;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

export function acquireBuffer(bytes: number, label?: string): GPUBuffer {
  const size = bucketBytes(bytes);
  const bucket = free.get(size);
  let buffer = bucket?.pop();
  if (buffer) {
    pooledBytes -= size;
    pooledBuffers--;
  } else {
    const { device, limits } = gpu();
    if (size > limits.maxBufferSize) {
      throw new Error(`buffer pool: ${bytes} bytes (${gib(bytes)})${label ? ` for ${label}` : ''} exceed the device's maxBufferSize of ` +
        `${limits.maxBufferSize} (${gib(limits.maxBufferSize)}); nothing was allocated`);
    }
    // NOTE: WebGPU reports an out-of-memory allocation asynchronously (the buffer comes back invalid), so the
    // failure surfaces at the next readback or sync; the pool then gives its free buffers back to the driver.
    device.pushErrorScope('out-of-memory');
    buffer = device.createBuffer({ size, usage: USAGE_STORAGE, label });
    void device.popErrorScope().then((err) => {
      if (!err) return;
      const inUse = liveBytes, pooled = pooledBytes;
      trimPool();
      reportError(`buffer pool: out of GPU memory allocating ${size} bytes${label ? ` for ${label}` : ''} ` +
        `(${inUse} bytes live, ${pooled} pooled, now freed): use a smaller batch or model`);
    });
    created++;
  }
  live.add(buffer);
  handOuts.set(buffer, ++handOutCount);
  liveBytes += size;
  if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  return buffer;
}

export function releaseBuffer(buffer: GPUBuffer): void {
  if (!live.delete(buffer)) return; // the device closed since this buffer was handed out
  const size = buffer.size;
  liveBytes -= size;
  let bucket = free.get(size);
  if (!bucket) free.set(size, (bucket = []));
  bucket.push(buffer);
  pooledBytes += size;
  pooledBuffers++;
}

/** True for a buffer handed out and not yet released. */
export function isLive(buffer: GPUBuffer): boolean {
  return live.has(buffer);
}

/** Which hand-out of the pool a live buffer is (a different number once released and handed out again). */
export function handOut(buffer: GPUBuffer): number | undefined {
  return live.has(buffer) ? handOuts.get(buffer) : undefined;
}

/** The buffers handed out now. */
export function liveBuffers(): ReadonlySet<GPUBuffer> {
  return new Set(live);
}

/**
 * Takes a pooled (released) buffer out of the pool and counts it live again, for a recorded step that goes on
 * using it (capture.ts); false when the pool no longer has it.
 */
export function claimFree(buffer: GPUBuffer): boolean {
  const bucket = free.get(buffer.size);
  const at = bucket?.indexOf(buffer) ?? -1;
  if (at < 0) return false;
  bucket!.splice(at, 1);
  pooledBytes -= buffer.size;
  pooledBuffers--;
  live.add(buffer);
  liveBytes += buffer.size;
  if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  return true;
}

/** Destroys every pooled (not live) buffer, returning their memory to the driver. */
export function trimPool(): void {
  for (const bucket of free.values()) for (const b of bucket) b.destroy();
  free.clear();
  pooledBytes = 0;
  pooledBuffers = 0;
}

export function poolStats(): PoolStats {
  return { liveBuffers: live.size, liveBytes, pooledBuffers, pooledBytes, created, peakLiveBytes };
}

/** Restarts the high-water mark from the bytes live now (call before the step to be measured). */
export function resetPeakBytes(): void {
  peakLiveBytes = liveBytes;
}

onClose(() => {
  trimPool();
  live.clear();
  liveBytes = 0;
  created = 0;
  peakLiveBytes = 0;
});
