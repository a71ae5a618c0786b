// Captured-and-replayed training steps (nn/step_replay.ts) against encoded ones, measured alternately on the same
// data: a dispatch-bound model (24 narrow Dense layers, batch 8: 126 dispatches of almost no work, where the host's
// encoding is the step) and the notebook's MLP (batch 64, where lavapipe's GPU work dominates). Each fit() runs
// STEPS steps; its first three are not replayed (one plain, two recorded and compared).
import { Dense } from '../src/nn/layers/core.js';
import { mnistMlp } from '../src/nn/models/notebook.js';
import { Input, Sequential } from '../src/nn/model.js';
import { resetNames } from '../src/nn/layer.js';
import { Adadelta } from '../src/nn/optimizers/index.js';
import { setSeed, tensor } from '../src/index.js';
import { randomData } from './data.js';
import { measure, report, selected } from './harness.js';

const STEPS = 64;

const CASES = [
  { name: 'deep-narrow', batch: 8, input: 16, make: () => new Sequential([Input([16]), ...Array.from({ length: 24 }, () => new Dense(16, { activation: 'relu' })), new Dense(10)]) },
  { name: 'mlp', batch: 64, input: 784, make: () => mnistMlp() },
];

export async function run(): Promise<void> {
  for (const c of CASES) {
    const names = { on: `replay/${c.name}/fit-replayed`, off: `replay/${c.name}/fit-encoded` };
    if (!selected(names.on) && !selected(names.off)) continue;
    const n = c.batch * STEPS;
    const x = tensor(randomData(n * c.input, 4, 0.5), [n, c.input]);
    const y = tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], { dtype: 'i32' });
    const ms: Record<string, number> = {};
    for (const mode of ['off', 'on'] as const) {
      setSeed(1);
      resetNames();
      const model = c.make();
      model.compile({ optimizer: new Adadelta({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const t = await measure(names[mode], () => model.fit({ x, y }, { epochs: 1, batchSize: c.batch, shuffle: false, verbose: 0, replay: mode === 'on' }), { maxTime: 4, minSamples: 3 });
      ms[mode] = t.meanMs / STEPS;
      report({ name: names[mode], value: ms[mode]!, unit: 'ms/step', rme: t.rme });
      model.optimizer.dispose();
      model.dispose();
    }
    report({ name: `replay/${c.name}/speedup`, value: ms.off! / ms.on!, unit: 'x', note: `encoded / replayed ms per step, ${STEPS} steps per fit` });
    x.dispose();
    y.dispose();
  }
}
