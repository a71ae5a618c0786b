// Puts every dispatch into one command encoder and submits only on readback, on an explicit flush (the end of a
// training step) or every `maxPendingDispatches`. Uniforms go into a CPU arena that is written to GPU chunks just
// before the submit, so a step costs a handful of writeBuffer calls rather than one per dispatch.

import { recordCommand, recordFailure } from './capture.js';
import { gpu, onClose, takeUncapturedErrors } from './device.js';

const UNIFORM_CHUNK_BYTES = 65536;
const MAP_READ_COPY_DST = 0x1 | 0x8;
const UNIFORM_COPY_DST = 0x40 | 0x8;

export interface BufferBinding {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

export interface DispatchCall {
  label: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Storage bindings in declaration order; the uniform block (if any) is bound after them. */
  storage: BufferBinding[];
  uniforms: Uint8Array | null;
  /** Packs the uniforms again from per-step values (capture.ts StepValue): what a replayed step calls. */
  repack?: () => Uint8Array;
  /** With `repack`: the uniforms with the per-step values packed as 0 (two recordings must agree on them). */
  fixedUniforms?: Uint8Array;
  groups: readonly [number, number, number];
}

/** An observer of every dispatch (the step profiler): it may give a dispatch its own timestamped pass. */
export interface DispatchHook {
  /** Timestamp writes for this dispatch's own pass, or undefined to record it into the shared pass. */
  passTimestamps(call: DispatchCall): GPUComputePassTimestampWrites | undefined;
  /** Called after the dispatch is encoded, with the host time its encoding took. */
  recorded(call: DispatchCall, hostMs: number): void;
  /** Called with the encoder just before it is finished and submitted (to resolve queries into buffers). */
  beforeSubmit(encoder: GPUCommandEncoder): void;
  /** Called right after the submit. */
  submitted(): void;
}

interface UniformChunk {
  buffer: GPUBuffer;
  mirror: Uint8Array;
  used: number;
}

let encoder: GPUCommandEncoder | null = null;
let pass: GPUComputePassEncoder | null = null;
let pending = 0;
const chunks: UniformChunk[] = [];
let chunkIndex = 0;
const stats = { dispatches: 0, submits: 0, replayed: 0 };
let hook: DispatchHook | null = null;

/** Installs (or with null removes) the dispatch observer; what was recorded before is submitted first. */
export function setDispatchHook(h: DispatchHook | null): void {
  flush();
  hook = h;
}

/**
 * Dispatches recorded before an automatic submit. Small batches let the adapter run while JS encodes the rest:
 * on lavapipe 32 measured 19 us/dispatch against 31 us for one submit per 200 (bench dispatch/batched).
 */
const maxPendingDispatches = 32;

function ensureEncoder(): GPUCommandEncoder {
  encoder ??= gpu().device.createCommandEncoder({ label: 'webgpu-nn step' });
  return encoder;
}

function ensurePass(): GPUComputePassEncoder {
  pass ??= ensureEncoder().beginComputePass();
  return pass;
}

function endPass(): void {
  pass?.end();
  pass = null;
}

function uniformSlot(bytes: number): { chunk: UniformChunk; offset: number } {
  const align = gpu().limits.minUniformBufferOffsetAlignment;
  for (;;) {
    let chunk = chunks[chunkIndex];
    if (!chunk) {
      const buffer = gpu().device.createBuffer({ size: UNIFORM_CHUNK_BYTES, usage: UNIFORM_COPY_DST, label: 'uniforms' });
      chunk = { buffer, mirror: new Uint8Array(UNIFORM_CHUNK_BYTES), used: 0 };
      chunks.push(chunk);
    }
    const offset = Math.ceil(chunk.used / align) * align;
    if (offset + bytes <= UNIFORM_CHUNK_BYTES) {
      chunk.used = offset + bytes;
      return { chunk, offset };
    }
    chunkIndex++;
  }
}

/** Records one compute dispatch. */
export function dispatch(call: DispatchCall): void {
  const { device } = gpu();
  const t0 = hook ? performance.now() : 0;
  const timestampWrites = hook?.passTimestamps(call);
  if (timestampWrites) {
    endPass();
    pass = ensureEncoder().beginComputePass({ timestampWrites });
  }
  const entries: GPUBindGroupEntry[] = call.storage.map((b, i) => ({ binding: i, resource: b }));
  if (call.uniforms) {
    const { chunk, offset } = uniformSlot(call.uniforms.byteLength);
    chunk.mirror.set(call.uniforms, offset);
    entries.push({ binding: entries.length, resource: { buffer: chunk.buffer, offset, size: call.uniforms.byteLength } });
  }
  const bindGroup = device.createBindGroup({ layout: call.layout, entries, label: call.label });
  const p = ensurePass();
  p.setPipeline(call.pipeline);
  p.setBindGroup(0, bindGroup);
  p.dispatchWorkgroups(call.groups[0], call.groups[1], call.groups[2]);
  if (timestampWrites) endPass();
  hook?.recorded(call, performance.now() - t0);
  recordCommand({ kind: 'dispatch', call });
  pending++;
  stats.dispatches++;
  if (pending >= maxPendingDispatches) flush();
}

/** Records a buffer-to-buffer copy (sizes and offsets multiples of 4). */
export function copyBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
  endPass();
  ensureEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  recordCommand({ kind: 'copy', src, srcOffset, dst, dstOffset, bytes });
  pending++;
}

