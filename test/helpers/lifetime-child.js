'use strict';
// Child process for test/close.test.ts and bench/lifetime.js: the memory an index holds over its life, measured in
// a process of its own (node without --expose-gc, so only what the library tells V8 can make it collect). Prints
// one JSON line.
//
//   node lifetime-child.js cycles <cycles> <count> <dim> <sync|async>
//       creates, fills and drops <cycles> HierarchicalNSW indexes of <count> x <dim> one after the other, never
//       calling close(): the baseline RSS, the RSS after the first index was filled, and the highest RSS over all
//       cycles, sampled after each fill. `async` fills with `await addItems` (the event loop turns between cycles,
//       as in a server), `sync` with addItemsSync in one synchronous loop
//   node lifetime-child.js close <count> <dim>
//       fills one index, then close(): the RSS before the index, with it, and after close()
//   node lifetime-child.js grow <count> <dim> <start>
//       <count> single addPoint calls into an index made with { maxElements: <start>, autoGrow: true } and into one
//       made at full size: the time of each, their capacities, and recall@10 of 200 queries at ef 40 against exact
//       ground truth (BruteforceSearch), and whether every answer is the same

const path = require('path');
const { BruteforceSearch, HierarchicalNSW } = require(path.resolve(__dirname, '..', '..', 'dist'));

/** A deterministic vector batch, different per seed: no Math.random, so runs compare. */
function vectors(count, dim, seed) {
  const out = new Float32Array(count * dim);
  let a = (seed * 2654435761) >>> 0;
  for (let i = 0; i < out.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

function made(count, dim) {
  const index = new HierarchicalNSW('l2', dim);
  index.initIndex({ maxElements: count, m: 16, efConstruction: 100 });
  return index;
}

function filled(count, dim, seed) {
  const index = made(count, dim);
  index.addItemsSync(vectors(count, dim, seed), undefined, { numThreads: 2 });
  return index;
}

async function filledAsync(count, dim, seed) {
  const index = made(count, dim);
  await index.addItems(vectors(count, dim, seed), undefined, { numThreads: 2 });
  return index;
}

const rss = () => process.memoryUsage().rss;

const commands = {
  async cycles(cyclesArg, countArg, dimArg, mode) {
    const [cycles, count, dim] = [cyclesArg, countArg, dimArg].map(Number);
    if (mode !== 'sync' && mode !== 'async') throw new Error(`mode: sync or async, not ${mode}`);
    const baseline = rss();
    let first = 0;
    let peak = baseline;
    let indexBytes = 0;
    for (let c = 0; c < cycles; c++) {
      // Dropped without close() at the end of the iteration: from then on only the garbage collector can free it.
      const index = mode === 'sync' ? filled(count, dim, c + 1) : await filledAsync(count, dim, c + 1);
      if (c === 0) {
        first = rss();
        indexBytes = index.getStats().memoryBytes;
      }
      peak = Math.max(peak, rss());
    }
    return { cycles, count, dim, mode, baseline, first, peak, indexBytes, heapUsed: process.memoryUsage().heapUsed };
  },

  grow(countArg, dimArg, startArg) {
    const [count, dim, start] = [countArg, dimArg, startArg].map(Number);
    const data = vectors(count, dim, 7);
    const queries = vectors(200, dim, 8);
    const k = 10;
    const exact = new BruteforceSearch('l2', dim);
    exact.initIndex(count);
    exact.addItemsSync(data, undefined, { numThreads: 2 });
    const truth = exact.searchKnnBatchSync(queries, k, { numThreads: 2 });
    exact.close();
    const build = (options) => {
      const index = new HierarchicalNSW('l2', dim);
      index.initIndex({ m: 16, efConstruction: 100, ...options });
      const t0 = performance.now();
      for (let i = 0; i < count; i++) index.addPoint(data.subarray(i * dim, (i + 1) * dim), i);
      const seconds = (performance.now() - t0) / 1000;
      index.setEf(40);
      const found = index.searchKnnBatchSync(queries, k, { numThreads: 2 });
      let hits = 0;
      for (let q = 0; q < queries.length / dim; q++) {
        const want = new Set(truth.labels.subarray(q * k, (q + 1) * k));
        for (const label of found.labels.subarray(q * k, (q + 1) * k)) if (want.has(label)) hits++;
      }
      const result = { seconds, maxElements: index.getMaxElements(), count: index.getCurrentCount(), recall: hits / (200 * k) };
      return { result, labels: found.labels, index };
    };
    const grown = build({ maxElements: start, autoGrow: true });
    const full = build({ maxElements: count });
    const same = grown.labels.every((label, i) => label === full.labels[i]);
    grown.index.close();
    full.index.close();
    return { count, dim, start, grown: grown.result, full: full.result, sameAnswers: same };
  },

  close(countArg, dimArg) {
    const [count, dim] = [countArg, dimArg].map(Number);
    const before = rss();
    const index = filled(count, dim, 1);
    const indexBytes = index.getStats().memoryBytes;
    const held = rss();
    index.close();
    const closed = rss();
    return { count, dim, before, held, closed, indexBytes };
  },
};

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!commands[command]) throw new Error(`unknown command ${command}; use one of ${Object.keys(commands).join(', ')}`);
  process.stdout.write(`${JSON.stringify(await commands[command](...args))}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
