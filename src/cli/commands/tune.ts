// `webgpu-nn tune MODEL [--batch-size N] [--reps N]`: runs one training step of a registry model to see which GEMM
// shape classes it uses, times the adapter's tile candidates for each (tuning.ts), caches the winners on disk for
// this adapter and driver, and prints each class's default and best time. Later runs on this adapter use them.
import { Argument, type Command } from 'commander';
import { tilesTag } from '../../kernels/gemm.js';
import { autotune, tuningFile, untunedClasses } from '../../kernels/tuning.js';
import { MODEL_NAMES } from '../registry/models.js';
import { intArg } from '../options.js';
import { openDevice } from './common.js';
import { residentStep } from './resident_step.js';

export function register(program: Command): void {
  program.command('tune').description("time GEMM tile candidates for a model's shapes on this adapter and cache the fastest")
    .addArgument(new Argument('<model>', 'model name').choices(MODEL_NAMES))
    .option('--batch-size <n>', 'batch size', intArg(1), 64)
    .option('--reps <n>', 'timed runs per candidate (after a warm-up)', intArg(1), 3)
    .action(async (name: string, o: { batchSize: number; reps: number }) => {
      const adapter = await openDevice();
      const { step, dispose } = residentStep(name, o.batchSize);
      await step();
      console.log(`${name}, batch ${o.batchSize}, on ${adapter}: ${untunedClasses().length} untuned GEMM shape class(es)`);
      const results = await autotune({ reps: o.reps });
      console.log('| shape class | default | ms | best | ms | speed-up |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      for (const r of results) {
        // The default is timed unless WEBGPU_NN_TUNE_CANDIDATES left it out.
        const defMs = r.timings.find((t) => JSON.stringify(t.tiles) === JSON.stringify(r.fallback))?.ms;
        const best = r.timings.find((t) => t.tiles === r.best)!;
        const gain = defMs === undefined ? '-' : `${(defMs / best.ms).toFixed(2)}x`;
        console.log(`| ${r.shapeClass} | ${tilesTag(r.fallback)} | ${defMs?.toFixed(2) ?? '-'} | ${tilesTag(r.best)} | ${best.ms.toFixed(2)} | ${gain} |`);
      }
      console.log(results.length ? `cached in ${tuningFile()}` : 'nothing new to tune (delete the cache file to re-tune)');
      dispose();
    });
}
