'use strict';
// The data of bench/scale.js: Fashion-MNIST's 70,000 images (train + test) grown into up to 1,050,000 vectors of 784
// floats by shifting each 28x28 image by -2..2 pixels in x and y and adding small seeded noise, plus held-out queries
// made the same way, and their exact nearest neighbours.
//
// Element i of the sequence is image i mod 70000, shifted by SHIFTS[(v + image) mod 25] where v = floor(i / 70000),
// so the first 25 x 70000 elements hold every image at every shift exactly once, and any image's shifts are spread
// over the whole sequence. Each value is the shifted pixel (0..255, 0 where the shift brings in a border) plus noise
// uniform in [-NOISE, NOISE), drawn by a PRNG seeded from (seed, i). The base set of N vectors is elements 0..N-1, so
// a file of N rows holds every smaller base set as its first rows. Query q is element QUERY_START + q * QUERY_STEP:
// an image at a shift that no base set of up to QUERY_START vectors holds, never inserted.
//
// As a child process (`node bench/scale-data.js '<json>'`, command "groundtruth"), it computes the exact top
// GT_DEPTH of every query by brute force with hnswkit's own BruteforceSearch and searchKnnBatchSync, a chunk of base
// rows at a time, and checks a few queries against a plain float64 loop over the same rows.

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const { DIM, GT_DEPTH } = require('./data');
const { loadFashionMnist } = require('./fashion-mnist');

const SIDE = 28;
const IMAGES = 70000;
/** Every shift of -2..2 pixels in x and y, (0, 0) first. */
const SHIFTS = [];
for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) SHIFTS.push([dx, dy]);
SHIFTS.sort((a, b) => Math.abs(a[0]) + Math.abs(a[1]) - (Math.abs(b[0]) + Math.abs(b[1])));
/** Amplitude of the noise added to every value, in pixel units (0..255). */
const NOISE = 4;
/** The largest base set: elements from here on are never inserted, and the queries come from them. */
const QUERY_START = 15 * IMAGES;
/** Step between query elements: prime, so up to IMAGES queries use different images (and different shifts). */
const QUERY_STEP = 691;
const MAX_QUERIES = Math.floor((SHIFTS.length * IMAGES - QUERY_START - 1) / QUERY_STEP) + 1;
/** Version of the sequence above, part of every cache file name: change it when the sequence changes. */
const FORMAT = 1;

/** mulberry32: a small 32-bit PRNG, returns floats in [0, 1). */
function mulberry32(state) {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of (seed, i) (i < 2^32) that seeds element i's noise. */
function elementSeed(seed, i) {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ i;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** All 70,000 images as one Float32Array (train rows, then test rows). */
function loadImages() {
  const train = loadFashionMnist('train');
  const test = loadFashionMnist('t10k');
  if (train.dim !== DIM || test.dim !== DIM || train.count + test.count !== IMAGES) {
    throw new Error(`Fashion-MNIST: expected ${IMAGES} images of ${DIM} pixels`);
  }
  const all = new Float32Array(IMAGES * DIM);
  all.set(train.data, 0);
  all.set(test.data, train.count * DIM);
  return all;
}

/** Writes element `i` of the sequence into `out` (DIM floats). */
function makeElement(images, seed, i, out) {
  const image = i % IMAGES;
  const v = Math.floor(i / IMAGES);
  const [dx, dy] = SHIFTS[(v + image) % SHIFTS.length];
  const src = image * DIM;
  const random = mulberry32(elementSeed(seed, i));
  for (let y = 0; y < SIDE; y++) {
    const sy = y - dy;
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      const pixel = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE ? images[src + sy * SIDE + sx] : 0;
      out[y * SIDE + x] = pixel + (random() * 2 - 1) * NOISE;
    }
  }
}

function baseFile(dir, seed, n) {
  return path.join(dir, `fashion-mnist-scale-v${FORMAT}-seed${seed}-base${n}.f32`);
}

function queryFile(dir, seed, queries) {
  return path.join(dir, `fashion-mnist-scale-v${FORMAT}-seed${seed}-queries${queries}.f32`);
}

function groundTruthFile(dir, seed, n, queries) {
  return path.join(dir, `fashion-mnist-scale-v${FORMAT}-seed${seed}-base${n}-queries${queries}-gt${GT_DEPTH}.bin`);
}

/** A cached file `<prefix><count><suffix>` of whole rows with count >= `atLeast` (the smallest such), or null. */
function findCached(dir, prefix, suffix, atLeast, rowBytes) {
  if (!fs.existsSync(dir)) return null;
  let best = null;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
    const count = Number(name.slice(prefix.length, name.length - suffix.length));
    if (!Number.isInteger(count) || count < atLeast || (best && count >= best.count)) continue;
    const file = path.join(dir, name);
    if (fs.statSync(file).size === count * rowBytes) best = { file, count };
  }
  return best;
}

