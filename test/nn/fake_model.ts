// A minimal CallbackModel and a scripted fit loop for callback tests: the single weight 'w' is set to the epoch
// number at each epoch's end, so a restored or saved weight tells which epoch it came from.
import * as nn from '../../src/index.js';
import { CallbackList, type Callback, type CallbackModel, type History, type Logs } from '../../src/nn/callbacks/index.js';
import { SGD } from '../../src/nn/optimizers/index.js';
import { loadSafetensors, saveSafetensors } from '../../src/nn/safetensors.js';
import { assignNamed, copyNamed, type NamedTensor } from '../../src/nn/weights.js';

export class FakeModel implements CallbackModel {
  stopTraining = false;
  readonly optimizer: SGD;
  readonly w: nn.Tensor;
  readonly calls: string[] = [];

  constructor(lr = 0.1, device: 'webgpu' | 'cpu' = 'webgpu') {
    this.optimizer = new SGD({ learningRate: lr });
    this.w = nn.untrack(nn.tensor([0, 0, 0], [3], { dtype: 'f32', device }));
  }
  weights(): NamedTensor[] {
    return [{ name: 'dense/kernel', tensor: this.w }];
  }
  async saveWeights(path: string): Promise<void> {
    this.calls.push(`saveWeights ${path}`);
    await saveSafetensors(path, this.weights());
  }
  async save(path: string): Promise<void> {
    this.calls.push(`save ${path}`);
    await saveSafetensors(path, this.weights(), { metadata: { format: 'model' } });
  }
  async loadWeights(path: string): Promise<void> {
    await loadSafetensors(path, this.weights());
  }
  getWeights(): NamedTensor[] {
    return copyNamed(this.weights());
  }
  setWeights(weights: readonly NamedTensor[]): void {
    assignNamed(this.weights(), weights);
  }
  async weightValue(): Promise<number> {
    return (await this.w.data())[0]!;
  }
  dispose(): void {
    this.w.dispose();
    this.optimizer.dispose();
  }
}

export interface ScriptedFit {
  /** Logs at each epoch's end; training runs at most this many epochs. */
  epochs: Logs[];
  steps?: number;
  /** Batches each epoch really runs (fewer than `steps`: an epoch cut short by a time limit). */
  stepsRun?: number;
  /** Logs for batch b of epoch e (default: none). */
  batchLogs?: (epoch: number, batch: number) => Logs;
  verbose?: 0 | 1 | 2;
  progbar?: Callback | null;
}

/** Drives callbacks the way fit() will: returns the History and the number of epochs run. */
export async function scriptedFit(model: FakeModel, callbacks: Callback[], s: ScriptedFit): Promise<{ history: History; epochsRun: number }> {
  const steps = s.steps ?? 2;
  const list = new CallbackList(callbacks, { model, params: { epochs: s.epochs.length, steps, verbose: s.verbose ?? 0 }, progbar: s.progbar ?? null });
  model.stopTraining = false;
  await list.onTrainBegin();
  let epochsRun = 0;
  for (let epoch = 0; epoch < s.epochs.length && !model.stopTraining; epoch++) {
    await list.onEpochBegin(epoch);
    for (let b = 0; b < (s.stepsRun ?? steps) && !model.stopTraining; b++) {
      await list.onBatchBegin(b);
      await list.onBatchEnd(b, s.batchLogs?.(epoch, b) ?? {});
    }
    nn.writeInto(model.w, [epoch, epoch, epoch]);
    await list.onEpochEnd(epoch, { ...s.epochs[epoch]! });
    epochsRun++;
  }
  await list.onTrainEnd();
  return { history: list.history!, epochsRun };
}
