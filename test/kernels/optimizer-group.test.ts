// fusedUpdates packs several parameters into one dispatch: bit-identical to one fusedUpdate per parameter (vec4
// and scalar sizes, an empty parameter, more parameters than one group holds), the health flag keeps the lowest
// code when two members of one dispatch have non-finite gradients, and bad items are refused by name.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { fusedUpdate, fusedUpdates, type UpdateRule } from '../../src/kernels/optimizer.js';
import { randomData } from '../helpers.js';

const MOMENTUM: UpdateRule = {
  key: 'testMomentum', slots: ['v', 'w'], coeffs: ['lr'],
  wgsl: 'v = 0.9 * v + g; w = w + g * g; p = p - u.lr * v / sqrt(w + T(1e-3));',
  cpu: (p, g, [v, w], c) => {
    for (let i = 0; i < p.length; i++) {
      v![i] = 0.9 * v![i]! + g[i]!;
      w![i] = w![i]! + g[i]! * g[i]!;
      p[i] = p[i]! - c.lr! * v![i]! / Math.sqrt(w![i]! + 1e-3);
    }
  },
};
const SIZES = [16, 7, 0, 12, 40, 5, 8, 4, 3];

function params(seed: number): Array<{ p: nn.Tensor; g: nn.Tensor; slots: nn.Tensor[] }> {
  return SIZES.map((n, k) => ({
    p: nn.tensor(randomData(n, seed + k), [n]),
    g: nn.tensor(randomData(n, 100 + k), [n]),
    slots: [nn.tensor(randomData(n, 200 + k), [n]), nn.zeros([n])],
  }));
}

describe('fusedUpdates (several parameters per dispatch)', () => {
  it('gives exactly what one fusedUpdate per parameter gives, over three steps', async () => {
    const before = nn.liveTensors();
    const a = params(1), b = params(1);
    for (let step = 0; step < 3; step++) {
      fusedUpdates(MOMENTUM, a, { lr: 0.1 });
      for (const it of b) fusedUpdate(MOMENTUM, it.p, it.g, it.slots, { lr: 0.1 });
    }
    for (let k = 0; k < SIZES.length; k++) {
      expect(Array.from(await a[k]!.p.data()), `param ${k}`).toEqual(Array.from(await b[k]!.p.data()));
      for (let s = 0; s < 2; s++) expect(Array.from(await a[k]!.slots[s]!.data())).toEqual(Array.from(await b[k]!.slots[s]!.data()));
    }
    expect(Array.from(await a[0]!.p.data())).not.toEqual(Array.from(randomData(16, 1))); // it did update
    for (const it of [...a, ...b]) [it.p, it.g, ...it.slots].forEach((t) => t.dispose());
    expect(nn.liveTensors()).toBe(before);
  });

  it('flags the lowest code among members with non-finite gradients', async () => {
    const items = params(3).map((it, k) => ({ ...it, code: 10 + k }));
    // With two slots a group holds 3 parameters (lavapipe's 16 bindings): the vec4 ones 0, 3, 4 share a dispatch,
    // and 3 (size 12) and 4 (size 40) are poisoned there; member 1 (size 7) is scalar.
    const poison = async (k: number, value: number): Promise<void> => {
      const data = await items[k]!.g.data();
      data[1] = value;
      items[k]!.g.dispose();
      items[k]!.g = nn.tensor(data, [data.length]);
    };
    await poison(3, Number.NaN);
    await poison(4, Number.POSITIVE_INFINITY);
    await poison(1, Number.NEGATIVE_INFINITY);
    const flags = nn.tensor(new Int32Array([1000]), [1], { dtype: 'i32' });
    fusedUpdates(MOMENTUM, items.filter((_, k) => k !== 1), { lr: 0.1 }, flags);
    expect(Array.from(await flags.data())).toEqual([13]);
    fusedUpdates(MOMENTUM, items, { lr: 0.1 }, flags);
    expect(Array.from(await flags.data())).toEqual([11]);
    for (const it of items) [it.p, it.g, ...it.slots].forEach((t) => t.dispose());
    flags.dispose();
  });

  it('WEBGPU_NN_GROUP_UPDATES=off: one dispatch per parameter', () => {
    const items = params(5);
    const count = (): number => {
      const d0 = nn.recorderStats().dispatches;
      fusedUpdates(MOMENTUM, items, { lr: 0.1 });
      return nn.recorderStats().dispatches - d0;
    };
    expect(count()).toBe(3); // vec4 sizes 16, 12, 40 | 8, 4; scalar sizes 7, 5, 3
    process.env.WEBGPU_NN_GROUP_UPDATES = 'off';
    try {
      expect(count()).toBe(8); // the 8 non-empty parameters
    } finally {
      delete process.env.WEBGPU_NN_GROUP_UPDATES;
    }
    for (const it of items) [it.p, it.g, ...it.slots].forEach((t) => t.dispose());
  });

  it('a group whose members share a buffer is updated one by one (no buffer bound twice)', async () => {
    const make = (): Array<{ p: nn.Tensor; g: nn.Tensor; slots: nn.Tensor[] }> => {
      const shared = nn.zeros([8]);
      return [0, 1, 2].map((k) => ({
        p: nn.tensor(randomData(8, 300 + k), [8]), g: nn.tensor(randomData(8, 400 + k), [8]),
        slots: [nn.tensor(randomData(8, 500 + k), [8]), k ? shared : nn.zeros([8])], // members 1 and 2 share a slot
      }));
    };
    const a = make(), b = make();
    fusedUpdates(MOMENTUM, a, { lr: 0.1 });
    for (const it of b) fusedUpdate(MOMENTUM, it.p, it.g, it.slots, { lr: 0.1 });
    for (let k = 0; k < 3; k++) expect(Array.from(await a[k]!.p.data()), `param ${k}`).toEqual(Array.from(await b[k]!.p.data()));
    await nn.sync();
    for (const set of [a, b]) {
      for (const it of set) [it.p, it.g, it.slots[0]!].forEach((t) => t.dispose());
      set[0]!.slots[1]!.dispose();
      set[1]!.slots[1]!.dispose();
    }
  });

  it('refuses mismatched gradients and missing codes, naming the rule', () => {
    const p = nn.zeros([4]), g = nn.zeros([5]), v = nn.zeros([4]), w = nn.zeros([4]), flags = nn.tensor(new Int32Array([0]), [1], { dtype: 'i32' });
    expect(() => fusedUpdates(MOMENTUM, [{ p, g, slots: [v, w] }], { lr: 1 })).toThrow('testMomentum update: gradient [5] does not match parameter [4]');
    expect(() => fusedUpdates(MOMENTUM, [{ p, g: v, slots: [w, w] }, { p: w, g: v, slots: [p, p] }], { lr: 1 }, flags))
      .toThrow('testMomentum update: every parameter needs a health code when health flags are given');
    [p, g, v, w, flags].forEach((t) => t.dispose());
  });
});
