// Keras .h5 weights: files the tests write in Keras 2's and Keras 3's layouts (h5wasm directly, see h5_fixtures.ts)
// load by name and by Keras's layer order; ours round-trip with identical predictions; what cannot be placed is an
// error naming the layer, the weight and the shapes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tensor, writeInto } from '../../../src/index.js';
import { readKerasH5 } from '../../../src/nn/io/keras_h5.js';
import { loadModel } from '../../../src/nn/io/model_file.js';
import { kerasLayers, kerasLayerWeights } from '../../../src/nn/io/keras_order.js';
import { resetNames, type Layer } from '../../../src/nn/layer.js';
import { BatchNormalization, Concatenate, Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D, SeparableConv2D } from '../../../src/nn/layers/index.js';
import { Input, Model, Sequential } from '../../../src/nn/model.js';
import { resnet50ImagenetDir } from '../../../src/nn/models/index.js';
import { modelFromKeras } from '../../../src/nn/io/model_config.js';
import { namedWeights } from '../../../src/nn/saving.js';
import { uniformData } from '../../helpers.js';
import { writeKeras2H5, writeKeras3H5, type FixtureLayer } from './h5_fixtures.js';

const built: Model[] = [];
const track = <M extends Model>(m: M): M => (built.push(m), m);
afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
  resetNames();
});
const tmp = () => mkdtemp(join(tmpdir(), 'keras-h5-'));

/**
 * Two branches of different depth meet in a Concatenate, so Keras's layer order (deepest first: conv2d_1, the BN,
 * then conv2d, conv2d_2) differs from the order the layers were created and run in.
 */
function branchy(seed: number): Model {
  resetNames();
  const input = Input([6, 6, 3]);
  const short = new Conv2D(2, 1).apply(input);
  const wide = new Conv2D(3, 3, { padding: 'same' }).apply(input);
  const deep = new Conv2D(2, 1).apply(new BatchNormalization().apply(wide));
  const out = new Dense(3, { activation: 'softmax' }).apply(new GlobalAveragePooling2D().apply(new Concatenate().apply([short, deep])));
  const m = track(new Model({ inputs: input, outputs: out, name: 'branchy' }));
  for (const [i, w] of namedWeights(m).entries()) writeInto(w.tensor, uniformData(w.tensor.size, seed + i, /variance/.test(w.name) ? 0.5 : -1, /variance/.test(w.name) ? 2 : 1));
  return m;
}

async function predictions(model: Model, shape: number[]): Promise<number[]> {
  const x = tensor(uniformData(2 * shape.reduce((a, b) => a * b, 1), 11, 0, 1), [2, ...shape]);
  const y = await model.predict(x);
  const v = Array.from(await y.data() as Float32Array);
  x.dispose();
  y.dispose();
  return v;
}

/** The model's layers as Keras 2 would save them, optionally renamed (a model built in another Keras session). */
async function keras2Layers(model: Model, rename = (n: string) => n): Promise<FixtureLayer[]> {
  return [{ name: rename('input_1'), weights: [] }, ...await Promise.all(kerasLayers(model).map(async (l: Layer) => ({
    name: rename(l.name),
    weights: await Promise.all(kerasLayerWeights(l).map(async (w) => ({ name: `${rename(l.name)}/${w.name}:0`, shape: [...w.value.shape], values: await w.value.data() as Float32Array }))),
  })))];
}

