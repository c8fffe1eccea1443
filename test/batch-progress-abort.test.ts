// Progress and abort of a batch insert: onProgress's counts, an AbortSignal aborted before, during (from onProgress
// or a timer) and after a batch, what an aborted batch keeps, and that the index stays usable.

import { HierarchicalNSW } from 'hnswkit';
import { sorted } from './fixtures/expect-error';
import {
  expectAbortError,
  expectStoppedInRowOrder,
  failureOf,
  insertedLabelsOf,
  labelsOf,
  randomVectors,
  range,
  rowOf,
} from './helpers/batch';

describe('HierarchicalNSW', () => {
  describe('#addItems progress and abort', () => {
    const DIM = 32;
    const N = 20_000;
    let data: Float32Array;

    beforeAll(() => {
      data = randomVectors(N, DIM, 99);
    });

    function bigIndex(): HierarchicalNSW {
      const index = new HierarchicalNSW('l2', DIM);
      index.initIndex(N, 16, 200, 100);
      return index;
    }

    it('reports progress with non-decreasing counts, ending exactly once with (total, total)', async () => {
      const index = bigIndex();
      const calls: [number, number][] = [];
      let settled = false;
      let callsAfterSettling = 0;
      const labels = await index
        .addItems(data.subarray(0, 8000 * DIM), undefined, {
          numThreads: 2,
          onProgress: (done, total) => {
            if (settled) callsAfterSettling++;
            calls.push([done, total]);
          },
        })
        .finally(() => {
          settled = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(callsAfterSettling).toBe(0);
      expect(labels.length).toBe(8000);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls[calls.length - 1]).toEqual([8000, 8000]);
      expect(calls.filter(([done]) => done === 8000)).toHaveLength(1);
      for (let i = 0; i < calls.length; i++) {
        expect(calls[i][1]).toBe(8000);
        expect(calls[i][0]).toBeGreaterThanOrEqual(i === 0 ? 0 : calls[i - 1][0]);
        expect(Number.isInteger(calls[i][0])).toBe(true);
      }
    });

    it('reports (total, total) once for a batch too small for an intermediate report', async () => {
      const index = bigIndex();
      const calls: [number, number][] = [];
      await index.addItems(data.subarray(0, 3 * DIM), [0, 1, 2], { onProgress: (done, total) => calls.push([done, total]) });
      expect(calls[calls.length - 1]).toEqual([3, 3]);
      expect(calls.filter(([done]) => done === 3)).toHaveLength(1);
    });

    it('rejects with an AbortError before starting if the signal is already aborted', async () => {
      const index = bigIndex();
      index.addPoint(rowOf(data, 0, DIM), 0);
      const controller = new AbortController();
      controller.abort();
      const progress: number[] = [];
      const err = await failureOf(() =>
        index.addItems(data.subarray(DIM, 101 * DIM), range(1, 100), {
          signal: controller.signal,
          onProgress: (done) => progress.push(done),
        }),
      );
      expectAbortError(err);
      expect(err).toHaveProperty('message');
      expect(index.getIdsList()).toEqual([0]);
      expect(progress.filter((done) => done > 0)).toEqual([]);
    });

    it('stops early when aborted from onProgress, keeps the inserted rows, and the index stays usable', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      let reports = 0;
      const err = await failureOf(() =>
        index.addItems(data, range(0, N), {
          numThreads: 2,
          signal: controller.signal,
          onProgress: () => {
            reports++;
            controller.abort();
          },
        }),
      );
      expect(reports).toBeGreaterThanOrEqual(1);
      expectAbortError(err);
      const inserted = insertedLabelsOf(err);
      expect(inserted.length).toBeLessThan(N);
      expectStoppedInRowOrder(inserted, 2);
      expect(sorted(index.getIdsList())).toEqual(inserted);
      expect(index.getCurrentCount()).toBe(inserted.length);

      // Usable: searches work, and the build continues with the rows that are missing.
      index.setEf(100);
      const probes = inserted.filter((_, i) => i % 53 === 0);
      const found = probes.filter((i) => index.searchKnn(rowOf(data, i, DIM), 1).neighbors[0] === i);
      expect(found.length).toBeGreaterThanOrEqual(Math.floor(0.9 * probes.length));
      const have = new Set(inserted);
      const missing = range(0, N).filter((label) => !have.has(label));
      const rows = new Float32Array(missing.length * DIM);
      missing.forEach((label, i) => rows.set(rowOf(data, label, DIM), i * DIM));
      const rest = await index.addItems(rows, missing, { numThreads: 2 });
      expect(labelsOf(rest)).toEqual(missing);
      expect(index.getCurrentCount()).toBe(N);
      index.setEf(50);
      let hits = 0;
      for (let i = 0; i < N; i += 97) if (index.searchKnn(rowOf(data, i, DIM), 1).neighbors[0] === i) hits++;
      expect(hits).toBeGreaterThanOrEqual(Math.floor((0.95 * N) / 97));
    }, 30_000);

    it('stops early when aborted from a timer', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30);
      const err = await failureOf(() => index.addItems(data, undefined, { numThreads: 2, signal: controller.signal }));
      clearTimeout(timer);
      expectAbortError(err);
      const inserted = insertedLabelsOf(err);
      expect(inserted.length).toBeLessThan(N);
      expectStoppedInRowOrder(inserted, 2);
      expect(sorted(index.getIdsList())).toEqual(inserted);
      const more = await index.addItems(rowOf(data, N - 1, DIM), [N - 1], { numThreads: 1 });
      expect(labelsOf(more)).toEqual([N - 1]);
      expect(index.getCurrentCount()).toBe(inserted.length + 1);
    }, 30_000);

    it('ignores an abort after the batch has finished', async () => {
      const index = bigIndex();
      const controller = new AbortController();
      const labels = await index.addItems(data.subarray(0, 50 * DIM), undefined, { signal: controller.signal });
      controller.abort();
      expect(labels.length).toBe(50);
      expect(index.getCurrentCount()).toBe(50);
    });
  });
});
