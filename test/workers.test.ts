// The addon in worker_threads: loaded in several workers at once, each building and searching its own indexes with
// the batch API, and workers terminated while their jobs run without taking the process down, under Node and (with
// HNSWKIT_BUN set) Bun. Workers run test/helpers/batch-worker.js or test/helpers/terminate-child.cjs, which require
// the built package (dist/, rebuilt from lib/ when stale).

import { spawnSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { HierarchicalNSW } from 'hnswkit';
import { answers, randomVectors, rowOf, type BatchResultLike } from './helpers/batch';
import { buildDist } from './helpers/dist';
import { bruteForceKnn, recallAtK } from './helpers/ground-truth';

const WORKER = path.join(__dirname, 'helpers', 'batch-worker.js');
const TERMINATE_CHILD = path.join(__dirname, 'helpers', 'terminate-child.cjs');

/** A bun binary to run the termination case under too; without it that case is skipped. */
const BUN = process.env.HNSWKIT_BUN;
const BUN_MISSING = 'set HNSWKIT_BUN to the path of a bun binary to run it';

interface TerminateOutcome {
  task: string;
  terminateMs: number;
  exitCode: number;
  done: number;
  total: number;
  settled: string | null;
}

/** Runs terminate-child.cjs under `command` and returns what it printed and how long the whole process took. */
function runTerminateChild(command: string[], task: 'add' | 'search'): { outcome: TerminateOutcome; ms: number } {
  const started = Date.now();
  // The timeout only keeps a broken run from hanging the suite: an unstopped batch runs longer.
  const child = spawnSync(command[0], [...command.slice(1), TERMINATE_CHILD, task], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const ms = Date.now() - started;
  expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });
  return { outcome: JSON.parse(child.stdout.trim().split('\n').pop() as string) as TerminateOutcome, ms };
}

interface BuildResult {
  simd: string;
  labelCount: number;
  labelsInOrder: boolean;
  count: number;
  approx: BatchResultLike;
  exact: BatchResultLike;
  reloaded: BatchResultLike;
}

interface BuildJob {
  dim: number;
  count: number;
  queryCount: number;
  k: number;
  ef: number;
  seed: number;
  base: Float32Array;
  queries: Float32Array;
}

/** Vectors in a SharedArrayBuffer, so the worker reads the very floats the main thread checks against. */
function shared(count: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(count * dim * 4));
  out.set(randomVectors(count, dim, seed));
  return out;
}

function runBuild(job: BuildJob): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, {
      workerData: {
        task: 'build',
        data: job.base.buffer,
        queries: job.queries.buffer,
        count: job.count,
        queryCount: job.queryCount,
        dim: job.dim,
        k: job.k,
        ef: job.ef,
        seed: job.seed,
      },
    });
    let answered = false;
    worker.on('message', (msg: { result?: BuildResult; error?: string }) => {
      answered = true;
      if (msg.error) reject(new Error(`worker failed: ${msg.error}`));
      else resolve(msg.result as BuildResult);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (!answered) reject(new Error(`worker exited with code ${code} before answering`));
    });
  });
}

