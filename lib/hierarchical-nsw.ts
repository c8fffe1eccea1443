// HierarchicalNSW: the approximate nearest-neighbour index, with hnswlib-node 3.0.0's API, defaults and messages.

import {
  type BatchTarget,
  addItems,
  addItemsSync,
  attempt,
  checkBytes,
  checkOptionalBoolean,
  searchKnnBatch,
  searchKnnBatchSync,
  toBuffer,
  toBufferSync,
} from './batch';
import { readIndexSettings } from './init-settings';
import { native, type NativeHierarchicalNSW } from './native';
import { HitBuffer, searchResult } from './single-search';
import type {
  AddItemsOptions,
  BatchLabels,
  BatchSearchResult,
  FilterFunction,
  IndexStats,
  InitIndexOptions,
  NodeBuffer,
  SearchBatchOptions,
  SearchResult,
  SpaceName,
  VectorBatch,
} from './types';
import {
  MAX_M,
  MIN_M,
  checkArgCount,
  checkDimensions,
  checkFilename,
  checkIntegerRange,
  checkK,
  checkLabel,
  checkMinArgCount,
  checkNumberArg,
  checkOptionalBooleanArg,
  checkOptionalFunctionArg,
  checkSpaceName,
  checkStringArg,
  checkUint32,
  checkVectorArg,
  notConstructedAsyncError,
  notConstructedError,
  notInitializedError,
  toFloat32Query,
  toFloat32Vector,
} from './validate';

/**
 * An HNSW graph index (Malkov & Yashunin) over float32 vectors: approximate k-nearest-neighbour search with
 * tombstone deletion, in-place updates and slot reuse. Reads and writes hnswlib's index file format.
 *
 * A drop-in replacement for hnswlib-node 3.0.0's `HierarchicalNSW`: the same methods, defaults, return values
 * (`null` from the void methods, Promises resolving `true` from `readIndex`/`writeIndex`) and error messages.
 * Beyond it: `Float32Array` vectors, range-checked integers (labels up to `Number.MAX_SAFE_INTEGER`),
 * `getDeletedCount()`, `getM()`, `getEfConstruction()`, bad input that throws instead of aborting the process, and
 * a batch/async surface: `addItems`, `searchKnnBatch`, `toBuffer`, `fromBuffer` (Promises, run on native threads
 * off the JS thread) and their `...Sync` twins.
 *
 * Concurrency: any number of Promise jobs on one index may run together and with synchronous calls (adds,
 * searches, deletes, gets, saves; a save sees one consistent state). `initIndex`, `resizeIndex`, `readIndex`,
 * `readIndexSync`, `fromBuffer` and `fromBufferSync` fail fast with an Error of code `ERR_INDEX_BUSY` ("Hnswlib
 * Error: cannot resizeIndex while 2 asynchronous operations are running on this index; await them first") while a
 * Promise job of this object is in flight; while a `readIndex` / `fromBuffer` is in flight, every other Promise
 * method and every mutating synchronous method fails the same way (reads see the old index until the new one is in).
 * An index whose object is garbage-collected mid-job lives until the job ends.
 *
 * @example
 * ```ts
 * import { HierarchicalNSW } from 'hnswkit';
 *
 * const index = new HierarchicalNSW('cosine', 3);
 * index.initIndex({ maxElements: 1000 });
 * index.addPoint([1, 2, 3], 0);
 * index.addPoint(new Float32Array([4, 5, 6]), 1);
 * const { neighbors, distances } = index.searchKnn([1, 2, 2], 1);
 * await index.writeIndex('vectors.hnsw');
 * ```
 */
export class HierarchicalNSW {
  readonly #index: NativeHierarchicalNSW;
  readonly #dim: number;
  readonly #batch: BatchTarget;
  readonly #hits = new HitBuffer();
  #initialized = false;

