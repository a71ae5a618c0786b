// WGSL loaders (gemm.ts contract) for operands stored as plain row-major matrices: matmul's A and B, and the filter
// and dy operands of the convolutions, which are row-major matrices once (ko, ki) is flattened. Vec4 loads when the
// contiguous dimension is a multiple of 4 (bound as array<vec4<f32>>), scalar loads otherwise.
//
// Scalar paths guard k with uniform branches; measured on lavapipe, they beat branch-free clamp + select.

/** WGSL: GEMM row `row` (clamped to the last row) as (image, y, x) of a [*, height, width] pixel grid (conv loaders). */
export const PIXEL_OF_ROW = /* wgsl */ `
fn mmPixel(row: u32, height: u32, width: u32) -> vec3<u32> {
  let r = min(row, u.mmM - 1u);
  let t = r / width;
  return vec3<u32>(t / height, t % height, r % width);
}`;

const clamped4 = (base: string, first: string, last: string): string =>
  `vec4<u32>(${[0, 1, 2, 3].map((i) => `${base} + min(${first} + ${i}u, ${last})`).join(', ')})`;

/** fn name(s: u32, ki) -> 4 consecutive k of an unaligned row; the unchecked path serves every step but the last. */
export const scalarReadK4 = (name: string, arr: string): string => `fn ${name}(s: u32, ki: u32) -> vec4<f32> {
  if (ki + 4u <= u.mmKI) { return vec4<f32>(${arr}[s + ki], ${arr}[s + ki + 1u], ${arr}[s + ki + 2u], ${arr}[s + ki + 3u]); }
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) { if (ki + i < u.mmKI) { v[i] = ${arr}[s + ki + i]; } }
  return v;
}`;

/** fn name(s: vec4<u32>, k) -> 4 unaligned rows (or columns) at one k; the state holds their 4 clamped offsets. */
const scalarRead4 = (name: string, arr: string, stride: string, alignK: boolean): string => `fn ${name}(s: vec4<u32>, k: u32) -> vec4<f32> {
  ${alignK ? '' : 'if (k >= u.mmKI) { return vec4<f32>(0.0); }\n  '}let o = k * ${stride};
  return vec4<f32>(${arr}[s.x + o], ${arr}[s.y + o], ${arr}[s.z + o], ${arr}[s.w + o]);
}`;

/** fn name(s: u32, k) -> 4 aligned rows (or columns) at one k. */
const vecRead4 = (name: string, arr: string, stride: string, alignK: boolean): string => `fn ${name}(s: u32, k: u32) -> vec4<f32> {
  ${alignK ? '' : 'if (k >= u.mmKI) { return vec4<f32>(0.0); }\n  '}return ${arr}[(s + k * ${stride}) / 4u];
}`;

export interface Loader {
  wgsl: string;
  /** Whether the binding is array<vec4<f32>>. */
  vec: boolean;
}

/**
 * A of a plain matmul (KO = 1): [M, KI] row-major, or [KI, M] when `alongM` (transposeA). `base` is a WGSL
 * expression in `batch` for the element offset of the batch's matrix.
 */
export function rowMajorA(o: { arr: string; alongM: boolean; alignM: boolean; alignK: boolean; base: string }): Loader {
  const { arr, base } = o;
  if (!o.alongM) {
    const vec = o.alignK;
    return {
      vec,
      wgsl: `fn mmRowA(batch: u32, row: u32) -> u32 { return ${base} + min(row, u.mmM - 1u) * u.mmKI; }
fn mmStepA(s: u32, ko: u32) -> u32 { return s; }
${vec ? `fn mmReadA4(s: u32, ki: u32) -> vec4<f32> { return ${arr}[(s + ki) / 4u]; }` : scalarReadK4('mmReadA4', arr)}`,
    };
  }
  if (o.alignM) {
    return {
      vec: true,
      wgsl: `fn mmRowA(batch: u32, row: u32) -> u32 { return ${base} + min(row, u.mmM - 4u); }
fn mmStepA(s: u32, ko: u32) -> u32 { return s; }
${vecRead4('mmReadA4', arr, 'u.mmM', o.alignK)}`,
    };
  }
  return {
    vec: false,
    wgsl: `fn mmRowA(batch: u32, row: u32) -> vec4<u32> { return ${clamped4(base, 'row', 'u.mmM - 1u')}; }
fn mmStepA(s: vec4<u32>, ko: u32) -> vec4<u32> { return s; }
${scalarRead4('mmReadA4', arr, 'u.mmM', o.alignK)}`,
  };
}

/**
 * B stored row-major as [KO, KI, N] (B[(ko, ki), col]), or [KO, N, KI] when `alongK` (transposeB; contiguous along
 * k). Plain matmul has KO = 1; conv filters [KH, KW, C, K] are [KO = KH*KW, KI = C, N = K] as they lie in memory.
 */
export function rowMajorB(o: { arr: string; alongK: boolean; alignN: boolean; alignK: boolean; base: string }): Loader {
  const { arr, base } = o;
  if (o.alongK) {
    const vec = o.alignK;
    return {
      vec,
      wgsl: `fn mmColB(batch: u32, col: u32) -> u32 { return ${base} + min(col, u.mmN - 1u) * u.mmKI; }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + ko * u.mmN * u.mmKI; }
${vec ? `fn mmReadB4(s: u32, ki: u32) -> vec4<f32> { return ${arr}[(s + ki) / 4u]; }` : scalarReadK4('mmReadB4', arr)}`,
    };
  }
  if (o.alignN) {
    return {
      vec: true,
      wgsl: `fn mmColB(batch: u32, col: u32) -> u32 { return ${base} + min(col, u.mmN - 4u); }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + ko * u.mmKI * u.mmN; }
${vecRead4('mmReadB4', arr, 'u.mmN', o.alignK)}`,
    };
  }
  return {
    vec: false,
    wgsl: `fn mmColB(batch: u32, col: u32) -> vec4<u32> { return ${clamped4(base, 'col', 'u.mmN - 1u')}; }
fn mmStepB(s: vec4<u32>, ko: u32) -> vec4<u32> { return s + vec4<u32>(ko * u.mmKI * u.mmN); }
${scalarRead4('mmReadB4', arr, 'u.mmN', o.alignK)}`,
  };
}
