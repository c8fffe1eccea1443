// compact() and compactSync(): the graph rebuilt from the live elements only, keeping labels, vectors, capacity and
// settings; searches answering while the Promise form copies, adds and deletes refused until it is swapped in;
// progress, abort and a throwing onProgress leaving the index as it was.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW, type Precision } from 'hnswkit';
import { randomVectors, range } from './helpers/batch';

const DIM = 16;
const COUNT = 2000;
const data = randomVectors(COUNT, DIM, 71);
const queries = randomVectors(100, DIM, 72);
const row = (v: Float32Array, i: number): Float32Array => v.subarray(i * DIM, (i + 1) * DIM);

/** An index of COUNT rows (label i for row i) with every even label deleted. */
function halfDeleted(precision: Precision = 'f32'): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM, { precision });
  index.initIndex({ maxElements: COUNT + 500, m: 8, efConstruction: 64, allowReplaceDeleted: true });
  index.addItemsSync(data, undefined, { numThreads: 2 });
  for (let label = 0; label < COUNT; label += 2) index.markDelete(label);
  index.setEf(50);
  return index;
}

function recallAgainstLive(index: HierarchicalNSW): number {
  const exact = new BruteforceSearch('l2', DIM);
  exact.initIndex(COUNT);
  for (let label = 1; label < COUNT; label += 2) exact.addPoint(row(data, label), label);
  let hits = 0;
  for (let q = 0; q < 100; q++) {
    const want = new Set(exact.searchKnn(row(queries, q), 10).neighbors);
    for (const label of index.searchKnn(row(queries, q), 10).neighbors) if (want.has(label)) hits++;
  }
  return hits / 1000;
}

