// webgpu-nn's public API.

export { init, close, gpu, isOpen, NoAdapterError, type DeviceInfo } from './tensor/device.js';
export { Tensor, tensor, writeInto, liveTensors, setDefaultDevice, getDefaultDevice, type HostArray } from './tensor/tensor.js';
export { scope, keep, untrack, unscoped } from './tensor/scope.js';
export { poolStats, trimPool } from './tensor/pool.js';
export { flush, sync, recorderStats } from './tensor/queue.js';
export type { DType, Shape } from './tensor/shape.js';
export type { DeviceKind } from './tensor/storage.js';
export { pipelineCount } from './kernels/kernel.js';
export * from './autograd/api.js';
export { backward, noGrad, isGradEnabled } from './autograd/tape.js';
export { gradcheck, type GradcheckResult } from './autograd/gradcheck.js';
export { registry, type OpName } from './autograd/ops/index.js';
export * from './data/index.js';
