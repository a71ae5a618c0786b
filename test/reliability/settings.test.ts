// Bad settings are refused when they are made: optimisers, schedules, callbacks and fit() options each throw one
// message naming the owner, the option, the expected range and the value found (before: accepted, then NaN
// weights, a run that never stops or an empty history).
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { EarlyStopping, ReduceLROnPlateau } from '../../src/nn/callbacks/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adadelta, Adam, RMSprop, SGD } from '../../src/nn/optimizers/index.js';
import { CosineDecay, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay } from '../../src/nn/schedules.js';

const disposables: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
  resetNames();
});

function small(): Sequential {
  nn.setSeed(1);
  const m = new Sequential([Input([2]), new Dense(3, { activation: 'softmax' })]);
  disposables.push(m);
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy' });
  return m;
}

function data(n: number): { x: nn.Tensor; y: nn.Tensor } {
  const x = nn.tensor(Float32Array.from({ length: n * 2 }, (_, i) => (i % 5) / 5), [n, 2]);
  const y = nn.tensor(Int32Array.from({ length: n }, (_, i) => i % 3), [n], { dtype: 'i32' });
  disposables.push(x, y);
  return { x, y };
}

describe('optimiser hyper-parameters are checked at construction', () => {
  it.each([NaN, Infinity, -0.1, '0.1'])('learning rate %s is refused by every optimiser', (lr) => {
    for (const make of [(o: object) => new SGD(o), (o: object) => new Adam(o), (o: object) => new RMSprop(o), (o: object) => new Adadelta(o)]) {
      expect(() => make({ learningRate: lr })).toThrow(/: learningRate must be a finite number >= 0 but got /);
    }
  });
  it('Adam beta1 = 1, beta2 = NaN and a negative epsilon are refused', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow('Adam: beta1 must be a finite number >= 0 and < 1 but got 1');
    expect(() => new Adam({ beta2: NaN })).toThrow('Adam: beta2 must be a finite number >= 0 and < 1 but got NaN');
    expect(() => new Adam({ epsilon: -1 })).toThrow('Adam: epsilon must be a finite number >= 0 but got -1');
  });
  it('RMSprop rho and Adadelta rho outside [0, 1], SGD momentum NaN are refused', () => {
    expect(() => new RMSprop({ rho: 1.5 })).toThrow('RMSprop: rho must be a finite number >= 0 and <= 1 but got 1.5');
    expect(() => new Adadelta({ rho: -1 })).toThrow('Adadelta: rho must be');
    expect(() => new SGD({ momentum: NaN })).toThrow('SGD: momentum must be a finite number >= 0 and <= 1 but got NaN');
  });
  it('the setter refuses what the constructor refuses', () => {
    const opt = new SGD();
    expect(() => { opt.learningRate = -1; }).toThrow('SGD: learningRate must be a finite number >= 0 but got -1');
  });
});

describe('schedules check their settings', () => {
  it('a NaN decay rate, a negative initial rate and bad piecewise values are refused', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: NaN }))
      .toThrow('ExponentialDecay: decayRate must be a finite number >= 0 but got NaN');
    expect(() => new InverseTimeDecay({ initialLearningRate: -1, decaySteps: 10, decayRate: 0.5 }))
      .toThrow('InverseTimeDecay: initialLearningRate must be a finite number >= 0 but got -1');
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 })).toThrow('CosineDecay: alpha must be');
    expect(() => new PiecewiseConstantDecay([5], [0.1, NaN])).toThrow('PiecewiseConstantDecay: values[1] must be');
  });
});

describe('callbacks check their settings', () => {
  it('EarlyStopping patience -1, NaN or 1.5 is refused', () => {
    for (const p of [-1, NaN, 1.5]) {
      expect(() => new EarlyStopping({ patience: p })).toThrow(`EarlyStopping: patience must be an integer >= 0 but got ${p}`);
    }
  });
  it('ReduceLROnPlateau factor <= 0 or NaN is refused (>= 1 keeps Keras\'s message)', () => {
    expect(() => new ReduceLROnPlateau({ factor: -0.5 })).toThrow('ReduceLROnPlateau: factor must be a finite number > 0 and < 1 but got -0.5');
    expect(() => new ReduceLROnPlateau({ factor: NaN })).toThrow('ReduceLROnPlateau: factor must be');
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow('ReduceLROnPlateau does not support a factor >= 1.0');
    expect(() => new ReduceLROnPlateau({ patience: -2 })).toThrow('ReduceLROnPlateau: patience must be an integer >= 0 but got -2');
  });
});

