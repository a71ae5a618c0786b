// One training run from a RunSpec, the notebook's train_model(): seeded split, loaders (GPU augmentation behind
// the double-buffered loader, or the CPU twin behind the synchronous one), fit with the best checkpoint by
// val_accuracy and the spec's early stopping, results rewritten after every epoch, and at the end the best
// checkpoint evaluated on the validation and test sets. A time limit ends the current epoch early (recorded).
// Training checkpoints (resume.safetensors) are written at every epoch end and every few minutes; a run directory
// that holds one is resumed from it, results and all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { subset, type ImageSet } from '../../data/dataset.js';
import { DataLoader } from '../../data/loader.js';
import { permutation } from '../../data/split.js';
import { setSeed } from '../../kernels/random.js';
import { tuningWallMs } from '../../kernels/tuning.js';
import { Callback, type CallbackState, type Logs, type RestoredCallbackState } from '../../nn/callbacks/callback.js';
import { EarlyStopping } from '../../nn/callbacks/early_stopping.js';
import { LearningRateScheduler } from '../../nn/callbacks/lr_callbacks.js';
import { ModelCheckpoint } from '../../nn/callbacks/model_checkpoint.js';
import { resetNames } from '../../nn/layer.js';
import type { Model } from '../../nn/model.js';
import { readCheckpointState, RESUME_FILE } from '../../nn/resume.js';
import { lrTimeBasedDecay } from '../../nn/schedules.js';
import type { BatchSource, XY } from '../../nn/training.js';
import { imageShape, notebookSplit, type LoadedDataset } from '../registry/datasets.js';
import { buildModel, inputPipeline, resolveInputShape, type ImageShape } from '../registry/models.js';
import { CHECKPOINT_FILE, RunWriter, type ExperimentWriter } from '../results/run-dir.js';
import { addEpoch, newResult, withoutPause, type RunResult } from '../results/record.js';
import { cpuAugment, gpuAugment, makeOptimizer, type FeedSource, type RunInputs, type RunSpec } from './spec.js';

/** Caps on the data a run uses (--quick, --subset). */
export interface DataLimits {
  /** Set by --quick (RunSpec.keepFullData ignores the sample caps otherwise). */
  quick?: boolean;
  /** Set by --subset-all: the sample caps apply to keepFullData runs too. */
  all?: boolean;
  epochs?: number;
  trainSamples?: number;
  valSamples?: number;
  testSamples?: number;
}

export interface RunContext {
  experiment: string;
  /** This run's directory. */
  dir: string;
  data: LoadedDataset;
  command: string;
  adapter: string;
  /** performance.now() by which training stops (the epoch then in progress ends early); null for none. */
  deadline: number | null;
  limits?: DataLimits;
  verbose: 0 | 1 | 2;
  notebook?: string;
  parent?: ExperimentWriter;
  /** Directories of the experiment's earlier runs, by id (for RunSpec.initFrom). */
  earlierRuns?: ReadonlyMap<string, string>;
}

/** Mid-epoch training checkpoints this often (besides every epoch end): a kill costs at most this much work. */
const CHECKPOINT_SECONDS = 300;

/** The writer of the run in progress, for the signal handler (index.ts marks it stopped). */
export let activeRun: RunWriter | null = null;

/** The loader's epochs, ended early once the deadline has passed; remembers how the last epoch ended. */
class DeadlineSource implements BatchSource {
  cutShort = false;
  /** Autotune wall time inside the last epoch's steps (fit tunes after its first step). */
  tuneMs = 0;
  constructor(readonly loader: FeedSource, readonly deadline: () => number | null) {}
  get stepsPerEpoch(): number {
    return this.loader.stepsPerEpoch;
  }
  async *epoch(epoch?: number, fromStep = 0): AsyncIterableIterator<XY> {
    this.cutShort = false;
    const tune0 = tuningWallMs();
    const it = this.loader.epoch(epoch, fromStep);
    let steps = fromStep;
    try {
      for await (const batch of it) {
        yield batch;
        steps++;
        const d = this.deadline();
        if (d !== null && performance.now() >= d && steps < this.loader.stepsPerEpoch) {
          this.cutShort = true;
          break;
        }
      }
    } finally {
      this.tuneMs = tuningWallMs() - tune0;
    }
  }
}

