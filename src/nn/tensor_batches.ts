// In-memory { x, y } tensors as a fit/evaluate/predict batch source: in order or with a seeded per-epoch shuffle
// (epoch e's order depends only on (seed, e)), skipping to a step when a run resumes.

import * as ops from '../autograd/api.js';
import { gpu } from '../tensor/device.js';
import { copyBuffer } from '../tensor/queue.js';
import { unscoped } from '../tensor/scope.js';
import { fmtShape } from '../tensor/shape.js';
import { Tensor, tensor } from '../tensor/tensor.js';
import type { BatchSource, XY } from './training.js';

/** Rows order[start .. start+size) of t as a new tensor, one buffer copy per row (no kernel binds all of t). */
function copyRows(t: Tensor, order: Int32Array, start: number, size: number): Tensor {
  const rowBytes = t.storage.bytes / t.shape[0]!;
  const out = Tensor.empty([size, ...t.shape.slice(1)], t.dtype, t.device);
  for (let k = 0; k < size; k++) copyBuffer(t.storage.buffer, order[start + k]! * rowBytes, out.storage.buffer, k * rowBytes, rowBytes);
  return out;
}

/**
 * In-memory tensors as a batch source: slices in order, or a seeded shuffle gathered on the GPU each epoch. Data too
 * big to bind to one kernel (over maxStorageBufferBindingSize) is batched by copying its rows instead.
 */
export class TensorBatches implements BatchSource {
  readonly stepsPerEpoch: number;
  readonly #n: number;
  readonly #byRows: boolean;
  #nextEpoch = 0;
  /** `what` names the caller in errors ('fit', 'evaluate', 'predict'). */
  constructor(readonly x: Tensor, readonly y: Tensor, readonly batchSize: number, readonly shuffle = false, readonly seed = 42, what = 'fit') {
    this.#n = x.shape[0] ?? 0;
    if ((y.shape[0] ?? 0) !== this.#n) throw new Error(`${what}: x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)} differ in their number of samples`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${what}: batchSize must be a positive integer, got ${batchSize}`);
    if (this.#n === 0) {
      throw new Error(`${what}: x ${fmtShape(x.shape)} holds 0 samples; there is nothing to ${what === 'fit' ? 'train on' : what}`);
    }
    this.stepsPerEpoch = Math.ceil(this.#n / batchSize);
    this.#byRows = [x, y].some((t) => t.device === 'webgpu' && t.storage.bindBytes > gpu().limits.maxStorageBufferBindingSize);
    if (this.#byRows) {
      for (const [name, t] of [['x', x], ['y', y]] as const) {
        if ((t.storage.bytes / Math.max(1, this.#n)) % 4 !== 0) {
          throw new Error(`${what}: ${name} ${t.dtype} ${fmtShape(t.shape)} is over the device's binding limit and its rows are not whole 4-byte words; ` +
            'pass a DataLoader (or split the data) instead');
        }
      }
    }
  }

  /** The order of epoch e depends only on (seed, e). */
  async *epoch(epoch = this.#nextEpoch, fromStep = 0): AsyncIterableIterator<XY> {
    this.#nextEpoch = epoch + 1;
    const order = Int32Array.from({ length: this.#n }, (_, i) => i);
    if (this.shuffle) {
      let s = (this.seed * 2654435761 + epoch * 40503 + 1) >>> 0;
      for (let i = order.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    for (let start = fromStep * this.batchSize; start < this.#n; start += this.batchSize) {
      const size = Math.min(this.batchSize, this.#n - start);
      const batch = unscoped(() => {
        if (this.#byRows) return { x: copyRows(this.x, order, start, size), y: copyRows(this.y, order, start, size) };
        if (!this.shuffle) {
          const slice = (t: Tensor): Tensor => ops.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
          return { x: slice(this.x), y: slice(this.y) };
        }
        const idx = tensor(order.subarray(start, start + size), [size], { dtype: 'i32', device: this.x.device });
        const out = { x: ops.gather(this.x, idx), y: ops.gather(this.y, idx) };
        idx.dispose();
        return out;
      });
      try {
        yield batch;
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
  }
}
