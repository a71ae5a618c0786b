// `webgpu-nn evaluate`: a run directory or a model file is loaded with no code and scored on the test set; the
// numbers equal a direct evaluation of the same model, and bad targets give one usage line.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { evaluateSaved } from '../../src/cli/commands/evaluate.js';
import { grayscaleToRgb, mul, resizeBilinear } from '../../src/autograd/api.js';
import { registerModel } from '../../src/cli/registry/models.js';
import { DataLoader } from '../../src/data/loader.js';
import { loadMnist } from '../../src/data/mnist.js';
import { resetNames } from '../../src/nn/layer.js';
import { Conv2D, Dense, GlobalAveragePooling2D } from '../../src/nn/layers/index.js';
import { Input, Sequential, type Model } from '../../src/nn/model.js';
import { mnistMlp } from '../../src/nn/models/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gpuError } from '../setup.js';

const root = mkdtempSync(join(tmpdir(), 'webgpu-nn-evaluate-'));
const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
const errSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
afterAll(() => { logSpy.mockRestore(); errSpy.mockRestore(); });

async function saved(model: Model, dir: string, file = 'best.safetensors'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  await model.save(join(dir, file));
  return join(dir, file);
}

describe.skipIf(gpuError !== null)('webgpu-nn evaluate', () => {
  it('a run directory: its checkpoint and dataset, the same numbers as evaluating the model directly', async () => {
    resetNames();
    const model = mnistMlp();
    const dir = join(root, 'run');
    await saved(model, dir);
    const { test } = await loadMnist();
    const direct = await model.evaluate(new DataLoader(test, { batchSize: 500, shuffle: false, sampleShape: 'flat' }));
    model.dispose();
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ dataset: 'mnist', checkpoint: 'best.safetensors', test_loss: direct.loss, test_accuracy: direct.accuracy, test_samples: 10000 }));
    expect(await main(['evaluate', dir])).toBe(0);
    const out = logSpy.mock.calls.map((c) => c.join(' ')).join('\n');
    expect(out).toContain(`test (10,000 images): loss: ${direct.loss!.toFixed(4)} - accuracy: ${direct.accuracy!.toFixed(4)}`);
    expect(out).toContain(`results.json:  test_loss: ${direct.loss!.toFixed(4)} - test_accuracy: ${direct.accuracy!.toFixed(4)}`);
  });

  it('a model file with --dataset: MNIST resized and made RGB for a 3-channel model', async () => {
    resetNames();
    const model = new Sequential([Input([14, 14, 3]), new Conv2D(4, 3, { activation: 'relu' }), new GlobalAveragePooling2D(), new Dense(10, { activation: 'softmax' })]);
    const file = await saved(model, join(root, 'file'), 'cnn.safetensors');
    const { test } = await loadMnist();
    const transform = (x: Parameters<typeof resizeBilinear>[0]) => grayscaleToRgb(resizeBilinear(x, [14, 14]));
    const direct = await model.evaluate(new DataLoader(test, { batchSize: 500, shuffle: false, transform }));
    model.dispose();
    const r = await evaluateSaved(file, 'mnist');
    expect(r.samples).toBe(10000);
    expect(r.loss).toBe(direct.loss);
    expect(r.accuracy).toBe(direct.accuracy);
  });

  it('a run directory of a model with its own preprocessing (ResNet50\'s caffe input): applied as in training', async () => {
    resetNames();
    const build = () => new Sequential([Input([28, 28, 3]), new Conv2D(4, 3, { activation: 'relu' }), new GlobalAveragePooling2D(), new Dense(10, { activation: 'softmax' })]);
    const preprocess = (x: Tensor) => mul(x, 255);
    registerModel('test-preprocessed', { description: 'test', inputShape: [28, 28, 3], build, preprocess });
    const model = build();
    const dir = join(root, 'pre');
    await saved(model, dir);
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ dataset: 'mnist', model: 'test-preprocessed', checkpoint: 'best.safetensors' }));
    const { test } = await loadMnist();
    const score = (transform: (x: Tensor) => Tensor) =>
      model.evaluate(new DataLoader(test, { batchSize: 500, shuffle: false, transform }));
    const withPre = await score((x) => preprocess(grayscaleToRgb(x))), without = await score((x) => grayscaleToRgb(x));
    model.dispose();
    expect(withPre.loss).not.toBe(without.loss);   // the check below can tell the two apart
    const r = await evaluateSaved(dir);
    expect(r.loss).toBe(withPre.loss);
    expect(r.accuracy).toBe(withPre.accuracy);
  });

  it('bad targets: one usage line, exit 2', async () => {
    errSpy.mockClear();
    expect(await main(['evaluate', join(root, 'nope')])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toMatch(/nope' does not exist \(expected a run directory or a model file written by model\.save\)/);
    mkdirSync(join(root, 'empty'), { recursive: true });
    expect(await main(['evaluate', join(root, 'empty')])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toMatch(/run directory '.*empty' has no checkpoint/);
    expect(await main(['evaluate', join(root, 'file', 'cnn.safetensors')])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toMatch(/option '--dataset <name\|path>' is required for a model file/);
  });
});
