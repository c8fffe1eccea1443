'use strict';
// hnswkit demo: builds an HNSW index over Fashion-MNIST (784-d images as float32 pixels 0..255), measures
// recall@10 against exact brute-force ground truth and queries per second at several ef values, then saves the
// index, loads it back into a new object and checks that the loaded index answers identically.
//
//   npm run demo                            all 60,000 training images, the first 1,000 test images as queries
//   npm run demo -- --queries 10000         all 10,000 test images
//   npm run demo -- --train 10000 --ef 10,50 --m 32
//   npm run demo -- --help
//
// The data comes from the Debian package dataset-fashion-mnist (`sh scripts/setup.sh` installs it), read by
// bench/fashion-mnist.js.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const { BruteforceSearch, HierarchicalNSW, simdLevel, version } = require('..');
// The reader the benchmarks and tests share: IDX files into flat Float32Arrays, row(ds, i) a view of one image.
const { FASHION_MNIST_MISSING, hasFashionMnist, loadFashionMnist, row } = require('../bench/fashion-mnist');

const K = 10;

const OPTIONS = {
  train: { value: 60000, help: 'training images to index (at most 60000)' },
  queries: { value: 1000, help: 'test images to query (at most 10000)' },
  m: { value: 16, help: 'HNSW M: links per element per level (2*M on level 0)' },
  'ef-construction': { value: 200, help: 'beam width while building' },
  ef: { value: '10,20,50,100,200', help: 'comma-separated search beam widths to measure' },
  seed: { value: 100, help: 'random seed for the level generator' },
};

function usage() {
  const lines = ['Usage: node examples/fashion-mnist.js [options]', ''];
  for (const [name, o] of Object.entries(OPTIONS)) lines.push(`  --${name.padEnd(16)} ${o.help} (default ${o.value})`);
  lines.push(`  --${'help'.padEnd(16)} show this text`);
  return lines.join('\n');
}

/** The options as numbers (and --ef as a list); prints the usage and exits on --help or a bad argument. */
function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' }])),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${err.message}\n\n${usage()}`);
  }
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const out = {};
  for (const [name, o] of Object.entries(OPTIONS)) {
    const raw = values[name] ?? String(o.value);
    if (name === 'ef') {
      const list = raw.split(',').map(Number);
      if (list.some((x) => !Number.isInteger(x) || x < 1)) fail(`--ef takes positive integers, got ${raw}`);
      out.ef = list;
    } else {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) fail(`--${name} takes a positive integer, got ${raw}`);
      out[name] = n;
    }
  }
  return out;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function seconds(fromNs) {
  return Number(process.hrtime.bigint() - fromNs) / 1e9;
}

function formatBytes(n) {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

function main() {
  const opts = readOptions(process.argv.slice(2));
  if (!hasFashionMnist()) fail(FASHION_MNIST_MISSING);

  console.log(`hnswkit ${version}, distance kernels: ${simdLevel()}, node ${process.version}`);
  const train = loadFashionMnist('train', opts.train);
  const test = loadFashionMnist('t10k', opts.queries);
  console.log(`Fashion-MNIST: ${train.count} training images, ${test.count} queries, ${train.dim} dimensions, l2\n`);

  // ---- build ----
  const index = new HierarchicalNSW('l2', train.dim);
  index.initIndex(train.count, opts.m, opts['ef-construction'], opts.seed);
  console.log(`Building HNSW (M=${opts.m}, efConstruction=${opts['ef-construction']}) ...`);
  const buildStart = process.hrtime.bigint();
  const step = Math.max(1, Math.floor(train.count / 10));
  for (let i = 0; i < train.count; i++) {
    index.addPoint(row(train, i), i);
    if ((i + 1) % step === 0 || i + 1 === train.count) {
      const done = i + 1;
      const t = seconds(buildStart);
      process.stdout.write(`  ${String(done).padStart(6)} / ${train.count}  ${t.toFixed(1)} s  ` +
        `(${Math.round(done / t)} inserts/s)\n`);
    }
  }
  const buildTime = seconds(buildStart);
  console.log(`Built in ${buildTime.toFixed(1)} s\n`);

  // ---- exact ground truth ----
  console.log('Exact ground truth with BruteforceSearch ...');
  const gtStart = process.hrtime.bigint();
  const exact = new BruteforceSearch('l2', train.dim);
  exact.initIndex(train.count);
  for (let i = 0; i < train.count; i++) exact.addPoint(row(train, i), i);
  const truth = [];
  for (let q = 0; q < test.count; q++) {
    const r = exact.searchKnn(row(test, q), K);
    truth.push({ labels: new Set(r.neighbors), kth: r.distances[K - 1] });
  }
  const gtTime = seconds(gtStart);
  console.log(`  ${test.count} queries in ${gtTime.toFixed(1)} s (${Math.round(test.count / gtTime)} queries/s)\n`);

  // ---- search ----
  console.log(`  ef   recall@${K}   queries/s   ms/query`);
  let lastEf = opts.ef[0];
  let lastResults = [];
  for (const ef of opts.ef) {
    index.setEf(ef);
    const results = new Array(test.count);
    const start = process.hrtime.bigint();
    for (let q = 0; q < test.count; q++) results[q] = index.searchKnn(row(test, q), K);
    const t = seconds(start);
    let hits = 0;
    for (let q = 0; q < test.count; q++) {
      const { labels, kth } = truth[q];
      const r = results[q];
      // A neighbour tied with the true 10th counts as found.
      for (let i = 0; i < r.neighbors.length; i++) if (labels.has(r.neighbors[i]) || r.distances[i] <= kth) hits++;
    }
    const recall = hits / (test.count * K);
    console.log(`${String(ef).padStart(5)}   ${recall.toFixed(4).padStart(9)}   ` +
      `${String(Math.round(test.count / t)).padStart(9)}   ${((t * 1000) / test.count).toFixed(3).padStart(8)}`);
    lastEf = ef;
    lastResults = results;
  }
  console.log('');

  // ---- save, load, compare ----
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-demo-'));
  try {
    const file = path.join(dir, 'fashion-mnist.hnsw');
    const saveStart = process.hrtime.bigint();
    index.writeIndexSync(file);
    const saveTime = seconds(saveStart);
    const size = fs.statSync(file).size;
    console.log(`Saved ${file}: ${formatBytes(size)} in ${saveTime.toFixed(2)} s`);

    const loaded = new HierarchicalNSW('l2', train.dim);
    const loadStart = process.hrtime.bigint();
    loaded.readIndexSync(file);
    const loadTime = seconds(loadStart);
    console.log(`Loaded it into a new index in ${loadTime.toFixed(2)} s: ${loaded.getCurrentCount()} elements`);

    // ef is not stored in the file; set it as before.
    loaded.setEf(lastEf);
    let differing = 0;
    for (let q = 0; q < test.count; q++) {
      const a = lastResults[q];
      const b = loaded.searchKnn(row(test, q), K);
      if (JSON.stringify(a) !== JSON.stringify(b)) differing++;
    }
    if (differing > 0) fail(`The loaded index answered ${differing} of ${test.count} queries differently`);
    console.log(`The loaded index gives identical results for all ${test.count} queries at ef=${lastEf}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
