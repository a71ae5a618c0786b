// The three systems bench:compare runs side by side: webgpu-nn, tfjs-backend-webgpu on the same Dawn adapter, and
// tfjs-backend-wasm (single-threaded SIMD under Node, the CPU reference). TensorFlow.js is a devDependency used
// only here; it is imported after Dawn's globals and navigator.gpu are installed, as its WebGPU backend needs.
import { createRequire } from 'node:module';
import { sync } from '../../src/index.js';

export type SystemName = 'webgpu_nn' | 'tfjs_webgpu' | 'tfjs_wasm';
export const SYSTEMS: readonly SystemName[] = ['webgpu_nn', 'tfjs_webgpu', 'tfjs_wasm'];
export const LABEL: Record<SystemName, string> = { webgpu_nn: 'webgpu-nn', tfjs_webgpu: 'tfjs-webgpu', tfjs_wasm: 'tfjs-wasm' };

/** One system's prepared work: `run(n)` does it n times and resolves once the device has finished. */
export interface Runner {
  run(iterations: number): Promise<void>;
  dispose(): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;
let tfjs: { tf: Tf; layers: Tf } | null = null;
let dispatchCount = 0;

/** Installs Dawn's globals, a navigator.gpu for tfjs, a dispatch counter on every compute pass, then loads tfjs. */
export async function loadTfjs(): Promise<{ tf: Tf; layers: Tf }> {
  if (tfjs) return tfjs;
  const webgpu = createRequire(import.meta.url)('webgpu') as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, webgpu.globals);
  // NOTE: navigator keeps the GPU object alive; dawn.node crashes if it is collected while a device is in use.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
  const proto = (globalThis as unknown as { GPUComputePassEncoder: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder.prototype;
  const dispatchWorkgroups = proto.dispatchWorkgroups;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
    dispatchCount++;
    return dispatchWorkgroups.apply(this, a);
  };
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await import('@tensorflow/tfjs-backend-wasm');
  const layers = await import('@tensorflow/tfjs-layers');
  tf.env().set('PROD', true);
  tfjs = { tf, layers };
  return tfjs;
}

/** Compute dispatches recorded by any system since the process started. */
export function dispatches(): number {
  return dispatchCount;
}

/** Makes `system` tfjs's active backend (a no-op for webgpu-nn). Backends stay initialised between switches. */
export async function activate(system: SystemName): Promise<void> {
  if (system === 'webgpu_nn') return;
  const { tf } = await loadTfjs();
  const name = system === 'tfjs_webgpu' ? 'webgpu' : 'wasm';
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialise`);
}

/** Waits until the active system's device has finished everything recorded. */
export async function drain(system: SystemName): Promise<void> {
  if (system === 'webgpu_nn') return sync();
  if (system === 'tfjs_wasm') return; // wasm kernels run synchronously
  const b = tfjs!.tf.backend();
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.submitQueue();
  await b.device.queue.onSubmittedWorkDone();
}

/** A tfjs runner: `op` runs inside tidy (its tensors are freed), then the backend drains. */
export function tfjsRunner(system: SystemName, op: () => unknown, inputs: Array<{ dispose(): void }>): Runner {
  const { tf } = tfjs!;
  return {
    async run(n) {
      await activate(system);
      for (let i = 0; i < n; i++) tf.tidy(() => void op());
      await drain(system);
    },
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}
