// Bad-input catalogue groups: calling the classes, argument types (hnswlib-node's messages) and initIndex's named
// form. Row shape and builders: env.ts.

import * as assert from 'assert';
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space } from 'hnswkit';
import { accepted, assertJson, B, err, type Group, H, IP, L2, type Loose, vec } from './env';

export const CALLS_AND_TYPES: Group[] = [
  {
    title: 'Calling the classes',
    rows: [
      {
        id: 'no-new',
        input: 'a class called without `new`',
        outcome: err('TypeError', undefined, "Class constructor {cls} cannot be invoked without 'new'", 'TypeError (V8)'),
        calls: (['HierarchicalNSW', 'BruteforceSearch', 'L2Space', 'InnerProductSpace'] as const).map((cls) => ({
          method: cls,
          vars: { cls },
          run: () => (({ HierarchicalNSW, BruteforceSearch, L2Space, InnerProductSpace })[cls] as unknown as (...a: unknown[]) => unknown)('l2', 3),
        })),
      },
      {
        id: 'foreign-receiver',
        input: 'an index method called on an object that is not an instance (`HierarchicalNSW.prototype.getEf.call({})`, a bare `Object.create(prototype)`)',
        outcome: err('TypeError', undefined, 'Receiver must be an instance of class {cls}', 'TypeError (V8)'),
        calls: [
          { method: 'HierarchicalNSW#getEf', vars: { cls: 'HierarchicalNSW' }, run: () => (H.prototype as Loose).getEf.call({}) },
          {
            method: 'HierarchicalNSW#addPoint',
            vars: { cls: 'HierarchicalNSW' },
            run: () => (H.prototype as Loose).addPoint.call(Object.create(H.prototype), vec(0), 0),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            vars: { cls: 'BruteforceSearch' },
            run: () => (B.prototype as Loose).searchKnn.call({}, vec(0), 1),
          },
        ],
      },
      {
        id: 'foreign-receiver-space',
        input: 'a space method called on an object that is not an instance',
        outcome: err('TypeError', undefined, 'Cannot read private member #dim from an object whose class did not declare it', 'TypeError (V8)'),
        calls: [
          { method: 'L2Space#distance', run: () => (L2.prototype as Loose).distance.call({}, vec(0), vec(1)) },
          { method: 'InnerProductSpace#getNumDimensions', run: () => (IP.prototype as Loose).getNumDimensions.call({}) },
        ],
      },
      {
        id: 'too-few-args',
        input: 'too few arguments',
        outcome: err('Error', 'ERR_INVALID_ARG_COUNT', 'Expected {n} arguments, but got {got}.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { n: '2', got: '0' }, run: () => new H() },
          { method: 'new BruteforceSearch', vars: { n: '2', got: '1' }, run: () => new B('l2') },
          { method: 'new L2Space', vars: { n: '1', got: '0' }, run: () => new L2() },
          { method: 'HierarchicalNSW#initIndex', vars: { n: '1-5', got: '0' }, run: (e) => e.bareHnsw().initIndex() },
          { method: 'HierarchicalNSW#readIndexSync', vars: { n: '1-2', got: '0' }, run: (e) => e.hnsw().readIndexSync() },
          { method: 'HierarchicalNSW#readIndex', variant: 'throws synchronously', vars: { n: '1-2', got: '0' }, run: (e) => e.hnsw().readIndex() },
          { method: 'HierarchicalNSW#addPoint', vars: { n: '2-3', got: '1' }, run: (e) => e.hnsw().addPoint(vec(9)) },
          { method: 'HierarchicalNSW#searchKnn', vars: { n: '2-3', got: '1' }, run: (e) => e.hnsw().searchKnn(vec(0)) },
          { method: 'BruteforceSearch#searchKnn', vars: { n: '2-3', got: '0' }, run: (e) => e.brute().searchKnn() },
          { method: 'HierarchicalNSW#markDelete', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().markDelete() },
          { method: 'HierarchicalNSW#getPoint', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().getPoint() },
          { method: 'HierarchicalNSW#setEf', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().setEf() },
          { method: 'HierarchicalNSW#resizeIndex', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().resizeIndex() },
          { method: 'HierarchicalNSW#writeIndexSync', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().writeIndexSync() },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().writeIndex() },
          { method: 'BruteforceSearch#initIndex', vars: { n: '1', got: '0' }, run: (e) => e.bareBrute().initIndex() },
          { method: 'BruteforceSearch#removePoint', vars: { n: '1', got: '0' }, run: (e) => e.brute().removePoint() },
          { method: 'L2Space#distance', vars: { n: '2', got: '1' }, run: () => new L2(3).distance(vec(0)) },
        ],
      },
      {
        id: 'too-many-args',
        input: 'too many arguments to a fixed-arity method',
        outcome: err('Error', 'ERR_INVALID_ARG_COUNT', 'Expected {n} arguments, but got {got}.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { n: '2', got: '3' }, run: () => new H('l2', 3, 16) },
          { method: 'new BruteforceSearch', variant: 'options and one more', vars: { n: '2', got: '4' }, run: () => new B('l2', 3, {}, 16) },
          { method: 'new InnerProductSpace', vars: { n: '1', got: '2' }, run: () => new IP(3, 4) },
          { method: 'BruteforceSearch#addPoint', vars: { n: '2', got: '3' }, run: (e) => e.brute().addPoint(vec(9), 9, true) },
          { method: 'BruteforceSearch#initIndex', vars: { n: '1', got: '2' }, run: (e) => e.bareBrute().initIndex(10, 16) },
          { method: 'BruteforceSearch#readIndexSync', vars: { n: '1', got: '2' }, run: (e) => e.brute().readIndexSync('a', 'b') },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { n: '1', got: '2' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(1, 2) },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', vars: { n: '1', got: '2' }, run: (e) => e.hnsw().writeIndex(e.path('x.bin'), 1) },
          { method: 'L2Space#distance', vars: { n: '2', got: '3' }, run: () => new L2(3).distance(vec(0), vec(1), vec(2)) },
        ],
      },
      {
        id: 'extra-args-variadic',
        input: 'extra arguments after the last one `initIndex`, `searchKnn`, `HierarchicalNSW#addPoint` and `readIndex*` take',
        outcome: accepted('no error: ignored, as hnswlib-node ignores them'),
        calls: [
          {
            method: 'HierarchicalNSW#initIndex',
            run: (e) => {
              const index = e.hnsw();
              index.initIndex(5, 16, 200, 1, false, 'extra');
              return index.getMaxElements();
            },
            check: (out) => assert.strictEqual(out, 5),
            mutates: true,
          },
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 1, undefined, 'extra'),
            check: (out) => assertJson(out, { distances: [0], neighbors: [0] }),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            run: (e) => e.brute().searchKnn(vec(0), 1, undefined, 'extra'),
            check: (out) => assertJson(out, { distances: [0], neighbors: [0] }),
          },
          {
            method: 'HierarchicalNSW#addPoint',
            run: (e) => {
              const index = e.hnsw();
              index.addPoint(vec(9), 9, false, 'extra');
              return index.getCurrentCount();
            },
            check: (out) => assert.strictEqual(out, 5),
            mutates: true,
          },
        ],
      },
    ],
  },
  {
    title: "Argument types (hnswlib-node's messages)",
    intro:
      "The methods hnswlib-node 3.0.0 has keep its exact messages for a wrong argument type, typos included. The " +
      'ordinal names the position of the argument.',
    rows: [
      {
        id: 'space-not-string',
        input: 'a space name that is not a string',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a string.'),
        calls: [
          { method: 'new HierarchicalNSW', variant: 'number', run: () => new H(1, 3) },
          { method: 'new BruteforceSearch', variant: 'null', run: () => new B(null, 3) },
          { method: 'new HierarchicalNSW', variant: 'undefined', run: () => new H(undefined, 3) },
        ],
      },
      {
        id: 'space-unknown',
        input: 'an unknown space name (`"L2"`, `"euclidean"`, `""`)',
        outcome: err('Error', 'ERR_INVALID_ARG_VALUE', 'Wrong space name, expected "l2", "ip", or "cosine".'),
        calls: [
          { method: 'new HierarchicalNSW', variant: 'L2', run: () => new H('L2', 3) },
          { method: 'new BruteforceSearch', variant: 'euclidean', run: () => new B('euclidean', 3) },
          { method: 'new HierarchicalNSW', variant: 'empty', run: () => new H('', 3) },
        ],
      },
      {
        id: 'precision-not-string',
        input: '`options.precision` not a string',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `options.precision` to be "f32", "f16" or "i8" but received {got}'),
        calls: [
          { method: 'new BruteforceSearch', vars: { got: 'number' }, run: () => new B('l2', 3, { precision: 16 }) },
          { method: 'new HierarchicalNSW', vars: { got: 'null' }, run: () => new H('l2', 3, { precision: null }) },
        ],
      },
      {
        id: 'precision-unknown',
        input: 'an unknown `options.precision` (`"f64"`, `"F16"`, `""`)',
        outcome: err('RangeError', 'ERR_INVALID_ARG_VALUE', 'Expected `options.precision` to be "f32", "f16" or "i8" but received {got}'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { got: '"f64"' }, run: () => new H('l2', 3, { precision: 'f64' }) },
          { method: 'new BruteforceSearch', vars: { got: '"F16"' }, run: () => new B('l2', 3, { precision: 'F16' }) },
          { method: 'new HierarchicalNSW', vars: { got: '""' }, run: () => new H('cosine', 3, { precision: '' }) },
        ],
      },
      {
        id: 'dimension-not-number',
        input: 'a dimension that is not a number (a string, a BigInt, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { ord: 'second' }, run: () => new H('l2', '3') },
          { method: 'new BruteforceSearch', vars: { ord: 'second' }, run: () => new B('l2', 3n) },
          { method: 'new L2Space', vars: { ord: 'first' }, run: () => new L2('3') },
          { method: 'new InnerProductSpace', vars: { ord: 'first' }, run: () => new IP(null) },
        ],
      },
      {
        id: 'vector-not-array',
        input: 'a vector that is neither an Array nor a Float32Array (a string, a Float64Array or other typed array, an array-like object, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be an Array.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', variant: 'string', vars: { ord: 'first' }, run: (e) => e.hnsw().addPoint('abc', 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float64Array', vars: { ord: 'first' }, run: (e) => e.hnsw().addPoint(new Float64Array(3), 9) },
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'array-like',
            vars: { ord: 'first' },
            run: (e) => e.hnsw().searchKnn({ length: 3, 0: 1, 1: 2, 2: 3 }, 1),
          },
          { method: 'BruteforceSearch#addPoint', variant: 'Uint8Array', vars: { ord: 'first' }, run: (e) => e.brute().addPoint(new Uint8Array(3), 9) },
          { method: 'BruteforceSearch#searchKnn', variant: 'null', vars: { ord: 'first' }, run: (e) => e.brute().searchKnn(null, 1) },
          { method: 'L2Space#distance', variant: 'Int16Array', vars: { ord: 'second' }, run: () => new L2(3).distance(vec(0), new Int16Array(3)) },
          { method: 'InnerProductSpace#distance', variant: 'undefined', vars: { ord: 'first' }, run: () => new IP(3).distance(undefined, vec(0)) },
        ],
      },
      {
        id: 'label-not-number',
        input: 'a label that is not a number (a numeric string, a BigInt, `null`, `undefined`, a boolean)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', variant: 'string', vars: { ord: 'second' }, run: (e) => e.hnsw().addPoint(vec(9), '9') },
          { method: 'HierarchicalNSW#addPoint', variant: 'BigInt', vars: { ord: 'second' }, run: (e) => e.hnsw().addPoint(vec(9), 9n) },
          { method: 'BruteforceSearch#addPoint', vars: { ord: 'second' }, run: (e) => e.brute().addPoint(vec(9), null) },
          { method: 'HierarchicalNSW#markDelete', vars: { ord: 'first' }, run: (e) => e.hnsw().markDelete('1') },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { ord: 'first' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(undefined) },
          { method: 'HierarchicalNSW#getPoint', vars: { ord: 'first' }, run: (e) => e.hnsw().getPoint('1') },
          { method: 'BruteforceSearch#removePoint', vars: { ord: 'first' }, run: (e) => e.brute().removePoint(true) },
        ],
      },
      {
        id: 'k-not-number',
        input: 'a `numNeighbors` (k) that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the second argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', variant: 'string', run: (e) => e.hnsw().searchKnn(vec(0), '1') },
          { method: 'HierarchicalNSW#searchKnn', variant: 'BigInt', run: (e) => e.hnsw().searchKnn(vec(0), 1n) },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), null) },
        ],
      },
      {
        id: 'filter-not-function',
        input: 'a `searchKnn` filter that is not a function (`null` included; `undefined` means no filter)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the third argument type, must be a function.'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', variant: 'null', run: (e) => e.hnsw().searchKnn(vec(0), 1, null) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'string', run: (e) => e.hnsw().searchKnn(vec(0), 1, 'label > 2') },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), 1, {}) },
        ],
      },
      {
        id: 'flag-not-boolean',
        input: 'a flag that is not a boolean (`replaceDeleted`, `allowReplaceDeleted`; `undefined` means the default)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a boolean.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { ord: 'third' }, run: (e) => e.hnsw().addPoint(vec(9), 9, 'true') },
          { method: 'HierarchicalNSW#initIndex', vars: { ord: 'fifth' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 100, 1) },
          { method: 'HierarchicalNSW#readIndexSync', vars: { ord: 'second' }, run: (e) => e.hnsw().readIndexSync(e.path('none.bin'), 'yes') },
          {
            method: 'HierarchicalNSW#readIndex',
            variant: 'throws synchronously',
            vars: { ord: 'second' },
            run: (e) => e.hnsw().readIndex(e.path('none.bin'), 0),
          },
        ],
      },
      {
        id: 'init-number-not-number',
        input: 'a positional `initIndex` argument that is not a number (`null` included)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        note: '`sencond` (sic) is hnswlib-node\'s spelling.',
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements', vars: { ord: 'first' }, run: (e) => e.bareHnsw().initIndex('10') },
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements null', vars: { ord: 'first' }, run: (e) => e.bareHnsw().initIndex(null) },
          { method: 'HierarchicalNSW#initIndex', variant: 'm', vars: { ord: 'sencond' }, run: (e) => e.bareHnsw().initIndex(10, '16') },
          { method: 'HierarchicalNSW#initIndex', variant: 'efConstruction', vars: { ord: 'third' }, run: (e) => e.bareHnsw().initIndex(10, 16, '200') },
          { method: 'HierarchicalNSW#initIndex', variant: 'randomSeed', vars: { ord: 'fourth' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, '100') },
          { method: 'BruteforceSearch#initIndex', vars: { ord: 'first' }, run: (e) => e.bareBrute().initIndex('10') },
        ],
      },
      {
        id: 'other-number-not-number',
        input: 'an `ef` or `newMaxElements` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#setEf', run: (e) => e.hnsw().setEf('10') },
          { method: 'HierarchicalNSW#resizeIndex', run: (e) => e.hnsw().resizeIndex(null) },
        ],
      },
      {
        id: 'filename-not-string',
        input: 'a file name that is not a string (a number, a Buffer, `undefined`, an object)',
        note: 'The Promise forms throw this synchronously, as hnswlib-node does.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a string.'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw().readIndexSync(1) },
          { method: 'HierarchicalNSW#readIndex', variant: 'throws synchronously', run: (e) => e.hnsw().readIndex(Buffer.from('x.bin')) },
          { method: 'HierarchicalNSW#writeIndexSync', run: (e) => e.hnsw().writeIndexSync(undefined) },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', run: (e) => e.hnsw().writeIndex({}) },
          { method: 'BruteforceSearch#readIndexSync', run: (e) => e.brute().readIndexSync(1) },
          { method: 'BruteforceSearch#writeIndex', variant: 'throws synchronously', run: (e) => e.brute().writeIndex(1) },
        ],
      },
    ],
  },
  {
    title: 'initIndex, named form',
    intro: '`initIndex` takes the named form when its only argument is an object (an Array counts).',
    rows: [
      {
        id: 'named-missing-max',
        input: 'no `maxElements` key (`{}`, `{ m: 16 }`, `[]`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Missing named argument `maxElements`, must be specified.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: '{}', run: (e) => e.bareHnsw().initIndex({}) },
          { method: 'HierarchicalNSW#initIndex', variant: '{ m }', run: (e) => e.bareHnsw().initIndex({ m: 16 }) },
          { method: 'HierarchicalNSW#initIndex', variant: '[]', run: (e) => e.bareHnsw().initIndex([]) },
        ],
      },
      {
        id: 'named-not-number',
        input: 'a numeric key holding something else, `undefined` included (a present key must hold a value)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the named argument type `{key}`, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements string', vars: { key: 'maxElements' }, run: (e) => e.bareHnsw().initIndex({ maxElements: '10' }) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'maxElements undefined',
            vars: { key: 'maxElements' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: undefined }),
          },
          { method: 'HierarchicalNSW#initIndex', variant: 'm undefined', vars: { key: 'm' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, m: undefined }) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'efConstruction null',
            vars: { key: 'efConstruction' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: 10, efConstruction: null }),
          },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'randomSeed BigInt',
            vars: { key: 'randomSeed' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: 10, randomSeed: 1n }),
          },
        ],
      },
      {
        id: 'named-flag-not-boolean',
        input: '`allowReplaceDeleted` holding something other than a boolean',
        note: '`allowRepalceDeleted` (sic) is hnswlib-node\'s spelling.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the named argument type `allowRepalceDeleted`, must be a boolean.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'number', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, allowReplaceDeleted: 1 }) },
          { method: 'HierarchicalNSW#initIndex', variant: 'string', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, allowReplaceDeleted: 'true' }) },
        ],
      },
      {
        id: 'named-auto-grow-not-boolean',
        input: '`autoGrow` holding something other than a boolean',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the named argument type `autoGrow`, must be a boolean.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'string', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, autoGrow: 'yes' }) },
          { method: 'HierarchicalNSW#initIndex', variant: 'undefined', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, autoGrow: undefined }) },
        ],
      },
    ],
  },
];
