// The GEMM tile generator shared by matmul and the convolutions (implicit GEMM). Each invocation computes a TM x TN
// block of C = A @ B (TN a multiple of 4, held as vec4 accumulators) and reads its operands only through small WGSL
// loader functions, so the same tiles serve plain matrices and im2col-style conv loaders. Two main loops: register
// blocks (here) and, with tiles.BK set, workgroup-memory tiles (gemm.shared.ts); tuning.ts picks per adapter.
//
// Thread mapping: gid.x walks column blocks, workgroup y (one row block per workgroup when WGY = 1) walks rows, z
// is the batch (or split-K slice). lavapipe runs a workgroup's invocations as SIMD lanes and turns every storage
// load into bounds-checked scalar loads per lane, uniform address or not, so loads bound its GEMMs; with tiles.SG
// (WGY = 1) each lane loads a 1/SG share of the block's A and subgroupBroadcast hands it to the others.
//
// The reduction index k is two-level, k = (ko, ki) with ko in [0, KO) and ki in [0, KI) stepped by 4 (uniforms
// mmM, mmN, mmKO, mmKI): conv loaders
// do their per-(kh, kw) or per-image-row work once per ko and read contiguous channels along ki. Plain matmul uses
// KO = 1, KI = K.
//
// Loader contract (WGSL the caller provides; `batch` is gid.z, or 0 with split-K; state types are the loader's):
//   A read along k ('k'):  fn mmRowA(batch, row) -> S (once per row); fn mmStepA(s: S, ko) -> T (once per ko);
//                          fn mmReadA4(t: T, ki) -> vec4<f32> = A[row, (ko, ki..ki+3)]
//   A read along m ('m'):  same names; mmRowA(batch, row) is called for rows 4g, and mmReadA4(t, ki) returns
//                          A[row..row+3, (ko, ki)]
//   B read along n ('n'):  fn mmColB(batch, col) (col a multiple of 4); fn mmStepB(s, ko);
//                          fn mmReadB4(t, ki) -> vec4<f32> = B[(ko, ki), col..col+3]
//   B read along k ('k'):  mmColB(batch, col) for each column; mmReadB4(t, ki) = B[(ko, ki..ki+3), col]
// Loaders must return 0 for ki >= KI and must not read out of range for rows >= M or cols >= N (clamp: those
// outputs are discarded). Rows (and, along m with SG, ki) may differ between the lanes of a workgroup.

import { activationWgsl, type Activation } from './activation.js';
import { sharedMainLoop } from './gemm.shared.js';
import { kernel, type Bindings, type Kernel, type Uniforms } from './kernel.js';

export interface GemmTiles {
  /** Output rows per invocation. */
  TM: number;
  /** Output columns per invocation (a multiple of 4). */
  TN: number;
  /** Invocations per workgroup along columns. */
  WGX: number;
  /** Invocations per workgroup along rows (1 keeps A reads workgroup-uniform). */
  WGY: number;
  /** Set: stage BK-deep slices of A and B in workgroup memory (gemm.shared.ts); unset: registers only. */
  BK?: number;
  /**
   * Set to the adapter's (fixed) subgroup size: each lane loads 1 / SG of the block's A and subgroupBroadcast hands
   * it to the others (register loop, WGY = 1 only). Where every storage load is scalarised per lane (lavapipe: a
   * bounds-checked scalar load per lane and component, uniform address or not), this cuts A's loads SG-fold.
   */
  SG?: number;
  /**
   * The mirror of SG for narrow outputs (8-31 columns, where SG would idle lanes): the subgroup's lanes walk rows
   * (WGX = 1, WGY a multiple of SGB), all share the block's TN columns, and each loads 1/SGB of B and broadcasts it.
   */
  SGB?: number;
}

/** The tiles' part of a kernel name, e.g. 4x8_wg8x1 or 4x4_wg16x16_wm16. */
export function tilesTag(t: GemmTiles): string {
  return `${t.TM}x${t.TN}_wg${t.WGX}x${t.WGY}${t.BK ? `_wm${t.BK}` : ''}${t.SG ? `_sg${t.SG}` : ''}${t.SGB ? `_sgb${t.SGB}` : ''}`;
}

