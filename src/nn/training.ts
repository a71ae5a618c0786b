// Model.fit / evaluate / predict with Keras semantics. One training step is one scope: forward, loss, backward,
// the fused optimiser updates and the metric accumulation are recorded and submitted together; metrics stay on
// the GPU until an epoch ends or the progress bar refreshes. At most two steps are in flight, and the wait for
// the older one is where the data loader uploads the next batch.

import * as ops from '../autograd/api.js';
import { backward, noGrad } from '../autograd/tape.js';
import { accumulateMetrics } from '../kernels/metrics.js';
import { flush, whenDone } from '../tensor/queue.js';
import { formatProfile, profile, type StepProfile } from '../tensor/profiler.js';
import { autotune, untunedClasses } from '../kernels/tuning.js';
import { scope, unscoped } from '../tensor/scope.js';
import { hostEffect, perStepValue, type Scalar } from '../tensor/capture.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { dirname } from 'node:path';
import { CallbackList, type Callback, type Logs } from './callbacks/callback.js';
import { ProgbarLogger } from './callbacks/progbar.js';
import type { History } from './callbacks/callback.js';
import { canonicalLoss, getLoss, type LossAlias, type LossFn, type LossName } from './losses.js';
import type { Model } from './model.js';
import { clearGrads, getOptimizer, type Optimizer } from './optimizers/index.js';
import type { Constraint } from './constraints.js';
import { checkFitOptions, checkTargetShape, exclusiveTraining } from './fit_checks.js';
import { TrainingHealth } from './health.js';
import { TensorBatches } from './tensor_batches.js';
import { StepReplay } from './step_replay.js';

export { TensorBatches };
import {
  CheckpointClock, checkpointingFits, restoreCheckpoint, resumePath, stopRequest, TrainingInterrupted, writeCheckpoint, type CheckpointOptions, type Restored,
} from './resume.js';

export interface CompileOptions {
  optimizer?: Optimizer | string;
  loss: LossAlias | LossFn;
  /** Keras metric names; 'accuracy' (or 'acc') picks sparse/categorical accuracy from the target's dtype. */
  metrics?: Array<'accuracy' | 'acc'>;
}

export interface Compiled {
  optimizer: Optimizer;
  loss: LossFn;
  accuracy: boolean;
  /** The loss's Keras name when compile() got one (what a saved model's compile config records). */
  lossName: LossName | null;
}

export function compileOptions(o: CompileOptions): Compiled {
  for (const m of o.metrics ?? []) if (m !== 'accuracy' && m !== 'acc') throw new Error(`compile: unknown metric '${m as string}' (known: accuracy)`);
  return { optimizer: getOptimizer(o.optimizer ?? 'rmsprop'), loss: getLoss(o.loss), accuracy: (o.metrics ?? []).length > 0,
    lossName: typeof o.loss === 'string' ? canonicalLoss(o.loss) : null };
}

/** A batch of inputs and targets (targets: i32 labels [N] or f32 [N, C]). */
export interface XY {
  x: Tensor;
  y: Tensor;
}

/** Anything that yields one epoch of batches at a time, such as a DataLoader. */
export interface BatchSource {
  /**
   * The batches of one epoch; without an argument, the epoch after the last one started (a fresh shuffle). With
   * `fromStep`, the epoch's first `fromStep` batches are skipped (a resumed run); a source that cannot do that
   * must throw rather than ignore it.
   */
  epoch(epoch?: number, fromStep?: number): AsyncIterableIterator<XY>;
  readonly stepsPerEpoch?: number;
}

export type Data = BatchSource | XY;

function asSource(data: Data, batchSize: number, shuffle: boolean, what = 'fit'): BatchSource {
  if ('epoch' in data && typeof data.epoch === 'function') return data;
  const { x, y } = data as XY;
  if (!x?.isTensor || !y?.isTensor) throw new Error(`${what}: data must be a DataLoader (or any BatchSource) or { x: Tensor, y: Tensor }`);
  return new TensorBatches(x, y, batchSize, shuffle, 42, what);
}

