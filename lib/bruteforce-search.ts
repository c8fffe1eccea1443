// BruteforceSearch: exact k-nearest-neighbour search by a full scan, with hnswlib-node 3.0.0's API and messages.

import {
  type BatchTarget,
  addItems,
  addItemsSync,
  attempt,
  checkBytes,
  searchKnnBatch,
  searchKnnBatchSync,
  toBuffer,
  toBufferSync,
} from './batch';
import { native, type NativeBruteforceSearch } from './native';
import { HitBuffer, searchResult } from './single-search';
import type {
  AddItemsOptions,
  BatchLabels,
  BatchSearchResult,
  FilterFunction,
  NodeBuffer,
  SearchBatchOptions,
  SearchResult,
  SpaceName,
  VectorBatch,
} from './types';
import {
  checkArgCount,
  checkDimensions,
  checkFilename,
  checkK,
  checkLabel,
  checkMinArgCount,
  checkNumberArg,
  checkOptionalFunctionArg,
  checkSpaceName,
  checkStringArg,
  checkUint32,
  checkVectorArg,
  kNotPositiveError,
  notConstructedAsyncError,
  notConstructedError,
  notInitializedError,
  toFloat32Query,
  toFloat32Vector,
} from './validate';

/**
 * An exact index: every search compares the query with every stored vector. Useful as ground truth and for small
 * collections. Removal is real (the slot is reused), unlike `HierarchicalNSW#markDelete`.
 *
 * A drop-in replacement for hnswlib-node 3.0.0's `BruteforceSearch`, without its defects: asking for more
 * neighbours than are stored returns what there is instead of aborting the process, removing the element in the
 * last slot works, a throwing filter or a bad element throws instead of aborting. Also takes `Float32Array`s, and
 * offers the batch/async surface of `HierarchicalNSW` (`addItems`, `searchKnnBatch`, `toBuffer`, `fromBuffer` and
 * their `...Sync` twins) under the same concurrency rules: `initIndex`, `readIndex*` and `fromBuffer*` fail with
 * `ERR_INDEX_BUSY` while Promise jobs of this object are in flight.
 *
 * @example
 * ```ts
 * import { BruteforceSearch } from 'hnswkit';
 *
 * const index = new BruteforceSearch('l2', 2);
 * index.initIndex(100);
 * index.addPoint([0, 0], 1);
 * index.addPoint([3, 4], 2);
 * index.searchKnn([0, 1], 2); // { distances: [1, 18], neighbors: [1, 2] }
 * ```
 */
export class BruteforceSearch {
  readonly #index: NativeBruteforceSearch;
  readonly #dim: number;
  readonly #batch: BatchTarget;
  readonly #hits = new HitBuffer();
  #initialized = false;

  /**
   * Creates an index object; nothing is allocated until `initIndex` or a read.
   *
   * @param spaceName - `'l2'`, `'ip'` or `'cosine'`.
   * @param numDimensions - the vector length: an integer 1..65536.
   * @throws Error `Expected 2 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be a string.` /
   *   `Invalid the second argument type, must be a number.`
   * @throws Error `Wrong space name, expected "l2", "ip", or "cosine".`
   * @throws RangeError if `numDimensions` is not an integer in 1..65536.
   */
  constructor(spaceName: SpaceName, numDimensions: number);
  constructor(...args: unknown[]) {
    checkArgCount(args.length, 2);
    const [spaceName, numDimensions] = args;
    checkStringArg(spaceName, 'first');
    checkNumberArg(numDimensions, 'second');
    checkSpaceName(spaceName);
    checkDimensions(numDimensions);
    this.#dim = numDimensions;
    this.#index = new native.BruteforceSearch(spaceName, numDimensions);
    this.#batch = { native: this.#index, dim: numDimensions, graph: false };
  }

  /**
   * Allocates a new, empty index of the given capacity, discarding any previous one.
   *
   * @param maxElements - the capacity: an integer 0..2^32-1.
   * @throws Error `Expected 1 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be a number.`
   * @throws RangeError if `maxElements` is out of range or fractional.
   */
  initIndex(maxElements: number): void;
  initIndex(...args: unknown[]): null {
    checkArgCount(args.length, 1);
    const [maxElements] = args;
    checkNumberArg(maxElements, 'first');
    checkUint32(maxElements, 'maxElements');
    this.#index.initIndex(maxElements);
    return null;
  }

