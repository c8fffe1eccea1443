'use strict';
// Measures the memory the package's indexes use, for docs/resources.md and test/memory.test.ts. Runs against the
// built package (dist/) and needs `node --expose-gc`. Each command prints one JSON line; sizes are in bytes.
//
//   per-element <count> <dim> <m> <efConstruction> <threads>
//       RSS growth per element of an HNSW build (overall, and marginal: over the last three quarters of the
//       elements), after 1000 searches, the file bytes per element, and what the storage layout predicts
//   brute-per-element <count> <dim>
//   fixed <n>
//       RSS per object for n objects of each kind and state (constructed, initIndex(0), initIndex(100), ...), the
//       median of three rounds
//   capacity <hnsw|brute> <capacity> <dim>
//       RSS growth of initIndex(capacity) on an empty index: what reserved, unused capacity costs
//   visited <capacity> <count> <searches> [threads]
//       RSS growth of a batch of `searches` searches on `threads` threads (default 1) of an index of that capacity
//       holding `count` elements: the visited-tag arrays, one per concurrent search
//   batch-threads <count> <dim> <threads>
//       RSS growth of a first searchKnnBatchSync on `threads` threads over a built index
//   batch-peak <count> <dim>
//       the highest RSS, sampled every few milliseconds, while a brute-force index takes one addItems batch, above
//       the settled RSS once the index holds the batch: what the call holds besides the caller's array and the index

const path = require('path');
const { BruteforceSearch, HierarchicalNSW } = require(path.resolve(__dirname, '..', '..', 'dist'));
const { randomVectors } = require('./random-vectors');

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

/** RSS after two full collections and a pause, so freed memory has been returned where it will be. */
function settledRss() {
  global.gc();
  global.gc();
  const until = Date.now() + 50;
  while (Date.now() < until) {
    // Let background threads (libuv, the GC's helpers) settle without yielding to JS.
  }
  return process.memoryUsage().rss;
}

/** The layout's prediction for one element of an HNSW index (docs/resources.md). */
function predictedHnsw(dim, m) {
  const level0 = 4 + 8 * m + 4 * dim + 8;
  const upper = (4 + 4 * m) / (m - 1);
  const perSlot = 8 + 4;
  return { level0, upper, perSlot, total: level0 + upper + perSlot };
}

