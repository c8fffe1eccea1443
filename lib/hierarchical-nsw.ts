// HierarchicalNSW: the approximate nearest-neighbour index, with hnswlib-node 3.0.0's API, defaults and messages.

import { IndexBase } from './base-index';
import { readBoolean } from './batch-input';
import { compact, compactSync } from './compact';
import {
  IndexCore,
  attempt,
  fileJob,
  readLabelArg,
  readSearchArgs,
  readUint32Arg,
  readVectorCall,
} from './index-core';
import { readIndexSettings } from './init-settings';
import type { NativeHierarchicalNSW } from './native';
import type {
  CompactOptions,
  FilterFunction,
  IndexOptions,
  IndexStats,
  InitIndexOptions,
  ReadIndexOptions,
  SearchResult,
  SpaceName,
} from './types';
import {
  MAX_M,
  MIN_M,
  checkBytes,
  checkFilename,
  checkIntegerRange,
  checkLabel,
  checkMinArgCount,
  checkOptionalBoolean,
  checkOptionalBooleanArg,
  checkStringArg,
  checkUint32,
  toFloat32Vector,
} from './validate';

/** readIndex's second argument: hnswlib-node's `allowReplaceDeleted` boolean, or the options object. */
function readLoadOptions(value: unknown): [allowReplaceDeleted: boolean, mmap: boolean] {
  if (typeof value === 'object' && value !== null) {
    const options = value as Record<string, unknown>;
    const allowReplaceDeleted = readBoolean(options, 'allowReplaceDeleted');
    return [allowReplaceDeleted, readBoolean(options, 'mmap')];
  }
  checkOptionalBooleanArg(value, 'second');
  return [value ?? false, false];
}

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
export class HierarchicalNSW extends IndexBase {
  readonly #core: IndexCore<NativeHierarchicalNSW>;

