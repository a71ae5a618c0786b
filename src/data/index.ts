// src/data's public API: dataset readers, seeded splits and shuffles, and the GPU batch loader.
export { DataError } from './errors.js';
export { type ImageSet, sampleSize, subset, classCounts } from './dataset.js';
export { parseIdx, readIdx, type IdxArray } from './idx.js';
export {
  loadMnist, loadFashionMnist, mnistPackageDir, MNIST_CLASSES, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR,
  type TrainTest, type IdxDatasetOptions,
} from './mnist.js';
export { loadCifar10, cifar10BatchesDir, CIFAR10_BATCHES_DIR } from './cifar.js';
export { installCifar10, md5File, CIFAR10_URL, CIFAR10_MD5, type InstallCifar10Options } from './download.js';
export { tarEntries, extractTar, type TarEntry } from './tar.js';
export { decodeImage, CHANNELS, type ColorMode, type DecodedImage } from './decode.js';
export { loadImageFolder, type ImageFolderOptions, type ImageFolderResult } from './folder.js';
export { defaultCacheDir } from './cache.js';
export { trainValSplit, permutation, epochPermutation, type Split, type SplitOptions } from './split.js';
export { DataLoader, EpochIterator, describeEpoch, type Batch, type EpochStats, type LoaderMode, type LoaderOptions } from './loader.js';
export { cpuRandomAffine, augmentSeed, type AffineOptions, type CpuTransform } from './augment.cpu.js';
export { unpackBatch, packedBytes } from './unpack.js';
