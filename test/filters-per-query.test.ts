// searchKnnBatch filters, one per query, and the exact search HierarchicalNSW runs over a short allow-list: answers
// equal to BruteforceSearch's (the exact filtered ground truth) wherever the exact path runs, one query's filter never
// leaking into another's, and the graph path still honouring the list when told to walk the graph.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { randomVectors, range } from './helpers/batch';
import { seededRandom } from './helpers/index-file';

const DIM = 16;
const COUNT = 3000;
const QUERIES = 40;
const K = 10;

const data = randomVectors(COUNT, DIM, 61);
const queries = randomVectors(QUERIES, DIM, 62);

function pick(size: number, seed: number): number[] {
  const next = seededRandom(seed);
  const chosen = new Set<number>();
  while (chosen.size < size) chosen.add(Math.floor(next() * COUNT));
  return [...chosen];
}

function rows(result: { k: number; count: number; labels: Float64Array; distances: Float32Array; found: Uint32Array }) {
  return range(0, result.count).map((q) => ({
    labels: Array.from(result.labels.subarray(q * result.k, q * result.k + result.found[q])),
    distances: Array.from(result.distances.subarray(q * result.k, q * result.k + result.found[q])),
  }));
}

describe('searchKnnBatch filters per query', () => {
  let hnsw: HierarchicalNSW;
  let brute: BruteforceSearch;

  beforeAll(() => {
    hnsw = new HierarchicalNSW('l2', DIM);
    hnsw.initIndex({ maxElements: COUNT, m: 8, efConstruction: 64 });
    hnsw.addItemsSync(data, undefined, { numThreads: 2 });
    brute = new BruteforceSearch('l2', DIM);
    brute.initIndex(COUNT);
    brute.addItemsSync(data);
  });

  // Lists of 5 to 200 labels, a deny-list and an unfiltered query among them.
  const filters = range(0, QUERIES).map((q): { allow: number[] } | { deny: number[] } | undefined => {
    if (q % 10 === 3) return undefined;
    if (q % 10 === 7) return { deny: pick(500, 100 + q) };
    return { allow: pick(5 + ((q * 37) % 196), 100 + q) };
  });

  it('gives each query the exact answer for its own allow-list, as BruteforceSearch does', () => {
    const truth = rows(brute.searchKnnBatchSync(queries, K, { filter: filters }));
    const got = rows(hnsw.searchKnnBatchSync(queries, K, { filter: filters, ef: 20 }));
    for (let q = 0; q < QUERIES; q++) {
      const filter = filters[q];
      if (filter && 'allow' in filter) {
        // Short lists are searched exactly: the same labels and distances, not just a good recall.
        expect(got[q]).toEqual(truth[q]);
        for (const label of got[q].labels) expect(filter.allow).toContain(label);
      } else if (filter) {
        for (const label of got[q].labels) expect(filter.deny).not.toContain(label);
      }
      expect(got[q].labels).toHaveLength(filter && 'allow' in filter ? Math.min(K, filter.allow.length) : K);
    }
  });

  it('answers each query as a batch of that one query with its filter would', async () => {
    const batch = rows(await hnsw.searchKnnBatch(queries, K, { filter: filters, numThreads: 2 }));
    for (const q of [0, 3, 7, 12, 39]) {
      const filter = filters[q];
      const one = rows(hnsw.searchKnnBatchSync([queries.subarray(q * DIM, (q + 1) * DIM)], K, filter ? { filter } : {}));
      expect(batch[q]).toEqual(one[0]);
    }
  });

  it('leaves queries whose filter is undefined or null unfiltered', () => {
    const plain = rows(hnsw.searchKnnBatchSync(queries.subarray(0, 2 * DIM), K));
    const got = rows(hnsw.searchKnnBatchSync(queries.subarray(0, 2 * DIM), K, { filter: [undefined, null] }));
    expect(got).toEqual(plain);
  });

  it('walks the graph with exactSearchLimit 0 and searches any list exactly with Infinity', () => {
    const allow = pick(2000, 7);
    const filter = { allow };
    const truth = rows(brute.searchKnnBatchSync(queries, K, { filter }));
    const exact = rows(hnsw.searchKnnBatchSync(queries, K, { filter, exactSearchLimit: Infinity, ef: 10 }));
    expect(exact).toEqual(truth);
    const allowed = new Set(allow);
    const graph = rows(hnsw.searchKnnBatchSync(queries, K, { filter, exactSearchLimit: 0, ef: 64 }));
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      for (const label of graph[q].labels) expect(allowed.has(label)).toBe(true);
      hits += graph[q].labels.filter((label) => truth[q].labels.includes(label)).length;
    }
    // Two thirds of the elements allowed: the graph walk finds nearly all of the true neighbours too.
    expect(hits / (QUERIES * K)).toBeGreaterThan(0.95);
  });

  it('finds the true k nearest for a list of 0.2% of the elements at a small ef', () => {
    const filter = { allow: pick(6, 9) };
    const truth = rows(brute.searchKnnBatchSync(queries, 5, { filter }));
    expect(rows(hnsw.searchKnnBatchSync(queries, 5, { filter, ef: 10 }))).toEqual(truth);
  });

  it('never returns an allowed label that was deleted, nor one absent from the index', () => {
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex({ maxElements: 200, m: 8, efConstruction: 32 });
    index.addItemsSync(data.subarray(0, 200 * DIM));
    index.markDelete(4);
    const got = rows(index.searchKnnBatchSync(queries.subarray(0, DIM), K, { filter: { allow: [1, 4, 9, 9, 5000] } }));
    expect(got[0].labels.sort((a, b) => a - b)).toEqual([1, 9]);
  });
});
