// webgpu-nn's public API.

export { init, close, gpu, isOpen, NoAdapterError, type DeviceInfo } from './tensor/device.js';
export { Tensor, tensor, writeInto, liveTensors, setDefaultDevice, getDefaultDevice, type HostArray, type TensorOptions } from './tensor/tensor.js';
export { scope, keep, untrack, unscoped } from './tensor/scope.js';
export { poolStats, trimPool, resetPeakBytes } from './tensor/pool.js';
export { flush, sync, recorderStats } from './tensor/queue.js';
export { profile, formatProfile, type StepProfile, type KernelProfile } from './tensor/profiler.js';
export type { DType, Shape } from './tensor/shape.js';
export type { DeviceKind } from './tensor/storage.js';
export { pipelineCount } from './kernels/kernel.js';
export * from './autograd/api.js';
export { backward, noGrad, isGradEnabled } from './autograd/tape.js';
export { gradcheck, type GradcheckResult } from './autograd/gradcheck.js';
export { registry, type OpName } from './autograd/ops/index.js';

// Training machinery (Keras namespaces): optimisers, schedules, callbacks, initialisers, constraints, weights on disk.
export * as optimizers from './nn/optimizers/index.js';
export * as schedules from './nn/schedules.js';
export * as callbacks from './nn/callbacks/index.js';
export * as initializers from './nn/initializers.js';
export * as constraints from './nn/constraints.js';
export { saveSafetensors, loadSafetensors, readSafetensors, decodeSafetensors, entryValues, type SafetensorsFile, type SafetensorsEntry } from './nn/safetensors.js';
export { copyTensor, assignTensor, copyNamed, assignNamed, disposeNamed, type NamedTensor } from './nn/weights.js';
export { setSeed, nextSeed } from './kernels/random.js';

// Data: dataset readers, splits and the double-buffered GPU loader.
export * from './data/index.js';

// Keras-style models: layers, Sequential and functional models, losses, and the notebook's model zoo.
export * as layers from './nn/layers/index.js';
export * as losses from './nn/losses.js';
export * as zoo from './nn/models/index.js';
export { Layer, SymbolicTensor, Weight, resetNames, type CallContext, type LayerShape } from './nn/layer.js';
export { Input, Model, Sequential } from './nn/model.js';
export { countParams, summary } from './nn/summary.js';
export type { BatchSource, CompileOptions, EvaluateOptions, FitOptions } from './nn/training.js';
export { NonFiniteError, LabelRangeError } from './nn/health.js';
export { RESUME_FILE, type CheckpointOptions } from './nn/resume.js';

// Model files: TF.js weights manifests.
export { readTfjsWeights, readTfjsModelWeights, type TfjsWeight, type TfjsWeightSpec, type TfjsManifestGroup, type TfjsQuantization } from './nn/io/tfjs_weights.js';
export { loadModel, loadModelFile, type LoadModelOptions } from './nn/io/model_file.js';
export { loadLayersModel } from './nn/io/layers_model.js';
export { modelFromKeras, modelToKeras, type KerasModelJson } from './nn/io/model_config.js';
export { KerasConfigError } from './nn/io/keras_config.js';
