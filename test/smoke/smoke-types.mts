// pack-install-smoke, TypeScript compiled as an ES module (module: nodenext): default and named imports type-check
// against the package's typings, and the compiled file runs. The @ts-expect-error line fails the type check if the
// typings were `any`.

import assert from 'node:assert';
import hnswkit, { HierarchicalNSW, simdLevel, type SearchResult } from 'hnswkit';

const index = new hnswkit.HierarchicalNSW('cosine', 2);
index.initIndex({ maxElements: 4 });
index.addPoint(new Float32Array([1, 0]), 1);
index.addPoint(new Float32Array([0, 1]), 2);
const result: SearchResult = index.searchKnn(new Float32Array([0.1, 1]), 2);
assert.deepStrictEqual(result.neighbors, [2, 1]);
assert.ok(index instanceof HierarchicalNSW);
// @ts-expect-error: the space must be 'l2', 'ip' or 'cosine'
assert.throws(() => new HierarchicalNSW('euclidean', 2));
const level: string = simdLevel();
console.log(`smoke ts-esm: ok, simd ${level}`);
