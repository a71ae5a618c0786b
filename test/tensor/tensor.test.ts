// Tensor basics: creation for every dtype (u8 packing at sizes that are not multiples of 4), readback, views that
// share storage, disposal, ownership scopes, the buffer pool and the live-tensor counter.
import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';
import { bucketBytes } from '../../src/tensor/pool.js';

describe('creation and readback', () => {
  it('tensor() for f32, i32 and u8 round-trips with the right host array type', async () => {
    const f = nn.tensor([1.5, -2, 3.25], [3]);
    const i = nn.tensor([-7, 0, 2147483647], [3], { dtype: 'i32' });
    const u = nn.tensor([0, 128, 255], [3], { dtype: 'u8' });
    expect(await f.data()).toBeInstanceOf(Float32Array);
    expect(await i.data()).toBeInstanceOf(Int32Array);
    expect(await u.data()).toBeInstanceOf(Uint8Array);
    expect(await f.toArray()).toEqual([1.5, -2, 3.25]);
    expect(await i.toArray()).toEqual([-7, 0, 2147483647]);
    expect(await u.toArray()).toEqual([0, 128, 255]);
    for (const t of [f, i, u]) t.dispose();
  });

  it('data() gives the dtype\'s array on the cpu device too; unknown dtypes and devices get a clear error', async () => {
    for (const [dtype, Type] of [['f32', Float32Array], ['i32', Int32Array], ['u8', Uint8Array]] as const) {
      const t = nn.tensor([1, 2, 3], [3], { dtype, device: 'cpu' });
      expect(await t.data(), dtype).toBeInstanceOf(Type);
      t.dispose();
    }
    const live = nn.liveTensors();
    expect(() => nn.tensor([1], [1], { dtype: 'int32' as nn.DType })).toThrow(/tensor: dtype "int32" is not supported \(expected one of 'f32', 'i32', 'u8'\)/);
    expect(() => nn.tensor([1], [1], { device: 'gpu' as nn.DeviceKind })).toThrow(/tensor: device "gpu" is not supported \(expected 'webgpu' or 'cpu'\)/);
    expect(() => nn.zeros([1], { dtype: 'float32' as nn.DType })).toThrow(/zeros: dtype "float32" is not supported/);
    expect(() => nn.tensor([1], [1], 'i32' as never)).toThrow(/tensor: the third argument must be an options object/);
    expect(nn.liveTensors()).toBe(live);
  });

  it('u8 tensors of sizes 1..9 pack four to a word without touching neighbours', async () => {
    for (let n = 1; n <= 9; n++) {
      const v = Array.from({ length: n }, (_, k) => (37 * k + 11) % 256);
      const t = nn.tensor(v, [n], { dtype: 'u8' });
      expect(await t.toArray(), `size ${n}`).toEqual(v);
      const f = nn.full([n], 200, { dtype: 'u8' });
      expect(await f.toArray(), `full size ${n}`).toEqual(new Array(n).fill(200));
      const asF32 = nn.cast(t, 'f32');
      expect(await asF32.toArray(), `cast size ${n}`).toEqual(v);
      for (const x of [t, f, asF32]) x.dispose();
    }
  });

  it('zeros / ones / full for every dtype and device', async () => {
    for (const device of ['webgpu', 'cpu'] as const) {
      for (const dtype of ['f32', 'i32', 'u8'] as const) {
        const z = nn.zeros([2, 3], { dtype, device }), o = nn.ones([5], { dtype, device }), f = nn.full([3, 1], 7, { dtype, device });
        expect([z.dtype, z.device, z.shape]).toEqual([dtype, device, [2, 3]]);
        expect(await z.toArray()).toEqual([0, 0, 0, 0, 0, 0]);
        expect(await o.toArray()).toEqual([1, 1, 1, 1, 1]);
        expect(await f.toArray()).toEqual([7, 7, 7]);
        for (const t of [z, o, f]) t.dispose();
      }
    }
    const h = nn.full([2], -0.5);
    expect(await h.toArray()).toEqual([-0.5, -0.5]);
    h.dispose();
    expect(() => nn.full([2], 1.5, { dtype: 'i32' })).toThrow(/fill: i32 value 1.5 is not an integer/);
    expect(() => nn.full([2], 256, { dtype: 'u8' })).toThrow(/fill: u8 value 256 is outside 0..255/);
  });

  it('item() reads a one-element tensor and refuses others; bad host data is rejected', async () => {
    const s = nn.tensor([42], []);
    expect(await s.item()).toBe(42);
    const v = nn.tensor([1, 2]);
    await expect(v.item()).rejects.toThrow(/item: tensor \[2\] has 2 elements, not 1/);
    expect(() => nn.tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fill shape \[2, 2\] \(4 elements\)/);
    expect(() => nn.tensor([1, 300], [2], { dtype: 'u8' })).toThrow(/tensor: u8 value 300 is outside 0..255/);
    expect(() => nn.zeros([2, -1])).toThrow(/invalid shape \[2, -1\]/);
    s.dispose();
    v.dispose();
  });
});

