// BatchNormalization -> Activation('relu') runs as one fused op (the relu inside the normalisation's kernels,
// forward and backward). The fused and unfused graphs must agree exactly: predictions, loss and the weights after a
// training step, in a functional model with a residual add (whose relu cannot fuse) and in a Sequential.
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { randomData } from '../helpers.js';
import { leakFree } from '../vision.js';

const { Conv2D, BatchNormalization, Activation, Add, Flatten, Dense } = nn.layers;

function residual(): nn.Model {
  const input = nn.Input([6, 6, 4]);
  const a = new Conv2D(8, 3, { padding: 'same', name: 'conv_a' }).apply(input) as nn.SymbolicTensor;
  const b = new Activation('relu', { name: 'relu_a' }).apply(new BatchNormalization({ name: 'bn_a' }).apply(a) as nn.SymbolicTensor) as nn.SymbolicTensor;
  const c = new BatchNormalization({ name: 'bn_b' }).apply(new Conv2D(8, 3, { padding: 'same', name: 'conv_b' }).apply(b) as nn.SymbolicTensor) as nn.SymbolicTensor;
  const d = new Activation('relu', { name: 'relu_b' }).apply(new Add({ name: 'add' }).apply([c, a]) as nn.SymbolicTensor) as nn.SymbolicTensor;
  const out = new Dense(3, { activation: 'softmax', name: 'head' }).apply(new Flatten({ name: 'flat' }).apply(d) as nn.SymbolicTensor) as nn.SymbolicTensor;
  return new nn.Model({ inputs: input, outputs: out });
}

function sequential(): nn.Model {
  return new nn.Sequential([
    nn.Input([6, 6, 4]), new Conv2D(4, 3, { name: 'conv' }), new BatchNormalization({ name: 'bn' }), new Activation('relu', { name: 'relu' }),
    new Flatten({ name: 'flat' }), new Dense(3, { activation: 'softmax', name: 'head' }),
  ]);
}

function build(make: () => nn.Model, fuse: boolean): nn.Model {
  const before = process.env.WEBGPU_NN_FUSE;
  process.env.WEBGPU_NN_FUSE = fuse ? 'on' : 'off';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env.WEBGPU_NN_FUSE;
    else process.env.WEBGPU_NN_FUSE = before;
  }
}

/** The sequential model with its BatchNormalization frozen: inside fit it runs the inference op, fused as well. */
function frozen(): nn.Model {
  const m = sequential();
  m.layers[1]!.trainable = false;
  return m;
}

const fusedCount = (m: nn.Model): number => (m as unknown as { fusions: Map<unknown, unknown> }).fusions.size;

afterEach(() => delete process.env.WEBGPU_NN_FUSE);

describe('BatchNormalization + ReLU fusion', () => {
  for (const [name, make, fusable] of [['functional with a residual add', residual, 2], ['sequential', sequential, 1], ['sequential, BN frozen', frozen, 1]] as const) {
    it(`${name}: fused and unfused agree exactly (predict, loss, weights after a step)`, () => leakFree(async () => {
      const fused = build(make, true), plain = build(make, false);
      expect(fusedCount(fused)).toBe(fusable);
      expect(fusedCount(plain)).toBe(0);
      const w = fused.getWeights();
      plain.setWeights(w);
      nn.disposeNamed(w);
      const x = nn.tensor(randomData(8 * 6 * 6 * 4, 5), [8, 6, 6, 4]);
      const y = nn.tensor(Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]), [8], { dtype: 'i32', device: 'webgpu' });
      const [pf, pp] = [await fused.predict(x), await plain.predict(x)];
      expect(await pf.toArray()).toEqual(await pp.toArray());
      for (const m of [fused, plain]) m.compile({ optimizer: new nn.optimizers.SGD({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy' });
      const [lf, lp] = [await fused.trainOnBatch(x, y), await plain.trainOnBatch(x, y)];
      expect(lf.loss).toBe(lp.loss);
      const [wf, wp] = [fused.getWeights(), plain.getWeights()];
      for (let i = 0; i < wf.length; i++) {
        expect(wf[i]!.name).toBe(wp[i]!.name);
        expect(await wf[i]!.tensor.toArray(), wf[i]!.name).toEqual(await wp[i]!.tensor.toArray());
      }
      nn.disposeNamed(wf);
      nn.disposeNamed(wp);
      for (const t of [x, y, pf, pp]) t.dispose();
      fused.dispose();
      plain.dispose();
    }));
  }

  it('a BatchNormalization whose output has a second consumer, or is the model output, is not fused', () => {
    const input = nn.Input([4]);
    const bn = new BatchNormalization().apply(input) as nn.SymbolicTensor;
    const two = new Add().apply([new Activation('relu').apply(bn) as nn.SymbolicTensor, bn]) as nn.SymbolicTensor;
    const m1 = new nn.Model({ inputs: input, outputs: two });
    const m2 = new nn.Sequential([nn.Input([4]), new BatchNormalization()]);
    const m3 = new nn.Sequential([nn.Input([4]), new BatchNormalization(), new Activation('sigmoid')]);
    expect([m1, m2, m3].map(fusedCount)).toEqual([0, 0, 0]);
    for (const m of [m1, m2, m3]) m.dispose();
  });
});
