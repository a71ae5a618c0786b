// Step profiler: while installed it gives every dispatch its own compute pass with timestamp writes (where the
// adapter offers 'timestamp-query'), and tallies per kernel the GPU time, the host time spent encoding, the
// dispatch count and the bytes bound. Timestamps are resolved into a buffer at each submit and read back async.

import { gpu } from './device.js';
import { setDispatchHook, sync, type DispatchCall } from './queue.js';

/** Dispatches one submit may time; more than that in one submit are counted but not timed. */
const MAX_TIMED_PER_SUBMIT = 512;

export interface KernelProfile {
  kernel: string;
  dispatches: number;
  /** GPU time from timestamp queries, or null when the adapter lacks 'timestamp-query'. */
  gpuMs: number | null;
  hostMs: number;
  /** Bytes bound as storage (every binding counted once per dispatch). */
  bytes: number;
}

export interface StepProfile {
  /** Wall-clock time of the profiled work, ms (timestamped passes add a little overhead). */
  wallMs: number;
  gpuMs: number | null;
  hostMs: number;
  dispatches: number;
  /** Sorted by GPU time (host time without timestamps), largest first. */
  kernels: KernelProfile[];
}

interface Batch {
  labels: string[];
  read: GPUBuffer;
}

class Recorder {
  readonly kernels = new Map<string, KernelProfile>();
  readonly pending: Promise<void>[] = [];
  readonly timed: boolean;
  #querySet: GPUQuerySet | null = null;
  #resolve: GPUBuffer | null = null;
  #free: GPUBuffer[] = [];
  #labels: string[] = [];
  #batch: Batch | null = null;

  constructor() {
    const { device, features } = gpu();
    this.timed = features.has('timestamp-query');
    if (this.timed) {
      this.#querySet = device.createQuerySet({ type: 'timestamp', count: 2 * MAX_TIMED_PER_SUBMIT, label: 'profiler' });
      this.#resolve = device.createBuffer({ size: 16 * MAX_TIMED_PER_SUBMIT, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    }
  }

  #entry(kernel: string): KernelProfile {
    let k = this.kernels.get(kernel);
    if (!k) this.kernels.set(kernel, (k = { kernel, dispatches: 0, gpuMs: this.timed ? 0 : null, hostMs: 0, bytes: 0 }));
    return k;
  }

  passTimestamps(): GPUComputePassTimestampWrites | undefined {
    if (!this.#querySet || this.#labels.length >= MAX_TIMED_PER_SUBMIT) return undefined;
    const i = this.#labels.length;
    return { querySet: this.#querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  recorded(call: DispatchCall, hostMs: number, timed: boolean): void {
    const k = this.#entry(call.label);
    k.dispatches++;
    k.hostMs += hostMs;
    k.bytes += call.storage.reduce((s, b) => s + b.size, 0);
    if (timed) this.#labels.push(call.label);
  }

  beforeSubmit(encoder: GPUCommandEncoder): void {
    const n = this.#labels.length;
    if (!n) return;
    const read = this.#free.pop() ?? gpu().device.createBuffer({ size: 16 * MAX_TIMED_PER_SUBMIT, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.#querySet!, 0, 2 * n, this.#resolve!, 0);
    encoder.copyBufferToBuffer(this.#resolve!, 0, read, 0, 16 * n);
    this.#batch = { labels: this.#labels, read };
    this.#labels = [];
  }

  submitted(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = null;
    this.pending.push(batch.read.mapAsync(GPUMapMode.READ, 0, 16 * batch.labels.length).then(() => {
      const t = new BigInt64Array(batch.read.getMappedRange(0, 16 * batch.labels.length));
      batch.labels.forEach((label, i) => {
        const ns = Number(t[2 * i + 1]! - t[2 * i]!);
        this.#entry(label).gpuMs! += Math.max(0, ns) / 1e6;
      });
      batch.read.unmap();
      this.#free.push(batch.read);
    }));
  }

  dispose(): void {
    this.#querySet?.destroy();
    this.#resolve?.destroy();
    for (const b of this.#free) b.destroy();
  }
}

/** Runs `work` (e.g. one training step) under the profiler and returns its per-kernel profile. */
export async function profile(work: () => Promise<unknown> | unknown): Promise<StepProfile> {
  await sync();
  const rec = new Recorder();
  let timedNext = false;
  setDispatchHook({
    passTimestamps: () => {
      const ts = rec.passTimestamps();
      timedNext = !!ts;
      return ts;
    },
    recorded: (call, hostMs) => rec.recorded(call, hostMs, timedNext),
    beforeSubmit: (enc) => rec.beforeSubmit(enc),
    submitted: () => rec.submitted(),
  });
  const t0 = performance.now();
  try {
    await work();
    await sync();
  } finally {
    setDispatchHook(null);
  }
  const wallMs = performance.now() - t0;
  await Promise.all(rec.pending);
  rec.dispose();
  const kernels = [...rec.kernels.values()].sort((a, b) => (b.gpuMs ?? b.hostMs) - (a.gpuMs ?? a.hostMs));
  const sum = (f: (k: KernelProfile) => number): number => kernels.reduce((s, k) => s + f(k), 0);
  return {
    wallMs, gpuMs: rec.timed ? sum((k) => k.gpuMs!) : null, hostMs: sum((k) => k.hostMs), dispatches: sum((k) => k.dispatches), kernels,
  };
}

/** The profile as a markdown table sorted by share of the step's GPU time. */
export function formatProfile(p: StepProfile, title = 'step'): string {
  const total = p.gpuMs ?? p.hostMs;
  const lines = [
    `${title}: ${p.wallMs.toFixed(1)} ms wall, ${p.gpuMs === null ? 'no timestamp-query (GPU time unavailable)' : `${p.gpuMs.toFixed(1)} ms GPU`}, ` +
      `${p.hostMs.toFixed(1)} ms host encode, ${p.dispatches} dispatches`,
    '',
    '| kernel | share | GPU ms | host ms | dispatches | MB bound | GB/s |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const k of p.kernels) {
    const t = k.gpuMs ?? k.hostMs;
    const rate = k.gpuMs ? (k.bytes / (k.gpuMs * 1e6)).toFixed(2) : '-';
    lines.push(`| ${k.kernel} | ${total ? ((100 * t) / total).toFixed(1) : '0'}% | ${k.gpuMs === null ? '-' : k.gpuMs.toFixed(2)} | ` +
      `${k.hostMs.toFixed(2)} | ${k.dispatches} | ${(k.bytes / 2 ** 20).toFixed(1)} | ${rate} |`);
  }
  return lines.join('\n');
}
