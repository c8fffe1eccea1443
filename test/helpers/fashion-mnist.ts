// Loads Fashion-MNIST (Debian package dataset-fashion-mnist) into flat Float32Arrays, one row per image.
//
// The files are IDX (big-endian header: magic 0x00000803 for a 3-d uint8 array, then the three sizes) compressed
// with gzip. Pixels become float32 values 0..255, as in ann-benchmarks' fashion-mnist-784-euclidean.

import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Where the Debian package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type Split = 'train' | 't10k';

/** Row-major vectors: row i is data[i*dim .. (i+1)*dim). */
export interface Dataset {
  count: number;
  dim: number;
  data: Float32Array;
}

const IDX_UBYTE_3D = 0x00000803;

function splitFile(split: Split, dir: string): string {
  return path.join(dir, `${split}-images-idx3-ubyte.gz`);
}

/** Whether both image files are installed. */
export function hasFashionMnist(dir: string = FASHION_MNIST_DIR): boolean {
  return fs.existsSync(splitFile('train', dir)) && fs.existsSync(splitFile('t10k', dir));
}

/** The message tests print when the dataset is missing. */
export const FASHION_MNIST_MISSING =
  `Fashion-MNIST is not installed (expected ${FASHION_MNIST_DIR}); install it with ` +
  '`apt-get install dataset-fashion-mnist` or run `sh scripts/setup.sh`';

/**
 * Parses an IDX image file (already gunzipped). Takes the first `limit` images if given.
 * Throws if the magic number or the sizes do not describe a complete 3-d uint8 array.
 */
export function parseIdxImages(bytes: Uint8Array, limit?: number): Dataset {
  if (bytes.length < 16) {
    throw new Error(`IDX file too short: ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== IDX_UBYTE_3D) {
    throw new Error(`not an IDX uint8 3-d file: magic 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const total = view.getUint32(4, false);
  const rows = view.getUint32(8, false);
  const cols = view.getUint32(12, false);
  const dim = rows * cols;
  if (dim === 0 || bytes.length !== 16 + total * dim) {
    throw new Error(`IDX sizes ${total}x${rows}x${cols} do not match ${bytes.length - 16} payload bytes`);
  }
  const count = limit === undefined ? total : Math.min(limit, total);
  const data = new Float32Array(count * dim);
  const pixels = bytes.subarray(16, 16 + count * dim);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i];
  return { count, dim, data };
}

/** Loads one split ('train': 60000 images, 't10k': 10000), optionally only its first `limit` rows. */
export function loadFashionMnist(split: Split, limit?: number, dir: string = FASHION_MNIST_DIR): Dataset {
  const file = splitFile(split, dir);
  return parseIdxImages(zlib.gunzipSync(fs.readFileSync(file)), limit);
}

/** Row i of a dataset as a view (no copy). */
export function row(ds: Dataset, i: number): Float32Array {
  return ds.data.subarray(i * ds.dim, (i + 1) * ds.dim);
}

/** A copy of the dataset with every row scaled to unit L2 norm (rows of zeros stay zero). */
export function normalizeRows(ds: Dataset): Dataset {
  const out = new Float32Array(ds.data.length);
  for (let i = 0; i < ds.count; i++) {
    const off = i * ds.dim;
    let s = 0;
    for (let j = 0; j < ds.dim; j++) s += ds.data[off + j] * ds.data[off + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < ds.dim; j++) out[off + j] = ds.data[off + j] * inv;
  }
  return { count: ds.count, dim: ds.dim, data: out };
}

/** A copy of the dataset with every value multiplied by `factor`. */
export function scaleRows(ds: Dataset, factor: number): Dataset {
  const out = new Float32Array(ds.data.length);
  for (let i = 0; i < out.length; i++) out[i] = ds.data[i] * factor;
  return { count: ds.count, dim: ds.dim, data: out };
}
