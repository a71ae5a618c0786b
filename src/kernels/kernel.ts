// Kernel declarations: typed inputs, outputs and uniforms from which the WGSL header (bindings, the Uniforms
// struct, the entry point) and the uniform packer are both generated, so they cannot drift apart. Pipelines are
// cached by their final WGSL source; shapes travel in uniforms so one pipeline serves every shape.

import { gpu, onClose, reportError } from '../tensor/device.js';
import { capturing, StepValue, type Scalar } from '../tensor/capture.js';
import { dispatch, type BufferBinding } from '../tensor/queue.js';
import { fmtShape } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';

/** How a binding is declared in WGSL. 'u8' tensors are bound as packed array<u32>. */
/** 'atomicI32': an i32 tensor bound as array<atomic<i32>> (read_write bindings only). */
export type BindingType = 'f32' | 'i32' | 'u32' | 'u8' | 'vec4f' | 'atomicI32';
/** Uniform field types. 'shape' is array<vec4<u32>, 2>: up to 8 dims, read in WGSL with dim(u.field, i). */
export type UniformType = 'u32' | 'i32' | 'f32' | 'vec4u' | 'vec4f' | 'shape';

export type Bindings = Record<string, BindingType>;
export type Uniforms = Record<string, UniformType>;

export interface KernelSpec<I extends Bindings, O extends Bindings, U extends Uniforms> {
  name: string;
  inputs: I;
  outputs: O;
  uniforms: U;
  /** Threads per workgroup: x, or [x, y, z]. */
  workgroup: number | readonly [number, number?, number?];
  /** WGSL functions and constants placed before the entry point. */
  helpers?: string;
  /** The body of `main`. In scope: gid, lid, wid, nwg (vec3<u32>), lidx (u32), and `u` when there are uniforms. */
  body: string;
  /** Enables WGSL subgroups (the device must have the feature) and puts sgLane (subgroup_invocation_id) in scope. */
  subgroups?: boolean;
}

// A Scalar may be a per-step value (capture.ts): a replayed step packs it again.
type UniformValue<T extends UniformType> = T extends 'vec4u' | 'vec4f' | 'shape' ? readonly Scalar[] : Scalar;
export type UniformValues<U extends Uniforms> = { [K in keyof U]: UniformValue<U[K]> };
// Homomorphic in I and O, so a binding declared optional (a fused bias) is an optional argument, and a kernel
// whose bindings are a union of variants takes the arguments of any one of them.
type BindingArgs<I extends Bindings, O extends Bindings> = { [K in keyof I]: Tensor | BufferBinding } & { [K in keyof O]: Tensor | BufferBinding };

const WGSL_ARRAY: Record<BindingType, string> = { f32: 'f32', i32: 'i32', u32: 'u32', u8: 'u32', vec4f: 'vec4<f32>', atomicI32: 'atomic<i32>' };
const WGSL_UNIFORM: Record<UniformType, string> = {
  u32: 'u32', i32: 'i32', f32: 'f32', vec4u: 'vec4<u32>', vec4f: 'vec4<f32>', shape: 'array<vec4<u32>, 2>',
};
const UNIFORM_SIZE: Record<UniformType, number> = { u32: 4, i32: 4, f32: 4, vec4u: 16, vec4f: 16, shape: 32 };
const UNIFORM_ALIGN: Record<UniformType, number> = { u32: 4, i32: 4, f32: 4, vec4u: 16, vec4f: 16, shape: 16 };
const ACCEPTS: Record<BindingType, string> = { f32: 'f32', vec4f: 'f32', i32: 'i32', u32: 'i32', u8: 'u8', atomicI32: 'i32' };

/** Shared WGSL helpers every kernel may call. */
// NOTE: infinities and NaN come from runtime bitcasts: a const-expression 1.0 / 0.0 is a shader-creation error.
const PRELUDE = /* wgsl */ `
fn dim(s: array<vec4<u32>, 2>, i: u32) -> u32 { return s[i / 4u][i % 4u]; }
// Offset of row-major index i of \`shape\` (rank dims) in a tensor laid out with \`strides\` (0 on broadcast axes).
fn stridedOffset(i: u32, rank: u32, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2>) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let n = dim(shape, u32(d));
    off += (rem % n) * dim(strides, u32(d));
    rem = rem / n;
  }
  return off;
}
fn posInf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn nanF32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
// NOTE: tested on the bit pattern: compilers that assume finite math fold \`x != x\` to false.
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
`;

