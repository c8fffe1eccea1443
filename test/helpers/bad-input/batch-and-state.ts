// Bad-input catalogue groups: batch options (addItems, searchKnnBatch), state (before initIndex, full, deleted,
// busy) and searchKnn filter callbacks. Row shape and builders: env.ts.

import * as assert from 'assert';
import {
  accepted,
  assertJson,
  caught,
  DIM,
  Env,
  err,
  type Group,
  type Loose,
  NOT_INITIALIZED,
  proxyThrownThrough,
  rethrowCall,
  TWO_ROWS,
  vec,
  withJob,
  withLoad,
} from './env';

export const BATCH_AND_STATE: Group[] = [
  {
    title: 'Batch options (addItems, searchKnnBatch)',
    intro:
      'The Promise forms never throw: every failure, argument errors included, is a rejection with the same error ' +
      'the `...Sync` form throws. Unknown option keys are ignored.',
    rows: [
      {
        id: 'options-not-object',
        input: '`options` that is not an object (a string, a number, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `options` to be an object but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, 'fast') },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, null) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'number' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, 5) },
        ],
      },
      {
        id: 'num-threads-range',
        input: 'a `numThreads` below 1, fractional, NaN or infinite',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `numThreads` to be an integer between 1 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: '0' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { numThreads: 0 }) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: '-1' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), undefined, { numThreads: -1 }) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: '1.5' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), undefined, { numThreads: 1.5 }) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { numThreads: NaN }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'Infinity' }, run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { numThreads: Infinity }) },
        ],
      },
      {
        id: 'num-threads-type',
        input: 'a `numThreads` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `numThreads` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { numThreads: '2' }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { numThreads: null }) },
        ],
      },
      {
        id: 'num-threads-many',
        input: 'a `numThreads` above the core count or the row count',
        outcome: accepted('no error: capped at the row count (and at 256)'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw().addItemsSync([vec(20)], [20], { numThreads: 1e6 }),
            check: (out) => assertJson(Array.from(out as Float64Array), [20]),
            mutates: true,
          },
          {
            method: 'BruteforceSearch#searchKnnBatchSync',
            run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { numThreads: 2 ** 53 - 1 }),
            check: (out) => assertJson(Array.from((out as { labels: Float64Array }).labels), [0]),
          },
        ],
      },
      {
        id: 'replace-deleted-type',
        input: 'a `replaceDeleted` option that is not a boolean (`HierarchicalNSW`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `replaceDeleted` to be a boolean but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'number' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { replaceDeleted: 1 }) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: 'string' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), undefined, { replaceDeleted: 'yes' }) },
        ],
      },
      {
        id: 'replace-deleted-brute',
        input: 'a `replaceDeleted` option (even an invalid one) given to `BruteforceSearch#addItems*`',
        outcome: accepted('no error: brute force removes for real and has no deleted slots; the option is not read'),
        calls: [
          {
            method: 'BruteforceSearch#addItemsSync',
            run: (e) => e.brute().addItemsSync(TWO_ROWS(), [20, 21], { replaceDeleted: 'x' }),
            check: (out) => assertJson(Array.from(out as Float64Array), [20, 21]),
            mutates: true,
          },
        ],
      },
      {
        id: 'on-progress-type',
        input: 'an `onProgress` that is not a function',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `onProgress` to be a function but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'number' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { onProgress: 1 }) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'an object' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, { onProgress: {} }) },
        ],
      },
      {
        id: 'on-progress-throws',
        input: 'an `onProgress` that throws',
        note: 'The rows in progress finish and no new row starts; the error gets `insertedLabels`, the labels of the batch now in the index.',
        outcome: {
          kind: 'rethrown',
          text: 'what `onProgress` threw, unchanged, with `insertedLabels` added (not to a primitive, a frozen object or a Proxy, none of whose traps run)',
        },
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            mutates: true,
            run: (e) => {
              const boom = new Error('progress failed');
              const { value } = caught(() =>
                e.hnsw().addItemsSync(TWO_ROWS(), [20, 21], {
                  onProgress: () => {
                    throw boom;
                  },
                }),
              );
              const inserted = (value as { insertedLabels?: Float64Array } | undefined)?.insertedLabels;
              assert.strictEqual(value, boom);
              return Array.from(inserted ?? []);
            },
            // Two rows finish before the first (and only) report, which comes at the end.
            check: (out) => assertJson(out, [20, 21]),
          },
          {
            method: 'BruteforceSearch#addItems',
            mutates: true,
            run: async (e) => {
              const boom = new RangeError('progress failed');
              const value = await (e.brute().addItems(TWO_ROWS(), [20, 21], {
                onProgress: () => {
                  throw boom;
                },
              }) as Promise<unknown>).then(
                () => undefined,
                (failure: unknown) => failure,
              );
              const inserted = (value as { insertedLabels?: Float64Array } | undefined)?.insertedLabels;
              assert.strictEqual(value, boom);
              return Array.from(inserted ?? []);
            },
            check: (out) => assertJson(out, [20, 21]),
          },
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: 'a Proxy whose traps throw',
            mutates: true,
            run: (e) => proxyThrownThrough((thrower) => e.hnsw().addItemsSync(TWO_ROWS(), [20, 21], { onProgress: thrower })),
            check: (out) => assertJson(out, { same: true, traps: [] }),
          },
          {
            method: 'BruteforceSearch#addItems',
            variant: 'a Proxy whose traps throw',
            mutates: true,
            run: (e) => proxyThrownThrough((thrower) => e.brute().addItems(TWO_ROWS(), [20, 21], { onProgress: thrower })),
            check: (out) => assertJson(out, { same: true, traps: [] }),
          },
        ],
      },
      {
        id: 'signal-type',
        input: 'a `signal` that is not an AbortSignal (no boolean `aborted` and `addEventListener`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `signal` to be an AbortSignal but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'an object' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { signal: {} }) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'an instance of AbortController' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, { signal: new AbortController() }) },
        ],
      },
      {
        id: 'signal-aborted',
        input: 'a `signal` that is already aborted',
        note: 'Nothing is inserted; `cause` is the signal\'s reason and `insertedLabels` is empty.',
        outcome: err('AbortError', 'ABORT_ERR', 'The operation was aborted', 'AbortError (`name` `AbortError`, an `Error`)'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { signal: AbortSignal.abort('stop') }),
            check: (error) => {
              assert.strictEqual((error as Error).cause, 'stop');
              assert.strictEqual((error as Error).name, 'AbortError');
              assert.strictEqual((error as { insertedLabels: Float64Array }).insertedLabels.length, 0);
            },
          },
          {
            method: 'BruteforceSearch#addItems',
            mode: 'rejects',
            run: (e) => {
              const controller = new AbortController();
              controller.abort(new Error('user left'));
              return e.brute().addItems(TWO_ROWS(), undefined, { signal: controller.signal });
            },
            check: (error) => assert.strictEqual(((error as Error).cause as Error).message, 'user left'),
          },
        ],
      },
      {
        id: 'signal-eager',
        input: 'a signal-like object whose `addEventListener` calls the `abort` listener at once (its `aborted` stays false)',
        note: 'The call of the listener is the abort. Nothing is inserted; `insertedLabels` is empty.',
        outcome: err('AbortError', 'ABORT_ERR', 'The operation was aborted', 'AbortError (`name` `AbortError`, an `Error`)'),
        calls: (['HierarchicalNSW#addItemsSync', 'BruteforceSearch#addItems'] as const).map((method) => ({
          method,
          mode: method.endsWith('Sync') ? ('throws' as const) : ('rejects' as const),
          run: (e: Env) => {
            const signal = { aborted: false, addEventListener: (_type: string, listener: () => void) => listener() };
            const index = method.startsWith('Hier') ? e.hnsw() : e.brute();
            return index[method.endsWith('Sync') ? 'addItemsSync' : 'addItems'](TWO_ROWS(), [20, 21], { signal });
          },
          check: (error: unknown) => assertJson(Array.from((error as { insertedLabels: Float64Array }).insertedLabels), []),
        })),
      },
      {
        id: 'batch-filter-shape',
        input: 'a batch `filter` that is not an object (`null`, a function, a string)',
        note: 'A JavaScript callback cannot run on the worker threads of a batch search; pass label lists.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter` to be an object with `allow` or `deny` but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'null' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: null }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: 'a function' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { filter: () => true }) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { filter: 'even' }) },
        ],
      },
      {
        id: 'batch-filter-keys',
        input: 'a batch `filter` with both `allow` and `deny`, or neither',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an object'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'both', run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [1], deny: [2] } }) },
          { method: 'BruteforceSearch#searchKnnBatch', variant: 'neither', mode: 'rejects', run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { filter: {} }) },
        ],
      },
      {
        id: 'batch-filter-per-query-count',
        input: 'per-query batch filters (an array) not one per query',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `filter` to have 2 elements (one per query) but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0), vec(1)], 1, { filter: [{ allow: [1] }] }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: '3' }, run: (e) => e.brute().searchKnnBatch([vec(0), vec(1)], 1, { filter: [undefined, null, { deny: [] }] }) },
        ],
      },
      {
        id: 'batch-filter-per-query-item',
        input: 'a per-query batch filter that is not `{ allow }`, `{ deny }`, `undefined` or `null`',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter[1]` to be an object with `allow` or `deny` but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'number' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0), vec(1)], 1, { filter: [{ allow: [1] }, 5] }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'string' }, run: (e) => e.brute().searchKnnBatch([vec(0), vec(1)], 1, { filter: [null, 'odd'] }) },
        ],
      },
      {
        id: 'exact-search-limit-type',
        input: '`exactSearchLimit` not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `exactSearchLimit` to be a number but received string'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { exactSearchLimit: '100' }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { exactSearchLimit: '100' }) },
        ],
      },
      {
        id: 'exact-search-limit-range',
        input: '`exactSearchLimit` negative, fractional or NaN',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `exactSearchLimit` to be an integer between 0 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { exactSearchLimit: -1 }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: '2.5' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { exactSearchLimit: 2.5 }) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { exactSearchLimit: NaN }) },
        ],
      },
      {
        id: 'unknown-option-keys',
        input: 'unknown option keys (`{ threads: 2 }`, `{ k: 5 }`)',
        outcome: accepted('no error: ignored'),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { threads: 2, k: 5 }),
            check: (out) => assert.strictEqual((out as { k: number }).k, 1),
          },
        ],
      },
    ],
  },
  {
    title: 'State: before initIndex, full, deleted, busy',
    rows: [
      {
        id: 'before-init',
        input: 'a method that needs an index, called before `initIndex` or a successful read',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', NOT_INITIALIZED),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.bareHnsw().addPoint(vec(0), 0) },
          { method: 'HierarchicalNSW#searchKnn', run: (e) => e.bareHnsw().searchKnn(vec(0), 1) },
          { method: 'HierarchicalNSW#markDelete', run: (e) => e.bareHnsw().markDelete(0) },
          { method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.bareHnsw().unmarkDelete(0) },
          { method: 'HierarchicalNSW#resizeIndex', run: (e) => e.bareHnsw().resizeIndex(10) },
          { method: 'HierarchicalNSW#getEf', run: (e) => e.bareHnsw().getEf() },
          { method: 'HierarchicalNSW#setEf', run: (e) => e.bareHnsw().setEf(10) },
          { method: 'HierarchicalNSW#getM', run: (e) => e.bareHnsw().getM() },
          { method: 'HierarchicalNSW#getEfConstruction', run: (e) => e.bareHnsw().getEfConstruction() },
          { method: 'HierarchicalNSW#addItemsSync', run: (e) => e.bareHnsw().addItemsSync([vec(0)]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', run: (e) => e.bareHnsw().addItems([vec(0)]) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', run: (e) => e.bareHnsw().searchKnnBatchSync([vec(0)], 1) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', run: (e) => e.bareHnsw().searchKnnBatch([vec(0)], 1) },
          { method: 'HierarchicalNSW#searchRange', run: (e) => e.bareHnsw().searchRange(vec(0), 1) },
          { method: 'HierarchicalNSW#searchRangeBatch', mode: 'rejects', run: (e) => e.bareHnsw().searchRangeBatch([vec(0)], 1) },
          { method: 'HierarchicalNSW#toBufferSync', run: (e) => e.bareHnsw().toBufferSync() },
          { method: 'HierarchicalNSW#toBuffer', mode: 'rejects', run: (e) => e.bareHnsw().toBuffer() },
          { method: 'HierarchicalNSW#getPoints', run: (e) => e.bareHnsw().getPoints([0]) },
          { method: 'BruteforceSearch#addPoint', run: (e) => e.bareBrute().addPoint(vec(0), 0) },
          { method: 'BruteforceSearch#removePoint', run: (e) => e.bareBrute().removePoint(0) },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.bareBrute().searchKnn(vec(0), 1) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', run: (e) => e.bareBrute().addItems([vec(0)]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', run: (e) => e.bareBrute().searchKnnBatchSync([vec(0)], 1) },
          { method: 'BruteforceSearch#searchRangeBatchSync', run: (e) => e.bareBrute().searchRangeBatchSync([vec(0)], 1) },
          { method: 'BruteforceSearch#toBufferSync', run: (e) => e.bareBrute().toBufferSync() },
        ],
      },
      {
        id: 'before-init-getters',
        input: 'the getters, called before `initIndex`',
        outcome: accepted('no error: `getIdsList()`, `getLabels()` and `getPoint(label)` give `[]`; the counts give 0'),
        calls: [
          {
            method: 'HierarchicalNSW#getIdsList',
            variant: 'and getLabels, getPoint, getCurrentCount, getMaxElements, getDeletedCount',
            run: (e) => {
              const index = e.bareHnsw();
              return [index.getIdsList(), index.getLabels(), index.getPoint(5), index.getCurrentCount(), index.getMaxElements(), index.getDeletedCount()];
            },
            check: (out) => assertJson(out, [[], [], [], 0, 0, 0]),
          },
          {
            method: 'BruteforceSearch#getCurrentCount',
            variant: 'and getMaxElements, getLabels',
            run: (e) => {
              const index = e.bareBrute();
              return [index.getCurrentCount(), index.getMaxElements(), index.getLabels()];
            },
            check: (out) => assertJson(out, [0, 0, []]),
          },
        ],
      },
      {
        id: 'write-before-init',
        input: '`writeIndexSync` before `initIndex`',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', 'Search index is not constructed.'),
        calls: [
          { method: 'HierarchicalNSW#writeIndexSync', run: (e) => e.bareHnsw().writeIndexSync(e.path('never.bin')) },
          { method: 'BruteforceSearch#writeIndexSync', run: (e) => e.bareBrute().writeIndexSync(e.path('never.bin')) },
        ],
      },
      {
        id: 'write-async-before-init',
        input: '`writeIndex` before `initIndex`',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', 'Hnswlib Error: search index is not constructed.'),
        calls: [
          { method: 'HierarchicalNSW#writeIndex', mode: 'rejects', run: (e) => e.bareHnsw().writeIndex(e.path('never.bin')) },
          { method: 'BruteforceSearch#writeIndex', mode: 'rejects', run: (e) => e.bareBrute().writeIndex(e.path('never.bin')) },
        ],
      },
      {
        id: 'full-hnsw',
        input: '`addPoint` of a new label into a full index (capacity 0 included)',
        outcome: err('Error', 'ERR_INDEX_FULL', 'Hnswlib Error: The number of elements exceeds the specified limit'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ capacity: 4, count: 4 }).addPoint(vec(9), 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'capacity 0', run: (e) => e.hnsw({ capacity: 0, count: 0 }).addPoint(vec(9), 9) },
          {
            method: 'HierarchicalNSW#addPoint',
            variant: 'full of deleted elements',
            run: (e) => e.hnsw({ capacity: 4, count: 4, deleted: [0, 1, 2, 3] }).addPoint(vec(9), 9),
          },
        ],
      },
      {
        id: 'full-brute',
        input: '`addPoint` of a new label into a full brute-force index',
        note: 'The trailing newline is hnswlib-node\'s.',
        outcome: err('Error', 'ERR_INDEX_FULL', 'Hnswlib Error: The number of elements exceeds the specified limit\n'),
        calls: [
          { method: 'BruteforceSearch#addPoint', run: (e) => e.brute({ capacity: 4, count: 4 }).addPoint(vec(9), 9) },
          { method: 'BruteforceSearch#addPoint', variant: 'capacity 0', run: (e) => e.brute({ capacity: 0, count: 0 }).addPoint(vec(9), 9) },
        ],
      },
      {
        id: 'full-batch',
        input: 'a batch with more new labels than free slots',
        note: 'Checked before any row is inserted; labels already in the index (updates) are not counted.',
        outcome: err(
          'Error',
          'ERR_INDEX_FULL',
          'Hnswlib Error: The number of elements exceeds the specified limit (capacity {cap}, current count {count}, batch adds {add} new labels)',
        ),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { cap: '5', count: '4', add: '2' }, run: (e) => e.hnsw({ capacity: 5 }).addItemsSync([vec(1), vec(20), vec(21)], [1, 20, 21]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { cap: '0', count: '0', add: '1' }, run: (e) => e.hnsw({ capacity: 0, count: 0 }).addItems([vec(0)]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { cap: '4', count: '4', add: '2' }, run: (e) => e.brute({ capacity: 4 }).addItemsSync(TWO_ROWS(), [20, 21]) },
        ],
      },
      {
        id: 'replace-disabled',
        input: '`replaceDeleted` asked of an index initialised without `allowReplaceDeleted`',
        outcome: err('Error', 'ERR_REPLACE_DISABLED', 'Hnswlib Error: Replacement of deleted elements is disabled in constructor'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ deleted: [1] }).addPoint(vec(9), 9, true) },
          { method: 'HierarchicalNSW#addItemsSync', run: (e) => e.hnsw({ deleted: [1] }).addItemsSync([vec(9)], [9], { replaceDeleted: true }) },
        ],
      },
      {
        id: 'update-deleted',
        input: 'an update of a deleted label when `allowReplaceDeleted` is on',
        outcome: err('Error', 'ERR_UPDATE_DELETED', "Hnswlib Error: Can't use addPoint to update deleted elements if replacement of deleted elements is enabled."),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ allowReplaceDeleted: true, deleted: [1] }).addPoint(vec(9), 1) },
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw({ allowReplaceDeleted: true, deleted: [1] }).addItemsSync([vec(9)], [1]),
          },
        ],
      },
      {
        id: 'busy-exclusive',
        input: 'a call that replaces the whole index while a Promise job (`addItems`, ...) of the same object is in flight',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while 1 asynchronous operations are running on this index; await them first'),
        calls: (
          [
            ['HierarchicalNSW', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['HierarchicalNSW', 'resizeIndex', 'throws', (i: Loose) => i.resizeIndex(100)],
            ['HierarchicalNSW', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.path('none.bin'))],
            ['HierarchicalNSW', 'fromBufferSync', 'throws', (i: Loose, e: Env) => i.fromBufferSync(e.bytesOf('hnsw'))],
            ['HierarchicalNSW', 'readIndex', 'rejects', (i: Loose, e: Env) => i.readIndex(e.path('none.bin'))],
            ['HierarchicalNSW', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('hnsw'))],
            ['HierarchicalNSW', 'compactSync', 'throws', (i: Loose) => i.compactSync()],
            ['HierarchicalNSW', 'compact', 'rejects', (i: Loose) => i.compact()],
            ['BruteforceSearch', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['BruteforceSearch', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.path('none.bin'))],
            ['BruteforceSearch', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('brute'))],
          ] as const
        ).map(([cls, method, mode, call]) => ({
          method: `${cls}#${method}`,
          mode,
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = cls === 'HierarchicalNSW' ? e.hnsw() : e.brute();
            withJob(e, index);
            return call(index, e);
          },
        })),
      },
      {
        id: 'busy-compacting',
        input: 'an add or delete while a `compact()` of the same object is in flight (or from the `onProgress` of a `compactSync`)',
        note: 'Reads, searches and saves answer from the old graph until the compacted one is in.',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while compact() is running on this index; await it first'),
        calls: (
          [
            ['addPoint', 'throws', (i: Loose) => i.addPoint(vec(9), 9)],
            ['markDelete', 'throws', (i: Loose) => i.markDelete(2)],
            ['unmarkDelete', 'throws', (i: Loose) => i.unmarkDelete(1)],
            ['addItemsSync', 'throws', (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['addItems', 'rejects', (i: Loose) => i.addItems([vec(9)], [9])],
          ] as const
        ).map(([method, mode, call]) => ({
          method: `HierarchicalNSW#${method}`,
          mode,
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = e.hnsw({ deleted: [1] });
            e.defer(index.compact({ numThreads: 1 }) as Promise<unknown>);
            return call(index);
          },
        })),
      },
      {
        id: 'compact-read-only',
        input: '`compact` or `compactSync` of an index opened with `{ mmap: true }`',
        outcome: err('Error', 'ERR_READ_ONLY', 'Hnswlib Error: cannot {method}: the index is read-only (opened with mmap); load it without mmap to change it'),
        calls: (
          [
            ['compactSync', 'throws', (i: Loose) => i.compactSync()],
            ['compact', 'rejects', (i: Loose) => i.compact()],
          ] as const
        ).map(([method, mode, call]) => ({
          method: `HierarchicalNSW#${method}`,
          mode,
          // The load in `run` replaces the index the harness took its bytes from.
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = e.hnsw({ count: 0 });
            index.readIndexSync(e.write('mapped-compact.bin', e.bytesOf('hnsw')), { mmap: true });
            return call(index);
          },
        })),
      },
      {
        id: 'busy-loading',
        input: 'a call that changes the index while a `readIndex` / `fromBuffer` of the same object is in flight',
        note: 'Reads (`searchKnn`, `getPoint`, `searchKnnBatchSync`, `writeIndexSync`, ...) answer from the old index until the new one is in.',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while 1 asynchronous operations are running on this index; await them first'),
        calls: (
          [
            ['HierarchicalNSW', 'addPoint', 'throws', (i: Loose) => i.addPoint(vec(9), 9)],
            ['HierarchicalNSW', 'markDelete', 'throws', (i: Loose) => i.markDelete(1)],
            ['HierarchicalNSW', 'setEf', 'throws', (i: Loose) => i.setEf(50)],
            ['HierarchicalNSW', 'addItemsSync', 'throws', (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['HierarchicalNSW', 'searchKnnBatch', 'rejects', (i: Loose) => i.searchKnnBatch([vec(0)], 1)],
            ['HierarchicalNSW', 'searchRangeBatch', 'rejects', (i: Loose) => i.searchRangeBatch([vec(0)], 1)],
            ['HierarchicalNSW', 'writeIndex', 'rejects', (i: Loose, e: Env) => i.writeIndex(e.path('during-load.bin'))],
            ['BruteforceSearch', 'removePoint', 'throws', (i: Loose) => i.removePoint(1)],
            ['BruteforceSearch', 'toBuffer', 'rejects', (i: Loose) => i.toBuffer()],
          ] as const
        ).map(([cls, method, mode, call]) => ({
          method: `${cls}#${method}`,
          mode,
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = cls === 'HierarchicalNSW' ? e.hnsw() : e.brute();
            withLoad(e, index, cls === 'HierarchicalNSW' ? 'hnsw' : 'brute');
            return call(index, e);
          },
        })),
      },
      {
        id: 'after-close',
        input: 'any method but `close` after `close()` or `[Symbol.dispose]()`',
        note: 'Argument errors come first, as before `initIndex`. A Promise method called before `close()` finishes and settles as it would have.',
        outcome: err('Error', 'ERR_CLOSED', 'Hnswlib Error: the index was closed (close() or [Symbol.dispose]); create or load a new index object'),
        calls: (
          [
            ['HierarchicalNSW', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['HierarchicalNSW', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.write('closed.bin', e.bytesOf('hnsw')))],
            ['HierarchicalNSW', 'readIndex', 'rejects', (i: Loose, e: Env) => i.readIndex(e.write('closed.bin', e.bytesOf('hnsw')))],
            ['HierarchicalNSW', 'fromBufferSync', 'throws', (i: Loose, e: Env) => i.fromBufferSync(e.bytesOf('hnsw'))],
            ['HierarchicalNSW', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('hnsw'))],
            ['HierarchicalNSW', 'resizeIndex', 'throws', (i: Loose) => i.resizeIndex(100)],
            ['HierarchicalNSW', 'addPoint', 'throws', (i: Loose) => i.addPoint(vec(9), 9)],
            ['HierarchicalNSW', 'markDelete', 'throws', (i: Loose) => i.markDelete(1)],
            ['HierarchicalNSW', 'unmarkDelete', 'throws', (i: Loose) => i.unmarkDelete(1)],
            ['HierarchicalNSW', 'searchKnn', 'throws', (i: Loose) => i.searchKnn(vec(0), 1)],
            ['HierarchicalNSW', 'getIdsList', 'throws', (i: Loose) => i.getIdsList()],
            ['HierarchicalNSW', 'getLabels', 'throws', (i: Loose) => i.getLabels()],
            ['HierarchicalNSW', 'getPoints', 'throws', (i: Loose) => i.getPoints([1])],
            ['HierarchicalNSW', 'getPoint', 'throws', (i: Loose) => i.getPoint(1)],
            ['HierarchicalNSW', 'getDeletedCount', 'throws', (i: Loose) => i.getDeletedCount()],
            ['HierarchicalNSW', 'getEf', 'throws', (i: Loose) => i.getEf()],
            ['HierarchicalNSW', 'setEf', 'throws', (i: Loose) => i.setEf(20)],
            ['HierarchicalNSW', 'getM', 'throws', (i: Loose) => i.getM()],
            ['HierarchicalNSW', 'getEfConstruction', 'throws', (i: Loose) => i.getEfConstruction()],
            ['HierarchicalNSW', 'getStats', 'throws', (i: Loose) => i.getStats()],
            ['HierarchicalNSW', 'resetStats', 'throws', (i: Loose) => i.resetStats()],
            ['HierarchicalNSW', 'writeIndexSync', 'throws', (i: Loose, e: Env) => i.writeIndexSync(e.path('closed-out.bin'))],
            ['HierarchicalNSW', 'writeIndex', 'rejects', (i: Loose, e: Env) => i.writeIndex(e.path('closed-out.bin'))],
            ['HierarchicalNSW', 'addItemsSync', 'throws', (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['HierarchicalNSW', 'addItems', 'rejects', (i: Loose) => i.addItems([vec(9)], [9])],
            ['HierarchicalNSW', 'searchKnnBatchSync', 'throws', (i: Loose) => i.searchKnnBatchSync([vec(0)], 1)],
            ['HierarchicalNSW', 'searchKnnBatch', 'rejects', (i: Loose) => i.searchKnnBatch([vec(0)], 1)],
            ['HierarchicalNSW', 'searchRange', 'throws', (i: Loose) => i.searchRange(vec(0), 1)],
            ['HierarchicalNSW', 'searchRangeBatchSync', 'throws', (i: Loose) => i.searchRangeBatchSync([vec(0)], 1)],
            ['HierarchicalNSW', 'searchRangeBatch', 'rejects', (i: Loose) => i.searchRangeBatch([vec(0)], 1)],
            ['HierarchicalNSW', 'toBufferSync', 'throws', (i: Loose) => i.toBufferSync()],
            ['HierarchicalNSW', 'toBuffer', 'rejects', (i: Loose) => i.toBuffer()],
            ['HierarchicalNSW', 'getMaxElements', 'throws', (i: Loose) => i.getMaxElements()],
            ['HierarchicalNSW', 'getCurrentCount', 'throws', (i: Loose) => i.getCurrentCount()],
            ['HierarchicalNSW', 'getNumDimensions', 'throws', (i: Loose) => i.getNumDimensions()],
            ['HierarchicalNSW', 'getPrecision', 'throws', (i: Loose) => i.getPrecision()],
            ['HierarchicalNSW', 'compactSync', 'throws', (i: Loose) => i.compactSync()],
            ['HierarchicalNSW', 'compact', 'rejects', (i: Loose) => i.compact()],
            ['BruteforceSearch', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['BruteforceSearch', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.write('closed.bf', e.bytesOf('brute')))],
            ['BruteforceSearch', 'readIndex', 'rejects', (i: Loose, e: Env) => i.readIndex(e.write('closed.bf', e.bytesOf('brute')))],
            ['BruteforceSearch', 'fromBufferSync', 'throws', (i: Loose, e: Env) => i.fromBufferSync(e.bytesOf('brute'))],
            ['BruteforceSearch', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('brute'))],
            ['BruteforceSearch', 'addPoint', 'throws', (i: Loose) => i.addPoint(vec(9), 9)],
            ['BruteforceSearch', 'removePoint', 'throws', (i: Loose) => i.removePoint(1)],
            ['BruteforceSearch', 'getLabels', 'throws', (i: Loose) => i.getLabels()],
            ['BruteforceSearch', 'getPoints', 'throws', (i: Loose) => i.getPoints([1])],
            ['BruteforceSearch', 'searchKnn', 'throws', (i: Loose) => i.searchKnn(vec(0), 1)],
            ['BruteforceSearch', 'writeIndexSync', 'throws', (i: Loose, e: Env) => i.writeIndexSync(e.path('closed-out.bf'))],
            ['BruteforceSearch', 'writeIndex', 'rejects', (i: Loose, e: Env) => i.writeIndex(e.path('closed-out.bf'))],
            ['BruteforceSearch', 'addItemsSync', 'throws', (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['BruteforceSearch', 'addItems', 'rejects', (i: Loose) => i.addItems([vec(9)], [9])],
            ['BruteforceSearch', 'searchKnnBatchSync', 'throws', (i: Loose) => i.searchKnnBatchSync([vec(0)], 1)],
            ['BruteforceSearch', 'searchKnnBatch', 'rejects', (i: Loose) => i.searchKnnBatch([vec(0)], 1)],
            ['BruteforceSearch', 'searchRange', 'throws', (i: Loose) => i.searchRange(vec(0), 1)],
            ['BruteforceSearch', 'searchRangeBatchSync', 'throws', (i: Loose) => i.searchRangeBatchSync([vec(0)], 1)],
            ['BruteforceSearch', 'searchRangeBatch', 'rejects', (i: Loose) => i.searchRangeBatch([vec(0)], 1)],
            ['BruteforceSearch', 'toBufferSync', 'throws', (i: Loose) => i.toBufferSync()],
            ['BruteforceSearch', 'toBuffer', 'rejects', (i: Loose) => i.toBuffer()],
            ['BruteforceSearch', 'getMaxElements', 'throws', (i: Loose) => i.getMaxElements()],
            ['BruteforceSearch', 'getCurrentCount', 'throws', (i: Loose) => i.getCurrentCount()],
            ['BruteforceSearch', 'getNumDimensions', 'throws', (i: Loose) => i.getNumDimensions()],
            ['BruteforceSearch', 'getPrecision', 'throws', (i: Loose) => i.getPrecision()],
          ] as const
        ).map(([cls, method, mode, call], n) => ({
          method: `${cls}#${method}`,
          mode,
          mutates: true,
          run: (e: Env) => {
            // Half of them closed through [Symbol.dispose], which is close().
            const index = e.close(cls === 'HierarchicalNSW' ? e.hnsw() : e.brute(), n % 2 === 1);
            return call(index, e);
          },
        })),
      },
      {
        id: 'close-again',
        input: '`close()` or `[Symbol.dispose]()` of an index already closed, or never initialised',
        outcome: accepted('no error: closing is idempotent'),
        calls: [
          {
            method: 'HierarchicalNSW#close',
            variant: 'twice, then [Symbol.dispose]',
            run: (e) => {
              const index = e.close(e.hnsw());
              index.close();
              (index as unknown as Disposable)[Symbol.dispose]();
              return null;
            },
            check: (out) => assert.strictEqual(out, null),
          },
          {
            method: 'BruteforceSearch#close',
            variant: 'before initIndex, twice',
            run: (e) => {
              const index = e.close(e.bareBrute());
              index.close();
              return null;
            },
            check: (out) => assert.strictEqual(out, null),
          },
        ],
      },
      {
        id: 'busy-progress',
        input: 'a call that replaces the whole index from inside an `addItemsSync` `onProgress` callback',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while addItemsSync is running on this index'),
        note: 'The error comes out of `addItemsSync` (it is what `onProgress` threw).',
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: 'onProgress calls initIndex',
            vars: { method: 'initIndex' },
            mutates: true,
            run: (e) => {
              const index = e.hnsw({ capacity: 20_000, count: 0 });
              // Enough rows for the 100 ms progress report to come while rows still run.
              const rows = new Float32Array(20_000 * DIM).map((_, i) => (i * 7919) % 1000);
              return index.addItemsSync(rows, undefined, { numThreads: 1, onProgress: () => index.initIndex(5) });
            },
          },
        ],
      },
      {
        id: 'filter-reentrant',
        input: 'a `searchKnn` filter that calls a method of the index it filters',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: an index cannot be used from inside its own searchKnn filter'),
        note: 'The error comes out of `searchKnn`; the index stays usable.',
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'filter calls addPoint',
            run: (e) => {
              const index = e.hnsw();
              return index.searchKnn(vec(0), 2, (label: number) => index.addPoint(vec(9), label + 100));
            },
          },
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'filter calls searchKnn',
            run: (e) => {
              const index = e.hnsw();
              return index.searchKnn(vec(0), 2, () => index.searchKnn(vec(1), 1).neighbors.length > 0);
            },
          },
          {
            method: 'BruteforceSearch#searchKnn',
            variant: 'filter calls getCurrentCount',
            run: (e) => {
              const index = e.brute();
              return index.searchKnn(vec(0), 2, () => index.getCurrentCount() > 0);
            },
          },
        ],
      },
    ],
  },
  {
    title: 'searchKnn filter callbacks',
    rows: [
      {
        id: 'filter-throws',
        input: 'a filter that throws (an Error, a string, `undefined`, `null`, a Proxy)',
        note: 'The search stops admitting elements and the exception is rethrown; hnswlib-node aborted the process.',
        outcome: {
          kind: 'rethrown',
          text: 'exactly what the filter threw (the same object; none of a Proxy\'s traps run); the index stays usable',
        },
        calls: [
          ...(['hnsw', 'brute'] as const).map((kind) => ({
            method: kind === 'hnsw' ? 'HierarchicalNSW#searchKnn' : 'BruteforceSearch#searchKnn',
            variant: 'a Proxy whose traps throw',
            run: (e: Env) => proxyThrownThrough((thrower) => (kind === 'hnsw' ? e.hnsw() : e.brute()).searchKnn(vec(0), 2, thrower)),
            check: (out: unknown) => assertJson(out, { same: true, traps: [] }),
          })),
          rethrowCall('HierarchicalNSW#searchKnn', 'RangeError', new RangeError('filter failed'), (e) => e.hnsw()),
          rethrowCall('HierarchicalNSW#searchKnn', 'string', 'not an Error', (e) => e.hnsw()),
          rethrowCall('HierarchicalNSW#searchKnn', 'undefined', undefined, (e) => e.hnsw()),
          rethrowCall('BruteforceSearch#searchKnn', 'TypeError', new TypeError('filter failed'), (e) => e.brute()),
          rethrowCall('BruteforceSearch#searchKnn', 'null', null, (e) => e.brute()),
        ],
      },
      {
        id: 'filter-non-boolean',
        input: 'a filter that returns something other than a boolean (`1`, `0`, `""`, `"no"`, `{}`, `null`, `undefined`, `NaN`, `0n`, a Symbol, a Promise)',
        outcome: accepted('no error: JavaScript truthiness decides (`"no"`, `{}`, a Promise pass; `0`, `""`, `NaN`, `0n` do not)'),
        calls: [
          ['1 or 0', (l: number) => l % 2, [1, 3]],
          ['"" or "no"', (l: number) => (l % 2 ? '' : 'no'), [0, 2]],
          ['{} or null', (l: number) => (l < 2 ? {} : null), [0, 1]],
          ['undefined', () => undefined, []],
          ['NaN', () => NaN, []],
          ['0n or 1n', (l: number) => (l === 3 ? 1n : 0n), [3]],
          ['Symbol', () => Symbol('x'), [0, 1, 2, 3]],
          ['Promise of false', () => Promise.resolve(false), [0, 1, 2, 3]],
        ].flatMap(([variant, filter, expected]) =>
          (['hnsw', 'brute'] as const).map((kind) => ({
            method: kind === 'hnsw' ? 'HierarchicalNSW#searchKnn' : 'BruteforceSearch#searchKnn',
            variant: variant as string,
            run: (e: Env) => (kind === 'hnsw' ? e.hnsw() : e.brute()).searchKnn(vec(0), 4, filter),
            check: (out: unknown) => assertJson([...(out as { neighbors: number[] }).neighbors].sort(), expected),
          })),
        ),
      },
    ],
  },
];
