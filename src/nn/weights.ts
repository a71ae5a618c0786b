// Named tensors (how weights travel between models, optimisers, checkpoints and files) and device-side copies,
// so in-memory snapshots (EarlyStopping's best weights) never round-trip through the host.

import { copyBuffer } from '../tensor/queue.js';
import { unscoped } from '../tensor/scope.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A tensor with the name it is saved and restored under (Keras-style, e.g. 'dense/kernel'). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** A new tensor with the same values (a device-side copy), owned by the caller and outside every scope. */
export function copyTensor(t: Tensor): Tensor {
  t.assertAlive('copyTensor');
  const out = unscoped(() => Tensor.empty(t.shape, t.dtype, t.device));
  writeFrom(out, t);
  return out;
}

/** Overwrites `dst` with the values of `src` (same shape and dtype), on the device. */
export function assignTensor(dst: Tensor, src: Tensor, what = 'assign'): void {
  dst.assertAlive(what, 'dst');
  src.assertAlive(what, 'src');
  if (!sameShape(dst.shape, src.shape) || dst.dtype !== src.dtype) {
    throw new Error(`${what}: cannot assign ${src.dtype} ${fmtShape(src.shape)} to ${dst.dtype} ${fmtShape(dst.shape)}`);
  }
  if (dst.device !== src.device) throw new Error(`${what}: source on '${src.device}' but destination on '${dst.device}'`);
  if (dst.storage === src.storage) return;
  writeFrom(dst, src);
}

function writeFrom(dst: Tensor, src: Tensor): void {
  if (src.device === 'cpu') {
    dst.storage.data.set(src.storage.data);
    return;
  }
  // Both buffers come from the pool in buckets of at least bindBytes, so rounding up to whole words stays inside.
  const bytes = Math.ceil(src.storage.bytes / 4) * 4;
  if (bytes > 0) copyBuffer(src.storage.buffer, 0, dst.storage.buffer, 0, bytes);
}

/** Device-side copies of every tensor, keeping the names (the caller disposes them with `disposeNamed`). */
export function copyNamed(weights: readonly NamedTensor[]): NamedTensor[] {
  return weights.map(({ name, tensor }) => ({ name, tensor: copyTensor(tensor) }));
}

export function disposeNamed(weights: readonly NamedTensor[] | null | undefined): void {
  for (const w of weights ?? []) w.tensor.dispose();
}

/**
 * Copies `sources` into `targets` by name. Every target must have a source of the same shape and dtype, and every
 * source a target; otherwise nothing is written and the error lists each mismatch.
 */
export function assignNamed(targets: readonly NamedTensor[], sources: readonly NamedTensor[], what = 'setWeights'): void {
  const byName = new Map(sources.map((s) => [s.name, s.tensor]));
  const problems: string[] = [];
  for (const t of targets) {
    const s = byName.get(t.name);
    if (!s) problems.push(`'${t.name}' is missing`);
    else if (!sameShape(s.shape, t.tensor.shape)) {
      problems.push(`'${t.name}': shape ${fmtShape(s.shape)} given vs ${fmtShape(t.tensor.shape)} expected`);
    }
    else if (s.dtype !== t.tensor.dtype) problems.push(`'${t.name}': dtype ${s.dtype} given vs ${t.tensor.dtype} expected`);
  }
  const targetNames = new Set(targets.map((t) => t.name));
  for (const s of sources) if (!targetNames.has(s.name)) problems.push(`'${s.name}' is unexpected`);
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
  for (const t of targets) assignTensor(t.tensor, byName.get(t.name)!, what);
}
