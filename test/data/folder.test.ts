// Image folders (Keras image_dataset_from_directory layout) from a folder and from a .tar.gz, decoding, class order,
// colour modes, the decoded-pixel cache and its invalidation, and the errors.
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadImageFolder, type ImageSet } from '../../src/data/index.js';
import { gz, jpegBytes, pngBytes, rgbPattern, tarBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

const W = 4, H = 3;
// split -> class -> file names; PNGs are lossless so their pixels can be checked exactly.
const LAYOUT: Record<string, Record<string, string[]>> = {
  train: { dog: ['b.png', 'a.png'], cat: ['x.jpg'], bird: ['z.png', 'c.jpeg'] },
  test: { cat: ['q.png'], bird: ['r.png'], dog: ['s.JPG'] },
};

function imageFile(name: string, seed: number): Uint8Array {
  const rgb = rgbPattern(W, H, seed);
  return /\.png$/i.test(name) ? pngBytes(W, H, rgb) : jpegBytes(W, H, rgb);
}

/** [path, bytes] for every image, with a distinct seed per file. */
function files(): Array<[string, Uint8Array, number]> {
  const out: Array<[string, Uint8Array, number]> = [];
  let seed = 0;
  for (const [split, classes] of Object.entries(LAYOUT)) {
    for (const [cls, names] of Object.entries(classes)) for (const n of names) out.push([`${split}/${cls}/${n}`, imageFile(n, ++seed), seed]);
  }
  return out;
}

function folder(): string {
  const root = tempDir('folder');
  for (const [path, bytes] of files()) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  writeFileSync(join(root, 'train', 'README.txt'), 'not an image');
  return root;
}

function archive(): string {
  const file = join(tempDir('archive'), 'set.tar.gz');
  const entries: Array<[string, Uint8Array | null]> = [['wrap/', null], ['wrap/README.md', new Uint8Array(3)]];
  for (const [path, bytes] of files()) entries.push([`wrap/${path}`, bytes]);
  writeFileSync(file, gz(tarBytes(entries)));
  return file;
}

const sample = (set: ImageSet, i: number): Uint8Array => set.images.subarray(i * W * H * 3, (i + 1) * W * H * 3);

describe('image folder reader', () => {
  it('reads classes in name order, files in name order, labels by class index', async () => {
    const r = await loadImageFolder(folder(), { cacheDir: false });
    expect(r.classNames).toEqual(['bird', 'cat', 'dog']);
    expect(Object.keys(r.sets).sort()).toEqual(['test', 'train']);
    const { train, test } = r.sets as { train: ImageSet; test: ImageSet };
    expect(train.shape).toEqual([5, H, W, 3]);
    expect(Array.from(train.labels)).toEqual([0, 0, 1, 2, 2]); // bird c.jpeg z.png, cat x.jpg, dog a.png b.png
    expect(Array.from(test.labels)).toEqual([0, 1, 2]);
    // train/dog/a.png was made with seed 2 and is the 4th sample; PNG pixels are exact.
    expect(Array.from(sample(train, 3))).toEqual(Array.from(rgbPattern(W, H, 2)));
    expect(Array.from(sample(train, 4))).toEqual(Array.from(rgbPattern(W, H, 1)));
    // JPEGs are lossy: compare with the decoder directly.
    const x = jpeg.decode(imageFile('x.jpg', 3), { useTArray: true, formatAsRGBA: false });
    expect(Array.from(sample(train, 2))).toEqual(Array.from(x.data));
  });

  it('gives the same sets from a .tar.gz of the folder (under a wrapping folder)', async () => {
    const a = await loadImageFolder(archive(), { cacheDir: false });
    const f = await loadImageFolder(folder(), { cacheDir: false });
    for (const s of ['train', 'test']) {
      expect(a.sets[s]!.shape).toEqual(f.sets[s]!.shape);
      expect(Buffer.compare(a.sets[s]!.images, f.sets[s]!.images)).toBe(0);
      expect(Array.from(a.sets[s]!.labels)).toEqual(Array.from(f.sets[s]!.labels));
    }
    const only = await loadImageFolder(archive(), { splits: ['test'], cacheDir: false });
    expect(Object.keys(only.sets)).toEqual(['test']);
  });

  it('converts colour modes: grayscale is ITU-R 601 luma, rgba adds opaque alpha', async () => {
    const root = folder();
    const g = (await loadImageFolder(root, { colorMode: 'grayscale', splits: ['train'], cacheDir: false })).sets.train!;
    const c = (await loadImageFolder(root, { splits: ['train'], cacheDir: false })).sets.train!;
    expect(g.shape).toEqual([5, H, W, 1]);
    for (let p = 0; p < 5 * W * H; p++) {
      const [r, gr, b] = [c.images[3 * p]!, c.images[3 * p + 1]!, c.images[3 * p + 2]!];
      expect(Math.abs(g.images[p]! - (0.299 * r + 0.587 * gr + 0.114 * b))).toBeLessThanOrEqual(0.5 + 1e-3);
    }
    const a = (await loadImageFolder(root, { colorMode: 'rgba', splits: ['test'], cacheDir: false })).sets.test!;
    expect(a.shape).toEqual([3, H, W, 4]);
    expect(a.images[3]).toBe(255);
  });

  it('caches decoded splits and notices changed, added and touched files', async () => {
    const root = folder(), cacheDir = tempDir('cache');
    const first = await loadImageFolder(root, { cacheDir });
    expect(first.cached).toBe(false);
    expect(readdirSync(cacheDir)).toHaveLength(2);
    const second = await loadImageFolder(root, { cacheDir });
    expect(second.cached).toBe(true);
    for (const s of ['train', 'test']) {
      expect(Buffer.compare(second.sets[s]!.images, first.sets[s]!.images)).toBe(0);
      expect(Array.from(second.sets[s]!.labels)).toEqual(Array.from(first.sets[s]!.labels));
      expect(second.sets[s]!.shape).toEqual(first.sets[s]!.shape);
    }
    expect(second.classNames).toEqual(first.classNames);

    utimesSync(join(root, 'test', 'cat', 'q.png'), new Date(), new Date(Date.now() + 5000));
    expect((await loadImageFolder(root, { cacheDir })).cached).toBe(false);
    expect((await loadImageFolder(root, { cacheDir })).cached).toBe(true);

    writeFileSync(join(root, 'train', 'cat', 'y.png'), imageFile('y.png', 40));
    const grown = await loadImageFolder(root, { cacheDir });
    expect(grown.cached).toBe(false);
    expect(grown.sets.train!.shape[0]).toBe(6);
    expect(Array.from(sample(grown.sets.train!, 3))).toEqual(Array.from(rgbPattern(W, H, 40)));
  });

  it('labels by the classes of every split, also when loading one split or adding a class to one split', async () => {
    const root = folder(), cacheDir = tempDir('cache');
    rmSync(join(root, 'test', 'bird'), { recursive: true });
    const test = (await loadImageFolder(root, { splits: ['test'], cacheDir })).sets.test!;
    expect(test.classNames).toEqual(['bird', 'cat', 'dog']);
    expect(Array.from(test.labels)).toEqual([1, 2]);
    expect((await loadImageFolder(root, { cacheDir })).cached).toBe(false);
    expect((await loadImageFolder(root, { cacheDir })).cached).toBe(true);
    mkdirSync(join(root, 'test', 'ant'));
    writeFileSync(join(root, 'test', 'ant', 'a.png'), imageFile('a.png', 50));
    const grown = await loadImageFolder(root, { cacheDir, splits: ['train'] }); // train's files are unchanged
    expect(grown.cached).toBe(false);
    expect(grown.classNames).toEqual(['ant', 'bird', 'cat', 'dog']);
    expect(Array.from(grown.sets.train!.labels)).toEqual([1, 1, 2, 3, 3]);
  });

  it('caches an archive and reuses it without listing it, for all splits or some', async () => {
    const file = archive(), cacheDir = tempDir('cache');
    expect((await loadImageFolder(file, { cacheDir })).cached).toBe(false);
    const again = await loadImageFolder(file, { cacheDir });
    expect(again.cached).toBe(true);
    expect(Object.keys(again.sets).sort()).toEqual(['test', 'train']);
    expect((await loadImageFolder(file, { cacheDir, splits: ['train'] })).cached).toBe(true);
    expect((await loadImageFolder(file, { cacheDir, colorMode: 'grayscale' })).cached).toBe(false);
  });

  async function dataError(p: Promise<unknown>): Promise<DataError> {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }

  it('throws one clear error for a missing source or split', async () => {
    expect((await dataError(loadImageFolder('/nonexistent/images'))).message)
      .toMatch(/^image folder: \/nonexistent\/images: expected a folder of <split>\/<class>\/\*\.jpg\|png images.*found no such file or folder\. Lay images out/);
    const root = folder();
    expect((await dataError(loadImageFolder(root, { splits: ['val'], cacheDir: false }))).message)
      .toMatch(/\/val: expected a split folder 'val', found no such folder \(present: test, train\)/);
    expect((await dataError(loadImageFolder(archive(), { splits: ['val'], cacheDir: false }))).message)
      .toMatch(/set\.tar\.gz: expected a split folder 'val', found none \(present: test, train\)/);
  });

  it('throws one clear error for a file that is not an image, a damaged JPEG, or a differently sized image', async () => {
    let root = folder();
    writeFileSync(join(root, 'test', 'cat', 'bad.jpg'), 'GIF89a....');
    expect((await dataError(loadImageFolder(root, { cacheDir: false }))).message)
      .toMatch(/test\/cat\/bad\.jpg: expected a JPEG or PNG image, found bytes starting 47 49 46 38/);
    root = folder();
    writeFileSync(join(root, 'test', 'cat', 'cut.jpg'), imageFile('cut.jpg', 9).subarray(0, 200));
    expect((await dataError(loadImageFolder(root, { cacheDir: false }))).message).toMatch(/cut\.jpg: expected a decodable JPEG or PNG image, found a damaged one/);
    root = folder();
    writeFileSync(join(root, 'train', 'dog', 'big.png'), pngBytes(5, 3, rgbPattern(5, 3, 1)));
    expect((await dataError(loadImageFolder(root, { cacheDir: false }))).message)
      .toMatch(/train\/dog\/big\.png: expected 3x4 pixels like .*train\/bird\/c\.jpeg \(a split's images must share one size\), found 3x5/);
  });

  it('throws for a split with no images', async () => {
    const root = folder();
    mkdirSync(join(root, 'val', 'cat'), { recursive: true });
    expect((await dataError(loadImageFolder(root, { splits: ['val'], cacheDir: false }))).message)
      .toMatch(/\/val: expected at least one \.jpg\/\.jpeg\/\.png in a class folder, found none/);
  });
});
