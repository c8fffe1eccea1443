// searchKnnBatch and searchKnnBatchSync of both index classes: k and the options read first, then the queries, and
// the result arrays allocated here in JS, where a failed allocation is an error to report.

import { constants as bufferConstants } from 'buffer';
import {
  CHUNK_FLOATS,
  SlicedBatch,
  chunkBuffer,
  readNumThreads,
  readOptions,
  returnChunkBuffers,
  toFlatVectors,
  toNativeFilter,
} from './batch-input';
import { type IndexCore, preparedJob } from './index-core';
import type { NativeBatchFilter, NativeHierarchicalNSW, NativeSearchOptions } from './native';
import type { BatchSearchResult } from './types';
import { UINT32_MAX, checkIntegerRange, outOfMemoryError, rangeError, typeError } from './validate';

/** The longest typed array this Node makes (2^32 in Node 20), so the bound on count * k result slots. */
const MAX_RESULT_SLOTS = bufferConstants.MAX_LENGTH;

/** k and the options of a searchKnnBatch call as plain values, read before the queries (see add-items.ts, readAddOptions). */
interface SearchSettings {
  k: number;
  numThreads: number;
  ef?: number;
  filter?: NativeBatchFilter;
  exactSearchLimit?: number;
}

function readSearchOptions(core: IndexCore, k: unknown, options: unknown): SearchSettings {
  if (typeof k !== 'number') throw typeError('k', 'a number', k);
  checkIntegerRange(k, 'k', 1, Number.MAX_SAFE_INTEGER);
  const settings = readOptions(options);
  const numThreads = readNumThreads(settings);
  let ef: number | undefined;
  // Read once: a getter could answer differently on every read.
  const givenEf = core.graph ? settings.ef : undefined;
  if (givenEf !== undefined) {
    if (typeof givenEf !== 'number') throw typeError('ef', 'a number', givenEf);
    checkIntegerRange(givenEf, 'ef', 0, UINT32_MAX);
    // The beam is max(ef, k) and k >= 1, so ef 0 searches as ef 1 would; the native 0 means "the index's ef".
    ef = Math.max(givenEf, 1);
  }
  let exactSearchLimit: number | undefined;
  const givenLimit = core.graph ? settings.exactSearchLimit : undefined;
  if (givenLimit !== undefined) {
    if (typeof givenLimit !== 'number') throw typeError('exactSearchLimit', 'a number', givenLimit);
    // Infinity: every allow-list is searched exactly, however long.
    exactSearchLimit = givenLimit === Infinity ? Number.MAX_SAFE_INTEGER : givenLimit;
    checkIntegerRange(exactSearchLimit, 'exactSearchLimit', 0, Number.MAX_SAFE_INTEGER);
  }
  const filter = toNativeFilter(settings.filter);
  return { k, numThreads, ef, filter, exactSearchLimit };
}

/**
 * The native call's arguments, with the result arrays. They are made here, in JS, where a failed allocation is a
 * RangeError to report rather than a fatal error of the runtime, and sized by what a search can return: rows of
 * min(k, element count) slots (at least 1), since no row holds more hits than the index holds elements.
 */
function prepareSearch(core: IndexCore, settings: SearchSettings, rows: number): { k: number; options: NativeSearchOptions } {
  const { k, numThreads, ef, filter, exactSearchLimit } = settings;
  if (Array.isArray(filter) && filter.length !== rows) {
    throw rangeError('filter', `${rows} elements (one per query)`, filter.length, 'to have');
  }
  if (rows > 0 && k * rows > MAX_RESULT_SLOTS) {
    const most = Math.floor(MAX_RESULT_SLOTS / rows);
    throw rangeError('k', `an integer between 1 and ${most} for ${rows} queries`, k);
  }
  const index = core.ready();
  const stride = Math.max(1, Math.min(k, index.getCurrentCount()));
  const slots = rows * stride;
  let out: NativeSearchOptions['out'];
  try {
    out = { labels: new Float64Array(slots), distances: new Float32Array(slots), found: new Uint32Array(rows) };
  } catch {
    const bytes = slots * (Float64Array.BYTES_PER_ELEMENT + Float32Array.BYTES_PER_ELEMENT) + rows * Uint32Array.BYTES_PER_ELEMENT;
    throw outOfMemoryError(
      'k',
      `small enough that the results fit in memory (${rows} queries × ${stride} slots: ${bytes} bytes could not be allocated)`,
      k,
    );
  }
  return { k, options: { numThreads, ef, filter, exactSearchLimit, stride, out } };
}

