'use strict';
// Child process for test/memory.test.ts, run as `node --expose-gc memory-loop-child.js <dir> <warmup> <measured>`
// against the built package (dist/). Each iteration creates, fills, saves (toBuffer*, writeIndex*), loads
// (fromBuffer*, readIndex*), searches, edits and drops an HNSW index and a brute-force index through every Sync and
// Promise method; after `warmup` iterations and at the end it takes the RSS after full collections. Prints one JSON
// line: the RSS samples, the bytes the loop moved through index buffers and files, and a checksum of the answers.

const path = require('path');
const { BruteforceSearch, HierarchicalNSW } = require(path.resolve(__dirname, '..', '..', 'dist'));
const { randomVectors } = require('./random-vectors');

const DIM = 64;
const HNSW_COUNT = 1000;
const BRUTE_COUNT = 20_000;

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

async function settledRss() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    // Let finalizers queued by the collection run (native objects are freed from them).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().rss;
}

/** One iteration; returns the bytes it moved through buffers and files, and a number derived from its answers. */
async function iteration(dir, i) {
  let moved = 0;
  let check = 0;
  const file = path.join(dir, `index-${i % 2}.bin`);

  // HNSW: build (sync and async), save four ways, load four ways, search, edit.
  const vectors = randomVectors(HNSW_COUNT, DIM, i);
  const hnsw = new HierarchicalNSW('l2', DIM);
  hnsw.initIndex(HNSW_COUNT + 10, 16, 60, i);
  hnsw.addItemsSync(vectors.subarray(0, (HNSW_COUNT / 2) * DIM), undefined, { numThreads: 2 });
  await hnsw.addItems(vectors.subarray((HNSW_COUNT / 2) * DIM), undefined, { numThreads: 2 });
  hnsw.markDelete(3);
  hnsw.addPoint(vectors.subarray(0, DIM), HNSW_COUNT + 1);
  hnsw.setEf(40);
  const bytes = hnsw.toBufferSync();
  const bytesAsync = await hnsw.toBuffer();
  moved += bytes.length + bytesAsync.length;
  hnsw.writeIndexSync(file);
  await hnsw.writeIndex(file);
  moved += 2 * bytes.length;

  const fromSync = new HierarchicalNSW('l2', DIM);
  fromSync.fromBufferSync(bytes);
  const fromAsync = new HierarchicalNSW('l2', DIM);
  await fromAsync.fromBuffer(bytesAsync, true);
  const readSync = new HierarchicalNSW('l2', DIM);
  readSync.readIndexSync(file);
  const readAsync = new HierarchicalNSW('l2', DIM);
  await readAsync.readIndex(file);
  moved += 4 * bytes.length;

  const queries = vectors.subarray(0, 50 * DIM);
  for (const index of [hnsw, fromSync, fromAsync, readSync, readAsync]) {
    const one = index.searchKnn(queries.subarray(DIM, 2 * DIM), 5, (label) => label % 2 === 1);
    check += one.neighbors[0];
    const batch = index.searchKnnBatchSync(queries, 10, { numThreads: 2, filter: { deny: [7, 9] } });
    check += batch.labels[10];
  }
  const batchAsync = await readAsync.searchKnnBatch(queries, 10, { numThreads: 2, ef: 50 });
  check += batchAsync.labels[20];
  readAsync.resizeIndex(HNSW_COUNT * 2);
  readAsync.addPoint(vectors.subarray(2 * DIM, 3 * DIM), HNSW_COUNT + 5);
  check += readAsync.getIdsList().length + readAsync.getPoint(5).length;

  // Brute force: a larger slab, the same saves and loads.
  const slab = randomVectors(BRUTE_COUNT, DIM, 1000 + i);
  const brute = new BruteforceSearch('l2', DIM);
  brute.initIndex(BRUTE_COUNT);
  await brute.addItems(slab, undefined, { numThreads: 2 });
  brute.removePoint(11);
  const bruteBytes = brute.toBufferSync();
  const bruteBytesAsync = await brute.toBuffer();
  moved += bruteBytes.length + bruteBytesAsync.length;
  brute.writeIndexSync(file);
  moved += bruteBytes.length;
  const bruteLoaded = new BruteforceSearch('l2', DIM);
  bruteLoaded.fromBufferSync(bruteBytes);
  const bruteRead = new BruteforceSearch('l2', DIM);
  await bruteRead.readIndex(file);
  const bruteFromAsync = new BruteforceSearch('l2', DIM);
  await bruteFromAsync.fromBuffer(bruteBytesAsync);
  moved += 3 * bruteBytes.length;
  check += bruteLoaded.searchKnn(slab.subarray(0, DIM), 3).neighbors[0];
  check += (await bruteRead.searchKnnBatch(slab.subarray(0, 20 * DIM), 5, { numThreads: 2 })).labels[5];
  check += bruteFromAsync.searchKnnBatchSync(slab.subarray(0, 20 * DIM), 5, { numThreads: 1 }).labels[5];

  // Failures allocate and free too: a load that fails keeps the old index, a search whose filter throws.
  try {
    bruteLoaded.fromBufferSync(bruteBytes.subarray(0, bruteBytes.length - 1));
  } catch {
    check += 1;
  }
  try {
    hnsw.searchKnn(queries.subarray(0, DIM), 5, () => {
      throw new Error('filter');
    });
  } catch {
    check += 1;
  }
  return { moved, check };
}

async function main() {
  const [dir, warmupArg, measuredArg] = process.argv.slice(2);
  const warmup = Number(warmupArg);
  const measured = Number(measuredArg);
  const samples = [];
  let moved = 0;
  let check = 0;
  const started = Date.now();
  const initial = await settledRss();
  for (let i = 0; i < warmup + measured; i++) {
    const r = await iteration(dir, i);
    moved += r.moved;
    check += r.check;
    if (i + 1 >= warmup && (i + 1 - warmup) % Math.max(1, Math.floor(measured / 5)) === 0) {
      samples.push({ iteration: i + 1, rss: await settledRss() });
    }
  }
  const final = await settledRss();
  process.stdout.write(
    JSON.stringify({
      warmup,
      measured,
      initialRss: initial,
      warmRss: samples[0].rss,
      finalRss: final,
      samples,
      movedBytes: moved,
      check,
      ms: Date.now() - started,
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exitCode = 1;
});
