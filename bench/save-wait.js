'use strict';
// How long a save waits for an addItems running on the same index: toBufferSync (and writeIndexSync) called from
// onProgress while a 20k-row Fashion-MNIST batch runs on 1, 2, 4 and 8 threads. The wait is the save's time
// during the batch minus the same save's time on the idle index right after (the bytes to copy are the same size
// within a few rows). Figures, not assertions.
//
//   node bench/save-wait.js [--rows 20000] [--threads 1,2,4,8]
//
// Needs the built package (`npm run build:ts`) and the addon.

const os = require('os');
const path = require('path');
const { parseArgs } = require('util');
const { performance } = require('perf_hooks');
const { withTempDir } = require('../test/helpers/tmp');
const { loadFashionMnist } = require('./fashion-mnist');

const { HierarchicalNSW } = require(path.resolve(__dirname, '..'));

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    threads: { type: 'string', default: '1,2,4,8' },
  },
});
const rows = Number(values.rows);
const threadCounts = values.threads.split(',').map(Number);

function timed(fn) {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

async function measure(data, dim, numThreads, file) {
  const index = new HierarchicalNSW('l2', dim);
  index.initIndex(rows, 16, 200, 100);
  const during = {};
  let countAtSave = 0;
  await index.addItems(data, undefined, {
    numThreads,
    onProgress: (done) => {
      if (during.buffer !== undefined || done < rows / 4) return;
      countAtSave = done;
      during.buffer = timed(() => index.toBufferSync()).ms;
      during.file = timed(() => index.writeIndexSync(file)).ms;
    },
  });
  // The same saves on the idle index, of about the size the saves above wrote at that moment.
  const idle = new HierarchicalNSW('l2', dim);
  idle.initIndex(rows, 16, 200, 100);
  idle.addItemsSync(data.subarray(0, countAtSave * dim), undefined);
  const idleBuffer = timed(() => idle.toBufferSync()).ms;
  const idleFile = timed(() => idle.writeIndexSync(file)).ms;
  return {
    numThreads,
    rowsDoneAtSave: countAtSave,
    toBufferSyncWaitMs: Math.max(0, during.buffer - idleBuffer),
    writeIndexSyncWaitMs: Math.max(0, during.file - idleFile),
    toBufferSyncMs: during.buffer,
    idleToBufferSyncMs: idleBuffer,
  };
}

async function main() {
  const { data, dim } = loadFashionMnist('train', rows);
  const results = [];
  await withTempDir('hnswkit-save-wait-', async (dir) => {
    for (const n of threadCounts) results.push(await measure(data, dim, n, path.join(dir, 'index.bin')));
  });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`save wait during addItems: ${rows} Fashion-MNIST rows, M=16, efConstruction=200; ${cpu}, ${os.cpus().length} cores`);
  console.log('threads | rows done at save | toBufferSync wait ms | writeIndexSync wait ms | toBufferSync ms (idle)');
  for (const r of results) {
    console.log(
      `${String(r.numThreads).padStart(7)} | ${String(r.rowsDoneAtSave).padStart(17)} | ` +
        `${r.toBufferSyncWaitMs.toFixed(1).padStart(20)} | ${r.writeIndexSyncWaitMs.toFixed(1).padStart(22)} | ` +
        `${r.toBufferSyncMs.toFixed(1)} (${r.idleToBufferSyncMs.toFixed(1)})`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
