// `webgpu-nn bench [-- --json] [-- --filter RE]`: runs the Benchmark.js suites (dist/bench.js, built by
// `npm run bench` / `npm run build` from a source checkout; benchmark.js is a development dependency).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('bench').description('run the benchmark suites (needs a source checkout: npm run build)')
    .argument('[args...]', 'passed to the bench runner: --json, --filter RE')
    .allowUnknownOption().helpOption('-h, --help', 'show help')
    .action((args: string[]) => {
      const runner = join(dirname(fileURLToPath(import.meta.url)), 'bench.js');
      if (!existsSync(runner)) throw new Error(`bench: ${runner} does not exist; run 'npm run build' in a source checkout`);
      const r = spawnSync(process.execPath, [runner, ...args], { stdio: 'inherit' });
      process.exitCode = r.status ?? 1;
    });
}
