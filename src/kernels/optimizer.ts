// Fused optimiser updates: a dispatch reads parameters, their gradients and their slots and writes the parameters
// and the slots back in place (they are read_write bindings). fusedUpdates packs several parameters into one
// dispatch (as many as the adapter's storage-buffer bindings allow: 3 with Adadelta or Adam on lavapipe's 16), each
// thread finding its parameter from the cumulative sizes; fusedUpdate is the one-parameter form. Each optimiser
// supplies a rule: WGSL statements over `p`, `g` and one variable per slot, plus a Float64 CPU twin. Thread mapping:
// one thread per element, or per vec4 when the size is a multiple of 4 (the same statements compile for both: `T`
// is the type). With a health buffer the same pass also flags a gradient that is not finite (no extra read, no
// readback).

import { scalarValue, type Scalar } from '../tensor/capture.js';
import { fmtShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gpu } from '../tensor/device.js';
import { flatThread, grid1d, kernel, variants, WG, type Bindings, type Uniforms } from './kernel.js';

/** An update rule: compile-time `key` (e.g. 'sgd_nesterov'), slots, scalar coefficients and both implementations. */
export interface UpdateRule {
  /** Names the kernel (e.g. 'sgd_nesterov'); the variants cache keys on the whole rule, WGSL included. */
  key: string;
  slots: readonly string[];
  /** f32 uniforms, read in WGSL as `u.<name>`. */
  coeffs: readonly string[];
  /**
   * WGSL statements. In scope: `g` (gradient, let), `p` and one `var` per slot named after it; `T` is f32 or
   * vec4<f32>, so write `T(0.0)` where a builtin needs matching types. Assign the new values to `p` and the slots.
   */
  wgsl: string;
  /** CPU twin: updates p and the slots in place, element by element, in float64. */
  cpu: (p: Float64Array, g: Float64Array, slots: Float64Array[], c: Readonly<Record<string, number>>) => void;
}

/** Where a fused update flags a non-finite gradient: health[0] = min(health[0], code) (i32). */
export interface GradHealth {
  flags: Tensor;
  code: Scalar;
}

/** Coefficients by name; per-step values (capture.ts) when a replayed step recomputes them. */
export type Coefficients = Readonly<Record<string, Scalar>>;

/** One parameter of a fusedUpdates call: its gradient, its slots (in the rule's order) and its health code. */
export interface UpdateItem {
  p: Tensor;
  g: Tensor;
  slots: readonly Tensor[];
  code?: Scalar;
}

/** Throws naming the rule when a parameter, its gradient, slots or the coefficients do not fit the update. */
function checkItem(rule: UpdateRule, p: Tensor, g: Tensor, slots: readonly Tensor[], coeffs: Coefficients): void {
  const op = `${rule.key} update`;
  p.assertAlive(op, 'param');
  g.assertAlive(op, 'grad');
  if (p.dtype !== 'f32' || g.dtype !== 'f32') throw new Error(`${op}: parameters and gradients must be f32 but got ${p.dtype} and ${g.dtype}`);
  if (!sameShape(p.shape, g.shape)) throw new Error(`${op}: gradient ${fmtShape(g.shape)} does not match parameter ${fmtShape(p.shape)}`);
  if (g.device !== p.device) throw new Error(`${op}: gradient on '${g.device}' but parameter on '${p.device}'`);
  if (slots.length !== rule.slots.length) throw new Error(`${op}: expects ${rule.slots.length} slots but got ${slots.length}`);
  for (const c of rule.coeffs) {
    if (coeffs[c] === undefined) throw new Error(`${op}: coefficient '${c}' was not given`);
  }
}

// One kernel per (rule, vec4, checked, count): member k owns threads [end(k-1), end(k)) and its own bindings. The
// health flag is an atomicMin: members carry different codes.
const updateKernel = variants((p: { rule: UpdateRule; vec4: boolean; checked: boolean; count: number }) => {
  const { rule, vec4, checked, count } = p;
  const type = vec4 ? 'vec4f' : 'f32';
  const inputs: Bindings = {};
  const outputs: Bindings = {};
  const uniforms: Uniforms = { total: 'u32' };
  for (let k = 0; k < count; k++) {
    inputs[`grad${k}`] = type;
    outputs[`param${k}`] = type;
    for (const s of rule.slots) outputs[`slot_${s}${k}`] = type;
    uniforms[`end${k}`] = 'u32';
    if (checked) uniforms[`code${k}`] = 'i32';
  }
  if (checked) outputs.health = 'atomicI32';
  for (const c of rule.coeffs) uniforms[c] = 'f32';
  const nonFinite = vec4 ? 'any((bitcast<vec4<u32>>(g) & vec4<u32>(0x7fffffffu)) >= vec4<u32>(0x7f800000u))' : '(bitcast<u32>(g) & 0x7fffffffu) >= 0x7f800000u';
  const member = (k: number): string => `${k ? ' else ' : '  '}if (t < u.end${k}) {
    let i = t${k ? ` - u.end${k - 1}` : ''};
    let g = grad${k}[i];
${checked ? `    if (${nonFinite}) { atomicMin(&health[0], u.code${k}); }` : ''}
    var p = param${k}[i];
${rule.slots.map((s) => `    var ${s} = slot_${s}${k}[i];`).join('\n')}
    ${rule.wgsl.trim()}
    param${k}[i] = p;
${rule.slots.map((s) => `    slot_${s}${k}[i] = ${s};`).join('\n')}
  }`;
  return kernel({
    name: `${rule.key}Update${vec4 ? 'Vec4' : ''}${checked ? 'Checked' : ''}${count > 1 ? `_x${count}` : ''}`,
    inputs, outputs, uniforms, workgroup: WG,
    helpers: `alias T = ${vec4 ? 'vec4<f32>' : 'f32'};`,
    body: `
${flatThread('t')}
${[...Array(count).keys()].map(member).join('')}`,
  });
});

