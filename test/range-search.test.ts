// searchRange, searchRangeBatch and searchRangeBatchSync: brute force against an exact scan cut at the radius;
// HierarchicalNSW's recall of the range set against brute force, on clustered random data and on Fashion-MNIST, at
// radii holding tens of elements; order, maxResults, filters, deleted elements, and the batch forms against one
// query at a time. Bad input and closed indexes are rows of the bad-input catalogue (test/helpers/bad-input/).

import { BruteforceSearch, HierarchicalNSW, type SearchResult, type SpaceName } from 'hnswkit';

import { loadFashionMnist } from '../bench/fashion-mnist';
import { randomVectors, seededRandom } from './helpers/index-file';
import { describeWith, fashionMnist } from './helpers/prerequisites';

const row = (v: Float32Array, dim: number, i: number): Float32Array => v.subarray(i * dim, (i + 1) * dim);

/** `count` vectors around `clusters` random centres, each coordinate off its centre by up to ±spread. */
function clustered(count: number, dim: number, clusters: number, seed: number, spread = 0.15): Float32Array {
  const random = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => random() * 2 - 1));
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const centre = centres[Math.floor(random() * clusters)];
    for (let j = 0; j < dim; j++) out[i * dim + j] = centre[j] + (random() * 2 - 1) * spread;
  }
  return out;
}

function filled<T extends BruteforceSearch | HierarchicalNSW>(index: T, data: Float32Array): T {
  index.addItemsSync(data, undefined, { numThreads: 2 });
  return index;
}

function brute(space: SpaceName, dim: number, data: Float32Array): BruteforceSearch {
  const index = new BruteforceSearch(space, dim);
  index.initIndex(data.length / dim);
  return filled(index, data);
}

function hnsw(space: SpaceName, dim: number, data: Float32Array): HierarchicalNSW {
  const index = new HierarchicalNSW(space, dim);
  index.initIndex({ maxElements: data.length / dim, m: 16, efConstruction: 200 });
  return filled(index, data);
}

/** Closest first, ties by ascending label, every distance within radius, no label twice. */
function expectRangeOrder(result: SearchResult, radius: number): void {
  const { distances, neighbors } = result;
  expect(new Set(neighbors).size).toBe(neighbors.length);
  for (let i = 0; i < distances.length; i++) {
    expect(distances[i]).toBeLessThanOrEqual(radius);
    if (i > 0) expect(distances[i - 1] < distances[i] || (distances[i - 1] === distances[i] && neighbors[i - 1] < neighbors[i])).toBe(true);
  }
}

/** The distance of each query's n-th nearest element (float32, as the index compares): a radius that holds about n. */
function radiiFor(exact: BruteforceSearch, queries: Float32Array, dim: number, n: number): number[] {
  const radii: number[] = [];
  for (let q = 0; q * dim < queries.length; q++) radii.push(exact.searchKnn(row(queries, dim, q), n).distances[n - 1]);
  return radii;
}

/** The fraction of the exact range sets that index returned, every result checked for order and radius. */
function rangeRecall(
  index: HierarchicalNSW,
  exact: BruteforceSearch,
  queries: Float32Array,
  dim: number,
  radii: number[],
  ef: number,
): number {
  let found = 0;
  let total = 0;
  radii.forEach((radius, q) => {
    const query = row(queries, dim, q);
    const truth = exact.searchRange(query, radius).neighbors;
    const result = index.searchRange(query, radius, { ef });
    expectRangeOrder(result, radius);
    const got = new Set(result.neighbors);
    found += truth.filter((label) => got.has(label)).length;
    total += truth.length;
  });
  return total === 0 ? 1 : found / total;
}

