'use strict';
// Child process for the file-rewritten-while-read test, run with register-ts.js preloaded.
//
//   writer TARGET A B MS      rewrites TARGET for MS milliseconds, alternating between the bytes of files A and B:
//                             mostly by writing only the bytes that differ in place (as Python's save_index and
//                             hnswlib-node do when the size is unchanged), every fourth time by truncating and
//                             writing the whole file again; prints { rewrites }.
//   reader KIND FORM TARGET DIM MS
//                             loads TARGET as KIND ('hnsw' or 'bruteforce') with readIndexSync (FORM 'sync') or
//                             readIndex ('promise') in a loop for MS milliseconds; after every load that succeeds
//                             it searches and reads the statistics, which touch every level of what was loaded;
//                             prints { loads, refused, codes }. A crash is the failure this child exists to catch.

const fs = require('fs');
const { BruteforceSearch, HierarchicalNSW } = require('hnswkit');

function writer(target, fileA, fileB, ms) {
  const contents = [fs.readFileSync(fileA), fs.readFileSync(fileB)];
  const fd = fs.openSync(target, 'r+');
  const end = Date.now() + ms;
  let rewrites = 0;
  let current = 0;
  while (Date.now() < end) {
    const next = 1 - current;
    const from = contents[current];
    const to = contents[next];
    if (rewrites % 4 === 3 || from.length !== to.length) {
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, to, 0, to.length, 0);
    } else {
      for (let i = 0; i < to.length; ) {
        if (from[i] === to[i]) {
          i++;
          continue;
        }
        let j = i;
        while (j < to.length && from[j] !== to[j]) j++;
        fs.writeSync(fd, to, i, j - i, i);
        i = j;
      }
    }
    current = next;
    rewrites++;
  }
  fs.closeSync(fd);
  return { rewrites };
}

async function reader(kind, form, target, dim, ms) {
  const query = new Float32Array(dim).fill(0.5);
  const end = Date.now() + ms;
  let loads = 0;
  let refused = 0;
  const codes = {};
  while (Date.now() < end) {
    const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
    try {
      if (form === 'sync') index.readIndexSync(target);
      else await index.readIndex(target);
    } catch (err) {
      refused++;
      codes[err.code] = (codes[err.code] || 0) + 1;
      continue;
    }
    loads++;
    const count = index.getCurrentCount();
    index.searchKnn(query, Math.min(10, Math.max(1, count)));
    if (kind === 'hnsw') {
      index.getStats();
      index.searchKnnBatchSync(query, 5, { numThreads: 1, ef: 50 });
    }
  }
  return { loads, refused, codes };
}

async function main() {
  const [role, ...args] = process.argv.slice(2);
  const result =
    role === 'writer'
      ? writer(args[0], args[1], args[2], Number(args[3]))
      : await reader(args[0], args[1], args[2], Number(args[3]), Number(args[4]));
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n');
  process.exit(1);
});