describe('fit() checks its options and data', () => {
  it('epochs 0, 1.5 and \'2\' are refused before anything runs', async () => {
    const m = small(), d = data(6);
    await expect(m.fit(d, { epochs: 0, verbose: 0 })).rejects.toThrow('fit: epochs must be an integer >= 1 but got 0');
    await expect(m.fit(d, { epochs: 1.5, verbose: 0 })).rejects.toThrow('fit: epochs must be an integer >= 1 but got 1.5');
    await expect(m.fit(d, { epochs: '2' as unknown as number, verbose: 0 })).rejects.toThrow("fit: epochs must be an integer >= 1 but got '2' (a string)");
    await expect(m.fit(d, { epochs: 2, initialEpoch: 3, verbose: 0 })).rejects.toThrow('fit: initialEpoch must be an integer >= 0 and <= 2 but got 3');
  });
  it('zero samples, and a loader that yields no batches, are refused', async () => {
    const m = small();
    const x = nn.zeros([0, 2]), y = nn.tensor(new Int32Array(0), [0], { dtype: 'i32' });
    disposables.push(x, y);
    await expect(m.fit({ x, y }, { verbose: 0 })).rejects.toThrow('fit: x [0, 2] holds 0 samples');
    const empty = { async *epoch() {}, stepsPerEpoch: 0 };
    await expect(m.fit(empty, { verbose: 0 })).rejects.toThrow('fit: the data yielded no batches in epoch 1');
  });
  it('a wrong-width y is named (not a broadcasting failure inside sub)', async () => {
    nn.setSeed(1);
    const m = new Sequential([Input([2]), new Dense(3)]);
    disposables.push(m);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = nn.zeros([4, 2]), y = nn.zeros([4, 2]);
    disposables.push(x, y);
    await expect(m.fit({ x, y }, { verbose: 0 })).rejects.toThrow(/fit: model \S+ outputs shape \[4, 3\] but y has shape \[4, 2\]: each target must hold 3 values/);
  });
  it('two concurrent fit() calls on one model: the second is refused, the first completes', async () => {
    const m = small(), d = data(12);
    const first = m.fit(d, { epochs: 2, batchSize: 4, verbose: 0 });
    await expect(m.fit(d, { verbose: 0 })).rejects.toThrow(/fit: model \S+ is already training/);
    await expect(m.trainOnBatch(d.x, d.y)).rejects.toThrow(/trainOnBatch: model \S+ is already training/);
    expect((await first).epoch).toEqual([0, 1]);
    await m.fit(d, { verbose: 0 }); // allowed again once the first one ended
  });
});

describe('loadWeights says what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wgnn-load-'));
  it('an unbuilt Sequential is refused instead of loading nothing', async () => {
    const built = small();
    await built.saveWeights(join(dir, 'a.safetensors'));
    const lazy = new Sequential([new Dense(3)]);
    disposables.push(lazy);
    await expect(lazy.loadWeights(join(dir, 'a.safetensors'))).rejects.toThrow(/loadWeights: model \S+ is not built yet/);
  });
  it('names that differ are an error by default; byName: false pairs in the saving model\'s layer order', async () => {
    nn.setSeed(2);
    const a = new Sequential([Input([3]), new Dense(3, { name: 'first' }), new Dense(3, { name: 'second' })]);
    disposables.push(a);
    const path = join(dir, 'b.safetensors');
    await a.saveWeights(path);
    nn.setSeed(3);
    const b = new Sequential([Input([3]), new Dense(3, { name: 'zeta' }), new Dense(3, { name: 'alpha' })]);
    disposables.push(b);
    await expect(b.loadWeights(path)).rejects.toThrow(/the weight names in .* do not match .*'zeta\/kernel' is missing from the file.*byName: false/);
    await b.loadWeights(path, { byName: false });
    const wa = a.getWeights(), wb = b.getWeights();
    disposables.push(...wa.map((w) => w.tensor), ...wb.map((w) => w.tensor));
    for (let i = 0; i < wa.length; i++) expect(await wb[i]!.tensor.toArray()).toEqual(await wa[i]!.tensor.toArray());
  });
  it('a directory is named in the message', async () => {
    const m = small();
    const sub = join(dir, 'adir');
    mkdirSync(sub, { recursive: true });
    await expect(m.loadWeights(sub)).rejects.toThrow(`${sub} is a directory, not a safetensors file`);
  });
});
