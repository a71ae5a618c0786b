// Keras-style training callbacks.

export {
  Callback, CallbackList, History, LambdaCallback,
  type CallbackListOptions, type CallbackModel, type CallbackState, type RestoredCallbackState, type LambdaHooks, type LearningRateHolder, type Logs, type TrainParams,
} from './callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early_stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model_checkpoint.js';
export { LearningRateScheduler, ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './lr_callbacks.js';
export { CSVLogger, TerminateOnNaN } from './csv_logger.js';
export {
  Progbar, ProgbarLogger, formatMetric, formatTimePerUnit, type ProgbarLoggerOptions, type ProgbarOptions, type ProgbarStream,
} from './progbar.js';
export { resolveMode, stdoutPrinter, type MonitorMode, type Printer } from './monitor.js';
export { pyFloatRepr, pyFormat } from './pyformat.js';
