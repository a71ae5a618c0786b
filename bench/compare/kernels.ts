// Kernel figures of issue 12: three matmuls, conv2d forward and both gradients on two shapes, and depthwise 3x3.
// FLOPs are 2 * MACs; bytes are every input read once plus the output written once (f32). webgpu-nn's GEMM-based
// kernels run on the tiles autotune() picks for their shape class (cached per adapter), as training runs them.
import { matmul } from '../../src/kernels/matmul.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from '../../src/kernels/conv2d.js';
import { depthwiseConv2d } from '../../src/kernels/depthwise.js';
import { sync, tensor, type Tensor } from '../../src/index.js';
import { autotune } from '../../src/kernels/tuning.js';
import type { Padding } from '../../src/tensor/shape.js';
import { randomData } from '../data.js';
import { activate, loadTfjs, tfjsRunner, type Runner, type SystemName } from './systems.js';
import type { Work } from './work.js';

const REPS = 5;

function nnRunner(op: () => Tensor, inputs: Tensor[]): Runner {
  return {
    async run(n) {
      for (let i = 0; i < n; i++) op().dispose();
      await sync();
    },
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}

/** Builds the same work in the three systems from host arrays: `nn` gets webgpu-nn tensors, `tf` tfjs tensors. */
function threeWays(
  arrays: Array<{ data: Float32Array; shape: number[] }>,
  nn: (t: Tensor[]) => () => Tensor,
  tf: (tf: any, t: any[]) => () => unknown, // eslint-disable-line @typescript-eslint/no-explicit-any
): Work['make'] {
  const tfjsMake = (system: SystemName) => async (): Promise<Runner> => {
    const { tf: tfc } = await loadTfjs();
    await activate(system);
    const t = arrays.map((a) => tfc.tensor(a.data, a.shape));
    return tfjsRunner(system, tf(tfc, t), t);
  };
  return {
    webgpu_nn: async () => {
      const t = arrays.map((a) => tensor(a.data, a.shape));
      const op = nn(t);
      op().dispose(); // lets the tuner see the shape class
      await autotune();
      return nnRunner(op, t);
    },
    tfjs_webgpu: tfjsMake('tfjs_webgpu'),
    tfjs_wasm: tfjsMake('tfjs_wasm'),
  };
}

function array(shape: number[], seed: number, scale = 1): { data: Float32Array; shape: number[] } {
  return { data: randomData(shape.reduce((a, b) => a * b, 1), seed, scale), shape };
}

function matmulWork(M: number, K: number, N: number): Work {
  return {
    name: `matmul ${M}x${K}x${N}`, flops: 2 * M * K * N, bytes: 4 * (M * K + K * N + M * N), reps: REPS,
    make: threeWays([array([M, K], 1), array([K, N], 2)], ([a, b]) => () => matmul(a!, b!), (tf, [a, b]) => () => tf.matMul(a, b)),
  };
}

interface ConvShape {
  x: [number, number, number, number];
  K: number;
  k: number;
  padding: Padding;
}

function convWorks(c: ConvShape): Work[] {
  const [N, H, W, C] = c.x;
  const Ho = c.padding === 'same' ? H : H - c.k + 1, Wo = c.padding === 'same' ? W : W - c.k + 1;
  const ySize = N * Ho * Wo * c.K, xSize = N * H * W * C, wSize = c.k * c.k * C * c.K;
  const flops = 2 * ySize * c.k * c.k * C;
  const id = `${N}x${H}x${W}x${C}->${c.K} ${c.k}x${c.k} ${c.padding}`;
  const o = { padding: c.padding, strides: 1 };
  const x = array(c.x, 1), w = array([c.k, c.k, C, c.K], 2, 0.1), dy = array([N, Ho, Wo, c.K], 3);
  const attrs = { strides: 1, pad: c.padding, dataFormat: 'NHWC', dilations: 1 };
  const bytes = 4 * (xSize + wSize + ySize);
  return [
    { name: `conv2d fwd ${id}`, flops, bytes, reps: REPS,
      make: threeWays([x, w], ([a, b]) => () => conv2d(a!, b!, undefined, o), (tf, [a, b]) => () => tf.conv2d(a, b, 1, c.padding)) },
    { name: `conv2d gradInput ${id}`, flops, bytes, reps: REPS,
      make: threeWays([dy, w], ([d, b]) => () => conv2dGradInput(d!, b!, c.x, o),
        (tf, [d, b]) => () => tf.engine().runKernel('Conv2DBackpropInput', { dy: d, filter: b }, { ...attrs, inputShape: c.x })) },
    { name: `conv2d gradFilter ${id}`, flops, bytes, reps: REPS,
      make: threeWays([x, dy], ([a, d]) => () => conv2dGradFilter(a!, d!, [c.k, c.k, C, c.K], o),
        (tf, [a, d]) => () => tf.engine().runKernel('Conv2DBackpropFilter', { x: a, dy: d }, { ...attrs, filterShape: [c.k, c.k, C, c.K] })) },
  ];
}

function depthwiseWork(xs: [number, number, number, number], k: number): Work {
  const [N, H, W, C] = xs;
  const size = N * H * W * C;
  return {
    name: `depthwise ${N}x${H}x${W}x${C} ${k}x${k} same`, flops: 2 * size * k * k, bytes: 4 * (2 * size + k * k * C), reps: REPS,
    make: threeWays([array(xs, 1), array([k, k, C, 1], 2, 0.1)], ([a, b]) => () => depthwiseConv2d(a!, b!, undefined, { padding: 'same' }),
      (tf, [a, b]) => () => tf.depthwiseConv2d(a, b, 1, 'same')),
  };
}

export function kernelWorks(): Work[] {
  return [
    matmulWork(1024, 1024, 1024), matmulWork(64, 784, 256), matmulWork(4096, 288, 32),
    ...convWorks({ x: [64, 32, 32, 32], K: 64, k: 3, padding: 'same' }),
    ...convWorks({ x: [64, 28, 28, 1], K: 32, k: 3, padding: 'valid' }),
    depthwiseWork([16, 35, 35, 128], 3),
  ];
}
