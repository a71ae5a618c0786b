// Minimal option parsing for the CLI: `--name value` pairs.

/** The value after `--name`, or undefined. */
export function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** A positive integer option, with a clear error naming it. */
export function intOption(argv: string[], name: string, fallback: number): number {
  const raw = option(argv, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return v;
}
