// The training run the kill-and-resume test starts as a child process (bundled by esbuild): a small MLP with
// BatchNorm and Dropout on 256 synthetic 8x8 images through the double-buffered loader, with the stateful
// callbacks, checkpointing every 4 steps. Usage: [EPOCHS=n] node train-child.mjs DIR fresh|resume. Prints
// 'step E S' before each step; at the end writes DIR/final.safetensors and DIR/history.json and exits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, Input, resetNames, Sequential, setSeed, type ImageSet } from '../../src/index.js';
import { CSVLogger, EarlyStopping, LambdaCallback, ModelCheckpoint, ReduceLROnPlateau } from '../../src/nn/callbacks/index.js';
import { DataLoader } from '../../src/data/loader.js';
import { Dense, Dropout, Flatten } from '../../src/nn/layers/core.js';
import { BatchNormalization } from '../../src/nn/layers/normalization.js';
import { Adam } from '../../src/nn/optimizers/index.js';

/** Label = the quadrant holding the brightest pixel; seeded so every process sees the same data. */
export function quadrantImages(n: number, seed: number): ImageSet {
  const images = new Uint8Array(n * 64), labels = new Uint8Array(n);
  let s = seed >>> 0;
  const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 64; k++) images[i * 64 + k] = Math.floor(rand() * 120);
    const q = Math.floor(rand() * 4), r = (q >> 1) * 4 + Math.floor(rand() * 4), c = (q & 1) * 4 + Math.floor(rand() * 4);
    images[i * 64 + r * 8 + c] = 255;
    labels[i] = q;
  }
  return { name: 'quadrants', images, shape: [n, 8, 8], labels, classNames: ['0', '1', '2', '3'] };
}

async function main(): Promise<void> {
  const [dir, mode] = process.argv.slice(2) as [string, string];
  await init();
  resetNames();
  setSeed(5);
  const model = new Sequential([Input([8, 8, 1]), new Flatten(), new Dense(32, { activation: 'relu' }), new BatchNormalization(),
    new Dropout(0.3), new Dense(4, { activation: 'softmax' })]);
  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const train = new DataLoader(quadrantImages(256, 1), { batchSize: 16, seed: 3 });
  const val = new DataLoader(quadrantImages(64, 2), { batchSize: 64, shuffle: false });
  let epoch = 0;
  const history = await model.fit(train, {
    epochs: Number(process.env.EPOCHS ?? 4), verbose: 0, validationData: val,
    checkpoint: { dir, everySteps: 4 }, resume: mode === 'resume' ? dir : undefined,
    callbacks: [
      new ModelCheckpoint(join(dir, 'best.safetensors'), { monitor: 'val_accuracy', saveBestOnly: true, saveWeightsOnly: true }),
      new EarlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
      new ReduceLROnPlateau({ monitor: 'val_loss', patience: 1, factor: 0.5, minDelta: 0.1 }),
      new CSVLogger(join(dir, 'log.csv')),
      new LambdaCallback({ onEpochBegin: (e) => void (epoch = e), onBatchBegin: (b) => void process.stdout.write(`step ${epoch} ${b}\n`) }),
    ],
  });
  await model.saveWeights(join(dir, 'final.safetensors'));
  writeFileSync(join(dir, 'history.json'), JSON.stringify({ epoch: history.epoch, history: history.history, lr: model.optimizer.learningRate }));
  process.exit(0);
}

if (process.argv[1]?.endsWith('train-child.mjs')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
