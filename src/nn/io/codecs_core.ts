// Keras configs of the core, normalisation, merge, reshaping and preprocessing layers, both ways (Keras key names).
// ScaledResidual is written as itself and also read from Keras 3's CustomScaleLayer (InceptionResNetV2's shortcut).

import type { FillMode } from '../../kernels/augment.js';
import type { ActivationName } from '../layers/common.js';
import { Activation, Dense, Dropout, Flatten, Reshape } from '../layers/core.js';
import { Add, Concatenate, ScaledResidual } from '../layers/merge.js';
import { BatchNormalization } from '../layers/normalization.js';
import { RandomRotation, RandomTranslation, Rescaling, Resizing } from '../layers/preprocessing.js';
import { ZeroPadding2D, type Padding2D } from '../layers/reshaping.js';
import { CHANNELS_LAST, constraintToKeras, initializerToKeras, type Json, type JsonObject } from './keras_config.js';
import type { LayerCodec } from './layer_codecs.js';

const init = (spec: Parameters<typeof initializerToKeras>[0]): Json => initializerToKeras(spec) as never;

const dense: LayerCodec<Dense> = {
  type: Dense,
  className: 'Dense',
  fromKeras(r, base) {
    r.nulls('kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'lora_rank', 'quantization_config').inert({ lora_alpha: () => true });
    return new Dense(r.int('units'), {
      ...base, activation: r.activation() as ActivationName, useBias: r.bool('use_bias', true),
      kernelInitializer: r.initializer('kernel_initializer'), biasInitializer: r.initializer('bias_initializer'),
      kernelConstraint: r.constraint('kernel_constraint'), biasConstraint: r.constraint('bias_constraint'),
    });
  },
  toKeras: (l) => ({
    units: l.units, activation: l.activation, use_bias: l.opts.useBias ?? true,
    kernel_initializer: init(l.opts.kernelInitializer ?? 'glorot_uniform'), bias_initializer: init(l.opts.biasInitializer ?? 'zeros'),
    kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: constraintToKeras(l.opts.kernelConstraint) as never, bias_constraint: constraintToKeras(l.opts.biasConstraint) as never,
  }),
};

const activation: LayerCodec<Activation> = {
  type: Activation,
  className: 'Activation',
  fromKeras: (r, base) => new Activation(r.activation() as ActivationName, base),
  toKeras: (l) => ({ activation: l.activation }),
};

const dropout: LayerCodec<Dropout> = {
  type: Dropout,
  className: 'Dropout',
  fromKeras(r, base) {
    r.nulls('noise_shape');
    const seed = r.raw('seed', null);
    return new Dropout(r.number('rate'), { ...base, ...(typeof seed === 'number' ? { seed } : {}) });
  },
  toKeras: (l) => ({ rate: l.rate, noise_shape: null, seed: l.getConfig().seed as number }),
};

const flatten: LayerCodec<Flatten> = {
  type: Flatten,
  className: 'Flatten',
  fromKeras: (r, base) => (r.inert(CHANNELS_LAST), new Flatten(base)),
  toKeras: () => ({ data_format: 'channels_last' }),
};

const reshape: LayerCodec<Reshape> = {
  type: Reshape,
  className: 'Reshape',
  fromKeras(r, base) {
    const t = r.raw('target_shape');
    if (!Array.isArray(t) || !t.every((d) => typeof d === 'number' && Number.isInteger(d))) r.fail(`option 'target_shape' must be a list of integers but is ${JSON.stringify(t)}`);
    return new Reshape(t as number[], base);
  },
  toKeras: (l) => ({ target_shape: [...l.targetShape] }),
};

const batchNorm: LayerCodec<BatchNormalization> = {
  type: BatchNormalization,
  className: 'BatchNormalization',
  fromKeras(r, base) {
    r.nulls('beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'virtual_batch_size', 'adjustment', 'renorm_clipping')
      .inert({ synchronized: false, renorm: false, renorm_momentum: () => true, fused: () => true });
    const axisRaw = r.raw('axis', -1);
    const axis = Array.isArray(axisRaw) && axisRaw.length === 1 ? axisRaw[0] : axisRaw;
    if (axis !== -1 && axis !== 3) r.fail(`option 'axis' = ${JSON.stringify(axisRaw)} is not supported (only the channel axis, -1 or 3)`);
    return new BatchNormalization({
      ...base, axis: axis as number, momentum: r.number('momentum', 0.99), epsilon: r.number('epsilon', 1e-3),
      center: r.bool('center', true), scale: r.bool('scale', true),
      betaInitializer: r.initializer('beta_initializer'), gammaInitializer: r.initializer('gamma_initializer'),
      movingMeanInitializer: r.initializer('moving_mean_initializer'), movingVarianceInitializer: r.initializer('moving_variance_initializer'),
    });
  },
  toKeras: (l) => ({
    axis: -1, momentum: l.momentum, epsilon: l.epsilon, center: l.opts.center ?? true, scale: l.opts.scale ?? true,
    beta_initializer: init(l.opts.betaInitializer ?? 'zeros'), gamma_initializer: init(l.opts.gammaInitializer ?? 'ones'),
    moving_mean_initializer: init(l.opts.movingMeanInitializer ?? 'zeros'), moving_variance_initializer: init(l.opts.movingVarianceInitializer ?? 'ones'),
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
  }),
};

const add: LayerCodec<Add> = { type: Add, className: 'Add', fromKeras: (_r, base) => new Add(base), toKeras: () => ({}) };

const concatenate: LayerCodec<Concatenate> = {
  type: Concatenate,
  className: 'Concatenate',
  fromKeras: (r, base) => new Concatenate({ ...base, axis: r.int('axis', -1) }),
  toKeras: (l) => ({ axis: l.axis }),
};

const scaledResidual: LayerCodec<ScaledResidual> = {
  type: ScaledResidual,
  className: 'ScaledResidual',
  aliases: ['CustomScaleLayer'],
  fromKeras: (r, base) => new ScaledResidual(r.number('scale'), base),
  toKeras: (l) => ({ scale: l.scale }),
};

const zeroPadding: LayerCodec<ZeroPadding2D> = {
  type: ZeroPadding2D,
  className: 'ZeroPadding2D',
  fromKeras(r, base) {
    r.inert(CHANNELS_LAST);
    const p = r.raw('padding', 1);
    try {
      return new ZeroPadding2D(p as Padding2D, base);
    } catch (e) {
      return r.fail((e as Error).message);
    }
  },
  toKeras: (l) => ({ padding: l.padding.map((p) => [...p]), data_format: 'channels_last' }),
};

const rescaling: LayerCodec<Rescaling> = {
  type: Rescaling,
  className: 'Rescaling',
  fromKeras: (r, base) => new Rescaling(r.number('scale'), { ...base, offset: r.number('offset', 0) }),
  toKeras: (l) => ({ scale: l.scale, offset: l.opts.offset ?? 0 }),
};

const resizing: LayerCodec<Resizing> = {
  type: Resizing,
  className: 'Resizing',
  fromKeras(r, base) {
    r.inert({ ...CHANNELS_LAST, crop_to_aspect_ratio: false, pad_to_aspect_ratio: false, antialias: false, fill_mode: () => true, fill_value: () => true });
    return new Resizing(r.int('height'), r.int('width'), { ...base, interpolation: r.string('interpolation', ['bilinear'] as const, 'bilinear') });
  },
  toKeras: (l) => ({ height: l.height, width: l.width, interpolation: 'bilinear', crop_to_aspect_ratio: false }),
};

const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'nearest', 'constant'];

function augmentCommon(r: Parameters<LayerCodec['fromKeras']>[0]) {
  r.inert({ ...CHANNELS_LAST, value_range: () => true });
  r.string('interpolation', ['bilinear'] as const, 'bilinear');
  const seed = r.raw('seed', null);
  return { fillMode: r.string('fill_mode', FILL_MODES, 'reflect'), fillValue: r.number('fill_value', 0), ...(typeof seed === 'number' ? { seed } : {}) };
}

const rotation: LayerCodec<RandomRotation> = {
  type: RandomRotation,
  className: 'RandomRotation',
  fromKeras: (r, base) => new RandomRotation(r.factor('factor'), { ...base, ...augmentCommon(r) }),
  toKeras: (l) => ({ factor: [...l.factor], fill_mode: l.fillMode, fill_value: l.fillValue, interpolation: 'bilinear', seed: l.getConfig().seed as number }),
};

const translation: LayerCodec<RandomTranslation> = {
  type: RandomTranslation,
  className: 'RandomTranslation',
  fromKeras: (r, base) => new RandomTranslation(r.factor('height_factor'), r.factor('width_factor'), { ...base, ...augmentCommon(r) }),
  toKeras: (l) => ({
    height_factor: [...l.heightFactor], width_factor: [...l.widthFactor], fill_mode: l.fillMode, fill_value: l.fillValue,
    interpolation: 'bilinear', seed: l.getConfig().seed as number,
  }),
};

export const CORE_CODECS: LayerCodec[] = [
  dense, activation, dropout, flatten, reshape, batchNorm, add, concatenate, scaledResidual, zeroPadding, rescaling, resizing, rotation, translation,
] as LayerCodec[];

export type { JsonObject };
