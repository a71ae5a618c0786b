// The define-by-run tape. Each op output that needs a gradient carries a TapeNode; backward() walks the nodes in
// reverse topological order, accumulates gradients of tensors used twice, reduces broadcast gradients to their
// input's shape (here, once, for every op) and frees each node's saved tensors as soon as its gradients exist.

import { binary } from '../kernels/elementwise.js';
import { fill } from '../kernels/fill.js';
import { reduce } from '../kernels/reduce.js';
import { scope, untrack, unscoped } from '../tensor/scope.js';
import { fmtShape, sameShape, type Shape } from '../tensor/shape.js';
import type { GradNode, Tensor } from '../tensor/tensor.js';
import type { OpDef } from './op.js';

let gradDisabled = 0;

export function isGradEnabled(): boolean {
  return gradDisabled === 0;
}

/** Runs `fn` without recording anything on the tape (evaluation, optimizer updates, gradient rules). */
export function noGrad<T>(fn: () => T): T {
  gradDisabled++;
  try {
    return fn();
  } finally {
    gradDisabled--;
  }
}

export class TapeNode implements GradNode {
  readonly opName: string;
  readonly inputs: Record<string, Tensor>;
  readonly shapes: Record<string, Shape>;
  readonly saved: Record<string, Tensor> = {};
  #released = false;

  constructor(
    readonly def: OpDef<string, unknown, string, string>,
    inputs: Record<string, Tensor>,
    readonly attrs: unknown,
    readonly needs: Record<string, boolean>,
    readonly output: Tensor,
    extraSaved: Record<string, Tensor>,
  ) {
    this.opName = def.name;
    this.inputs = { ...inputs };
    this.shapes = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.shape]));
    // Saved tensors are views outside every scope: the user's tensors may be disposed before backward runs.
    for (const name of def.save ?? []) {
      const t = name === 'y' ? output : inputs[name]!;
      this.saved[name] = unscoped(() => t.view(t.shape));
    }
    for (const [name, t] of Object.entries(extraSaved)) this.saved[name] = untrack(t);
  }

  get released(): boolean {
    return this.#released;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const t of Object.values(this.saved)) t.dispose();
  }
}

function nodeOf(t: Tensor): TapeNode | null {
  return t.node instanceof TapeNode ? t.node : null;
}

function freedError(node: TapeNode): Error {
  return new Error(`backward: the graph through '${node.opName}' was already freed by an earlier backward(); pass { retainGraph: true } to it`);
}

/** The inputs of `node` that need a gradient; throws when one was disposed (its gradient has nowhere to go). */
function gradInputs(node: TapeNode): Tensor[] {
  return Object.entries(node.inputs).flatMap(([name, t]) => {
    if (!node.needs[name]) return [];
    if (t.isDisposed) {
      throw new Error(`backward: input '${name}' ${fmtShape(t.shape)} of '${node.opName}' was disposed before backward() ` +
        '(a scope closed over it?); run backward() inside the scope that made the graph');
    }
    return [t];
  });
}

/** Nodes reachable from `root`, inputs before the ops that consume them. */
function topoOrder(root: TapeNode): TapeNode[] {
  if (root.released) throw freedError(root);
  const order: TapeNode[] = [];
  const seen = new Set<TapeNode>([root]);
  const stack: Array<{ node: TapeNode; next: number; inputs: Tensor[] }> = [{ node: root, next: 0, inputs: gradInputs(root) }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.inputs.length) {
      const child = nodeOf(top.inputs[top.next++]!);
      if (child && !seen.has(child)) {
        if (child.released) throw freedError(child);
        seen.add(child);
        stack.push({ node: child, next: 0, inputs: gradInputs(child) });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

/** Sums a broadcast gradient back down to `shape` (leading axes and axes that were 1). */
export function sumTo(g: Tensor, shape: Shape, opName: string): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new Error(`${opName}: gradient ${fmtShape(g.shape)} has fewer axes than its input ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new Error(`${opName}: gradient ${fmtShape(g.shape)} does not broadcast to its input ${fmtShape(shape)}`);
  }
  const summed = reduce('sum', g, axes, true);
  const out = summed.view(shape);
  summed.dispose();
  return out;
}

/** Runs the gradient rules of `order` from the output back, accumulating into `grads`. */
function propagate(order: TapeNode[], grads: Map<Tensor, Tensor>, accumulate: (t: Tensor, g: Tensor) => void, retainGraph: boolean): void {
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const dy = grads.get(node.output);
    if (!dy) continue;
    grads.delete(node.output);
    try {
      if (node.def.backward === 'none') throw new Error(`backward: op '${node.opName}' is not differentiable`);
      const ctx = { saved: node.saved, shapes: node.shapes, attrs: node.attrs, needs: node.needs };
      const rule = node.def.backward;
      // The rule runs in its own scope: whatever it makes besides the returned gradients dies with it, also when
      // it throws, so rules free nothing by hand.
      const found = scope(() => {
        const thunks = rule(ctx, dy) as Record<string, (() => Tensor) | undefined>;
        return Object.entries(node.inputs).flatMap(([name, input]) => {
          if (!node.needs[name]) return [];
          const thunk = thunks[name];
          if (!thunk) throw new Error(`backward: op '${node.opName}' gives no gradient for its input '${name}'`);
          return [{ input, g: sumTo(thunk(), node.shapes[name]!, node.opName) }];
        });
      });
      for (const { input, g } of found) accumulate(input, g);
    } finally {
      dy.dispose();
    }
    if (!retainGraph) node.release();
  }
}

export interface BackwardOptions {
  /** Gradient of the output; defaults to ones (for a scalar loss). */
  dy?: Tensor;
  /** Keep saved tensors so backward can run through the same graph again. */
  retainGraph?: boolean;
}

/**
 * Back-propagates from `y` and accumulates into `.grad` of every leaf (a tensor with requiresGrad and no node).
 * Leaf gradients belong to their leaf; everything else made here is freed before returning.
 */
export function backward(y: Tensor, opts: BackwardOptions = {}): void {
  y.assertAlive('backward', 'y');
  if (!y.requiresGrad) throw new Error('backward: the tensor does not require a gradient (no input of its graph has requiresGrad)');
  if (!opts.dy && y.size !== 1) throw new Error(`backward: y has shape ${fmtShape(y.shape)}; pass { dy } for a non-scalar output`);
  if (opts.dy && !sameShape(opts.dy.shape, y.shape)) throw new Error(`backward: dy ${fmtShape(opts.dy.shape)} does not match y ${fmtShape(y.shape)}`);
  const root = nodeOf(y);
  const order = root ? topoOrder(root) : [];
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(y, opts.dy ? opts.dy.view(y.shape) : fill(y.shape, 1, 'f32', y.device));
    const accumulate = (t: Tensor, g: Tensor): void => {
      const prev = grads.get(t);
      if (!prev) {
        grads.set(t, g);
        return;
      }
      grads.set(t, binary('add', prev, g));
      prev.dispose();
      g.dispose();
    };
    try {
      propagate(order, grads, accumulate, opts.retainGraph ?? false);
    } catch (err) {
      // A failing gradient rule must not leak the gradients computed so far.
      for (const g of grads.values()) g.dispose();
      throw err;
    }
    for (const [t, g] of grads) {
      if (nodeOf(t)) {
        g.dispose();
        continue;
      }
      if (t.grad) {
        const sum = binary('add', t.grad, g);
        t.grad.dispose();
        g.dispose();
        t.grad = untrack(sum);
      } else {
        t.grad = untrack(g);
      }
    }
  });
}
