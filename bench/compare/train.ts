// Training-step figures: the notebook's MLP, MNIST CNN, shallow CIFAR CNN and ResNet18 at batch 64, each with the
// notebook's optimiser, one trainOnBatch per sample (which in both engines resolves after the loss is read back).
// FLOPs are 3x the forward's conv and dense MACs x 2 (forward, input gradient, weight gradient); bytes are what
// webgpu-nn's dispatches bind in one step (every binding counted once), the same figure for all three columns.
// webgpu-nn's step runs on autotuned GEMM tiles, as fit() runs it (it tunes the shape classes it sees after its
// first step, cached on disk per adapter): set WEBGPU_NN_AUTOTUNE=off to time the untuned defaults.
import { Adadelta, Adam } from '../../src/nn/optimizers/index.js';
import { cifarShallowCnn, mnistCnn, mnistMlp } from '../../src/nn/models/notebook.js';
import { resnet18Cifar } from '../../src/nn/models/resnet.js';
import { Conv2D } from '../../src/nn/layers/conv.js';
import { Dense } from '../../src/nn/layers/core.js';
import type { Model } from '../../src/nn/model.js';
import { resetNames } from '../../src/nn/layer.js';
import { poolStats, resetPeakBytes, setSeed, sync, tensor } from '../../src/index.js';
import { setDispatchHook } from '../../src/tensor/queue.js';
import { autotune } from '../../src/kernels/tuning.js';
import { randomData } from '../data.js';
import { activate, dispatches, drain, loadTfjs, type Runner, type SystemName } from './systems.js';
import { TFJS_MODELS, type ModelName } from './tfjs-models.js';
import type { Work } from './work.js';

const BATCH = 64;

export interface ModelCase {
  name: ModelName;
  make: () => Model;
  input: number[];
  reps: number;
}

/** The notebook's networks with their optimisers (the fit figures reuse them). */
export const CASES: ModelCase[] = [
  { name: 'mlp', make: () => compiled(mnistMlp(), new Adadelta({ learningRate: 0.1 })), input: [784], reps: 9 },
  { name: 'mnist-cnn', make: () => compiled(mnistCnn(), new Adam()), input: [28, 28, 1], reps: 5 },
  { name: 'cifar-cnn', make: () => compiled(cifarShallowCnn(), new Adadelta({ learningRate: 0.5 })), input: [32, 32, 3], reps: 3 },
  { name: 'resnet18', make: () => compiled(resnet18Cifar(), new Adadelta({ learningRate: 0.5 })), input: [32, 32, 3], reps: 3 },
];

function compiled(m: Model, optimizer: Adadelta | Adam): Model {
  m.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
  return m;
}

/** Forward FLOPs of the model's convs and denses at batch BATCH. */
export function forwardFlops(model: Model): number {
  let flops = 0;
  for (const node of model.graphNodes) {
    const inShape = node.inputs[0]!.shape, outShape = node.output.shape;
    const outPerImage = outShape.slice(1).reduce((a, b) => a! * b!, 1)!;
    if (node.layer instanceof Conv2D) flops += 2 * BATCH * outPerImage * node.layer.kernelSize[0] * node.layer.kernelSize[1] * inShape[3]!;
    else if (node.layer instanceof Dense) flops += 2 * BATCH * inShape[inShape.length - 1]! * node.layer.units;
  }
  return flops;
}

/** A fresh, seeded model of `c`, with the work's FLOPs set from it. */
export function freshModel(c: ModelCase, work: Work): Model {
  setSeed(1);
  resetNames();
  const model = c.make();
  work.flops = 3 * forwardFlops(model);
  return model;
}

/** Per-step extras printed beside a training figure: dispatches and peak GPU bytes per system. */
export interface StepExtras {
  dispatches: Partial<Record<SystemName, number>>;
  peakBytes: Partial<Record<SystemName, number>>;
}
export const stepExtras = new Map<string, StepExtras>();
/** Bytes one training step binds, per model, once its trainOnBatch figure has measured them (the fit figures reuse them). */
export const stepBytes = new Map<ModelName, number>();

function host(c: ModelCase): { x: Float32Array; y: Int32Array } {
  const per = c.input.reduce((a, b) => a * b, 1);
  return { x: randomData(BATCH * per, 2, 0.5), y: Int32Array.from({ length: BATCH }, (_, i) => i % 10) };
}

function trainWork(c: ModelCase): Work {
  const name = `train step ${c.name} (batch ${BATCH})`;
  const extras: StepExtras = { dispatches: {}, peakBytes: {} };
  stepExtras.set(name, extras);
  const data = host(c);
  const work: Work = {
    name, flops: 0, bytes: 0, reps: c.reps, step: true,
    make: {
      webgpu_nn: async () => {
        const model = freshModel(c, work);
        const x = tensor(data.x, [BATCH, ...c.input]), y = tensor(data.y, [BATCH], { dtype: 'i32' });
        const step = async (): Promise<void> => void (await model.trainOnBatch(x, y));
        await step(); // builds optimiser state, compiles pipelines
        await sync();
        await autotune(); // no budget: the figure is the tuned step (a no-op once the classes are cached)
        await step();
        await sync();
        // One observed step: bound bytes, dispatches and the memory high-water mark.
        let bytes = 0;
        setDispatchHook({
          passTimestamps: () => undefined,
          recorded: (call) => void (bytes += call.storage.reduce((s, b) => s + b.size, 0)),
          beforeSubmit: () => {},
          submitted: () => {},
        });
        resetPeakBytes();
        const before = dispatches();
        await step();
        await sync();
        setDispatchHook(null);
        work.bytes = bytes;
        stepBytes.set(c.name, bytes);
        extras.dispatches.webgpu_nn = dispatches() - before;
        extras.peakBytes.webgpu_nn = poolStats().peakLiveBytes;
        return { run: async () => { await step(); await sync(); }, dispose: () => { model.dispose(); x.dispose(); y.dispose(); } };
      },
      tfjs_webgpu: () => tfjsTrainer(c, data, 'tfjs_webgpu', extras),
      tfjs_wasm: () => tfjsTrainer(c, data, 'tfjs_wasm', extras),
    },
  };
  return work;
}

async function tfjsTrainer(c: ModelCase, data: { x: Float32Array; y: Int32Array }, system: SystemName, extras: StepExtras): Promise<Runner> {
  const { tf, layers } = await loadTfjs();
  await activate(system);
  const model = TFJS_MODELS[c.name](tf, layers);
  const x = tf.tensor(data.x, [BATCH, ...c.input]), y = tf.tensor(Float32Array.from(data.y), [BATCH, 1]);
  const step = async (): Promise<void> => {
    await activate(system);
    await model.trainOnBatch(x, y);
    await drain(system);
  };
  try {
    await step();
    const before = dispatches();
    await step();
    if (system === 'tfjs_webgpu') {
      extras.dispatches[system] = dispatches() - before;
      // tfjs keeps freed buffers in its own pool, so its allocated bytes after a step bound the step's peak.
      extras.peakBytes[system] = tf.memory().numBytesAllocatedInGPU;
    }
  } catch (err) {
    model.dispose();
    tf.dispose([x, y]);
    throw err;
  }
  return { run: step, dispose: () => { model.dispose(); tf.dispose([x, y]); } };
}

export function trainWorks(): Work[] {
  return CASES.map(trainWork);
}
