// Pure shape helpers: sizes, strides, NumPy broadcasting, axis normalisation, conv/pool output sizes.
// Everything here is plain arithmetic on number arrays so that op shape rules and the CPU twins share it.

export type Shape = readonly number[];
export type DType = 'f32' | 'i32' | 'u8';

export const BYTES_PER_ELEMENT: Record<DType, number> = { f32: 4, i32: 4, u8: 1 };

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function assertValidShape(shape: Shape, op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
  }
}

/** NumPy broadcasting of two shapes; throws naming the op when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` read as if broadcast to `outShape`: broadcast axes get stride 0. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : strides[i - offset]!));
}

/**
 * Normalises possibly negative axes to [0, rank) and sorts them (null or undefined: every axis); throws naming the op (and the input's shape,
 * when given) on bad axes.
 */
export function normalizeAxes(axes: number | readonly number[] | null | undefined, rank: number, op: string, shape?: Shape): number[] {
  if (axes === undefined || axes === null) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const of = shape ? ` (x ${fmtShape(shape)})` : '';
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new Error(`${op}: axis ${a} is out of range for rank ${rank}${of}`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new Error(`${op}: repeated axis in ${fmtShape(list)}${of}`);
  return out.sort((x, y) => x - y);
}

/** Output shape after reducing `axes` (already normalised). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

export type Padding = 'valid' | 'same';

/**
 * Keras/TF output size and leading pad of one spatial axis. 'same' pads (out-1)*stride + k - in in total and
 * puts the extra cell at the end (bottom/right), as TensorFlow does.
 */
export function convAxis(inSize: number, k: number, stride: number, padding: Padding, dilation = 1): { out: number; padBefore: number } {
  const effK = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.max(0, Math.floor((inSize - effK) / stride) + 1), padBefore: 0 };
  const out = Math.ceil(inSize / stride);
  const total = Math.max(0, (out - 1) * stride + effK - inSize);
  return { out, padBefore: Math.floor(total / 2) };
}
