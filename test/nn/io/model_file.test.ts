// save -> loadModel gives the same predictions for every zoo network (Sequential, functional, nested), keeps the
// compile config and optimiser state, and bad files give one clear error.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveTensors, tensor } from '../../../src/index.js';
import { loadModel } from '../../../src/nn/io/model_file.js';
import { resetNames } from '../../../src/nn/layer.js';
import { Input, Model, Sequential } from '../../../src/nn/model.js';
import { cifarShallowCnn, inceptionResnetV2, mnistCnn, mnistMlp, notebookHead, resnet18Cifar, xception } from '../../../src/nn/models/index.js';
import { Adam } from '../../../src/nn/optimizers/index.js';
import { Add, Concatenate, Conv2D, Dense, GlobalAveragePooling2D, Rescaling, ZeroPadding2D } from '../../../src/nn/layers/index.js';
import { saveSafetensors } from '../../../src/nn/safetensors.js';
import { namedWeights } from '../../../src/nn/saving.js';
import { uniformData } from '../../helpers.js';

const built: Model[] = [];
const track = <M extends Model>(m: M): M => (built.push(m), m);
afterEach(() => {
  for (const m of built.splice(0)) m.dispose();
  resetNames();
});
const tmp = () => mkdtemp(join(tmpdir(), 'model-file-'));

/** Saves `model`, loads it back, and checks that both predict exactly the same on a random batch. */
async function roundTrip(model: Model, inputShape: number[], batch = 2): Promise<Model> {
  track(model);
  const path = join(await tmp(), 'model.safetensors');
  await model.save(path);
  const loaded = track(await loadModel(path));
  expect(loaded.constructor).toBe(model.constructor);
  expect(loaded.name).toBe(model.name);
  expect(loaded.layers.map((l) => `${l.className}:${l.name}`)).toEqual(model.layers.map((l) => `${l.className}:${l.name}`));
  const x = tensor(uniformData(batch * inputShape.reduce((a, b) => a * b, 1), 7, 0, 1), [batch, ...inputShape]);
  const [a, b] = [await model.predict(x), await loaded.predict(x)];
  const [va, vb] = [await a.data(), await b.data()];
  expect(vb.length).toBe(va.length);
  expect(Array.from(vb)).toEqual(Array.from(va));
  for (const t of [x, a, b]) t.dispose();
  return loaded;
}

describe('save -> loadModel: identical predictions for every zoo network', () => {
  it('mnistMlp (Sequential, max_norm constraints, dropout, BN)', async () => {
    const loaded = await roundTrip(mnistMlp(), [784]);
    expect((loaded.layers[1] as Dense).opts.kernelConstraint?.getConfig()).toEqual({ max_value: 3, axis: 0 });
  });
  it('mnistCnn', async () => { await roundTrip(mnistCnn(), [28, 28, 1]); });
  it('cifarShallowCnn (he_uniform kernels kept in the config)', async () => {
    const loaded = await roundTrip(cifarShallowCnn(), [32, 32, 3], 1);
    expect((loaded.layers[0] as Conv2D).opts.kernelInitializer).toMatchObject({ className: 'HeUniform' });
  });
  it('resnet18Cifar (functional, shared inputs, Add)', async () => { await roundTrip(resnet18Cifar(), [32, 32, 3], 1); });
  it('slow: xception at 71x71 with the notebook head (a functional base nested in a Sequential)', async () => {
    await roundTrip(new Sequential([xception({ inputShape: [71, 71, 3], pooling: 'max' }), ...notebookHead()]), [71, 71, 3], 1);
  });
  it('slow: inceptionResnetV2 at 75x75 with the notebook head (ScaledResidual, Concatenate)', async () => {
    await roundTrip(new Sequential([inceptionResnetV2({ inputShape: [75, 75, 3], pooling: 'max' }), ...notebookHead()]), [75, 75, 3], 1);
  });
  it('a functional model with a layer applied twice, a nested Sequential and every small layer kind', async () => {
    const inp = Input([8, 8, 2], { name: 'img' });
    const conv = new Conv2D(3, 3, { padding: 'same', name: 'shared_conv' });
    const a = conv.apply(new Rescaling(0.5, { offset: 0.1 }).apply(inp));
    const b = conv.apply(new ZeroPadding2D([[1, 0], [0, 1]]).apply(inp));
    const trunk = new Sequential([Input([9, 9, 3]), new GlobalAveragePooling2D()], { name: 'trunk' });
    const merged = new Concatenate().apply([new GlobalAveragePooling2D().apply(a), trunk.apply(b)]);
    const out = new Dense(4, { activation: 'softmax' }).apply(new Add().apply([merged, merged]));
    await roundTrip(new Model({ inputs: inp, outputs: out, name: 'graph' }), [8, 8, 2]);
  });
});

