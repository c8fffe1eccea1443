// BruteforceSearch: hnswlib-node 3.0.0's surface, and the defects it fixes (k above the count, removal of the last
// slot, filters that reject the first slots, throwing filters, failed reads).

import * as fs from 'fs';
import { BruteforceSearch } from 'hnswkit';
import { expectReject, expectThrow, loose, looseClass } from './fixtures/expect-error';
import { LABEL_RANGE, NOT_INITIALIZED } from './helpers/messages';
import { POINTS } from './helpers/small-index';
import { useTmpDir } from './helpers/tmp';

function bfIndex(points: number[][], maxElements = 10): BruteforceSearch {
  const index = new BruteforceSearch('l2', 3);
  index.initIndex(maxElements);
  points.forEach((p, label) => index.addPoint(p, label));
  return index;
}

describe('BruteforceSearch', () => {
  const tmp = useTmpDir();

  it('is a real class: calling it without `new` throws a TypeError', () => {
    expectThrow(() => (BruteforceSearch as unknown as (...args: unknown[]) => unknown)('l2', 3), 'TypeError', /without 'new'/);
  });

  it('has length 0', () => {
    expect(BruteforceSearch.length).toBe(0);
  });

  describe('#constructor', () => {
    const Loose = looseClass(BruteforceSearch);

    it('throws an Error if given the wrong number of arguments', () => {
      expectThrow(() => new Loose(), 'Error', 'Expected 2 arguments, but got 0.');
      expectThrow(() => new Loose('l2'), 'Error', 'Expected 2 arguments, but got 1.');
      expectThrow(() => new Loose('l2', 3, 3), 'Error', 'Expected 2 arguments, but got 3.');
    });

    it('throws TypeErrors for the wrong argument types', () => {
      expectThrow(() => new Loose(null, 3), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => new Loose('l2', [3]), 'TypeError', 'Invalid the second argument type, must be a number.');
    });

    it('throws an Error if the space name is unknown', () => {
      expectThrow(() => new Loose('L2', 3), 'Error', 'Wrong space name, expected "l2", "ip", or "cosine".');
    });

    it('throws a RangeError if the dimension is not an integer in 1..65536', () => {
      expectThrow(
        () => new BruteforceSearch('ip', 0),
        'RangeError',
        'Expected `numDimensions` to be an integer between 1 and 65536 but received 0',
      );
      expectThrow(
        () => new BruteforceSearch('ip', 2.5),
        'RangeError',
        'Expected `numDimensions` to be an integer between 1 and 65536 but received 2.5',
      );
    });

    it('keeps the dimension', () => {
      expect(new BruteforceSearch('cosine', 17).getNumDimensions()).toBe(17);
    });
  });

  describe('before #initIndex', () => {
    const index = new BruteforceSearch('l2', 3);

    it('reports 0 for getCurrentCount and getMaxElements', () => {
      expect(index.getCurrentCount()).toBe(0);
      expect(index.getMaxElements()).toBe(0);
    });

    it('throws the "not been initialized" Error from addPoint, removePoint and searchKnn', () => {
      expectThrow(() => index.addPoint([1, 2, 3], 0), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.removePoint(0), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.searchKnn([1, 2, 3], 1), 'Error', NOT_INITIALIZED);
    });

    it('throws "Search index is not constructed." from writeIndexSync and rejects writeIndex', async () => {
      expectThrow(() => index.writeIndexSync(tmp.file('never.bin')), 'Error', 'Search index is not constructed.');
      await expectReject(index.writeIndex(tmp.file('never.bin')), 'Error', 'Hnswlib Error: search index is not constructed.');
      expect(fs.existsSync(tmp.file('never.bin'))).toBe(false);
    });
  });

  describe('#initIndex', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(new BruteforceSearch('l2', 3));
      expectThrow(() => index.initIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.initIndex(10, 16), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.initIndex({ maxElements: 10 }), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(
        () => index.initIndex(-1),
        'RangeError',
        'Expected `maxElements` to be an integer between 0 and 4294967295 but received -1',
      );
    });

    it('returns null, sets the capacity, and discards the previous index when called again', () => {
      const index = bfIndex(POINTS);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.initIndex(3)).toBeNull();
      expect(index.getMaxElements()).toBe(3);
      expect(index.getCurrentCount()).toBe(0);
    });
  });

  describe('#addPoint', () => {
    it('throws an Error unless given exactly 2 arguments', () => {
      const index = loose(bfIndex([]));
      expectThrow(() => index.addPoint(), 'Error', 'Expected 2 arguments, but got 0.');
      expectThrow(() => index.addPoint([1, 2, 3]), 'Error', 'Expected 2 arguments, but got 1.');
      expectThrow(() => index.addPoint([1, 2, 3], 1, true), 'Error', 'Expected 2 arguments, but got 3.');
    });

    it('throws TypeErrors for the wrong argument types', () => {
      const index = loose(bfIndex([]));
      expectThrow(() => index.addPoint(1, 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.addPoint(new Float64Array(3), 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.addPoint([1, 2, 3], null), 'TypeError', 'Invalid the second argument type, must be a number.');
    });

    it('throws for a bad length, element or label', () => {
      const index = loose(bfIndex([]));
      expectThrow(() => index.addPoint([1, 2], 1), 'Error', 'Invalid the given array length (expected 3, but got 2).');
      expectThrow(() => index.addPoint(['1', 2, 3], 1), 'TypeError', 'Expected `point[0]` to be a number but received string');
      expectThrow(() => index.addPoint([1, 2, NaN], 1), 'RangeError', 'Expected `point[2]` to be a finite number but received NaN');
      expectThrow(() => index.addPoint([1, 2, 3], -1), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received -1`);
      expect(index.getCurrentCount()).toBe(0);
    });

    it('returns null, and overwrites the vector of an existing label', () => {
      const index = bfIndex(POINTS);
      expect(index.addPoint([9, 9, 9], 1)).toBeNull();
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([9, 9, 9], 1)).toEqual({ distances: [0], neighbors: [1] });
    });

    it('throws "exceeds the specified limit" (with hnswlib-node\'s trailing newline) when full', () => {
      const index = bfIndex(POINTS.slice(0, 2), 2);
      expectThrow(() => index.addPoint([1, 1, 1], 7), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit\n');
    });
  });

  describe('#removePoint', () => {
    it('throws for the wrong arguments', () => {
      const index = loose(bfIndex(POINTS));
      expectThrow(() => index.removePoint(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.removePoint('1'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.removePoint(1.25), 'RangeError', `Expected \`label\` to be ${LABEL_RANGE} but received 1.25`);
    });

    it('returns null and really removes the element', () => {
      const index = bfIndex(POINTS);
      expect(index.removePoint(1)).toBeNull();
      expect(index.getCurrentCount()).toBe(4);
      expect(index.searchKnn([1, 0, 0], 5).neighbors).toEqual([0, 2, 3, 4]);
    });

    it('ignores an unknown label', () => {
      const index = bfIndex(POINTS);
      expect(index.removePoint(42)).toBeNull();
      expect(index.getCurrentCount()).toBe(5);
    });

    it('can remove the element in the last slot and add its label again (the hnswlib-node bug)', () => {
      const index = bfIndex(POINTS);
      index.removePoint(4);
      expect(index.getCurrentCount()).toBe(4);
      index.addPoint([5, 5, 5], 4);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([5, 5, 5], 1)).toEqual({ distances: [0], neighbors: [4] });
      // Removing everything and refilling works too.
      for (let label = 0; label < 5; label++) index.removePoint(label);
      expect(index.getCurrentCount()).toBe(0);
      index.addPoint([1, 1, 1], 3);
      expect(index.searchKnn([0, 0, 0], 1)).toEqual({ distances: [3], neighbors: [3] });
    });

    it('frees the slot for a new element when full', () => {
      const index = bfIndex(POINTS.slice(0, 2), 2);
      index.removePoint(0);
      index.addPoint([7, 7, 7], 7);
      expect(index.getCurrentCount()).toBe(2);
      expect(index.searchKnn([0, 0, 0], 2).neighbors).toEqual([1, 7]);
    });
  });

  describe('#searchKnn', () => {
    it('throws an Error if given fewer than 2 arguments', () => {
      const index = loose(bfIndex(POINTS));
      expectThrow(() => index.searchKnn(), 'Error', 'Expected 2-3 arguments, but got 0.');
      expectThrow(() => index.searchKnn([1, 2, 3]), 'Error', 'Expected 2-3 arguments, but got 1.');
    });

    it('throws TypeErrors for the wrong argument types', () => {
      const index = loose(bfIndex(POINTS));
      expectThrow(() => index.searchKnn({}, 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.searchKnn([1, 2, 3], undefined), 'TypeError', 'Invalid the second argument type, must be a number.');
      expectThrow(() => index.searchKnn([1, 2, 3], 1, null), 'TypeError', 'Invalid the third argument type, must be a function.');
      expectThrow(() => index.searchKnn([1, 2, 3], 1, true), 'TypeError', 'Invalid the third argument type, must be a function.');
    });

    it('throws for a bad length, element or k', () => {
      const index = loose(bfIndex(POINTS));
      expectThrow(() => index.searchKnn([1, 2], 1), 'Error', 'Invalid the given array length (expected 3, but got 2).');
      expectThrow(() => index.searchKnn([1, 2, false], 1), 'TypeError', 'Expected `queryPoint[2]` to be a number but received boolean');
      expectThrow(() => index.searchKnn([1, Infinity, 3], 1), 'RangeError', 'Expected `queryPoint[1]` to be a finite number but received Infinity');
      expectThrow(
        () => index.searchKnn([1, 2, 3], -2),
        'RangeError',
        'Expected `numNeighbors` to be an integer between 0 and 9007199254740991 but received -2',
      );
    });

    it('throws an Error if k is greater than maxElements', () => {
      expectThrow(
        () => bfIndex(POINTS, 8).searchKnn([1, 2, 3], 9),
        'Error',
        'Invalid the number of k-nearest neighbors (cannot be given a value greater than `maxElements`: 8).',
      );
    });

    it('throws an Error if k is 0', () => {
      expectThrow(
        () => bfIndex(POINTS).searchKnn([1, 2, 3], 0),
        'Error',
        'Invalid the number of k-nearest neighbors (must be a positive number).',
      );
    });

    it('returns min(k, count) results when k exceeds the count (hnswlib-node aborted)', () => {
      expect(bfIndex(POINTS, 10).searchKnn([0, 0, 0], 10)).toEqual({
        distances: [0, 1, 4, 9, 48],
        neighbors: [0, 1, 2, 3, 4],
      });
      expect(bfIndex([], 10).searchKnn([0, 0, 0], 1)).toEqual({ distances: [], neighbors: [] });
    });

    it('returns plain arrays, closest first, ties by label', () => {
      const index = new BruteforceSearch('l2', 2);
      index.initIndex(10);
      index.addPoint([0, 1], 5);
      index.addPoint([1, 0], 2);
      index.addPoint([0, -1], 9);
      index.addPoint([-1, 0], 1);
      index.addPoint([3, 4], 0);
      const result = index.searchKnn([0, 0], 3);
      expect(Array.isArray(result.distances) && Array.isArray(result.neighbors)).toBe(true);
      expect(result).toEqual({ distances: [1, 1, 1], neighbors: [1, 2, 5] });
    });

    it('computes 1 - dot in the ip space', () => {
      const index = new BruteforceSearch('ip', 2);
      index.initIndex(3);
      index.addPoint([1, 2], 1);
      index.addPoint([-1, 0], 2);
      expect(index.searchKnn([2, 1], 2)).toEqual({ distances: [-3, 3], neighbors: [1, 2] });
    });

    it('reproduces the cosine golden values of hnswlib-node', () => {
      const index = new BruteforceSearch('cosine', 3);
      index.initIndex(3);
      index.addPoint([1, 2, 3], 1);
      index.addPoint([4, 5, 6], 2);
      index.addPoint([7, 8, 9], 3);
      const result = index.searchKnn([1, 2, 2], 2);
      expect(result.neighbors).toEqual([2, 3]);
      expect(Math.abs(result.distances[0] - 0.012341678142547607)).toBeLessThan(1e-6);
      expect(Math.abs(result.distances[1] - 0.018790483474731445)).toBeLessThan(1e-6);
    });

    it('gives the same results for Float32Array input as for number[]', () => {
      const a = new BruteforceSearch('l2', 3);
      const b = new BruteforceSearch('l2', 3);
      a.initIndex(5);
      b.initIndex(5);
      POINTS.forEach((p, i) => {
        a.addPoint(p.map((x) => x + 0.1), i);
        b.addPoint(new Float32Array(p.map((x) => x + 0.1)), i);
      });
      const q = [0.25, -1.5, 2.75];
      expect(b.searchKnn(new Float32Array(q), 5)).toEqual(a.searchKnn(q, 5));
      expect(a.searchKnn(new Float32Array(q), 5)).toEqual(a.searchKnn(q, 5));
    });

    describe('with a filter', () => {
      it('returns only even labels, even when odd ones fill the first slots', () => {
        // Labels 1, 2, 4, 3 in slots 0..3: hnswlib 0.8.0 only returned [2] for k=2.
        const index = new BruteforceSearch('l2', 1);
        index.initIndex(4);
        index.addPoint([1], 1);
        index.addPoint([2], 2);
        index.addPoint([4], 4);
        index.addPoint([3], 3);
        expect(index.searchKnn([0], 2, (label) => label % 2 === 0)).toEqual({ distances: [4, 16], neighbors: [2, 4] });
      });

      it('finds exactly half of the self-queries with an even-label filter', () => {
        const index = new BruteforceSearch('l2', 2);
        index.initIndex(30);
        const data = Array.from({ length: 30 }, (_, i) => [i, (i * 5) % 7]);
        data.forEach((p, i) => index.addPoint(p, i));
        const hits = data.filter((p, i) => index.searchKnn(p, 1, (label) => label % 2 === 0).neighbors[0] === i).length;
        expect(hits).toBe(15);
      });

      it('rethrows what a throwing filter throws, and the index stays usable', () => {
        const index = bfIndex(POINTS);
        const failure = new RangeError('no thanks');
        let thrown: unknown;
        try {
          index.searchKnn([0, 0, 0], 3, () => {
            throw failure;
          });
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBe(failure);
        expect(index.searchKnn([0, 0, 0], 2)).toEqual({ distances: [0, 1], neighbors: [0, 1] });
        index.addPoint([8, 8, 8], 8);
        expect(index.getCurrentCount()).toBe(6);
      });
    });
  });

  describe('#writeIndex / #readIndex', () => {
    it('throws (synchronously) for the wrong arguments', () => {
      const index = loose(bfIndex(POINTS));
      expectThrow(() => index.writeIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.writeIndex(7), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.writeIndexSync('a', 'b'), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.readIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.readIndex('a', true), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.readIndexSync({}), 'TypeError', 'Invalid the first argument type, must be a string.');
    });

    it('round-trips through writeIndex/readIndex, which resolve to true', async () => {
      const file = tmp.file('bf.bin');
      const index = bfIndex(POINTS, 7);
      await expect(index.writeIndex(file)).resolves.toBe(true);
      const loaded = new BruteforceSearch('l2', 3);
      await expect(loaded.readIndex(file)).resolves.toBe(true);
      expect(loaded.getCurrentCount()).toBe(5);
      expect(loaded.getMaxElements()).toBe(7);
      expect(loaded.searchKnn([0, 0, 0], 5)).toEqual(index.searchKnn([0, 0, 0], 5));
    });

    it('rebuilds the label map on read: update and remove work on loaded labels', () => {
      const file = tmp.file('bf-sync.bin');
      expect(bfIndex(POINTS, 7).writeIndexSync(file)).toBeNull();
      const loaded = new BruteforceSearch('l2', 3);
      expect(loaded.readIndexSync(file)).toBeNull();
      loaded.addPoint([6, 6, 6], 2);
      expect(loaded.getCurrentCount()).toBe(5);
      expect(loaded.searchKnn([6, 6, 6], 1).neighbors).toEqual([2]);
      loaded.removePoint(0);
      expect(loaded.getCurrentCount()).toBe(4);
      expect(loaded.searchKnn([0, 0, 0], 4).neighbors).not.toContain(0);
    });

    it('rejects a missing file and keeps the previous index', async () => {
      const missing = tmp.file('missing.bin');
      const index = bfIndex(POINTS);
      await expectReject(index.readIndex(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expectThrow(() => index.readIndexSync(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 3], 1)).toEqual({ distances: [0], neighbors: [3] });
    });

    it('rejects a corrupt file and keeps the previous index', async () => {
      const file = tmp.file('corrupt.bin');
      fs.writeFileSync(file, Buffer.alloc(7, 0xff));
      const index = bfIndex(POINTS);
      await expectReject(index.readIndex(file), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.readIndexSync(file), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(5);
    });
  });
});