/** Submits whatever was recorded. Cheap when nothing is pending. */
export function flush(): void {
  if (!encoder) return;
  endPass();
  const { device } = gpu();
  for (let i = 0; i <= chunkIndex && i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.used > 0) device.queue.writeBuffer(c.buffer, 0, c.mirror, 0, Math.ceil(c.used / 4) * 4);
    c.used = 0;
  }
  chunkIndex = 0;
  hook?.beforeSubmit(encoder);
  device.queue.submit([encoder.finish()]);
  encoder = null;
  pending = 0;
  stats.submits++;
  hook?.submitted();
}

/** Flushes and resolves when the GPU has finished what was submitted so far (errors are left for the next sync). */
export function whenDone(): Promise<void> {
  flush();
  return gpu().device.queue.onSubmittedWorkDone();
}

/** Flushes and waits until the GPU has finished everything submitted so far. */
export async function sync(): Promise<void> {
  flush();
  await gpu().device.queue.onSubmittedWorkDone();
  throwUncaptured();
}

function throwUncaptured(): void {
  // Compile failures first: every later error is usually "invalid due to a previous error".
  const errors = takeUncapturedErrors().sort((a, b) => Number(b.includes('failed to compile')) - Number(a.includes('failed to compile')));
  if (errors.length) throw new Error(`WebGPU reported ${errors.length} error(s): ${errors.slice(0, 3).join(' | ')}`);
}

/**
 * Writes host data into a buffer. Anything recorded but unsubmitted is submitted first: queue.writeBuffer runs
 * ahead of unsubmitted commands, and a pooled buffer may still be read by one of them.
 */
export function writeBuffer(buffer: GPUBuffer, offset: number, data: ArrayBufferView): void {
  if (pending > 0) flush();
  let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength % 4 !== 0) {
    const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
    padded.set(bytes);
    bytes = padded;
  }
  gpu().device.queue.writeBuffer(buffer, offset, bytes);
  recordCommand({ kind: 'write', buffer, offset, data: bytes.slice() });
}

const staging = new Map<number, GPUBuffer[]>();

/**
 * A device-side assertion: a small buffer that checking kernels write a fault into. While armed (a checking
 * kernel was recorded since the last look) it is copied back with every readback, in the same submit, and
 * `inspect` may throw to report the fault: checks without a readback of their own.
 */
export interface ReadbackProbe {
  armed(): boolean;
  buffer(): GPUBuffer;
  bytes: number;
  /** Sees the buffer's contents once the readback is done; disarms; throws to report a fault. */
  inspect(data: ArrayBuffer): void;
}
const probes: ReadbackProbe[] = [];

export function addReadbackProbe(p: ReadbackProbe): void {
  probes.push(p);
}

async function readRaw(buffer: GPUBuffer, offset: number, bytes: number, afterCopy: () => Promise<ArrayBuffer[]> = async () => []): Promise<[ArrayBuffer, ArrayBuffer[]]> {
  recordFailure('the step reads data back (a host sync inside the step)');
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const bucket = 2 ** Math.ceil(Math.log2(Math.max(256, size)));
  const readBack = staging.get(bucket)?.pop() ??
    gpu().device.createBuffer({ size: bucket, usage: MAP_READ_COPY_DST, label: 'readback' });
  copyBuffer(buffer, offset, readBack, 0, size);
  const extra = afterCopy();
  flush();
  try {
    await readBack.mapAsync(GPUMapMode.READ, 0, size);
  } catch (err) {
    throwUncaptured();
    throw new Error(`readback failed: ${(err as Error).message}`);
  }
  const out = readBack.getMappedRange(0, size).slice(0, bytes);
  readBack.unmap();
  let bucketList = staging.get(bucket);
  if (!bucketList) staging.set(bucket, (bucketList = []));
  bucketList.push(readBack);
  throwUncaptured();
  return [out, await extra];
}

/** Copies `bytes` from a buffer back to the host. The only way data leaves the GPU. */
export async function readBuffer(buffer: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
  const armed = probes.filter((p) => p.armed());
  if (!armed.length) return (await readRaw(buffer, offset, bytes))[0];
  // The probes' copies are recorded before the shared submit, so one wait brings everything back.
  const [out, faults] = await readRaw(buffer, offset, bytes, () => Promise.all(armed.map((p) => readRaw(p.buffer(), 0, p.bytes).then(([d]) => d))));
  armed.forEach((p, i) => p.inspect(faults[i]!));
  return out;
}

/** Counts a replayed step's dispatches and its one submit (capture.ts encodes them itself). */
export function countReplayed(dispatches: number): void {
  stats.dispatches += dispatches;
  stats.submits++;
  stats.replayed++;
}

/** Dispatches and submits so far, replayed steps among them (`replayed`), and dispatches not yet submitted. */
export function recorderStats(): { dispatches: number; submits: number; replayed: number; pending: number } {
  return { ...stats, pending };
}

onClose(() => {
  encoder = null;
  pass = null;
  pending = 0;
  for (const c of chunks) c.buffer.destroy();
  chunks.length = 0;
  chunkIndex = 0;
  for (const list of staging.values()) for (const b of list) b.destroy();
  staging.clear();
});
