// HierarchicalNSW, the elements of an index: addPoint (vectors as number[] or Float32Array, labels up to 2^53-1,
// updates, a full index), markDelete / unmarkDelete, replacing deleted elements as hnswlib-node 1.3.0 introduced it,
// getIdsList, getPoint and resizeIndex, each with hnswlib-node 3.0.0's messages and hnswkit's range checks.

import { HierarchicalNSW } from 'hnswkit';
import { expectThrow, loose, sorted } from './fixtures/expect-error';
import { LABEL_RANGE } from './helpers/messages';
import { POINTS, l2Index } from './helpers/small-index';

describe('HierarchicalNSW', () => {
  describe('#addPoint', () => {
    it('throws an Error if given fewer than 2 arguments', () => {
      const index = loose(l2Index([]));
      expectThrow(() => index.addPoint(), 'Error', 'Expected 2-3 arguments, but got 0.');
      expectThrow(() => index.addPoint([1, 2, 3]), 'Error', 'Expected 2-3 arguments, but got 1.');
    });

    it('throws TypeErrors for the wrong argument types', () => {
      const index = loose(l2Index([]));
      expectThrow(() => index.addPoint('abc', 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.addPoint({ length: 3 }, 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.addPoint([1, 2, 3], '1'), 'TypeError', 'Invalid the second argument type, must be a number.');
      expectThrow(() => index.addPoint([1, 2, 3], 1, 'yes'), 'TypeError', 'Invalid the third argument type, must be a boolean.');
    });

    it('rejects typed arrays other than Float32Array with the Array message', () => {
      const index = loose(l2Index([]));
      for (const arr of [new Float64Array(3), new Int32Array(3), new Uint8Array(3)]) {
        expectThrow(() => index.addPoint(arr, 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      }
    });

    it('throws an Error if the vector has the wrong length', () => {
      const index = l2Index([]);
      expectThrow(() => index.addPoint([1, 2], 1), 'Error', 'Invalid the given array length (expected 3, but got 2).');
      expectThrow(() => index.addPoint([1, 2, 3, 4], 1), 'Error', 'Invalid the given array length (expected 3, but got 4).');
      expectThrow(
        () => index.addPoint(new Float32Array(5), 1),
        'Error',
        'Invalid the given array length (expected 3, but got 5).',
      );
    });

    it('throws a TypeError naming the element that is not a number', () => {
      const index = loose(l2Index([]));
      expectThrow(() => index.addPoint([1, 'a', 3], 1), 'TypeError', 'Expected `point[1]` to be a number but received string');
      expectThrow(() => index.addPoint([null, 2, 3], 1), 'TypeError', 'Expected `point[0]` to be a number but received null');
      const holey = [1, 2, 3];
      delete (holey as unknown as Record<number, unknown>)[2];
      expectThrow(() => index.addPoint(holey, 1), 'TypeError', 'Expected `point[2]` to be a number but received undefined');
      expectThrow(() => index.addPoint([1, 2, 3n], 1), 'TypeError', 'Expected `point[2]` to be a number but received 3n');
      expect(index.getCurrentCount()).toBe(0);
    });

    it('throws a RangeError naming the element that is NaN, infinite or beyond float32', () => {
      const index = l2Index([]);
      expectThrow(() => index.addPoint([1, 2, NaN], 1), 'RangeError', 'Expected `point[2]` to be a finite number but received NaN');
      expectThrow(() => index.addPoint([Infinity, 2, 3], 1), 'RangeError', 'Expected `point[0]` to be a finite number but received Infinity');
      expectThrow(() => index.addPoint([1, -Infinity, 3], 1), 'RangeError', 'Expected `point[1]` to be a finite number but received -Infinity');
      expectThrow(
        () => index.addPoint([1, 1e39, 3], 1),
        'RangeError',
        'Expected `point[1]` to be a number within the float32 range (±3.4028234663852886e+38) but received 1e+39',
      );
      expectThrow(
        () => index.addPoint(new Float32Array([1, NaN, 3]), 1),
        'RangeError',
        'Expected `point[1]` to be a finite number but received NaN',
      );
      expect(index.getCurrentCount()).toBe(0);
    });

    it('throws a RangeError if the label is not an integer in 0..2^53-1', () => {
      const index = l2Index([]);
      for (const [label, shown] of [
        [-1, '-1'],
        [1.5, '1.5'],
        [NaN, 'NaN'],
        [2 ** 53, '9007199254740992'],
      ] as const) {
        expectThrow(() => index.addPoint([1, 2, 3], label), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received ${shown}`);
      }
    });

    it('returns null and stores the point', () => {
      const index = l2Index([]);
      expect(index.addPoint([1, 2, 3], 7)).toBeNull();
      expect(index.getCurrentCount()).toBe(1);
      expect(index.getPoint(7)).toEqual([1, 2, 3]);
    });

    it('takes a Float32Array and stores the same as a number[]', () => {
      const a = l2Index([]);
      const b = l2Index([]);
      const data = [
        [0.1, 0.2, 0.3],
        [1.5, -2.25, 3.125],
        [-0.7, 0.01, 9.9],
      ];
      data.forEach((p, i) => {
        a.addPoint(p, i);
        b.addPoint(new Float32Array(p), i);
      });
      for (let i = 0; i < data.length; i++) expect(b.getPoint(i)).toEqual(a.getPoint(i));
      expect(b.searchKnn(new Float32Array([0.5, 0.5, 0.5]), 3)).toEqual(a.searchKnn([0.5, 0.5, 0.5], 3));
      // A subarray view (byteOffset != 0) is read from its own offset.
      const buffer = new Float32Array([9, 9, 1.5, -2.25, 3.125]);
      expect(b.searchKnn(buffer.subarray(2), 1).neighbors).toEqual([1]);
    });

    it('keeps labels beyond 2^32 distinct from their uint32 wrap', () => {
      const index = l2Index([]);
      index.addPoint([1, 0, 0], 3);
      index.addPoint([0, 1, 0], 2 ** 32 + 3);
      index.addPoint([0, 0, 1], Number.MAX_SAFE_INTEGER);
      expect(sorted(index.getIdsList())).toEqual([3, 2 ** 32 + 3, Number.MAX_SAFE_INTEGER]);
      expect(index.getPoint(2 ** 32 + 3)).toEqual([0, 1, 0]);
      expect(index.searchKnn([0, 0, 1], 1).neighbors).toEqual([Number.MAX_SAFE_INTEGER]);
    });

    it('updates the vector of an existing label without changing the count', () => {
      const index = l2Index(POINTS);
      index.addPoint([9, 9, 9], 2);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.getPoint(2)).toEqual([9, 9, 9]);
      expect(index.searchKnn([9, 9, 9], 1)).toEqual({ distances: [0], neighbors: [2] });
    });

    it('throws "exceeds the specified limit" when the index is full', () => {
      const index = l2Index(POINTS.slice(0, 2), 2);
      expectThrow(() => index.addPoint([5, 5, 5], 9), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
      expect(index.getCurrentCount()).toBe(2);
      const empty = new HierarchicalNSW('l2', 3);
      empty.initIndex(0);
      expectThrow(() => empty.addPoint([5, 5, 5], 9), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
    });

    it('stores the normalised vector in the cosine space', () => {
      const index = new HierarchicalNSW('cosine', 2);
      index.initIndex(2);
      index.addPoint([3, 4], 0);
      const point = index.getPoint(0);
      expect(point[0]).toBeCloseTo(0.6, 6);
      expect(point[1]).toBeCloseTo(0.8, 6);
    });
  });

  describe('#markDelete', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.markDelete(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.markDelete(1, 2), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.markDelete('1'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.markDelete(-1), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received -1`);
      expectThrow(() => index.markDelete(0.5), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received 0.5`);
    });

    it('returns null and hides the element from search but not from the counts or the id list', () => {
      const index = l2Index(POINTS);
      expect(index.markDelete(1)).toBeNull();
      expect(index.getCurrentCount()).toBe(5);
      expect(index.getDeletedCount()).toBe(1);
      expect(sorted(index.getIdsList())).toEqual([0, 1, 2, 3, 4]);
      const { neighbors } = index.searchKnn([1, 0, 0], 5);
      expect(neighbors).not.toContain(1);
      expect(sorted(neighbors)).toEqual([0, 2, 3, 4]);
    });

    it('makes getPoint throw "Label not found"', () => {
      const index = l2Index(POINTS);
      index.markDelete(3);
      expectThrow(() => index.getPoint(3), 'Error', 'Hnswlib Error: Label not found');
    });

    it('throws "Label not found" for an unknown label', () => {
      expectThrow(() => l2Index(POINTS).markDelete(42), 'Error', 'Hnswlib Error: Label not found');
    });

    it('throws "already deleted" the second time', () => {
      const index = l2Index(POINTS);
      index.markDelete(2);
      expectThrow(() => index.markDelete(2), 'Error', 'Hnswlib Error: The requested to delete element is already deleted');
    });

    it('gives engine errors a code', () => {
      try {
        l2Index(POINTS).markDelete(42);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('ERR_LABEL_NOT_FOUND');
      }
      expect.assertions(1);
    });
  });

  describe('#unmarkDelete', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.unmarkDelete(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.unmarkDelete(true), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.unmarkDelete(-3), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received -3`);
    });

    it('returns null and makes the element visible again', () => {
      const index = l2Index(POINTS);
      index.markDelete(1);
      expect(index.unmarkDelete(1)).toBeNull();
      expect(index.getDeletedCount()).toBe(0);
      expect(index.searchKnn([1, 0, 0], 1).neighbors).toEqual([1]);
      expect(index.getPoint(1)).toEqual([1, 0, 0]);
    });

    it('throws "not deleted" for an element that is not deleted', () => {
      expectThrow(
        () => l2Index(POINTS).unmarkDelete(1),
        'Error',
        'Hnswlib Error: The requested to undelete element is not deleted',
      );
    });

    it('throws "Label not found" for an unknown label', () => {
      expectThrow(() => l2Index(POINTS).unmarkDelete(99), 'Error', 'Hnswlib Error: Label not found');
    });
  });

  describe('replacing deleted elements', () => {
    it('undeletes and updates a deleted label re-added without replacement enabled', () => {
      const index = l2Index(POINTS);
      index.markDelete(4);
      index.addPoint([7, 7, 7], 4);
      expect(index.getDeletedCount()).toBe(0);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.getPoint(4)).toEqual([7, 7, 7]);
      expect(index.searchKnn([7, 7, 7], 1).neighbors).toEqual([4]);
    });

    it('throws "Replacement of deleted elements is disabled" for replaceDeleted=true without the option', () => {
      const index = l2Index(POINTS);
      index.markDelete(1);
      expectThrow(
        () => index.addPoint([5, 5, 5], 10, true),
        'Error',
        'Hnswlib Error: Replacement of deleted elements is disabled in constructor',
      );
    });

    it('throws "Can\'t use addPoint to update deleted elements" when the option is on', () => {
      const index = l2Index(POINTS, 10, true);
      index.markDelete(1);
      expectThrow(
        () => index.addPoint([5, 5, 5], 1),
        'Error',
        "Hnswlib Error: Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.",
      );
    });

    it('reproduces the hnswlib-node 1.3.0 CHANGELOG example', () => {
      const plain = new HierarchicalNSW('l2', 3);
      plain.initIndex(2);
      plain.addPoint([1, 2, 3], 1);
      plain.addPoint([4, 5, 6], 2);
      plain.markDelete(1);
      expectThrow(() => plain.addPoint([6, 5, 4], 3), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');

      const index = new HierarchicalNSW('l2', 3);
      index.initIndex({ maxElements: 2, allowReplaceDeleted: true });
      index.addPoint([1, 2, 3], 1);
      index.addPoint([4, 5, 6], 2);
      index.markDelete(1);
      expectThrow(() => index.addPoint([6, 5, 4], 3), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
      expect(index.addPoint([6, 5, 4], 3, true)).toBeNull();
      expect(index.getCurrentCount()).toBe(2);
      expect(sorted(index.getIdsList())).toEqual([2, 3]);
      expect(index.getPoint(3)).toEqual([6, 5, 4]);
      expectThrow(() => index.getPoint(1), 'Error', 'Hnswlib Error: Label not found');
      expect(index.searchKnn([6, 5, 4], 2).neighbors).toEqual([3, 2]);
    });

    it('inserts normally with replaceDeleted=true when nothing is deleted', () => {
      const index = l2Index(POINTS, 10, true);
      index.addPoint([8, 8, 8], 8, true);
      expect(index.getCurrentCount()).toBe(6);
      expect(index.getPoint(8)).toEqual([8, 8, 8]);
    });
  });

  describe('#getIdsList', () => {
    it('lists every label, deleted ones included', () => {
      const index = l2Index(POINTS);
      index.markDelete(0);
      index.markDelete(4);
      const ids = index.getIdsList();
      expect(Array.isArray(ids)).toBe(true);
      expect(sorted(ids)).toEqual([0, 1, 2, 3, 4]);
    });
  });

  describe('#getPoint', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.getPoint(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.getPoint(1, 2), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.getPoint('1'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.getPoint(-1), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received -1`);
    });

    it('returns the stored float32 values as a plain number[]', () => {
      const index = new HierarchicalNSW('l2', 3);
      index.initIndex(2);
      index.addPoint([0.1, 2, -3.5], 0);
      const point = index.getPoint(0);
      expect(Array.isArray(point)).toBe(true);
      expect(point).toEqual(Array.from(new Float32Array([0.1, 2, -3.5])));
    });

    it('throws "Label not found" for a missing label', () => {
      expectThrow(() => l2Index(POINTS).getPoint(99), 'Error', 'Hnswlib Error: Label not found');
    });
  });

  describe('#resizeIndex', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.resizeIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.resizeIndex('20'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(
        () => index.resizeIndex(-20),
        'RangeError',
        'Expected `newMaxElements` to be an integer between 0 and 4294967295 but received -20',
      );
    });

    it('returns null and grows the capacity', () => {
      const index = l2Index(POINTS, 5);
      expectThrow(() => index.addPoint([1, 1, 1], 5), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
      expect(index.resizeIndex(8)).toBeNull();
      expect(index.getMaxElements()).toBe(8);
      index.addPoint([1, 1, 1], 5);
      expect(index.getCurrentCount()).toBe(6);
      expect(index.searchKnn([1, 1, 1], 1).neighbors).toEqual([5]);
      expect(index.searchKnn([0, 0, 0], 6).neighbors).toHaveLength(6);
    });

    it('shrinks down to the current count, but not below', () => {
      const index = l2Index(POINTS, 20);
      index.resizeIndex(5);
      expect(index.getMaxElements()).toBe(5);
      expectThrow(
        () => index.resizeIndex(4),
        'Error',
        'Hnswlib Error: Cannot resize, max element is less than the current number of elements',
      );
      expect(index.getMaxElements()).toBe(5);
      expect(index.searchKnn([0, 0, 0], 5).neighbors).toEqual([0, 1, 2, 3, 4]);
    });
  });
});
