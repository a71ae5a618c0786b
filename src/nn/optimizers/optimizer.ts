// The optimiser base: Keras semantics for `iterations` (updates applied so far, from 0), the learning rate
// (a number or a schedule evaluated at `iterations`), slots created lazily per parameter and owned here, and
// Keras-style weight names for checkpoints. Subclasses give the update rule and its per-step coefficients.

import { fill } from '../../kernels/fill.js';
import { addScalar, hostEffect, perStep, StepValue, type Scalar } from '../../tensor/capture.js';
import { fusedUpdates, type UpdateRule } from '../../kernels/optimizer.js';
import { unscoped } from '../../tensor/scope.js';
import { fmtShape, sameShape } from '../../tensor/shape.js';
import { Tensor, writeInto } from '../../tensor/tensor.js';
import type { Constraint } from '../constraints.js';
import { evalLearningRate, LearningRateSchedule, type LearningRate } from '../schedules.js';
import { assignTensor, type NamedTensor } from '../weights.js';
import { checkNumber, type Range } from '../check.js';

export interface ApplyOptions {
  /** Constraints projected onto their parameter right after its update (Keras `kernel_constraint`). */
  constraints?: ReadonlyMap<Tensor, Constraint>;
  /**
   * Flags a non-finite gradient on the GPU, in the update pass itself: health[0] = min(health[0], codeBase + i)
   * for the i-th parameter (of `params`, or of the pairs) whose gradient holds a NaN or an infinity.
   */
  health?: { flags: Tensor; codeBase: Scalar };
}

/** Disposes and clears each parameter's `.grad` (backward accumulates into an existing grad, so clear between steps). */
export function clearGrads(params: readonly Tensor[]): void {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
}

/** What every optimiser's options share. */
export interface OptimizerOptions {
  learningRate?: LearningRate;
}

