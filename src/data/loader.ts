// The batch loader: uint8 samples stay in host memory; each batch is gathered into one staging array, uploaded
// with ONE writeBuffer into a 'u8' GPU buffer (two, used alternately) and unpacked to normalised f32 x and i32 y on
// the GPU. In the default double-buffered mode batch N+1 is prepared as soon as the consumer yields to the event
// loop during step N (e.g. awaiting its loss), so asking for the next batch costs nothing: the notebook's lesson
// that a step waiting for input is wasted. 'sync' and 'resident' modes exist to measure that lesson.

import { whenDone } from '../tensor/queue.js';
import { scope, unscoped } from '../tensor/scope.js';
import { fmtShape, sizeOf } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import type { CpuTransform } from './augment.cpu.js';
import { sampleSize, type ImageSet } from './dataset.js';
import { epochPermutation } from './split.js';
import { packedBytes, packedInput, pixelBytes, unpackBatch, uploadPacked } from './unpack.js';

/**
 * - 'double-buffered': upload raw uint8 ahead of use, normalise on the GPU (the fast path).
 * - 'sync': prepare each batch when asked, on the CPU (normalise, optional CPU augmentation, f32 upload), after
 *   the GPU has drained: the notebook's input-bound slow path, where the GPU idles while input is prepared.
 * - 'resident': one batch uploaded once and handed out every step: no input cost at all (the upper bound).
 */
export type LoaderMode = 'double-buffered' | 'sync' | 'resident';

export interface LoaderOptions {
  batchSize: number;
  /** Default 'double-buffered'. */
  mode?: LoaderMode;
  /** The samples to iterate, e.g. trainValSplit(...).train; default all. */
  indices?: ArrayLike<number>;
  /** A new seeded permutation every epoch (default true). */
  shuffle?: boolean;
  /** Default 42. */
  seed?: number;
  /** Drop the last partial batch (default false: kept, as Keras does). */
  dropRemainder?: boolean;
  /** x = pixel * scale + offset; default 1/255 and 0. */
  scale?: number;
  offset?: number;
  /** Per-sample shape of x: 'image' = [H, W, C] (C = 1 for grayscale IDX data, the CNN's input), 'flat' = [H*W*C] (the MLP's), or explicit. */
  sampleShape?: 'image' | 'flat' | readonly number[];
  /**
   * Runs on the GPU after normalisation (augmentation, resize, grayscale->RGB); `batchIndex` is the global batch
   * number (epoch * stepsPerEpoch + index), so seeded augmentation differs every epoch. Its intermediates are freed.
   */
  transform?: (x: Tensor, batchIndex: number) => Tensor;
  /** 'sync' mode only: a CPU transform of the normalised NHWC batch (e.g. cpuRandomAffine), applied before upload. */
  cpuTransform?: CpuTransform;
  /** Default 'webgpu'; 'cpu' gives Float64 reference tensors. */
  device?: DeviceKind;
}

/** One batch. The loader owns x and y and disposes them when the next batch is requested or the epoch ends. */
export interface Batch {
  /** f32 [size, ...sampleShape]. */
  x: Tensor;
  /** i32 [size] class indices. */
  y: Tensor;
  /** Position in this epoch. */
  index: number;
  /** Global batch number (what `transform` receives). */
  step: number;
  size: number;
  /** The samples in this batch (indices into the ImageSet). */
  indices: Int32Array;
}

/** Per-epoch timing, from the consumer's side. */
export interface EpochStats {
  epoch: number;
  mode: LoaderMode;
  /** Batches run in this pass (a resumed epoch skips its first `firstStep`). */
  batches: number;
  firstStep?: number;
  samples: number;
  /** Time spent between asking for a batch and getting it. */
  waitMs: number;
  /** From the first request to the one that ended the epoch: every step, waits included. */
  totalMs: number;
  /** waitMs / totalMs: the share of the epoch spent waiting for input. */
  inputWaitShare: number;
  msPerStep: number;
  /** Batches that were already on the GPU when asked for. */
  ready: number;
}

const now = (): number => performance.now();

/** One line for logs: 'double-buffered: 750 steps, 41.2 ms/step, input wait 0.3 ms/step (0.7%)'. */
export function describeEpoch(s: EpochStats): string {
  return `${s.mode}: ${s.batches} steps, ${s.msPerStep.toFixed(2)} ms/step, input wait ${(s.waitMs / Math.max(1, s.batches)).toFixed(2)} ms/step ` +
    `(${(100 * s.inputWaitShare).toFixed(1)}%)`;
}

