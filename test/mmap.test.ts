// Indexes opened with readIndex(file, { mmap: true }): they answer every read method as the loaded index does (files
// of hnswkit in every precision and of Python hnswlib), refuse every change with ERR_READ_ONLY, and a process
// searching one survives its file being truncated or rewritten in place underneath.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { HierarchicalNSW } from 'hnswkit';
import type { Precision } from 'hnswkit';

import { randomVectors } from './helpers/index-file';
import { describeWith, pythonHnswlib } from './helpers/prerequisites';
import { pythonBuild } from './helpers/python';
import { useTmpDir } from './helpers/tmp';

const DIM = 12;
const COUNT = 2000;
const CHILD = path.join(__dirname, 'helpers', 'mmap-child.js');
const REGISTER = path.join(__dirname, 'helpers', 'register-ts.js');

const tmp = useTmpDir('hnswkit-mmap-');
const data = randomVectors(COUNT, DIM, 7);
const queries = randomVectors(50, DIM, 8);
const row = (v: Float32Array, i: number): Float32Array => v.subarray(i * DIM, (i + 1) * DIM);

function built(precision: Precision = 'f32'): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM, { precision });
  index.initIndex({ maxElements: COUNT + 50, m: 8 });
  index.addItemsSync(data, undefined, { numThreads: 1 });
  index.markDelete(5);
  return index;
}

function mapped(file: string): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM);
  index.readIndexSync(file, { mmap: true });
  return index;
}

/** Every read method of `a` and `b` gives the same answer. */
function expectSameAnswers(a: HierarchicalNSW, b: HierarchicalNSW): void {
  expect(b.getCurrentCount()).toBe(a.getCurrentCount());
  expect(b.getMaxElements()).toBe(a.getMaxElements());
  expect(b.getDeletedCount()).toBe(a.getDeletedCount());
  expect(b.getPrecision()).toBe(a.getPrecision());
  expect(b.getIdsList()).toEqual(a.getIdsList());
  for (let q = 0; q < 50; q++) {
    expect(b.searchKnn(row(queries, q), 10)).toEqual(a.searchKnn(row(queries, q), 10));
    const even = (label: number): boolean => label % 2 === 0;
    expect(b.searchKnn(row(queries, q), 5, even)).toEqual(a.searchKnn(row(queries, q), 5, even));
  }
  expect(Array.from(b.getPoint(7))).toEqual(Array.from(a.getPoint(7)));
  // Label 5 is deleted: gone from getPoint in both, as in every search above.
  expect(() => b.getPoint(5)).toThrow(expect.objectContaining({ code: 'ERR_LABEL_NOT_FOUND' }));
  expect(() => a.getPoint(5)).toThrow(expect.objectContaining({ code: 'ERR_LABEL_NOT_FOUND' }));
  const shape = (index: HierarchicalNSW): unknown => {
    const { maxLevel, entryPoint, elementsPerLevel, meanOutDegree, count, deletedCount, maxElements } = index.getStats();
    return { maxLevel, entryPoint, elementsPerLevel, meanOutDegree, count, deletedCount, maxElements };
  };
  expect(shape(b)).toEqual(shape(a));
}

