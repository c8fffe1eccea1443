// The shipped typings (dist/*.d.ts) as users compile them: a README-style program that uses both index classes is
// checked by TypeScript 7 and TypeScript 5.9, `strict` and without `skipLibCheck`, with @types/node, without it
// (no DOM either), and with the DOM lib alone; each must compile with no error at all.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildDist } from './helpers/dist';
import { useTmpDir } from './helpers/tmp';

const ROOT = path.resolve(__dirname, '..');

const COMPILERS = {
  'TypeScript 7': { dir: 'typescript-7', major: 7 },
  'TypeScript 5.9': { dir: 'typescript', major: 5 },
} as const;
type CompilerName = keyof typeof COMPILERS;

/** The program every variant compiles: the README's quick start grown to the whole public surface. */
const PROGRAM = `
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space, simdLevel, version } from 'hnswkit';
import type {
  AddItemsError,
  AddItemsOptions,
  BatchRangeResult,
  BatchSearchResult,
  ErrorCode,
  IndexStats,
  LabelFilterSpec,
  RangeBatchOptions,
  RangeSearchOptions,
  SearchBatchOptions,
  SearchResult,
  VectorBatch,
} from 'hnswkit';

/** An abort signal made by hand, for programs that declare no AbortController (neither Node's nor the DOM's). */
export function handMadeSignal() {
  let listeners: Array<() => void> = [];
  const signal = {
    aborted: false,
    reason: undefined as unknown,
    addEventListener(type: 'abort', listener: () => void): void {
      listeners.push(listener);
    },
    removeEventListener(type: 'abort', listener: () => void): void {
      listeners = listeners.filter((l) => l !== listener);
    },
  };
  const abort = (reason: unknown): void => {
    signal.aborted = true;
    signal.reason = reason;
    for (const listener of listeners) listener();
  };
  return { signal, abort };
}

export async function hierarchical(): Promise<string[]> {
  const log: string[] = [];
  const dim = 4;
  const index = new HierarchicalNSW('cosine', dim);
  index.initIndex(1000);
  index.initIndex({ maxElements: 1000, m: 16, efConstruction: 200, randomSeed: 100, allowReplaceDeleted: true });

  const data = new Float32Array(1000 * dim).map(() => Math.random());
  for (let i = 0; i < 500; i++) index.addPoint(data.subarray(i * dim, (i + 1) * dim), i);
  index.addPoint([0.1, 0.2, 0.3, 0.4], 500, true);

  index.setEf(50);
  const { neighbors, distances }: SearchResult = index.searchKnn([0.1, 0.2, 0.3, 0.4], 5);
  log.push(neighbors.join(','), distances.join(','));
  log.push(index.searchKnn(new Float32Array(dim), 5, (label) => label % 2 === 0).neighbors.join(','));
  index.markDelete(neighbors[0]);
  index.unmarkDelete(neighbors[0]);

  const { signal, abort } = handMadeSignal();
  const options: AddItemsOptions = {
    numThreads: 2,
    replaceDeleted: false,
    signal,
    onProgress: (done, total) => log.push(done + '/' + total),
  };
  const rows: VectorBatch = data.subarray(600 * dim);
  const labels: Float64Array = await index.addItems(rows, undefined, options);
  index.addItemsSync([[1, 2, 3, 4], new Float32Array(dim)], [900, 901], { signal, onProgress: () => undefined });
  abort(new Error('stop'));
  try {
    await index.addItems(data, undefined, { signal });
  } catch (err) {
    const failure = err as AddItemsError;
    if (failure.code === 'ABORT_ERR') log.push(failure.name, String(failure.insertedLabels.length));
  }

  const filter: LabelFilterSpec = { allow: new Set([1, 2, 3]) };
  const batchOptions: SearchBatchOptions = { numThreads: 2, ef: 64, filter };
  const batch: BatchSearchResult = await index.searchKnnBatch(data.subarray(0, 10 * dim), 5, batchOptions);
  const row2: Float64Array = batch.labels.subarray(2 * batch.k, 2 * batch.k + batch.found[2]);
  const near: Float32Array = index.searchKnnBatchSync([[0, 0, 0, 1]], 3, { filter: { deny: [0, 1] } }).distances;
  log.push(String(labels.length), String(batch.count), String(row2.length), String(near[0]));

  const rangeOptions: RangeSearchOptions = { maxResults: 10, ef: 64, filter: (label) => label > 2 };
  const within: SearchResult = index.searchRange([0, 0, 0, 1], 0.5, rangeOptions);
  const rangeBatchOptions: RangeBatchOptions = { numThreads: 2, maxResults: 100, filter };
  const ranges: BatchRangeResult = await index.searchRangeBatch(data.subarray(0, 10 * dim), 0.5, rangeBatchOptions);
  const range2: Float64Array = ranges.labels.subarray(ranges.offsets[2], ranges.offsets[3]);
  const rangeNear: Float32Array = index.searchRangeBatchSync([[0, 0, 0, 1]], 0.5, { ef: 32 }).distances;
  log.push(String(within.neighbors.length), String(ranges.count), String(range2.length), String(rangeNear[0]));

  const bytes = await index.toBuffer();
  const asBytes: Uint8Array = bytes;
  const copy = new HierarchicalNSW('cosine', dim);
  await copy.fromBuffer(bytes);
  copy.fromBufferSync(index.toBufferSync(), true);
  log.push(String(asBytes.byteLength));

  const written: boolean = await index.writeIndex('vectors.hnsw');
  index.writeIndexSync('vectors.hnsw');
  const loaded = new HierarchicalNSW('cosine', dim);
  const read: boolean = await loaded.readIndex('vectors.hnsw', true);
  loaded.readIndexSync('vectors.hnsw');
  loaded.resizeIndex(2000);
  log.push(String(written && read), String(loaded.getCurrentCount()), String(loaded.getEf()));

  const stats: IndexStats = loaded.getStats();
  loaded.resetStats();
  log.push(String(stats.maxLevel), String(stats.entryPoint ?? 'empty'), stats.simdLevel);
  log.push(loaded.getIdsList().join(','), loaded.getPoint(1).join(','), String(loaded.getDeletedCount()));
  log.push(String(loaded.getMaxElements() + loaded.getNumDimensions() + loaded.getM() + loaded.getEfConstruction()));

  try {
    new HierarchicalNSW('l2', dim).addPoint([1, 2, 3, 4], 0);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ERR_NOT_INITIALIZED') log.push(err.message);
  }
  try {
    await new HierarchicalNSW('l2', dim).readIndex('missing.hnsw');
  } catch (err) {
    const code = (err as { code?: ErrorCode }).code;
    if (code === 'ERR_IO' || code === 'ERR_CORRUPT_INDEX') log.push(code);
  }
  return log;
}

export async function bruteforce(): Promise<string[]> {
  const log: string[] = [];
  const index = new BruteforceSearch('l2', 3);
  index.initIndex(100);
  index.addPoint([1, 2, 3], 0);
  index.addPoint(new Float32Array([4, 5, 6]), 1);
  log.push(index.searchKnn([1, 2, 3], 1, (label) => label !== 1).neighbors.join(','));
  index.removePoint(1);

  const added: Float64Array = index.addItemsSync(new Float32Array(9), [10, 11, 12]);
  await index.addItems([[7, 8, 9]], [13], { numThreads: 1, signal: handMadeSignal().signal });
  const found = await index.searchKnnBatch([[1, 2, 3]], 2, { filter: { deny: new Uint32Array([0]) } });
  const sync = index.searchKnnBatchSync(new Float32Array([1, 2, 3]), 2);
  log.push(String(added.length), String(found.labels[0]), String(sync.distances[0]));
  log.push(index.searchRange([1, 2, 3], 1, { filter: { allow: [0] } }).neighbors.join(','));
  log.push(String((await index.searchRangeBatch([[1, 2, 3]], 1)).offsets[1]));

  const copy = new BruteforceSearch('l2', 3);
  await copy.fromBuffer(await index.toBuffer());
  copy.fromBufferSync(index.toBufferSync());
  await index.writeIndex('vectors.bf');
  index.writeIndexSync('vectors.bf');
  await copy.readIndex('vectors.bf');
  copy.readIndexSync('vectors.bf');
  log.push(String(copy.getCurrentCount() + copy.getMaxElements() + copy.getNumDimensions()));

  try {
    index.initIndex(1);
    index.addPoint([1, 2, 3], 0);
    index.addPoint([1, 2, 3], 1);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_INDEX_FULL') log.push(code);
  }
  log.push(String(new L2Space(2).distance([0, 0], [3, 4]) + new InnerProductSpace(2).distance([1, 0], [0, 1])));
  log.push(simdLevel(), version);
  return log;
}
`;

