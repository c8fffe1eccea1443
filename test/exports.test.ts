// The package's export shape: the entry as tests see it, then the shipped dist/ (built here with `npm run build:ts`)
// loaded by real Node processes through CommonJS require, ESM named imports, the ESM default import and LangChain's
// dynamic-import pattern.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as hnswkit from 'hnswkit';
import hnswkitDefault from 'hnswkit';
import { expectThrow } from './fixtures/expect-error';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; main: string };
const CLASSES = ['BruteforceSearch', 'HierarchicalNSW', 'InnerProductSpace', 'L2Space'] as const;
const EXPORTS = [...CLASSES, 'default', 'simdLevel', 'version'].sort();
const SIMD_LEVELS = ['scalar', 'sse', 'avx2', 'avx512', 'avx512vnni', 'neon', 'neondot'];

/** Runs a script in a fresh Node process from the package root, where `hnswkit` resolves to the package itself. */
function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function runJson<T>(args: string[]): T {
  const out = runNode(args).trim().split('\n');
  return JSON.parse(out[out.length - 1]) as T;
}

describe('package entry (lib, as the tests import it)', () => {
  it('exports exactly the classes, simdLevel, version and default', () => {
    expect(Object.keys(hnswkit).sort()).toEqual(EXPORTS);
    for (const name of CLASSES) expect(typeof hnswkit[name]).toBe('function');
  });

  it('holds the same classes in the default object', () => {
    for (const name of CLASSES) expect(hnswkitDefault[name]).toBe(hnswkit[name]);
    expect(hnswkitDefault.simdLevel).toBe(hnswkit.simdLevel);
    expect(hnswkitDefault.version).toBe(hnswkit.version);
  });

  it('reports the package version and a SIMD level', () => {
    expect(hnswkit.version).toBe(PACKAGE.version);
    expect(SIMD_LEVELS).toContain(hnswkit.simdLevel());
  });

  it.each(CLASSES)('%s throws a TypeError when called without `new`', (name) => {
    const Cls = hnswkit[name] as unknown as (...args: unknown[]) => unknown;
    expectThrow(() => Cls('l2', 3), 'TypeError', /without 'new'/);
  });
});

