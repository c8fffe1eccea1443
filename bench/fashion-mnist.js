'use strict';
// Loads Fashion-MNIST (Debian package dataset-fashion-mnist) for the benchmarks: gzip'd IDX image files into one
// flat Float32Array of pixels 0..255 per split, as test/helpers/fashion-mnist.ts does for the tests.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const IDX_UBYTE_3D = 0x00000803;

function splitFile(split, dir) {
  return path.join(dir, `${split}-images-idx3-ubyte.gz`);
}

/** Whether both image files are installed. */
function hasFashionMnist(dir = FASHION_MNIST_DIR) {
  return fs.existsSync(splitFile('train', dir)) && fs.existsSync(splitFile('t10k', dir));
}

/**
 * One split ('train': 60000 images, 't10k': 10000), optionally only its first `limit` rows:
 * `{ count, dim, data }` with row i at data[i*dim .. (i+1)*dim).
 */
function loadFashionMnist(split, limit, dir = FASHION_MNIST_DIR) {
  const bytes = zlib.gunzipSync(fs.readFileSync(splitFile(split, dir)));
  if (bytes.length < 16) throw new Error(`IDX file too short: ${bytes.length} bytes`);
  const magic = bytes.readUInt32BE(0);
  if (magic !== IDX_UBYTE_3D) throw new Error(`not an IDX uint8 3-d file: magic 0x${magic.toString(16)}`);
  const total = bytes.readUInt32BE(4);
  const dim = bytes.readUInt32BE(8) * bytes.readUInt32BE(12);
  if (dim === 0 || bytes.length !== 16 + total * dim) {
    throw new Error(`IDX sizes ${total}x${dim} do not match ${bytes.length - 16} payload bytes`);
  }
  const count = limit === undefined ? total : Math.min(limit, total);
  const data = new Float32Array(count * dim);
  const pixels = bytes.subarray(16, 16 + count * dim);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i];
  return { count, dim, data };
}

module.exports = { FASHION_MNIST_DIR, hasFashionMnist, loadFashionMnist };