describe('BruteforceSearch#searchRange', () => {
  const dim = 12;
  const data = randomVectors(600, dim, 1);
  const queries = randomVectors(20, dim, 2);

  it.each(['l2', 'ip', 'cosine'] as const)('equals an exact scan cut at the radius (%s), with and without maxResults', (space) => {
    const index = brute(space, dim, data);
    const radii = radiiFor(index, queries, dim, 30);
    radii.forEach((radius, q) => {
      const query = row(queries, dim, q);
      const all = index.searchKnn(query, 600);
      const inside = all.distances.filter((d) => d <= radius).length;
      const expected = { distances: all.distances.slice(0, inside), neighbors: all.neighbors.slice(0, inside) };
      const result = index.searchRange(query, radius);
      expect(result).toEqual(expected);
      expectRangeOrder(result, radius);
      expect(index.searchRange(Array.from(query), radius, { maxResults: 7 })).toEqual({
        distances: expected.distances.slice(0, 7),
        neighbors: expected.neighbors.slice(0, 7),
      });
    });
  });

  it('applies a filter function and allow / deny lists as searchKnn does', () => {
    const index = brute('l2', dim, data);
    const query = row(queries, dim, 0);
    const radius = radiiFor(index, queries, dim, 60)[0];
    const even = (label: number): boolean => label % 2 === 0;
    const expected = index.searchKnn(query, 600, even);
    const inside = expected.distances.filter((d) => d <= radius).length;
    const byFunction = index.searchRange(query, radius, { filter: even });
    expect(byFunction.neighbors).toEqual(expected.neighbors.slice(0, inside));
    const evens = Array.from({ length: 300 }, (_, i) => 2 * i);
    const odds = evens.map((label) => label + 1);
    expect(index.searchRange(query, radius, { filter: { allow: evens } })).toEqual(byFunction);
    expect(index.searchRange(query, radius, { filter: { deny: new Set(odds) } })).toEqual(byFunction);
  });

  it('passes on what a filter function throws, and refuses calls into the index from inside it', () => {
    const index = brute('l2', dim, data);
    const thrown = new Error('from the filter');
    expect(() =>
      index.searchRange(row(queries, dim, 0), 1e9, {
        filter: () => {
          throw thrown;
        },
      }),
    ).toThrow(thrown);
    expect(() => index.searchRange(row(queries, dim, 0), 1e9, { filter: () => index.getCurrentCount() > 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INDEX_BUSY' }),
    );
    expect(index.searchRange(row(queries, dim, 0), 1e9).neighbors.length).toBe(600);
  });

  it('returns nothing below every distance and everything above them, beyond the reused hit buffer', () => {
    const index = brute('l2', dim, data);
    expect(index.searchRange(row(queries, dim, 0), -1)).toEqual({ distances: [], neighbors: [] });
    const all = index.searchRange(row(queries, dim, 0), 1e300);
    expect(all.neighbors.length).toBe(600);
    expect(new Set(all.neighbors).size).toBe(600);
    const big = brute('l2', 2, randomVectors(3000, 2, 5));
    expect(big.searchRange([0, 0], 1e9).neighbors.length).toBe(3000);
  });
});

describe('HierarchicalNSW#searchRange', () => {
  const dim = 16;
  // One draw, split: the queries come from the same clusters as the data without being rows of it.
  const drawn = clustered(8200, dim, 40, 3);
  const data = drawn.subarray(0, 8000 * dim);
  const queries = drawn.slice(8000 * dim);
  let index: HierarchicalNSW;
  let exact: BruteforceSearch;
  beforeAll(() => {
    index = hnsw('l2', dim, data);
    exact = brute('l2', dim, data);
  });

  it.each([10, 100])('finds >= 0.99 of the elements within a radius holding %i (clustered data)', (n) => {
    const radii = radiiFor(exact, queries, dim, n);
    const recall = { ef10: rangeRecall(index, exact, queries, dim, radii, 10), ef64: rangeRecall(index, exact, queries, dim, radii, 64) };
    console.log(`clustered 8000 x ${dim}, ${n} in range: recall ${JSON.stringify(recall)}`);
    expect(recall.ef64).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps the closest with maxResults, leaves out filtered and deleted labels', () => {
    const radii = radiiFor(exact, queries, dim, 50);
    let exactPrefixes = 0;
    radii.slice(0, 50).forEach((radius, q) => {
      const query = row(queries, dim, q);
      const few = index.searchRange(query, radius, { maxResults: 5, ef: 64 });
      expectRangeOrder(few, radius);
      expect(few.neighbors.length).toBe(5);
      if (few.neighbors.join() === exact.searchRange(query, radius, { maxResults: 5 }).neighbors.join()) exactPrefixes++;
      const odd = index.searchRange(query, radius, { ef: 64, filter: (label) => label % 2 === 1 });
      expect(odd.neighbors.every((label) => label % 2 === 1)).toBe(true);
      const denied = index.searchRange(query, radius, { ef: 64, filter: { deny: few.neighbors } });
      expect(denied.neighbors.some((label) => few.neighbors.includes(label))).toBe(false);
    });
    expect(exactPrefixes).toBeGreaterThanOrEqual(48);

    const copy = hnsw('l2', dim, data.subarray(0, 2000 * dim));
    for (let label = 0; label < 2000; label += 4) copy.markDelete(label);
    const all = copy.searchRange(row(queries, dim, 0), 1e30, { ef: 64 });
    expect(all.neighbors.length).toBe(1500);
    expect(all.neighbors.every((label) => label % 4 !== 0)).toBe(true);
  });

  it('is what searchRangeBatchSync and searchRangeBatch return, query by query', async () => {
    const radius = radiiFor(exact, queries, dim, 40)[0];
    const options = { ef: 32, maxResults: 60, filter: { deny: [1, 2, 3] } };
    const sync = index.searchRangeBatchSync(queries, radius, { ...options, numThreads: 2 });
    const promised = await index.searchRangeBatch(Array.from({ length: 200 }, (_, q) => row(queries, dim, q)), radius, options);
    for (const result of [sync, promised]) {
      expect(result.count).toBe(200);
      expect(result.offsets.length).toBe(201);
      expect(result.offsets[0]).toBe(0);
      expect(result.offsets[200]).toBe(result.labels.length);
      expect(result.distances.length).toBe(result.labels.length);
      for (let q = 0; q < 200; q++) {
        const one = index.searchRange(row(queries, dim, q), radius, options);
        const [from, to] = [result.offsets[q], result.offsets[q + 1]];
        expect(Array.from(result.labels.subarray(from, to))).toEqual(one.neighbors);
        expect(Array.from(result.distances.subarray(from, to))).toEqual(one.distances);
      }
    }
    const none = index.searchRangeBatchSync([], radius);
    expect({ count: none.count, offsets: Array.from(none.offsets), labels: none.labels.length }).toEqual({ count: 0, offsets: [0], labels: 0 });
  });

  it('lets BruteforceSearch batches match it too', async () => {
    const bf = brute('ip', dim, data.subarray(0, 1000 * dim));
    const sync = bf.searchRangeBatchSync(queries.subarray(0, 10 * dim), 0.2, { numThreads: 2, ef: -5 } as never);
    const promised = await bf.searchRangeBatch(queries.subarray(0, 10 * dim), 0.2);
    expect(Array.from(promised.labels)).toEqual(Array.from(sync.labels));
    for (let q = 0; q < 10; q++) {
      expect(Array.from(sync.labels.subarray(sync.offsets[q], sync.offsets[q + 1]))).toEqual(
        bf.searchRange(row(queries, dim, q), 0.2).neighbors,
      );
    }
  });
});

describeWith([fashionMnist()], 'HierarchicalNSW#searchRange on Fashion-MNIST', () => {
  it('finds >= 0.99 of the elements within radii holding 10 and 100 (l2, 10,000 train rows, 200 queries)', () => {
    const train = loadFashionMnist('train', 10000);
    const test = loadFashionMnist('t10k', 200);
    const dim = train.dim;
    const index = hnsw('l2', dim, train.data);
    const exact = brute('l2', dim, train.data);
    for (const n of [10, 100]) {
      const radii = radiiFor(exact, test.data, dim, n);
      const recall = { ef10: rangeRecall(index, exact, test.data, dim, radii, 10), ef64: rangeRecall(index, exact, test.data, dim, radii, 64) };
      console.log(`Fashion-MNIST l2, ${n} in range: recall ${JSON.stringify(recall)}`);
      expect(recall.ef64).toBeGreaterThanOrEqual(0.99);
    }
  }, 180_000);
});
