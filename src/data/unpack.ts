// Turns one uploaded batch into model inputs. The loader packs a batch as ONE byte array, [pixels (padded to 4) |
// labels as int32], uploads it into a 'u8' tensor (four bytes per u32 word on the GPU), and this kernel writes
// x = pixel * scale + offset (f32) and y (i32) in one dispatch. Thread t expands word t (4 pixels) and label t.

import { FLAT_ID, grid1d, kernel, WG } from '../kernels/kernel.js';
import { writeBuffer } from '../tensor/queue.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import type { DeviceKind } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';

/** Bytes of `elems` packed pixels, padded so the labels after them start on a word. */
export const pixelBytes = (elems: number): number => Math.ceil(elems / 4) * 4;
/** Bytes of a whole packed batch of `n` samples. */
export const packedBytes = (n: number, sampleElems: number): number => pixelBytes(n * sampleElems) + 4 * n;

const unpackKernel = kernel({
  name: 'loaderUnpack', inputs: { src: 'u8' }, outputs: { x: 'f32', y: 'i32' },
  uniforms: { words: 'u32', elems: 'u32', labelWord: 'u32', n: 'u32', scale: 'f32', offset: 'f32' }, workgroup: WG,
  body: `
  let t = ${FLAT_ID};
  if (t < u.n) { y[t] = bitcast<i32>(src[u.labelWord + t]); }
  if (t >= u.words) { return; }
  let w = src[t];
  for (var k = 0u; k < 4u; k++) {
    let e = 4u * t + k;
    if (e < u.elems) { x[e] = f32((w >> (8u * k)) & 0xffu) * u.scale + u.offset; }
  }`,
});

/** A 'u8' tensor able to hold a packed batch of up to `n` samples. */
export function packedInput(n: number, sampleElems: number, device: DeviceKind): Tensor {
  return Tensor.empty([packedBytes(n, sampleElems)], 'u8', device);
}

/** Copies a packed batch into `src` with one writeBuffer (queue.ts submits pending work first). */
export function uploadPacked(src: Tensor, packed: Uint8Array): void {
  if (packed.length > src.size) throw new Error(`loader: a packed batch of ${packed.length} bytes does not fit its ${src.size}-byte input buffer`);
  if (src.device === 'cpu') src.storage.data.set(packed);
  else writeBuffer(src.storage.buffer, 0, packed);
}

/**
 * Decodes a packed batch of n = xShape[0] samples: x f32 of `xShape` = pixel * scale + offset, y i32 [n].
 */
export function unpackBatch(src: Tensor, xShape: Shape, scale: number, offset: number): { x: Tensor; y: Tensor } {
  const n = xShape[0]!, elems = sizeOf(xShape);
  if (pixelBytes(elems) + 4 * n > src.size) throw new Error(`loaderUnpack: ${n} samples of [${xShape.slice(1).join(', ')}] exceed the ${src.size}-byte input buffer`);
  const x = Tensor.empty(xShape, 'f32', src.device);
  const y = Tensor.empty([n], 'i32', src.device);
  const labelWord = pixelBytes(elems) / 4;
  if (src.device === 'cpu') {
    const s = src.storage.data, xs = x.storage.data, ys = y.storage.data;
    for (let e = 0; e < elems; e++) xs[e] = s[e]! * scale + offset;
    for (let i = 0; i < n; i++) {
      const b = 4 * (labelWord + i);
      ys[i] = (s[b]! | (s[b + 1]! << 8) | (s[b + 2]! << 16) | (s[b + 3]! << 24)) >> 0;
    }
  } else {
    const words = Math.ceil(elems / 4);
    unpackKernel.run({ src, x, y }, { words, elems, labelWord, n, scale, offset }, grid1d(Math.max(words, n)));
  }
  return { x, y };
}