describe('readIndex with { mmap: true }', () => {
  it.each<Precision>(['f32', 'f16', 'i8'])('answers every read as the loaded %s index does', async (precision) => {
    const file = tmp.file(`built-${precision}.bin`);
    built(precision).writeIndexSync(file);
    const loaded = new HierarchicalNSW('l2', DIM);
    loaded.readIndexSync(file);
    const sync = mapped(file);
    expectSameAnswers(loaded, sync);
    const promise = new HierarchicalNSW('l2', DIM);
    await expect(promise.readIndex(file, { mmap: true })).resolves.toBe(true);
    expectSameAnswers(loaded, promise);
    expect(sync.getStats().mappedBytes).toBe(fs.statSync(file).size);
    expect(loaded.getStats().mappedBytes).toBe(0);
    // Its records are the file's pages, not the heap's.
    expect(sync.getStats().memoryBytes).toBeLessThan(loaded.getStats().memoryBytes / 2);

    const batch = await sync.searchKnnBatch(queries, 10, { numThreads: 2, ef: 40 });
    expect(batch).toEqual(await loaded.searchKnnBatch(queries, 10, { numThreads: 2, ef: 40 }));
    expect(sync.searchKnnBatchSync(queries, 10, { filter: { allow: [1, 2, 3, 4] } })).toEqual(
      loaded.searchKnnBatchSync(queries, 10, { filter: { allow: [1, 2, 3, 4] } }),
    );
    expect(Buffer.from(sync.toBufferSync())).toEqual(fs.readFileSync(file));
  });

  it('refuses every change with ERR_READ_ONLY, and leaves the index as it was', async () => {
    const file = tmp.file('read-only.bin');
    built().writeIndexSync(file);
    const index = mapped(file);
    const readOnly = expect.objectContaining({ code: 'ERR_READ_ONLY', message: expect.stringMatching(/read-only/) });
    expect(() => index.addPoint(row(data, 0), 0)).toThrow(readOnly);
    expect(() => index.addPoint(row(data, 0), 99999)).toThrow(readOnly);
    expect(() => index.markDelete(1)).toThrow(readOnly);
    expect(() => index.unmarkDelete(5)).toThrow(readOnly);
    expect(() => index.resizeIndex(COUNT * 2)).toThrow(readOnly);
    expect(() => index.addItemsSync(row(data, 0), [1])).toThrow(readOnly);
    expect(() => index.addItemsSync(row(data, 0))).toThrow(readOnly);
    await expect(index.addItems(row(data, 0), [1])).rejects.toEqual(readOnly);
    await expect(index.addItems(row(data, 0))).rejects.toEqual(readOnly);
    expect(index.getCurrentCount()).toBe(COUNT);
    expect(index.getDeletedCount()).toBe(1);
    expect(Buffer.from(index.toBufferSync())).toEqual(fs.readFileSync(file));
    // ef is a search setting, not part of the file.
    index.setEf(64);
    expect(index.getEf()).toBe(64);
    // Loading without mmap makes the same object an ordinary index again.
    index.readIndexSync(file);
    index.markDelete(1);
    expect(index.getDeletedCount()).toBe(2);
  });

  it('keeps answering after its file is replaced by a save, and can be saved over its own file', () => {
    const file = tmp.file('replaced.bin');
    const original = built();
    original.writeIndexSync(file);
    const index = mapped(file);
    const before = index.searchKnn(row(queries, 0), 10);
    // writeIndex renames a new file over the old name; the mapping keeps the old file. (Windows refuses to replace a
    // mapped file: the save fails with ERR_IO instead.)
    if (process.platform === 'win32') {
      expect(() => original.writeIndexSync(file)).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
      return;
    }
    const other = new HierarchicalNSW('l2', DIM);
    other.initIndex(10);
    other.addPoint(row(data, 0), 0);
    other.writeIndexSync(file);
    expect(index.searchKnn(row(queries, 0), 10)).toEqual(before);
    index.writeIndexSync(file);
    expect(fs.readFileSync(file)).toEqual(Buffer.from(original.toBufferSync()));
    expect(index.searchKnn(row(queries, 0), 10)).toEqual(before);
  });

  it('checks its options, and keeps the boolean form', () => {
    const file = tmp.file('options.bin');
    built().writeIndexSync(file);
    const index = new HierarchicalNSW('l2', DIM);
    expect(() => index.readIndexSync(file, { mmap: 'yes' } as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/`mmap`/) }),
    );
    expect(() => index.readIndexSync(file, 1 as never)).toThrow('Invalid the second argument type, must be a boolean.');
    index.readIndexSync(file, { allowReplaceDeleted: true, mmap: true });
    expect(index.getStats().mappedBytes).toBeGreaterThan(0);
    index.readIndexSync(file, true);
    expect(index.getStats().mappedBytes).toBe(0);
    // A mapped file is used as it is: an index created for another precision does not convert it.
    const f16 = new HierarchicalNSW('l2', DIM, { precision: 'f16' });
    expect(() => f16.readIndexSync(file, { mmap: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => mapped(tmp.file('missing.bin'))).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    fs.writeFileSync(tmp.file('short.bin'), fs.readFileSync(file).subarray(0, 500));
    expect(() => mapped(tmp.file('short.bin'))).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT_INDEX' }));
  });
});

describeWith([pythonHnswlib()], 'a mapped Python hnswlib file', () => {
  it('answers as the same file loaded', () => {
    const file = tmp.file('python.bin');
    pythonBuild({ space: 'l2', data, count: COUNT, dim: DIM, M: 8, efConstruction: 100, seed: 3, out: file,
      workDir: tmp.dir, maxElements: COUNT + 10, deleted: [5] });
    const loaded = new HierarchicalNSW('l2', DIM);
    loaded.readIndexSync(file);
    expectSameAnswers(loaded, mapped(file));
  });
});

interface SearchReport {
  searches: number;
  failed: Record<string, number>;
}

/** Runs mmap-child.js searching `file` while `change(file)` runs, then stops it and returns what it counted. */
async function searchWhile(file: string, change: (file: string) => void): Promise<SearchReport> {
  const child = spawn(process.execPath, ['-r', REGISTER, CHILD, 'search', file, String(DIM)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith('ready\n')) resolve();
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  change(file);
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.stdin.end();
  const [status, signal] = await closed;
  if (status !== 0) throw new Error(`the searching process exited with status ${status}, signal ${signal}:\n${stderr}`);
  return JSON.parse(stdout.slice('ready\n'.length)) as SearchReport;
}

describe('a mapped file changed under a searching process', () => {
  it('truncated: the searches fail with ERR_CORRUPT_INDEX, never SIGBUS', async () => {
    const file = tmp.file('truncated.bin');
    built().writeIndexSync(file);
    const report = await searchWhile(file, (f) => fs.truncateSync(f, 4096));
    expect(report.searches).toBeGreaterThan(0);
    expect(Object.keys(report.failed)).toEqual(process.platform === 'win32' ? [] : ['ERR_CORRUPT_INDEX']);
  });

  it('rewritten in place with other bytes: the searches go on without a crash', async () => {
    const file = tmp.file('rewritten.bin');
    built().writeIndexSync(file);
    const size = fs.statSync(file).size;
    const report = await searchWhile(file, (f) => {
      const fd = fs.openSync(f, 'r+');
      fs.writeSync(fd, Buffer.alloc(size - 96, 0xff), 0, size - 96, 96);
      fs.writeSync(fd, Buffer.from(randomVectors(Math.floor((size - 96) / 4), 1, 9).buffer), 0, size - 96, 96);
      fs.closeSync(fd);
    });
    expect(report.searches).toBeGreaterThan(0);
    expect(report.failed).toEqual({});
  });
});
