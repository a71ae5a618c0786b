// fit's training step, captured once and replayed (tensor/capture.ts). The first step of an epoch runs as usual
// (it builds layers and the optimiser's slots), the next two are recorded, and once their recordings agree every
// further step with the same batch shapes is a replay: one copy of the batch in, the recorded dispatches out,
// almost no JavaScript. When the two recordings disagree the step reads host state that a replay cannot see; the
// fit then runs every step as usual and says why once. A recording is dropped when a batch of another shape comes
// (a short last batch runs as usual), and when the model's compile config or trainable weights are no longer those
// it was recorded with (a callback that recompiles or freezes layers mid-epoch); other layer settings changed
// between batches take effect at the next epoch. WEBGPU_NN_REPLAY=off (or fit's `replay: false`) turns it off.

import { captureStep, type StepRecording } from '../tensor/capture.js';
import type { XY } from './training.js';

export class StepReplay {
  #ready: StepRecording | null = null;
  #candidate: StepRecording | null = null;
  #warm = 0;
  #off: string | null;
  #key: readonly unknown[] = [];

  /** `key` lists what a recording depends on by identity (the compile config, the trainable weights). */
  constructor(enabled: boolean, private readonly key: () => readonly unknown[] = () => [], private readonly onOff: (why: string) => void = () => {}) {
    this.#off = enabled ? null : 'turned off';
  }

  /** Runs one training step on `batch`: replayed when a recording fits it, else `step` (recorded when due). */
  run(batch: XY, step: (batch: XY) => void): void {
    const inputs = [batch.x, batch.y];
    if (this.#off !== null || batch.x.device !== 'webgpu' || batch.y.device !== 'webgpu') return step(batch);
    const key = this.key();
    if (key.length !== this.#key.length || key.some((k, i) => k !== this.#key[i])) {
      this.reset();
      this.#key = key;
    }
    if (this.#ready?.accepts(inputs)) {
      this.#ready.replay(inputs);
      return;
    }
    // Another batch shape (a short last batch) runs as usual, its buffers no longer held; so does the first step.
    if (this.#ready) {
      this.#ready.dispose();
      this.#ready = null;
      return step(batch);
    }
    if (this.#warm++ < 1) return step(batch);
    const rec = captureStep(inputs, ([x, y]) => step({ x: x!, y: y! }));
    const first = this.#candidate;
    if (!first || !first.accepts(inputs)) {
      first?.dispose();
      this.#candidate = rec;
      return;
    }
    this.#candidate = null;
    const why = first.differsFrom(rec);
    first.dispose();
    if (why === null) {
      this.#ready = rec;
      return;
    }
    rec.dispose();
    this.#off = why;
    this.onOff(why);
  }

  /** Forgets the recordings: at the end of an epoch (its metric buffers go), or after autotuning changed kernels. */
  reset(): void {
    this.#ready?.dispose();
    this.#candidate?.dispose();
    this.#ready = this.#candidate = null;
    this.#warm = 0;
  }
}
