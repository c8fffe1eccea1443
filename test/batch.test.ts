// Batch insert and batch search (issue 3): addItems / searchKnnBatch and their Sync twins, toBuffer / fromBuffer,
// progress and abort, on HierarchicalNSW and BruteforceSearch. Batch answers are held against per-query searchKnn
// and brute force, and every argument error against its class and message.

import * as fs from 'fs';
import * as util from 'util';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { expectThrow, loose, sorted, useTempDir } from './fixtures/expect-error';
import {
  answers,
  expectError,
  expectFailure,
  expectSyncFailure,
  expectWellFormed,
  failureOf,
  randomVectors,
  range,
  rowOf,
  toNumberRows,
} from './helpers/batch';
import { loadFashionMnist } from '../bench/fashion-mnist';
import { bruteForceKnn, recallAtK } from './helpers/ground-truth';
import { describeWith, fashionMnist } from './helpers/prerequisites';

type Space = 'l2' | 'ip' | 'cosine';
type Mode = 'async' | 'sync';

const SPACES: Space[] = ['l2', 'ip', 'cosine'];
const MODES: Mode[] = ['async', 'sync'];
const NOT_INITIALIZED = 'Search index has not been initialized, call `initIndex` in advance.';
const LABEL_RANGE = 'an integer between 0 and 9007199254740991';

type AddArgs = Parameters<HierarchicalNSW['addItemsSync']>;
type SearchArgs = Parameters<HierarchicalNSW['searchKnnBatchSync']>;
type BfAddArgs = Parameters<BruteforceSearch['addItemsSync']>;
type BfSearchArgs = Parameters<BruteforceSearch['searchKnnBatchSync']>;
type BatchResult = ReturnType<HierarchicalNSW['searchKnnBatchSync']>;

/** addItems or addItemsSync, as a Promise either way. */
function addVia(mode: Mode, index: HierarchicalNSW, ...args: AddArgs): Promise<Float64Array> {
  return mode === 'sync' ? Promise.resolve(index.addItemsSync(...args)) : index.addItems(...args);
}

function searchVia(mode: Mode, index: HierarchicalNSW, ...args: SearchArgs): Promise<BatchResult> {
  return mode === 'sync' ? Promise.resolve(index.searchKnnBatchSync(...args)) : index.searchKnnBatch(...args);
}

function bfAddVia(mode: Mode, index: BruteforceSearch, ...args: BfAddArgs): Promise<Float64Array> {
  return mode === 'sync' ? Promise.resolve(index.addItemsSync(...args)) : index.addItems(...args);
}

function bfSearchVia(mode: Mode, index: BruteforceSearch, ...args: BfSearchArgs): Promise<BatchResult> {
  return mode === 'sync' ? Promise.resolve(index.searchKnnBatchSync(...args)) : index.searchKnnBatch(...args);
}

function hnsw(space: Space, dim: number, maxElements: number, allowReplaceDeleted = false): HierarchicalNSW {
  const index = new HierarchicalNSW(space, dim);
  index.initIndex(maxElements, 16, 100, 100, allowReplaceDeleted);
  return index;
}

/** An index holding `count` seeded rows under labels 0..count-1, inserted with addPoint. */
function filledHnsw(space: Space, dim: number, count: number, seed: number, maxElements = count): HierarchicalNSW {
  const index = hnsw(space, dim, maxElements);
  const data = randomVectors(count, dim, seed);
  for (let i = 0; i < count; i++) index.addPoint(rowOf(data, i, dim), i);
  return index;
}

/** Per-query searchKnn answers for every row of `queries`. */
function singleAnswers(
  index: { searchKnn(q: Float32Array, k: number, filter?: (label: number) => boolean): { neighbors: number[]; distances: number[] } },
  queries: Float32Array,
  dim: number,
  k: number,
  filter?: (label: number) => boolean,
): { neighbors: number[]; distances: number[] }[] {
  const out = [];
  for (let q = 0; q < queries.length / dim; q++) {
    const { neighbors, distances } = index.searchKnn(rowOf(queries, q, dim), k, filter);
    out.push({ neighbors, distances });
  }
  return out;
}

function labelsOf(result: Float64Array): number[] {
  return Array.from(result);
}

function isFloat64(value: unknown): boolean {
  return util.types.isFloat64Array(value);
}

