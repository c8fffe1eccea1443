// A Promise searchKnnBatch over more queries than one chunk (2^21 floats) runs as one native job per chunk of
// rows, copying the next chunk while the one before is searched. The answers are those of the Sync form row for
// row (per-query filters included), the index's ef is the one of the call's start, a bad element of a later chunk
// rejects with its global row, and the batch is one job in flight from the call until it settles.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { busyMessage, expectError, expectFailure, failureOf, nextImmediate, randomVectors, range } from './helpers/batch';

const DIM = 512;
const CHUNK_ROWS = (1 << 21) / DIM;
// Three chunks: two whole ones and part of a third.
const QUERIES = 2 * CHUNK_ROWS + 1808;
const ELEMENTS = 3000;

const data = randomVectors(ELEMENTS, DIM, 41);
const queries = randomVectors(QUERIES, DIM, 42);

function hnswIndex(): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(ELEMENTS, 8, 40, 100);
  index.addItemsSync(data, undefined, { numThreads: 2 });
  return index;
}

function expectSameResults(a: ReturnType<HierarchicalNSW['searchKnnBatchSync']>, b: typeof a): void {
  expect(a.k).toBe(b.k);
  expect(a.count).toBe(b.count);
  expect(Array.from(a.found)).toEqual(Array.from(b.found));
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
}

describe('a Promise searchKnnBatch over several chunks', () => {
  const hnsw = hnswIndex();

  it('answers every row as searchKnnBatchSync does (HierarchicalNSW, 2 threads)', async () => {
    const chunked = await hnsw.searchKnnBatch(queries, 10, { numThreads: 2, ef: 30 });
    expect(chunked.count).toBe(QUERIES);
    expectSameResults(chunked, hnsw.searchKnnBatchSync(queries, 10, { numThreads: 1, ef: 30 }));
  }, 60_000);

  it('answers every row as searchKnnBatchSync does (BruteforceSearch)', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ELEMENTS);
    index.addItemsSync(data.subarray(0, 400 * DIM));
    const chunked = await index.searchKnnBatch(queries, 5, { numThreads: 2 });
    expectSameResults(chunked, index.searchKnnBatchSync(queries, 5, { numThreads: 2 }));
  }, 60_000);

  it('gives each row its own filter, in every chunk', async () => {
    // Row r may see only the labels congruent to r modulo 7, and every 5th row is unfiltered.
    const filter = Array.from({ length: QUERIES }, (_, r) =>
      r % 5 === 0 ? undefined : { allow: range(0, ELEMENTS).filter((label) => label % 7 === r % 7) },
    );
    const chunked = await hnsw.searchKnnBatch(queries, 3, { numThreads: 2, ef: 30, filter });
    expectSameResults(chunked, hnsw.searchKnnBatchSync(queries, 3, { numThreads: 2, ef: 30, filter }));
    for (const r of [1, CHUNK_ROWS + 1, 2 * CHUNK_ROWS + 4, QUERIES - 1]) {
      const labels = Array.from(chunked.labels.subarray(r * 3, r * 3 + 3));
      expect(labels.every((label) => label % 7 === r % 7)).toBe(true);
    }
  }, 60_000);

  it("searches every chunk with the index's ef of the call's start, whatever setEf runs meanwhile", async () => {
    const index = hnswIndex();
    index.setEf(200);
    const pending = index.searchKnnBatch(queries, 10, { numThreads: 2 });
    index.setEf(10);
    const atStart = await pending;
    expect(index.getEf()).toBe(10);
    expectSameResults(atStart, index.searchKnnBatchSync(queries, 10, { numThreads: 2, ef: 200 }));
  }, 60_000);

  it('rejects for a NaN in its last chunk, naming the row of the whole batch', async () => {
    const bad = queries.slice();
    bad[(QUERIES - 2) * DIM + 3] = NaN;
    await expectFailure(
      () => hnsw.searchKnnBatch(bad, 10, { numThreads: 2 }),
      'RangeError',
      `Expected \`queries[${QUERIES - 2}][3]\` to be a finite number but received NaN`,
    );
  }, 60_000);

  it('counts as one job in flight from the call until it settles, between chunks too', async () => {
    const index = hnswIndex();
    let settled = false;
    const pending = index.searchKnnBatch(queries, 10, { numThreads: 1, ef: 100 }).finally(() => {
      settled = true;
    });
    const refusals: unknown[] = [];
    while (!settled) {
      refusals.push(await failureOf(async () => index.resizeIndex(2 * ELEMENTS)));
      await nextImmediate();
    }
    expect((await pending).count).toBe(QUERIES);
    expect(refusals.length).toBeGreaterThan(2);
    // The last attempt may have run after the batch settled.
    for (const refused of refusals.slice(0, -1)) {
      expectError(refused, 'Error', busyMessage('resizeIndex', 1), 'ERR_INDEX_BUSY');
    }
    index.resizeIndex(2 * ELEMENTS);
    expect(index.getMaxElements()).toBe(2 * ELEMENTS);
  }, 60_000);

  it('finishes after close(), and the index is closed once it has', async () => {
    const index = hnswIndex();
    const expected = index.searchKnnBatchSync(queries, 10, { numThreads: 2 });
    const pending = index.searchKnnBatch(queries, 10, { numThreads: 2 });
    index.close();
    expectSameResults(await pending, expected);
    expect(() => index.getCurrentCount()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  }, 60_000);

  it('fails clearly when the caller transfers the buffer mid-batch', async () => {
    const own = queries.slice();
    const pending = hnsw.searchKnnBatch(own, 10, { numThreads: 2 });
    structuredClone(own, { transfer: [own.buffer] });
    const err = await failureOf(() => pending);
    expectError(
      err,
      'TypeError',
      `\`queries\` changed length while searchKnnBatch was reading it (from ${QUERIES * DIM} to 0 floats): ` +
        'do not transfer, detach or resize it until the Promise settles',
      'ERR_INVALID_ARG_VALUE',
    );
  }, 60_000);
});
