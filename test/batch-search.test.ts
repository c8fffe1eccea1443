// Batch search: searchKnnBatch and searchKnnBatchSync on HierarchicalNSW and BruteforceSearch, held against
// per-query searchKnn in each space and against brute force, native allow / deny filters, the result's shape
// (stride, -1 / Infinity padding, found), and every argument error against its class and message.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { loose, sorted } from './fixtures/expect-error';
import {
  MODES,
  SPACES,
  type Space,
  answers,
  bfIndex,
  bfSearchVia,
  expectFailure,
  expectSyncFailure,
  expectWellFormed,
  filledHnsw,
  hnsw,
  randomVectors,
  range,
  rowOf,
  searchVia,
  singleAnswers,
  toNumberRows,
} from './helpers/batch';
import { LABEL_RANGE, NOT_INITIALIZED } from './helpers/messages';

describe('HierarchicalNSW', () => {
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
      // An array is one filter per query, so a bare list of labels is refused at its first element.
      await expectBoth(
        [Q, 1, { filter: [1, 2] }],
        'TypeError',
        'Expected `filter[0]` to be an object with `allow` or `deny` but received number',
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
});

describe('BruteforceSearch', () => {
  const DIM = 7;
  const bf = (space: Space, maxElements: number): BruteforceSearch => bfIndex(space, DIM, maxElements);

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
});