/**
 * Iterates an ImageSet in GPU-resident batches, one epoch per `for await`:
 * ```ts
 * const loader = new DataLoader(train, { batchSize: 64, sampleShape: 'flat' });
 * for (let e = 0; e < epochs; e++) {
 *   for await (const { x, y } of loader) { ... }   // x f32 [64, 784], y i32 [64]
 *   console.log(describeEpoch(loader.lastEpoch!));
 * }
 * ```
 * NOTE: leave an epoch only by finishing or breaking out of its loop (which calls `return()`): an abandoned
 * iterator keeps its batches on the GPU.
 */
export class DataLoader implements AsyncIterable<Batch> {
  readonly mode: LoaderMode;
  readonly batchSize: number;
  /** Per-sample shape of x. */
  readonly sampleShape: readonly number[];
  readonly stepsPerEpoch: number;
  /** Samples per epoch. */
  readonly size: number;
  /** Stats of every finished (or broken-off) epoch. */
  readonly history: EpochStats[] = [];
  readonly set: ImageSet;
  readonly options: Readonly<LoaderOptions>;
  readonly #base: Int32Array;
  readonly #imageShape: readonly [number, number, number];
  readonly #staging: Uint8Array;
  #nextEpoch = 0;

  constructor(set: ImageSet, o: LoaderOptions) {
    const mode = o.mode ?? 'double-buffered';
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${o.batchSize}`);
    if (set.shape.length !== 3 && set.shape.length !== 4) throw new Error(`DataLoader: ${set.name} has shape ${fmtShape(set.shape)}; expected [N, H, W] or [N, H, W, C]`);
    if (o.cpuTransform && mode !== 'sync') throw new Error(`DataLoader: cpuTransform runs only in 'sync' mode (this loader is '${mode}'); use transform for GPU work`);
    const n = set.shape[0]!, s = sampleSize(set);
    const [h, w, c = 1] = set.shape.slice(1) as [number, number, number?];
    this.#imageShape = [h, w, c];
    const shape = o.sampleShape ?? 'image';
    this.sampleShape = shape === 'image' ? [h, w, c] : shape === 'flat' ? [s] : [...shape];
    if (sizeOf(this.sampleShape) !== s) {
      throw new Error(`DataLoader: sampleShape ${fmtShape(this.sampleShape)} holds ${sizeOf(this.sampleShape)} values but ${set.name}'s samples have ${s}`);
    }
    this.#base = o.indices ? Int32Array.from(o.indices) : Int32Array.from({ length: n }, (_, i) => i);
    const bad = this.#base.find((i) => !(i >= 0 && i < n));
    if (bad !== undefined) throw new Error(`DataLoader: index ${bad} is out of range for ${set.name} (${n} samples)`);
    this.mode = mode;
    this.batchSize = o.batchSize;
    this.size = this.#base.length;
    this.stepsPerEpoch = o.dropRemainder ? Math.floor(this.size / o.batchSize) : Math.ceil(this.size / o.batchSize);
    this.set = set;
    this.options = { ...o };
    this.#staging = new Uint8Array(packedBytes(o.batchSize, s));
  }

  /** The stats of the last finished epoch. */
  get lastEpoch(): EpochStats | undefined {
    return this.history[this.history.length - 1];
  }

  /**
   * An iterator over one epoch (default: the one after the last started); its shuffle depends only on (seed,
   * epoch). `fromStep` skips the epoch's first batches without preparing them (a resumed run).
   */
  epoch(epoch = this.#nextEpoch, fromStep = 0): EpochIterator {
    if (!Number.isInteger(fromStep) || fromStep < 0 || fromStep > this.stepsPerEpoch) {
      throw new Error(`DataLoader: fromStep must be an integer in [0, ${this.stepsPerEpoch}] but got ${fromStep}`);
    }
    this.#nextEpoch = epoch + 1;
    const order = this.options.shuffle === false ? this.#base
      : epochPermutation(this.size, this.options.seed ?? 42, epoch).map((i) => this.#base[i]!);
    return new EpochIterator(this, epoch, order, fromStep);
  }

  [Symbol.asyncIterator](): EpochIterator {
    return this.epoch();
  }

  /** Gathers samples and labels into the staging array as [pixels | pad | int32 labels]; returns the used prefix. */
  packBatch(indices: Int32Array): Uint8Array {
    const s = sampleSize(this.set), { images, labels } = this.set, n = indices.length;
    for (let i = 0; i < n; i++) {
      const j = indices[i]!;
      this.#staging.set(images.subarray(j * s, (j + 1) * s), i * s);
    }
    const labelsOut = new Int32Array(this.#staging.buffer, pixelBytes(n * s), n);
    for (let i = 0; i < n; i++) labelsOut[i] = labels[indices[i]!]!;
    return this.#staging.subarray(0, packedBytes(n, s));
  }

  /** The CPU path: normalised (and CPU-transformed) f32 pixels and int32 labels. */
  hostBatch(indices: Int32Array, step: number): { x: Float32Array; y: Int32Array } {
    const s = sampleSize(this.set), { images, labels } = this.set, n = indices.length;
    const scale = this.options.scale ?? 1 / 255, offset = this.options.offset ?? 0;
    let x: Float32Array = new Float32Array(n * s);
    for (let i = 0; i < n; i++) {
      const src = indices[i]! * s;
      for (let k = 0; k < s; k++) x[i * s + k] = images[src + k]! * scale + offset;
    }
    if (this.options.cpuTransform) x = this.options.cpuTransform(x, [n, ...this.#imageShape], step);
    return { x, y: Int32Array.from(indices, (j) => labels[j]!) };
  }
}

/** One epoch's batches. Made by DataLoader.epoch(); see there. */
export class EpochIterator implements AsyncIterableIterator<Batch> {
  readonly epoch: number;
  readonly #loader: DataLoader;
  readonly #order: Int32Array;
  readonly #batches: number;
  #index = 0;
  readonly #first: number;
  #current: Batch | null = null;
  /** The next batch, already uploaded and unpacked. */
  #ready: Batch | null = null;
  /** 'resident' mode: the one batch kept on the GPU. */
  #resident: Batch | null = null;
  readonly #inputs: Array<Tensor | null> = [null, null];
  #immediate: NodeJS.Immediate | null = null;
  #prefetchError: unknown = null;
  #closed = false;
  #t0 = -1;
  #waitMs = 0;
  #readyCount = 0;
  #samples = 0;

  constructor(loader: DataLoader, epoch: number, order: Int32Array, fromStep = 0) {
    this.#loader = loader;
    this.epoch = epoch;
    this.#order = order;
    this.#batches = loader.stepsPerEpoch;
    this.#index = this.#first = fromStep;
  }

  /** Batches uploaded ahead and waiting (0 or 1). */
  get ahead(): number {
    return this.#ready ? 1 : 0;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Batch>> {
    // 'sync' is the notebook's input-bound pipeline: the GPU finishes its work before the CPU starts on the next
    // batch, so preparing input never overlaps a step. The drain is not counted as input wait; the preparation is.
    if (this.#loader.mode === 'sync' && (this.#loader.options.device ?? 'webgpu') === 'webgpu') {
      return whenDone().then(() => this.#next());
    }
    return this.#next();
  }

  #next(): Promise<IteratorResult<Batch>> {
    const t = now();
    if (this.#t0 < 0) this.#t0 = t;
    let result: IteratorResult<Batch>;
    try {
      result = this.#advance();
    } catch (err) {
      this.#close();
      return Promise.reject(err);
    }
    this.#waitMs += now() - t;
    if (result.done) this.#close();
    return Promise.resolve(result);
  }

  /** Ends the epoch early (a `break` in for-await calls this): frees every batch and buffer. */
  return(): Promise<IteratorResult<Batch>> {
    this.#close();
    return Promise.resolve({ done: true, value: undefined });
  }

  #advance(): IteratorResult<Batch> {
    if (this.#closed) return { done: true, value: undefined };
    this.#cancelPrefetch();
    if (this.#prefetchError) throw this.#prefetchError;
    this.#dispose(this.#current);
    this.#current = null;
    if (this.#index >= this.#batches) return { done: true, value: undefined };
    let batch = this.#ready;
    this.#ready = null;
    if (batch) this.#readyCount++;
    else batch = this.#produce(this.#index);
    this.#current = batch;
    this.#index++;
    this.#samples += batch.size;
    if (this.#loader.mode === 'double-buffered' && this.#index < this.#batches) this.#schedulePrefetch(this.#index);
    return { done: false, value: batch };
  }

  /** Prepares batch b once the consumer yields to the event loop (typically while it awaits step N's results). */
  #schedulePrefetch(b: number): void {
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      if (this.#closed || this.#ready) return;
      try {
        this.#ready = this.#produce(b);
      } catch (err) {
        this.#prefetchError = err;
      }
    });
  }

  #cancelPrefetch(): void {
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = null;
  }

  #indices(b: number): Int32Array {
    const bs = this.#loader.batchSize;
    return this.#order.subarray(b * bs, Math.min((b + 1) * bs, this.#order.length));
  }

  // NOTE: every tensor is made inside unscoped(): a prefetch runs while the consumer awaits, possibly with a scope
  // of its own open, and loader batches must never land in (and be disposed by) someone else's scope.
  #produce(b: number): Batch {
    const L = this.#loader, step = this.epoch * L.stepsPerEpoch + b;
    if (L.mode === 'sync') return unscoped(() => this.#produceSync(b, step));
    if (L.mode === 'double-buffered') return unscoped(() => this.#produceGpu(b, step));
    return unscoped(() => {
      if (this.#resident) this.#readyCount++;
      else this.#resident = this.#produceGpu(0, step, false);
      const r = this.#resident;
      const x = L.options.transform ? this.#transform(r.x, step, false) : r.x.view(r.x.shape);
      return { ...r, x, y: r.y.view(r.y.shape), index: b, step };
    });
  }

  #produceGpu(b: number, step: number, transform = true): Batch {
    const L = this.#loader, indices = this.#indices(b), n = indices.length;
    const slot = b % 2;
    const src = (this.#inputs[slot] ??= packedInput(L.batchSize, sampleSize(L.set), L.options.device ?? 'webgpu'));
    uploadPacked(src, L.packBatch(indices));
    const { x, y } = unpackBatch(src, [n, ...L.sampleShape], L.options.scale ?? 1 / 255, L.options.offset ?? 0);
    try {
      return { x: transform ? this.#transform(x, step, true) : x, y, index: b, step, size: n, indices };
    } catch (err) {
      y.dispose();
      throw err;
    }
  }

  #produceSync(b: number, step: number): Batch {
    const L = this.#loader, indices = this.#indices(b), n = indices.length, device = L.options.device ?? 'webgpu';
    const host = L.hostBatch(indices, step);
    const x = tensor(host.x, [n, ...L.sampleShape], { dtype: 'f32', device });
    const y = tensor(host.y, [n], { dtype: 'i32', device });
    try {
      return { x: this.#transform(x, step, true), y, index: b, step, size: n, indices };
    } catch (err) {
      y.dispose();
      throw err;
    }
  }

  /** Applies the user's GPU transform in a scope (its intermediates are freed); disposes x if `ownsX`. */
  #transform(x: Tensor, step: number, ownsX: boolean): Tensor {
    const fn = this.#loader.options.transform;
    if (!fn) return x;
    let out: Tensor;
    try {
      out = scope(() => fn(x, step));
    } catch (err) {
      if (ownsX) x.dispose();
      throw err;
    }
    if (out === x) return ownsX ? x : x.view(x.shape);
    if (ownsX) x.dispose();
    return out;
  }

  #dispose(b: Batch | null): void {
    b?.x.dispose();
    b?.y.dispose();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelPrefetch();
    for (const b of [this.#current, this.#ready, this.#resident]) this.#dispose(b);
    this.#current = this.#ready = this.#resident = null;
    for (const t of this.#inputs) t?.dispose();
    this.#inputs.fill(null);
    if (this.#t0 < 0) return;
    const totalMs = now() - this.#t0, batches = this.#index - this.#first;
    this.#loader.history.push({
      epoch: this.epoch, mode: this.#loader.mode, batches, firstStep: this.#first, samples: this.#samples, waitMs: this.#waitMs, totalMs,
      inputWaitShare: totalMs > 0 ? this.#waitMs / totalMs : 0, msPerStep: batches ? totalMs / batches : 0, ready: this.#readyCount,
    });
  }
}
