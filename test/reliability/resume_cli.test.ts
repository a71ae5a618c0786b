// `webgpu-nn train --resume DIR` and `webgpu-nn experiment NAME --resume DIR` continue runs killed with SIGKILL
// (the real CLI, bundled, in child processes): a resumed train run ends with the same history and test score as an
// uninterrupted one; SIGTERM writes a checkpoint at the step in progress first; a cut sweep keeps its finished runs
// untouched and resumes the cut run with no epoch lost or repeated.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/cli/results/record.js';
import { EXPERIMENTS } from '../../src/cli/experiments/table.js';
import { readSafetensors } from '../../src/nn/safetensors.js';
import { RESUME_FILE } from '../../src/nn/resume.js';

const cli = 'dist/test/cli-resume.mjs';
beforeAll(async () => {
  mkdirSync('dist/test', { recursive: true });
  await build({ entryPoints: ['src/cli/index.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'error' });
});

const run = (...args: string[]): { status: number | null; stderr: string } => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
};

/** Runs the CLI and sends it `signal` once its output matches `when`; resolves with how it ended. */
function signalWhen(when: RegExp, signal: NodeJS.Signals, ...args: string[]): Promise<{ code: number | null; sig: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [cli, ...args]);
    let out = '', sent = false;
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && when.test(out)) sent = c.kill(signal);
    });
    c.on('exit', (code, sig) => (sent ? resolve({ code, sig }) : reject(new Error(`exited ${code} before ${when}: ${out.slice(-500)}`))));
  });
}
const killWhen = async (when: RegExp, ...args: string[]): Promise<void> => {
  expect((await signalWhen(when, 'SIGKILL', ...args)).sig).toBe('SIGKILL');
};

const result = (dir: string): RunResult => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResult;
const curve = (r: RunResult): unknown[] => r.history.map((h) => [h.epoch, h.loss, h.accuracy, h.val_loss, h.val_accuracy, h.learning_rate, h.steps, h.partial]);

describe('CLI resume after SIGKILL', () => {
  it('train --resume DIR continues with the saved settings and ends as the uninterrupted run (after SIGKILL or SIGTERM)', async () => {
    const args = ['--model', 'mlp', '--dataset', 'mnist', '--epochs', '3', '--subset', '256'];
    const whole = mkdtempSync(join(tmpdir(), 'wgnn-train-')), cut = mkdtempSync(join(tmpdir(), 'wgnn-train-cut-'));
    expect(run('train', ...args, '--out', whole).status).toBe(0);
    await killWhen(/Epoch 2\/3/, 'train', ...args, '--out', cut);
    expect(result(cut).status).toBe('running');
    const bad = run('train', '--resume', cut, '--model', 'cifar-cnn');
    expect([bad.status, bad.stderr.trim()]).toEqual([2, `webgpu-nn: --resume takes the run's settings from ${join(cut, 'train.json')}; drop --model`]);
    const resumed = run('train', '--resume', cut);
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = result(whole), b = result(cut);
    expect(b.status).toBe('finished');
    expect(curve(b)).toEqual(curve(a));
    expect([b.test_loss, b.test_accuracy, b.best_epoch]).toEqual([a.test_loss, a.test_accuracy, a.best_epoch]);

    // SIGTERM: the step in progress ends, a checkpoint is written at that very step, the run says 'signal'.
    const term = mkdtempSync(join(tmpdir(), 'wgnn-train-term-'));
    expect(await signalWhen(/Epoch 2\/3/, 'SIGTERM', 'train', ...args, '--out', term)).toEqual({ code: 143, sig: null });
    expect([result(term).status, result(term).stopped_by]).toEqual(['stopped', 'signal']);
    const at = JSON.parse((await readSafetensors(join(term, RESUME_FILE))).metadata!.state!) as { epoch: number; step: number };
    expect(at.epoch * 4 + at.step).toBeGreaterThan(4);
    expect(run('train', '--resume', term).status).toBe(0);
    expect(curve(result(term))).toEqual(curve(a));
  });

  it('experiment --resume DIR keeps the finished runs of a cut sweep and resumes the cut one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-sweep-'));
    const ids = EXPERIMENTS['mlp-sweep']!.runs.map((r) => r.id);
    await killWhen(/run 3\/6[\s\S]*Epoch 2\/2/, 'experiment', 'mlp-sweep', '--subset', '64', '--epochs', '2', '--out', dir);
    const kept = ids.slice(0, 2).map((id) => readFileSync(join(dir, id, 'results.json'), 'utf8'));
    // SIGKILL lands a moment after the child prints 'Epoch 2/2': usually during that epoch's only step, but on a
    // loaded machine possibly after the Recorder wrote epoch 2 (and before the epoch's checkpoint and the test
    // evaluation). Either way run 3 was cut unfinished, and the resumed history below must hold epochs 1 and 2 once.
    const cut = result(join(dir, ids[2]!));
    expect(cut.status).toBe('running');
    expect([1, 2]).toContain(cut.epochs_run);
    const bad = run('experiment', 'mlp-sweep', '--resume', dir, '--subset', '8', '--subset-all');
    expect([bad.status, bad.stderr.trim()]).toEqual([2, `webgpu-nn: --resume takes the experiment's options from ${join(dir, 'experiment.json')}; drop --subset, --subset-all`]);
    const resumed = run('experiment', 'mlp-sweep', '--resume', dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(ids.slice(0, 2).map((id) => readFileSync(join(dir, id, 'results.json'), 'utf8'))).toEqual(kept);
    for (const id of ids) {
      const r = result(join(dir, id));
      expect([id, r.status, r.history.map((h) => h.epoch), r.history.map((h) => h.partial)]).toEqual([id, 'finished', [1, 2], [false, false]]);
    }
    const top = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { status: string; runs: RunResult[] };
    expect([top.status, top.runs.length]).toEqual(['finished', 6]);
  });
});
