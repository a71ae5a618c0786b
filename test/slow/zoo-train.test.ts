// Slow: the notebook's big networks train end to end. The custom ResNet18 (functional graph with Add) learns a
// small separable problem; Xception (separable and depthwise convs) and InceptionResNetV2 (Concatenate, scaled
// residuals, BatchNormalization(scale=False)) take real optimisation steps with the notebook's head; a frozen base
// keeps every weight and moving statistic, and unfreezing it lets them train (the notebook's fine-tuning).
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { inceptionResnetV2, notebookHead, resnet18Cifar, xception } from '../../src/nn/models/index.js';
import { Sequential, type Model } from '../../src/nn/model.js';
import { Adadelta, Adam } from '../../src/nn/optimizers/index.js';
import { uniformData } from '../helpers.js';

const models: Model[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
  resetNames();
});

/** Images whose class (0 or 1) is the brightness of the left half vs the right half. */
function halves(n: number, size: number, seed: number): { x: nn.Tensor; y: nn.Tensor } {
  const noise = uniformData(n * size * size * 3, seed, 0, 0.3);
  const x = new Float32Array(n * size * size * 3), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let p = 0; p < size * size * 3; p++) {
      const col = Math.floor(p / 3) % size;
      const bright = (col < size / 2) === (y[i] === 0);
      x[i * size * size * 3 + p] = (bright ? 0.7 : 0) + noise[i * size * size * 3 + p]!;
    }
  }
  return { x: nn.tensor(x, [n, size, size, 3]), y: nn.tensor(y, [n], { dtype: 'i32' }) };
}

async function snapshot(ts: nn.Tensor[]): Promise<number[][]> {
  return Promise.all(ts.map((t) => t.toArray()));
}

const changed = (a: number[], b: number[]): number => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

describe('slow: the notebook zoo trains', () => {
  it('ResNet18 (functional, Add, BN, strided 1x1 shortcuts) learns a separable problem', async () => {
    nn.setSeed(3);
    const m = resnet18Cifar();
    models.push(m);
    m.compile({ optimizer: new Adadelta({ learningRate: 0.5 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const data = halves(64, 32, 1);
    const h = await m.fit(data, { epochs: 4, batchSize: 16, verbose: 0 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    expect(h.history.accuracy!.at(-1)!).toBeGreaterThan(0.8);
    data.x.dispose();
    data.y.dispose();
  }, 300_000);

  it('Xception at 71x71 with the notebook head takes Adadelta steps; predict gives [N, 10] probabilities', async () => {
    nn.setSeed(4);
    const m = new Sequential([xception({ inputShape: [71, 71, 3], pooling: 'max' }), ...notebookHead()]);
    models.push(m);
    m.compile({ optimizer: new Adadelta({ learningRate: 0.9 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const data = halves(2, 71, 2);
    const first = await m.trainOnBatch(data.x, data.y);
    const second = await m.trainOnBatch(data.x, data.y);
    expect(Number.isFinite(first.loss!) && Number.isFinite(second.loss!)).toBe(true);
    const p = await m.predict(data.x);
    expect(p.shape).toEqual([2, 10]);
    const rows = await p.toArray();
    expect(rows.slice(0, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    p.dispose();
    data.x.dispose();
    data.y.dispose();
  }, 600_000);

  it('InceptionResNetV2 at 84x84: a frozen base stays put while the head trains; unfrozen, the base trains too', async () => {
    nn.setSeed(5);
    const base = inceptionResnetV2({ inputShape: [84, 84, 3], pooling: 'max' });
    const m = new Sequential([base, ...notebookHead()]);
    models.push(m);
    base.trainable = false;
    m.compile({ optimizer: new Adam({ learningRate: 1e-4 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const data = halves(2, 84, 3);
    const baseKernel = base.weights.find((w) => w.path.endsWith('conv_7b/kernel'))!.value;
    const baseMean = base.weights.find((w) => w.name === 'moving_mean')!.value;
    const headKernel = m.layers[1]!.weights[0]!.value;
    const before = await snapshot([baseKernel, baseMean, headKernel]);
    const frozen = await m.trainOnBatch(data.x, data.y);
    expect(Number.isFinite(frozen.loss!)).toBe(true);
    const after = await snapshot([baseKernel, baseMean, headKernel]);
    expect(changed(after[0]!, before[0]!)).toBe(0);
    expect(changed(after[1]!, before[1]!)).toBe(0);
    expect(changed(after[2]!, before[2]!)).toBeGreaterThan(1000);
    base.trainable = true;
    await m.trainOnBatch(data.x, data.y);
    const tuned = await snapshot([baseKernel, baseMean]);
    expect(changed(tuned[0]!, after[0]!)).toBeGreaterThan(1000);
    expect(changed(tuned[1]!, after[1]!)).toBeGreaterThan(0);
    data.x.dispose();
    data.y.dispose();
  }, 900_000);
});
