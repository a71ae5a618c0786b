// The one table from a CLI model name to its builder and the input it takes. `train`, `experiment` and `summary`
// all build through here; `inputAdapter` turns a dataset's images into that input on the GPU (resize, grayscale
// -> RGB, flatten), so MNIST can feed a 3-channel network and CIFAR-10 can feed Xception at 71x71.
import { grayscaleToRgb, reshape, resizeBilinear } from '../../autograd/api.js';
import type { Model } from '../../nn/model.js';
import { Sequential } from '../../nn/model.js';
import { cifarShallowCnn, inceptionResnetV2, mnistCnn, mnistMlp, notebookHead, resnet18Cifar, resnet50, xception } from '../../nn/models/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { UsageError } from '../options.js';

export type ImageShape = [number, number, number];

export interface ModelEntry {
  /** What the network is, for --help and summaries. */
  description: string;
  /** The notebook's input (H, W, C); a flat model takes H*W*C values. */
  inputShape: ImageShape;
  /** Takes a flat vector (the MLP) rather than an NHWC image. */
  flat?: boolean;
  /** Whether --input-shape may change the input (the fully convolutional bases). */
  resizable?: boolean;
  build(inputShape: ImageShape): Model;
  /** The model's own input preprocessing (Keras's preprocess_input), run on the GPU after resizing and grayscale -> RGB. */
  preprocess?: (x: Tensor) => Tensor;
  /** The Keras application alone (include_top=False, pooling='max'), for the bases the notebook tops with its head. */
  base?(inputShape: ImageShape): Model;
}

/** Keras application bases in the notebook's form: include_top=False, pooling='max', then its Dense head. */
const withHead = (base: Model): Model => new Sequential([base, ...notebookHead()]);

export const MODELS = {
  mlp: { description: 'the notebook\'s MLP: 784-256-BN-128-BN-10 with dropout 0.2 and max_norm(3)', inputShape: [28, 28, 1], flat: true, build: () => mnistMlp() },
  'mnist-cnn': { description: 'the notebook\'s MNIST CNN (844,042 params)', inputShape: [28, 28, 1], build: () => mnistCnn() },
  'cifar-cnn': { description: 'the notebook\'s shallow CIFAR-10 CNN (845,738 params)', inputShape: [32, 32, 3], build: () => cifarShallowCnn() },
  resnet18: { description: 'the notebook\'s CIFAR-10 ResNet18', inputShape: [32, 32, 3], resizable: true, build: (s) => resnet18Cifar(s) },
  xception: {
    description: 'Keras Xception (weights=None, pooling=max) + the notebook\'s head, at 71x71', inputShape: [71, 71, 3], resizable: true,
    build: (s) => withHead(xception({ inputShape: s, pooling: 'max' })), base: (s) => xception({ inputShape: s, pooling: 'max' }),
  },
  'inception-resnet-v2': {
    description: 'Keras InceptionResNetV2 (pooling=max) + the notebook\'s head, at 84x84', inputShape: [84, 84, 3], resizable: true,
    build: (s) => withHead(inceptionResnetV2({ inputShape: s, pooling: 'max' })), base: (s) => inceptionResnetV2({ inputShape: s, pooling: 'max' }),
  },
  resnet50: {
    description: 'Keras ResNet50 (include_top=False, pooling=None: 23,587,712 params), at 224x224', inputShape: [224, 224, 3], resizable: true,
    build: (s) => resnet50({ includeTop: false, inputShape: s }),
  },
} satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];

/** Adds a model to the registry (for other commands' networks, e.g. a transfer-learning base). */
export function registerModel(name: string, entry: ModelEntry): void {
  (MODELS as Record<string, ModelEntry>)[name] = entry;
  if (!MODEL_NAMES.includes(name as ModelName)) MODEL_NAMES.push(name as ModelName);
}

export function modelEntry(name: string): ModelEntry {
  const e = (MODELS as Record<string, ModelEntry>)[name];
  if (!e) throw new UsageError(`unknown model '${name}' (expected one of: ${MODEL_NAMES.join(', ')})`);
  return e;
}

/** The model's input for --input-shape (or its own), with a usage error when the model cannot take it. */
export function resolveInputShape(name: string, shape?: ImageShape): ImageShape {
  const e = modelEntry(name);
  if (!shape || shape.join() === e.inputShape.join()) return e.inputShape;
  if (!e.resizable) throw new UsageError(`option '--input-shape' cannot change model '${name}': it takes ${e.inputShape.join(',')} only`);
  return shape;
}

/** Builds the named model for `inputShape`; with `base`, only its Keras application base. */
export function buildModel(name: string, inputShape?: ImageShape, { base = false } = {}): Model {
  const e = modelEntry(name), shape = resolveInputShape(name, inputShape);
  return base ? baseBuilder(name)(shape) : e.build(shape);
}

/** The builder of a model's base, or a usage error for models that have none. */
export function baseBuilder(name: string): (inputShape: ImageShape) => Model {
  const b = modelEntry(name).base;
  if (!b) throw new UsageError(`option '--base' applies to ${MODEL_NAMES.filter((n) => modelEntry(n).base).join(', ')}; '${name}' has no separate base`);
  return b;
}

export interface InputPipeline {
  /** The loader's per-sample shape. */
  sampleShape: 'image' | 'flat';
  /** The loader's GPU transform, or undefined when the batches already fit the model. */
  transform?: (x: Tensor, step: number) => Tensor;
}

/**
 * How a normalised NHWC batch of `dataShape` images becomes what the model takes, with `augment` applied at the
 * model's resolution (the notebook resizes first, then augments). Refuses shapes it cannot bridge (e.g. colour
 * images into the 1-channel MLP).
 */
export function inputPipeline(model: string, modelShape: ImageShape, dataShape: ImageShape, augment?: (x: Tensor, step: number) => Tensor): InputPipeline {
  const e = modelEntry(model);
  const [h, w, c] = modelShape, [dh, dw, dc] = dataShape;
  if (dc !== c && !(dc === 1 && c === 3)) {
    throw new UsageError(`model '${model}' takes ${c}-channel input but the dataset has ${dc}-channel images`);
  }
  if (e.flat && (dh !== h || dw !== w)) throw new UsageError(`model '${model}' takes ${h}x${w} images flattened, the dataset has ${dh}x${dw}`);
  const resize = dh !== h || dw !== w, toRgb = dc !== c;
  const pre = e.preprocess;
  if (!resize && !toRgb && !augment && !pre) return { sampleShape: e.flat ? 'flat' : 'image' };
  const transform = (x: Tensor, step: number): Tensor => {
    let y = x;
    if (resize) y = resizeBilinear(y, [h, w]);
    if (augment) y = augment(y, step);
    if (toRgb) y = grayscaleToRgb(y);
    if (pre) y = pre(y);
    if (e.flat) y = reshape(y, [y.shape[0]!, h * w * c]);
    return y;
  };
  return { sampleShape: 'image', transform };
}
