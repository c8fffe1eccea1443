// HierarchicalNSW, making and setting up an index: the class itself, the constructor, what works before initIndex,
// initIndex in its positional and named forms (hnswlib-node 3.0.0's messages, hnswkit's range checks), ef, and the
// getters of the build settings and counts. Inserting and deleting: hierarchical-nsw-points.test.ts; searching:
// hierarchical-nsw-search.test.ts; files: hierarchical-nsw-files.test.ts.

import * as fs from 'fs';
import { HierarchicalNSW } from 'hnswkit';
import { expectReject, expectThrow, loose, looseClass } from './fixtures/expect-error';
import { NOT_INITIALIZED } from './helpers/messages';
import { POINTS, l2Index } from './helpers/small-index';
import { useTmpDir } from './helpers/tmp';

describe('HierarchicalNSW', () => {
  const tmp = useTmpDir('hnswkit-hnsw-init-');

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
      expectThrow(() => index.writeIndexSync(tmp.file('never.bin')), 'Error', 'Search index is not constructed.');
      expect(fs.existsSync(tmp.file('never.bin'))).toBe(false);
    });

    it('rejects writeIndex with "Hnswlib Error: search index is not constructed."', async () => {
      await expectReject(index.writeIndex(tmp.file('never.bin')), 'Error', 'Hnswlib Error: search index is not constructed.');
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
