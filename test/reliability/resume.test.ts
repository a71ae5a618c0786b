// Crash-safe, resumable training. A child process training with checkpoints is SIGKILLed at a random step and
// resumed; its final weights, history, CSV log and best checkpoint must equal an uninterrupted run's, bit for bit
// (lavapipe runs the same dispatches identically). In-process: a checkpoint write that fails part-way (as on a
// full disk) leaves no half-written file and the previous checkpoint loadable; a device lost mid-epoch leaves the
// last checkpoint valid; clear resume errors; epoch e's shuffle depends only on (seed, e).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { resetNames } from '../../src/nn/layer.js';
import { Dense } from '../../src/nn/layers/core.js';
import { Input, Sequential } from '../../src/nn/model.js';
import { Adam, SGD } from '../../src/nn/optimizers/index.js';
import { readSafetensors } from '../../src/nn/safetensors.js';
import { RESUME_FILE, writeCheckpoint } from '../../src/nn/resume.js';
import { CallbackList, LambdaCallback } from '../../src/nn/callbacks/index.js';
import { TensorBatches } from '../../src/nn/training.js';
import { uniformData } from '../helpers.js';

const child = 'dist/test/train-child.mjs';
beforeAll(async () => {
  mkdirSync('dist/test', { recursive: true });
  await build({ entryPoints: ['test/reliability/train_child.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: child, logLevel: 'warning' });
});

// NOTE: a file-size ulimit cannot stand in for a full disk here: lavapipe's device memory is a memfd, so the
// limit kills the process (SIGBUS) before training starts. The failure is injected into the write instead.
const run = (dir: string, mode: 'fresh' | 'resume'): { status: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, [child, dir, mode], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
};

/** Starts a fresh run and SIGKILLs it once it announces its `k`-th step. */
function killAt(dir: string, k: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [child, dir, 'fresh']);
    let seen = 0, buf = '', at = '';
    c.stdout.on('data', (d: Buffer) => {
      const lines = (buf + d.toString()).split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('step') && ++seen === k) {
        at = l;
        c.kill('SIGKILL');
      }
    });
    c.on('exit', (code, sig) => (sig === 'SIGKILL' ? resolve(at) : reject(new Error(`child ended with ${code} before step ${k}`))));
  });
}

const files = (dir: string): string[] => readdirSync(dir).sort();

