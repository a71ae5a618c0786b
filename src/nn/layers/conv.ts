// Convolution layers with Keras's weight shapes and names: Conv2D (kernel [KH, KW, C, K], bias [K]),
// DepthwiseConv2D (depthwise_kernel [KH, KW, C, M]), SeparableConv2D (depthwise then a pointwise 1x1 kernel).
// Bias and the common activations are fused into the conv kernels.

import * as ops from '../../autograd/api.js';
import { conv2dOp, depthwiseConv2dOp } from '../../autograd/ops/conv.js';
import type { Padding } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { expectRank, inferOutputShape, Layer, type LayerOptions, type LayerShape } from '../layer.js';
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

function channels(layer: Layer, s: LayerShape): number {
  expectRank(layer, s, 4, 'NHWC input');
  const c = s[3];
  if (c == null) throw new Error(`${layer.name} (${layer.className}): the channel axis must be known`);
  return c;
}

/** Option handling and output shapes shared by the three convolution layers. */
abstract class ConvLayer extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  bias: Tensor | null = null;

  constructor(kernelSize: number | [number, number], readonly common: ConvCommon) {
    super(common);
    this.kernelSize = pair(kernelSize, 'kernelSize', this.name);
    this.strides = pair(common.strides ?? 1, 'strides', this.name);
    this.dilationRate = pair(common.dilationRate ?? 1, 'dilationRate', this.name);
    this.padding = common.padding ?? 'valid';
    this.activation = checkActivation(this.name, common.activation);
  }

  protected get shapeOpts(): { strides: [number, number]; padding: Padding; dilationRate: [number, number] } {
    return { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
  }

  protected addBias(n: number): void {
    if (this.common.useBias ?? true) this.bias = this.addWeight('bias', init(this.common.biasInitializer ?? 'zeros', [n]));
  }

  /** The activation fused into the last kernel, and the one (if any) applied after it. */
  protected get fusedActivation(): 'linear' | 'relu' | 'tanh' {
    return (FUSABLE.has(this.activation) ? this.activation : 'linear') as 'linear' | 'relu' | 'tanh';
  }

  protected finish(y: Tensor): Tensor {
    return this.fusedActivation === this.activation ? y : applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilationRate: this.dilationRate,
      activation: this.activation, useBias: this.common.useBias ?? true,
    };
  }
}

export interface Conv2DOptions extends ConvCommon {
  kernelInitializer?: InitializerSpec;
  kernelConstraint?: Constraint;
}

export class Conv2D extends ConvLayer {
  kernel: Tensor | null = null;

  constructor(readonly filters: number, kernelSize: number | [number, number], readonly opts: Conv2DOptions = {}) {
    super(kernelSize, opts);
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return inferOutputShape(this, conv2dOp, { x: s, w: [...this.kernelSize, channels(this, s), this.filters] }, this.shapeOpts);
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    this.kernel = this.addWeight('kernel', init(this.opts.kernelInitializer ?? 'glorot_uniform', [...this.kernelSize, c, this.filters]), {
      constraint: this.opts.kernelConstraint,
    });
    this.addBias(this.filters);
  }

  override call(x: Tensor): Tensor {
    return this.finish(ops.conv2d(x, this.kernel!, {
      strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, bias: this.bias ?? undefined, activation: this.fusedActivation,
    }));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters };
  }
}

export interface DepthwiseConv2DOptions extends ConvCommon {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerSpec;
}

export class DepthwiseConv2D extends ConvLayer {
  readonly depthMultiplier: number;
  depthwiseKernel: Tensor | null = null;

  constructor(kernelSize: number | [number, number], readonly opts: DepthwiseConv2DOptions = {}) {
    super(kernelSize, opts);
    this.depthMultiplier = opts.depthMultiplier ?? 1;
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    return inferOutputShape(this, depthwiseConv2dOp, { x: s, w: [...this.kernelSize, channels(this, s), this.depthMultiplier] }, this.shapeOpts);
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', init(this.opts.depthwiseInitializer ?? 'glorot_uniform', [...this.kernelSize, c, this.depthMultiplier]));
    this.addBias(c * this.depthMultiplier);
  }

  override call(x: Tensor): Tensor {
    const y = ops.depthwiseConv2d(x, this.depthwiseKernel!, {
      strides: this.strides, padding: this.padding, dilationRate: this.dilationRate, bias: this.bias ?? undefined,
    });
    return applyActivation(y, this.activation);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
}

export interface SeparableConv2DOptions extends DepthwiseConv2DOptions {
  pointwiseInitializer?: InitializerSpec;
}

/** Depthwise conv (multiplier M) followed by a 1x1 conv to `filters` channels, as Keras SeparableConv2D. */
export class SeparableConv2D extends ConvLayer {
  readonly depthMultiplier: number;
  depthwiseKernel: Tensor | null = null;
  pointwiseKernel: Tensor | null = null;

  constructor(readonly filters: number, kernelSize: number | [number, number], readonly opts: SeparableConv2DOptions = {}) {
    super(kernelSize, opts);
    this.depthMultiplier = opts.depthMultiplier ?? 1;
  }

  override computeOutputShape(s: LayerShape): LayerShape {
    const c = channels(this, s);
    const d = inferOutputShape(this, depthwiseConv2dOp, { x: s, w: [...this.kernelSize, c, this.depthMultiplier] }, this.shapeOpts);
    return inferOutputShape(this, conv2dOp, { x: d, w: [1, 1, c * this.depthMultiplier, this.filters] }, {});
  }

  override build(s: LayerShape): void {
    const c = channels(this, s);
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', init(this.opts.depthwiseInitializer ?? 'glorot_uniform', [...this.kernelSize, c, m]));
    this.pointwiseKernel = this.addWeight('pointwise_kernel', init(this.opts.pointwiseInitializer ?? 'glorot_uniform', [1, 1, c * m, this.filters]));
    this.addBias(this.filters);
  }

  override call(x: Tensor): Tensor {
    const d = ops.depthwiseConv2d(x, this.depthwiseKernel!, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate });
    return this.finish(ops.conv2d(d, this.pointwiseKernel!, { bias: this.bias ?? undefined, activation: this.fusedActivation }));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters, depthMultiplier: this.depthMultiplier };
  }
}
