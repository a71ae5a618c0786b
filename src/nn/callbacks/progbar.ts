// Keras's terminal progress bar (tf.keras 2.x Progbar format). On a TTY the line is redrawn in place:
//   ' 32/469 [==>...........................] - ETA: 5s - loss: 0.5432 - accuracy: 0.8321'
// and finalised as '469/469 [==============================] - 6s 12ms/step - loss: ... - val_loss: ...'.
// Elsewhere (logs, CI) one line per epoch: '469/469 - 6s - loss: ... - val_accuracy: ... - 6s/epoch - 12ms/step'.

import { Callback, type Logs } from './callback.js';
import { pyExp, pyFixed } from './pyformat.js';

export interface ProgbarStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ProgbarOptions {
  /** Bar width in characters. Default 30. */
  width?: number;
  /** Minimum seconds between redraws. Default 0.05. */
  interval?: number;
  stream?: ProgbarStream;
  /** Redraw in place; defaults to the stream being a TTY. */
  dynamic?: boolean;
  /** Clock in seconds (tests inject one). */
  now?: () => number;
  unitName?: string;
}

const wallClock = (): number => performance.now() / 1000;

/** Python '%.4f' above 1e-3 in magnitude, '%.4e' below, as Keras prints metric values. */
export function formatMetric(v: number): string {
  return Math.abs(v) > 1e-3 ? pyFixed(v, 4) : pyExp(v, 4);
}

/** Keras _format_time: ' 12ms/step', ' 3s/epoch', ' 250us/step'. */
export function formatTimePerUnit(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return ` ${pyFixed(seconds, 0)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${pyFixed(seconds * 1e3, 0)}ms/${unit}`;
  return ` ${pyFixed(seconds * 1e6, 0)}us/${unit}`;
}

function formatEta(eta: number): string {
  const t = Math.floor(eta);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (eta > 3600) return `${Math.floor(t / 3600)}:${two(Math.floor((t % 3600) / 60))}:${two(t % 60)}`;
  if (eta > 60) return `${Math.floor(t / 60)}:${two(t % 60)}`;
  return `${t}s`;
}

/** One progress bar over `target` steps (null when unknown). Values are shown as given (already running means). */
export class Progbar {
  target: number | null;
  readonly width: number;
  readonly interval: number;
  readonly dynamic: boolean;
  readonly unitName: string;
  readonly #stream: ProgbarStream;
  readonly #now: () => number;
  readonly #values = new Map<string, number>();
  readonly #start: number;
  #lastUpdate = -Infinity;
  #timeAfterFirstStep: number | null = null;
  #prevWidth = 0;

  constructor(target: number | null, o: ProgbarOptions = {}) {
    this.target = target;
    this.width = o.width ?? 30;
    this.interval = o.interval ?? 0.05;
    this.#stream = o.stream ?? process.stdout;
    this.dynamic = o.dynamic ?? this.#stream.isTTY === true;
    this.unitName = o.unitName ?? 'step';
    this.#now = o.now ?? wallClock;
    this.#start = this.#now();
  }

  /** Whether an update now would redraw (a dynamic bar whose refresh interval has passed). */
  wouldRedraw(): boolean {
    return this.dynamic && this.#now() - this.#lastUpdate >= this.interval;
  }

  #stepDuration(current: number, now: number): number {
    if (!current) return 0;
    // The first step (compilation, warm-up) is left out of the estimate once there are others.
    const afterFirst = this.#timeAfterFirstStep;
    const perUnit = afterFirst !== null && current > 1 ? (now - afterFirst) / (current - 1) : (now - this.#start) / current;
    if (current === 1) this.#timeAfterFirstStep = now;
    return perUnit;
  }

  #metrics(): string {
    let s = '';
    for (const [k, v] of this.#values) s += ` - ${k}: ${formatMetric(v)}`;
    return s;
  }

  /** Records step `current` (1-based) with the latest values; `finalize` defaults to reaching the target. */
  update(current: number, values: Logs = {}, finalize = this.target !== null && current >= this.target): void {
    for (const [k, v] of Object.entries(values)) this.#values.set(k, v);
    const now = this.#now();
    const perUnit = this.#stepDuration(current, now);
    if (this.dynamic) {
      if (now - this.#lastUpdate < this.interval && !finalize) return;
      let bar: string;
      if (this.target !== null) {
        const digits = String(this.target).length;
        bar = `${String(current).padStart(digits)}/${this.target} [`;
        const filled = Math.floor(this.width * Math.min(1, current / this.target));
        if (filled > 0) bar += '='.repeat(filled - 1) + (current < this.target ? '>' : '=');
        bar += '.'.repeat(this.width - filled) + ']';
      } else bar = `${String(current).padStart(7)}/Unknown`;
      let info: string;
      if (this.target === null || finalize) info = ` - ${pyFixed(now - this.#start, 0)}s${formatTimePerUnit(perUnit, this.unitName)}`;
      else info = ` - ETA: ${formatEta(perUnit * (this.target - current))}`;
      info += this.#metrics();
      const width = bar.length + info.length;
      const pad = Math.max(0, this.#prevWidth - width);
      this.#stream.write(`\r${bar}${info}${' '.repeat(pad)}${finalize ? '\n' : ''}`);
      this.#prevWidth = finalize ? 0 : width;
    } else if (finalize) {
      const total = this.target ?? current;
      const count = `${String(current).padStart(String(total).length)}/${total}`;
      const elapsed = now - this.#start;
      const times = ` -${formatTimePerUnit(elapsed, 'epoch')} -${formatTimePerUnit(elapsed / Math.max(1, current), this.unitName)}`;
      this.#stream.write(`${count} - ${pyFixed(elapsed, 0)}s${this.#metrics()}${times}\n`);
    }
    this.#lastUpdate = now;
  }
}

export interface ProgbarLoggerOptions extends Omit<ProgbarOptions, 'unitName'> {}

/**
 * Keras ProgbarLogger: 'Epoch i/n' then a bar per epoch, fed with each batch's logs and finalised with the
 * epoch's logs (validation metrics included). Silent when params.verbose is 0.
 */
export class ProgbarLogger extends Callback {
  readonly #o: ProgbarLoggerOptions;
  #bar: Progbar | null = null;
  #seen = 0;

  constructor(o: ProgbarLoggerOptions = {}) {
    super();
    this.#o = o;
  }

  get #stream(): ProgbarStream {
    return this.#o.stream ?? process.stdout;
  }

  override onEpochBegin(epoch: number): void {
    if (this.params.verbose === 0) return;
    if (this.params.epochs > 1) this.#stream.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.#bar = new Progbar(this.params.steps, { ...this.#o, unitName: 'step' });
    this.#seen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.#seen = batch + 1;
    if (this.#bar?.dynamic) this.#bar.update(this.#seen, logs, false);
  }

  override wantsBatchLogs(): boolean {
    return this.#bar?.wouldRedraw() ?? false;
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    if (!this.#bar) return;
    if (this.#bar.target === null) this.#bar.target = this.#seen;
    // An epoch cut short (a time limit) shows the steps it ran, not the target.
    this.#bar.update(this.#seen, logs, true);
    this.#bar = null;
  }
}
