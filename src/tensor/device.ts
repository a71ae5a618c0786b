// Opens and closes the one shared WebGPU device (Dawn's node bindings). The only importer of 'webgpu'.
// Ops encode synchronously, so the device must be opened once, asynchronously, with `init()` before any op.

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { installPolitePolling } from './polling.js';

export interface DeviceInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** True for CPU-backed adapters such as Mesa's lavapipe. */
  isSoftware: boolean;
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  features: string[];
}

export interface Gpu {
  device: GPUDevice;
  info: DeviceInfo;
  limits: GPUSupportedLimits;
  /** Adapter features the device was opened with (e.g. 'timestamp-query'). */
  features: Set<string>;
}

/** Thrown when no WebGPU adapter can be had; its message is the one sentence users see. */
export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}

const SETUP_HINT =
  'webgpu-nn found no WebGPU adapter: install a Vulkan driver (on Debian/Ubuntu, as root, `npm run setup` installs ' +
  "libvulkan1 and Mesa's lavapipe from bookworm-backports), or run on a machine with a GPU.";

// NOTE: dawn.node segfaults if the object that create() returns is garbage-collected while a device is in use,
// so it lives in this module for the life of the process.
let dawn: { gpu: GPU } | null = null;
let current: Gpu | null = null;
let opening: Promise<Gpu> | null = null;
let lostReason: string | null = null;
const uncaptured: string[] = [];

/** Limits requested from the adapter instead of WebGPU's small defaults. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindingsPerBindGroup',
] as const;

const OPTIONAL_FEATURES = ['timestamp-query', 'subgroups', 'shader-f16'] as const;

/**
 * On Linux, the reason Vulkan cannot work here (no loader library, or no driver manifest where the loader looks),
 * or null. Checked before Dawn starts so a machine without a driver gets our one sentence instead of Dawn's
 * native warnings.
 */
function missingVulkan(): string | null {
  if (process.platform !== 'linux') return null;
  const override = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (override) {
    return override.split(':').some((f) => f && existsSync(f)) ? null : `no Vulkan driver manifest exists at ${override} (VK_DRIVER_FILES / VK_ICD_FILENAMES)`;
  }
  const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  if (!libDirs.some((d) => existsSync(`${d}/libvulkan.so.1`))) return 'the Vulkan loader (libvulkan.so.1) is not installed';
  const xdg = [process.env.XDG_CONFIG_DIRS ?? '/etc/xdg', process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share'].flatMap((v) => v.split(':'));
  const dirs = ['/etc', '/usr/local/share', '/usr/share', ...xdg].map((d) => `${d}/vulkan/icd.d`);
  const hasManifest = dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
  return hasManifest ? null : 'no Vulkan driver (ICD manifest in /usr/share/vulkan/icd.d) is installed';
}

function loadDawn(): { gpu: GPU } {
  if (dawn) return dawn;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const missing = missingVulkan();
  if (missing) throw new NoAdapterError(`${SETUP_HINT} (${missing})`);
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = createRequire(import.meta.url)('webgpu') as typeof mod;
  } catch (err) {
    throw new NoAdapterError(`${SETUP_HINT} (the 'webgpu' npm package failed to load: ${(err as Error).message})`);
  }
  Object.assign(globalThis, mod.globals);
  installPolitePolling();
  dawn = { gpu: mod.create([]) };
  (globalThis as Record<string, unknown>).__webgpuNnDawn = dawn;
  return dawn;
}

async function open(): Promise<Gpu> {
  const { gpu } = loadDawn();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterError(SETUP_HINT);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'webgpu-nn' });
  device.lost.then((info) => {
    // A device closed on purpose is no longer `current`; anything else is a real loss (driver reset, OOM kill).
    if (current?.device !== device) return;
    lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    for (const hook of closeHooks) hook();
    current = null;
  });
  device.addEventListener('uncapturederror', (event) => {
    uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const a = adapter.info;
  const description = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`.trim();
  const info: DeviceInfo = {
    vendor: a.vendor,
    architecture: a.architecture,
    description,
    isSoftware: /llvmpipe|lavapipe|swiftshader|software/i.test(description),
    subgroupMinSize: (a as unknown as { subgroupMinSize?: number }).subgroupMinSize,
    subgroupMaxSize: (a as unknown as { subgroupMaxSize?: number }).subgroupMaxSize,
    features: [...device.features],
  };
  return { device, info, limits: device.limits, features: new Set(device.features) };
}

/** Opens the shared device once; later calls return the same one. */
export function init(): Promise<Gpu> {
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
    },
  );
  return opening;
}

/** The open device. Throws a clear error before `init()` or after the device was lost. */
export function gpu(): Gpu {
  if (current) return current;
  if (lostReason) {
    throw new Error(`webgpu-nn: the WebGPU device was lost (${lostReason}); tensors on it are gone: await init() to open a new device`);
  }
  throw new Error('webgpu-nn: no WebGPU device is open; await init() before running ops');
}

export function isOpen(): boolean {
  return current !== null;
}

/** Records an asynchronously detected error (e.g. a shader that failed to compile) for the next readback. */
export function reportError(message: string): void {
  uncaptured.push(message);
}

/** Errors Dawn reported asynchronously since the last call (validation, out-of-memory). */
export function takeUncapturedErrors(): string[] {
  return uncaptured.splice(0, uncaptured.length);
}

const closeHooks: Array<() => void> = [];

/** Modules that cache device objects (pool, pipelines) register here to drop them when the device closes. */
export function onClose(hook: () => void): void {
  closeHooks.push(hook);
}

/** Destroys the device so the process can exit. A later `init()` opens a fresh one. */
export function close(): void {
  if (!current) return;
  for (const hook of closeHooks) hook();
  const { device } = current;
  current = null;
  device.destroy();
}
