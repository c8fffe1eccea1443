// HierarchicalNSW#searchKnn: arguments and messages, distances in each space (hnswlib-node's golden values),
// result order and freshness, and filter functions (truthiness, throwing filters, filters that call back into an
// index).

import { HierarchicalNSW } from 'hnswkit';
import { expectThrow, loose } from './fixtures/expect-error';
import { POINTS, l2Index } from './helpers/small-index';

describe('HierarchicalNSW', () => {
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
});
