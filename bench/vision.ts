// Vision kernels at the notebook's shapes (batch 64): pooling, batch norm, dropout, resize (u8 -> f32 normalise)
// and augmentation. Each figure is one op's forward (+ backward where noted) end to end, with the GB/s its
// compulsory traffic (inputs read once, outputs written once) would need.
import * as nn from '../src/index.js';
import { measure, report, selected } from './harness.js';

const elems = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

async function figure(name: string, bytes: number, fn: () => void): Promise<void> {
  if (!selected(name)) return;
  // The scope's function returns nothing, so the op's output is freed with the rest (a returned tensor would
  // survive the scope and leak one buffer per sample).
  const t = await measure(name, () => nn.scope(() => void fn()));
  report({ name, value: t.meanMs, unit: 'ms', rme: t.rme, GBps: bytes / 1e6 / t.meanMs });
}

/** Forward + backward of fn(x) with dy = ones, all in one scope. */
function trainStep(x: nn.Tensor, fn: (x: nn.Tensor) => nn.Tensor): () => void {
  return () => {
    const y = fn(x);
    nn.backward(y, { dy: nn.ones(y.shape) });
    x.grad?.dispose();
    x.grad = null;
  };
}

export async function run(): Promise<void> {
  const act = [64, 28, 28, 32];
  const x = nn.randn(act, { seed: 1 });
  const xg = nn.randn(act, { seed: 2 });
  xg.requiresGrad = true;
  const gamma = nn.ones([32]), beta = nn.zeros([32]), mm = nn.zeros([32]), mv = nn.ones([32]);
  const B = elems(act) * 4;

  await figure('vision/maxPool2d 2x2 [64,28,28,32] fwd', B * 1.25, () => nn.maxPool2d(x, { poolSize: 2 }));
  await figure('vision/maxPool2d 2x2 [64,28,28,32] fwd+bwd', B * 2.75, trainStep(xg, (t) => nn.maxPool2d(t, { poolSize: 2 })));
  await figure('vision/maxPool2d 3x3 s1 same [64,28,28,32] fwd+bwd', B * 6, trainStep(xg, (t) => nn.maxPool2d(t, { poolSize: 3, strides: 1, padding: 'same' })));
  await figure('vision/avgPool2d 2x2 same [64,28,28,32] fwd+bwd', B * 2.5, trainStep(xg, (t) => nn.avgPool2d(t, { poolSize: 2, padding: 'same' })));
  await figure('vision/batchNorm [64,28,28,32] fwd', B * 3, () => nn.batchNorm(x, gamma, beta));
  await figure('vision/batchNorm [64,28,28,32] fwd+bwd', B * 8, trainStep(xg, (t) => nn.batchNorm(t, gamma, beta)));
  await figure('vision/batchNormInference [64,28,28,32] fwd', B * 2, () => nn.batchNormInference(x, gamma, beta, mm, mv));
  const dense = nn.randn([64, 256], { seed: 3 });
  dense.requiresGrad = true;
  const g256 = nn.ones([256]), b256 = nn.zeros([256]);
  await figure('vision/batchNorm [64,256] fwd+bwd', 64 * 256 * 4 * 8, trainStep(dense, (t) => nn.batchNorm(t, g256, b256)));
  await figure('vision/dropout 0.2 [64,28,28,32] fwd+bwd', B * 4, trainStep(xg, (t) => nn.dropout(t, 0.2, 7)));

  const mnist = nn.tensor(Uint8Array.from({ length: 64 * 28 * 28 }, (_, i) => (i * 37) % 256), [64, 28, 28, 1], { dtype: 'u8' });
  const outBytes84 = 64 * 84 * 84 * 4;
  await figure('vision/resizeBilinear u8 [64,28,28,1] -> 84x84 (/255)', mnist.size + outBytes84, () => nn.resizeBilinear(mnist, [84, 84], { scale: 1 / 255 }));
  await figure('vision/randomAffine u8 [64,28,28,1]', mnist.size + mnist.size * 4, () => nn.randomAffine(mnist, { rotationFactor: 0.05, heightFactor: 0.05, widthFactor: 0.05, seed: 1 }));
  const rgb = nn.randn([64, 84, 84, 3], { seed: 4 });
  await figure('vision/randomAffine f32 [64,84,84,3]', rgb.size * 8, () => nn.randomAffine(rgb, { rotationFactor: 0.1, heightFactor: 0.05, widthFactor: 0.05, seed: 1 }));

  for (const t of [x, xg, gamma, beta, mm, mv, dense, g256, b256, mnist, rgb]) t.dispose();
}
