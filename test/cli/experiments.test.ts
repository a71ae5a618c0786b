// Every experiment of the table runs end to end with --quick on a tiny subset (in-process, through the CLI's
// main()) and leaves a complete run directory with sane values; plus `train`, `summary`, the time limit and the
// partial results a run leaves while it is still going. CIFAR runs use the JPEG tarball (skipped without it).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { EXPERIMENTS } from '../../src/cli/experiments/table.js';
import { CIFAR10_JPEG } from '../../src/cli/registry/datasets.js';
import { RunWriter } from '../../src/cli/results/run-dir.js';
import { addEpoch, newResult, withoutPause, type RunResult } from '../../src/cli/results/record.js';
import { gpuError } from '../setup.js';

const root = mkdtempSync(join(tmpdir(), 'webgpu-nn-cli-'));
const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
afterAll(() => logSpy.mockRestore());
const printed = (): string => logSpy.mock.calls.map((c) => c.join(' ')).join('\n');

const read = (dir: string, file = 'results.json'): RunResult => JSON.parse(readFileSync(join(dir, file), 'utf8')) as RunResult;

/** Checks one run's directory: every file there, values in range, the test set scored with the best checkpoint. */
function checkRunDir(dir: string, epochs: number): RunResult {
  const r = read(dir);
  expect(r.format).toBe('webgpu-nn/run-results@1');
  expect(r.status).toBe('finished');
  expect(r.epochs_run).toBe(epochs);
  expect(r.best_epoch).toBeGreaterThanOrEqual(1);
  expect(r.test_evaluated).toBe(true);
  for (const k of ['val_loss', 'test_loss'] as const) expect(r[k]).toBeGreaterThan(0);
  for (const k of ['val_accuracy', 'test_accuracy'] as const) expect(r[k]! >= 0 && r[k]! <= 1).toBe(true);
  expect(r.ms_per_step).toBeGreaterThan(0);
  expect(r.input_wait_share! >= 0 && r.input_wait_share! < 1).toBe(true);
  expect(r.wall_seconds).toBeGreaterThan(0);
  expect(r.stopped_by).toMatch(/^(epochs|early-stopping)$/);
  expect(r.command).toMatch(/^webgpu-nn /);
  expect(r.adapter.length).toBeGreaterThan(0);
  expect(new Date(r.date).getTime()).toBeGreaterThan(0);
  const csv = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,steps,partial,ms_per_step,input_wait_share,wall_seconds');
  expect(csv).toHaveLength(epochs + 1);
  expect(Number(csv[1]!.split(',')[1])).toBeGreaterThan(0);
  expect(readFileSync(join(dir, 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*loss[\s\S]*accuracy[\s\S]*<\/svg>$/);
  expect([...readFileSync(join(dir, 'curves.png')).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  expect(existsSync(join(dir, 'best.safetensors'))).toBe(true);
  expect(readFileSync(join(dir, 'results.md'), 'utf8')).toMatch(/\| Learning rate \| Optimiser \| Schedule \| Augmentation \| Best epoch \| Val loss \| Val accuracy \| Test loss \| Test accuracy \| ms\/step/);
  return r;
}

async function experiment(name: string, ...extra: string[]): Promise<string> {
  const dir = join(root, name);
  expect(await main(['experiment', name, '--quick', '--epochs', '1', '--out', dir, ...extra])).toBe(0);
  return dir;
}

const hasCifar = existsSync(CIFAR10_JPEG);

describe.skipIf(gpuError !== null)('webgpu-nn experiment --quick', () => {
  it('the table holds the notebook\'s experiments with batch size 64', () => {
    expect(Object.keys(EXPERIMENTS)).toEqual(expect.arrayContaining([
      'mlp-sweep', 'mnist-cnn', 'mnist-cnn-aug-cpu', 'mnist-cnn-aug', 'cifar-cnn', 'cifar-resnet-adadelta', 'cifar-resnet-cyclic', 'cifar-xception',
    ]));
    for (const e of Object.values(EXPERIMENTS)) for (const r of e.runs) expect(r.batchSize).toBe(64);
    expect(EXPERIMENTS['mlp-sweep']!.runs.map((r) => `${r.learningRate}/${r.schedule}`)).toEqual([
      '0.1/constant', '0.1/time-decay', '0.5/constant', '0.5/time-decay', '0.8/constant', '0.8/time-decay',
    ]);
  });

  it('mlp-sweep writes six runs and the table sorted by validation accuracy', async () => {
    const dir = await experiment('mlp-sweep', '--subset', '128');
    const top = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { status: string; runs: RunResult[]; table: RunResult[] };
    expect(top.status).toBe('finished');
    expect(top.runs).toHaveLength(6);
    const acc = top.table.map((r) => r.val_accuracy!);
    expect(acc).toEqual([...acc].sort((a, b) => b - a));
    expect(readdirSync(dir).filter((f) => f.startsWith('lr')).sort()).toEqual(EXPERIMENTS['mlp-sweep']!.runs.map((r) => r.id).sort());
    for (const r of EXPERIMENTS['mlp-sweep']!.runs) checkRunDir(join(dir, r.id), 1);
    // The time-based decay runs log the rate LearningRateScheduler set for epoch 1 (the notebook's formula at epoch 0: unchanged).
    expect(read(join(dir, 'lr0.5-time-decay')).history[0]!.learning_rate).toBeCloseTo(0.5, 12);
  });

  it('mnist-cnn, and the augmentation pair reporting ms/step and input-wait share by loader', async () => {
    // --seed draws the experiment again: split, initialisers, shuffles and augmentation.
    const cnn = checkRunDir(await experiment('mnist-cnn', '--subset', '256', '--seed', '7'), 1);
    expect(cnn.seed).toBe(7);
    expect(cnn.class_names).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);   // for `predict`
    const cpu = checkRunDir(await experiment('mnist-cnn-aug-cpu', '--subset', '256'), 1);
    const gpu = checkRunDir(await experiment('mnist-cnn-aug', '--subset', '256'), 1);
    expect([cpu.loader_mode, cpu.optimizer, cpu.augmentation]).toEqual(['sync', 'adadelta', 'rotation ±5.0°, shift 0.05/0.05 constant (CPU)']);
    expect([gpu.loader_mode, gpu.optimizer, gpu.augmentation]).toEqual(['double-buffered', 'adam', 'rotation ±18° reflect, shift 0.05/0.05 constant (GPU)']);
    expect(printed()).toMatch(/ms\/step\s+Input wait/);
  });

  it.skipIf(!hasCifar)('cifar-cnn, cifar-resnet-adadelta and cifar-resnet-cyclic on a handful of JPEG images', async () => {
    for (const name of ['cifar-cnn', 'cifar-resnet-adadelta', 'cifar-resnet-cyclic']) {
      const r = checkRunDir(await experiment(name, '--subset', '64'), 1);
      expect([r.dataset, r.train_samples, r.val_samples, r.test_samples]).toEqual([CIFAR10_JPEG, 64, 16, 16]);
    }
    expect(read(join(root, 'cifar-resnet-cyclic')).history[0]!.learning_rate).toBeGreaterThan(5e-5);
    // 57 s measured on a loaded 2-core Xeon with a cold shader cache: the default 120 s left only 2x for more load.
  }, 300_000);

  it.skipIf(!hasCifar)('cifar-xception at 71x71 on 16 images (slow: its first step compiles every pipeline)', async () => {
    const r = checkRunDir(await experiment('cifar-xception', '--subset', '16'), 1);
    expect([r.model, r.steps_per_epoch]).toEqual(['xception', 1]);
    // 45 s measured on a loaded 2-core Xeon with a cold shader cache (see the cifar trio above).
  }, 300_000);
});

describe.skipIf(gpuError !== null)('webgpu-nn train / summary / time limit', () => {
  it('train --model mlp --dataset mnist writes a run directory and prints the results table', async () => {
    const dir = join(root, 'train-mlp');
    expect(await main(['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs', '2', '--subset', '512', '--schedule', 'cosine', '--out', dir])).toBe(0);
    const r = checkRunDir(dir, 2);
    expect(r.history[1]!.learning_rate!).toBeLessThan(r.history[0]!.learning_rate!);
    expect(printed()).toMatch(/Learning rate\s+Optimiser\s+Schedule[\s\S]*0\.1\s+adadelta\s+cosine/);
  });

  it('--time-limit ends the epoch early, still tests the best checkpoint, and says so', async () => {
    const dir = join(root, 'time-limit');
    expect(await main(['experiment', 'mnist-cnn', '--subset', '2048', '--time-limit', '1s', '--out', dir])).toBe(0);
    const r = read(dir);
    expect([r.status, r.stopped_by, r.epochs_run, r.test_evaluated]).toEqual(['stopped', 'time-limit', 1, true]);
    expect(r.history[0]!.partial).toBe(true);
    expect(r.history[0]!.steps).toBeLessThan(r.steps_per_epoch);
    expect(r.note).toMatch(new RegExp(`^epoch 1 ended after ${r.history[0]!.steps} of ${r.steps_per_epoch} steps \\(time limit\\)$`));
  });

  it('summary prints Keras\'s exact counts', async () => {
    logSpy.mockClear();
    expect(await main(['summary', 'mnist-cnn'])).toBe(0);
    expect(await main(['summary', 'cifar-cnn'])).toBe(0);
    expect(await main(['summary', 'xception', '--base', '--input-shape', '71,71,3'])).toBe(0);
    expect(printed()).toMatch(/Total params: 844,042[\s\S]*Total params: 845,738[\s\S]*Total params: 20,861,480\nTrainable params: 20,806,952\nNon-trainable params: 54,528/);
  });
});

describe('results while a run is going', () => {
  it('results.json says running, the test set not yet evaluated, and how far it got', () => {
    const dir = join(root, 'partial');
    const spec = EXPERIMENTS['mnist-cnn']!.runs[0]!;
    const r = newResult(spec, { experiment: 'mnist-cnn', command: 'webgpu-nn experiment mnist-cnn', adapter: 'test', checkpoint: 'best.safetensors', stepsPerEpoch: 750, samples: { train: 48000, val: 12000, test: 10000 } }, new Date());
    const w = new RunWriter(dir, r);
    addEpoch(r, 0, { loss: 0.5, accuracy: 0.8, val_loss: 0.4, val_accuracy: 0.9 }, undefined, 10, 'val_accuracy');
    addEpoch(r, 1, { loss: 0.3, accuracy: 0.9, val_loss: 0.35, val_accuracy: 0.88 }, undefined, 20, 'val_accuracy');
    w.writeTables();
    const back = read(dir);
    expect([back.status, back.epochs_run, back.best_epoch, back.val_accuracy, back.test_loss, back.test_accuracy, back.test_evaluated])
      .toEqual(['running', 2, 1, 0.9, null, null, false]);
    expect(back.early_stopping).toEqual({ monitor: 'val_loss', min_delta: 5e-4, patience: 15 });
    expect(readFileSync(join(dir, 'results.md'), 'utf8')).toMatch(/status: running[\s\S]*test set not yet evaluated[\s\S]*\| not yet \| not yet \|/);
  });

  it('autotuning inside an epoch is left out of its ms/step and input-wait share, and reported on its own', () => {
    const raw = { epoch: 0, mode: 'double-buffered' as const, batches: 100, samples: 6400, waitMs: 50, totalMs: 41_000, inputWaitShare: 50 / 41_000, msPerStep: 410, ready: 99 };
    const s = withoutPause(raw, 40_000);
    expect([s.totalMs, s.msPerStep, s.inputWaitShare]).toEqual([1000, 10, 0.05]);
    const dir = join(root, 'tuned');
    const r = newResult(EXPERIMENTS['mnist-cnn']!.runs[0]!, { experiment: 'mnist-cnn', command: 'c', adapter: 'test', checkpoint: 'best.safetensors', stepsPerEpoch: 100, samples: { train: 6400, val: 100, test: 100 } }, new Date());
    r.autotune_seconds = 40;
    addEpoch(r, 0, { loss: 0.5, val_accuracy: 0.9 }, s, 45, 'val_accuracy');
    new RunWriter(dir, r).writeTables();
    expect(read(dir).ms_per_step).toBe(10);
    expect(readFileSync(join(dir, 'results.md'), 'utf8')).toContain('autotuning GEMM tiles took 40.0 s, left out of ms/step');
  });
});
