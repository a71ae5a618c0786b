// Every Keras layer webgpu-nn provides (the `layers` namespace of the public API).
export { Activation, Dense, Dropout, Flatten, Reshape, type DenseOptions, type DropoutOptions } from './core.js';
export { Conv2D, DepthwiseConv2D, SeparableConv2D, type Conv2DOptions, type DepthwiseConv2DOptions, type SeparableConv2DOptions } from './conv.js';
export { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type PoolingOptions } from './pooling.js';
export { BatchNormalization, type BatchNormalizationOptions } from './normalization.js';
export { Add, Concatenate, ScaledResidual, type ConcatenateOptions } from './merge.js';
export { ZeroPadding2D, type Padding2D } from './reshaping.js';
export { RandomRotation, RandomTranslation, Rescaling, Resizing, type AugmentOptions } from './preprocessing.js';
export { type ActivationName } from './common.js';
