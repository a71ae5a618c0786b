// The experiments' GPU augmentation is the notebook's data_augmentation Sequential, two Keras layers: RandomRotation
// with its default fill_mode 'reflect' (a rotated all-ones image stays all ones), then RandomTranslation with
// fill_mode='constant' and fill_value 0 (rows shifted in are zeros). One warp with constant fill would darken the
// rotated corners instead.
import { describe, expect, it } from 'vitest';
import { gpuAugment, type RunSpec } from '../../src/cli/experiments/spec.js';
import { EXPERIMENTS } from '../../src/cli/experiments/table.js';
import { tensor } from '../../src/index.js';
import { gpuError } from '../setup.js';

const N = 16, S = 16;
const ones = () => tensor(new Float32Array(N * S * S).fill(1), [N, S, S, 1]);
const spec = (rotation: number, translate: number): RunSpec => ({
  ...EXPERIMENTS['mnist-cnn-aug']!.runs[0]!, augment: { rotation, translate: [translate, translate], on: 'gpu' },
});

describe.skipIf(gpuError !== null)('experiment GPU augmentation (RandomRotation + RandomTranslation)', () => {
  it('fills rotated corners by reflection', async () => {
    const x = ones(), y = gpuAugment(spec(0.05, 0))!(x, 3);
    const v = (await y.data()) as Float32Array;
    expect(Math.min(...v)).toBeCloseTo(1, 5);
    expect(Math.max(...v)).toBeCloseTo(1, 5);
    x.dispose(); y.dispose();
  });

  it('fills translated borders with zeros, and the shift stays within the factor', async () => {
    const x = ones(), y = gpuAugment(spec(0, 0.25))!(x, 3);
    const v = (await y.data()) as Float32Array;
    let darkened = 0;
    for (let n = 0; n < N; n++) {
      const img = v.subarray(n * S * S, (n + 1) * S * S);
      if (img.some((p) => p < 0.999)) darkened++;
      // A shift of at most 0.25 * 16 = 4 pixels leaves the central 8 x 8 untouched.
      for (let r = 4; r < 12; r++) for (let c = 4; c < 12; c++) expect(img[r * S + c]).toBeCloseTo(1, 5);
      expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
    }
    expect(darkened).toBeGreaterThan(N / 2);
    x.dispose(); y.dispose();
  });
});