export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** Keras class name, also the prefix of weight names ('Adam/iter'). */
  readonly name: string;
  /** The options as given; subclasses' hyperparameter fields read them through hyper(). */
  protected readonly options: O;
  /** Updates applied so far (Keras `iterations`); a schedule sees this value during the next update. */
  iterations = 0;
  #lr: LearningRate;
  readonly #slots = new Map<Tensor, Tensor[]>();
  #iterTensor: Tensor | null = null;
  #disposed = false;

  constructor(name: string, options: O, defaultLearningRate: number) {
    this.name = name;
    this.options = options;
    const learningRate = options.learningRate ?? defaultLearningRate;
    // A number (or anything that is not a schedule) must be a usable rate.
    if (typeof learningRate !== 'function' && !(learningRate instanceof LearningRateSchedule)) {
      checkNumber(name, 'learningRate', learningRate, { min: 0 });
    }
    this.#lr = learningRate;
  }

  /**
   * A numeric hyperparameter for a field initialiser: the option of that name or Keras's default, checked against
   * `range` (errors name the optimiser).
   */
  protected hyper(name: keyof O & string, fallback: number, range: Range): number {
    return checkNumber(this.name, name, (this.options[name] as number | undefined) ?? fallback, range);
  }

  /** The update rule for the current configuration. */
  protected abstract rule(): UpdateRule;
  /** The rule's coefficients for the update about to be applied (`lr` already evaluated at `iterations`). */
  protected abstract coefficients(lr: number): Record<string, number>;
  /** Keras get_config entries beyond name and learning_rate. */
  protected abstract hyperConfig(): Record<string, unknown>;

  /** The learning rate the next update uses (a schedule is evaluated at `iterations`). */
  get learningRate(): number {
    return evalLearningRate(this.#lr, this.iterations);
  }

  /** Sets a constant learning rate (LearningRateScheduler, ReduceLROnPlateau). Throws when a schedule drives it, as Keras 3 does. */
  set learningRate(value: number) {
    if (typeof this.#lr !== 'number') {
      throw new Error(`${this.name}: the learning rate comes from a schedule, so it cannot be set ` +
        '(Keras: not settable when created with a LearningRateSchedule)');
    }
    checkNumber(this.name, 'learningRate', value, { min: 0 });
    this.#lr = value;
  }

  /** The schedule driving the learning rate, or null for a constant one. */
  get learningRateSchedule(): Exclude<LearningRate, number> | null {
    return typeof this.#lr === 'number' ? null : this.#lr;
  }

  /**
   * Applies one update to every parameter that has a `.grad` (others are skipped), in place, then projects
   * constrained parameters; increments `iterations` once. Gradients are left as they are (clear them before the
   * next backward, which accumulates into `.grad`).
   */
  apply(params: readonly Tensor[], opts: ApplyOptions = {}): void {
    this.#update(params.flatMap((p, i) => (p.grad ? [[p.grad, p, i] as const] : [])), opts);
  }

  /**
   * Keras's apply_gradients: one update from explicit (gradient, parameter) pairs, whatever `.grad` holds;
   * the gradients stay the caller's. Increments `iterations` once.
   */
  applyGradients(pairs: ReadonlyArray<readonly [Tensor, Tensor]>, opts: ApplyOptions = {}): void {
    for (const [g, p] of pairs) {
      if (!g?.isTensor || !p?.isTensor) throw new Error(`${this.name}: applyGradients expects [gradient, parameter] tensor pairs`);
      if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
        throw new Error(`${this.name}: gradient [${g.shape.join(', ')}] does not match its parameter${p.name ? ` '${p.name}'` : ''} [${p.shape.join(', ')}]`);
      }
    }
    this.#update(pairs.map(([g, p], i) => [g, p, i] as const), opts);
  }

  #update(pairs: ReadonlyArray<readonly [Tensor, Tensor, number]>, opts: ApplyOptions): void {
    if (this.#disposed) throw new Error(`${this.name}: apply() after dispose()`);
    const rule = this.rule();
    // Per-step values: a replayed step (tensor/capture.ts) evaluates the schedule and the coefficients again.
    const current = perStep(() => this.coefficients(this.learningRate));
    const coeffs = Object.fromEntries(Object.keys(current()).map((k) => [k, new StepValue(() => current()[k]!)]));
    const h = opts.health;
    // One dispatch per few parameters (fusedUpdates packs them), then each constraint on its updated parameter.
    const items = pairs.map(([g, p, i]) => ({ p, g, slots: this.#slotsFor(p, rule), code: h ? addScalar(h.codeBase, i) : undefined }));
    fusedUpdates(rule, items, coeffs, h?.flags);
    for (const [, p] of pairs) opts.constraints?.get(p)?.apply(p);
    hostEffect(() => this.iterations++);
  }

  #slotsFor(p: Tensor, rule: UpdateRule): Tensor[] {
    let slots = this.#slots.get(p);
    if (!slots) {
      slots = unscoped(() => rule.slots.map(() => fill(p.shape, 0, 'f32', p.device)));
      this.#slots.set(p, slots);
    }
    return slots;
  }

  /** Slot names of the current configuration, in Keras order (e.g. ['m', 'v']). */
  get slotNames(): readonly string[] {
    return this.rule().slots;
  }

  /** The slot tensors of one parameter (owned by the optimiser), or null before its first update. */
  getSlots(p: Tensor): readonly Tensor[] | null {
    return this.#slots.get(p) ?? null;
  }

  /** Keras get_config: name, learning_rate (a number, or {class_name, config} for a schedule) and the hyperparameters. */
  getConfig(): Record<string, unknown> {
    const lr = this.#lr;
    const learningRate = typeof lr === 'number' ? lr
      : lr instanceof LearningRateSchedule ? { class_name: lr.className, config: lr.getConfig() }
      : { class_name: 'function', config: {} };
    return { name: this.name, learning_rate: learningRate, ...this.hyperConfig() };
  }

  /**
   * The optimiser's state for checkpoints, Keras optimizer_v2 style: '<name>/iter' (i32 scalar) then
   * '<name>/<param name>/<slot>' for each parameter updated so far, in first-update order. A parameter without a
   * name is called 'param<i>' after its position. The tensors belong to the optimiser: do not dispose them.
   */
  weights(): NamedTensor[] {
    if (this.#disposed) throw new Error(`${this.name}: weights() after dispose()`);
    this.#iterTensor ??= unscoped(() => Tensor.empty([], 'i32', [...this.#slots.keys()][0]?.device));
    writeInto(this.#iterTensor, [this.iterations]);
    const out: NamedTensor[] = [{ name: `${this.name}/iter`, tensor: this.#iterTensor }];
    const slotNames = this.rule().slots;
    let i = 0;
    for (const [p, slots] of this.#slots) {
      const pname = p.name ?? `param${i}`;
      slots.forEach((s, k) => out.push({ name: `${this.name}/${pname}/${slotNames[k]}`, tensor: s }));
      i++;
    }
    return out;
  }

  /**
   * Restores state saved by `weights()` for `params` (the same parameters in the same order, so unnamed ones map
   * to the same 'param<i>'). Slots missing from `weights` are an error; iterations come from '<name>/iter'.
   */
  async setWeights(weights: readonly NamedTensor[], params: readonly Tensor[]): Promise<void> {
    const byName = new Map(weights.map((w) => [w.name, w.tensor]));
    const iter = byName.get(`${this.name}/iter`);
    if (!iter) throw new Error(`${this.name}.setWeights: '${this.name}/iter' is missing`);
    const rule = this.rule();
    const problems: string[] = [];
    params.forEach((p, i) => {
      for (const slot of rule.slots) {
        const key = `${this.name}/${p.name ?? `param${i}`}/${slot}`;
        const src = byName.get(key);
        if (!src) problems.push(`'${key}' is missing`);
        else if (!sameShape(src.shape, p.shape)) problems.push(`'${key}': shape ${fmtShape(src.shape)} given vs ${fmtShape(p.shape)} expected`);
      }
    });
    if (problems.length) throw new Error(`${this.name}.setWeights: ${problems.join('; ')}`);
    const iterations = await iter.item();
    params.forEach((p, i) => {
      const slots = this.#slotsFor(p, rule);
      rule.slots.forEach((slot, k) => {
        assignTensor(slots[k]!, byName.get(`${this.name}/${p.name ?? `param${i}`}/${slot}`)!, `${this.name}.setWeights`);
      });
    });
    this.iterations = iterations;
  }

  /** Frees every slot; the optimiser cannot be used afterwards. */
  dispose(): void {
    for (const slots of this.#slots.values()) for (const s of slots) s.dispose();
    this.#slots.clear();
    this.#iterTensor?.dispose();
    this.#iterTensor = null;
    this.#disposed = true;
  }
}
