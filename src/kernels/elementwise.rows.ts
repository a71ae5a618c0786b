// The elementwise table: one row per op with its WGSL expression, its Float64 CPU twin and its derivative (WGSL
// and CPU), from which elementwise.ts builds the forward kernel, the backward kernel and the op. Unary rows read
// `a`; binary rows read `a` and `b`; derivatives also read `dy` and `y` (the forward value, recomputed).

export interface UnaryRow {
  wgsl: string;
  cpu: (a: number) => number;
  /** dx in terms of a, y and dy; null for ops with no useful gradient (sign, step). */
  grad: string | null;
  cpuGrad: ((a: number, y: number, dy: number) => number) | null;
}

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

// NOTE: WGSL leaves max/min with a NaN operand undefined, so relu-like rows use select() in an order that
// lets NaN through (NaN < 0 is false).
export const unaryOps = {
  neg: { wgsl: '-a', cpu: (a) => -a, grad: '-dy', cpuGrad: (_a, _y, dy) => -dy },
  abs: { wgsl: 'abs(a)', cpu: Math.abs, grad: 'select(dy, -dy, a < 0.0)', cpuGrad: (a, _y, dy) => (a < 0 ? -dy : dy) },
  square: { wgsl: 'a * a', cpu: (a) => a * a, grad: '2.0 * a * dy', cpuGrad: (a, _y, dy) => 2 * a * dy },
  sqrt: { wgsl: 'sqrt(a)', cpu: Math.sqrt, grad: 'dy * 0.5 / y', cpuGrad: (_a, y, dy) => (dy * 0.5) / y },
  rsqrt: { wgsl: 'inverseSqrt(a)', cpu: (a) => 1 / Math.sqrt(a), grad: '-0.5 * dy * y / a', cpuGrad: (a, y, dy) => (-0.5 * dy * y) / a },
  exp: { wgsl: 'exp(a)', cpu: Math.exp, grad: 'dy * y', cpuGrad: (_a, y, dy) => dy * y },
  log: { wgsl: 'log(a)', cpu: Math.log, grad: 'dy / a', cpuGrad: (a, _y, dy) => dy / a },
  reciprocal: { wgsl: '1.0 / a', cpu: (a) => 1 / a, grad: '-dy * y * y', cpuGrad: (_a, y, dy) => -dy * y * y },
  relu: { wgsl: 'select(a, 0.0, a < 0.0)', cpu: (a) => (a < 0 ? 0 : a), grad: 'select(0.0, dy, a > 0.0)', cpuGrad: (a, _y, dy) => (a > 0 ? dy : 0) },
  relu6: {
    wgsl: 'select(select(a, 6.0, a > 6.0), 0.0, a < 0.0)', cpu: (a) => (a < 0 ? 0 : a > 6 ? 6 : a),
    grad: 'select(0.0, dy, a > 0.0 && a < 6.0)', cpuGrad: (a, _y, dy) => (a > 0 && a < 6 ? dy : 0),
  },
  sigmoid: {
    // Written as two branches so neither exp() overflows for large |a|.
    wgsl: 'select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)', cpu: sigmoid,
    grad: 'dy * y * (1.0 - y)', cpuGrad: (_a, y, dy) => dy * y * (1 - y),
  },
  tanh: {
    // tanh() of large |a| is NaN on some drivers (exp overflow), so it is clamped where it is already ±1 in f32.
    wgsl: 'tanh(clamp(a, -15.0, 15.0))', cpu: Math.tanh, grad: 'dy * (1.0 - y * y)', cpuGrad: (_a, y, dy) => dy * (1 - y * y),
  },
  softplus: {
    wgsl: 'max(a, 0.0) + log(1.0 + exp(-abs(a)))', cpu: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    grad: 'dy * select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)', cpuGrad: (a, _y, dy) => dy * sigmoid(a),
  },
  elu: {
    wgsl: 'select(a, exp(a) - 1.0, a < 0.0)', cpu: (a) => (a < 0 ? Math.expm1(a) : a),
    grad: 'select(dy, dy * (y + 1.0), a < 0.0)', cpuGrad: (a, y, dy) => (a < 0 ? dy * (y + 1) : dy),
  },
  sin: { wgsl: 'sin(a)', cpu: Math.sin, grad: 'dy * cos(a)', cpuGrad: (a, _y, dy) => dy * Math.cos(a) },
  cos: { wgsl: 'cos(a)', cpu: Math.cos, grad: '-dy * sin(a)', cpuGrad: (a, _y, dy) => -dy * Math.sin(a) },
  sign: { wgsl: 'sign(a)', cpu: Math.sign, grad: null, cpuGrad: null },
  floor: { wgsl: 'floor(a)', cpu: Math.floor, grad: null, cpuGrad: null },
  round: { wgsl: 'round(a)', cpu: roundHalfEven, grad: null, cpuGrad: null },
  isNaN: { wgsl: 'select(0.0, 1.0, isNan(a))', cpu: (a) => (Number.isNaN(a) ? 1 : 0), grad: null, cpuGrad: null },
  isFinite: {
    // NOTE: written on the bit pattern: a compiler that assumes finite floats may fold isinf/isnan tests away.
    wgsl: 'select(0.0, 1.0, (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u)', cpu: (a) => (Number.isFinite(a) ? 1 : 0), grad: null, cpuGrad: null,
  },
} satisfies Record<string, UnaryRow>;

