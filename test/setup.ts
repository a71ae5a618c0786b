// Opens the shared WebGPU device once for the whole run (vitest runs every file in one worker) and closes it at
// exit. Under CI a missing adapter fails the run; elsewhere suites that need the GPU skip on `gpuError`.
import { close, init } from '../src/index.js';

// Tile choices stay the adapter's defaults in tests (and CLI children), whatever a local tuning cache holds;
// test/kernels/gemm-variants.test.ts turns autotune on for its own tests.
process.env.WEBGPU_NN_AUTOTUNE ??= 'off';

/** Why the device did not open, or null when it did. */
export let gpuError: string | null = null;
try {
  await init();
} catch (err) {
  gpuError = (err as Error).message;
  if (process.env.CI) throw err;
  console.warn(`WebGPU suites skip: ${gpuError}`);
}

process.on('exit', () => close());
