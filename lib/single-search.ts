// One query through the native searchKnn. The native side writes the hits into a Float64Array that is reused from
// call to call, and the plain arrays of hnswlib-node's result are built here, where making them costs far less
// than creating them element by element through Node-API.

import type { SearchResult } from './types';
import { kAboveMaxElementsError, rangeError, toFloat32Vector } from './validate';

/** Native statuses below zero (binding/index_wrap.h, SearchInto), each with its detail in out[0]. */
const NON_FINITE_ELEMENT = -1; // out[0]: the index of the first NaN or infinite element
const ABOVE_MAX_ELEMENTS = -2; // out[0]: maxElements

/** Buffers for up to this many hits are kept for the next query; a larger k gets a buffer of its own. */
const KEPT_HITS = 1024;
/** The smallest buffer kept: room for 16 hits. */
const MIN_KEPT_LENGTH = 32;

/** The hit buffer of one index object: 2k doubles, distances then labels. */
export class HitBuffer {
  /** Made at the first search, so that an index object that never searches one at a time pays nothing. */
  #out: Float64Array | null = null;

  /**
   * A buffer for k hits. Up to KEPT_HITS one buffer serves every query. A larger k is first checked here against
   * the index's maxElements, so that an absurd k is an error rather than an allocation; the query's elements are
   * checked before it, as the native search would.
   */
  take(k: number, query: Float32Array, index: { getMaxElements(): number }): Float64Array {
    if (this.#out !== null && 2 * k <= this.#out.length) return this.#out;
    if (k <= KEPT_HITS) {
      this.#out = new Float64Array(Math.max(2 * k, MIN_KEPT_LENGTH));
      return this.#out;
    }
    toFloat32Vector(query, query.length, 'queryPoint', 'given array');
    const max = index.getMaxElements();
    if (k > max) throw kAboveMaxElementsError(max);
    return new Float64Array(2 * k);
  }
}

/**
 * `{ distances, neighbors }` from what a native searchKnn returned (`status`, the hit count) and wrote to `out`;
 * a negative status is thrown as the error it stands for. `query` is the vector the native side checked.
 */
export function searchResult(status: number, out: Float64Array, query: Float32Array): SearchResult {
  if (status < 0) {
    if (status === NON_FINITE_ELEMENT) {
      const i = out[0];
      throw rangeError(`queryPoint[${i}]`, 'a finite number', query[i]);
    }
    if (status === ABOVE_MAX_ELEMENTS) throw kAboveMaxElementsError(out[0]);
    throw new Error(`unexpected status ${status} from the native search`);
  }
  const distances: number[] = [];
  const neighbors: number[] = [];
  for (let i = 0; i < status; i++) {
    distances.push(out[i]);
    neighbors.push(out[status + i]);
  }
  return { distances, neighbors };
}
