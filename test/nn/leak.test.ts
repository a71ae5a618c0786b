// The leak test: 200 optimiser steps of a small MLP (forward, backward, Adam, BatchNorm moving averages, dropout)
// leave live tensors and live GPU bytes exactly where they were after warm-up.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Dense, Dropout } from '../../src/nn/layers/core.js';
import { BatchNormalization } from '../../src/nn/layers/normalization.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { uniformData } from '../helpers.js';

describe('leaks', () => {
  it('200 training steps keep live tensors and live bytes constant after warm-up', async () => {
    const x = nn.tensor(uniformData(64 * 20, 1, -1, 1), [64, 20]);
    const y = nn.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 5), [64], { dtype: 'i32' });
    const model = new Sequential([Input([20]), new Dense(32, { activation: 'relu' }), new BatchNormalization(), new Dropout(0.2), new Dense(5)]);
    model.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const data = { x, y };
    await model.fit(data, { epochs: 2, batchSize: 16, verbose: 0 }); // warm-up: slots and pooled buffers exist now
    const tensors = nn.liveTensors(), bytes = nn.poolStats().liveBytes, created = nn.poolStats().created;
    const h = await model.fit(data, { epochs: 50, batchSize: 16, verbose: 0 }); // 4 steps per epoch: 200 steps
    expect(h.epoch.length).toBe(50);
    expect(nn.liveTensors()).toBe(tensors);
    expect(nn.poolStats().liveBytes).toBe(bytes);
    // The pool reuses buffers: steady-state steps allocate (almost) nothing new.
    expect(nn.poolStats().created - created).toBeLessThan(10);
    model.dispose();
    x.dispose();
    y.dispose();
    resetNames();
  });
});
