// The notebook's lesson, measured: a network trained for a fixed number of steps with augmented input three ways.
// (a) sync: each batch normalised and augmented on the CPU when asked (the ImageDataGenerator path);
// (b) double-buffered: raw uint8 uploaded while the previous step runs, normalised and augmented on the GPU;
// (c) resident: one batch kept on the GPU (still augmented there), the ceiling. ms/step and input-wait share.
// The MNIST CNN gives the figures (loader/<mode>); the MLP (loader/mlp/<mode>), whose step is 10x shorter,
// shows the same lesson where input preparation is a visible share of a step on this software adapter.
import { cpuRandomAffine, DataLoader, describeEpoch, loadMnist, type LoaderMode } from '../src/data/index.js';
import { mnistCnn, mnistMlp } from '../src/nn/models/notebook.js';
import type { Sequential } from '../src/nn/model.js';
import { Adam } from '../src/nn/optimizers/index.js';
import { resetNames } from '../src/nn/layer.js';
import { augmentSeed, randomAffine, reshape, setSeed, type Tensor } from '../src/index.js';
import { jsonOutput, measure, report, selected } from './harness.js';

const BATCH = 64;
// The notebook's augmentation: RandomRotation(0.05) + RandomTranslation(0.05, 0.05, fill_mode='constant').
const AUG = { rotation: 0.05, translate: [0.05, 0.05] as const, seed: 7 };

interface Setup {
  prefix: string;
  make: () => Sequential;
  flat: boolean;
  steps: number;
}

const SETUPS: Setup[] = [
  { prefix: 'loader', make: () => mnistCnn(), flat: false, steps: 16 },
  { prefix: 'loader/mlp', make: () => mnistMlp(), flat: true, steps: 96 },
];

function gpuAugment(flat: boolean): (x: Tensor, step: number) => Tensor {
  const opts = (step: number) => ({ rotationFactor: AUG.rotation, heightFactor: AUG.translate[0], widthFactor: AUG.translate[1], seed: augmentSeed(AUG.seed, step) });
  if (!flat) return (x, step) => randomAffine(x, opts(step));
  return (x, step) => reshape(randomAffine(reshape(x, [x.shape[0]!, 28, 28, 1]), opts(step)), [x.shape[0]!, 784]);
}

export async function run(): Promise<void> {
  const modes: LoaderMode[] = ['sync', 'double-buffered', 'resident'];
  const { train } = await loadMnist();
  for (const setup of SETUPS) {
    if (!modes.some((m) => selected(`${setup.prefix}/${m}`))) continue;
    const indices = Int32Array.from({ length: setup.steps * BATCH }, (_, i) => i);
    const ms: Record<string, number> = {};
    for (const mode of modes) {
      const name = `${setup.prefix}/${mode}`;
      if (!selected(name)) continue;
      setSeed(1);
      const model = setup.make();
      model.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const loader = new DataLoader(train, {
        batchSize: BATCH, mode, indices, seed: 42, sampleShape: setup.flat ? 'flat' : 'image',
        ...(mode === 'sync' ? { cpuTransform: cpuRandomAffine(AUG) } : { transform: gpuAugment(setup.flat) }),
      });
      const t = await measure(name, () => model.fit(loader, { epochs: 1, verbose: 0 }), { maxTime: 4, minSamples: 3 });
      const last = loader.lastEpoch!;
      ms[mode] = t.meanMs / setup.steps;
      report({ name, value: ms[mode]!, unit: 'ms/step', rme: t.rme, inputWaitShare: last.inputWaitShare, waitMsPerStep: last.waitMs / last.batches });
      if (!jsonOutput) console.log(`  last epoch: ${describeEpoch(last)}`);
      model.dispose();
      resetNames();
    }
    if (ms.resident && ms['double-buffered']) {
      report({ name: `${setup.prefix}/double-buffered-vs-resident`, value: ms['double-buffered'] / ms.resident, unit: 'x' });
    }
    if (ms.sync && ms['double-buffered']) report({ name: `${setup.prefix}/sync-vs-double-buffered`, value: ms.sync / ms['double-buffered'], unit: 'x' });
  }
}