/** Running loss and accuracy sums on the GPU. */
class MetricAccumulator {
  readonly acc: Tensor;
  samples = 0;
  constructor(device: Tensor['device'], from?: { sums: Float32Array; samples: number }) {
    this.acc = unscoped(() => (from ? tensor(from.sums, [2], { device }) : ops.zeros([2], { device })));
    this.samples = from?.samples ?? 0;
  }
  /** Adds one batch; with `health`, also flags a non-finite loss or an out-of-range label of batch `step`. */
  add(loss: Tensor, pred: Tensor, target: Tensor, health?: TrainingHealth, step: Scalar = 0): void {
    const n = pred.shape[0] ?? 1;
    const pred2 = pred.rank === 2 ? pred : ops.reshape(pred, [n, -1]);
    if (health) health.classes = pred2.shape[1] ?? 0;
    accumulateMetrics(this.acc, loss, pred2, target, n, health && { flags: health.flags, step });
    hostEffect(() => (this.samples += n));
  }
  async read(prefix: string, accuracy: boolean): Promise<Logs> {
    const [lossSum, correct] = await this.acc.data();
    const n = Math.max(1, this.samples);
    const logs: Logs = { [`${prefix}loss`]: lossSum! / n };
    if (accuracy) logs[`${prefix}accuracy`] = correct! / n;
    return logs;
  }
  dispose(): void {
    this.acc.dispose();
  }
}

function requireCompiled(model: Model): Compiled {
  if (!model.compiled) throw new Error(`Model ${model.name}: call compile({ optimizer, loss, metrics }) before fit/evaluate`);
  return model.compiled;
}

/** The metrics and the health flags read back together (one wait); a health failure throws once both are back. */
async function readChecked(metrics: MetricAccumulator, health: TrainingHealth, prefix: string, accuracy: boolean, labelsOnly = false): Promise<Logs> {
  const [logs, ok] = await Promise.allSettled([metrics.read(prefix, accuracy), health.check({ labelsOnly })]);
  if (ok.status === 'rejected') throw ok.reason;
  if (logs.status === 'rejected') throw logs.reason;
  return logs.value;
}

/** The loss's name in messages. */
const lossLabel = (c: Compiled): string => c.lossName ?? 'the loss';

/** A fresh health buffer for one epoch (or one trainOnBatch / evaluate call). */
function newHealth(model: Model, c: Compiled, what: string, epoch: number | null = null, steps: number | null = null): TrainingHealth {
  return new TrainingHealth(model.weights[0]?.value.device ?? 'webgpu', what, model.trainableWeights, lossLabel(c), epoch, steps);
}

/**
 * One optimisation step, recorded in one scope; nothing but updated weights, metric sums and health flags (for
 * batch `stepNow()`, read again by a replayed step) survives it.
 */
function trainStep(model: Model, c: Compiled, batch: XY, metrics: MetricAccumulator, health: TrainingHealth, stepNow: () => number): void {
  const step = perStepValue(stepNow);
  const weights = model.trainableWeights;
  const params = weights.map((w) => w.value);
  const constraints = new Map<Tensor, Constraint>(weights.filter((w) => w.constraint).map((w) => [w.value, w.constraint!]));
  scope(() => {
    const pred = model.apply(batch.x, { training: true });
    checkTargetShape(model, batch.y, pred);
    const loss = c.loss(batch.y, pred);
    backward(loss);
    noGrad(() => {
      c.optimizer.apply(params, { constraints, health: { flags: health.flags, codeBase: step.map((s) => health.gradCodeBase(s)) } });
      metrics.add(loss, pred, batch.y, health, step);
    });
    clearGrads(params);
  });
}

