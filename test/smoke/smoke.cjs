'use strict';
// pack-install-smoke, CommonJS: require('hnswkit') from an installed tarball (scripts/pack-smoke.sh).

const assert = require('assert');
const hnswkit = require('hnswkit');
const { exercise } = require('./exercise.cjs');

assert.strictEqual(typeof hnswkit.HierarchicalNSW, 'function');
assert.strictEqual(hnswkit.default.HierarchicalNSW, hnswkit.HierarchicalNSW, 'default export holds the same class');
assert.strictEqual(hnswkit.version, require('hnswkit/package.json').version);

exercise(hnswkit, 'cjs').catch((err) => {
  console.error(err);
  process.exit(1);
});