export type UnaryOpName = keyof typeof unaryOps;

/** WGSL round() is round-half-to-even; the CPU twin matches it. */
function roundHalfEven(a: number): number {
  const r = Math.round(a);
  return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type BinaryGradFn = (a: number, b: number, y: number, dy: number) => number;

export interface BinaryRow {
  wgsl: string;
  cpu: (a: number, b: number) => number;
  /** WGSL functions the expressions call. */
  helpers?: string;
  /**
   * da and db in terms of a, b, y (the forward value, recomputed rather than saved) and dy, shaped like the
   * broadcast output (the tape sums them down to each input); null for comparisons. 'dy' passes dy through and
   * '-dy' negates it, neither reading the operands.
   */
  grad: { a: string; b: string } | null;
  cpuGrad: { a: BinaryGradFn; b: BinaryGradFn } | null;
}

// pow: WGSL pow() is undefined for a <= 0, so zero and negative bases are spelled out: a negative base takes
// |a|^b with the sign of an odd integer exponent, and NaN for a fractional one (as Math.pow).
const POW_HELPER = /* wgsl */ `
fn powSigned(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a > 0.0) { return pow(a, b); }
  if (a == 0.0) { return select(0.0, posInf(), b < 0.0); }
  if (fract(b) != 0.0) { return nanF32(); }
  let m = pow(-a, b);
  return select(m, -m, fract(b * 0.5) != 0.0);
}`;

const pass: BinaryGradFn = (_a, _b, _y, dy) => dy;
const negate: BinaryGradFn = (_a, _b, _y, dy) => -dy;
const NO_GRAD = { grad: null, cpuGrad: null };

// Ties in maximum/minimum send the gradient to `a`. pow's d/da is 0 where b = 0 (a^(b-1) * b would be inf * 0 at
// a = 0) and, as TF, its d/db is 0 where a <= 0 (log a is undefined there) instead of NaN.
export const binaryOps = {
  add: { wgsl: 'a + b', cpu: (a, b) => a + b, grad: { a: 'dy', b: 'dy' }, cpuGrad: { a: pass, b: pass } },
  sub: { wgsl: 'a - b', cpu: (a, b) => a - b, grad: { a: 'dy', b: '-dy' }, cpuGrad: { a: pass, b: negate } },
  mul: {
    wgsl: 'a * b', cpu: (a, b) => a * b,
    grad: { a: 'dy * b', b: 'dy * a' }, cpuGrad: { a: (_a, b, _y, dy) => dy * b, b: (a, _b, _y, dy) => dy * a },
  },
  div: {
    wgsl: 'a / b', cpu: (a, b) => a / b,
    grad: { a: 'dy / b', b: '-(dy * (a / b / b))' }, cpuGrad: { a: (_a, b, _y, dy) => dy / b, b: (a, b, _y, dy) => -(dy * (a / b / b)) },
  },
  pow: {
    wgsl: 'powSigned(a, b)', cpu: (a, b) => Math.pow(a, b), helpers: POW_HELPER,
    grad: { a: 'select(dy * (powSigned(a, b - 1.0) * b), 0.0, b == 0.0)', b: 'dy * (y * select(0.0, log(a), a > 0.0))' },
    cpuGrad: {
      a: (a, b, _y, dy) => (b === 0 ? 0 : dy * (Math.pow(a, b - 1) * b)),
      b: (a, _b, y, dy) => dy * (y * (a > 0 ? Math.log(a) : 0)),
    },
  },
  maximum: {
    wgsl: 'select(select(a, b, b > a), a + b, isNan(a) || isNan(b))', cpu: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
    grad: { a: 'dy * select(0.0, 1.0, a >= b)', b: 'dy * select(0.0, 1.0, a < b)' },
    cpuGrad: { a: (a, b, _y, dy) => dy * (a >= b ? 1 : 0), b: (a, b, _y, dy) => dy * (a < b ? 1 : 0) },
  },
  minimum: {
    wgsl: 'select(select(a, b, b < a), a + b, isNan(a) || isNan(b))', cpu: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
    grad: { a: 'dy * select(0.0, 1.0, a <= b)', b: 'dy * select(0.0, 1.0, a > b)' },
    cpuGrad: { a: (a, b, _y, dy) => dy * (a <= b ? 1 : 0), b: (a, b, _y, dy) => dy * (a > b ? 1 : 0) },
  },
  equal: { wgsl: 'select(0.0, 1.0, a == b)', cpu: (a, b) => (a === b ? 1 : 0), ...NO_GRAD },
  notEqual: { wgsl: 'select(0.0, 1.0, a != b)', cpu: (a, b) => (a !== b ? 1 : 0), ...NO_GRAD },
  less: { wgsl: 'select(0.0, 1.0, a < b)', cpu: (a, b) => (a < b ? 1 : 0), ...NO_GRAD },
  lessEqual: { wgsl: 'select(0.0, 1.0, a <= b)', cpu: (a, b) => (a <= b ? 1 : 0), ...NO_GRAD },
  greater: { wgsl: 'select(0.0, 1.0, a > b)', cpu: (a, b) => (a > b ? 1 : 0), ...NO_GRAD },
  greaterEqual: { wgsl: 'select(0.0, 1.0, a >= b)', cpu: (a, b) => (a >= b ? 1 : 0), ...NO_GRAD },
} satisfies Record<string, BinaryRow>;

export type BinaryOpName = keyof typeof binaryOps;