// WGSL keywords and reserved words that an author might pick as a binding or uniform name ('std', 'target' and
// 'filter' have each broken a pipeline here); checked when a kernel is declared, so the error names it at once.
const RESERVED = new Set(('alias break case const const_assert continue continuing default diagnostic discard else enable false fn for if ' +
  'let loop override requires return struct switch true var while NULL Self abstract active alignas alignof as asm async attribute auto ' +
  'await become cast catch class coherent column_major common compile concept const_cast consteval constexpr constinit crate debugger ' +
  'decltype delete demote do dynamic_cast enum explicit export extends extern external fallthrough filter final finally friend from ' +
  'fxgroup get goto groupshared highp impl implements import inline instanceof interface layout lowp macro match mediump meta mod module ' +
  'move mut mutable namespace new nil noexcept noinline nointerpolation noperspective null nullptr of operator package packoffset ' +
  'partition pass patch pixelfragment precise precision premerge priv protected pub public readonly ref regardless register ' +
  'reinterpret_cast require resource restrict self set shared sizeof smooth snorm static static_assert static_cast std subroutine ' +
  'super target template this thread_local throw trait try type typedef typeid typename typeof union unless unorm unsafe unsized use ' +
  'using varying virtual volatile wgsl where with writeonly yield').split(' '));

interface UniformField {
  name: string;
  type: UniformType;
  offset: number;
}

function layoutUniforms(uniforms: Uniforms): { fields: UniformField[]; bytes: number } {
  const fields: UniformField[] = [];
  let offset = 0;
  for (const [name, type] of Object.entries(uniforms)) {
    offset = Math.ceil(offset / UNIFORM_ALIGN[type]) * UNIFORM_ALIGN[type];
    fields.push({ name, type, offset });
    offset += UNIFORM_SIZE[type];
  }
  return { fields, bytes: Math.ceil(offset / 16) * 16 };
}

function workgroupSize(w: KernelSpec<Bindings, Bindings, Uniforms>['workgroup']): [number, number, number] {
  return typeof w === 'number' ? [w, 1, 1] : [w[0], w[1] ?? 1, w[2] ?? 1];
}

interface Compiled {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelines = new Map<string, Compiled>();
onClose(() => pipelines.clear());

/** Number of distinct pipelines compiled on the open device. */
export function pipelineCount(): number {
  return pipelines.size;
}

export class Kernel<I extends Bindings, O extends Bindings, U extends Uniforms> {
  readonly name: string;
  readonly source: string;
  readonly workgroup: [number, number, number];
  readonly #spec: KernelSpec<I, O, U>;
  /** This kernel's pipeline on the device it was compiled for (a reopened device compiles again). */
  #compiled: { device: GPUDevice; c: Compiled } | null = null;
  readonly #fields: UniformField[];
  readonly #uniformBytes: number;

  constructor(spec: KernelSpec<I, O, U>) {
    for (const name of [...Object.keys(spec.inputs), ...Object.keys(spec.outputs), ...Object.keys(spec.uniforms)]) {
      if (RESERVED.has(name)) throw new Error(`kernel ${spec.name}: '${name}' is a reserved word in WGSL; rename the binding or uniform`);
    }
    this.#spec = spec;
    this.name = spec.name;
    this.workgroup = workgroupSize(spec.workgroup);
    const { fields, bytes } = layoutUniforms(spec.uniforms);
    this.#fields = fields;
    this.#uniformBytes = bytes;
    this.source = this.#generate();
  }

