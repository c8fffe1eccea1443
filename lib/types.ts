// The public types shared by the index classes: hnswlib-node 3.0.0's (plus the named initIndex form) and those of the
// batch and buffer methods. They name no type of @types/node or of the DOM lib, so programs compile without either.

/**
 * The distance an index uses: `'l2'` squared Euclidean, `'ip'` `1 - dot`, `'cosine'` `1 - dot` of vectors
 * normalised at insert and at query time.
 */
export type SpaceName = 'l2' | 'ip' | 'cosine';

/**
 * How an index stores each vector (docs/api.md, "Precision"): `'f32'` as given (hnswlib's file format), `'f16'` as
 * IEEE half floats (half the bytes; coordinates up to 65504 in magnitude), `'i8'` as one signed byte per coordinate
 * over the vector's own range plus 16 bytes (about a quarter of the bytes). Queries stay float32 either way.
 */
export type Precision = 'f32' | 'f16' | 'i8';

/** The constructors' optional third argument. */
export interface IndexOptions {
  /**
   * The precision `initIndex` builds, and the one every loaded file is converted to. Left out: `'f32'` for
   * `initIndex`, and a loaded file keeps its own precision.
   */
  precision?: Precision;
}

/**
 * Every `code` an error thrown (or a Promise rejected) by this package can carry; docs/api.md, Errors, says when
 * each one is used. Errors that a `searchKnn` filter or an `onProgress` callback throws pass through as they were,
 * with whatever `code` they had.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from 'hnswkit';
 *
 * try {
 *   index.addPoint(vector, label);
 * } catch (err) {
 *   const code = (err as { code?: ErrorCode }).code;
 *   if (code === 'ERR_INDEX_FULL') index.resizeIndex(index.getMaxElements() * 2);
 * }
 * ```
 */
export type ErrorCode =
  // Set by the native addon: the engine's codes (deps/hnswkit/util/error.cc) and the binding's (binding/).
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_LABEL_NOT_FOUND'
  | 'ERR_ALREADY_DELETED'
  | 'ERR_NOT_DELETED'
  | 'ERR_INDEX_FULL'
  | 'ERR_REPLACE_DISABLED'
  | 'ERR_UPDATE_DELETED'
  | 'ERR_RESIZE_TOO_SMALL'
  | 'ERR_CORRUPT_INDEX'
  | 'ERR_IO'
  | 'ERR_OUT_OF_MEMORY'
  | 'ERR_CANCELLED'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_INDEX_BUSY'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_READ_ONLY'
  | 'ERR_CLOSED'
  // Set by the TypeScript layer alone (lib/validate.ts, and the AbortError of an aborted addItems).
  | 'ERR_INVALID_ARG_COUNT'
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ABORT_ERR';

/**
 * What `searchKnn` returns: two plain arrays of equal length, closest first. `neighbors` holds labels,
 * `distances` the float32 distances widened to numbers.
 */
export interface SearchResult {
  distances: number[];
  neighbors: number[];
}

/**
 * Called with a candidate's label during `searchKnn`; the label can be returned only if the result is truthy.
 * If it throws, the search stops and the error propagates out of `searchKnn`.
 */
export type FilterFunction = (label: number) => boolean;

/** The named form of `HierarchicalNSW#initIndex`. A key that is present must hold a value of its type. */
/** The options object `HierarchicalNSW.readIndex` and `readIndexSync` take as their second argument. */
export interface ReadIndexOptions {
  /** See `initIndex`. Default false. */
  allowReplaceDeleted?: boolean;
  /**
   * Map the file read-only instead of reading it: opening takes milliseconds at any size, the pages are shared by
   * every process and worker that maps the file, every read method works, and every change throws `ERR_READ_ONLY`.
   * The file's precision is kept (no conversion). Default false.
   */
  mmap?: boolean;
}

export interface InitIndexOptions {
  /** The capacity: an integer 0..2^32-1. */
  maxElements: number;
  /** Links per node on upper levels (2M on level 0): an integer 2..10000. Default 16. */
  m?: number;
  /** Candidate list size while building: an integer 0..2^32-1 (raised to at least `m`). Default 200. */
  efConstruction?: number;
  /** Seed of the level generator: an integer 0..2^53-1. Default 100. */
  randomSeed?: number;
  /** Let `addPoint(point, label, true)` reuse the slot of a deleted element. Default false. */
  allowReplaceDeleted?: boolean;
  /**
   * hnswkit: when an add needs room, double the capacity (`maxElements` is then only where it starts) instead of
   * throwing `ERR_INDEX_FULL`; safe while batches add and searches run. Not kept in the file. Default false.
   */
  autoGrow?: boolean;
}

/**
 * What `HierarchicalNSW.getStats()` reports: the graph's shape, memory, the kernels in use, and counters of the
 * searches since the index was created, loaded or `resetStats()` was called (batch searches included). Divide the
 * counters by `searches` for per-query figures, the numbers to watch when tuning M and ef.
 */
