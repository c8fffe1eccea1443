'use strict';
// Child process for the batch-search result-size tests (test/hostile-input.test.ts): runs searchKnnBatchSync and
// searchKnnBatch on both classes with a k far beyond what the index holds, or with results too large for the
// memory the parent allows (`ulimit -v`), and prints one JSON line per call: what it returned or what it threw.
// A runtime that cannot allocate a result array natively aborts the whole process, which the parent sees as a
// signal instead of the lines. Run with register-ts.js preloaded so `hnswkit` is lib/.
// Use: node -r test/helpers/register-ts.js test/helpers/big-k-child.js <beyond-count | too-large>

const { BruteforceSearch, HierarchicalNSW } = require('hnswkit');

function outcome(value) {
  return {
    k: value.k,
    count: value.count,
    labels: Array.from(value.labels),
    distances: Array.from(value.distances),
    found: Array.from(value.found),
  };
}

function failure(err) {
  return { error: { name: err && err.constructor && err.constructor.name, code: err && err.code, message: err && err.message } };
}

async function report(name, call) {
  let line;
  try {
    line = { name, ...outcome(await call()) };
  } catch (err) {
    line = { name, ...failure(err) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A 2-d index of each class holding one element, [0, 0] under label 7. */
function oneElement() {
  const hnsw = new HierarchicalNSW('l2', 2);
  hnsw.initIndex(4);
  hnsw.addPoint([0, 0], 7);
  const brute = new BruteforceSearch('l2', 2);
  brute.initIndex(4);
  brute.addPoint([0, 0], 7);
  return { hnsw, brute };
}

/** k 2^32 with one query, and k 10^9 with four (count * k stays within the 2^32 result slots lib allows). */
async function beyondCount() {
  const indexes = oneElement();
  for (const kind of ['hnsw', 'brute']) {
    const index = indexes[kind];
    for (const [k, rows] of [[2 ** 32, 1], [1e9, 4]]) {
      const queries = Array.from({ length: rows }, () => [0, 0]);
      await report(`${kind} searchKnnBatchSync k=${k}`, () => index.searchKnnBatchSync(queries, k));
      await report(`${kind} searchKnnBatch k=${k}`, () => index.searchKnnBatch(queries, k));
    }
  }
}

/**
 * Indexes of 1-d elements, and as many queries as make rows * min(k, count) = 10^9 result slots: 12 GB of labels
 * and distances, which no process limited to 3 GB of address space can allocate.
 */
async function tooLarge() {
  const sizes = { hnsw: { count: 20000, queries: 50000 }, brute: { count: 100000, queries: 10000 } };
  for (const kind of ['hnsw', 'brute']) {
    const { count, queries } = sizes[kind];
    const index = kind === 'hnsw' ? new HierarchicalNSW('l2', 1) : new BruteforceSearch('l2', 1);
    if (kind === 'hnsw') index.initIndex(count, 4, 10, 1);
    else index.initIndex(count);
    index.addItemsSync(Float32Array.from({ length: count }, (_, i) => i), undefined, { numThreads: 2 });
    const q = new Float32Array(queries);
    await report(`${kind} searchKnnBatchSync`, () => index.searchKnnBatchSync(q, count));
    await report(`${kind} searchKnnBatch`, () => index.searchKnnBatch(q, count));
    // The index still answers once the memory is there again.
    await report(`${kind} searchKnnBatchSync after`, () => index.searchKnnBatchSync(q.subarray(0, 2), 1));
  }
}

const scenarios = { 'beyond-count': beyondCount, 'too-large': tooLarge };
const scenario = scenarios[process.argv[2]];
if (!scenario) throw new Error(`unknown scenario ${process.argv[2]}`);
scenario().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exitCode = 1;
});
