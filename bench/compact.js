'use strict';
// compact() over Fashion-MNIST (60,000 x 784, l2, M 16, efConstruction 200): half of the elements deleted, then the
// index compacted. Reports what RSS gives back (against the RSS the loaded index took), the recall@10 at ef 40 of
// the live half before and after, and that of an index built afresh from the live half only, all against exact
// search over the live half. One process; the index file is bench/filters.js's (built there if missing).
//
//   npm run bench:compact
//   node bench/compact.js --queries 1000 --threads 2
//
// Needs Fashion-MNIST (apt-get install dataset-fashion-mnist), the built package (npm run build:ts) and the addon.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { readArgs, usageText } = require('./cli');
const { FASHION_MNIST_MISSING, hasFashionMnist, loadFashionMnist } = require('./fashion-mnist');
const { BruteforceSearch, HierarchicalNSW } = require('..');

const CACHE = path.join(__dirname, 'cache');
const MB = 1024 * 1024;

const OPTIONS = {
  queries: { value: '1000', help: 'queries (the first rows of the test split)' },
  threads: { value: String(os.availableParallelism()), help: 'threads of the builds and the compaction' },
  ef: { value: '40', help: 'search width of the recall figures' },
};

function usage() {
  return usageText('node bench/compact.js', { options: OPTIONS }, 12);
}

function rss() {
  return process.memoryUsage.rss();
}

function recall(index, exact, queries, ef) {
  const got = index.searchKnnBatchSync(queries.data, 10, { ef });
  const want = exact.searchKnnBatchSync(queries.data, 10);
  let hits = 0;
  for (let q = 0; q < queries.count; q++) {
    const truth = new Set(want.labels.subarray(q * 10, q * 10 + want.found[q]));
    for (const label of got.labels.subarray(q * 10, q * 10 + got.found[q])) if (truth.has(label)) hits++;
  }
  return hits / (queries.count * 10);
}

async function main() {
  let values;
  try {
    values = readArgs(process.argv.slice(2), { options: OPTIONS }, usage());
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const get = (name) => Number(values[name] ?? OPTIONS[name].value);
  const o = { queries: get('queries'), threads: get('threads'), ef: get('ef') };
  if (!hasFashionMnist()) {
    console.error(FASHION_MNIST_MISSING);
    process.exit(2);
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`hnswkit compact: ${cpu}, ${os.cpus().length} cores, node ${process.version}`);
  const train = loadFashionMnist('train');
  const queries = loadFashionMnist('t10k', o.queries);
  const file = path.join(CACHE, `filters-fashion-mnist-${train.count}-m16-ef200.hnsw`);
  if (!fs.existsSync(file)) {
    const index = new HierarchicalNSW('l2', train.dim);
    index.initIndex({ maxElements: train.count, m: 16, efConstruction: 200, randomSeed: 100 });
    index.addItemsSync(train.data, undefined, { numThreads: o.threads });
    fs.mkdirSync(CACHE, { recursive: true });
    index.writeIndexSync(file);
    index.close();
  }

  // The live half: every odd label, and exact search over exactly those.
  const live = train.count >> 1;
  const liveData = new Float32Array(live * train.dim);
  const liveLabels = new Float64Array(live);
  for (let i = 0; i < live; i++) {
    const label = 2 * i + 1;
    liveData.set(train.data.subarray(label * train.dim, (label + 1) * train.dim), i * train.dim);
    liveLabels[i] = label;
  }
  const exact = new BruteforceSearch('l2', train.dim);
  exact.initIndex(live);
  exact.addItemsSync(liveData, liveLabels);

  const before = rss();
  const index = new HierarchicalNSW('l2', train.dim);
  index.readIndexSync(file);
  const loaded = rss();
  const indexBytes = loaded - before;
  for (let label = 0; label < train.count; label += 2) index.markDelete(label);
  const recallDeleted = recall(index, exact, queries, o.ef);
  const deletedRss = rss();
  let start = performance.now();
  await index.compact({ numThreads: o.threads });
  const compactSeconds = (performance.now() - start) / 1000;
  // A turn for the job's own references to go.
  await new Promise((resolve) => setImmediate(resolve));
  const after = rss();
  const recallCompacted = recall(index, exact, queries, o.ef);
  index.close();

  start = performance.now();
  const fresh = new HierarchicalNSW('l2', train.dim);
  fresh.initIndex({ maxElements: train.count, m: 16, efConstruction: 200, randomSeed: 100 });
  fresh.addItemsSync(liveData, liveLabels, { numThreads: o.threads });
  const freshSeconds = (performance.now() - start) / 1000;
  const recallFresh = recall(fresh, exact, queries, o.ef);

  const drop = deletedRss - after;
  console.log(`index of ${train.count} x ${train.dim} loaded: RSS +${(indexBytes / MB).toFixed(1)} MiB`);
  console.log(`${train.count - live} deleted, then compact() on ${o.threads} threads: ${compactSeconds.toFixed(1)} s`);
  console.log(`RSS given back: ${(drop / MB).toFixed(1)} MiB = ${((100 * drop) / indexBytes).toFixed(1)}% of the index's (goal >= 40%)`);
  console.log(
    `recall@10 at ef ${o.ef} over the live half, ${o.queries} queries: deleted ${recallDeleted.toFixed(4)}, ` +
      `compacted ${recallCompacted.toFixed(4)}, built afresh ${recallFresh.toFixed(4)} (${freshSeconds.toFixed(1)} s); ` +
      `compacted - fresh ${(recallCompacted - recallFresh).toFixed(4)} (goal >= -0.005)`,
  );
  const met = drop >= 0.4 * indexBytes && recallCompacted >= recallFresh - 0.005;
  console.log(met ? 'both goals met' : 'a goal was not met');
  process.exitCode = met ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
