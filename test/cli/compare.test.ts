// `webgpu-nn compare`: repeated runs grouped by configuration, with the mean, sample standard deviation and range
// of their accuracies; an experiment directory expands to its runs, a copied run counts once, and a directory
// without results is a usage error that names it. Files only: no GPU.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { EXPERIMENTS } from '../../src/cli/experiments/table.js';
import type { RunSpec } from '../../src/cli/experiments/spec.js';
import { groupRuns, readRuns, spread } from '../../src/cli/results/compare.js';
import { newResult, type RunResult } from '../../src/cli/results/record.js';

const root = mkdtempSync(join(tmpdir(), 'webgpu-nn-compare-'));
const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
const errSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
afterAll(() => { logSpy.mockRestore(); errSpy.mockRestore(); });

const CNN = EXPERIMENTS['mnist-cnn']!.runs[0]!;
function finished(spec: RunSpec, seed: number, test: number, val: number, date: string): RunResult {
  const r = newResult({ ...spec, seed }, { experiment: 'mnist-cnn', command: 'c', adapter: 'test', checkpoint: 'best.safetensors', stepsPerEpoch: 750, samples: { train: 48000, val: 12000, test: 10000 } }, new Date(date));
  return { ...r, status: 'finished', best_epoch: 3, test_evaluated: true, test_accuracy: test, val_accuracy: val, test_loss: 0.03, val_loss: 0.03, stopped_by: 'early-stopping' };
}
function runDir(name: string, r: RunResult): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), JSON.stringify(r));
  return dir;
}

describe('compare', () => {
  it('spread: mean, sample standard deviation (n - 1) and range', () => {
    const s = spread([0.9913, 0.9921, 0.9905])!;
    expect(s.mean).toBeCloseTo(0.9913, 12);
    expect(s.std).toBeCloseTo(0.0008, 12);
    expect([s.n, s.min, s.max]).toEqual([3, 0.9905, 0.9921]);
    expect(spread([0.5])!.std).toBeNull();
    expect(spread([])).toBeNull();
  });

  it('groups seeds of one configuration apart from another, counts a copied run once, and prints the spread', async () => {
    const a = runDir('seed1', finished(CNN, 1, 0.9913, 0.9911, '2026-12-03T10:00:00Z'));
    const b = runDir('seed2', finished(CNN, 2, 0.9921, 0.9915, '2026-12-03T11:00:00Z'));
    const copy = runDir('seed2-copy', finished(CNN, 2, 0.9921, 0.9915, '2026-12-03T11:00:00Z'));
    const other = runDir('adam', finished({ ...CNN, optimizer: 'adam', learningRate: 1e-3 }, 1, 0.99, 0.99, '2026-12-03T12:00:00Z'));
    const groups = groupRuns(readRuns([a, b, copy, other]));
    expect(groups.map((g) => g.runs.length)).toEqual([2, 1]);
    expect(groups[0]!.config).toBe('mnist-cnn on mnist, adadelta 0.1, augmentation none, batch 64, 48000 training images');
    expect(groups[0]!.test!.mean).toBeCloseTo(0.9917, 12);
    expect(groups[0]!.test!.std).toBeCloseTo(Math.sqrt(2 * 0.0004 ** 2), 12);

    const out = join(root, 'compare.md');
    expect(await main(['compare', a, b, copy, other, '--out', out])).toBe(0);
    const printed = logSpy.mock.calls.map((c) => c.join(' ')).join('\n');
    expect(printed).toContain('test accuracy 99.17% ± 0.06 (n = 2, 99.13%-99.21%)');
    expect(printed).toContain('test accuracy 99.00% (n = 1)');
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('### mnist-cnn on mnist, adam 0.001, augmentation none');
    expect(md).toMatch(/\| .*seed1 \| 1 \| 3 \| 99\.11% \| 99\.13% \|/);
  });

  it('an experiment directory expands to its runs; an unfinished run is listed but not averaged', () => {
    const done = finished(CNN, 1, 0.99, 0.99, '2026-12-03T13:00:00Z');
    const cut: RunResult = { ...finished(CNN, 2, 0.5, 0.5, '2026-12-03T14:00:00Z'), status: 'stopped', test_evaluated: false, test_accuracy: null };
    const dir = join(root, 'sweep');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ format: 'webgpu-nn/experiment-results@1', runs: [{ ...done, run: 'a' }, { ...cut, run: 'b' }] }));
    const [g] = groupRuns(readRuns([dir]));
    expect(g!.runs.map((r) => r.dir)).toEqual([join(dir, 'a'), join(dir, 'b')]);
    expect(g!.test!.n).toBe(1);
  });

  it('a directory without results.json, or with another file format, is a usage error naming it', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(await main(['compare', empty])).toBe(2);
    expect(errSpy.mock.calls.flat().join('\n')).toContain(`compare: '${empty}' has no results.json`);
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'results.json'), '{"format":"something-else"}');
    expect(() => readRuns([bad])).toThrow(/is neither a run's nor an experiment's results \(format 'something-else'\)/);
  });
});