  /**
   * Loads a brute-force index file (hnswlib's format) on a worker thread. If the read fails, the previous index
   * (if any) is kept.
   *
   * @param filename - the file path.
   * @returns a Promise resolving to `true`; it rejects with an `Error` whose message starts with `Hnswlib Error: `.
   * @throws Error `Expected 1 arguments, but got N.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` (synchronously)
   */
  readIndex(filename: string): Promise<boolean>;
  readIndex(...args: unknown[]): Promise<boolean> {
    const filename = this.#filenameArg(args);
    return attempt(() => {
      checkFilename(filename);
      return this.#index.readIndex(filename);
    }).then(() => true);
  }

  /** The synchronous `readIndex`: same checks; read failures throw `Hnswlib Error: ...` and keep the previous index. */
  readIndexSync(filename: string): void;
  readIndexSync(...args: unknown[]): null {
    const filename = this.#filenameArg(args);
    checkFilename(filename);
    this.#index.readIndexSync(filename);
    return null;
  }

  /**
   * Writes the index in hnswlib's brute-force file format on a worker thread, replacing the target as
   * `HierarchicalNSW#writeIndex` does (links followed, mode kept, a directory, FIFO, socket or device refused).
   *
   * @returns a Promise resolving to `true`; it rejects with `Hnswlib Error: search index is not constructed.`
   *   before `initIndex`, and with an `Hnswlib Error: ...` when the file cannot be written.
   * @throws Error `Expected 1 arguments, but got N.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` (synchronously)
   */
  writeIndex(filename: string): Promise<boolean>;
  writeIndex(...args: unknown[]): Promise<boolean> {
    const filename = this.#filenameArg(args);
    if (!this.#index.isInitialized()) return Promise.reject(notConstructedAsyncError());
    return attempt(() => {
      checkFilename(filename);
      return this.#index.writeIndex(filename);
    }).then(() => true);
  }

  /**
   * The synchronous `writeIndex`.
   *
   * @throws Error `Search index is not constructed.` before `initIndex`; `Hnswlib Error: ...` if the file cannot
   *   be written; the count and type errors of `writeIndex`.
   */
  writeIndexSync(filename: string): void;
  writeIndexSync(...args: unknown[]): null {
    const filename = this.#filenameArg(args);
    if (!this.#index.isInitialized()) throw notConstructedError();
    checkFilename(filename);
    this.#index.writeIndexSync(filename);
    return null;
  }

  /**
   * Stores a vector under a label; an existing label's vector is overwritten. For `'cosine'` it is normalised.
   *
   * @param point - a number[] or a Float32Array (used without a copy) of length `numDimensions`.
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @throws Error `Expected 2 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be an Array.` / `Invalid the second argument type,
   *   must be a number.`; a TypeError naming the element (`point[3]`) if one is not a number.
   * @throws RangeError if `label` is out of range or fractional, or an element is NaN, infinite or beyond float32.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Invalid the given array length (expected D, but got L).`
   * @throws Error `Hnswlib Error: The number of elements exceeds the specified limit` when full.
   */
  addPoint(point: number[] | Float32Array, label: number): void;
  addPoint(...args: unknown[]): null {
    checkArgCount(args.length, 2);
    const [point, label] = args;
    checkVectorArg(point, 'first');
    checkNumberArg(label, 'second');
    checkLabel(label);
    this.#requireIndex();
    const vector = toFloat32Vector(point, this.#dim, 'point', 'given array');
    this.#index.addPoint(vector, label);
    return null;
  }

  /**
   * Removes an element (its slot is refilled by the last one, the count drops). An unknown label is a no-op.
   *
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @throws Error `Expected 1 arguments, but got N.` / TypeError `Invalid the first argument type, must be a
   *   number.` / RangeError if out of range or fractional.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  removePoint(label: number): void;
  removePoint(...args: unknown[]): null {
    checkArgCount(args.length, 1);
    const [label] = args;
    checkNumberArg(label, 'first');
    checkLabel(label);
    this.#requireIndex();
    this.#index.removePoint(label);
    return null;
  }

  /**
   * Finds the `numNeighbors` nearest stored vectors, closest first (ties by label). With fewer elements stored (or
   * fewer passing the filter), returns those there are.
   *
   * @param queryPoint - a number[] or a Float32Array of length `numDimensions`.
   * @param numNeighbors - k: an integer 1..`getMaxElements()`.
   * @param filter - called with labels; only labels for which it returns a truthy value are returned. If it
   *   throws, the error propagates and the index stays usable.
   * @returns `{ distances, neighbors }`, two plain arrays.
   * @throws Error `Expected 2-3 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be an Array.`, `Invalid the second argument type,
   *   must be a number.`, `Invalid the third argument type, must be a function.`; a TypeError naming the element
   *   (`queryPoint[3]`) if one is not a number.
   * @throws RangeError if `numNeighbors` is negative or fractional, or an element is NaN, infinite or beyond
   *   float32.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Invalid the given array length (expected D, but got L).`
   * @throws Error `Invalid the number of k-nearest neighbors (cannot be given a value greater than
   *   \`maxElements\`: N).` / `Invalid the number of k-nearest neighbors (must be a positive number).`
   */
  searchKnn(queryPoint: number[] | Float32Array, numNeighbors: number, filter?: FilterFunction): SearchResult;
  searchKnn(...args: unknown[]): SearchResult {
    checkMinArgCount(args.length, 2, '2-3');
    const [queryPoint, numNeighbors, filter] = args;
    checkVectorArg(queryPoint, 'first');
    checkNumberArg(numNeighbors, 'second');
    checkOptionalFunctionArg(filter, 'third');
    checkK(numNeighbors);
    this.#requireIndex();
    const query = toFloat32Query(queryPoint, this.#dim);
    const out = this.#hits.take(numNeighbors, query, this.#index);
    const status = this.#index.searchKnn(query, numNeighbors, filter as FilterFunction | undefined, out);
    const result = searchResult(status, out, query);
    if (numNeighbors === 0) throw kNotPositiveError();
    return result;
  }

  /**
   * Inserts (or overwrites) many vectors off the JS thread, as `HierarchicalNSW#addItems` (without
   * `replaceDeleted`). A brute-force store takes one insert at a time, so extra threads only prepare vectors.
   *
   * @param vectors - a flat `Float32Array` of n * `numDimensions` floats or an array of vectors; may be empty.
   * @param labels - one per row, distinct integers 0..`Number.MAX_SAFE_INTEGER`. Default: consecutive from
   *   `getCurrentCount()`.
   * @param options - `numThreads`, `onProgress`, `signal` (see `AddItemsOptions`); read first, before the vectors.
   * @returns a Promise of the labels used, in row order.
   * @throws (as a rejection) TypeError / RangeError for bad input, `ERR_NOT_INITIALIZED`, `ERR_INDEX_FULL` before
   *   any row runs, the first row error or an `AbortError` with `insertedLabels`.
   * @example
   * ```ts
   * await index.addItems([[0, 0], [3, 4]], [1, 2]);
   * ```
   */
  addItems(vectors: VectorBatch, labels?: BatchLabels, options?: AddItemsOptions): Promise<Float64Array> {
    return addItems(this.#batch, vectors, labels, options);
  }

  /**
   * The synchronous `addItems`; errors are thrown.
   *
   * @example
   * ```ts
   * index.addItemsSync(new Float32Array([0, 0, 3, 4]), [1, 2]);
   * ```
   */
  addItemsSync(vectors: VectorBatch, labels?: BatchLabels, options?: AddItemsOptions): Float64Array {
    return addItemsSync(this.#batch, vectors, labels, options);
  }

  /**
   * Exact k-nearest-neighbour search of many queries on native threads, off the JS thread; each row equals
   * `searchKnn(query, k)`.
   *
   * @param queries - a flat `Float32Array` of n * `numDimensions` floats or an array of vectors; may be empty.
   * @param k - an integer 1..`Number.MAX_SAFE_INTEGER`, with count * k at most 2^32.
   * @param options - `numThreads` (default `os.availableParallelism()`) and `filter` (`{ allow }` / `{ deny }`);
   *   read first, before the queries.
   * @returns a Promise of `{ k, count, labels, distances, found }`: the result's `k` is the stride, the k asked for
   *   capped at the element count (at least 1); unused slots hold -1 and `Infinity`.
   * @throws (as a rejection) TypeError / RangeError for bad input, `ERR_NOT_INITIALIZED` before `initIndex`; a
   *   RangeError with code `ERR_OUT_OF_MEMORY` if the result arrays cannot be allocated.
   * @example
   * ```ts
   * const { labels, found } = await index.searchKnnBatch([[0, 1], [3, 3]], 1);
   * ```
   */
  searchKnnBatch(queries: VectorBatch, k: number, options?: SearchBatchOptions): Promise<BatchSearchResult> {
    return searchKnnBatch(this.#batch, queries, k, options);
  }

  /**
   * The synchronous `searchKnnBatch`; errors are thrown.
   *
   * @example
   * ```ts
   * const { distances } = index.searchKnnBatchSync(new Float32Array([0, 1]), 2);
   * ```
   */
  searchKnnBatchSync(queries: VectorBatch, k: number, options?: SearchBatchOptions): BatchSearchResult {
    return searchKnnBatchSync(this.#batch, queries, k, options);
  }

  /**
   * The index in hnswlib's brute-force file format, serialized off the JS thread (the bytes `writeIndexSync`
   * writes).
   *
   * @returns a Promise of a Buffer; it rejects with `ERR_NOT_INITIALIZED` before `initIndex`.
   * @example
   * ```ts
   * const bytes = await index.toBuffer();
   * ```
   */
  toBuffer(): Promise<NodeBuffer> {
    return toBuffer(this.#batch);
  }

  /**
   * The synchronous `toBuffer`.
   *
   * @throws Error `ERR_NOT_INITIALIZED` before `initIndex`.
   * @example
   * ```ts
   * const copy = new BruteforceSearch('l2', 2);
   * copy.fromBufferSync(index.toBufferSync());
   * ```
   */
  toBufferSync(): NodeBuffer {
    return toBufferSync(this.#batch);
  }

  /**
   * Loads an index from bytes in hnswlib's brute-force format, off the JS thread; on failure the previous index
   * stays. The bytes are copied when the call starts.
   *
   * @param data - a Uint8Array or Buffer.
   * @returns a Promise resolving when the new index is in place; it rejects with a TypeError for a bad argument,
   *   `Hnswlib Error: ...` for bad data and `ERR_INDEX_BUSY` while other Promise jobs of this object are in flight.
   * @example
   * ```ts
   * await index.fromBuffer(fs.readFileSync('vectors.bf'));
   * ```
   */
  fromBuffer(data: Uint8Array): Promise<void> {
    return attempt(() => {
      checkBytes(data);
      return this.#index.fromBufferAsync(data);
    });
  }

  /**
   * The synchronous `fromBuffer`; errors are thrown.
   *
   * @example
   * ```ts
   * index.fromBufferSync(bytes);
   * ```
   */
  fromBufferSync(data: Uint8Array): void {
    checkBytes(data);
    this.#index.fromBuffer(data);
  }

  /** The capacity; 0 before `initIndex`. */
  getMaxElements(): number {
    return this.#index.getMaxElements();
  }

  /** The number of stored elements; 0 before `initIndex`. */
  getCurrentCount(): number {
    return this.#index.getCurrentCount();
  }

  /** The `numDimensions` given to the constructor. */
  getNumDimensions(): number {
    return this.#dim;
  }

  #requireIndex(): void {
    // Once initialised, a native index stays so (a failed load or initIndex keeps the previous index), which spares
    // searchKnn a native call per query.
    if (this.#initialized) return;
    if (!this.#index.isInitialized()) throw notInitializedError();
    this.#initialized = true;
  }

  #filenameArg(args: unknown[]): string {
    checkArgCount(args.length, 1);
    const [filename] = args;
    checkStringArg(filename, 'first');
    return filename;
  }
}
