// fit({ autotune: true }) tunes after the first step, again inside an epoch while shape classes remain untuned
// (every 2 min of training), and after each epoch. A clock that moves 20 s per reading makes every tuning call
// stop after one class (its 30 s budget) and every step look minutes apart.
import { describe, expect, it, vi } from 'vitest';
import * as nn from '../../src/index.js';
import { untunedClasses } from '../../src/kernels/tuning.js';
import { LambdaCallback } from '../../src/nn/callbacks/index.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { SGD } from '../../src/nn/optimizers/index.js';
import { withTuningCache } from '../helpers.js';

describe('fit with autotune', () => {
  withTuningCache({ WEBGPU_NN_TUNE_CANDIDATES: '4x4/8x1,4x8/8x1' });

  it('keeps tuning inside the first epoch while classes remain', async () => {
    const x = nn.tensor(Float32Array.from({ length: 96 * 12 }, (_, i) => Math.sin(i)), [96, 12]);
    const y = nn.tensor(Int32Array.from({ length: 96 }, (_, i) => i % 3), [96], { dtype: 'i32' });
    const model = new Sequential([Input([12]), new Dense(20, { activation: 'relu' }), new Dense(16, { activation: 'relu' }), new Dense(3)]);
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy' });
    const untuned: number[] = [];
    const real = performance.now.bind(performance);
    let readings = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => real() + 20_000 * readings++);
    try {
      await model.fit({ x, y }, {
        epochs: 1, batchSize: 16, shuffle: false, verbose: 0, autotune: true,
        callbacks: [new LambdaCallback({ onBatchEnd: () => void untuned.push(untunedClasses().length) })],
      });
    } finally {
      clock.mockRestore();
    }
    // 6 steps: the first step tunes one class and later steps more (here 7, 7, 6, 6, 5, 5 untuned); before, the
    // count stayed put until the epoch ended.
    expect(untuned).toHaveLength(6);
    expect(untuned[0]!).toBeGreaterThan(2);
    expect(untuned[5]!).toBeLessThan(untuned[0]!);
    expect(untuned.every((n, i) => i === 0 || n <= untuned[i - 1]!)).toBe(true);
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
