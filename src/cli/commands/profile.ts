// `webgpu-nn profile MODEL [--batch-size N] [--steps N]`: profiles training steps of a registry model on a resident
// random batch with the notebook's optimiser for it: GPU time per kernel (timestamp queries), host encode time,
// dispatches and bytes per kernel, sorted by share of the step. Warm-up steps (pipeline compiles) are not profiled.
import { Argument, type Command } from 'commander';
import { formatProfile, profile } from '../../tensor/profiler.js';
import { MODEL_NAMES } from '../registry/models.js';
import { intArg } from '../options.js';
import { openDevice } from './common.js';
import { residentStep } from './resident_step.js';

export function register(program: Command): void {
  program.command('profile').description('profile training steps of a model: GPU and host time, dispatches and bytes per kernel')
    .addArgument(new Argument('<model>', 'model name').choices(MODEL_NAMES))
    .option('--batch-size <n>', 'batch size', intArg(1), 64)
    .option('--steps <n>', 'profiled steps (their totals are averaged per step)', intArg(1), 1)
    .action(async (name: string, o: { batchSize: number; steps: number }) => {
      const adapter = await openDevice();
      const { step, dispose } = residentStep(name, o.batchSize);
      for (let i = 0; i < 2; i++) await step(); // compiles pipelines, builds optimiser state
      const p = await profile(async () => {
        for (let i = 0; i < o.steps; i++) await step();
      });
      const perStep = { ...p, wallMs: p.wallMs / o.steps, gpuMs: p.gpuMs === null ? null : p.gpuMs / o.steps, hostMs: p.hostMs / o.steps,
        dispatches: p.dispatches / o.steps,
        kernels: p.kernels.map((k) => ({ ...k, gpuMs: k.gpuMs === null ? null : k.gpuMs / o.steps, hostMs: k.hostMs / o.steps,
          dispatches: k.dispatches / o.steps, bytes: k.bytes / o.steps })) };
      console.log(`${name}, batch ${o.batchSize}, trainOnBatch on ${adapter}`);
      console.log(formatProfile(perStep, `per step (mean of ${o.steps})`));
      dispose();
    });
}
