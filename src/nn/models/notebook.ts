// The seed notebook's small networks, layer for layer: the MNIST MLP (get_model_compile(dropout, batch_n)), the
// MNIST CNN, and the shallow CIFAR-10 CNN. Parameter counts match Keras's summary() (see test/nn/zoo.test.ts).

import { maxNorm } from '../constraints.js';
import { Activation, Dense, Dropout, Flatten } from '../layers/core.js';
import { Conv2D } from '../layers/conv.js';
import { BatchNormalization } from '../layers/normalization.js';
import { MaxPooling2D } from '../layers/pooling.js';
import { Input, Sequential } from '../model.js';

export interface MlpOptions {
  dropout?: boolean;
  batchNorm?: boolean;
  /** The notebook's output activation is sigmoid (with sparse categorical cross-entropy). */
  outputActivation?: 'sigmoid' | 'softmax' | 'linear';
}

/** 784-256-(BN)-128-(BN)-10 with max_norm(3) kernels and optional dropout 0.2 (236,682 params with both). */
export function mnistMlp({ dropout = true, batchNorm = true, outputActivation = 'sigmoid' }: MlpOptions = {}): Sequential {
  const m = new Sequential([Input([784])], { name: 'mlp' });
  if (dropout) m.add(new Dropout(0.2));
  m.add(new Dense(256, { activation: 'relu', kernelConstraint: maxNorm(3) }));
  if (batchNorm) m.add(new BatchNormalization());
  if (dropout) m.add(new Dropout(0.2));
  m.add(new Dense(128, { activation: 'relu', kernelConstraint: maxNorm(3) }));
  if (batchNorm) m.add(new BatchNormalization());
  if (dropout) m.add(new Dropout(0.2));
  m.add(new Dense(10, { activation: outputActivation, kernelConstraint: maxNorm(3) }));
  return m;
}

/** conv32-pool-BN-conv64-pool-BN-dense512-dropout-dense10 on 28x28x1 (844,042 params). */
export function mnistCnn({ outputActivation = 'sigmoid' }: { outputActivation?: 'sigmoid' | 'softmax' | 'linear' } = {}): Sequential {
  return new Sequential([
    Input([28, 28, 1]),
    new Conv2D(32, 3, { activation: 'relu' }),
    new MaxPooling2D(2),
    new BatchNormalization(),
    new Conv2D(64, 3, { activation: 'relu' }),
    new MaxPooling2D(2),
    new BatchNormalization(),
    new Flatten(),
    new Dense(512, { activation: 'relu' }),
    new Dropout(0.2),
    new Dense(10, { activation: outputActivation }),
  ], { name: 'mnist_cnn' });
}

/** Two 3x3 'same' he_uniform convs per stage (32, 64, 128), max pools, dense 256-128-10 (845,738 params). */
export function cifarShallowCnn(): Sequential {
  const conv = (filters: number): Conv2D => new Conv2D(filters, 3, { activation: 'relu', kernelInitializer: 'he_uniform', padding: 'same' });
  return new Sequential([
    Input([32, 32, 3]),
    conv(32), conv(32), new MaxPooling2D(2),
    conv(64), conv(64), new MaxPooling2D(2),
    conv(128), conv(128), new MaxPooling2D(2),
    new Flatten(),
    new Dense(256, { activation: 'relu' }),
    new Dropout(0.4),
    new Dense(128, { activation: 'relu' }),
    new Dropout(0.2),
    new Dense(10, { activation: 'softmax' }),
  ], { name: 'cifar_shallow_cnn' });
}

/** The notebook's transfer-learning head: Dense256-relu, BN, Dropout 0.4, Dense10-softmax. */
export function notebookHead(): Array<Dense | BatchNormalization | Dropout | Activation> {
  return [new Dense(256, { activation: 'relu' }), new BatchNormalization(), new Dropout(0.4), new Dense(10, { activation: 'softmax' })];
}
