// The op registry: every op the tape can record, by name. test/autograd/gradcheck.test.ts walks it, so an op
// added here without a gradient case fails the suite instead of being skipped.

import type { AnyOp } from '../op.js';
import { binaryOpTable, scalarOp, unaryOpTable } from './elementwise.js';
import { affineTransformOp, randomAffineOp } from './augment.js';
import { addActivationOp } from './add_activation.js';
import { batchNormInferenceOp, batchNormOp } from './batchnorm.js';
import { dropoutOp } from './dropout.js';
import { resizeBilinearOp, zeroPad2dOp } from './image.js';
import { avgPool2dOp, maxPool2dOp } from './pool.js';
import { conv2dBiasOp, conv2dOp, depthwiseConv2dBiasOp, depthwiseConv2dOp } from './conv.js';
import { denseBiasOp, denseOp, matmulOp } from './matmul.js';
import { argmaxOp, argminOp, maxOp, meanOp, minOp, sumOp } from './reduce.js';
import { concatOp, gatherOp, oneHotOp, padOp, sliceOp, transposeOp, whereOp } from './layout.js';
import { broadcastToOp, expandDimsOp, reshapeOp, squeezeOp } from './shape.js';
import { categoricalCrossentropyOp, logSoftmaxOp, softmaxOp, sparseCategoricalCrossentropyOp } from './softmax.js';

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
  expandDims: expandDimsOp,
  squeeze: squeezeOp,
  transpose: transposeOp,
  slice: sliceOp,
  pad: padOp,
  // One concat op exists per arity (ops have fixed inputs); the 2-input one stands for them all here.
  concat: concatOp(2),
  gather: gatherOp,
  oneHot: oneHotOp,
  where: whereOp,
  softmax: softmaxOp,
  logSoftmax: logSoftmaxOp,
  sparseCategoricalCrossentropy: sparseCategoricalCrossentropyOp,
  categoricalCrossentropy: categoricalCrossentropyOp,
  // vision
  maxPool2d: maxPool2dOp,
  avgPool2d: avgPool2dOp,
  batchNorm: batchNormOp,
  batchNormInference: batchNormInferenceOp,
  addActivation: addActivationOp,
  dropout: dropoutOp,
  zeroPad2d: zeroPad2dOp,
  resizeBilinear: resizeBilinearOp,
  randomAffine: randomAffineOp,
  affineTransform: affineTransformOp,
  matmul: matmulOp,
  dense: denseOp,
  denseBias: denseBiasOp,
  conv2d: conv2dOp,
  conv2dBias: conv2dBiasOp,
  depthwiseConv2d: depthwiseConv2dOp,
  depthwiseConv2dBias: depthwiseConv2dBiasOp,
} satisfies Record<string, AnyOp>;

export type OpName = keyof typeof registry;
