'use strict';
// Child process for test/workers.test.ts, run by node, bun or deno: a worker starts a batch that runs for tens of
// seconds on 2 threads (an addItems of 200000 rows, or a brute-force searchKnnBatch of 200000 queries over 50000
// vectors, 64 dimensions), the main thread terminates it once rows are running and prints one JSON line: how long
// terminate() took, its exit code, the last row count the worker reported and whether its job settled first. The
// caller times the whole process: it can only end quickly if the rows stopped.
//
// Usage: <runtime> terminate-child.cjs add|search

const path = require('path');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

const DIM = 64;
const ROWS = 200000;
const SEARCHED = 50000;

function randomRows(rows, seed) {
  let a = seed >>> 0;
  const data = new Float32Array(rows * DIM);
  for (let i = 0; i < data.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    data[i] = a / 4294967296;
  }
  return data;
}

function work(task) {
  const { HierarchicalNSW, BruteforceSearch } = require(path.resolve(__dirname, '..', '..'));
  const data = randomRows(ROWS, 7);
  let job;
  if (task === 'add') {
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex(ROWS, 16, 200, 1);
    job = index.addItems(data, undefined, {
      numThreads: 2,
      onProgress: (done) => parentPort.postMessage({ done }),
    });
  } else {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(SEARCHED);
    index.addItemsSync(data.subarray(0, SEARCHED * DIM));
    job = index.searchKnnBatch(data, 10, { numThreads: 2 });
  }
  job.then(
    () => parentPort.postMessage({ finished: true }),
    (err) => parentPort.postMessage({ failed: String(err && err.message) }),
  );
  parentPort.postMessage({ started: true });
}

function main(task) {
  if (task !== 'add' && task !== 'search') throw new Error(`expected add or search, received ${task}`);
  const worker = new Worker(__filename, { workerData: { task } });
  let done = 0;
  let settled = null;
  worker.on('error', (err) => {
    console.log(JSON.stringify({ error: String(err && err.message) }));
    process.exitCode = 1;
  });
  worker.on('message', (msg) => {
    if (msg.done !== undefined) done = msg.done;
    if (msg.finished) settled = 'finished';
    if (msg.failed !== undefined) settled = msg.failed;
    if (!msg.started) return;
    // Give the rows a moment to get going, then pull the plug.
    setTimeout(() => {
      const start = Date.now();
      worker.terminate().then((code) => {
        const terminateMs = Date.now() - start;
        console.log(JSON.stringify({ task, terminateMs, exitCode: code, done, total: ROWS, settled }));
      });
    }, 300);
  });
}

if (isMainThread) main(process.argv[2]);
else work(workerData.task);
