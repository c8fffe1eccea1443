// Shared pieces of the batch / async tests: seeded vectors, a view of batch search results per query, error
// assertions that accept a synchronous throw or a rejection (a Promise-returning method may do either on bad input),
// and the indexes and calls the batch-*.test.ts files share (each method in its Promise and Sync form).

import * as util from 'util';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { describeError, sorted, type ErrorClass } from '../fixtures/expect-error';
import { seededRandom } from './index-file';

/** `count` rows of `dim` uniform values in [-1, 1), flat. */
export function randomVectors(count: number, dim: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = next() * 2 - 1;
  return out;
}

/**
 * The vector stored under `label` in the tests that check every answer: multiples of 1/64 in [-2, 2], a function
 * of the label alone. With such values every squared L2 distance (dim <= 64) is exact in float32 whatever the
 * summation order, so an index's distance can be compared with `===` against `exactL2`.
 */
export function gridVector(label: number, dim: number): Float32Array {
  const next = seededRandom(label * 7919 + 17);
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = (Math.floor(next() * 257) - 128) / 64;
  return out;
}

/** The rows of `labels` as gridVectors, flat. */
export function gridVectors(labels: ArrayLike<number>, dim: number): Float32Array {
  const out = new Float32Array(labels.length * dim);
  for (let i = 0; i < labels.length; i++) out.set(gridVector(labels[i], dim), i * dim);
  return out;
}

/** Squared L2 distance in doubles. */
export function exactL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return s;
}

/** Row i of a flat array as a view. */
export function rowOf(flat: Float32Array, i: number, dim: number): Float32Array {
  return flat.subarray(i * dim, (i + 1) * dim);
}

/** Rows of a flat array as number[] rows (copies). */
export function toNumberRows(flat: Float32Array, dim: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length / dim; i++) out.push(Array.from(rowOf(flat, i, dim)));
  return out;
}

/** `start, start+1, ..., start+count-1`. */
export function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** The shape `searchKnnBatch` returns (spec: stride k, -1 / Infinity padding, `found` per query). */
export interface BatchResultLike {
  k: number;
  count: number;
  labels: Float64Array;
  distances: Float32Array;
  found: Uint32Array;
}

/** One query's answer cut to its `found` prefix, in the `searchKnn` shape. */
export interface QueryAnswer {
  neighbors: number[];
  distances: number[];
}

/** Splits a batch result into per-query answers (the filled prefix of each row). */
export function answers(result: BatchResultLike): QueryAnswer[] {
  const out: QueryAnswer[] = [];
  for (let q = 0; q < result.count; q++) {
    const n = result.found[q];
    const from = q * result.k;
    out.push({
      neighbors: Array.from(result.labels.subarray(from, from + n)),
      distances: Array.from(result.distances.subarray(from, from + n)),
    });
  }
  return out;
}

/** Asserts the result's types and sizes, and that every unused slot holds -1 / Infinity. */
export function expectWellFormed(result: BatchResultLike, count: number, k: number): void {
  expect({
    k: result.k,
    count: result.count,
    labels: util.types.isFloat64Array(result.labels),
    distances: util.types.isFloat32Array(result.distances),
    found: util.types.isUint32Array(result.found),
  }).toEqual({ k, count, labels: true, distances: true, found: true });
  expect([result.labels.length, result.distances.length, result.found.length]).toEqual([count * k, count * k, count]);
  for (let q = 0; q < count; q++) {
    expect(result.found[q]).toBeLessThanOrEqual(k);
    for (let i = result.found[q]; i < k; i++) {
      expect([result.labels[q * k + i], result.distances[q * k + i]]).toEqual([-1, Infinity]);
    }
  }
}

/**
 * Calls `call` and returns what it threw or what its returned Promise rejected with. Fails the test if it neither
 * throws nor rejects.
 */
export async function failureOf(call: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (err) {
    return err;
  }
  if (result instanceof Promise || (typeof result === 'object' && result !== null && 'then' in result)) {
    try {
      await (result as PromiseLike<unknown>);
    } catch (err) {
      return err;
    }
  }
  throw new Error('expected an error, but the call returned (and its Promise, if any, resolved)');
}

