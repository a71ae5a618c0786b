// Keras's InceptionResNetV2 (Szegedy et al. 2016) without its top: the stem, mixed_5b, 10 block35, mixed_6a,
// 20 block17, mixed_7a, 10 block8 (residuals scaled by 0.17 / 0.1 / 0.2, the last block unscaled and linear) and
// conv_7b. conv2d_bn is a bias-free conv + BatchNormalization(scale=False) + ReLU, as Keras builds it.
// 54,336,736 params (60,544 non-trainable) at 84x84x3.

import { Activation } from '../layers/core.js';
import { Conv2D } from '../layers/conv.js';
import { Concatenate, ScaledResidual } from '../layers/merge.js';
import { BatchNormalization } from '../layers/normalization.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import type { SymbolicTensor } from '../layer.js';
import { Input, Model } from '../model.js';
import type { ApplicationOptions } from './xception.js';

interface ConvBnOptions {
  strides?: number;
  padding?: 'same' | 'valid';
  activation?: 'relu' | null;
  useBias?: boolean;
  name?: string;
}

function conv2dBn(x: SymbolicTensor, filters: number, k: number | [number, number], o: ConvBnOptions = {}): SymbolicTensor {
  const useBias = o.useBias ?? false;
  x = new Conv2D(filters, k, { strides: o.strides ?? 1, padding: o.padding ?? 'same', useBias, ...(o.name ? { name: o.name } : {}) }).apply(x);
  if (!useBias) x = new BatchNormalization({ scale: false, ...(o.name ? { name: `${o.name}_bn` } : {}) }).apply(x);
  if ((o.activation ?? 'relu') !== null) x = new Activation('relu', o.name ? { name: `${o.name}_ac` } : {}).apply(x);
  return x;
}

type BlockType = 'block35' | 'block17' | 'block8';

function inceptionResnetBlock(x: SymbolicTensor, scale: number, type: BlockType, idx: number, activation: 'relu' | null = 'relu'): SymbolicTensor {
  let branches: SymbolicTensor[];
  if (type === 'block35') {
    branches = [
      conv2dBn(x, 32, 1),
      conv2dBn(conv2dBn(x, 32, 1), 32, 3),
      conv2dBn(conv2dBn(conv2dBn(x, 32, 1), 48, 3), 64, 3),
    ];
  } else if (type === 'block17') {
    branches = [conv2dBn(x, 192, 1), conv2dBn(conv2dBn(conv2dBn(x, 128, 1), 160, [1, 7]), 192, [7, 1])];
  } else {
    branches = [conv2dBn(x, 192, 1), conv2dBn(conv2dBn(conv2dBn(x, 192, 1), 224, [1, 3]), 256, [3, 1])];
  }
  const name = `${type}_${idx}`;
  const mixed = new Concatenate({ axis: 3, name: `${name}_mixed` }).apply(branches);
  const up = conv2dBn(mixed, x.shape[3]!, 1, { activation: null, useBias: true, name: `${name}_conv` });
  x = new ScaledResidual(scale).apply([x, up]);
  return activation ? new Activation('relu', { name: `${name}_ac` }).apply(x) : x;
}

export function inceptionResnetV2({ inputShape, pooling }: ApplicationOptions): Model {
  const input = Input(inputShape);
  let x = conv2dBn(input, 32, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(x, 32, 3, { padding: 'valid' });
  x = conv2dBn(x, 64, 3);
  x = new MaxPooling2D(3, { strides: 2 }).apply(x);
  x = conv2dBn(x, 80, 1, { padding: 'valid' });
  x = conv2dBn(x, 192, 3, { padding: 'valid' });
  x = new MaxPooling2D(3, { strides: 2 }).apply(x);

  x = new Concatenate({ axis: 3, name: 'mixed_5b' }).apply([
    conv2dBn(x, 96, 1),
    conv2dBn(conv2dBn(x, 48, 1), 64, 5),
    conv2dBn(conv2dBn(conv2dBn(x, 64, 1), 96, 3), 96, 3),
    conv2dBn(new AveragePooling2D(3, { strides: 1, padding: 'same' }).apply(x), 64, 1),
  ]);
  for (let i = 1; i <= 10; i++) x = inceptionResnetBlock(x, 0.17, 'block35', i);

  x = new Concatenate({ axis: 3, name: 'mixed_6a' }).apply([
    conv2dBn(x, 384, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 256, 3), 384, 3, { strides: 2, padding: 'valid' }),
    new MaxPooling2D(3, { strides: 2, padding: 'valid' }).apply(x),
  ]);
  for (let i = 1; i <= 20; i++) x = inceptionResnetBlock(x, 0.1, 'block17', i);

  x = new Concatenate({ axis: 3, name: 'mixed_7a' }).apply([
    conv2dBn(conv2dBn(x, 256, 1), 384, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(conv2dBn(x, 256, 1), 288, 3, { strides: 2, padding: 'valid' }),
    conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 288, 3), 320, 3, { strides: 2, padding: 'valid' }),
    new MaxPooling2D(3, { strides: 2, padding: 'valid' }).apply(x),
  ]);
  for (let i = 1; i <= 9; i++) x = inceptionResnetBlock(x, 0.2, 'block8', i);
  x = inceptionResnetBlock(x, 1.0, 'block8', 10, null);

  x = conv2dBn(x, 1536, 1, { name: 'conv_7b' });
  if (pooling === 'avg') x = new GlobalAveragePooling2D().apply(x);
  else if (pooling === 'max') x = new GlobalMaxPooling2D().apply(x);
  return new Model({ inputs: input, outputs: x, name: 'inception_resnet_v2' });
}
