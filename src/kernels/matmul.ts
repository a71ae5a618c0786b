// Matmul on the register-blocked GEMM tiles (gemm.ts): 2-D and batched, transposed operands as compile-time flags
// (read in their stored layout, never materialised), vec4 loads when the contiguous dimension is a multiple of 4,
// and an optional fused bias + activation epilogue. Also the naive one-thread-per-output kernel that tests and
// benches use as the reference. Layout: row-major; batch in gid.z; a 2-D operand is shared by every batch.

import { fmtShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkActivation, type Activation } from './activation.js';
import { fill } from './fill.js';
import { gemmKernel, gemmLaunch, tilesTag, type GemmTiles } from './gemm.js';
import { rowMajorA, rowMajorB } from './gemm.loaders.js';
import { flatThread, grid1d, kernel, variants, WG } from './kernel.js';
import { matmulCpu } from './matmul.cpu.js';
import { chooseTiles } from './tuning.js';

export { defaultTiles } from './tuning.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to every row (shape [N]) before the activation. */
  bias?: Tensor;
  activation?: Activation;
  /** Tile override (benches and tuning); chosen by tuning.ts's chooseTiles otherwise. */
  tiles?: GemmTiles;
}

/** Logical sizes of a (possibly batched, possibly transposed) matmul. Batch is 0 for a 2-D result. */
export interface MatmulDims {
  batch: number;
  M: number;
  K: number;
  N: number;
  batchA: boolean;
  batchB: boolean;
}

/** Validates operand shapes and returns the GEMM sizes; errors name the op, the operand and both shapes. */
export function matmulDims(
  op: string, a: readonly number[], b: readonly number[], o: { transposeA?: boolean; transposeB?: boolean },
): MatmulDims {
  for (const [name, s] of [['a', a], ['b', b]] as const) {
    if (s.length !== 2 && s.length !== 3) throw new Error(`${op}: input '${name}' must be rank 2 or 3 but got ${fmtShape(s)}`);
  }
  const [M, Ka] = o.transposeA ? [a[a.length - 1]!, a[a.length - 2]!] : [a[a.length - 2]!, a[a.length - 1]!];
  const [Kb, N] = o.transposeB ? [b[b.length - 1]!, b[b.length - 2]!] : [b[b.length - 2]!, b[b.length - 1]!];
  if (Ka !== Kb) {
    throw new Error(`${op}: inner dimensions differ: a ${fmtShape(a)}${o.transposeA ? ' (transposed)' : ''} has K = ${Ka} but ` +
      `b ${fmtShape(b)}${o.transposeB ? ' (transposed)' : ''} has K = ${Kb}`);
  }
  const batchA = a.length === 3, batchB = b.length === 3;
  if (batchA && batchB && a[0] !== b[0]) throw new Error(`${op}: batch sizes differ: a ${fmtShape(a)} and b ${fmtShape(b)}`);
  const batch = batchA ? a[0]! : batchB ? b[0]! : 0;
  return { batch, M, K: Ka, N, batchA, batchB };
}

export function matmulOutShape(d: MatmulDims): number[] {
  return d.batchA || d.batchB ? [d.batch, d.M, d.N] : [d.M, d.N];
}

interface Variant {
  tA: boolean;
  tB: boolean;
  alignK: boolean;
  alignM: boolean;
  alignN: boolean;
  bias: boolean;
  act: Activation;
  tiles: GemmTiles;
}

/** Plain row-major loaders for A [batch?, M, K] (or [K, M] when transposed) and B [batch?, K, N] (or [N, K]). */
function plainLoaders(v: Variant): { loaders: string; vecA: boolean; vecB: boolean } {
  const A = rowMajorA({ arr: 'a', alongM: v.tA, alignM: v.alignM, alignK: v.alignK, base: 'batch * u.strideA' });
  const B = rowMajorB({ arr: 'b', alongK: v.tB, alignN: v.alignN, alignK: v.alignK, base: 'batch * u.strideB' });
  return { loaders: `${A.wgsl}\n${B.wgsl}`, vecA: A.vec, vecB: B.vec };
}

const blockedKernel = variants((v: Variant) => {
  const { loaders, vecA, vecB } = plainLoaders(v);
  const t = v.tiles;
  return gemmKernel({
    name: `matmul_${tilesTag(t)}${v.tA ? '_tA' : ''}${v.tB ? '_tB' : ''}${v.bias ? '_bias' : ''}_${v.act}`,
    tiles: t, aAlong: v.tA ? 'm' : 'k', bAlong: v.tB ? 'k' : 'n',
    inputs: { a: vecA ? 'vec4f' : 'f32', b: vecB ? 'vec4f' : 'f32' },
    uniforms: { strideA: 'u32', strideB: 'u32' },
    loaders, bias: v.bias, act: v.act, vecOut: v.alignN, splitK: false,
  });
});

