// pack-install-smoke, TypeScript compiled as CommonJS (module: nodenext): the package's typings resolve through its
// "exports", and the compiled file runs. The @ts-expect-error line fails the type check if the typings were `any`.

import assert = require('node:assert');
import hnswkit, { HierarchicalNSW, simdLevel, type SearchResult } from 'hnswkit';

const index = new HierarchicalNSW('l2', 3);
index.initIndex(10);
index.addPoint(new Float32Array([1, 0, 0]), 7);
index.addPoint([0, 1, 0], 8);
const result: SearchResult = index.searchKnn(new Float32Array([0.9, 0.1, 0]), 1);
const nearest: number = result.neighbors[0];
assert.strictEqual(nearest, 7);
assert.strictEqual(hnswkit.HierarchicalNSW, HierarchicalNSW);
// @ts-expect-error: a string is not a vector
assert.throws(() => index.addPoint('not a vector', 9), TypeError);
const level: string = simdLevel();
console.log(`smoke ts-cjs: ok, simd ${level}`);