describe('compactSync', () => {
  it.each(['f32', 'f16', 'i8'] as const)('keeps the live elements of an %s index with their own vectors and settings', (precision) => {
    const index = halfDeleted(precision);
    const before = new Map(range(0, 20).map((i) => [2 * i + 1, index.getPoint(2 * i + 1)]));
    index.compactSync({ numThreads: 2 });
    expect(index.getCurrentCount()).toBe(COUNT / 2);
    expect(index.getDeletedCount()).toBe(0);
    expect(index.getMaxElements()).toBe(COUNT + 500);
    expect([index.getEf(), index.getM(), index.getEfConstruction()]).toEqual([50, 8, 64]);
    expect(index.getPrecision()).toBe(precision);
    expect(index.getLabels().sort((a, b) => a - b)).toEqual(range(0, COUNT / 2).map((i) => 2 * i + 1));
    // The stored vectors are copied as they are: not rounded to f16 or i8 a second time.
    for (const [label, vector] of before) expect(index.getPoint(label)).toEqual(vector);
    expect(() => index.getPoint(0)).toThrow('Label not found');
    expect(recallAgainstLive(index)).toBeGreaterThan(0.95);
    // It stays an ordinary index: adds, deletes and saves work, and the file loads again.
    index.addPoint(row(data, 0), 0);
    index.markDelete(1);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-compact-')), 'index.bin');
    index.writeIndexSync(file);
    const loaded = new HierarchicalNSW('l2', DIM);
    loaded.readIndexSync(file);
    expect(loaded.getCurrentCount()).toBe(COUNT / 2 + 1);
    expect(loaded.searchKnn(row(queries, 0), 10)).toEqual(index.searchKnn(row(queries, 0), 10));
  });

  it('reports progress up to the live count, and does nothing without deleted elements', () => {
    const index = halfDeleted();
    const calls: [number, number][] = [];
    index.compactSync({ numThreads: 1, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([COUNT / 2, COUNT / 2]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
    const again: [number, number][] = [];
    const answer = index.searchKnn(row(queries, 0), 10);
    index.compactSync({ onProgress: (done, total) => again.push([done, total]) });
    expect(again).toEqual([[COUNT / 2, COUNT / 2]]);
    expect(index.searchKnn(row(queries, 0), 10)).toEqual(answer);
  });

  it('leaves the index as it was when onProgress throws or adds to it', () => {
    // Large enough that the copy takes several progress intervals.
    const big = randomVectors(40_000, DIM, 74);
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex({ maxElements: 40_000, m: 16, efConstruction: 100 });
    index.addItemsSync(big, undefined, { numThreads: 2 });
    for (let label = 0; label < 40_000; label += 2) index.markDelete(label);
    const boom = new Error('stop here');
    let calls = 0;
    expect(() =>
      index.compactSync({
        numThreads: 1,
        onProgress: (done, total) => {
          calls++;
          if (done < total) throw boom;
        },
      }),
    ).toThrow(boom);
    expect(calls).toBe(1);
    expect([index.getCurrentCount(), index.getDeletedCount()]).toEqual([40_000, 20_000]);
    let refused: unknown;
    index.compactSync({
      numThreads: 1,
      onProgress: (done, total) => {
        if (done < total && refused === undefined) {
          try {
            index.addPoint(row(big, 0), 99999);
          } catch (err) {
            refused = err;
          }
        }
      },
    });
    expect(refused).toMatchObject({ code: 'ERR_INDEX_BUSY', message: 'Hnswlib Error: cannot addPoint while compact() is running on this index; await it first' });
    expect([index.getCurrentCount(), index.getDeletedCount()]).toEqual([20_000, 0]);
  });
});

describe('compact', () => {
  it('answers searches from the old graph while it copies, refuses adds and deletes, then swaps in', async () => {
    const index = halfDeleted();
    const plain = index.searchKnn(row(queries, 1), 5);
    const job = index.compact({ numThreads: 1 });
    // Checked before anything is awaited, so certainly while the copy runs.
    expect(index.searchKnn(row(queries, 1), 5)).toEqual(plain);
    expect(() => index.addPoint(row(data, 0), 5000)).toThrow(expect.objectContaining({ code: 'ERR_INDEX_BUSY' }));
    expect(() => index.markDelete(1)).toThrow(expect.objectContaining({ code: 'ERR_INDEX_BUSY' }));
    expect(() => index.resizeIndex(10000)).toThrow(expect.objectContaining({ code: 'ERR_INDEX_BUSY' }));
    const adding = index.addItems([row(data, 0)], [5001]);
    const searching = index.searchKnnBatch(queries, 5, { numThreads: 1 });
    index.setEf(33);
    await expect(adding).rejects.toMatchObject({ code: 'ERR_INDEX_BUSY' });
    expect((await searching).count).toBe(100);
    await job;
    expect([index.getCurrentCount(), index.getDeletedCount(), index.getEf()]).toEqual([COUNT / 2, 0, 33]);
    expect(recallAgainstLive(index)).toBeGreaterThan(0.95);
    index.addPoint(row(data, 0), 5000);
    expect(index.getCurrentCount()).toBe(COUNT / 2 + 1);
  });

  it('stops on an AbortSignal, the index unchanged', async () => {
    const index = halfDeleted();
    const controller = new AbortController();
    const job = index.compact({ numThreads: 1, signal: controller.signal });
    controller.abort(new Error('no time'));
    await expect(job).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: new Error('no time') });
    expect([index.getCurrentCount(), index.getDeletedCount()]).toEqual([COUNT, COUNT / 2]);
    await expect(index.compact({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    index.markDelete(1);
    expect(index.getDeletedCount()).toBe(COUNT / 2 + 1);
  });

  it('refuses while other jobs run, before initIndex, after close, and on a mapped index', async () => {
    const index = halfDeleted();
    const adding = index.addItems(randomVectors(200, DIM, 73), undefined, { numThreads: 1 });
    await expect(index.compact()).rejects.toMatchObject({ code: 'ERR_INDEX_BUSY' });
    await adding;
    await expect(new HierarchicalNSW('l2', DIM).compact()).rejects.toThrow('Search index has not been initialized');
    expect(() => new HierarchicalNSW('l2', DIM).compactSync()).toThrow('Search index has not been initialized');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-compact-')), 'index.bin');
    index.writeIndexSync(file);
    const mapped = new HierarchicalNSW('l2', DIM);
    mapped.readIndexSync(file, { mmap: true });
    expect(() => mapped.compactSync()).toThrow(expect.objectContaining({ code: 'ERR_READ_ONLY' }));
    mapped.close();
    index.close();
    await expect(index.compact()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('settles normally when the index is closed while it copies', async () => {
    const index = halfDeleted();
    const job = index.compact({ numThreads: 1 });
    index.close();
    await expect(job).resolves.toBeUndefined();
    expect(() => index.getCurrentCount()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });
});
