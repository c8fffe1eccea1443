'use strict';
// The pack-install-smoke check shared by smoke.cjs and smoke.mjs: drives the hnswlib-node-compatible surface of the
// installed package (build, search against brute force, save and load) and reports which binary and SIMD kernels
// run. scripts/pack-smoke.sh sets SMOKE_EXPECT_BINARY (the binary's path inside the package) and SMOKE_EXPECT_SIMD
// (a comma-separated list of acceptable kernel sets) to make a mismatch fail.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const DIM = 3;
const COUNT = 200;

/** Deterministic points in [0, 1)^DIM from a linear congruential generator. */
function makePoints(count, seed) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: DIM }, next));
}

function squaredL2(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

function bruteForceNearest(points, query) {
  let best = -1;
  let bestDistance = Infinity;
  points.forEach((p, label) => {
    const d = squaredL2(p, query);
    if (d < bestDistance) [best, bestDistance] = [label, d];
  });
  return { label: best, distance: bestDistance };
}

/** The .node file this process loaded, relative to the package root (Node keeps addons in require.cache). */
function loadedBinary(packageRoot) {
  const addons = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
  assert.strictEqual(addons.length, 1, `expected one loaded addon, found: ${addons.join(', ') || 'none'}`);
  return path.relative(packageRoot, addons[0]).split(path.sep).join('/');
}

/**
 * @param {{ HierarchicalNSW: any, simdLevel: () => string }} hnswkit the package's exports, however they were imported
 * @param {string} how a label for the report line ("cjs", "esm")
 */
async function exercise(hnswkit, how) {
  const { HierarchicalNSW, simdLevel } = hnswkit;
  const points = makePoints(COUNT, 42);
  const queries = makePoints(20, 7);

  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(COUNT);
  points.forEach((p, label) => index.addPoint(p, label));
  assert.strictEqual(index.getCurrentCount(), COUNT);
  index.setEf(50);

  const answers = queries.map((q) => index.searchKnn(q, 5));
  answers.forEach((result, i) => {
    assert.deepStrictEqual(Object.keys(result).sort(), ['distances', 'neighbors']);
    assert.strictEqual(result.neighbors.length, 5);
    const exact = bruteForceNearest(points, queries[i]);
    assert.strictEqual(result.neighbors[0], exact.label, `query ${i}: nearest label`);
    assert.ok(Math.abs(result.distances[0] - exact.distance) < 1e-5, `query ${i}: distance`);
    for (let k = 1; k < 5; k++) assert.ok(result.distances[k] >= result.distances[k - 1], 'distances ascending');
  });
  const self = index.searchKnn(points[17], 1);
  assert.deepStrictEqual(self.neighbors, [17]);
  assert.strictEqual(self.distances[0], 0);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-smoke-'));
  try {
    const file = path.join(dir, 'index.hnsw');
    await index.writeIndex(file);
    const loaded = new HierarchicalNSW('l2', DIM);
    await loaded.readIndex(file);
    assert.strictEqual(loaded.getCurrentCount(), COUNT);
    loaded.setEf(50);
    queries.forEach((q, i) => assert.deepStrictEqual(loaded.searchKnn(q, 5), answers[i], `loaded index, query ${i}`));

    const syncFile = path.join(dir, 'index-sync.hnsw');
    loaded.writeIndexSync(syncFile);
    assert.ok(fs.readFileSync(syncFile).equals(fs.readFileSync(file)), 'writeIndexSync writes the same bytes');
    const again = new HierarchicalNSW('l2', DIM);
    again.readIndexSync(syncFile);
    assert.strictEqual(again.getCurrentCount(), COUNT);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const simd = simdLevel();
  const packageRoot = path.dirname(require.resolve('hnswkit/package.json'));
  const binary = loadedBinary(packageRoot);
  const expectedBinary = process.env.SMOKE_EXPECT_BINARY;
  if (expectedBinary) assert.strictEqual(binary, expectedBinary, 'loaded binary');
  const expectedSimd = process.env.SMOKE_EXPECT_SIMD;
  if (expectedSimd) assert.ok(expectedSimd.split(',').includes(simd), `SIMD level ${simd}, expected one of ${expectedSimd}`);

  console.log(
    `smoke ${how}: ok on ${process.platform}-${process.arch}, node ${process.version}, simd ${simd}, binary ${binary}`
  );
}

module.exports = { exercise };
