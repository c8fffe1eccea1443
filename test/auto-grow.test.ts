// initIndex({ autoGrow: true }): an add that finds no free slot raises the capacity instead of failing, one row at a
// time and for whole batches, while batches add and search on other threads; and growing changes nothing else: the
// graph comes out as it would have in an index made at full size.

import { HierarchicalNSW } from 'hnswkit';

import { randomVectors } from './helpers/index-file';

const DIM = 16;
const row = (v: Float32Array, i: number): Float32Array => v.subarray(i * DIM, (i + 1) * DIM);

describe('initIndex({ autoGrow: true })', () => {
  it('takes 3,000 single adds from a capacity of 10, and builds the graph a full-size index builds', () => {
    const count = 3000;
    const data = randomVectors(count, DIM, 31);
    const grown = new HierarchicalNSW('l2', DIM);
    grown.initIndex({ maxElements: 10, m: 8, efConstruction: 64, autoGrow: true });
    const full = new HierarchicalNSW('l2', DIM);
    full.initIndex({ maxElements: count, m: 8, efConstruction: 64 });
    for (let i = 0; i < count; i++) {
      grown.addPoint(row(data, i), i);
      full.addPoint(row(data, i), i);
    }
    expect(grown.getCurrentCount()).toBe(count);
    expect(grown.getMaxElements()).toBeGreaterThanOrEqual(count);
    // Same seed, same order, one thread: the same levels and links, so the same answers.
    const queries = randomVectors(100, DIM, 32);
    for (let q = 0; q < 100; q++) expect(grown.searchKnn(row(queries, q), 10)).toEqual(full.searchKnn(row(queries, q), 10));
    const { elementsPerLevel, meanOutDegree } = full.getStats();
    expect(grown.getStats()).toEqual(expect.objectContaining({ elementsPerLevel, meanOutDegree }));
  });

  it('grows for whole batches on 2 threads while another batch searches', async () => {
    const count = 20_000;
    const data = randomVectors(count, DIM, 33);
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex({ maxElements: 100, m: 8, efConstruction: 32, autoGrow: true });
    index.addItemsSync(data.subarray(0, 100 * DIM), undefined, { numThreads: 1 });
    const adding = [
      index.addItems(data.subarray(100 * DIM, 10_000 * DIM), undefined, { numThreads: 2 }),
      index.addItems(data.subarray(10_000 * DIM), undefined, { numThreads: 2 }),
    ];
    const searching = index.searchKnnBatch(data.subarray(0, 500 * DIM), 5, { numThreads: 2 });
    const labels = await Promise.all(adding);
    expect(labels[0].length + labels[1].length).toBe(count - 100);
    expect((await searching).count).toBe(500);
    expect(index.getCurrentCount()).toBe(count);
    expect(new Set(index.getLabels()).size).toBe(count);
    // Default labels continue from the count, never collide and go to the calls in call order, so row i holds label
    // i; each is found where it is.
    const { labels: found } = index.searchKnnBatchSync(data, 1, { ef: 64 });
    let self = 0;
    for (let i = 0; i < count; i++) if (found[i] === i) self++;
    expect(self / count).toBeGreaterThan(0.99);
  });

  it('leaves an index without it failing with ERR_INDEX_FULL, as before', () => {
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex({ maxElements: 2 });
    index.addPoint(row(randomVectors(1, DIM, 1), 0), 0);
    index.addPoint(row(randomVectors(1, DIM, 2), 0), 1);
    expect(() => index.addPoint(row(randomVectors(1, DIM, 3), 0), 2)).toThrow(
      expect.objectContaining({ code: 'ERR_INDEX_FULL' }),
    );
  });
});