export interface GemmSpec<I extends Bindings, U extends Uniforms> {
  name: string;
  tiles: GemmTiles;
  aAlong: 'k' | 'm';
  bAlong: 'n' | 'k';
  /** Loader bindings (read-only), in binding order. */
  inputs: I;
  /** Loader uniforms, added after the core's. */
  uniforms: U;
  /** WGSL defining the mm* loader functions. */
  loaders: string;
  /** Fused epilogue: + bias[col] (binding 'bias'), then the activation. */
  bias: boolean;
  act: Activation;
  /** N % 4 == 0: the output is written as vec4. */
  vecOut: boolean;
  /** gid.z selects a slice of ko instead of a batch; the output gets one [M, N] slab per slice. */
  splitK: boolean;
  /** The loaders define fn mmOutRow(row) -> u32, the output row that GEMM row `row` is stored at (scattered rows). */
  outRow?: boolean;
}

// Named mm* so they cannot clash with the conv loaders' shape letters (N batch, K filters).
const CORE_UNIFORMS = { mmM: 'u32', mmN: 'u32', mmKO: 'u32', mmKI: 'u32', koChunk: 'u32', zFold: 'u32' } as const;

/** A GEMM kernel: the loaders' bindings and an optional fused 'bias', the output 'y', the core's and the loaders' uniforms. */
export type GemmKernel<I extends Bindings, U extends Uniforms> = Kernel<I & { bias?: 'f32' }, { y: 'f32' | 'vec4f' }, typeof CORE_UNIFORMS & U>;

const range = (n: number): number[] => [...Array(n).keys()];
const C = ['x', 'y', 'z', 'w'];

/** Builds the kernel: bindings are the loaders' inputs, then 'bias' if fused, then the output 'y'. */
export function gemmKernel<I extends Bindings, U extends Uniforms>(s: GemmSpec<I, U>): GemmKernel<I, U> {
  const { TM, TN, WGX, WGY } = s.tiles;
  if (TN % 4 !== 0) throw new Error(`gemm ${s.name}: TN must be a multiple of 4 (got ${TN})`);
  if (s.aAlong === 'm' && TM % 4 !== 0) throw new Error(`gemm ${s.name}: TM must be a multiple of 4 when A is read along m (got ${TM})`);
  const G = TN / 4;
  const lines: string[] = [];
  const L = (x: string): void => void lines.push(x);
  // Row block: workgroup-uniform when WGY = 1; rows past 65,535 workgroups fold into z (zFold per batch).
  L(`let zb = wid.z / u.zFold;`);
  L(`let rowBlock = (wid.y + (wid.z % u.zFold) * nwg.y) * ${WGY}u${WGY > 1 ? ' + lid.y' : ''};`);
  L(`let row0 = rowBlock * ${TM}u;`);
  L(`let col0 = gid.x * ${TN}u;`);
  if (s.splitK) {
    L(`let batch = 0u;`);
    L(`let koBegin = zb * u.koChunk;`);
    L(`let koEnd = min(u.mmKO, koBegin + u.koChunk);`);
  } else {
    L(`let batch = zb;`);
    L(`let koBegin = 0u;`);
    L(`let koEnd = u.mmKO;`);
  }
  let decls = '';
  if (s.tiles.BK) {
    const shared = sharedMainLoop(s);
    decls = shared.decls;
    lines.push(...shared.lines);
  } else {
    lines.push(...registerMainLoop(s));
  }
  // Epilogue: bias + activation, then a guarded store of each row of the block.
  L(`let outBase = zb * u.mmM * u.mmN;`);
  for (const g of range(G)) {
    const col = `col0 + ${4 * g}u`;
    if (s.bias) L(`let bias${g} = vec4<f32>(${range(4).map((i) => `bias[min(${col} + ${i}u, u.mmN - 1u)]`).join(', ')});`);
  }
  for (const r of range(TM)) {
    L(`if (row0 + ${r}u < u.mmM) {`);
    for (const g of range(G)) {
      const v = `activate(c${r}_${g}${s.bias ? ` + bias${g}` : ''})`;
      L(`  let o${g} = outBase + ${s.outRow ? `mmOutRow(row0 + ${r}u)` : `(row0 + ${r}u)`} * u.mmN + col0 + ${4 * g}u;`);
      if (s.vecOut) L(`  if (col0 + ${4 * g}u < u.mmN) { y[o${g} / 4u] = ${v}; }`);
      else {
        L(`  let v${g} = ${v};`);
        for (const i of range(4)) L(`  if (col0 + ${4 * g + i}u < u.mmN) { y[o${g} + ${i}u] = v${g}.${C[i]}; }`);
      }
    }
    L(`}`);
  }
  return kernel({
    name: s.name,
    inputs: { ...s.inputs, ...(s.bias ? { bias: 'f32' as const } : {}) },
    outputs: { y: s.vecOut ? 'vec4f' : 'f32' },
    uniforms: { ...CORE_UNIFORMS, ...s.uniforms },
    workgroup: [WGX, WGY, 1],
    helpers: `${decls}\n${activationWgsl(s.act)}\n${s.loaders}`,
    body: lines.map((x) => `  ${x}`).join('\n'),
    subgroups: !!(s.tiles.SG || s.tiles.SGB),
  });
}

