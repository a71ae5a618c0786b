// Refcounted storage: a pooled GPUBuffer on the 'webgpu' device, or a Float64Array on the 'cpu' reference device.
// Views (reshape) share one Storage and add a reference; the buffer returns to the pool when the last one goes.
// A buffer remembers its device's generation, so using it after close() or a loss is one clear error.

import { onClose } from './device.js';
import { acquireBuffer, releaseBuffer } from './pool.js';
import { BYTES_PER_ELEMENT, type DType } from './shape.js';

export type DeviceKind = 'webgpu' | 'cpu';

/** Counts closed (or lost) devices: a buffer of an earlier generation belongs to a device that is gone. */
let generation = 0;
onClose(() => generation++);

export class Storage {
  readonly device: DeviceKind;
  /** Elements of the storage's dtype. */
  readonly elems: number;
  /** Logical bytes (u8 data is packed four to a u32 word on the GPU). */
  readonly bytes: number;
  #buffer: GPUBuffer | null;
  #data: Float64Array | null;
  #refs = 1;
  readonly #generation = generation;

  private constructor(device: DeviceKind, elems: number, bytes: number, buffer: GPUBuffer | null, data: Float64Array | null) {
    this.device = device;
    this.elems = elems;
    this.bytes = bytes;
    this.#buffer = buffer;
    this.#data = data;
  }

  static alloc(device: DeviceKind, elems: number, dtype: DType, label?: string): Storage {
    const bytes = elems * BYTES_PER_ELEMENT[dtype];
    if (device === 'cpu') return new Storage('cpu', elems, bytes, null, new Float64Array(elems));
    return new Storage('webgpu', elems, bytes, acquireBuffer(bytes, label), null);
  }

  get refs(): number {
    return this.#refs;
  }

  get released(): boolean {
    return this.#refs === 0;
  }

  /** True for a GPU buffer of a device that was closed or lost since it was allocated. */
  get stale(): boolean {
    return this.#buffer !== null && this.#generation !== generation;
  }

  /** The GPU buffer; throws on the CPU device, after release, or when its device is gone. */
  get buffer(): GPUBuffer {
    if (!this.#buffer) throw new Error(this.#refs === 0 ? 'storage was used after it was released' : 'storage lives on the cpu device');
    if (this.stale) throw new Error(`a tensor was used but ${Storage.staleMessage}`);
    return this.#buffer;
  }

  /** The Float64 values on the CPU device. */
  get data(): Float64Array {
    if (!this.#data) throw new Error(this.#refs === 0 ? 'storage was used after it was released' : 'storage lives on the webgpu device');
    return this.#data;
  }

  /** Bytes bound for a shader: the logical size rounded up to 16 (the pool's buckets are at least that big). */
  get bindBytes(): number {
    return Math.max(16, Math.ceil(this.bytes / 16) * 16);
  }

  retain(): this {
    if (this.#refs === 0) throw new Error('storage was used after it was released');
    this.#refs++;
    return this;
  }

  /** What to say when a tensor of a closed or lost device is used. */
  static readonly staleMessage = 'it belongs to a WebGPU device that was closed or lost; tensors do not survive close() or a device loss: ' +
    'make it again after init() (weights: loadWeights)';

  release(): void {
    if (this.#refs === 0) return;
    if (--this.#refs > 0) return;
    if (this.#buffer) releaseBuffer(this.#buffer);
    this.#buffer = null;
    this.#data = null;
  }
}
