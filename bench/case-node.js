'use strict';
// Node side of hnswkit's benchmark: one measurement per process, for bench/run.js.
//
//   node bench/case-node.js '<json>'
//
// The JSON object names the library ("hnswkit" or "hnswlib-node"), for hnswkit its storage `precision` (f32, f16,
// i8), and the command: "build" (timed build with `threads` threads, then save), "search" (load a file, or map it
// with `mmap`, then time searchKnn one query per call on this thread at each ef, or, for hnswkit, searchKnnBatch over
// all queries on `threads` threads) or "hold" (see hold below). Vectors are raw float32 files; result labels go to a
// raw int32 file (ef x queries x k); the reply is one JSON line on stdout.

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const { readVectors } = require('./data');

const ROOT = path.resolve(__dirname, '..');

function loadLibrary(name) {
  if (name === 'hnswkit') return require(ROOT);
  if (name === 'hnswlib-node') return require('hnswlib-node');
  throw new Error(`unknown library ${name}`);
}

/**
 * A new index of the library; hnswkit stores vectors at `precision` when one is given. A file loaded into it keeps
 * its own precision, which `checkPrecision` then compares with the one expected.
 */
function newIndex(args, HierarchicalNSW) {
  if (args.library === 'hnswkit' && args.precision && args.command === 'build') {
    return new HierarchicalNSW(args.space, args.dim, { precision: args.precision });
  }
  return new HierarchicalNSW(args.space, args.dim);
}

function checkPrecision(args, index) {
  if (args.library !== 'hnswkit' || !args.precision) return {};
  if (typeof index.getPrecision !== 'function') {
    // An hnswkit from before precisions: float32 only, and getStats may be missing too.
    if (args.precision !== 'f32') throw new Error(`this hnswkit cannot store ${args.precision} vectors`);
    return {};
  }
  const precision = index.getPrecision();
  if (precision !== args.precision) {
    throw new Error(`the index stores ${precision} vectors, expected ${args.precision}`);
  }
  return { precision, memoryBytes: index.getStats().memoryBytes };
}

