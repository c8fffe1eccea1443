// HierarchicalNSW: hnswlib-node 3.0.0's surface (arguments, messages, return values, defaults, deletion, files) and
// what hnswkit adds or fixes (range checks, Float32Array, throwing filters, failed reads keeping the index).

import * as fs from 'fs';
import { HierarchicalNSW } from 'hnswkit';
import { expectReject, expectThrow, loose, looseClass, sorted, useTempDir } from './fixtures/expect-error';

const NOT_INITIALIZED = 'Search index has not been initialized, call `initIndex` in advance.';
const LABEL_RANGE = 'an integer between 0 and 9007199254740991';

/** An l2 index of dimension 3 holding `points[i]` under label i. */
function l2Index(points: number[][], maxElements = 10, allowReplaceDeleted = false): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', 3);
  index.initIndex(maxElements, 16, 200, 100, allowReplaceDeleted);
  points.forEach((p, label) => index.addPoint(p, label));
  return index;
}

const POINTS = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 2, 0],
  [0, 0, 3],
  [4, 4, 4],
];

describe('HierarchicalNSW', () => {
  const tmp = useTempDir();

  it('is a real class: calling it without `new` throws a TypeError', () => {
    expect(() => (HierarchicalNSW as unknown as (...args: unknown[]) => unknown)('l2', 3)).toThrow(
      /cannot be invoked without 'new'/,
    );
    expectThrow(
      () => (HierarchicalNSW as unknown as (...args: unknown[]) => unknown)('l2', 3),
      'TypeError',
      /without 'new'/,
    );
  });

  it('has length 0, as hnswlib-node', () => {
    expect(HierarchicalNSW.length).toBe(0);
  });

  describe('#constructor', () => {
    const Loose = looseClass(HierarchicalNSW);

    it('throws an Error if given the wrong number of arguments', () => {
      expectThrow(() => new Loose(), 'Error', 'Expected 2 arguments, but got 0.');
      expectThrow(() => new Loose('l2'), 'Error', 'Expected 2 arguments, but got 1.');
      expectThrow(() => new Loose('l2', 3, 1), 'Error', 'Expected 2 arguments, but got 3.');
    });

    it('throws a TypeError if the space name is not a string', () => {
      expectThrow(() => new Loose(1, 3), 'TypeError', 'Invalid the first argument type, must be a string.');
    });

    it('throws a TypeError if the dimension is not a number', () => {
      expectThrow(() => new Loose('l2', '3'), 'TypeError', 'Invalid the second argument type, must be a number.');
    });

    it('throws an Error if the space name is unknown', () => {
      expectThrow(() => new Loose('cos', 3), 'Error', 'Wrong space name, expected "l2", "ip", or "cosine".');
    });

    it('checks the argument types before the space name', () => {
      expectThrow(() => new Loose('cos', '3'), 'TypeError', 'Invalid the second argument type, must be a number.');
    });

    it('throws a RangeError if the dimension is not an integer in 1..65536', () => {
      for (const [value, shown] of [
        [0, '0'],
        [-1, '-1'],
        [1.5, '1.5'],
        [65537, '65537'],
        [NaN, 'NaN'],
        [Infinity, 'Infinity'],
      ] as const) {
        expectThrow(
          () => new HierarchicalNSW('l2', value),
          'RangeError',
          `Expected \`numDimensions\` to be an integer between 1 and 65536 but received ${shown}`,
        );
      }
    });

    it('accepts the three space names and keeps the dimension', () => {
      for (const space of ['l2', 'ip', 'cosine'] as const) {
        expect(new HierarchicalNSW(space, 65536).getNumDimensions()).toBe(65536);
      }
      expect(new HierarchicalNSW('l2', 1).getNumDimensions()).toBe(1);
    });
  });

  describe('before #initIndex', () => {
    const index = new HierarchicalNSW('l2', 3);

    it('reports 0 for getCurrentCount, getMaxElements and getDeletedCount', () => {
      expect(index.getCurrentCount()).toBe(0);
      expect(index.getMaxElements()).toBe(0);
      expect(index.getDeletedCount()).toBe(0);
    });

    it('returns [] from getIdsList and getPoint', () => {
      expect(index.getIdsList()).toEqual([]);
      expect(index.getPoint(0)).toEqual([]);
    });

    it('still checks the arguments of getPoint', () => {
      expectThrow(() => loose(index).getPoint(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => loose(index).getPoint('0'), 'TypeError', 'Invalid the first argument type, must be a number.');
    });

    it('throws the "not been initialized" Error from getEf, setEf and the mutators', () => {
      expectThrow(() => index.getEf(), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.setEf(10), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.addPoint([1, 2, 3], 0), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.markDelete(0), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.unmarkDelete(0), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.searchKnn([1, 2, 3], 1), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.resizeIndex(10), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.getM(), 'Error', NOT_INITIALIZED);
      expectThrow(() => index.getEfConstruction(), 'Error', NOT_INITIALIZED);
    });

    it('gives the not-initialized error a code', () => {
      try {
        index.getEf();
      } catch (err) {
        expect((err as { code?: string }).code).toBe('ERR_NOT_INITIALIZED');
      }
      expect.assertions(1);
    });

    it('checks argument types before the initialisation', () => {
      expectThrow(() => loose(index).addPoint('x', 0), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => loose(index).searchKnn([1, 2, 3], '1'), 'TypeError', 'Invalid the second argument type, must be a number.');
    });

    it('throws "Search index is not constructed." from writeIndexSync', () => {
      expectThrow(() => index.writeIndexSync(tmp.path('never.bin')), 'Error', 'Search index is not constructed.');
      expect(fs.existsSync(tmp.path('never.bin'))).toBe(false);
    });

    it('rejects writeIndex with "Hnswlib Error: search index is not constructed."', async () => {
      await expectReject(index.writeIndex(tmp.path('never.bin')), 'Error', 'Hnswlib Error: search index is not constructed.');
    });
  });

  describe('#initIndex', () => {
    it('throws an Error if given no argument', () => {
      expectThrow(() => loose(new HierarchicalNSW('l2', 3)).initIndex(), 'Error', 'Expected 1-5 arguments, but got 0.');
    });

    it('throws TypeErrors with hnswlib-node\'s positional messages (the `sencond` typo included)', () => {
      const index = loose(new HierarchicalNSW('l2', 3));
      expectThrow(() => index.initIndex('10'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.initIndex(null), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.initIndex(10, '16'), 'TypeError', 'Invalid the sencond argument type, must be a number.');
      expectThrow(() => index.initIndex(10, 16, '200'), 'TypeError', 'Invalid the third argument type, must be a number.');
      expectThrow(() => index.initIndex(10, 16, 200, '1'), 'TypeError', 'Invalid the fourth argument type, must be a number.');
      expectThrow(() => index.initIndex(10, 16, 200, 1, 1), 'TypeError', 'Invalid the fifth argument type, must be a boolean.');
    });

    it('returns null and applies the defaults m=16, efConstruction=200, ef=10', () => {
      const index = new HierarchicalNSW('l2', 3);
      expect(index.initIndex(10)).toBeNull();
      expect(index.getMaxElements()).toBe(10);
      expect(index.getCurrentCount()).toBe(0);
      expect(index.getM()).toBe(16);
      expect(index.getEfConstruction()).toBe(200);
      expect(index.getEf()).toBe(10);
    });

    it('treats undefined positional arguments as "use the default" and ignores extra arguments', () => {
      const index = new HierarchicalNSW('l2', 3);
      loose(index).initIndex(10, undefined, undefined, undefined, undefined, 'extra');
      expect(index.getM()).toBe(16);
      expect(index.getEfConstruction()).toBe(200);
    });

    it('takes all five positional arguments', () => {
      const index = new HierarchicalNSW('l2', 3);
      expect(index.initIndex(7, 8, 50, 42, true)).toBeNull();
      expect(index.getMaxElements()).toBe(7);
      expect(index.getM()).toBe(8);
      expect(index.getEfConstruction()).toBe(50);
      // allowReplaceDeleted=true: a deleted slot can be reused.
      index.addPoint([1, 2, 3], 1);
      index.markDelete(1);
      index.addPoint([3, 2, 1], 2, true);
      expect(index.getCurrentCount()).toBe(1);
    });

    it('takes the named form with the same defaults', () => {
      const index = new HierarchicalNSW('l2', 3);
      expect(index.initIndex({ maxElements: 12 })).toBeNull();
      expect(index.getMaxElements()).toBe(12);
      expect(index.getM()).toBe(16);
      expect(index.getEfConstruction()).toBe(200);
      expect(index.getEf()).toBe(10);
      index.initIndex({ maxElements: 5, m: 4, efConstruction: 20, randomSeed: 7, allowReplaceDeleted: true });
      expect(index.getMaxElements()).toBe(5);
      expect(index.getM()).toBe(4);
      expect(index.getEfConstruction()).toBe(20);
      index.addPoint([1, 2, 3], 1);
      index.markDelete(1);
      index.addPoint([3, 2, 1], 2, true);
      expect(index.getIdsList()).toEqual([2]);
    });

    it('throws a TypeError if the named form lacks maxElements (an Array counts as the named form)', () => {
      const index = loose(new HierarchicalNSW('l2', 3));
      expectThrow(() => index.initIndex({}), 'TypeError', 'Missing named argument `maxElements`, must be specified.');
      expectThrow(() => index.initIndex({ m: 16 }), 'TypeError', 'Missing named argument `maxElements`, must be specified.');
      expectThrow(() => index.initIndex([10]), 'TypeError', 'Missing named argument `maxElements`, must be specified.');
    });

    it('throws TypeErrors with hnswlib-node\'s named messages (the `allowRepalceDeleted` typo included)', () => {
      const index = loose(new HierarchicalNSW('l2', 3));
      expectThrow(() => index.initIndex({ maxElements: '10' }), 'TypeError', 'Invalid the named argument type `maxElements`, must be a number.');
      expectThrow(() => index.initIndex({ maxElements: 10, m: '16' }), 'TypeError', 'Invalid the named argument type `m`, must be a number.');
      expectThrow(
        () => index.initIndex({ maxElements: 10, efConstruction: null }),
        'TypeError',
        'Invalid the named argument type `efConstruction`, must be a number.',
      );
      expectThrow(
        () => index.initIndex({ maxElements: 10, randomSeed: '1' }),
        'TypeError',
        'Invalid the named argument type `randomSeed`, must be a number.',
      );
      expectThrow(
        () => index.initIndex({ maxElements: 10, allowReplaceDeleted: 1 }),
        'TypeError',
        'Invalid the named argument type `allowRepalceDeleted`, must be a boolean.',
      );
    });

    it('throws a TypeError for a named key that is present but undefined', () => {
      const index = loose(new HierarchicalNSW('l2', 3));
      expectThrow(() => index.initIndex({ maxElements: undefined }), 'TypeError', 'Invalid the named argument type `maxElements`, must be a number.');
      expectThrow(() => index.initIndex({ maxElements: 10, m: undefined }), 'TypeError', 'Invalid the named argument type `m`, must be a number.');
      expectThrow(
        () => index.initIndex({ maxElements: 10, allowReplaceDeleted: undefined }),
        'TypeError',
        'Invalid the named argument type `allowRepalceDeleted`, must be a boolean.',
      );
    });

    it('uses the named form only when the object is the only argument', () => {
      const index = loose(new HierarchicalNSW('l2', 3));
      expectThrow(() => index.initIndex({ maxElements: 10 }, 16), 'TypeError', 'Invalid the first argument type, must be a number.');
    });

    it('throws RangeErrors naming the argument, the bounds and the value', () => {
      const index = new HierarchicalNSW('l2', 3);
      expectThrow(() => index.initIndex(-1), 'RangeError', 'Expected `maxElements` to be an integer between 0 and 4294967295 but received -1');
      expectThrow(() => index.initIndex(1.5), 'RangeError', 'Expected `maxElements` to be an integer between 0 and 4294967295 but received 1.5');
      expectThrow(
        () => index.initIndex(2 ** 32),
        'RangeError',
        'Expected `maxElements` to be an integer between 0 and 4294967295 but received 4294967296',
      );
      expectThrow(() => index.initIndex(NaN), 'RangeError', 'Expected `maxElements` to be an integer between 0 and 4294967295 but received NaN');
      expectThrow(() => index.initIndex(10, 1), 'RangeError', 'Expected `m` to be an integer between 2 and 10000 but received 1');
      expectThrow(() => index.initIndex(10, 0), 'RangeError', 'Expected `m` to be an integer between 2 and 10000 but received 0');
      expectThrow(() => index.initIndex(10, 10001), 'RangeError', 'Expected `m` to be an integer between 2 and 10000 but received 10001');
      expectThrow(
        () => index.initIndex(10, 16, -5),
        'RangeError',
        'Expected `efConstruction` to be an integer between 0 and 4294967295 but received -5',
      );
      expectThrow(
        () => index.initIndex(10, 16, 200, -1),
        'RangeError',
        'Expected `randomSeed` to be an integer between 0 and 9007199254740991 but received -1',
      );
      expectThrow(
        () => index.initIndex({ maxElements: 10, randomSeed: 2 ** 53 }),
        'RangeError',
        'Expected `randomSeed` to be an integer between 0 and 9007199254740991 but received 9007199254740992',
      );
      expectThrow(() => index.initIndex({ maxElements: 10, m: 1 }), 'RangeError', 'Expected `m` to be an integer between 2 and 10000 but received 1');
      // Nothing was initialised by the failed calls.
      expect(index.getMaxElements()).toBe(0);
    });

    it('gives RangeErrors the code ERR_OUT_OF_RANGE', () => {
      try {
        new HierarchicalNSW('l2', 3).initIndex(-1);
      } catch (err) {
        expect((err as { code?: string }).code).toBe('ERR_OUT_OF_RANGE');
      }
      expect.assertions(1);
    });

    it('accepts the bounds themselves', () => {
      const index = new HierarchicalNSW('l2', 3);
      index.initIndex({ maxElements: 0, m: 2, efConstruction: 0, randomSeed: 0 });
      expect(index.getMaxElements()).toBe(0);
      index.initIndex({ maxElements: 3, m: 2, randomSeed: Number.MAX_SAFE_INTEGER });
      index.addPoint([1, 1, 1], 1);
      expect(index.searchKnn([1, 1, 1], 1).neighbors).toEqual([1]);
    });

    it('discards the previous index when called again', () => {
      const index = l2Index(POINTS);
      expect(index.getCurrentCount()).toBe(5);
      index.initIndex(20);
      expect(index.getCurrentCount()).toBe(0);
      expect(index.getMaxElements()).toBe(20);
      expect(index.getIdsList()).toEqual([]);
    });

    it('builds the same graph from the same seed', () => {
      const data = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), Math.sin(i * 0.7)]);
      const build = (): HierarchicalNSW => {
        const index = new HierarchicalNSW('l2', 3);
        index.initIndex({ maxElements: 200, m: 4, efConstruction: 10, randomSeed: 5 });
        data.forEach((p, i) => index.addPoint(p, i));
        return index;
      };
      const a = build();
      const b = build();
      for (let q = 0; q < 20; q++) {
        expect(a.searchKnn(data[q * 7], 5)).toEqual(b.searchKnn(data[q * 7], 5));
      }
    });
  });

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

  describe('#searchKnn', () => {
    it('throws an Error if given fewer than 2 arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.searchKnn(), 'Error', 'Expected 2-3 arguments, but got 0.');
      expectThrow(() => index.searchKnn([1, 2, 3]), 'Error', 'Expected 2-3 arguments, but got 1.');
    });

    it('throws TypeErrors for the wrong argument types', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.searchKnn('abc', 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.searchKnn(new Float64Array(3), 1), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => index.searchKnn([1, 2, 3], '1'), 'TypeError', 'Invalid the second argument type, must be a number.');
      expectThrow(() => index.searchKnn([1, 2, 3], 1, null), 'TypeError', 'Invalid the third argument type, must be a function.');
      expectThrow(() => index.searchKnn([1, 2, 3], 1, 'even'), 'TypeError', 'Invalid the third argument type, must be a function.');
    });

    it('throws a RangeError if k is negative, fractional or NaN', () => {
      const index = l2Index(POINTS);
      for (const [k, shown] of [
        [-1, '-1'],
        [1.5, '1.5'],
        [NaN, 'NaN'],
      ] as const) {
        expectThrow(
          () => index.searchKnn([1, 2, 3], k),
          'RangeError',
          `Expected \`numNeighbors\` to be an integer between 0 and 9007199254740991 but received ${shown}`,
        );
      }
    });

    it('throws an Error if the query has the wrong length', () => {
      const index = l2Index(POINTS);
      expectThrow(() => index.searchKnn([1, 2], 1), 'Error', 'Invalid the given array length (expected 3, but got 2).');
      expectThrow(() => index.searchKnn(new Float32Array(4), 1), 'Error', 'Invalid the given array length (expected 3, but got 4).');
    });

    it('throws TypeError/RangeError naming a bad query element', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.searchKnn([1, {}, 3], 1), 'TypeError', 'Expected `queryPoint[1]` to be a number but received an object');
      expectThrow(() => index.searchKnn([1, 2, NaN], 1), 'RangeError', 'Expected `queryPoint[2]` to be a finite number but received NaN');
    });

    it('throws an Error if k is greater than maxElements', () => {
      const index = l2Index(POINTS, 10);
      expectThrow(
        () => index.searchKnn([1, 2, 3], 11),
        'Error',
        'Invalid the number of k-nearest neighbors (cannot be given a value greater than `maxElements`: 10).',
      );
    });

    it('returns empty arrays for k == 0', () => {
      expect(l2Index(POINTS).searchKnn([1, 2, 3], 0)).toEqual({ distances: [], neighbors: [] });
    });

    it('returns fewer results, without an error, when k exceeds the element count', () => {
      const index = l2Index(POINTS, 10);
      const result = index.searchKnn([0, 0, 0], 10);
      expect(result.neighbors).toHaveLength(5);
      expect(l2Index([], 10).searchKnn([0, 0, 0], 3)).toEqual({ distances: [], neighbors: [] });
    });

    it('returns plain arrays of squared L2 distances, closest first', () => {
      const index = l2Index(POINTS);
      const result = index.searchKnn([0, 0, 0], 5);
      expect(Object.keys(result).sort()).toEqual(['distances', 'neighbors']);
      expect(Array.isArray(result.distances)).toBe(true);
      expect(Array.isArray(result.neighbors)).toBe(true);
      expect(result).toEqual({ distances: [0, 1, 4, 9, 48], neighbors: [0, 1, 2, 3, 4] });
      expect(index.searchKnn([3, 4, 0], 1)).toEqual({ distances: [13], neighbors: [2] });
    });

    it('orders equal distances by label', () => {
      const index = new HierarchicalNSW('l2', 2);
      index.initIndex(10);
      index.addPoint([0, 1], 5);
      index.addPoint([1, 0], 2);
      index.addPoint([0, -1], 9);
      index.addPoint([-1, 0], 1);
      expect(index.searchKnn([0, 0], 4)).toEqual({ distances: [1, 1, 1, 1], neighbors: [1, 2, 5, 9] });
    });

    it('computes 1 - dot in the ip space (negative values included)', () => {
      const index = new HierarchicalNSW('ip', 3);
      index.initIndex(5);
      index.addPoint([1, 2, 3], 1);
      index.addPoint([0, 0, 1], 2);
      index.addPoint([0.5, 0, 0], 3);
      expect(index.searchKnn([1, 1, 1], 3)).toEqual({ distances: [-5, 0, 0.5], neighbors: [1, 2, 3] });
    });

    it('reproduces the cosine golden values of hnswlib-node', () => {
      const index = new HierarchicalNSW('cosine', 3);
      index.initIndex(3);
      index.addPoint([1, 2, 3], 1);
      index.addPoint([4, 5, 6], 2);
      index.addPoint([7, 8, 9], 3);
      const result = index.searchKnn([1, 2, 2], 2);
      expect(result.neighbors).toEqual([2, 3]);
      expect(result.distances[0]).toBeCloseTo(0.012341678142547607, 6);
      expect(result.distances[1]).toBeCloseTo(0.018790483474731445, 6);
      expect(Math.abs(result.distances[0] - 0.012341678142547607)).toBeLessThan(1e-6);
      expect(Math.abs(result.distances[1] - 0.018790483474731445)).toBeLessThan(1e-6);
    });

    it('gives a zero vector distance 1 to everything in the cosine space', () => {
      const index = new HierarchicalNSW('cosine', 2);
      index.initIndex(2);
      index.addPoint([3, 4], 0);
      expect(index.searchKnn([0, 0], 1)).toEqual({ distances: [1], neighbors: [0] });
    });

    it('gives the same results for a Float32Array query as for a number[]', () => {
      const index = l2Index(POINTS);
      const q = [0.3, 1.7, -0.2];
      expect(index.searchKnn(new Float32Array(q), 5)).toEqual(index.searchKnn(q, 5));
    });

    it('ignores arguments after the third, as hnswlib-node', () => {
      const index = loose(l2Index(POINTS));
      expect(index.searchKnn([0, 0, 0], 1, undefined, 'extra')).toEqual({ distances: [0], neighbors: [0] });
    });

    describe('with a filter', () => {
      const many = Array.from({ length: 40 }, (_, i) => [i, (i * 7) % 11, (i * 3) % 5]);

      function manyIndex(): HierarchicalNSW {
        const index = new HierarchicalNSW('l2', 3);
        index.initIndex(many.length);
        many.forEach((p, i) => index.addPoint(p, i));
        index.setEf(100);
        return index;
      }

      it('returns only the labels the filter accepts', () => {
        const index = manyIndex();
        const seen: unknown[] = [];
        const result = index.searchKnn([10, 3, 0], 10, (label) => {
          seen.push(label);
          return label % 2 === 0;
        });
        expect(result.neighbors).toHaveLength(10);
        expect(result.neighbors.every((l) => l % 2 === 0)).toBe(true);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.every((l) => typeof l === 'number')).toBe(true);
        // The even-label exact answer.
        const exact = many
          .map((p, i) => ({ i, d: (p[0] - 10) ** 2 + (p[1] - 3) ** 2 + p[2] ** 2 }))
          .filter(({ i }) => i % 2 === 0)
          .sort((a, b) => a.d - b.d || a.i - b.i)
          .slice(0, 10);
        expect(result.distances).toEqual(exact.map((e) => e.d));
      });

      it('finds half of the self-queries with an even-label filter', () => {
        const index = manyIndex();
        let hits = 0;
        many.forEach((p, i) => {
          const { neighbors } = index.searchKnn(p, 1, (label) => label % 2 === 0);
          if (neighbors[0] === i) hits++;
        });
        expect(hits).toBe(many.length / 2);
      });

      it('applies JavaScript truthiness to the filter result', () => {
        const index = manyIndex();
        const filter = ((label: number) => (label === 5 ? 'yes' : 0)) as unknown as (label: number) => boolean;
        expect(index.searchKnn([0, 0, 0], 3, filter).neighbors).toEqual([5]);
      });

      it('accepts undefined as "no filter"', () => {
        const index = manyIndex();
        expect(index.searchKnn([0, 0, 0], 3, undefined)).toEqual(index.searchKnn([0, 0, 0], 3));
      });

      it('rethrows what a throwing filter throws, and the index stays usable', () => {
        const index = manyIndex();
        class FilterFailure extends Error {}
        let thrown: unknown;
        try {
          index.searchKnn([1, 1, 1], 5, () => {
            throw new FilterFailure('filter failed');
          });
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(FilterFailure);
        expect((thrown as Error).message).toBe('filter failed');
        expect(index.searchKnn(many[3], 1).neighbors).toEqual([3]);
        index.addPoint([100, 100, 100], 1);
        expect(index.getCurrentCount()).toBe(many.length);
        expect(index.searchKnn([100, 100, 100], 1, () => true).neighbors).toEqual([1]);
      });
    });
  });

  describe('#searchKnn results', () => {
    it('returns fresh arrays on every call: a later search does not change an earlier result', () => {
      const index = l2Index(POINTS);
      const first = index.searchKnn([0, 0, 0], 2);
      const second = index.searchKnn(new Float32Array([4, 4, 4]), 3);
      expect(first).toEqual({ distances: [0, 1], neighbors: [0, 1] });
      expect(second).toEqual({ distances: [0, 33, 36], neighbors: [4, 3, 2] });
      expect(Array.isArray(second.distances) && Array.isArray(second.neighbors)).toBe(true);
    });

    it('answers a k far above the usual sizes (every element of a 3000-element index)', () => {
      const n = 3000;
      const index = new HierarchicalNSW('l2', 1);
      index.initIndex(n);
      for (let i = 0; i < n; i++) index.addPoint([i], i);
      index.setEf(n);
      const { distances, neighbors } = index.searchKnn([0], n);
      expect(neighbors).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(distances[n - 1]).toBe((n - 1) ** 2);
      expectThrow(
        () => index.searchKnn([0], n + 1),
        'Error',
        `Invalid the number of k-nearest neighbors (cannot be given a value greater than \`maxElements\`: ${n}).`,
      );
      expectThrow(() => index.searchKnn(new Float32Array([NaN]), n + 1), 'RangeError', 'Expected `queryPoint[0]` to be a finite number but received NaN');
    });

    it('keeps the outer result intact when a filter searches another index meanwhile', () => {
      const outer = l2Index(POINTS);
      const inner = l2Index(POINTS.map(([x, y, z]) => [x + 10, y, z]));
      const innerResults: number[][] = [];
      const result = outer.searchKnn([0, 0, 0], 3, (label) => {
        innerResults.push(inner.searchKnn([10, 0, 0], 2).neighbors);
        return label !== 0;
      });
      expect(result).toEqual({ distances: [1, 4, 9], neighbors: [1, 2, 3] });
      expect(innerResults.length).toBeGreaterThan(0);
      for (const neighbors of innerResults) expect(neighbors).toEqual([0, 1]);
    });
  });

  describe('#searchKnn with a filter that calls back into the index', () => {
    it('throws an ERR_INDEX_BUSY error out of searchKnn, and the index stays usable', () => {
      const index = l2Index(POINTS);
      let thrown: unknown;
      try {
        index.searchKnn([0, 0, 0], 3, () => {
          index.addPoint([9, 9, 9], 9);
          return true;
        });
      } catch (err) {
        thrown = err;
      }
      expect((thrown as { constructor: { name: string } }).constructor.name).toBe('Error');
      expect((thrown as { code?: string }).code).toBe('ERR_INDEX_BUSY');
      expect((thrown as Error).message).toMatch(/^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 0], 2)).toEqual({ distances: [0, 1], neighbors: [0, 1] });
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

  describe('#getEf / #setEf', () => {
    it('throws for the wrong arguments of setEf', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.setEf(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.setEf(10, 20), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.setEf('10'), 'TypeError', 'Invalid the first argument type, must be a number.');
      expectThrow(() => index.setEf(-1), 'RangeError', 'Expected `ef` to be an integer between 0 and 4294967295 but received -1');
      expectThrow(() => index.setEf(2.5), 'RangeError', 'Expected `ef` to be an integer between 0 and 4294967295 but received 2.5');
    });

    it('starts at 10, and setEf returns null and changes it', () => {
      const index = l2Index(POINTS);
      expect(index.getEf()).toBe(10);
      expect(index.setEf(123)).toBeNull();
      expect(index.getEf()).toBe(123);
      index.setEf(0);
      expect(index.getEf()).toBe(0);
      expect(index.searchKnn([0, 0, 0], 3).neighbors).toEqual([0, 1, 2]);
    });

    it('goes back to 10 on initIndex', () => {
      const index = l2Index(POINTS);
      index.setEf(50);
      index.initIndex(10);
      expect(index.getEf()).toBe(10);
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

  describe('#writeIndex / #readIndex', () => {
    it('throws (synchronously) for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.writeIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.writeIndex('a', 'b'), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.writeIndex(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.writeIndexSync(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.writeIndexSync(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndex(), 'Error', 'Expected 1-2 arguments, but got 0.');
      expectThrow(() => index.readIndex(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndex('a', 1), 'TypeError', 'Invalid the second argument type, must be a boolean.');
      expectThrow(() => index.readIndexSync(), 'Error', 'Expected 1-2 arguments, but got 0.');
      expectThrow(() => index.readIndexSync(null), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndexSync('a', 'yes'), 'TypeError', 'Invalid the second argument type, must be a boolean.');
    });

    it('round-trips through writeIndex/readIndex, which resolve to true', async () => {
      const file = tmp.path('round-trip.hnsw');
      const index = l2Index(POINTS, 10);
      index.markDelete(2);
      index.setEf(77);
      await expect(index.writeIndex(file)).resolves.toBe(true);
      expect(fs.statSync(file).size).toBeGreaterThan(0);

      const loaded = new HierarchicalNSW('l2', 3);
      await expect(loaded.readIndex(file)).resolves.toBe(true);
      expect(loaded.getEf()).toBe(10);
      expect(loaded.getMaxElements()).toBe(10);
      expect(loaded.getCurrentCount()).toBe(5);
      expect(loaded.getDeletedCount()).toBe(1);
      expect(loaded.getM()).toBe(16);
      expect(sorted(loaded.getIdsList())).toEqual([0, 1, 2, 3, 4]);
      expect(loaded.getPoint(4)).toEqual([4, 4, 4]);
      expectThrow(() => loaded.getPoint(2), 'Error', 'Hnswlib Error: Label not found');
      expect(loaded.searchKnn([0, 0, 0], 5)).toEqual(index.searchKnn([0, 0, 0], 5));
      expect(loaded.getNumDimensions()).toBe(3);
    });

    it('round-trips through writeIndexSync/readIndexSync, which return null', () => {
      const file = tmp.path('round-trip-sync.hnsw');
      const index = l2Index(POINTS, 6);
      expect(index.writeIndexSync(file)).toBeNull();
      const loaded = new HierarchicalNSW('l2', 3);
      expect(loaded.readIndexSync(file)).toBeNull();
      expect(loaded.getEf()).toBe(10);
      expect(loaded.getMaxElements()).toBe(6);
      expect(loaded.searchKnn([0, 2, 0], 1)).toEqual({ distances: [0], neighbors: [2] });
      // The loaded index keeps working: add up to the file's capacity.
      loaded.addPoint([5, 5, 5], 5);
      expectThrow(() => loaded.addPoint([6, 6, 6], 6), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
    });

    it('passes allowReplaceDeleted on to the loaded index', async () => {
      const file = tmp.path('replace.hnsw');
      const index = l2Index(POINTS, 5);
      index.markDelete(0);
      index.writeIndexSync(file);

      const plain = new HierarchicalNSW('l2', 3);
      await plain.readIndex(file);
      expectThrow(
        () => plain.addPoint([9, 9, 9], 9, true),
        'Error',
        'Hnswlib Error: Replacement of deleted elements is disabled in constructor',
      );

      const replacing = new HierarchicalNSW('l2', 3);
      await replacing.readIndex(file, true);
      replacing.addPoint([9, 9, 9], 9, true);
      expect(sorted(replacing.getIdsList())).toEqual([1, 2, 3, 4, 9]);

      const replacingSync = new HierarchicalNSW('l2', 3);
      replacingSync.readIndexSync(file, true);
      replacingSync.addPoint([9, 9, 9], 9, true);
      expect(replacingSync.getCurrentCount()).toBe(5);
    });

    it('reads the same index into a cosine object and searches it', async () => {
      const file = tmp.path('cosine.hnsw');
      const index = new HierarchicalNSW('cosine', 3);
      index.initIndex(3);
      index.addPoint([1, 2, 3], 1);
      index.addPoint([4, 5, 6], 2);
      index.addPoint([7, 8, 9], 3);
      await index.writeIndex(file);
      const loaded = new HierarchicalNSW('cosine', 3);
      await loaded.readIndex(file);
      expect(loaded.searchKnn([1, 2, 2], 2)).toEqual(index.searchKnn([1, 2, 2], 2));
    });

    it('rejects readIndex of a missing file and keeps the previous index', async () => {
      const missing = tmp.path('missing.hnsw');
      const index = l2Index(POINTS);
      await expectReject(index.readIndex(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 3], 1)).toEqual({ distances: [0], neighbors: [3] });
      index.addPoint([2, 2, 2], 5);
      expect(index.getCurrentCount()).toBe(6);
    });

    it('throws from readIndexSync of a missing file and keeps the previous index', () => {
      const missing = tmp.path('missing-sync.hnsw');
      const index = l2Index(POINTS);
      expectThrow(() => index.readIndexSync(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 3], 1)).toEqual({ distances: [0], neighbors: [3] });
    });

    it('rejects a corrupt file with an Hnswlib Error and keeps the previous index', async () => {
      const file = tmp.path('corrupt.hnsw');
      fs.writeFileSync(file, Buffer.from('this is not an hnswlib index, not at all'));
      const index = l2Index(POINTS);
      await expectReject(index.readIndex(file), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.readIndexSync(file), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([1, 0, 0], 1).neighbors).toEqual([1]);
    });

    it('rejects a truncated file and leaves an uninitialised object uninitialised', async () => {
      const good = tmp.path('good.hnsw');
      l2Index(POINTS).writeIndexSync(good);
      const bytes = fs.readFileSync(good);
      const truncated = tmp.path('truncated.hnsw');
      fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const index = new HierarchicalNSW('l2', 3);
      await expectReject(index.readIndex(truncated), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(0);
      expectThrow(() => index.getEf(), 'Error', NOT_INITIALIZED);
    });

    it('rejects a file of another dimension (hnswlib-node loaded it and read garbage)', async () => {
      const file = tmp.path('dim3.hnsw');
      l2Index(POINTS).writeIndexSync(file);
      const index = new HierarchicalNSW('l2', 4);
      index.initIndex(2);
      index.addPoint([1, 2, 3, 4], 1);
      await expectReject(index.readIndex(file), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.readIndexSync(file), 'Error', /^Hnswlib Error: /);
      expect(index.getPoint(1)).toEqual([1, 2, 3, 4]);
    });

    it('reports a write that cannot happen (unlike hnswlib-node)', async () => {
      const index = l2Index(POINTS);
      const target = tmp.path('no-such-dir/index.hnsw');
      await expectReject(index.writeIndex(target), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.writeIndexSync(target), 'Error', /^Hnswlib Error: /);
    });
  });

  describe('#getM / #getEfConstruction / #getDeletedCount', () => {
    it('report the build settings and the number of deleted elements', () => {
      const index = new HierarchicalNSW('ip', 4);
      index.initIndex({ maxElements: 10, m: 12, efConstruction: 64 });
      expect(index.getM()).toBe(12);
      expect(index.getEfConstruction()).toBe(64);
      expect(index.getDeletedCount()).toBe(0);
      index.addPoint([1, 0, 0, 0], 1);
      index.addPoint([0, 1, 0, 0], 2);
      index.markDelete(1);
      expect(index.getDeletedCount()).toBe(1);
      index.unmarkDelete(1);
      expect(index.getDeletedCount()).toBe(0);
    });
  });

  describe('#getNumDimensions / #getMaxElements / #getCurrentCount', () => {
    it('count elements, deleted ones included', () => {
      const index = l2Index(POINTS, 9);
      expect(index.getNumDimensions()).toBe(3);
      expect(index.getMaxElements()).toBe(9);
      expect(index.getCurrentCount()).toBe(5);
      index.markDelete(0);
      expect(index.getCurrentCount()).toBe(5);
    });
  });
});
