// fit replays its training step once two recordings agree (nn/step_replay.ts, tensor/capture.ts). A replayed fit
// must be bit-for-bit the fit that encodes every step: the same weights, optimiser state, history and RNG draws,
// with dropout, BatchNorm, in-model augmentation, per-step learning rates and a short last batch. A step that
// reads host state the recording cannot see is not replayed, and fit says why.
import { describe, expect, it, vi } from 'vitest';
import * as nn from '../../src/index.js';
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, RandomRotation } from '../../src/nn/layers/index.js';
import { Layer, type CallContext, type LayerShape } from '../../src/nn/layer.js';
import { Input, Sequential, type Model } from '../../src/nn/model.js';
import { Adadelta, Adam, RMSprop } from '../../src/nn/optimizers/index.js';
import { InverseTimeDecay } from '../../src/nn/schedules.js';
import { randomData } from '../helpers.js';

interface Run {
  history: Record<string, number[]>;
  weights: number[][];
  replayed: number;
  dispatches: number;
}

async function run(make: () => Model, x: nn.Tensor, y: nn.Tensor, replay: boolean, epochs = 2, batchSize = 16): Promise<Run> {
  nn.setSeed(7);
  nn.resetNames();
  const model = make();
  const before = nn.recorderStats();
  const h = await model.fit({ x, y }, { epochs, batchSize, verbose: 0, replay, validationData: { x, y } });
  const after = nn.recorderStats();
  const copies = model.getWeights(); // copies, the caller's to dispose
  const weights = await Promise.all([...copies, ...model.optimizer.weights()].map(async (w) => Array.from(await w.tensor.data())));
  nn.disposeNamed(copies);
  model.optimizer.dispose();
  model.dispose();
  return { history: h.history as Record<string, number[]>, weights, replayed: after.replayed - before.replayed, dispatches: after.dispatches - before.dispatches };
}

async function expectSameFit(make: () => Model, x: nn.Tensor, y: nn.Tensor, steps: number): Promise<Run> {
  const plain = await run(make, x, y, false);
  const replayed = await run(make, x, y, true);
  expect(plain.replayed).toBe(0);
  // Per epoch: one step as usual, two recorded, the rest replayed (a short last batch runs as usual).
  expect(replayed.replayed).toBe(steps);
  expect(replayed.history).toEqual(plain.history);
  expect(replayed.weights.length).toBe(plain.weights.length);
  replayed.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(plain.weights[i]));
  return replayed;
}

const labels = (n: number, classes: number): nn.Tensor => nn.tensor(Int32Array.from({ length: n }, (_, i) => (i * 7) % classes), [n], { dtype: 'i32' });

