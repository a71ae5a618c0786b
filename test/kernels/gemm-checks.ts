// Shared GPU-vs-CPU-twin checks for the GEMM kernels (matmul, conv2d forward / gradInput / gradFilter), used by
// their own tests and by the tile-variant test that runs them under every pinned variant.
import { expect } from 'vitest';
import { conv2d, conv2dGradFilter, conv2dGradInput, type ConvOptions } from '../../src/kernels/conv2d.js';
import { matmul, type MatmulOptions } from '../../src/kernels/matmul.js';
import * as nn from '../../src/index.js';
import { expectClose, pair, randomData } from '../helpers.js';

/** f32 accumulation error grows with the reduction length K. */
export const mmTol = (K: number): [number, number] => [1e-5 + 2e-6 * K, 1e-4];

export interface MatmulCase {
  a: number[];
  b: number[];
  o?: MatmulOptions & { biasN?: number };
}

export async function checkMatmul({ a: sa, b: sb, o = {} }: MatmulCase, seed = 1): Promise<void> {
  const before = nn.liveTensors();
  const n = (s: number[]): number => s.reduce((x, y) => x * y, 1);
  const a = pair(randomData(n(sa), seed), sa), b = pair(randomData(n(sb), seed + 1), sb);
  const bias = o.biasN !== undefined ? pair(randomData(o.biasN, seed + 2), [o.biasN]) : null;
  const g = matmul(a.gpu, b.gpu, { ...o, bias: bias?.gpu });
  const c = matmul(a.cpu, b.cpu, { ...o, bias: bias?.cpu, tiles: undefined });
  expect(g.shape).toEqual(c.shape);
  const K = o.transposeA ? sa[sa.length - 2]! : sa[sa.length - 1]!;
  expectClose(await g.data(), await c.data(), ...mmTol(K), `matmul ${JSON.stringify(sa)} x ${JSON.stringify(sb)} ${JSON.stringify({ ...o, tiles: o.tiles })}`);
  for (const t of [a.gpu, a.cpu, b.gpu, b.cpu, bias?.gpu, bias?.cpu, g, c]) t?.dispose();
  expect(nn.liveTensors()).toBe(before);
}

/** Stored shapes of [M, K] x [K, N] under the transpose flags. */
export const shapes = (M: number, K: number, N: number, tA: boolean, tB: boolean): MatmulCase => ({
  a: tA ? [K, M] : [M, K], b: tB ? [N, K] : [K, N], o: { transposeA: tA, transposeB: tB },
});

export const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
/** f32 accumulation error grows with the reduction length. */
export const tol = (R: number): [number, number] => [1e-5 + 2e-6 * R, 1e-4];

export interface ConvCase {
  x: number[];
  w: number[];
  o?: ConvOptions;
}

/** Forward, gradInput and gradFilter on the GPU against the CPU twin, at the same seeded inputs. */
export async function checkConv({ x: xs, w: ws, o = {} }: ConvCase, withBias = false): Promise<void> {
  const before = nn.liveTensors();
  const x = pair(randomData(size(xs), 1), xs), w = pair(randomData(size(ws), 2), ws);
  const bias = withBias ? pair(randomData(ws[3]!, 3), [ws[3]!]) : null;
  const yg = conv2d(x.gpu, w.gpu, bias?.gpu, o), yc = conv2d(x.cpu, w.cpu, bias?.cpu, o);
  const what = `${JSON.stringify(xs)} * ${JSON.stringify(ws)} ${JSON.stringify(o)}`;
  expect(yg.shape, what).toEqual(yc.shape);
  expectClose(await yg.data(), await yc.data(), ...tol(ws[0]! * ws[1]! * ws[2]!), `forward ${what}`);
  const dy = pair(randomData(yc.size, 4), yc.shape);
  const dxg = conv2dGradInput(dy.gpu, w.gpu, xs, o), dxc = conv2dGradInput(dy.cpu, w.cpu, xs, o);
  expectClose(await dxg.data(), await dxc.data(), ...tol(ws[0]! * ws[1]! * ws[3]!), `gradInput ${what}`);
  const dwg = conv2dGradFilter(x.gpu, dy.gpu, ws, o), dwc = conv2dGradFilter(x.cpu, dy.cpu, ws, o);
  expectClose(await dwg.data(), await dwc.data(), ...tol(yc.size / ws[3]!), `gradFilter ${what}`);
  for (const t of [x.gpu, x.cpu, w.gpu, w.cpu, bias?.gpu, bias?.cpu, yg, yc, dy.gpu, dy.cpu, dxg, dxc, dwg, dwc]) t?.dispose();
  expect(nn.liveTensors()).toBe(before);
}

