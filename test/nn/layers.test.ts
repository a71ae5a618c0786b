// Layer semantics pinned to Keras: defaults, output shapes, weight names and shapes, training vs inference.
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { resetNames, type Layer } from '../../src/nn/layer.js';
import { Activation, Dense, Dropout, Flatten } from '../../src/nn/layers/core.js';
import { Conv2D, DepthwiseConv2D, SeparableConv2D } from '../../src/nn/layers/conv.js';
import { Add, Concatenate } from '../../src/nn/layers/merge.js';
import { BatchNormalization } from '../../src/nn/layers/normalization.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../../src/nn/layers/pooling.js';
import { RandomRotation, RandomTranslation, Rescaling, Resizing } from '../../src/nn/layers/preprocessing.js';
import { ZeroPadding2D } from '../../src/nn/layers/reshaping.js';
import { Input, Model } from '../../src/nn/model.js';
import { uniformData } from '../helpers.js';

const made: Layer[] = [];
const keepLayer = <L extends Layer>(l: L): L => (made.push(l), l);
afterEach(() => {
  for (const l of made.splice(0)) l.dispose();
  resetNames();
});

const outShape = (layer: Layer, shape: number[]): readonly (number | null)[] => keepLayer(layer).apply(Input(shape)).shape;

describe('Keras: layer output shapes', () => {
  it("Conv2D 'valid' and 'same' with strides 1 and 2 on even and odd sizes", () => {
    expect(outShape(new Conv2D(8, 3), [28, 28, 1])).toEqual([null, 26, 26, 8]);
    expect(outShape(new Conv2D(8, 3, { padding: 'same' }), [7, 8, 3])).toEqual([null, 7, 8, 8]);
    expect(outShape(new Conv2D(8, 3, { strides: 2, padding: 'same' }), [7, 8, 3])).toEqual([null, 4, 4, 8]);
    expect(outShape(new Conv2D(8, 3, { strides: 2 }), [71, 71, 3])).toEqual([null, 35, 35, 8]);
    expect(outShape(new Conv2D(4, [1, 7], { padding: 'same' }), [17, 17, 8])).toEqual([null, 17, 17, 4]);
  });

  it('pooling: strides default to the pool size; global pools drop the spatial axes', () => {
    expect(outShape(new MaxPooling2D(2), [26, 26, 4])).toEqual([null, 13, 13, 4]);
    expect(outShape(new MaxPooling2D(3, { strides: 2, padding: 'same' }), [35, 35, 4])).toEqual([null, 18, 18, 4]);
    expect(outShape(new AveragePooling2D(2, { padding: 'same' }), [5, 5, 4])).toEqual([null, 3, 3, 4]);
    expect(outShape(new GlobalAveragePooling2D(), [5, 6, 7])).toEqual([null, 7]);
    expect(outShape(new GlobalMaxPooling2D(), [5, 6, 7])).toEqual([null, 7]);
  });

  it('Dense on the last axis, Flatten, ZeroPadding2D, Resizing, merges', () => {
    expect(outShape(new Dense(5), [3, 4])).toEqual([null, 3, 5]);
    expect(outShape(new Flatten(), [5, 5, 64])).toEqual([null, 1600]);
    expect(outShape(new ZeroPadding2D([[1, 2], [0, 3]]), [4, 4, 2])).toEqual([null, 7, 7, 2]);
    expect(outShape(new Resizing(84, 84), [28, 28, 1])).toEqual([null, 84, 84, 1]);
    const a = Input([4, 4, 2]), b = Input([4, 4, 3]);
    expect(keepLayer(new Concatenate()).apply([a, b]).shape).toEqual([null, 4, 4, 5]);
    expect(() => keepLayer(new Add()).apply([a, b])).toThrow(/Add\): inputs must have the same shape/);
  });

  it("output shapes come from the op's shape rule: unknown axes stay unknown, errors name the layer", () => {
    const conv = new Conv2D(8, 3, { strides: 2 });
    expect(conv.computeOutputShape([null, null, 11, 3])).toEqual([null, null, 5, 8]);
    expect(new SeparableConv2D(6, 3, { depthMultiplier: 2 }).computeOutputShape([2, 9, null, 4])).toEqual([2, 7, null, 6]);
    expect(new MaxPooling2D(2).computeOutputShape([null, 7, null, 3])).toEqual([null, 3, null, 3]);
    expect(new Dense(5).computeOutputShape([null, null, 4])).toEqual([null, null, 5]);
    expect(() => new MaxPooling2D(4).computeOutputShape([null, 3, 3, 2])).toThrow(
      /max_pooling2_?d(_\d+)? \(MaxPooling2D\): pool \[4, 4\] does not fit input \[None, 3, 3, 2\]/);
    expect(() => new Dense(5).computeOutputShape([null, 3])).not.toThrow();
    expect(() => conv.computeOutputShape([null, 8, 8, 2, 1])).toThrow(/expects NHWC input \(rank 4\)/);
  });
});

