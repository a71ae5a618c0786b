// safetensors: byte layout, round trips from the GPU and CPU, validation of corrupt files, mismatch reports,
// and atomic replacement when a write fails midway.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import {
  decodeSafetensors, encodeSafetensors, entryValues, loadSafetensors, readSafetensors, saveSafetensors,
} from '../../src/nn/safetensors.js';
import type { NamedTensor } from '../../src/nn/weights.js';
import { randomData } from '../helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-nn-st-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small valid file built by hand: header JSON + data, header padded as given. */
function rawFile(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

function disposeAll(ts: readonly NamedTensor[]): void {
  for (const t of ts) t.tensor.dispose();
}

describe('safetensors', () => {
  it('writes the spec layout: u64 LE header length, space-padded JSON, contiguous data_offsets', async () => {
    const w = [
      { name: 'dense/kernel', tensor: nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]) },
      { name: 'step', tensor: nn.tensor([7], [], { dtype: 'i32' }) },
      { name: 'mask', tensor: nn.tensor([1, 0, 255], [3], { dtype: 'u8' }) },
    ];
    const path = join(dir, 'layout.safetensors');
    await saveSafetensors(path, w, { metadata: { format: 'pt' } });
    const buf = new Uint8Array(await readFile(path));
    const n = Number(new DataView(buf.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(buf.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeGreaterThan(0);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const header = JSON.parse(text) as { __metadata__: Record<string, string> };
    // The checksum is the SHA-256 of the file with its own 64 characters read as zeros.
    const digest = header.__metadata__['webgpu-nn.sha256']!;
    const zeroed = Buffer.from(buf);
    zeroed.fill('0', zeroed.indexOf(digest), zeroed.indexOf(digest) + 64);
    expect(digest).toBe(createHash('sha256').update(zeroed).digest('hex'));
    expect(header).toEqual({
      __metadata__: { format: 'pt', 'webgpu-nn.sha256': digest },
      'dense/kernel': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      step: { dtype: 'I32', shape: [], data_offsets: [24, 28] },
      mask: { dtype: 'U8', shape: [3], data_offsets: [28, 31] },
    });
    expect(buf.length).toBe(8 + n + 31);
    expect(Array.from(new Float32Array(buf.slice(8 + n, 8 + n + 24).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(buf.subarray(8 + n + 28))).toEqual([1, 0, 255]);
    disposeAll(w);
  });

  it('round trips GPU and CPU tensors of every dtype, odd sizes, scalars and empty shapes', async () => {
    const live = nn.liveTensors();
    for (const device of ['webgpu', 'cpu'] as const) {
      const src: NamedTensor[] = [
        { name: 'conv/kernel', tensor: nn.tensor(randomData(3 * 3 * 16 * 32, 1), [3, 3, 16, 32], { dtype: 'f32', device }) },
        { name: 'bn/moving_mean', tensor: nn.tensor(randomData(17, 2), [17], { dtype: 'f32', device }) },
        { name: 'counts', tensor: nn.tensor([-3, 0, 2147483647], [3], { dtype: 'i32', device }) },
        { name: 'bytes', tensor: nn.tensor([1, 2, 3, 4, 5], [5], { dtype: 'u8', device }) },
        { name: 'scalar', tensor: nn.tensor([0.5], [], { dtype: 'f32', device }) },
        { name: 'empty', tensor: nn.tensor([], [0, 3], { dtype: 'f32', device }) },
      ];
      const path = join(dir, `round-${device}.safetensors`);
      await saveSafetensors(path, src, { chunkBytes: 1000 });
      for (const to of ['webgpu', 'cpu'] as const) {
        const dst = src.map(({ name, tensor }) => ({ name, tensor: nn.zeros(tensor.shape, { dtype: tensor.dtype, device: to }) }));
        const r = await loadSafetensors(path, dst);
        expect(r.loaded).toHaveLength(src.length);
        for (let i = 0; i < src.length; i++) {
          const a = Array.from(await src[i]!.tensor.data()), b = Array.from(await dst[i]!.tensor.data());
          expect(b, src[i]!.name).toEqual(src[i]!.tensor.dtype === 'f32' ? a.map(Math.fround) : a);
        }
        disposeAll(dst);
      }
      disposeAll(src);
    }
    expect(nn.liveTensors()).toBe(live);
  });

  it('rejects corrupt files, saying what is wrong', () => {
    const good = encodeSafetensors([
      { name: 'a', dtype: 'F32', shape: [2], bytes: new Uint8Array(8) },
      { name: 'b', dtype: 'U8', shape: [3], bytes: new Uint8Array([1, 2, 3]) },
    ]);
    expect(decodeSafetensors(good).tensors.size).toBe(2);
    expect(() => decodeSafetensors(good.subarray(0, 5), 'f')).toThrow(/f: truncated: 5 bytes/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1), 'f')).toThrow(/'b' data_offsets \[8, 11\] run past the end of the data \(10 bytes\): truncated/);
    expect(() => decodeSafetensors(good.subarray(0, 20), 'f')).toThrow(/header length \d+ runs past the end of the file \(20 bytes\)/);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(huge, 'f')).toThrow(/over the 100000000-byte limit/);
    const badJson = good.slice();
    badJson[9] = 0x7d; // '}' right after the opening brace, then text that is no JSON
    expect(() => decodeSafetensors(badJson, 'f')).toThrow(/header is not valid JSON/);
    expect(() => decodeSafetensors(rawFile([1, 2], new Uint8Array(0)), 'f')).toThrow(/does not start with '\{'|not a JSON object/);
    const f32 = (name: string, begin: number, end: number, shape = [(end - begin) / 4]) => ({ [name]: { dtype: 'F32', shape, data_offsets: [begin, end] } });
    expect(() => decodeSafetensors(rawFile(f32('a', 0, 16), new Uint8Array(8)), 'f')).toThrow(/'a' data_offsets \[0, 16\] run past the end of the data \(8 bytes\)/);
    expect(() => decodeSafetensors(rawFile({ ...f32('a', 0, 8), ...f32('b', 4, 12) }, new Uint8Array(12)), 'f')).toThrow(/'b' data_offsets \[4, 12\] overlap the previous tensor/);
    expect(() => decodeSafetensors(rawFile({ ...f32('a', 0, 4), ...f32('b', 8, 12) }, new Uint8Array(12)), 'f')).toThrow(/bytes \[4, 8\) before 'b' belong to no tensor/);
    expect(() => decodeSafetensors(rawFile(f32('a', 0, 4), new Uint8Array(8)), 'f')).toThrow(/4 trailing bytes after the last tensor/);
    expect(() => decodeSafetensors(rawFile(f32('a', 0, 8, [3]), new Uint8Array(8)), 'f')).toThrow(/'a' F32 \[3\] needs 12 bytes but data_offsets \[0, 8\] hold 8/);
    expect(() => decodeSafetensors(rawFile({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'f')).toThrow(/'a' has unknown dtype "F33"/);
    expect(() => decodeSafetensors(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'f')).toThrow(/'a' has an invalid shape/);
    expect(() => decodeSafetensors(rawFile({ __metadata__: { v: 1 } }, new Uint8Array(0)), 'f')).toThrow(/'__metadata__' must map strings to strings/);
    // Offsets listed out of order in the JSON are fine as long as they tile the data.
    const swapped = decodeSafetensors(rawFile({ ...f32('b', 4, 8), ...f32('a', 0, 4) }, new Uint8Array(8), false));
    expect([...swapped.tensors.keys()]).toEqual(['a', 'b']);
  });

  it('reports exactly which names mismatch and writes nothing', async () => {
    const path = join(dir, 'model.safetensors');
    const saved = [
      { name: 'dense/kernel', tensor: nn.tensor(randomData(12, 3), [4, 3]) },
      { name: 'dense/bias', tensor: nn.tensor([1, 2, 3], [3], { dtype: 'i32' }) },
      { name: 'extra', tensor: nn.tensor([1]) },
    ];
    await saveSafetensors(path, saved);
    const targets = [
      { name: 'dense/kernel', tensor: nn.zeros([3, 4]) },
      { name: 'dense/bias', tensor: nn.zeros([3]) },
      { name: 'dense_1/kernel', tensor: nn.zeros([2]) },
    ];
    const err = await loadSafetensors(path, targets).catch((e: Error) => e.message);
    expect(err).toBe(`loadSafetensors: ${path} does not match: 'dense_1/kernel' is missing from the file; 'extra' in the file is unexpected; ` +
      `'dense/kernel': shape [4, 3] in the file vs [3, 4] expected; 'dense/bias': dtype I32 in the file vs F32 expected`);
    for (const t of targets) expect(Array.from(await t.tensor.data()).every((v) => v === 0)).toBe(true);
    // strict: false skips missing and unexpected names but still refuses shape and dtype mismatches.
    const partial = [{ name: 'dense/kernel', tensor: nn.zeros([4, 3]) }, { name: 'new', tensor: nn.zeros([1]) }];
    const r = await loadSafetensors(path, partial, { strict: false });
    expect(r).toMatchObject({ loaded: ['dense/kernel'], missing: ['new'], unexpected: ['dense/bias', 'extra'] });
    expect(Array.from(await partial[0]!.tensor.data())).toEqual(Array.from(await saved[0]!.tensor.data()));
    await expect(loadSafetensors(path, [{ name: 'dense/kernel', tensor: nn.zeros([12]) }], { strict: false })).rejects.toThrow(/shape \[4, 3\] in the file vs \[12\] expected/);
    const file = await readSafetensors(path);
    expect(Array.from(entryValues(file.tensors.get('dense/bias')!))).toEqual([1, 2, 3]);
    disposeAll([...saved, ...targets, ...partial]);
  });

  it('a write that fails midway leaves the previous file intact and no temporary file behind', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const v1 = [{ name: 'w', tensor: nn.tensor(randomData(5000, 4), [5000]) }];
    await saveSafetensors(path, v1);
    const before = await readFile(path);
    const v2 = [{ name: 'w', tensor: nn.tensor(randomData(5000, 5), [5000]) }];
    let chunks = 0;
    await expect(saveSafetensors(path, v2, {
      chunkBytes: 4096,
      afterChunk: () => {
        if (++chunks === 2) throw new Error('simulated crash');
      },
    })).rejects.toThrow('simulated crash');
    expect(chunks).toBe(2);
    expect((await readFile(path)).equals(before)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // And a later successful save replaces it whole.
    await saveSafetensors(path, v2);
    const back = [{ name: 'w', tensor: nn.zeros([5000]) }];
    await loadSafetensors(path, back);
    expect(Array.from(await back[0]!.tensor.data())).toEqual(Array.from(await v2[0]!.tensor.data()));
    disposeAll([...v1, ...v2, ...back]);
  });

  it('refuses a file whose data or header changed after it was written, by its checksum', async () => {
    const w = [{ name: 'dense/kernel', tensor: nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]) }, { name: 'b', tensor: nn.tensor([0.5], [1]) }];
    const path = join(dir, 'sum.safetensors');
    await saveSafetensors(path, w, { metadata: { format: 'pt' } });
    const good = new Uint8Array(await readFile(path));
    const file = decodeSafetensors(good, 'sum');
    expect(file.checksummed).toBe(true);
    expect(file.metadata).toEqual({ format: 'pt' });
    // One flipped bit in a float (still a valid float, so only the checksum can tell) is refused by name.
    const flipped = good.slice();
    flipped[flipped.length - 2]! ^= 0x01;
    expect(() => decodeSafetensors(flipped, 'sum')).toThrow(/^sum: checksum mismatch: the file's SHA-256 is [0-9a-f]{64} but its header records [0-9a-f]{64}; the file is damaged$/);
    // So is a header change that still parses: a shape digit swapped for another that fits the same bytes.
    const text = Buffer.from(good).toString('latin1').replace('"shape":[2,3]', '"shape":[3,2]');
    expect(() => decodeSafetensors(new Uint8Array(Buffer.from(text, 'latin1')), 'sum')).toThrow(/^sum: checksum mismatch/);
    await writeFile(path, flipped);
    await expect(loadSafetensors(path, w)).rejects.toThrow(/sum\.safetensors: checksum mismatch/);
    // A digest that is not hex, and files of other writers (no field) that load unchecked.
    const notHex = Buffer.from(good).toString('latin1').replace(/"webgpu-nn\.sha256":"[0-9a-f]{8}/, '"webgpu-nn.sha256":"zzzzzzzz');
    expect(() => decodeSafetensors(new Uint8Array(Buffer.from(notHex, 'latin1')), 'sum')).toThrow(/metadata 'webgpu-nn\.sha256' is "zzzz.*", not a SHA-256 hex digest/);
    const foreign = decodeSafetensors(rawFile({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'f');
    expect([foreign.checksummed, foreign.metadata]).toEqual([false, { format: 'pt' }]);
    await expect(saveSafetensors(path, w, { metadata: { 'webgpu-nn.sha256': 'x' } })).rejects.toThrow(/metadata 'webgpu-nn\.sha256' is reserved for the file's checksum/);
    disposeAll(w);
  });

  it('refuses duplicate and reserved names when saving', async () => {
    const t = nn.tensor([1]);
    await expect(saveSafetensors(join(dir, 'dup.safetensors'), [{ name: 'a', tensor: t }, { name: 'a', tensor: t }])).rejects.toThrow(/duplicate tensor name 'a'/);
    await expect(saveSafetensors(join(dir, 'meta.safetensors'), [{ name: '__metadata__', tensor: t }])).rejects.toThrow(/reserved/);
    await writeFile(join(dir, 'plain.txt'), 'hello');
    await expect(readSafetensors(join(dir, 'plain.txt'))).rejects.toThrow(/truncated: 5 bytes/);
    t.dispose();
  });
});
