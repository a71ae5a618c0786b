// Image folders as Keras's image_dataset_from_directory reads them: SOURCE/<split>/<class>/*.jpg|jpeg|png, classes
// sorted by name, label = class index, files in name order. SOURCE is a folder or a .tar/.tar.gz of one. Decoded
// splits are cached (see cache.ts) so a second load reads one file per split instead of decoding every image.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cachedSplits, cacheFileFor, defaultCacheDir, fingerprintOf, readCache, writeCache, type CacheKey, type Fingerprint } from './cache.js';
import type { ImageSet } from './dataset.js';
import { CHANNELS, decodeImage, type ColorMode } from './decode.js';
import { DataError } from './errors.js';
import { gunzip, isGzip } from './idx.js';
import { tarEntries } from './tar.js';

export interface ImageFolderOptions {
  /** Split folders to read; default every top-level folder. */
  splits?: readonly string[];
  /** Keras's color_mode: 1, 3 or 4 channels. Default 'rgb'. */
  colorMode?: ColorMode;
  /** Where decoded splits are cached (default defaultCacheDir()); false to neither read nor write a cache. */
  cacheDir?: string | false;
}

export interface ImageFolderResult {
  /** One ImageSet per split, NHWC uint8. Every split shares one class list. */
  sets: Record<string, ImageSet>;
  classNames: string[];
  /** True when every split came from the cache. */
  cached: boolean;
  cacheFiles: string[];
  /** Why the cache could not be written, if it could not (the sets are fine). */
  cacheWarning?: string;
}

interface Item {
  split: string;
  cls: string;
  /** Path shown in errors. */
  file: string;
  read: () => Uint8Array;
}

const IMAGE = /\.(jpe?g|png)$/i;
const READER = 'image folder';
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const HINT = 'Lay images out as SOURCE/<split>/<class>/*.jpg|png (e.g. train/cat/0001.jpg), as a folder or a .tar.gz of one.';

/** True for a .tar/.tar.gz/.tgz file, false for a folder. */
function isArchive(source: string): boolean {
  const what = 'a folder of <split>/<class>/*.jpg|png images, or a .tar(.gz) of one';
  let isFile: boolean;
  try {
    isFile = statSync(source).isFile();
  } catch {
    throw new DataError(source, what, 'no such file or folder', HINT, READER);
  }
  if (isFile && !/\.(tar|tar\.gz|tgz)$/i.test(source)) throw new DataError(source, what, 'a file not named .tar, .tar.gz or .tgz', HINT, READER);
  return isFile;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort(byName);
}

interface Listing {
  items: Item[];
  /** Every split the source holds. */
  present: string[];
  /** Classes across every split (not only the requested ones), so labels agree however a source is loaded. */
  classes: string[];
}

/** Lists a folder's images and fingerprints each split from every file's size and mtime (and the class list). */
function listFolder(root: string, splits: readonly string[] | undefined): Listing & { fps: Map<string, Fingerprint> } {
  const present = subdirs(root);
  const classes = [...new Set(present.flatMap((s) => subdirs(join(root, s))))].sort(byName);
  const items: Item[] = [];
  const fps = new Map<string, Fingerprint>();
  for (const split of splits ?? present) {
    if (!present.includes(split)) {
      throw new DataError(join(root, split), `a split folder '${split}'`, `no such folder (present: ${present.join(', ') || 'none'})`, HINT, READER);
    }
    const stats: Array<[string, number, number]> = [];
    for (const cls of subdirs(join(root, split))) {
      const dir = join(root, split, cls);
      for (const name of readdirSync(dir).filter((f) => IMAGE.test(f)).sort(byName)) {
        const file = join(dir, name);
        const st = statSync(file);
        stats.push([`${cls}/${name}`, st.size, st.mtimeMs]);
        // NOTE: sync reads: 60,000 awaited readFile calls of ~1 KiB took 3x longer than readFileSync.
        items.push({ split, cls, file, read: () => readFileSync(file) });
      }
    }
    fps.set(split, fingerprintOf(stats, classes.join('/')));
  }
  return { items, present, classes, fps };
}

/** Lists a tar(.gz)'s images: entries at [prefix/]<split>/<class>/<file>, one common prefix. */
async function listArchive(file: string, splits: readonly string[] | undefined): Promise<Listing> {
  let bytes: Uint8Array = await readFile(file);
  if (isGzip(bytes)) bytes = gunzip(bytes, file, READER, HINT);
  const items: Item[] = [];
  let prefix: string | null = null;
  const present = new Set<string>(), classes = new Set<string>();
  for (const e of tarEntries(bytes, file)) {
    if (e.type !== 'file' || !IMAGE.test(e.name)) continue;
    const parts = e.name.split('/');
    if (parts.length < 3) throw new DataError(`${file}:${e.name}`, 'images at <split>/<class>/<file>', 'an image outside any class folder', HINT, READER);
    const p = parts.slice(0, -3).join('/');
    if (prefix !== null && p !== prefix) {
      throw new DataError(file, `every image under one folder ('${prefix}/')`, `'${e.name}'`, HINT, READER);
    }
    prefix = p;
    const [split, cls] = parts.slice(-3) as [string, string];
    present.add(split);
    classes.add(cls);
    if (splits && !splits.includes(split)) continue;
    const data = e.data;
    items.push({ split, cls, file: `${file}:${e.name}`, read: () => data });
  }
  const names = [...present].sort(byName);
  for (const s of splits ?? []) {
    if (!present.has(s)) throw new DataError(file, `a split folder '${s}'`, `none (present: ${names.join(', ') || 'none'})`, HINT, READER);
  }
  items.sort((a, b) => byName(a.split, b.split) || byName(a.cls, b.cls) || byName(a.file, b.file));
  return { items, present: names, classes: [...classes].sort(byName) };
}

