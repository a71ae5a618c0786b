// The state of one run as results.json and history.csv hold it, kept up to date after every epoch. The JSON
// fields are a stable format (long runs started by one build keep writing it): add fields, never rename them.
import type { EpochStats } from '../../data/loader.js';
import type { Logs } from '../../nn/callbacks/callback.js';
import { describeAugment, type RunSpec } from '../experiments/spec.js';

export type RunStatus = 'running' | 'finished' | 'stopped';
/** 'epochs': ran them all; 'early-stopping': the stopping rule fired; 'time-limit'; 'signal': SIGINT/SIGTERM; 'error': see note. */
export type StoppedBy = 'epochs' | 'early-stopping' | 'time-limit' | 'signal' | 'error' | null;

export interface EpochRow {
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  learning_rate: number | null;
  /** Training steps run this epoch (fewer than steps_per_epoch when a time limit cut it short). */
  steps: number;
  partial: boolean;
  ms_per_step: number;
  input_wait_share: number;
  /** Seconds since the run started, at the end of this epoch (validation included). */
  wall_seconds: number;
}

export interface RunResult {
  format: 'webgpu-nn/run-results@1';
  status: RunStatus;
  experiment: string;
  run: string;
  model: string;
  dataset: string;
  optimizer: string;
  learning_rate: number;
  schedule: string;
  label: string;
  augmentation: string;
  loader_mode: string;
  batch_size: number;
  epochs: number;
  epochs_run: number;
  steps_per_epoch: number;
  train_samples: number;
  val_samples: number;
  test_samples: number;
  /** 1-based, by the checkpoint's monitor (val_accuracy), as the notebook counts. */
  best_epoch: number | null;
  /** Of the best checkpoint: re-evaluated at the end; while running, the best epoch's logged values. */
  val_loss: number | null;
  val_accuracy: number | null;
  /** null until the best checkpoint has been evaluated on the test set at the end. */
  test_loss: number | null;
  test_accuracy: number | null;
  test_evaluated: boolean;
  /** Median over epochs of the loader's ms/step and input-wait share (steps include input waits). */
  ms_per_step: number | null;
  input_wait_share: number | null;
  wall_seconds: number;
  stopped_by: StoppedBy;
  /** e.g. 'epoch 12 ended after 300 of 750 steps (time limit)'. */
  note: string | null;
  checkpoint: string;
  command: string;
  adapter: string;
  date: string;
  seed: number;
  early_stopping: { monitor: string; min_delta: number; patience: number } | null;
  /** Figures a run's inputs measured (mnist-transfer: the base's ms/image, the feature cache's speed-up). */
  measurements?: Record<string, number | string>;
  /** The dataset's class names, by label (for `webgpu-nn predict`). */
  class_names?: string[];
  /** Wall seconds spent autotuning GEMM tiles (kept out of ms_per_step and input_wait_share). */
  autotune_seconds?: number;
  history: EpochRow[];
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface RecordContext {
  experiment: string;
  command: string;
  adapter: string;
  checkpoint: string;
  stepsPerEpoch: number;
  samples: { train: number; val: number; test: number };
}

export function newResult(spec: RunSpec, c: RecordContext, start: Date): RunResult {
  return {
    format: 'webgpu-nn/run-results@1', status: 'running', experiment: c.experiment, run: spec.id, model: spec.model, dataset: spec.dataset,
    optimizer: spec.optimizer, learning_rate: spec.learningRate, schedule: spec.schedule, label: spec.label, augmentation: describeAugment(spec.augment),
    loader_mode: spec.loaderMode, batch_size: spec.batchSize, epochs: spec.epochs, epochs_run: 0, steps_per_epoch: c.stepsPerEpoch,
    train_samples: c.samples.train, val_samples: c.samples.val, test_samples: c.samples.test,
    best_epoch: null, val_loss: null, val_accuracy: null, test_loss: null, test_accuracy: null, test_evaluated: false,
    ms_per_step: null, input_wait_share: null, wall_seconds: 0, stopped_by: null, note: null, checkpoint: c.checkpoint,
    command: c.command, adapter: c.adapter, date: start.toISOString(), seed: spec.seed,
    early_stopping: spec.earlyStopping && { monitor: spec.earlyStopping.monitor, min_delta: spec.earlyStopping.minDelta, patience: spec.earlyStopping.patience },
    history: [],
  };
}

const num = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/** An epoch's loader figures without `pauseMs` of work that was not training (autotuning). */
export function withoutPause(s: EpochStats, pauseMs: number): EpochStats {
  const totalMs = Math.max(s.waitMs, s.totalMs - pauseMs);
  return { ...s, totalMs, inputWaitShare: totalMs > 0 ? s.waitMs / totalMs : 0, msPerStep: s.batches ? totalMs / s.batches : 0 };
}

/** Appends an epoch and refreshes the summary fields (best epoch by `monitor`, max mode). */
export function addEpoch(r: RunResult, epoch: number, logs: Logs, stats: EpochStats | undefined, wallSeconds: number, monitor: string): void {
  // A resumed epoch counts the steps run before the checkpoint too.
  const steps = stats ? (stats.firstStep ?? 0) + stats.batches : r.steps_per_epoch;
  r.history.push({
    epoch: epoch + 1, loss: num(logs.loss), accuracy: num(logs.accuracy), val_loss: num(logs.val_loss), val_accuracy: num(logs.val_accuracy),
    learning_rate: num(logs.learning_rate), steps, partial: steps < r.steps_per_epoch, ms_per_step: stats?.msPerStep ?? 0,
    input_wait_share: stats?.inputWaitShare ?? 0, wall_seconds: wallSeconds,
  });
  r.epochs_run = r.history.length;
  r.wall_seconds = wallSeconds;
  r.ms_per_step = median(r.history.map((h) => h.ms_per_step));
  r.input_wait_share = median(r.history.map((h) => h.input_wait_share));
  let best: EpochRow | null = null;
  for (const h of r.history) {
    const v = h[monitor as keyof EpochRow] as number | null;
    if (v !== null && (best === null || v > (best[monitor as keyof EpochRow] as number))) best = h;
  }
  if (best) {
    r.best_epoch = best.epoch;
    r.val_loss = best.val_loss;
    r.val_accuracy = best.val_accuracy;
  }
}

const HISTORY_COLUMNS: Array<keyof EpochRow> = [
  'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'learning_rate', 'steps', 'partial', 'ms_per_step', 'input_wait_share', 'wall_seconds',
];

export function historyCsv(r: RunResult): string {
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return [HISTORY_COLUMNS.join(','), ...r.history.map((h) => HISTORY_COLUMNS.map((k) => cell(h[k])).join(','))].join('\n') + '\n';
}
