// Inputs that used to give a silent wrong result now give one clear error (or, for pow, TF's defined gradient):
// a conv kernel larger than its valid-padded input, an unknown image-folder colour mode, pow's exponent gradient
// where the base is not positive; empty in-memory data names evaluate / predict.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { loadImageFolder } from '../../src/data/folder.js';
import type { ColorMode } from '../../src/data/decode.js';
import { Conv2D, DepthwiseConv2D } from '../../src/nn/layers/conv.js';
import { Input } from '../../src/nn/model.js';
import { pngBytes, removeTempDirs, rgbPattern, tempDir } from '../data/fixtures.js';

afterAll(removeTempDirs);

const leaf = (v: number[], device: nn.DeviceKind): nn.Tensor => {
  const t = nn.tensor(v, [v.length], { dtype: 'f32', device });
  t.requiresGrad = true;
  return t;
};

describe('clear errors for inputs that used to pass silently', () => {
  it('a conv kernel larger than its valid-padded input is refused by layer, kernel and input size', () => {
    expect(() => new Conv2D(4, 5).apply(Input([3, 3, 1]))).toThrow(/conv2_?d.*\(Conv2D\): kernel 5x5 .*spans 5 on the height axis, larger than the input's 3 with padding 'valid'/);
    expect(() => new DepthwiseConv2D(3, { dilationRate: 2 }).apply(Input([8, 4, 2]))).toThrow(/spans 5 on the width axis, larger than the input's 4/);
    // Exactly fitting and 'same' padding still work.
    expect(new Conv2D(4, 3).apply(Input([3, 3, 1])).shape).toEqual([null, 1, 1, 4]);
    expect(new Conv2D(4, 5, { padding: 'same' }).apply(Input([3, 3, 1])).shape).toEqual([null, 3, 3, 4]);
  });

  it('an unknown image-folder colour mode is refused before anything is read or cached', async () => {
    const root = tempDir('colour');
    mkdirSync(join(root, 'train', 'cat'), { recursive: true });
    writeFileSync(join(root, 'train', 'cat', 'a.png'), pngBytes(4, 4, rgbPattern(4, 4, 1)));
    const cacheDir = join(root, 'cache');
    await expect(loadImageFolder(root, { colorMode: 'rbg' as ColorMode, cacheDir }))
      .rejects.toThrow(/loadImageFolder: colorMode must be one of 'grayscale', 'rgb', 'rgba' but got "rbg"/);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });

  for (const device of ['cpu', 'webgpu'] as const) {
    it(`pow's gradient w.r.t. the exponent is 0 where the base is <= 0, as TF (${device})`, async () => {
      const a = leaf([-2, 0, 3], device);
      const b = leaf([2, 2, 2], device);
      nn.scope(() => nn.backward(nn.sum(nn.pow(a, b))));
      const gb = await b.grad!.toArray();
      expect(gb[0]).toBe(0);
      expect(gb[1]).toBe(0);
      expect(gb[2]).toBeCloseTo(9 * Math.log(3), 4);
      const ga = await a.grad!.toArray();
      [-4, 0, 6].forEach((v, i) => expect(ga[i]).toBeCloseTo(v, 4));
      // A scalar base <= 0: d(s^x)/dx is 0 too, not NaN.
      const x = leaf([2, 3], device);
      nn.scope(() => nn.backward(nn.sum(nn.pow(-2, x))));
      expect((await x.grad!.toArray()).map(Math.abs)).toEqual([0, 0]);
      for (const t of [a, b, x]) t.dispose();
    });
  }
});

describe('empty in-memory data names the call', () => {
  it('evaluate and predict say evaluate / predict (not fit:), and predict leaves nothing behind', async () => {
    const { Sequential } = await import('../../src/nn/model.js');
    const { Dense } = await import('../../src/nn/layers/core.js');
    const model = new Sequential([Input([2]), new Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = nn.tensor(new Float32Array(0), [0, 2]), y = nn.tensor(new Int32Array(0), [0], { dtype: 'i32' });
    await expect(model.evaluate({ x, y })).rejects.toThrow('evaluate: x [0, 2] holds 0 samples; there is nothing to evaluate');
    const live = nn.liveTensors();
    await expect(model.predict(x)).rejects.toThrow('predict: x [0, 2] holds 0 samples; there is nothing to predict');
    expect(nn.liveTensors()).toBe(live);
    await expect(model.fit({ x, y }, { verbose: 0 })).rejects.toThrow('fit: x [0, 2] holds 0 samples; there is nothing to train on');
    for (const t of [x, y, model]) t.dispose();
  });
});