/** Like `failureOf`, for a call that must throw synchronously. */
export function syncFailureOf(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Asserts an error's class (by constructor name: native errors come from another realm), message and code. */
export function expectError(err: unknown, cls: ErrorClass, message: string | RegExp, code?: string): void {
  const { name, message: actual } = describeError(err);
  const shape: Record<string, unknown> = { name, message: actual };
  const want: Record<string, unknown> = {
    name: cls,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  };
  if (code !== undefined) {
    shape.code = (err as { code?: unknown }).code;
    want.code = code;
  }
  expect(shape).toEqual(want);
}

/** Asserts that `call` throws or rejects with exactly this class and message (and code, if given). */
export async function expectFailure(
  call: () => unknown,
  cls: ErrorClass,
  message: string | RegExp,
  code?: string,
): Promise<unknown> {
  const err = await failureOf(call);
  expectError(err, cls, message, code);
  return err;
}

/** Asserts that `call` throws synchronously with exactly this class and message (and code, if given). */
export function expectSyncFailure(call: () => unknown, cls: ErrorClass, message: string | RegExp, code?: string): unknown {
  const err = syncFailureOf(call);
  expectError(err, cls, message, code);
  return err;
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The ERR_INDEX_BUSY message of the spec for `method` with `n` jobs in flight ("operation(s)" either way). */
export function busyMessage(method: string, n: number): RegExp {
  return new RegExp(
    `^Hnswlib Error: cannot ${escapeRegExp(method)} while ${n} asynchronous operations? (are|is) running on this index; await them first$`,
  );
}

/** Resolves after the current macrotask queue has drained once. */
export function nextImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---- the batch-*.test.ts files' indexes and calls -----------------------------------------------------------------

export type Space = 'l2' | 'ip' | 'cosine';
export type Mode = 'async' | 'sync';

export const SPACES: Space[] = ['l2', 'ip', 'cosine'];
export const MODES: Mode[] = ['async', 'sync'];

export type AddArgs = Parameters<HierarchicalNSW['addItemsSync']>;
export type SearchArgs = Parameters<HierarchicalNSW['searchKnnBatchSync']>;
export type BfAddArgs = Parameters<BruteforceSearch['addItemsSync']>;
export type BfSearchArgs = Parameters<BruteforceSearch['searchKnnBatchSync']>;
export type BatchResult = ReturnType<HierarchicalNSW['searchKnnBatchSync']>;

/** addItems or addItemsSync, as a Promise either way. */
export function addVia(mode: Mode, index: HierarchicalNSW, ...args: AddArgs): Promise<Float64Array> {
  return mode === 'sync' ? Promise.resolve(index.addItemsSync(...args)) : index.addItems(...args);
}

export function searchVia(mode: Mode, index: HierarchicalNSW, ...args: SearchArgs): Promise<BatchResult> {
  return mode === 'sync' ? Promise.resolve(index.searchKnnBatchSync(...args)) : index.searchKnnBatch(...args);
}

export function bfAddVia(mode: Mode, index: BruteforceSearch, ...args: BfAddArgs): Promise<Float64Array> {
  return mode === 'sync' ? Promise.resolve(index.addItemsSync(...args)) : index.addItems(...args);
}

export function bfSearchVia(mode: Mode, index: BruteforceSearch, ...args: BfSearchArgs): Promise<BatchResult> {
  return mode === 'sync' ? Promise.resolve(index.searchKnnBatchSync(...args)) : index.searchKnnBatch(...args);
}

export function hnsw(space: Space, dim: number, maxElements: number, allowReplaceDeleted = false): HierarchicalNSW {
  const index = new HierarchicalNSW(space, dim);
  index.initIndex(maxElements, 16, 100, 100, allowReplaceDeleted);
  return index;
}

/** An index holding `count` seeded rows under labels 0..count-1, inserted with addPoint. */
export function filledHnsw(space: Space, dim: number, count: number, seed: number, maxElements = count): HierarchicalNSW {
  const index = hnsw(space, dim, maxElements);
  const data = randomVectors(count, dim, seed);
  for (let i = 0; i < count; i++) index.addPoint(rowOf(data, i, dim), i);
  return index;
}

/** Per-query searchKnn answers for every row of `queries`. */
export function singleAnswers(
  index: { searchKnn(q: Float32Array, k: number, filter?: (label: number) => boolean): { neighbors: number[]; distances: number[] } },
  queries: Float32Array,
  dim: number,
  k: number,
  filter?: (label: number) => boolean,
): { neighbors: number[]; distances: number[] }[] {
  const out = [];
  for (let q = 0; q < queries.length / dim; q++) {
    const { neighbors, distances } = index.searchKnn(rowOf(queries, q, dim), k, filter);
    out.push({ neighbors, distances });
  }
  return out;
}

export function labelsOf(result: Float64Array): number[] {
  return Array.from(result);
}

export function isFloat64(value: unknown): boolean {
  return util.types.isFloat64Array(value);
}

/** Node's AbortError shape (it is not a class of its own in every realm, so name and code are what count). */
export function expectAbortError(err: unknown): void {
  const { name, code } = err as { name?: unknown; code?: unknown };
  expect({ name, code }).toEqual({ name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * What an aborted batch over labels 0..N-1 (label = row) may leave: labels in row order, and every row below the last
 * one inserted is there except at most one per other thread. Rows leave a shared cursor in row order, so the only
 * holes are rows another thread had taken but not yet started when the abort came; rows in progress finish.
 */
export function expectStoppedInRowOrder(inserted: number[], numThreads: number): void {
  expect(inserted).toEqual(sorted(inserted));
  expect(new Set(inserted).size).toBe(inserted.length);
  const last = inserted.length === 0 ? -1 : inserted[inserted.length - 1];
  const holes = last + 1 - inserted.length;
  expect(holes).toBeGreaterThanOrEqual(0);
  expect(holes).toBeLessThanOrEqual(numThreads - 1);
}

export function insertedLabelsOf(err: unknown): number[] {
  const inserted = (err as { insertedLabels?: unknown }).insertedLabels;
  expect(isFloat64(inserted)).toBe(true);
  return Array.from(inserted as Float64Array);
}

/** A BruteforceSearch of `maxElements` capacity. */
export function bfIndex(space: Space, dim: number, maxElements: number): BruteforceSearch {
  const index = new BruteforceSearch(space, dim);
  index.initIndex(maxElements);
  return index;
}