describe('shipped dist/', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build:ts'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('is what package.json points at, with type declarations', () => {
    expect(PACKAGE.main).toBe('dist/index.js');
    expect(fs.existsSync(path.join(ROOT, 'dist', 'index.js'))).toBe(true);
    const dts = fs.readFileSync(path.join(ROOT, 'dist', 'index.d.ts'), 'utf8');
    for (const name of [...CLASSES, 'simdLevel', 'version', 'SearchResult', 'FilterFunction', 'SpaceName', 'InitIndexOptions', 'ErrorCode']) {
      expect(dts).toContain(name);
    }
  });

  it('works through CommonJS require', () => {
    const result = runJson<{ keys: string[]; types: Record<string, string>; same: boolean; search: unknown; length: number }>([
      '-e',
      `
      const m = require('hnswkit');
      const types = {};
      for (const k of Object.keys(m)) types[k] = typeof m[k];
      const index = new m.HierarchicalNSW('l2', 2);
      index.initIndex(4);
      index.addPoint([0, 0], 1);
      index.addPoint([3, 4], 2);
      console.log(JSON.stringify({
        keys: Object.keys(m).sort(),
        types,
        same: m.default.HierarchicalNSW === m.HierarchicalNSW && require.resolve('hnswkit') === ${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))},
        search: index.searchKnn([0, 1], 2),
        length: m.HierarchicalNSW.length,
      }));
      `,
    ]);
    expect(result.keys).toEqual(EXPORTS);
    expect(result.types).toEqual({
      BruteforceSearch: 'function',
      HierarchicalNSW: 'function',
      InnerProductSpace: 'function',
      L2Space: 'function',
      default: 'object',
      simdLevel: 'function',
      version: 'string',
    });
    expect(result.same).toBe(true);
    expect(result.search).toEqual({ distances: [1, 18], neighbors: [1, 2] });
    expect(result.length).toBe(0);
  });

  it('gives ESM named imports and a default import of the whole module', () => {
    const result = runJson<{ named: boolean; defaultKeys: string[]; version: string; simd: string; distance: number }>([
      '--input-type=module',
      '-e',
      `
      import { HierarchicalNSW, BruteforceSearch, L2Space, InnerProductSpace, simdLevel, version } from 'hnswkit';
      import pkg from 'hnswkit';
      console.log(JSON.stringify({
        named: pkg.HierarchicalNSW === HierarchicalNSW && pkg.BruteforceSearch === BruteforceSearch
          && pkg.L2Space === L2Space && pkg.InnerProductSpace === InnerProductSpace,
        defaultKeys: Object.keys(pkg).sort(),
        version,
        simd: simdLevel(),
        distance: new L2Space(2).distance([0, 0], [3, 4]) + new InnerProductSpace(1).distance([2], [3]),
      }));
      `,
    ]);
    expect(result.named).toBe(true);
    expect(result.defaultKeys).toEqual(EXPORTS);
    expect(result.version).toBe(PACKAGE.version);
    expect(SIMD_LEVELS).toContain(result.simd);
    expect(result.distance).toBe(25 - 5);
  });

  it('works with LangChain\'s `const { default: { HierarchicalNSW } } = await import(...)`', () => {
    const result = runJson<{ count: number; neighbors: number[] }>([
      '--input-type=module',
      '-e',
      `
      const { default: { HierarchicalNSW } } = await import('hnswkit');
      const index = new HierarchicalNSW('cosine', 3);
      console.log(JSON.stringify({ count: index.getCurrentCount(), neighbors: (() => {
        index.initIndex(3);
        index.addPoint([1, 2, 3], 1);
        index.addPoint([4, 5, 6], 2);
        index.addPoint([7, 8, 9], 3);
        return index.searchKnn([1, 2, 2], 2).neighbors;
      })() }));
      `,
    ]);
    expect(result).toEqual({ count: 0, neighbors: [2, 3] });
  });

  it('keeps the default object for TypeScript esModuleInterop / bundler default imports', () => {
    const result = runJson<{ keys: string[] }>([
      '-e',
      `
      const m = require('hnswkit');
      // What tsc's __importDefault and bundlers do with an __esModule module.
      const imported = m && m.__esModule ? m.default : m;
      console.log(JSON.stringify({ keys: Object.keys(imported).sort() }));
      `,
    ]);
    expect(result.keys).toEqual(['BruteforceSearch', 'HierarchicalNSW', 'InnerProductSpace', 'L2Space', 'simdLevel', 'version']);
  });

  it('throws a TypeError for every class called without `new`', () => {
    const result = runJson<Record<string, string>>([
      '--input-type=module',
      '-e',
      `
      import * as m from 'hnswkit';
      const out = {};
      for (const name of ${JSON.stringify(CLASSES)}) {
        try { m[name]('l2', 3); out[name] = 'no error'; } catch (err) { out[name] = err.constructor.name + ': ' + err.message; }
      }
      console.log(JSON.stringify(out));
      `,
    ]);
    for (const name of CLASSES) {
      expect(result[name]).toBe(`TypeError: Class constructor ${name} cannot be invoked without 'new'`);
    }
  });

  it('keeps the hnswlib-node messages in the compiled code', () => {
    const result = runJson<string[]>([
      '-e',
      `
      const { HierarchicalNSW } = require('hnswkit');
      const index = new HierarchicalNSW('l2', 3);
      const out = [];
      for (const call of [() => index.initIndex(10, '16'), () => index.initIndex({ maxElements: 1, allowReplaceDeleted: 0 }), () => index.getEf()]) {
        try { call(); out.push('no error'); } catch (err) { out.push(err.constructor.name + ': ' + err.message); }
      }
      console.log(JSON.stringify(out));
      `,
    ]);
    expect(result).toEqual([
      'TypeError: Invalid the sencond argument type, must be a number.',
      'TypeError: Invalid the named argument type `allowRepalceDeleted`, must be a boolean.',
      'Error: Search index has not been initialized, call `initIndex` in advance.',
    ]);
  });
});
