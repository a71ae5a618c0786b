// The whole stack on both devices: the same small CNN (conv, BatchNorm, pooling, dropout, dense), built from the
// same seed on 'webgpu' and on the Float64 'cpu' reference, trained for a few SGD steps on the same batches, must
// report the same losses and end with the same weights (dropout masks come from the same counter-based RNG).
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Conv2D } from '../../src/nn/layers/conv.js';
import { Dense, Dropout, Flatten } from '../../src/nn/layers/core.js';
import { BatchNormalization } from '../../src/nn/layers/normalization.js';
import { MaxPooling2D } from '../../src/nn/layers/pooling.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { SGD } from '../../src/nn/optimizers/index.js';
import { expectClose, uniformData } from '../helpers.js';

afterEach(() => {
  nn.setDefaultDevice('webgpu');
  resetNames();
});

async function train(device: nn.DeviceKind): Promise<{ losses: number[]; weights: number[][] }> {
  nn.setDefaultDevice(device);
  nn.setSeed(11);
  resetNames();
  const model = new Sequential([
    Input([8, 8, 3]),
    new Conv2D(4, 3, { padding: 'same', activation: 'relu' }), new BatchNormalization(), new MaxPooling2D(2),
    new Flatten(), new Dropout(0.25, { seed: 5 }), new Dense(3, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const x = nn.tensor(uniformData(12 * 8 * 8 * 3, 1, 0, 1), [12, 8, 8, 3], { dtype: 'f32', device });
  const y = nn.tensor(Int32Array.from({ length: 12 }, (_, i) => i % 3), [12], { dtype: 'i32', device });
  const h = await model.fit({ x, y }, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  const weights = await Promise.all(model.weights.map((w) => w.value.toArray()));
  for (const t of [x, y]) t.dispose();
  model.dispose();
  return { losses: h.history.loss!, weights };
}

describe('webgpu and the Float64 cpu reference agree on a whole training run', () => {
  it('same losses and same final weights after 9 SGD steps of a conv net with BN and dropout', async () => {
    const gpu = await train('webgpu');
    const cpu = await train('cpu');
    expectClose(gpu.losses, cpu.losses, 1e-4, 1e-3, 'losses');
    expect(gpu.weights.length).toBe(cpu.weights.length);
    gpu.weights.forEach((w, i) => expectClose(w, cpu.weights[i]!, 2e-4, 2e-3, `weight ${i}`));
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]!);
  });
});
