// Keras's Xception (Chollet 2017) without its top, layer for layer: entry flow (two strided convs, three
// separable blocks with 1x1 strided residuals), middle flow (8 residual blocks of three 728-filter separable
// convs) and exit flow; optional global pooling. 20,861,480 params (54,528 non-trainable) at 71x71x3.

import { Activation } from '../layers/core.js';
import { Conv2D, SeparableConv2D } from '../layers/conv.js';
import { Add } from '../layers/merge.js';
import { BatchNormalization } from '../layers/normalization.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import type { SymbolicTensor } from '../layer.js';
import { Input, Model } from '../model.js';

export interface ApplicationOptions {
  inputShape: [number, number, number];
  /** Keras's `pooling`: undefined keeps the 4-D feature map. */
  pooling?: 'avg' | 'max';
}

const sep = (filters: number, name: string): SeparableConv2D => new SeparableConv2D(filters, 3, { padding: 'same', useBias: false, name });
const bn = (name?: string): BatchNormalization => new BatchNormalization(name ? { name } : {});
const relu = (name: string): Activation => new Activation('relu', { name });

/** A strided 1x1 conv + BN shortcut, two separable convs (the first optionally pre-activated), a 3x3 max pool. */
function entryBlock(x: SymbolicTensor, filters: [number, number], block: number, preActivate: boolean): SymbolicTensor {
  let residual = new Conv2D(filters[1], 1, { strides: 2, padding: 'same', useBias: false }).apply(x);
  residual = bn().apply(residual);
  const p = `block${block}`;
  if (preActivate) x = relu(`${p}_sepconv1_act`).apply(x);
  x = sep(filters[0], `${p}_sepconv1`).apply(x);
  x = bn(`${p}_sepconv1_bn`).apply(x);
  x = relu(`${p}_sepconv2_act`).apply(x);
  x = sep(filters[1], `${p}_sepconv2`).apply(x);
  x = bn(`${p}_sepconv2_bn`).apply(x);
  x = new MaxPooling2D(3, { strides: 2, padding: 'same', name: `${p}_pool` }).apply(x);
  return new Add().apply([x, residual]);
}

export function xception({ inputShape, pooling }: ApplicationOptions): Model {
  const input = Input(inputShape);
  let x = new Conv2D(32, 3, { strides: 2, useBias: false, name: 'block1_conv1' }).apply(input);
  x = bn('block1_conv1_bn').apply(x);
  x = relu('block1_conv1_act').apply(x);
  x = new Conv2D(64, 3, { useBias: false, name: 'block1_conv2' }).apply(x);
  x = bn('block1_conv2_bn').apply(x);
  x = relu('block1_conv2_act').apply(x);

  x = entryBlock(x, [128, 128], 2, false);
  x = entryBlock(x, [256, 256], 3, true);
  x = entryBlock(x, [728, 728], 4, true);

  for (let i = 0; i < 8; i++) {
    const residual = x;
    const p = `block${i + 5}`;
    for (let j = 1; j <= 3; j++) {
      x = relu(`${p}_sepconv${j}_act`).apply(x);
      x = sep(728, `${p}_sepconv${j}`).apply(x);
      x = bn(`${p}_sepconv${j}_bn`).apply(x);
    }
    x = new Add().apply([x, residual]);
  }

  x = entryBlock(x, [728, 1024], 13, true);

  x = sep(1536, 'block14_sepconv1').apply(x);
  x = bn('block14_sepconv1_bn').apply(x);
  x = relu('block14_sepconv1_act').apply(x);
  x = sep(2048, 'block14_sepconv2').apply(x);
  x = bn('block14_sepconv2_bn').apply(x);
  x = relu('block14_sepconv2_act').apply(x);

  if (pooling === 'avg') x = new GlobalAveragePooling2D().apply(x);
  else if (pooling === 'max') x = new GlobalMaxPooling2D().apply(x);
  return new Model({ inputs: input, outputs: x, name: 'xception' });
}
