// The native addon's shape: the one untyped edge between TypeScript and C++ (binding/), typed here once.
//
// The binding re-checks what it needs to stay memory-safe (types, lengths, integer ranges) and throws TypeError or
// RangeError; engine failures arrive as `Error` whose message starts with "Hnswlib Error: " and whose `code` is an
// `ErrorCode` (types.ts). Everything else (argument counts, hnswlib-node's exact messages, defaults) is lib/'s job.

import * as path from 'path';

import type { IndexStats, NodeBuffer, Precision, SpaceName } from './types';

/** Called with each candidate's label; JS truthiness of the result decides. May throw: the search stops and throws
 * the same value again, without reading any property of it. */
export type NativeFilter = (label: number) => unknown;

/**
 * Shared with the rows of an addItems: [0] nonzero asks it to stop (no new row starts; set with Atomics.store),
 * [1] counts finished rows (read with Atomics.load). Backed by a SharedArrayBuffer or an ArrayBuffer; the job keeps
 * it alive.
 */
export type NativeBatchControl = BigInt64Array;

/** Settings of addItems / addItemsSync. numThreads: an integer >= 1 (capped at 256 and at the row count). */
export interface NativeAddOptions {
  numThreads: number;
  /** HierarchicalNSW only (brute force ignores it). Default false. */
  replaceDeleted?: boolean;
  control?: NativeBatchControl;
  /** Promise form: `vectors` is lib's private copy, read in place instead of copied again. */
  owned?: boolean;
  /** When one batch runs as several calls (a chunk of rows each): this call's labels and those of the calls still
   * to come. The capacity check counts these instead of `labels`. */
  remainingLabels?: Float64Array;
}

/** addItemsSync only: called on the JS thread about every 100 ms with a new count below the total. If it throws,
 * no new row starts and the call throws that error once the rows in progress finish. Meanwhile initIndex,
 * resizeIndex and the loads of the same object throw ERR_INDEX_BUSY. */
export interface NativeAddSyncOptions extends NativeAddOptions {
  onProgress?: (done: number, total: number) => void;
}

/** A native label filter: exactly one list of labels (integers 0..2^53-1), kept in C++ as a bitmap or sorted array. */
export type NativeLabelFilter = { allow: Float64Array } | { deny: Float64Array };

/** One filter for every query of a batch, or one per query (undefined: that query unfiltered). */
export type NativeBatchFilter = NativeLabelFilter | (NativeLabelFilter | undefined)[];

/** Where a batch search writes its results: rows * stride labels and distances, rows found counts. */
export interface NativeSearchOutput {
  labels: Float64Array;
  distances: Float32Array;
  found: Uint32Array;
}

export interface NativeSearchOptions {
  numThreads: number;
  /** HierarchicalNSW only: the beam is max(ef, k); absent or 0 = the index's ef when the call starts. */
  ef?: number;
  /** An array must hold exactly one element per query, or a RangeError. */
  filter?: NativeBatchFilter;
  /** HierarchicalNSW only: allow-lists of at most this many labels are searched exactly; absent: the engine's
   * choice from the element count and the search width. */
  exactSearchLimit?: number;
  /** Promise form: `queries` is lib's private copy, read in place instead of copied again. */
  owned?: boolean;
  /** Slots per row of `out`, an integer >= 1: each query searches for k and keeps the first `stride` hits. */
  stride: number;
  /** Arrays of exactly rows * stride, rows * stride and rows elements, or a RangeError. They are written in place
   * and returned as the result's arrays; the job keeps them alive. */
  out: NativeSearchOutput;
}

/** count rows of k (the stride) slots, closest first; an unused slot holds label -1 and distance Infinity; the
 * arrays are those of `out`. A non-finite element of a query, as a row reads it, fails the whole call with a
 * RangeError naming it (`queries[2][0]`). */
export interface NativeBatchSearchResult {
  k: number;
  count: number;
  labels: Float64Array;
  distances: Float32Array;
  found: Uint32Array;
}

/** Settings of searchRangeBatch / searchRangeBatchSync. */
export interface NativeRangeOptions {
  numThreads: number;
  /** An integer >= 0; absent or 0 = no limit. Each row keeps its closest maxResults hits. */
  maxResults?: number;
  /** HierarchicalNSW only: the beam beyond the radius; absent or 0 = the index's ef when the call starts. */
  ef?: number;
  filter?: NativeLabelFilter;
  /** Promise form: `queries` is lib's private copy, read in place instead of copied again. */
  owned?: boolean;
}

/** Row i's hits are elements [offsets[i], offsets[i + 1]) of labels and distances, closest first (ties by label).
 * The arrays are made by the addon (a failed allocation is ERR_OUT_OF_MEMORY); a batch holds at most 2^32 - 1 hits
 * (more fail with ERR_OUT_OF_MEMORY). A non-finite element of a query fails the call as in searchKnnBatch. */
