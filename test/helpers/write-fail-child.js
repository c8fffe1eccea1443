'use strict';
// Child process for the failed-write tests (test/crash-safety.test.ts), run against the built package (dist/) in a
// place where writing cannot complete (read-only directory, full tmpfs, file-size limit); the parent sets that up.
//   node write-fail-child.js <dir> [--make-old]
// With --make-old it first writes the old files <dir>/hnsw.bin and <dir>/brute.bin itself (for a tmpfs mounted in
// this process's own mount namespace). Then it builds indexes too large for the place and saves them over the old
// files with all four write methods, and prints one JSON line: each write's outcome, the directory before and after,
// the old files' SHA-256 before and after, and what loading the old files afterwards gives.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { BruteforceSearch, HierarchicalNSW } = require(path.resolve(__dirname, '..', '..', 'dist'));

const DIM = 16;
const OLD_COUNT = 10;
const BIG_COUNT = 2000;

function vector(i) {
  const v = new Float32Array(DIM);
  for (let j = 0; j < DIM; j++) v[j] = ((i * 31 + j * 7) % 97) / 97;
  return v;
}

function fill(index, count) {
  for (let i = 0; i < count; i++) index.addPoint(vector(i), i);
  return index;
}

function hnsw(count) {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(count, 8, 20, 1);
  return fill(index, count);
}

function brute(count) {
  const index = new BruteforceSearch('l2', DIM);
  index.initIndex(count);
  return fill(index, count);
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function hashes(dir) {
  return { hnsw: sha256(path.join(dir, 'hnsw.bin')), brute: sha256(path.join(dir, 'brute.bin')) };
}

function failure(err) {
  return { ok: false, name: err && err.constructor && err.constructor.name, code: err && err.code, message: err && err.message };
}

async function attempt(write) {
  try {
    const result = await write();
    return { ok: true, result };
  } catch (err) {
    return failure(err);
  }
}

async function main() {
  const [dir, flag] = process.argv.slice(2);
  const hnswTarget = path.join(dir, 'hnsw.bin');
  const bruteTarget = path.join(dir, 'brute.bin');
  if (flag === '--make-old') {
    hnsw(OLD_COUNT).writeIndexSync(hnswTarget);
    brute(OLD_COUNT).writeIndexSync(bruteTarget);
  }
  const before = { listing: fs.readdirSync(dir).sort(), hashes: hashes(dir) };

  const bigHnsw = hnsw(BIG_COUNT);
  const bigBrute = brute(BIG_COUNT);
  const writes = {
    'HierarchicalNSW#writeIndexSync': await attempt(() => bigHnsw.writeIndexSync(hnswTarget)),
    'HierarchicalNSW#writeIndex': await attempt(() => bigHnsw.writeIndex(hnswTarget)),
    'BruteforceSearch#writeIndexSync': await attempt(() => bigBrute.writeIndexSync(bruteTarget)),
    'BruteforceSearch#writeIndex': await attempt(() => bigBrute.writeIndex(bruteTarget)),
  };

  const loaded = {};
  for (const [name, make, file] of [
    ['hnsw', () => new HierarchicalNSW('l2', DIM), hnswTarget],
    ['brute', () => new BruteforceSearch('l2', DIM), bruteTarget],
  ]) {
    const index = make();
    try {
      index.readIndexSync(file);
      loaded[name] = { count: index.getCurrentCount(), nearest: index.searchKnn(vector(3), 1).neighbors[0] };
    } catch (err) {
      loaded[name] = failure(err);
    }
  }
  const after = { listing: fs.readdirSync(dir).sort(), hashes: hashes(dir) };
  process.stdout.write(JSON.stringify({ pid: process.pid, writes, before, after, loaded }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack}\n`);
  process.exitCode = 1;
});
