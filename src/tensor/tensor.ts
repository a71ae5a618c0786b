// Tensor = shape + dtype + refcounted storage (+ autograd fields). Always contiguous, row-major; a view (reshape)
// shares storage. Data leaves the device only through `await t.data()`.

import { gpu } from './device.js';
import { readBuffer, writeBuffer } from './queue.js';
import { adopt, type Scope } from './scope.js';
import { assertValidShape, fmtShape, sizeOf, type DType, type Shape } from './shape.js';
import { Storage, type DeviceKind } from './storage.js';

/** What autograd hangs on an op's output; kept abstract so src/tensor does not know about the tape. */
export interface GradNode {
  readonly opName: string;
  release(): void;
}

/** What `data()` returns: the dtype's typed array, on every device. */
export type HostArray = Float32Array | Int32Array | Uint8Array;
export type HostData = HostArray | Float64Array | readonly number[];

let nextId = 1;
let liveCount = 0;
let defaultDevice: DeviceKind = 'webgpu';
const DEBUG = process.env.WEBGPU_NN_DEBUG === '1';
const leaked = DEBUG
  ? new FinalizationRegistry<string>((stack) => console.warn(`webgpu-nn: a tensor was garbage-collected without dispose()\n${stack}`))
  : null;

export function setDefaultDevice(device: DeviceKind): void {
  defaultDevice = device;
}
export function getDefaultDevice(): DeviceKind {
  return defaultDevice;
}

/** Tensors created and not yet disposed (the leak tests watch this). */
export function liveTensors(): number {
  return liveCount;
}

export class Tensor {
  readonly isTensor = true;
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly storage: Storage;
  /** Set on leaves (parameters) and on op outputs whose inputs need gradients. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`; owned by this tensor. */
  grad: Tensor | null = null;
  /** The tape node that produced this tensor, while the graph is alive. */
  node: GradNode | null = null;
  /** Scope that will dispose this tensor, or null when the caller owns it. */
  owner: Scope | null;
  name: string | undefined;
  #disposed = false;

