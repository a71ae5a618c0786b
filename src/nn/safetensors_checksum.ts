// A SHA-256 of the whole file, kept in the file's own metadata: safetensors has no checksum, so without one a
// flipped data bit would load silently. The digest covers the length prefix, the header (with the digest's own 64
// characters read as zeros) and the data, so a writer can stream the data first and then patch the digest into the
// header in place: it has the placeholder's length. Files without the field (other writers) load unchecked.

import { createHash, type Hash } from 'node:crypto';

export const CHECKSUM_KEY = 'webgpu-nn.sha256';
export const CHECKSUM_PLACEHOLDER = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

export function newChecksum(): Hash {
  return createHash('sha256');
}

/**
 * The byte offset of the digest's 64 characters in `file` (a prefix holding at least the header). The header's JSON
 * is written compactly, so the field reads `"key":"<digest>"` there; a quote inside any string is escaped, so no
 * other text can match.
 */
export function digestOffset(file: Uint8Array, digest: string): number {
  const pattern = Buffer.from(`"${CHECKSUM_KEY}":"${digest}"`);
  const at = Buffer.from(file.buffer, file.byteOffset, file.byteLength).indexOf(pattern, 8);
  return at < 0 ? -1 : at + pattern.length - 1 - digest.length;
}

/** Throws through `fail` unless `file` (complete) hashes to `digest`, the value its header records. */
export function verifyChecksum(file: Uint8Array, headerEnd: number, digest: string, fail: (msg: string) => never): void {
  if (!HEX64.test(digest)) fail(`metadata '${CHECKSUM_KEY}' is ${JSON.stringify(digest.slice(0, 80))}, not a SHA-256 hex digest`);
  const at = digestOffset(file.subarray(0, headerEnd), digest);
  if (at < 0) fail(`metadata '${CHECKSUM_KEY}' is not laid out as webgpu-nn writes it, so the file cannot be checked`);
  const actual = newChecksum()
    .update(file.subarray(0, at))
    .update(CHECKSUM_PLACEHOLDER)
    .update(file.subarray(at + digest.length))
    .digest('hex');
  if (actual !== digest) fail(`checksum mismatch: the file's SHA-256 is ${actual} but its header records ${digest}; the file is damaged`);
}