/** With @types/node: Node's Buffer comes back from toBuffer, and Node's AbortSignal is a signal. */
const NODE_CHECKS = `
import * as fs from 'node:fs';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

export async function withNode(index: HierarchicalNSW, flat: BruteforceSearch): Promise<number> {
  const bytes: Buffer = await index.toBuffer();
  const sync: Buffer = index.toBufferSync();
  const flatBytes: Buffer = await flat.toBuffer();
  fs.writeFileSync('copy.hnsw', sync);
  await index.fromBuffer(fs.readFileSync('copy.hnsw'));
  await index.addItems(new Float32Array(8), undefined, { signal: AbortSignal.timeout(60_000) });
  flat.addItemsSync([[1, 2, 3]], [7], { signal: new AbortController().signal });
  return bytes.readUInt32LE(0) + flatBytes.length;
}
`;

/** Without @types/node: no Node global leaks in, and toBuffer gives a Uint8Array (not \`any\`). */
const NO_NODE_CHECKS = `
import type { HierarchicalNSW } from 'hnswkit';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Bytes = ReturnType<HierarchicalNSW['toBufferSync']>;
export const noBufferGlobal: 'Buffer' extends keyof typeof globalThis ? false : true = true;
export const notAny: IsAny<Bytes> = false;
export const plainBytes: [Bytes] extends [Uint8Array] ? ([Uint8Array] extends [Bytes] ? true : false) : false = true;
`;

