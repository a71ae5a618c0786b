// loadLayersModel on TF.js layers-format files the tests write: Keras 2 and Keras 3 topologies (Sequential and
// functional, a nested model), float32 and quantized shards; predictions match the model the weights came from.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tensor, writeInto } from '../../../src/index.js';
import { loadLayersModel } from '../../../src/nn/io/layers_model.js';
import { modelToKeras } from '../../../src/nn/io/model_config.js';
import { resetNames } from '../../../src/nn/layer.js';
import { Add, BatchNormalization, Conv2D, Dense, GlobalAveragePooling2D } from '../../../src/nn/layers/index.js';
import { Input, Model, Sequential } from '../../../src/nn/model.js';
import { mnistCnn, resnet18Cifar } from '../../../src/nn/models/index.js';
import { namedWeights } from '../../../src/nn/saving.js';
import { expectClose, uniformData } from '../../helpers.js';
import { writeTfjsModel, type FixtureWeight } from './tfjs_fixtures.js';

const built: Model[] = [];
const track = <M extends Model>(m: M): M => (built.push(m), m);
afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
  resetNames();
});
const tmp = () => mkdtemp(join(tmpdir(), 'layers-model-'));

async function fixtureWeights(model: Model, as?: FixtureWeight['as'], rename = (n: string) => n): Promise<FixtureWeight[]> {
  return Promise.all(namedWeights(model).map(async (w) => ({ name: rename(w.name), shape: [...w.tensor.shape], values: await w.tensor.data(), as })));
}

async function predictions(model: Model, shape: number[]): Promise<Float32Array> {
  const x = tensor(uniformData(2 * shape.reduce((a, b) => a * b, 1), 11, 0, 1), [2, ...shape]);
  const y = await model.predict(x);
  const v = await y.data() as Float32Array;
  x.dispose();
  y.dispose();
  return v;
}

/** A BN with non-trivial moving statistics, so a misplaced gamma/beta/mean/variance changes the output. */
function randomiseBatchNorm(model: Model): void {
  for (const w of namedWeights(model)) if (/moving_variance|gamma/.test(w.name)) writeInto(w.tensor, uniformData(w.tensor.size, 5, 0.5, 2));
}

