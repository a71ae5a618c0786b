// Callbacks on scripted metric sequences through a fake model: Keras's stopping, checkpointing, learning-rate,
// CSV and NaN semantics.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as nn from '../../src/index.js';
import {
  Callback, CallbackList, CSVLogger, EarlyStopping, History, LambdaCallback, LearningRateScheduler, ModelCheckpoint,
  ProgbarLogger, ReduceLROnPlateau, TerminateOnNaN, type Logs,
} from '../../src/nn/callbacks/index.js';
import { readSafetensors, entryValues } from '../../src/nn/safetensors.js';
import { lrTimeBasedDecay } from '../../src/nn/schedules.js';
import { FakeModel, scriptedFit } from './fake_model.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-nn-cb-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const losses = (xs: number[]): Logs[] => xs.map((v) => ({ loss: v * 2, val_loss: v }));
const accs = (xs: number[]): Logs[] => xs.map((v) => ({ loss: 1 - v, val_accuracy: v }));

async function earlyStop(o: ConstructorParameters<typeof EarlyStopping>[0], epochs: Logs[]) {
  const model = new FakeModel();
  const es = new EarlyStopping({ print: () => {}, ...o });
  const { epochsRun } = await scriptedFit(model, [es], { epochs });
  const w = await model.weightValue();
  model.dispose();
  return { es, epochsRun, w };
}

