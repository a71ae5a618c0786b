// CLI dataset names and paths -> train/test ImageSets, and the notebook's seeded train/validation split
// (train_test_split(test_size=0.2, random_state=42); our permutation, sklearn's sizes).
import { existsSync } from 'node:fs';
import { loadCifar10 } from '../../data/cifar.js';
import type { ImageSet } from '../../data/dataset.js';
import { loadImageFolder } from '../../data/folder.js';
import { loadFashionMnist, loadMnist } from '../../data/mnist.js';
import { trainValSplit, type Split } from '../../data/split.js';
import { UsageError } from '../options.js';
import type { ImageShape } from './models.js';

export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10'] as const;
/** The JPEG copy of CIFAR-10 on this project's machines (see its README); the CIFAR experiments' default. */
export const CIFAR10_JPEG = '/work/shared/datasets/cifar10-jpeg.tar.gz';
/** Where `--dataset cifar10` looks for the binary release (webgpu-nn data cifar10 --dir DIR puts it there). */
export const CIFAR10_DIR = process.env.WEBGPU_NN_CIFAR10_DIR ?? 'data/cifar10';

export interface LoadedDataset {
  /** The name or path given. */
  name: string;
  train: ImageSet;
  test: ImageSet;
  classNames: readonly string[];
}

export const DATASET_HELP = `${DATASET_NAMES.join(', ')} (binary release in ${CIFAR10_DIR} or $WEBGPU_NN_CIFAR10_DIR), ` +
  'or a path to an image folder or .tar.gz with train/ and test/ splits';

export const isDatasetName = (spec: string): boolean => (DATASET_NAMES as readonly string[]).includes(spec);

/** Checks a --dataset value without loading it (a name, or a path that exists). */
export function checkDataset(spec: string): string {
  if (isDatasetName(spec) || existsSync(spec)) return spec;
  throw new UsageError(`unknown dataset '${spec}' (expected ${DATASET_HELP})`);
}

export async function loadDataset(spec: string): Promise<LoadedDataset> {
  checkDataset(spec);
  let tt: { train: ImageSet; test: ImageSet };
  if (spec === 'mnist') tt = await loadMnist();
  else if (spec === 'fashion-mnist') tt = await loadFashionMnist();
  else if (spec === 'cifar10') tt = await loadCifar10(CIFAR10_DIR);
  else {
    const r = await loadImageFolder(spec, { splits: ['train', 'test'] });
    if (!r.sets.train || !r.sets.test) throw new UsageError(`dataset '${spec}' needs train/ and test/ folders (found: ${Object.keys(r.sets).join(', ')})`);
    tt = { train: r.sets.train, test: r.sets.test };
  }
  return { name: spec, ...tt, classNames: tt.train.classNames };
}

/** [H, W, C] of one sample (grayscale IDX sets have C = 1). */
export function imageShape(set: ImageSet): ImageShape {
  const [, h, w, c = 1] = set.shape;
  return [h!, w!, c];
}

/** The notebook's split of the training set: 20% held out for validation, seed 42. */
export function notebookSplit(train: ImageSet, valFraction = 0.2, seed = 42): Split {
  return trainValSplit(train.labels, { valFraction, seed });
}
