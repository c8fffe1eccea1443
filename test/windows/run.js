'use strict';
// The checks scripts/test-windows.sh runs with Node.js for Windows on the win32-x64 prebuilt binary, from a project
// that installed the packed package: loading the right binary, every SIMD kernel set against a JS reference, the
// hnswlib-node-compatible API and its errors, the batch and Promise API, files (non-ASCII names, replacing a file,
// failed saves that leave the old file as it was, refused paths), lazily committed capacity, and worker_threads.
// Plain Node with assertions, no test framework (jest's native parts have no Windows build installed here). It
// requires 'hnswkit', so it runs from a project that installed the package; on other systems the Windows-only
// checks are skipped. Ends with the line "N passed, N failed".
//
// Usage: node run.js                      all checks; exit status 1 if any failed
//        node run.js --only TEXT          only the checks whose names contain TEXT
//        node run.js --kernels OUT.json   (internal) one process per HNSWKIT_SIMD value, results written to OUT.json

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

const hnswkit = require('hnswkit');

const { HierarchicalNSW, BruteforceSearch, simdLevel } = hnswkit;
const WINDOWS = process.platform === 'win32';

/** Deterministic floats in [0, 1) from a linear congruential generator, flat: count * dim. */
function randomVectors(count, dim, seed) {
  let state = seed >>> 0;
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 4294967296;
  }
  return out;
}

function row(flat, dim, i) {
  return flat.subarray(i * dim, (i + 1) * dim);
}

/** Exact k nearest labels under squared L2, for recall. */
function exactKnn(base, count, query, dim, k) {
  const scored = [];
  for (let i = 0; i < count; i++) {
    let d = 0;
    for (let j = 0; j < dim; j++) {
      const t = base[i * dim + j] - query[j];
      d += t * t;
    }
    scored.push([d, i]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return scored.slice(0, k).map((s) => s[1]);
}

/** Runs fn and returns the error it throws (sync or async). */
async function caught(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

function tempDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), name));
}

/** Leftover temporary files of a save in `dir`. */
function leftovers(dir) {
  return fs.readdirSync(dir).filter((f) => f.startsWith('.hnswkit-'));
}

function smallIndex(kind, count, dim = 3) {
  const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
  index.initIndex(Math.max(count, 10));
  for (let i = 0; i < count; i++) index.addPoint([i, i + 1, i + 2].slice(0, dim), i);
  return index;
}

function load(kind, file) {
  const index = kind === 'hnsw' ? new HierarchicalNSW('l2', 3) : new BruteforceSearch('l2', 3);
  index.readIndexSync(file);
  return index;
}

// ---- the checks ------------------------------------------------------------------------------------------------

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

check('loads prebuilds/win32-x64/hnswkit.node from the installed package', () => {
  const addons = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
  assert.strictEqual(addons.length, 1, `loaded addons: ${addons.join(', ')}`);
  const root = path.dirname(require.resolve('hnswkit/package.json'));
  const relative = path.relative(root, addons[0]).split(path.sep).join('/');
  if (WINDOWS) assert.strictEqual(relative, 'prebuilds/win32-x64/hnswkit.node');
  assert.ok(!fs.existsSync(path.join(root, 'build')), 'no build/ folder in the installed package');
  return relative;
});

/** The SIMD levels this CPU offers on x64, lowest first (the forced ones are checked in their own processes). */
function x64Levels() {
  const best = simdLevel();
  const order = ['sse', 'avx2', 'avx512', 'avx512vnni'];
  assert.ok(order.includes(best) || best === 'neon' || best === 'neondot', `simdLevel() = ${best}`);
  return order.includes(best) ? order.slice(0, order.indexOf(best) + 1) : [best];
}