describe('EarlyStopping', () => {
  it('Keras: stops when wait reaches patience (wait counts epochs since the last improvement)', async () => {
    const r = await earlyStop({ patience: 2 }, losses([1.0, 0.9, 0.95, 0.93, 0.8, 0.7]));
    expect(r.es.stoppedEpoch).toBe(3);
    expect(r.epochsRun).toBe(4);
    expect(r.es.best).toBe(0.9);
    expect(r.es.bestEpoch).toBe(1);
    expect(r.es.wait).toBe(2);
  });

  it('Keras: min_delta must be beaten (an improvement smaller than min_delta counts as none)', async () => {
    const r = await earlyStop({ patience: 1, minDelta: 0.05 }, losses([1.0, 0.97, 0.9, 0.8]));
    expect(r.es.stoppedEpoch).toBe(1);
    expect(r.es.minDelta).toBe(-0.05); // Keras stores it negated when minimising
    const r2 = await earlyStop({ patience: 1, minDelta: -0.05 }, losses([1.0, 0.94, 0.85, 0.84]));
    expect(r2.es.stoppedEpoch).toBe(3); // the sign of min_delta is ignored
  });

  it('Keras: patience 0 stops at the first epoch without improvement; never at epoch 0', async () => {
    expect((await earlyStop({ patience: 0 }, losses([1, 0.5, 0.6, 0.1]))).es.stoppedEpoch).toBe(2);
    expect((await earlyStop({ patience: 0 }, losses([1, 2]))).es.stoppedEpoch).toBe(1);
    const r = await earlyStop({ patience: 0 }, losses([1, 0.9, 0.8]));
    expect([r.es.stoppedEpoch, r.epochsRun]).toEqual([0, 3]);
  });

  it("Keras: mode 'auto' maximises accuracy; baseline: wait only resets on beating the baseline", async () => {
    // Improving but below the baseline: improving epochs never stop, the first non-improving one does (wait = 4).
    const below = await earlyStop({ monitor: 'val_accuracy', patience: 2, baseline: 0.9 }, accs([0.5, 0.6, 0.7, 0.65, 0.8]));
    expect(below.es.mode).toBe('max');
    expect([below.es.stoppedEpoch, below.es.wait]).toEqual([3, 4]);
    // Beating the baseline resets wait as usual.
    const above = await earlyStop({ monitor: 'val_accuracy', patience: 2, baseline: 0.9 }, accs([0.5, 0.95, 0.94, 0.93, 0.92]));
    expect(above.es.stoppedEpoch).toBe(3);
  });

  it('Keras: restore_best_weights puts back the best epoch at the end of training, stopped early or not', async () => {
    const live = nn.liveTensors();
    const r = await earlyStop({ patience: 2, restoreBestWeights: true }, losses([3, 1, 2, 2.5, 4]));
    expect([r.es.stoppedEpoch, r.es.bestEpoch, r.w]).toEqual([3, 1, 1]);
    const full = await earlyStop({ patience: 5, restoreBestWeights: true }, losses([3, 2, 1, 1.5]));
    expect([full.es.stoppedEpoch, full.w]).toEqual([0, 2]);
    const off = await earlyStop({ patience: 2 }, losses([3, 1, 2, 2.5, 4]));
    expect(off.w).toBe(3); // the last epoch's weights stay
    expect(r.es.bestWeights).toBeNull();
    expect(nn.liveTensors()).toBe(live); // snapshots were freed
  });

  it("Keras: the notebook's EarlyStopping(monitor='val_loss', min_delta=5e-4, patience=15) with verbose output", async () => {
    // A plateau wobbling within min_delta of the best (0.55 at epoch 9) stops 15 epochs later.
    const plateau = Array.from({ length: 40 }, (_, e) => (e < 10 ? 1 - e * 0.05 : 0.55 + (e % 2 ? 3e-4 : -4e-4)));
    const printed: string[] = [];
    const model = new FakeModel();
    const es = new EarlyStopping({ monitor: 'val_loss', minDelta: 5e-4, patience: 15, verbose: 1, print: (m) => printed.push(m) });
    await scriptedFit(model, [es], { epochs: losses(plateau) });
    expect(es.stoppedEpoch).toBe(24);
    expect(printed).toEqual(['Epoch 25: early stopping']);
    // A loss creeping down 1e-4 per epoch is compared with the best, not the previous epoch: every sixth epoch
    // beats the best by more than min_delta, so it never stops.
    const creep = Array.from({ length: 40 }, (_, e) => (e < 10 ? 1 - e * 0.05 : 0.55 - (e - 10) * 1e-4));
    const es2 = new EarlyStopping({ monitor: 'val_loss', minDelta: 5e-4, patience: 15 });
    await scriptedFit(model, [es2], { epochs: losses(creep) });
    expect(es2.stoppedEpoch).toBe(0);
    expect(es2.bestEpoch).toBeGreaterThan(30);
    model.dispose();
  });

  it('start_from_epoch ignores the first epochs; a missing monitor warns and carries on', async () => {
    const r = await earlyStop({ patience: 1, startFromEpoch: 2 }, losses([1, 2, 3, 4, 5]));
    expect(r.es.stoppedEpoch).toBe(3);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = await earlyStop({ monitor: 'val_auc', patience: 0 }, losses([1, 2, 3]));
    expect(m.epochsRun).toBe(3);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('`val_auc` which is not available. Available metrics are: loss,val_loss'));
    warn.mockRestore();
  });
});