describe('views and disposal', () => {
  it('reshape and view share storage: no new buffer, no copy', async () => {
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const { liveBytes, liveBuffers } = nn.poolStats();
    const r = nn.reshape(x, [3, -1]), v = x.view([6]);
    expect(nn.poolStats().liveBytes).toBe(liveBytes);
    expect(nn.poolStats().liveBuffers).toBe(liveBuffers);
    expect(r.storage).toBe(x.storage);
    expect(r.shape).toEqual([3, 2]);
    expect(await v.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    // The storage outlives the tensor it came from while a view holds it.
    x.dispose();
    expect(await r.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    r.dispose();
    expect(v.storage.released).toBe(false);
    v.dispose();
    expect(v.storage.released).toBe(true);
    // Only the release of the last view returns the buffer (6 f32 = 24 bytes, a 32-byte bucket).
    expect(nn.poolStats().liveBytes).toBe(liveBytes - bucketBytes(24));
    const z = nn.zeros([2, 3]);
    expect(() => nn.reshape(z, [4, -1])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, -1\]/);
    z.dispose();
  });

  it('double dispose is safe and counts once; use after dispose names the op and the input', async () => {
    const before = nn.liveTensors();
    const x = nn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(nn.liveTensors()).toBe(before + 1);
    x.dispose();
    x.dispose();
    expect(nn.liveTensors()).toBe(before);
    expect(x.isDisposed).toBe(true);
    expect(() => nn.relu(x)).toThrow(/relu: input 'x' \[2, 3\] was used after dispose\(\)/);
    const y = nn.ones([3]);
    expect(() => nn.add(y, x)).toThrow(/add: input 'b' \[2, 3\] was used after dispose\(\)/);
    await expect(x.data()).rejects.toThrow(/data: input 'x' \[2, 3\] was used after dispose\(\)/);
    expect(() => x.view([6])).toThrow(/view: input 'x' \[2, 3\] was used after dispose\(\)/);
    y.dispose();
  });
});

describe('scopes', () => {
  it('dispose what they made except the result, which moves to the parent scope', () => {
    const before = nn.liveTensors();
    let inner: nn.Tensor | null = null;
    const out = nn.scope(() => {
      const r = nn.scope(() => {
        inner = nn.ones([2]);
        return nn.add(inner, 1);
      });
      expect(inner!.isDisposed).toBe(true);
      expect(r.isDisposed).toBe(false);
      return { r, list: [nn.zeros([1])] };
    });
    expect(nn.liveTensors()).toBe(before + 2);
    expect(out.r.owner).toBe(null);
    out.r.dispose();
    out.list[0]!.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('keep() moves a tensor one scope up; untrack() hands it to the caller; unscoped() opens no scope', () => {
    const before = nn.liveTensors();
    let kept: nn.Tensor | null = null, mid: nn.Tensor | null = null, free: nn.Tensor | null = null, un: nn.Tensor | null = null;
    nn.scope(() => {
      nn.scope(() => {
        nn.scope(() => {
          kept = nn.keep(nn.ones([1]));
          free = nn.untrack(nn.ones([1]));
          un = nn.unscoped(() => nn.ones([1]));
        });
        expect(kept!.isDisposed).toBe(false);
        mid = kept;
      });
      expect(mid!.isDisposed).toBe(true);
    });
    expect(free!.isDisposed).toBe(false);
    expect(un!.isDisposed).toBe(false);
    free!.dispose();
    un!.dispose();
    expect(nn.liveTensors()).toBe(before);
  });

  it('dispose everything when fn throws, and the error propagates', () => {
    const before = nn.liveTensors();
    let t: nn.Tensor | null = null;
    expect(() => nn.scope(() => {
      t = nn.ones([4]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(t!.isDisposed).toBe(true);
    expect(nn.liveTensors()).toBe(before);
  });

  it('reject a Promise-returning fn (and dispose what it made)', () => {
    const before = nn.liveTensors();
    let t: nn.Tensor | null = null;
    const f = async (): Promise<nn.Tensor> => (t = nn.ones([2]));
    expect(() => nn.scope(f as unknown as () => nn.Tensor)).toThrow(/scope\(fn\): fn returned a Promise/);
    expect(t!.isDisposed).toBe(true);
    expect(nn.liveTensors()).toBe(before);
  });
});

describe('buffer pool', () => {
  it('bucketBytes: at least 16 bytes, quarter steps between powers of two', () => {
    expect([1, 16, 17, 100, 1000, 1024, 1025, 1 << 20].map(bucketBytes)).toEqual([16, 16, 32, 112, 1024, 1024, 1280, 1 << 20]);
    for (let b = 1; b < 100_000; b += 997) {
      const k = bucketBytes(b);
      expect(k >= b && k % 16 === 0 && k <= Math.max(16, b * 1.25 + 16)).toBe(true);
    }
  });

  it('reuses buffers: the created count stays flat after warm-up', () => {
    const step = (): void => nn.scope(() => {
      const x = nn.ones([257, 3]);
      const y = nn.mul(nn.add(x, 2), x);
      nn.sum(nn.softmax(y), 1);
    });
    step();
    const { created, liveBuffers } = nn.poolStats();
    for (let i = 0; i < 20; i++) step();
    expect(nn.poolStats().created).toBe(created);
    expect(nn.poolStats().liveBuffers).toBe(liveBuffers);
  });

  it('liveTensors() counts tensors made and not disposed', () => {
    const before = nn.liveTensors();
    const ts = [nn.zeros([1]), nn.zeros([2], { device: 'cpu' }), nn.tensor([1], [1], { dtype: 'i32' })];
    expect(nn.liveTensors()).toBe(before + 3);
    ts.forEach((t) => t.dispose());
    expect(nn.liveTensors()).toBe(before);
  });
});
