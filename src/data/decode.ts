// JPEG and PNG decoding to uint8 pixels with 1, 3 or 4 channels (Keras's color_mode 'grayscale' | 'rgb' | 'rgba'),
// through maintained pure-JS decoders: jpeg-js (baseline and progressive JPEG) and pngjs (every PNG colour type and
// bit depth, normalised to 8-bit RGBA). Pure JS: nothing native to build, works wherever Node does.

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from './errors.js';

export type ColorMode = 'grayscale' | 'rgb' | 'rgba';
export const CHANNELS: Record<ColorMode, number> = { grayscale: 1, rgb: 3, rgba: 4 };

export interface DecodedImage {
  width: number;
  height: number;
  /** Row-major pixels, CHANNELS[mode] per pixel. */
  pixels: Uint8Array;
}

const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Uint8Array): boolean => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/** Drops or derives channels from RGBA/RGB. Gray is ITU-R 601 luma with PIL's fixed-point rounding. */
function toMode(src: Uint8Array, pixels: number, srcChannels: 3 | 4, mode: ColorMode): Uint8Array {
  const c = CHANNELS[mode];
  if (c === srcChannels) return src;
  const out = new Uint8Array(pixels * c);
  for (let p = 0, s = 0; p < pixels; p++, s += srcChannels) {
    const r = src[s]!, g = src[s + 1]!, b = src[s + 2]!;
    if (c === 1) out[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    else {
      out[p * c] = r;
      out[p * c + 1] = g;
      out[p * c + 2] = b;
      if (c === 4) out[p * c + 3] = 255;
    }
  }
  return out;
}

/**
 * Decodes a JPEG or PNG (recognised by content, not by name) into `mode`'s channels.
 * @throws DataError naming `file` when the bytes are neither, or the decoder rejects them.
 */
export function decodeImage(bytes: Uint8Array, file: string, mode: ColorMode, hint: string): DecodedImage {
  let width: number, height: number, data: Uint8Array, channels: 3 | 4;
  try {
    if (isJpeg(bytes)) {
      // NOTE: tolerantDecoding (jpeg-js's default) would turn a truncated file into a silently grey image.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: mode === 'rgba', tolerantDecoding: false });
      ({ width, height, data } = img);
      channels = mode === 'rgba' ? 4 : 3;
    } else if (isPng(bytes)) {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = img);
      data = img.data;
      channels = 4;
    } else {
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new DataError(file, 'a JPEG or PNG image', `bytes starting ${head || '(empty file)'}`, hint, 'image folder');
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(file, 'a decodable JPEG or PNG image', `a damaged one (${(err as Error).message})`, hint, 'image folder');
  }
  return { width, height, pixels: toMode(data, width * height, channels, mode) };
}
