// Resumable training checkpoints: one safetensors file (DIR/resume.safetensors) holding the model's weights, the
// optimiser's slots and iteration count, the epoch's running metric sums and callback tensors (EarlyStopping's
// best weights), with the position (epoch, step), the learning rate, the layers' random-stream counters, the
// callbacks' state and the history as JSON metadata. Written atomically (safetensors.ts); fit({ resume }) puts it
// all back, so a killed run continues where its last checkpoint left it.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unscoped } from '../tensor/scope.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { tensor, writeInto, type Tensor } from '../tensor/tensor.js';
import type { CallbackList, RestoredCallbackState } from './callbacks/callback.js';
import type { Layer } from './layer.js';
import type { Model } from './model.js';
import { entryValues, readSafetensors, saveSafetensors, type SafetensorsEntry, type SafetensorsFile, type SaveOptions } from './safetensors.js';
import { namedWeights } from './saving.js';
import { disposeNamed, type NamedTensor } from './weights.js';

export const RESUME_FILE = 'resume.safetensors';
export const CHECKPOINT_FORMAT = 'webgpu-nn/training-checkpoint@1';
const OPT = 'optimizer/', CB = 'callbacks/', METRICS = 'metrics/sums';

/** Where training stands: `step` batches of `epoch` are done (0 at an epoch boundary). */
export interface TrainingPosition {
  epoch: number;
  step: number;
  /**
   * Training was being stopped at this point (recorded for readers; a resumed fit() does not obey it: the callback
   * that stopped, such as EarlyStopping, says so again from its restored state, while a time limit does not).
   */
  stopped: boolean;
}

/** The epoch's running metric sums on the GPU ([loss sum, correct]) and the samples they cover. */
export interface MetricSums {
  acc: Tensor;
  samples: number;
}

export interface CheckpointState extends TrainingPosition {
  epochs: number;
  iterations: number;
  /** The optimiser's constant rate (set by LearningRateScheduler or ReduceLROnPlateau), or null for a schedule. */
  learningRate: number | null;
  samples: number;
  random: Record<string, number[]>;
  callbacks: Record<string, Record<string, unknown>>;
  savedAt: string;
}

// JSON has no Infinity or NaN (EarlyStopping's initial best, a NaN loss in the history): they travel as strings.
const encode = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? { nonFinite: String(x) } : x));
const decode = (s: string): unknown => JSON.parse(s, (_k, x: unknown) => (x && typeof x === 'object' && 'nonFinite' in x ? Number((x as { nonFinite: string }).nonFinite) : x));

/** A checkpoint directory (its resume.safetensors) or the file itself. */
export function resumePath(dirOrFile: string): string {
  return existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, RESUME_FILE) : dirOrFile;
}

function allLayers(layer: Layer): Layer[] {
  return [layer, ...layer.sublayers.flatMap(allLayers)];
}

/** Writes the whole training state to `path` atomically (the GPU work of finished steps is awaited by the reads). */
export async function writeCheckpoint(path: string, model: Model, list: CallbackList, at: TrainingPosition & { epochs: number },
  metrics: MetricSums, saveOptions: Omit<SaveOptions, 'metadata'> = {}): Promise<void> {
  const opt = model.optimizer;
  const tensors: NamedTensor[] = [...namedWeights(model), ...opt.weights().map((w) => ({ name: `${OPT}${w.name}`, tensor: w.tensor }))];
  tensors.push({ name: METRICS, tensor: metrics.acc });
  const callbacks: CheckpointState['callbacks'] = {};
  for (const [key, s] of list.states()) {
    callbacks[key] = s.values;
    for (const t of s.tensors ?? []) tensors.push({ name: `${CB}${key}/${t.name}`, tensor: t.tensor });
  }
  const random: Record<string, number[]> = {};
  for (const l of allLayers(model)) {
    const r = l.getRandomState();
    if (r.length) random[l.name] = r;
  }
  const state: CheckpointState = {
    ...at, iterations: opt.iterations, learningRate: opt.learningRateSchedule === null ? opt.learningRate : null,
    samples: metrics.samples, random, callbacks, savedAt: new Date().toISOString(),
  };
  await saveSafetensors(path, tensors, { ...saveOptions, metadata: { format: CHECKPOINT_FORMAT, model: model.name, state: encode(state) } });
}

function stateOf(file: SafetensorsFile, path: string): CheckpointState {
  if (file.metadata?.format !== CHECKPOINT_FORMAT || !file.metadata.state) {
    throw new Error(`fit: resume: ${path} is not a training checkpoint (metadata format '${file.metadata?.format ?? 'none'}', expected '${CHECKPOINT_FORMAT}'); ` +
      'weights alone load with loadWeights');
  }
  return decode(file.metadata.state) as CheckpointState;
}

/** The JSON state of a checkpoint file (position, callbacks' values...) without touching any model. */
export async function readCheckpointState(path: string): Promise<CheckpointState> {
  return stateOf(await readSafetensors(path), path);
}

/** What a resumed fit() starts from. */
export interface Restored extends TrainingPosition {
  /** The running metric sums of a checkpoint taken mid-epoch. */
  sums: Float32Array;
  samples: number;
  learningRate: number | null;
}

const deviceTensor = (e: SafetensorsEntry, device: Tensor['device']): Tensor =>
  unscoped(() => tensor(entryValues(e), e.shape, { dtype: e.dtype === 'I32' ? 'i32' : 'f32', device }));