describe('the addon in worker_threads', () => {
  beforeAll(() => {
    buildDist();
  }, 60_000);

  it('builds and searches indexes in 3 workers at once, each with the right answers', async () => {
    const jobs: BuildJob[] = [0, 1, 2].map((w) => {
      const dim = 16 + 8 * w;
      const count = 3000;
      const queryCount = 100;
      return {
        dim,
        count,
        queryCount,
        k: 5,
        ef: 60,
        seed: 100 + w,
        base: shared(count, dim, 10 + w),
        queries: shared(queryCount, dim, 20 + w),
      };
    });
    const results = await Promise.all(jobs.map(runBuild));

    results.forEach((result, w) => {
      const job = jobs[w];
      expect(result.labelCount).toBe(job.count);
      expect(result.labelsInOrder).toBe(true);
      expect(result.count).toBe(job.count);
      expect(typeof result.simd).toBe('string');

      const gt = bruteForceKnn('l2', job.base, job.count, job.queries, job.queryCount, job.dim, job.k);
      // BruteforceSearch in the worker: exactly the ground truth computed here.
      const exact = answers(result.exact);
      expect(exact.map((a) => a.neighbors)).toEqual(
        Array.from({ length: job.queryCount }, (_, q) => Array.from(gt.neighbors.subarray(q * job.k, (q + 1) * job.k))),
      );
      exact.forEach((a, q) => a.distances.forEach((d, i) => expect(d).toBeCloseTo(gt.distances[q * job.k + i], 3)));
      // HNSW in the worker: good recall on its own data, and the copy loaded from its bytes answers the same.
      const approx = answers(result.approx);
      expect(recallAtK(gt, approx.map((a) => a.neighbors), job.base, job.queries, job.dim)).toBeGreaterThan(0.9);
      expect(answers(result.reloaded)).toEqual(approx);
    });
  }, 60_000);

  it('survives workers terminated while their addItems and searchKnnBatch jobs run, round after round', async () => {
    const ROUNDS = 5;
    const exitCodes: number[] = [];
    /** Rounds whose addItems had already finished when the worker was terminated. */
    let finishedFirst = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const worker = new Worker(WORKER, { workerData: { task: 'busy', dim: 32, rows: 8000, seed: round + 1 } });
      const errors: unknown[] = [];
      worker.on('error', (err) => errors.push(err));
      let finished = false;
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (msg: { started?: number; finished?: string }) => {
          if (msg.finished !== undefined) finished = true;
          if (msg.started !== undefined) {
            // Let the jobs get going (longer each round), then pull the plug.
            setTimeout(resolve, 10 + round * 40);
          }
        });
        worker.on('exit', (code) => reject(new Error(`worker exited early with code ${code}`)));
      });
      worker.removeAllListeners('exit');
      if (finished) finishedFirst++;
      exitCodes.push(await worker.terminate());
      expect(errors).toEqual([]);
    }
    // terminate() resolves with exit code 1 when it stopped a running worker.
    expect(exitCodes).toEqual(Array(ROUNDS).fill(1));
    // The plug was pulled while the build was running (at least in the early rounds).
    expect(finishedFirst).toBeLessThan(ROUNDS);

    // The process and the addon are fine: the main thread works, and a fresh worker loads the addon again.
    const dim = 8;
    const base = randomVectors(500, dim, 3);
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex(500);
    await index.addItems(base);
    index.setEf(100);
    const result = await index.searchKnnBatch(base.subarray(0, 20 * dim), 1);
    expect(answers(result).map((a) => a.neighbors[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(index.searchKnn(rowOf(base, 7, dim), 1).neighbors).toEqual([7]);

    const again = await runBuild({
      dim,
      count: 300,
      queryCount: 10,
      k: 3,
      ef: 50,
      seed: 9,
      base: shared(300, dim, 4),
      queries: shared(10, dim, 5),
    });
    expect(again.count).toBe(300);
  }, 60_000);

  // The batch in terminate-child.cjs runs for tens of seconds on 2 threads; the process can end within a few
  // seconds only if terminate() stopped its rows (which Bun's teardown does not wait for; see binding/jobs.h).
  const runtimes: Array<[string, string[] | undefined]> = [
    ['Node', [process.execPath]],
    ['Bun', BUN ? [BUN, 'run'] : undefined],
  ];
  for (const [runtime, command] of runtimes) {
    for (const task of ['add', 'search'] as const) {
      const job = task === 'add' ? 'an addItems' : 'a searchKnnBatch';
      const name = `stops the rows of ${job} job when its worker is terminated under ${runtime}`;
      if (command === undefined) {
        it.skip(`${name} (${BUN_MISSING})`, () => undefined);
        continue;
      }
      it(name, () => {
        const { outcome, ms } = runTerminateChild(command, task);
        console.info(`${runtime} ${task}: terminate() took ${outcome.terminateMs} ms, the process ${ms} ms`);
        expect(outcome.exitCode).toBe(1);
        expect(outcome.settled).toBeNull();
        expect(outcome.done).toBeLessThan(outcome.total);
        expect(ms).toBeLessThan(5000);
      }, 150_000);
    }
  }
});
