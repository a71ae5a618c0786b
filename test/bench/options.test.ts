// The bench entry points' options: parsed by commander, so a misspelt option or a bad value is an error that names
// it instead of being ignored (which used to run every figure).
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { readBenchOptions } from '../../bench/options.js';

const read = (...args: string[]) => readBenchOptions('bench:compare', 'test', true, ['node', 'bench-compare.js', ...args]);

function usage(args: string[]): CommanderError {
  try {
    read(...args);
  } catch (err) {
    if (err instanceof CommanderError) return err;
    throw err;
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

describe('bench options', () => {
  it('reads --json, --filter and --reps, with defaults', () => {
    expect(read()).toEqual({ json: false, filter: null, reps: Infinity });
    const o = read('--json', '--filter', '^matmul', '--reps', '3');
    expect(o.json).toBe(true);
    expect(o.filter?.test('matmul 1024')).toBe(true);
    expect(o.filter?.test('conv2d')).toBe(false);
    expect(o.reps).toBe(3);
  });

  it('names an unknown option with a suggestion, and bad values with what is accepted', () => {
    expect(usage(['--filtr', 'x']).message).toMatch(/unknown option '--filtr'[\s\S]*Did you mean --filter\?/);
    expect(usage(['--reps', '0']).message).toMatch(/'--reps <n>' argument '0' is invalid\. expected a whole number of at least 1/);
    expect(usage(['--filter', '(']).message).toMatch(/'--filter <regex>' argument '\(' is invalid\. not a regular expression/);
  });

  it('--help is not an error (exit code 0), and plain bench has no --reps', () => {
    expect(usage(['--help']).exitCode).toBe(0);
    expect(() => readBenchOptions('bench', 'test', false, ['node', 'bench.js', '--reps', '2'])).toThrow(/unknown option '--reps'/);
  });
});
