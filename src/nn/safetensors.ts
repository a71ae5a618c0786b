// Weights on disk in the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}} padded with spaces to a
// multiple of 8, then the raw little-endian tensor bytes, which must tile the data region with no hole or overlap.
// Files are written to a temporary sibling, fsynced and renamed, so a crash never leaves a half-written file, and
// carry a SHA-256 in their metadata (safetensors_checksum.ts), so a damaged one is refused instead of loaded.

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fmtShape, sameShape, type DType } from '../tensor/shape.js';
import { writeInto, type HostArray } from '../tensor/tensor.js';
import type { NamedTensor } from './weights.js';
import { CHECKSUM_KEY, CHECKSUM_PLACEHOLDER, digestOffset, newChecksum, verifyChecksum } from './safetensors_checksum.js';

export type SafetensorsDType =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL' | 'F8_E4M3' | 'F8_E5M2';

const DTYPE_BYTES: Record<SafetensorsDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};
const FROM_DTYPE: Record<DType, SafetensorsDType> = { f32: 'F32', i32: 'I32', u8: 'U8' };
/** Header sizes above this are rejected before parsing (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

/** One tensor of a decoded file: raw little-endian bytes (a view into the file buffer). */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** The file's metadata, less the checksum field. */
  metadata: Record<string, string> | null;
  /** Whether the file carried a checksum (it matched, or decoding would have thrown). */
  checksummed: boolean;
  /** Tensors in data order. */
  tensors: Map<string, SafetensorsEntry>;
}

export interface EncodeEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** Size of the data in bytes; must equal prod(shape) * dtype size. */
  byteLength: number;
}

if (endianness() !== 'LE') throw new Error('safetensors: this module assumes a little-endian host');

/** The 8-byte length prefix plus the space-padded JSON header for `entries` laid out back to back, in order. */
export function encodeHeader(entries: readonly EncodeEntry[], metadata?: Record<string, string> | null): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new Error(`safetensors: metadata '${k}' must be a string`);
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const e of entries) {
    if (e.name === METADATA_KEY) throw new Error(`safetensors: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (e.name in header) throw new Error(`safetensors: duplicate tensor name '${e.name}'`);
    const want = e.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[e.dtype];
    if (e.byteLength !== want) {
      throw new Error(`safetensors: '${e.name}' ${e.dtype} ${fmtShape(e.shape)} needs ${want} bytes but has ${e.byteLength}`);
    }
    header[e.name] = { dtype: e.dtype, shape: [...e.shape], data_offsets: [offset, offset + e.byteLength] };
    offset += e.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

/** The caller's metadata plus the checksum field's placeholder, which is patched once the data is hashed. */
function withChecksumField(metadata: Record<string, string> | null | undefined): Record<string, string> {
  if (metadata && CHECKSUM_KEY in metadata) throw new Error(`safetensors: metadata '${CHECKSUM_KEY}' is reserved for the file's checksum`);
  return { ...metadata, [CHECKSUM_KEY]: CHECKSUM_PLACEHOLDER };
}

/** A complete file in memory (header + data, checksummed as saves are), for tests and small payloads. */
export function encodeSafetensors(entries: ReadonlyArray<{ name: string; dtype: SafetensorsDType; shape: readonly number[]; bytes: Uint8Array }>,
  metadata?: Record<string, string> | null): Uint8Array {
  const head = encodeHeader(entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, byteLength: e.bytes.length })), withChecksumField(metadata));
  const out = new Uint8Array(head.length + entries.reduce((a, e) => a + e.bytes.length, 0));
  out.set(head);
  let at = head.length;
  for (const e of entries) {
    out.set(e.bytes, at);
    at += e.bytes.length;
  }
  out.set(Buffer.from(newChecksum().update(out).digest('hex')), digestOffset(head, CHECKSUM_PLACEHOLDER));
  return out;
}

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && v >= 0);
}