describe('Keras: weights, names and defaults', () => {
  it('Dense: kernel [in, out] glorot_uniform within its limit, zero bias, Keras names', async () => {
    const d = keepLayer(new Dense(30));
    d.apply(Input([20]));
    expect(d.weights.map((w) => `${w.path} ${JSON.stringify(w.value.shape)}`)).toEqual(['dense/kernel [20,30]', 'dense/bias [30]']);
    const k = await d.kernel!.toArray(), limit = Math.sqrt(6 / 50);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.8 * limit);
    expect(await d.bias!.toArray()).toEqual(new Array(30).fill(0));
  });

  it('BatchNormalization: momentum 0.99, epsilon 1e-3, gamma/beta trainable, moving stats not', () => {
    const bn = keepLayer(new BatchNormalization());
    bn.apply(Input([6]));
    expect([bn.momentum, bn.epsilon]).toEqual([0.99, 1e-3]);
    expect(bn.trainableWeights.map((w) => w.name)).toEqual(['gamma', 'beta']);
    expect(bn.nonTrainableWeights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    const noScale = keepLayer(new BatchNormalization({ scale: false }));
    noScale.apply(Input([6]));
    expect(noScale.countParams()).toBe(18);
  });

  it('separable and depthwise convs: Keras weight shapes and parameter counts', () => {
    const s = keepLayer(new SeparableConv2D(16, 3, { useBias: false }));
    s.apply(Input([9, 9, 8]));
    expect(s.weights.map((w) => w.value.shape)).toEqual([[3, 3, 8, 1], [1, 1, 8, 16]]);
    const d = keepLayer(new DepthwiseConv2D(3, { depthMultiplier: 2 }));
    d.apply(Input([9, 9, 8]));
    expect(d.countParams()).toBe(3 * 3 * 8 * 2 + 16);
  });

  it('Dropout and the random augmentations are the identity at inference, active in training', async () => {
    const x = nn.tensor(uniformData(2 * 8 * 8 * 1, 3, 0, 1), [2, 8, 8, 1]);
    for (const layer of [new Dropout(0.5), new RandomRotation(0.2), new RandomTranslation(0.3, 0.3)]) {
      keepLayer(layer);
      const inf = layer.apply(x, { training: false });
      expect(inf).toBe(x);
      const tr = layer.apply(x, { training: true });
      expect(await tr.toArray()).not.toEqual(await x.toArray());
      tr.dispose();
    }
    x.dispose();
  });

  it('Rescaling and Activation compute what they say', async () => {
    const x = nn.tensor([0, 255, -1, 2], [1, 4]);
    const y = keepLayer(new Rescaling(1 / 255)).apply(x);
    expect((await y.toArray()).map((v) => +v.toFixed(5))).toEqual([0, 1, -0.00392, 0.00784]);
    const r = keepLayer(new Activation('relu')).apply(x);
    expect(await r.toArray()).toEqual([0, 255, 0, 2]);
    for (const t of [x, y, r]) t.dispose();
  });

  it('a frozen BatchNormalization runs in inference mode even in training (Keras transfer learning)', async () => {
    const bn = keepLayer(new BatchNormalization());
    const x = nn.tensor(uniformData(8 * 3, 4, 5, 9), [8, 3]);
    bn.apply(x, { training: false }).dispose();
    bn.trainable = false;
    const frozen = bn.apply(x, { training: true });
    const inference = bn.apply(x, { training: false });
    expect(await frozen.toArray()).toEqual(await inference.toArray());
    expect(await bn.movingMean!.toArray()).toEqual([0, 0, 0]);
    bn.trainable = true;
    bn.apply(x, { training: true }).dispose();
    expect((await bn.movingMean!.toArray()).every((m) => m > 0.04 && m < 0.09)).toBe(true);
    for (const t of [x, frozen, inference]) t.dispose();
  });

  it('setting trainable on a nested model freezes every weight inside it', () => {
    const inp = Input([4]);
    const base = new Model({ inputs: inp, outputs: new Dense(3).apply(new BatchNormalization().apply(new Dense(5).apply(inp))) });
    keepLayer(base);
    expect(base.trainableWeights.length).toBe(6);
    base.trainable = false;
    expect(base.trainableWeights.length).toBe(0);
    expect(base.weights.every((w) => !w.value.requiresGrad)).toBe(true);
  });
});