/** Writes elements first..first+count-1 (stepping by `step`) to `file`, through a temporary file, in blocks. */
function writeElements(images, seed, file, count, indexOf) {
  const BLOCK = 8192;
  const block = new Float32Array(BLOCK * DIM);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (let start = 0; start < count; start += BLOCK) {
      const rows = Math.min(BLOCK, count - start);
      for (let r = 0; r < rows; r++) {
        makeElement(images, seed, indexOf(start + r), block.subarray(r * DIM, (r + 1) * DIM));
      }
      const bytes = new Uint8Array(block.buffer, 0, rows * DIM * 4);
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * The base and query files for n vectors and `queries` queries in `dir`, written unless a cached file of at least
 * that many rows is there (every case reads only its first rows). Returns their paths and what was written.
 */
function prepare(dir, { n, queries, seed }) {
  if (n > QUERY_START) throw new Error(`at most ${QUERY_START} base vectors, asked for ${n}`);
  if (queries > MAX_QUERIES) throw new Error(`at most ${MAX_QUERIES} queries, asked for ${queries}`);
  fs.mkdirSync(dir, { recursive: true });
  const rowBytes = DIM * 4;
  const stem = `fashion-mnist-scale-v${FORMAT}-seed${seed}-`;
  const written = [];
  let images = null;
  const make = (file, count, indexOf) => {
    images = images || loadImages();
    const started = performance.now();
    writeElements(images, seed, file, count, indexOf);
    written.push({ file, rows: count, seconds: (performance.now() - started) / 1000 });
    return file;
  };
  const base = findCached(dir, `${stem}base`, '.f32', n, rowBytes);
  const query = findCached(dir, `${stem}queries`, '.f32', queries, rowBytes);
  return {
    base: base ? base.file : make(baseFile(dir, seed, n), n, (i) => i),
    queries: query ? query.file : make(queryFile(dir, seed, queries), queries, (q) => QUERY_START + q * QUERY_STEP),
    written,
  };
}

/** `count` rows from row `first` of a raw float32 file, as one Float32Array. */
function readRows(file, first, count, dim = DIM) {
  const out = new Float32Array(count * dim);
  const bytes = new Uint8Array(out.buffer);
  const fd = fs.openSync(file, 'r');
  try {
    for (let done = 0; done < bytes.length; ) {
      const piece = Math.min(1 << 30, bytes.length - done);
      const got = fs.readSync(fd, bytes, done, piece, first * dim * 4 + done);
      if (got === 0) throw new Error(`${file} holds fewer than ${first + count} rows of ${dim} floats`);
      done += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

// ---- ground truth (child process) ----------------------------------------------------------------------------------

/** Keeps the `depth` smallest (distance, id) pairs of each query, merged from sorted lists. */
function mergeTop(bestIds, bestDist, query, depth, ids, dists, found) {
  const base = query * depth;
  const curIds = bestIds.slice(base, base + depth);
  const curDist = bestDist.slice(base, base + depth);
  let a = 0;
  let b = 0;
  for (let j = 0; j < depth; j++) {
    const before = curDist[a] < dists[b] || (curDist[a] === dists[b] && curIds[a] < ids[b]);
    const takeA = b >= found || (curIds[a] !== -1 && before);
    if (takeA && curIds[a] !== -1) {
      bestIds[base + j] = curIds[a];
      bestDist[base + j] = curDist[a];
      a++;
    } else if (b < found) {
      bestIds[base + j] = ids[b];
      bestDist[base + j] = dists[b];
      b++;
    } else {
      bestIds[base + j] = -1;
      bestDist[base + j] = Infinity;
    }
  }
}

/** Squared L2 in float64, the plain loop the check compares with. */
function l2Float64(a, aOff, b, bOff, dim) {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    s += d * d;
  }
  return s;
}

function groundtruth(args) {
  const { BruteforceSearch } = require(path.resolve(__dirname, '..'));
  const { n, queryCount: nq, dim, depth, threads, chunk } = args;
  const queries = readRows(args.queries, 0, nq, dim);
  const bestIds = new Int32Array(nq * depth).fill(-1);
  const bestDist = new Float64Array(nq * depth).fill(Infinity);
  // The plain loop's own top `k` of a few queries spread over the set.
  const checkQueries = [...new Set(Array.from({ length: args.check }, (_, c) => Math.floor((c * nq) / args.check)))];
  const k = args.k;
  const plain = checkQueries.map(() => []);
  const started = performance.now();
  let bruteSeconds = 0;
  let plainSeconds = 0;
  const index = new BruteforceSearch('l2', dim);
  for (let first = 0; first < n; first += chunk) {
    const rows = Math.min(chunk, n - first);
    const data = readRows(args.base, first, rows, dim);
    const labels = new Uint32Array(rows);
    for (let r = 0; r < rows; r++) labels[r] = first + r;
    const t0 = performance.now();
    index.initIndex(rows);
    index.addItemsSync(data, labels, { numThreads: threads });
    const result = index.searchKnnBatchSync(queries, depth, { numThreads: threads });
    bruteSeconds += (performance.now() - t0) / 1000;
    for (let q = 0; q < nq; q++) {
      const off = q * result.k;
      const ids = result.labels.subarray(off, off + result.found[q]);
      const dists = result.distances.subarray(off, off + result.found[q]);
      mergeTop(bestIds, bestDist, q, depth, ids, dists, result.found[q]);
    }
    const t1 = performance.now();
    checkQueries.forEach((q, c) => {
      const list = plain[c];
      for (let r = 0; r < rows; r++) list.push([l2Float64(queries, q * dim, data, r * dim, dim), first + r]);
      list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      list.length = Math.min(list.length, k);
    });
    plainSeconds += (performance.now() - t1) / 1000;
  }
  // Check: the same k ids as the plain loop, or where they differ, distances the float32 kernels cannot tell apart.
  const check = checkQueries.map((q, c) => {
    const mine = Array.from(bestIds.subarray(q * depth, q * depth + k));
    const theirs = plain[c].map((p) => p[1]);
    const same = mine.filter((id) => theirs.includes(id)).length;
    let maxRel = 0;
    for (let j = 0; j < k; j++) {
      const exact = plain[c][j][0];
      maxRel = Math.max(maxRel, Math.abs(bestDist[q * depth + j] - exact) / Math.max(exact, 1e-30));
    }
    return { query: q, sameIds: same, maxRelativeDistanceError: maxRel };
  });
  const out = Buffer.alloc(nq * depth * 12);
  Buffer.from(bestIds.buffer).copy(out, 0);
  Buffer.from(bestDist.buffer).copy(out, nq * depth * 4);
  fs.writeFileSync(`${args.out}.tmp`, out);
  fs.renameSync(`${args.out}.tmp`, args.out);
  return {
    seconds: (performance.now() - started) / 1000,
    bruteSeconds,
    plainSeconds,
    chunk,
    threads,
    check,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

module.exports = {
  NOISE,
  SHIFTS,
  IMAGES,
  QUERY_START,
  QUERY_STEP,
  MAX_QUERIES,
  FORMAT,
  makeElement,
  prepare,
  readRows,
  groundTruthFile,
  findCached,
};

if (require.main === module) {
  const args = JSON.parse(process.argv[2]);
  if (args.command !== 'groundtruth') throw new Error(`unknown command ${args.command}`);
  process.stdout.write(JSON.stringify(groundtruth(args)) + '\n');
}
