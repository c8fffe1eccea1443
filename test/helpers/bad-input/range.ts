// Bad-input catalogue group: range search (searchRange, searchRangeBatch, searchRangeBatchSync). Row shape and
// builders: env.ts. Closed and uninitialised indexes are rows of batch-and-state.ts.

import { assertJson, err, accepted, type Group, vec } from './env';

type Hits = { neighbors: number[] };
type Batch = { offsets: Uint32Array; labels: Float64Array };

export const RANGE_SEARCH: Group[] = [
  {
    title: 'Range search (searchRange, searchRangeBatch)',
    intro:
      'Each option is read once, before the query or queries. The Promise form never throws: every failure is a ' +
      'rejection with the error `searchRangeBatchSync` throws.',
    rows: [
      {
        id: 'range-radius-type',
        input: 'a `radius` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `radius` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: 'string' }, run: (e) => e.hnsw().searchRange(vec(0), '1') },
          { method: 'BruteforceSearch#searchRangeBatchSync', vars: { got: 'undefined' }, run: (e) => e.brute().searchRangeBatchSync([vec(0)]) },
          { method: 'HierarchicalNSW#searchRangeBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.hnsw().searchRangeBatch([vec(0)], null) },
        ],
      },
      {
        id: 'range-radius-finite',
        input: 'a `radius` that is NaN or infinite',
        note: 'Any finite number is a radius: `ip` and `cosine` distances (1 - dot) can be negative; an `l2` distance never is, so there a negative radius finds nothing.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `radius` to be a finite number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchRange(vec(0), NaN) },
          { method: 'BruteforceSearch#searchRange', vars: { got: 'Infinity' }, run: (e) => e.brute().searchRange(vec(0), Infinity) },
          { method: 'BruteforceSearch#searchRangeBatch', mode: 'rejects', vars: { got: '-Infinity' }, run: (e) => e.brute().searchRangeBatch([vec(0)], -Infinity) },
        ],
      },
      {
        id: 'range-radius-negative',
        input: 'a negative `radius` for an `l2` index',
        outcome: accepted('no error: nothing is that close, so the result is empty'),
        calls: [
          {
            method: 'HierarchicalNSW#searchRange',
            run: (e) => e.hnsw().searchRange(vec(0), -1),
            check: (out) => assertJson((out as Hits).neighbors, []),
          },
          {
            method: 'BruteforceSearch#searchRangeBatchSync',
            run: (e) => e.brute().searchRangeBatchSync([vec(0)], -0.5),
            check: (out) => assertJson(Array.from((out as Batch).offsets), [0, 0]),
          },
        ],
      },
      {
        id: 'range-max-results',
        input: 'a `maxResults` option that is not an integer from 1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `maxResults` to be an integer between 1 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: '0' }, run: (e) => e.hnsw().searchRange(vec(0), 1, { maxResults: 0 }) },
          { method: 'BruteforceSearch#searchRange', vars: { got: '2.5' }, run: (e) => e.brute().searchRange(vec(0), 1, { maxResults: 2.5 }) },
          { method: 'HierarchicalNSW#searchRangeBatch', mode: 'rejects', vars: { got: '-1' }, run: (e) => e.hnsw().searchRangeBatch([vec(0)], 1, { maxResults: -1 }) },
        ],
      },
      {
        id: 'range-max-results-type',
        input: 'a `maxResults` option that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `maxResults` to be a number but received {got}'),
        calls: [
          { method: 'BruteforceSearch#searchRangeBatchSync', vars: { got: 'string' }, run: (e) => e.brute().searchRangeBatchSync([vec(0)], 1, { maxResults: '5' }) },
          { method: 'HierarchicalNSW#searchRange', vars: { got: 'null' }, run: (e) => e.hnsw().searchRange(vec(0), 1, { maxResults: null }) },
        ],
      },
      {
        id: 'range-ef',
        input: 'an `ef` option of `HierarchicalNSW#searchRange*` that is negative, fractional or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `ef` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: '-1' }, run: (e) => e.hnsw().searchRange(vec(0), 1, { ef: -1 }) },
          { method: 'HierarchicalNSW#searchRangeBatchSync', vars: { got: '1.5' }, run: (e) => e.hnsw().searchRangeBatchSync([vec(0)], 1, { ef: 1.5 }) },
        ],
      },
      {
        id: 'range-ef-brute-force',
        input: 'an `ef` option (even an invalid one) given to `BruteforceSearch#searchRange*`',
        outcome: accepted('no error: brute force has no ef, and the option is not read'),
        calls: [
          {
            method: 'BruteforceSearch#searchRange',
            run: (e) => e.brute().searchRange(vec(0), 0, { ef: -5 }),
            check: (out) => assertJson((out as Hits).neighbors, [0]),
          },
        ],
      },
      {
        id: 'range-filter',
        input: 'a `filter` option that is neither `{ allow }` nor `{ deny }` (nor, for `searchRange`, a function)',
        note: 'The batch forms run on worker threads, where a JS function cannot be called.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter` to be an object with `allow` or `deny` but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: 'string' }, run: (e) => e.hnsw().searchRange(vec(0), 1, { filter: 'even' }) },
          { method: 'BruteforceSearch#searchRangeBatchSync', vars: { got: 'a function' }, run: (e) => e.brute().searchRangeBatchSync([vec(0)], 1, { filter: () => true }) },
          { method: 'HierarchicalNSW#searchRangeBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.hnsw().searchRangeBatch([vec(0)], 1, { filter: null }) },
        ],
      },
      {
        id: 'range-query-type',
        input: 'a `searchRange` query that is neither a number[] nor a Float32Array',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `query` to be a number[] or a Float32Array but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: 'an instance of Float64Array' }, run: (e) => e.hnsw().searchRange(new Float64Array(3), 1) },
          { method: 'BruteforceSearch#searchRange', vars: { got: 'undefined' }, run: (e) => e.brute().searchRange(undefined, 1) },
        ],
      },
      {
        id: 'range-query-length',
        input: 'a `searchRange` query of the wrong length',
        outcome: err('Error', 'ERR_INVALID_ARG_VALUE', 'Invalid the given array length (expected 3, but got {got}).'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { got: '2' }, run: (e) => e.hnsw().searchRange([1, 2], 1) },
          { method: 'BruteforceSearch#searchRange', variant: 'Float32Array', vars: { got: '4' }, run: (e) => e.brute().searchRange(new Float32Array(4), 1) },
        ],
      },
      {
        id: 'range-query-nan',
        input: 'a NaN or infinite element in a query',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRange', vars: { el: 'query[1]', got: 'NaN' }, run: (e) => e.hnsw().searchRange([1, NaN, 3], 1) },
          {
            method: 'BruteforceSearch#searchRange',
            variant: 'Float32Array',
            vars: { el: 'query[2]', got: 'Infinity' },
            run: (e) => e.brute().searchRange(new Float32Array([1, 2, Infinity]), 1),
          },
          { method: 'HierarchicalNSW#searchRangeBatchSync', vars: { el: 'queries[1][0]', got: 'NaN' }, run: (e) => e.hnsw().searchRangeBatchSync([vec(0), [NaN, 1, 2]], 1) },
          {
            method: 'BruteforceSearch#searchRangeBatch',
            mode: 'rejects',
            variant: 'flat',
            vars: { el: 'queries[0][1]', got: '-Infinity' },
            run: (e) => e.brute().searchRangeBatch(new Float32Array([1, -Infinity, 3]), 1),
          },
        ],
      },
      {
        id: 'range-queries-length',
        input: 'a flat `queries` Float32Array whose length is not a multiple of the dimension',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `queries` to have a length that is a multiple of 3 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchRangeBatchSync', vars: { got: '4' }, run: (e) => e.hnsw().searchRangeBatchSync(new Float32Array(4), 1) },
          { method: 'BruteforceSearch#searchRangeBatch', mode: 'rejects', vars: { got: '5' }, run: (e) => e.brute().searchRangeBatch(new Float32Array(5), 1) },
        ],
      },
    ],
  },
];
