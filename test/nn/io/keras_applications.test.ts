// Xception and InceptionResNetV2 take Keras's weights from both formats: their layers carry the names
// keras.applications gives them (named ones, and the automatic conv2d_N / batch_normalization_N of unnamed ones),
// and files the test writes in Keras's layouts (TF.js model.json + shards, Keras 2 .h5 by name and by order) give
// the same predictions as the model the weights came from, loaded by each path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tensor, writeInto } from '../../../src/index.js';
import { kerasLayers, kerasLayerWeights } from '../../../src/nn/io/keras_order.js';
import { loadLayersModel } from '../../../src/nn/io/layers_model.js';
import { modelToKeras } from '../../../src/nn/io/model_config.js';
import { resetNames } from '../../../src/nn/layer.js';
import type { Model } from '../../../src/nn/model.js';
import { inceptionResnetV2, xception } from '../../../src/nn/models/index.js';
import { namedWeights } from '../../../src/nn/saving.js';
import { uniformData } from '../../helpers.js';
import { writeKeras2H5 } from './h5_fixtures.js';
import { writeTfjsModel } from './tfjs_fixtures.js';

const built: Model[] = [];
const track = <M extends Model>(m: M): M => (built.push(m), m);
afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
  resetNames();
});
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const shapes = (m: Model): Map<string, number[]> => new Map(namedWeights(m).map((w) => [w.name, [...w.tensor.shape]]));

/** Moving statistics away from 0/1 (and gammas away from 1), so a misplaced BN weight changes the output. */
function randomiseBatchNorm(m: Model): void {
  for (const [i, w] of namedWeights(m).entries()) {
    if (/moving_variance|gamma/.test(w.name)) writeInto(w.tensor, uniformData(w.tensor.size, i, 0.5, 1.5));
    else if (/moving_mean|beta/.test(w.name)) writeInto(w.tensor, uniformData(w.tensor.size, i, -0.2, 0.2));
  }
}

async function predictions(m: Model, size: number): Promise<Float32Array> {
  const x = tensor(uniformData(2 * size * size * 3, 3, -1, 1), [2, size, size, 3]);
  const y = await m.predict(x);
  const v = await y.data() as Float32Array;
  x.dispose();
  y.dispose();
  return v;
}

/**
 * Writes `src` as Keras would export it (TF.js layers format; Keras 2 .h5 under its names and, for by-order
 * loading, under other names), then loads it back by each path. (by name is skipped for the 54M-param IRv2 to
 * keep the test short; the name check above and Xception cover it.)
 */
async function loadsByEveryPath(build: () => Model, size: number, o: { byName: boolean }): Promise<void> {
  resetNames();
  const src = track(build());
  randomiseBatchNorm(src);
  const want = await predictions(src, size);
  const dir = await mkdtemp(join(tmpdir(), 'keras-apps-'));
  dirs.push(dir);
  const weights = await Promise.all(namedWeights(src).map(async (w) => ({ name: w.name, shape: [...w.tensor.shape], values: await w.tensor.data() as Float32Array })));
  const json = await writeTfjsModel(join(dir, 'tfjs'), weights, { modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: modelToKeras(src) } });
  const layers = await Promise.all(kerasLayers(src).map(async (l) => ({
    name: l.name, weights: await Promise.all(kerasLayerWeights(l).map(async (w) => ({ name: `${w.path}:0`, shape: [...w.value.shape], values: await w.value.data() as Float32Array }))),
  })));
  if (o.byName) await writeKeras2H5(join(dir, 'w.h5'), [{ name: 'input_1', weights: [] }, ...layers]);
  await writeKeras2H5(join(dir, 'renamed.h5'), layers.map((l) => ({ ...l, name: `old_${l.name}` })));
  const fromTfjs = track(await loadLayersModel(json));
  expect(await predictions(fromTfjs, size)).toEqual(want);
  fromTfjs.dispose();
  built.pop();
  resetNames();
  const fresh = track(build());
  expect(await predictions(fresh, size)).not.toEqual(want);
  if (o.byName) {
    await fresh.loadWeights(join(dir, 'w.h5'));
    expect(await predictions(fresh, size)).toEqual(want);
    randomiseBatchNorm(fresh);
    writeInto(namedWeights(fresh)[0]!.tensor, uniformData(namedWeights(fresh)[0]!.tensor.size, 99, -1, 1));
  }
  await fresh.loadWeights(join(dir, 'renamed.h5'), { byName: false });
  expect(await predictions(fresh, size)).toEqual(want);
}

describe('Keras applications take Keras weights (slow)', () => {
  it("Keras: Xception's layer names, including the unnamed residual convs conv2d..conv2d_3", () => {
    resetNames();
    const s = shapes(track(xception({ inputShape: [71, 71, 3] })));
    expect(s.get('block1_conv1/kernel')).toEqual([3, 3, 3, 32]);
    expect(s.get('block2_sepconv1/depthwise_kernel')).toEqual([3, 3, 64, 1]);
    expect(s.get('block14_sepconv2/pointwise_kernel')).toEqual([1, 1, 1536, 2048]);
    expect(s.get('block14_sepconv2_bn/moving_variance')).toEqual([2048]);
    expect([0, 1, 2, 3].map((i) => s.get(`conv2d${i ? `_${i}` : ''}/kernel`))).toEqual([[1, 1, 64, 128], [1, 1, 128, 256], [1, 1, 256, 728], [1, 1, 728, 1024]]);
    expect(s.get('batch_normalization_3/gamma')).toEqual([1024]);
    expect(s.has('conv2d_4/kernel') || s.has('batch_normalization_4/gamma')).toBe(false);
    expect(s.size).toBe(234);   // 2 + 4 plain convs, 34 separable convs x 2, 40 BNs x 4
  });

  it("Keras: InceptionResNetV2's layer names: 203 unnamed conv2d_bn (conv2d..conv2d_202), the block convs with bias, conv_7b", () => {
    resetNames();
    const s = shapes(track(inceptionResnetV2({ inputShape: [75, 75, 3] })));
    expect(s.get('conv2d/kernel')).toEqual([3, 3, 3, 32]);
    expect(s.has('batch_normalization/gamma')).toBe(false);   // BatchNormalization(scale=False)
    expect(s.get('batch_normalization/beta')).toEqual([32]);
    expect(s.has('conv2d_202/kernel') && !s.has('conv2d_203/kernel')).toBe(true);
    expect(s.get('conv2d_202/kernel')).toEqual([3, 1, 224, 256]);   // the last block8's [3, 1] conv
    expect(s.get('block35_1_conv/kernel')).toEqual([1, 1, 128, 320]);
    expect(s.get('block35_1_conv/bias')).toEqual([320]);
    expect(s.get('block17_20_conv/kernel')).toEqual([1, 1, 384, 1088]);
    expect(s.get('block8_10_conv/kernel')).toEqual([1, 1, 448, 2080]);
    expect(s.get('conv_7b/kernel')).toEqual([1, 1, 2080, 1536]);
    expect(s.get('conv_7b_bn/moving_mean')).toEqual([1536]);
  });

  it('Xception at 71x71: TF.js model.json, Keras 2 .h5 by name and by order give the source predictions', async () => {
    await loadsByEveryPath(() => xception({ inputShape: [71, 71, 3], pooling: 'avg' }), 71, { byName: true });
  });

  it('InceptionResNetV2 at 75x75: TF.js model.json and Keras 2 .h5 by Keras order (branches by depth) give the source predictions', async () => {
    await loadsByEveryPath(() => inceptionResnetV2({ inputShape: [75, 75, 3], pooling: 'avg' }), 75, { byName: false });
  });
});
