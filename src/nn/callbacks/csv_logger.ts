// Keras CSVLogger (one row per epoch: 'epoch' then the log keys sorted, with val_ twins added when the first
// epoch has no validation keys; Python's csv excel dialect, so '\r\n' line ends and repr() floats) and Keras
// TerminateOnNaN (stop at the first batch whose loss is NaN or infinite).

import { closeSync, existsSync, fstatSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { Callback, type CallbackState, type Logs, type RestoredCallbackState } from './callback.js';
import { stdoutPrinter, type Printer } from './monitor.js';
import { pyFloatRepr } from './pyformat.js';

export class CSVLogger extends Callback {
  #fd: number | null = null;
  #keys: string[] | null = null;
  #writeHeader = true;

  constructor(readonly filename: string, readonly separator = ',', readonly append = false) {
    super();
  }

  override get stateKind(): string {
    return 'CSVLogger';
  }
  /** The columns and the file's length at the checkpoint: rows written after it (by a killed run) are cut off. */
  override getState(): CallbackState {
    return { values: { keys: this.#keys, bytes: this.#fd === null ? 0 : fstatSync(this.#fd).size } };
  }
  override setState({ values }: RestoredCallbackState): void {
    this.#keys = (values.keys as string[] | null) ?? null;
    if (existsSync(this.filename)) truncateSync(this.filename, Math.min(values.bytes as number, readFileSync(this.filename).length));
  }

  override onTrainBegin(): void {
    // A resumed fit() appends to the rows its first part wrote, with the same columns and no second header.
    const resuming = this.takeResuming();
    const keys = this.#keys;
    const append = this.append || resuming;
    this.#writeHeader = !(append && existsSync(this.filename) && readFileSync(this.filename, 'utf8').length > 0);
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = openSync(this.filename, append ? 'a' : 'w');
    this.#keys = resuming ? keys : null;
  }

  #cell(v: string): string {
    return v.includes(this.separator) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.#fd === null) throw new Error('CSVLogger: onEpochEnd before onTrainBegin');
    if (!this.#keys) {
      const keys = Object.keys(logs).sort();
      if (keys.length && !keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
      this.#keys = keys;
      if (this.#writeHeader) writeSync(this.#fd, ['epoch', ...keys].map((k) => this.#cell(k)).join(this.separator) + '\r\n');
    }
    const row = [String(epoch), ...this.#keys.map((k) => (k in logs ? pyFloatRepr(logs[k]!) : 'NA'))];
    writeSync(this.#fd, row.map((c) => this.#cell(c)).join(this.separator) + '\r\n');
  }

  override onTrainEnd(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

export class TerminateOnNaN extends Callback {
  readonly #print: Printer;
  /** With raiseError, throws instead of stopping gracefully (Keras 3). */
  constructor(readonly raiseError = false, print: Printer = stdoutPrinter) {
    super();
    this.#print = print;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) throw new Error(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`);
    this.#print(`Batch ${batch}: Invalid loss, terminating training`);
    this.requireModel.stopTraining = true;
  }
}