/**
 * searchKnnBatch: the queries copied, a chunk of CHUNK_FLOATS floats at a time, and searched by one native job per
 * chunk, the next chunk copied while the one before is searched; each job writes its rows of the result arrays.
 * The native threads start as soon as the first chunk is copied (a copy of the whole batch would run alone first:
 * on a large batch a tenth of the time of a 2-thread search, most of it faulting in fresh pages), and the copies
 * never hold more than two chunks. The index counts the batch as one job in flight from the call until it settles.
 */
export function searchKnnBatch(index: IndexCore, queries: unknown, k: unknown, options: unknown): Promise<BatchSearchResult> {
  return preparedJob(index, 'holdSearchKnnBatch', async (started, core) => {
    const settings = readSearchOptions(core, k, options);
    const source = new SlicedBatch(queries, core.dim, 'queries', 'searchKnnBatch');
    const { count } = source;
    const search = prepareSearch(core, settings, count);
    const { filter, stride, out } = search.options;
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / core.dim));
    // "The index's ef when the call starts" holds for every chunk, whatever setEf runs during the copies.
    const ef = search.options.ef ?? (core.graph ? (core.native as NativeHierarchicalNSW).getEf() : undefined);
    const buffers = [chunkBuffer(Math.min(count, rowsPerChunk) * core.dim)];
    // Between two chunks no native job counts the batch: it holds a count of its own (see addItems).
    let holding = false;
    const handOver = (): void => {
      started();
      if (holding) {
        holding = false;
        core.native.releaseJob();
      }
    };
    let next: Promise<Float32Array> | undefined = source.copyInto(buffers[0], 0, Math.min(count, rowsPerChunk));
    try {
      for (let from = 0, chunk = 0; next; chunk++) {
        const data = await next;
        next = undefined;
        const to = Math.min(count, from + rowsPerChunk);
        const job = core.native.searchKnnBatch(data, search.k, {
          ...search.options,
          ef,
          filter: Array.isArray(filter) ? filter.slice(from, to) : filter,
          out: {
            labels: out.labels.subarray(from * stride, to * stride),
            distances: out.distances.subarray(from * stride, to * stride),
            found: out.found.subarray(from, to),
          },
          owned: true,
        });
        handOver();
        if (to < count) {
          const slot = (chunk + 1) % 2;
          buffers[slot] ??= chunkBuffer(rowsPerChunk * core.dim);
          next = source.copyInto(buffers[slot], to, Math.min(count, to + rowsPerChunk));
          // Awaited once this chunk is searched; a copy failing before then must not count as an unhandled rejection.
          next.catch(() => undefined);
        }
        await job;
        if (next) {
          core.native.holdSearchKnnBatch();
          holding = true;
        }
        from = to;
      }
    } finally {
      source.stopped = true;
      handOver();
    }
    // Every chunk's native job has settled and no copy is pending: only on this path are the buffers free for sure.
    returnChunkBuffers(buffers);
    return { k: stride, count, labels: out.labels, distances: out.distances, found: out.found };
  });
}

export function searchKnnBatchSync(core: IndexCore, queries: unknown, k: unknown, options: unknown): BatchSearchResult {
  const settings = readSearchOptions(core, k, options);
  const flat = toFlatVectors(queries, core.dim, 'queries');
  const search = prepareSearch(core, settings, flat.count);
  return core.native.searchKnnBatchSync(flat.data, search.k, search.options);
}
