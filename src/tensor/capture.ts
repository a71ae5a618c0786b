// Capture and replay of a step. A step is recorded as the commands it encodes (pipeline, buffers, uniform bytes,
// workgroups; copies; writes); a replay encodes the same commands again with bind groups built once, after
// re-running the step's host effects (RNG draws, the optimiser's counter) and re-packing the uniforms declared as
// per-step values, so a replayed step runs almost no JavaScript. Two recordings must agree before one is replayed:
// a uniform, a write or a buffer that differs between them and was not declared per step means the step reads
// host state the recording cannot see, and it is not replayed (`differsFrom` says where).

import { gpu } from './device.js';
import { claimFree, handOut, isLive, liveBuffers, releaseBuffer } from './pool.js';
import { countReplayed, flush, type DispatchCall } from './queue.js';
import { sameShape } from './shape.js';
import { Tensor } from './tensor.js';
import { unscoped } from './scope.js';

/** A number that a replayed step recomputes: read through `value`; `map` derives another (computed when read). */
export class StepValue {
  constructor(readonly read: () => number) {}
  get value(): number {
    return this.read();
  }
  map(f: (v: number) => number): StepValue {
    return new StepValue(() => f(this.read()));
  }
}

/** A uniform or attribute that is either fixed or recomputed per replayed step. */
export type Scalar = number | StepValue;
export const scalarValue = (x: Scalar): number => (typeof x === 'number' ? x : x.value);
export const addScalar = (x: Scalar, k: number): Scalar => (typeof x === 'number' ? x + k : x.map((v) => v + k));

export type Command =
  | { kind: 'dispatch'; call: DispatchCall }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number; input?: number }
  | { kind: 'write'; buffer: GPUBuffer; offset: number; data: Uint8Array };

interface Recorder {
  /** The buffers live when the step began. */
  before: ReadonlySet<GPUBuffer>;
  commands: Command[];
  effects: Array<() => void>;
  /** Why the step cannot be replayed, found while recording (a readback inside it). */
  failure: string | null;
}

let recorder: Recorder | null = null;

/** True while a step is being recorded. */
export const capturing = (): boolean => recorder !== null;

/** The queue's hook: every command encoded while a step is recorded. */
export function recordCommand(cmd: Command): void {
  recorder?.commands.push(cmd);
}

/** The queue's hook for what a recording cannot reproduce (a readback: the host would act on the data). */
export function recordFailure(why: string): void {
  if (recorder) recorder.failure ??= why;
}

/** Runs a host-side effect of the step now, and again before each replay of a step recorded around it. */
export function hostEffect(effect: () => void): void {
  effect();
  recorder?.effects.push(effect);
}

/**
 * A value drawn once per step (a seed, the optimiser's coefficients): `produce` runs now and, when the step is
 * recorded, again before each replay, in the step's order. The getter returns the latest draw.
 */
export function perStep<T>(produce: () => T): () => T {
  let v = produce();
  recorder?.effects.push(() => {
    v = produce();
  });
  return () => v;
}

/** A per-step number (perStep) as a StepValue, for uniforms and op attributes. */
export const perStepValue = (produce: () => number): StepValue => new StepValue(perStep(produce));

interface InputSpec {
  shape: readonly number[];
  dtype: Tensor['dtype'];
}

/** Commands to replay, the buffers they own (claimed from the pool) and the bind groups built once. */
export class StepRecording {
  readonly inputs: readonly InputSpec[];
  readonly commands: readonly Command[];
  readonly failure: string | null;
  readonly #effects: ReadonlyArray<() => void>;
  /** Buffers that outlive the step (weights, optimiser slots, metric sums), with their pool hand-out: the same on every replay. */
  readonly #external: ReadonlyMap<GPUBuffer, number | undefined>;
  /** Buffers only the step uses, taken out of the pool while this recording lives. */
  readonly #owned: GPUBuffer[];
  #built: Built | null = null;
  #disposed = false;

