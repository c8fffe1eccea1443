'use strict';
// Worker-thread script for test/workers.test.ts: loads the built package (dist/, through the package root) inside a
// worker and either builds and searches indexes over vectors the main thread shares ('build'), or starts many
// asynchronous jobs and reports that they are running so the main thread can terminate it mid-job ('busy').

const path = require('path');
const { parentPort, workerData } = require('worker_threads');

const hnswkit = require(path.resolve(__dirname, '..', '..'));

const { HierarchicalNSW, BruteforceSearch } = hnswkit;

/** Plain copies of a batch search result (typed arrays clone across threads as they are). */
function plain(result) {
  return { k: result.k, count: result.count, labels: result.labels, distances: result.distances, found: result.found };
}

async function build({ data, count, queries, queryCount, dim, k, ef, seed }) {
  const base = new Float32Array(data, 0, count * dim);
  const query = new Float32Array(queries, 0, queryCount * dim);

  const hnsw = new HierarchicalNSW('l2', dim);
  hnsw.initIndex(count, 16, 100, seed);
  const labels = await hnsw.addItems(base, undefined, { numThreads: 2 });
  const approx = await hnsw.searchKnnBatch(query, k, { ef, numThreads: 2 });

  const exact = new BruteforceSearch('l2', dim);
  exact.initIndex(count);
  await exact.addItems(base);
  const exactResult = await exact.searchKnnBatch(query, k);

  // A save and a load inside the worker too.
  const bytes = await hnsw.toBuffer();
  const copy = new HierarchicalNSW('l2', dim);
  await copy.fromBuffer(bytes);
  copy.setEf(ef);
  const reloaded = copy.searchKnnBatchSync(query, k);

  return {
    simd: hnswkit.simdLevel(),
    labelCount: labels.length,
    labelsInOrder: labels.every((label, i) => label === i),
    count: hnsw.getCurrentCount(),
    approx: plain(approx),
    exact: plain(exactResult),
    reloaded: plain(reloaded),
  };
}

function busy({ dim, rows, seed }) {
  let a = seed >>> 0;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    data[i] = a / 4294967296;
  }
  const growing = new HierarchicalNSW('l2', dim);
  growing.initIndex(rows, 16, 200, seed);
  const searched = new HierarchicalNSW('l2', dim);
  searched.initIndex(2000);
  searched.addItemsSync(data.subarray(0, 2000 * dim));
  const bf = new BruteforceSearch('l2', dim);
  bf.initIndex(2000);
  bf.addItemsSync(data.subarray(0, 2000 * dim));

  const jobs = [
    growing.addItems(data, undefined, { numThreads: 2 }).then(() => parentPort.postMessage({ finished: 'addItems' })),
    searched.searchKnnBatch(data, 10, { ef: 100, numThreads: 2 }),
    bf.searchKnnBatch(data.subarray(0, 2000 * dim), 10),
    searched.toBuffer(),
  ];
  for (const job of jobs) job.catch(() => undefined);
  parentPort.postMessage({ started: jobs.length });
}

if (workerData.task === 'build') {
  build(workerData).then(
    (result) => parentPort.postMessage({ result }),
    (err) => parentPort.postMessage({ error: `${err && err.name}: ${err && err.message}` }),
  );
} else if (workerData.task === 'busy') {
  busy(workerData);
} else {
  throw new Error(`unknown task ${workerData.task}`);
}
