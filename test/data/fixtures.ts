// Small files in each exact dataset format, built in memory for the reader tests: IDX, CIFAR-10 binary records,
// tar archives (ustar, with pax records for long names), and JPEG/PNG images.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const made: string[] = [];
/** Removes every folder tempDir made (each test file calls it in afterAll: files share this module). */
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh temp folder, removed by removeTempDirs. */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `wnn-${tag}-`));
  made.push(d);
  return d;
}

/** An unsigned-byte IDX file: magic 0x0000 08 rank, big-endian dims, data. */
export function idxBytes(dims: number[], data: Uint8Array, magic = 0x0800 | dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, magic);
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Pixel value of image i at flat offset p: distinct per image so order mistakes show. */
export const pixel = (i: number, p: number): number => (i * 31 + p * 7) % 256;

export function imagesData(n: number, size: number): Uint8Array {
  return Uint8Array.from({ length: n * size }, (_, k) => pixel(Math.floor(k / size), k % size));
}

/** CIFAR-10 binary records: label byte then R, G, B planes; plane c of image i holds pixel(i, c*1024 + p). */
export function cifarRecords(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    for (let k = 0; k < 3072; k++) out[i * 3073 + 1 + k] = pixel(i, k);
  });
  return out;
}

function header(name: string, size: number, type: string): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number): void => h.set(new TextEncoder().encode(s), off);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(size.toString(8).padStart(11, '0') + '\0', 124);
  put('14000000000\0', 136);
  put('        ', 148);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  const sum = h.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

const pad = (n: number): number => Math.ceil(n / 512) * 512;

/** A ustar archive of files and directories (a name ending '/' is a directory); names over 100 bytes get a pax record. */
export function tarBytes(entries: Array<[string, Uint8Array | null]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of entries) {
    if (name.length > 100) {
      const rec = (len: number): string => `${len} path=${name}\n`;
      let len = rec(0).length;
      while (rec(len).length !== len) len = rec(len).length;
      const body = new TextEncoder().encode(rec(len));
      parts.push(header('PaxHeader', body.length, 'x'), body, new Uint8Array(pad(body.length) - body.length));
    }
    const short = name.slice(0, 100);
    if (data === null) parts.push(header(short, 0, '5'));
    else parts.push(header(short, data.length, '0'), data, new Uint8Array(pad(data.length) - data.length));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

export const gz = (b: Uint8Array): Uint8Array => gzipSync(b);

/** An RGB test pattern of w x h. */
export function rgbPattern(w: number, h: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: w * h * 3 }, (_, k) => (seed * 40 + k * 5) % 256);
}

export function pngBytes(w: number, h: number, rgb: Uint8Array): Uint8Array {
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < w * h; p++) {
    png.data[4 * p] = rgb[3 * p]!;
    png.data[4 * p + 1] = rgb[3 * p + 1]!;
    png.data[4 * p + 2] = rgb[3 * p + 2]!;
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png);
}

export function jpegBytes(w: number, h: number, rgb: Uint8Array): Uint8Array {
  const rgba = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) { rgba[4 * p] = rgb[3 * p]!; rgba[4 * p + 1] = rgb[3 * p + 1]!; rgba[4 * p + 2] = rgb[3 * p + 2]!; rgba[4 * p + 3] = 255; }
  return jpeg.encode({ width: w, height: h, data: rgba }, 95).data;
}
