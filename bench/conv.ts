// Conv GFLOP/s on the shapes of peer-baselines.md: the implicit-GEMM forward and both gradients against the naive
// direct kernel (one thread per output), and depthwise conv with its gradients against its naive kernel. FLOPs
// are counted as 2 * output elements * reduction length for every role, so the three roles compare directly.
import { conv2d, conv2dGradFilter, conv2dGradInput } from '../src/kernels/conv2d.js';
import { conv2dNaive } from '../src/kernels/conv2d.naive.js';
import { depthwiseConv2d, depthwiseGradFilter, depthwiseGradInput, depthwiseNaive } from '../src/kernels/depthwise.js';
import { tensor, type Tensor } from '../src/index.js';
import type { Padding } from '../src/tensor/shape.js';
import { randomData } from './data.js';
import { measure, report, selected } from './harness.js';

interface ConvCase {
  x: [number, number, number, number];
  K: number;
  k: number;
  padding: Padding;
  strides?: number;
}

const CASES: ConvCase[] = [
  { x: [64, 32, 32, 32], K: 64, k: 3, padding: 'same' },
  { x: [64, 28, 28, 1], K: 32, k: 3, padding: 'valid' },
  { x: [64, 32, 32, 32], K: 64, k: 3, padding: 'same', strides: 2 },
  // The pointwise half of a separable conv (Xception's middle flow shape class): runs as a plain matmul.
  { x: [16, 35, 35, 128], K: 128, k: 1, padding: 'same' },
];

async function gflops(name: string, flop: number, fn: () => Tensor): Promise<number> {
  const t = await measure(name, () => fn().dispose());
  const value = flop / (t.meanMs * 1e6);
  report({ name, value, unit: 'GFLOP/s', ms: t.meanMs, rme: t.rme });
  return value;
}

export async function run(): Promise<void> {
  for (const c of CASES) {
    const [N, H, W, C] = c.x;
    const id = `${N}x${H}x${W}x${C}-k${c.K}-${c.k}x${c.k}-${c.padding}${c.strides ? `-s${c.strides}` : ''}`;
    const names = {
      fwd: `conv2d/fwd/${id}`, naive: `conv2d/naive/${id}`, ratio: `conv2d/fwd-vs-naive/${id}`,
      gradInput: `conv2d/gradInput/${id}`, gradFilter: `conv2d/gradFilter/${id}`,
    };
    if (!Object.values(names).some(selected)) continue;
    const o = { padding: c.padding, strides: c.strides ?? 1 };
    const x = tensor(randomData(N * H * W * C, 1), c.x);
    const w = tensor(randomData(c.k * c.k * C * c.K, 2, 0.1), [c.k, c.k, C, c.K]);
    const y = conv2d(x, w, undefined, o);
    const dy = tensor(randomData(y.size, 3), y.shape);
    const flop = 2 * y.size * c.k * c.k * C;
    let fwd = 0;
    if (selected(names.fwd) || selected(names.ratio)) fwd = await gflops(names.fwd, flop, () => conv2d(x, w, undefined, o));
    if (!c.strides && (selected(names.naive) || selected(names.ratio))) {
      const naive = await gflops(names.naive, flop, () => conv2dNaive(x, w, o));
      if (fwd) report({ name: names.ratio, value: fwd / naive, unit: 'x' });
    }
    if (selected(names.gradInput)) await gflops(names.gradInput, flop, () => conv2dGradInput(dy, w, x.shape, o));
    if (selected(names.gradFilter)) await gflops(names.gradFilter, flop, () => conv2dGradFilter(x, dy, w.shape, o));
    for (const t of [x, w, y, dy]) t.dispose();
  }
  await depthwise([16, 35, 35, 128], 3, 'same');
}

async function depthwise(xs: [number, number, number, number], k: number, padding: Padding): Promise<void> {
  const [N, H, W, C] = xs;
  const id = `${N}x${H}x${W}x${C}-${k}x${k}-${padding}`;
  const names = {
    fwd: `depthwise/fwd/${id}`, naive: `depthwise/naive/${id}`, ratio: `depthwise/fwd-vs-naive/${id}`,
    gradInput: `depthwise/gradInput/${id}`, gradFilter: `depthwise/gradFilter/${id}`,
  };
  if (!Object.values(names).some(selected)) return;
  const o = { padding };
  const x = tensor(randomData(N * H * W * C, 1), xs);
  const w = tensor(randomData(k * k * C, 2, 0.1), [k, k, C, 1]);
  const y = depthwiseConv2d(x, w, undefined, o);
  const dy = tensor(randomData(y.size, 3), y.shape);
  const flop = 2 * y.size * k * k;
  let fwd = 0;
  if (selected(names.fwd) || selected(names.ratio)) fwd = await gflops(names.fwd, flop, () => depthwiseConv2d(x, w, undefined, o));
  if (selected(names.naive) || selected(names.ratio)) {
    const naive = await gflops(names.naive, flop, () => depthwiseNaive(x, w, o));
    if (fwd) report({ name: names.ratio, value: fwd / naive, unit: 'x' });
  }
  if (selected(names.gradInput)) await gflops(names.gradInput, flop, () => depthwiseGradInput(dy, w, x.shape, o));
  if (selected(names.gradFilter)) await gflops(names.gradFilter, flop, () => depthwiseGradFilter(x, dy, w.shape, o));
  for (const t of [x, w, y, dy]) t.dispose();
}
