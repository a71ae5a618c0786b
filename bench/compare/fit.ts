// fit figures: steps pipelined by fit (one readback per epoch), where webgpu-nn replays its recorded training step
// (nn/step_replay.ts) and tfjs-layers runs its own fit on the same batches. Each sample is one fit() over `steps`
// batches of 64, reported per step; webgpu-nn's first three steps of each fit run as usual (one plain, two recorded
// and compared), the rest are replays. The same figure with replay off, beside it, is the replay's gain.
import { sync, tensor } from '../../src/index.js';
import { autotune } from '../../src/kernels/tuning.js';
import { randomData } from '../data.js';
import { activate, drain, loadTfjs, type Runner, type SystemName } from './systems.js';
import { TFJS_MODELS, type ModelName } from './tfjs-models.js';
import { CASES, freshModel, stepBytes, type ModelCase } from './train.js';
import type { Work } from './work.js';

const BATCH = 64;
/** Why a replay-off row has no TensorFlow.js cells: they would repeat the replay-on row's. */
export const NOT_MEASURED = 'not measured: the same work as the replay-on row';

/** Batches per fit() call: enough that the replayed steps dominate the three that are not. */
const STEPS: Partial<Record<ModelName, number>> = { mlp: 24, 'mnist-cnn': 12 };

function fitWork(c: ModelCase, steps: number, replay: boolean): Work {
  const n = BATCH * steps, per = c.input.reduce((a, b) => a * b, 1);
  const data = { x: randomData(n * per, 3, 0.5), y: Int32Array.from({ length: n }, (_, i) => i % 10) };
  const work: Work = {
    name: `fit step ${c.name} (batch ${BATCH}, ${steps} per fit${replay ? '' : ', replay off'})`, flops: 0, bytes: 0, reps: 3, step: true, stepsPerSample: steps,
    make: {
      webgpu_nn: async () => {
        const model = freshModel(c, work);
        work.bytes = stepBytes.get(c.name) ?? 0;
        const x = tensor(data.x, [n, ...c.input]), y = tensor(data.y, [n], { dtype: 'i32' });
        const run = async (): Promise<void> => {
          await model.fit({ x, y }, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0, replay });
          await sync();
        };
        await run();
        await autotune();
        return { run, dispose: () => { model.dispose(); x.dispose(); y.dispose(); } };
      },
      tfjs_webgpu: () => (replay ? tfjsFit(c, steps, data, 'tfjs_webgpu') : Promise.reject(new Error(NOT_MEASURED))),
      tfjs_wasm: () => (replay ? tfjsFit(c, steps, data, 'tfjs_wasm') : Promise.reject(new Error(NOT_MEASURED))),
    },
  };
  return work;
}

async function tfjsFit(c: ModelCase, steps: number, data: { x: Float32Array; y: Int32Array }, system: SystemName): Promise<Runner> {
  const { tf, layers } = await loadTfjs();
  await activate(system);
  const model = TFJS_MODELS[c.name](tf, layers);
  const n = BATCH * steps;
  const x = tf.tensor(data.x, [n, ...c.input]), y = tf.tensor(Float32Array.from(data.y), [n, 1]);
  const run = async (): Promise<void> => {
    await activate(system);
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    await drain(system);
  };
  try {
    await run();
  } catch (err) {
    model.dispose();
    tf.dispose([x, y]);
    throw err;
  }
  return { run, dispose: () => { model.dispose(); tf.dispose([x, y]); } };
}

export function fitWorks(): Work[] {
  return CASES.flatMap((c) => {
    const steps = STEPS[c.name];
    return steps === undefined ? [] : [fitWork(c, steps, true), fitWork(c, steps, false)];
  });
}
