// Every op in the registry: analytic gradients vs central finite differences on the Float64 CPU device, then the
// GPU backward against the CPU backward at the same point.
import { describe, expect, it } from 'vitest';
import { rand01, randNormal, rngKey } from '../../src/kernels/random.js';
import * as nn from '../../src/index.js';
import { gradCases, type GradCase, type InputSpec } from '../cases.js';
import { expectClose } from '../helpers.js';

function values(spec: InputSpec, seed: number): number[] {
  if (spec.values) return spec.values;
  const [lo, hi] = spec.range ?? [-2, 2];
  const key = rngKey(seed);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => (spec.dtype === 'i32' ? Math.floor(lo + (hi - lo) * rand01(key, i)) : lo + (hi - lo) * rand01(key, i)));
}

function make(c: GradCase, device: nn.DeviceKind): nn.Tensor[] {
  return c.inputs.map((s, i) => nn.tensor(values(s, 17 + 31 * i), s.shape, { dtype: s.dtype ?? 'f32', device }));
}

/** Gradients of sum(call(...) * r) for r a fixed random tensor, on one device. */
async function grads(c: GradCase, device: nn.DeviceKind): Promise<Array<number[] | null>> {
  const inputs = make(c, device);
  inputs.forEach((t, i) => (t.requiresGrad = !c.inputs[i]!.constant && t.dtype === 'f32'));
  nn.scope(() => {
    const y = c.call(...inputs);
    const key = rngKey(99);
    const r = nn.tensor(Array.from({ length: y.size }, (_, j) => randNormal(key, j)), y.shape, { dtype: 'f32', device });
    nn.backward(nn.sum(nn.mul(y, r)));
  });
  const out = await Promise.all(inputs.map(async (t) => (t.grad ? Array.from(await t.grad.data()) : null)));
  for (const t of inputs) t.dispose();
  return out;
}

describe('gradcheck over the op registry', () => {
  for (const [name, cases] of Object.entries(gradCases)) {
    const op = nn.registry[name as nn.OpName];
    if (cases === 'not differentiable') {
      it(`${name} is declared non-differentiable`, () => expect(op.backward).toBe('none'));
      continue;
    }
    for (const c of cases) {
      it(`${c.label}: finite differences on cpu, then gpu vs cpu`, async () => {
        const before = nn.liveTensors();
        const inputs = make(c, 'cpu');
        const res = nn.gradcheck(c.call, inputs, { wrt: c.inputs.flatMap((s, i) => (s.constant ? [] : [i])) });
        inputs.forEach((t) => t.dispose());
        expect(res.ok, `worst ${JSON.stringify(res.worst)}`).toBe(true);
        const [g, cpu] = [await grads(c, 'webgpu'), await grads(c, 'cpu')];
        g.forEach((gi, i) => {
          expect(gi === null).toBe(cpu[i] === null);
          if (gi && cpu[i]) expectClose(gi, cpu[i]!, c.gpuTol?.atol ?? 1e-5, c.gpuTol?.rtol ?? 1e-4, `${c.label} input ${i}`);
        });
        expect(nn.liveTensors()).toBe(before);
      });
    }
  }

  it('every registered op has a case', () => {
    expect(Object.keys(nn.registry).sort()).toEqual(Object.keys(gradCases).sort());
  });
});
