// The callback protocol between a training loop and its observers (Keras callbacks): the hooks, the model
// surface callbacks may touch (CallbackModel), the list that dispatches hooks in order and awaits async ones,
// and History, which records each epoch's logs and is what fit() returns.

import type { NamedTensor } from '../weights.js';

/** Metric values by name ('loss', 'accuracy', 'val_loss', ...); callbacks may add entries ('learning_rate'). */
export type Logs = Record<string, number>;

export interface TrainParams {
  epochs: number;
  /** Batches per epoch, or null when unknown until the first epoch ends. */
  steps: number | null;
  /** 0 silent, 1 progress bar, 2 one line per epoch (Keras). */
  verbose: 0 | 1 | 2;
}

/** The part of an optimiser callbacks use: the learning rate, readable and settable (a number). */
export interface LearningRateHolder {
  learningRate: number;
}

/** What callbacks may do to the model being trained. Model implements this. */
export interface CallbackModel {
  /** Set by a callback to end fit() after the current batch/epoch. */
  stopTraining: boolean;
  readonly optimizer: LearningRateHolder;
  /** Writes the weights (safetensors). */
  saveWeights(path: string): Promise<void>;
  /** Writes the whole model (architecture and weights). */
  save(path: string): Promise<void>;
  loadWeights(path: string): Promise<void>;
  /** Device-side copies of every weight (trainable and not), named; the caller disposes them. */
  getWeights(): NamedTensor[];
  /** Copies values into the model's weights by name (same names, shapes and dtypes as getWeights()). */
  setWeights(weights: readonly NamedTensor[]): void;
}

type Hook = void | Promise<void>;

/** What a training checkpoint keeps of a callback: JSON-able values and, optionally, tensors (best weights). */
export interface CallbackState {
  values: Record<string, unknown>;
  tensors?: NamedTensor[];
}

/** A callback's state read back from a checkpoint: tensors arrive as device tensors the callback now owns. */
export interface RestoredCallbackState {
  values: Record<string, unknown>;
  tensors: NamedTensor[];
}

/** Base class: override the hooks you need; each may be sync or async. Epochs and batches count from 0. */
export class Callback {
  model: CallbackModel | null = null;
  params: TrainParams = { epochs: 1, steps: null, verbose: 1 };

  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainParams): void {
    this.params = params;
  }
  onTrainBegin(_logs: Logs): Hook {}
  onTrainEnd(_logs: Logs): Hook {}
  onEpochBegin(_epoch: number, _logs: Logs): Hook {}
  onEpochEnd(_epoch: number, _logs: Logs): Hook {}
  onBatchBegin(_batch: number, _logs: Logs): Hook {}
  onBatchEnd(_batch: number, _logs: Logs): Hook {}

  /**
   * Whether this callback needs up-to-date logs after `batch`. Reading metrics back costs a GPU sync, so fit()
   * may pass stale or empty batch logs when no callback asks. Default: whenever onBatchEnd is overridden.
   */
  wantsBatchLogs(_batch: number): boolean {
    return this.onBatchEnd !== Callback.prototype.onBatchEnd;
  }

  /** State a resumed fit() must put back (counters, best values); null when there is none. */
  getState(): CallbackState | null {
    return null;
  }
  /**
   * Puts back what getState() returned, before onTrainBegin of a resumed fit(); `resuming` stays true until
   * onTrainBegin, whose reset a stateful callback skips then.
   */
  setState(_state: RestoredCallbackState): void {}
  /** Names this callback's state in a checkpoint; stateful callbacks give a literal (bundlers may rename classes). */
  get stateKind(): string {
    return this.constructor.name;
  }
  protected resuming = false;
  /** True once, in the onTrainBegin of a resumed fit(). */
  protected takeResuming(): boolean {
    const r = this.resuming;
    this.resuming = false;
    return r;
  }
  /** Called by CallbackList.restore. */
  markResuming(): void {
    this.resuming = true;
  }

  /** The model, or a clear error when a hook runs before setModel(). */
  protected get requireModel(): CallbackModel {
    if (!this.model) throw new Error(`${this.constructor.name}: no model set (call setModel or use it through fit)`);
    return this.model;
  }
}