/**
 * Puts a checkpoint back into a compiled model and its callbacks: weights, optimiser state, learning rate, random
 * streams, callback state. Everything is checked against the model before anything is written.
 */
export async function restoreCheckpoint(path: string, model: Model, list: CallbackList): Promise<Restored> {
  if (!existsSync(path)) throw new Error(`fit: resume: no checkpoint at ${path} (fit({ checkpoint }) writes ${RESUME_FILE} into its directory)`);
  const file = await readSafetensors(path);
  const state = stateOf(file, path);
  const weights = namedWeights(model), opt = model.optimizer;
  const problems: string[] = [];
  for (const w of weights) {
    const e = file.tensors.get(w.name);
    if (!e) problems.push(`'${w.name}' is missing`);
    else if (!sameShape(e.shape, w.tensor.shape)) problems.push(`'${w.name}': shape ${fmtShape(e.shape)} in the checkpoint vs ${fmtShape(w.tensor.shape)} in the model`);
  }
  if (!file.tensors.has(`${OPT}${opt.name}/iter`)) {
    const other = [...file.tensors.keys()].find((n) => n.startsWith(OPT) && n.endsWith('/iter'));
    problems.push(`the optimiser state is for ${other ? other.slice(OPT.length, -'/iter'.length) : 'no optimiser'} but the model is compiled with ${opt.name}`);
  }
  if (problems.length) throw new Error(`fit: resume: ${path} does not match model ${model.name}: ${problems.join('; ')}`);

  for (const w of weights) writeInto(w.tensor, entryValues(file.tensors.get(w.name)!));
  const device = weights[0]?.tensor.device ?? 'webgpu';
  const optState: NamedTensor[] = [];
  for (const [name, e] of file.tensors) if (name.startsWith(OPT)) optState.push({ name: name.slice(OPT.length), tensor: deviceTensor(e, device) });
  try {
    // Only parameters updated before the checkpoint have slots (a frozen layer's have none).
    const slotted = model.trainableWeights.map((w) => w.value).filter((p) => opt.slotNames.length === 0 || file.tensors.has(`${OPT}${opt.name}/${p.name}/${opt.slotNames[0]}`));
    await opt.setWeights(optState, slotted);
  } finally {
    disposeNamed(optState);
  }
  if (state.learningRate !== null && opt.learningRateSchedule === null) opt.learningRate = state.learningRate;
  for (const l of allLayers(model)) {
    const r = state.random[l.name];
    if (r) l.setRandomState(r);
  }
  const states = new Map<string, RestoredCallbackState>();
  for (const [key, values] of Object.entries(state.callbacks)) {
    const prefix = `${CB}${key}/`;
    const tensors = [...file.tensors].filter(([n]) => n.startsWith(prefix)).map(([n, e]) => ({ name: n.slice(prefix.length), tensor: deviceTensor(e, device) }));
    states.set(key, { values, tensors });
  }
  list.restore(states);
  const sums = file.tensors.get(METRICS);
  return {
    epoch: state.epoch, step: state.step, stopped: state.stopped, samples: state.samples, learningRate: state.learningRate,
    sums: sums ? Float32Array.from(entryValues(sums)) : new Float32Array(2),
  };
}

/** When fit() writes checkpoints: every epoch end, and mid-epoch after `everySteps` steps or `everySeconds`. */
export interface CheckpointOptions {
  /** The directory; the checkpoint is DIR/resume.safetensors. */
  dir: string;
  everySteps?: number;
  everySeconds?: number;
}

/** Decides when a mid-epoch checkpoint is due (epoch ends always are). */
export class CheckpointClock {
  readonly path: string;
  #steps = 0;
  #since = performance.now();
  constructor(readonly o: CheckpointOptions) {
    for (const k of ['everySteps', 'everySeconds'] as const) {
      const v = o[k];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`fit: checkpoint.${k} must be a positive number but got ${v}`);
    }
    this.path = join(o.dir, RESUME_FILE);
  }
  /** Counts a finished step; true when a mid-epoch checkpoint should follow it. */
  stepDue(): boolean {
    this.#steps++;
    const { everySteps, everySeconds } = this.o;
    return (everySteps !== undefined && this.#steps >= everySteps) || (everySeconds !== undefined && performance.now() - this.#since >= everySeconds * 1000);
  }
  written(): void {
    this.#steps = 0;
    this.#since = performance.now();
  }
}

/**
 * A stop asked for from outside (a SIGTERM handler): every fit() that writes checkpoints finishes its current step,
 * writes a checkpoint there and throws TrainingInterrupted. Resolves once that checkpoint is on disk (or at once
 * when no such fit is running).
 */
let stopAsked: (() => void) | null = null;
let checkpointing = 0;
export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';
}
export function stopAtNextStep(): Promise<void> {
  if (checkpointing === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stopAsked = resolve;
  });
}
/** fit() brackets its checkpointing loop with these; the last one to leave answers a stop it did not reach. */
export const checkpointingFits = {
  enter: (): void => void checkpointing++,
  leave: (): void => {
    if (--checkpointing === 0) stopRequest.done();
  },
};
/** True when a stop was asked for; `done()` then tells the asker the checkpoint is written. */
export const stopRequest = {
  get asked(): boolean {
    return stopAsked !== null;
  },
  done(): void {
    const r = stopAsked;
    stopAsked = null;
    r?.();
  },
};

