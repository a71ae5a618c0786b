// Training health without a per-step readback: a small i32 buffer that the fused optimiser updates (a gradient
// that is not finite) and the metrics pass (a non-finite loss, a sparse label outside [0, C)) write on the GPU,
// read only when the metrics are read anyway (progress refreshes, checkpoints, epoch ends). A bad value then
// stops training with one error naming the step, the first layer whose gradient is not finite, or the label.

import { HEALTH } from '../kernels/metrics.js';
import { fill } from '../kernels/fill.js';
import { unscoped } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Weight } from './layer.js';

/** Thrown when training produced a NaN or an infinity (the loss or a gradient). */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

/** Thrown when a sparse label is outside [0, classes). */
export class LabelRangeError extends Error {
  override name = 'LabelRangeError';
}

export class TrainingHealth {
  readonly flags: Tensor;
  /** Classes of the model's output (the last batch's), for the label message. */
  classes = 0;

  /**
   * `what` names the caller in messages ('fit', 'evaluate'); `weights` are the trainable weights in the order the
   * optimiser is given them; `lossName` names the loss; `epoch` is 0-based.
   */
  constructor(device: Tensor['device'], readonly what: string, readonly weights: readonly Weight[], readonly lossName: string,
    readonly epoch: number | null = null, readonly steps: number | null = null) {
    this.flags = unscoped(() => fill([HEALTH.size], HEALTH.NONE, 'i32', device));
  }

  /** The optimiser's code base for `step`: a gradient of weight i at that step flags step * P + i. */
  gradCodeBase(step: number): number {
    return step * Math.max(1, this.weights.length);
  }

  #where(step: number): string {
    const s = `step ${step + 1}${this.steps === null ? '' : `/${this.steps}`}`;
    return this.epoch === null ? s : `epoch ${this.epoch + 1}, ${s}`;
  }

  /** Reads the flags back (a few bytes) and throws if anything went wrong since this epoch began. */
  async check(o: { labelsOnly?: boolean } = {}): Promise<void> {
    const f = await this.flags.data();
    const labelStep = f[HEALTH.labelStep]!, lossStep = f[HEALTH.lossStep]!, gradCode = f[HEALTH.gradCode]!;
    if (labelStep !== HEALTH.NONE) {
      const c = this.classes;
      throw new LabelRangeError(`${this.what}: ${this.lossName}: label ${f[HEALTH.label]} at ${this.#where(labelStep)} is out of range: ` +
        `the model outputs ${c} classes, so labels must be integers in [0, ${c})`);
    }
    if (o.labelsOnly || (lossStep === HEALTH.NONE && gradCode === HEALTH.NONE)) return;
    const P = Math.max(1, this.weights.length);
    const parts: string[] = [];
    if (lossStep !== HEALTH.NONE) parts.push(`the loss (${this.lossName}) is not finite (NaN or Inf) from ${this.#where(lossStep)} on`);
    if (gradCode !== HEALTH.NONE) {
      const w = this.weights[gradCode % P];
      parts.push(`the first gradient that is not finite is that of '${w?.path ?? `weight ${gradCode % P}`}'${w ? ` (layer ${w.layer.name})` : ''}, ` +
        `at ${this.#where(Math.floor(gradCode / P))}`);
    }
    throw new NonFiniteError(`${this.what}: training diverged: ${parts.join('; ')}. Training stopped and no checkpoint was written from that ` +
      'step on (the last one holds finite weights); lower the learning rate or check the inputs');
  }

  dispose(): void {
    this.flags.dispose();
  }
}
