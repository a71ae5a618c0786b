// `webgpu-nn profile MODEL [--batch-size N] [--steps N]`: profiles training steps of a registry model on a resident
// random batch with the notebook's optimiser for it: GPU time per kernel (timestamp queries), host encode time,
// dispatches and bytes per kernel, sorted by share of the step. Warm-up steps (pipeline compiles) are not profiled.
import { Argument, type Command } from 'commander';
import { Adadelta, Adam, type Optimizer } from '../../nn/optimizers/index.js';
import { setSeed } from '../../kernels/random.js';
import { tensor } from '../../tensor/tensor.js';
import { formatProfile, profile } from '../../tensor/profiler.js';
import { MODEL_NAMES, buildModel, modelEntry, resolveInputShape } from '../registry/models.js';
import { intArg } from '../options.js';
import { openDevice } from './common.js';

/** The notebook's optimiser per model: Adadelta for the MLP and the CIFAR nets, Adam for the CNN and transfer nets. */
function notebookOptimizer(model: string): Optimizer {
  if (model === 'mlp') return new Adadelta({ learningRate: 0.1 });
  if (model === 'cifar-cnn' || model === 'resnet18') return new Adadelta({ learningRate: 0.5 });
  return new Adam({ learningRate: model === 'mnist-cnn' ? 1e-3 : 1e-4 });
}

export function register(program: Command): void {
  program.command('profile').description('profile training steps of a model: GPU and host time, dispatches and bytes per kernel')
    .addArgument(new Argument('<model>', 'model name').choices(MODEL_NAMES))
    .option('--batch-size <n>', 'batch size', intArg(1), 64)
    .option('--steps <n>', 'profiled steps (their totals are averaged per step)', intArg(1), 1)
    .action(async (name: string, o: { batchSize: number; steps: number }) => {
      const adapter = await openDevice();
      setSeed(1);
      const shape = resolveInputShape(name);
      const model = buildModel(name, shape);
      model.compile({ optimizer: notebookOptimizer(name), loss: 'sparse_categorical_crossentropy' });
      const per = shape[0] * shape[1] * shape[2];
      const xs = Float32Array.from({ length: o.batchSize * per }, (_, i) => Math.sin(i * 12.9898) * 0.5);
      const x = tensor(xs, modelEntry(name).flat ? [o.batchSize, per] : [o.batchSize, ...shape]);
      const y = tensor(Int32Array.from({ length: o.batchSize }, (_, i) => i % 10), [o.batchSize], { dtype: 'i32' });
      for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y); // compiles pipelines, builds optimiser state
      const p = await profile(async () => {
        for (let i = 0; i < o.steps; i++) await model.trainOnBatch(x, y);
      });
      const perStep = { ...p, wallMs: p.wallMs / o.steps, gpuMs: p.gpuMs === null ? null : p.gpuMs / o.steps, hostMs: p.hostMs / o.steps,
        dispatches: p.dispatches / o.steps,
        kernels: p.kernels.map((k) => ({ ...k, gpuMs: k.gpuMs === null ? null : k.gpuMs / o.steps, hostMs: k.hostMs / o.steps,
          dispatches: k.dispatches / o.steps, bytes: k.bytes / o.steps })) };
      console.log(`${name}, batch ${o.batchSize}, trainOnBatch on ${adapter}`);
      console.log(formatProfile(perStep, `per step (mean of ${o.steps})`));
      for (const t of [model, x, y]) t.dispose();
    });
}