/** Keras History: `history[name][i]` is the value of `name` at the end of epoch `epoch[i]`. */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    if (this.takeResuming()) return;
    this.epoch = [];
    this.history = {};
  }
  override get stateKind(): string {
    return 'History';
  }
  override getState(): CallbackState {
    return { values: { epoch: this.epoch, history: this.history } };
  }
  override setState({ values }: RestoredCallbackState): void {
    this.epoch = [...(values.epoch as number[])];
    this.history = Object.fromEntries(Object.entries(values.history as Record<string, number[]>).map(([k, v]) => [k, [...v]]));
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

export interface LambdaHooks {
  onTrainBegin?: (logs: Logs) => Hook;
  onTrainEnd?: (logs: Logs) => Hook;
  onEpochBegin?: (epoch: number, logs: Logs) => Hook;
  onEpochEnd?: (epoch: number, logs: Logs) => Hook;
  onBatchBegin?: (batch: number, logs: Logs) => Hook;
  onBatchEnd?: (batch: number, logs: Logs) => Hook;
}

/** Keras LambdaCallback: hooks from plain functions. */
export class LambdaCallback extends Callback {
  constructor(readonly hooks: LambdaHooks) {
    super();
  }
  override onTrainBegin(logs: Logs): Hook {
    return this.hooks.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs: Logs): Hook {
    return this.hooks.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs: Logs): Hook {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs: Logs): Hook {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs: Logs): Hook {
    return this.hooks.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs: Logs): Hook {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
  override wantsBatchLogs(): boolean {
    return this.hooks.onBatchEnd !== undefined;
  }
}

export interface CallbackListOptions {
  model: CallbackModel;
  params: TrainParams;
  /** Append a History (default true); it is last so it records what other callbacks add to the logs. */
  addHistory?: boolean;
  /** A progress logger to put first when params.verbose > 0 and none is in the list (fit passes a ProgbarLogger). */
  progbar?: Callback | null;
}

/**
 * Runs the hooks of several callbacks in order, awaiting each, with one shared logs object per event so what
 * one callback adds (LearningRateScheduler's 'learning_rate') is seen by the next. Keras order: progress bar
 * first, the user's callbacks, History last.
 */
export class CallbackList {
  readonly callbacks: Callback[];
  readonly history: History | null;

  constructor(callbacks: readonly Callback[], o: CallbackListOptions) {
    this.callbacks = [...callbacks];
    const bar = o.progbar;
    if (bar && o.params.verbose > 0 && !this.callbacks.some((c) => c.constructor === bar.constructor)) this.callbacks.unshift(bar);
    let history = (this.callbacks.find((c) => c instanceof History) as History | undefined) ?? null;
    if (!history && (o.addHistory ?? true)) this.callbacks.push((history = new History()));
    this.history = history;
    for (const c of this.callbacks) {
      c.setModel(o.model);
      c.setParams(o.params);
    }
  }

  async onTrainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  async onTrainEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
  async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }
  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }
  async onBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin(batch, logs);
  }
  async onBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd(batch, logs);
  }
  /**
   * Each stateful callback's state, keyed '<ClassName>#<k>' (the k-th callback of that class), for a checkpoint.
   */
  states(): Map<string, CallbackState> {
    const out = new Map<string, CallbackState>();
    for (const [key, c] of this.#keyed()) {
      const s = c.getState();
      if (s) out.set(key, s);
    }
    return out;
  }
  /** Gives each callback its saved state (by the same keys); callbacks the checkpoint does not know start fresh. */
  restore(states: ReadonlyMap<string, RestoredCallbackState>): void {
    for (const [key, c] of this.#keyed()) {
      const s = states.get(key);
      if (!s) continue;
      c.setState(s);
      c.markResuming();
    }
  }
  #keyed(): Array<[string, Callback]> {
    const counts = new Map<string, number>();
    return this.callbacks.map((c) => {
      const name = c.stateKind, k = counts.get(name) ?? 0;
      counts.set(name, k + 1);
      return [`${name}#${k}`, c];
    });
  }
  /** True when some callback needs fresh metric values after `batch` (so fit() should read them back). */
  wantsBatchLogs(batch: number): boolean {
    return this.callbacks.some((c) => c.wantsBatchLogs(batch));
  }
}
