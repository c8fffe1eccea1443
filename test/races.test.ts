// Calls that overlap on one index and must not lose or corrupt rows: batches given no labels at the same time,
// default labels after removals, unmarkDelete against the add that is reusing that slot, and a save asked for
// while a multi-threaded batch runs.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { randomVectors, range } from './helpers/batch';

const DIM = 16;

type AnyIndex = HierarchicalNSW | BruteforceSearch;

function newIndex(kind: 'hnsw' | 'bruteforce', maxElements: number): AnyIndex {
  if (kind === 'bruteforce') {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(maxElements);
    return index;
  }
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(maxElements, 16, 100, 100);
  return index;
}

function sortedNumbers(values: Iterable<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

describe.each(['hnsw', 'bruteforce'] as const)('default labels (%s)', (kind) => {
  it('are disjoint for batches running at the same time, so no row overwrites another', async () => {
    const index = newIndex(kind, 2000);
    const [a, b] = await Promise.all([
      index.addItems(randomVectors(1000, DIM, 1), undefined, { numThreads: 2 }),
      index.addItems(randomVectors(1000, DIM, 2), undefined, { numThreads: 2 }),
    ]);
    expect(index.getCurrentCount()).toBe(2000);
    expect(sortedNumbers([...a, ...b])).toEqual(range(0, 2000));
    if (index instanceof HierarchicalNSW) expect(sortedNumbers(index.getIdsList())).toEqual(range(0, 2000));
  });

  it('are disjoint between a Promise batch in flight and a Sync batch', async () => {
    const index = newIndex(kind, 600);
    const job = index.addItems(randomVectors(500, DIM, 3), undefined, { numThreads: 1 });
    // Let the Promise form reach its native job, then insert synchronously while it runs.
    await new Promise((resolve) => setImmediate(resolve));
    const sync = index.addItemsSync(randomVectors(100, DIM, 4), undefined, { numThreads: 1 });
    const promised = await job;
    expect(index.getCurrentCount()).toBe(600);
    expect(sortedNumbers([...promised, ...sync])).toEqual(range(0, 600));
  });

  it('number the rows 0, 1, 2, ... in an index filled only with default labels', () => {
    const index = newIndex(kind, 30);
    expect(Array.from(index.addItemsSync(randomVectors(10, DIM, 5)))).toEqual(range(0, 10));
    expect(Array.from(index.addItemsSync(randomVectors(20, DIM, 6)))).toEqual(range(10, 20));
  });

  it('skip the labels the index holds', () => {
    const index = newIndex(kind, 10);
    index.addPoint(randomVectors(1, DIM, 7), 1);
    index.addPoint(randomVectors(1, DIM, 8), 2);
    // From getCurrentCount() = 2: label 2 is taken, so the next free ones.
    expect(Array.from(index.addItemsSync(randomVectors(3, DIM, 9)))).toEqual([3, 4, 5]);
  });
});

describe('BruteforceSearch default labels after removePoint', () => {
  it('never reuse a live label', () => {
    const index = newIndex('bruteforce', 20) as BruteforceSearch;
    const vectors = randomVectors(10, DIM, 12);
    index.addItemsSync(vectors);
    index.removePoint(3);
    const added = index.addItemsSync(randomVectors(2, DIM, 13));
    expect(Array.from(added)).toEqual([10, 11]);
    expect(index.getCurrentCount()).toBe(11);
    // Label 9 still holds its own vector: searching with it finds it at distance 0.
    const hit = index.searchKnn(Array.from(vectors.subarray(9 * DIM, 10 * DIM)), 1);
    expect(hit).toEqual({ neighbors: [9], distances: [0] });
  });
});

describe('HierarchicalNSW unmarkDelete while addItems reuses deleted slots', () => {
  it('keeps the deleted count and the deleted flags in step', async () => {
    const dim = 64;
    const rows = 1500;
    for (let round = 0; round < 3; round++) {
      const index = new HierarchicalNSW('l2', dim);
      index.initIndex(rows * 2, 16, 200, round, true);
      index.addItemsSync(randomVectors(rows * 2, dim, 20 + round), range(0, rows * 2));
      for (const label of range(0, rows)) index.markDelete(label);
      const fresh = range(100_000, rows);
      const job = index.addItems(randomVectors(rows, dim, 30 + round), fresh, { replaceDeleted: true, numThreads: 2 });
      let settled = false;
      void job.finally(() => (settled = true)).catch(() => undefined);
      let unmarked = 0;
      while (!settled) {
        // A label appears only once its slot is renewed and alive: there is never one to undelete.
        for (const label of fresh) {
          try {
            index.unmarkDelete(label);
            unmarked++;
          } catch {
            // 'Label not found' before the row is done, 'not deleted' after: both are right.
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await job;
      expect(unmarked).toBe(0);
      expect(index.getDeletedCount()).toBe(0);
      expect(index.getCurrentCount()).toBe(rows * 2);
      // Nothing deleted is left, so everything a search returns must be readable.
      const hits = index.searchKnnBatchSync(randomVectors(50, dim, 40 + round), 10, { ef: 50 });
      for (const label of hits.labels) {
        if (label >= 0) expect(index.getPoint(label)).toHaveLength(dim);
      }
      for (const label of range(0, rows)) expect(() => index.unmarkDelete(label)).toThrow('Label not found');
    }
  }, 60_000);
});

describe('HierarchicalNSW saving while a multi-threaded addItems runs', () => {
  it.each([2, 8])('toBufferSync waits for the rows in progress, not the whole batch (%i threads)', async (numThreads) => {
    const dim = 64;
    const rows = 20_000;
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex(rows, 16, 200, 1);
    let saved: Buffer | undefined;
    let countWhenSaved = -1;
    await index.addItems(randomVectors(rows, dim, 50), undefined, {
      numThreads,
      onProgress: (done) => {
        if (saved !== undefined || done < 1000) return;
        saved = index.toBufferSync();
        countWhenSaved = done;
      },
    });
    expect(saved).toBeDefined();
    const copy = new HierarchicalNSW('l2', dim);
    copy.fromBufferSync(saved as Buffer);
    // The save saw a consistent state part-way through: every row it holds is complete and searchable.
    expect(copy.getCurrentCount()).toBeGreaterThanOrEqual(countWhenSaved);
    expect(copy.getCurrentCount()).toBeLessThan(rows);
    const self = copy.searchKnnBatchSync([copy.getPoint(0)], 1, { ef: 50 });
    expect(self.labels[0]).toBe(0);
  }, 120_000);
});