describe('Keras .h5 weights', () => {
  it("Keras: automatic layer names are to_snake_case of the class, numbered from the second ('conv2d', 'conv2d_1')", () => {
    resetNames();
    const layers = [new Conv2D(1, 1), new Conv2D(1, 1), new SeparableConv2D(1, 1), new MaxPooling2D(2), new BatchNormalization(), new GlobalAveragePooling2D()];
    expect(layers.map((l) => l.name)).toEqual(['conv2d', 'conv2d_1', 'separable_conv2d', 'max_pooling2d', 'batch_normalization', 'global_average_pooling2d']);
  });

  it("Keras: model.layers order is by depth from the output (ResNet50's as in the ImageNet model.json)", async () => {
    const m = branchy(1);
    expect(kerasLayers(m).map((l) => l.name)).toEqual(['conv2d_1', 'batch_normalization', 'conv2d', 'conv2d_2', 'concatenate', 'global_average_pooling2d', 'dense']);
    const json = join(resnet50ImagenetDir(), 'ResNet50', 'model.json');
    if (!existsSync(json)) return;   // the slow ImageNet test fetches it; the order check needs only the topology
    const topology = (JSON.parse(readFileSync(json, 'utf8')) as { modelTopology: { model_config: { config: { layers: Array<{ name: string }> } } } }).modelTopology;
    resetNames();
    const r = track(modelFromKeras(topology, json));   // Keras 2.2.4's ResNet50: its own names and Add input order
    expect(kerasLayers(r).map((l) => l.name)).toEqual(topology.model_config.config.layers.map((l) => l.name).filter((n) => n !== 'input_1'));
  });

  it('Keras 2 layout written as h5py does loads by name: identical predictions', async () => {
    const src = branchy(1), dst = branchy(50);
    const path = join(await tmp(), 'w.h5');
    await writeKeras2H5(path, await keras2Layers(src), { splitLayerNames: true });
    expect(await predictions(dst, [6, 6, 3])).not.toEqual(await predictions(src, [6, 6, 3]));
    await dst.loadWeights(path);
    expect(await predictions(dst, [6, 6, 3])).toEqual(await predictions(src, [6, 6, 3]));
    const file = await readKerasH5(path);
    expect(file.layout).toBe('keras2');
    expect(file.layers.map((l) => l.name)).toEqual(['input_1', 'conv2d_1', 'batch_normalization', 'conv2d', 'conv2d_2', 'concatenate', 'global_average_pooling2d', 'dense']);
    expect(file.layers[2]!.weights.map((w) => w.name)).toEqual(['batch_normalization/gamma:0', 'batch_normalization/beta:0', 'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']);
  });

  it('Keras 2 layout with other layer names: refused by name (naming them), placed by Keras order with byName: false', async () => {
    const src = branchy(2), dst = branchy(60);
    const path = join(await tmp(), 'renamed.h5');
    await writeKeras2H5(path, await keras2Layers(src, (n) => `${n}_7`), { underModelWeights: true });
    await expect(dst.loadWeights(path)).rejects.toThrow(/loadWeights: .*renamed\.h5 \(Keras 2 \.h5\) does not fit model 'branchy': layer 'conv2d_1' \(Conv2D, 2 weights\) is not in the file;.*file layer 'conv2d_1_7' \(2 weights\) matches no layer of the model.*byName: false/);
    await dst.loadWeights(path, { byName: false });
    expect(await predictions(dst, [6, 6, 3])).toEqual(await predictions(src, [6, 6, 3]));
  });

  it('Keras 3 .weights.h5 layout (layers/<class>_<n>/vars/<i>) loads; an optimizer group is ignored', async () => {
    const src = branchy(3), dst = branchy(70);
    const counts = new Map<string, number>();
    const layers = kerasLayers(src).map((l) => {
      const base = l.className === 'Conv2D' ? 'conv2d' : l.className === 'BatchNormalization' ? 'batch_normalization' : l.className.toLowerCase();
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      return { l, name: `layers/${n ? `${base}_${n}` : base}` };
    });
    const path = join(await tmp(), 'w.weights.h5');
    await writeKeras3H5(path, await Promise.all(layers.map(async ({ l, name }) => ({
      name, weights: await Promise.all(l.weights.map(async (w) => ({ name: w.name, shape: [...w.value.shape], values: await w.value.data() as Float32Array }))),
    }))));
    // Keras 3 names by class and Keras order: the 3x3 conv created second is layers/conv2d.
    expect((await readKerasH5(path)).layers.find((l) => l.name === 'layers/conv2d')!.weights[0]!.shape).toEqual([3, 3, 3, 3]);
    await dst.loadWeights(path);
    expect(await predictions(dst, [6, 6, 3])).toEqual(await predictions(src, [6, 6, 3]));
  });

  it('round trip ours -> .h5 -> ours (Keras 2 and Keras 3 layouts, a frozen base nested in a Sequential): identical predictions', async () => {
    const dir = await tmp();
    const make = (seed: number): Sequential => {
      const base = branchy(seed);
      base.trainable = false;
      const m = track(new Sequential([base, new Dense(2)], { name: 'outer' }));
      writeInto(m.layers[1]!.weights[0]!.value, uniformData(6, seed, -1, 1));
      return m;
    };
    const src = make(4);
    const want = await predictions(src, [6, 6, 3]);
    for (const file of ['ours.h5', 'ours.weights.h5']) {
      await src.saveWeights(join(dir, file));
      const dst = make(80);
      await dst.loadWeights(join(dir, file));
      expect(await predictions(dst, [6, 6, 3])).toEqual(want);
    }
    const k2 = await readKerasH5(join(dir, 'ours.h5'));
    expect(k2.layers.map((l) => l.name)).toEqual(['branchy', 'dense_1']);
    // A frozen nested model lists every weight as non-trainable, so in its layers' order (as tf.keras does).
    expect(k2.layers[0]!.weights.slice(0, 3).map((w) => w.name)).toEqual(['conv2d_1/kernel:0', 'conv2d_1/bias:0', 'batch_normalization/gamma:0']);
    expect((await readKerasH5(join(dir, 'ours.weights.h5'))).layers.map((l) => l.name)).toContain('layers/functional/layers/conv2d_2');
  });

  it('what cannot be placed is named: a shape, a weight count, a missing file, a file that is not Keras or not HDF5', async () => {
    const src = branchy(5), dst = branchy(90);
    const dir = await tmp();
    const layers = await keras2Layers(src);
    const dense = layers.find((l) => l.name === 'dense')!;
    dense.weights[0] = { ...dense.weights[0]!, shape: [3, 2], values: dense.weights[0]!.values.slice(0, 6) };
    await writeKeras2H5(join(dir, 'shape.h5'), layers);
    await expect(dst.loadWeights(join(dir, 'shape.h5'))).rejects.toThrow(/layer 'dense' weight 'dense\/kernel' <- file 'dense\/dense\/kernel:0': shape \[3, 2\] in the file vs \[4, 3\] in the model/);
    dense.weights.pop();
    await writeKeras2H5(join(dir, 'count.h5'), layers);
    await expect(dst.loadWeights(join(dir, 'count.h5'), { byName: false })).rejects.toThrow(/layer 'dense' \(Dense, 2 weights\) \[kernel, bias\] vs file layer 'dense' with 1 \[dense\/kernel:0\]/);
    await expect(dst.loadWeights(join(dir, 'none.h5'))).rejects.toThrow(/keras h5: .*none\.h5 does not exist/);
    await writeKeras3H5(join(dir, 'empty.h5'), []);
    const h5 = readFileSync(join(dir, 'empty.h5'));
    await expect(readKerasH5(join(dir, 'empty.h5'))).rejects.toThrow(/empty\.h5: not a Keras weight file: expected a root attribute 'layer_names'.*found \["optimizer","vars"\]/);
    writeFileSync(join(dir, 'cut.h5'), h5.subarray(0, 200));
    await expect(dst.loadWeights(join(dir, 'cut.h5'))).rejects.toThrow(/keras h5: .*cut\.h5 is not a readable HDF5 file \(.*truncated/);
    writeFileSync(join(dir, 'text.h5'), 'not hdf5');
    await expect(dst.loadWeights(join(dir, 'text.h5'))).rejects.toThrow(/text\.h5 is not a readable HDF5 file \(Not an HDF5 file\)/);
    expect(await predictions(dst, [6, 6, 3])).toEqual(await predictions(branchy(90), [6, 6, 3]));   // nothing was written
    await expect(dst.save(join(dir, 'model.h5'))).rejects.toThrow(/model\.save: .*model\.h5: whole models are not kept in Keras \.h5 files here; use a \.safetensors path/);
    await expect(loadModel(join(dir, 'shape.h5'))).rejects.toThrow(/loadModel: .*shape\.h5: whole models are not kept/);
  });
});
