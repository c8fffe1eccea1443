// Bad-input catalogue groups: labels, and k (numNeighbors). Row shape and builders: env.ts.

import * as assert from 'assert';
import { constants as bufferConstants } from 'buffer';
import { accepted, assertJson, Env, err, type Group, LABEL_BOUNDS, TWO_ROWS, vec } from './env';

export const LABELS_AND_K: Group[] = [
  {
    title: 'Labels',
    intro:
      'Labels are integers 0..2^53-1 (`Number.MAX_SAFE_INTEGER`), so every label round-trips exactly; hnswlib-node ' +
      'wrapped them modulo 2^32. See docs/resources.md for the limits.',
    rows: [
      {
        id: 'label-range',
        input: 'a label that is negative, fractional, NaN, infinite or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`{name}\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '-1' }, run: (e) => e.hnsw().addPoint(vec(9), -1) },
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '1.5' }, run: (e) => e.hnsw().addPoint(vec(9), 1.5) },
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '9007199254740992' }, run: (e) => e.hnsw().addPoint(vec(9), 2 ** 53) },
          { method: 'HierarchicalNSW#markDelete', vars: { name: 'label', got: 'NaN' }, run: (e) => e.hnsw().markDelete(NaN) },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { name: 'label', got: '18446744073709552000' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(2 ** 64) },
          { method: 'HierarchicalNSW#getPoint', vars: { name: 'label', got: '0.5' }, run: (e) => e.hnsw().getPoint(0.5) },
          { method: 'HierarchicalNSW#getPoint', variant: 'before initIndex', vars: { name: 'label', got: '-1' }, run: (e) => e.bareHnsw().getPoint(-1) },
          { method: 'BruteforceSearch#addPoint', vars: { name: 'label', got: 'Infinity' }, run: (e) => e.brute().addPoint(vec(9), Infinity) },
          { method: 'BruteforceSearch#removePoint', vars: { name: 'label', got: '-Infinity' }, run: (e) => e.brute().removePoint(-Infinity) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { name: 'labels[1]', got: '-1' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, -1]) },
          { method: 'HierarchicalNSW#addItems', variant: 'Int32Array', mode: 'rejects', vars: { name: 'labels[0]', got: '-6' }, run: (e) => e.hnsw().addItems([vec(20)], new Int32Array([-6])) },
          { method: 'BruteforceSearch#addItemsSync', variant: 'Float64Array', vars: { name: 'labels[0]', got: '2.5' }, run: (e) => e.brute().addItemsSync([vec(20)], new Float64Array([2.5])) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'filter', vars: { name: 'filter.allow[0]', got: '-1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [-1] } }) },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            variant: 'filter Set',
            mode: 'rejects',
            vars: { name: 'filter.deny[1]', got: '9007199254740992' },
            run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { filter: { deny: new Set([1, 2 ** 53]) } }),
          },
        ],
      },
      {
        id: 'label-negative-zero',
        input: 'the label `-0`',
        outcome: accepted('no error: stored and returned as label 0'),
        calls: [
          {
            method: 'HierarchicalNSW#addPoint',
            run: (e) => {
              const index = e.hnsw({ count: 0 });
              index.addPoint(vec(5), -0);
              return index.searchKnn(vec(5), 1).neighbors[0];
            },
            check: (out) => assert.ok(Object.is(out, 0)),
            mutates: true,
          },
        ],
      },
      {
        id: 'batch-labels-container',
        input: 'batch labels that are not an array, a Float64Array, a Uint32Array or an Int32Array (a string, a `Set`, a Float32Array, a BigInt64Array, `null`)',
        note: 'A `Set` has no row order, so `addItems` does not take one; filters do.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `labels` to be an array of labels, a Float64Array, a Uint32Array or an Int32Array but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), 'ab') },
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'an instance of Set' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), new Set([20, 21])) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: 'an instance of Float32Array' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), new Float32Array([20, 21])) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: 'an instance of BigInt64Array' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), new BigInt64Array([20n, 21n])) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: 'null' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), null) },
          { method: 'HierarchicalNSW#getPoints', vars: { got: 'string' }, run: (e) => e.hnsw().getPoints('ab') },
        ],
      },
      {
        id: 'filter-labels-container',
        input: 'a batch filter list that is not an array, a Float64Array, a Uint32Array, an Int32Array or a Set',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{name}` to be an array of labels, a Float64Array, a Uint32Array, an Int32Array or a Set but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { name: 'filter.allow', got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: '1' } }) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { name: 'filter.deny', got: 'an object' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { filter: { deny: { 0: 1 } } }) },
        ],
      },
      {
        id: 'batch-label-type',
        input: 'a batch or filter label that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{name}` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { name: 'labels[1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, '21']) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { name: 'filter.allow[0]', got: '1n' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [1n] } }) },
          { method: 'BruteforceSearch#getPoints', vars: { name: 'labels[1]', got: 'string' }, run: (e) => e.brute().getPoints([1, '2']) },
        ],
      },
      {
        id: 'batch-label-count',
        input: 'not exactly one label per batch row',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `labels` to have {n} elements but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { n: '2', got: '1' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20]) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { n: '2', got: '3' }, run: (e) => e.brute().addItems(TWO_ROWS(), [20, 21, 22]) },
        ],
      },
      {
        id: 'batch-label-duplicate',
        input: 'a label given twice in one batch',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `labels` to hold distinct labels but received {label} twice'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { label: '20' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, 20]) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { label: '7' }, run: (e) => e.brute().addItems([vec(1), vec(2), vec(3)], [7, 8, 7]) },
        ],
      },
      {
        id: 'label-unknown',
        input: 'a label the index does not hold (or, for `getPoint`, holds as deleted)',
        outcome: err('Error', 'ERR_LABEL_NOT_FOUND', 'Hnswlib Error: Label not found'),
        calls: [
          { method: 'HierarchicalNSW#markDelete', run: (e) => e.hnsw().markDelete(99) },
          { method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.hnsw().unmarkDelete(99) },
          { method: 'HierarchicalNSW#getPoint', run: (e) => e.hnsw().getPoint(2 ** 40) },
          { method: 'HierarchicalNSW#getPoint', variant: 'deleted', run: (e) => e.hnsw({ deleted: [2] }).getPoint(2) },
        ],
      },
      {
        id: 'points-unknown',
        input: 'a label of `getPoints` that the index does not hold, or holds as deleted',
        note: 'The first such label is named, with its position.',
        outcome: err('Error', 'ERR_LABEL_NOT_FOUND', 'Hnswlib Error: Label not found: {label} (labels[{i}])'),
        calls: [
          { method: 'HierarchicalNSW#getPoints', vars: { label: '99', i: '1' }, run: (e) => e.hnsw().getPoints([0, 99, 98]) },
          { method: 'HierarchicalNSW#getPoints', variant: 'deleted', vars: { label: '2', i: '2' }, run: (e) => e.hnsw({ deleted: [2] }).getPoints(new Uint32Array([0, 1, 2])) },
          { method: 'BruteforceSearch#getPoints', vars: { label: '7', i: '0' }, run: (e) => e.brute().getPoints([7]) },
        ],
      },
      {
        id: 'remove-unknown',
        input: 'a label the brute-force index does not hold, given to `removePoint`',
        outcome: accepted('no error: nothing to remove, as in hnswlib-node'),
        calls: [
          {
            method: 'BruteforceSearch#removePoint',
            run: (e) => {
              const index = e.brute();
              index.removePoint(99);
              return index.getCurrentCount();
            },
            check: (out) => assert.strictEqual(out, 4),
          },
        ],
      },
      {
        id: 'label-already-deleted',
        input: '`markDelete` of a label already deleted',
        outcome: err('Error', 'ERR_ALREADY_DELETED', 'Hnswlib Error: The requested to delete element is already deleted'),
        calls: [{ method: 'HierarchicalNSW#markDelete', run: (e) => e.hnsw({ deleted: [1] }).markDelete(1) }],
      },
      {
        id: 'label-not-deleted',
        input: '`unmarkDelete` of a label that is not deleted',
        outcome: err('Error', 'ERR_NOT_DELETED', 'Hnswlib Error: The requested to undelete element is not deleted'),
        calls: [{ method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.hnsw().unmarkDelete(1) }],
      },
    ],
  },
  {
    title: 'k (numNeighbors)',
    rows: [
      {
        id: 'k-range',
        input: 'a `numNeighbors` that is negative, fractional, NaN, infinite or above 2^53-1',
        note: 'hnswlib-node wrapped -1 to 4294967295 and NaN to 0.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`numNeighbors\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnn(vec(0), -1) },
          { method: 'HierarchicalNSW#searchKnn', vars: { got: '1.5' }, run: (e) => e.hnsw().searchKnn(vec(0), 1.5) },
          { method: 'HierarchicalNSW#searchKnn', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchKnn(vec(0), NaN) },
          { method: 'BruteforceSearch#searchKnn', vars: { got: 'Infinity' }, run: (e) => e.brute().searchKnn(vec(0), Infinity) },
          { method: 'BruteforceSearch#searchKnn', vars: { got: '9007199254740992' }, run: (e) => e.brute().searchKnn(vec(0), 2 ** 53) },
        ],
      },
      {
        id: 'k-above-capacity',
        input: 'a `numNeighbors` above `getMaxElements()`',
        outcome: err('Error', 'ERR_OUT_OF_RANGE', 'Invalid the number of k-nearest neighbors (cannot be given a value greater than `maxElements`: {max}).'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', vars: { max: '10' }, run: (e) => e.hnsw().searchKnn(vec(0), 11) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'capacity 0', vars: { max: '0' }, run: (e) => e.hnsw({ capacity: 0, count: 0 }).searchKnn(vec(0), 1) },
          { method: 'BruteforceSearch#searchKnn', vars: { max: '10' }, run: (e) => e.brute().searchKnn(vec(0), 2 ** 40) },
        ],
      },
      {
        id: 'k-zero-brute',
        input: '`numNeighbors` 0 on a brute-force index',
        outcome: err('Error', 'ERR_OUT_OF_RANGE', 'Invalid the number of k-nearest neighbors (must be a positive number).'),
        calls: [{ method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), 0) }],
      },
      {
        id: 'k-zero-hnsw',
        input: '`numNeighbors` 0 on an HNSW index',
        outcome: accepted('no error: `{ distances: [], neighbors: [] }`, as hnswlib-node'),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 0),
            check: (out) => assertJson(out, { distances: [], neighbors: [] }),
          },
        ],
      },
      {
        id: 'k-above-count',
        input: 'a `numNeighbors` above the element count but within the capacity (an empty index included); a batch `k` above the element count, however large',
        note: 'hnswlib-node aborted the process here for `BruteforceSearch`.',
        outcome: accepted(
          'no error: only the elements there are, closest first; a batch result has rows of min(k, element count) slots (at least 1; the result\'s `k`), padded with -1 and `Infinity`',
        ),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 10),
            check: (out) => assertJson((out as { neighbors: number[] }).neighbors, [0, 1, 2, 3]),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            run: (e) => e.brute().searchKnn(vec(0), 10),
            check: (out) => assertJson((out as { neighbors: number[] }).neighbors, [0, 1, 2, 3]),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            variant: 'empty index',
            run: (e) => e.brute({ count: 0 }).searchKnn(vec(0), 3),
            check: (out) => assertJson(out, { distances: [], neighbors: [] }),
          },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: 'a deleted element',
            run: (e) => e.hnsw({ deleted: [3] }).searchKnnBatchSync([vec(0)], 6),
            check: (out) => {
              const r = out as { k: number; labels: Float64Array; distances: Float32Array; found: Uint32Array };
              assertJson([r.k, Array.from(r.found)], [4, [3]]);
              assertJson(Array.from(r.labels), [0, 1, 2, -1]);
              assert.ok(r.distances[3] === Infinity, 'unused slots hold Infinity');
            },
          },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            run: (e) => e.brute().searchKnnBatch([vec(0), vec(3)], 1000),
            check: (out) => {
              const r = out as { k: number; labels: Float64Array; found: Uint32Array };
              assertJson([r.k, Array.from(r.found), Array.from(r.labels)], [4, [4, 4], [0, 1, 2, 3, 3, 2, 1, 0]]);
            },
          },
        ],
      },
      {
        id: 'batch-k-range',
        input: 'a batch `k` below 1, fractional, NaN or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `k` to be an integer between 1 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '0' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 0) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], -1) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { got: '2.5' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 2.5) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'NaN' }, run: (e) => e.brute().searchKnnBatch([vec(0)], NaN) },
        ],
      },
      {
        id: 'batch-k-type',
        input: 'a batch `k` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `k` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], '1') },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'undefined' }, run: (e) => e.brute().searchKnnBatch([vec(0)]) },
        ],
      },
      {
        id: 'batch-k-slots',
        input: 'a batch whose count × k exceeds the longest typed array Node makes (`buffer.constants.MAX_LENGTH`, 2^32 in Node 20)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `k` to be an integer between 1 and {most} for {n} queries but received {got}'),
        calls: [2, 3].map((n) => {
          const most = Math.floor(bufferConstants.MAX_LENGTH / n);
          return {
            method: n === 2 ? 'HierarchicalNSW#searchKnnBatchSync' : 'BruteforceSearch#searchKnnBatch',
            mode: n === 2 ? ('throws' as const) : ('rejects' as const),
            vars: { most: String(most), n: String(n), got: String(most + 1) },
            run: (e: Env) => (n === 2 ? e.hnsw() : e.brute())[n === 2 ? 'searchKnnBatchSync' : 'searchKnnBatch'](
              Array.from({ length: n }, (_, i) => vec(i)),
              most + 1,
            ),
          };
        }),
      },
      {
        id: 'batch-results-too-large',
        input: 'batch results (count × min(k, element count) slots of 12 bytes) that cannot be allocated',
        note: 'The result arrays are made in JavaScript, where a failed allocation can be reported; the runtime aborted the process when native code made them.',
        outcome: err(
          'RangeError',
          'ERR_OUT_OF_MEMORY',
          'Expected `k` to be small enough that the results fit in memory ({n} queries × {slots} slots: {bytes} bytes could not be allocated) but received {got}',
        ),
        testedIn: {
          file: 'test/hostile-input.test.ts',
          title: 'fails with a RangeError naming k and the sizes when the results cannot be allocated, and the index still works',
          methods: '`searchKnnBatch` (rejects), `searchKnnBatchSync` of both classes',
        },
        examples: { n: ['10000'], slots: ['100000'], bytes: ['12000040000'], got: ['100000'] },
        calls: [],
      },
    ],
  },
];