/** In a child process: distances of every metric and dimension 1..130 against a JS reference, exact. */
function kernelResults() {
  const mismatches = [];
  for (const space of ['l2', 'ip', 'cosine']) {
    for (let dim = 1; dim <= 130; dim++) {
      // Small integers: every sum of products is exact in float32, so any kernel must match to the bit.
      const a = Float32Array.from({ length: dim }, (_, i) => ((i * 7 + dim) % 11) - 5);
      const b = Float32Array.from({ length: dim }, (_, i) => ((i * 5 + 3 * dim) % 13) - 6);
      if (space === 'cosine') {
        // Cosine normalises with a square root; compare the exact inner-product path only on l2 and ip.
        const index = new BruteforceSearch('cosine', dim);
        index.initIndex(1);
        index.addPoint(Array.from(a), 0);
        const { distances } = index.searchKnn(Array.from(a), 1);
        if (Math.abs(distances[0]) > 1e-5) mismatches.push(`cosine dim ${dim}: self distance ${distances[0]}`);
        continue;
      }
      let dot = 0;
      let l2 = 0;
      for (let i = 0; i < dim; i++) {
        dot += a[i] * b[i];
        l2 += (a[i] - b[i]) * (a[i] - b[i]);
      }
      const expected = space === 'l2' ? l2 : 1 - dot;
      const index = new BruteforceSearch(space, dim);
      index.initIndex(1);
      index.addPoint(Array.from(a), 0);
      const got = index.searchKnn(Array.from(b), 1).distances[0];
      if (got !== Math.fround(expected)) mismatches.push(`${space} dim ${dim}: ${got}, expected ${expected}`);
    }
  }
  return { simd: simdLevel(), mismatches };
}

