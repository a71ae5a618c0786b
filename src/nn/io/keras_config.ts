// Reading one Keras layer config ({class_name, config}) strictly: every key must be taken by the layer's codec or be
// an inert option at a value that changes nothing here (regularizers null, data_format channels_last, ...); anything
// else is an error naming the layer, the key and the value. Also (de)serialises initialisers and constraints.

import * as constraints from '../constraints.js';
import type { Constraint } from '../constraints.js';
import * as inits from '../initializers.js';
import type { Initializer } from '../initializers.js';
import type { InitializerSpec } from '../layers/common.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Keras's {class_name, config} pair (Keras 3 adds module / registered_name, which are ignored). */
export interface KerasObject {
  class_name: string;
  config: JsonObject;
}

export class KerasConfigError extends Error {}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** Values that are accepted for any layer class because they change nothing here. */
const FLOAT32 = (v: Json): boolean => v === null || v === 'float32' || isObject(v) && isObject(v.config) && v.config.name === 'float32';
const COMMON_INERT: Record<string, (v: Json) => boolean> = { dtype: FLOAT32, autocast: () => true };

/** One layer's config being read: typed getters mark keys as used; `done()` rejects what is left. */
export class ConfigReader {
  readonly #used = new Set<string>();
  readonly #inert = new Map<string, (v: Json) => boolean>(Object.entries(COMMON_INERT));

  constructor(readonly className: string, readonly config: JsonObject, readonly where: string) {}

  get layerName(): string | undefined {
    return typeof this.config.name === 'string' ? this.config.name : undefined;
  }

  fail(message: string): never {
    throw new KerasConfigError(`${this.where}: layer '${this.layerName ?? '?'}' (${this.className}): ${message}`);
  }

  has(key: string): boolean {
    return this.config[key] !== undefined;
  }

  /** The raw value (marked used), or `fallback` when absent. */
  raw(key: string, fallback?: Json): Json | undefined {
    this.#used.add(key);
    const v = this.config[key];
    return v === undefined ? fallback : v;
  }

  number(key: string, fallback?: number): number {
    const v = this.raw(key, fallback);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`option '${key}' must be a number but is ${show(v)}`);
    return v;
  }

  int(key: string, fallback?: number): number {
    const v = this.number(key, fallback);
    if (!Number.isInteger(v)) this.fail(`option '${key}' must be an integer but is ${show(v)}`);
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.raw(key, fallback);
    if (typeof v !== 'boolean') this.fail(`option '${key}' must be true or false but is ${show(v)}`);
    return v;
  }

  string<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.raw(key, fallback);
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.fail(`option '${key}' = ${show(v)} is not supported (supported: ${allowed.map((a) => `'${a}'`).join(', ')})`);
    }
    return v as T;
  }

  /** An int or a list of ints of length n (Keras accepts both for kernel_size, strides, pool_size). */
  ints(key: string, n: number, fallback?: number | number[]): number[] {
    const v = this.raw(key, fallback);
    const list = typeof v === 'number' ? Array<number>(n).fill(v) : v;
    if (!Array.isArray(list) || list.length !== n || !list.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      this.fail(`option '${key}' must be an integer or ${n} integers but is ${show(v)}`);
    }
    return list as number[];
  }

  /** A number or a [lower, upper] pair (augmentation factors). */
  factor(key: string, fallback?: number): number | [number, number] {
    const v = this.raw(key, fallback);
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
    this.fail(`option '${key}' must be a number or [lower, upper] but is ${show(v)}`);
  }

  activation(key = 'activation'): string {
    const v = this.raw(key, 'linear');
    // Keras 3 may serialise a built-in activation as {class_name: 'function', config: 'relu'}.
    const name = isObject(v) && typeof v.config === 'string' ? v.config : v === null ? 'linear' : v;
    if (typeof name !== 'string') this.fail(`option '${key}' = ${show(v)} is not an activation name`);
    return name;
  }

  initializer(key: string): InitializerSpec | undefined {
    return this.#parsed(key, initializerFromKeras);
  }

  constraint(key: string): Constraint | undefined {
    return this.#parsed(key, constraintFromKeras);
  }

  /** A {class_name, config} option read by `parse`, undefined when absent or null; parse errors name the key. */
  #parsed<T>(key: string, parse: (v: Json) => T): T | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    try {
      return parse(v);
    } catch (e) {
      return this.fail(`option '${key}': ${(e as Error).message}`);
    }
  }

  /** Declares keys whose values are fine when `ok` (a value, compared as JSON, or a predicate) holds. */
  inert(keys: Record<string, Json | ((v: Json) => boolean)>): this {
    for (const [k, ok] of Object.entries(keys)) this.#inert.set(k, typeof ok === 'function' ? ok : (v) => JSON.stringify(v) === JSON.stringify(ok));
    return this;
  }

  /** Keys the engine has no counterpart for when they are null (regularizers and the like). */
  nulls(...keys: string[]): this {
    for (const k of keys) this.#inert.set(k, (v) => v === null);
    return this;
  }

  /** Throws when a key was neither read nor inert at its value, listing every such key. */
  done(): void {
    const bad = Object.entries(this.config).filter(([k, v]) => {
      if (this.#used.has(k) || v === undefined) return false;
      const ok = this.#inert.get(k);
      return !ok || !ok(v);
    });
    if (bad.length) {
      this.fail(bad.map(([k, v]) => `option '${k}' = ${show(v)} ${this.#inert.has(k) ? 'is not supported at that value' : 'is unknown'}`).join('; '));
    }
  }
}