function maxRssBytes() {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * The resident set once garbage is gone: a batch copy or per-row arrays the JS side dropped would otherwise count
 * as index memory until V8 gets round to them. Two full collections around a pause, since V8 may free large
 * ArrayBuffers on a background thread. Needs --expose-gc (bench/run.js passes it).
 */
async function settledRssBytes() {
  if (typeof global.gc === 'function') {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    global.gc();
  }
  return process.memoryUsage.rss();
}

/** hnswlib-node reads only plain arrays; hnswkit reads a Float32Array (a view of the row) without a copy. */
function rowReader(library, data, dim) {
  if (library === 'hnswlib-node') return (i) => Array.from(data.subarray(i * dim, (i + 1) * dim));
  return (i) => data.subarray(i * dim, (i + 1) * dim);
}

async function build(args) {
  const { HierarchicalNSW } = loadLibrary(args.library);
  const { dim, count, threads } = args;
  const data = readVectors(args.train, count, dim);
  const row = rowReader(args.library, data, dim);
  const rssBefore = await settledRssBytes();
  const started = performance.now();
  const index = newIndex(args, HierarchicalNSW);
  index.initIndex(count, args.M, args.efConstruction, args.seed);
  let method;
  if (typeof index.addItems === 'function') {
    method = 'addItems';
    await index.addItems(data, undefined, { numThreads: threads });
  } else {
    if (threads !== 1) throw new Error(`${args.library} has no multi-threaded build`);
    // hnswlib-node's only way in (and hnswkit's before addItems): one addPoint per row. For hnswlib-node the row
    // becomes a plain array here, as its users' data would be; that costs well under 1% of an insert at 784-d.
    method = 'addPoint';
    for (let i = 0; i < count; i++) index.addPoint(row(i), i);
  }
  const seconds = (performance.now() - started) / 1000;
  const reply = {
    seconds,
    method,
    count: index.getCurrentCount(),
    indexBytes: (await settledRssBytes()) - rssBefore,
    maxRssBytes: maxRssBytes(),
    // hnswkit's own account of the index's bytes (getStats().memoryBytes), and the precision it stores.
    ...checkPrecision(args, index),
  };
  // Used after the measurement on purpose: the data was resident in `rssBefore`, so it must not be collected
  // before the second reading (optimised code may drop it once the insert loop is done).
  if (data.length !== count * dim) throw new Error(`read ${data.length} floats, expected ${count * dim}`);
  if (args.out) {
    const t0 = performance.now();
    index.writeIndexSync(args.out);
    reply.saveSeconds = (performance.now() - t0) / 1000;
    reply.fileBytes = fs.statSync(args.out).size;
  }
  return reply;
}

async function search(args) {
  const { HierarchicalNSW } = loadLibrary(args.library);
  const { dim, k, queryCount: n, efs, threads } = args;
  const queries = readVectors(args.queries, n, dim);
  const index = newIndex(args, HierarchicalNSW);
  const rssBefore = await settledRssBytes();
  const t0 = performance.now();
  if (args.mmap) index.readIndexSync(args.index, { mmap: true });
  else index.readIndexSync(args.index);
  const loadSeconds = (performance.now() - t0) / 1000;
  const loadBytes = (await settledRssBytes()) - rssBefore;
  const loaded = checkPrecision(args, index);
  const labels = new Int32Array(efs.length * n * k).fill(-1);
  const timings = [];

  if (args.mode === 'single') {
    const read = rowReader(args.library, queries, dim);
    const rows = Array.from({ length: n }, (_, i) => read(i));
    // Warm-up, untimed: pages the index in and lets V8 compile the loop.
    index.setEf(efs[0]);
    for (let i = 0; i < Math.min(n, 200); i++) index.searchKnn(rows[i], k);
    // hnswkit counts the work of its searches (getStats): distance evaluations and expanded elements per query.
    const counted = typeof index.getStats === 'function';
    efs.forEach((ef, e) => {
      index.setEf(ef);
      if (counted) index.resetStats();
      const out = labels.subarray(e * n * k, (e + 1) * n * k);
      const started = performance.now();
      for (let i = 0; i < n; i++) {
        const found = index.searchKnn(rows[i], k).neighbors;
        for (let j = 0; j < found.length; j++) out[i * k + j] = found[j];
      }
      const timing = { ef, seconds: (performance.now() - started) / 1000 };
      if (counted) {
        const stats = index.getStats();
        timing.distancesPerQuery = stats.distanceEvaluations / stats.searches;
        timing.expandedPerQuery = stats.visitedNodes / stats.searches;
      }
      timings.push(timing);
    });
  } else if (args.mode === 'batch') {
    if (typeof index.searchKnnBatch !== 'function') throw new Error(`${args.library} has no batch search`);
    const run = (ef, data) =>
      typeof index.searchKnnBatchSync === 'function'
        ? index.searchKnnBatchSync(data, k, { numThreads: threads, ef })
        : index.searchKnnBatch(data, k, { numThreads: threads, ef });
    await run(efs[0], queries.subarray(0, Math.min(n, 200) * dim));
    for (let e = 0; e < efs.length; e++) {
      const started = performance.now();
      const result = await run(efs[e], queries);
      const seconds = (performance.now() - started) / 1000;
      const out = labels.subarray(e * n * k, (e + 1) * n * k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < result.found[i]; j++) out[i * k + j] = result.labels[i * result.k + j];
      }
      timings.push({ ef: efs[e], seconds });
    }
  } else {
    throw new Error(`unknown mode ${args.mode}`);
  }
  fs.writeFileSync(args.out, Buffer.from(labels.buffer));
  return { loadSeconds, loadBytes, maxRssBytes: maxRssBytes(), ...loaded, timings };
}

/**
 * For bench/run.js's sharing figures: opens the file (mapped with args.mmap, else loaded), searches every query once
 * at args.ef, writes a line and waits until stdin closes, so the parent can read this process's memory meanwhile.
 */
async function hold(args) {
  const { HierarchicalNSW } = loadLibrary(args.library);
  const queries = readVectors(args.queries, args.queryCount, args.dim);
  const index = newIndex(args, HierarchicalNSW);
  if (args.mmap) index.readIndexSync(args.index, { mmap: true });
  else index.readIndexSync(args.index);
  index.setEf(args.ef);
  for (let i = 0; i < args.queryCount; i++) index.searchKnn(queries.subarray(i * args.dim, (i + 1) * args.dim), args.k);
  process.stdout.write('ready\n');
  await new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.resume();
  });
  return { searched: args.queryCount };
}

const COMMANDS = { build, search, hold };

async function main() {
  const args = JSON.parse(process.argv[2]);
  const command = COMMANDS[args.command];
  if (!command) throw new Error(`unknown command ${args.command}`);
  process.stdout.write(JSON.stringify(await command(args)) + '\n');
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
