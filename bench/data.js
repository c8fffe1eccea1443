'use strict';
// The benchmark's data: Fashion-MNIST as raw float32 files in bench/cache/ (pixels 0..255 for the euclidean set,
// unit vectors for the angular one), reading them back, the cached exact ground truth, and recall@k against it.

const fs = require('fs');
const path = require('path');

const { FASHION_MNIST_MISSING, hasFashionMnist, loadFashionMnist, normalizeRows } = require('./fashion-mnist');

const CACHE = path.join(__dirname, 'cache');
const DIM = 784;
/** How many exact neighbours the ground truth keeps per query, as ann-benchmarks' files do. */
const GT_DEPTH = 100;

/**
 * The two data sets. `space` is the hnswlib space every library is given; `metric` tells the ground truth how to
 * measure (squared L2, or 1 - dot of unit vectors).
 */
const VARIANTS = {
  euclidean: {
    id: 'euclidean',
    name: 'fashion-mnist-784-euclidean',
    space: 'l2',
    metric: 'l2',
    description: 'pixels 0..255 as float32, squared L2 (space `l2`)',
  },
  angular: {
    id: 'angular',
    name: 'fashion-mnist-784-angular',
    space: 'cosine',
    metric: 'angular',
    description: 'the same images scaled to unit length, cosine distance (space `cosine`)',
  },
};

function vectorFile(variant, split) {
  return path.join(CACHE, `${VARIANTS[variant].name}-${split}.f32`);
}

function writeAtomic(file, bytes) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, bytes);
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Writes the raw vector files of the given variants into bench/cache/ unless they are there already.
 * Returns the variants it wrote.
 */
function prepareVectors(variants) {
  const missing = variants.filter((v) => !['train', 'test'].every((s) => fs.existsSync(vectorFile(v, s))));
  if (missing.length === 0) return [];
  if (!hasFashionMnist()) throw new Error(FASHION_MNIST_MISSING);
  for (const [split, idxSplit] of [['train', 'train'], ['test', 't10k']]) {
    const images = loadFashionMnist(idxSplit);
    if (images.dim !== DIM) throw new Error(`Fashion-MNIST ${idxSplit} has ${images.dim} dimensions, expected ${DIM}`);
    for (const v of missing) {
      const rows = VARIANTS[v].metric === 'angular' ? normalizeRows(images).data : images.data;
      writeAtomic(vectorFile(v, split), Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
    }
  }
  return missing;
}

/** The most one fs.readSync call is asked for: Node takes lengths up to 2^31 - 1 only. */
const READ_PIECE = 1 << 30;

/** The first `count` rows of a raw float32 file, as one flat Float32Array (of any size, read 1 GiB at a time). */
function readVectors(file, count, dim = DIM) {
  const out = new Float32Array(count * dim);
  const bytes = new Uint8Array(out.buffer);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(fd, bytes, done, Math.min(READ_PIECE, bytes.length - done), done);
      if (n === 0) throw new Error(`${file} holds fewer than ${count} rows of ${dim} floats`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

// ---- ground truth ----------------------------------------------------------------------------------------------

function groundTruthFile(variant, train, queries) {
  return path.join(CACHE, `${VARIANTS[variant].name}-gt${GT_DEPTH}-train${train}-queries${queries}.bin`);
}

/** A cached ground-truth file for these training rows holding at least `queries` queries, or null. */
function findGroundTruth(variant, train, queries) {
  if (!fs.existsSync(CACHE)) return null;
  const prefix = `${VARIANTS[variant].name}-gt${GT_DEPTH}-train${train}-queries`;
  let best = null;
  for (const name of fs.readdirSync(CACHE)) {
    const m = name.startsWith(prefix) ? /^(\d+)\.bin$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const q = Number(m[1]);
    const file = path.join(CACHE, name);
    // Only whole files: int32 ids then float64 distances, GT_DEPTH of each per query.
    if (q >= queries && fs.statSync(file).size === q * GT_DEPTH * 12 && (!best || q < best.queries)) {
      best = { file, queries: q };
    }
  }
  return best;
}

/**
 * The exact top GT_DEPTH of the first `queries` queries from a file holding `fileQueries`:
 * `{ ids: Int32Array, distances: Float64Array }`, row q at [q*GT_DEPTH, (q+1)*GT_DEPTH), closest first.
 */
function readGroundTruth(file, fileQueries, queries) {
  const buf = fs.readFileSync(file);
  if (buf.length !== fileQueries * GT_DEPTH * 12) throw new Error(`${file}: unexpected size ${buf.length}`);
  const n = queries * GT_DEPTH;
  const ids = new Int32Array(n);
  const distances = new Float64Array(n);
  const idBase = 0;
  const distBase = fileQueries * GT_DEPTH * 4;
  for (let i = 0; i < n; i++) {
    ids[i] = buf.readInt32LE(idBase + i * 4);
    distances[i] = buf.readDoubleLE(distBase + i * 8);
  }
  return { ids, distances, depth: GT_DEPTH };
}

/**
 * Mean recall@k of `labels` (queries x k int32, -1 for an empty slot) against the exact neighbours. As in
 * ann-benchmarks, a returned neighbour counts when its exact distance is no larger than the exact k-th distance,
 * so a neighbour tied with the k-th is not a miss; exact distances come from the top-GT_DEPTH list (a neighbour
 * outside it is further than the GT_DEPTH-th, hence a miss). Also returns the problems a correct library never
 * shows: labels outside 0..train-1, a label twice in one answer, and empty slots.
 */
function recallAtK(labels, gt, queries, k, train) {
  const depth = gt.depth;
  const position = new Int32Array(train).fill(-1);
  let hits = 0;
  let outOfRange = 0;
  let duplicates = 0;
  let empty = 0;
  for (let q = 0; q < queries; q++) {
    const base = q * depth;
    for (let j = 0; j < depth; j++) position[gt.ids[base + j]] = j;
    const kth = gt.distances[base + k - 1];
    const seen = new Set();
    for (let i = 0; i < k; i++) {
      const label = labels[q * k + i];
      if (label === -1) {
        empty++;
        continue;
      }
      if (label < 0 || label >= train) {
        outOfRange++;
        continue;
      }
      if (seen.has(label)) {
        duplicates++;
        continue;
      }
      seen.add(label);
      const j = position[label];
      if (j >= 0 && (j < k || gt.distances[base + j] <= kth)) hits++;
    }
    for (let j = 0; j < depth; j++) position[gt.ids[base + j]] = -1;
  }
  return { recall: hits / (queries * k), outOfRange, duplicates, empty };
}

module.exports = {
  CACHE,
  DIM,
  GT_DEPTH,
  VARIANTS,
  vectorFile,
  prepareVectors,
  readVectors,
  groundTruthFile,
  findGroundTruth,
  readGroundTruth,
  recallAtK,
};