/** Records each epoch into the results and rewrites the run directory; stops training at the deadline. */
class Recorder extends Callback {
  #epochStart = 0;
  #tuneStart = 0;
  /** Validation time of the last epoch: the deadline is brought forward by it so validation fits too. */
  valMs = 0;
  constructor(readonly writer: RunWriter, readonly loader: FeedSource, readonly source: DeadlineSource,
    readonly started: number, readonly deadline: number | null, readonly earlyStopping: EarlyStopping | null) {
    super();
  }
  override onEpochBegin(): void {
    this.#epochStart = performance.now();
    this.#tuneStart = tuningWallMs();
  }
  override get stateKind(): string {
    return 'Recorder';
  }
  /** The results so far travel in the training checkpoint, so results.json can never run ahead of it. */
  override getState(): CallbackState {
    return { values: { result: this.writer.result } };
  }
  override setState({ values }: RestoredCallbackState): void {
    const epochs = this.writer.result.epochs, command = this.writer.result.command;
    Object.assign(this.writer.result, values.result, { status: 'running', stopped_by: null, note: null, epochs, command });
  }
  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const r = this.writer.result, raw = this.loader.lastEpoch;
    // Autotuning is a one-off: it is kept out of ms/step, the input-wait share and the validation time.
    const tuneInSteps = this.source.tuneMs, tuneAfter = tuningWallMs() - this.#tuneStart - tuneInSteps;
    const stats = raw && tuneInSteps > 0 ? withoutPause(raw, tuneInSteps) : raw;
    this.valMs = Math.max(0, performance.now() - this.#epochStart - (raw?.totalMs ?? 0) - tuneAfter);
    r.autotune_seconds = (r.autotune_seconds ?? 0) + (tuneInSteps + tuneAfter) / 1000;
    // The rate of the epoch's last step (LearningRateScheduler logs it; schedules and constants are read here).
    addEpoch(r, epoch, { learning_rate: this.requireModel.optimizer.learningRate, ...logs }, stats, (performance.now() - this.started) / 1000, 'val_accuracy');
    if (this.source.cutShort) r.note = `epoch ${epoch + 1} ended after ${stats?.batches} of ${r.steps_per_epoch} steps (time limit)`;
    if (this.deadline !== null && performance.now() >= this.deadline - this.valMs) {
      this.requireModel.stopTraining = true;
      r.stopped_by = 'time-limit';
    } else if (this.earlyStopping && this.earlyStopping.stoppedEpoch === epoch && this.requireModel.stopTraining) {
      r.stopped_by = 'early-stopping';
    }
    await this.writer.write();
  }
}

/** A seeded random `cap` of `indices` (image folders are ordered by class, so a prefix would hold one class). */
function take(indices: Int32Array, cap: number | undefined, seed: number): Int32Array {
  if (cap === undefined || cap >= indices.length) return indices;
  const order = permutation(indices.length, seed);
  return Int32Array.from(order.subarray(0, cap), (i) => indices[i]!).sort();
}

/** The fields that make two runs the same run (a checkpoint of another one is refused). */
const SAME_RUN = ['model', 'optimizer', 'learning_rate', 'schedule', 'augmentation', 'loader_mode', 'batch_size', 'seed', 'train_samples'] as const;

/** The results saved in the run directory's training checkpoint, or null when there is none to resume. */
async function savedResult(dir: string, fresh: RunResult): Promise<RunResult | null> {
  const path = join(dir, RESUME_FILE);
  if (!existsSync(path)) return null;
  const saved = (await readCheckpointState(path)).callbacks['Recorder#0']?.result as RunResult | undefined;
  if (!saved) throw new Error(`run ${fresh.run}: ${path} is not the checkpoint of an experiment run; pass another --out`);
  const differs = SAME_RUN.filter((k) => saved[k] !== fresh[k]);
  if (differs.length) {
    throw new Error(`run ${fresh.run}: ${dir} holds a checkpoint of a different run (${differs.map((k) => `${k} ${saved[k]} there, ${fresh[k]} now`).join('; ')}); ` +
      'pass another --out to start afresh');
  }
  return saved;
}

