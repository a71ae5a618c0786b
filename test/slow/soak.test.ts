// Slow soak: a small CNN (conv, batch norm, dropout, pooling, dense) trains for 2,000 steps through fit with
// in-memory data, a validation set and checkpoints every 250 steps. After warm-up, GPU memory (live and pooled
// bytes) must stay exactly flat from epoch to epoch, and after a full garbage collection the host's RSS (median of
// the last 40 epochs against the 40 after warm-up) within 64 MiB and the JS heap within 4 MiB.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { LambdaCallback } from '../../src/nn/callbacks/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Conv2D } from '../../src/nn/layers/conv.js';
import { Dense, Dropout, Flatten } from '../../src/nn/layers/core.js';
import { BatchNormalization } from '../../src/nn/layers/normalization.js';
import { MaxPooling2D } from '../../src/nn/layers/pooling.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { uniformData } from '../helpers.js';

// A full collection before each sample: the suite shares one process, whose other garbage (collected whenever V8
// likes) otherwise shows up as RSS growth of this run (70 MiB once in CI, flat with the collection).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('slow: soak', () => {
  it('2,000 CNN steps: GPU live + pooled bytes flat, RSS within 64 MiB after warm-up, no tensor outlives the model', async () => {
    const tensorsBefore = nn.liveTensors();
    resetNames();
    nn.setSeed(4);
    const model = new Sequential([Input([8, 8, 1]), new Conv2D(4, 3, { activation: 'relu' }), new BatchNormalization(), new MaxPooling2D(2),
      new Flatten(), new Dropout(0.2), new Dense(4, { activation: 'softmax' })]);
    model.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const n = 160, x = nn.tensor(uniformData(n * 64, 9, 0, 1), [n, 8, 8, 1]);
    const y = nn.tensor(Int32Array.from({ length: n }, (_, i) => i % 4), [n], { dtype: 'i32' });
    const gpu: number[] = [], rss: number[] = [], heap: number[] = [];
    const sample = new LambdaCallback({
      onEpochEnd: () => {
        const s = nn.poolStats();
        gpu.push(s.liveBytes + s.pooledBytes);
        gc();
        const m = process.memoryUsage();
        rss.push(m.rss);
        heap.push(m.heapUsed);
      },
    });
    const h = await model.fit({ x, y }, {
      epochs: 200, batchSize: 16, verbose: 0, validationData: { x, y }, callbacks: [sample],
      checkpoint: { dir: mkdtempSync(join(tmpdir(), 'wgnn-soak-')), everySteps: 250 },
    });
    expect(h.epoch).toHaveLength(200);
    const warm = 10;
    expect(new Set(gpu.slice(warm))).toEqual(new Set([gpu[warm]]));
    // Medians, so a garbage-collection peak (the suite shares one process) is not taken for growth.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(rss.slice(-40)) - median(rss.slice(warm, warm + 40))).toBeLessThan(64 * 2 ** 20);
    // The JS heap after a full collection: what the run itself keeps alive.
    expect(median(heap.slice(-40)) - median(heap.slice(warm, warm + 40))).toBeLessThan(4 * 2 ** 20);
    for (const t of [x, y, model]) t.dispose();
    // The optimiser's slots went with the model: nothing else outlives the run.
    expect(nn.liveTensors()).toBe(tensorsBefore);
    // 60 s measured on a loaded 2-core Xeon (beside a training run): the default 120 s left only 2x for more load.
  }, 300_000);
});
