// Slow: a Sequential MLP on the real MNIST training set (20% held out for validation, as the notebook does) must
// pass 97% test accuracy in a short run (3 epochs, about 20 s on lavapipe).
import { describe, expect, it } from 'vitest';
import { DataLoader, loadMnist, trainValSplit } from '../../src/data/index.js';
import { setSeed } from '../../src/kernels/random.js';
import { resetNames } from '../../src/nn/layer.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { liveTensors } from '../../src/index.js';

describe('slow: real MNIST', () => {
  it('a 784-256-128-10 MLP reaches > 97% test accuracy in 3 epochs', async () => {
    const { train, test } = await loadMnist();
    const split = trainValSplit(train.labels, { valFraction: 0.2, seed: 42 });
    setSeed(1);
    const model = new Sequential([
      Input([784]), new Dense(256, { activation: 'relu' }), new Dense(128, { activation: 'relu' }), new Dense(10, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const live = liveTensors();
    const trainData = new DataLoader(train, { batchSize: 64, sampleShape: 'flat', indices: split.train, seed: 42 });
    const valData = new DataLoader(train, { batchSize: 500, sampleShape: 'flat', indices: split.val, shuffle: false });
    const h = await model.fit(trainData, { epochs: 3, validationData: valData, verbose: 0 });
    expect(h.history.loss![2]!).toBeLessThan(h.history.loss![0]!);
    expect(h.history.accuracy![2]!).toBeGreaterThan(h.history.accuracy![0]!);
    expect(h.history.val_accuracy![2]!).toBeGreaterThan(0.96);
    const { accuracy } = await model.evaluate(new DataLoader(test, { batchSize: 500, sampleShape: 'flat', shuffle: false }));
    expect(accuracy).toBeGreaterThan(0.97);
    expect(liveTensors() - live).toBeLessThanOrEqual(2 * model.trainableWeights.length + 1);
    model.dispose();
    resetNames();
  }, 300_000);
});
