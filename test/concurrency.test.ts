// Concurrency on one index: hundreds of mixed asynchronous and synchronous operations with every answer
// checked, ERR_INDEX_BUSY from the calls that replace the whole index, an index collected while its jobs run, and
// an event loop that keeps turning during an asynchronous build.

import { execFileSync } from 'child_process';
import * as path from 'path';
import { HierarchicalNSW } from 'hnswkit';
import { sorted } from './fixtures/expect-error';
import { useTmpDir } from './helpers/tmp';
import {
  busyMessage,
  exactL2,
  expectError,
  expectSyncFailure,
  failureOf,
  gridVector,
  gridVectors,
  randomVectors,
  range,
  rowOf,
  toNumberRows,
  type BatchResultLike,
} from './helpers/batch';
import { seededRandom } from './helpers/index-file';

const ROOT = path.resolve(__dirname, '..');
const DIM = 16;

function newIndex(maxElements: number): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex(maxElements, 16, 100, 100);
  return index;
}

describe('HierarchicalNSW under concurrency', () => {
  const tmp = useTmpDir();

  describe('hundreds of mixed operations on one index', () => {
    const PRELOADED = range(0, 300);
    const BATCHES = Array.from({ length: 24 }, (_, b) => range(1000 + b * 60, 60));
    const SYNC_ADDED = range(5000, 20);
    const DELETED = range(0, 60);
    const STABLE = range(100, 60);
    const UNIVERSE = new Set([...PRELOADED, ...BATCHES.flat(), ...SYNC_ADDED]);
    /** Exactly the final count: concurrent batches must not lose capacity to each other. */
    const CAPACITY = UNIVERSE.size;

    it('answers every operation correctly and ends in the exact expected state', async () => {
      const index = newIndex(CAPACITY);
      index.addItemsSync(gridVectors(PRELOADED, DIM), PRELOADED);
      index.setEf(40);

      const deleted = new Set<number>();
      const problems: string[] = [];
      const pending: Promise<unknown>[] = [];
      const counts = { adds: 0, searches: 0, saves: 0, buffers: 0, syncOps: 0 };
      const check = (ok: boolean, what: string): void => {
        if (!ok) problems.push(what);
      };
      let inFlight = 0;
      let maxInFlight = 0;
      /** Keeps a job's Promise and counts the jobs running at once, so the test shows it really overlapped them. */
      const track = (job: Promise<unknown>): void => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.push(
          job.finally(() => {
            inFlight--;
          }),
        );
      };

      /** Checks one query's answer: known labels, none deleted before the search started, exact distances, in order. */
      const checkAnswer = (
        what: string,
        query: Float32Array,
        neighbors: ArrayLike<number>,
        distances: ArrayLike<number>,
        k: number,
        deletedAtStart: Set<number>,
        allowed?: Set<number>,
      ): void => {
        check(neighbors.length === k, `${what}: ${neighbors.length} of ${k} found`);
        for (let i = 0; i < neighbors.length; i++) {
          const label = neighbors[i];
          check(UNIVERSE.has(label), `${what}: unknown label ${label}`);
          check(!deletedAtStart.has(label), `${what}: label ${label} deleted before the search started`);
          if (allowed) check(allowed.has(label), `${what}: label ${label} not allowed by the filter`);
          check(distances[i] === exactL2(query, gridVector(label, DIM)), `${what}: distance of ${label} is ${distances[i]}`);
          if (i > 0) check(distances[i] >= distances[i - 1], `${what}: distances out of order`);
        }
      };

      const checkBatch = (
        what: string,
        queries: Float32Array,
        result: BatchResultLike,
        k: number,
        del: Set<number>,
        allowed?: Set<number>,
      ): void => {
        const n = queries.length / DIM;
        check(result.count === n && result.k === k, `${what}: shape ${result.count}x${result.k}`);
        for (let q = 0; q < n; q++) {
          const found = result.found[q];
          checkAnswer(
            `${what} q${q}`,
            rowOf(queries, q, DIM),
            result.labels.subarray(q * k, q * k + found),
            result.distances.subarray(q * k, q * k + found),
            k,
            del,
            allowed,
          );
        }
      };

      /** Loads a snapshot and checks it is one consistent state between the counts seen before and after the save. */
      const checkSnapshot = (what: string, load: (copy: HierarchicalNSW) => void, before: number, after: number): void => {
        const copy = new HierarchicalNSW('l2', DIM);
        load(copy);
        const count = copy.getCurrentCount();
        check(count >= before && count <= after, `${what}: count ${count} outside ${before}..${after}`);
        const ids = copy.getIdsList();
        check(ids.length === count, `${what}: ${ids.length} ids for count ${count}`);
        check(ids.every((l) => UNIVERSE.has(l)), `${what}: unknown label`);
        check(copy.getDeletedCount() <= DELETED.length, `${what}: ${copy.getDeletedCount()} deleted`);
        for (const label of ids.filter((_, i) => i % 37 === 0)) {
          if (DELETED.includes(label)) continue;
          check(
            copy.getPoint(label).every((x, j) => x === gridVector(label, DIM)[j]),
            `${what}: vector of ${label} differs`,
          );
        }
        const probe = gridVector(STABLE[0], DIM);
        copy.setEf(100);
        check(copy.searchKnn(probe, 1).neighbors[0] === STABLE[0], `${what}: search in the copy`);
      };

      // The actions, one per turn of the event loop, in a seeded shuffle.
      const actions: (() => void)[] = [];
      BATCHES.forEach((labels, b) => {
        actions.push(() => {
          counts.adds++;
          const flat = gridVectors(labels, DIM);
          const vectors = b % 3 === 0 ? flat : b % 3 === 1 ? toNumberRows(flat, DIM) : labels.map((_, i) => rowOf(flat, i, DIM));
          const labelArg = b % 2 === 0 ? labels : new Float64Array(labels);
          track(
            index.addItems(vectors, labelArg, { numThreads: 1 + (b % 2) }).then((got) => {
              check(Array.from(got).join() === labels.join(), `addItems ${b}: returned labels`);
              // Visible as soon as the Promise resolves.
              for (const label of [labels[0], labels[labels.length - 1]]) {
                check(index.getPoint(label).every((x, j) => x === gridVector(label, DIM)[j]), `addItems ${b}: getPoint(${label})`);
              }
            }),
          );
        });
      });
      for (let s = 0; s < 120; s++) {
        actions.push(() => {
          counts.searches++;
          const queries = gridVectors(range(50_000 + s * 5, 5), DIM);
          const del = new Set(deleted);
          const k = 8;
          const ef = 20 + (s % 5) * 10;
          const allowed = s % 4 === 0 ? new Set(STABLE) : undefined;
          const options = allowed ? { ef, numThreads: 1 + (s % 2), filter: { allow: allowed } } : { ef, numThreads: 1 + (s % 2) };
          track(index.searchKnnBatch(queries, k, options).then((r) => checkBatch(`search ${s}`, queries, r, k, del, allowed)));
        });
      }
      for (let w = 0; w < 12; w++) {
        actions.push(() => {
          counts.saves++;
          const file = tmp.file(`snapshot-${w}.hnsw`);
          const before = index.getCurrentCount();
          track(
            index.writeIndex(file).then((ok) => {
              check(ok === true, `writeIndex ${w}: resolved ${String(ok)}`);
              checkSnapshot(`writeIndex ${w}`, (copy) => copy.readIndexSync(file), before, index.getCurrentCount());
            }),
          );
        });
        actions.push(() => {
          counts.buffers++;
          const before = index.getCurrentCount();
          track(
            index.toBuffer().then((bytes) => {
              checkSnapshot(`toBuffer ${w}`, (copy) => copy.fromBufferSync(bytes), before, index.getCurrentCount());
            }),
          );
        });
      }
      for (const label of DELETED) {
        actions.push(() => {
          counts.syncOps++;
          index.markDelete(label);
          deleted.add(label);
        });
      }
      for (const label of STABLE) {
        actions.push(() => {
          counts.syncOps++;
          check(index.getPoint(label).every((x, j) => x === gridVector(label, DIM)[j]), `getPoint(${label})`);
        });
      }
      for (const label of SYNC_ADDED) {
        actions.push(() => {
          counts.syncOps++;
          index.addPoint(gridVector(label, DIM), label);
        });
      }
      for (let s = 0; s < 40; s++) {
        actions.push(() => {
          counts.syncOps++;
          const query = gridVector(60_000 + s, DIM);
          const { neighbors, distances } = index.searchKnn(query, 6);
          checkAnswer(`searchKnn ${s}`, query, neighbors, distances, 6, new Set(deleted));
        });
      }
      let lastCount = index.getCurrentCount();
      for (let s = 0; s < 30; s++) {
        actions.push(() => {
          counts.syncOps++;
          const count = index.getCurrentCount();
          check(count >= lastCount && count <= CAPACITY, `getCurrentCount ${count} after ${lastCount}`);
          lastCount = count;
        });
      }
      const random = seededRandom(2024);
      for (let i = actions.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [actions[i], actions[j]] = [actions[j], actions[i]];
      }

      // One to four actions per turn of the event loop, so jobs start and finish in between.
      for (let i = 0; i < actions.length; ) {
        for (let end = Math.min(actions.length, i + 1 + Math.floor(random() * 4)); i < end; i++) {
          try {
            actions[i]();
          } catch (err) {
            problems.push(`sync action threw ${(err as Error).message}`);
          }
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const outcomes = await Promise.allSettled(pending);
      for (const o of outcomes) if (o.status === 'rejected') problems.push(`rejected: ${(o.reason as Error)?.message}`);

      expect(counts).toEqual({ adds: 24, searches: 120, saves: 12, buffers: 12, syncOps: 210 });
      // The jobs really overlapped (typically about 10 at once here).
      expect(maxInFlight).toBeGreaterThanOrEqual(3);
      expect(problems).toEqual([]);

      // The final state is exact.
      expect(index.getCurrentCount()).toBe(CAPACITY);
      expect(index.getDeletedCount()).toBe(DELETED.length);
      expect(sorted(index.getIdsList())).toEqual(sorted([...UNIVERSE]));
      for (const label of [...BATCHES.flat(), ...SYNC_ADDED]) {
        expect(index.getPoint(label).every((x, j) => x === gridVector(label, DIM)[j])).toBe(true);
      }
      index.setEf(100);
      const live = [...UNIVERSE].filter((l) => !deleted.has(l));
      let hits = 0;
      for (const label of live) if (index.searchKnn(gridVector(label, DIM), 1).neighbors[0] === label) hits++;
      expect(hits).toBeGreaterThanOrEqual(Math.floor(0.98 * live.length));
      const after = await index.searchKnnBatch(gridVectors(DELETED, DIM), 3);
      expect(Array.from(after.labels).some((l) => deleted.has(l))).toBe(false);
    }, 60_000);
  });

  describe('searches beside insertions', () => {
    it('return all k answers while addItems runs on the same index', async () => {
      // Over 300 live elements and ef 50: a search that sees a consistent graph always fills all 8 slots.
      const short: string[] = [];
      for (let round = 0; round < 10; round++) {
        const index = new HierarchicalNSW('l2', DIM);
        index.initIndex(2000, 16, 100, 100 + round);
        index.addItemsSync(gridVectors(range(0, 300), DIM), range(0, 300));
        const jobs: Promise<unknown>[] = [];
        for (let b = 0; b < 24; b++) {
          const labels = range(1000 + b * 60, 60);
          jobs.push(index.addItems(gridVectors(labels, DIM), labels, { numThreads: 1 + (b % 2) }));
          for (let s = 0; s < 5; s++) {
            const queries = gridVectors(range(50_000 + b * 50 + s * 5, 5), DIM);
            jobs.push(
              index.searchKnnBatch(queries, 8, { ef: 50, numThreads: 1 + (s % 2) }).then((r) => {
                for (let q = 0; q < r.count; q++) {
                  if (r.found[q] !== 8) {
                    short.push(`round ${round}: ${r.found[q]} of 8 (${Array.from(r.labels.subarray(q * 8, q * 8 + r.found[q]))})`);
                  }
                }
              }),
            );
          }
          const sync = index.searchKnn(gridVector(70_000 + b, DIM), 8, undefined);
          if (sync.neighbors.length !== 8) short.push(`round ${round}: searchKnn found ${sync.neighbors.length} of 8`);
          await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(jobs);
      }
      expect(short).toEqual([]);
    }, 30_000);
  });

  describe('calls that replace the whole index while asynchronous jobs run', () => {
    const BIG = 3000;

    function preloaded(): HierarchicalNSW {
      const index = newIndex(BIG + 100);
      index.addItemsSync(gridVectors(range(0, 10), DIM), range(0, 10));
      return index;
    }

    it('fail fast with ERR_INDEX_BUSY while an addItems is in flight, and succeed after it settles', async () => {
      const index = preloaded();
      const file = tmp.file('busy.hnsw');
      index.writeIndexSync(file);
      const bytes = index.toBufferSync();

      const job = index.addItems(gridVectors(range(100, BIG), DIM), range(100, BIG), { numThreads: 2 });
      // All calls happen now, before the job can have settled.
      const sync = [
        ['resizeIndex', () => index.resizeIndex(BIG * 2)],
        ['initIndex', () => index.initIndex(10)],
        ['readIndexSync', () => index.readIndexSync(file)],
        ['fromBufferSync', () => index.fromBufferSync(bytes)],
      ] as const;
      for (const [method, call] of sync) expectSyncFailure(call, 'Error', busyMessage(method, 1), 'ERR_INDEX_BUSY');
      const asyncFailures = [
        ['readIndex', failureOf(() => index.readIndex(file))],
        ['fromBuffer', failureOf(() => index.fromBuffer(bytes))],
      ] as const;
      for (const [method, failure] of asyncFailures) expectError(await failure, 'Error', busyMessage(method, 1), 'ERR_INDEX_BUSY');

      expect((await job).length).toBe(BIG);
      expect(index.getCurrentCount()).toBe(BIG + 10);
      expect(index.getMaxElements()).toBe(BIG + 100);

      // Nothing in flight any more: every one of them works.
      index.resizeIndex(BIG * 2);
      expect(index.getMaxElements()).toBe(BIG * 2);
      await expect(index.readIndex(file)).resolves.toBe(true);
      expect(index.getCurrentCount()).toBe(10);
      index.addPoint(gridVector(11, DIM), 11);
      await index.fromBuffer(bytes);
      expect(index.getCurrentCount()).toBe(10);
      index.addPoint(gridVector(12, DIM), 12);
      index.readIndexSync(file);
      expect(index.getCurrentCount()).toBe(10);
      index.fromBufferSync(bytes);
      index.initIndex(5);
      expect(index.getCurrentCount()).toBe(0);
    });

    it('count every kind of job in flight in the message', async () => {
      const index = preloaded();
      const jobs = [
        index.addItems(gridVectors(range(100, 1500), DIM), range(100, 1500)),
        index.searchKnnBatch(gridVectors(range(0, 200), DIM), 5),
        index.toBuffer(),
        index.writeIndex(tmp.file('counted.hnsw')),
      ];
      expectSyncFailure(() => index.resizeIndex(10_000), 'Error', busyMessage('resizeIndex', 4), 'ERR_INDEX_BUSY');
      await Promise.all(jobs);
      index.resizeIndex(10_000);
      expect(index.getMaxElements()).toBe(10_000);
    });

    it('keeps reads working on the old index while an async fromBuffer or readIndex runs, and refuses other work', async () => {
      // A larger index to load, so the load is still running when the calls below are made.
      const source = newIndex(20_000);
      source.addItemsSync(randomVectors(20_000, DIM, 5), undefined, { numThreads: 2 });
      const bytes = source.toBufferSync();
      const file = tmp.file('load-source.hnsw');
      source.writeIndexSync(file);

      for (const method of ['fromBuffer', 'readIndex'] as const) {
        const index = preloaded();
        const loading = method === 'fromBuffer' ? index.fromBuffer(bytes) : index.readIndex(file);
        const v = gridVector(77, DIM);
        const syncMutators = [
          ['addPoint', () => index.addPoint(v, 77)],
          ['addItemsSync', () => index.addItemsSync(v, [77])],
          ['markDelete', () => index.markDelete(1)],
          ['resizeIndex', () => index.resizeIndex(50)],
        ] as const;
        for (const [name, call] of syncMutators) expectSyncFailure(call, 'Error', busyMessage(name, 1), 'ERR_INDEX_BUSY');
        const asyncStarts = [
          ['addItems', failureOf(() => index.addItems(v, [77]))],
          ['searchKnnBatch', failureOf(() => index.searchKnnBatch(v, 1))],
          ['toBuffer', failureOf(() => index.toBuffer())],
          ['writeIndex', failureOf(() => index.writeIndex(tmp.file('refused.hnsw')))],
        ] as const;
        // Reads see the old index.
        expect(index.getCurrentCount()).toBe(10);
        expect(index.searchKnn(gridVector(3, DIM), 1).neighbors).toEqual([3]);
        expect(index.getPoint(4)).toEqual(Array.from(gridVector(4, DIM)));

        for (const [name, failure] of asyncStarts) expectError(await failure, 'Error', busyMessage(name, 1), 'ERR_INDEX_BUSY');
        await loading;
        expect(index.getCurrentCount()).toBe(20_000);
        expect(index.getMaxElements()).toBe(20_000);
        expect(index.getEf()).toBe(10);
        index.resizeIndex(20_001);
        index.addPoint(v, 777_777);
        expect(index.getCurrentCount()).toBe(20_001);
      }
    }, 30_000);

    it('allows jobs of other index objects to run meanwhile', async () => {
      const a = preloaded();
      const b = preloaded();
      const job = a.addItems(gridVectors(range(100, 1000), DIM), range(100, 1000));
      b.resizeIndex(20);
      b.initIndex(30);
      expect(b.getMaxElements()).toBe(30);
      await job;
      expect(a.getCurrentCount()).toBe(1010);
    });
  });

  describe('an index whose JS object is dropped while jobs run', () => {
    it('still settles every job with the right answer (child process with --expose-gc)', () => {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '-r', path.join(__dirname, 'helpers', 'register-ts.js'), path.join(__dirname, 'helpers', 'gc-child.js')],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 50_000 },
      );
      const lines = out.trim().split('\n');
      const result = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
      expect(result).toMatchObject({ labelsOk: true, searchOk: true });
      expect(result.snapshotCount).toBeGreaterThanOrEqual(200);
      expect(result.snapshotCount).toBeLessThanOrEqual(6000);
      // Once the jobs are over, nothing keeps the object alive.
      expect(result.collectedAtEnd).toBe(true);
    }, 60_000);
  });

  describe('the event loop during an asynchronous build', () => {
    it('keeps running timers while a 10k-vector addItems runs', async () => {
      const index = new HierarchicalNSW('l2', 32);
      index.initIndex(10_000, 16, 200, 100);
      const data = randomVectors(10_000, 32, 11);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      let progressCalls = 0;
      try {
        const labels = await index.addItems(data, undefined, { onProgress: () => progressCalls++ });
        expect(labels.length).toBe(10_000);
      } finally {
        clearInterval(timer);
      }
      expect(ticks).toBeGreaterThanOrEqual(20);
      expect(progressCalls).toBeGreaterThanOrEqual(2);
    });

    it('keeps running timers while a large searchKnnBatch runs', async () => {
      const index = newIndex(5000);
      index.addItemsSync(randomVectors(5000, DIM, 12));
      const queries = randomVectors(10_000, DIM, 13);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      try {
        const result = await index.searchKnnBatch(queries, 10, { ef: 100 });
        expect(result.count).toBe(10_000);
      } finally {
        clearInterval(timer);
      }
      expect(ticks).toBeGreaterThanOrEqual(5);
    });
  });
});
