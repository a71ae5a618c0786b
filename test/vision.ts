// Helpers shared by the vision kernel tests: a leak guard and a forward + backward runner on one device.
import { expect } from 'vitest';
import * as nn from '../src/index.js';
import { randomData } from './helpers.js';

/** Runs `body` and asserts it left no live tensors behind. */
export async function leakFree(body: () => Promise<void>): Promise<void> {
  const before = nn.liveTensors();
  await body();
  expect(nn.liveTensors(), 'live tensors after the test body').toBe(before);
}

/** y = fn(x) and dL/dx for L = sum(y * r), r seeded normal; everything made here is freed. */
export async function forwardBackward(
  fn: (x: nn.Tensor) => nn.Tensor, data: ArrayLike<number>, shape: readonly number[], device: nn.DeviceKind, seed = 7,
): Promise<{ y: number[]; dx: number[]; shape: readonly number[] }> {
  const x = nn.tensor(Array.from(data), shape, { dtype: 'f32', device });
  x.requiresGrad = true;
  const y = nn.scope(() => {
    const out = fn(x);
    const dy = nn.tensor(randomData(out.size, seed), out.shape, { dtype: 'f32', device });
    nn.backward(out, { dy });
    return out;
  });
  const res = { y: await y.toArray(), dx: await x.grad!.toArray(), shape: y.shape };
  y.dispose();
  x.dispose();
  return res;
}