/** Lists `data_format` as inert at channels_last (the only layout here). */
export const CHANNELS_LAST = { data_format: (v: Json) => v === null || v === 'channels_last' };

// ---- initialisers and constraints ----

const INIT_PRESETS: Record<string, (o: { seed?: number | null }) => Initializer> = {
  GlorotUniform: inits.glorotUniform, GlorotNormal: inits.glorotNormal, HeUniform: inits.heUniform, HeNormal: inits.heNormal,
  LecunUniform: inits.lecunUniform, LecunNormal: inits.lecunNormal,
};

const seedOf = (c: JsonObject): number | null => (typeof c.seed === 'number' ? c.seed : null);
const num = (c: JsonObject, k: string, d: number): number => (typeof c[k] === 'number' ? (c[k] as number) : d);

export function initializerFromKeras(v: Json): InitializerSpec {
  if (typeof v === 'string') {
    inits.getInitializer(v);   // throws for an unknown name
    return v;
  }
  if (!isObject(v) || typeof v.class_name !== 'string') throw new Error(`expected {class_name, config} but got ${show(v)}`);
  const c = isObject(v.config) ? v.config : {};
  const name = v.class_name;
  const preset = INIT_PRESETS[name];
  if (preset) return preset({ seed: seedOf(c) });
  switch (name) {
    case 'Zeros': return inits.zeros();
    case 'Ones': return inits.ones();
    case 'Constant': return inits.constant(num(c, 'value', 0));
    case 'RandomUniform': return new inits.RandomUniform(num(c, 'minval', -0.05), num(c, 'maxval', 0.05), seedOf(c));
    case 'RandomNormal': return new inits.RandomNormal(num(c, 'mean', 0), num(c, 'stddev', 0.05), seedOf(c));
    case 'TruncatedNormal': return new inits.TruncatedNormal(num(c, 'mean', 0), num(c, 'stddev', 0.05), seedOf(c));
    case 'VarianceScaling': {
      const mode = c.mode ?? 'fan_in', distribution = c.distribution ?? 'truncated_normal';
      if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode as string)) throw new Error(`VarianceScaling mode ${show(mode)} is not supported`);
      if (!['truncated_normal', 'untruncated_normal', 'uniform', 'normal'].includes(distribution as string)) {
        throw new Error(`VarianceScaling distribution ${show(distribution)} is not supported`);
      }
      return new inits.VarianceScaling({ scale: num(c, 'scale', 1), mode: mode as inits.FanMode, distribution: distribution as inits.Distribution, seed: seedOf(c) });
    }
    default: throw new Error(`initializer class '${name}' is not supported (supported: ${[...Object.keys(INIT_PRESETS), 'Zeros', 'Ones', 'Constant', 'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'VarianceScaling'].join(', ')})`);
  }
}

export function initializerToKeras(spec: InitializerSpec): KerasObject {
  const i = inits.getInitializer(spec);
  return { class_name: i.className, config: i.getConfig() as JsonObject };
}

export function constraintFromKeras(v: Json): Constraint {
  if (typeof v === 'string') return constraints.getConstraint(v)!;
  if (!isObject(v) || typeof v.class_name !== 'string') throw new Error(`expected {class_name, config} but got ${show(v)}`);
  const c = isObject(v.config) ? v.config : {};
  const axis = (c.axis ?? 0) as number | number[];
  switch (v.class_name) {
    case 'MaxNorm': return constraints.maxNorm(num(c, 'max_value', 2), axis);
    case 'UnitNorm': return constraints.unitNorm(axis);
    case 'MinMaxNorm': return constraints.minMaxNorm(num(c, 'min_value', 0), num(c, 'max_value', 1), num(c, 'rate', 1), axis);
    case 'NonNeg': return constraints.nonNeg();
    default: throw new Error(`constraint class '${v.class_name}' is not supported (supported: MaxNorm, UnitNorm, MinMaxNorm, NonNeg)`);
  }
}

export function constraintToKeras(c: Constraint | undefined | null): KerasObject | null {
  return c ? { class_name: c.className, config: c.getConfig() as JsonObject } : null;
}
