// Opens the shared WebGPU device once for the whole run (vitest runs every file in one worker). Under CI a
// missing adapter fails the run; elsewhere GPU suites skip with the reason printed.
import { afterAll } from 'vitest';
import { close, init } from '../src/index.js';

export let gpuError: string | null = null;
try {
  await init();
} catch (err) {
  gpuError = (err as Error).message;
  if (process.env.CI) throw err;
  console.warn(`WebGPU suites skip: ${gpuError}`);
}

afterAll(() => {
  // The device is shared by all files in this worker; closing it here would break the files after this one.
});

process.on('exit', () => close());
