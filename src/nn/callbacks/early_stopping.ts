// Keras EarlyStopping (tf.keras 2.x stopping rule, Keras 3 restore rule): `wait` counts epochs since the last
// improvement (improvement = beating best by more than min_delta in the monitor's direction); training stops
// when wait >= patience after the first epoch. With restoreBestWeights the best epoch's weights are put back at
// the end of training, kept meanwhile as device-side copies.

import { disposeNamed, type NamedTensor } from '../weights.js';
import { checkNumber } from '../check.js';
import { Callback, type CallbackState, type Logs, type RestoredCallbackState } from './callback.js';
import { resolveMode, stdoutPrinter, warnMissing, type MonitorMode, type Printer } from './monitor.js';

export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement (its sign is ignored). Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** wait only resets when the value also beats this baseline. Default none. */
  baseline?: number | null;
  /** Put back the best epoch's weights when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to ignore at the start (warm-up). Default 0. */
  startFromEpoch?: number;
  print?: Printer;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly mode: 'min' | 'max';
  /** Signed as Keras stores it: negative when minimising. */
  readonly minDelta: number;
  wait = 0;
  /** The epoch (0-based) at which training was stopped, 0 if it was not. */
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  bestWeights: NamedTensor[] | null = null;
  readonly #print: Printer;

  constructor(o: EarlyStoppingOptions = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.patience = o.patience ?? 0;
    this.verbose = o.verbose ?? 0;
    this.baseline = o.baseline ?? null;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.startFromEpoch = o.startFromEpoch ?? 0;
    this.mode = resolveMode(this.monitor, o.mode ?? 'auto', 'EarlyStopping');
    this.minDelta = Math.abs(o.minDelta ?? 0) * (this.mode === 'max' ? 1 : -1);
    this.#print = o.print ?? stdoutPrinter;
    checkNumber('EarlyStopping', 'patience', this.patience, { min: 0, integer: true });
    checkNumber('EarlyStopping', 'minDelta', this.minDelta);
    checkNumber('EarlyStopping', 'startFromEpoch', this.startFromEpoch, { min: 0, integer: true });
    if (this.baseline !== null) checkNumber('EarlyStopping', 'baseline', this.baseline);
  }

  #isImprovement(current: number, reference: number): boolean {
    const shifted = current - this.minDelta;
    return this.mode === 'max' ? shifted > reference : shifted < reference;
  }

  #snapshot(): void {
    disposeNamed(this.bestWeights);
    this.bestWeights = this.requireModel.getWeights();
  }

  override get stateKind(): string {
    return 'EarlyStopping';
  }
  override getState(): CallbackState {
    return { values: { wait: this.wait, stoppedEpoch: this.stoppedEpoch, best: this.best, bestEpoch: this.bestEpoch }, tensors: this.bestWeights ?? [] };
  }
  override setState({ values, tensors }: RestoredCallbackState): void {
    Object.assign(this, { wait: values.wait, stoppedEpoch: values.stoppedEpoch, best: values.best, bestEpoch: values.bestEpoch });
    disposeNamed(this.bestWeights);
    this.bestWeights = tensors.length ? tensors : null;
  }

  override onTrainBegin(): void {
    if (this.takeResuming()) {
      // A run resumed after this callback stopped it stays stopped.
      if (this.stoppedEpoch > 0) this.requireModel.stopTraining = true;
      return;
    }
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    disposeNamed(this.bestWeights);
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      warnMissing('Early stopping', this.monitor, logs);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.#snapshot();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.#isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#snapshot();
      // Only restart the wait when the value beats both the previous best and the baseline.
      if (this.baseline === null || this.#isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.requireModel.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) this.#print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) this.#print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireModel.setWeights(this.bestWeights);
      disposeNamed(this.bestWeights);
      this.bestWeights = null;
    }
  }
}
