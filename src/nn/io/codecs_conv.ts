// Keras configs of the convolution and pooling layers, both ways: Conv2D, DepthwiseConv2D, SeparableConv2D,
// MaxPooling2D, AveragePooling2D and the global poolings (Keras config key names, snake_case).

import type { Padding } from '../../tensor/shape.js';
import type { LayerOptions } from '../layer.js';
import type { ActivationName } from '../layers/common.js';
import { Conv2D, DepthwiseConv2D, SeparableConv2D } from '../layers/conv.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import { CHANNELS_LAST, constraintToKeras, initializerToKeras, type ConfigReader, type JsonObject } from './keras_config.js';
import type { LayerCodec } from './layer_codecs.js';

const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** Options every conv layer reads; unsupported ones (regularizers, groups, bias constraints) only at their inert values. */
function convCommon(r: ConfigReader, base: LayerOptions) {
  r.inert({ ...CHANNELS_LAST, groups: 1 }).nulls('bias_regularizer', 'activity_regularizer', 'bias_constraint', 'lora_rank');
  return {
    ...base,
    strides: r.ints('strides', 2, 1) as [number, number],
    padding: r.string('padding', PADDINGS, 'valid'),
    dilationRate: r.ints('dilation_rate', 2, 1) as [number, number],
    activation: r.activation() as ActivationName,
    useBias: r.bool('use_bias', true),
    biasInitializer: r.initializer('bias_initializer'),
  };
}

function convCommonToKeras(l: Conv2D | DepthwiseConv2D | SeparableConv2D): JsonObject {
  return {
    kernel_size: [...l.kernelSize], strides: [...l.strides], padding: l.padding, data_format: 'channels_last', dilation_rate: [...l.dilationRate],
    activation: l.activation, use_bias: l.common.useBias ?? true, bias_initializer: initializerToKeras(l.common.biasInitializer ?? 'zeros') as never,
    bias_regularizer: null, activity_regularizer: null, bias_constraint: null,
  };
}

const conv2d: LayerCodec<Conv2D> = {
  type: Conv2D,
  className: 'Conv2D',
  fromKeras(r, base) {
    r.nulls('kernel_regularizer');
    const filters = r.int('filters');
    const k = r.ints('kernel_size', 2) as [number, number];
    return new Conv2D(filters, k, { ...convCommon(r, base), kernelInitializer: r.initializer('kernel_initializer'), kernelConstraint: r.constraint('kernel_constraint') });
  },
  toKeras: (l) => ({
    filters: l.filters, ...convCommonToKeras(l), kernel_initializer: initializerToKeras(l.opts.kernelInitializer ?? 'glorot_uniform') as never,
    kernel_regularizer: null, kernel_constraint: constraintToKeras(l.opts.kernelConstraint) as never, groups: 1,
  }),
};

const depthwise: LayerCodec<DepthwiseConv2D> = {
  type: DepthwiseConv2D,
  className: 'DepthwiseConv2D',
  fromKeras(r, base) {
    r.nulls('depthwise_regularizer', 'depthwise_constraint');
    const k = r.ints('kernel_size', 2) as [number, number];
    return new DepthwiseConv2D(k, { ...convCommon(r, base), depthMultiplier: r.int('depth_multiplier', 1), depthwiseInitializer: r.initializer('depthwise_initializer') });
  },
  toKeras: (l) => ({
    ...convCommonToKeras(l), depth_multiplier: l.depthMultiplier,
    depthwise_initializer: initializerToKeras(l.opts.depthwiseInitializer ?? 'glorot_uniform') as never, depthwise_regularizer: null, depthwise_constraint: null,
  }),
};

const separable: LayerCodec<SeparableConv2D> = {
  type: SeparableConv2D,
  className: 'SeparableConv2D',
  fromKeras(r, base) {
    r.nulls('depthwise_regularizer', 'pointwise_regularizer', 'depthwise_constraint', 'pointwise_constraint');
    const filters = r.int('filters');
    const k = r.ints('kernel_size', 2) as [number, number];
    return new SeparableConv2D(filters, k, {
      ...convCommon(r, base), depthMultiplier: r.int('depth_multiplier', 1),
      depthwiseInitializer: r.initializer('depthwise_initializer'), pointwiseInitializer: r.initializer('pointwise_initializer'),
    });
  },
  toKeras: (l) => ({
    filters: l.filters, ...convCommonToKeras(l), depth_multiplier: l.depthMultiplier,
    depthwise_initializer: initializerToKeras(l.opts.depthwiseInitializer ?? 'glorot_uniform') as never,
    pointwise_initializer: initializerToKeras(l.opts.pointwiseInitializer ?? 'glorot_uniform') as never,
    depthwise_regularizer: null, pointwise_regularizer: null, depthwise_constraint: null, pointwise_constraint: null,
  }),
};

function pooling<T extends MaxPooling2D | AveragePooling2D>(type: new (p: [number, number], o: object) => T, className: string): LayerCodec<T> {
  return {
    type,
    className,
    fromKeras(r, base) {
      r.inert(CHANNELS_LAST);
      const poolSize = r.ints('pool_size', 2, 2) as [number, number];
      const strides = r.raw('strides', null);
      return new type(poolSize, { ...base, strides: strides === null ? poolSize : r.ints('strides', 2), padding: r.string('padding', PADDINGS, 'valid') });
    },
    toKeras: (l) => ({ pool_size: [...l.poolSize], strides: [...l.strides], padding: l.padding, data_format: 'channels_last' }),
  };
}

function globalPooling<T extends GlobalAveragePooling2D | GlobalMaxPooling2D>(type: new (o: LayerOptions) => T, className: string): LayerCodec<T> {
  return {
    type,
    className,
    fromKeras(r, base) {
      r.inert({ ...CHANNELS_LAST, keepdims: false });
      return new type(base);
    },
    toKeras: () => ({ data_format: 'channels_last', keepdims: false }),
  };
}

export const CONV_CODECS: LayerCodec[] = [
  conv2d, depthwise, separable,
  pooling(MaxPooling2D, 'MaxPooling2D'), pooling(AveragePooling2D, 'AveragePooling2D'),
  globalPooling(GlobalAveragePooling2D, 'GlobalAveragePooling2D'), globalPooling(GlobalMaxPooling2D, 'GlobalMaxPooling2D'),
] as LayerCodec[];
