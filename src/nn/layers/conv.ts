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
  const axis = (i: 0 | 1): number | null => {
    if (s[i + 1] == null) return null;
    const out = convAxis(s[i + 1]!, k[i], strides[i], padding, dilation[i]).out;
    if (out < 1) {
      const reach = (k[i] - 1) * dilation[i] + 1;
      throw new Error(`${layer.name} (${layer.className}): kernel ${k.join('x')} (dilation ${dilation.join('x')}) spans ${reach} on the ${i ? 'width' : 'height'} axis, `
        + `larger than the input's ${s[i + 1]} with padding '${padding}'; expected an input of at least ${reach} there (or padding 'same')`);
    }
    return out;
  };
  return [axis(0), axis(1)];
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

  /** Output channels for an input with `c` channels. */
  protected abstract outChannels(c: number): number;

  override computeOutputShape(s: LayerShape): LayerShape {
    return [s[0]!, ...outSpatial(this, s, this.kernelSize, this.strides, this.padding, this.dilationRate), this.outChannels(channels(this, s))];
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

  protected outChannels(): number {
    return this.filters;
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

  protected outChannels(c: number): number {
    return c * this.depthMultiplier;
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

  protected outChannels(): number {
    return this.filters;
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
