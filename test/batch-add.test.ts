// Batch insert: addItems and addItemsSync on HierarchicalNSW and BruteforceSearch (flat, number[] and Float32Array
// rows, label lists, updates, replaceDeleted, threads), every argument error against its class and message, and a
// threaded build's recall on Fashion-MNIST. Progress and abort: batch-progress-abort.test.ts.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { loadFashionMnist } from '../bench/fashion-mnist';
import { loose, sorted } from './fixtures/expect-error';
import {
  type AddArgs,
  MODES,
  type Space,
  addVia,
  answers,
  bfAddVia,
  bfIndex,
  expectError,
  expectFailure,
  expectSyncFailure,
  failureOf,
  hnsw,
  insertedLabelsOf,
  isFloat64,
  labelsOf,
  randomVectors,
  range,
  rowOf,
  toNumberRows,
} from './helpers/batch';
import { bruteForceKnn, recallAtK } from './helpers/ground-truth';
import { LABEL_RANGE, NOT_INITIALIZED } from './helpers/messages';
import { describeWith, fashionMnist } from './helpers/prerequisites';

describe('HierarchicalNSW', () => {
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
});

describe('BruteforceSearch', () => {
  const DIM = 7;
  const bf = (space: Space, maxElements: number): BruteforceSearch => bfIndex(space, DIM, maxElements);

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