export interface IndexStats {
  /** The top level of the graph; -1 while empty. */
  maxLevel: number;
  /** The label of the element searches start from; null while empty. */
  entryPoint: number | null;
  /** elementsPerLevel[l]: how many elements reach level l (elementsPerLevel[0] is the element count). */
  elementsPerLevel: number[];
  /** meanOutDegree[l]: the mean number of links of the elements on level l (at most 2M on level 0, M above). */
  meanOutDegree: number[];
  /** Elements, deleted ones included (as getCurrentCount()). */
  count: number;
  /** Elements marked deleted. */
  deletedCount: number;
  /** The capacity (as getMaxElements()). */
  maxElements: number;
  /**
   * Bytes the index has reserved: records for the whole capacity, upper-level links, the label map. Capacity that
   * was never used is reserved but not resident (its pages are never touched). A mapped index holds only a level
   * and a pointer per element, and its label map once a method has needed it; its records are the file's pages.
   */
  memoryBytes: number;
  /** The size of the mapped file of an index opened with `{ mmap: true }`; 0 for an index in memory. */
  mappedBytes: number;
  /** The distance kernels in use: 'scalar', 'sse', 'avx2', 'avx512', 'avx512vnni', 'neon' or 'neondot'. */
  simdLevel: string;
  /** Searches counted below. */
  searches: number;
  /** Distances computed by those searches. */
  distanceEvaluations: number;
  /** Elements whose level-0 neighbour lists those searches read. */
  visitedNodes: number;
}

/**
 * Node's `Buffer` where the program declares it (with @types/node), `Uint8Array` otherwise: what `toBuffer` and
 * `toBufferSync` return. At run time it is always a Node Buffer.
 */
export type NodeBuffer = typeof globalThis extends { Buffer: { prototype: infer B } } ? B : Uint8Array;

/**
 * What `AddItemsOptions.signal` accepts: the members of an `AbortSignal` the batch uses. Node's and the DOM's
 * `AbortSignal` have them all.
 *
 * @example
 * ```ts
 * await index.addItems(vectors, undefined, { signal: AbortSignal.timeout(60_000) });
 * ```
 */
export interface AbortSignalLike {
  /** Read when the batch starts (if true, it fails at once with an `AbortError`) and when it fails. */
  readonly aborted: boolean;
  /** The `cause` of the `AbortError`. */
  readonly reason?: unknown;
  /** Called once per batch with a listener that stops it. */
  addEventListener(type: 'abort', listener: () => void): void;
  /** Called, if present, with the same listener when the batch ends. */
  removeEventListener?(type: 'abort', listener: () => void): void;
}

/** Labels: integers 0..`Number.MAX_SAFE_INTEGER`. */
export type LabelList = readonly number[] | Float64Array | Uint32Array | Int32Array | Set<number>;

/** The labels of an `addItems` batch, one per row (a `Set` has no row order, so it is not accepted here). */
export type BatchLabels = readonly number[] | Float64Array | Uint32Array | Int32Array;

/** Many vectors: one flat `Float32Array` of n * dim floats (used without a copy), or an array of vectors. */
export type VectorBatch = Float32Array | ReadonlyArray<readonly number[] | Float32Array>;

/**
 * A search filter evaluated in C++: only the listed labels (`allow`) or all but them (`deny`) can be returned.
 * A JS callback cannot run on the worker threads of a batch search.
 */
export type LabelFilterSpec = { allow: LabelList } | { deny: LabelList };

/**
 * Options of `addItems` / `addItemsSync`. Unknown keys are ignored. Each option is read once, when the call starts
 * and before the vectors are read, so a getter cannot change the vectors after they were checked.
 */
export interface AddItemsOptions {
  /** Threads inserting rows: an integer >= 1, capped at the row count. Default `os.availableParallelism()`. */
  numThreads?: number;
  /** `HierarchicalNSW` only: new labels reuse the slots of deleted elements, as `addPoint`'s third argument. Default false. */
  replaceDeleted?: boolean;
  /**
   * Called on the JS thread with the rows finished so far, about every 100 ms while rows run, and exactly once with
   * `done === total` on success. If it throws, no new row starts and the batch fails with what it threw, unchanged
   * (with `insertedLabels` added if it is an extensible object and not a Proxy).
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stops the batch: no new row starts, rows already inserted stay, and the batch fails with an `AbortError`
   * (`name` 'AbortError', `code` 'ABORT_ERR', `cause` the signal's reason). Node's and the DOM's `AbortSignal` are
   * accepted, as is any object with a boolean `aborted` and an `addEventListener` method (see `AbortSignalLike`);
   * calling the listener stops the batch even if `aborted` stays false.
   */
  signal?: AbortSignalLike;
}

/** Options of `compact` / `compactSync`. Unknown keys are ignored; each is read once, first. */
export interface CompactOptions {
  /** Threads linking elements into the new graph: an integer >= 1. Default `os.availableParallelism()`. */
  numThreads?: number;
  /**
   * Called on the JS thread with the elements copied so far, about every 100 ms, and once with `done === total`
   * on success. If it throws, the copy stops, the index stays as it was, and the call fails with what it threw.
   */
  onProgress?: (done: number, total: number) => void;
  /** Stops the copy: the index stays as it was, and the call fails with an `AbortError`. */
  signal?: AbortSignalLike;
}

