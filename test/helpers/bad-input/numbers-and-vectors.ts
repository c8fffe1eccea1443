// Bad-input catalogue groups: numbers out of range, and vectors (lengths, element types, NaN and infinities,
// typed arrays). Row shape and builders: env.ts.

import {
  accepted,
  assertJson,
  B,
  detach,
  err,
  getterOptions,
  type Group,
  H,
  IP,
  L2,
  LABEL_BOUNDS,
  TOO_BIG_FOR_FLOAT32,
  twoSlices,
  vec,
} from './env';

export const NUMBERS_AND_VECTORS: Group[] = [
  {
    title: 'Numbers out of range',
    intro:
      'Every integer is range-checked in JavaScript before it reaches C++; nothing wraps modulo 2^32 as in hnswlib-node. ' +
      'Fractions, NaN and ±Infinity are out of range too.',
    rows: [
      {
        id: 'dimension-range',
        input: 'a dimension of 0, negative, fractional, NaN, infinite, above 65536 or above 2^53',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `numDimensions` to be an integer between 1 and 65536 but received {got}'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { got: '0' }, run: () => new H('l2', 0) },
          { method: 'new HierarchicalNSW', vars: { got: '-1' }, run: () => new H('ip', -1) },
          { method: 'new BruteforceSearch', vars: { got: '1.5' }, run: () => new B('l2', 1.5) },
          { method: 'new BruteforceSearch', vars: { got: 'NaN' }, run: () => new B('cosine', NaN) },
          { method: 'new L2Space', vars: { got: '65537' }, run: () => new L2(65537) },
          { method: 'new InnerProductSpace', vars: { got: 'Infinity' }, run: () => new IP(Infinity) },
          { method: 'new HierarchicalNSW', vars: { got: '9007199254740994' }, run: () => new H('l2', 2 ** 53 + 2) },
        ],
      },
      {
        id: 'max-elements-range',
        input: 'a `maxElements` that is negative, fractional, NaN or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `maxElements` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(-1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1.5' }, run: (e) => e.hnsw().initIndex(1.5) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '4294967296' }, run: (e) => e.bareHnsw().initIndex(2 ** 32) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: 'NaN' }, run: (e) => e.bareHnsw().initIndex({ maxElements: NaN }) },
          { method: 'BruteforceSearch#initIndex', vars: { got: '-1' }, run: (e) => e.bareBrute().initIndex(-1) },
          { method: 'BruteforceSearch#initIndex', vars: { got: '4294967296' }, run: (e) => e.brute().initIndex(2 ** 32) },
        ],
      },
      {
        id: 'm-range',
        input: 'an `m` below 2 or above 10000, or fractional',
        note: 'hnswlib-node crashed on 0, corrupted the index on 1 and capped values above 10000 with a warning.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `m` to be an integer between 2 and 10000 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '0' }, run: (e) => e.bareHnsw().initIndex(10, 0) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1' }, run: (e) => e.bareHnsw().initIndex(10, 1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '10001' }, run: (e) => e.bareHnsw().initIndex(10, 10001) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '2.5' }, run: (e) => e.hnsw().initIndex(10, 2.5) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: '-16' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, m: -16 }) },
        ],
      },
      {
        id: 'ef-construction-range',
        input: 'an `efConstruction` that is negative, fractional, NaN or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `efConstruction` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(10, 16, -1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '4294967296' }, run: (e) => e.bareHnsw().initIndex(10, 16, 2 ** 32) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '0.5' }, run: (e) => e.bareHnsw().initIndex(10, 16, 0.5) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: 'NaN' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, efConstruction: NaN }) },
        ],
      },
      {
        id: 'random-seed-range',
        input: 'a `randomSeed` that is negative, fractional or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`randomSeed\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, -1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '9007199254740992' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 2 ** 53) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1.5' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 1.5) },
        ],
      },
      {
        id: 'ef-range',
        input: 'an `ef` that is negative, fractional, NaN or at least 2^32 (`setEf`, the `ef` option of a batch search)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `ef` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#setEf', vars: { got: '-1' }, run: (e) => e.hnsw().setEf(-1) },
          { method: 'HierarchicalNSW#setEf', vars: { got: '4294967296' }, run: (e) => e.hnsw().setEf(2 ** 32) },
          { method: 'HierarchicalNSW#setEf', vars: { got: '1.5' }, run: (e) => e.hnsw().setEf(1.5) },
          { method: 'HierarchicalNSW#setEf', vars: { got: 'NaN' }, run: (e) => e.hnsw().setEf(NaN) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { ef: -1 }) },
          {
            method: 'HierarchicalNSW#searchKnnBatch',
            mode: 'rejects',
            vars: { got: '4294967296' },
            run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { ef: 2 ** 32 }),
          },
        ],
      },
      {
        id: 'ef-type',
        input: 'an `ef` option of a batch search that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `ef` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { ef: '50' }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { ef: null }) },
        ],
      },
      {
        id: 'ef-brute-force',
        input: 'an `ef` option (even an invalid one) given to `BruteforceSearch#searchKnnBatch*`',
        outcome: accepted('no error: brute force has no ef, and the option is not read'),
        calls: [
          {
            method: 'BruteforceSearch#searchKnnBatchSync',
            run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { ef: -5 }),
            check: (out) => assertJson(Array.from((out as { labels: Float64Array }).labels), [0]),
          },
        ],
      },
      {
        id: 'new-max-elements-range',
        input: 'a `newMaxElements` that is negative, fractional or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `newMaxElements` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '-1' }, run: (e) => e.hnsw().resizeIndex(-1) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '4294967296' }, run: (e) => e.hnsw().resizeIndex(2 ** 32) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '20.5' }, run: (e) => e.hnsw().resizeIndex(20.5) },
        ],
      },
      {
        id: 'resize-below-count',
        input: 'a `newMaxElements` below the current count',
        outcome: err('Error', 'ERR_RESIZE_TOO_SMALL', 'Hnswlib Error: Cannot resize, max element is less than the current number of elements'),
        calls: [{ method: 'HierarchicalNSW#resizeIndex', run: (e) => e.hnsw({ count: 4 }).resizeIndex(3) }],
      },
      {
        id: 'capacity-beyond-memory-hnsw',
        input: 'a capacity whose records cannot be allocated (here 2^32-1 elements of 65536 dimensions, about 1 PB)',
        note: 'The previous index, if any, is kept. How large a capacity can be allocated depends on the machine: see docs/resources.md.',
        outcome: err('Error', 'ERR_OUT_OF_MEMORY', 'Hnswlib Error: not enough memory for 4294967295 elements of {bytes} bytes'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { bytes: '262284' }, run: (e) => e.hnsw({ dim: 65536, capacity: 1, count: 1 }).initIndex(2 ** 32 - 1) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { bytes: '262284' }, run: (e) => e.hnsw({ dim: 65536, capacity: 1, count: 1 }).resizeIndex(2 ** 32 - 1) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'm 10000',
            vars: { bytes: '342156' },
            run: (e) => e.bareHnsw(65536).initIndex(2 ** 32 - 1, 10000),
          },
        ],
      },
      {
        id: 'capacity-beyond-memory-brute',
        input: 'a brute-force capacity whose slots cannot be allocated (2^32-1 elements of 65536 dimensions)',
        note: 'The previous index, if any, is kept.',
        outcome: err('Error', 'ERR_OUT_OF_MEMORY', 'Hnswlib Error: not enough memory for 4294967295 elements of {bytes} bytes'),
        calls: [
          {
            method: 'BruteforceSearch#initIndex',
            vars: { bytes: '262152' },
            run: (e) => e.brute({ dim: 65536, capacity: 1, count: 1 }).initIndex(2 ** 32 - 1),
          },
        ],
      },
    ],
  },
  {
    title: 'Vectors',
    intro:
      'Single vectors are `number[]` or `Float32Array` (used without a copy); batches are one flat `Float32Array` of ' +
      'n × dim floats or an array of such vectors. Every element must be a finite number within the float32 range.',
    rows: [
      {
        id: 'vector-length',
        input: 'a vector of the wrong length (Array or Float32Array)',
        outcome: err('Error', 'ERR_INVALID_ARG_VALUE', 'Invalid the {which} length (expected 3, but got {got}).'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { which: 'given array', got: '2' }, run: (e) => e.hnsw().addPoint([1, 2], 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float32Array', vars: { which: 'given array', got: '0' }, run: (e) => e.hnsw().addPoint(new Float32Array(0), 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { which: 'given array', got: '4' }, run: (e) => e.hnsw().searchKnn([1, 2, 3, 4], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { which: 'given array', got: '5' }, run: (e) => e.brute().addPoint(new Float32Array(5), 9) },
          { method: 'BruteforceSearch#searchKnn', vars: { which: 'given array', got: '1' }, run: (e) => e.brute().searchKnn([1], 1) },
          { method: 'L2Space#distance', vars: { which: 'first array', got: '2' }, run: () => new L2(3).distance([1, 2], vec(0)) },
          { method: 'InnerProductSpace#distance', vars: { which: 'second array', got: '0' }, run: () => new IP(3).distance(vec(0), []) },
        ],
      },
      {
        id: 'vector-element-type',
        input: 'an element that is not a number (a string, a hole in a sparse array, `null`, an object, a BigInt, a boolean)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{el}` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]', got: 'string' }, run: (e) => e.hnsw().addPoint([1, '2', 3], 9) },
          // eslint-disable-next-line no-sparse-arrays
          { method: 'HierarchicalNSW#addPoint', variant: 'hole', vars: { el: 'point[1]', got: 'undefined' }, run: (e) => e.hnsw().addPoint([1, , 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[2]', got: 'an object' }, run: (e) => e.hnsw().searchKnn([1, 2, {}], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[0]', got: 'null' }, run: (e) => e.brute().addPoint([null, 2, 3], 9) },
          { method: 'BruteforceSearch#searchKnn', vars: { el: 'queryPoint[1]', got: '2n' }, run: (e) => e.brute().searchKnn([1, 2n, 3], 1) },
          { method: 'L2Space#distance', vars: { el: 'pointB[1]', got: 'boolean' }, run: () => new L2(3).distance(vec(0), [1, true, 3]) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { el: 'vectors[1][1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1, '2', 3]], [20, 21]) },
          {
            method: 'HierarchicalNSW#searchKnnBatch',
            mode: 'rejects',
            vars: { el: 'queries[0][2]', got: 'undefined' },
            run: (e) => e.hnsw().searchKnnBatch([[1, 2, undefined]], 1),
          },
        ],
      },
      {
        id: 'vector-nan',
        input: 'a NaN element (in a number[], a Float32Array, a flat batch or a batch row)',
        note: 'hnswlib-node stored NaN and returned garbage distances.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]' }, run: (e) => e.hnsw().addPoint([1, NaN, 3], 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float32Array', vars: { el: 'point[2]' }, run: (e) => e.hnsw().addPoint(new Float32Array([1, 2, NaN]), 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[0]' }, run: (e) => e.hnsw().searchKnn([NaN, 2, 3], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[1]' }, run: (e) => e.brute().addPoint([1, NaN, 3], 9) },
          { method: 'BruteforceSearch#searchKnn', variant: 'Float32Array', vars: { el: 'queryPoint[1]' }, run: (e) => e.brute().searchKnn(new Float32Array([1, NaN, 3]), 1) },
          { method: 'L2Space#distance', vars: { el: 'pointA[0]' }, run: () => new L2(3).distance([NaN, 1, 2], vec(0)) },
          { method: 'HierarchicalNSW#addItemsSync', variant: 'flat', vars: { el: 'vectors[1][1]' }, run: (e) => e.hnsw().addItemsSync(new Float32Array([1, 2, 3, 4, NaN, 6]), [20, 21]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { el: 'vectors[0][2]' }, run: (e) => e.hnsw().addItems([[1, 2, NaN]], [20]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { el: 'queries[1][0]' }, run: (e) => e.brute().searchKnnBatchSync([vec(0), [NaN, 1, 2]], 1) },
        ],
      },
      {
        id: 'vector-infinity',
        input: 'an infinite element (+Infinity or -Infinity)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[0]', got: 'Infinity' }, run: (e) => e.hnsw().addPoint([Infinity, 2, 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'Float32Array', vars: { el: 'queryPoint[2]', got: '-Infinity' }, run: (e) => e.hnsw().searchKnn(new Float32Array([1, 2, -Infinity]), 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[1]', got: '-Infinity' }, run: (e) => e.brute().addPoint([1, -Infinity, 3], 9) },
          { method: 'InnerProductSpace#distance', vars: { el: 'pointB[2]', got: 'Infinity' }, run: () => new IP(3).distance(vec(0), [1, 2, Infinity]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { el: 'vectors[0][0]', got: 'Infinity' }, run: (e) => e.brute().addItemsSync([[Infinity, 1, 1]], [20]) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'flat', vars: { el: 'queries[0][1]', got: '-Infinity' }, run: (e) => e.hnsw().searchKnnBatchSync(new Float32Array([1, -Infinity, 3]), 1) },
        ],
      },
      {
        id: 'vector-float32-overflow',
        input: 'a finite number that float32 cannot hold (beyond ±3.4028234663852886e+38; it would become ±Infinity)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`{el}\` to be a number within the float32 range (${TOO_BIG_FOR_FLOAT32}) but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]', got: '1e+39' }, run: (e) => e.hnsw().addPoint([1, 1e39, 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[0]', got: '-3.5e+38' }, run: (e) => e.hnsw().searchKnn([-3.5e38, 1, 1], 1) },
          { method: 'L2Space#distance', vars: { el: 'pointA[2]', got: '1.7976931348623157e+308' }, run: () => new L2(3).distance([1, 2, Number.MAX_VALUE], vec(0)) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { el: 'vectors[1][0]', got: '1e+39' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1e39, 1, 1]], [20, 21]) },
        ],
      },
      {
        id: 'vector-f16-range',
        input: "a coordinate beyond ±65504 in a vector added to an index of precision `'f16'` (it would become ±Infinity; queries are compared unrounded, so they may hold any finite value)",
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', "Hnswlib Error: precision 'f16' holds coordinates up to 65504 in magnitude, but element {el} is {got}"),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: '1', got: '70000' }, run: (e) => e.hnsw({ precision: 'f16' }).addPoint([1, 70000, 3], 9) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { el: '0', got: '-1000000' }, run: (e) => e.hnsw({ precision: 'f16' }).addItemsSync([[-1e6, 1, 1]]) },
          { method: 'BruteforceSearch#addPoint', vars: { el: '2', got: '65505' }, run: (e) => e.brute({ precision: 'f16' }).addPoint([1, 2, 65505], 9) },
        ],
      },
      {
        id: 'batch-not-vectors',
        input: 'a batch that is neither a Float32Array nor an array (a string, a Float64Array, `null`, `undefined`, an object)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{arg}` to be a Float32Array or an array of vectors but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors', got: 'string' }, run: (e) => e.hnsw().addItemsSync('abc') },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { arg: 'vectors', got: 'an instance of Float64Array' }, run: (e) => e.hnsw().addItems(new Float64Array(6)) },
          { method: 'BruteforceSearch#addItemsSync', vars: { arg: 'vectors', got: 'undefined' }, run: (e) => e.brute().addItemsSync() },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { arg: 'queries', got: 'null' }, run: (e) => e.hnsw().searchKnnBatchSync(null, 1) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { arg: 'queries', got: 'an object' }, run: (e) => e.brute().searchKnnBatch({}, 1) },
        ],
      },
      {
        id: 'batch-flat-length',
        input: 'a flat Float32Array batch whose length is not a multiple of the dimension',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{arg}` to have a length that is a multiple of 3 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors', got: '5' }, run: (e) => e.hnsw().addItemsSync(new Float32Array(5)) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { arg: 'vectors', got: '1' }, run: (e) => e.brute().addItems(new Float32Array(1)) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { arg: 'queries', got: '4' }, run: (e) => e.hnsw().searchKnnBatchSync(new Float32Array(4), 1) },
        ],
      },
      {
        id: 'batch-row-length',
        input: 'a batch row of the wrong length',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{row}` to have 3 elements but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { row: 'vectors[1]', got: '2' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1, 2]], [20, 21]) },
          { method: 'BruteforceSearch#addItemsSync', variant: 'Float32Array row', vars: { row: 'vectors[0]', got: '4' }, run: (e) => e.brute().addItemsSync([new Float32Array(4)], [20]) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { row: 'queries[2]', got: '0' }, run: (e) => e.hnsw().searchKnnBatch([vec(0), vec(1), []], 1) },
        ],
      },
      {
        id: 'batch-row-type',
        input: 'a batch row that is not a number[] or a Float32Array',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{row}` to be a number[] or a Float32Array but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { row: 'vectors[1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync([vec(20), 'abc'], [20, 21]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { row: 'vectors[0]', got: 'an instance of Float64Array' }, run: (e) => e.brute().addItemsSync([new Float64Array(3)], [20]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { row: 'queries[0]', got: 'null' }, run: (e) => e.brute().searchKnnBatchSync([null], 1) },
        ],
      },
      {
        id: 'batch-detached',
        input: 'a batch Float32Array whose buffer is detached (transferred): before the call, or by an option getter',
        note: 'It reads as empty; taken as an empty batch, it would insert nothing and search nothing, silently.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{arg}` to be a Float32Array whose buffer is not detached but received a detached Float32Array'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors' }, run: (e) => e.hnsw().addItemsSync(detach(new Float32Array(6))) },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: '`numThreads` getter',
            vars: { arg: 'queries' },
            run: (e) => {
              const queries = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.hnsw().searchKnnBatchSync(queries, 2, getterOptions('numThreads', 1, () => detach(queries)));
            },
          },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { arg: 'vectors[1]' }, run: (e) => e.brute().addItems([new Float32Array(3), detach(new Float32Array(3))], [20, 21]) },
        ],
      },
      {
        id: 'batch-getter-writes',
        input: 'an option getter (`numThreads`, `replaceDeleted`, `onProgress`, `signal`, `ef`, `filter`) that writes NaN into the batch',
        note: 'Every option is read once, before the batch is read, so the check sees what the getter wrote.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: '`numThreads` getter',
            vars: { el: 'vectors[0][1]' },
            run: (e) => {
              const vectors = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.hnsw().addItemsSync(vectors, [20, 21], getterOptions('numThreads', 1, () => (vectors[1] = NaN)));
            },
          },
          {
            method: 'BruteforceSearch#addItems',
            variant: '`signal` getter',
            mode: 'rejects',
            vars: { el: 'vectors[1][2]' },
            run: (e) => {
              const vectors = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.brute().addItems(vectors, [20, 21], getterOptions('signal', undefined, () => (vectors[5] = NaN)));
            },
          },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: '`ef` getter',
            vars: { el: 'queries[0][0]' },
            run: (e) => {
              const queries = new Float32Array([1, 2, 3]);
              return e.hnsw().searchKnnBatchSync(queries, 1, getterOptions('ef', 10, () => (queries[0] = NaN)));
            },
          },
        ],
      },
      {
        id: 'batch-shared-written',
        input: 'a batch in a SharedArrayBuffer that another thread writes NaN into while the call reads it',
        note:
          'Elements are checked on the copy that is stored or searched (a Sync call\'s flat batch on each row\'s copy, ' +
          'as the row is taken): the row fails, with `insertedLabels`, or is stored finite; never NaN.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        testedIn: {
          file: 'test/hostile-input.test.ts',
          title: '%s#%s rejects the row with the RangeError or stores it finite, never NaN',
          methods: '`addItems`, `addItemsSync`, `searchKnnBatch`, `searchKnnBatchSync` of both classes',
        },
        examples: { el: ['vectors[0][1]', 'queries[0][1]'] },
        calls: [],
      },
      {
        id: 'batch-changed-length',
        input: 'a batch whose length changes while a Promise form copies it (2^17 floats per event-loop turn): transferred, resized, or rows removed',
        outcome: err(
          'TypeError',
          'ERR_INVALID_ARG_VALUE',
          '`{arg}` changed length while {method} was reading it (from {from} to {to} {unit}): do not transfer, detach or resize it until the Promise settles',
        ),
        calls: [
          {
            method: 'HierarchicalNSW#addItems',
            mode: 'rejects',
            vars: { arg: 'vectors', method: 'addItems', from: '1048578', to: '0', unit: 'floats' },
            run: (e) => {
              const vectors = twoSlices();
              const job = e.hnsw().addItems(vectors);
              detach(vectors);
              return job;
            },
          },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            mode: 'rejects',
            vars: { arg: 'queries', method: 'searchKnnBatch', from: '1048578', to: '0', unit: 'floats' },
            run: (e) => {
              const queries = twoSlices();
              const job = e.brute().searchKnnBatch(queries, 1);
              detach(queries);
              return job;
            },
          },
        ],
      },
    ],
  },
];