describe('loadLayersModel', () => {
  it('Keras 2 functional topology (resnet18Cifar) with float32 shards split across files: identical predictions', async () => {
    const src = track(resnet18Cifar());
    randomiseBatchNorm(src);
    const path = await writeTfjsModel(await tmp(), await fixtureWeights(src), { modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: modelToKeras(src) }, shardBytes: 64 * 1024 });
    const loaded = track(await loadLayersModel(path));
    expect(Array.from(await predictions(loaded, [32, 32, 3]))).toEqual(Array.from(await predictions(src, [32, 32, 3])));
  });

  it('Keras 2 Sequential with batch_input_shape on its first layer and uint8/uint16-quantized weights', async () => {
    const src = track(mnistCnn());
    const topology = modelToKeras(src);
    const layers = topology.config.layers as Array<{ class_name: string; config: Record<string, unknown> }>;
    const [input, first] = [layers[0]!, layers[1]!];
    first.config.batch_input_shape = input.config.batch_input_shape;   // tf.keras 2 writes no InputLayer in Sequential
    layers.shift();
    for (const as of ['uint16', 'uint8'] as const) {
      const path = await writeTfjsModel(await tmp(), await fixtureWeights(src, as), { modelTopology: topology });
      const loaded = track(await loadLayersModel(path));
      const [a, b] = [await predictions(src, [28, 28, 1]), await predictions(loaded, [28, 28, 1])];
      expectClose(b, a, as === 'uint16' ? 1e-3 : 3e-2, 0, as);
      expect(Array.from(b)).not.toEqual(Array.from(a));   // quantization did change the weights
    }
  });

  it('Keras 3 functional topology (__keras_tensor__ args, DTypePolicy, build_config) with a nested Sequential and prefixed weight names', async () => {
    const tensorRef = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const entry = (cls: string, config: object, args: unknown[]) => ({
      module: 'keras.layers', class_name: cls, config: { trainable: true, dtype: policy, ...config }, registered_name: null,
      build_config: { input_shape: [null, 6, 6, 2] }, name: (config as { name: string }).name, inbound_nodes: [{ args, kwargs: {} }],
    });
    const topology = {
      module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
      config: {
        name: 'k3', trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 6, 6, 2], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
          entry('Conv2D', { name: 'conv', filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
            kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
            bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
            kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }, [tensorRef('input_layer', [null, 6, 6, 2])]),
          entry('BatchNormalization', { name: 'bn', axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false,
            beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
            moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
            beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null }, [tensorRef('conv', [null, 6, 6, 2])]),
          entry('Add', { name: 'add' }, [[tensorRef('bn', [null, 6, 6, 2]), tensorRef('input_layer', [null, 6, 6, 2])]]),
          entry('GlobalAveragePooling2D', { name: 'gap', data_format: 'channels_last', keepdims: false }, [tensorRef('add', [null, 6, 6, 2])]),
          { ...modelToKeras(track(new Sequential([Input([2]), new Dense(3, { activation: 'softmax', name: 'head_dense' })], { name: 'head' }))), name: 'head', inbound_nodes: [{ args: [tensorRef('gap', [null, 2])], kwargs: { mask: null } }] },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: ['head', 0, 0],
      },
    };
    // The same network built here supplies the weights (TF.js names them with the model prefix and ':0').
    resetNames();
    const x = Input([6, 6, 2]);
    const c = new Conv2D(2, 3, { padding: 'same', activation: 'relu', name: 'conv' });
    const bn = new BatchNormalization({ name: 'bn' });
    const head = new Sequential([Input([2]), new Dense(3, { activation: 'softmax', name: 'head_dense' })], { name: 'head2' });
    const src = track(new Model({ inputs: x, outputs: head.apply(new GlobalAveragePooling2D().apply(new Add().apply([bn.apply(c.apply(x)), x]))) }));
    randomiseBatchNorm(src);
    const path = await writeTfjsModel(await tmp(), await fixtureWeights(src, 'float32', (n) => `k3/${n}:0`), { modelTopology: topology });
    const loaded = track(await loadLayersModel(path));
    expect(loaded.layers.map((l) => l.className)).toEqual(['Conv2D', 'BatchNormalization', 'Add', 'GlobalAveragePooling2D', 'Sequential']);
    expect(Array.from(await predictions(loaded, [6, 6, 2]))).toEqual(Array.from(await predictions(src, [6, 6, 2])));
  });

  it('names the weight, shape, layer or file that cannot be placed', async () => {
    const dir = await tmp();
    const src = track(new Sequential([Input([4]), new Dense(2, { name: 'd' })], { name: 's' }));
    const topology = modelToKeras(src);
    const good = await fixtureWeights(src);
    const path = await writeTfjsModel(dir, [...good, { name: 'extra/kernel', shape: [1], values: [0] }], { modelTopology: topology });
    await expect(loadLayersModel(path)).rejects.toThrow(/the weights do not fit model 's': 'extra\/kernel' \[1\] in the file has no place in the model/);
    await writeTfjsModel(dir, [good[0]!, { ...good[1]!, shape: [3], values: [1, 2, 3] }], { modelTopology: topology });
    await expect(loadLayersModel(path)).rejects.toThrow(/'d\/bias': shape \[3\] in the file vs \[2\] in the model/);
    await writeTfjsModel(dir, good, { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 4], activation: 'gelu' } }] } } });
    await expect(loadLayersModel(path)).rejects.toThrow(/layer 'd' \(Dense\): .*unknown activation 'gelu'/);
    await writeFile(join(dir, 'graph.json'), JSON.stringify({ format: 'graph-model', modelTopology: null, weightsManifest: [] }));
    await expect(loadLayersModel(join(dir, 'graph.json'))).rejects.toThrow(/graph\.json has no 'modelTopology'/);
  });
});
