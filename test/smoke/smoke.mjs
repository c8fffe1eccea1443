// pack-install-smoke, ESM: the default import and named imports of 'hnswkit' from an installed tarball
// (scripts/pack-smoke.sh).

import assert from 'node:assert';
import { createRequire } from 'node:module';
import hnswkit, { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space, simdLevel, version } from 'hnswkit';

const require = createRequire(import.meta.url);
const { exercise } = require('./exercise.cjs');

for (const named of [BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space, simdLevel]) {
  assert.strictEqual(typeof named, 'function');
}
assert.strictEqual(hnswkit.HierarchicalNSW, HierarchicalNSW, 'default import holds the named class');
assert.strictEqual(version, require('hnswkit/package.json').version);

await exercise({ HierarchicalNSW, simdLevel }, 'esm');