/** Parses and validates a whole file; every error names `source` and the offending tensor. */
export function decodeSafetensors(buf: Uint8Array, source = 'safetensors'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (buf.length < 8) fail(`truncated: ${buf.length} bytes, shorter than the 8-byte header length`);
  const n = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file, or corrupt)`);
  const headerBytes = Number(n);
  if (8 + headerBytes > buf.length) fail(`header length ${headerBytes} runs past the end of the file (${buf.length} bytes): truncated`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerBytes));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('header does not start with \'{\'');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON: ${(err as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return fail('header is not a JSON object');
  const data = buf.subarray(8 + headerBytes);
  let metadata: Record<string, string> | null = null;
  const spans: Array<{ name: string; begin: number; end: number; dtype: SafetensorsDType; shape: number[] }> = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        fail(`'${METADATA_KEY}' must map strings to strings`);
      }
      metadata = info as Record<string, string>;
      continue;
    }
    const e = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (e === null || typeof e !== 'object') return fail(`'${name}' is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) return fail(`'${name}' has unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!isIntArray(e.shape)) return fail(`'${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    if (!isIntArray(e.data_offsets) || e.data_offsets.length !== 2 || e.data_offsets[0]! > e.data_offsets[1]!) {
      return fail(`'${name}' has invalid data_offsets ${JSON.stringify(e.data_offsets)}`);
    }
    const dtype = e.dtype as SafetensorsDType;
    const [begin, end] = e.data_offsets as [number, number];
    const want = e.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (end - begin !== want) {
      fail(`'${name}' ${dtype} ${fmtShape(e.shape)} needs ${want} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    if (end > data.length) fail(`'${name}' data_offsets [${begin}, ${end}] run past the end of the data (${data.length} bytes): truncated`);
    spans.push({ name, begin, end, dtype, shape: e.shape });
  }
  // The data must be tiled exactly: sorted by offset, each tensor starts where the previous one ended.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin < at) fail(`'${s.name}' data_offsets [${s.begin}, ${s.end}] overlap the previous tensor (which ends at ${at})`);
    if (s.begin > at) fail(`bytes [${at}, ${s.begin}) before '${s.name}' belong to no tensor (a hole in the data)`);
    at = s.end;
  }
  if (at !== data.length) fail(`${data.length - at} trailing bytes after the last tensor belong to no tensor`);
  const digest = metadata?.[CHECKSUM_KEY];
  if (digest !== undefined) {
    verifyChecksum(buf, 8 + headerBytes, digest, fail);
    const { [CHECKSUM_KEY]: _, ...rest } = metadata!;
    metadata = Object.keys(rest).length ? rest : null;
  }
  const tensors = new Map<string, SafetensorsEntry>();
  for (const s of spans) tensors.set(s.name, { dtype: s.dtype, shape: s.shape, bytes: data.subarray(s.begin, s.end) });
  return { metadata, checksummed: digest !== undefined, tensors };
}

/** The values of an F32, I32, U8 or F64 entry as a typed array (copied, so alignment never matters). */
export function entryValues(e: SafetensorsEntry): Float32Array | Int32Array | Uint8Array | Float64Array {
  const bytes = e.bytes.slice();
  if (e.dtype === 'F32') return new Float32Array(bytes.buffer);
  if (e.dtype === 'I32') return new Int32Array(bytes.buffer);
  if (e.dtype === 'U8') return bytes;
  if (e.dtype === 'F64') return new Float64Array(bytes.buffer);
  throw new Error(`safetensors: reading ${e.dtype} values is not supported (F32, I32, U8, F64 are)`);
}

export interface SaveOptions {
  metadata?: Record<string, string> | null;
  /** Bytes per write call (default 16 MiB). */
  chunkBytes?: number;
  /** Called after each chunk reaches the temporary file; a test hook to simulate a crash mid-write by throwing. */
  afterChunk?: (bytesWritten: number) => void;
}

function hostBytes(typed: HostArray): Uint8Array {
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/**
 * Writes `tensors` (read back one at a time) to `path` atomically: a temporary file in the same directory is
 * written, fsynced and renamed over `path`, then the directory is fsynced. On any error the temporary file is
 * removed and an existing file at `path` is left untouched. Temp files of earlier, killed saves are removed first.
 */
/** Whether a process with this id is running (a temp file of a live writer must be left alone). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temp files that a killed earlier save of `path` left behind (`.<name>.<pid>.<hex>.tmp`, pid gone). */
async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (m && !processAlive(Number(m[1]))) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

export async function saveSafetensors(path: string, tensors: readonly NamedTensor[], opts: SaveOptions = {}): Promise<void> {
  await removeStaleTemps(path);
  const entries = tensors.map(({ name, tensor }) => {
    tensor.assertAlive('saveSafetensors', name);
    return { name, dtype: FROM_DTYPE[tensor.dtype], shape: tensor.shape, byteLength: tensor.size * DTYPE_BYTES[FROM_DTYPE[tensor.dtype]] };
  });
  const head = encodeHeader(entries, withChecksumField(opts.metadata));
  const hash = newChecksum();
  const chunk = Math.max(1, opts.chunkBytes ?? 16 << 20);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  let written = 0;
  const write = async (bytes: Uint8Array): Promise<void> => {
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
      await fh.write(part, 0, part.length);
      hash.update(part);
      written += part.length;
      opts.afterChunk?.(written);
    }
  };
  try {
    await write(head);
    for (const { tensor } of tensors) await write(hostBytes(await tensor.data()));
    const digest = Buffer.from(hash.digest('hex'));
    await fh.write(digest, 0, digest.length, digestOffset(head, CHECKSUM_PLACEHOLDER));
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable (Linux; other platforms may refuse to open a directory, which is harmless).
  const dir = await open(dirname(path), 'r').catch(() => null);
  await dir?.sync().catch(() => undefined);
  await dir?.close();
}

/** Reads and validates a safetensors file. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const buf = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EISDIR') throw new Error(`safetensors: ${path} is a directory, not a safetensors file`);
    throw err;
  });
  return decodeSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

export interface LoadOptions {
  /** When false, tensors missing from the file and extra tensors in it are skipped instead of failing (default true). */
  strict?: boolean;
}

export interface LoadResult {
  metadata: Record<string, string> | null;
  /** Names written. */
  loaded: string[];
  /** Names of targets absent from the file (only with strict: false). */
  missing: string[];
  /** Names in the file without a target (only with strict: false). */
  unexpected: string[];
}

/**
 * Loads `path` into `targets` by name. Everything is checked before anything is written; a mismatch throws one
 * error listing each missing name, unexpected name, shape ([a] vs [b]) and dtype difference.
 */
export async function loadSafetensors(path: string, targets: readonly NamedTensor[], opts: LoadOptions = {}): Promise<LoadResult> {
  const strict = opts.strict ?? true;
  const file = await readSafetensors(path);
  const problems: string[] = [];
  const missing: string[] = [], loaded: string[] = [];
  for (const { name, tensor } of targets) {
    const e = file.tensors.get(name);
    if (!e) {
      missing.push(name);
      continue;
    }
    if (!sameShape(e.shape, tensor.shape)) problems.push(`'${name}': shape ${fmtShape(e.shape)} in the file vs ${fmtShape(tensor.shape)} expected`);
    else if (e.dtype !== FROM_DTYPE[tensor.dtype]) problems.push(`'${name}': dtype ${e.dtype} in the file vs ${FROM_DTYPE[tensor.dtype]} expected`);
  }
  const names = new Set(targets.map((t) => t.name));
  const unexpected = [...file.tensors.keys()].filter((n) => !names.has(n));
  if (strict) {
    problems.unshift(...missing.map((n) => `'${n}' is missing from the file`), ...unexpected.map((n) => `'${n}' in the file is unexpected`));
  }
  if (problems.length) throw new Error(`loadSafetensors: ${path} does not match: ${problems.join('; ')}`);
  for (const { name, tensor } of targets) {
    const e = file.tensors.get(name);
    if (!e) continue;
    writeInto(tensor, entryValues(e));
    loaded.push(name);
  }
  return { metadata: file.metadata, loaded, missing, unexpected };
}
