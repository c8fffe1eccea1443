'use strict';
// Temporary directories for the tests, their child scripts and the benchmarks: one place that makes them (under
// os.tmpdir() unless told otherwise) and removes them. Types in tmp.d.ts; useTmpDir needs jest's globals, the rest
// is plain Node.

const fs = require('fs');
const os = require('os');
const path = require('path');

/** Makes a fresh, empty directory `<parent>/<prefix>XXXXXX` and returns its path. */
function makeTempDir(prefix = 'hnswkit-test-', parent = os.tmpdir()) {
  return fs.mkdtempSync(path.join(parent, prefix));
}

/** Removes a directory and everything in it; nothing happens for '' or a directory already gone. */
function removeTempDir(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs `fn(dir)` with a fresh directory and removes the directory afterwards, also when `fn` throws or the Promise
 * it returns rejects. Returns what `fn` returns.
 */
function withTempDir(prefix, fn, parent = os.tmpdir()) {
  const dir = makeTempDir(prefix, parent);
  let result;
  try {
    result = fn(dir);
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
  if (result && typeof result.then === 'function') {
    return Promise.resolve(result).finally(() => removeTempDir(dir));
  }
  removeTempDir(dir);
  return result;
}

/**
 * Registers beforeAll/afterAll hooks that make and remove one fresh directory for the tests of a file (or of the
 * describe block it is called in).
 */
function useTmpDir(prefix = 'hnswkit-test-') {
  let current;
  beforeAll(() => {
    current = makeTempDir(prefix);
  });
  afterAll(() => {
    removeTempDir(current);
    current = undefined;
  });
  return {
    get dir() {
      if (!current) throw new Error('the temporary directory exists only while the tests of this file run');
      return current;
    },
    file(name) {
      return path.join(this.dir, name);
    },
    freshDir(name) {
      return makeTempDir(`${name}-`, this.dir);
    },
  };
}

module.exports = { makeTempDir, removeTempDir, withTempDir, useTmpDir };
