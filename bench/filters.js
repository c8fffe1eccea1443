'use strict';
// Filtered search over Fashion-MNIST (60,000 x 784, l2): recall@k against the exact filtered answer, and queries per
// second, for allow-lists of a given share of the elements, each query with its own list (searchKnnBatch's
// per-query filters). Three ways to answer:
//   auto    the default: a list of at most exactSearchLimit labels is searched exactly, a longer one by the graph
//   graph   exactSearchLimit 0: the graph walk admits only allowed elements (what hnswlib's filter does)
//   exact   exactSearchLimit Infinity: every list compared with the query one element at a time
// The ground truth is BruteforceSearch with the same filters. With --crossover, the time of graph and exact over a
// range of list lengths, at each ef: where they cost the same is what the default limit is drawn from.
//
//   npm run bench:filters
//   node bench/filters.js --queries 200 --ef 40 --shares 0.001,0.01,0.1
//   node bench/filters.js --crossover
//
// Needs Fashion-MNIST (apt-get install dataset-fashion-mnist), the built package (npm run build:ts) and the addon.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { readArgs, usageText } = require('./cli');
const { FASHION_MNIST_MISSING, hasFashionMnist, loadFashionMnist } = require('./fashion-mnist');
const { markdownTable } = require('./report');
const { BruteforceSearch, HierarchicalNSW } = require('..');

const CACHE = path.join(__dirname, 'cache');

const OPTIONS = {
  train: { value: '60000', help: 'elements indexed (the first rows of the training split)' },
  queries: { value: '200', help: 'queries (the first rows of the test split)' },
  k: { value: '10', help: 'neighbours per query' },
  ef: { value: '40', help: 'search width of the recall table' },
  shares: { value: '0.001,0.01,0.1', help: 'allow-list lengths as shares of the elements' },
  'crossover-ef': { value: '10,40,120', help: 'widths of the --crossover table' },
  'crossover-sizes': { value: '100,300,1000,2000,3000,5000,8000,12000', help: 'list lengths of the --crossover table' },
  seed: { value: '7', help: 'seed of the allow-lists' },
};
const FLAGS = { crossover: 'time graph and exact over list lengths instead of the recall table' };

function usage() {
  return usageText('node bench/filters.js', { options: OPTIONS, flags: FLAGS }, 18);
}

