// Bundles the library, the command-line entry and the bench runner to dist/ with esbuild.
// `webgpu` (a native addon) and other runtime dependencies stay external.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};

const entries = { index: 'src/index.ts', cli: 'src/cli/index.ts', bench: 'bench/main.ts', 'bench-compare': 'bench/compare/main.ts' };
await build({ ...common, entryPoints: Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(f))), outdir: 'dist' });
