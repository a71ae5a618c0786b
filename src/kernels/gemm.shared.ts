// The workgroup-memory main loop of the GEMM (what hardware GPUs want; gemm.ts's register-blocked loop is what
// lavapipe wants). Per reduction chunk of BK, the workgroup's invocations load its BM x BK slice of A and BK x BN
// slice of B into workgroup memory through the same mm* loaders, wait at a barrier, and each invocation then
// accumulates its TM x TN block from the shared tiles, so every operand element is read from memory once per
// workgroup instead of once per invocation. Chosen by tiles.BK (gemm.ts); the prologue and epilogue are gemm.ts's.

import type { GemmSpec } from './gemm.js';
import type { Bindings, Uniforms } from './kernel.js';

const range = (n: number): number[] => [...Array(n).keys()];
const C = ['x', 'y', 'z', 'w'];

/** Workgroup-memory bytes the tiles need: (BM + BN) x BK floats. */
export function sharedTileBytes(t: { TM: number; TN: number; WGX: number; WGY: number; BK?: number }): number {
  return (t.WGY * t.TM + t.WGX * t.TN) * (t.BK ?? 0) * 4;
}

/**
 * The declarations and main-loop lines. In scope from the prologue: batch, row0, col0, koBegin, koEnd, lid, wid,
 * lidx; declares and accumulates the c{r}_{g} vec4 accumulators the epilogue stores.
 */
export function sharedMainLoop(s: GemmSpec<Bindings, Uniforms>): { decls: string; lines: string[] } {
  const { TM, TN, WGX, WGY } = s.tiles;
  const BK = s.tiles.BK!;
  if (BK % 4 !== 0) throw new Error(`gemm ${s.name}: BK must be a multiple of 4 (got ${BK})`);
  const T = WGX * WGY, BM = WGY * TM, BN = WGX * TN, G = TN / 4;
  const lines: string[] = [];
  const L = (x: string): void => void lines.push(x);
  // Each operand tile is BM*BK/4 (A) and BK*BN/4 (B) vec4 loads, spread over the T invocations in slots.
  const nA = (BM * BK) / 4, nB = (BK * BN) / 4;
  const slotsA = range(Math.ceil(nA / T)), slotsB = range(Math.ceil(nB / T));
  L(`let wgRow0 = row0 - lid.y * ${TM}u;`);
  L(`let wgCol0 = wid.x * ${BN}u;`);
  for (const i of slotsA) {
    L(`let ia${i} = lidx + ${i * T}u;`);
    if (s.aAlong === 'k') {
      // Slot -> (tile row r, k quad q); the tile is stored k-major: tileA[k * BM + r].
      L(`let ra${i} = min(ia${i} / ${BK / 4}u, ${BM - 1}u);`);
      L(`let qa${i} = (ia${i} % ${BK / 4}u) * 4u;`);
      L(`let sa${i} = mmRowA(batch, wgRow0 + ra${i});`);
    } else {
      // Slot -> (row quad g, k): the loader returns rows 4g..4g+3 at one k.
      L(`let ra${i} = (ia${i} % ${BM / 4}u) * 4u;`);
      L(`let qa${i} = min(ia${i} / ${BM / 4}u, ${BK - 1}u);`);
      L(`let sa${i} = mmRowA(batch, wgRow0 + ra${i});`);
    }
  }
  for (const i of slotsB) {
    L(`let ib${i} = lidx + ${i * T}u;`);
    if (s.bAlong === 'n') {
      L(`let cb${i} = (ib${i} % ${BN / 4}u) * 4u;`);
      L(`let qb${i} = min(ib${i} / ${BN / 4}u, ${BK - 1}u);`);
    } else {
      L(`let cb${i} = ib${i} % ${BN}u;`);
      L(`let qb${i} = min(ib${i} / ${BN}u, ${BK / 4 - 1}u) * 4u;`);
    }
    L(`let sb${i} = mmColB(batch, wgCol0 + cb${i});`);
  }
  for (const r of range(TM)) for (const g of range(G)) L(`var c${r}_${g} = vec4<f32>(0.0);`);
  const guard = (n: number, idx: string, slot: number): string => ((slot + 1) * T > n ? `if (${idx} < ${n}u) ` : '');
  L(`for (var ko = koBegin; ko < koEnd; ko++) {`);
  for (const i of slotsA) L(`  let ta${i} = mmStepA(sa${i}, ko);`);
  for (const i of slotsB) L(`  let tb${i} = mmStepB(sb${i}, ko);`);
  L(`  for (var kc = 0u; kc < u.mmKI; kc += ${BK}u) {`);
  for (const i of slotsA) {
    // Guarded here: the register loop never asks for ki >= KI, so not every loader returns 0 there.
    L(`    var va${i} = vec4<f32>(0.0);`);
    L(`    if (kc + qa${i} < u.mmKI) { va${i} = mmReadA4(ta${i}, kc + qa${i}); }`);
    const at = (j: number): string => (s.aAlong === 'k' ? `(qa${i} + ${j}u) * ${BM}u + ra${i}` : `qa${i} * ${BM}u + ra${i} + ${j}u`);
    L(`    ${guard(nA, `ia${i}`, i)}{ ${range(4).map((j) => `tileA[${at(j)}] = va${i}.${C[j]};`).join(' ')} }`);
  }
  for (const i of slotsB) {
    L(`    var vb${i} = vec4<f32>(0.0);`);
    L(`    if (kc + qb${i} < u.mmKI) { vb${i} = mmReadB4(tb${i}, kc + qb${i}); }`);
    const at = (j: number): string => (s.bAlong === 'n' ? `qb${i} * ${BN}u + cb${i} + ${j}u` : `(qb${i} + ${j}u) * ${BN}u + cb${i}`);
    L(`    ${guard(nB, `ib${i}`, i)}{ ${range(4).map((j) => `tileB[${at(j)}] = vb${i}.${C[j]};`).join(' ')} }`);
  }
  L(`    workgroupBarrier();`);
  L(`    for (var kk = 0u; kk < ${BK}u; kk++) {`);
  L(`      let ar = kk * ${BM}u + lid.y * ${TM}u;`);
  L(`      let bc = kk * ${BN}u + lid.x * ${TN}u;`);
  for (const r of range(TM)) L(`      let a${r} = tileA[ar + ${r}u];`);
  for (const g of range(G)) L(`      let b${g} = vec4<f32>(${range(4).map((j) => `tileB[bc + ${4 * g + j}u]`).join(', ')});`);
  for (const r of range(TM)) for (const g of range(G)) L(`      c${r}_${g} += a${r} * b${g};`);
  L(`    }`);
  L(`    workgroupBarrier();`);
  L(`  }`);
  L(`}`);
  const decls = `var<workgroup> tileA: array<f32, ${BM * BK}>;\nvar<workgroup> tileB: array<f32, ${BK * BN}>;`;
  return { decls, lines };
}
