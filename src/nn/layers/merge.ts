// Merge layers: Add (elementwise sum of same-shaped inputs), Concatenate (along an axis, the channels by default),
// and ScaledResidual (x + scale * residual, InceptionResNetV2's scaled shortcut, Keras's CustomScaleLayer).

import * as ops from '../../autograd/api.js';
import { sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fmtLayerShape, Layer, type CallContext, type LayerOptions, type LayerShape } from '../layer.js';

function asList(layer: Layer, s: LayerShape | LayerShape[]): LayerShape[] {
  const list = Array.isArray(s[0]) || s.length === 0 ? (s as LayerShape[]) : null;
  if (!list || list.length < 2) throw new Error(`${layer.name} (${layer.className}): expects a list of at least 2 inputs`);
  return list;
}

export class Add extends Layer {
  override get takesList(): boolean {
    return true;
  }
  override computeOutputShape(s: LayerShape | LayerShape[]): LayerShape {
    const list = asList(this, s);
    const first = list[0]!;
    for (const t of list) {
      if (t.length !== first.length || t.some((d, i) => d !== null && first[i] !== null && d !== first[i])) {
        throw new Error(`${this.name} (Add): inputs must have the same shape, got ${list.map(fmtLayerShape).join(' and ')}`);
      }
    }
    return first;
  }
  // A following Activation('relu') (ResNet's residual join) is applied in the add's kernel when there are two inputs
  // of one shape; otherwise after the sum, as the Activation layer would.
  override fusesActivation(activation: string): activation is 'relu' {
    return activation === 'relu';
  }
  override call(xs: Tensor | Tensor[], ctx?: CallContext): Tensor {
    const list = xs as Tensor[], act = ctx?.fusedActivation;
    if (act && list.length === 2 && sameShape(list[0]!.shape, list[1]!.shape)) return ops.addActivation(list[0]!, list[1]!, act);
    let y = ops.add(list[0]!, list[1]!);
    for (const t of list.slice(2)) y = ops.add(y, t);
    return act ? ops.relu(y) : y;
  }
}

export interface ConcatenateOptions extends LayerOptions {
  axis?: number;
}

export class Concatenate extends Layer {
  readonly axis: number;
  constructor(opts: ConcatenateOptions = {}) {
    super(opts);
    this.axis = opts.axis ?? -1;
  }
  override get takesList(): boolean {
    return true;
  }
  override computeOutputShape(s: LayerShape | LayerShape[]): LayerShape {
    const list = asList(this, s);
    const rank = list[0]!.length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out = [...list[0]!];
    for (const t of list.slice(1)) {
      if (t.length !== rank || t.some((d, i) => i !== axis && d !== null && out[i] !== null && d !== out[i])) {
        throw new Error(`${this.name} (Concatenate): shapes ${list.map(fmtLayerShape).join(', ')} differ off the concat axis ${this.axis}`);
      }
      out[axis] = out[axis] == null || t[axis] == null ? null : out[axis]! + t[axis]!;
    }
    return out;
  }
  override call(xs: Tensor | Tensor[]): Tensor {
    return ops.concat(xs as Tensor[], this.axis);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** y = x + scale * residual for inputs [x, residual]. */
export class ScaledResidual extends Layer {
  constructor(readonly scale: number, opts: LayerOptions = {}) {
    super(opts);
  }
  override get takesList(): boolean {
    return true;
  }
  override computeOutputShape(s: LayerShape | LayerShape[]): LayerShape {
    return asList(this, s)[0]!;
  }
  override call(xs: Tensor | Tensor[]): Tensor {
    const [x, r] = xs as Tensor[];
    return ops.add(x!, ops.mul(r!, this.scale));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }
}
