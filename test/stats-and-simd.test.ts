// getStats() and the kernel choice: graph shape, search counters, and HNSWKIT_SIMD forcing each level.

import { spawnSync } from 'child_process';
import * as path from 'path';

import { HierarchicalNSW, simdLevel } from 'hnswkit';

const root = path.resolve(__dirname, '..');

function randomRows(rows: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(rows * dim);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = x / 2147483648 - 0.5;
  }
  return out;
}

describe('HierarchicalNSW', () => {
  describe('#getStats', () => {
    const dim = 16;
    const m = 8;
    const index = new HierarchicalNSW('l2', dim);
    const data = randomRows(3000, dim, 7);

    beforeAll(() => {
      index.initIndex(4000, m, 100, 42);
      index.addItemsSync(data);
      index.markDelete(5);
    });

    it('throws before initIndex', () => {
      const empty = new HierarchicalNSW('l2', dim);
      expect(() => empty.getStats()).toThrow('Search index has not been initialized, call `initIndex` in advance.');
      expect(() => empty.resetStats()).toThrow('Search index has not been initialized, call `initIndex` in advance.');
    });

    it('reports the shape of the graph', () => {
      const s = index.getStats();
      expect(s.count).toBe(3000);
      expect(s.maxElements).toBe(4000);
      expect(s.deletedCount).toBe(1);
      expect(s.elementsPerLevel[0]).toBe(3000);
      expect(s.elementsPerLevel).toHaveLength(s.maxLevel + 1);
      expect(s.meanOutDegree).toHaveLength(s.maxLevel + 1);
      for (let l = 1; l < s.elementsPerLevel.length; l++) {
        expect(s.elementsPerLevel[l]).toBeLessThan(s.elementsPerLevel[l - 1]);
      }
      // About 1/M of the elements reach level 1 (levels are drawn with mL = 1/ln(M)).
      expect(s.elementsPerLevel[1]).toBeGreaterThan(3000 / m / 2);
      expect(s.elementsPerLevel[1]).toBeLessThan((3000 / m) * 2);
      expect(s.meanOutDegree[0]).toBeGreaterThan(m / 2);
      expect(s.meanOutDegree[0]).toBeLessThanOrEqual(2 * m);
      for (const degree of s.meanOutDegree.slice(1)) expect(degree).toBeLessThanOrEqual(m);
      expect(index.getIdsList()).toContain(s.entryPoint);
      expect(s.memoryBytes).toBeGreaterThan(3000 * (4 * (2 * m + 1) + 4 * dim + 8));
      expect(s.simdLevel).toBe(simdLevel());
    });

    it('counts the searches, distances and visited nodes since the last reset', () => {
      index.resetStats();
      expect(index.getStats()).toMatchObject({ searches: 0, distanceEvaluations: 0, visitedNodes: 0 });
      index.searchKnnBatchSync(data.subarray(0, 100 * dim), 10, { ef: 20 });
      const narrow = index.getStats();
      expect(narrow.searches).toBe(100);
      expect(narrow.visitedNodes).toBeGreaterThanOrEqual(100 * 10);
      expect(narrow.distanceEvaluations).toBeGreaterThan(narrow.visitedNodes);

      index.resetStats();
      index.searchKnn(Array.from(data.subarray(0, dim)), 10);
      for (let i = 0; i < 99; i++) index.searchKnn(data.subarray(i * dim, (i + 1) * dim), 10);
      index.setEf(200);
      index.resetStats();
      index.searchKnnBatchSync(data.subarray(0, 100 * dim), 10);
      const wide = index.getStats();
      expect(wide.searches).toBe(100);
      // A wider beam evaluates more distances per query.
      expect(wide.distanceEvaluations).toBeGreaterThan(narrow.distanceEvaluations);
    });
  });
});

describe('simdLevel', () => {
  interface EmittedWarning {
    name: string;
    code: string;
    message: string;
  }
  function runWith(level: string): { level: string; distance: number; warnings: EmittedWarning[]; stderr: string } {
    // Listens before loading the package, and answers once the warnings queued at load have been emitted.
    const script = `
      const warnings = [];
      process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));
      const { L2Space, InnerProductSpace, simdLevel } = require('./lib/index.ts');
      const a = new Float32Array(1027).map((_, i) => Math.sin(i));
      const b = new Float32Array(1027).map((_, i) => Math.cos(i * 0.7));
      const d = new L2Space(1027).distance(a, b) + new InnerProductSpace(1027).distance(a, b);
      setImmediate(() => process.stdout.write(JSON.stringify({ level: simdLevel(), distance: d, warnings })));`;
    const result = spawnSync(process.execPath, ['-r', path.join(root, 'test/helpers/register-ts.js'), '-e', script], {
      cwd: root,
      env: { ...process.env, HNSWKIT_SIMD: level },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as { level: string; distance: number; warnings: EmittedWarning[] };
    // Only the package's own warnings: the TypeScript hook may add others.
    return { ...parsed, warnings: parsed.warnings.filter((w) => w.code === 'HNSWKIT_SIMD'), stderr: result.stderr };
  }

  it('reports the kernels in use', () => {
    expect(['scalar', 'sse', 'avx2', 'avx512', 'avx512vnni', 'neon', 'neondot']).toContain(simdLevel());
  });

  it('can be forced to each level this CPU runs, with distances agreeing with the scalar kernels', () => {
    const scalar = runWith('scalar');
    expect(scalar.level).toBe('scalar');
    const order = process.arch === 'arm64' ? ['neon', 'neondot'] : ['sse', 'avx2', 'avx512', 'avx512vnni'];
    const best = simdLevel();
    for (const level of order.slice(0, order.indexOf(best) + 1)) {
      const forced = runWith(level);
      expect(forced.level).toBe(level);
      expect(forced.warnings).toEqual([]);
      expect(Math.abs(forced.distance - scalar.distance)).toBeLessThan(1e-5 * Math.abs(scalar.distance) + 1e-4);
    }
  });

  it('falls back with one process warning, not a crash, when forced to a level it cannot run or does not know', () => {
    const foreignLevel = process.arch === 'arm64' ? 'avx512' : 'neon';
    const foreign = runWith(foreignLevel);
    expect(foreign.level).toBe(simdLevel());
    expect(foreign.warnings).toEqual([
      {
        name: 'HnswkitWarning',
        code: 'HNSWKIT_SIMD',
        message: `HNSWKIT_SIMD=${foreignLevel} is not available on this CPU or build; using ${simdLevel()}`,
      },
    ]);
    expect(foreign.stderr).toMatch(/HNSWKIT_SIMD=\w+ is not available on this CPU or build; using/);
    const unknown = runWith('mmx');
    expect(unknown.level).toBe(simdLevel());
    expect(unknown.warnings).toEqual([
      {
        name: 'HnswkitWarning',
        code: 'HNSWKIT_SIMD',
        message: `HNSWKIT_SIMD=mmx is not one of scalar, sse, avx2, avx512, avx512vnni, neon, neondot; using ${simdLevel()}`,
      },
    ]);
    expect(unknown.stderr).toMatch(/HNSWKIT_SIMD=mmx is not one of scalar, sse, avx2, avx512, avx512vnni, neon, neondot/);
  });
});