/**
 * How the register loop reads one operand: its loader states (before the loop, per ko), its reads per k quad, and
 * the WGSL for a value: A's element (row r, k + j), or B's vec4 (k + j, columns 4g..4g+3).
 */
interface OperandPart {
  setup: string[];
  step: string[];
  reads: string[];
  value: (x: number, y: number) => string;
}

// A subgroup's loaded operand: slot i of lane l holds pair p = l + S i; every lane gets every pair by broadcast.
const broadcastSlots = (slots: number[], S: number): string[] =>
  slots.flatMap((i) => range(S).map((l) => `    let v${i}_${l} = subgroupBroadcast(m${i}, ${l}u);`));
const pairAt = (p: number, S: number): string => `v${Math.floor(p / S)}_${p % S}`;

function aPart(s: GemmSpec<Bindings, Uniforms>): OperandPart {
  const { TM, SG } = s.tiles;
  const byK = s.aAlong === 'k';
  if (!SG) {
    const states = byK ? range(TM) : range(TM / 4);
    return {
      setup: states.map((i) => `let sa${i} = mmRowA(batch, row0 + ${byK ? i : 4 * i}u);`),
      step: states.map((i) => `  let ta${i} = mmStepA(sa${i}, ko);`),
      reads: byK ? states.map((r) => `    let a${r} = mmReadA4(ta${r}, ki);`)
        : states.flatMap((g) => range(4).map((j) => `    let a${g}_${j} = mmReadA4(ta${g}, ki + ${j}u);`)),
      value: byK ? (r, j) => `a${r}.${C[j]}` : (r, j) => `a${r >> 2}_${j}.${C[r & 3]}`,
    };
  }
  if (s.tiles.WGY !== 1 || s.tiles.WGX % SG !== 0 || TM % SG !== 0) {
    throw new Error(`gemm ${s.name}: subgroup tiles need WGY = 1 and WGX and TM multiples of SG = ${SG} (got ${tilesTag(s.tiles)})`);
  }
  // Each lane loads TM / SG vec4s of the block's A per k quad; subgroupBroadcast (row0 is workgroup-uniform, so
  // every lane of a subgroup shares the block) gives every lane all of them.
  const slots = range(TM / SG);
  const step = slots.map((i) => `  let ta${i} = mmStepA(sa${i}, ko);`);
  if (byK) {
    // Along k: lane l loads rows l, l + SG, ... (4 consecutive k each).
    return {
      setup: slots.map((i) => `let sa${i} = mmRowA(batch, row0 + sgLane + ${i * SG}u);`),
      step,
      reads: [...slots.map((i) => `    let m${i} = mmReadA4(ta${i}, ki);`),
        ...range(TM).map((r) => `    let a${r} = subgroupBroadcast(m${Math.floor(r / SG)}, ${r % SG}u);`)],
      value: (r, j) => `a${r}.${C[j]}`,
    };
  }
  // Along m: the block's TM / 4 row quads x 4 k make TM (quad, j) pairs; pair p = lane + SG i is quad p % Q at
  // k + p / Q, one vec4 of 4 rows.
  const Q = TM / 4;
  return {
    setup: slots.flatMap((i) => [`let pa${i} = sgLane + ${i * SG}u;`, `let sa${i} = mmRowA(batch, row0 + (pa${i} % ${Q}u) * 4u);`]),
    step,
    reads: [...slots.map((i) => `    let m${i} = mmReadA4(ta${i}, ki + pa${i} / ${Q}u);`), ...broadcastSlots(slots, SG)],
    value: (r, j) => `${pairAt((r >> 2) + Q * j, SG)}.${C[r & 3]}`,
  };
}