/**
 * C = op(a) @ op(b) (+ bias, then activation), op = transpose when the flag is set. a: [M, K] or [batch, M, K]
 * (stored [.., K, M] when transposeA); b: [K, N] or [batch, K, N] (stored [.., N, K] when transposeB). A 2-D operand
 * is shared by every batch.
 */
export function matmul(a: Tensor, b: Tensor, o: MatmulOptions = {}): Tensor {
  for (const [name, t] of [['a', a], ['b', b], ['bias', o.bias]] as const) {
    if (t && t.dtype !== 'f32') throw new Error(`matmul: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
  }
  const d = matmulDims('matmul', a.shape, b.shape, o);
  const act = o.activation ?? 'linear';
  checkActivation('matmul', act);
  if (o.bias && (o.bias.rank !== 1 || o.bias.shape[0] !== d.N)) {
    throw new Error(`matmul: bias must have shape [${d.N}] but got ${fmtShape(o.bias.shape)}`);
  }
  const y = Tensor.empty(matmulOutShape(d), 'f32', a.device);
  if (a.device === 'cpu') {
    matmulCpu(a.storage.data, b.storage.data, o.bias?.storage.data ?? null, y.storage.data, d, !!o.transposeA, !!o.transposeB, act);
    return y;
  }
  if (y.size === 0) return y;
  const flags = { tA: !!o.transposeA, tB: !!o.transposeB, alignK: d.K % 4 === 0, alignM: d.M % 4 === 0, alignN: d.N % 4 === 0 };
  const tiles = o.tiles ?? chooseTiles({
    site: o.transposeA ? 'matmul.tA' : 'matmul', M: d.M, N: d.N, K: d.K,
    flags: `${Object.values(flags).map(Number).join('')}${d.batch > 0 ? 'b' : ''}`,
    replay: () => {
      const ops = [fill(a.shape, 0), fill(b.shape, 0), ...(o.bias ? [fill([d.N], 0)] : [])] as const;
      const run = (t: GemmTiles): void => matmul(ops[0], ops[1], { ...o, bias: ops[2], tiles: t }).dispose();
      return { run, dispose: () => ops.forEach((x) => x.dispose()) };
    },
  });
  const v: Variant = { ...flags, bias: !!o.bias, act, tiles };
  const k = blockedKernel(v);
  const launch = gemmLaunch(tiles, { M: d.M, N: d.N, KO: 1, KI: d.K, Z: Math.max(1, d.batch) });
  k.run({ a, b, y, bias: o.bias }, { ...launch.uniforms, strideA: d.batchA ? d.M * d.K : 0, strideB: d.batchB ? d.K * d.N : 0 }, launch.groups);
  return y;
}

// One thread per output element; element (i, k) of A is at i * sAi + k * sAk (transposes are stride swaps).
const naiveKernel = kernel({
  name: 'matmulNaive', inputs: { a: 'f32', b: 'f32' }, outputs: { y: 'f32' },
  uniforms: { M: 'u32', N: 'u32', K: 'u32', total: 'u32', sAb: 'u32', sAi: 'u32', sAk: 'u32', sBb: 'u32', sBk: 'u32', sBj: 'u32' },
  workgroup: WG,
  body: `
${flatThread('t')}
  let j = t % u.N;
  let i = (t / u.N) % u.M;
  let bt = t / (u.N * u.M);
  var acc = 0.0;
  for (var k = 0u; k < u.K; k++) {
    acc += a[bt * u.sAb + i * u.sAi + k * u.sAk] * b[bt * u.sBb + k * u.sBk + j * u.sBj];
  }
  y[t] = acc;`,
});

/** The naive reference kernel: one thread per output, scalar loads, no tiling. Same semantics as `matmul`. */
export function matmulNaive(a: Tensor, b: Tensor, o: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  const d = matmulDims('matmulNaive', a.shape, b.shape, o);
  if (a.device === 'cpu') throw new Error('matmulNaive: the naive kernel is a webgpu reference; use matmul on the cpu device');
  const y = Tensor.empty(matmulOutShape(d), 'f32', 'webgpu');
  const [sAi, sAk] = o.transposeA ? [1, d.M] : [d.K, 1];
  const [sBk, sBj] = o.transposeB ? [1, d.K] : [d.N, 1];
  naiveKernel.run({ a, b, y }, {
    M: d.M, N: d.N, K: d.K, total: y.size, sAi, sAk, sBk, sBj, sAb: d.batchA ? d.M * d.K : 0, sBb: d.batchB ? d.K * d.N : 0,
  }, grid1d(y.size));
  return y;
}