check('every SIMD kernel set this CPU has matches a JS reference (l2, ip, cosine; dimensions 1..130)', () => {
  const dir = tempDir('hnswkit-kernels-');
  const seen = [];
  try {
    for (const level of x64Levels()) {
      const out = path.join(dir, `${level}.json`);
      const r = spawnSync(process.execPath, [__filename, '--kernels', out], {
        env: { ...process.env, HNSWKIT_SIMD: level },
        stdio: 'ignore',
        timeout: 120000,
      });
      assert.strictEqual(r.status, 0, `child for ${level} exited with ${r.status} ${r.error || ''}`);
      const result = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.strictEqual(result.simd, level, `HNSWKIT_SIMD=${level} ran ${result.simd}`);
      assert.deepStrictEqual(result.mismatches, [], `${level}: ${result.mismatches.slice(0, 3).join('; ')}`);
      seen.push(level);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return seen.join(', ');
});

check('HierarchicalNSW: build, searchKnn recall against exact search, delete, resize, getPoint', () => {
  const dim = 16;
  const count = 2000;
  const base = randomVectors(count, dim, 1);
  const queries = randomVectors(50, dim, 2);
  const index = new HierarchicalNSW('l2', dim);
  index.initIndex(count, 16, 200, 100);
  for (let i = 0; i < count; i++) index.addPoint(row(base, dim, i), i);
  index.setEf(100);
  let hits = 0;
  for (let q = 0; q < 50; q++) {
    const query = row(queries, dim, q);
    const { neighbors } = index.searchKnn(query, 10);
    const exact = new Set(exactKnn(base, count, query, dim, 10));
    hits += neighbors.filter((n) => exact.has(n)).length;
  }
  const recall = hits / 500;
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  index.markDelete(5);
  assert.strictEqual(index.getDeletedCount(), 1);
  assert.ok(!index.searchKnn(row(base, dim, 5), 5).neighbors.includes(5), 'deleted label not returned');
  index.unmarkDelete(5);
  assert.deepStrictEqual(index.searchKnn(row(base, dim, 5), 1).neighbors, [5]);
  index.resizeIndex(count + 10);
  assert.strictEqual(index.getMaxElements(), count + 10);
  index.addPoint(row(base, dim, 0), count);
  assert.deepStrictEqual(
    index.getPoint(7).map((v) => Math.fround(v)),
    Array.from(row(base, dim, 7))
  );
  return `recall@10 ${recall.toFixed(3)}`;
});

check('errors keep their classes, messages and codes', async () => {
  const index = new HierarchicalNSW('l2', 3);
  const notInit = await caught(() => index.addPoint([1, 2, 3], 0));
  assert.strictEqual(notInit.constructor.name, 'Error');
  index.initIndex(2);
  const wrongLength = await caught(() => index.addPoint([1, 2], 0));
  assert.strictEqual(wrongLength.constructor.name, 'Error');
  assert.match(wrongLength.message, /Invalid the given array length/);
  const typeError = await caught(() => index.searchKnn('x', 1));
  assert.ok(typeError instanceof TypeError, `${typeError}`);
  index.addPoint([1, 2, 3], 0);
  index.addPoint([1, 2, 4], 1);
  const full = await caught(() => index.addPoint([1, 2, 5], 2));
  assert.match(full.message, /exceeds the specified limit/);
  const batchFull = await caught(() => index.addItems(new Float32Array(3), [9]));
  assert.strictEqual(batchFull.code, 'ERR_INDEX_FULL');
});

check('batch and Promise API: addItems, searchKnnBatch, toBuffer/fromBuffer agree with the sync forms', async () => {
  const dim = 24;
  const count = 3000;
  const base = randomVectors(count, dim, 3);
  const queries = randomVectors(200, dim, 4);
  const a = new HierarchicalNSW('cosine', dim);
  a.initIndex(count, 16, 100, 7);
  const labels = await a.addItems(base, undefined, { numThreads: 4 });
  assert.strictEqual(labels.length, count);
  assert.strictEqual(a.getCurrentCount(), count);
  const asyncResult = await a.searchKnnBatch(queries, 5, { ef: 80, numThreads: 4 });
  const syncResult = a.searchKnnBatchSync(queries, 5, { ef: 80, numThreads: 1 });
  assert.deepStrictEqual(asyncResult.labels, syncResult.labels);
  assert.deepStrictEqual(asyncResult.distances, syncResult.distances);
  const bytes = await a.toBuffer();
  const b = new HierarchicalNSW('cosine', dim);
  await b.fromBuffer(bytes);
  assert.deepStrictEqual(b.searchKnnBatchSync(queries, 5, { ef: 80 }).labels, syncResult.labels);
  const brute = new BruteforceSearch('cosine', dim);
  brute.initIndex(count);
  brute.addItemsSync(base, undefined, { numThreads: 2 });
  const exact = await brute.searchKnnBatch(queries, 5);
  let hits = 0;
  for (let q = 0; q < 200; q++) {
    const want = new Set(exact.labels.subarray(q * 5, q * 5 + 5));
    for (const l of asyncResult.labels.subarray(q * 5, q * 5 + 5)) if (want.has(l)) hits++;
  }
  assert.ok(hits / 1000 >= 0.9, `batch recall@5 ${hits / 1000}`);
  // Many Promise jobs at once on the libuv pool.
  const all = await Promise.all(Array.from({ length: 8 }, () => a.searchKnnBatch(queries, 5, { ef: 80, numThreads: 2 })));
  for (const r of all) assert.deepStrictEqual(r.labels, syncResult.labels);
  return `${count} x ${dim}, recall@5 ${(hits / 1000).toFixed(3)}`;
});

const UNICODE_NAMES = ['índice-ünïcode.bin', '索引-🙂.bin'];

check(`save and load with non-ASCII names (${UNICODE_NAMES.join(', ')}) in a non-ASCII folder`, async () => {
  const dir = tempDir('hnswkit-ünï-');
  try {
    const sub = path.join(dir, 'dossier-été');
    fs.mkdirSync(sub);
    for (const name of UNICODE_NAMES) {
      for (const kind of ['hnsw', 'brute']) {
        const file = path.join(sub, `${kind}-${name}`);
        const index = smallIndex(kind, 5);
        if (kind === 'hnsw') assert.strictEqual(await index.writeIndex(file), true);
        else index.writeIndexSync(file);
        // Node's fs uses the wide API: the name the engine created must be exactly this one.
        assert.ok(fs.statSync(file).size > 0, `${file} exists`);
        const loaded = kind === 'hnsw' ? new HierarchicalNSW('l2', 3) : new BruteforceSearch('l2', 3);
        if (kind === 'hnsw') await loaded.readIndex(file);
        else loaded.readIndexSync(file);
        assert.strictEqual(loaded.getCurrentCount(), 5);
      }
    }
    const names = fs.readdirSync(sub).sort();
    const expected = UNICODE_NAMES.flatMap((n) => [`brute-${n}`, `hnsw-${n}`]).sort();
    assert.deepStrictEqual(names, expected, 'exactly the saved files, no temporary file left');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

check('a save replaces an existing file (sync and Promise, both index kinds) and leaves nothing else', async () => {
  const dir = tempDir('hnswkit-replace-');
  try {
    for (const kind of ['hnsw', 'brute']) {
      for (const method of ['writeIndexSync', 'writeIndex']) {
        const file = path.join(dir, `${kind}-${method}-índice.bin`);
        smallIndex(kind, 2).writeIndexSync(file);
        assert.strictEqual(load(kind, file).getCurrentCount(), 2);
        await smallIndex(kind, 5)[method](file);
        assert.strictEqual(load(kind, file).getCurrentCount(), 5);
        await smallIndex(kind, 7)[method](file);
        assert.strictEqual(load(kind, file).getCurrentCount(), 7);
      }
    }
    assert.deepStrictEqual(leftovers(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

check('a file opened with { mmap: true } answers as the loaded one and refuses changes (non-ASCII name)', async () => {
  const dir = tempDir('hnswkit-mmap-');
  try {
    const dim = 16;
    const data = randomVectors(3000, dim, 11);
    const built = new HierarchicalNSW('l2', dim);
    built.initIndex(3000);
    built.addItemsSync(data);
    built.markDelete(7);
    const file = path.join(dir, 'mappé-🙂.bin');
    built.writeIndexSync(file);
    const loaded = new HierarchicalNSW('l2', dim);
    loaded.readIndexSync(file);
    const mapped = new HierarchicalNSW('l2', dim);
    mapped.readIndexSync(file, { mmap: true });
    const promised = new HierarchicalNSW('l2', dim);
    await promised.readIndex(file, { mmap: true });
    assert.strictEqual(mapped.getStats().mappedBytes, fs.statSync(file).size);
    for (let i = 0; i < 50; i++) {
      const query = row(data, dim, i * 13);
      assert.deepStrictEqual(mapped.searchKnn(query, 10), loaded.searchKnn(query, 10));
      assert.deepStrictEqual(promised.searchKnn(query, 10), loaded.searchKnn(query, 10));
    }
    assert.deepStrictEqual(await mapped.searchKnnBatch(data.subarray(0, 100 * dim), 5), loaded.searchKnnBatchSync(data.subarray(0, 100 * dim), 5));
    assert.strictEqual(mapped.getDeletedCount(), 1);
    assert.deepStrictEqual(Array.from(mapped.getPoint(3)), Array.from(loaded.getPoint(3)));
    assert.throws(() => mapped.markDelete(3), { code: 'ERR_READ_ONLY' });
    assert.throws(() => mapped.addPoint(row(data, dim, 0), 5000), { code: 'ERR_READ_ONLY' });
    await assert.rejects(mapped.addItems(data.subarray(0, dim)), { code: 'ERR_READ_ONLY' });
    assert.deepStrictEqual(Buffer.from(mapped.toBufferSync()), fs.readFileSync(file));
    // Windows keeps a mapped file from being deleted or replaced until the index lets it go: replacing the index
    // does, and so does close().
    assert.throws(() => built.writeIndexSync(file), { code: 'ERR_IO' });
    mapped.initIndex(1);
    assert.throws(() => built.writeIndexSync(file), { code: 'ERR_IO' });
    promised.close();
    assert.throws(() => promised.getCurrentCount(), { code: 'ERR_CLOSED' });
    built.writeIndexSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

check('a failed save leaves the old file as it was and no temporary file', async () => {
  const dir = tempDir('hnswkit-failsave-');
  try {
    const results = [];
    for (const kind of ['hnsw', 'brute']) {
      // Windows refuses to rename over a read-only file, so a save to one fails at its last step, after the whole
      // temporary file was written. (POSIX renames over it: there only the two failures below are checked.)
      const file = path.join(dir, `${kind}-ünï.bin`);
      smallIndex(kind, 2).writeIndexSync(file);
      const before = fs.readFileSync(file);
      if (WINDOWS) {
        // Read-only (fs.chmod sets the attribute): refused before anything is written.
        fs.chmodSync(file, 0o444);
        for (const method of ['writeIndexSync', 'writeIndex']) {
          const err = await caught(() => smallIndex(kind, 5)[method](file));
          assert.strictEqual(err.code, 'ERR_IO', `${err.message}`);
          assert.match(err.message, /cannot replace .*ünï\.bin: it is read-only$/);
          assert.ok(fs.readFileSync(file).equals(before), 'old bytes kept');
          assert.deepStrictEqual(leftovers(dir), []);
        }
        fs.chmodSync(file, 0o666);
        // Open in another handle (Node opens with delete sharing): Windows either renames over it (newer systems,
        // POSIX rename semantics) or refuses at the last step, after the whole temporary file was written. Either
        // way the file holds one complete index and the temporary file is gone.
        for (const method of ['writeIndexSync', 'writeIndex']) {
          const reader = fs.openSync(file, 'r');
          let outcome;
          try {
            await smallIndex(kind, 5)[method](file);
            outcome = 'replaced';
          } catch (err) {
            assert.strictEqual(err.code, 'ERR_IO', `${err.message}`);
            assert.match(err.message, /cannot replace .*ünï\.bin: .*\(Windows error \d+\)$/);
            outcome = err.message;
          } finally {
            fs.closeSync(reader);
          }
          const count = load(kind, file).getCurrentCount();
          if (outcome === 'replaced') {
            assert.strictEqual(count, 5);
            smallIndex(kind, 2).writeIndexSync(file);
          } else {
            assert.strictEqual(count, 2);
            assert.ok(fs.readFileSync(file).equals(before), 'old bytes kept');
          }
          assert.deepStrictEqual(leftovers(dir), []);
          results.push(`open elsewhere, ${method}: ${outcome}`);
        }
      }
      // A folder that does not exist: nothing is created anywhere.
      const missing = path.join(dir, 'no-such-folder', 'x.bin');
      const err = await caught(() => smallIndex(kind, 5).writeIndexSync(missing));
      assert.strictEqual(err.code, 'ERR_IO');
      assert.ok(!fs.existsSync(path.dirname(missing)));
      // A directory in the way is refused, and stays a directory.
      const folder = path.join(dir, `${kind}-folder.bin`);
      fs.mkdirSync(folder);
      const refused = await caught(() => smallIndex(kind, 5).writeIndex(folder));
      assert.strictEqual(refused.code, 'ERR_IO');
      assert.match(refused.message, /it is a directory, not a regular file/);
      assert.ok(fs.statSync(folder).isDirectory());
      assert.strictEqual(load(kind, file).getCurrentCount(), 2);
    }
    assert.deepStrictEqual(leftovers(dir), []);
    return results.slice(0, 2).join('; ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

check('loading refuses missing files, folders, devices and truncated files with clear errors', async () => {
  const dir = tempDir('hnswkit-readfail-');
  try {
    const index = new HierarchicalNSW('l2', 3);
    const missing = await caught(() => index.readIndexSync(path.join(dir, 'absent-ñ.bin')));
    assert.match(missing.message, /failed to open file: .*absent-ñ\.bin$/);
    const folder = await caught(() => index.readIndexSync(dir));
    assert.match(folder.message, /\(not a regular file\)$/);
    const device = await caught(() => index.readIndexSync(WINDOWS ? 'NUL' : '/dev/null'));
    assert.match(device.message, /\(not a regular file\)$/);
    const file = path.join(dir, 'whole.bin');
    smallIndex('hnsw', 5).writeIndexSync(file);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 7));
    const truncated = await caught(() => index.readIndex(file));
    assert.match(truncated.message, /corrupted|ends inside/);
    return device.message;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

check('a large capacity costs address space, not memory (1 million slots x 128 dimensions)', () => {
  if (global.gc) global.gc();
  const before = process.memoryUsage().rss;
  const index = new HierarchicalNSW('l2', 128);
  index.initIndex(1_000_000);
  const vectors = randomVectors(100, 128, 9);
  index.addItemsSync(vectors, undefined, { numThreads: 2 });
  const growth = process.memoryUsage().rss - before;
  assert.ok(growth < 64 * 1024 * 1024, `resident memory grew by ${(growth / 1048576).toFixed(1)} MiB`);
  assert.deepStrictEqual(index.searchKnn(row(vectors, 128, 42), 1).neighbors, [42]);
  return `resident memory +${(growth / 1048576).toFixed(1)} MiB for ~660 MB of capacity`;
});

check('worker_threads: three workers build and search at once, the same answers as the main thread', async () => {
  const dim = 8;
  const count = 1500;
  const base = new Float32Array(new SharedArrayBuffer(count * dim * 4));
  base.set(randomVectors(count, dim, 11));
  const queries = randomVectors(100, dim, 12);
  const main = new BruteforceSearch('l2', dim);
  main.initIndex(count);
  main.addItemsSync(base);
  const expected = main.searchKnnBatchSync(queries, 3).labels;
  const results = await Promise.all(
    [0, 1, 2].map(
      (i) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: { task: 'build', base: base.buffer, queries, dim, seed: i } });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
        })
    )
  );
  for (const r of results) {
    assert.strictEqual(r.simd, simdLevel());
    assert.deepStrictEqual(r.exact, expected);
    assert.ok(r.recall >= 0.9, `worker recall ${r.recall}`);
  }
});

check('worker_threads: terminating workers with jobs in flight leaves the process working (10 rounds)', async () => {
  for (let round = 0; round < 10; round++) {
    await new Promise((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { task: 'busy' } });
      worker.once('message', () => worker.terminate().then(resolve, reject));
      worker.once('error', reject);
    });
  }
  const index = smallIndex('hnsw', 5);
  assert.deepStrictEqual(index.searchKnn([0, 1, 2], 1).neighbors, [0]);
});

// ---- worker side -----------------------------------------------------------------------------------------------

async function workerMain() {
  if (workerData.task === 'build') {
    const { dim, queries, seed } = workerData;
    const base = new Float32Array(workerData.base);
    const count = base.length / dim;
    const hnsw = new HierarchicalNSW('l2', dim);
    hnsw.initIndex(count, 16, 100, seed);
    await hnsw.addItems(base, undefined, { numThreads: 2 });
    const approx = await hnsw.searchKnnBatch(queries, 3, { ef: 100, numThreads: 2 });
    const exact = new BruteforceSearch('l2', dim);
    exact.initIndex(count);
    await exact.addItems(base);
    const exactLabels = (await exact.searchKnnBatch(queries, 3)).labels;
    let hits = 0;
    for (let q = 0; q < approx.count; q++) {
      const want = new Set(exactLabels.subarray(q * 3, q * 3 + 3));
      for (const l of approx.labels.subarray(q * 3, q * 3 + 3)) if (want.has(l)) hits++;
    }
    parentPort.postMessage({ simd: simdLevel(), exact: exactLabels, recall: hits / (approx.count * 3) });
  } else {
    const dim = 32;
    const base = randomVectors(4000, dim, 5);
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex(4000);
    const jobs = [index.addItems(base, undefined, { numThreads: 2 })];
    const brute = new BruteforceSearch('l2', dim);
    brute.initIndex(4000);
    brute.addItemsSync(base);
    for (let i = 0; i < 6; i++) jobs.push(brute.searchKnnBatch(base, 10, { numThreads: 2 }));
    for (const job of jobs) job.catch(() => {});
    parentPort.postMessage('busy');
  }
}

// ---- runner ----------------------------------------------------------------------------------------------------

async function runAll(only) {
  console.log(
    `hnswkit ${hnswkit.version} on ${process.platform}-${process.arch}, node ${process.version}, ` +
      `simd ${simdLevel()}, ${os.cpus().length} CPUs`
  );
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks.filter((c) => c.name.includes(only))) {
    const started = Date.now();
    try {
      const note = await fn();
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)${note ? `: ${note}` : ''}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${String(err && err.stack ? err.stack : err).replace(/\n/g, '\n     ')}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

if (!isMainThread) {
  workerMain().catch((err) => parentPort.postMessage({ error: String(err && err.stack) }));
} else {
  const { values } = parseArgs({ options: { only: { type: 'string', default: '' }, kernels: { type: 'string' } } });
  if (values.kernels !== undefined) fs.writeFileSync(values.kernels, JSON.stringify(kernelResults()));
  else runAll(values.only);
}