describe('ModelCheckpoint', () => {
  it('Keras: formats file names like Python str.format ({epoch} is 1-based)', () => {
    const logs = { loss: 0.5, val_loss: 0.123456, val_accuracy: 0.98765 };
    expect(new ModelCheckpoint('w.{epoch:02d}-{val_loss:.4f}.safetensors').filePathFor(4, null, logs)).toBe('w.05-0.1235.safetensors');
    expect(new ModelCheckpoint('m_{epoch}_{val_accuracy:.2f}').filePathFor(0, null, logs)).toBe('m_1_0.99');
    expect(new ModelCheckpoint('{epoch:03d}-{batch}-{loss}').filePathFor(9, 6, logs)).toBe('010-7-0.5');
    expect(() => new ModelCheckpoint('w-{val_acc:.2f}').filePathFor(0, null, logs))
      .toThrow(/failed to format this callback filepath: "w-\{val_acc:.2f\}". Reason: KeyError: 'val_acc'/);
  });

  it("Keras: save_best_only with monitor='val_accuracy', mode='max' (the notebook's get_checkpoint) keeps the best epoch", async () => {
    const path = join(dir, 'best.safetensors');
    const model = new FakeModel();
    const printed: string[] = [];
    const ck = new ModelCheckpoint(path, {
      monitor: 'val_accuracy', saveBestOnly: true, saveWeightsOnly: true, mode: 'max', verbose: 1, print: (m) => printed.push(m),
    });
    await scriptedFit(model, [ck], { epochs: accs([0.5, 0.7, 0.6, 0.8, 0.75]) });
    expect(model.calls).toEqual([`saveWeights ${path}`, `saveWeights ${path}`, `saveWeights ${path}`]);
    expect(Array.from(entryValues((await readSafetensors(path)).tensors.get('dense/kernel')!))).toEqual([3, 3, 3]);
    expect(printed[0]).toBe(`\nEpoch 1: val_accuracy improved from -inf to 0.50000, saving model to ${path}`);
    expect(printed[2]).toBe('\nEpoch 3: val_accuracy did not improve from 0.70000');
    // Loading the checkpoint back restores epoch 3's weights (what the notebook does after fit).
    await model.loadWeights(path);
    expect(await model.weightValue()).toBe(3);
    model.dispose();
  });

  it("Keras: 'auto' picks max for accuracy and min for losses; initial_value_threshold; every epoch when not best-only", async () => {
    expect(new ModelCheckpoint('x', { monitor: 'val_acc' }).mode).toBe('max');
    expect(new ModelCheckpoint('x', { monitor: 'val_loss' }).mode).toBe('min');
    const model = new FakeModel();
    const thr = new ModelCheckpoint(join(dir, 'thr.safetensors'), { saveBestOnly: true, initialValueThreshold: 0.5 });
    await scriptedFit(model, [thr], { epochs: losses([0.9, 0.6, 0.4, 0.45]) });
    expect(thr.saved).toHaveLength(1);
    const every = new ModelCheckpoint(join(dir, 'sub', 'e{epoch:02d}-{val_loss:.2f}.model'));
    await scriptedFit(model, [every], { epochs: losses([0.9, 0.6]) });
    expect(every.saved).toEqual([join(dir, 'sub', 'e01-0.90.model'), join(dir, 'sub', 'e02-0.60.model')]);
    expect(model.calls.slice(-2).every((c) => c.startsWith('save '))).toBe(true); // saveWeightsOnly false -> model.save
    model.dispose();
  });

  it('saves every saveFreq batches with the batch number in the name', async () => {
    const model = new FakeModel();
    const ck = new ModelCheckpoint(join(dir, 'b{epoch}-{batch}.st'), { saveFreq: 3, saveWeightsOnly: true });
    await scriptedFit(model, [ck], { epochs: losses([1, 1]), steps: 4, batchLogs: () => ({ loss: 1 }) });
    expect(ck.saved.map((p) => p.slice(dir.length + 1))).toEqual(['b1-3.st', 'b2-2.st']);
    model.dispose();
  });
});

describe('learning-rate callbacks', () => {
  it("Keras: LearningRateScheduler sets the optimiser's rate at each epoch start and logs it (the notebook's time-based decay)", async () => {
    const model = new FakeModel(0.5);
    const { history } = await scriptedFit(model, [new LearningRateScheduler(lrTimeBasedDecay(0.5))], { epochs: losses([1, 1, 1, 1]) });
    let lr = 0.5;
    const want = [0, 1, 2, 3].map((e) => (lr = lr / (1 + (0.5 / 150) * e)));
    expect(history.history.learning_rate).toEqual(want);
    expect(model.optimizer.learningRate).toBe(want[3]);
    model.dispose();
  });

  it('Keras: ReduceLROnPlateau multiplies by factor after patience epochs, then cools down; min_lr is a floor', async () => {
    const model = new FakeModel(1);
    const r = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2 });
    const { history } = await scriptedFit(model, [r], { epochs: losses([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) });
    // The rate is logged before the check. Epoch 0 improves; 1, 2 wait -> halve at 2. Keras counts the cooldown down
    // before testing it, so cooldown=1 only resets wait: 3, 4 -> halve at 4; 5, 6 -> 0.125 clipped to min_lr at 6;
    // then 0.2 is not above float32(0.2) and stays.
    expect(history.history.learning_rate).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
    expect(model.optimizer.learningRate).toBe(0.2);
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor >= 1.0/);
    model.dispose();
  });
});

