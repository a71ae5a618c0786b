// CIFAR-10, binary version: data_batch_1..5.bin and test_batch.bin hold 3073-byte records (a label byte, then the
// 32x32 red plane, green plane and blue plane); batches.meta.txt names the classes. Pixels are converted to NHWC.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from './dataset.js';
import { DataError } from './errors.js';
import type { TrainTest } from './mnist.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILES = ['test_batch.bin'];
/** The folder the official archive extracts to. */
export const CIFAR10_BATCHES_DIR = 'cifar-10-batches-bin';

const hintFor = (dir: string): string =>
  `To get CIFAR-10: \`webgpu-nn data cifar10 --dir ${dir}\` downloads and checks the binary version ` +
  '(or extracts cifar-10-binary.tar.gz given with --archive FILE).';

/** The directory holding the batch files: `dir` itself or its cifar-10-batches-bin subfolder. */
export function cifar10BatchesDir(dir: string): string {
  const sub = join(dir, CIFAR10_BATCHES_DIR);
  return existsSync(join(dir, TEST_FILES[0]!)) || !existsSync(sub) ? dir : sub;
}

async function readBytes(file: string, what: string, hint: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new DataError(file, what, `it cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint, 'cifar10');
  }
}

/** Class names, one per non-empty line of batches.meta.txt. */
async function readClassNames(dir: string, hint: string): Promise<string[]> {
  const file = join(dir, 'batches.meta.txt');
  const text = Buffer.from(await readBytes(file, 'the class names, one per line', hint)).toString('utf8');
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (names.length !== 10) throw new DataError(file, '10 class names, one per line', `${names.length} non-empty lines`, hint, 'cifar10');
  return names;
}

/** Converts planar records to NHWC pixels and labels, checking sizes and label range. */
async function readBatches(dir: string, files: string[], split: string, classNames: string[], hint: string): Promise<ImageSet> {
  const contents = await Promise.all(files.map((f) => readBytes(join(dir, f), `CIFAR-10 records of ${RECORD} bytes`, hint)));
  let n = 0;
  contents.forEach((bytes, i) => {
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      const whole = Math.floor(bytes.length / RECORD);
      throw new DataError(join(dir, files[i]!), `a whole number of ${RECORD}-byte records (label byte + 3 x 32x32 planes)`,
        `${bytes.length} bytes (${whole} records and ${bytes.length - whole * RECORD} bytes over: truncated or not a CIFAR-10 binary batch)`,
        hint, 'cifar10');
    }
    n += bytes.length / RECORD;
  });
  const images = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  let k = 0;
  contents.forEach((bytes, fi) => {
    for (let r = 0; r < bytes.length; r += RECORD, k++) {
      const label = bytes[r]!;
      if (label >= classNames.length) {
        throw new DataError(join(dir, files[fi]!), `labels in 0..${classNames.length - 1}`, `label ${label} in record ${r / RECORD}`, hint, 'cifar10');
      }
      labels[k] = label;
      const out = k * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = bytes[r + 1 + p]!;
        images[out + 3 * p + 1] = bytes[r + 1 + PLANE + p]!;
        images[out + 3 * p + 2] = bytes[r + 1 + 2 * PLANE + p]!;
      }
    }
  });
  return { name: `cifar10/${split}`, images, shape: [n, SIDE, SIDE, 3], labels, classNames };
}

/**
 * CIFAR-10 from the binary version in `dir` (the folder holding data_batch_*.bin, or its parent): images uint8
 * [N, 32, 32, 3] NHWC, labels uint8 0..9, class names from batches.meta.txt.
 * @throws DataError naming the file, what was expected and found, and how to get the data.
 */
export async function loadCifar10(dir: string): Promise<TrainTest> {
  const batches = cifar10BatchesDir(dir);
  const hint = hintFor(dir);
  if (!existsSync(batches)) throw new DataError(batches, `a directory holding ${CIFAR10_BATCHES_DIR}/ or its files`, 'no such directory', hint, 'cifar10');
  const classNames = await readClassNames(batches, hint);
  const [train, test] = await Promise.all([
    readBatches(batches, TRAIN_FILES, 'train', classNames, hint),
    readBatches(batches, TEST_FILES, 'test', classNames, hint),
  ]);
  return { train, test };
}
