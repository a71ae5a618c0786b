// defineOp(): one declaration per op holding its shape rule, forward dispatch, what it saves and one lazy
// gradient per input. `apply` validates inputs, runs the forward without recording inner ops, and hangs a tape
// node on the output when an input needs a gradient.

import { fmtShape, sameShape, type DType, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { scope } from '../tensor/scope.js';
import { isGradEnabled, noGrad, TapeNode } from './tape.js';

/** Shape and dtype of a tensor, real or symbolic (the nn module infers output shapes from these). */
export interface Meta {
  shape: Shape;
  dtype: DType;
}

export type Inputs<I extends string> = { [K in I]: Tensor };

export interface ForwardResult<X extends string = string> {
  y: Tensor;
  /** Extra tensors the backward needs (e.g. max-pool argmax); the tape holds them until backward runs. */
  saved?: { [K in X]: Tensor };
  /** Non-differentiable side outputs handed to the caller (e.g. batch statistics). */
  aux?: Record<string, Tensor>;
}

export interface BackwardContext<I extends string, A, S extends string = never> {
  /** Saved inputs (those listed in `save`), the saved output as `y`, and forward's extra `saved` tensors. */
  saved: { [K in S]: Tensor };
  /** Shapes of every input, saved or not. */
  shapes: { [K in I]: Shape };
  attrs: A;
  /** Which inputs need a gradient; a rule may skip work for the others. */
  needs: { [K in I]: boolean };
}

export type GradThunks<I extends string> = Partial<{ [K in I]: () => Tensor }>;

/**
 * A value shared by several of one node's gradient thunks (dz of a fused activation, batchnorm's channel sums):
 * made on first use, then reused. The tape runs the rule in its own scope, so the value dies with that scope.
 */
export function memo<T>(make: () => T): () => T {
  let made: { v: T } | null = null;
  return () => (made ??= { v: make() }).v;
}

/**
 * One op: I names its inputs, A its attributes, S what it saves (inputs listed in `save`, 'y' for the output) and
 * X the extra tensors its forward saves. All four are inferred from the declaration, so the backward rule's
 * `saved` has exactly those keys.
 */
export interface OpDef<I extends string, A, S extends I | 'y' = never, X extends string = never> {
  name: string;
  inputs: readonly I[];
  /** Validates shapes/dtypes (throwing with the op's name) and returns the output's. */
  shape: (x: { [K in I]: Meta }, attrs: A) => Meta;
  forward: (x: Inputs<I>, attrs: A, out: Meta) => Tensor | ForwardResult<X>;
  /** Inputs (and 'y' for the output) the backward reads. */
  save?: readonly S[];
  /** One thunk per input (called only when that input needs a gradient), or 'none' for non-differentiable ops. */
  backward: 'none' | ((ctx: BackwardContext<I, A, S | X>, dy: Tensor) => GradThunks<I>);
}

/** A shape whose null dims are unknown (a Keras shape's batch axis, or a spatial axis left open). */
export type SymbolicShape = readonly (number | null)[];

export interface SymbolicMeta {
  shape: SymbolicShape;
  dtype: DType;
}

/** A defined op as its users see it: what it saves and its rule's types stay inside the declaration. */
export interface Op<I extends string, A> {
  name: string;
  inputs: readonly I[];
  save?: readonly (I | 'y')[];
  shape: (x: { [K in I]: Meta }, attrs: A) => Meta;
  /** The gradient rule, or 'none' for non-differentiable ops (only the tape calls it). */
  backward: 'none' | ((ctx: never, dy: Tensor) => unknown);
  apply(x: Inputs<I>, attrs: A): Tensor;
  applyWithAux(x: Inputs<I>, attrs: A): { y: Tensor; aux: Record<string, Tensor> };
  /** The shape rule on shapes that may have unknown (null) dims: the nn layers' output shapes come from here. */
  infer(x: { [K in I]: SymbolicMeta }, attrs: A): SymbolicMeta;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOp = Op<any, any>;

function checkInputs<I extends string>(def: { name: string; inputs: readonly I[] }, x: Inputs<I>): void {
  let first: { name: string; t: Tensor } | undefined;
  for (const name of def.inputs) {
    const t = x[name];
    if (!t || (t as { isTensor?: boolean }).isTensor !== true) throw new Error(`${def.name}: input '${name}' is not a Tensor`);
    t.assertAlive(def.name, name);
    if (first && t.device !== first.t.device) {
      throw new Error(`${def.name}: input '${name}' ${fmtShape(t.shape)} is on ${t.device} but input '${first.name}' ` +
        `${fmtShape(first.t.shape)} is on ${first.t.device}`);
    }
    first ??= { name, t };
  }
}

// Unknown dims are probed with two sizes no real input has; an output dim that differs between the probes
// depends on an unknown one, so it is unknown too. Error messages show a probe as None.
const PROBES = [100_003, 200_003] as const;
const PROBE_RE = /\b(100003|200003)\b/g;

function inferSymbolic<I extends string, A>(def: Pick<OpDef<I, A>, 'inputs' | 'shape'>, x: { [K in I]: SymbolicMeta }, attrs: A): SymbolicMeta {
  const at = (probe: number): Meta => {
    const metas = {} as { [K in I]: Meta };
    for (const name of def.inputs) metas[name] = { shape: x[name].shape.map((d) => d ?? probe), dtype: x[name].dtype };
    return def.shape(metas, attrs);
  };
  try {
    const a = at(PROBES[0]);
    if (!def.inputs.some((name) => x[name].shape.includes(null))) return a;
    const b = at(PROBES[1]);
    return { shape: a.shape.map((d, i) => (d === b.shape[i] ? d : null)), dtype: a.dtype };
  } catch (err) {
    if (err instanceof Error) err.message = err.message.replace(PROBE_RE, 'None');
    throw err;
  }
}

export function defineOp<const I extends string, A = Record<string, never>, const S extends I | 'y' = never, const X extends string = never>(
  def: OpDef<I, A, S, X>,
): Op<I, A> {
  const infer = (x: { [K in I]: SymbolicMeta }, attrs: A): SymbolicMeta => inferSymbolic(def, x, attrs);

  const run = (x: Inputs<I>, attrs: A): ForwardResult => {
    checkInputs(def, x);
    const out = def.shape(x, attrs);
    // In a scope of its own, so what a forward allocated before it threw (a refused binding) is freed.
    const res = scope(() => noGrad(() => def.forward(x, attrs, out)));
    const result: ForwardResult = (res as { isTensor?: boolean }).isTensor ? { y: res as Tensor } : (res as ForwardResult);
    const { y } = result;
    if (!sameShape(y.shape, out.shape) || y.dtype !== out.dtype) {
      throw new Error(`${def.name}: forward returned ${fmtShape(y.shape)} ${y.dtype} but the shape rule says ${fmtShape(out.shape)} ${out.dtype}`);
    }
    const needs = {} as { [K in I]: boolean };
    let any = false;
    for (const name of def.inputs) {
      needs[name] = x[name].requiresGrad;
      any ||= needs[name];
    }
    if (any && def.backward !== 'none' && isGradEnabled()) {
      y.requiresGrad = true;
      y.node = new TapeNode(def as unknown as OpDef<string, unknown, string, string>, x, attrs, needs, y, result.saved ?? {});
    } else if (result.saved) {
      for (const t of Object.values(result.saved)) t.dispose();
    }
    return result;
  };

  return {
    ...def,
    infer,
    apply: (x, attrs) => run(x, attrs).y,
    applyWithAux: (x, attrs) => {
      const r = run(x, attrs);
      return { y: r.y, aux: r.aux ?? {} };
    },
  };
}
