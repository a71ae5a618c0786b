// Keras ModelCheckpoint: saves the weights (or the whole model) at the end of every epoch or every `saveFreq`
// batches, to a path formatted like Python's str.format with `epoch` (1-based), `batch` and the logs
// ('w.{epoch:02d}-{val_loss:.2f}.safetensors'); with saveBestOnly only when the monitored value improves.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Callback, type CallbackState, type Logs, type RestoredCallbackState } from './callback.js';
import { resolveMode, stdoutPrinter, type MonitorMode, type Printer } from './monitor.js';
import { pyFixed, pyFormat } from './pyformat.js';

export interface ModelCheckpointOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  verbose?: 0 | 1;
  /** Save only when `monitor` improves on the best value so far. Default false. */
  saveBestOnly?: boolean;
  /** model.saveWeights rather than model.save. Default false. */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** 'epoch' (default) or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** With saveBestOnly, the value to beat before the first save. */
  initialValueThreshold?: number | null;
  print?: Printer;
}

export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: 'min' | 'max';
  readonly saveFreq: 'epoch' | number;
  best: number;
  /** Paths written, in order (handy for tests and reports). */
  readonly saved: string[] = [];
  #epoch = 0;
  #batchesSinceSave = 0;
  readonly #print: Printer;

  constructor(filepath: string, o: ModelCheckpointOptions = {}) {
    super();
    this.filepath = filepath;
    this.monitor = o.monitor ?? 'val_loss';
    this.verbose = o.verbose ?? 0;
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.saveWeightsOnly = o.saveWeightsOnly ?? false;
    this.mode = resolveMode(this.monitor, o.mode ?? 'auto', 'ModelCheckpoint');
    this.saveFreq = o.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new Error(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer but got ${this.saveFreq}`);
    }
    this.best = o.initialValueThreshold ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.#print = o.print ?? stdoutPrinter;
  }

  /** The path for this epoch (0-based) and batch, as Keras formats it. */
  filePathFor(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    const ints = new Set(['epoch']);
    if (batch !== null && !('batch' in logs)) {
      values.batch = batch + 1;
      ints.add('batch');
    }
    try {
      return pyFormat(this.filepath, values, ints);
    } catch (err) {
      throw new Error(`ModelCheckpoint: failed to format this callback filepath: "${this.filepath}". Reason: ${(err as Error).message}`);
    }
  }

  override onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
  }

  override get stateKind(): string {
    return 'ModelCheckpoint';
  }
  override getState(): CallbackState {
    return { values: { best: this.best, batchesSinceSave: this.#batchesSinceSave, saved: this.saved } };
  }
  override setState({ values }: RestoredCallbackState): void {
    this.best = values.best as number;
    this.#batchesSinceSave = values.batchesSinceSave as number;
    this.saved.splice(0, this.saved.length, ...(values.saved as string[]));
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    if (++this.#batchesSinceSave < this.saveFreq) return;
    this.#batchesSinceSave = 0;
    await this.#save(this.#epoch, batch, logs);
  }

  override wantsBatchLogs(): boolean {
    return this.saveFreq !== 'epoch' && this.#batchesSinceSave + 1 >= this.saveFreq;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.#save(epoch, null, logs);
  }

  async #save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const path = this.filePathFor(epoch, batch, logs);
    // A non-finite loss means non-finite weights: never write them over a good checkpoint.
    const nonFinite = Object.entries(logs).find(([k, v]) => k.endsWith('loss') && !Number.isFinite(v));
    if (nonFinite) {
      this.#print(`\nEpoch ${epoch + 1}: ${nonFinite[0]} is ${nonFinite[1]}, not saving the model to ${path}`);
      return;
    }
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      const better = this.mode === 'max' ? current > this.best : current < this.best;
      if (!better) {
        if (this.verbose > 0) this.#print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${pyFixed(this.best, 5)}`);
        return;
      }
      if (this.verbose > 0) {
        const from = pyFixed(this.best, 5), to = pyFixed(current, 5);
        this.#print(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${from} to ${to}, saving model to ${path}`);
      }
      this.best = current;
    } else if (this.verbose > 0) this.#print(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    const dir = dirname(path);
    if (dir) await mkdir(dir, { recursive: true });
    const model = this.requireModel;
    await (this.saveWeightsOnly ? model.saveWeights(path) : model.save(path));
    this.saved.push(path);
  }
}
