'use strict';
// hnswkit demo on real text embeddings: finds related documentation pages. The 778 vectors are all-MiniLM-L6-v2
// sentence embeddings (384 dimensions) of SAP Fiori documentation chunks, from the npm package
// @sap-ux/fiori-docs-embeddings (a dev dependency of hnswkit). Each precision's index is built over every chunk; for
// a few chunks, the example prints the titles of their nearest neighbours (the chunk itself excluded) from the
// float32 index and what the f16 and i8 indexes would return instead, then the memory of each index and its
// recall@10 against exact float32 search over all chunks.
//
//   node examples/related-docs.js                       chunks 0, 100, 200 and 300
//   node examples/related-docs.js --doc 42 --doc 512    those chunks
//   node examples/related-docs.js --k 5
//
// Run npm run build:ts first (the example loads the package from this folder's parent).

const { parseArgs } = require('util');

const { BruteforceSearch, HierarchicalNSW } = require('..');
const { hasEmbeddings, loadEmbeddings } = require('../bench/embeddings');

const PRECISIONS = ['f32', 'f16', 'i8'];

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      doc: { type: 'string', multiple: true },
      k: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: node examples/related-docs.js [--doc N ...] [--k K]');
    process.exit(0);
  }
  const docs = (values.doc ?? ['0', '100', '200', '300']).map(Number);
  const k = values.k === undefined ? 5 : Number(values.k);
  if (!docs.every(Number.isInteger) || !Number.isInteger(k) || k < 1) {
    console.error('--doc and --k take whole numbers');
    process.exit(2);
  }
  return { docs, k };
}

function main() {
  const { docs, k } = readOptions(process.argv.slice(2));
  if (!hasEmbeddings()) {
    console.error('@sap-ux/fiori-docs-embeddings is not installed: run npm install in the hnswkit folder');
    process.exit(1);
  }
  const { count, dim, data, records, model } = loadEmbeddings();
  for (const doc of docs) {
    if (doc < 0 || doc >= count) {
      console.error(`--doc ${doc}: there are ${count} chunks (0..${count - 1})`);
      process.exit(2);
    }
  }
  const vector = (i) => data.subarray(i * dim, (i + 1) * dim);
  console.log(`${count} chunks, ${dim}-dimensional ${model} embeddings, cosine distance\n`);

  // One graph per precision over every chunk, labels = chunk numbers.
  const indexes = {};
  for (const precision of PRECISIONS) {
    const index = new HierarchicalNSW('cosine', dim, { precision });
    index.initIndex({ maxElements: count, m: 16, efConstruction: 200 });
    index.addItemsSync(data);
    index.setEf(64);
    indexes[precision] = index;
  }
  const exact = new BruteforceSearch('cosine', dim);
  exact.initIndex(count);
  exact.addItemsSync(data);

  const notSelf = (doc) => (label) => label !== doc;
  for (const doc of docs) {
    console.log(`Related to #${doc} "${records[doc].title}" (${records[doc].category}):`);
    const answers = Object.fromEntries(
      PRECISIONS.map((p) => [p, indexes[p].searchKnn(vector(doc), k, notSelf(doc))]),
    );
    answers.f32.neighbors.forEach((label, rank) => {
      const similarity = (1 - answers.f32.distances[rank]).toFixed(3);
      console.log(`  ${rank + 1}. #${label} ${similarity}  ${records[label].title}`);
    });
    for (const p of ['f16', 'i8']) {
      const same = answers[p].neighbors.join() === answers.f32.neighbors.join();
      console.log(`  ${p}: ${same ? 'the same list' : `#${answers[p].neighbors.join(', #')}`}`);
    }
    console.log();
  }

  // Recall@10 of each precision against exact float32 search, every chunk querying for its 10 nearest others.
  const truth = [];
  for (let i = 0; i < count; i++) truth.push(new Set(exact.searchKnn(vector(i), 10, notSelf(i)).neighbors));
  console.log('precision   memory      recall@10 (ef 64, every chunk as a query)');
  for (const precision of PRECISIONS) {
    let hits = 0;
    for (let i = 0; i < count; i++) {
      for (const label of indexes[precision].searchKnn(vector(i), 10, notSelf(i)).neighbors) {
        if (truth[i].has(label)) hits++;
      }
    }
    const kib = (indexes[precision].getStats().memoryBytes / 1024).toFixed(0);
    console.log(`${precision.padEnd(11)} ${`${kib} KiB`.padEnd(11)} ${(hits / (count * 10)).toFixed(4)}`);
  }
}

main();
