// Fuzzed readers (fast-check, fixed seeds): truncated, bit-flipped and oversized-field variants of valid IDX,
// CIFAR-10, tar, PNG/JPEG, safetensors, TF.js weights and Keras .h5 files must each be read or refused with one clear Error
// that names the reader and file: never a RangeError/TypeError from deep inside, never a hang.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10 } from '../../src/data/cifar.js';
import { decodeImage } from '../../src/data/decode.js';
import { parseIdx } from '../../src/data/idx.js';
import { tarEntries } from '../../src/data/tar.js';
import { readKerasH5 } from '../../src/nn/io/keras_h5.js';
import { readTfjsModelWeights } from '../../src/nn/io/tfjs_weights.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.js';
import { writeKeras2H5 } from '../nn/io/h5_fixtures.js';
import { cifarRecords, idxBytes, jpegBytes, pngBytes, removeTempDirs, rgbPattern, tarBytes, tempDir } from '../data/fixtures.js';

afterAll(removeTempDirs);

/** One damage to a valid file: cut it short, flip one bit, or overwrite 4 bytes with 0xff (a huge length/size). */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('big' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

/** Damage lands mostly in the first `head` bytes (where the headers are) and sometimes anywhere. */
function applyDamage(valid: Uint8Array, d: Damage, head = 64): Uint8Array {
  const span = d.at < 0.7 ? Math.min(head, valid.length) : valid.length;
  const pos = Math.min(valid.length - 1, Math.floor((d.at < 0.7 ? d.at / 0.7 : (d.at - 0.7) / 0.3) * span));
  if (d.kind === 'cut') return valid.slice(0, pos);
  const out = valid.slice();
  if (d.kind === 'flip') out[pos]! ^= 1 << d.bit;
  else out.fill(0xff, pos, Math.min(out.length, pos + 4));
  return out;
}

/** Runs `read`; passes when it returns, or throws an Error (not a JS engine error) whose message matches `clear`. */
async function readOrRefuse(read: () => unknown, clear: RegExp): Promise<void> {
  try {
    await read();
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    for (const engine of [RangeError, TypeError, SyntaxError, ReferenceError]) expect(err).not.toBeInstanceOf(engine);
    expect((err as Error).message).toMatch(clear);
  }
}

const RUNS = 200;
const fuzz = (valid: Uint8Array, read: (bytes: Uint8Array) => unknown, clear: RegExp, seed: number, head?: number, runs = RUNS): Promise<void> =>
  fc.assert(fc.asyncProperty(damage, (d) => readOrRefuse(() => read(applyDamage(valid, d, head)), clear)), { seed, numRuns: runs });

describe('fuzzed readers read or refuse clearly', () => {
  it('IDX (MNIST)', async () => {
    const data = new Uint8Array(3 * 4 * 4).map((_, i) => i);
    const valid = idxBytes([3, 4, 4], data);
    expect(parseIdx(valid, 3, 'x.idx', 'mnist', 'hint').dims).toEqual([3, 4, 4]);
    await fuzz(valid, (b) => parseIdx(b, 3, 'x.idx', 'mnist', 'hint'), /^mnist: x\.idx: expected /, 1);
    expect(() => parseIdx(valid.subarray(0, valid.length - 1), 3, 'x.idx', 'mnist', 'hint')).toThrow(/truncated/);
  });

  it('CIFAR-10 binary batches', async () => {
    const dir = tempDir('fuzz-cifar');
    writeFileSync(join(dir, 'batches.meta.txt'), Array.from({ length: 10 }, (_, i) => `class${i}`).join('\n'));
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), cifarRecords([i]));
    const valid = cifarRecords([3, 1]);
    const read = async (b: Uint8Array): Promise<void> => {
      writeFileSync(join(dir, 'test_batch.bin'), b);
      const { test } = await loadCifar10(dir);
      expect(test.shape.slice(1)).toEqual([32, 32, 3]);
    };
    await fuzz(valid, read, /^cifar10: .*test_batch\.bin: expected /, 2, 3073 * 2, 60);
  });

  it('tar archives', async () => {
    const valid = tarBytes([['d/', null], ['d/a.txt', new Uint8Array(700).fill(7)], ['d/b.bin', new Uint8Array(10)]]);
    const read = (b: Uint8Array): number => [...tarEntries(b, 'x.tar')].length;
    expect(read(valid)).toBe(3);
    await fuzz(valid, read, /^tar: x\.tar: expected /, 3, valid.length);
    // A negative size with a correct checksum used to loop forever.
    const bad = valid.slice();
    bad.set(new TextEncoder().encode('-0001750\0'), 512 + 124);
    bad.fill(0x20, 512 + 148, 512 + 156);
    const sum = bad.subarray(512, 1024).reduce((a, b) => a + b, 0);
    bad.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 512 + 148);
    expect(() => read(bad)).toThrow(/^tar: x\.tar: expected an entry size at byte 636, found '-0001750' \(damaged header\)/);
  });

  it('image folder images (PNG, JPEG)', async () => {
    const read = (b: Uint8Array): unknown => decodeImage(b, 'cat/a.img', 'rgb', 'hint');
    await fuzz(pngBytes(6, 5, rgbPattern(6, 5, 1)), read, /^image folder: cat\/a\.img: expected /, 4, 128, 120);
    await fuzz(jpegBytes(8, 8, rgbPattern(8, 8, 2)), read, /^image folder: cat\/a\.img: expected /, 5, 256, 120);
  });

  it('safetensors', async () => {
    const f32 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const valid = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [2, 3], bytes: f32 }, { name: 'b', dtype: 'U8', shape: [2], bytes: new Uint8Array([1, 2]) }]);
    expect(decodeSafetensors(valid, 'm.safetensors').tensors.size).toBe(2);
    await fuzz(valid, (b) => decodeSafetensors(b, 'm.safetensors'), /^m\.safetensors: /, 6, valid.length);
  });

  it('TF.js weights manifests and shards', async () => {
    const dir = tempDir('fuzz-tfjs');
    mkdirSync(dir, { recursive: true });
    const shard = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6, 7]).buffer);
    writeFileSync(join(dir, 'group1-shard1of1.bin'), shard);
    const manifest = { weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
      { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' }] }] };
    const validJson = new TextEncoder().encode(JSON.stringify(manifest));
    const model = join(dir, 'model.json');
    const read = async (b: Uint8Array): Promise<void> => {
      writeFileSync(model, b);
      await readTfjsModelWeights(model);
    };
    await read(validJson);
    await fuzz(validJson, read, /^readTfjs(Model)?Weights: /, 7, validJson.length, 150);
    writeFileSync(model, validJson);
    await fuzz(shard, async (b) => {
      writeFileSync(join(dir, 'group1-shard1of1.bin'), b);
      await readTfjsModelWeights(model);
    }, /^readTfjsWeights: /, 8, shard.length, 60);
  });

  it('Keras .h5 weights (HDF5 through h5wasm)', async () => {
    const dir = tempDir('fuzz-h5');
    mkdirSync(dir, { recursive: true });
    await writeKeras2H5(join(dir, 'valid.h5'), [
      { name: 'input_1', weights: [] },
      { name: 'dense', weights: [{ name: 'dense/kernel:0', shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) }, { name: 'dense/bias:0', shape: [3], values: new Float32Array(3) }] },
    ]);
    const valid = new Uint8Array(readFileSync(join(dir, 'valid.h5')));
    let n = 0, worstMs = 0;
    const read = async (b: Uint8Array): Promise<void> => {
      const path = join(dir, `d${n++}.h5`);   // a new name each time: HDF5 shares an open file by path
      writeFileSync(path, b);
      const t0 = performance.now();
      try {
        const f = await readKerasH5(path);
        expect(f.layers.map((l) => l.weights.length)).toEqual([0, 2]);
      } finally {
        worstMs = Math.max(worstMs, performance.now() - t0);
      }
    };
    expect((await readKerasH5(join(dir, 'valid.h5'))).layers[1]!.weights[0]!.values).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    await fuzz(valid, read, /^keras h5: .*d\d+\.h5/, 9, 2048, 150);
    expect(worstMs).toBeLessThan(2000);
    expect((await readKerasH5(join(dir, 'valid.h5'))).layers.length).toBe(2);   // a refused file leaves the library usable
  });
});