  constructor(inputs: readonly InputSpec[], rec: Recorder) {
    this.inputs = inputs;
    this.commands = rec.commands;
    this.#effects = rec.effects;
    const buffers = new Set<GPUBuffer>();
    for (const c of rec.commands) {
      if (c.kind === 'dispatch') for (const b of c.call.storage) buffers.add(b.buffer);
      else if (c.kind === 'copy') {
        if (c.input === undefined) buffers.add(c.src);
        buffers.add(c.dst);
      } else buffers.add(c.buffer);
    }
    const external = new Map<GPUBuffer, number | undefined>(), owned: GPUBuffer[] = [];
    let failure = rec.failure;
    for (const b of buffers) {
      if (isLive(b)) external.set(b, handOut(b));
      else if (rec.before.has(b)) failure ??= 'a buffer that existed before the step was released inside it (state replaced rather than updated in place?)';
      else if (claimFree(b)) owned.push(b);
      else failure ??= `buffer '${b.label}' of the step is not the pool's (a kernel's own buffer) or was destroyed`;
    }
    // What the step owns goes back to the pool if the recording cannot be replayed.
    if (failure) for (const b of owned.splice(0)) releaseBuffer(b);
    this.#external = external;
    this.#owned = owned;
    this.failure = failure;
  }

  /** True when `inputs` have the shapes and dtypes this step was recorded with. */
  accepts(inputs: readonly Tensor[]): boolean {
    return inputs.length === this.inputs.length && inputs.every((t, i) => t.dtype === this.inputs[i]!.dtype && sameShape(t.shape, this.inputs[i]!.shape));
  }

