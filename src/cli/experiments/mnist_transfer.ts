// `webgpu-nn experiment mnist-transfer`: the notebook's transfer learning on MNIST, on Keras's ResNet50 with its
// ImageNet weights (include_top=False, pooling='max') and the notebook's head (Dense256-relu, BN, Dropout 0.4,
// Dense10-softmax), Adam 1e-4, EarlyStopping(val_loss, 5e-4, patience 5), up to 20 epochs. Run 1 ('frozen')
// trains the head on the frozen base's features, computed once and cached on disk (feature_cache.ts); run 2
// ('fine-tune') starts from ImageNet + that head and trains the whole network on the images, upscaled and turned
// RGB on the GPU, with the notebook's augmentation. Importing this module registers the experiment and its models.

import { join } from 'node:path';
import { grayscaleToRgb, resizeBilinear } from '../../autograd/api.js';
import { defaultCacheDir } from '../../data/cache.js';
import type { ImageSet } from '../../data/dataset.js';
import { matchWeights, type HostWeight } from '../../nn/io/weights_by_name.js';
import { Input, Model, Sequential } from '../../nn/model.js';
import { caffePreprocessGpu, installResnet50Imagenet, loadResnet50ImagenetBase, notebookHead, resnet50 } from '../../nn/models/index.js';
import { entryValues, readSafetensors } from '../../nn/safetensors.js';
import { namedWeights } from '../../nn/saving.js';
import { assignNamed } from '../../nn/weights.js';
import { scope } from '../../tensor/scope.js';
import { writeInto, type Tensor } from '../../tensor/tensor.js';
import { registerModel, type ImageShape } from '../registry/models.js';
import { CHECKPOINT_FILE } from '../results/run-dir.js';
import { FeatureCache, forwardRows, hashFiles, hashImages, timeFeatures } from './feature_cache.js';
import { HostBatches } from './host_batches.js';
import type { RunInputs, RunInputsContext, RunSpec } from './spec.js';
import { registerExperiment } from './table.js';

/**
 * The default input size: ResNet50's minimum. On a 2-core CPU through lavapipe the base's forward pass costs
 * about 13 ms per image at 32x32 (see README), so caching 70,000 images' features takes about 15 minutes.
 */
export const TRANSFER_SIZE = 32;
const FEATURES = 2048;
const PREPROCESSING = 'uint8/255, bilinear resize (half-pixel), grayscale->RGB, caffe (BGR, minus ImageNet means)';

/** The fine-tuned network: ResNet50 (ImageNet BN epsilon 1e-3, pooling max) + the notebook's head. */
const transferNet = (s: ImageShape): Model => new Sequential([resnet50({ includeTop: false, inputShape: s, pooling: 'max', batchNormEpsilon: 1e-3 }), ...notebookHead()], { name: 'resnet50_transfer' });
/** The head alone, on the base's 2048 pooled features; its weights have the same names as in transferNet. */
const transferHead = (): Model => new Sequential([Input([FEATURES]), ...notebookHead()], { name: 'transfer_head' });

/** The base's input from a loader batch (MNIST scaled to 0..1): upscaled, RGB, caffe-preprocessed. */
function toBaseInput(x: Tensor, size: number): Tensor {
  return caffePreprocessGpu(grayscaleToRgb(resizeBilinear(x, [size, size])));
}

const labelsOf = (set: ImageSet, idx: Int32Array): Int32Array => Int32Array.from(idx, (i) => set.labels[i]!);

/** Run 1's inputs: the cached features of every train, validation and test image (computed where missing). */
async function frozenInputs(c: RunInputsContext, size: number): Promise<RunInputs> {
  const dir = await installResnet50Imagenet({ log: c.log });
  const files = ['model.json', ...Array.from({ length: 25 }, (_, i) => `group1-shard${i + 1}of25.bin`)].map((f) => join(dir, 'ResNet50', f));
  const t0 = performance.now();
  const cache = new FeatureCache(defaultCacheDir(), {
    base: 'resnet50-imagenet include_top=False pooling=max', weightsHash: await hashFiles(files), inputSize: [size, size],
    preprocessing: `${PREPROCESSING}; images ${hashImages(c.train).slice(0, 16)}/${hashImages(c.test).slice(0, 16)}`,
  }, FEATURES);
  const hashMs = performance.now() - t0;
  const base = await loadResnet50ImagenetBase({ inputSize: [size, size], pooling: 'max', log: c.log });
  try {
    const features = async (x: Tensor): Promise<Float32Array> => {
      const input = scope(() => toBaseInput(x, size));
      try { return await forwardRows(base, input); } finally { input.dispose(); }
    };
    const trainAll = Int32Array.from(new Set([...c.trainIdx, ...c.valIdx]));
    const a = await cache.fill('train', c.train, trainAll, features, 64, c.log);
    const b = await cache.fill('test', c.test, c.testIdx, features, 64, c.log);
    let computed = a.computed + b.computed, forwardMs = a.forwardMs + b.forwardMs;
    if (computed < 256) {
      // A warm cache: time the base on 256 images anyway, so the run still reports what caching saves.
      const sample = c.trainIdx.slice(0, 256);
      forwardMs = await timeFeatures(c.train, sample, features);
      computed = sample.length;
    }
    const msPerImage = forwardMs / computed;
    const r0 = performance.now();
    const n = c.train.shape[0]!;
    const rows = { train: await cache.read('train', n, c.trainIdx), val: await cache.read('train', n, c.valIdx), test: await cache.read('test', c.test.shape[0]!, c.testIdx) };
    const readMs = performance.now() - r0;
    const measurements: Record<string, number | string> = {
      feature_cache: `${cache.dir} (${a.computed + b.computed ? `${a.computed + b.computed} images computed now` : 'all from the cache'})`,
      input_size: `${size}x${size}`,
      base_forward_ms_per_image: msPerImage,
      weights_and_images_hash_seconds: hashMs / 1000,
      cache_read_seconds: readMs / 1000,
    };
    const train = new HostBatches(rows.train, labelsOf(c.train, c.trainIdx), FEATURES, 64, { shuffle: true, seed: 42 });
    const val = new HostBatches(rows.val, labelsOf(c.train, c.valIdx), FEATURES, 500);
    const test = new HostBatches(rows.test, labelsOf(c.test, c.testIdx), FEATURES, 500);
    const recomputeMs = msPerImage * (c.trainIdx.length + c.valIdx.length);
    const update = (): void => {
      const cached = (train.lastEpoch?.totalMs ?? 0) + (val.lastEpoch?.totalMs ?? 0);
      if (!train.lastEpoch || !val.lastEpoch) return;
      measurements.epoch_seconds_on_cached_features = cached / 1000;
      measurements.epoch_seconds_recomputing_features = (cached + recomputeMs) / 1000;
      measurements.feature_cache_speedup = (cached + recomputeMs) / cached;
    };
    const timed = (s: HostBatches): HostBatches => {
      const epoch = s.epoch.bind(s);
      s.epoch = async function* (e?: number, fromStep?: number) { yield* epoch(e, fromStep); update(); };
      return s;
    };
    return { train: timed(train), val: timed(val), test, measurements };
  } finally {
    base.dispose();
  }
}

