'use strict';
// Child process for the garbage-collection test: starts asynchronous jobs on an index, drops every reference to
// the index object, forces collections while the jobs run (node --expose-gc), and prints one JSON line saying
// whether each job still settled with the right answer. Run with register-ts.js preloaded so `hnswkit` is lib/.

const { HierarchicalNSW } = require('hnswkit');

const DIM = 16;
const PRELOADED = 200;
const TOTAL = 6000;

/** The vector of a label: multiples of 1/64, a function of the label alone (as gridVector in helpers/batch.ts). */
function vectorOf(label) {
  let a = (label * 7919 + 17) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(DIM);
  for (let j = 0; j < DIM; j++) out[j] = (Math.floor(next() * 257) - 128) / 64;
  return out;
}

function vectorsOf(first, count) {
  const out = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) out.set(vectorOf(first + i), i * DIM);
  return out;
}

let collected = false;
const registry = new FinalizationRegistry(() => {
  collected = true;
});

/** Starts the jobs; the index is reachable only from this frame, which returns without it. */
function startJobs() {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(TOTAL, 16, 200, 100);
  index.addItemsSync(vectorsOf(0, PRELOADED));
  registry.register(index, 'index');
  return {
    add: index.addItems(vectorsOf(PRELOADED, TOTAL - PRELOADED), undefined, { numThreads: 2 }),
    search: index.searchKnnBatch(vectorsOf(0, 50), 3, { ef: 50, numThreads: 1 }),
    bytes: index.toBuffer(),
  };
}

async function main() {
  const jobs = startJobs();
  let settled = false;
  const all = Promise.all([jobs.add, jobs.search, jobs.bytes]).finally(() => {
    settled = true;
  });
  let collectedWhileRunning = false;
  for (let i = 0; i < 20 && !settled; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (collected && !settled) collectedWhileRunning = true;
  }
  const [labels, search, bytes] = await all;

  let labelsOk = labels.length === TOTAL - PRELOADED;
  for (let i = 0; labelsOk && i < labels.length; i++) labelsOk = labels[i] === PRELOADED + i;

  // Each query is the vector of a preloaded label, so its nearest neighbour is that label at distance 0. The
  // search ran beside the insertions; the completeness of such answers is the concurrency test's business, here
  // every answer must be well formed and nearly all must find their own row.
  let searchOk = search.count === 50 && search.k === 3;
  let selfHits = 0;
  for (let q = 0; searchOk && q < 50; q++) {
    const found = search.found[q];
    searchOk = found >= 1 && found <= 3;
    for (let i = 0; searchOk && i < found; i++) {
      const label = search.labels[q * 3 + i];
      const ordered = i === 0 || search.distances[q * 3 + i] >= search.distances[q * 3 + i - 1];
      searchOk = Number.isInteger(label) && label >= 0 && label < TOTAL && ordered;
    }
    if (search.labels[q * 3] === q && search.distances[q * 3] === 0) selfHits++;
  }
  searchOk = searchOk && selfHits >= 45;

  const copy = new HierarchicalNSW('l2', DIM);
  copy.fromBufferSync(bytes);
  const snapshotCount = copy.getCurrentCount();

  for (let i = 0; i < 5; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  process.stdout.write(
    JSON.stringify({ labelsOk, searchOk, selfHits, snapshotCount, collectedWhileRunning, collectedAtEnd: collected }) + '\n',
  );
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: `${err && err.name}: ${err && err.message}` }) + '\n');
  process.exitCode = 1;
});