describe('save -> loadModel: compile config and optimiser state', () => {
  it('restores the optimiser and its slots, so the next step matches', async () => {
    const make = () => new Sequential([Input([6]), new Dense(5, { activation: 'relu' }), new Dense(3, { activation: 'softmax' })], { name: 'tiny' });
    const m = track(make());
    m.compile({ optimizer: new Adam({ learningRate: 0.01, beta1: 0.8 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = tensor(uniformData(24, 3, -1, 1), [4, 6]);
    const y = tensor(Int32Array.from([0, 1, 2, 1]), [4], { dtype: 'i32' });
    await m.trainOnBatch(x, y);
    await m.trainOnBatch(x, y);
    const path = join(await tmp(), 'tiny.safetensors');
    await m.save(path);
    const loaded = track(await loadModel(path));
    expect(loaded.optimizer).toBeInstanceOf(Adam);
    expect(loaded.optimizer.getConfig()).toEqual(m.optimizer.getConfig());
    expect(loaded.optimizer.iterations).toBe(2);
    expect(loaded.compiled?.accuracy).toBe(true);
    const [la, lb] = [await m.trainOnBatch(x, y), await loaded.trainOnBatch(x, y)];
    expect(lb.loss).toBe(la.loss);
    const [wa, wb] = [await m.layers[0]!.weights[0]!.value.data(), await loaded.layers[0]!.weights[0]!.value.data()];
    expect(Array.from(wb)).toEqual(Array.from(wa));
    x.dispose();
    y.dispose();
  });

  it('an uncompiled model loads uncompiled; compile: false skips the optimiser', async () => {
    const m = track(new Sequential([Input([3]), new Dense(2)]));
    const path = join(await tmp(), 'plain.safetensors');
    await m.save(path);
    expect(track(await loadModel(path)).compiled).toBeNull();
    m.compile({ optimizer: 'sgd', loss: 'mean_squared_error' });
    await m.save(path);
    expect(track(await loadModel(path, { compile: false })).compiled).toBeNull();
    expect(track(await loadModel(path)).optimizer.name).toBe('SGD');
  });
});

describe('loadModel: bad files', () => {
  it('names the file and what is wrong', async () => {
    const dir = await tmp();
    const m = track(new Sequential([Input([3]), new Dense(2, { name: 'd' })], { name: 's' }));
    const weightsOnly = join(dir, 'w.safetensors');
    await m.saveWeights(weightsOnly);
    await expect(loadModel(weightsOnly)).rejects.toThrow(/w\.safetensors holds weights only .*expected metadata format 'webgpu-nn\/model'/);
    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, 'not a file');
    await expect(loadModel(junk)).rejects.toThrow(/junk\.safetensors/);
    const layer = (cls: string, config: object) => ({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], name: 'in' } }, { class_name: cls, config }] } });
    const write = async (name: string, modelConfig: object) => {
      const p = join(dir, name);
      await saveSafetensors(p, namedWeights(m), {
        metadata: { format: 'webgpu-nn/model', model_config: JSON.stringify(modelConfig) },
      });
      return p;
    };
    const live = liveTensors();
    await expect(loadModel(await write('unknown.safetensors', layer('Conv3D', { name: 'c' })))).rejects.toThrow(/layer 'c' has class 'Conv3D', which this engine cannot build \(supported: .*Dense/);
    await expect(loadModel(await write('lambda.safetensors', layer('Lambda', { name: 'l' })))).rejects.toThrow(/Lambda layer holds Python code/);
    await expect(loadModel(await write('option.safetensors', layer('Dense', { name: 'd', units: 2, kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } }, frobnicate: 1 }))))
      .rejects.toThrow(/layer 'd' \(Dense\): option 'kernel_regularizer' = \{"class_name":"L2".*is not supported at that value; option 'frobnicate' = 1 is unknown/);
    await expect(loadModel(await write('shape.safetensors', layer('Dense', { name: 'd', units: 5 }))))
      .rejects.toThrow(/'d\/kernel': shape \[3, 2\] in the file vs \[3, 5\] in the model/);
    await expect(loadModel(await write('renamed.safetensors', layer('Dense', { name: 'e', units: 2 }))))
      .rejects.toThrow(/'e\/kernel' \[3, 2\] is missing from the file.*'d\/kernel' \[3, 2\] in the file has no place in the model/);
    expect(liveTensors()).toBe(live);   // a model that failed to load is disposed
  });
});
