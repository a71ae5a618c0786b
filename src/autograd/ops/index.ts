// The op registry: every op the tape can record, by name. test/autograd/gradcheck.test.ts walks it, so an op
// added here without a gradient case fails the suite instead of being skipped.

import type { AnyOp } from '../op.js';
import { binaryOpTable, scalarOp, unaryOpTable } from './elementwise.js';
import { conv2dBiasOp, conv2dOp, depthwiseConv2dBiasOp, depthwiseConv2dOp } from './conv.js';
import { denseBiasOp, denseOp, matmulOp } from './matmul.js';
import { argmaxOp, argminOp, maxOp, meanOp, minOp, sumOp } from './reduce.js';
import { broadcastToOp, reshapeOp } from './shape.js';

export const registry = {
  ...unaryOpTable,
  ...binaryOpTable,
  scalar: scalarOp,
  sum: sumOp,
  mean: meanOp,
  max: maxOp,
  min: minOp,
  argmax: argmaxOp,
  argmin: argminOp,
  reshape: reshapeOp,
  broadcastTo: broadcastToOp,
  matmul: matmulOp,
  dense: denseOp,
  denseBias: denseBiasOp,
  conv2d: conv2dOp,
  conv2dBias: conv2dBiasOp,
  depthwiseConv2d: depthwiseConv2dOp,
  depthwiseConv2dBias: depthwiseConv2dBiasOp,
} satisfies Record<string, AnyOp>;

export type OpName = keyof typeof registry;
