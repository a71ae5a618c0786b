// Decoded image sets cached as one binary file per split: 'WNNCACH1', a u32 header length, a JSON header that records
// where the pixels came from (file count, total bytes, newest mtime and a digest of every path/size/mtime), then
// labels and pixels. A header that does not match the source as it is now means the cache is stale and is ignored.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { ImageSet } from './dataset.js';

const MAGIC = 'WNNCACH1';
const VERSION = 1;

/** What a cache must match: a summary of the source files as they are on disk. */
export interface Fingerprint {
  files: number;
  bytes: number;
  newestMtimeMs: number;
  /** SHA-1 over every source file's path, size and mtime. */
  digest: string;
}

/** Identifies one cached split. */
export interface CacheKey {
  source: string;
  split: string;
  colorMode: string;
  fp: Fingerprint;
}

interface Header extends Fingerprint {
  version: number;
  source: string;
  split: string;
  colorMode: string;
  /** Every split the source holds, so an archive's cache can be used without listing the archive. */
  sourceSplits: string[];
  shape: number[];
  classNames: string[];
}

/** The default cache folder: $WEBGPU_NN_CACHE, else ~/.cache/webgpu-nn. */
export function defaultCacheDir(): string {
  return process.env.WEBGPU_NN_CACHE ?? join(homedir(), '.cache', 'webgpu-nn');
}

function cachePrefix(source: string): string {
  const abs = resolve(source);
  return `${basename(abs).replace(/[^\w.-]+/g, '_')}-${createHash('sha1').update(abs).digest('hex').slice(0, 10)}-`;
}

export function cacheFileFor(cacheDir: string, source: string, split: string, colorMode: string): string {
  return join(cacheDir, `${cachePrefix(source)}${split.replace(/[^\w.-]+/g, '_')}-${colorMode}.bin`);
}

const matches = (h: Header, k: CacheKey): boolean =>
  h.version === VERSION && h.source === resolve(k.source) && h.colorMode === k.colorMode && h.files === k.fp.files &&
  h.bytes === k.fp.bytes && h.newestMtimeMs === k.fp.newestMtimeMs && h.digest === k.fp.digest;

/** Reads just the header of a cache file; null when it is not one. */
async function readHeader(file: string): Promise<Header | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(12);
    await fh.read(head, 0, 12, 0);
    if (head.toString('latin1', 0, 8) !== MAGIC) return null;
    const json = Buffer.alloc(head.readUInt32LE(8));
    await fh.read(json, 0, json.length, 12);
    return JSON.parse(json.toString('utf8')) as Header;
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** The splits a source holds, from any valid cache of it (null if none): lets an archive's cache be used unlisted. */
export async function cachedSplits(cacheDir: string, source: string, colorMode: string, fp: Fingerprint): Promise<string[] | null> {
  if (!existsSync(cacheDir)) return null;
  const prefix = cachePrefix(source);
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(prefix) || !name.endsWith(`-${colorMode}.bin`)) continue;
    const h = await readHeader(join(cacheDir, name));
    if (h && matches(h, { source, split: h.split, colorMode, fp })) return h.sourceSplits;
  }
  return null;
}

/** Builds a fingerprint from (path, size, mtime) triples, in a fixed order, and `salt` (e.g. the class list). */
export function fingerprintOf(files: ReadonlyArray<readonly [string, number, number]>, salt = ''): Fingerprint {
  const hash = createHash('sha1').update(`${salt}\n`);
  let bytes = 0, newest = 0;
  for (const [path, size, mtime] of files) {
    hash.update(`${path}\t${size}\t${mtime}\n`);
    bytes += size;
    newest = Math.max(newest, mtime);
  }
  return { files: files.length, bytes, newestMtimeMs: newest, digest: hash.digest('hex') };
}

/** The cached set, or null when the file is missing, damaged or was made from other source files. */
export async function readCache(file: string, key: CacheKey): Promise<ImageSet | null> {
  if (!existsSync(file)) return null;
  const bytes = await readFile(file);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  const headerBytes = bytes.readUInt32LE(8);
  let h: Header;
  try {
    h = JSON.parse(bytes.toString('utf8', 12, 12 + headerBytes)) as Header;
  } catch {
    return null;
  }
  if (!matches(h, key) || h.split !== key.split) return null;
  const n = h.shape[0]!, sample = h.shape.slice(1).reduce((a, b) => a * b, 1);
  const start = Math.ceil((12 + headerBytes) / 8) * 8;
  if (bytes.length !== start + n + n * sample) return null;
  return {
    name: `${basename(h.source)}/${key.split}`,
    labels: bytes.subarray(start, start + n),
    images: bytes.subarray(start + n),
    shape: h.shape,
    classNames: h.classNames,
  };
}

/** Writes the cache atomically (temp file + rename), so an interrupted write never leaves a half file behind. */
export async function writeCache(file: string, key: CacheKey, sourceSplits: readonly string[], set: ImageSet): Promise<void> {
  const header: Header = {
    version: VERSION, source: resolve(key.source), split: key.split, colorMode: key.colorMode, ...key.fp,
    sourceSplits: [...sourceSplits], shape: [...set.shape], classNames: [...set.classNames],
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  await mkdir(resolve(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    const { bytesWritten } = await fh.writev([head, set.labels, set.images]);
    if (bytesWritten !== head.length + set.labels.length + set.images.length) throw new Error(`short write to ${tmp}`);
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
