// `webgpu-nn predict RUN_DIR_OR_MODEL_FILE IMAGE... [--top 3] [--classes a,b,...]`: a trained model on the user's
// own JPEG/PNG files, with no code. Each image is decoded in the model's colour mode (1 or 3 channels), scaled to
// 0..1 as the loaders scale training data, resized to the model's input (bilinear), given the run's model's own
// preprocessing and flattened for a flat model, as training fed it; prints the top classes by the run's names,
// with the probabilities the loss trained (classProbabilities).
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { reshape, resizeBilinear, softmax } from '../../autograd/api.js';
import { noGrad } from '../../autograd/tape.js';
import { decodeImage } from '../../data/decode.js';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../../data/mnist.js';
import { loadModelFile } from '../../nn/io/model_file.js';
import { logitsOf } from '../../nn/losses.js';
import type { Model } from '../../nn/model.js';
import { scope } from '../../tensor/scope.js';
import { tensor, type Tensor } from '../../tensor/tensor.js';
import { modelEntry, type ImageShape } from '../registry/models.js';
import { UsageError } from '../options.js';
import { parseTop, topK } from './classify.js';
import { resolveTarget } from './evaluate.js';
import { asParser, openDevice } from './common.js';

type Run = ReturnType<typeof resolveTarget>['run'];

/** The image a model takes, and whether it takes it flattened (a flat model's image shape is its zoo entry's). */
export function modelImage(model: Model, run: Run): { shape: ImageShape; flat: boolean } {
  const want = model.inputs[0]!.shape.slice(1) as number[];
  if (want.length === 3 && (want[2] === 1 || want[2] === 3)) return { shape: want as ImageShape, flat: false };
  const entry = run?.model === undefined ? undefined : modelEntry(run.model);
  if (want.length === 1 && entry?.flat && entry.inputShape.reduce((a, b) => a * b, 1) === want[0]) return { shape: entry.inputShape, flat: true };
  if (want.length === 1) {
    throw new UsageError(`model '${model.name}' takes ${want[0]} values per sample, not an image; give its run directory (whose model names the image shape)`);
  }
  throw new UsageError(`model '${model.name}' takes input of shape (${want.join(', ')}); predict feeds 1- or 3-channel images (H, W, C)`);
}

/** Class names: --classes, the run's (results.json), the built-in datasets', else the indices. */
export function classNames(outputs: number, run: Run & { class_names?: string[] } | null, given?: string[]): string[] {
  if (given) {
    if (given.length !== outputs) throw new UsageError(`option '--classes' names ${given.length} classes but the model has ${outputs} outputs`);
    return given;
  }
  const known = run?.class_names ?? (run?.dataset === 'mnist' ? MNIST_CLASSES : run?.dataset === 'fashion-mnist' ? FASHION_MNIST_CLASSES : null);
  return known && known.length === outputs ? [...known] : Array.from({ length: outputs }, (_, i) => `class ${i}`);
}

/** One image as the model's input batch of one. */
export function imageInput(bytes: Uint8Array, file: string, image: { shape: ImageShape; flat: boolean }, preprocess?: (x: Tensor) => Tensor): Tensor {
  const [h, w, c] = image.shape;
  const img = decodeImage(bytes, file, c === 1 ? 'grayscale' : 'rgb', 'Give a JPEG or PNG file.');
  const made: Tensor[] = [tensor(Float32Array.from(img.pixels, (p) => p / 255), [1, img.height, img.width, c])];
  if (img.height !== h || img.width !== w) made.push(resizeBilinear(made.at(-1)!, [h, w]));
  if (preprocess) made.push(preprocess(made.at(-1)!));
  if (image.flat) made.push(reshape(made.at(-1)!, [1, h * w * c]));
  const x = made.pop()!;
  for (const t of made) t.dispose();
  return x;
}

/**
 * The model's class probabilities for a batch: the softmax of its output layer's pre-activation when that layer
 * ends in a sigmoid or softmax, which is what the crossentropy loss trained (Keras's `_keras_logits`; the notebook's
 * sigmoid outputs do not sum to 1). Raw outputs otherwise (probabilities: false).
 */
export function classProbabilities(model: Model, x: Tensor): { y: Tensor; probabilities: boolean } {
  return noGrad(() => scope(() => {
    const out = model.apply(x, { training: false });
    const logits = logitsOf(out);
    return { y: logits ? softmax(logits) : out, probabilities: logits !== undefined };
  }));
}

export interface Prediction {
  file: string;
  /** (class name, probability or raw score), best first. */
  top: Array<[string, number]>;
  probabilities: boolean;
}

export async function predictImages(target: string, images: string[], o: { top: number; classes?: string[] }): Promise<Prediction[]> {
  const { modelFile, run } = resolveTarget(target);
  const { model } = await loadModelFile(modelFile, { compile: false });
  try {
    const image = modelImage(model, run);
    const preprocess = run?.model === undefined ? undefined : modelEntry(run.model).preprocess;
    const names = classNames(model.outputs[0]!.shape.at(-1)!, run, o.classes);
    const out: Prediction[] = [];
    for (const file of images) {
      const x = imageInput(new Uint8Array(await readFile(file)), file, image, preprocess);
      const { y, probabilities } = classProbabilities(model, x);
      const p = await y.data() as Float32Array;
      x.dispose();
      y.dispose();
      out.push({ file, top: topK(p, o.top).map(([i, v]) => [names[i]!, v]), probabilities });
    }
    return out;
  } finally {
    model.dispose();
  }
}

const parseClasses = (raw: string): string[] => raw.split(',').map((s) => s.trim());

export function register(program: Command): void {
  program.command('predict').description('name the classes of JPEG/PNG images with a trained model (a run directory or a model file)')
    .argument('<run-dir-or-model-file>', 'a run directory from train/experiment, or a file written by model.save')
    .argument('<images...>', 'JPEG or PNG files')
    .option('--top <k>', 'how many classes to print', asParser(parseTop), 3)
    .option('--classes <names>', 'comma-separated class names (default: the run\'s dataset\'s)', parseClasses)
    .action(async (target: string, images: string[], o: { top: number; classes?: string[] }) => {
      resolveTarget(target);   // usage errors before the device opens
      const missing = images.find((f) => !existsSync(f) || statSync(f).isDirectory());
      if (missing !== undefined) throw new UsageError(`image '${missing}' is not a file (expected JPEG or PNG files)`);
      await openDevice();
      for (const r of await predictImages(target, images, o)) {
        console.log(`${r.file}:`);
        for (const [name, v] of r.top) console.log(`  ${r.probabilities ? `${(v * 100).toFixed(2).padStart(6)}%` : `score ${v.toFixed(4)}`}  ${name}`);
      }
    });
}
