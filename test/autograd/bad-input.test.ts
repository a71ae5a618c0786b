// Bad input through the public API: every error names the op, the offending input and the shapes involved.
import { afterEach, describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

describe('bad input', () => {
  const made: nn.Tensor[] = [];
  const track = (t: nn.Tensor): nn.Tensor => (made.push(t), t);
  const f = (shape: number[]): nn.Tensor => track(nn.zeros(shape));
  const i = (shape: number[]): nn.Tensor => track(nn.zeros(shape, { dtype: 'i32' }));
  afterEach(() => made.splice(0).forEach((t) => t.dispose()));

  it('shape mismatches', () => {
    expect(() => nn.mul(f([3, 4]), f([5]))).toThrow(/mul: shapes \[3, 4\] and \[5\] cannot be broadcast together \(axis 1: 4 vs 5\)/);
    expect(() => nn.maximum(f([2, 3, 4]), f([3, 2, 1]))).toThrow(/maximum: shapes \[2, 3, 4\] and \[3, 2, 1\] cannot be broadcast/);
    expect(() => nn.broadcastTo(f([3, 2]), [3, 4])).toThrow(/broadcastTo: shapes \[3, 2\] and \[3, 4\] cannot be broadcast/);
    expect(() => nn.broadcastTo(f([3, 1]), [3])).toThrow(/broadcastTo: \[3, 1\] cannot be broadcast to \[3\]/);
    expect(() => nn.reshape(f([2, 3]), [5])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[5\]/);
    expect(() => nn.concat([f([2, 3]), f([3, 3])], 1)).toThrow(/concat: input 1 \[3, 3\] does not match input 0 \[2, 3\] outside axis 1/);
    expect(() => nn.categoricalCrossentropy(f([4, 10]), f([4, 9]))).toThrow(/categoricalCrossentropy: .*target \[4, 10\], pred \[4, 9\]/);
    expect(() => nn.sparseCategoricalCrossentropy(i([5]), f([4, 10]))).toThrow(/sparseCategoricalCrossentropy: labels must be \[4\] or \[4, 1\] \(labels \[5\], pred \[4, 10\]\)/);
    expect(() => nn.where(f([2]), f([3]), f([2]))).toThrow(/where: shapes \[2\] and \[3\] cannot be broadcast/);
  });

  it('wrong dtypes', () => {
    expect(() => nn.relu(i([2, 3]))).toThrow(/relu: input 'x' must be f32 but got i32 \[2, 3\]; cast it first/);
    expect(() => nn.add(f([2]), i([2]))).toThrow(/add: input 'b' must be f32 but got i32 \[2\]/);
    expect(() => nn.mul(i([4]), 3)).toThrow(/mul: input 'x' must be f32 but got i32 \[4\]/);
    expect(() => nn.sum(i([2, 2]), 0)).toThrow(/sum: input 'x' must be f32 but got i32 \[2, 2\]/);
    expect(() => nn.argmax(track(nn.zeros([3], { dtype: 'u8' })))).toThrow(/argmax: input 'x' must be f32 but got u8 \[3\]/);
    expect(() => nn.softmax(i([2, 2]))).toThrow(/softmax: input 'x' must be f32 but got i32 \[2, 2\]/);
    expect(() => nn.gather(f([4, 2]), f([2]))).toThrow(/gather: input 'indices' must be i32 but got f32 \[2\] \(x \[4, 2\]\)/);
    expect(() => nn.sparseCategoricalCrossentropy(f([4]), f([4, 3]))).toThrow(/sparseCategoricalCrossentropy: input 'labels' must be i32 .*labels \[4\], pred \[4, 3\]/);
  });

  it('use after dispose', async () => {
    const x = f([2, 3]);
    x.dispose();
    expect(() => nn.exp(x)).toThrow(/exp: input 'x' \[2, 3\] was used after dispose\(\)/);
    expect(() => nn.sum(x)).toThrow(/sum: input 'x' \[2, 3\] was used after dispose\(\)/);
    expect(() => nn.transpose(x)).toThrow(/transpose: input 'x' \[2, 3\] was used after dispose\(\)/);
    expect(() => nn.concat([f([2, 3]), x], 0)).toThrow(/concat: input 'x1' \[2, 3\] was used after dispose\(\)/);
    expect(() => nn.softmax(x)).toThrow(/softmax: input 'x' \[2, 3\] was used after dispose\(\)/);
    expect(() => nn.sparseCategoricalCrossentropy(i([2]), x)).toThrow(/sparseCategoricalCrossentropy: input 'pred' \[2, 3\] was used after dispose\(\)/);
    await expect(x.data()).rejects.toThrow(/data: input 'x' \[2, 3\] was used after dispose\(\)/);
  });

  it('rank and axis errors', () => {
    expect(() => nn.sum(f([2, 3]), 2)).toThrow(/sum: axis 2 is out of range for rank 2 \(x \[2, 3\]\)/);
    expect(() => nn.argmin(f([4]), 1)).toThrow(/argmin: axis 1 is out of range for rank 1 \(x \[4\]\)/);
    expect(() => nn.gather(f([4, 2]), i([1]), 2)).toThrow(/gather: axis 2 is out of range for rank 2 \(x \[4, 2\]\)/);
    expect(() => nn.concat([f([2]), f([2])], 1)).toThrow(/concat: axis 1 is out of range for rank 1 \(x \[2\]\)/);
    expect(() => nn.transpose(f([2, 3, 4]), [1, 0])).toThrow(/transpose: perm \[1, 0\] is not a permutation of the 3 axes of x \[2, 3, 4\]/);
    expect(() => nn.slice(f([2, 3]), [0, 0, 0], [1, 1, 1])).toThrow(/slice: begin \[0, 0, 0\] and size \[1, 1, 1\] must both have 2 entries \(the rank of x\) for x \[2, 3\]/);
    expect(() => nn.pad(f([2, 3]), [[1, 1]])).toThrow(/pad: paddings has 1 entries but x \[2, 3\] has rank 2/);
    expect(() => nn.softmax(f([]))).toThrow(/softmax: input 'x' must have at least rank 1 but got \[\]/);
    expect(() => nn.squeeze(f([2, 3]), 1)).toThrow(/squeeze: axis 1 of x \[2, 3\] has size 3, not 1/);
    expect(() => nn.expandDims(f([2]), -3)).toThrow(/expandDims: axis -3 is out of range \[-2, 1\] for x \[2\]/);
    expect(() => nn.add(f([1, 1, 1, 1, 1, 1, 1, 1, 2]), f([3]))).toThrow(/add: shapes .* cannot be broadcast/);
    expect(() => nn.transpose(f([1, 1, 1, 1, 1, 1, 1, 1, 1]))).toThrow(/transpose: input 'x' \[1, 1, 1, 1, 1, 1, 1, 1, 1\] has rank 9, above the supported 8/);
  });

  it('inputs on different devices', () => {
    const a = f([2]), b = track(nn.zeros([3, 1], { device: 'cpu' }));
    expect(() => nn.add(a, b)).toThrow(/add: input 'b' \[3, 1\] is on cpu but input 'a' \[2\] is on webgpu/);
  });
});
