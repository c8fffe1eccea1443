'use strict';
// Child process for the FIFO read tests (test/index-files.test.ts): reads a FIFO that no process writes to with
// readIndexSync and readIndex, then checks that the index and the libuv thread pool are free again, and prints one
// JSON line. The parent runs it with register-ts.js preloaded, UV_THREADPOOL_SIZE=1 (so a read stuck in the pool
// would also stall fs.promises) and a timeout: a read that waits for a writer fails the test instead of hanging it.
//   node -r register-ts.js fifo-read-child.js <hnsw|brute> <dim> <fifo> <good-file>

const fs = require('fs');
const { BruteforceSearch, HierarchicalNSW } = require('hnswkit');

function failure(err) {
  return { name: err && err.name, code: err && err.code, message: err && err.message };
}

async function main() {
  const [kind, dimArg, fifo, goodFile] = process.argv.slice(2);
  const dim = Number(dimArg);
  const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
  const report = {};
  try {
    index.readIndexSync(fifo);
    report.sync = { ok: true };
  } catch (err) {
    report.sync = failure(err);
  }
  report.async = await index.readIndex(fifo).then(() => ({ ok: true }), failure);
  // Both throw ERR_INDEX_BUSY if the failed read left the index marked busy.
  index.readIndexSync(goodFile);
  report.afterSync = index.getCurrentCount();
  // The pool's only thread must be free for this one, then for the read.
  report.poolFree = (await fs.promises.readFile(goodFile)).length;
  await index.readIndex(goodFile);
  report.afterAsync = index.getCurrentCount();
  process.stdout.write(JSON.stringify(report) + '\n');
  // process.exit waits for the pool's threads: it would hang on one blocked in open().
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exit(1);
});
