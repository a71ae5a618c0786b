// The cost of one dispatch batched in a shared encoder vs submitted alone, and a readback round trip.
import { add, flush, scope, tensor, zeros, type Tensor } from '../src/index.js';
import { measure, report, selected } from './harness.js';

export async function run(): Promise<void> {
  const x = zeros([64]);
  const N = 200;
  const chain = (flushEach: boolean): void => {
    scope(() => {
      let y: Tensor = x;
      for (let i = 0; i < N; i++) {
        y = add(y, 1);
        if (flushEach) flush();
      }
    });
  };
  if (selected('dispatch/batched')) {
    const t = await measure('dispatch/batched', () => chain(false));
    report({ name: 'dispatch/batched', value: (t.meanMs * 1000) / N, unit: 'us', rme: t.rme });
  }
  if (selected('dispatch/alone')) {
    const t = await measure('dispatch/alone', () => chain(true));
    report({ name: 'dispatch/alone', value: (t.meanMs * 1000) / N, unit: 'us', rme: t.rme });
  }
  for (const bytes of [4, 4096, 1 << 20]) {
    const name = `readback/${bytes}B`;
    if (!selected(name)) continue;
    const t0 = tensor(new Float32Array(Math.max(1, bytes / 4)));
    const t = await measure(name, () => t0.data());
    report({ name, value: t.meanMs, unit: 'ms', rme: t.rme });
    t0.dispose();
  }
  x.dispose();
}
