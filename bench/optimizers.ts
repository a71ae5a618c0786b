// Fused optimiser updates: one dispatch per parameter. Adam on 1M parameters through the vec4 path (size a
// multiple of 4) and the scalar path (one element more), and a whole-model step over many small tensors.
import { optimizers, tensor, untrack, type Tensor } from '../src/index.js';
import { measure, report, selected } from './harness.js';

function param(n: number, seed: number): Tensor {
  const p = tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i + seed)));
  p.grad = untrack(tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.5 + seed))));
  return p;
}

export async function run(): Promise<void> {
  for (const [label, n] of [['vec4', 1 << 20], ['scalar', (1 << 20) + 1]] as const) {
    const name = `optimizer/adam-1M-${label}`;
    if (!selected(name)) continue;
    const p = param(n, 1);
    const opt = new optimizers.Adam();
    const t = await measure(name, () => opt.apply([p]));
    // Reads param, grad, m, v and writes param, m, v: 7 x 4 bytes per element.
    report({ name, value: (7 * 4 * n) / (t.meanMs * 1e6), unit: 'GB/s', ms: t.meanMs, rme: t.rme });
    opt.dispose();
    p.dispose();
  }
  const name = 'optimizer/adam-mlp-step';
  if (selected(name)) {
    // The notebook's MLP: 784-256-BN-128-BN-10 has 10 trainable tensors, 235,914 trainable parameters.
    const shapes = [784 * 256, 256, 256, 256, 256 * 128, 128, 128, 128, 128 * 10, 10];
    const params = shapes.map((n, i) => param(n, i));
    const opt = new optimizers.Adam();
    const t = await measure(name, () => opt.apply(params));
    report({ name, value: t.meanMs, unit: 'ms', tensors: params.length, us_per_tensor: (t.meanMs * 1000) / params.length, rme: t.rme });
    opt.dispose();
    for (const p of params) p.dispose();
  }
}
