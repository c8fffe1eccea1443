// The native addon's shape: the one untyped edge between TypeScript and C++ (binding/), typed here once.
//
// The binding re-checks what it needs to stay memory-safe (types, lengths, integer ranges) and throws TypeError or
// RangeError; engine failures arrive as `Error` whose message starts with "Hnswlib Error: " and whose `code` is
// one of NativeErrorCode. Everything else (argument counts, hnswlib-node's exact messages, defaults) is lib/'s job.

import * as path from 'path';

export type SpaceName = 'l2' | 'ip' | 'cosine';

export type NativeErrorCode =
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
  | 'ERR_INDEX_BUSY';

/** Called with each candidate's label; JS truthiness of the result decides. May throw: the search stops and rethrows. */
export type NativeFilter = (label: number) => unknown;

export interface NativeSearchResult {
  distances: number[];
  neighbors: number[];
}

/** Engine HierarchicalNsw behind a JS object. Before an index exists, getMaxElements and getCurrentCount return 0,
 * initIndex, isInitialized, readIndex* and fromBuffer work, and every other method throws ERR_NOT_INITIALIZED.
 * Labels, maxElements and randomSeed are integers 0..2^53-1 (the engine further needs maxElements < 2^32).
 * Labels above 2^53 in a foreign file come back rounded to the nearest double. Every method called from inside a
 * searchKnn filter of the same object throws ERR_INDEX_BUSY. */
export interface NativeHierarchicalNSW {
  initIndex(maxElements: number, m: number, efConstruction: number, randomSeed: number, allowReplaceDeleted: boolean): void;
  isInitialized(): boolean;
  addPoint(vector: Float32Array, label: number, replaceDeleted: boolean): void;
  markDelete(label: number): void;
  unmarkDelete(label: number): void;
  /** ef 0 = the index's ef. */
  searchKnn(query: Float32Array, k: number, filter: NativeFilter | undefined, ef: number): NativeSearchResult;
  /** A copy of the stored vector; for cosine the normalised one. */
  getPoint(label: number): Float32Array;
  /** Every label, deleted ones included. */
  getIdsList(): number[];
  getMaxElements(): number;
  getCurrentCount(): number;
  getDeletedCount(): number;
  getEf(): number;
  setEf(ef: number): void;
  getM(): number;
  getEfConstruction(): number;
  getAllowReplaceDeleted(): boolean;
  resizeIndex(newMaxElements: number): void;
  /** maxElements 0 keeps the file's capacity. On failure the previous index is kept. */
  readIndexSync(filename: string, allowReplaceDeleted: boolean, maxElements: number): void;
  readIndex(filename: string, allowReplaceDeleted: boolean, maxElements: number): Promise<void>;
  writeIndexSync(filename: string): void;
  writeIndex(filename: string): Promise<void>;
  /** The same bytes writeIndex writes. */
  toBuffer(): Buffer;
  fromBuffer(data: Uint8Array, allowReplaceDeleted: boolean, maxElements: number): void;
}

/** Engine BruteForce behind a JS object; same conventions. */
export interface NativeBruteforceSearch {
  initIndex(maxElements: number): void;
  isInitialized(): boolean;
  addPoint(vector: Float32Array, label: number): void;
  /** Returns whether the label was present. */
  removePoint(label: number): boolean;
  /** Returns min(k, count) hits. */
  searchKnn(query: Float32Array, k: number, filter: NativeFilter | undefined): NativeSearchResult;
  getPoint(label: number): Float32Array;
  getIdsList(): number[];
  getMaxElements(): number;
  getCurrentCount(): number;
  readIndexSync(filename: string): void;
  readIndex(filename: string): Promise<void>;
  writeIndexSync(filename: string): void;
  writeIndex(filename: string): Promise<void>;
  toBuffer(): Buffer;
  fromBuffer(data: Uint8Array): void;
}

export interface NativeAddon {
  HierarchicalNSW: new (space: SpaceName, numDimensions: number) => NativeHierarchicalNSW;
  BruteforceSearch: new (space: SpaceName, numDimensions: number) => NativeBruteforceSearch;
  /** Distance with the index kernels: l2 = squared L2, ip = 1 - dot, cosine = 1 - dot of normalised copies. */
  distance(space: SpaceName, a: Float32Array, b: Float32Array): number;
  /** The kernel set in use: "scalar", "sse", "avx2", "avx512" or "neon". */
  simdLevel(): string;
}

/** The package root, found from this file whether it runs from lib/ (tests) or dist/ (installed). */
export const packageRoot: string = path.resolve(__dirname, '..');

// node-gyp-build picks build/Release first, then prebuilds/<platform>-<arch>/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const native: NativeAddon = require('node-gyp-build')(packageRoot) as NativeAddon;
