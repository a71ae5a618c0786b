// Training health on the GPU, read only with the metrics: a model that blows up stops with one error naming the
// step and the first weight whose gradient is not finite, and no non-finite state reaches a checkpoint; sparse
// labels outside [0, C) are refused naming the loss, the label and the range; a gather index out of range is
// reported at the next readback (before: NaN losses and zeros, no word said).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { ModelCheckpoint } from '../../src/nn/callbacks/index.js';
import { Layer, resetNames, type LayerShape } from '../../src/nn/layer.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { SGD } from '../../src/nn/optimizers/index.js';
import { entryValues, readSafetensors } from '../../src/nn/safetensors.js';
import { RESUME_FILE } from '../../src/nn/resume.js';
import { uniformData } from '../helpers.js';

/** sqrt of its input: at 0 the forward value is finite but the gradient is infinite. */
class Sqrt extends Layer {
  override computeOutputShape(s: LayerShape): LayerShape {
    return s;
  }
  override call(x: nn.Tensor): nn.Tensor {
    return nn.sqrt(x);
  }
}

const owned: Array<{ dispose(): void }> = [];
const own = <T extends { dispose(): void }>(x: T): T => (owned.push(x), x);
afterEach(() => {
  for (const d of owned.splice(0)) d.dispose();
  resetNames();
});

function data(n: number, labels?: number[]): { x: nn.Tensor; y: nn.Tensor } {
  const x = own(nn.tensor(uniformData(n * 4, 5, -1, 1), [n, 4]));
  const y = own(nn.tensor(Int32Array.from(labels ?? Array.from({ length: n }, (_, i) => i % 3)), [n], { dtype: 'i32' }));
  return { x, y };
}

const finite = async (path: string): Promise<boolean> =>
  [...(await readSafetensors(path)).tensors.values()].every((e) => e.dtype !== 'F32' || Array.from(entryValues(e)).every(Number.isFinite));

describe('non-finite training is stopped and located', () => {
  it('a learning rate that blows up stops fit at the epoch end, naming the step; checkpoints stay finite', async () => {
    resetNames();
    nn.setSeed(1);
    const model = own(new Sequential([Input([4]), new Dense(8, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })]));
    model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-nan-'));
    const best = join(dir, 'w.safetensors');
    const xy = data(64);
    const save = (): ModelCheckpoint => new ModelCheckpoint(best, { monitor: 'loss', saveWeightsOnly: true });
    await model.fit(xy, { epochs: 1, batchSize: 16, verbose: 0, checkpoint: dir, callbacks: [save()] });
    model.optimizer.learningRate = 1e38;
    const err = await model.fit(xy, { epochs: 3, initialEpoch: 1, batchSize: 16, verbose: 0, checkpoint: dir, callbacks: [save()] }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('NonFiniteError');
    expect((err as Error).message).toMatch(/^fit: training diverged: the loss \(sparse_categorical_crossentropy\) is not finite \(NaN or Inf\) from epoch 2, step \d\/4 on; the first gradient that is not finite is that of 'dense(_1)?\/(kernel|bias)' \(layer dense(_1)?\), at epoch 2, step \d\/4\. Training stopped/);
    expect(await finite(best)).toBe(true);
    expect(await finite(join(dir, RESUME_FILE))).toBe(true);
    expect(JSON.parse((await readSafetensors(join(dir, RESUME_FILE))).metadata!.state!).epoch).toBe(1);
  });

  it('names the first trainable weight whose gradient is not finite while the loss is still finite', async () => {
    resetNames();
    nn.setSeed(2);
    const frozen = new Dense(4);
    const model = own(new Sequential([Input([4]), frozen, new Dense(4, { kernelInitializer: 'zeros' }), new Sqrt(), new Dense(3, { activation: 'softmax' })]));
    frozen.trainable = false;
    model.compile({ optimizer: new SGD(), loss: 'sparse_categorical_crossentropy' });
    await expect(model.trainOnBatch(...Object.values(data(8)) as [nn.Tensor, nn.Tensor])).rejects.toThrow(
      "trainOnBatch: training diverged: the first gradient that is not finite is that of 'dense_1/kernel' (layer dense_1), at step 1. Training stopped");
  });
});

describe('gather indices out of range (webgpu)', () => {
  it('index 5 or -1 is reported at the next readback, naming the index, the range and the call; then all is well', async () => {
    const x = own(nn.tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]));
    const ok = own(nn.gather(x, own(nn.tensor([3, 0], [2], { dtype: 'i32' }))));
    const bad = own(nn.gather(x, own(nn.tensor([1, 5], [2], { dtype: 'i32' }))));
    await expect(ok.data()).rejects.toThrow('gather: index 5 is outside [0, 4) for axis 0 of x [4, 2]; that gather gave 0 there');
    expect(Array.from(await bad.data())).toEqual([3, 4, 0, 0]);
    const neg = own(nn.gather(x, own(nn.tensor([-1], [1], { dtype: 'i32' })), 1));
    await expect(neg.data()).rejects.toThrow('gather: index -1 is outside [0, 2) for axis 1 of x [4, 2]');
    expect(Array.from(await ok.data())).toEqual([7, 8, 1, 2]);
  });
});

describe('sparse labels out of range', () => {
  it('fit refuses label 9 with 3 classes, naming the loss, the step and the range', async () => {
    resetNames();
    const model = own(new Sequential([Input([4]), new Dense(3, { activation: 'softmax' })]));
    model.compile({ optimizer: new SGD(), loss: 'sparse_categorical_crossentropy' });
    const labels = Array.from({ length: 12 }, (_, i) => i % 3);
    labels[6] = 9;
    await expect(model.fit(data(12, labels), { batchSize: 4, shuffle: false, verbose: 0 })).rejects.toThrow(
      'fit: sparse_categorical_crossentropy: label 9 at epoch 1, step 2/3 is out of range: the model outputs 3 classes, so labels must be integers in [0, 3)');
  });

  it('evaluate refuses label -1 the same way', async () => {
    resetNames();
    const model = own(new Sequential([Input([4]), new Dense(3, { activation: 'softmax' })]));
    model.compile({ optimizer: new SGD(), loss: 'sparse_categorical_crossentropy' });
    await expect(model.evaluate(data(4, [0, 1, -1, 2]), { batchSize: 4 })).rejects.toThrow(
      'evaluate: sparse_categorical_crossentropy: label -1 at step 1/1 is out of range: the model outputs 3 classes, so labels must be integers in [0, 3)');
  });
});
