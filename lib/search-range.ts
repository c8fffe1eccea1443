// searchRange, searchRangeBatch and searchRangeBatchSync of both index classes: the radius and the options read
// first, then the queries. A range result's size is known only once the search ends, so the addon makes its arrays
// (binding/range.h); one query's hits still come through the index's reused hit buffer when they fit.

import * as util from 'util';
import { readNumThreads, readOptions, toFlatVectors, toLabelFilter, toOwnedFlatVectors } from './batch-input';
import { type IndexCore, preparedJob } from './index-core';
import type { NativeFilter, NativeLabelFilter } from './native';
import type { BatchRangeResult, SearchResult } from './types';
import { UINT32_MAX, checkIntegerRange, rangeError, toFloat32Query, toFloat32Vector, typeError } from './validate';

/** The hit buffer serves results of up to this many hits; a larger one comes back in an array of its own. */
const BUFFERED_HITS = 1024;

/** Native status of searchRange (binding/index_wrap.h, SearchInto's): out[0] is the first non-finite element. */
const NON_FINITE_ELEMENT = -1;

/** The radius and the options of a range search as plain values, each read once, before the queries. */
interface RangeSettings {
  radius: number;
  /** 0: no limit. */
  maxResults: number;
  /** 0: the index's ef. */
  ef: number;
  filter?: NativeFilter | NativeLabelFilter;
}

function readRangeSettings(core: IndexCore, radius: unknown, settings: Record<string, unknown>, functions: boolean): RangeSettings {
  if (typeof radius !== 'number') throw typeError('radius', 'a number', radius);
  // Any finite number: ip and cosine distances (1 - dot) can be negative; an l2 distance never is, so there a
  // negative radius finds nothing.
  if (!Number.isFinite(radius)) throw rangeError('radius', 'a finite number', radius);
  const givenMax = settings.maxResults;
  let maxResults = 0;
  if (givenMax !== undefined) {
    if (typeof givenMax !== 'number') throw typeError('maxResults', 'a number', givenMax);
    checkIntegerRange(givenMax, 'maxResults', 1, Number.MAX_SAFE_INTEGER);
    maxResults = givenMax;
  }
  let ef = 0;
  // Read once: a getter could answer differently on every read. Brute force has no beam and ignores ef.
  const givenEf = core.graph ? settings.ef : undefined;
  if (givenEf !== undefined) {
    if (typeof givenEf !== 'number') throw typeError('ef', 'a number', givenEf);
    checkIntegerRange(givenEf, 'ef', 0, UINT32_MAX);
    // The native 0 means "the index's ef"; a beam of 0 walks as one of 1 would.
    ef = Math.max(givenEf, 1);
  }
  const givenFilter = settings.filter;
  const filter = functions && typeof givenFilter === 'function' ? (givenFilter as NativeFilter) : toLabelFilter(givenFilter);
  return { radius, maxResults, ef, filter };
}

/** searchRange: one query, on this thread. */
export function searchRange(core: IndexCore, query: unknown, radius: unknown, options: unknown): SearchResult {
  if (!Array.isArray(query) && !util.types.isFloat32Array(query)) {
    throw typeError('query', 'a number[] or a Float32Array', query);
  }
  const settings = readRangeSettings(core, radius, readOptions(options), true);
  const index = core.ready();
  // A Float32Array's elements are checked by the native search, which reports the first non-finite one.
  const vector = util.types.isFloat32Array(query)
    ? toFloat32Query(query, core.dim)
    : toFloat32Vector(query as number[], core.dim, 'query', 'given array');
  const wanted = settings.maxResults === 0 ? BUFFERED_HITS : Math.min(settings.maxResults, BUFFERED_HITS);
  const out = core.hits.take(wanted, vector, index);
  const found = index.searchRange(vector, settings.radius, settings.maxResults, settings.filter, settings.ef, out);
  if (typeof found === 'number' && found < 0) {
    if (found === NON_FINITE_ELEMENT) throw rangeError(`query[${out[0]}]`, 'a finite number', vector[out[0]]);
    throw new Error(`unexpected status ${found} from the native search`);
  }
  const hits = typeof found === 'number' ? out : found;
  const n = typeof found === 'number' ? found : found.length / 2;
  const distances: number[] = [];
  const neighbors: number[] = [];
  for (let i = 0; i < n; i++) {
    distances.push(hits[i]);
    neighbors.push(hits[n + i]);
  }
  return { distances, neighbors };
}

export function searchRangeBatch(index: IndexCore, queries: unknown, radius: unknown, options: unknown): Promise<BatchRangeResult> {
  return preparedJob(index, 'holdSearchRangeBatch', async (started, core) => {
    const values = readOptions(options);
    const numThreads = readNumThreads(values);
    const { maxResults, ef, filter } = readRangeSettings(core, radius, values, false);
    const flat = await toOwnedFlatVectors(queries, core.dim, 'queries', 'searchRangeBatch');
    const job = core.ready().searchRangeBatch(flat.data, radius as number, {
      numThreads,
      maxResults,
      ef,
      filter: filter as NativeLabelFilter | undefined,
      owned: true,
    });
    started();
    return job;
  });
}

export function searchRangeBatchSync(core: IndexCore, queries: unknown, radius: unknown, options: unknown): BatchRangeResult {
  const values = readOptions(options);
  const numThreads = readNumThreads(values);
  const { maxResults, ef, filter } = readRangeSettings(core, radius, values, false);
  const flat = toFlatVectors(queries, core.dim, 'queries');
  return core.ready().searchRangeBatchSync(flat.data, radius as number, {
    numThreads,
    maxResults,
    ef,
    filter: filter as NativeLabelFilter | undefined,
  });
}
