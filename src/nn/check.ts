// Hyper-parameter checks run at construction (optimisers, schedules, callbacks, fit), so a bad setting fails at
// once with one message naming the owner, the option, the expected range and the value found, instead of ending
// in NaN weights or a run that never stops.

export interface Range {
  /** Inclusive lower bound (or exclusive with `minExclusive`). */
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

function describe(r: Range): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${r.minExclusive ? '>' : '>='} ${r.min}`);
  if (r.max !== undefined) parts.push(`${r.maxExclusive ? '<' : '<='} ${r.max}`);
  const kind = r.integer ? 'an integer' : 'a finite number';
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}' (a string)` : String(v);
}

/** Throws `<owner>: <name> must be <range> but got <value>` unless `value` is a number inside the range. */
export function checkNumber(owner: string, name: string, value: unknown, r: Range = {}): number {
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (!r.integer || Number.isInteger(value))
    && (r.min === undefined || (r.minExclusive ? value > r.min : value >= r.min))
    && (r.max === undefined || (r.maxExclusive ? value < r.max : value <= r.max));
  if (!ok) throw new Error(`${owner}: ${name} must be ${describe(r)} but got ${show(value)}`);
  return value as number;
}

/** Like checkNumber, but `undefined` passes through (an option left at its default). */
export function checkOptional(owner: string, name: string, value: unknown, r: Range = {}): void {
  if (value !== undefined) checkNumber(owner, name, value, r);
}
