// A small reader for tar archives (POSIX ustar, GNU long names, pax 'path' records) held in memory, and a safe
// extractor. Header checksums are verified so a damaged archive fails loudly instead of yielding garbage.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { DataError } from './errors.js';

export interface TarEntry {
  /** Path inside the archive, with any leading './' removed. */
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** The entry's bytes (a view into the archive: no copy). */
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function str(h: Uint8Array, off: number, len: number): string {
  const field = h.subarray(off, off + len);
  const end = field.indexOf(0);
  return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

/** Octal numeric field, or GNU base-256 when the top bit of the first byte is set. */
function num(h: Uint8Array, off: number, len: number): number {
  if (h[off]! & 0x80) {
    let v = h[off]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[off + i]!;
    return v;
  }
  const s = str(h, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Uint8Array): boolean {
  let unsigned = 0, signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const stored = num(h, 148, 8);
  return stored === unsigned || stored === signed;
}

/** The 'path' record of a pax extended header, if any. */
function paxPath(data: Uint8Array): string | null {
  const text = decoder.decode(data);
  let path: string | null = null;
  for (let i = 0; i < text.length;) {
    const space = text.indexOf(' ', i);
    const len = parseInt(text.slice(i, space), 10);
    if (!(len > 0)) break;
    const record = text.slice(space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    i += len;
  }
  return path;
}

/**
 * Walks the entries of an uncompressed tar archive.
 * @throws DataError for a bad header checksum, an entry cut short or a missing end-of-archive marker.
 */
export function* tarEntries(archive: Uint8Array, file: string, hint = 'The archive is damaged or incomplete: get it again.'): Generator<TarEntry> {
  let off = 0;
  let longName: string | null = null;
  while (off + BLOCK <= archive.length) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return; // the end-of-archive marker
    if (!checksumOk(h)) throw new DataError(file, `a valid tar header at byte ${off}`, 'a bad header checksum (not a tar archive, or damaged)', hint, 'tar');
    const size = num(h, 124, 12);
    // A negative or unparsable size would walk backwards (an endless loop) or nowhere.
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new DataError(file, `an entry size at byte ${off + 124}`, `'${str(h, 124, 12)}' (damaged header)`, hint, 'tar');
    }
    const type = String.fromCharCode(h[156] || 0x30);
    const start = off + BLOCK;
    if (start + size > archive.length) {
      throw new DataError(file, `${size} bytes for entry '${longName ?? str(h, 0, 100)}'`, `${archive.length - start} (truncated)`, hint, 'tar');
    }
    const data = archive.subarray(start, start + size);
    off = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') { longName = str(data, 0, data.length); continue; }
    if (type === 'x') { longName = paxPath(data) ?? longName; continue; }
    if (type === 'g') continue;
    const prefix = str(h, 257, 6).startsWith('ustar') ? str(h, 345, 155) : '';
    let name = longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    longName = null;
    name = name.replace(/^(\.\/)+/, '');
    const kind = type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other';
    yield { name: name.replace(/\/+$/, ''), type: kind, size, mtime: num(h, 136, 12), data };
  }
  throw new DataError(file, 'an end-of-archive marker', `the archive ends at byte ${archive.length} without one (truncated)`, hint, 'tar');
}

/**
 * Extracts regular files and directories under `destDir` (links and devices are skipped).
 * @returns the paths of the files written.
 * @throws DataError for an entry whose path would leave `destDir` (absolute or containing '..').
 */
export async function extractTar(archive: Uint8Array, destDir: string, file: string): Promise<string[]> {
  const root = resolve(destDir);
  const written: string[] = [];
  for (const e of tarEntries(archive, file)) {
    if (e.type === 'other' || e.name === '') continue;
    const target = resolve(root, e.name);
    if (e.name.startsWith('/') || (target !== root && !target.startsWith(root + sep))) {
      throw new DataError(file, 'entry paths inside the destination folder', `'${e.name}'`, 'Refusing to extract an archive with such paths.', 'tar');
    }
    if (e.type === 'directory') {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, e.data);
    written.push(join(destDir, e.name));
  }
  return written;
}