  /**
   * Null when `other` (the same step recorded again) encodes the same work: the same pipelines, workgroups, static
   * uniforms and writes, the same buffers that outlive the step and a one-to-one map between the step's own.
   * Otherwise, where they first differ.
   */
  differsFrom(other: StepRecording): string | null {
    if (this.failure || other.failure) return this.failure ?? other.failure;
    if (this.commands.length !== other.commands.length) return `the steps encoded ${this.commands.length} and ${other.commands.length} commands`;
    if (this.#effects.length !== other.#effects.length) return `the steps ran ${this.#effects.length} and ${other.#effects.length} per-step host effects`;
    const map = new Map<GPUBuffer, GPUBuffer>(), back = new Map<GPUBuffer, GPUBuffer>();
    const same = (a: GPUBuffer, b: GPUBuffer): boolean => {
      if (this.#external.has(a) || other.#external.has(b)) return a === b;
      if ((map.get(a) ?? b) !== b || (back.get(b) ?? a) !== a) return false;
      map.set(a, b);
      back.set(b, a);
      return true;
    };
    for (let i = 0; i < this.commands.length; i++) {
      const a = this.commands[i]!, b = other.commands[i]!;
      const where = `command ${i}${a.kind === 'dispatch' ? ` (kernel ${a.call.label})` : ` (${a.kind})`}`;
      if (a.kind !== b.kind) return `${where}: a ${b.kind} in the second step`;
      if (a.kind === 'dispatch' && b.kind === 'dispatch') {
        const x = a.call, y = b.call;
        if (x.pipeline !== y.pipeline || x.groups.some((g, k) => g !== y.groups[k])) return `${where}: another pipeline or grid`;
        if (x.storage.length !== y.storage.length || x.storage.some((s, k) => s.offset !== y.storage[k]!.offset || s.size !== y.storage[k]!.size || !same(s.buffer, y.storage[k]!.buffer))) {
          return `${where}: bound to other buffers (state that is replaced rather than updated in place?)`;
        }
        if (!!x.repack !== !!y.repack) return `${where}: per-step uniforms in one step only`;
        if (!sameBytes(x.fixedUniforms ?? x.uniforms, y.fixedUniforms ?? y.uniforms)) {
          return `${where}: its uniforms changed between steps but are not declared per step (StepValue)`;
        }
      } else if (a.kind === 'copy' && b.kind === 'copy') {
        if (a.input !== b.input || a.srcOffset !== b.srcOffset || a.dstOffset !== b.dstOffset || a.bytes !== b.bytes ||
          (a.input === undefined && !same(a.src, b.src)) || !same(a.dst, b.dst)) return `${where}: another copy`;
      } else if (a.kind === 'write' && b.kind === 'write') {
        if (a.offset !== b.offset || !same(a.buffer, b.buffer) || !sameBytes(a.data, b.data)) return `${where}: host data written inside the step changed`;
      }
    }
    return null;
  }

  /** Encodes and submits the step again on `inputs` (their contents are copied into the recorded input buffers). */
  replay(inputs: readonly Tensor[]): void {
    if (this.#disposed) throw new Error('StepRecording: replay() after dispose()');
    if (this.failure) throw new Error(`StepRecording: this step cannot be replayed: ${this.failure}`);
    if (!this.accepts(inputs)) {
      throw new Error(`StepRecording: replay() got inputs ${inputs.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')} but the step was recorded with ` +
        this.inputs.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', '));
    }
    for (const [b, n] of this.#external) {
      if (handOut(b) !== n) throw new Error('StepRecording: a buffer the step updates (a weight, slot or metric sum) was released since it was recorded');
    }
    const built = (this.#built ??= build(this.commands));
    for (const e of this.#effects) e();
    let lo = Infinity, hi = 0;
    for (const d of built.dynamic) {
      const bytes = d.repack();
      built.mirror.set(bytes, d.offset);
      lo = Math.min(lo, d.offset);
      hi = Math.max(hi, d.offset + bytes.byteLength);
    }
    flush(); // what produced the inputs goes first
    const { device } = gpu();
    if (hi > lo) device.queue.writeBuffer(built.uniforms!, lo, built.mirror, lo, hi - lo);
    const encoder = device.createCommandEncoder({ label: 'webgpu-nn replayed step' });
    let pass: GPUComputePassEncoder | null = null;
    let pipeline: GPUComputePipeline | null = null;
    let dispatches = 0;
    this.commands.forEach((c, i) => {
      if (c.kind === 'dispatch') {
        pass ??= encoder.beginComputePass();
        if (c.call.pipeline !== pipeline) pass.setPipeline((pipeline = c.call.pipeline));
        pass.setBindGroup(0, built.bindGroups[i]!);
        pass.dispatchWorkgroups(c.call.groups[0], c.call.groups[1], c.call.groups[2]);
        dispatches++;
        return;
      }
      pass?.end();
      pass = null;
      pipeline = null;
      const copy = built.copies[i]!;
      encoder.copyBufferToBuffer(copy.input === undefined ? copy.src : inputs[copy.input]!.storage.buffer, copy.srcOffset, copy.dst, copy.dstOffset, copy.bytes);
    });
    (pass as GPUComputePassEncoder | null)?.end();
    device.queue.submit([encoder.finish()]);
    countReplayed(dispatches);
  }

  /** Gives the step's own buffers back to the pool; the recording cannot be replayed afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const b of this.#owned) releaseBuffer(b);
    this.#built?.uniforms?.destroy();
    this.#built?.constants?.destroy();
    this.#built = null;
  }
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (!a || !b) return a === b;
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

type Copy = Extract<Command, { kind: 'copy' }>;

interface Built {
  bindGroups: Array<GPUBindGroup | undefined>;
  /** Every command that is not a dispatch, as a copy (a write copies from the constants buffer). */
  copies: Array<Copy | undefined>;
  uniforms: GPUBuffer | null;
  mirror: Uint8Array;
  dynamic: Array<{ offset: number; repack: () => Uint8Array }>;
  constants: GPUBuffer | null;
}

const UNIFORM_COPY_DST = 0x40 | 0x8;
const COPY_SRC_DST = 0x4 | 0x8;

/** Lays every dispatch's uniforms out in one buffer, writes into copies, and builds the bind groups once. */
function build(commands: readonly Command[]): Built {
  const { device, limits } = gpu();
  const align = limits.minUniformBufferOffsetAlignment;
  const offsets: number[] = [];
  let uniformBytes = 0, constantBytes = 0;
  for (const c of commands) {
    if (c.kind === 'dispatch' && c.call.uniforms) {
      uniformBytes = Math.ceil(uniformBytes / align) * align;
      offsets.push(uniformBytes);
      uniformBytes += c.call.uniforms.byteLength;
    } else offsets.push(-1);
    if (c.kind === 'write') constantBytes += Math.ceil(c.data.byteLength / 4) * 4;
  }
  const mirror = new Uint8Array(Math.max(16, Math.ceil(uniformBytes / 16) * 16));
  const uniforms = uniformBytes ? device.createBuffer({ size: mirror.byteLength, usage: UNIFORM_COPY_DST, label: 'replayed uniforms' }) : null;
  const constants = constantBytes ? device.createBuffer({ size: Math.max(16, constantBytes), usage: COPY_SRC_DST, label: 'replayed writes' }) : null;
  const built: Built = { bindGroups: [], copies: [], uniforms, mirror, dynamic: [], constants };
  let constantAt = 0;
  commands.forEach((c, i) => {
    if (c.kind === 'dispatch') {
      const entries: GPUBindGroupEntry[] = c.call.storage.map((b, k) => ({ binding: k, resource: b }));
      const u = c.call.uniforms;
      if (u) {
        mirror.set(u, offsets[i]!);
        entries.push({ binding: entries.length, resource: { buffer: uniforms!, offset: offsets[i]!, size: u.byteLength } });
        if (c.call.repack) built.dynamic.push({ offset: offsets[i]!, repack: c.call.repack });
      }
      built.bindGroups[i] = device.createBindGroup({ layout: c.call.layout, entries, label: `${c.call.label} (replayed)` });
    } else if (c.kind === 'copy') built.copies[i] = c;
    else {
      const bytes = Math.ceil(c.data.byteLength / 4) * 4;
      const padded = new Uint8Array(bytes);
      padded.set(c.data);
      device.queue.writeBuffer(constants!, constantAt, padded);
      built.copies[i] = { kind: 'copy', src: constants!, srcOffset: constantAt, dst: c.buffer, dstOffset: c.offset, bytes };
      constantAt += bytes;
    }
  });
  if (uniforms) device.queue.writeBuffer(uniforms, 0, mirror);
  return built;
}

/**
 * Runs `step` once on copies of `inputs` (made inside the recording, so a replay copies new inputs in) and
 * returns its recording. The step runs and is submitted as usual; nothing it leaves live is touched.
 */
export function captureStep(inputs: readonly Tensor[], step: (inputs: Tensor[]) => void): StepRecording {
  if (recorder) throw new Error('captureStep: a step is already being recorded');
  for (const t of inputs) if (t.device !== 'webgpu') throw new Error(`captureStep: inputs must live on the webgpu device, not '${t.device}'`);
  flush();
  const rec: Recorder = { before: liveBuffers(), commands: [], effects: [], failure: null };
  recorder = rec;
  const locals: Tensor[] = [];
  try {
    inputs.forEach((t, i) => {
      const copy = unscoped(() => Tensor.empty(t.shape, t.dtype, 'webgpu'));
      locals.push(copy);
      rec.commands.push({ kind: 'copy', src: t.storage.buffer, srcOffset: 0, dst: copy.storage.buffer, dstOffset: 0, bytes: Math.ceil(t.storage.bytes / 4) * 4, input: i });
    });
    // The input copies go into the queue too, so this very step sees them.
    flushCopies(rec.commands.slice(0, inputs.length) as Copy[]);
    step(locals);
    flush();
  } finally {
    recorder = null;
    for (const t of locals) t.dispose();
  }
  return new StepRecording(inputs.map((t) => ({ shape: [...t.shape], dtype: t.dtype })), rec);
}

function flushCopies(copies: readonly Copy[]): void {
  const { device } = gpu();
  const encoder = device.createCommandEncoder({ label: 'step inputs' });
  for (const c of copies) encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
  device.queue.submit([encoder.finish()]);
}
