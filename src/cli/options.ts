// Value parsers for the CLI's options (commander calls them with the raw string): each rejects bad input with
// one sentence saying what the option accepts; commander prefixes the option's name, and index.ts exits 2.
import { InvalidArgumentError } from 'commander';

/** A usage error found after parsing (an unknown model name, say): index.ts prints it in one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A whole number >= min. */
export function intArg(min = 1): (raw: string) => number {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`Expected a whole number >= ${min}.`);
    return v;
  };
}

/** A finite number in (lo, hi) (open bounds; defaults accept any positive number). */
export function numberArg(lo = 0, hi = Infinity): (raw: string) => number {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v <= lo || v >= hi) {
      throw new InvalidArgumentError(`Expected a number ${hi === Infinity ? `> ${lo}` : `between ${lo} and ${hi} (exclusive)`}.`);
    }
    return v;
  };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Parses '90s', '30m', '1.5h' or plain seconds ('600') into seconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(raw.trim());
  const seconds = m ? Number(m[1]) * UNITS[m[2] || 's']! : NaN;
  if (!(seconds > 0)) throw new InvalidArgumentError(`Expected a duration such as 90s, 30m or 1.5h.`);
  return seconds;
}

/** 'H,W,C' -> [H, W, C], each a positive whole number. */
export function parseShape(raw: string): [number, number, number] {
  const parts = raw.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || !parts.every((p) => Number.isInteger(p) && p > 0)) throw new InvalidArgumentError(`Expected H,W,C such as 71,71,3.`);
  return parts as [number, number, number];
}

/** One of `names`, as a usage error naming the option and listing the choices. */
export function pick<T extends string>(what: string, value: string, names: readonly T[]): T {
  if ((names as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${what} '${value}' (expected one of: ${names.join(', ')})`);
}