function bPart(s: GemmSpec<Bindings, Uniforms>): OperandPart {
  const { TN, SGB } = s.tiles;
  const G = TN / 4;
  const byN = s.bAlong === 'n';
  // Along k, one load gives 4 k of one column; these assemble columns 4g..4g+3 at k + j.
  const gather = (col: (c: number) => string) => (j: number, g: number): string => `vec4<f32>(${range(4).map((i) => `${col(4 * g + i)}.${C[j]}`).join(', ')})`;
  if (!SGB) {
    const states = byN ? range(G) : range(TN);
    return {
      setup: states.map((i) => `let sb${i} = mmColB(batch, col0 + ${byN ? 4 * i : i}u);`),
      step: states.map((i) => `  let tb${i} = mmStepB(sb${i}, ko);`),
      reads: byN ? states.flatMap((g) => range(4).map((j) => `    let b${g}_${j} = mmReadB4(tb${g}, ki + ${j}u);`))
        : states.map((c) => `    let b${c} = mmReadB4(tb${c}, ki);`),
      value: byN ? (j, g) => `b${g}_${j}` : gather((c) => `b${c}`),
    };
  }
  // The block's B per k quad is P vec4s (along n: G quads x 4 k; along k: TN columns); pair p = lane + SGB i.
  const P = byN ? 4 * G : TN;
  if (s.tiles.WGX !== 1 || s.tiles.WGY % SGB !== 0 || P % SGB !== 0 || s.tiles.SG) {
    throw new Error(`gemm ${s.name}: B-broadcast tiles need WGX = 1, WGY a multiple of SGB = ${SGB} and ${byN ? '4 TN / 4' : 'TN'} a multiple of it (got ${tilesTag(s.tiles)})`);
  }
  const slots = range(P / SGB);
  const bcast = broadcastSlots(slots, SGB);
  const step = slots.map((i) => `  let tb${i} = mmStepB(sb${i}, ko);`);
  if (byN) {
    // Pair p = quad p % G at k + p / G.
    return {
      setup: slots.flatMap((i) => [`let pb${i} = sgLane + ${i * SGB}u;`, `let sb${i} = mmColB(batch, col0 + (pb${i} % ${G}u) * 4u);`]),
      step,
      reads: [...slots.map((i) => `    let m${i} = mmReadB4(tb${i}, ki + pb${i} / ${G}u);`), ...bcast],
      value: (j, g) => pairAt(g + G * j, SGB),
    };
  }
  return {
    setup: slots.map((i) => `let sb${i} = mmColB(batch, col0 + sgLane + ${i * SGB}u);`),
    step,
    reads: [...slots.map((i) => `    let m${i} = mmReadB4(tb${i}, ki);`), ...bcast],
    value: gather((c) => pairAt(c, SGB)),
  };
}

/** The register-blocked main loop: each invocation streams its own rows of A and columns of B, or with SG / SGB a share. */
function registerMainLoop(s: GemmSpec<Bindings, Uniforms>): string[] {
  const { TM, TN } = s.tiles;
  const G = TN / 4;
  const lines: string[] = [];
  const L = (x: string): void => void lines.push(x);
  const a = aPart(s), b = bPart(s);
  lines.push(...a.setup, ...b.setup);
  for (const r of range(TM)) for (const g of range(G)) L(`var c${r}_${g} = vec4<f32>(0.0);`);
  L(`for (var ko = koBegin; ko < koEnd; ko++) {`);
  lines.push(...a.step, ...b.step);
  L(`  for (var ki = 0u; ki < u.mmKI; ki += 4u) {`);
  lines.push(...a.reads, ...b.reads);
  for (const j of range(4)) for (const r of range(TM)) for (const g of range(G)) L(`    c${r}_${g} += ${a.value(r, j)} * ${b.value(j, g)};`);
  L(`  }`);
  L(`}`);
  return lines;
}

export interface GemmShape {
  M: number;
  N: number;
  KO: number;
  KI: number;
  /** Batches, or split-K slices (then ko is split into slices of koChunk). */
  Z: number;
  koChunk?: number;
}

/** The core's uniforms and the workgroup grid for a GEMM of the given shape. */
export function gemmLaunch(t: GemmTiles, g: GemmShape, maxGroups = 65535): {
  uniforms: Record<keyof typeof CORE_UNIFORMS, number>;
  groups: [number, number, number];
} {
  const gx = Math.ceil(Math.ceil(g.N / t.TN) / t.WGX);
  const rowBlocks = Math.ceil(Math.ceil(g.M / t.TM) / t.WGY);
  if (gx > maxGroups) throw new Error(`gemm: N = ${g.N} needs ${gx} workgroups along x, over the device's ${maxGroups}`);
  const zFold = Math.ceil(rowBlocks / maxGroups);
  const gy = Math.ceil(rowBlocks / zFold);
  if (g.Z * zFold > maxGroups) throw new Error(`gemm: ${g.Z} batches of M = ${g.M} rows need more than ${maxGroups} workgroups along z`);
  return {
    uniforms: { mmM: g.M, mmN: g.N, mmKO: g.KO, mmKI: g.KI, koChunk: g.koChunk ?? g.KO, zFold },
    groups: [gx, gy, g.Z * zFold],
  };
}