describe('TerminateOnNaN, CSVLogger, CallbackList, History', () => {
  it('Keras: TerminateOnNaN stops at the first batch with a NaN or infinite loss', async () => {
    const model = new FakeModel();
    const printed: string[] = [];
    const seen: number[] = [];
    const spy = new LambdaCallback({ onBatchEnd: (b) => void seen.push(b) });
    const { epochsRun } = await scriptedFit(model, [new TerminateOnNaN(false, (m) => printed.push(m)), spy], {
      epochs: losses([1, 1, 1]), steps: 5, batchLogs: (e, b) => ({ loss: e === 1 && b === 2 ? NaN : 1 }),
    });
    expect(epochsRun).toBe(2);
    expect(seen).toEqual([0, 1, 2, 3, 4, 0, 1, 2]);
    expect(printed).toEqual(['Batch 2: Invalid loss, terminating training']);
    const raising = scriptedFit(model, [new TerminateOnNaN(true)], { epochs: losses([1]), batchLogs: () => ({ loss: Infinity }) });
    await expect(raising).rejects.toThrow(/NaN or Inf loss encountered at batch 0/);
    model.dispose();
  });

  it('Keras: CSVLogger writes epoch then the sorted keys, val_ twins when absent, repr floats, \\r\\n line ends, append without a second header', async () => {
    const model = new FakeModel();
    const path = join(dir, 'log.csv');
    await scriptedFit(model, [new CSVLogger(path)], { epochs: [{ loss: 0.1, accuracy: 2 }, { loss: 1e-5, accuracy: 0.30000001192092896 }] });
    expect(await readFile(path, 'utf8')).toBe('epoch,accuracy,loss,val_accuracy,val_loss\r\n0,2.0,0.1,NA,NA\r\n1,0.30000001192092896,1e-05,NA,NA\r\n');
    const path2 = join(dir, 'log2.csv');
    await scriptedFit(model, [new CSVLogger(path2, ';')], { epochs: [{ val_loss: 0.5, loss: 0.25 }] });
    await scriptedFit(model, [new CSVLogger(path2, ';', true)], { epochs: [{ val_loss: 0.125, loss: NaN }] });
    expect(await readFile(path2, 'utf8')).toBe('epoch;loss;val_loss\r\n0;0.25;0.5\r\n0;nan;0.125\r\n');
    model.dispose();
  });

  it('Keras order: progress logger first, History last (it records what callbacks add); async hooks run in order', async () => {
    const order: string[] = [];
    class Slow extends Callback {
      constructor(readonly tag: string) {
        super();
      }
      override async onEpochEnd(_e: number, logs: Logs): Promise<void> {
        await new Promise((r) => setTimeout(r, this.tag === 'a' ? 20 : 1));
        order.push(this.tag);
        logs[`seen_${this.tag}`] = 1;
      }
    }
    const model = new FakeModel();
    const bar = new ProgbarLogger({ stream: { write: () => true }, dynamic: false });
    const list = new CallbackList([new Slow('a'), new Slow('b')], { model, params: { epochs: 1, steps: 1, verbose: 1 }, progbar: bar });
    expect(list.callbacks[0]).toBe(bar);
    expect(list.callbacks.at(-1)).toBeInstanceOf(History);
    await list.onTrainBegin();
    await list.onEpochBegin(0);
    await list.onEpochEnd(0, { loss: 1 });
    expect(order).toEqual(['a', 'b']);
    expect(list.history!.history).toEqual({ loss: [1], seen_a: [1], seen_b: [1] });
    expect(list.wantsBatchLogs(0)).toBe(false); // nothing here needs per-batch metrics
    expect(new CallbackList([new TerminateOnNaN()], { model, params: { epochs: 1, steps: 1, verbose: 0 } }).wantsBatchLogs(0)).toBe(true);
    model.dispose();
  });
});
