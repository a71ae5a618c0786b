// `webgpu-nn predict`: a trained model names the classes of the user's own PNG/JPEG files, fed as training fed it
// (scaled to 0..1, resized, flattened for a flat model); its answers equal model.predict on the same images, and
// bad targets, images and --classes give one usage line (--top's is in errors.test.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dense, grayscaleToRgb, resizeBilinear, softmax } from '../../src/autograd/api.js';
import { main } from '../../src/cli/index.js';
import { predictImages } from '../../src/cli/commands/predict.js';
import { subset } from '../../src/data/dataset.js';
import { DataLoader } from '../../src/data/loader.js';
import { loadMnist } from '../../src/data/mnist.js';
import { setSeed } from '../../src/kernels/random.js';
import { resetNames } from '../../src/nn/layer.js';
import { Conv2D, Dense, GlobalAveragePooling2D } from '../../src/nn/layers/index.js';
import { scope } from '../../src/tensor/scope.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { mnistMlp } from '../../src/nn/models/index.js';
import { tensor } from '../../src/tensor/tensor.js';
import { pngBytes } from '../data/fixtures.js';
import { gpuError } from '../setup.js';

const root = mkdtempSync(join(tmpdir(), 'webgpu-nn-predict-'));
const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
const errSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
afterAll(() => { logSpy.mockRestore(); errSpy.mockRestore(); });

/** Gray pixels as an RGB PNG (decoded back to the same gray: r = g = b). */
const grayPng = (w: number, h: number, gray: Uint8Array): Uint8Array => pngBytes(w, h, Uint8Array.from({ length: w * h * 3 }, (_, k) => gray[Math.floor(k / 3)]!));

const argmax = (row: ArrayLike<number>): number => Array.from(row).reduce((best, v, i, a) => (v > a[best]! ? i : best), 0);

describe.skipIf(gpuError !== null)('webgpu-nn predict', () => {
  it('a run directory of the MLP: MNIST digits as PNG files get the model\'s own answers, mostly right after one short epoch', async () => {
    const { train, test } = await loadMnist();
    resetNames();
    setSeed(3);
    const model = mnistMlp();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(new DataLoader(subset(train, Int32Array.from({ length: 6400 }, (_, i) => i), 'mnist/train'), { batchSize: 64, sampleShape: 'flat' }), { epochs: 1, verbose: 0 });
    const dir = join(root, 'mlp');
    mkdirSync(dir);
    await model.save(join(dir, 'best.safetensors'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ dataset: 'mnist', model: 'mlp', checkpoint: 'best.safetensors' }));
    const n = 20, pixels = 28 * 28;
    const files = Array.from({ length: n }, (_, i) => {
      const file = join(dir, `digit${i}.png`);
      writeFileSync(file, grayPng(28, 28, test.images.subarray(i * pixels, (i + 1) * pixels)));
      return file;
    });
    // The reference: the softmax of the last Dense's pre-activation (the notebook's MLP ends in a sigmoid, whose
    // outputs do not sum to 1; the loss trained the softmax of its input).
    const x = tensor(Float32Array.from(test.images.subarray(0, n * pixels), (p) => p / 255), [n, pixels]);
    const ref = scope(() => {
      const last = model.layers.at(-1) as Dense;
      const h = model.layers.slice(0, -1).reduce((t, layer) => layer.apply(t), x);
      return softmax(dense(h, last.kernel!, last.bias!));
    });
    const direct = await ref.data() as Float32Array;
    x.dispose();
    ref.dispose();
    model.dispose();

    const got = await predictImages(dir, files, { top: 2 });
    const want = Array.from({ length: n }, (_, i) => String(argmax(direct.subarray(i * 10, (i + 1) * 10))));
    expect(got.map((p) => p.top[0]![0])).toEqual(want);
    for (const [i, p] of got.entries()) {
      const row = direct.subarray(i * 10, (i + 1) * 10);
      expect(p.probabilities).toBe(true);
      expect(p.top).toHaveLength(2);
      expect(p.top[0]![1]).toBeCloseTo(Math.max(...row), 5);
    }
    const right = want.filter((c, i) => Number(c) === test.labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(16);

    expect(await main(['predict', dir, files[0]!, '--top', '1'])).toBe(0);
    expect(logSpy.mock.calls.map((c) => c.join(' ')).join('\n')).toMatch(new RegExp(`digit0\\.png:\\n +\\d+\\.\\d\\d%  ${want[0]}$`, 'm'));
  });

  it('a model file of a 3-channel CNN: a gray 40x40 image resized to its 14x14 input, named by --classes', async () => {
    resetNames();
    setSeed(4);
    const model = new Sequential([Input([14, 14, 3]), new Conv2D(4, 3, { activation: 'relu' }), new GlobalAveragePooling2D(), new Dense(3, { activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const file = join(root, 'cnn.safetensors');
    await model.save(file);
    const gray = Uint8Array.from({ length: 40 * 40 }, (_, k) => (k * 37) % 256);
    writeFileSync(join(root, 'img.png'), grayPng(40, 40, gray));
    const raw = tensor(Float32Array.from(gray, (p) => p / 255), [1, 40, 40, 1]);
    const direct = await (await model.predict(grayscaleToRgb(resizeBilinear(raw, [14, 14])))).data() as Float32Array;
    model.dispose();
    const [p] = await predictImages(file, [join(root, 'img.png')], { top: 3, classes: ['cat', 'dog', 'owl'] });
    const names = ['cat', 'dog', 'owl'];
    expect(p!.top.map(([name]) => name)).toEqual([0, 1, 2].sort((a, b) => direct[b]! - direct[a]!).map((i) => names[i]));
    for (const [name, v] of p!.top) expect(v).toBeCloseTo(direct[names.indexOf(name)]!, 5);
    await expect(predictImages(file, [join(root, 'img.png')], { top: 1, classes: ['a', 'b'] })).rejects.toThrow(/option '--classes' names 2 classes but the model has 3 outputs/);
  });

  it('bad targets and images: one usage line, exit 2', async () => {
    errSpy.mockClear();
    expect(await main(['predict', join(root, 'nope'), 'a.png'])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toMatch(/nope' does not exist/);
    expect(await main(['predict', join(root, 'cnn.safetensors'), join(root, 'missing.png')])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toMatch(/image '.*missing\.png' is not a file \(expected JPEG or PNG files\)/);
    // A flat model file alone does not say what image it takes.
    resetNames();
    const mlp = mnistMlp();
    mlp.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    await mlp.save(join(root, 'mlp.safetensors'));
    mlp.dispose();
    await expect(predictImages(join(root, 'mlp.safetensors'), [join(root, 'img.png')], { top: 1 })).rejects.toThrow(/takes 784 values per sample, not an image; give its run directory/);
  });
});
