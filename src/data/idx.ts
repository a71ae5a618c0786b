// IDX, the MNIST file format: 2 zero bytes, a type byte (0x08 = unsigned byte), a rank byte, `rank` big-endian u32
// dimensions, then the row-major data. Only unsigned-byte files are read (every MNIST-format dataset uses them);
// gzipped files are recognised by their magic bytes, whatever their name.

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates a gzip stream, turning zlib's terse errors into a DataError that names the file. */
export function gunzip(bytes: Uint8Array, file: string, reader: string, hint: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new DataError(file, 'a complete gzip stream', `a damaged one (${(err as Error).message})`, hint, reader);
  }
}

/**
 * Parses an unsigned-byte IDX file of `rank` dimensions. Throws a DataError for a wrong magic number, a header or
 * data of the wrong length (truncated or with trailing bytes).
 */
export function parseIdx(bytes: Uint8Array, rank: number, file: string, reader: string, hint: string): IdxArray {
  const fail = (expected: string, found: string): never => {
    throw new DataError(file, expected, found, hint, reader);
  };
  const wanted = `magic number ${hex((UBYTE << 8) | rank)} (IDX, unsigned byte, ${rank} dimension${rank > 1 ? 's' : ''})`;
  if (bytes.length < 4) fail(wanted, `a file of ${bytes.length} bytes`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] !== rank) {
    const what = bytes[0] === 0 && bytes[1] === 0 && TYPE_NAMES[bytes[2]!] ? ` (IDX, ${TYPE_NAMES[bytes[2]!]}, ${bytes[3]} dimensions)` : ' (not an IDX header)';
    fail(wanted, `${hex(magic)}${what}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) fail(`a ${headerBytes}-byte header`, `only ${bytes.length} bytes (truncated)`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(dv.getUint32(4 + 4 * i));
  const elems = dims.reduce((a, b) => a * b, 1);
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== elems) {
    fail(`${elems} data bytes for dimensions [${dims.join(', ')}]`,
      `${dataBytes}${dataBytes < elems ? ' (truncated)' : ' (trailing bytes)'}`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads and parses an IDX file, gunzipping it first when it is gzipped. */
export async function readIdx(file: string, rank: number, reader: string, hint: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new DataError(file, 'an IDX file', `it cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint, reader);
  }
  if (isGzip(bytes)) bytes = gunzip(bytes, file, reader, hint);
  return parseIdx(bytes, rank, file, reader, hint);
}