/** Records one dispatch updating every item of `group` (GPU parameters of one vec4-ness, no buffer twice). */
function dispatchGroup(rule: UpdateRule, group: readonly UpdateItem[], coeffs: Coefficients, health?: Tensor): void {
  const vec4 = group[0]!.p.size % 4 === 0;
  const args: Record<string, Tensor> = {};
  const uniforms: Record<string, Scalar> = { ...coeffs };
  let end = 0;
  group.forEach((it, k) => {
    args[`grad${k}`] = it.g;
    args[`param${k}`] = it.p;
    rule.slots.forEach((s, j) => (args[`slot_${s}${k}`] = it.slots[j]!));
    end += vec4 ? it.p.size / 4 : it.p.size;
    uniforms[`end${k}`] = end;
    if (health) uniforms[`code${k}`] = it.code!;
  });
  if (health) args.health = health;
  uniforms.total = end;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  updateKernel({ rule, vec4, checked: !!health, count: group.length }).run(args as any, uniforms as any, grid1d(end));
}

/** The Float64 twin of one item's update, flagging a non-finite gradient as the kernel does. */
function cpuUpdate(rule: UpdateRule, it: UpdateItem, coeffs: Coefficients, health?: Tensor): void {
  const h = health?.storage.data, code = scalarValue(it.code ?? 0);
  if (h && code < h[0]! && it.g.storage.data.some((v) => !Number.isFinite(v))) h[0] = code;
  const values = Object.fromEntries(Object.entries(coeffs).map(([k, v]) => [k, scalarValue(v)]));
  rule.cpu(it.p.storage.data, it.g.storage.data, it.slots.map((s) => s.storage.data), values);
}

/** Applies `rule` to one parameter in place: p and its slots are overwritten; `health` flags a non-finite gradient. */
export function fusedUpdate(rule: UpdateRule, p: Tensor, g: Tensor, slots: readonly Tensor[], coeffs: Coefficients,
  health?: GradHealth): void {
  fusedUpdates(rule, [{ p, g, slots, code: health?.code }], coeffs, health?.flags);
}

/**
 * Parameters per grouped dispatch: (grad, param, slots) per member plus the health flags, within the adapter's limit.
 * WEBGPU_NN_GROUP_UPDATES=off gives one dispatch per parameter.
 */
function groupSize(rule: UpdateRule, checked: boolean): number {
  if (process.env.WEBGPU_NN_GROUP_UPDATES === 'off') return 1;
  const limit = gpu().limits.maxStorageBuffersPerShaderStage;
  return Math.max(1, Math.min(MAX_GROUP, Math.floor((limit - (checked ? 1 : 0)) / (2 + rule.slots.length))));
}
const MAX_GROUP = 4;

/**
 * Applies `rule` to every item in place, in as few dispatches as the bindings allow (parameters whose sizes are
 * multiples of 4 go together as vec4, the rest together as f32). The same result as fusedUpdate on each in turn.
 */
export function fusedUpdates(rule: UpdateRule, items: readonly UpdateItem[], coeffs: Coefficients, health?: Tensor): void {
  for (const it of items) checkItem(rule, it.p, it.g, it.slots, coeffs);
  const live = items.filter((it) => it.p.size > 0);
  if (health && live.some((it) => it.code === undefined)) throw new Error(`${rule.key} update: every parameter needs a health code when health flags are given`);
  for (const it of live) if (it.p.device === 'cpu') cpuUpdate(rule, it, coeffs, health);
  const gpuItems = live.filter((it) => it.p.device !== 'cpu');
  const size = groupSize(rule, !!health);
  for (const vec4 of [true, false]) {
    const members = gpuItems.filter((it) => (it.p.size % 4 === 0) === vec4);
    for (let at = 0; at < members.length; at += size) {
      const group = members.slice(at, at + size);
      // One buffer bound twice in a dispatch, once writable, is a validation error: such a group goes one by one.
      const buffers = group.flatMap((it) => [it.p, it.g, ...it.slots].map((t) => t.storage));
      if (new Set(buffers).size < buffers.length) group.forEach((it) => dispatchGroup(rule, [it], coeffs, health));
      else dispatchGroup(rule, group, coeffs, health);
    }
  }
}