  #generate(): string {
    const s = this.#spec;
    const lines: string[] = [`// kernel: ${s.name}`];
    if (s.subgroups) lines.push('enable subgroups;');
    let binding = 0;
    for (const [name, type] of Object.entries(s.inputs)) {
      lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${name}: array<${WGSL_ARRAY[type]}>;`);
    }
    for (const [name, type] of Object.entries(s.outputs)) {
      lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<${WGSL_ARRAY[type]}>;`);
    }
    if (this.#fields.length) {
      lines.push(`struct Uniforms {\n${this.#fields.map((f) => `  ${f.name}: ${WGSL_UNIFORM[f.type]},`).join('\n')}\n}`);
      lines.push(`@group(0) @binding(${binding}) var<uniform> u: Uniforms;`);
    }
    const [x, y, z] = this.workgroup;
    lines.push(`const WG = vec3<u32>(${x}u, ${y}u, ${z}u);`);
    lines.push(PRELUDE.trim());
    if (s.helpers) lines.push(s.helpers.trim());
    lines.push(
      `@compute @workgroup_size(${x}, ${y}, ${z})`,
      'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,',
      '        @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,',
      `        @builtin(local_invocation_index) lidx: u32${s.subgroups ? ', @builtin(subgroup_invocation_id) sgLane: u32' : ''}) {`,
      s.body.replace(/^\n+|\s+$/g, ''),
      '}',
    );
    return lines.join('\n') + '\n';
  }

  #compile(): Compiled {
    const { device } = gpu();
    // NOTE: kept on the kernel too: the shared map's lookup hashes and compares the whole WGSL source, which took
    // about 5% of an MLP step's host time.
    if (this.#compiled?.device === device) return this.#compiled.c;
    const hit = pipelines.get(this.source);
    if (hit) {
      this.#compiled = { device, c: hit };
      return hit;
    }
    if (process.env.WGSL_DUMP === '1') console.error(`--- WGSL ${this.name} ---\n${this.source}`);
    const entries: GPUBindGroupLayoutEntry[] = [];
    let binding = 0;
    for (const _ of Object.keys(this.#spec.inputs)) entries.push({ binding: binding++, visibility: 4, buffer: { type: 'read-only-storage' } });
    for (const _ of Object.keys(this.#spec.outputs)) entries.push({ binding: binding++, visibility: 4, buffer: { type: 'storage' } });
    if (this.#fields.length) entries.push({ binding, visibility: 4, buffer: { type: 'uniform' } });
    const layout = device.createBindGroupLayout({ entries, label: this.name });
    // Shader errors surface asynchronously; the error scope turns them into a report naming this kernel, thrown
    // at the next readback or sync.
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: this.source, label: this.name });
    const pipeline = device.createComputePipeline({
      label: this.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout], label: this.name }),
      compute: { module, entryPoint: 'main' },
    });
    const name = this.name;
    void device.popErrorScope().then((err) => {
      if (err) reportError(`kernel ${name} failed to compile: ${err.message}`);
    });
    const compiled = { pipeline, layout };
    pipelines.set(this.source, compiled);
    this.#compiled = { device, c: compiled };
    return compiled;
  }

  /** True when some uniform is a per-step value, so a replayed step must pack them again. */
  #dynamic(values: UniformValues<U>): boolean {
    return Object.values(values as Record<string, Scalar | ArrayLike<Scalar>>).some((v) =>
      v instanceof StepValue || (typeof v === 'object' && Array.prototype.some.call(v, (x: Scalar) => x instanceof StepValue)));
  }

  /** The uniform block; with `fixedOnly`, per-step values packed as 0 (what two recordings must agree on). */
  #pack(values: UniformValues<U>, fixedOnly = false): Uint8Array | null {
    if (!this.#fields.length) return null;
    const buf = new ArrayBuffer(this.#uniformBytes);
    const dv = new DataView(buf);
    for (const f of this.#fields) {
      const v = (values as Record<string, Scalar | ArrayLike<Scalar>>)[f.name];
      if (v === undefined) throw new Error(`kernel ${this.name}: uniform '${f.name}' was not given`);
      const put = (off: number, s: Scalar, type: 'u32' | 'i32' | 'f32'): void => {
        const x = typeof s === 'number' ? s : fixedOnly ? 0 : s.value;
        if (type === 'f32') dv.setFloat32(off, x, true);
        else if (type === 'i32') dv.setInt32(off, x, true);
        else {
          if (!(x >= 0 && x <= 0xffffffff)) throw new Error(`kernel ${this.name}: uniform '${f.name}' = ${x} is not a u32`);
          dv.setUint32(off, x, true);
        }
      };
      if (typeof v === 'number' || v instanceof StepValue) put(f.offset, v, f.type as 'u32' | 'i32' | 'f32');
      else {
        const max = f.type === 'shape' ? 8 : 4;
        if (v.length > max) throw new Error(`kernel ${this.name}: uniform '${f.name}' has ${v.length} values, at most ${max} fit`);
        Array.prototype.forEach.call(v, (x: Scalar, i: number) => put(f.offset + 4 * i, x, f.type === 'vec4f' ? 'f32' : 'u32'));
      }
    }
    return new Uint8Array(buf);
  }

  /** Records one dispatch of `groups` workgroups (x, y, z). */
  run(args: BindingArgs<I, O>, uniforms: UniformValues<U>, groups: readonly [number, number?, number?]): void {
    const g: [number, number, number] = [groups[0], groups[1] ?? 1, groups[2] ?? 1];
    if (g[0] === 0 || g[1] === 0 || g[2] === 0) return;
    const { limits } = gpu();
    const maxGroups = limits.maxComputeWorkgroupsPerDimension;
    if (g.some((n) => n > maxGroups)) throw new Error(`kernel ${this.name}: grid [${g.join(', ')}] exceeds ${maxGroups} workgroups per dimension`);
    const storage: BufferBinding[] = [];
    const declared = { ...this.#spec.inputs, ...this.#spec.outputs } as Bindings;
    for (const [name, type] of Object.entries(declared)) {
      const arg = (args as Record<string, Tensor | BufferBinding | undefined>)[name];
      if (!arg) throw new Error(`kernel ${this.name}: binding '${name}' was not given`);
      if ('isTensor' in arg) {
        arg.assertAlive(this.name, name);
        if (arg.storage.stale) throw new Error(`kernel ${this.name}: tensor '${name}' ${fmtShape(arg.shape)}: ${Storage.staleMessage}`);
        if (ACCEPTS[type] !== arg.dtype) {
          throw new Error(`kernel ${this.name}: binding '${name}' expects ${ACCEPTS[type]} but got a ${arg.dtype} tensor ${fmtShape(arg.shape)}`);
        }
        const size = arg.storage.bindBytes;
        if (size > limits.maxStorageBufferBindingSize) {
          throw new Error(`kernel ${this.name}: tensor '${name}' ${fmtShape(arg.shape)} is ${size} bytes, over the device's ` +
            `maxStorageBufferBindingSize of ${limits.maxStorageBufferBindingSize}; use a smaller batch`);
        }
        storage.push({ buffer: arg.storage.buffer, offset: 0, size });
      } else storage.push(arg);
    }
    const { pipeline, layout } = this.#compile();
    // Only a recorded step keeps the means to pack its per-step uniforms again.
    const dynamic = capturing() && this.#dynamic(uniforms);
    const repack = dynamic ? () => this.#pack(uniforms)! : undefined;
    dispatch({ label: this.name, pipeline, layout, storage, uniforms: this.#pack(uniforms), repack,
      fixedUniforms: dynamic ? this.#pack(uniforms, true)! : undefined, groups: g });
  }
}

export function kernel<I extends Bindings, O extends Bindings, U extends Uniforms>(spec: KernelSpec<I, O, U>): Kernel<I, O, U> {
  return new Kernel(spec);
}

/** Memoises a kernel factory on its (JSON-serialisable) compile-time parameters. */
export function variants<P, K>(make: (params: P) => K): (params: P) => K {
  const cache = new Map<string, K>();
  return (params: P) => {
    const key = JSON.stringify(params);
    let k = cache.get(key);
    if (!k) cache.set(key, (k = make(params)));
    return k;
  };
}

/** Threads per workgroup of the flat kernels (one thread per element, row or channel, indexed by flatThread). */
export const WG = 64;

/** Workgroup counts for `threads` threads in groups of `wg`, folding past 65,535 groups into y. */
export function grid1d(threads: number, wg = WG): [number, number, number] {
  const groups = Math.ceil(threads / wg);
  if (groups <= 65535) return [groups, 1, 1];
  const x = 65535;
  return [x, Math.ceil(groups / x), 1];
}

/** WGSL expression for the flat thread index of a grid made by grid1d. */
export const FLAT_ID = 'gid.x + gid.y * nwg.x * WG.x';

/**
 * The opening of a flat kernel's body: `name` is the thread's flat index over a grid1d grid, and threads at or
 * past `bound` (a WGSL expression) return at once.
 */
export function flatThread(name = 'i', bound = 'u.total'): string {
  return `  let ${name} = ${FLAT_ID};\n  if (${name} >= ${bound}) { return; }`;
}

/**
 * The opening of an image kernel on a (column, row, image) grid, one thread per pixel: `col`, `row`, `n` and the
 * flat pixel index `i`; threads outside `width` x `height` (WGSL expressions) return.
 */
export function pixelThread(col: string, row: string, width: string, height: string): string {
  return `  let ${col} = gid.x;
  let ${row} = gid.y;
  let n = gid.z;
  if (${col} >= ${width} || ${row} >= ${height}) { return; }
  let i = (n * ${height} + ${row}) * ${width} + ${col};`;
}
