// Zero padding of the spatial axes of NHWC (Keras ZeroPadding2D) and its gradient, the matching crop of dy.
// One thread per output element; with C % 4 == 0 a thread moves four channels as one vec4.

import { fmtShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';

/** As Keras ZeroPadding2D accepts: p on all four sides, [h, w] symmetric, or [[top, bottom], [left, right]]. */
export type ZeroPadding = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

export interface Pads {
  top: number; bottom: number; left: number; right: number;
}

function parsePads(p: ZeroPadding): Pads | null {
  if (typeof p === 'number') return { top: p, bottom: p, left: p, right: p };
  if (!Array.isArray(p) || p.length !== 2) return null;
  const [a, b] = p as readonly unknown[];
  if (typeof a === 'number' && typeof b === 'number') return { top: a, bottom: a, left: b, right: b };
  if (Array.isArray(a) && Array.isArray(b) && a.length === 2 && b.length === 2) {
    return { top: a[0], bottom: a[1], left: b[0], right: b[1] };
  }
  return null;
}

/** Resolves the padding forms to four pads; throws naming the op on a bad form or negative/fractional values. */
export function resolvePads(p: ZeroPadding, op = 'zeroPad2d'): Pads {
  const pads = parsePads(p);
  if (!pads) throw new Error(`${op}: padding must be a number, [h, w] or [[top, bottom], [left, right]] but got ${JSON.stringify(p)}`);
  if (!Object.values(pads).every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${op}: padding must be non-negative integers but got ${JSON.stringify(p)}`);
  }
  return pads;
}

/** Output shape of zeroPad2d; throws unless x is rank 4. */
export function zeroPadShape(shape: Shape, pads: Pads, op = 'zeroPad2d'): number[] {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  const [N, H, W, C] = shape as [number, number, number, number];
  return [N, H + pads.top + pads.bottom, W + pads.left + pads.right, C];
}

const padKernel = variants((p: { vec4: boolean; grad: boolean }) => {
  const b = p.vec4 ? 'vec4f' : 'f32';
  return kernel({
    name: `zeroPad2d${p.grad ? 'Grad' : ''}${p.vec4 ? '_vec4' : ''}`,
    inputs: { x: b }, outputs: { y: b },
    // (H, W) are the unpadded sizes, (OH, OW) the padded ones; C counts channel groups.
    uniforms: { total: 'u32', H: 'u32', W: 'u32', OH: 'u32', OW: 'u32', C: 'u32', top: 'u32', left: 'u32' }, workgroup: WG,
    body: p.grad ? `
  // Gradient: each input cell reads dy at its padded position.
${flatThread()}
  let c = i % u.C;
  var r = i / u.C;
  let w = r % u.W;
  r = r / u.W;
  let h = r % u.H;
  let n = r / u.H;
  y[i] = x[((n * u.OH + h + u.top) * u.OW + w + u.left) * u.C + c];` : `
${flatThread()}
  let c = i % u.C;
  var r = i / u.C;
  let w = i32(r % u.OW) - i32(u.left);
  r = r / u.OW;
  let h = i32(r % u.OH) - i32(u.top);
  let n = r / u.OH;
  if (h < 0 || w < 0 || h >= i32(u.H) || w >= i32(u.W)) {
    y[i] = ${p.vec4 ? 'vec4<f32>(0.0)' : '0.0'};
    return;
  }
  y[i] = x[((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c];`,
  });
});

function run(src: Tensor, outShape: Shape, small: Shape, pads: Pads, grad: boolean): Tensor {
  const out = Tensor.empty(outShape, 'f32', src.device);
  const [N, H, W, C] = small as [number, number, number, number];
  const OH = H + pads.top + pads.bottom, OW = W + pads.left + pads.right;
  if (src.device === 'cpu') {
    const s = src.storage.data, o = out.storage.data;
    if (!grad) o.fill(0);
    for (let n = 0; n < N; n++) {
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          for (let c = 0; c < C; c++) {
            const inner = ((n * H + h) * W + w) * C + c, outer = ((n * OH + h + pads.top) * OW + w + pads.left) * C + c;
            if (grad) o[inner] = s[outer]!;
            else o[outer] = s[inner]!;
          }
        }
      }
    }
    return out;
  }
  const vec4 = C % 4 === 0, groups = vec4 ? C / 4 : C;
  const total = (grad ? N * H * W : N * OH * OW) * groups;
  const u = { total, H, W, OH, OW, C: groups, top: pads.top, left: pads.left };
  padKernel({ vec4, grad }).run({ x: src, y: out }, u, grid1d(total));
  return out;
}

/** Pads H and W of NHWC `x` with zeros. */
export function zeroPad2dForward(x: Tensor, pads: Pads): Tensor {
  return run(x, zeroPadShape(x.shape, pads), x.shape, pads, false);
}

/** Gradient of zeroPad2d: the interior of dy (the crop that undoes the padding). */
export function zeroPad2dBackward(dy: Tensor, xShape: Shape, pads: Pads): Tensor {
  return run(dy, xShape, xShape, pads, true);
}