export interface NativeRangeResult {
  count: number;
  offsets: Uint32Array;
  labels: Float64Array;
  distances: Float32Array;
}

/**
 * The batch and buffer methods both classes have. vectors/queries are flat Float32Arrays of rows * dim floats,
 * labels one Float64Array element per row (integers 0..2^53-1). The Promise forms copy their inputs when called,
 * unless `owned` says lib already made a private copy.
 *
 * A failed addItems (or addItemsSync) error carries `insertedLabels: Float64Array`, the labels of the batch that are
 * in the index, in row order (if the error is an object that takes the property); a stopped one fails with code
 * ERR_CANCELLED. Before any row runs, a batch whose new labels do not fit fails with ERR_INDEX_FULL. Each row is
 * checked as it is inserted, on the copy that is inserted: a non-finite element fails it with a RangeError (code
 * ERR_OUT_OF_RANGE) naming it (`vectors[5][3]`). What addItemsSync's onProgress throws comes back as it was thrown.
 *
 * Jobs in flight (every Promise form) make initIndex, resizeIndex, readIndex*, fromBuffer* and fromBufferAsync
 * throw ERR_INDEX_BUSY; while a readIndex or fromBufferAsync is in flight, every job start and every mutating
 * sync method throws it too.
 */
export interface NativeBatchMethods {
  addItems(vectors: Float32Array, labels: Float64Array, options: NativeAddOptions): Promise<void>;
  addItemsSync(vectors: Float32Array, labels: Float64Array, options: NativeAddSyncOptions): void;
  searchKnnBatch(queries: Float32Array, k: number, options: NativeSearchOptions): Promise<NativeBatchSearchResult>;
  searchKnnBatchSync(queries: Float32Array, k: number, options: NativeSearchOptions): NativeBatchSearchResult;
  /** One query's hits within radius (a number, any sign; NaN is a RangeError): maxResults 0 = no limit, ef 0 = the
   * index's (brute force ignores it), filter a function of a label (run on this thread) or a NativeLabelFilter. The
   * hit count n with the hits in out (distances in out[0, n), labels in out[n, 2n)) when 2n elements fit there,
   * else a new Float64Array of 2n laid out the same way; or status -1 for a non-finite element of query (its index
   * in out[0], see single-search.ts). */
  searchRange(
    query: Float32Array,
    radius: number,
    maxResults: number,
    filter: NativeFilter | NativeLabelFilter | undefined,
    ef: number,
    out: Float64Array,
  ): number | Float64Array;
  searchRangeBatch(queries: Float32Array, radius: number, options: NativeRangeOptions): Promise<NativeRangeResult>;
  searchRangeBatchSync(queries: Float32Array, radius: number, options: NativeRangeOptions): NativeRangeResult;
  /** The same bytes writeIndex writes. */
  toBuffer(): NodeBuffer;
  toBufferAsync(): Promise<NodeBuffer>;
  isInitialized(): boolean;
  getCurrentCount(): number;
  /** Fills out with default labels for an addItems given none: from getCurrentCount() or past the last label
   * reserved before, skipping every label the index holds; calls never get the same label twice. */
  reserveLabels(out: Float64Array): void;
  /** Count one more job in flight (ERR_INDEX_BUSY, naming the method, while a load runs) until releaseJob: for a
   * Promise method whose input is prepared over several event-loop turns before its native job starts. */
  holdAddItems(): void;
  holdSearchKnnBatch(): void;
  holdSearchRangeBatch(): void;
  releaseJob(): void;
  /** The live labels (HNSW: without the deleted ones), in insertion order. */
  getLabels(): number[];
  /** Writes the vectors of labels (checked by lib) into out, labels.length * dim floats; ERR_LABEL_NOT_FOUND. */
  getPoints(labels: Float64Array, out: Float32Array): void;
  /** Lets the engine go now, or once the jobs in flight have settled; then every other method throws ERR_CLOSED
   * (lib's own calls that continue a job in flight still work until it settles). Closing again does nothing. */
  close(): void;
}

/** What both index objects have besides the batch methods: the state getters and the file writes. */
export interface NativeIndex extends NativeBatchMethods {
  getMaxElements(): number;
  /** The loaded index's precision, or the one initIndex builds. */
  getPrecision(): Precision;
  writeIndexSync(filename: string): void;
  writeIndex(filename: string): Promise<void>;
}

/** Engine HierarchicalNsw behind a JS object. Before an index exists, getMaxElements and getCurrentCount return 0,
 * initIndex, isInitialized, readIndex* and fromBuffer work, and every other method throws ERR_NOT_INITIALIZED.
 * Labels, maxElements and randomSeed are integers 0..2^53-1 (the engine further needs maxElements < 2^32).
 * Labels above 2^53 in a foreign file come back rounded to the nearest double. Every method called from inside a
 * searchKnn filter of the same object throws ERR_INDEX_BUSY. */
