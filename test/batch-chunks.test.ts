// A Promise addItems batch larger than one chunk (2^21 floats): it is checked whole before any row runs, then runs
// as one native call per chunk of rows, copying the next chunk while the one before is inserted. The answers are
// those of the Sync form, a bad element or a full index still refuses the whole batch, progress and abort span the
// chunks, and a caller that transfers the buffer mid-batch gets a clear error and an index holding exactly the rows
// it reports. The memory it saves is measured in memory.test.ts.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import {
  busyMessage,
  expectAbortError,
  expectError,
  expectFailure,
  failureOf,
  insertedLabelsOf,
  randomVectors,
  range,
  rowOf,
} from './helpers/batch';

const DIM = 512;
const CHUNK_ROWS = (1 << 21) / DIM;
// Three chunks: two whole ones and part of a third.
const ROWS = 2 * CHUNK_ROWS + 1808;

function hnswIndex(efConstruction: number, maxElements = ROWS): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(maxElements, 8, efConstruction, 100);
  return index;
}

describe('a Promise addItems batch of several chunks', () => {
  const data = randomVectors(ROWS, DIM, 31);

  it('builds exactly the HNSW graph addItemsSync builds from the same rows (one thread)', async () => {
    const chunked = hnswIndex(20);
    const inPlace = hnswIndex(20);
    const labels = await chunked.addItems(data, undefined, { numThreads: 1 });
    inPlace.addItemsSync(data, undefined, { numThreads: 1 });
    expect(Array.from(labels)).toEqual(range(0, ROWS));
    expect(chunked.getCurrentCount()).toBe(ROWS);
    for (const label of [0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS, ROWS - 1]) {
      expect(chunked.getPoint(label)).toEqual(Array.from(rowOf(data, label, DIM)));
    }
    const queries = randomVectors(50, DIM, 32);
    const a = chunked.searchKnnBatchSync(queries, 10, { numThreads: 1, ef: 50 });
    const b = inPlace.searchKnnBatchSync(queries, 10, { numThreads: 1, ef: 50 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
  }, 60_000);

  it('keeps every row its own when later batches reuse the chunk buffers of earlier ones, also side by side', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(4 * ROWS);
    const second = randomVectors(ROWS, DIM, 32);
    const third = randomVectors(ROWS, DIM, 33);
    await index.addItems(data);
    const labels = await Promise.all([index.addItems(second), index.addItems(third)]);
    expect(index.getCurrentCount()).toBe(3 * ROWS);
    for (const [batch, rows] of [
      [labels[0], second],
      [labels[1], third],
    ] as const) {
      for (const row of [0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS + 5, ROWS - 1]) {
        expect(index.searchKnn(rowOf(rows, row, DIM), 1)).toEqual({ neighbors: [batch[row]], distances: [0] });
      }
    }
  });

  it('stores every row of an array of Float32Array rows under its label', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS);
    const rows = range(0, ROWS).map((i) => rowOf(data, i, DIM));
    const labels = range(0, ROWS).map((i) => 3 * i + 1);
    expect(Array.from(await index.addItems(rows, labels, { numThreads: 2 }))).toEqual(labels);
    expect(index.getCurrentCount()).toBe(ROWS);
    // Each row finds itself, at distance 0, under its own label.
    for (const i of [0, CHUNK_ROWS - 1, CHUNK_ROWS, ROWS - 1]) {
      expect(index.searchKnn(rows[i], 1)).toEqual({ neighbors: [labels[i]], distances: [0] });
    }
  });

  it('refuses the whole batch for a NaN in its last chunk, before any row runs', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS);
    const bad = data.slice();
    bad[(ROWS - 2) * DIM + 3] = NaN;
    await expectFailure(
      () => index.addItems(bad),
      'RangeError',
      `Expected \`vectors[${ROWS - 2}][3]\` to be a finite number but received NaN`,
    );
    expect(index.getCurrentCount()).toBe(0);
  });

  it('refuses the whole batch with ERR_INDEX_FULL when only its last chunk would not fit', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS - 1);
    const err = await expectFailure(
      () => index.addItems(data),
      'Error',
      `Hnswlib Error: The number of elements exceeds the specified limit (capacity ${ROWS - 1}, current count 0, ` +
        `batch adds ${ROWS} new labels)`,
      'ERR_INDEX_FULL',
    );
    expect(insertedLabelsOf(err)).toEqual([]);
    expect(index.getCurrentCount()).toBe(0);
  });

  it('reports progress over the whole batch as one busy job, and an abort stops it with the labels of every chunk', async () => {
    const index = hnswIndex(200);
    const controller = new AbortController();
    const seen: Array<[number, number]> = [];
    const busy: Array<Promise<unknown>> = [];
    const err = await failureOf(() =>
      index.addItems(data, undefined, {
        numThreads: 1,
        signal: controller.signal,
        onProgress: (done, total) => {
          seen.push([done, total]);
          // The batch is one job in flight, in whichever chunk it is.
          busy.push(failureOf(() => index.resizeIndex(2 * ROWS)));
          if (done > CHUNK_ROWS) controller.abort();
        },
      }),
    );
    expectAbortError(err);
    const inserted = insertedLabelsOf(err);
    expect(inserted.length).toBeGreaterThan(CHUNK_ROWS);
    expect(inserted).toEqual(range(0, inserted.length));
    expect(index.getCurrentCount()).toBe(inserted.length);
    expect(seen.every(([, total]) => total === ROWS)).toBe(true);
    const counts = seen.map(([done]) => done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(busy.length).toBeGreaterThan(1);
    for (const refused of await Promise.all(busy)) {
      expectError(refused, 'Error', busyMessage('resizeIndex', 1), 'ERR_INDEX_BUSY');
    }
  }, 120_000);

  it('fails clearly when the caller transfers the buffer mid-batch, holding exactly the rows it reports', async () => {
    const index = hnswIndex(200);
    const vectors = data.slice();
    let transferred = false;
    const err = await failureOf(() =>
      index.addItems(vectors, undefined, {
        numThreads: 1,
        onProgress: () => {
          if (transferred) return;
          transferred = true;
          // The clone is dropped at once: its memory (the caller's old rows) may be freed whenever V8 collects it.
          structuredClone(vectors, { transfer: [vectors.buffer] });
        },
      }),
    );
    expect(transferred).toBe(true);
    expectError(
      err,
      'TypeError',
      `\`vectors\` changed length while addItems was reading it (from ${ROWS * DIM} to 0 floats): ` +
        'do not transfer, detach or resize it until the Promise settles',
      'ERR_INVALID_ARG_VALUE',
    );
    // Whole chunks were inserted, each from lib's own copy of the rows.
    const inserted = insertedLabelsOf(err);
    expect([CHUNK_ROWS, 2 * CHUNK_ROWS]).toContain(inserted.length);
    expect(inserted).toEqual(range(0, inserted.length));
    expect(index.getCurrentCount()).toBe(inserted.length);
    for (const label of [0, inserted.length - 1]) expect(index.getPoint(label)).toEqual(Array.from(rowOf(data, label, DIM)));
  }, 120_000);
});