describe('kill and resume (child processes)', () => {
  it('a run SIGKILLed at a random step and resumed ends with the same weights, history and logs as an uninterrupted one', async () => {
    const whole = mkdtempSync(join(tmpdir(), 'wgnn-whole-')), cut = mkdtempSync(join(tmpdir(), 'wgnn-cut-'));
    expect(run(whole, 'fresh').status).toBe(0);
    // 64 steps, a checkpoint every 4 and at each epoch end: any step from 5 on has one before it.
    const k = 5 + Math.floor(Math.random() * 59);
    const at = await killAt(cut, k);
    expect(at, `killed at step ${k}`).toMatch(/^step \d \d+$/);
    const resumed = run(cut, 'resume');
    expect(resumed.status, resumed.stderr).toBe(0);
    for (const f of ['final.safetensors', 'best.safetensors', 'history.json', 'log.csv']) {
      expect(readFileSync(join(cut, f)).equals(readFileSync(join(whole, f))), `${f} after a kill at ${at}`).toBe(true);
    }
    const h = JSON.parse(readFileSync(join(cut, 'history.json'), 'utf8')) as { epoch: number[]; history: { learning_rate: number[] } };
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    // ReduceLROnPlateau halved the rate after epoch 4: its state crossed the kill too.
    expect(h.history.learning_rate).toEqual([0.02, 0.02, 0.02, 0.01]);
    expect(files(cut).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

function blobs(n: number, seed: number): { x: nn.Tensor; y: nn.Tensor } {
  const x = uniformData(n * 4, seed, -1, 1), y = Int32Array.from({ length: n }, (_, i) => (x[i * 4]! > 0 ? 1 : 0));
  return { x: nn.tensor(x, [n, 4]), y: nn.tensor(y, [n], { dtype: 'i32' }) };
}
const mlp = (): Sequential => {
  resetNames();
  nn.setSeed(3);
  return new Sequential([Input([4]), new Dense(8, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })]);
};

describe('resume in-process', () => {
  const owned: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const d of owned.splice(0)) d.dispose();
  });
  const own = <T extends { dispose(): void }>(...xs: T[]): T => (owned.push(...xs), xs[0]!);
  const compiled = (optimizer: nn.optimizers.Optimizer = new Adam()): Sequential => {
    const m = own(mlp());
    m.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
    return m;
  };
  const data = (n: number, seed: number): { x: nn.Tensor; y: nn.Tensor } => {
    const d = blobs(n, seed);
    own(d.x, d.y);
    return d;
  };

  it('resumes from the directory or the file; the checkpoint also loads as plain weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-res-'));
    const xy = data(64, 1);
    const a = compiled();
    await a.fit(xy, { epochs: 2, batchSize: 16, verbose: 0, checkpoint: dir });
    const b = compiled();
    const h = await b.fit(xy, { epochs: 3, batchSize: 16, verbose: 0, resume: join(dir, RESUME_FILE) });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(b.optimizer.iterations).toBe(12);
    await b.loadWeights(join(dir, RESUME_FILE));
    const file = await readSafetensors(join(dir, RESUME_FILE));
    expect(JSON.parse(file.metadata!.state!).epoch).toBe(3);
  });

  it('a checkpoint write that fails part-way (ENOSPC) leaves no temp file and the previous checkpoint loadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-full-'));
    const xy = data(64, 3);
    const a = compiled();
    await a.fit(xy, { epochs: 1, batchSize: 16, verbose: 0, checkpoint: dir });
    const before = readFileSync(join(dir, RESUME_FILE));
    await a.fit(xy, { epochs: 1, batchSize: 16, verbose: 0 });
    const sums = own(nn.tensor([1, 2], [2]));
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await expect(writeCheckpoint(join(dir, RESUME_FILE), a, new CallbackList([], { model: a, params: { epochs: 2, steps: 4, verbose: 0 } }),
      { epoch: 2, step: 0, stopped: false, epochs: 2 }, { acc: sums, samples: 64 }, { chunkBytes: 512, afterChunk: (n) => {
        if (n > 1024) throw full;
      } })).rejects.toThrow('ENOSPC');
    expect(files(dir)).toEqual([RESUME_FILE]);
    expect(readFileSync(join(dir, RESUME_FILE)).equals(before)).toBe(true);
    const h = await compiled().fit(xy, { epochs: 2, batchSize: 16, verbose: 0, resume: dir });
    expect(h.epoch).toEqual([0, 1]);
  });

  it('a device lost mid-epoch surfaces as one clear error; the last checkpoint stays valid and resumes on a new device', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-lost-'));
    const host = blobs(64, 4);
    const xs = await host.x.data(), ys = await host.y.data();
    host.x.dispose();
    host.y.dispose();
    const a = mlp();
    a.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy' });
    const lose = new LambdaCallback({ onBatchEnd: (b) => (b === 2 && nn.isOpen() ? nn.gpu().device.destroy() : undefined) });
    let epochs = 0;
    const count = new LambdaCallback({ onEpochEnd: () => void epochs++ });
    const old = { x: nn.tensor(xs, [64, 4]), y: nn.tensor(ys, [64], { dtype: 'i32' }) };
    await a.fit(old, { epochs: 1, batchSize: 16, verbose: 0, checkpoint: dir });
    const before = readFileSync(join(dir, RESUME_FILE));
    const err = await a.fit(old,
      { epochs: 3, initialEpoch: 1, batchSize: 16, verbose: 0, checkpoint: dir, callbacks: [count, lose] }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/device was lost/);
    expect(epochs).toBe(0);
    expect(readFileSync(join(dir, RESUME_FILE)).equals(before)).toBe(true);
    expect(files(dir)).toEqual([RESUME_FILE]);
    // Tensors of the lost device are only released (harmless); the model is rebuilt on the new one.
    for (const t of [old.x, old.y, a]) t.dispose();
    await nn.init();
    const xy = data(64, 4);
    const h = await compiled().fit(xy, { epochs: 2, batchSize: 16, verbose: 0, resume: dir });
    expect(h.epoch).toEqual([0, 1]);
  });

  it('refuses a missing checkpoint, a weights-only file and another optimiser, by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-res-'));
    const xy = data(32, 2);
    const a = compiled();
    await expect(a.fit(xy, { verbose: 0, resume: dir })).rejects.toThrow(`fit: resume: no checkpoint at ${join(dir, RESUME_FILE)}`);
    await a.saveWeights(join(dir, 'w.safetensors'));
    await expect(a.fit(xy, { verbose: 0, resume: join(dir, 'w.safetensors') })).rejects.toThrow(/is not a training checkpoint \(metadata format 'webgpu-nn\/weights'/);
    await a.fit(xy, { verbose: 0, checkpoint: dir });
    await expect(compiled(new SGD()).fit(xy, { epochs: 2, verbose: 0, resume: dir })).rejects.toThrow('the optimiser state is for Adam but the model is compiled with SGD');
  });

  it('epoch e of in-memory data is shuffled the same whichever epochs came before (fit initialEpoch, resume)', async () => {
    const x = own(nn.tensor(Float32Array.from({ length: 20 }, (_, i) => i), [20, 1])), y = own(nn.tensor(new Int32Array(20), [20], { dtype: 'i32' }));
    const firstBatch = async (src: TensorBatches, epoch?: number, fromStep?: number): Promise<number[]> => {
      for await (const b of src.epoch(epoch, fromStep)) return Array.from(await b.x.data());
      return [];
    };
    const seq = new TensorBatches(x, y, 5, true, 9);
    await firstBatch(seq);
    await firstBatch(seq);
    const third = await firstBatch(seq);
    expect(await firstBatch(new TensorBatches(x, y, 5, true, 9), 2)).toEqual(third);
    const whole: number[] = [];
    for await (const b of new TensorBatches(x, y, 5, true, 9).epoch(2)) whole.push(...(await b.x.data()));
    expect(await firstBatch(new TensorBatches(x, y, 5, true, 9), 2, 3)).toEqual(whole.slice(15));
  });
});
