// Kernel declarations: generated header, uniform packing, pipeline reuse across shapes, and shader errors that
// name their kernel.
import { describe, expect, it } from 'vitest';
import { FLAT_ID, grid1d, kernel, pipelineCount } from '../../src/kernels/kernel.js';
import { Tensor, sync, tensor } from '../../src/index.js';

describe('kernel specs', () => {
  it('packs mixed uniforms (u32, f32, vec4, shape) in declaration order with WGSL alignment', async () => {
    const k = kernel({
      name: 'uniformProbe', inputs: {}, outputs: { y: 'f32' },
      uniforms: { a: 'u32', b: 'f32', v: 'vec4f', s: 'shape', c: 'i32' }, workgroup: 1,
      body: 'y[0] = f32(u.a); y[1] = u.b; y[2] = u.v.z; y[3] = f32(dim(u.s, 5u)); y[4] = f32(u.c);',
    });
    expect(k.source).toContain('struct Uniforms');
    const y = Tensor.empty([5]);
    k.run({ y }, { a: 7, b: 2.5, v: [1, 2, 3, 4], s: [9, 8, 7, 6, 5, 4], c: -3 }, [1]);
    expect(await y.toArray()).toEqual([7, 2.5, 3, 4, -3]);
    y.dispose();
  });

  it('one pipeline serves every shape (shapes travel as uniforms)', async () => {
    const k = kernel({
      name: 'double', inputs: { x: 'f32' }, outputs: { y: 'f32' }, uniforms: { total: 'u32' }, workgroup: 64,
      body: `let i = ${FLAT_ID}; if (i < u.total) { y[i] = 2.0 * x[i]; }`,
    });
    const run = async (n: number): Promise<number[]> => {
      const x = tensor(Array.from({ length: n }, (_, i) => i)), y = Tensor.empty([n]);
      k.run({ x, y }, { total: n }, grid1d(n, 64));
      const out = await y.toArray();
      x.dispose(); y.dispose();
      return out;
    };
    expect(await run(3)).toEqual([0, 2, 4]);
    const pipelines = pipelineCount();
    expect((await run(100)).at(-1)).toBe(198);
    expect(pipelineCount()).toBe(pipelines);
  });

  it('rejects a wrong dtype binding and a missing uniform, naming the kernel', () => {
    const k = kernel({ name: 'typed', inputs: { x: 'f32' }, outputs: { y: 'f32' }, uniforms: { n: 'u32' }, workgroup: 1, body: 'y[0] = x[0];' });
    const xi = tensor([1], [1], { dtype: 'i32' }), y = Tensor.empty([1]);
    expect(() => k.run({ x: xi, y }, { n: 1 }, [1])).toThrow(/kernel typed: binding 'x' expects f32 but got a i32/);
    expect(() => k.run({ x: y, y }, {} as { n: number }, [1])).toThrow(/uniform 'n' was not given/);
    xi.dispose(); y.dispose();
  });

  it('a shader that fails to compile is reported at the next sync with its kernel name', async () => {
    const k = kernel({ name: 'brokenKernel', inputs: {}, outputs: { y: 'f32' }, uniforms: { s: 'f32' }, workgroup: 1, body: 'y[0] = u.s + undefinedName;' });
    const y = Tensor.empty([1]);
    k.run({ y }, { s: 1 }, [1]);
    await expect(sync()).rejects.toThrow(/brokenKernel failed to compile/);
    y.dispose();
  });

  it('a reserved WGSL word as a binding or uniform name is refused when the kernel is declared', () => {
    expect(() => kernel({ name: 'reserved', inputs: { target: 'f32' }, outputs: { y: 'f32' }, uniforms: {}, workgroup: 1, body: '' }))
      .toThrow(/kernel reserved: 'target' is a reserved word in WGSL/);
  });
});
