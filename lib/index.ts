// The package entry: the hnswlib-node-compatible classes, the public types, and a default object holding them all.

import * as fs from 'fs';
import * as path from 'path';
import { BruteforceSearch } from './bruteforce-search';
import { HierarchicalNSW } from './hierarchical-nsw';
import { native, packageRoot } from './native';
import { InnerProductSpace, L2Space } from './spaces';

export type {
  AbortSignalLike,
  AddItemsError,
  AddItemsOptions,
  BatchLabels,
  BatchRangeResult,
  BatchSearchResult,
  ErrorCode,
  FilterFunction,
  IndexOptions,
  IndexStats,
  InitIndexOptions,
  ReadIndexOptions,
  LabelFilterSpec,
  LabelList,
  NodeBuffer,
  Precision,
  RangeBatchOptions,
  RangeSearchOptions,
  SearchBatchOptions,
  CompactOptions,
  SearchResult,
  SpaceName,
  VectorBatch,
} from './types';

/**
 * The distance kernels in use on this machine, chosen at load time from the CPU's features:
 * `'scalar'`, `'sse'`, `'avx2'`, `'avx512'`, `'avx512vnni'`, `'neon'` or `'neondot'`.
 *
 * @example
 * ```ts
 * console.log(simdLevel()); // e.g. "avx2"
 * ```
 */
function simdLevel(): string {
  return native.simdLevel();
}

/** This package's version, from its package.json. */
const version: string = (
  JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space, simdLevel, version };

/**
 * Everything above in one object, for `import hnswkit from 'hnswkit'` under bundlers and TypeScript's
 * `esModuleInterop`, and for `const { default: { HierarchicalNSW } } = await import('hnswkit')`.
 */
const hnswkit = { HierarchicalNSW, BruteforceSearch, L2Space, InnerProductSpace, simdLevel, version };

export default hnswkit;