/** Node's AbortError shape (it is not a class of its own in every realm, so name and code are what count). */
function expectAbortError(err: unknown): void {
  const { name, code } = err as { name?: unknown; code?: unknown };
  expect({ name, code }).toEqual({ name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * What an aborted batch over labels 0..N-1 (label = row) may leave: labels in row order, and every row below the last
 * one inserted is there except at most one per other thread. Rows leave a shared cursor in row order, so the only
 * holes are rows another thread had taken but not yet started when the abort came; rows in progress finish.
 */
function expectStoppedInRowOrder(inserted: number[], numThreads: number): void {
  expect(inserted).toEqual(sorted(inserted));
  expect(new Set(inserted).size).toBe(inserted.length);
  const last = inserted.length === 0 ? -1 : inserted[inserted.length - 1];
  const holes = last + 1 - inserted.length;
  expect(holes).toBeGreaterThanOrEqual(0);
  expect(holes).toBeLessThanOrEqual(numThreads - 1);
}

function insertedLabelsOf(err: unknown): number[] {
  const inserted = (err as { insertedLabels?: unknown }).insertedLabels;
  expect(isFloat64(inserted)).toBe(true);
  return Array.from(inserted as Float64Array);
}

describe('HierarchicalNSW', () => {
  const tmp = useTempDir();

  describe.each(MODES)('#addItems (%s)', (mode) => {
    const DIM = 8;

    it('inserts a flat Float32Array under the given labels and returns them', async () => {
      const index = hnsw('l2', DIM, 50);
      const data = randomVectors(5, DIM, 1);
      const labels = await addVia(mode, index, data, [10, 3, 7, 100, 42]);
      expect(isFloat64(labels)).toBe(true);
      expect(labelsOf(labels)).toEqual([10, 3, 7, 100, 42]);
      expect(index.getCurrentCount()).toBe(5);
      expect(sorted(index.getIdsList())).toEqual([3, 7, 10, 42, 100]);
      [10, 3, 7, 100, 42].forEach((label, i) => expect(index.getPoint(label)).toEqual(Array.from(rowOf(data, i, DIM))));
    });

    it('inserts an array of number[] rows', async () => {
      const index = hnsw('l2', DIM, 50);
      const rows = toNumberRows(randomVectors(4, DIM, 2), DIM);
      expect(labelsOf(await addVia(mode, index, rows, [0, 1, 2, 3]))).toEqual([0, 1, 2, 3]);
      rows.forEach((row, i) => expect(index.getPoint(i)).toEqual(Array.from(new Float32Array(row))));
    });

    it('inserts an array of Float32Array rows, honouring each view\'s byteOffset', async () => {
      const index = hnsw('l2', DIM, 50);
      const backing = randomVectors(7, DIM, 3);
      // Views into one buffer, out of order and not starting at its beginning.
      const rows = [rowOf(backing, 5, DIM), rowOf(backing, 1, DIM), rowOf(backing, 6, DIM)];
      expect(labelsOf(await addVia(mode, index, rows, [0, 1, 2]))).toEqual([0, 1, 2]);
      rows.forEach((row, i) => expect(index.getPoint(i)).toEqual(Array.from(row)));
    });

    it('takes a flat Float32Array that is a view with a byteOffset', async () => {
      const index = hnsw('l2', DIM, 50);
      const backing = randomVectors(6, DIM, 4);
      const view = backing.subarray(2 * DIM, 5 * DIM);
      await addVia(mode, index, view, [0, 1, 2]);
      for (let i = 0; i < 3; i++) expect(index.getPoint(i)).toEqual(Array.from(rowOf(backing, i + 2, DIM)));
    });

    it('stores the same vectors and finds the same neighbours as addPoint one by one', async () => {
      const data = randomVectors(60, DIM, 5);
      const one = hnsw('cosine', DIM, 60);
      for (let i = 0; i < 60; i++) one.addPoint(rowOf(data, i, DIM), i);
      const batch = hnsw('cosine', DIM, 60);
      await addVia(mode, batch, data, range(0, 60), { numThreads: 1 });
      for (let i = 0; i < 60; i += 7) expect(batch.getPoint(i)).toEqual(one.getPoint(i));
      // Self-queries: each row is its own nearest neighbour at distance ~0.
      for (let i = 0; i < 60; i++) {
        const { neighbors, distances } = batch.searchKnn(rowOf(data, i, DIM), 1);
        expect(neighbors).toEqual([i]);
        expect(distances[0]).toBeCloseTo(0, 5);
      }
    });

    it('accepts labels as number[], Float64Array, Uint32Array and Int32Array', async () => {
      const data = randomVectors(3, DIM, 6);
      for (const labels of [[4, 5, 6], new Float64Array([4, 5, 6]), new Uint32Array([4, 5, 6]), new Int32Array([4, 5, 6])]) {
        const index = hnsw('l2', DIM, 10);
        expect(labelsOf(await addVia(mode, index, data, labels))).toEqual([4, 5, 6]);
        expect(sorted(index.getIdsList())).toEqual([4, 5, 6]);
      }
    });

    it('takes labels up to Number.MAX_SAFE_INTEGER, beyond 2^32', async () => {
      const index = hnsw('l2', DIM, 10);
      const labels = [2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
      expect(labelsOf(await addVia(mode, index, randomVectors(3, DIM, 7), new Float64Array(labels)))).toEqual(labels);
      expect(sorted(index.getIdsList())).toEqual(labels);
    });

    it('numbers the rows from getCurrentCount() when labels are omitted', async () => {
      const index = hnsw('l2', DIM, 20);
      index.addPoint(randomVectors(1, DIM, 8), 10);
      index.addPoint(randomVectors(1, DIM, 9), 11);
      index.markDelete(11);
      // Deleted elements still count, as in Python hnswlib.
      expect(labelsOf(await addVia(mode, index, randomVectors(3, DIM, 10)))).toEqual([2, 3, 4]);
      expect(labelsOf(await addVia(mode, index, randomVectors(2, DIM, 11), undefined, { numThreads: 2 }))).toEqual([5, 6]);
      expect(sorted(index.getIdsList())).toEqual([2, 3, 4, 5, 6, 10, 11]);
    });

    it('returns an empty Float64Array for an empty batch and inserts nothing', async () => {
      const index = hnsw('l2', DIM, 5);
      index.addPoint(randomVectors(1, DIM, 12), 0);
      const labels = await addVia(mode, index, []);
      expect(isFloat64(labels)).toBe(true);
      expect(labels.length).toBe(0);
      expect(labelsOf(await addVia(mode, index, [], []))).toEqual([]);
      expect(index.getCurrentCount()).toBe(1);
    });

    it('updates the vectors of existing labels without changing the count', async () => {
      const index = hnsw('l2', DIM, 4);
      const before = randomVectors(4, DIM, 13);
      await addVia(mode, index, before, [0, 1, 2, 3]);
      const after = randomVectors(2, DIM, 14);
      // The index is full: updates need no free slot.
      expect(labelsOf(await addVia(mode, index, after, [2, 0]))).toEqual([2, 0]);
      expect(index.getCurrentCount()).toBe(4);
      expect(index.getPoint(2)).toEqual(Array.from(rowOf(after, 0, DIM)));
      expect(index.getPoint(0)).toEqual(Array.from(rowOf(after, 1, DIM)));
      expect(index.getPoint(1)).toEqual(Array.from(rowOf(before, 1, DIM)));
      expect(index.searchKnn(rowOf(after, 1, DIM), 1).neighbors).toEqual([0]);
    });

    it('undeletes a deleted label it updates when replacement is off, as addPoint does', async () => {
      const index = hnsw('l2', DIM, 4);
      await addVia(mode, index, randomVectors(3, DIM, 15), [0, 1, 2]);
      index.markDelete(1);
      const v = randomVectors(1, DIM, 16);
      await addVia(mode, index, v, [1]);
      expect(index.getDeletedCount()).toBe(0);
      expect(index.getPoint(1)).toEqual(Array.from(v));
    });

    it('reuses the slots of deleted elements with replaceDeleted, even in a full index', async () => {
      const index = hnsw('l2', DIM, 5, true);
      await addVia(mode, index, randomVectors(5, DIM, 17), [0, 1, 2, 3, 4]);
      index.markDelete(1);
      index.markDelete(3);
      const fresh = randomVectors(2, DIM, 18);
      expect(labelsOf(await addVia(mode, index, fresh, [20, 21], { replaceDeleted: true }))).toEqual([20, 21]);
      expect(index.getCurrentCount()).toBe(5);
      expect(sorted(index.getIdsList())).toEqual([0, 2, 4, 20, 21]);
      expect(index.getDeletedCount()).toBe(0);
      expect(index.getPoint(21)).toEqual(Array.from(rowOf(fresh, 1, DIM)));
    });

    it('counts deleted slots as free in the capacity check of a replaceDeleted batch', async () => {
      const index = hnsw('l2', DIM, 5, true);
      await addVia(mode, index, randomVectors(5, DIM, 19), [0, 1, 2, 3, 4]);
      index.markDelete(0);
      index.markDelete(1);
      const err = await failureOf(() => addVia(mode, index, randomVectors(3, DIM, 20), [7, 8, 9], { replaceDeleted: true }));
      expectError(
        err,
        'Error',
        'Hnswlib Error: The number of elements exceeds the specified limit (capacity 5, current count 5, batch adds 3 new labels)',
        'ERR_INDEX_FULL',
      );
      // Checked before anything was inserted.
      expect(sorted(index.getIdsList())).toEqual([0, 1, 2, 3, 4]);
      expect(index.getDeletedCount()).toBe(2);
    });

    it('throws "Replacement of deleted elements is disabled" for replaceDeleted without the option', async () => {
      const index = hnsw('l2', DIM, 10);
      await addVia(mode, index, randomVectors(2, DIM, 21), [0, 1]);
      index.markDelete(0);
      const err = await failureOf(() =>
        addVia(mode, index, randomVectors(2, DIM, 22), [5, 6], { replaceDeleted: true, numThreads: 1 }),
      );
      expectError(err, 'Error', 'Hnswlib Error: Replacement of deleted elements is disabled in constructor');
      expect(sorted(index.getIdsList())).toEqual([0, 1]);
    });

    it('stops at a row that fails, and the error lists the labels that were inserted', async () => {
      // With replacement enabled, re-adding a deleted label without replaceDeleted fails (as addPoint does).
      const index = hnsw('l2', DIM, 20, true);
      await addVia(mode, index, randomVectors(4, DIM, 23), [0, 1, 2, 3]);
      index.markDelete(2);
      const batchLabels = [10, 11, 12, 2, 13, 14];
      const err = await failureOf(() => addVia(mode, index, randomVectors(6, DIM, 24), batchLabels, { numThreads: 1 }));
      expectError(
        err,
        'Error',
        "Hnswlib Error: Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.",
      );
      const inserted = insertedLabelsOf(err);
      const added = sorted(index.getIdsList()).filter((l) => l >= 10);
      // What the error reports is exactly what the index holds from this batch, in row order, and no row after the
      // failing one started on the single thread.
      expect(sorted(inserted)).toEqual(added);
      expect(inserted).toEqual(batchLabels.filter((l) => inserted.includes(l)));
      expect(inserted).not.toContain(13);
      expect(inserted).not.toContain(14);
      expect(index.getDeletedCount()).toBe(1);
    });

    it('gives the same answers with 1, 2 and more threads than rows', async () => {
      const data = randomVectors(40, DIM, 25);
      const results: number[][] = [];
      for (const numThreads of [1, 2, 64]) {
        const index = hnsw('l2', DIM, 40);
        expect(labelsOf(await addVia(mode, index, data, range(0, 40), { numThreads }))).toEqual(range(0, 40));
        expect(sorted(index.getIdsList())).toEqual(range(0, 40));
        index.setEf(100);
        results.push(range(0, 40).map((i) => index.searchKnn(rowOf(data, i, DIM), 1).neighbors[0]));
      }
      for (const r of results) expect(r).toEqual(range(0, 40));
    });

    it('ignores unknown option keys', async () => {
      const index = hnsw('l2', DIM, 5);
      const options = { numThreads: 1, colour: 'blue' } as unknown as AddArgs[2];
      expect(labelsOf(await addVia(mode, index, randomVectors(2, DIM, 26), [0, 1], options))).toEqual([0, 1]);
    });
  });

  describe('#addItems / #addItemsSync argument errors', () => {
    const DIM = 4;
    const filled = (): HierarchicalNSW => {
      const index = hnsw('l2', DIM, 10);
      index.addPoint([1, 1, 1, 1], 0);
      return index;
    };

    /** Runs a bad call in both forms, checks the error, and that nothing was inserted. */
    async function expectBoth(
      build: () => HierarchicalNSW,
      args: unknown[],
      cls: 'Error' | 'TypeError' | 'RangeError',
      message: string | RegExp,
      code?: string,
    ): Promise<void> {
      for (const method of ['addItems', 'addItemsSync'] as const) {
        const index = build();
        const before = sorted(index.getIdsList());
        if (method === 'addItemsSync') expectSyncFailure(() => loose(index).addItemsSync(...args), cls, message, code);
        else await expectFailure(() => loose(index).addItems(...args), cls, message, code);
        expect(sorted(index.getIdsList())).toEqual(before);
      }
    }

    it('throws a RangeError if a flat Float32Array is not a multiple of the dimension long', async () => {
      const build = (): HierarchicalNSW => hnsw('l2', 784, 10);
      await expectBoth(
        build,
        [new Float32Array(1000)],
        'RangeError',
        'Expected `vectors` to have a length that is a multiple of 784 but received 1000',
      );
      await expectBoth(
        build,
        [new Float32Array(783), [0]],
        'RangeError',
        'Expected `vectors` to have a length that is a multiple of 784 but received 783',
      );
    });

    it('throws a TypeError if vectors is neither a Float32Array nor an array', async () => {
      for (const [bad, shown] of [
        ['abc', 'string'],
        [null, 'null'],
        [undefined, 'undefined'],
        [new Float64Array(4), 'an instance of Float64Array'],
        [42, 'number'],
      ] as const) {
        await expectBoth(
          filled,
          [bad],
          'TypeError',
          `Expected \`vectors\` to be a Float32Array or an array of vectors but received ${shown}`,
        );
      }
    });

    it('throws a RangeError naming the row whose length is wrong', async () => {
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], [1, 2, 3]]],
        'RangeError',
        'Expected `vectors[1]` to have 4 elements but received 3',
      );
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], [1, 2, 3, 4], new Float32Array(5)]],
        'RangeError',
        'Expected `vectors[2]` to have 4 elements but received 5',
      );
    });

    it('throws a TypeError naming a row that is not a number[] or Float32Array', async () => {
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], new Float64Array(4)]],
        'TypeError',
        'Expected `vectors[1]` to be a number[] or a Float32Array but received an instance of Float64Array',
      );
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], [1, 2, 3, 4], 'row']],
        'TypeError',
        'Expected `vectors[2]` to be a number[] or a Float32Array but received string',
      );
    });

    it('throws a TypeError naming the element that is not a number', async () => {
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], [1, 2, '3', 4]]],
        'TypeError',
        'Expected `vectors[1][2]` to be a number but received string',
      );
      await expectBoth(
        filled,
        [[[null, 2, 3, 4]]],
        'TypeError',
        'Expected `vectors[0][0]` to be a number but received null',
      );
    });

    it('throws a RangeError naming the row and column of NaN or an infinity', async () => {
      for (const [bad, shown] of [
        [NaN, 'NaN'],
        [Infinity, 'Infinity'],
        [-Infinity, '-Infinity'],
      ] as const) {
        await expectBoth(
          filled,
          [[[1, 2, 3, 4], [1, 2, 3, bad]]],
          'RangeError',
          `Expected \`vectors[1][3]\` to be a finite number but received ${shown}`,
        );
        await expectBoth(
          filled,
          [[new Float32Array([0, bad, 0, 0])]],
          'RangeError',
          `Expected \`vectors[0][1]\` to be a finite number but received ${shown}`,
        );
        // In a flat array the index is split into row and column: element 6 is row 1, column 2.
        const flat = new Float32Array(12);
        flat[6] = bad;
        await expectBoth(
          filled,
          [flat],
          'RangeError',
          `Expected \`vectors[1][2]\` to be a finite number but received ${shown}`,
        );
      }
    });

    it('throws a RangeError for a number beyond the float32 range', async () => {
      await expectBoth(
        filled,
        [[[1, 1e39, 3, 4]]],
        'RangeError',
        'Expected `vectors[0][1]` to be a number within the float32 range (±3.4028234663852886e+38) but received 1e+39',
      );
    });

    it('throws a RangeError if there are not as many labels as rows', async () => {
      await expectBoth(
        filled,
        [new Float32Array(12), [1, 2]],
        'RangeError',
        'Expected `labels` to have 3 elements but received 2',
      );
      await expectBoth(
        filled,
        [[[1, 2, 3, 4], [5, 6, 7, 8]], new Uint32Array([1, 2, 3])],
        'RangeError',
        'Expected `labels` to have 2 elements but received 3',
      );
    });

    it('throws a TypeError if labels is not an array or an accepted typed array', async () => {
      for (const [bad, shown] of [
        ['12', 'string'],
        [new Set([1]), 'an instance of Set'],
        [new Float32Array(1), 'an instance of Float32Array'],
        [null, 'null'],
      ] as const) {
        await expectBoth(
          filled,
          [[[1, 2, 3, 4]], bad],
          'TypeError',
          `Expected \`labels\` to be an array of labels, a Float64Array, a Uint32Array or an Int32Array but received ${shown}`,
        );
      }
    });

    it('throws a RangeError naming a label that is negative, fractional, NaN or beyond 2^53-1', async () => {
      for (const [bad, shown] of [
        [-1, '-1'],
        [1.5, '1.5'],
        [NaN, 'NaN'],
        [2 ** 53, '9007199254740992'],
      ] as const) {
        await expectBoth(
          filled,
          [new Float32Array(8), [5, bad]],
          'RangeError',
          `Expected \`labels[1]\` to be ${LABEL_RANGE} but received ${shown}`,
        );
      }
      await expectBoth(
        filled,
        [new Float32Array(8), new Int32Array([5, -3])],
        'RangeError',
        `Expected \`labels[1]\` to be ${LABEL_RANGE} but received -3`,
      );
    });

    it('throws a TypeError naming a label that is not a number', async () => {
      await expectBoth(
        filled,
        [new Float32Array(8), [5, '6']],
        'TypeError',
        'Expected `labels[1]` to be a number but received string',
      );
    });

    it('throws a RangeError for a label given twice in one batch', async () => {
      await expectBoth(
        filled,
        [new Float32Array(16), [7, 1, 7, 2]],
        'RangeError',
        'Expected `labels` to hold distinct labels but received 7 twice',
      );
      await expectBoth(
        filled,
        [new Float32Array(12), new Float64Array([3, 3, 3])],
        'RangeError',
        'Expected `labels` to hold distinct labels but received 3 twice',
      );
    });

    it('throws ERR_INDEX_FULL, counting only the new labels, before inserting anything', async () => {
      const eight = (): HierarchicalNSW => {
        const index = hnsw('l2', DIM, 10);
        for (let i = 0; i < 8; i++) index.addPoint([i, 0, 0, 0], i);
        return index;
      };
      await expectBoth(
        eight,
        [new Float32Array(5 * DIM), range(100, 5)],
        'Error',
        'Hnswlib Error: The number of elements exceeds the specified limit (capacity 10, current count 8, batch adds 5 new labels)',
        'ERR_INDEX_FULL',
      );
      // Two updates and three new labels: 3 > 2 free slots.
      await expectBoth(
        eight,
        [new Float32Array(5 * DIM), [0, 1, 100, 101, 102]],
        'Error',
        'Hnswlib Error: The number of elements exceeds the specified limit (capacity 10, current count 8, batch adds 3 new labels)',
        'ERR_INDEX_FULL',
      );
      // Default labels 8, 9, 10 are all new.
      await expectBoth(
        eight,
        [new Float32Array(3 * DIM)],
        'Error',
        'Hnswlib Error: The number of elements exceeds the specified limit (capacity 10, current count 8, batch adds 3 new labels)',
        'ERR_INDEX_FULL',
      );
      // Two updates and two new labels fit.
      const index = eight();
      expect(labelsOf(index.addItemsSync(new Float32Array(4 * DIM), [0, 1, 100, 101]))).toEqual([0, 1, 100, 101]);
      expect(index.getCurrentCount()).toBe(10);
    });

    it('throws a RangeError if numThreads is not an integer >= 1', async () => {
      for (const [bad, shown] of [
        [0, '0'],
        [1.5, '1.5'],
        [-2, '-2'],
        [NaN, 'NaN'],
      ] as const) {
        await expectBoth(
          filled,
          [new Float32Array(4), [3], { numThreads: bad }],
          'RangeError',
          `Expected \`numThreads\` to be an integer between 1 and 9007199254740991 but received ${shown}`,
        );
      }
    });

    it('throws a TypeError if numThreads is not a number', async () => {
      await expectBoth(
        filled,
        [new Float32Array(4), [3], { numThreads: '2' }],
        'TypeError',
        'Expected `numThreads` to be a number but received string',
      );
    });

    it('throws a TypeError if onProgress is not a function', async () => {
      for (const [bad, shown] of [
        ['progress', 'string'],
        [{}, 'an object'],
        [null, 'null'],
      ] as const) {
        await expectBoth(
          filled,
          [new Float32Array(4), [3], { onProgress: bad }],
          'TypeError',
          `Expected \`onProgress\` to be a function but received ${shown}`,
        );
      }
    });

    it('throws a TypeError if signal is not an AbortSignal', async () => {
      for (const [bad, shown] of [
        [{}, 'an object'],
        [{ aborted: 'no', addEventListener: () => undefined }, 'an object'],
        [{ aborted: false }, 'an object'],
        [true, 'boolean'],
        [null, 'null'],
      ] as const) {
        await expectBoth(
          filled,
          [new Float32Array(4), [3], { signal: bad }],
          'TypeError',
          `Expected \`signal\` to be an AbortSignal but received ${shown}`,
        );
      }
    });

    it('throws a TypeError if options is not an object, or replaceDeleted not a boolean', async () => {
      await expectBoth(
        filled,
        [new Float32Array(4), [3], 'fast'],
        'TypeError',
        'Expected `options` to be an object but received string',
      );
      await expectBoth(
        filled,
        [new Float32Array(4), [3], { replaceDeleted: 1 }],
        'TypeError',
        'Expected `replaceDeleted` to be a boolean but received number',
      );
    });

    it('accepts a duck-typed signal (an `aborted` boolean and addEventListener)', async () => {
      const index = filled();
      const signal = { aborted: false, addEventListener: () => undefined, removeEventListener: () => undefined };
      expect(labelsOf(await loose(index).addItems(new Float32Array(4), [3], { signal }))).toEqual([3]);
    });

    it('throws the "not been initialized" Error before initIndex; the Promise form rejects', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      expectSyncFailure(
        () => index.addItemsSync(new Float32Array(4), [0]),
        'Error',
        NOT_INITIALIZED,
        'ERR_NOT_INITIALIZED',
      );
      const promise = (() => {
        try {
          return index.addItems(new Float32Array(4), [0]);
        } catch (err) {
          return err;
        }
      })();
      // Not a synchronous throw: a Promise that rejects.
      expect(typeof (promise as Promise<unknown>).then).toBe('function');
      await expectFailure(() => promise, 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
    });
  });

  describe('#addItems progress and abort', () => {
    const DIM = 32;
    const N = 20_000;
    let data: Float32Array;

    beforeAll(() => {
      data = randomVectors(N, DIM, 99);
    });

    function bigIndex(): HierarchicalNSW {
      const index = new HierarchicalNSW('l2', DIM);
      index.initIndex(N, 16, 200, 100);
      return index;
    }

    it('reports progress with non-decreasing counts, ending exactly once with (total, total)', async () => {
      const index = bigIndex();
      const calls: [number, number][] = [];
      let settled = false;
      let callsAfterSettling = 0;
      const labels = await index
        .addItems(data.subarray(0, 8000 * DIM), undefined, {
          numThreads: 2,
          onProgress: (done, total) => {
            if (settled) callsAfterSettling++;
            calls.push([done, total]);
          },
        })
        .finally(() => {
          settled = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(callsAfterSettling).toBe(0);
      expect(labels.length).toBe(8000);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls[calls.length - 1]).toEqual([8000, 8000]);
      expect(calls.filter(([done]) => done === 8000)).toHaveLength(1);
      for (let i = 0; i < calls.length; i++) {
        expect(calls[i][1]).toBe(8000);
        expect(calls[i][0]).toBeGreaterThanOrEqual(i === 0 ? 0 : calls[i - 1][0]);
        expect(Number.isInteger(calls[i][0])).toBe(true);
      }
    });

    it('reports (total, total) once for a batch too small for an intermediate report', async () => {
      const index = bigIndex();
      const calls: [number, number][] = [];
      await index.addItems(data.subarray(0, 3 * DIM), [0, 1, 2], { onProgress: (done, total) => calls.push([done, total]) });
      expect(calls[calls.length - 1]).toEqual([3, 3]);
      expect(calls.filter(([done]) => done === 3)).toHaveLength(1);
    });

    it('rejects with an AbortError before starting if the signal is already aborted', async () => {
      const index = bigIndex();
      index.addPoint(rowOf(data, 0, DIM), 0);
      const controller = new AbortController();
      controller.abort();
      const progress: number[] = [];
      const err = await failureOf(() =>
        index.addItems(data.subarray(DIM, 101 * DIM), range(1, 100), {
          signal: controller.signal,
          onProgress: (done) => progress.push(done),
        }),
      );
      expectAbortError(err);
      expect(err).toHaveProperty('message');
      expect(index.getIdsList()).toEqual([0]);
      expect(progress.filter((done) => done > 0)).toEqual([]);
    });

    it('stops early when aborted from onProgress, keeps the inserted rows, and the index stays usable', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      let reports = 0;
      const err = await failureOf(() =>
        index.addItems(data, range(0, N), {
          numThreads: 2,
          signal: controller.signal,
          onProgress: () => {
            reports++;
            controller.abort();
          },
        }),
      );
      expect(reports).toBeGreaterThanOrEqual(1);
      expectAbortError(err);
      const inserted = insertedLabelsOf(err);
      expect(inserted.length).toBeLessThan(N);
      expectStoppedInRowOrder(inserted, 2);
      expect(sorted(index.getIdsList())).toEqual(inserted);
      expect(index.getCurrentCount()).toBe(inserted.length);

      // Usable: searches work, and the build continues with the rows that are missing.
      index.setEf(100);
      const probes = inserted.filter((_, i) => i % 53 === 0);
      const found = probes.filter((i) => index.searchKnn(rowOf(data, i, DIM), 1).neighbors[0] === i);
      expect(found.length).toBeGreaterThanOrEqual(Math.floor(0.9 * probes.length));
      const have = new Set(inserted);
      const missing = range(0, N).filter((label) => !have.has(label));
      const rows = new Float32Array(missing.length * DIM);
      missing.forEach((label, i) => rows.set(rowOf(data, label, DIM), i * DIM));
      const rest = await index.addItems(rows, missing, { numThreads: 2 });
      expect(labelsOf(rest)).toEqual(missing);
      expect(index.getCurrentCount()).toBe(N);
      index.setEf(50);
      let hits = 0;
      for (let i = 0; i < N; i += 97) if (index.searchKnn(rowOf(data, i, DIM), 1).neighbors[0] === i) hits++;
      expect(hits).toBeGreaterThanOrEqual(Math.floor((0.95 * N) / 97));
    }, 30_000);

    it('stops early when aborted from a timer', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30);
      const err = await failureOf(() => index.addItems(data, undefined, { numThreads: 2, signal: controller.signal }));
      clearTimeout(timer);
      expectAbortError(err);
      const inserted = insertedLabelsOf(err);
      expect(inserted.length).toBeLessThan(N);
      expectStoppedInRowOrder(inserted, 2);
      expect(sorted(index.getIdsList())).toEqual(inserted);
      const more = await index.addItems(rowOf(data, N - 1, DIM), [N - 1], { numThreads: 1 });
      expect(labelsOf(more)).toEqual([N - 1]);
      expect(index.getCurrentCount()).toBe(inserted.length + 1);
    }, 30_000);

    it('ignores an abort after the batch has finished', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      const labels = await index.addItems(data.subarray(0, 50 * DIM), undefined, { signal: controller.signal });
      controller.abort();
      expect(labels.length).toBe(50);
      expect(index.getCurrentCount()).toBe(50);
    });
  });

  describe.each(MODES)('#searchKnnBatch (%s)', (mode) => {
    const DIM = 12;

    describe.each(SPACES)('in the %s space', (space) => {
      const COUNT = 400;
      let index: HierarchicalNSW;
      let queries: Float32Array;

      beforeAll(() => {
        index = filledHnsw(space, DIM, COUNT, 31, COUNT + 10);
        queries = randomVectors(60, DIM, 32);
      });

      it('gives each query exactly what searchKnn gives at the index\'s ef', async () => {
        index.setEf(20);
        const expected = singleAnswers(index, queries, DIM, 10);
        for (const numThreads of [1, 2]) {
          const result = await searchVia(mode, index, queries, 10, { numThreads });
          expectWellFormed(result, 60, 10);
          expect(answers(result)).toEqual(expected);
          expect(Array.from(result.found)).toEqual(Array(60).fill(10));
        }
      });

      it('gives each query exactly what searchKnn gives at the ef passed as an option', async () => {
        index.setEf(64);
        const expected = singleAnswers(index, queries, DIM, 5);
        index.setEf(10);
        const result = await searchVia(mode, index, queries, 5, { ef: 64 });
        expect(answers(result)).toEqual(expected);
        // The option does not change the index's ef.
        expect(index.getEf()).toBe(10);
      });

      it('searches with max(ef, k), as searchKnn does', async () => {
        index.setEf(1);
        const expected = singleAnswers(index, queries, DIM, 15);
        index.setEf(10);
        expect(answers(await searchVia(mode, index, queries, 15, { ef: 1 }))).toEqual(expected);
      });

      it('takes the queries as number[] rows and as Float32Array rows with the same answers', async () => {
        index.setEf(10);
        const flat = await searchVia(mode, index, queries, 3);
        const numbers = await searchVia(mode, index, toNumberRows(queries, DIM), 3);
        const views = await searchVia(mode, index, Array.from({ length: 60 }, (_, q) => rowOf(queries, q, DIM)), 3);
        expect(answers(numbers)).toEqual(answers(flat));
        expect(answers(views)).toEqual(answers(flat));
      });

      it('skips deleted elements as searchKnn does', async () => {
        const local = filledHnsw(space, DIM, 100, 33, 100);
        for (let label = 0; label < 100; label += 3) local.markDelete(label);
        local.setEf(40);
        const expected = singleAnswers(local, queries, DIM, 8);
        const result = await searchVia(mode, local, queries, 8);
        expect(answers(result)).toEqual(expected);
        for (const { neighbors } of answers(result)) expect(neighbors.every((l) => l % 3 !== 0)).toBe(true);
      });
    });

    it('caps the stride at the element count when k exceeds it, and pads with -1 and Infinity what searchKnn does not find', async () => {
      const index = filledHnsw('l2', DIM, 5, 34, 50);
      index.markDelete(4);
      const queries = randomVectors(3, DIM, 35);
      const result = await searchVia(mode, index, queries, 8);
      // 5 elements, the deleted one included: no row can hold more.
      expectWellFormed(result, 3, 5);
      expect(Array.from(result.found)).toEqual([4, 4, 4]);
      expect(answers(result)).toEqual(singleAnswers(index, queries, DIM, 8));
      expect(Array.from(result.labels.subarray(4, 5))).toEqual([-1]);
      expect(Array.from(result.distances.subarray(4, 5))).toEqual([Infinity]);
    });

    it('accepts k above the capacity (searchKnn does not) and fills rows of the element count', async () => {
      const index = filledHnsw('l2', DIM, 5, 36, 5);
      const result = await searchVia(mode, index, randomVectors(2, DIM, 37), 100);
      expectWellFormed(result, 2, 5);
      expect(Array.from(result.found)).toEqual([5, 5]);
      expect(sorted(answers(result)[0].neighbors)).toEqual([0, 1, 2, 3, 4]);
    });

    it('returns a result with count 0 for an empty batch', async () => {
      const index = filledHnsw('l2', DIM, 5, 38, 5);
      const result = await searchVia(mode, index, [], 4);
      expectWellFormed(result, 0, 4);
    });

    it('returns found 0 for every query of an empty index, in rows of 1 slot', async () => {
      const index = hnsw('l2', DIM, 10);
      const result = await searchVia(mode, index, randomVectors(2, DIM, 39), 3);
      expectWellFormed(result, 2, 1);
      expect(Array.from(result.found)).toEqual([0, 0]);
    });
  });

  describe.each(MODES)('#searchKnnBatch with a native filter (%s)', (mode) => {
    const DIM = 6;
    const COUNT = 300;
    let index: HierarchicalNSW;
    let exact: BruteforceSearch;
    let queries: Float32Array;

    beforeAll(() => {
      const data = randomVectors(COUNT, DIM, 41);
      index = hnsw('l2', DIM, COUNT);
      exact = new BruteforceSearch('l2', DIM);
      exact.initIndex(COUNT);
      for (let i = 0; i < COUNT; i++) {
        index.addPoint(rowOf(data, i, DIM), i);
        exact.addPoint(rowOf(data, i, DIM), i);
      }
      // ef above the element count: the filtered search sees every element, so it is exact.
      index.setEf(COUNT + 50);
      queries = randomVectors(25, DIM, 42);
    });

    const ALLOWED = range(0, COUNT).filter((l) => l % 7 === 2 || l % 11 === 0);
    const allowSet = new Set(ALLOWED);

    it.each([
      ['number[]', () => ALLOWED],
      ['Float64Array', () => new Float64Array(ALLOWED)],
      ['Uint32Array', () => new Uint32Array(ALLOWED)],
      ['Int32Array', () => new Int32Array(ALLOWED)],
      ['Set', () => new Set(ALLOWED)],
    ])('returns only allowed labels, equal to brute force over the allowed set (allow as %s)', async (_name, list) => {
      const result = await searchVia(mode, index, queries, 10, { filter: { allow: list() } });
      const got = answers(result);
      const want = singleAnswers(exact, queries, DIM, 10, (label) => allowSet.has(label));
      for (let q = 0; q < got.length; q++) {
        expect(got[q].neighbors.every((l) => allowSet.has(l))).toBe(true);
        expect(got[q].neighbors).toEqual(want[q].neighbors);
        got[q].distances.forEach((d, i) => expect(d).toBeCloseTo(want[q].distances[i], 4));
      }
    });

    it('returns no denied label, equal to brute force over the rest', async () => {
      const denied = range(0, COUNT).filter((l) => l % 3 !== 0);
      const deniedSet = new Set(denied);
      const result = await searchVia(mode, index, queries, 10, { filter: { deny: new Uint32Array(denied) }, numThreads: 2 });
      const got = answers(result);
      const want = singleAnswers(exact, queries, DIM, 10, (label) => !deniedSet.has(label));
      for (let q = 0; q < got.length; q++) {
        expect(got[q].neighbors.some((l) => deniedSet.has(l))).toBe(false);
        expect(got[q].neighbors).toEqual(want[q].neighbors);
      }
    });

    it('equals searchKnn with the same filter as a JS function', async () => {
      index.setEf(30);
      try {
        const allow = range(0, COUNT).filter((l) => l % 2 === 0);
        const set = new Set(allow);
        const result = await searchVia(mode, index, queries, 7, { filter: { allow } });
        expect(answers(result)).toEqual(singleAnswers(index, queries, DIM, 7, (label) => set.has(label)));
      } finally {
        index.setEf(COUNT + 50);
      }
    });

    it('finds fewer than k when fewer labels are allowed, and pads the rest', async () => {
      const result = await searchVia(mode, index, queries, 5, { filter: { allow: [3, 9, 100000] } });
      expectWellFormed(result, 25, 5);
      expect(Array.from(result.found)).toEqual(Array(25).fill(2));
      for (const { neighbors } of answers(result)) expect(sorted(neighbors)).toEqual([3, 9]);
      const none = await searchVia(mode, index, queries, 5, { filter: { allow: [] } });
      expect(Array.from(none.found)).toEqual(Array(25).fill(0));
      const all = await searchVia(mode, index, queries, 5, { filter: { deny: [] } });
      expect(answers(all)).toEqual(answers(await searchVia(mode, index, queries, 5)));
    });
  });

  describe('#searchKnnBatch / #searchKnnBatchSync argument errors', () => {
    const DIM = 4;
    const filled = (): HierarchicalNSW => filledHnsw('l2', DIM, 10, 51, 20);
    const Q = new Float32Array(8);

    async function expectBoth(
      args: unknown[],
      cls: 'Error' | 'TypeError' | 'RangeError',
      message: string | RegExp,
      code?: string,
    ): Promise<void> {
      const index = filled();
      expectSyncFailure(() => loose(index).searchKnnBatchSync(...args), cls, message, code);
      await expectFailure(() => loose(index).searchKnnBatch(...args), cls, message, code);
    }

    it('throws a RangeError if k is not an integer from 1 to 2^53-1', async () => {
      for (const [bad, shown] of [
        [0, '0'],
        [-1, '-1'],
        [2.5, '2.5'],
        [NaN, 'NaN'],
        [2 ** 53, '9007199254740992'],
      ] as const) {
        await expectBoth(
          [Q, bad],
          'RangeError',
          `Expected \`k\` to be an integer between 1 and 9007199254740991 but received ${shown}`,
        );
      }
    });

    it('throws a TypeError if k is not a number', async () => {
      await expectBoth([Q, '3'], 'TypeError', 'Expected `k` to be a number but received string');
    });

    it('throws the vector errors, naming `queries`', async () => {
      await expectBoth(
        [new Float32Array(7), 1],
        'RangeError',
        'Expected `queries` to have a length that is a multiple of 4 but received 7',
      );
      await expectBoth(
        [[[1, 2, 3, 4], [1, 2]], 1],
        'RangeError',
        'Expected `queries[1]` to have 4 elements but received 2',
      );
      await expectBoth(
        [[[1, 2, 3, 4], [1, 2, NaN, 4]], 1],
        'RangeError',
        'Expected `queries[1][2]` to be a finite number but received NaN',
      );
      await expectBoth(
        [[[1, 2, 3, 'x']], 1],
        'TypeError',
        'Expected `queries[0][3]` to be a number but received string',
      );
      await expectBoth(
        ['abc', 1],
        'TypeError',
        'Expected `queries` to be a Float32Array or an array of vectors but received string',
      );
    });

    it('throws a RangeError if ef or numThreads is out of range', async () => {
      await expectBoth(
        [Q, 1, { ef: -1 }],
        'RangeError',
        'Expected `ef` to be an integer between 0 and 4294967295 but received -1',
      );
      await expectBoth(
        [Q, 1, { ef: 1.5 }],
        'RangeError',
        'Expected `ef` to be an integer between 0 and 4294967295 but received 1.5',
      );
      await expectBoth(
        [Q, 1, { numThreads: 0 }],
        'RangeError',
        'Expected `numThreads` to be an integer between 1 and 9007199254740991 but received 0',
      );
      await expectBoth(
        [Q, 1, { numThreads: 1.5 }],
        'RangeError',
        'Expected `numThreads` to be an integer between 1 and 9007199254740991 but received 1.5',
      );
    });

    it('throws a TypeError for a filter with both allow and deny, or neither', async () => {
      await expectBoth(
        [Q, 1, { filter: { allow: [1], deny: [2] } }],
        'TypeError',
        'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an object',
      );
      await expectBoth(
        [Q, 1, { filter: {} }],
        'TypeError',
        'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an object',
      );
      await expectBoth(
        [Q, 1, { filter: [1, 2] }],
        'TypeError',
        'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an array',
      );
      await expectBoth(
        [Q, 1, { filter: (label: number) => label > 0 }],
        'TypeError',
        'Expected `filter` to be an object with `allow` or `deny` but received a function',
      );
    });

    it('throws a TypeError if allow or deny is not a label list', async () => {
      await expectBoth(
        [Q, 1, { filter: { allow: 'abc' } }],
        'TypeError',
        'Expected `filter.allow` to be an array of labels, a Float64Array, a Uint32Array, an Int32Array or a Set but received string',
      );
      await expectBoth(
        [Q, 1, { filter: { deny: new Float32Array(2) } }],
        'TypeError',
        'Expected `filter.deny` to be an array of labels, a Float64Array, a Uint32Array, an Int32Array or a Set ' +
          'but received an instance of Float32Array',
      );
    });

    it('throws a RangeError for a filter label that is not an integer 0..2^53-1', async () => {
      await expectBoth(
        [Q, 1, { filter: { allow: [1, -1] } }],
        'RangeError',
        `Expected \`filter.allow[1]\` to be ${LABEL_RANGE} but received -1`,
      );
      await expectBoth(
        [Q, 1, { filter: { deny: new Float64Array([0.5]) } }],
        'RangeError',
        `Expected \`filter.deny[0]\` to be ${LABEL_RANGE} but received 0.5`,
      );
      await expectBoth(
        [Q, 1, { filter: { allow: new Set([2, 2 ** 53]) } }],
        'RangeError',
        `Expected \`filter.allow[1]\` to be ${LABEL_RANGE} but received 9007199254740992`,
      );
    });

    it('throws the "not been initialized" Error before initIndex; the Promise form rejects', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      expectSyncFailure(() => index.searchKnnBatchSync(Q, 1), 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
      let promise: unknown;
      expect(() => {
        promise = index.searchKnnBatch(Q, 1);
      }).not.toThrow();
      await expectFailure(() => promise, 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
    });
  });

  describe('#toBuffer / #fromBuffer', () => {
    const DIM = 5;

    function sample(): HierarchicalNSW {
      const index = filledHnsw('cosine', DIM, 30, 61, 45);
      index.markDelete(4);
      index.markDelete(17);
      index.setEf(33);
      return index;
    }

    it('returns exactly the bytes writeIndexSync writes (toBuffer and toBufferSync)', async () => {
      const index = sample();
      const file = tmp.path('hnsw-bytes.bin');
      index.writeIndexSync(file);
      const onDisk = fs.readFileSync(file);
      const asyncBytes = await index.toBuffer();
      const syncBytes = index.toBufferSync();
      expect(Buffer.isBuffer(asyncBytes)).toBe(true);
      expect(Buffer.isBuffer(syncBytes)).toBe(true);
      expect(asyncBytes.length).toBe(onDisk.length);
      expect(Buffer.compare(asyncBytes, onDisk)).toBe(0);
      expect(Buffer.compare(syncBytes, onDisk)).toBe(0);
    });

    it.each(MODES)('round-trips through toBuffer and fromBuffer (%s)', async (mode) => {
      const index = sample();
      const bytes = mode === 'sync' ? index.toBufferSync() : await index.toBuffer();
      const loaded = new HierarchicalNSW('cosine', DIM);
      if (mode === 'sync') loaded.fromBufferSync(bytes);
      else await loaded.fromBuffer(bytes);
      expect(loaded.getMaxElements()).toBe(45);
      expect(loaded.getCurrentCount()).toBe(30);
      expect(loaded.getDeletedCount()).toBe(2);
      expect(loaded.getEf()).toBe(10);
      expect(sorted(loaded.getIdsList())).toEqual(range(0, 30));
      expect(loaded.getPoint(29)).toEqual(index.getPoint(29));
      expectThrow(() => loaded.getPoint(17), 'Error', 'Hnswlib Error: Label not found');
      index.setEf(10);
      const queries = randomVectors(10, DIM, 62);
      expect(singleAnswers(loaded, queries, DIM, 6)).toEqual(singleAnswers(index, queries, DIM, 6));
      expect(Buffer.compare(loaded.toBufferSync(), bytes)).toBe(0);
    });

    it('reads a Uint8Array view with a byteOffset', async () => {
      const bytes = sample().toBufferSync();
      const padded = new Uint8Array(bytes.length + 11);
      padded.set(bytes, 7);
      const view = padded.subarray(7, 7 + bytes.length);
      const loaded = new HierarchicalNSW('cosine', DIM);
      await loaded.fromBuffer(view);
      expect(loaded.getCurrentCount()).toBe(30);
      const again = new HierarchicalNSW('cosine', DIM);
      again.fromBufferSync(view);
      expect(Buffer.compare(again.toBufferSync(), bytes)).toBe(0);
    });

    it('passes allowReplaceDeleted on to the loaded index', async () => {
      const bytes = sample().toBufferSync();
      const plain = new HierarchicalNSW('cosine', DIM);
      await plain.fromBuffer(bytes);
      expectThrow(
        () => plain.addPoint([1, 2, 3, 4, 5], 99, true),
        'Error',
        'Hnswlib Error: Replacement of deleted elements is disabled in constructor',
      );
      const replacing = new HierarchicalNSW('cosine', DIM);
      await replacing.fromBuffer(bytes, true);
      replacing.addPoint([1, 2, 3, 4, 5], 99, true);
      expect(replacing.getCurrentCount()).toBe(30);
      const replacingSync = new HierarchicalNSW('cosine', DIM);
      replacingSync.fromBufferSync(bytes, true);
      replacingSync.addPoint([1, 2, 3, 4, 5], 99, true);
      expect(replacingSync.getIdsList()).toContain(99);
    });

    it('replaces an existing index, capacity included', async () => {
      const bytes = sample().toBufferSync();
      const target = filledHnsw('cosine', DIM, 3, 63, 1000);
      await target.fromBuffer(bytes);
      expect(target.getMaxElements()).toBe(45);
      expect(target.getCurrentCount()).toBe(30);
    });

    it('rejects corrupt or truncated bytes with an Hnswlib Error and keeps the previous index', async () => {
      const bytes = sample().toBufferSync();
      const index = filledHnsw('cosine', DIM, 3, 64, 7);
      const before = index.toBufferSync();
      const corrupt = [
        Buffer.from('this is not an hnswlib index, not at all'),
        bytes.subarray(0, Math.floor(bytes.length / 2)),
        bytes.subarray(0, 10),
      ];
      for (const data of corrupt) {
        await expectFailure(() => index.fromBuffer(data), 'Error', /^Hnswlib Error: /);
        expectSyncFailure(() => index.fromBufferSync(data), 'Error', /^Hnswlib Error: /);
      }
      expect(Buffer.compare(index.toBufferSync(), before)).toBe(0);
      expect(index.getCurrentCount()).toBe(3);
      expect(index.searchKnn(index.getPoint(1), 1).neighbors).toEqual([1]);
    });

    it('rejects bytes of another dimension and keeps the previous index', async () => {
      const bytes = sample().toBufferSync();
      const other = filledHnsw('l2', DIM + 1, 2, 65, 2);
      await expectFailure(() => other.fromBuffer(bytes), 'Error', /^Hnswlib Error: /);
      expect(other.getCurrentCount()).toBe(2);
    });

    it('leaves an uninitialised object uninitialised after a failed read', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      await expectFailure(() => index.fromBuffer(Buffer.from('garbage garbage garbage')), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.getEf(), 'Error', NOT_INITIALIZED);
    });

    it('throws a TypeError if the data is not a Uint8Array', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      for (const [bad, shown] of [
        ['bytes', 'string'],
        [[1, 2, 3], 'an array'],
        [null, 'null'],
        [new Float32Array(4), 'an instance of Float32Array'],
      ] as const) {
        const message = `Expected \`data\` to be a Uint8Array or a Buffer but received ${shown}`;
        await expectFailure(() => loose(index).fromBuffer(bad), 'TypeError', message);
        expectSyncFailure(() => loose(index).fromBufferSync(bad), 'TypeError', message);
      }
    });

    it('throws the "not been initialized" Error from toBuffer before initIndex; the Promise form rejects', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      expectSyncFailure(() => index.toBufferSync(), 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
      let promise: unknown;
      expect(() => {
        promise = index.toBuffer();
      }).not.toThrow();
      await expectFailure(() => promise, 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
    });
  });
});

