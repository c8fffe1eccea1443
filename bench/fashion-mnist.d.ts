// Types of bench/fashion-mnist.js, the one Fashion-MNIST reader of the benchmarks, the example and the tests.

/** Where the Debian package dataset-fashion-mnist installs the files. */
export const FASHION_MNIST_DIR: string;

/** What to do when the files are missing (names `apt-get install dataset-fashion-mnist`). */
export const FASHION_MNIST_MISSING: string;

export type Split = 'train' | 't10k';

/** Row-major vectors: row i is data[i*dim .. (i+1)*dim). */
export interface Dataset {
  count: number;
  dim: number;
  data: Float32Array;
}

/** Whether both image files are installed. */
export function hasFashionMnist(dir?: string): boolean;

/** Parses a gunzipped IDX image file, its first `limit` images if given; throws on a bad magic number or sizes. */
export function parseIdxImages(bytes: Uint8Array, limit?: number): Dataset;

/** Loads one split ('train': 60000 images, 't10k': 10000), optionally only its first `limit` rows. */
export function loadFashionMnist(split: Split, limit?: number, dir?: string): Dataset;

/** Row i of a dataset as a view (no copy). */
export function row(ds: Dataset, i: number): Float32Array;

/** A copy of the dataset with every row scaled to unit L2 norm (rows of zeros stay zero). */
export function normalizeRows(ds: Dataset): Dataset;

/** A copy of the dataset with every value multiplied by `factor`. */
export function scaleRows(ds: Dataset, factor: number): Dataset;
