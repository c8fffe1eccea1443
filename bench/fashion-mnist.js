'use strict';
// Reads Fashion-MNIST (Debian package dataset-fashion-mnist) for the benchmarks, examples/fashion-mnist.js and the
// tests: gzip'd IDX image files into one flat Float32Array of pixels 0..255 per split, as in ann-benchmarks'
// fashion-mnist-784-euclidean. Types in fashion-mnist.d.ts.
//
// An IDX image file is a big-endian header (magic 0x00000803 for a 3-d uint8 array, then the three sizes) followed
// by the pixels, row after row.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

/** Where the Debian package installs the files. */
const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const IDX_UBYTE_3D = 0x00000803;

const INSTALL_HINT = 'install it with `apt-get install dataset-fashion-mnist` or run `sh scripts/setup.sh`';

/** What to do when the files are missing. */
const FASHION_MNIST_MISSING = `Fashion-MNIST is not installed (expected ${FASHION_MNIST_DIR}); ${INSTALL_HINT}`;

function splitFile(split, dir) {
  return path.join(dir, `${split}-images-idx3-ubyte.gz`);
}

/** Whether both image files are installed. */
function hasFashionMnist(dir = FASHION_MNIST_DIR) {
  return fs.existsSync(splitFile('train', dir)) && fs.existsSync(splitFile('t10k', dir));
}

/**
 * Parses an IDX image file (already gunzipped), taking the first `limit` images if given. Throws if the magic
 * number or the sizes do not describe a complete 3-d uint8 array.
 */
function parseIdxImages(bytes, limit) {
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

/**
 * One split ('train': 60000 images, 't10k': 10000), optionally only its first `limit` rows:
 * `{ count, dim, data }` with row i at data[i*dim .. (i+1)*dim). Throws, naming the fix, if the file is absent.
 */
function loadFashionMnist(split, limit, dir = FASHION_MNIST_DIR) {
  const file = splitFile(split, dir);
  if (!fs.existsSync(file)) throw new Error(`Fashion-MNIST is not installed (${file} is missing); ${INSTALL_HINT}`);
  return parseIdxImages(zlib.gunzipSync(fs.readFileSync(file)), limit);
}

/** Row i of a dataset as a view (no copy). */
function row(ds, i) {
  return ds.data.subarray(i * ds.dim, (i + 1) * ds.dim);
}

/** A copy of the dataset with every row scaled to unit L2 norm (norm summed in float64; rows of zeros stay zero). */
function normalizeRows(ds) {
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
function scaleRows(ds, factor) {
  const out = new Float32Array(ds.data.length);
  for (let i = 0; i < out.length; i++) out[i] = ds.data[i] * factor;
  return { count: ds.count, dim: ds.dim, data: out };
}

module.exports = {
  FASHION_MNIST_DIR,
  FASHION_MNIST_MISSING,
  hasFashionMnist,
  parseIdxImages,
  loadFashionMnist,
  row,
  normalizeRows,
  scaleRows,
};