  /**
   * Creates an index object; no memory for elements is allocated until `initIndex` or a read.
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
    this.#index = new native.HierarchicalNSW(spaceName, numDimensions);
    this.#batch = { native: this.#index, dim: numDimensions, graph: true };
  }

  /**
   * Allocates a new, empty index, discarding any previous one. `ef` is set to 10.
   *
   * @param maxElements - the capacity: an integer 0..2^32-1 (grow it later with `resizeIndex`).
   * @param m - links per node on upper levels (2m on level 0): an integer 2..10000. Default 16.
   * @param efConstruction - candidate list size while building: an integer 0..2^32-1 (raised to at least `m`).
   *   Default 200.
   * @param randomSeed - seed of the level generator: an integer 0..2^53-1. Default 100.
   * @param allowReplaceDeleted - let `addPoint(point, label, true)` reuse deleted slots. Default false.
   * @throws Error `Expected 1-5 arguments, but got 0.`
   * @throws TypeError `Invalid the first argument type, must be a number.`,
   *   `Invalid the sencond argument type, must be a number.` (sic), `...third...`, `...fourth...`,
   *   `Invalid the fifth argument type, must be a boolean.`; `undefined` in an optional position means the default.
   * @throws RangeError naming the argument, its bounds and the value, if a number is out of range or fractional.
   * @throws Error with code `ERR_INDEX_BUSY` while Promise jobs of this object are in flight.
   */
  initIndex(
    maxElements: number,
    m?: number,
    efConstruction?: number,
    randomSeed?: number,
    allowReplaceDeleted?: boolean,
  ): void;
  /**
   * The named form, chosen when the only argument is an object. Same defaults and bounds as the positional form.
   *
   * @throws TypeError `Missing named argument \`maxElements\`, must be specified.`
   * @throws TypeError `Invalid the named argument type \`maxElements\`, must be a number.` (also `m`,
   *   `efConstruction`, `randomSeed`) and `Invalid the named argument type \`allowRepalceDeleted\`, must be a
   *   boolean.` (sic); a key that is present but `undefined` counts as the wrong type.
   * @throws RangeError if a number is out of range or fractional.
   */
  initIndex(options: InitIndexOptions): void;
  initIndex(...args: unknown[]): null {
    const settings = readIndexSettings(args);
    checkUint32(settings.maxElements, 'maxElements');
    checkIntegerRange(settings.m, 'm', MIN_M, MAX_M);
    checkUint32(settings.efConstruction, 'efConstruction');
    checkIntegerRange(settings.randomSeed, 'randomSeed', 0, Number.MAX_SAFE_INTEGER);
    this.#index.initIndex(
      settings.maxElements,
      settings.m,
      settings.efConstruction,
      settings.randomSeed,
      settings.allowReplaceDeleted,
    );
    return null;
  }

  /**
   * Loads an index file (hnswlib's format, as written by `writeIndex`, hnswlib-node or Python hnswlib) on a
   * worker thread. The capacity is the file's; `ef` resets to 10. The space and dimension are this object's. If the
   * read fails, the previous index (if any) is kept.
   *
   * @param filename - the file path.
   * @param allowReplaceDeleted - see `initIndex`. Default false.
   * @returns a Promise resolving to `true`; it rejects with an `Error` whose message starts with
   *   `Hnswlib Error: ` (missing file, corrupt or mismatched file, out of memory), or with code `ERR_INDEX_BUSY`
   *   while other Promise jobs of this object are in flight.
   * @throws Error `Expected 1-2 arguments, but got 0.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` /
   *   `Invalid the second argument type, must be a boolean.` (synchronously)
   */
  readIndex(filename: string, allowReplaceDeleted?: boolean): Promise<boolean>;
  readIndex(...args: unknown[]): Promise<boolean> {
    checkMinArgCount(args.length, 1, '1-2');
    const [filename, allowReplaceDeleted] = args;
    checkStringArg(filename, 'first');
    checkOptionalBooleanArg(allowReplaceDeleted, 'second');
    return attempt(() => {
      checkFilename(filename);
      return this.#index.readIndex(filename, allowReplaceDeleted ?? false, 0);
    }).then(() => true);
  }

  /**
   * The synchronous `readIndex`: same arguments and checks; read failures throw `Hnswlib Error: ...` and keep the
   * previous index. Throws `ERR_INDEX_BUSY` while Promise jobs of this object are in flight.
   */
  readIndexSync(filename: string, allowReplaceDeleted?: boolean): void;
  readIndexSync(...args: unknown[]): null {
    checkMinArgCount(args.length, 1, '1-2');
    const [filename, allowReplaceDeleted] = args;
    checkStringArg(filename, 'first');
    checkFilename(filename);
    checkOptionalBooleanArg(allowReplaceDeleted, 'second');
    this.#index.readIndexSync(filename, allowReplaceDeleted ?? false, 0);
    return null;
  }

  /**
   * Writes the index in hnswlib's file format on a worker thread (to a temporary file renamed over the target).
   * A symbolic link is followed and the file it names replaced; a replaced file keeps its mode (and owner where
   * allowed); a directory, FIFO, socket or device is refused with `ERR_IO`. See docs/api.md, writeIndex.
   *
   * @param filename - the file path.
   * @returns a Promise resolving to `true`; it rejects with `Hnswlib Error: search index is not constructed.`
   *   before `initIndex`, and (unlike hnswlib-node) with an `Hnswlib Error: ...` when the file cannot be written.
   * @throws Error `Expected 1 arguments, but got N.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` (synchronously)
   */
  writeIndex(filename: string): Promise<boolean>;
  writeIndex(...args: unknown[]): Promise<boolean> {
    checkArgCount(args.length, 1);
    const [filename] = args;
    checkStringArg(filename, 'first');
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
    checkArgCount(args.length, 1);
    const [filename] = args;
    checkStringArg(filename, 'first');
    checkFilename(filename);
    if (!this.#index.isInitialized()) throw notConstructedError();
    this.#index.writeIndexSync(filename);
    return null;
  }

  /**
   * Changes the capacity (grow or shrink).
   *
   * @param newMaxElements - an integer 0..2^32-1, not below `getCurrentCount()`.
   * @throws Error `Expected 1 arguments, but got N.` / TypeError `Invalid the first argument type, must be a
   *   number.` / RangeError if out of range or fractional.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Hnswlib Error: Cannot resize, max element is less than the current number of elements`
   * @throws Error with code `ERR_INDEX_BUSY` while Promise jobs of this object are in flight.
   */
  resizeIndex(newMaxElements: number): void;
  resizeIndex(...args: unknown[]): null {
    checkArgCount(args.length, 1);
    const [newMaxElements] = args;
    checkNumberArg(newMaxElements, 'first');
    checkUint32(newMaxElements, 'newMaxElements');
    this.#requireIndex();
    this.#index.resizeIndex(newMaxElements);
    return null;
  }

  /**
   * Inserts a vector under a label, or updates the vector of an existing label (its neighbourhood is repaired; a
   * deleted element is undeleted first unless replacement is enabled). For `'cosine'` the vector is normalised.
   *
   * @param point - a number[] or a Float32Array (used without a copy) of length `numDimensions`.
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @param replaceDeleted - reuse the slot of a deleted element (needs `allowReplaceDeleted`). Default false.
   * @throws Error `Expected 2-3 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be an Array.`, `Invalid the second argument type,
   *   must be a number.`, `Invalid the third argument type, must be a boolean.`; a TypeError naming the element
   *   (`point[3]`) if one is not a number.
   * @throws RangeError if `label` is out of range or fractional, or an element is NaN, infinite or beyond float32.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Invalid the given array length (expected D, but got L).`
   * @throws Error `Hnswlib Error: The number of elements exceeds the specified limit`,
   *   `Hnswlib Error: Replacement of deleted elements is disabled in constructor`,
   *   `Hnswlib Error: Can't use addPoint to update deleted elements if replacement of deleted elements is enabled.`
   */
  addPoint(point: number[] | Float32Array, label: number, replaceDeleted?: boolean): void;
  addPoint(...args: unknown[]): null {
    checkMinArgCount(args.length, 2, '2-3');
    const [point, label, replaceDeleted] = args;
    checkVectorArg(point, 'first');
    checkNumberArg(label, 'second');
    checkOptionalBooleanArg(replaceDeleted, 'third');
    checkLabel(label);
    this.#requireIndex();
    const vector = toFloat32Vector(point, this.#dim, 'point', 'given array');
    this.#index.addPoint(vector, label, replaceDeleted ?? false);
    return null;
  }

  /**
   * Marks an element deleted: it stays in the graph, in `getCurrentCount()` and in `getIdsList()`, but is never
   * returned by `searchKnn` or `getPoint`.
   *
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @throws Error `Expected 1 arguments, but got N.` / TypeError `Invalid the first argument type, must be a
   *   number.` / RangeError if out of range or fractional.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Hnswlib Error: Label not found` /
   *   `Hnswlib Error: The requested to delete element is already deleted`
   */
  markDelete(label: number): void;
  markDelete(...args: unknown[]): null {
    const label = this.#labelArg(args);
    this.#requireIndex();
    this.#index.markDelete(label);
    return null;
  }

  /**
   * Clears the deleted mark of an element.
   *
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @throws the count, type, range and initialisation errors of `markDelete`.
   * @throws Error `Hnswlib Error: Label not found` /
   *   `Hnswlib Error: The requested to undelete element is not deleted`
   */
  unmarkDelete(label: number): void;
  unmarkDelete(...args: unknown[]): null {
    const label = this.#labelArg(args);
    this.#requireIndex();
    this.#index.unmarkDelete(label);
    return null;
  }

  /**
   * Finds up to `numNeighbors` approximate nearest neighbours of a query, closest first (ties by label). Deleted
   * elements and labels the filter rejects are skipped, so fewer results can come back; raising `ef` helps.
   *
   * @param queryPoint - a number[] or a Float32Array of length `numDimensions`.
   * @param numNeighbors - k: an integer 0..`getMaxElements()`; 0 gives empty arrays.
   * @param filter - called with candidate labels; only labels for which it returns a truthy value are returned.
   *   If it throws, the error propagates and the index stays usable.
   * @returns `{ distances, neighbors }`, two plain arrays.
   * @throws Error `Expected 2-3 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be an Array.`, `Invalid the second argument type,
   *   must be a number.`, `Invalid the third argument type, must be a function.` (`null` included); a TypeError
   *   naming the element (`queryPoint[3]`) if one is not a number.
   * @throws RangeError if `numNeighbors` is negative or fractional, or an element is NaN, infinite or beyond
   *   float32.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   * @throws Error `Invalid the given array length (expected D, but got L).`
   * @throws Error `Invalid the number of k-nearest neighbors (cannot be given a value greater than
   *   \`maxElements\`: N).`
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
    const status = this.#index.searchKnn(query, numNeighbors, filter as FilterFunction | undefined, 0, out);
    return searchResult(status, out, query);
  }

  /**
   * Inserts (or updates, as `addPoint`) many vectors on native threads, off the JS thread; the vectors are copied
   * when the call starts. Rows go to the threads in order; if a row fails or the signal aborts, no new row starts,
   * rows in progress finish, and the Promise rejects with the first error, carrying `insertedLabels` (the labels of
   * this batch now in the index, in row order; see `AddItemsError`).
   *
   * @param vectors - a flat `Float32Array` of n * `numDimensions` floats (used as it is), or an array of
   *   `number[]` / `Float32Array` rows. An empty batch resolves to an empty `Float64Array`.
   * @param labels - one per row, distinct integers 0..`Number.MAX_SAFE_INTEGER`. Default: consecutive from
   *   `getCurrentCount()` (as Python hnswlib).
   * @param options - `numThreads` (default `os.availableParallelism()`), `replaceDeleted` (default false),
   *   `onProgress`, `signal`: see `AddItemsOptions`. Each is read once, before the vectors.
   * @returns a Promise of the labels used, in row order.
   * @throws (as rejections) TypeError / RangeError naming the argument, row and column (`vectors[5][3]`);
   *   `ERR_NOT_INITIALIZED`; `ERR_INDEX_FULL` ("Hnswlib Error: The number of elements exceeds the specified limit
   *   (capacity C, current count N, batch adds A new labels)") before any row runs; a row's error or an
   *   `AbortError`, with `insertedLabels`; `ERR_INDEX_BUSY` while a `readIndex` / `fromBuffer` runs.
   * @example
   * ```ts
   * const vectors = new Float32Array(10000 * 128); // filled elsewhere
   * const labels = await index.addItems(vectors, undefined, {
   *   onProgress: (done, total) => console.log(`${done}/${total}`),
   *   signal: AbortSignal.timeout(60_000),
   * });
   * ```
   */
  addItems(vectors: VectorBatch, labels?: BatchLabels, options?: AddItemsOptions): Promise<Float64Array> {
    return addItems(this.#batch, vectors, labels, options);
  }

  /**
   * The synchronous `addItems`: the same rows on the same threads while the JS thread waits. `onProgress` is
   * called from inside the call (about every 100 ms); meanwhile `initIndex`, `resizeIndex` and the loads of this
   * index throw `ERR_INDEX_BUSY`. Errors are thrown instead of rejected.
   *
   * @example `index.addItemsSync([[1, 2, 3], [4, 5, 6]], [10, 11]);`
   */
  addItemsSync(vectors: VectorBatch, labels?: BatchLabels, options?: AddItemsOptions): Float64Array {
    return addItemsSync(this.#batch, vectors, labels, options);
  }

  /**
   * Searches many queries on native threads, off the JS thread. Each row equals `searchKnn(query, k)` at the same
   * ef (labels, distances, order). The queries are copied when the call starts.
   *
   * @param queries - a flat `Float32Array` of n * `numDimensions` floats or an array of vectors; may be empty.
   * @param k - an integer 1..`Number.MAX_SAFE_INTEGER`, with count * k at most 2^32. More than are stored gives
   *   rows of the element count: the result's `k`.
   * @param options - `numThreads` (default `os.availableParallelism()`), `ef` (default `getEf()` when the call
   *   starts), `filter` (`{ allow }` or `{ deny }` label lists, evaluated in C++). Each is read once, before the
   *   queries.
   * @returns a Promise of `{ k, count, labels, distances, found }`: flat typed arrays with stride `k`, which is the
   *   k asked for capped at the element count when the search starts (at least 1); unused slots hold label -1 and
   *   distance `Infinity`.
   * @throws (as rejections) TypeError / RangeError for bad input; a RangeError with code `ERR_OUT_OF_MEMORY` if the
   *   result arrays cannot be allocated; `ERR_NOT_INITIALIZED`; `ERR_INDEX_BUSY` while a `readIndex` /
   *   `fromBuffer` runs.
   * @example
   * ```ts
   * const { k, labels, distances, found } = await index.searchKnnBatch(queries, 10, { filter: { deny: [3, 7] } });
   * const firstNeighbourOfQuery2 = labels[2 * k];
   * ```
   */
  searchKnnBatch(queries: VectorBatch, k: number, options?: SearchBatchOptions): Promise<BatchSearchResult> {
    return searchKnnBatch(this.#batch, queries, k, options);
  }

  /**
   * The synchronous `searchKnnBatch`, on the same threads; errors are thrown.
   *
   * @example `const { labels } = index.searchKnnBatchSync([[1, 2, 3]], 5, { ef: 100 });`
   */
  searchKnnBatchSync(queries: VectorBatch, k: number, options?: SearchBatchOptions): BatchSearchResult {
    return searchKnnBatchSync(this.#batch, queries, k, options);
  }

  /**
   * The index in hnswlib's file format, serialized off the JS thread: exactly the bytes `writeIndexSync` writes.
   * Adds and deletes wait while the bytes are taken; searches go on. Rejects with `ERR_NOT_INITIALIZED` before
   * `initIndex` and `ERR_INDEX_BUSY` while a `readIndex` / `fromBuffer` runs.
   *
   * @example `const bytes = await index.toBuffer();`
   */
  toBuffer(): Promise<NodeBuffer> {
    return toBuffer(this.#batch);
  }

  /**
   * The synchronous `toBuffer`.
   *
   * @throws Error `ERR_NOT_INITIALIZED` before `initIndex`.
   * @example `fs.writeFileSync('copy.hnsw', index.toBufferSync());`
   */
  toBufferSync(): NodeBuffer {
    return toBufferSync(this.#batch);
  }

  /**
   * Loads an index from bytes in hnswlib's format, off the JS thread, as `readIndex` does: the capacity is the
   * data's, `ef` resets to 10, and on failure the previous index stays. The bytes are copied when the call starts.
   *
   * @param data - a Uint8Array or Buffer.
   * @param allowReplaceDeleted - see `initIndex`. Default false.
   * @returns a Promise resolving when the new index is in place; it rejects with a TypeError for bad arguments,
   *   `Hnswlib Error: ...` (code `ERR_CORRUPT_INDEX`, ...) for bad data, and `ERR_INDEX_BUSY` while other Promise
   *   jobs of this object are in flight.
   * @example `await index.fromBuffer(fs.readFileSync('vectors.hnsw'));`
   */
  fromBuffer(data: Uint8Array, allowReplaceDeleted?: boolean): Promise<void> {
    return attempt(() => {
      checkBytes(data);
      checkOptionalBoolean(allowReplaceDeleted, 'allowReplaceDeleted');
      return this.#index.fromBufferAsync(data, allowReplaceDeleted ?? false, 0);
    });
  }

  /**
   * The synchronous `fromBuffer`; errors are thrown.
   *
   * @example `index.fromBufferSync(other.toBufferSync());`
   */
  fromBufferSync(data: Uint8Array, allowReplaceDeleted?: boolean): void {
    checkBytes(data);
    checkOptionalBoolean(allowReplaceDeleted, 'allowReplaceDeleted');
    this.#index.fromBuffer(data, allowReplaceDeleted ?? false, 0);
  }

  /**
   * Every label in the index, deleted ones included, in no particular order. `[]` before `initIndex`.
   */
  getIdsList(): number[] {
    if (!this.#index.isInitialized()) return [];
    return this.#index.getIdsList();
  }

  /**
   * The stored vector of a label as a number[] (for `'cosine'` the normalised vector). `[]` before `initIndex`.
   *
   * @param label - an integer 0..Number.MAX_SAFE_INTEGER.
   * @throws Error `Expected 1 arguments, but got N.` / TypeError `Invalid the first argument type, must be a
   *   number.` / RangeError if out of range or fractional.
   * @throws Error `Hnswlib Error: Label not found` for a missing or deleted label.
   */
  getPoint(label: number): number[];
  getPoint(...args: unknown[]): number[] {
    const label = this.#labelArg(args);
    if (!this.#index.isInitialized()) return [];
    return Array.from(this.#index.getPoint(label));
  }

  /** The capacity; 0 before `initIndex`. */
  getMaxElements(): number {
    return this.#index.getMaxElements();
  }

  /** The number of elements, deleted ones included; 0 before `initIndex`. */
  getCurrentCount(): number {
    return this.#index.getCurrentCount();
  }

  /** The number of elements marked deleted (not in hnswlib-node); 0 before `initIndex`. */
  getDeletedCount(): number {
    return this.#index.isInitialized() ? this.#index.getDeletedCount() : 0;
  }

  /** The `numDimensions` given to the constructor (never taken from a file). */
  getNumDimensions(): number {
    return this.#dim;
  }

  /**
   * The search candidate list size; 10 after `initIndex` and after every read.
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getEf(): number {
    this.#requireIndex();
    return this.#index.getEf();
  }

  /**
   * Sets the search candidate list size (searches use max(ef, k)).
   *
   * @param ef - an integer 0..2^32-1.
   * @throws Error `Expected 1 arguments, but got N.` / TypeError `Invalid the first argument type, must be a
   *   number.` / RangeError if out of range or fractional.
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  setEf(ef: number): void;
  setEf(...args: unknown[]): null {
    checkArgCount(args.length, 1);
    const [ef] = args;
    checkNumberArg(ef, 'first');
    checkUint32(ef, 'ef');
    this.#requireIndex();
    this.#index.setEf(ef);
    return null;
  }

  /**
   * The `m` the index was built with (from `initIndex` or the file; not in hnswlib-node).
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getM(): number {
    this.#requireIndex();
    return this.#index.getM();
  }

  /**
   * The `efConstruction` the index was built with (from `initIndex` or the file; not in hnswlib-node).
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getEfConstruction(): number {
    this.#requireIndex();
    return this.#index.getEfConstruction();
  }

  /**
   * The graph's shape (levels, entry point, elements and mean out-degree per level), memory, the kernels in use, and
   * the distance evaluations and visited nodes of the searches since the last `resetStats()` (not in
   * hnswlib-node).
   *
   * @example
   * ```ts
   * index.resetStats();
   * index.searchKnnBatchSync(queries, 10, { ef: 64 });
   * const s = index.getStats();
   * console.log(s.maxLevel, s.elementsPerLevel, s.distanceEvaluations / s.searches);
   * ```
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getStats(): IndexStats {
    this.#requireIndex();
    return this.#index.getStats();
  }

  /**
   * Sets the search counters reported by `getStats()` back to zero.
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  resetStats(): void {
    this.#requireIndex();
    this.#index.resetStats();
  }

  #requireIndex(): void {
    // Once initialised, a native index stays so (a failed load or initIndex keeps the previous index), which spares
    // searchKnn a native call per query.
    if (this.#initialized) return;
    if (!this.#index.isInitialized()) throw notInitializedError();
    this.#initialized = true;
  }

  #labelArg(args: unknown[]): number {
    checkArgCount(args.length, 1);
    const [label] = args;
    checkNumberArg(label, 'first');
    checkLabel(label);
    return label;
  }
}
