// Training metrics accumulated on the GPU in one dispatch per step: acc[0] += loss * n and acc[1] += the number of
// rows whose argmax matches the label (sparse labels i32 [N], or one-hot / probability targets [N, C]), so a
// training loop reads metrics back once per progress refresh instead of once per step.
// Thread mapping: one workgroup of WG threads strides over the rows, then a tree reduction in workgroup memory.
// With a health buffer (i32 [4], see HEALTH) the same pass records the first step whose loss is not finite and the
// first step holding a sparse label outside [0, C), with the batch's first such label: checks without a readback.

import { scalarValue, type Scalar } from '../tensor/capture.js';
import { fmtShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { kernel, variants, WG } from './kernel.js';

/** Slots of the health buffer: [0] first non-finite gradient code (optimizer.ts), [1] first step with a non-finite
 * loss, [2] first step with an out-of-range label, [3] that label. NONE marks an empty slot. */
export const HEALTH = { gradCode: 0, lossStep: 1, labelStep: 2, label: 3, size: 4, NONE: 0x7fffffff } as const;

const accumulateKernel = variants((p: { sparse: boolean; checked: boolean }) =>
  kernel({
    name: `${p.sparse ? 'accumulateMetricsSparse' : 'accumulateMetricsDense'}${p.checked ? 'Checked' : ''}`,
    inputs: { loss: 'f32', pred: 'f32', truth: p.sparse ? 'i32' : 'f32' },
    outputs: p.checked ? { acc: 'f32', health: 'i32' } : { acc: 'f32' },
    uniforms: p.checked ? { N: 'u32', C: 'u32', weight: 'f32', step: 'i32' } : { N: 'u32', C: 'u32', weight: 'f32' },
    workgroup: WG,
    helpers: `
var<workgroup> partial: array<f32, ${WG}>;
var<workgroup> badRow: array<u32, ${WG}>;
// First index of the row maximum: ties and NaN resolve as argmax does (first occurrence; NaN wins).
fn rowArgmax(base: u32, C: u32, fromTruth: bool) -> u32 {
  var best = 0u;
  var bestV = ${p.sparse ? 'pred[base]' : 'select(pred[base], truth[base], fromTruth)'};
  for (var c = 1u; c < C; c++) {
    let v = ${p.sparse ? 'pred[base + c]' : 'select(pred[base + c], truth[base + c], fromTruth)'};
    if ((v > bestV || (isNan(v) && !isNan(bestV)))) { best = c; bestV = v; }
  }
  return best;
}`,
    body: `
  var correct = 0.0;
  var firstBad = 0xffffffffu;
  for (var r = lidx; r < u.N; r += WG.x) {
    let guess = rowArgmax(r * u.C, u.C, false);
    ${p.sparse ? 'let want = u32(truth[r]);' : 'let want = rowArgmax(r * u.C, u.C, true);'}
    ${p.sparse ? 'if (want >= u.C && firstBad == 0xffffffffu) { firstBad = r; }' : ''}
    if (guess == want) { correct += 1.0; }
  }
  partial[lidx] = correct;
  badRow[lidx] = firstBad;
  workgroupBarrier();
  for (var s = WG.x / 2u; s > 0u; s = s / 2u) {
    if (lidx < s) {
      partial[lidx] += partial[lidx + s];
      badRow[lidx] = min(badRow[lidx], badRow[lidx + s]);
    }
    workgroupBarrier();
  }
  if (lidx == 0u) {
    acc[0] += loss[0] * u.weight;
    acc[1] += partial[0];
    ${!p.checked ? '' : `if ((bitcast<u32>(loss[0]) & 0x7fffffffu) >= 0x7f800000u && u.step < health[1]) { health[1] = u.step; }
    if (badRow[0] != 0xffffffffu && u.step < health[2]) { health[2] = u.step; health[3] = ${p.sparse ? 'truth[badRow[0]]' : '0'}; }`}
  }`,
  }));

/**
 * acc (f32 [2], in place) += [loss * weight, correct predictions]. `pred` is [N, C]; `target` is i32 labels [N]
 * (or [N, 1]) or f32 one-hot/probabilities [N, C].
 */
export function accumulateMetrics(acc: Tensor, loss: Tensor, pred: Tensor, target: Tensor, weight: number, health?: { flags: Tensor; step: Scalar }): void {
  const sparse = target.dtype === 'i32';
  const N = pred.shape[0] ?? 1, C = pred.size / Math.max(1, N);
  if (pred.rank !== 2 || acc.size !== 2 || loss.size !== 1 || (sparse ? target.size !== N : target.size !== pred.size)) {
    throw new Error(`accumulateMetrics: pred ${fmtShape(pred.shape)}, target ${fmtShape(target.shape)} ${target.dtype}, loss ${fmtShape(loss.shape)}` +
      ` and acc ${fmtShape(acc.shape)} do not fit (pred [N, C], target [N] i32 or [N, C] f32, scalar loss, acc [2])`);
  }
  if (pred.device === 'cpu') {
    const ps = pred.storage.data, ts = target.storage.data, a = acc.storage.data;
    const argmax = (xs: Float64Array, base: number): number => {
      let best = 0;
      for (let c = 1; c < C; c++) if (xs[base + c]! > xs[base + best]! || (Number.isNaN(xs[base + c]) && !Number.isNaN(xs[base + best]))) best = c;
      return best;
    };
    let correct = 0;
    for (let r = 0; r < N; r++) if (argmax(ps, r * C) === (sparse ? ts[r] : argmax(ts, r * C))) correct++;
    a[0] = a[0]! + loss.storage.data[0]! * weight;
    a[1] = a[1]! + correct;
    const h = health?.flags.storage.data, step = scalarValue(health?.step ?? 0);
    if (h && !Number.isFinite(loss.storage.data[0]!) && step < h[HEALTH.lossStep]!) h[HEALTH.lossStep] = step;
    const bad = sparse ? Array.prototype.find.call(ts, (v: number) => !(v >= 0 && v < C)) as number | undefined : undefined;
    if (h && bad !== undefined && step < h[HEALTH.labelStep]!) [h[HEALTH.labelStep], h[HEALTH.label]] = [step, bad];
    return;
  }
  if (health) accumulateKernel({ sparse, checked: true }).run({ loss, pred, truth: target, acc, health: health.flags }, { N, C, weight, step: health.step }, [1]);
  else accumulateKernel({ sparse, checked: false }).run({ loss, pred, truth: target, acc }, { N, C, weight }, [1]);
}
