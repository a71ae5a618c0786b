// Helpers shared by the layer files: Keras activation names, initialiser lookup, option normalisation (int or
// pair), and the per-layer seed stream stochastic layers draw from, so a seeded run repeats its dropout masks and
// augmentations (unseeded layers take their seed from the global sequence, see setSeed).

import { perStepValue, type StepValue } from '../../tensor/capture.js';
import * as ops from '../../autograd/api.js';
import { nextSeed } from '../../kernels/random.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { rememberLogits } from '../losses.js';

/** Keras activation names. */
export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'softplus' | 'relu6';
/**
 * Activations fused into dense/conv kernels. Sigmoid and softmax stay separate ops so the losses can find their
 * input (Keras's cached logits, see losses.ts).
 */
export const FUSABLE = new Set<ActivationName>(['linear', 'relu', 'tanh']);

export function applyActivation(x: Tensor, name: ActivationName | undefined): Tensor {
  switch (name ?? 'linear') {
    case 'linear': return x;
    case 'relu': return ops.relu(x);
    case 'sigmoid': return withLogits(ops.sigmoid(x), x);
    case 'tanh': return ops.tanh(x);
    case 'softmax': return withLogits(ops.softmax(x), x);
    case 'elu': return ops.elu(x);
    case 'softplus': return ops.softplus(x);
    case 'relu6': return ops.relu6(x);
    default: throw new Error(`unknown activation '${name}'`);
  }
}

function withLogits(probs: Tensor, logits: Tensor): Tensor {
  rememberLogits(probs, logits);
  return probs;
}

export function checkActivation(layer: string, name: string | undefined): ActivationName {
  const known: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'softplus', 'relu6'];
  const a = (name ?? 'linear') as ActivationName;
  if (!known.includes(a)) throw new Error(`${layer}: unknown activation '${name}' (known: ${known.join(', ')})`);
  return a;
}

/** Keras accepts an int or a pair for kernel sizes, strides and pool sizes. */
export function pair(v: number | readonly [number, number], what: string, layer: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`${layer}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

export type InitializerSpec = Initializer | string;

/** A new weight tensor from a Keras initialiser name ('glorot_uniform', ...) or instance. */
export function init(spec: InitializerSpec, shape: Shape): Tensor {
  return getInitializer(spec).apply(shape);
}

/** Per-call seeds for a stochastic layer: (layer seed, call index) -> seed. */
export class SeedStream {
  #calls = 0;
  #seed: number;
  constructor(seed: number = nextSeed()) {
    this.#seed = seed;
  }
  get seed(): number {
    return this.#seed;
  }
  next(): number {
    return (Math.imul(this.#seed ^ 0x27d4eb2f, 0x165667b1) + Math.imul(++this.#calls, 0x9e3779b1)) >>> 0;
  }
  /** The next seed, drawn again for each replayed step when the step is recorded (capture.ts). */
  nextPerStep(): StepValue {
    return perStepValue(() => this.next());
  }
  /** The stream's whole state, [seed, draws so far], which a resumed training run puts back. */
  get state(): [number, number] {
    return [this.#seed, this.#calls];
  }
  set state([seed, calls]: readonly number[]) {
    if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(calls) || calls! < 0) {
      throw new Error(`SeedStream: state must be [seed, calls] integers but got [${seed}, ${calls}]`);
    }
    this.#seed = seed!;
    this.#calls = calls!;
  }
}