/** An archive's fingerprint: its own size and mtime (listing it would cost as much as decoding). */
function archiveFingerprint(file: string): Fingerprint {
  const st = statSync(file);
  return fingerprintOf([[resolve(file), st.size, st.mtimeMs]]);
}

function decodeSplit(split: string, items: Item[], classNames: string[], mode: ColorMode, source: string): ImageSet {
  if (items.length === 0) throw new DataError(join(source, split), 'at least one .jpg/.jpeg/.png in a class folder', 'none', HINT, READER);
  const c = CHANNELS[mode];
  let images: Uint8Array | null = null;
  let first = '', h = 0, w = 0;
  const labels = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const img = decodeImage(it.read(), it.file, mode, HINT);
    if (!images) {
      ({ height: h, width: w } = img);
      first = it.file;
      images = new Uint8Array(items.length * h * w * c);
    } else if (img.height !== h || img.width !== w) {
      throw new DataError(it.file, `${h}x${w} pixels like ${first} (a split's images must share one size)`, `${img.height}x${img.width}`,
        'Resize the images first, or resize on the GPU with a loader transform after reading same-size images.', READER);
    }
    images.set(img.pixels, i * h * w * c);
    labels[i] = classNames.indexOf(it.cls);
  }
  return { name: `${source}/${split}`, images: images!, shape: [items.length, h, w, c], labels, classNames };
}

/**
 * Reads SOURCE/<split>/<class>/*.jpg|png (SOURCE a folder or a .tar/.tar.gz of one) into uint8 NHWC ImageSets,
 * from the cache when the source is unchanged. Classes are sorted by name across all splits.
 * @throws DataError naming the file for a missing split, an undecodable image or images of differing sizes.
 */
export async function loadImageFolder(source: string, o: ImageFolderOptions = {}): Promise<ImageFolderResult> {
  const mode = o.colorMode ?? 'rgb';
  if (!Object.hasOwn(CHANNELS, mode)) {
    throw new Error(`loadImageFolder: colorMode must be one of ${Object.keys(CHANNELS).map((m) => `'${m}'`).join(', ')} but got ${JSON.stringify(mode)}`);
  }
  const isTar = isArchive(source);
  const cacheDir = o.cacheDir === undefined ? defaultCacheDir() : o.cacheDir;
  const folder = isTar ? null : listFolder(source, o.splits);
  const tarFp = isTar ? archiveFingerprint(source) : null;
  const keyOf = (split: string): CacheKey => ({ source, split, colorMode: mode, fp: tarFp ?? folder!.fps.get(split)! });
  let sourceSplits = folder ? folder.present : null;

  if (cacheDir) {
    sourceSplits ??= await cachedSplits(cacheDir, source, mode, tarFp!);
    const splits = o.splits ?? sourceSplits;
    if (splits) {
      const hits = await Promise.all(splits.map((s) => readCache(cacheFileFor(cacheDir, source, s, mode), keyOf(s))));
      if (hits.every((h) => h !== null)) {
        return {
          sets: Object.fromEntries(splits.map((s, i) => [s, hits[i]!])), classNames: [...hits[0]!.classNames], cached: true,
          cacheFiles: splits.map((s) => cacheFileFor(cacheDir, source, s, mode)),
        };
      }
    }
  }

  const listing = folder ?? await listArchive(source, o.splits);
  const splits = o.splits ?? listing.present;
  const classNames = listing.classes;
  if (classNames.length > 256) throw new DataError(source, 'at most 256 classes (labels are uint8)', `${classNames.length}`, HINT, READER);
  const sets: Record<string, ImageSet> = {};
  for (const split of splits) sets[split] = decodeSplit(split, listing.items.filter((it) => it.split === split), classNames, mode, source);

  let cacheWarning: string | undefined;
  const cacheFiles = cacheDir ? splits.map((s) => cacheFileFor(cacheDir, source, s, mode)) : [];
  try {
    for (let i = 0; i < cacheFiles.length; i++) await writeCache(cacheFiles[i]!, keyOf(splits[i]!), listing.present, sets[splits[i]!]!);
  } catch (err) {
    cacheWarning = `could not write the cache: ${(err as Error).message}`;
  }
  return { sets, classNames, cached: false, cacheFiles, ...(cacheWarning ? { cacheWarning } : {}) };
}
