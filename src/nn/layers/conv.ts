// Convolution layers with Keras's weight shapes and names: Conv2D (kernel [KH, KW, C, K], bias [K]),
// DepthwiseConv2D (depthwise_kernel [KH, KW, C, M]), SeparableConv2D (depthwise then a pointwise 1x1 kernel).
// Bias and the common activations are fused into the conv kernels.

import * as ops from '../../autograd/api.js';
import { convAxis, type Padding } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { expectRank, Layer, type LayerOptions, type LayerShape } from '../layer.js';
import type { Constraint } from '../constraints.js';
import { applyActivation, checkActivation, FUSABLE, init, pair, type ActivationName, type InitializerSpec } from './common.js';

interface ConvCommon extends LayerOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilationRate?: number | [number, number];
  activation?: ActivationName;
  useBias?: boolean;
  biasInitializer?: InitializerSpec;
}

function outSpatial(layer: Layer, s: LayerShape, k: [number, number], strides: [number, number], padding: Padding, dilation: [number, number]): [number | null, number | null] {
  expectRank(layer, s, 4, 'NHWC input');
  const axis = (i: 0 | 1): number | null => (s[i + 1] == null ? null : convAxis(s[i + 1]!, k[i], strides[i], padding, dilation[i]).out);
  return [axis(0), axis(1)];
}

function channels(layer: Layer, s: LayerShape): number {
  expectRank(layer, s, 4, 'NHWC input');
  const c = s[3];
  if (c == null) throw new Error(`${layer.name} (${layer.className}): the channel axis must be known`);
  return c;
}

export interface Conv2DOptions extends ConvCommon {
  kernelInitializer?: InitializerSpec;
  kernelConstraint?: Constraint;
}

export class Conv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(readonly filters: number, kernelSize: number | [number, number], readonly opts: Conv2DOptions = {}) {
    super(opts);
    this.kernelSize = pair(kernelSize, 'kernelSize', this.name);
    this.strides = pair(opts.strides ?? 1, 'strides', this.name);
    this.dilationRate = pair(opts.dilationRate ?? 1, 'dilationRate', this.name);
    this.padding = opts.padding ?? 'valid';
    this.activation = checkActivation(this.name, opts.activation);
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    this.kernel = this.addWeight('kernel', init(this.opts.kernelInitializer ?? 'glorot_uniform', [...this.kernelSize, c, this.filters]), {
      constraint: this.opts.kernelConstraint,
    });
    if (this.opts.useBias ?? true) this.bias = this.addWeight('bias', init(this.opts.biasInitializer ?? 'zeros', [this.filters]));
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return [s[0]!, ...outSpatial(this, s, this.kernelSize, this.strides, this.padding, this.dilationRate), this.filters];
  }

  override call(x: Tensor): Tensor {
    const fused = FUSABLE.has(this.activation) ? this.activation : 'linear';
    const y = ops.conv2d(x, this.kernel!, {
      strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, bias: this.bias ?? undefined, activation: fused as 'linear',
    });
    return fused === this.activation ? y : applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding,
      dilationRate: this.dilationRate, activation: this.activation, useBias: this.opts.useBias ?? true,
    };
  }
}

export interface DepthwiseConv2DOptions extends ConvCommon {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerSpec;
}

export class DepthwiseConv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly activation: ActivationName;
  depthwiseKernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(kernelSize: number | [number, number], readonly opts: DepthwiseConv2DOptions = {}) {
    super(opts);
    this.kernelSize = pair(kernelSize, 'kernelSize', this.name);
    this.strides = pair(opts.strides ?? 1, 'strides', this.name);
    this.dilationRate = pair(opts.dilationRate ?? 1, 'dilationRate', this.name);
    this.padding = opts.padding ?? 'valid';
    this.depthMultiplier = opts.depthMultiplier ?? 1;
    this.activation = checkActivation(this.name, opts.activation);
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', init(this.opts.depthwiseInitializer ?? 'glorot_uniform', [...this.kernelSize, c, this.depthMultiplier]));
    if (this.opts.useBias ?? true) this.bias = this.addWeight('bias', init(this.opts.biasInitializer ?? 'zeros', [c * this.depthMultiplier]));
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return [s[0]!, ...outSpatial(this, s, this.kernelSize, this.strides, this.padding, this.dilationRate), channels(this, s) * this.depthMultiplier];
  }

  override call(x: Tensor): Tensor {
    const y = ops.depthwiseConv2d(x, this.depthwiseKernel!, {
      strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, bias: this.bias ?? undefined,
    });
    return applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate, activation: this.activation, useBias: this.opts.useBias ?? true,
    };
  }
}

export interface SeparableConv2DOptions extends DepthwiseConv2DOptions {
  pointwiseInitializer?: InitializerSpec;
}

/** Depthwise conv (multiplier M) followed by a 1x1 conv to `filters` channels, as Keras SeparableConv2D. */
export class SeparableConv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly activation: ActivationName;
  depthwiseKernel: Tensor | null = null;
  pointwiseKernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(readonly filters: number, kernelSize: number | [number, number], readonly opts: SeparableConv2DOptions = {}) {
    super(opts);
    this.kernelSize = pair(kernelSize, 'kernelSize', this.name);
    this.strides = pair(opts.strides ?? 1, 'strides', this.name);
    this.dilationRate = pair(opts.dilationRate ?? 1, 'dilationRate', this.name);
    this.padding = opts.padding ?? 'valid';
    this.depthMultiplier = opts.depthMultiplier ?? 1;
    this.activation = checkActivation(this.name, opts.activation);
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', init(this.opts.depthwiseInitializer ?? 'glorot_uniform', [...this.kernelSize, c, m]));
    this.pointwiseKernel = this.addWeight('pointwise_kernel', init(this.opts.pointwiseInitializer ?? 'glorot_uniform', [1, 1, c * m, this.filters]));
    if (this.opts.useBias ?? true) this.bias = this.addWeight('bias', init(this.opts.biasInitializer ?? 'zeros', [this.filters]));
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return [s[0]!, ...outSpatial(this, s, this.kernelSize, this.strides, this.padding, this.dilationRate), this.filters];
  }

  override call(x: Tensor): Tensor {
    const d = ops.depthwiseConv2d(x, this.depthwiseKernel!, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate });
    const fused = FUSABLE.has(this.activation) ? this.activation : 'linear';
    const y = ops.conv2d(d, this.pointwiseKernel!, { bias: this.bias ?? undefined, activation: fused as 'linear' });
    return fused === this.activation ? y : applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding,
      depthMultiplier: this.depthMultiplier, dilationRate: this.dilationRate, activation: this.activation, useBias: this.opts.useBias ?? true,
    };
  }
}
