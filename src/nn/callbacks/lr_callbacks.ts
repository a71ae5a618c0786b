// Callbacks that drive the optimiser's learning rate: Keras LearningRateScheduler (a function of the epoch and
// the current rate, applied at each epoch's start) and ReduceLROnPlateau (multiply by `factor` after `patience`
// epochs without improvement, then wait `cooldown` epochs). Both log the rate as 'learning_rate' (Keras 3).

import { checkNumber } from '../check.js';
import { Callback, type CallbackState, type Logs, type RestoredCallbackState } from './callback.js';
import { resolveMode, stdoutPrinter, warnMissing, type MonitorMode, type Printer } from './monitor.js';

export class LearningRateScheduler extends Callback {
  readonly #print: Printer;
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose: 0 | 1 = 0, print: Printer = stdoutPrinter) {
    super();
    this.#print = print;
  }

  override onEpochBegin(epoch: number): void {
    const opt = this.requireModel.optimizer;
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new Error(`LearningRateScheduler: the schedule should return a finite number but returned ${lr}`);
    }
    opt.learningRate = lr;
    if (this.verbose > 0) this.#print(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.requireModel.optimizer.learningRate;
  }
}

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** New rate = rate * factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Default 10. */
  patience?: number;
  verbose?: 0 | 1;
  mode?: MonitorMode;
  /** Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Default 0. */
  minLr?: number;
  print?: Printer;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  best = Infinity;
  wait = 0;
  cooldownCounter = 0;
  readonly #print: Printer;

  constructor(o: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (this.factor >= 1) throw new Error(`ReduceLROnPlateau does not support a factor >= 1.0. Received factor=${this.factor}`);
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? 0;
    this.mode = resolveMode(this.monitor, o.mode ?? 'auto', 'ReduceLROnPlateau');
    this.minDelta = Math.abs(o.minDelta ?? 1e-4);
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
    this.#print = o.print ?? stdoutPrinter;
    checkNumber('ReduceLROnPlateau', 'factor', this.factor, { min: 0, minExclusive: true, max: 1, maxExclusive: true });
    checkNumber('ReduceLROnPlateau', 'patience', this.patience, { min: 0, integer: true });
    checkNumber('ReduceLROnPlateau', 'minDelta', this.minDelta);
    checkNumber('ReduceLROnPlateau', 'cooldown', this.cooldown, { min: 0, integer: true });
    checkNumber('ReduceLROnPlateau', 'minLr', this.minLr, { min: 0 });
  }

  override get stateKind(): string {
    return 'ReduceLROnPlateau';
  }
  override getState(): CallbackState {
    return { values: { best: this.best, wait: this.wait, cooldownCounter: this.cooldownCounter } };
  }
  override setState({ values }: RestoredCallbackState): void {
    Object.assign(this, { best: values.best, wait: values.wait, cooldownCounter: values.cooldownCounter });
  }

  override onTrainBegin(): void {
    if (this.takeResuming()) return;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const opt = this.requireModel.optimizer;
    logs.learning_rate = opt.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      warnMissing('Learning rate reduction', this.monitor, logs);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0 && ++this.wait >= this.patience) {
      const old = opt.learningRate;
      // Keras compares against float32(min_lr): the optimiser's rate lives in a float32 variable.
      if (old > Math.fround(this.minLr)) {
        const lr = Math.max(old * this.factor, this.minLr);
        opt.learningRate = lr;
        if (this.verbose > 0) this.#print(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }
}