describe('BruteforceSearch', () => {
  const tmp = useTempDir();
  const DIM = 7;

  function bf(space: Space, maxElements: number): BruteforceSearch {
    const index = new BruteforceSearch(space, DIM);
    index.initIndex(maxElements);
    return index;
  }

  describe.each(MODES)('#addItems (%s)', (mode) => {
    it('inserts flat, number[] and Float32Array rows under the given labels and returns them', async () => {
      const index = bf('l2', 20);
      const data = randomVectors(6, DIM, 71);
      expect(labelsOf(await bfAddVia(mode, index, data.subarray(0, 2 * DIM), [5, 6]))).toEqual([5, 6]);
      const numberRows = toNumberRows(data.subarray(2 * DIM, 4 * DIM), DIM);
      expect(labelsOf(await bfAddVia(mode, index, numberRows, new Uint32Array([7, 8])))).toEqual([7, 8]);
      expect(labelsOf(await bfAddVia(mode, index, [rowOf(data, 4, DIM), rowOf(data, 5, DIM)], new Float64Array([9, 10])))).toEqual([9, 10]);
      expect(index.getCurrentCount()).toBe(6);
      // An exact index finds each stored row under its label at distance 0 (BruteforceSearch has no getPoint).
      [5, 6, 7, 8, 9, 10].forEach((label, i) => {
        expect(index.searchKnn(rowOf(data, i, DIM), 1)).toEqual({ neighbors: [label], distances: [0] });
      });
    });

    it('numbers the rows from getCurrentCount() when labels are omitted, and updates existing labels', async () => {
      const index = bf('l2', 20);
      index.addPoint(randomVectors(1, DIM, 72), 40);
      expect(labelsOf(await bfAddVia(mode, index, randomVectors(2, DIM, 73)))).toEqual([1, 2]);
      const v = randomVectors(1, DIM, 74);
      expect(labelsOf(await bfAddVia(mode, index, v, [40]))).toEqual([40]);
      expect(index.getCurrentCount()).toBe(3);
      expect(index.searchKnn(v, 1)).toEqual({ neighbors: [40], distances: [0] });
    });

    it('throws ERR_INDEX_FULL before inserting anything', async () => {
      const index = bf('l2', 4);
      index.addPoint(randomVectors(1, DIM, 75), 0);
      const err = await failureOf(() => bfAddVia(mode, index, randomVectors(4, DIM, 76), [1, 2, 3, 4]));
      expectError(
        err,
        'Error',
        'Hnswlib Error: The number of elements exceeds the specified limit (capacity 4, current count 1, batch adds 4 new labels)',
        'ERR_INDEX_FULL',
      );
      expect(index.getCurrentCount()).toBe(1);
    });

    it('throws the argument errors of HierarchicalNSW', async () => {
      const index = bf('l2', 10);
      const call = (...args: unknown[]): unknown => (mode === 'sync' ? loose(index).addItemsSync(...args) : loose(index).addItems(...args));
      await expectFailure(
        () => call(new Float32Array(DIM + 1)),
        'RangeError',
        `Expected \`vectors\` to have a length that is a multiple of ${DIM} but received ${DIM + 1}`,
      );
      await expectFailure(
        () => call(new Float32Array(2 * DIM), [3, 3]),
        'RangeError',
        'Expected `labels` to hold distinct labels but received 3 twice',
      );
      await expectFailure(
        () => call(new Float32Array(DIM), [-1]),
        'RangeError',
        `Expected \`labels[0]\` to be ${LABEL_RANGE} but received -1`,
      );
      await expectFailure(
        () => call(new Float32Array(DIM), [1], { numThreads: 0 }),
        'RangeError',
        'Expected `numThreads` to be an integer between 1 and 9007199254740991 but received 0',
      );
      expect(index.getCurrentCount()).toBe(0);
      const fresh = new BruteforceSearch('l2', DIM);
      await expectFailure(
        () => (mode === 'sync' ? fresh.addItemsSync(new Float32Array(DIM), [0]) : fresh.addItems(new Float32Array(DIM), [0])),
        'Error',
        NOT_INITIALIZED,
        'ERR_NOT_INITIALIZED',
      );
    });
  });

  describe.each(MODES)('#searchKnnBatch (%s)', (mode) => {
    it.each(SPACES)('gives each query exactly what searchKnn gives (%s)', async (space) => {
      const index = bf(space, 200);
      await index.addItems(randomVectors(150, DIM, 81));
      index.removePoint(10);
      index.removePoint(149);
      const queries = randomVectors(30, DIM, 82);
      for (const numThreads of [1, 2]) {
        const result = await bfSearchVia(mode, index, queries, 9, { numThreads });
        expectWellFormed(result, 30, 9);
        expect(answers(result)).toEqual(singleAnswers(index, queries, DIM, 9));
      }
    });

    it('caps the stride at the element count when k exceeds it', async () => {
      const index = bf('l2', 50);
      index.addItemsSync(randomVectors(3, DIM, 83), [7, 8, 9]);
      const queries = randomVectors(2, DIM, 84);
      const result = await bfSearchVia(mode, index, queries, 6);
      expectWellFormed(result, 2, 3);
      expect(Array.from(result.found)).toEqual([3, 3]);
      expect(answers(result)).toEqual(singleAnswers(index, queries, DIM, 6));
    });

    it('applies allow and deny filters as searchKnn applies the same filter function', async () => {
      const index = bf('ip', 100);
      index.addItemsSync(randomVectors(100, DIM, 85));
      const queries = randomVectors(12, DIM, 86);
      const allow = new Set(range(0, 100).filter((l) => l % 4 === 1));
      const allowed = await bfSearchVia(mode, index, queries, 5, { filter: { allow } });
      expect(answers(allowed)).toEqual(singleAnswers(index, queries, DIM, 5, (l) => allow.has(l)));
      const deny = range(0, 100).filter((l) => l < 50);
      const rest = await bfSearchVia(mode, index, queries, 5, { filter: { deny } });
      expect(answers(rest)).toEqual(singleAnswers(index, queries, DIM, 5, (l) => l >= 50));
    });

    it('throws the argument errors of HierarchicalNSW', async () => {
      const index = bf('l2', 10);
      index.addItemsSync(randomVectors(2, DIM, 87));
      const call = (...args: unknown[]): unknown =>
        mode === 'sync' ? loose(index).searchKnnBatchSync(...args) : loose(index).searchKnnBatch(...args);
      await expectFailure(
        () => call(new Float32Array(DIM), 0),
        'RangeError',
        'Expected `k` to be an integer between 1 and 9007199254740991 but received 0',
      );
      await expectFailure(
        () => call([[1, 2]], 1),
        'RangeError',
        'Expected `queries[0]` to have 7 elements but received 2',
      );
      await expectFailure(
        () => call(new Float32Array(DIM), 1, { filter: { allow: [1], deny: [2] } }),
        'TypeError',
        'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an object',
      );
      const fresh = new BruteforceSearch('l2', DIM);
      await expectFailure(
        () => (mode === 'sync' ? fresh.searchKnnBatchSync(new Float32Array(DIM), 1) : fresh.searchKnnBatch(new Float32Array(DIM), 1)),
        'Error',
        NOT_INITIALIZED,
        'ERR_NOT_INITIALIZED',
      );
    });
  });

  describe('#toBuffer / #fromBuffer', () => {
    it('returns exactly the bytes writeIndexSync writes, and round-trips (async and sync)', async () => {
      const index = bf('l2', 40);
      index.addItemsSync(randomVectors(25, DIM, 91));
      index.removePoint(3);
      const file = tmp.path('bf-bytes.bin');
      index.writeIndexSync(file);
      const onDisk = fs.readFileSync(file);
      const bytes = await index.toBuffer();
      expect(Buffer.compare(bytes, onDisk)).toBe(0);
      expect(Buffer.compare(index.toBufferSync(), onDisk)).toBe(0);

      const queries = randomVectors(5, DIM, 92);
      const loaded = new BruteforceSearch('l2', DIM);
      await loaded.fromBuffer(bytes);
      const loadedSync = new BruteforceSearch('l2', DIM);
      loadedSync.fromBufferSync(new Uint8Array(bytes));
      for (const copy of [loaded, loadedSync]) {
        expect(copy.getMaxElements()).toBe(40);
        expect(copy.getCurrentCount()).toBe(24);
        expect(Buffer.compare(copy.toBufferSync(), onDisk)).toBe(0);
        expect(singleAnswers(copy, queries, DIM, 4)).toEqual(singleAnswers(index, queries, DIM, 4));
      }
    });

    it('rejects corrupt bytes and keeps the previous index', async () => {
      const index = bf('l2', 5);
      index.addItemsSync(randomVectors(2, DIM, 93), [1, 2]);
      await expectFailure(() => index.fromBuffer(Buffer.from('not an index at all')), 'Error', /^Hnswlib Error: /);
      expectSyncFailure(() => index.fromBufferSync(Buffer.alloc(3)), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(2);
      expect(index.getMaxElements()).toBe(5);
      expect(index.searchKnn(randomVectors(2, DIM, 93).subarray(DIM), 1)).toEqual({ neighbors: [2], distances: [0] });
    });
  });
});

describeWith([fashionMnist()], 'HierarchicalNSW#addItems on Fashion-MNIST', () => {
  const TRAIN = 10_000;
  const QUERIES = 500;
  const K = 10;
  const EF = 50;
  const recall = new Map<number, number>();
  const progress = new Map<number, [number, number][]>();

  beforeAll(async () => {
    const train = loadFashionMnist('train', TRAIN);
    const queries = loadFashionMnist('t10k', QUERIES);
    const gt = bruteForceKnn('l2', train.data, train.count, queries.data, queries.count, train.dim, K);
    for (const numThreads of [1, 2]) {
      const index = new HierarchicalNSW('l2', train.dim);
      index.initIndex(TRAIN, 16, 200, 100);
      const calls: [number, number][] = [];
      await index.addItems(train.data, undefined, { numThreads, onProgress: (done, total) => calls.push([done, total]) });
      progress.set(numThreads, calls);
      const result = await index.searchKnnBatch(queries.data, K, { ef: EF });
      const found = answers(result).map((a) => a.neighbors);
      recall.set(numThreads, recallAtK(gt, found, train.data, queries.data, train.dim));
    }
    console.log(
      `recall@${K} at ef=${EF} (M=16, efConstruction=200, ${TRAIN} train, ${QUERIES} queries): ` +
        `1 thread ${recall.get(1)?.toFixed(4)}, 2 threads ${recall.get(2)?.toFixed(4)}`,
    );
  }, 60_000);

  it('reaches recall@10 with 2 build threads within 0.01 of a 1-thread build', () => {
    expect(recall.get(1)).toBeGreaterThan(0.9);
    expect(recall.get(2)).toBeGreaterThanOrEqual((recall.get(1) as number) - 0.01);
  });

  it('reported progress up to (total, total) during both builds', () => {
    for (const calls of progress.values()) {
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls[calls.length - 1]).toEqual([TRAIN, TRAIN]);
      for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
    }
  });
});
