// The in-memory form every reader returns: uint8 pixels (row-major, channels last) plus uint8 labels, and helpers
// to take subsets. Pixels stay uint8 on the host; the loader normalises them on the GPU.

/** A labelled image set held in host memory. */
export interface ImageSet {
  /** A label for messages, e.g. 'mnist/train'. */
  name: string;
  /** Row-major uint8 pixels of `shape`. */
  images: Uint8Array;
  /** [N, H, W] for grayscale IDX data, [N, H, W, C] (NHWC) otherwise. */
  shape: readonly number[];
  /** One class index per image, each < classNames.length. */
  labels: Uint8Array;
  classNames: readonly string[];
}

/** Elements per sample (H * W * C). */
export function sampleSize(set: Pick<ImageSet, 'shape'>): number {
  return set.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** A new ImageSet holding copies of the samples at `indices`, in that order. */
export function subset(set: ImageSet, indices: ArrayLike<number>, name = `${set.name}[subset]`): ImageSet {
  const s = sampleSize(set), n = set.shape[0]!;
  const images = new Uint8Array(indices.length * s);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (!(Number.isInteger(j) && j >= 0 && j < n)) throw new Error(`subset: index ${j} is out of range for ${set.name} (${n} samples)`);
    images.set(set.images.subarray(j * s, (j + 1) * s), i * s);
    labels[i] = set.labels[j]!;
  }
  return { name, images, shape: [indices.length, ...set.shape.slice(1)], labels, classNames: set.classNames };
}

/** How many samples carry each label. */
export function classCounts(set: Pick<ImageSet, 'labels' | 'classNames'>): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const l of set.labels) counts[l]!++;
  return counts;
}
