'use strict';
// Child process for the kill-during-save tests (test/crash-safety.test.ts), run against the built package (dist/).
//   make-hnsw <out> <count> <dim>   builds an HNSW index of seeded random vectors (m 4, efConstruction 8) and saves it
//   make-brute <out> <count> <dim>  the same as a BruteforceSearch
//   save <hnsw|brute> <dim> <source> <target> <sync|async>
//                                   loads <source>, prints "saving", saves it over <target> with writeIndexSync or
//                                   writeIndex, prints "saved"; the parent SIGKILLs it somewhere in between
// Every mode prints one JSON line at its end; "saving" is printed alone on its line.

const path = require('path');
const { BruteforceSearch, HierarchicalNSW } = require(path.resolve(__dirname, '..', '..', 'dist'));
const { randomVectors } = require('./random-vectors');

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'make-hnsw' || mode === 'make-brute') {
    const [out, countArg, dimArg] = args;
    const count = Number(countArg);
    const dim = Number(dimArg);
    const index = mode === 'make-hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
    if (mode === 'make-hnsw') index.initIndex(count, 4, 8, 1);
    else index.initIndex(count);
    index.addItemsSync(randomVectors(count, dim, 7), undefined, { numThreads: 2 });
    index.writeIndexSync(out);
    process.stdout.write(JSON.stringify({ count: index.getCurrentCount() }) + '\n');
    return;
  }
  if (mode === 'save') {
    const [kind, dimArg, source, target, how] = args;
    const dim = Number(dimArg);
    const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
    index.readIndexSync(source);
    process.stdout.write('saving\n');
    if (how === 'async') await index.writeIndex(target);
    else index.writeIndexSync(target);
    process.stdout.write('saved\n' + JSON.stringify({ count: index.getCurrentCount() }) + '\n');
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exitCode = 1;
});