export interface FitOptions {
  epochs?: number;
  /** For in-memory { x, y } data (default 32, as Keras). */
  batchSize?: number;
  /** Shuffle in-memory data each epoch (default true); loaders shuffle themselves. */
  shuffle?: boolean;
  validationData?: Data;
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch (default 1). */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /** Profiles this step (0-based) of the first epoch: per-kernel GPU and host time (printed unless onProfile). */
  profile?: number;
  onProfile?: (p: StepProfile) => void;
  /**
   * Writes a resumable checkpoint (DIR/resume.safetensors: weights, optimiser, position, RNG, callbacks, history)
   * atomically at every epoch end, and mid-epoch every `everySteps` steps or `everySeconds`.
   */
  checkpoint?: string | CheckpointOptions;
  /** Continues from a checkpoint (its directory or file); checkpoints then go on being written there. */
  resume?: string;
  /**
   * Times GEMM tile candidates for the shape classes seen so far, biggest first, for up to 30 s after the first step,
   * every 2 min within an epoch while classes remain, and after each epoch (cached on disk per adapter; kernels/tuning.ts). Off by default; the CLI's train and
   * experiment set it.
   */
  autotune?: boolean;
  /**
   * Replays the training step once it has been recorded twice alike (nn/step_replay.ts): the same result with
   * almost no host work per step. Default true; WEBGPU_NN_REPLAY=off turns it off everywhere.
   */
  replay?: boolean;
}

/** Autotune time per call (after the first step, after each epoch): a big model's classes are tuned over a few epochs. */
const TUNE_BUDGET_MS = 30_000;
/**
 * While shape classes stay untuned, fit tunes again after this much time inside an epoch, so a long first epoch
 * (an hour for Xception at 71x71 on a CPU adapter) gets its tiles within minutes, at most a fifth of the time.
 */
const TUNE_EVERY_MS = 4 * TUNE_BUDGET_MS;

