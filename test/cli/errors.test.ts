// The CLI's usage errors: one line naming the option and what it accepts, exit code 2; --help exits 0 on every
// command. Runs the real CLI (bundled like dist/cli.js) in a child process; none of these reach the GPU.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = 'dist/test/cli-errors.mjs';

beforeAll(async () => {
  mkdirSync('dist/test', { recursive: true });
  await build({ entryPoints: ['src/cli/index.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'error' });
});

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function usageError(args: string[], pattern: RegExp): void {
  const r = run(...args);
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('webgpu-nn usage errors exit 2 with one line', () => {
  it('an unknown option is named, with a suggestion', () => {
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--colr', '3'], /unknown option '--colr'.*Did you mean --lr\?.*webgpu-nn train --help/);
  });
  it('an unknown option is reported before a missing required one', () => {
    usageError(['train', '--colr', '3'], /unknown option '--colr'/);
  });
  it('a missing value names the option', () => {
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs'], /option '--epochs <n>' argument missing/);
  });
  it('a value that is not a number names the option and what it accepts', () => {
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--lr', 'abc'], /option '--lr <x>' argument 'abc' is invalid\. Expected a number > 0/);
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs', '2.5'], /option '--epochs <n>' argument '2\.5' is invalid\. Expected a whole number >= 1/);
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--val-split', '1.5'], /'--val-split <f>' argument '1\.5' is invalid\. Expected a number between 0 and 1/);
    usageError(['predict', 'runs/x', 'a.png', '--top', '0'], /option '--top <k>' argument '0' is invalid\. Option '--top' must be an integer from 1 to 1000, got '0'/);
    usageError(['experiment', 'mnist-cnn', '--time-limit', 'soon'], /'--time-limit <duration>' argument 'soon' is invalid\. Expected a duration such as 90s, 30m or 1\.5h/);
  });
  it('unknown model, dataset, optimizer and schedule list the choices', () => {
    usageError(['train', '--model', 'vgg', '--dataset', 'mnist'], /'--model <name>' argument 'vgg' is invalid\. Allowed choices are mlp, mnist-cnn, cifar-cnn, resnet18, xception, inception-resnet-v2/);
    usageError(['train', '--model', 'mlp', '--dataset', 'imagenet'], /'--dataset <name\|path>' argument 'imagenet' is invalid\. Unknown dataset 'imagenet' \(expected mnist, fashion-mnist, cifar10/);
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--optimizer', 'lion'], /Allowed choices are adadelta, adam, rmsprop, sgd/);
    usageError(['train', '--model', 'mlp', '--dataset', 'mnist', '--schedule', 'step'], /Allowed choices are constant, time-decay, cyclical, exponential, cosine/);
    usageError(['summary', 'vgg'], /value 'vgg' is invalid for argument 'model'\. Allowed choices are mlp/);
  });
  it('a missing required option, an unknown experiment and an unknown command say what is expected', () => {
    usageError(['train', '--dataset', 'mnist'], /^webgpu-nn: option '--model <name>' is required \(expected one of: mlp, /);
    usageError(['experiment', 'mnist-gan'], /^webgpu-nn: unknown experiment 'mnist-gan' \(expected one of: mlp-sweep, mnist-cnn, /);
    usageError(['frobnicate'], /unknown command 'frobnicate'/);
    expect(run('data').status).toBe(2);
    usageError(['summary', 'mlp', '--input-shape', '32,32,3'], /'--input-shape' cannot change model 'mlp': it takes 28,28,1 only/);
    usageError(['summary', 'mlp', '--base'], /option '--base' applies to xception, inception-resnet-v2; 'mlp' has no separate base/);
  });
});

describe('webgpu-nn --help', () => {
  for (const cmd of [[], ['info'], ['demo'], ['train'], ['experiment'], ['compare'], ['predict'], ['summary'], ['data'], ['data', 'cifar10'], ['data', 'folder'], ['bench']]) {
    it(`${['webgpu-nn', ...cmd].join(' ')} --help exits 0 and prints usage`, () => {
      const r = run(...cmd, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: webgpu-nn/);
    });
  }
  it('experiment --help lists every experiment', () => {
    const r = run('experiment', '--help');
    for (const name of ['mlp-sweep', 'mnist-cnn', 'mnist-cnn-aug-cpu', 'mnist-cnn-aug', 'cifar-cnn', 'cifar-resnet-adadelta', 'cifar-resnet-cyclic', 'cifar-xception']) {
      expect(r.stdout).toContain(`  ${name} `);
    }
  });
  it('the help command exits 0', () => {
    expect(run('help', 'train').status).toBe(0);
  });
  it('no arguments prints the usage and exits 0', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Commands:[\s\S]*train[\s\S]*experiment/);
  });
});
