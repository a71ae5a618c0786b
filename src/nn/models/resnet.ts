// The notebook's custom ResNet18 for CIFAR-10 (16/32/64 filters): pre-activation identity and conv blocks
// (BN-ReLU-Conv twice, the conv block downsampling by 2 with a BN + 1x1 conv shortcut), glorot_uniform(seed=0)
// kernels, then average pooling and a dense 256-128-10 head with dropout (261,238 params, 1,414 non-trainable).

import { glorotUniform } from '../initializers.js';
import { Activation, Dense, Dropout, Flatten } from '../layers/core.js';
import { Conv2D } from '../layers/conv.js';
import { Add } from '../layers/merge.js';
import { BatchNormalization } from '../layers/normalization.js';
import { AveragePooling2D } from '../layers/pooling.js';
import type { SymbolicTensor } from '../layer.js';
import { Input, Model } from '../model.js';

// NOTE: Keras's glorot_uniform(seed=0) gives every kernel the same seed; so do we, as the notebook did.
const convLayer = (filters: number, k: number, strides: number, name: string): Conv2D =>
  new Conv2D(filters, k, { strides, padding: 'same', name, kernelInitializer: glorotUniform({ seed: 0 }) });

/** BN-ReLU-Conv (stride s) then BN-ReLU-Conv: the residual path of both block types. */
function mainPath(x: SymbolicTensor, filters: [number, number], strides: number, conv: string, bn: string): SymbolicTensor {
  x = new BatchNormalization({ name: `${bn}2a` }).apply(x);
  x = new Activation('relu').apply(x);
  x = convLayer(filters[0], 3, strides, `${conv}2a`).apply(x);
  x = new BatchNormalization({ name: `${bn}2b` }).apply(x);
  x = new Activation('relu').apply(x);
  return convLayer(filters[1], 3, 1, `${conv}2b`).apply(x);
}

/** Identity block: the input itself is the shortcut. Conv block: strides 2, shortcut BN + strided 1x1 conv. */
function block(x: SymbolicTensor, filters: [number, number], stage: number, name: string, kind: 'identity' | 'conv'): SymbolicTensor {
  const conv = `res${stage}${name}_branch`;
  const bn = `bn${stage}${name}_branch`;
  let shortcut = x;
  const main = mainPath(x, filters, kind === 'conv' ? 2 : 1, conv, bn);
  if (kind === 'conv') {
    shortcut = new BatchNormalization({ name: `${bn}1` }).apply(shortcut);
    shortcut = convLayer(filters[0], 1, 2, `${conv}1`).apply(shortcut);
  }
  return new Activation('relu').apply(new Add().apply([main, shortcut]));
}

export function resnet18Cifar(inputShape: [number, number, number] = [32, 32, 3]): Model {
  const input = Input(inputShape);
  let x = new BatchNormalization({ name: 'prelim_conv_bn' }).apply(input);
  x = convLayer(16, 3, 1, 'prelim_conv').apply(x);
  x = block(x, [16, 16], 1, 'a', 'identity');
  x = block(x, [16, 16], 1, 'b', 'conv');
  x = block(x, [16, 16], 1, 'c', 'conv');
  x = block(x, [16, 16], 2, 'a', 'identity');
  x = block(x, [32, 32], 2, 'b', 'conv');
  x = block(x, [32, 32], 2, 'c', 'conv');
  x = block(x, [32, 32], 3, 'a', 'identity');
  x = block(x, [64, 64], 3, 'b', 'conv');
  x = block(x, [64, 64], 3, 'c', 'conv');
  x = new AveragePooling2D(2, { padding: 'same' }).apply(x);
  x = new Flatten().apply(x);
  x = new Dense(256).apply(x);
  x = new Activation('relu').apply(x);
  x = new Dropout(0.4).apply(x);
  x = new Dense(128).apply(x);
  x = new Activation('relu').apply(x);
  x = new Dropout(0.2).apply(x);
  x = new Dense(10).apply(x);
  x = new Activation('softmax').apply(x);
  return new Model({ inputs: input, outputs: x, name: 'ResNet18' });
}