  constructor(shape: Shape, dtype: DType, storage: Storage) {
    if (storage.elems !== sizeOf(shape)) {
      throw new Error(`Tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements but its storage holds ${storage.elems}`);
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.storage = storage;
    this.owner = adopt(this);
    liveCount++;
    if (leaked) leaked.register(this, new Error(`tensor ${fmtShape(shape)} created`).stack ?? '', this);
  }

  /** An uninitialised tensor whose kernel will write every element. */
  static empty(shape: Shape, dtype: DType = 'f32', device: DeviceKind = defaultDevice): Tensor {
    assertValidShape(shape, 'empty');
    return new Tensor(shape, dtype, Storage.alloc(device, sizeOf(shape), dtype));
  }

  get size(): number {
    return this.storage.elems;
  }
  get rank(): number {
    return this.shape.length;
  }
  get device(): DeviceKind {
    return this.storage.device;
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Throws `op: input 'name' [shape] was used after dispose()` for a disposed tensor. */
  assertAlive(op: string, inputName = 'x'): void {
    if (this.#disposed) throw new Error(`${op}: input '${inputName}' ${fmtShape(this.shape)} was used after dispose()`);
  }

  /** A tensor of another shape over the same storage (no copy). Not differentiable: use the reshape op for that. */
  view(shape: Shape): Tensor {
    this.assertAlive('view');
    if (sizeOf(shape) !== this.size) throw new Error(`reshape: cannot view ${fmtShape(this.shape)} (${this.size} elements) as ${fmtShape(shape)}`);
    return new Tensor(shape, this.dtype, this.storage.retain());
  }

  /** Releases this tensor's reference to its storage and its autograd node. Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    liveCount--;
    leaked?.unregister(this);
    this.owner?.tensors.delete(this);
    this.owner = null;
    this.node?.release();
    this.node = null;
    this.grad?.dispose();
    this.grad = null;
    this.storage.release();
  }

  /**
   * Copies the values to the host: Float32Array for f32, Int32Array for i32, Uint8Array for u8, on both devices
   * (the 'cpu' device's Float64 values are rounded to the dtype; `storage.data` keeps them at full precision).
   */
  async data(): Promise<HostArray> {
    this.assertAlive('data');
    if (this.device === 'cpu') {
      const d = this.storage.data;
      return this.dtype === 'f32' ? Float32Array.from(d) : this.dtype === 'i32' ? Int32Array.from(d) : Uint8Array.from(d);
    }
    const bytes = await readBuffer(this.storage.buffer, 0, this.storage.bytes);
    if (this.dtype === 'f32') return new Float32Array(bytes);
    if (this.dtype === 'i32') return new Int32Array(bytes);
    return new Uint8Array(bytes);
  }

  /** The values as a plain number array. */
  async toArray(): Promise<number[]> {
    return Array.from(await this.data());
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    return (await this.data())[0]!;
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.device}${this.#disposed ? ', disposed' : ''})`;
  }
}

function checkHostData(data: HostData, shape: Shape, dtype: DType): void {
  assertValidShape(shape, 'tensor');
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  if (dtype === 'u8' && !(data instanceof Uint8Array)) {
    for (const v of data) if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`tensor: u8 value ${v} is outside 0..255`);
  }
}

export interface TensorOptions {
  /** 'f32' (default), 'i32' or 'u8'. */
  dtype?: DType;
  /** 'webgpu' or 'cpu'; defaults to setDefaultDevice's choice. */
  device?: DeviceKind;
}

const DTYPES: readonly DType[] = ['f32', 'i32', 'u8'];
const DEVICES: readonly DeviceKind[] = ['webgpu', 'cpu'];

/** Throws `op: dtype 'x' is not supported (expected one of 'f32', 'i32', 'u8')` for an unknown dtype. */
export function assertDType(dtype: unknown, op: string): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new Error(`${op}: dtype ${JSON.stringify(dtype)} is not supported (expected one of ${DTYPES.map((d) => `'${d}'`).join(', ')})`);
  }
}

/** Throws `op: device 'x' is not supported (expected 'webgpu' or 'cpu')` for an unknown device. */
export function assertDevice(device: unknown, op: string): asserts device is DeviceKind {
  if (!DEVICES.includes(device as DeviceKind)) throw new Error(`${op}: device ${JSON.stringify(device)} is not supported (expected 'webgpu' or 'cpu')`);
}

/** Uploads host values into a new tensor (one writeBuffer): tensor(data, shape, { dtype, device }). */
export function tensor(data: HostData, shape: Shape = [data.length], o: TensorOptions = {}): Tensor {
  if (typeof o !== 'object' || o === null) throw new Error(`tensor: the third argument must be an options object { dtype, device }, got ${JSON.stringify(o)}`);
  const dtype = o.dtype ?? 'f32';
  const device = o.device ?? defaultDevice;
  assertDType(dtype, 'tensor');
  assertDevice(device, 'tensor');
  checkHostData(data, shape, dtype);
  const t = Tensor.empty(shape, dtype, device);
  writeInto(t, data);
  return t;
}

/** Overwrites a tensor's values from the host (same element count and dtype rules as `tensor`). */
export function writeInto(t: Tensor, data: HostData): void {
  t.assertAlive('write');
  checkHostData(data, t.shape, t.dtype);
  if (t.device === 'cpu') {
    t.storage.data.set(data as ArrayLike<number>);
    return;
  }
  gpu();
  const typed =
    t.dtype === 'f32' ? (data instanceof Float32Array ? data : Float32Array.from(data))
    : t.dtype === 'i32' ? (data instanceof Int32Array ? data : Int32Array.from(data))
    : data instanceof Uint8Array ? data : Uint8Array.from(data);
  writeBuffer(t.storage.buffer, 0, typed);
}
