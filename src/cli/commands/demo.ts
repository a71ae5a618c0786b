// `webgpu-nn demo`: the notebook's first network, the MNIST MLP (dropout 0.2, BatchNorm, max_norm(3), sigmoid
// output with sparse categorical cross-entropy), trained on the full 60,000-image training set through the
// double-buffered loader, then scored on the 10,000 test images. Exits 1 if test accuracy is not above 90%.

import { describeEpoch, DataLoader } from '../../data/loader.js';
import { loadMnist } from '../../data/mnist.js';
import { setSeed } from '../../kernels/random.js';
import { mnistMlp } from '../../nn/models/notebook.js';
import { Adam } from '../../nn/optimizers/index.js';
import type { Command } from 'commander';
import { init } from '../../tensor/device.js';
import { intArg } from '../options.js';

export async function demo({ epochs = 1, batchSize = 64 }: { epochs?: number; batchSize?: number } = {}): Promise<number> {
  const { info } = await init();
  console.log(`adapter: ${info.description}`);
  const { train, test } = await loadMnist();
  setSeed(42);
  const model = mnistMlp();
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  console.log(model.summary());
  const trainData = new DataLoader(train, { batchSize, sampleShape: 'flat', seed: 42 });
  const testData = new DataLoader(test, { batchSize: 500, sampleShape: 'flat', shuffle: false });
  const t0 = performance.now();
  await model.fit(trainData, { epochs, verbose: process.stdout.isTTY ? 1 : 2 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`trained ${epochs} epoch(s) of ${train.shape[0]} images in ${seconds.toFixed(1)} s; last epoch ${describeEpoch(trainData.lastEpoch!)}`);
  const { loss, accuracy } = await model.evaluate(testData);
  console.log(`test loss ${loss!.toFixed(4)}, test accuracy ${(100 * accuracy!).toFixed(2)}% on ${test.shape[0]} images`);
  model.dispose();
  if (!(accuracy! > 0.9)) {
    console.error('demo: test accuracy is not above 90%');
    return 1;
  }
  return 0;
}

export function register(program: Command): void {
  program.command('demo').description('train the notebook\'s MLP on MNIST and print its test accuracy (exits 1 below 90%)')
    .option('--epochs <n>', 'epochs', intArg(), 1)
    .option('--batch-size <n>', 'batch size', intArg(), 64)
    .action(async (o: { epochs: number; batchSize: number }) => {
      process.exitCode = await demo(o);
    });
}