/** The caps a run takes: all of them, or only the epoch cap for a keepFullData run (unless --quick or --subset-all). */
export function runLimits(spec: Pick<RunSpec, 'keepFullData'>, limits: DataLimits | undefined): DataLimits {
  return spec.keepFullData && !limits?.quick && !limits?.all ? { epochs: limits?.epochs } : limits ?? {};
}

/** Runs one spec to its end and returns its final result (also on disk in ctx.dir); resumes from ctx.dir's checkpoint. */
export async function runOne(spec: RunSpec, ctx: RunContext): Promise<RunResult> {
  let started = performance.now();
  const startDate = new Date();
  const { train, test } = ctx.data;
  const split = notebookSplit(train, spec.valSplit, spec.seed);
  const lim = runLimits(spec, ctx.limits);
  const trainIdx = take(split.train, lim.trainSamples, spec.seed), valIdx = take(split.val, lim.valSamples, spec.seed);
  const testIdx = take(Int32Array.from({ length: test.shape[0]! }, (_, i) => i), lim.testSamples, spec.seed);
  const testSet = testIdx.length < test.shape[0]! ? subset(test, testIdx, test.name) : test;
  const epochs = Math.min(spec.epochs, lim.epochs ?? Infinity);

  const modelShape = resolveInputShape(spec.model, spec.inputShape);
  const log = (line: string): void => { if (ctx.verbose > 0) console.log(line); };
  const inputs: RunInputs = spec.inputs
    ? await spec.inputs({ train, test, trainIdx, valIdx, testIdx, log })
    : imageInputs(spec, modelShape, train, testSet, trainIdx, valIdx);
  const { train: trainLoader, val: valLoader, test: testLoader } = inputs;

  resetNames();
  setSeed(spec.seed);
  const model: Model = buildModel(spec.model, modelShape);
  const checkpoint = join(ctx.dir, CHECKPOINT_FILE);
  try {
    await spec.prepare?.(model, { earlierRuns: ctx.earlierRuns ?? new Map(), log });
    if (spec.initFrom) {
      const from = ctx.earlierRuns?.get(spec.initFrom);
      if (!from) throw new Error(`run ${spec.id}: initFrom '${spec.initFrom}' names no earlier run of ${ctx.experiment}`);
      await model.loadWeights(join(from, CHECKPOINT_FILE));
    }
    model.compile({ optimizer: makeOptimizer({ ...spec, epochs }, trainLoader.stepsPerEpoch), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const result = newResult({ ...spec, epochs }, {
      experiment: ctx.experiment, command: ctx.command, adapter: ctx.adapter, checkpoint: CHECKPOINT_FILE, stepsPerEpoch: trainLoader.stepsPerEpoch,
      samples: { train: trainIdx.length, val: valIdx.length, test: testSet.shape[0]! },
    }, startDate);
    const saved = await savedResult(ctx.dir, result);
    if (saved) {
      Object.assign(result, saved, { status: 'running', stopped_by: null, note: null, epochs, command: ctx.command });
      // Wall time goes on from where the checkpoint left it.
      started = performance.now() - saved.wall_seconds * 1000;
      if (ctx.verbose > 0) console.log(`resuming ${spec.id} from ${join(ctx.dir, RESUME_FILE)} after ${saved.epochs_run} epoch(s)`);
    }
    result.class_names = [...train.classNames];
    if (inputs.measurements) result.measurements = inputs.measurements;   // the inputs may update it as epochs go
    const writer = new RunWriter(ctx.dir, result, ctx.notebook, ctx.parent);
    ctx.parent?.runs.push(writer);
    activeRun = writer;
    writer.writeTables();

    const source: DeadlineSource = new DeadlineSource(trainLoader, (): number | null => (ctx.deadline === null ? null : ctx.deadline - recorder.valMs));
    const es = spec.earlyStopping ? new EarlyStopping({ ...spec.earlyStopping, verbose: 1 }) : null;
    const recorder: Recorder = new Recorder(writer, trainLoader, source, started, ctx.deadline, es);
    const callbacks: Callback[] = [];
    if (spec.schedule === 'time-decay') callbacks.push(new LearningRateScheduler(lrTimeBasedDecay(spec.learningRate)));
    callbacks.push(new ModelCheckpoint(checkpoint, { monitor: spec.checkpointMonitor, mode: 'max', saveBestOnly: true }));
    if (es) callbacks.push(es);
    callbacks.push(recorder);
    try {
      await model.fit(source, {
        epochs, validationData: valLoader, callbacks, verbose: ctx.verbose, autotune: true,
        checkpoint: { dir: ctx.dir, everySeconds: CHECKPOINT_SECONDS }, resume: saved ? ctx.dir : undefined,
      });
      result.stopped_by ??= 'epochs';
      // The notebook's ending: load the best checkpoint, then score it on validation and test.
      if (result.best_epoch !== null) await model.loadWeights(checkpoint);
      const val = await model.evaluate(valLoader), tst = await model.evaluate(testLoader);
      Object.assign(result, {
        val_loss: val.loss ?? null, val_accuracy: val.accuracy ?? null, test_loss: tst.loss ?? null, test_accuracy: tst.accuracy ?? null, test_evaluated: true,
        status: result.stopped_by === 'time-limit' ? 'stopped' : 'finished', wall_seconds: (performance.now() - started) / 1000,
      });
    } catch (err) {
      // The directory keeps what the finished epochs recorded and says why the run ended.
      Object.assign(result, { status: 'stopped', stopped_by: 'error', note: `error after ${result.epochs_run} epoch(s): ${(err as Error).message}` });
      writer.writeTables();
      throw err;
    } finally {
      activeRun = null;
    }
    await writer.write();
    return result;
  } finally {
    model.dispose();
    inputs.dispose?.();
  }
}

/**
 * Evaluation batch: 500 images up to CIFAR's 32x32x3, fewer for larger inputs so a layer's activations stay under
 * one storage binding (128 MiB on lavapipe: Xception's first conv at 71x71 holds 500 x 33 x 33 x 64 floats, 139 MB).
 */
function evalBatchSize(spec: RunSpec, modelShape: ImageShape): number {
  const pixels = modelShape.reduce((a, b) => a * b, 1);
  return Math.max(spec.batchSize, Math.min(500, Math.floor((500 * 32 * 32 * 3) / pixels)));
}

/** DataLoaders over the images, fitted to the model's input (resize, grayscale -> RGB, augmentation) on the GPU. */
function imageInputs(spec: RunSpec, modelShape: ImageShape, train: ImageSet, testSet: ImageSet, trainIdx: Int32Array, valIdx: Int32Array): RunInputs {
  const trainInput = inputPipeline(spec.model, modelShape, imageShape(train), gpuAugment(spec));
  const evalInput = inputPipeline(spec.model, modelShape, imageShape(train));
  const trainLoader = new DataLoader(train, {
    batchSize: spec.batchSize, mode: spec.loaderMode, indices: trainIdx, seed: spec.seed, sampleShape: trainInput.sampleShape,
    transform: trainInput.transform, cpuTransform: cpuAugment(spec),
  });
  const evalLoader = (set: ImageSet, indices?: Int32Array): DataLoader =>
    new DataLoader(set, { batchSize: evalBatchSize(spec, modelShape), indices, shuffle: false, sampleShape: evalInput.sampleShape, transform: evalInput.transform });
  return { train: trainLoader, val: evalLoader(train, valIdx), test: evalLoader(testSet) };
}
