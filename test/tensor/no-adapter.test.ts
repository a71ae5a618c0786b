// Without a Vulkan driver every entry point ends with one clear sentence (what is missing, how to fix it) and
// exit code 1: no stack trace, no native warnings from Dawn. Runs the real CLI in a child process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = 'dist/test/cli-no-adapter.mjs';

beforeAll(async () => {
  mkdirSync('dist/test', { recursive: true });
  await build({ entryPoints: ['src/cli/index.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'error' });
});

describe('no WebGPU adapter', () => {
  for (const cmd of ['info', 'demo']) {
    it(`webgpu-nn ${cmd} prints one sentence naming the fix and exits 1`, () => {
      const r = spawnSync(process.execPath, [cli, cmd], { env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' }, encoding: 'utf8' });
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^webgpu-nn found no WebGPU adapter: install a Vulkan driver .*npm run setup.*\(no Vulkan driver manifest exists at \/nonexistent\/icd.json/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('the setup probe reports the missing adapter with exit code 1', () => {
    expect(() => execFileSync(process.execPath, ['scripts/probe-adapter.mjs'], { env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' }, stdio: 'pipe' })).toThrow();
  });
});
