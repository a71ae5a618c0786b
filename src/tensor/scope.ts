// Ownership scopes. A tensor belongs to the innermost scope open when it was made; when that scope closes, every
// tensor it still owns is disposed except those returned by the scope's function. `keep` hands a tensor to the
// parent scope, `untrack` to the caller. Outside any scope tensors are the caller's to dispose.

import type { Tensor } from './tensor.js';

export class Scope {
  readonly tensors = new Set<Tensor>();
  constructor(readonly parent: Scope | null) {}
}

let current: Scope | null = null;

/** Called by the Tensor constructor. */
export function adopt(t: Tensor): Scope | null {
  current?.tensors.add(t);
  return current;
}

function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ((value as { isTensor?: boolean }).isTensor === true) {
    out.add(value as Tensor);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
}

/**
 * Runs `fn` in a new scope. Tensors found in its result (a tensor, or arrays / plain objects / Maps of them)
 * move to the enclosing scope; every other tensor made inside is disposed, also when `fn` throws.
 * `fn` must be synchronous: tensors made by other code during an `await` would land in the wrong scope.
 */
export function scope<T>(fn: () => T): T {
  const s = new Scope(current);
  current = s;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    current = s.parent;
    for (const t of s.tensors) t.dispose();
    throw err;
  }
  current = s.parent;
  if (result instanceof Promise) {
    for (const t of s.tensors) t.dispose();
    throw new Error('scope(fn): fn returned a Promise; scopes only take synchronous functions (await outside the scope)');
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  for (const t of s.tensors) {
    if (kept.has(t)) moveTo(t, s.parent);
    else t.dispose();
  }
  return result;
}

function moveTo(t: Tensor, target: Scope | null): void {
  t.owner?.tensors.delete(t);
  t.owner = target;
  target?.tensors.add(t);
}

/** Moves a tensor from its scope to that scope's parent, so it outlives the scope it was made in. */
export function keep<T extends Tensor>(t: T): T {
  moveTo(t, t.owner?.parent ?? null);
  return t;
}

/** Takes a tensor out of every scope: the caller now disposes it (parameters, optimizer slots, loader buffers). */
export function untrack<T extends Tensor>(t: T): T {
  moveTo(t, null);
  return t;
}

/** Runs `fn` with no scope open, so what it makes belongs to the caller. */
export function unscoped<T>(fn: () => T): T {
  const saved = current;
  current = null;
  try {
    return fn();
  } finally {
    current = saved;
  }
}