/** xorshift32: the same lists on every run. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** `count` lists of `size` distinct labels below n, each drawn on its own (a partial Fisher-Yates shuffle). */
function allowLists(count, size, n, seed) {
  const next = random(seed);
  const pool = Uint32Array.from({ length: n }, (_, i) => i);
  const lists = [];
  for (let q = 0; q < count; q++) {
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(next() * (n - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    lists.push({ allow: Float64Array.from(pool.subarray(0, size)) });
  }
  return lists;
}

function buildIndex(train, o) {
  const file = path.join(CACHE, `filters-fashion-mnist-${o.train}-m16-ef200.hnsw`);
  const index = new HierarchicalNSW('l2', train.dim);
  if (fs.existsSync(file)) {
    index.readIndexSync(file);
    if (index.getCurrentCount() === o.train) return { index, seconds: 0 };
  }
  const start = performance.now();
  index.initIndex({ maxElements: o.train, m: 16, efConstruction: 200, randomSeed: 100 });
  index.addItemsSync(train.data, undefined, { numThreads: os.availableParallelism() });
  const seconds = (performance.now() - start) / 1000;
  fs.mkdirSync(CACHE, { recursive: true });
  index.writeIndexSync(file);
  return { index, seconds };
}

function recallAt(result, truth, k) {
  let hits = 0;
  let total = 0;
  for (let q = 0; q < truth.count; q++) {
    const want = new Set(truth.labels.subarray(q * truth.k, q * truth.k + truth.found[q]));
    total += Math.min(k, want.size);
    const got = result.labels.subarray(q * result.k, q * result.k + result.found[q]);
    for (const label of got) if (want.has(label)) hits++;
  }
  return total === 0 ? 1 : hits / total;
}

/** The best of three timed passes (one thread), and the result of the last. */
function timed(index, queries, k, options) {
  let best = Infinity;
  let result;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    result = index.searchKnnBatchSync(queries.data, k, { numThreads: 1, ...options });
    best = Math.min(best, performance.now() - start);
  }
  return { qps: (queries.count * 1000) / best, result };
}

const MODES = { auto: undefined, graph: 0, exact: Infinity };

function recallTable(index, brute, queries, o) {
  const rows = [];
  for (const share of o.shares) {
    const size = Math.max(1, Math.round(share * o.train));
    const filter = allowLists(queries.count, size, o.train, o.seed);
    const truth = brute.searchKnnBatchSync(queries.data, o.k, { filter });
    const row = { share, size };
    for (const [mode, limit] of Object.entries(MODES)) {
      const { qps, result } = timed(index, queries, o.k, { ef: o.ef, filter, exactSearchLimit: limit });
      row[mode] = { recall: recallAt(result, truth, o.k), qps };
    }
    rows.push(row);
    console.log(
      `share ${share} (${size} labels): ` +
        Object.keys(MODES)
          .map((m) => `${m} recall ${row[m].recall.toFixed(4)} ${Math.round(row[m].qps)} q/s`)
          .join(', '),
    );
  }
  const limit = Math.floor(Math.sqrt(4.5 * Math.max(o.ef, o.k) * o.train));
  console.log(`\nrecall@${o.k} at ef ${o.ef}, ${o.queries} queries each with its own allow-list, 1 thread (auto: lists of up to ${limit} labels searched exactly)\n`);
  console.log(
    markdownTable(
      ['allowed', 'labels', 'auto recall', 'auto q/s', 'graph recall (hnswlib-style)', 'graph q/s', 'exact recall', 'exact q/s'],
      rows.map((r) => [
        `${r.share * 100}%`,
        String(r.size),
        r.auto.recall.toFixed(4),
        String(Math.round(r.auto.qps)),
        r.graph.recall.toFixed(4),
        String(Math.round(r.graph.qps)),
        r.exact.recall.toFixed(4),
        String(Math.round(r.exact.qps)),
      ]),
    ),
  );
  return rows;
}

function crossoverTable(index, queries, o) {
  const rows = [];
  for (const ef of o.crossoverEf) {
    let crossing;
    let previous;
    for (const size of o.crossoverSizes) {
      const filter = allowLists(queries.count, size, o.train, o.seed + size);
      const graph = timed(index, queries, o.k, { ef, filter, exactSearchLimit: 0 }).qps;
      const exact = timed(index, queries, o.k, { ef, filter, exactSearchLimit: Infinity }).qps;
      rows.push({ ef, size, graph, exact });
      console.log(`ef ${ef}, ${size} labels: graph ${Math.round(graph)} q/s, exact ${Math.round(exact)} q/s`);
      // Where exact stops being faster, interpolated on the log of the ratio between the two sizes around it.
      const ratio = Math.log(exact / graph);
      if (crossing === undefined && previous && previous.ratio > 0 && ratio <= 0) {
        const t = previous.ratio / (previous.ratio - ratio);
        crossing = Math.exp(Math.log(previous.size) + t * (Math.log(size) - Math.log(previous.size)));
      }
      previous = { size, ratio };
    }
    const width = Math.max(ef, o.k);
    const factor = crossing === undefined ? undefined : (crossing * crossing) / (width * o.train);
    console.log(
      `ef ${ef}: equal cost at ${crossing === undefined ? 'none in range' : Math.round(crossing)} labels` +
        (factor === undefined ? '' : `, factor s^2 / (width x count) = ${factor.toFixed(1)}`),
    );
  }
  return rows;
}

function main() {
  let values;
  try {
    values = readArgs(process.argv.slice(2), { options: OPTIONS, flags: FLAGS }, usage());
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const get = (name) => values[name] ?? OPTIONS[name].value;
  const list = (name) => get(name).split(',').map(Number);
  const o = {
    train: Number(get('train')),
    queries: Number(get('queries')),
    k: Number(get('k')),
    ef: Number(get('ef')),
    seed: Number(get('seed')),
    shares: list('shares'),
    crossoverEf: list('crossover-ef'),
    crossoverSizes: list('crossover-sizes'),
  };
  if (!hasFashionMnist()) {
    console.error(FASHION_MNIST_MISSING);
    process.exit(2);
  }
  const train = loadFashionMnist('train', o.train);
  const queries = loadFashionMnist('t10k', o.queries);
  o.train = train.count;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`hnswkit filtered search: ${cpu}, ${os.cpus().length} cores, node ${process.version}`);
  const { index, seconds } = buildIndex(train, o);
  console.log(`index of ${o.train} x ${train.dim} (M 16, efConstruction 200) ${seconds ? `built in ${seconds.toFixed(1)} s` : 'read from bench/cache'}`);
  if (values.crossover) {
    crossoverTable(index, queries, o);
    return;
  }
  const brute = new BruteforceSearch('l2', train.dim);
  brute.initIndex(o.train);
  brute.addItemsSync(train.data);
  recallTable(index, brute, queries, o);
}

main();
