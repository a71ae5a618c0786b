// Training-step time of the notebook's networks at batch 64: `trainOnBatch` (one step, then the loss is read back,
// as tfjs-layers' trainOnBatch resolves) and `fit` (steps pipelined, metrics read once per epoch). Inputs are a
// fixed random batch kept on the GPU, so this times the engine, not the input pipeline (see loader.ts for that).
import { Adadelta, Adam, type Optimizer } from '../src/nn/optimizers/index.js';
import { cifarShallowCnn, mnistCnn, mnistMlp } from '../src/nn/models/notebook.js';
import type { Sequential } from '../src/nn/model.js';
import { resetNames } from '../src/nn/layer.js';
import { setSeed, tensor, type Tensor } from '../src/index.js';
import { randomData } from './data.js';
import { measure, report, selected } from './harness.js';

/** tfjs-webgpu's trainOnBatch ms/step on this adapter (reference/peer-baselines.md section 4), for context only. */
const TFJS_WEBGPU_MS: Record<string, number> = { mlp: 124.6, 'mnist-cnn': 1625, 'cifar-cnn': 12193 };

interface Case {
  name: string;
  make: () => Sequential;
  optimizer: () => Optimizer;
  input: number[];
}

const CASES: Case[] = [
  { name: 'mlp', make: () => mnistMlp(), optimizer: () => new Adadelta({ learningRate: 0.1 }), input: [784] },
  { name: 'mnist-cnn', make: () => mnistCnn(), optimizer: () => new Adam(), input: [28, 28, 1] },
  { name: 'cifar-cnn', make: () => cifarShallowCnn(), optimizer: () => new Adadelta({ learningRate: 0.5 }), input: [32, 32, 3] },
];

const BATCH = 64;
const FIT_STEPS = 8;

export async function run(): Promise<void> {
  for (const c of CASES) {
    const onBatch = `train/${c.name}/trainOnBatch`, fitName = `train/${c.name}/fit`;
    if (!selected(onBatch) && !selected(fitName)) continue;
    setSeed(1);
    const model = c.make();
    model.compile({ optimizer: c.optimizer(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const per = c.input.reduce((a, b) => a * b, 1);
    const x = tensor(randomData(BATCH * FIT_STEPS * per, 1, 0.5), [BATCH * FIT_STEPS, ...c.input]);
    const y = tensor(Int32Array.from({ length: BATCH * FIT_STEPS }, (_, i) => (i * 7) % 10), [BATCH * FIT_STEPS], { dtype: 'i32' });
    const xb = tensor(randomData(BATCH * per, 2, 0.5), [BATCH, ...c.input]);
    const yb = tensor(Int32Array.from({ length: BATCH }, (_, i) => i % 10), [BATCH], { dtype: 'i32' });
    const opts = { maxTime: c.name === 'cifar-cnn' ? 6 : 3, minSamples: 3 };
    if (selected(onBatch)) {
      const t = await measure(onBatch, () => model.trainOnBatch(xb, yb), opts);
      report({ name: onBatch, value: t.meanMs, unit: 'ms/step', rme: t.rme, tfjsWebgpuMs: TFJS_WEBGPU_MS[c.name] });
      report({ name: `train/${c.name}/speedup-vs-tfjs-webgpu-baseline`, value: TFJS_WEBGPU_MS[c.name]! / t.meanMs, unit: 'x',
        note: 'tfjs figure from reference/peer-baselines.md, not measured in this run' });
    }
    if (selected(fitName)) {
      const t = await measure(fitName, () => model.fit({ x, y }, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 }), opts);
      report({ name: fitName, value: t.meanMs / FIT_STEPS, unit: 'ms/step', rme: t.rme });
    }
    for (const d of [model, x, y, xb, yb] as Array<{ dispose(): void } | Tensor>) d.dispose();
    resetNames();
  }
}
