// Rows of host Float32 data (e.g. cached features) served as training batches: a seeded shuffle per epoch, each
// batch gathered on the host and uploaded (a 64 x 2048 batch is 512 KiB), with the loader's per-epoch timing so
// results report ms/step as for images.

import type { EpochStats } from '../../data/loader.js';
import { permutation } from '../../data/split.js';
import type { XY } from '../../nn/training.js';
import { tensor } from '../../tensor/tensor.js';
import type { FeedSource } from './spec.js';

export class HostBatches implements FeedSource {
  readonly stepsPerEpoch: number;
  readonly history: EpochStats[] = [];
  readonly n: number;
  #nextEpoch = 0;

  constructor(readonly rows: Float32Array, readonly labels: Int32Array, readonly dim: number, readonly batchSize: number,
    readonly o: { shuffle?: boolean; seed?: number } = {}) {
    this.n = labels.length;
    if (rows.length !== this.n * dim) throw new Error(`HostBatches: ${rows.length} values are not ${this.n} rows of ${dim}`);
    if (!this.n) throw new Error('HostBatches: no rows to train on');
    this.stepsPerEpoch = Math.ceil(this.n / batchSize);
  }

  get lastEpoch(): EpochStats | undefined {
    return this.history[this.history.length - 1];
  }

  /** Epoch `epoch`'s batches (its order depends only on the seed and `epoch`), from batch `fromStep` on (a resumed run). */
  async *epoch(epoch = this.#nextEpoch++, fromStep = 0): AsyncIterableIterator<XY> {
    const order = this.o.shuffle ? permutation(this.n, (this.o.seed ?? 42) * 1000 + epoch) : Int32Array.from({ length: this.n }, (_, i) => i);
    const t0 = performance.now();
    let waitMs = 0, batches = 0, samples = 0;
    try {
      for (let start = fromStep * this.batchSize; start < this.n; start += this.batchSize) {
        const w0 = performance.now();
        const idx = order.subarray(start, Math.min(this.n, start + this.batchSize));
        const x = new Float32Array(idx.length * this.dim), y = new Int32Array(idx.length);
        idx.forEach((j, i) => {
          x.set(this.rows.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim);
          y[i] = this.labels[j]!;
        });
        const batch = { x: tensor(x, [idx.length, this.dim]), y: tensor(y, [idx.length], { dtype: 'i32' }) };
        waitMs += performance.now() - w0;
        try {
          yield batch;
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        batches++;
        samples += idx.length;
      }
    } finally {
      const totalMs = performance.now() - t0;
      this.history.push({ epoch, mode: 'resident', batches, samples, waitMs, totalMs, inputWaitShare: totalMs > 0 ? waitMs / totalMs : 0, msPerStep: batches ? totalMs / batches : 0, ready: batches });
    }
  }
}