export interface NativeHierarchicalNSW extends NativeIndex {
  initIndex(
    maxElements: number,
    m: number,
    efConstruction: number,
    randomSeed: number,
    allowReplaceDeleted: boolean,
    autoGrow: boolean,
  ): void;
  addPoint(vector: Float32Array, label: number, replaceDeleted: boolean): void;
  markDelete(label: number): void;
  unmarkDelete(label: number): void;
  /** ef 0 = the index's ef. Writes the hits to out (2k doubles) and returns their count, or a status below zero
   * for a non-finite element of query or k above maxElements (see single-search.ts). */
  searchKnn(query: Float32Array, k: number, filter: NativeFilter | undefined, ef: number, out: Float64Array): number;
  /** A copy of the stored vector; for cosine the normalised one. */
  getPoint(label: number): Float32Array;
  /** Every label, deleted ones included. */
  getIdsList(): number[];
  getDeletedCount(): number;
  getEf(): number;
  setEf(ef: number): void;
  getM(): number;
  getEfConstruction(): number;
  getAllowReplaceDeleted(): boolean;
  getStats(): IndexStats;
  resetStats(): void;
  resizeIndex(newMaxElements: number): void;
  /** Builds the graph of the live elements and swaps it in as it settles; adds and deletes are refused meanwhile. */
  compact(options: { numThreads: number; control: NativeBatchControl }): Promise<void>;
  compactSync(options: {
    numThreads: number;
    control: NativeBatchControl;
    onProgress?: (done: number, total: number) => void;
  }): void;
  /** maxElements 0 keeps the file's capacity. On failure the previous index is kept. */
  /** mmap true maps the file read-only (maxElements is then ignored); mutating methods then throw ERR_READ_ONLY. */
  readIndexSync(filename: string, allowReplaceDeleted: boolean, maxElements: number, mmap: boolean): void;
  readIndex(filename: string, allowReplaceDeleted: boolean, maxElements: number, mmap: boolean): Promise<void>;
  fromBuffer(data: Uint8Array, allowReplaceDeleted: boolean, maxElements: number): void;
  fromBufferAsync(data: Uint8Array, allowReplaceDeleted: boolean, maxElements: number): Promise<void>;
}

/** Engine BruteForce behind a JS object; same conventions. */
export interface NativeBruteforceSearch extends NativeIndex {
  initIndex(maxElements: number): void;
  addPoint(vector: Float32Array, label: number): void;
  /** Returns whether the label was present. */
  removePoint(label: number): boolean;
  /** Writes min(k, count) hits to out, as HierarchicalNSW's searchKnn. */
  searchKnn(query: Float32Array, k: number, filter: NativeFilter | undefined, out: Float64Array): number;
  getPoint(label: number): Float32Array;
  getIdsList(): number[];
  readIndexSync(filename: string): void;
  readIndex(filename: string): Promise<void>;
  fromBuffer(data: Uint8Array): void;
  fromBufferAsync(data: Uint8Array): Promise<void>;
}

export interface NativeAddon {
  HierarchicalNSW: new (space: SpaceName, numDimensions: number, precision?: Precision) => NativeHierarchicalNSW;
  BruteforceSearch: new (space: SpaceName, numDimensions: number, precision?: Precision) => NativeBruteforceSearch;
  /** Distance with the index kernels: l2 = squared L2, ip = 1 - dot, cosine = 1 - dot of normalised copies. */
  distance(space: SpaceName, a: Float32Array, b: Float32Array): number;
  /** The kernel set in use: "scalar", "sse", "avx2", "avx512", "avx512vnni", "neon" or "neondot". */
  simdLevel(): string;
  /** Why the kernels in use are not the ones HNSWKIT_SIMD names, to the first caller in the process (of all its
   * threads); undefined to every later caller, and when the variable is unset, empty or honoured. */
  takeSimdWarning(): string | undefined;
  /** The index of the first NaN or infinite element of array[from, to) (both clamped to the length), or -1. */
  firstNonFinite(array: Float32Array, from: number, to: number): number;
}

/** The package root, found from this file whether it runs from lib/ (tests) or dist/ (installed). */
export const packageRoot: string = path.resolve(__dirname, '..');

// node-gyp-build picks build/Release first, then prebuilds/<platform>-<arch>/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const native: NativeAddon = require('node-gyp-build')(packageRoot) as NativeAddon;

// A HNSWKIT_SIMD value the addon could not honour becomes one process warning, from whichever thread loads the
// package first (docs/api.md, "The HNSWKIT_SIMD environment variable").
const simdWarning = native.takeSimdWarning();
if (simdWarning !== undefined) process.emitWarning(simdWarning, { type: 'HnswkitWarning', code: 'HNSWKIT_SIMD' });