  /**
   * Creates an index object; no memory for elements is allocated until `initIndex` or a read.
   *
   * @param spaceName - `'l2'`, `'ip'` or `'cosine'`.
   * @param numDimensions - the vector length: an integer 1..65536.
   * @param options - `{ precision }`: `'f32'` (default), `'f16'` or `'i8'` storage (docs/api.md, "Precision").
   * @throws Error `Expected 2 arguments, but got N.` (a third argument that is an object or `undefined` is `options`)
   * @throws TypeError `Invalid the first argument type, must be a string.` /
   *   `Invalid the second argument type, must be a number.`
   * @throws Error `Wrong space name, expected "l2", "ip", or "cosine".`
   * @throws RangeError if `numDimensions` is not an integer in 1..65536.
   * @throws TypeError if `options.precision` is not a string; RangeError
   *   (`ERR_INVALID_ARG_VALUE`) if it is not `'f32'`, `'f16'` or `'i8'`.
   */
  constructor(spaceName: SpaceName, numDimensions: number, options?: IndexOptions);
  constructor(...args: unknown[]) {
    const core = IndexCore.create('HierarchicalNSW', args);
    super(core);
    this.#core = core;
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
   * @throws TypeError `Invalid the named argument type \`autoGrow\`, must be a boolean.` (hnswkit's option)
   * @throws RangeError if a number is out of range or fractional.
   */
  initIndex(options: InitIndexOptions): void;
  initIndex(...args: unknown[]): null {
    const settings = readIndexSettings(args);
    checkUint32(settings.maxElements, 'maxElements');
    checkIntegerRange(settings.m, 'm', MIN_M, MAX_M);
    checkUint32(settings.efConstruction, 'efConstruction');
    checkIntegerRange(settings.randomSeed, 'randomSeed', 0, Number.MAX_SAFE_INTEGER);
    this.#core.native.initIndex(
      settings.maxElements,
      settings.m,
      settings.efConstruction,
      settings.randomSeed,
      settings.allowReplaceDeleted,
      settings.autoGrow,
    );
    return null;
  }

  /**
   * Loads an index file (hnswlib's format, as written by `writeIndex`, hnswlib-node or Python hnswlib) on a
   * worker thread. The capacity is the file's; `ef` resets to 10. The space and dimension are this object's. If the
   * read fails, the previous index (if any) is kept.
   *
   * With `{ mmap: true }` the file is mapped read-only instead of read: opening reads only its header and
   * upper-level links (milliseconds at any size), the pages are shared by every process and worker that maps the
   * file, every read method works, and every change throws `ERR_READ_ONLY` (see docs/api.md, "Mapped indexes").
   *
   * @param filename - the file path.
   * @param options - `allowReplaceDeleted` (see `initIndex`) as a boolean, or `{ allowReplaceDeleted, mmap }`.
   *   Default false.
   * @returns a Promise resolving to `true`; it rejects with an `Error` whose message starts with
   *   `Hnswlib Error: ` (missing file, corrupt or mismatched file, out of memory), or with code `ERR_INDEX_BUSY`
   *   while other Promise jobs of this object are in flight.
   * @throws Error `Expected 1-2 arguments, but got 0.` (synchronously)
   * @throws TypeError `Invalid the first argument type, must be a string.` /
   *   `Invalid the second argument type, must be a boolean.` (synchronously)
   */
  readIndex(filename: string, options?: boolean | ReadIndexOptions): Promise<boolean>;
  readIndex(...args: unknown[]): Promise<boolean> {
    checkMinArgCount(args.length, 1, '1-2');
    const [filename, options] = args;
    checkStringArg(filename, 'first');
    const [allowReplaceDeleted, mmap] = readLoadOptions(options);
    return fileJob(filename, (name) => this.#core.native.readIndex(name, allowReplaceDeleted, 0, mmap));
  }

  /**
   * The synchronous `readIndex`: same arguments and checks; read failures throw `Hnswlib Error: ...` and keep the
   * previous index. Throws `ERR_INDEX_BUSY` while Promise jobs of this object are in flight.
   */
  readIndexSync(filename: string, options?: boolean | ReadIndexOptions): void;
  readIndexSync(...args: unknown[]): null {
    checkMinArgCount(args.length, 1, '1-2');
    const [filename, options] = args;
    checkStringArg(filename, 'first');
    checkFilename(filename);
    const [allowReplaceDeleted, mmap] = readLoadOptions(options);
    this.#core.native.readIndexSync(filename, allowReplaceDeleted, 0, mmap);
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
    const newMaxElements = readUint32Arg(args, 'newMaxElements');
    this.#requireIndex().resizeIndex(newMaxElements);
    return null;
  }

  /**
   * Rebuilds the graph from the live elements only, so the memory of deleted ones is given back: the same labels,
   * stored vectors, capacity and settings (M, efConstruction, ef, allowReplaceDeleted, autoGrow), the links made
   * afresh as a new index of those elements would make them. The copy runs on native threads while the old graph
   * keeps answering every read (`searchKnn`, `searchKnnBatch`, `getPoint`, saves...); it takes the old graph's place
   * when the Promise resolves. Until then adds and deletes throw `ERR_INDEX_BUSY`. Nothing is rebuilt when no
   * element is deleted. Not in hnswlib-node.
   *
   * @param options - `numThreads`, `onProgress(done, total)` (elements copied, about every 100 ms, and once with
   *   `done === total`), `signal` (an AbortSignal: the copy stops and the index stays as it was).
   * @example
   * ```ts
   * for (const label of stale) index.markDelete(label);
   * await index.compact({ onProgress: (done, total) => console.log(`${done}/${total}`) });
   * ```
   * @throws (rejects) the option errors of `addItems`; `ERR_NOT_INITIALIZED`; `ERR_INDEX_BUSY` while other Promise
   *   jobs of this object are in flight; `ERR_READ_ONLY` for a mapped index; an `AbortError` when the signal fires.
   */
  compact(options?: CompactOptions): Promise<void> {
    return compact(this.#core, options);
  }

  /**
   * `compact` while the JS thread waits (and, with `onProgress`, reports); an `onProgress` that adds or deletes on
   * this index gets `ERR_INDEX_BUSY`. Not in hnswlib-node.
   */
  compactSync(options?: CompactOptions): void {
    compactSync(this.#core, options);
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
    const [point, label, replaceDeleted] = readVectorCall(args);
    checkOptionalBooleanArg(replaceDeleted, 'third');
    checkLabel(label);
    const index = this.#requireIndex();
    const vector = toFloat32Vector(point, this.#core.dim, 'point', 'given array');
    index.addPoint(vector, label, replaceDeleted ?? false);
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
    this.#requireIndex().markDelete(label);
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
    this.#requireIndex().unmarkDelete(label);
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
    const [queryPoint, numNeighbors, filter] = readSearchArgs(args);
    const index = this.#requireIndex();
    return this.#core.searchOne(queryPoint, numNeighbors, (query, out) =>
      index.searchKnn(query, numNeighbors, filter, 0, out),
    );
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
      return this.#core.native.fromBufferAsync(data, allowReplaceDeleted ?? false, 0);
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
    this.#core.native.fromBuffer(data, allowReplaceDeleted ?? false, 0);
  }

  /**
   * Every label in the index, deleted ones included, in no particular order. `[]` before `initIndex`.
   */
  getIdsList(): number[] {
    const index = this.#core.native;
    return index.isInitialized() ? index.getIdsList() : [];
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
    const index = this.#core.native;
    return index.isInitialized() ? Array.from(index.getPoint(label)) : [];
  }

  /** The number of elements marked deleted (not in hnswlib-node); 0 before `initIndex`. */
  getDeletedCount(): number {
    const index = this.#core.native;
    return index.isInitialized() ? index.getDeletedCount() : 0;
  }

  /**
   * The search candidate list size; 10 after `initIndex` and after every read.
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getEf(): number {
    return this.#requireIndex().getEf();
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
    const ef = readUint32Arg(args, 'ef');
    this.#requireIndex().setEf(ef);
    return null;
  }

  /**
   * The `m` the index was built with (from `initIndex` or the file; not in hnswlib-node).
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getM(): number {
    return this.#requireIndex().getM();
  }

  /**
   * The `efConstruction` the index was built with (from `initIndex` or the file; not in hnswlib-node).
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  getEfConstruction(): number {
    return this.#requireIndex().getEfConstruction();
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
    return this.#requireIndex().getStats();
  }

  /**
   * Sets the search counters reported by `getStats()` back to zero.
   *
   * @throws Error `Search index has not been initialized, call \`initIndex\` in advance.`
   */
  resetStats(): void {
    this.#requireIndex().resetStats();
  }

  /**
   * The native index once it exists (see IndexCore.ready). A private method of this class, so that a method called
   * on an object that is not a HierarchicalNSW fails here with V8's "Receiver must be an instance of class
   * HierarchicalNSW".
   */
  #requireIndex(): NativeHierarchicalNSW {
    return this.#core.ready();
  }

  /**
   * The label argument (see readLabelArg), read through a private method so that a foreign receiver fails first,
   * with V8's message naming this class.
   */
  #labelArg(args: unknown[]): number {
    return readLabelArg(args);
  }
}
