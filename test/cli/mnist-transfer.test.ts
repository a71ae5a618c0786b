// `webgpu-nn experiment mnist-transfer --quick` end to end (slow: it loads the ImageNet ResNet50, fetching it when
// missing, and fine-tunes it for one step): the frozen run trains the head on cached features and reports the
// base's ms/image and the cache's speed-up; the fine-tune run starts from ImageNet + that head. (Cache reuse is
// tested in feature-cache.test.ts.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { EXPERIMENTS } from '../../src/cli/experiments/table.js';
import { runLimits } from '../../src/cli/experiments/session.js';
import type { RunResult } from '../../src/cli/results/record.js';
import { gpuError } from '../setup.js';

const root = mkdtempSync(join(tmpdir(), 'webgpu-nn-transfer-'));
const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
// The frozen run's features go to a cache of this test's own, not ~/.cache/webgpu-nn: there, features an older
// build (or a run with tuned tiles) computed would be reused, since the cache key does not name the code.
const cacheBefore = process.env.WEBGPU_NN_CACHE;
beforeAll(() => void (process.env.WEBGPU_NN_CACHE = join(root, 'cache')));
afterAll(() => {
  logSpy.mockRestore();
  if (cacheBefore === undefined) delete process.env.WEBGPU_NN_CACHE;
  else process.env.WEBGPU_NN_CACHE = cacheBefore;
});
const read = (dir: string): RunResult => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResult;

describe.skipIf(gpuError !== null)('webgpu-nn experiment mnist-transfer (slow)', () => {
  it("is the notebook's transfer setup: the head, Adam 1e-4, EarlyStopping(val_loss, 5e-4, 5), 20 epochs, frozen then fine-tuned", () => {
    const runs = EXPERIMENTS['mnist-transfer']!.runs;
    expect(runs.map((r) => [r.id, r.model, r.optimizer, r.learningRate, r.epochs, r.batchSize])).toEqual([
      ['frozen', 'transfer-head', 'adam', 1e-4, 20, 64], ['fine-tune', 'resnet50-transfer', 'adam', 1e-4, 20, 64]]);
    for (const r of runs) expect(r.earlyStopping).toEqual({ monitor: 'val_loss', minDelta: 5e-4, patience: 5 });
    expect(runs[0]!.keepFullData).toBe(true);
    expect(runs[1]!.inputShape).toEqual([32, 32, 3]);
  });

  it('--subset shrinks only the fine-tune run unless --subset-all (or --quick) is given', () => {
    const caps = { epochs: 3, trainSamples: 800, valSamples: 200, testSamples: 200 };
    const [frozen, fine] = EXPERIMENTS['mnist-transfer']!.runs;
    expect(runLimits(frozen!, caps)).toEqual({ epochs: 3 });
    expect(runLimits(fine!, caps)).toEqual(caps);
    expect(runLimits(frozen!, { ...caps, all: true })).toEqual({ ...caps, all: true });
    expect(runLimits(frozen!, { ...caps, quick: true })).toEqual({ ...caps, quick: true });
  });

  it('--quick: both runs finish, the frozen one with the base ms/image and the feature-cache speed-up', async () => {
    const dir = join(root, 'quick');
    expect(await main(['experiment', 'mnist-transfer', '--quick', '--out', dir])).toBe(0);
    const frozen = read(join(dir, 'frozen')), fine = read(join(dir, 'fine-tune'));
    for (const r of [frozen, fine]) {
      expect(r.status).toBe('finished');
      expect(r.test_evaluated).toBe(true);
      expect(r.test_accuracy! >= 0 && r.test_accuracy! <= 1).toBe(true);
      expect(r.train_samples).toBe(64);
    }
    const m = frozen.measurements!;
    expect(m.feature_cache).toMatch(new RegExp(`^${join(root, 'cache')}/features/\\w+ \\(128 images computed now\\)$`));
    expect(m.base_forward_ms_per_image).toBeGreaterThan(0);
    expect(m.feature_cache_speedup).toBeGreaterThan(1);
    expect(m.epoch_seconds_recomputing_features).toBeGreaterThan(m.epoch_seconds_on_cached_features as number);
    expect(readFileSync(join(dir, 'frozen', 'results.md'), 'utf8')).toMatch(/- base forward ms per image: [\d.]+\n[\s\S]*- feature cache speedup: [\d.]+/);
    // One Adam step at 1e-4 barely moves the network: the fine-tune run starts where the frozen run ended.
    expect(Math.abs(fine.history[0]!.val_loss! - frozen.val_loss!) / frozen.val_loss!).toBeLessThan(0.05);
    expect(logSpy.mock.calls.flat().join('\n')).toMatch(/fine-tune starts from ImageNet weights and the head in .*frozen\/best\.safetensors/);
    // 49 s measured on a loaded 2-core Xeon with a cold shader cache: the default 120 s left only 2.4x for more load.
  }, 300_000);
});
