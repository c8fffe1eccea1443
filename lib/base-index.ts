// IndexBase: what HierarchicalNSW and BruteforceSearch share, written once: the file writes, the batch and buffer
// methods, and the getters of capacity, count and dimension. Internal: the package entry exports only the subclasses.
//
// State: each object's IndexCore (index-core.ts) is made by the subclass's constructor, which hands it to this
// class and keeps it too, typed with its own native class. This class names it only in private fields and in a
// constructor parameter typed `object`, so the shipped typings of the classes import types.d.ts alone.

// `[Symbol.dispose]` needs TypeScript's disposable declarations (TypeScript 5.2+) in programs that use the typings
// without @types/node, which declares them too.
/// <reference lib="esnext.disposable" preserve="true" />

import { addItems, addItemsSync } from './add-items';
import { toLabelArray } from './batch-input';
import { IndexCore, attempt, fileJob, readFilenameArg } from './index-core';
import { searchKnnBatch, searchKnnBatchSync } from './search-batch';
import { searchRange, searchRangeBatch, searchRangeBatchSync } from './search-range';
import type {
  AddItemsOptions,
  BatchLabels,
  BatchRangeResult,
  BatchSearchResult,
  NodeBuffer,
  Precision,
  RangeBatchOptions,
  RangeSearchOptions,
  SearchBatchOptions,
  SearchResult,
  VectorBatch,
} from './types';
import { checkFilename, closedError, notConstructedAsyncError, notConstructedError, outOfMemoryError } from './validate';

/** The base class of `HierarchicalNSW` and `BruteforceSearch`; it is not exported by the package entry. */
export abstract class IndexBase {
  readonly #core: IndexCore;

  /** @param core - the IndexCore the subclass made (typed `object` so that the typings do not name it). */
  protected constructor(core: object) {
    if (!(core instanceof IndexCore)) throw new TypeError('IndexBase needs the IndexCore of its subclass');
    this.#core = core;
  }

  /**
   * Writes the index in hnswlib's file format (the brute-force format for `BruteforceSearch`) on a worker thread,
   * to a temporary file renamed over the target. A symbolic link is followed and the file it names replaced; a
   * replaced file keeps its mode (and owner where allowed); a directory, FIFO, socket or device is refused with
   * `ERR_IO`. See docs/api.md, writeIndex.
   *
   * @param filename - the file path.
   * @returns a Promise resolving to `true`; it rejects with `Hnswlib Error: search index is not constructed.`
   *   before `initIndex`, and (unlike hnswlib-node) with an `Hnswlib Error: ...` when the file cannot be written.
   * @throws Error `Expected 1 arguments, but got N.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` (synchronously)
   * @example `await index.writeIndex('vectors.hnsw');`
   */
  writeIndex(filename: string): Promise<boolean>;
  writeIndex(...args: unknown[]): Promise<boolean> {
    const filename = readFilenameArg(args);
    const core = this.#core;
    // The index's state is a rejection (not initialised, ERR_CLOSED); only the argument errors above throw.
    return attempt(() => {
      const index = core.native;
      if (!index.isInitialized()) return Promise.reject(notConstructedAsyncError());
      return fileJob(filename, (name) => index.writeIndex(name));
    });
  }

  /**
   * The synchronous `writeIndex`. Its checks run in hnswlib-node 3.0.0's order, the same in both of its classes:
   * the count and type of the argument, then whether an index exists, then (hnswkit's own) the file name's content.
   *
   * @throws Error `Search index is not constructed.` before `initIndex`; `Hnswlib Error: ...` if the file cannot
   *   be written; the count and type errors of `writeIndex`; a RangeError for a file name holding a NUL.
   * @example `index.writeIndexSync('vectors.hnsw');`
   */
  writeIndexSync(filename: string): void;
  writeIndexSync(...args: unknown[]): null {
    const filename = readFilenameArg(args);
    const index = this.#core.native;
    if (!index.isInitialized()) throw notConstructedError();
    checkFilename(filename);
    index.writeIndexSync(filename);
    return null;
  }

