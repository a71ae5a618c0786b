// Loss and layout kernels: the fused sparse cross-entropy (forward + backward) against the same loss built from
// logSoftmax, oneHot, mul and sum, and the bandwidth of softmax and the layout kernels.
import { backward, concat, gather, logSoftmax, mean, mul, neg, oneHot, pad, rand, scope, softmax, sparseCategoricalCrossentropy, sum, tensor, transpose, type Tensor } from '../src/index.js';
import { measure, report, selected } from './harness.js';

function labels(n: number, classes: number): Tensor {
  return tensor(Array.from({ length: n }, (_, i) => (i * 7) % classes), [n], { dtype: 'i32' });
}

export async function run(): Promise<void> {
  for (const [N, C] of [[128, 10], [4096, 1000]] as const) {
    const z = rand([N, C], { seed: 1 }, -3, 3);
    z.requiresGrad = true;
    const l = labels(N, C);
    const step = (loss: () => Tensor) => () => scope(() => backward(mean(loss())));
    const variants = {
      fused: () => sparseCategoricalCrossentropy(l, z, { fromLogits: true }),
      composite: () => neg(sum(mul(logSoftmax(z), oneHot(l, C)), -1)),
    };
    for (const [kind, loss] of Object.entries(variants)) {
      const name = `loss/sparseCE-logits ${kind} fwd+bwd [${N},${C}]`;
      if (!selected(name)) continue;
      const t = await measure(name, step(loss));
      report({ name, value: t.meanMs, unit: 'ms', rme: t.rme });
    }
    z.dispose();
    l.dispose();
  }

  const x = rand([4096, 1000], { seed: 2 });
  const mb16 = x.size * 4;
  const gbs = (ms: number, bytes: number): number => bytes / ms / 1e6;
  // Bytes moved: every input element read once and every output element written once.
  for (const [name, bytes, f] of [
    ['softmax [4096,1000]', 2 * mb16, () => softmax(x)],
    ['transpose [4096,1000]', 2 * mb16, () => transpose(x)],
    ['concat 2x[4096,2,500] axis 1', 4 * mb16, () => concat([x.view([4096, 2, 500]), x.view([4096, 2, 500])], 1)],
    ['pad [4096,1000] by 1', 2 * mb16, () => pad(x, [[1, 1], [1, 1]])],
  ] as const) {
    if (!selected(`layout/${name}`)) continue;
    const t = await measure(name, () => scope(() => { f(); }));
    report({ name: `layout/${name}`, value: gbs(t.meanMs, bytes), unit: 'GB/s', ms: t.meanMs, rme: t.rme });
  }
  const idx = tensor(Array.from({ length: 512 }, (_, i) => (i * 131) % 4096), [512], { dtype: 'i32' });
  if (selected('layout/gather 512 rows of [4096,1000]')) {
    const t = await measure('gather', () => scope(() => { gather(x, idx); }));
    report({ name: 'layout/gather 512 rows of [4096,1000]', value: gbs(t.meanMs, 2 * 512 * 1000 * 4), unit: 'GB/s', ms: t.meanMs, rme: t.rme });
  }
  idx.dispose();
  x.dispose();
}