describe('fit replays its training step', () => {
  it('gives the notebook MLP (BatchNorm, dropout, Adadelta with time decay) the same weights, slots and history', async () => {
    const x = nn.tensor(randomData(96 * 20, 3), [96, 20]), y = labels(96, 5);
    const make = (): Model => {
      const m = new Sequential([Input([20]), new Dense(32, { activation: 'relu' }), new BatchNormalization(), new Dropout(0.3),
        new Dense(16, { activation: 'relu' }), new Dropout(0.2), new Dense(5, { activation: 'softmax' })]);
      m.compile({ optimizer: new Adadelta({ learningRate: new InverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 1, decayRate: 0.1 }) }),
        loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      return m;
    };
    // 6 steps per epoch: 3 replayed in each of 2 epochs.
    await expectSameFit(make, x, y, 6);
    x.dispose();
    y.dispose();
  });

  it('replays a CNN with in-model augmentation and Adam, around a short last batch', async () => {
    const n = 88; // 5 full batches of 16 and one of 8
    const x = nn.tensor(randomData(n * 8 * 8 * 2, 5), [n, 8, 8, 2]), y = labels(n, 3);
    const make = (): Model => {
      const m = new Sequential([Input([8, 8, 2]), new RandomRotation(0.1), new Conv2D(6, 3, { activation: 'relu', padding: 'same' }),
        new MaxPooling2D(2), new Dropout(0.25), new Flatten(), new Dense(3)]);
      m.compile({ optimizer: new Adam({ learningRate: 1e-2 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      return m;
    };
    await expectSameFit(make, x, y, 4);
    x.dispose();
    y.dispose();
  });

  it('replays the notebook\'s ResNet18 (BatchNorm + ReLU fusion, residual adds) and MNIST CNN bit for bit', async () => {
    for (const [make, input] of [[() => nn.zoo.resnet18Cifar(), [32, 32, 3]], [() => nn.zoo.mnistCnn(), [28, 28, 1]]] as const) {
      const per = (input as readonly number[]).reduce((a, b) => a * b, 1);
      const x = nn.tensor(randomData(20 * per, 6, 0.5), [20, ...input]), y = labels(20, 10);
      const compiled = (): Model => {
        const m = make();
        m.compile({ optimizer: new Adadelta({ learningRate: 0.5 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
        return m;
      };
      const plain = await run(compiled, x, y, false, 1, 4);
      const replayed = await run(compiled, x, y, true, 1, 4);
      expect(replayed.replayed).toBe(2);
      expect(replayed.history).toEqual(plain.history);
      replayed.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(plain.weights[i]));
      x.dispose();
      y.dispose();
    }
  }, 300_000);

  it('records again when a callback freezes a layer mid-epoch, and ends as the encoded fit', async () => {
    const x = nn.tensor(randomData(128 * 10, 8), [128, 10]), y = labels(128, 4);
    const fitFrozen = async (replay: boolean): Promise<{ weights: number[][]; replayed: number }> => {
      nn.setSeed(3);
      nn.resetNames();
      const first = new Dense(12, { activation: 'relu' });
      const model = new Sequential([Input([10]), first, new Dense(4)]);
      model.compile({ optimizer: new Adam({ learningRate: 1e-2 }), loss: 'sparse_categorical_crossentropy' });
      const freeze = new nn.callbacks.LambdaCallback({ onBatchEnd: (step: number) => void (step === 4 && (first.trainable = false)) });
      const r0 = nn.recorderStats().replayed;
      await model.fit({ x, y }, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, replay, callbacks: [freeze] });
      const copies = model.getWeights();
      const weights = await Promise.all(copies.map(async (w) => Array.from(await w.tensor.data())));
      nn.disposeNamed(copies);
      model.optimizer.dispose();
      model.dispose();
      return { weights, replayed: nn.recorderStats().replayed - r0 };
    };
    const plain = await fitFrozen(false), replayed = await fitFrozen(true);
    // 16 steps: 1 plain, 2 recorded, 2 replayed; frozen after step 5: 1 plain, 2 recorded, 8 replayed.
    expect(replayed.replayed).toBe(10);
    replayed.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(plain.weights[i]));
    x.dispose();
    y.dispose();
  });

  it('costs the same dispatches and leaves no buffer behind', async () => {
    const x = nn.tensor(randomData(64 * 12, 9), [64, 12]), y = labels(64, 4);
    const make = (): Model => {
      const m = new Sequential([Input([12]), new Dense(16, { activation: 'relu' }), new Dense(4)]);
      m.compile({ optimizer: new RMSprop({ learningRate: 1e-3 }), loss: 'sparse_categorical_crossentropy' });
      return m;
    };
    const live = nn.poolStats().liveBuffers;
    const plain = await run(make, x, y, false, 3);
    const replayed = await run(make, x, y, true, 3);
    expect(replayed.replayed).toBe(3);
    expect(replayed.dispatches).toBe(plain.dispatches);
    expect(nn.poolStats().liveBuffers).toBe(live);
    x.dispose();
    y.dispose();
  });

  it('names the replayed step whose gradient went NaN, as the encoded step does', async () => {
    const data = randomData(64 * 6, 4);
    data[5 * 8 * 6 + 2] = NaN; // a sample of batch 6 of 8: steps 4 to 8 are replayed
    const x = nn.tensor(data, [64, 6]), y = labels(64, 3);
    const failure = async (replay: boolean): Promise<string> => {
      nn.resetNames();
      const model = new Sequential([Input([6]), new Dense(3)]);
      model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      const err = await model.fit({ x, y }, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, replay }).catch((e: Error) => e);
      model.optimizer.dispose();
      model.dispose();
      return (err as Error).message;
    };
    const before = nn.recorderStats().replayed;
    const replayed = await failure(true);
    expect(nn.recorderStats().replayed - before).toBe(5);
    expect(replayed).toMatch(/^fit: training diverged: .*'dense\/kernel' \(layer dense\), at epoch 1, step 6\/8\./);
    expect(replayed).toBe(await failure(false));
    x.dispose();
    y.dispose();
  });

  it('does not replay a step that reads host state it was not told about, and says which kernel', async () => {
    let calls = 0;
    // A dropout whose seed is a plain host counter, not a per-step value: every step packs another uniform.
    class CountingDropout extends Layer {
      override computeOutputShape(s: LayerShape): LayerShape {
        return s;
      }
      override call(input: nn.Tensor | nn.Tensor[], ctx: CallContext): nn.Tensor {
        const t = input as nn.Tensor;
        return ctx.training ? nn.dropout(t, 0.5, ++calls) : t;
      }
    }
    const x = nn.tensor(randomData(64 * 6, 2), [64, 6]), y = labels(64, 2);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    nn.resetNames();
    const model = new Sequential([Input([6]), new CountingDropout(), new Dense(2)]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const before = nn.recorderStats().replayed;
    let said: string | undefined;
    try {
      await model.fit({ x, y }, { epochs: 1, batchSize: 8, verbose: 2 });
      said = log.mock.calls.map((c) => String(c[0])).find((s) => s.startsWith('step replay off'));
    } finally {
      log.mockRestore();
    }
    expect(nn.recorderStats().replayed - before).toBe(0);
    expect(said).toMatch(/kernel dropout.*not declared per step/);
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