/** Autotunes the GEMM shape classes seen and not yet tuned, biggest first (a no-op once they all are); how many were. */
async function tuneSeen(verbose: number): Promise<number> {
  if (!untunedClasses().length) return 0;
  const t0 = performance.now();
  const tuned = await autotune({ budgetMs: TUNE_BUDGET_MS });
  if (verbose && tuned.length) console.log(`autotune: ${tuned.length} GEMM shape class(es) tuned in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return tuned.length;
}

/** Keras fit; one fit() per model at a time. */
export function fit(model: Model, data: Data, o: FitOptions = {}): Promise<History> {
  return exclusiveTraining(model, 'fit', () => fitAlone(model, data, o));
}

function checkpointClock(o: FitOptions): CheckpointClock | null {
  const ck = o.checkpoint ?? (o.resume === undefined ? undefined : dirname(resumePath(o.resume)));
  if (ck === undefined) return null;
  return new CheckpointClock(typeof ck === 'string' ? { dir: ck } : ck);
}

async function fitAlone(model: Model, data: Data, o: FitOptions): Promise<History> {
  if (!o.checkpoint && o.resume === undefined) return fitLoop(model, data, o);
  checkpointingFits.enter();
  try {
    return await fitLoop(model, data, o);
  } finally {
    checkpointingFits.leave();
  }
}

async function fitLoop(model: Model, data: Data, o: FitOptions): Promise<History> {
  const c = requireCompiled(model);
  const epochs = o.epochs ?? 1;
  const verbose = o.verbose ?? 1;
  checkFitOptions({ epochs, initialEpoch: o.initialEpoch ?? 0, verbose });
  const source = asSource(data, o.batchSize ?? 32, o.shuffle ?? true);
  const list = new CallbackList(o.callbacks ?? [], {
    model, params: { epochs, steps: source.stepsPerEpoch ?? null, verbose }, progbar: new ProgbarLogger(),
  });
  const clock = checkpointClock(o);
  const from: Restored | null = o.resume === undefined ? null : await restoreCheckpoint(resumePath(o.resume), model, list);
  // A resumed run (or one given initialEpoch) asks for epoch e's own order: it depends only on (seed, e).
  const pinned = from !== null || o.initialEpoch !== undefined;
  const saveAt = async (epoch: number, step: number, metrics: MetricAccumulator): Promise<void> => {
    if (!clock) return;
    await writeCheckpoint(clock.path, model, list, { epoch, step, stopped: model.stopTraining, epochs }, metrics);
    clock.written();
  };
  model.stopTraining = false;
  let lastTune = performance.now();
  const replay = new StepReplay(o.replay ?? process.env.WEBGPU_NN_REPLAY !== 'off', () => [model.compiled, ...model.trainableWeights.map((w) => w.value)], (why) => {
    if (verbose) console.log(`step replay off: ${why}`);
  });
  await list.onTrainBegin({});
  for (let epoch = from?.epoch ?? o.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    const fromStep = from && epoch === from.epoch ? from.step : 0;
    await list.onEpochBegin(epoch, {});
    // Mid-epoch, the rate was already set by this epoch's onEpochBegin before the checkpoint: do not apply it twice.
    if (fromStep > 0 && from!.learningRate !== null && model.optimizer.learningRateSchedule === null) model.optimizer.learningRate = from!.learningRate;
    const device = model.weights[0]?.value.device ?? 'webgpu';
    const metrics = new MetricAccumulator(device, fromStep > 0 ? from! : undefined);
    const health = newHealth(model, c, 'fit', epoch, source.stepsPerEpoch ?? null);
    let inFlight: Promise<void> = Promise.resolve();
    let step = fromStep;
    try {
      // Unpinned, the source numbers its own epochs, so a second fit() call continues the shuffle sequence.
      for await (const batch of pinned ? source.epoch(epoch, fromStep) : source.epoch()) {
        await list.onBatchBegin(step, {});
        if (o.profile === step && epoch === (o.initialEpoch ?? 0)) {
          const p = await profile(() => trainStep(model, c, batch, metrics, health, () => step));
          (o.onProfile ?? ((r) => console.log(formatProfile(r, `${model.name} step ${step}`))))(p);
        } else replay.run(batch, (b) => trainStep(model, c, b, metrics, health, () => step));
        flush();
        if (o.autotune && device === 'webgpu' && (step === 0 || performance.now() - lastTune >= TUNE_EVERY_MS)) {
          if (await tuneSeen(verbose)) replay.reset();
          lastTune = performance.now();
        }
        // Backpressure: wait for the previous step while this one runs; the loader fills the next batch meanwhile.
        await inFlight;
        inFlight = device === 'webgpu' ? whenDone() : Promise.resolve();
        // The health flags come back with the metrics (one wait for both), never on their own each step.
        const logs = list.wantsBatchLogs(step) ? await readChecked(metrics, health, '', c.accuracy) : {};
        await list.onBatchEnd(step, logs);
        step++;
        if (model.stopTraining) break;
        if (clock && stopRequest.asked) {
          // Asked to stop (SIGTERM): the checkpoint marks this very step, so the resumed run loses nothing.
          await inFlight;
          await health.check();
          await saveAt(epoch, step, metrics);
          stopRequest.done();
          throw new TrainingInterrupted(`fit: stopped on request after epoch ${epoch + 1}, step ${step}; the checkpoint in ${clock.o.dir} resumes there`);
        }
        if (clock?.stepDue() && step < (source.stepsPerEpoch ?? Infinity)) {
          await inFlight;
          // A step with a non-finite loss or gradient throws here, before it could be written over a good checkpoint.
          await health.check();
          await saveAt(epoch, step, metrics);
        }
      }
      await inFlight;
      if (step === 0 && !model.stopTraining) throw new Error(`fit: the data yielded no batches in epoch ${epoch + 1}`);
      const logs = await readChecked(metrics, health, '', c.accuracy);
      if (o.validationData && !model.stopTraining) Object.assign(logs, await evaluate(model, o.validationData, { prefix: 'val_', batchSize: o.batchSize }));
      if (o.autotune && device === 'webgpu') {
        await tuneSeen(verbose);
        lastTune = performance.now();
      }
      await list.onEpochEnd(epoch, logs);
      if (Object.entries(logs).every(([k, v]) => !k.endsWith('loss') || Number.isFinite(v))) await saveAt(epoch + 1, 0, metrics);
    } finally {
      replay.reset();
      metrics.dispose();
      health.dispose();
    }
  }
  await list.onTrainEnd({});
  return list.history!;
}

/** Keras train_on_batch: one step on one batch; resolves with its loss (and accuracy) once read back. */
export function trainOnBatch(model: Model, batch: XY): Promise<Logs> {
  return exclusiveTraining(model, 'trainOnBatch', () => trainOnBatchAlone(model, batch));
}

async function trainOnBatchAlone(model: Model, batch: XY): Promise<Logs> {
  const c = requireCompiled(model);
  const metrics = new MetricAccumulator(batch.x.device);
  const health = newHealth(model, c, 'trainOnBatch');
  try {
    trainStep(model, c, batch, metrics, health, () => 0);
    return await readChecked(metrics, health, '', c.accuracy);
  } finally {
    metrics.dispose();
    health.dispose();
  }
}

export interface EvaluateOptions {
  batchSize?: number;
  /** Prefix of the metric names (fit passes 'val_'). */
  prefix?: string;
}

/** Mean loss (and accuracy) over the data in inference mode: {loss, accuracy}. */
export async function evaluate(model: Model, data: Data, o: EvaluateOptions = {}): Promise<Logs> {
  const c = requireCompiled(model);
  const source = asSource(data, o.batchSize ?? 32, false, 'evaluate');
  let metrics: MetricAccumulator | null = null;
  // Labels are checked on the GPU as in fit; a non-finite loss is a result here, not an error.
  const health = newHealth(model, c, 'evaluate', null, source.stepsPerEpoch ?? null);
  let step = 0;
  try {
    for await (const batch of source.epoch()) {
      metrics ??= new MetricAccumulator(batch.x.device);
      const m = metrics, at = step++;
      noGrad(() => scope(() => {
        const pred = model.apply(batch.x, { training: false });
        m.add(c.loss(batch.y, pred), pred, batch.y, health, at);
      }));
      flush();
    }
    if (!metrics) throw new Error(`evaluate: the data yielded no batches`);
    return await readChecked(metrics, health, o.prefix ?? '', c.accuracy, true);
  } finally {
    metrics?.dispose();
    health.dispose();
  }
}

/** In-memory inputs as batches (with placeholder targets, disposed with them); nothing is left when it throws. */
function inputBatches(x: Tensor, batchSize: number): TensorBatches {
  const y = unscoped(() => ops.zeros([x.shape[0] ?? 0], { device: x.device }));
  try {
    return new TensorBatches(x, y, batchSize, false, 42, 'predict');
  } catch (err) {
    y.dispose();
    throw err;
  }
}

/** Model outputs for every sample, in order, concatenated into one tensor owned by the caller. */
export async function predict(model: Model, data: Tensor | BatchSource, o: { batchSize?: number } = {}): Promise<Tensor> {
  const source: BatchSource = 'isTensor' in data ? inputBatches(data, o.batchSize ?? 32) : data;
  const outputs: Tensor[] = [];
  try {
    for await (const batch of source.epoch()) {
      outputs.push(unscoped(() => noGrad(() => scope(() => model.apply(batch.x, { training: false })))));
      flush();
    }
    if (!outputs.length) throw new Error('predict: the data yielded no batches');
    return outputs.length === 1 ? outputs.pop()! : unscoped(() => ops.concat(outputs, 0));
  } finally {
    if (source instanceof TensorBatches) source.y.dispose();
    for (const t of outputs) t.dispose();
  }
}
