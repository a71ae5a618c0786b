import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { halfToFloat, readTfjsModelWeights, readTfjsWeights } from '../../../src/nn/io/tfjs_weights.js';
import { floatToHalf, writeTfjsModel } from './tfjs_fixtures.js';

const tmp = () => mkdtemp(join(tmpdir(), 'tfjs-w-'));
const ramp = (n: number, a = -1, b = 1) => Array.from({ length: n }, (_, i) => a + (b - a) * i / Math.max(1, n - 1));

describe('readTfjsWeights', () => {
  it('reads float32, int32, bool, float16 and quantized weights across shards', async () => {
    const dir = await tmp();
    const k = ramp(24, -0.7, 0.9);
    const path = await writeTfjsModel(dir, [
      { name: 'conv1/kernel', shape: [2, 2, 2, 3], values: k },
      { name: 'step', shape: [], values: [7], as: 'int32' },
      { name: 'mask', shape: [3], values: [1, 0, 1], as: 'bool' },
      { name: 'half', shape: [4], values: [0.5, -2, 1 / 3, 65504], as: 'float16' },
      { name: 'q8', shape: [6], values: ramp(6, -1, 2), as: 'uint8' },
      { name: 'q16', shape: [2, 3], values: ramp(6, 0, 10), as: 'uint16' },
      { name: 'legacy', shape: [5], values: ramp(5, 3, 4), as: 'uint8', legacyQuantization: true },
    ], { shardBytes: 16 });   // weights straddle shard boundaries
    const w = await readTfjsModelWeights(path);
    expect([...w.keys()]).toEqual(['conv1/kernel', 'step', 'mask', 'half', 'q8', 'q16', 'legacy']);
    expect(w.get('conv1/kernel')!.shape).toEqual([2, 2, 2, 3]);
    expect(Array.from(w.get('conv1/kernel')!.values)).toEqual(Array.from(Float32Array.from(k)));
    expect(w.get('step')).toMatchObject({ dtype: 'int32', shape: [] });
    expect(Array.from(w.get('step')!.values)).toEqual([7]);
    expect(Array.from(w.get('mask')!.values)).toEqual([1, 0, 1]);
    expect(Array.from(w.get('half')!.values)).toEqual([0.5, -2, Math.fround(0.333251953125), 65504]);
    // q * scale + min recovers each value within half a quantization step.
    for (const [name, vals, step] of [['q8', ramp(6, -1, 2), 3 / 255], ['q16', ramp(6, 0, 10), 10 / 65535], ['legacy', ramp(5, 3, 4), 1 / 255]] as const) {
      const got = Array.from(w.get(name)!.values);
      got.forEach((g, i) => expect(Math.abs(g - vals[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6));
      expect(w.get(name)!.dtype).toBe('float32');
    }
  });

  it('decodes binary16 edge values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(floatToHalf(0.1))).toBeCloseTo(0.1, 3);
  });

  it('names the weight, dtype or shard that cannot be read', async () => {
    const dir = await tmp();
    const path = await writeTfjsModel(dir, [{ name: 'd/kernel', shape: [2, 2], values: [1, 2, 3, 4] }]);
    const spec = (s: object) => [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32', ...s }] }];
    await expect(readTfjsWeights(spec({ shape: [2, 3] }), dir)).rejects.toThrow(/weight 'd\/kernel' needs bytes 0\.\.24 but shards group1-shard1of1\.bin hold 16/);
    await expect(readTfjsWeights(spec({ shape: [1, 2] }), dir)).rejects.toThrow(/hold 16 bytes but the manifest's weights take 8/);
    await expect(readTfjsWeights(spec({ dtype: 'complex64' }), dir)).rejects.toThrow(/weight 'd\/kernel' has dtype 'complex64'/);
    await expect(readTfjsWeights(spec({ quantization: { dtype: 'uint8' } }), dir)).rejects.toThrow(/quantized to uint8 without numeric 'scale' and 'min'/);
    await expect(readTfjsWeights([{ paths: ['nope.bin'], weights: [] }], dir)).rejects.toThrow(/cannot read shard 'nope\.bin'/);
    await writeFile(join(dir, 'bad.json'), '{"modelTopology": {}}');
    await expect(readTfjsModelWeights(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json has no 'weightsManifest'/);
    expect(path).toMatch(/model\.json$/);
  });
});