/** Options of `searchKnnBatch` / `searchKnnBatchSync`. Unknown keys are ignored; each is read once, first. */
export interface SearchBatchOptions {
  /** Threads searching: an integer >= 1, capped at the query count. Default `os.availableParallelism()`. */
  numThreads?: number;
  /** `HierarchicalNSW` only: the search width, an integer 0..2^32-1; the beam is max(ef, k). Default: `getEf()`. */
  ef?: number;
  /**
   * Which labels may be returned: one `{ allow }` or `{ deny }` for every query, or an array of one per query
   * (`undefined` or `null` leaves that query unfiltered), exactly as many as there are queries. Default: all.
   * `HierarchicalNSW` searches a short allow-list exactly (see `exactSearchLimit`), so a selective filter still
   * returns the true nearest allowed elements.
   */
  filter?: LabelFilterSpec | ReadonlyArray<LabelFilterSpec | undefined | null>;
  /**
   * `HierarchicalNSW` only: an allow-list of at most this many labels is searched exactly, by comparing the query
   * with each of its live elements, instead of walking the graph; an integer >= 0, or `Infinity` for every
   * allow-list, 0 for none. Default: sqrt(4.5 × max(ef, k) × getCurrentCount()), about where the two cost the
   * same (3,286 labels at 60,000 elements and ef 40; see docs/api.md).
   */
  exactSearchLimit?: number;
}

/**
 * What `searchKnnBatch` returns: `count` rows of `k` slots each, in flat typed arrays.
 *
 * @example
 * ```ts
 * const { k, labels, found } = index.searchKnnBatchSync(queries, 10);
 * const row2 = labels.subarray(2 * k, 2 * k + found[2]); // this k, not the one asked for
 * ```
 */
export interface BatchSearchResult {
  /**
   * The stride of `labels` and `distances`: the k asked for, capped at the number of elements in the index when the
   * search started (no row can hold more), and at least 1. Equal to the k asked for whenever that many are stored.
   */
  k: number;
  /** The number of queries. */
  count: number;
  /** count * k labels; row i holds query i's neighbours, closest first; unused slots hold -1. */
  labels: Float64Array;
  /** count * k distances matching `labels`; unused slots hold `Infinity`. */
  distances: Float32Array;
  /** How many slots of each row are filled (fewer than k when fewer were found). */
  found: Uint32Array;
}

/**
 * Options of `searchRange`. Unknown keys are ignored; each is read once, before the query.
 *
 * @example
 * ```ts
 * const { neighbors } = index.searchRange(query, 0.25, { maxResults: 100, ef: 64, filter: { deny: [7] } });
 * ```
 */
export interface RangeSearchOptions {
  /** At most this many hits, the closest: an integer 1..`Number.MAX_SAFE_INTEGER`. Default: no limit. */
  maxResults?: number;
  /**
   * `HierarchicalNSW` only: the width of the beam the search keeps beyond the radius while it walks every element
   * within it, an integer 0..2^32-1. Wider finds more of the elements near the radius. Default: `getEf()`.
   */
  ef?: number;
  /**
   * Which labels may be returned: a function of a label (as `searchKnn`'s third argument; JS truthiness decides), or
   * `{ allow }` / `{ deny }` label lists evaluated in C++. Default: all.
   */
  filter?: FilterFunction | LabelFilterSpec;
}

/** Options of `searchRangeBatch` / `searchRangeBatchSync`. Unknown keys are ignored; each is read once, first. */
export interface RangeBatchOptions {
  /** Threads searching: an integer >= 1, capped at the query count. Default `os.availableParallelism()`. */
  numThreads?: number;
  /** At most this many hits per query, the closest: an integer 1..`Number.MAX_SAFE_INTEGER`. Default: no limit. */
  maxResults?: number;
  /** `HierarchicalNSW` only: as `RangeSearchOptions.ef`. Default: `getEf()` when the call starts. */
  ef?: number;
  /** Which labels may be returned (a JS callback cannot run on the worker threads). Default: all. */
  filter?: LabelFilterSpec;
}

/**
 * What `searchRangeBatch` returns: each query's hits within the radius, closest first (equal distances by ascending
 * label), one query after another in flat typed arrays.
 *
 * @example
 * ```ts
 * const { offsets, labels, distances } = index.searchRangeBatchSync(queries, 0.25);
 * const labelsOfQuery2 = labels.subarray(offsets[2], offsets[3]);
 * ```
 */
export interface BatchRangeResult {
  /** The number of queries. */
  count: number;
  /** count + 1 offsets: query i's hits are elements `offsets[i]` to `offsets[i + 1] - 1` of `labels` and `distances`. */
  offsets: Uint32Array;
  /** Every query's labels, query 0's first. */
  labels: Float64Array;
  /** The distances matching `labels`. */
  distances: Float32Array;
}

/**
 * What a failed `addItems` rejects with (and `addItemsSync` throws): the first error of the batch, carrying the
 * labels of this batch that are in the index, in row order. An abort gives an `AbortError` of this shape.
 */
export type AddItemsError = Error & { code?: string; insertedLabels: Float64Array };
