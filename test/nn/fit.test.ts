// Model.fit / evaluate / predict end to end on small synthetic problems: losses fall, accuracy rises, callbacks
// see real metrics, checkpoints hold the best epoch, saved weights reload exactly, Keras's cached logits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { EarlyStopping, LambdaCallback, ModelCheckpoint } from '../../src/nn/callbacks/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adam, SGD } from '../../src/nn/optimizers/index.js';
import { uniformData } from '../helpers.js';

/** Three Gaussian-ish blobs in 4-D: separable, so a small MLP must reach high accuracy quickly. */
function blobs(n: number, seed: number): { x: nn.Tensor; y: nn.Tensor } {
  const noise = uniformData(n * 4, seed, -0.6, 0.6);
  const centres = [[1, 0, 0, 1], [-1, 1, 0, 0], [0, -1, 1, -1]];
  const x = new Float32Array(n * 4), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = centres[i % 3]![j]! + noise[i * 4 + j]!;
  }
  return { x: nn.tensor(x, [n, 4]), y: nn.tensor(y, [n], { dtype: 'i32' }) };
}

function mlp(output: 'softmax' | 'sigmoid' = 'softmax'): Sequential {
  nn.setSeed(7);
  return new Sequential([Input([4]), new Dense(16, { activation: 'relu' }), new Dense(3, { activation: output })]);
}

const disposables: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
  resetNames();
});

describe('Model.fit on a small real problem', () => {
  it('loss falls and accuracy rises; History has Keras keys; nothing leaks', async () => {
    const train = blobs(300, 1), val = blobs(90, 2);
    disposables.push(train.x, train.y, val.x, val.y);
    const model = mlp();
    disposables.push(model);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const live = nn.liveTensors();
    const h = await model.fit(train, { epochs: 6, batchSize: 32, validationData: val, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    const loss = h.history.loss!;
    expect(loss.at(-1)!).toBeLessThan(0.5 * loss[0]!);
    expect(h.history.accuracy!.at(-1)!).toBeGreaterThan(0.9);
    expect(h.history.val_accuracy!.at(-1)!).toBeGreaterThan(0.9);
    // Exactly the optimiser's slots (m and v per parameter for Adam; its step counter is a number) outlive fit().
    expect(nn.liveTensors() - live).toBe(2 * model.trainableWeights.length);
    const ev = await model.evaluate(val);
    expect(ev.accuracy).toBeCloseTo(h.history.val_accuracy!.at(-1)!, 5);
    const pred = await model.predict(val.x, { batchSize: 40 });
    disposables.push(pred);
    expect(pred.shape).toEqual([90, 3]);
  });

  it('Keras: a sigmoid output with sparse categorical cross-entropy is scored on its logits (softmax CE)', async () => {
    const data = blobs(60, 3);
    disposables.push(data.x, data.y);
    const model = mlp('sigmoid');
    disposables.push(model);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const { loss } = await model.evaluate(data, { batchSize: 60 });
    const expected = nn.scope(() => {
      const [d1, d2] = model.layers as [Dense, Dense];
      const logits = nn.dense(d1.apply(data.x), d2.kernel!, d2.bias!);
      return nn.mean(nn.sparseCategoricalCrossentropy(data.y, logits, { fromLogits: true }));
    });
    disposables.push(expected);
    expect(loss).toBeCloseTo(await expected.item(), 5);
  });

  it('ModelCheckpoint saves the best epoch and EarlyStopping stops; reloaded weights predict identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webgpu-nn-fit-'));
    const train = blobs(150, 4), val = blobs(60, 5);
    disposables.push(train.x, train.y, val.x, val.y);
    const model = mlp();
    disposables.push(model);
    model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const best = join(dir, 'best.safetensors');
    let bestLoss = Infinity;
    const h = await model.fit(train, {
      epochs: 40, batchSize: 16, validationData: val, verbose: 0,
      callbacks: [
        new ModelCheckpoint(best, { monitor: 'val_loss', saveBestOnly: true, saveWeightsOnly: true }),
        new EarlyStopping({ monitor: 'val_accuracy', patience: 2, mode: 'max' }),
        new LambdaCallback({ onEpochEnd: (_e, logs) => void (bestLoss = Math.min(bestLoss, logs.val_loss!)) }),
      ],
    });
    expect(h.epoch.length).toBeLessThan(40);
    await model.loadWeights(best);
    expect((await model.evaluate(val, { batchSize: 60 })).loss).toBeCloseTo(bestLoss, 5);
    const before = await model.predict(val.x);
    await model.save(join(dir, 'full.safetensors'));
    const other = mlp();
    disposables.push(before, other);
    await other.loadWeights(join(dir, 'full.safetensors'), { byName: false });
    const after = await other.predict(val.x);
    disposables.push(after);
    expect(await after.toArray()).toEqual(await before.toArray());
  });

  it('max_norm kernel constraints hold after every update', async () => {
    const data = blobs(96, 6);
    disposables.push(data.x, data.y);
    nn.setSeed(3);
    const model = new Sequential([Input([4]), new Dense(8, { activation: 'relu', kernelConstraint: nn.constraints.maxNorm(0.5) }), new Dense(3)]);
    disposables.push(model);
    model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'sparse_categorical_crossentropy' });
    await model.fit(data, { epochs: 2, batchSize: 16, verbose: 0 });
    const k = await (model.layers[0] as Dense).kernel!.toArray();
    for (let j = 0; j < 8; j++) {
      let norm = 0;
      for (let i = 0; i < 4; i++) norm += k[i * 8 + j]! ** 2;
      expect(Math.sqrt(norm)).toBeLessThanOrEqual(0.5 + 1e-5);
    }
  });

  it('compile is required, and bad data gets a clear error', async () => {
    const model = mlp();
    disposables.push(model);
    const data = blobs(10, 1);
    disposables.push(data.x, data.y);
    await expect(model.fit(data)).rejects.toThrow(/call compile/);
    model.compile({ loss: 'sparse_categorical_crossentropy' });
    const bad = nn.tensor(new Int32Array(7), [7], { dtype: 'i32' });
    disposables.push(bad);
    await expect(model.fit({ x: data.x, y: bad }, { verbose: 0 })).rejects.toThrow(/differ in their number of samples/);
  });
});