/** Run 2's start: the ImageNet base, then the head that run 1 trained (its best checkpoint). */
async function startFromFrozen(model: Model, earlierRuns: ReadonlyMap<string, string>, size: number, log: (l: string) => void): Promise<void> {
  const base = model.layers[0] as Model;
  const imagenet = await loadResnet50ImagenetBase({ inputSize: [size, size], pooling: 'max', log });
  try {
    assignNamed(namedWeights(base), namedWeights(imagenet), 'mnist-transfer: ImageNet weights');
  } finally {
    imagenet.dispose();
  }
  const frozen = earlierRuns.get('frozen');
  if (!frozen) throw new Error("mnist-transfer: the fine-tune run needs the 'frozen' run's checkpoint, but that run did not run");
  const file = await readSafetensors(join(frozen, CHECKPOINT_FILE));
  const head = new Map<string, HostWeight>();
  for (const [name, e] of file.tensors) if (!name.startsWith('optimizer/')) head.set(name, { shape: e.shape, values: entryValues(e) });
  assignHeadWeights(model, base, head, join(frozen, CHECKPOINT_FILE));
  log(`fine-tune starts from ImageNet weights and the head in ${join(frozen, CHECKPOINT_FILE)}`);
}

/** Writes the head's weights (every weight of `model` outside `base`) from `sources`, all checked first. */
function assignHeadWeights(model: Model, base: Model, sources: ReadonlyMap<string, HostWeight>, where: string): void {
  const inBase = new Set(namedWeights(base).map((w) => w.name));
  const pairs = matchWeights(namedWeights(model).filter((w) => !inBase.has(w.name)), sources, `mnist-transfer: ${where}`, model.name);
  for (const [t, s] of pairs) writeInto(t.tensor, s.values);
}

function specs(size: number): RunSpec[] {
  const common = {
    dataset: 'mnist', optimizer: 'adam', learningRate: 1e-4, schedule: 'constant', epochs: 20, batchSize: 64, valSplit: 0.2, seed: 42,
    checkpointMonitor: 'val_accuracy', earlyStopping: { monitor: 'val_loss', minDelta: 5e-4, patience: 5 },
  } as const;
  return [
    { ...common, id: 'frozen', model: 'transfer-head', augment: null, loaderMode: 'resident', label: 'Adam, frozen base (cached features)', keepFullData: true, inputs: (c) => frozenInputs(c, size) },
    {
      ...common, id: 'fine-tune', model: 'resnet50-transfer', inputShape: [size, size, 3], loaderMode: 'double-buffered', label: 'Adam, whole network',
      augment: { rotation: 0.1, translate: [0.05, 0.05], on: 'gpu' }, prepare: (m, c) => startFromFrozen(m, c.earlierRuns, size, c.log),
    },
  ];
}

registerModel('transfer-head', { description: 'the notebook\'s transfer head (Dense256-relu, BN, Dropout 0.4, Dense10-softmax) on 2048 features', inputShape: [1, 1, FEATURES], flat: true, build: transferHead });
registerModel('resnet50-transfer', {
  description: 'Keras ResNet50 (pooling=max; ImageNet weights loaded by mnist-transfer) + the notebook\'s head, caffe preprocessing', inputShape: [TRANSFER_SIZE, TRANSFER_SIZE, 3],
  resizable: true, preprocess: caffePreprocessGpu, build: transferNet,
});
registerExperiment('mnist-transfer', {
  description: `ResNet50 ImageNet base (pooling max) + the notebook's head at ${TRANSFER_SIZE}x${TRANSFER_SIZE}: head on cached frozen features, then the whole network fine-tuned; Adam 1e-4, patience 5, 20 epochs`,
  runs: specs(TRANSFER_SIZE),
  // One step of each run: fine-tuning ResNet50 costs seconds per step here.
  quick: { epochs: 1, trainSamples: 64, valSamples: 32, testSamples: 32 },
  notebook: 'test accuracy 99.53% (frozen InceptionResNetV2 base at 84x84) and 99.50% (fine-tuned)',
});