const commands = {
  'per-element'(countArg, dimArg, mArg, efArg, threadsArg) {
    const [count, dim, m, ef, threads] = [countArg, dimArg, mArg, efArg, threadsArg].map(Number);
    const data = randomVectors(count, dim, 1);
    const index = new HierarchicalNSW('l2', dim);
    const before = settledRss();
    index.initIndex(count, m, ef, 1);
    // A first quarter warms the allocator's per-thread arenas; the rest gives the marginal cost of an element.
    const first = Math.floor(count / 4);
    const started = Date.now();
    index.addItemsSync(data.subarray(0, first * dim), undefined, { numThreads: threads });
    const warm = settledRss();
    index.addItemsSync(data.subarray(first * dim), undefined, { numThreads: threads });
    const buildMs = Date.now() - started;
    const built = settledRss();
    index.searchKnnBatchSync(data.subarray(0, 1000 * dim), 10, { numThreads: threads, ef: 50 });
    const searched = settledRss();
    const fileBytes = index.toBufferSync().length;
    return {
      count,
      dim,
      m,
      threads,
      buildMs,
      rssPerElement: (built - before) / count,
      marginalPerElement: (built - warm) / (count - first),
      rssPerElementAfterSearch: (searched - before) / count,
      filePerElement: fileBytes / count,
      predicted: predictedHnsw(dim, m),
    };
  },

  'brute-per-element'(countArg, dimArg) {
    const [count, dim] = [countArg, dimArg].map(Number);
    const data = randomVectors(count, dim, 1);
    const index = new BruteforceSearch('l2', dim);
    const before = settledRss();
    index.initIndex(count);
    const reserved = settledRss();
    index.addItemsSync(data, undefined, { numThreads: 1 });
    const filled = settledRss();
    return {
      count,
      dim,
      rssPerSlotReserved: (reserved - before) / count,
      rssPerElementFilled: (filled - before) / count,
      slotBytes: 4 * dim + 8,
      filePerElement: index.toBufferSync().length / count,
    };
  },

  fixed(nArg) {
    const n = Number(nArg);
    const dim = 128;
    const point = new Float32Array(dim);
    const kinds = {
      'HierarchicalNSW constructed': () => new HierarchicalNSW('l2', dim),
      'HierarchicalNSW initIndex(0)': () => {
        const index = new HierarchicalNSW('l2', dim);
        index.initIndex(0);
        return index;
      },
      'HierarchicalNSW initIndex(100)': () => {
        const index = new HierarchicalNSW('l2', dim);
        index.initIndex(100);
        return index;
      },
      'HierarchicalNSW initIndex(100) + 1 element + 1 search': () => {
        const index = new HierarchicalNSW('l2', dim);
        index.initIndex(100);
        index.addPoint(point, 1);
        index.searchKnn(point, 1);
        return index;
      },
      'BruteforceSearch constructed': () => new BruteforceSearch('l2', dim),
      'BruteforceSearch initIndex(0)': () => {
        const index = new BruteforceSearch('l2', dim);
        index.initIndex(0);
        return index;
      },
    };
    // RSS also moves when V8 grows or trims its own heap, by a few MB at a time, which is several KiB per object at
    // n = 1000. The median of three rounds keeps one such step out of the figure.
    const rounds = 3;
    const perObject = {};
    for (const [name, make] of Object.entries(kinds)) {
      const figures = [];
      for (let round = 0; round < rounds; round++) {
        const keep = [];
        const before = settledRss();
        for (let i = 0; i < n; i++) keep.push(make());
        figures.push((settledRss() - before) / n);
        keep.length = 0;
      }
      perObject[name] = figures.sort((a, b) => a - b)[rounds >> 1];
    }
    return { n, dim, rounds, perObject };
  },

  capacity(kind, capacityArg, dimArg) {
    const [capacity, dim] = [capacityArg, dimArg].map(Number);
    const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
    const before = settledRss();
    let error;
    try {
      index.initIndex(capacity);
    } catch (err) {
      error = { code: err.code, message: err.message };
    }
    const after = settledRss();
    const slot = kind === 'hnsw' ? predictedHnsw(dim, 16).level0 + 12 : 4 * dim + 8;
    return { kind, capacity, dim, error, rssGrowth: after - before, reservedBytes: capacity * slot, maxElements: index.getMaxElements() };
  },

  visited(capacityArg, countArg, searchesArg, threadsArg = '1') {
    const [capacity, count, searches, threads] = [capacityArg, countArg, searchesArg, threadsArg].map(Number);
    const dim = 4;
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex(capacity);
    index.addItemsSync(randomVectors(count, dim, 2), undefined, { numThreads: 1 });
    const queries = randomVectors(searches, dim, 3);
    index.searchKnn(queries.subarray(0, dim), 1);
    const before = settledRss();
    index.searchKnnBatchSync(queries, 1, { numThreads: threads });
    const after = settledRss();
    return { capacity, count, searches, threads, rssGrowth: after - before, tagBytesPerList: 2 * capacity };
  },

  'batch-threads'(countArg, dimArg, threadsArg) {
    const [count, dim, threads] = [countArg, dimArg, threadsArg].map(Number);
    const data = randomVectors(count, dim, 4);
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex(count, 16, 100, 1);
    index.addItemsSync(data, undefined, { numThreads: 2 });
    const queries = data.subarray(0, 2000 * dim);
    index.searchKnnBatchSync(queries, 10, { numThreads: 1, ef: 100 });
    const before = settledRss();
    index.searchKnnBatchSync(queries, 10, { numThreads: threads, ef: 100 });
    const after = settledRss();
    return { count, dim, threads, rssGrowth: after - before, perExtraThread: (after - before) / Math.max(1, threads - 1), tagBytes: 2 * count };
  },

  async 'batch-peak'(countArg, dimArg) {
    const [count, dim] = [countArg, dimArg].map(Number);
    const data = randomVectors(count, dim, 5);
    const index = new BruteforceSearch('l2', dim);
    index.initIndex(count);
    let peak = settledRss();
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 2);
    await index.addItems(data, undefined, { numThreads: 2 });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const after = settledRss();
    if (index.getCurrentCount() !== count) throw new Error(`the index holds ${index.getCurrentCount()} elements`);
    return { count, dim, batchBytes: data.byteLength, peakAboveSettled: peak - after };
  },
};

const [command, ...args] = process.argv.slice(2);
if (!commands[command]) throw new Error(`unknown command ${command}; one of ${Object.keys(commands).join(', ')}`);
Promise.resolve(commands[command](...args)).then((reply) => process.stdout.write(JSON.stringify(reply) + '\n'));