  /**
   * Inserts (or updates, as `addPoint`) many vectors on native threads, off the JS thread; the vectors are copied
   * when the call starts. Rows go to the threads in order; if a row fails or the signal aborts, no new row starts,
   * rows in progress finish, and the Promise rejects with the first error, carrying `insertedLabels` (the labels of
   * this batch now in the index, in row order; see `AddItemsError`). A brute-force store takes one insert at a time,
   * so there extra threads only prepare vectors.
   *
   * @param vectors - a flat `Float32Array` of n * `numDimensions` floats (used as it is), or an array of
   *   `number[]` / `Float32Array` rows. An empty batch resolves to an empty `Float64Array`.
   * @param labels - one per row, distinct integers 0..`Number.MAX_SAFE_INTEGER`. Default: consecutive from
   *   `getCurrentCount()` (as Python hnswlib).
   * @param options - `numThreads` (default `os.availableParallelism()`), `replaceDeleted` (`HierarchicalNSW` only,
   *   default false), `onProgress`, `signal`: see `AddItemsOptions`. Each is read once, before the vectors.
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
    return addItems(this.#core, vectors, labels, options);
  }

  /**
   * The synchronous `addItems`: the same rows on the same threads while the JS thread waits. `onProgress` is
   * called from inside the call (about every 100 ms); meanwhile `initIndex`, `resizeIndex` and the loads of this
   * index throw `ERR_INDEX_BUSY`. Errors are thrown instead of rejected.
   *
   * @example `index.addItemsSync([[1, 2, 3], [4, 5, 6]], [10, 11]);`
   */
  addItemsSync(vectors: VectorBatch, labels?: BatchLabels, options?: AddItemsOptions): Float64Array {
    return addItemsSync(this.#core, vectors, labels, options);
  }

  /**
   * Searches many queries on native threads, off the JS thread. Each row equals `searchKnn(query, k)` at the same
   * ef (labels, distances, order). The queries are copied when the call starts.
   *
   * @param queries - a flat `Float32Array` of n * `numDimensions` floats or an array of vectors; may be empty.
   * @param k - an integer 1..`Number.MAX_SAFE_INTEGER`, with count * k at most 2^32. More than are stored gives
   *   rows of the element count: the result's `k`.
   * @param options - `numThreads` (default `os.availableParallelism()`), `ef` (`HierarchicalNSW` only, default
   *   `getEf()` when the call starts), `filter` (`{ allow }` or `{ deny }` label lists, evaluated in C++). Each is
   *   read once, before the queries.
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
    return searchKnnBatch(this.#core, queries, k, options);
  }

  /**
   * The synchronous `searchKnnBatch`, on the same threads; errors are thrown.
   *
   * @example `const { labels } = index.searchKnnBatchSync([[1, 2, 3]], 5, { ef: 100 });`
   */
  searchKnnBatchSync(queries: VectorBatch, k: number, options?: SearchBatchOptions): BatchSearchResult {
    return searchKnnBatchSync(this.#core, queries, k, options);
  }

  /**
   * Every element within `radius` of a query, closest first (equal distances by ascending label): a k-nn search
   * whose k is however many elements the radius holds. `BruteforceSearch` finds exactly those. `HierarchicalNSW`
   * finds them as far as its graph search reaches: it walks every element within the radius that it reaches, and
   * beside them a beam of `ef` elements beyond it; a wider `ef` finds more of the elements near the radius (see
   * docs/api.md, searchRange, for measured recall). Deleted elements are never returned.
   *
   * @param query - a number[] or a Float32Array of length `numDimensions`.
   * @param radius - in the space's own units (`'l2'` squared Euclidean, `'ip'` and `'cosine'` `1 - dot`): any finite
   *   number; hits have a distance <= radius. An `'l2'` distance is never negative, so a negative radius finds
   *   nothing there.
   * @param options - `maxResults` (keep only the closest this many; default no limit), `ef` (`HierarchicalNSW` only,
   *   default `getEf()`), `filter` (a function of a label, or `{ allow }` / `{ deny }` label lists). Each is read
   *   once, before the query.
   * @returns `{ distances, neighbors }`, two plain arrays, as `searchKnn`'s.
   * @throws TypeError / RangeError naming the argument (`radius`, `maxResults`, `ef`, `filter`, `query[3]`); Error
   *   `Invalid the given array length (expected D, but got L).`; Error `ERR_NOT_INITIALIZED` before `initIndex`;
   *   what a filter function throws, unchanged.
   * @example
   * ```ts
   * const { neighbors, distances } = index.searchRange(query, 0.2, { maxResults: 1000 });
   * ```
   */
  searchRange(query: number[] | Float32Array, radius: number, options?: RangeSearchOptions): SearchResult {
    return searchRange(this.#core, query, radius, options);
  }

  /**
   * `searchRange` for many queries on native threads, off the JS thread; each query's hits equal `searchRange`'s at
   * the same settings. The queries are copied when the call starts.
   *
   * @param queries - a flat `Float32Array` of n * `numDimensions` floats or an array of vectors; may be empty.
   * @param radius - as `searchRange`'s.
   * @param options - `numThreads` (default `os.availableParallelism()`), `maxResults`, `ef`, `filter` (`{ allow }` or
   *   `{ deny }` only: a JS callback cannot run on the worker threads). Each is read once, before the queries.
   * @returns a Promise of `{ count, offsets, labels, distances }`: query i's hits are elements `offsets[i]` to
   *   `offsets[i + 1] - 1` of `labels` and `distances` (at most 2^32 - 1 hits in all).
   * @throws (as rejections) TypeError / RangeError for bad input; `ERR_OUT_OF_MEMORY` if the results do not fit;
   *   `ERR_NOT_INITIALIZED`; `ERR_INDEX_BUSY` while a `readIndex` / `fromBuffer` runs.
   * @example
   * ```ts
   * const { offsets, labels } = await index.searchRangeBatch(queries, 0.2, { maxResults: 100 });
   * const neighboursOfQuery2 = labels.subarray(offsets[2], offsets[3]);
   * ```
   */
  searchRangeBatch(queries: VectorBatch, radius: number, options?: RangeBatchOptions): Promise<BatchRangeResult> {
    return searchRangeBatch(this.#core, queries, radius, options);
  }

  /**
   * The synchronous `searchRangeBatch`, on the same threads; errors are thrown.
   *
   * @example `const { offsets, labels } = index.searchRangeBatchSync([[1, 2, 3]], 0.5);`
   */
  searchRangeBatchSync(queries: VectorBatch, radius: number, options?: RangeBatchOptions): BatchRangeResult {
    return searchRangeBatchSync(this.#core, queries, radius, options);
  }

  /**
   * The index in its file format, serialized off the JS thread: exactly the bytes `writeIndexSync` writes. Adds and
   * deletes wait while the bytes are taken; searches go on. Rejects with `ERR_NOT_INITIALIZED` before `initIndex`
   * and `ERR_INDEX_BUSY` while a `readIndex` / `fromBuffer` runs.
   *
   * @example `const bytes = await index.toBuffer();`
   */
  toBuffer(): Promise<NodeBuffer> {
    const core = this.#core;
    return attempt(() => core.ready().toBufferAsync());
  }

  /**
   * The synchronous `toBuffer`.
   *
   * @throws Error `ERR_NOT_INITIALIZED` before `initIndex`.
   * @example `fs.writeFileSync('copy.hnsw', index.toBufferSync());`
   */
  toBufferSync(): NodeBuffer {
    return this.#core.ready().toBuffer();
  }

  /** The capacity; 0 before `initIndex`. */
  getMaxElements(): number {
    return this.#core.native.getMaxElements();
  }

  /** The number of stored elements (for `HierarchicalNSW`, deleted ones included); 0 before `initIndex`. */
  getCurrentCount(): number {
    return this.#core.native.getCurrentCount();
  }

  /**
   * The labels of the live elements, in the order they were inserted: for `HierarchicalNSW` without the elements
   * marked deleted (which `getIdsList()` lists too, as hnswlib-node's does), for `BruteforceSearch` every label.
   * `[]` before `initIndex`.
   *
   * @example `const live = index.getLabels(); // [0, 2, 3] after markDelete(1)`
   */
  getLabels(): number[] {
    const index = this.#core.native;
    return index.isInitialized() ? index.getLabels() : [];
  }

  /**
   * The stored vectors of many labels in one flat `Float32Array`, row i (`numDimensions` floats from
   * `i * numDimensions`) for `labels[i]`: Python hnswlib's `get_items`. For `'cosine'` the normalised vectors, for f16
   * and i8 indexes the stored values widened to float32, as `getPoint`.
   *
   * @param labels - an array or typed array of integers 0..`Number.MAX_SAFE_INTEGER`; may be empty, may repeat.
   * @throws TypeError / RangeError naming `labels[i]` for a label that is not such an integer; Error
   *   `ERR_NOT_INITIALIZED` before `initIndex`; Error `ERR_LABEL_NOT_FOUND` (`Hnswlib Error: Label not found: 7
   *   (labels[2])`) for a label that is missing or deleted; RangeError `ERR_OUT_OF_MEMORY` if the result cannot be
   *   allocated.
   * @example `const vectors = index.getPoints([3, 1, 4]); // 3 * numDimensions floats`
   */
  getPoints(labels: BatchLabels): Float32Array {
    const list = toLabelArray(labels, 'labels', {});
    const core = this.#core;
    const index = core.ready();
    let out: Float32Array;
    try {
      out = new Float32Array(list.length * core.dim);
    } catch {
      const bytes = list.length * core.dim * Float32Array.BYTES_PER_ELEMENT;
      throw outOfMemoryError('labels', `few enough that their vectors fit in memory (${bytes} bytes could not be allocated)`, labels);
    }
    index.getPoints(list, out);
    return out;
  }

  /** The `numDimensions` given to the constructor (never taken from a file). */
  getNumDimensions(): number {
    if (this.#core.closed) throw closedError();
    return this.#core.dim;
  }

  /**
   * How the index stores vectors: the loaded file's precision, or, before any load, the one `initIndex` builds (the
   * constructor's `precision`, default `'f32'`). See docs/api.md, "Precision".
   */
  getPrecision(): Precision {
    return this.#core.native.getPrecision();
  }

  /**
   * Frees the index's native memory now, instead of whenever the garbage collector collects this object. Every
   * later call of a method throws an Error with code `ERR_CLOSED`; closing again does nothing. A Promise method
   * already called (an `addItems` over many chunks included) keeps the index it uses: it finishes and settles as it
   * would have, and the memory goes when the last of them has settled. A mapped index lets its file go (on
   * Windows, the file can then be replaced or deleted).
   *
   * Without `close()` the memory still goes when the object is collected: the index tells V8 how much native
   * memory it holds, so dropping index objects makes V8 collect them. See docs/api.md, "close".
   *
   * @example
   * ```ts
   * const index = new HierarchicalNSW('cosine', 384);
   * try {
   *   index.readIndexSync('vectors.hnsw');
   *   // ...
   * } finally {
   *   index.close();
   * }
   * ```
   */
  close(): void {
    this.#core.close();
  }

  /**
   * `close()`, for `using` declarations (TypeScript 5.2+, and JavaScript where explicit resource management is
   * available): `using index = new HierarchicalNSW('l2', 128);` closes the index when the block ends.
   */
  [Symbol.dispose](): void {
    this.#core.close();
  }
}
