import { defineConfig } from 'vitest/config';

// One worker, no isolation: every test file shares one WebGPU device and one pipeline cache, because on a
// software adapter each pipeline costs an LLVM compile and two cores gain nothing from parallel files.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    reporters: ['default'],
  },
});
