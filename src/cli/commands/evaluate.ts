// `webgpu-nn evaluate RUN_DIR_OR_MODEL_FILE [--dataset NAME]`: loads a saved model with no code (loadModel) and
// prints its loss and accuracy on the dataset's test set. A run directory (from train or experiment) gives its
// best checkpoint and, by default, its dataset; the images are fitted to the model's input (resize, grayscale ->
// RGB, flatten) from the model's own input shape, then given the run's model's own preprocessing (ResNet50's caffe
// input, as in training).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Option, type Command } from 'commander';
import { grayscaleToRgb, resizeBilinear } from '../../autograd/api.js';
import { DataLoader } from '../../data/loader.js';
import { loadModelFile } from '../../nn/io/model_file.js';
import type { Model } from '../../nn/model.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDataset, DATASET_HELP, imageShape, loadDataset } from '../registry/datasets.js';
import { modelEntry, type ImageShape } from '../registry/models.js';
import { CHECKPOINT_FILE } from '../results/run-dir.js';
import { intArg, UsageError } from '../options.js';
import { asParser, openDevice } from './common.js';

interface Target {
  modelFile: string;
  /** results.json of the run directory, when one was given. */
  run: { dataset?: string; model?: string; test_loss?: number | null; test_accuracy?: number | null; test_samples?: number } | null;
}

/** A run directory (results.json + its checkpoint) or a model file. */
export function resolveTarget(path: string): Target {
  if (!existsSync(path)) throw new UsageError(`'${path}' does not exist (expected a run directory or a model file written by model.save)`);
  if (!statSync(path).isDirectory()) return { modelFile: path, run: null };
  const resultsPath = join(path, 'results.json');
  const run = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) as Target['run'] & { checkpoint?: string } : null;
  const modelFile = join(path, run?.checkpoint ?? CHECKPOINT_FILE);
  if (!existsSync(modelFile)) throw new UsageError(`run directory '${path}' has no checkpoint ${modelFile} (did the run finish an epoch?)`);
  return { modelFile, run };
}

/** How the loader's normalised NHWC images become the model's input. */
export function fitToModel(model: Model, data: ImageShape): { sampleShape: 'image' | 'flat'; transform?: (x: Tensor) => Tensor } {
  const want = model.inputs[0]!.shape.slice(1) as number[];
  const [dh, dw, dc] = data;
  if (want.length === 1) {
    if (want[0] !== dh * dw * dc) throw new UsageError(`model '${model.name}' takes ${want[0]} values per sample but the dataset's images have ${dh}x${dw}x${dc}`);
    return { sampleShape: 'flat' };
  }
  if (want.length !== 3) throw new UsageError(`model '${model.name}' takes input of shape (${want.join(', ')}); evaluate feeds images (H, W, C) or flat vectors`);
  const [h, w, c] = want as ImageShape;
  if (c !== dc && !(dc === 1 && c === 3)) throw new UsageError(`model '${model.name}' takes ${c}-channel images but the dataset's have ${dc}`);
  const resize = h !== dh || w !== dw, toRgb = c !== dc;
  if (!resize && !toRgb) return { sampleShape: 'image' };
  return {
    sampleShape: 'image',
    transform: (x) => {
      const y = resize ? resizeBilinear(x, [h, w]) : x;
      return toRgb ? grayscaleToRgb(y) : y;
    },
  };
}

export interface EvaluateResult {
  loss: number;
  accuracy: number | undefined;
  samples: number;
  run: Target['run'];
}

/** Loads the model and scores it on the dataset's test set (batches of 500, as the runs' final evaluation). */
export async function evaluateSaved(path: string, datasetSpec?: string, batchSize = 500): Promise<EvaluateResult> {
  const target = resolveTarget(path);
  const spec = datasetSpec ?? target.run?.dataset;
  if (!spec) throw new UsageError(`option '--dataset <name|path>' is required for a model file (expected ${DATASET_HELP})`);
  checkDataset(spec);
  const { model, compileConfig } = await loadModelFile(target.modelFile, { compile: false });
  try {
    const loss = (compileConfig as { loss?: unknown } | null)?.loss;
    model.compile({ optimizer: 'sgd', loss: typeof loss === 'string' ? loss as 'sparse_categorical_crossentropy' : 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const { test } = await loadDataset(spec);
    const fit = fitToModel(model, imageShape(test));
    // A model file alone does not say how its inputs were preprocessed; a run directory names its zoo model, which does.
    const pre = target.run?.model === undefined ? undefined : modelEntry(target.run.model).preprocess;
    const transform = pre === undefined || fit.sampleShape === 'flat' ? fit.transform : (x: Tensor): Tensor => pre(fit.transform ? fit.transform(x) : x);
    const loader = new DataLoader(test, { batchSize, shuffle: false, sampleShape: fit.sampleShape, transform });
    const logs = await model.evaluate(loader);
    return { loss: logs.loss!, accuracy: logs.accuracy, samples: test.shape[0]!, run: target.run };
  } finally {
    model.dispose();
  }
}

export function register(program: Command): void {
  program.command('evaluate').description('load a saved model (a run directory or a model file) and print its test loss and accuracy')
    .addArgument(new Argument('<run-dir-or-model-file>', 'a run directory from train/experiment, or a file written by model.save'))
    .addOption(new Option('--dataset <name|path>', `dataset (default: the run's): ${DATASET_HELP}`).argParser(asParser(checkDataset)))
    .option('--batch-size <n>', 'batch size', intArg(), 500)
    .action(async (path: string, o: { dataset?: string; batchSize: number }) => {
      resolveTarget(path);   // usage errors before the device opens
      await openDevice();
      const r = await evaluateSaved(path, o.dataset, o.batchSize);
      const acc = r.accuracy === undefined ? '' : ` - accuracy: ${r.accuracy.toFixed(4)}`;
      console.log(`test (${r.samples.toLocaleString('en-US')} images): loss: ${r.loss.toFixed(4)}${acc}`);
      if (r.run?.test_accuracy != null) {
        console.log(`results.json:  test_loss: ${r.run.test_loss?.toFixed(4)} - test_accuracy: ${r.run.test_accuracy.toFixed(4)} (${r.run.test_samples ?? '?'} images)`);
      }
    });
}