/** With the DOM lib and no @types/node: the DOM's AbortSignal is a signal. */
const DOM_CHECKS = `
import type { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

export async function withDom(index: HierarchicalNSW, flat: BruteforceSearch): Promise<Uint8Array> {
  await index.addItems(new Float32Array(8), undefined, { signal: AbortSignal.timeout(60_000) });
  flat.addItemsSync([[1, 2, 3]], [7], { signal: new AbortController().signal });
  return index.toBuffer();
}
`;

const ENVIRONMENTS = {
  '@types/node': { types: ['node'], lib: ['es2022'], checks: NODE_CHECKS },
  'no @types/node, no DOM': { types: [], lib: ['es2022'], checks: NO_NODE_CHECKS },
  'the DOM lib, no @types/node': { types: [], lib: ['es2022', 'dom'], checks: DOM_CHECKS },
} as const;
type EnvironmentName = keyof typeof ENVIRONMENTS;

/** nodenext compiles .mts files as ES modules; commonjs compiles .ts files. */
const MODULES = {
  nodenext: { extension: '.mts' },
  commonjs: { extension: '.ts' },
} as const;
type ModuleName = keyof typeof MODULES;

const tmp = useTmpDir('hnswkit-typings-');

/**
 * A project in the temporary directory whose `hnswkit` is this package (a symlink to the repository root, so its
 * package.json `exports` and `types` lead to dist/), checked by `tsc --noEmit` under the given settings.
 */
function compile(compiler: CompilerName, environment: EnvironmentName, module: ModuleName): string {
  const env = ENVIRONMENTS[environment];
  const name = `${COMPILERS[compiler].dir}-${module}-${env.types.length}-${env.lib.length}`;
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir);
  const ext = MODULES[module].extension;
  fs.writeFileSync(path.join(dir, `program${ext}`), PROGRAM);
  fs.writeFileSync(path.join(dir, `checks${ext}`), env.checks);
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'es2022',
    module,
    ...(module === 'nodenext' ? { moduleResolution: 'nodenext' } : {}),
    types: env.types,
    lib: env.lib,
  };
  const config = { compilerOptions, files: [`program${ext}`, `checks${ext}`] };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const tsc = path.join(ROOT, 'node_modules', COMPILERS[compiler].dir, 'bin', 'tsc');
  try {
    return execFileSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
      cwd: tmp.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const { status, stdout, stderr } = err as { status: number | null; stdout: string; stderr: string };
    return `exit ${status}\n${stdout}${stderr}`;
  }
}

beforeAll(() => {
  buildDist();
  const modules = path.join(tmp.dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(modules, 'hnswkit'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(modules, '@types', 'node'), 'dir');
});

describe('typings (dist/*.d.ts)', () => {
  it.each(Object.entries(COMPILERS))('are checked by %s', (_name, { dir, major }) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(Number(pkg.version.split('.')[0])).toBe(major);
  });

  // `typescript` is 5.9 because typescript-eslint needs its JS API, which TypeScript 7 does not ship; the build and
  // the type check name TypeScript 7's compiler explicitly, as both packages declare a `tsc` bin and npm links one.
  it('leave the build and the type check to TypeScript 7', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const script of ['build:ts', 'typecheck']) {
      expect(pkg.scripts[script]).toMatch(/^node node_modules\/typescript-7\/bin\/tsc -p /);
    }
    expect(fs.readFileSync(path.join(ROOT, 'scripts', 'test-ci.sh'), 'utf8')).toMatch(/npm run --silent typecheck/);
  });

  // docs/design.md: the classes' typings lead to types.d.ts and their base classes alone, never to the internal
  // modules (native.d.ts, the batch helpers), so those never enter a user's program.
  it('lead from index.d.ts to the classes, their base classes and types.d.ts only', () => {
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const text = fs.readFileSync(path.join(ROOT, 'dist', `${name}.d.ts`), 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\b[^;]*? from '\.\/([\w-]+)'/gm)) visit(m[1]);
    };
    visit('index');
    expect([...seen].sort()).toEqual(['base-index', 'bruteforce-search', 'hierarchical-nsw', 'index', 'spaces', 'types']);
  });

  const cases: Array<[CompilerName, EnvironmentName, ModuleName]> = [];
  for (const compiler of Object.keys(COMPILERS) as CompilerName[]) {
    for (const environment of Object.keys(ENVIRONMENTS) as EnvironmentName[]) {
      cases.push([compiler, environment, 'nodenext']);
      if (environment !== 'the DOM lib, no @types/node') cases.push([compiler, environment, 'commonjs']);
    }
  }

  it.each(cases)('compile under %s with %s, module %s, strict, without skipLibCheck', (compiler, environment, module) => {
    expect(compile(compiler, environment, module)).toBe('');
  });
});
