// BruteforceSearch: exact k-nearest-neighbour search by a full scan, with hnswlib-node 3.0.0's API and messages.

import { IndexBase } from './base-index';
import {
  IndexCore,
  attempt,
  fileJob,
  readFilenameArg,
  readLabelArg,
  readSearchArgs,
  readUint32Arg,
} from './index-core';
import type { NativeBruteforceSearch } from './native';
import type { FilterFunction, IndexOptions, SearchResult, SpaceName } from './types';
import {
  checkArgCount,
  checkBytes,
  checkFilename,
  checkLabel,
  checkNumberArg,
  checkVectorArg,
  kNotPositiveError,
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
export class BruteforceSearch extends IndexBase {
  readonly #core: IndexCore<NativeBruteforceSearch>;

  /**
   * Creates an index object; nothing is allocated until `initIndex` or a read. The arguments are checked as
   * `new HierarchicalNSW(spaceName, numDimensions)` checks them, with the same errors.
   *
   * @param spaceName - `'l2'`, `'ip'` or `'cosine'`.
   * @param numDimensions - the vector length: an integer 1..65536.
   * @param options - `{ precision }`: `'f32'` (default), `'f16'` or `'i8'` storage (docs/api.md, "Precision").
   */
  constructor(spaceName: SpaceName, numDimensions: number, options?: IndexOptions);
  constructor(...args: unknown[]) {
    const core = IndexCore.create('BruteforceSearch', args);
    super(core);
    this.#core = core;
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
    const maxElements = readUint32Arg(args, 'maxElements');
    this.#core.native.initIndex(maxElements);
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
    return fileJob(filename, (name) => this.#core.native.readIndex(name));
  }

  /** The synchronous `readIndex`: same checks; read failures throw `Hnswlib Error: ...` and keep the previous index. */
  readIndexSync(filename: string): void;
  readIndexSync(...args: unknown[]): null {
    const filename = this.#filenameArg(args);
    checkFilename(filename);
    this.#core.native.readIndexSync(filename);
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
    const index = this.#requireIndex();
    const vector = toFloat32Vector(point, this.#core.dim, 'point', 'given array');
    index.addPoint(vector, label);
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
    const label = readLabelArg(args);
    this.#requireIndex().removePoint(label);
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
   * @throws the count, type, range, length and initialisation errors of `HierarchicalNSW#searchKnn`, with its
   *   messages; for a k of 0, Error `Invalid the number of k-nearest neighbors (must be a positive number).`
   */
  searchKnn(queryPoint: number[] | Float32Array, numNeighbors: number, filter?: FilterFunction): SearchResult;
  searchKnn(...args: unknown[]): SearchResult {
    const [queryPoint, numNeighbors, filter] = readSearchArgs(args);
    const index = this.#requireIndex();
    const result = this.#core.searchOne(queryPoint, numNeighbors, (query, out) =>
      index.searchKnn(query, numNeighbors, filter, out),
    );
    // hnswlib-node searches first and only then refuses k = 0: its other errors come before this one.
    if (numNeighbors === 0) throw kNotPositiveError();
    return result;
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
      return this.#core.native.fromBufferAsync(data);
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
    this.#core.native.fromBuffer(data);
  }

  /**
   * The native index once it exists (see IndexCore.ready). A private method of this class, so that a method called
   * on an object that is not a BruteforceSearch fails here with V8's "Receiver must be an instance of class
   * BruteforceSearch".
   */
  #requireIndex(): NativeBruteforceSearch {
    return this.#core.ready();
  }

  /**
   * The file name argument (see readFilenameArg), read through a private method so that a foreign receiver fails
   * first, with V8's message naming this class.
   */
  #filenameArg(args: unknown[]): string {
    return readFilenameArg(args);
  }
}
