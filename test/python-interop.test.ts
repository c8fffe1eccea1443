// Index files going both ways between hnswkit and Python hnswlib (Debian's python3-hnswlib under
// /usr/bin/python3), on Fashion-MNIST rows, for l2, ip and cosine, with deleted labels.

import * as fs from 'fs';

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

import { Dataset, loadFashionMnist, normalizeRows, row } from '../bench/fashion-mnist';
import { bruteForceKnn, overlapAtK } from './helpers/ground-truth';
import { hnswLayout, upperBlockSize } from './helpers/index-file';
import { describeWith, fashionMnist, pythonHnswlib } from './helpers/prerequisites';
import {
  PeerSpace,
  PythonQueryResult,
  pythonBruteForceBuild,
  pythonBruteForceQuery,
  pythonBuild,
  pythonHnswlibVersion,
  pythonQuery,
  pythonResave,
} from './helpers/python';
import { useTmpDir } from './helpers/tmp';

const TRAIN = 5000;
const QUERIES = 200;
const K = 10;
const EF = 50;
const M = 16;
const EF_CONSTRUCTION = 100;
const SEED = 42;
/** Mean top-10 overlap required between the two implementations searching the same file at the same ef. */
const MIN_AGREEMENT = 0.99;

interface SpaceCase {
  space: PeerSpace;
  /** Label of row i is firstLabel + i; one case uses labels beyond 2^32 to check 64-bit labels survive. */
  firstLabel: number;
  prepare: (ds: Dataset) => Dataset;
}

const CASES: SpaceCase[] = [
  { space: 'l2', firstLabel: 0, prepare: (ds) => ds },
  { space: 'ip', firstLabel: 1000, prepare: normalizeRows },
  { space: 'cosine', firstLabel: 2 ** 33 + 5, prepare: (ds) => ds },
];

const report: string[] = [];

function unitNormalize(v: ArrayLike<number>): number[] {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  return Array.from(v, (x) => (n > 0 ? x / n : 0));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** The largest |d_a - d_b| / max(1, |d_b|) over labels both lists hold, per query. */
function distanceMismatch(
  aLabels: number[][],
  aDist: number[][],
  bLabels: number[][],
  bDist: number[][],
): number {
  let worst = 0;
  for (let q = 0; q < aLabels.length; q++) {
    const other = new Map<number, number>();
    bLabels[q].forEach((label, i) => other.set(label, bDist[q][i]));
    aLabels[q].forEach((label, i) => {
      const d = other.get(label);
      if (d !== undefined) worst = Math.max(worst, Math.abs(aDist[q][i] - d) / Math.max(1, Math.abs(d)));
    });
  }
  return worst;
}

describeWith([fashionMnist(), pythonHnswlib()], 'index files shared with Python hnswlib', () => {
  const tmp = useTmpDir('hnswkit-interop-');
  let trainAll: Dataset;
  let queriesAll: Dataset;

  beforeAll(() => {
    trainAll = loadFashionMnist('train', TRAIN);
    queriesAll = loadFashionMnist('t10k', QUERIES);
  });

  afterAll(() => {
    if (report.length === 0) return;
    console.log(
      `top-${K} agreement with Python hnswlib ${pythonHnswlibVersion()} on the same file, ef=${EF}, ` +
        `${TRAIN} Fashion-MNIST rows, ${QUERIES} queries, M=${M}, efConstruction=${EF_CONSTRUCTION}\n` +
        'space   file written by   agreement  max distance mismatch\n' +
        report.join('\n'),
    );
  });

  describe.each(CASES)('$space', (c) => {
    let train: Dataset;
    let queries: Dataset;
    let labels: number[];
    let deleted: number[];
    /** Rows sampled for getPoint / get_items comparisons (live ones only). */
    let sample: number[];

    const labelOf = (i: number): number => c.firstLabel + i;

    function search(index: HierarchicalNSW): { labels: number[][]; distances: number[][] } {
      index.setEf(EF);
      const out = { labels: [] as number[][], distances: [] as number[][] };
      for (let q = 0; q < queries.count; q++) {
        const r = index.searchKnn(row(queries, q), K);
        out.labels.push(r.neighbors);
        out.distances.push(r.distances);
      }
      return out;
    }

    beforeAll(() => {
      train = c.prepare(trainAll);
      queries = c.prepare(queriesAll);
      labels = Array.from({ length: train.count }, (_, i) => labelOf(i));
      // Delete the exact nearest neighbour of the first 20 queries, so a search that ignored the delete marks
      // would return them, plus the first and last rows.
      const gt = bruteForceKnn(c.space, train.data, train.count, queries.data, 20, train.dim, 1);
      deleted = [...new Set([0, train.count - 1, ...Array.from(gt.neighbors)])].sort((a, b) => a - b).map(labelOf);
      const deletedSet = new Set(deleted);
      sample = [1, 2, 17, 1234, 2500, 4321, train.count - 2].map(labelOf).filter((l) => !deletedSet.has(l));
    }, 60_000);

    describe('a file written by Python, read here', () => {
      let file: string;
      let py: PythonQueryResult;
      let index: HierarchicalNSW;
      let ours: { labels: number[][]; distances: number[][] };

      beforeAll(() => {
        file = tmp.file(`python-${c.space}.bin`);
        pythonBuild({
          space: c.space,
          data: train.data,
          count: train.count,
          dim: train.dim,
          M,
          efConstruction: EF_CONSTRUCTION,
          seed: SEED,
          out: file,
          workDir: tmp.dir,
          firstLabel: c.firstLabel,
          maxElements: train.count + 100,
          deleted,
        });
        py = pythonQuery({
          space: c.space,
          dim: train.dim,
          index: file,
          workDir: tmp.dir,
          items: sample,
          queries: queries.data,
          queryCount: queries.count,
          ef: EF,
          k: K,
        });
        index = new HierarchicalNSW(c.space, train.dim);
        index.readIndexSync(file);
        ours = search(index);
        const agreement = overlapAtK(ours.labels, py.labels as number[][], K);
        const mismatch = distanceMismatch(ours.labels, ours.distances, py.labels!, py.distances!);
        report.push(`${c.space.padEnd(7)} Python            ${agreement.toFixed(4)}     ${mismatch.toExponential(2)}`);
      }, 120_000);

      it('has the same counts and capacity as Python reports', () => {
        expect(index.getCurrentCount()).toBe(py.count);
        expect(index.getCurrentCount()).toBe(train.count);
        expect(index.getMaxElements()).toBe(py.maxElements);
        expect(index.getMaxElements()).toBe(train.count + 100);
      });

      it('resets ef to 10, since ef is not stored in the file', () => {
        const fresh = new HierarchicalNSW(c.space, train.dim);
        fresh.readIndexSync(file);
        expect(fresh.getEf()).toBe(10);
      });

      it('lists the same labels as Python, deleted ones included', () => {
        const ids = index.getIdsList();
        expect(ids.length).toBe(py.ids.length);
        expect(new Set(ids)).toEqual(new Set(py.ids));
        expect(new Set(ids)).toEqual(new Set(labels));
      });

      it('returns the stored vectors Python returns', () => {
        const items = py.items as number[][];
        sample.forEach((label, i) => {
          const mine = index.getPoint(label);
          expectClose(mine, items[i], 1e-6);
          const source = row(train, label - c.firstLabel);
          // cosine stores unit vectors; l2 and ip store the rows as given (ip rows are already unit length).
          expectClose(mine, c.space === 'cosine' ? unitNormalize(source) : Array.from(source), 1e-6);
        });
      });

      it('keeps the delete marks Python set', () => {
        expect(py.deleted).toEqual(deleted);
        expect(index.getDeletedCount()).toBe(deleted.length);
        for (const label of deleted) {
          expect(() => index.getPoint(label)).toThrow('Hnswlib Error: Label not found');
        }
        // markDelete of an already deleted element is refused, so the mark is really there.
        const fresh = new HierarchicalNSW(c.space, train.dim);
        fresh.readIndexSync(file);
        expect(() => fresh.markDelete(deleted[0])).toThrow(
          'Hnswlib Error: The requested to delete element is already deleted',
        );
      });

      it('never returns a deleted label', () => {
        const deletedSet = new Set(deleted);
        for (const list of ours.labels) {
          expect(list).toHaveLength(K);
          for (const label of list) expect(deletedSet.has(label)).toBe(false);
        }
      });

      it(`agrees with Python's own top-${K} at ef=${EF} on at least ${MIN_AGREEMENT * 100}% of results`, () => {
        expect(overlapAtK(ours.labels, py.labels as number[][], K)).toBeGreaterThanOrEqual(MIN_AGREEMENT);
      });

      it('reports the distances Python reports', () => {
        const mismatch = distanceMismatch(ours.labels, ours.distances, py.labels!, py.distances!);
        expect(mismatch).toBeLessThan(1e-4);
      });
    });

    describe('a file written here, read by Python', () => {
      let file: string;
      let index: HierarchicalNSW;
      let ours: { labels: number[][]; distances: number[][] };
      let py: PythonQueryResult;

      beforeAll(() => {
        file = tmp.file(`hnswkit-${c.space}.bin`);
        index = new HierarchicalNSW(c.space, train.dim);
        index.initIndex(train.count + 50, M, EF_CONSTRUCTION, SEED);
        for (let i = 0; i < train.count; i++) index.addPoint(row(train, i), labelOf(i));
        for (const label of deleted) index.markDelete(label);
        index.writeIndexSync(file);
        ours = search(index);
        py = pythonQuery({
          space: c.space,
          dim: train.dim,
          index: file,
          workDir: tmp.dir,
          items: sample,
          queries: queries.data,
          queryCount: queries.count,
          ef: EF,
          k: K,
        });
        const agreement = overlapAtK(py.labels as number[][], ours.labels, K);
        const mismatch = distanceMismatch(ours.labels, ours.distances, py.labels!, py.distances!);
        report.push(`${c.space.padEnd(7)} hnswkit           ${agreement.toFixed(4)}     ${mismatch.toExponential(2)}`);
      }, 180_000);

      it('writes the header fields and the byte size of the hnswlib format', () => {
        const bytes = fs.readFileSync(file);
        const layout = hnswLayout(bytes);
        const h = layout.header;
        const dataSize = 4 * train.dim;
        const level0Links = 4 * (2 * M) + 4;
        expect(h).toMatchObject({
          offsetLevel0: 0,
          maxElements: train.count + 50,
          curElementCount: train.count,
          sizeDataPerElement: level0Links + dataSize + 8,
          labelOffset: level0Links + dataSize,
          offsetData: level0Links,
          maxM: M,
          maxM0: 2 * M,
          M,
          efConstruction: EF_CONSTRUCTION,
        });
        expect(h.mult).toBeCloseTo(1 / Math.log(M), 12);
        expect(h.enterpointNode).toBeLessThan(train.count);
        // Size = 96 + count * size_data_per_element + sum over elements of (4 + linkListSize) (docs/format.md 2.6).
        const block = upperBlockSize(h);
        let upperBytes = 0;
        let aboveZero = 0;
        let topLevel = 0;
        for (const e of layout.upper) {
          expect(e.size % block).toBe(0);
          upperBytes += 4 + e.size;
          if (e.size > 0) aboveZero++;
          topLevel = Math.max(topLevel, e.size / block);
        }
        expect(bytes.length).toBe(96 + train.count * h.sizeDataPerElement + upperBytes);
        expect(bytes.length).toBe(layout.expectedSize);
        expect(h.maxLevel).toBe(topLevel);
        expect(layout.upper[h.enterpointNode].size / block).toBe(h.maxLevel);
        // Levels drawn with mL = 1/ln(M) put about count/M elements above level 0 (binomial, 5 sigma band).
        const mean = train.count / M;
        const sigma = Math.sqrt(train.count * (1 / M) * (1 - 1 / M));
        expect(Math.abs(aboveZero - mean)).toBeLessThan(5 * sigma);
      });

      it('loads in Python with the same counts, labels and capacity', () => {
        expect(py.count).toBe(train.count);
        expect(py.maxElements).toBe(train.count + 50);
        expect(new Set(py.ids)).toEqual(new Set(labels));
      });

      it('keeps our delete marks in Python', () => {
        expect(py.deleted).toEqual(deleted);
      });

      it('gives Python the vectors we store', () => {
        const items = py.items as number[][];
        sample.forEach((label, i) => expectClose(items[i], index.getPoint(label), 1e-6));
      });

      it('is never answered with a deleted label by Python', () => {
        const deletedSet = new Set(deleted);
        for (const list of py.labels as number[][]) {
          for (const label of list) expect(deletedSet.has(label)).toBe(false);
        }
      });

      it(`is searched by Python with at least ${MIN_AGREEMENT * 100}% agreement with our top-${K} at ef=${EF}`, () => {
        expect(overlapAtK(py.labels as number[][], ours.labels, K)).toBeGreaterThanOrEqual(MIN_AGREEMENT);
      });

      it('is saved again by Python byte for byte', () => {
        const again = tmp.file(`python-resaved-${c.space}.bin`);
        pythonResave(c.space, train.dim, file, again);
        expect(fs.readFileSync(again).equals(fs.readFileSync(file))).toBe(true);
      });

      it('reads back here into an index that answers identically', () => {
        const loaded = new HierarchicalNSW(c.space, train.dim);
        loaded.readIndexSync(file);
        expect(loaded.getCurrentCount()).toBe(train.count);
        expect(loaded.getDeletedCount()).toBe(deleted.length);
        expect(search(loaded)).toEqual(ours);
      });
    });
  });
  describe('BruteforceSearch files (l2)', () => {
    const BF_COUNT = 2000;
    const BF_CAPACITY = 2100;
    const BF_QUERIES = 100;
    const FIRST = 500;
    let train: Dataset;
    let queries: Dataset;
    let removed: number[];

    function searchAll(index: BruteforceSearch): { labels: number[][]; distances: number[][] } {
      const out = { labels: [] as number[][], distances: [] as number[][] };
      for (let q = 0; q < BF_QUERIES; q++) {
        const r = index.searchKnn(row(queries, q), K);
        out.labels.push(r.neighbors);
        out.distances.push(r.distances);
      }
      return out;
    }

    /** Exact searches may order or cut ties differently; the k-th distances must agree rank by rank. */
    function expectSameExactResults(a: { labels: number[][]; distances: number[][] }, b: typeof a): void {
      expect(overlapAtK(a.labels, b.labels, K)).toBeGreaterThanOrEqual(MIN_AGREEMENT);
      for (let q = 0; q < BF_QUERIES; q++) {
        expect(a.distances[q]).toHaveLength(K);
        a.distances[q].forEach((d, i) => {
          expect(Math.abs(d - b.distances[q][i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(d)));
        });
      }
    }

    function expectNoneRemoved(labels: number[][]): void {
      const gone = new Set(removed);
      for (const list of labels) for (const label of list) expect(gone.has(label)).toBe(false);
    }

    beforeAll(() => {
      train = { count: BF_COUNT, dim: trainAll.dim, data: trainAll.data.subarray(0, BF_COUNT * trainAll.dim) };
      queries = {
        count: BF_QUERIES,
        dim: queriesAll.dim,
        data: queriesAll.data.subarray(0, BF_QUERIES * queriesAll.dim),
      };
      // Remove the exact nearest neighbour of the first 10 queries (never the last slot: hnswlib 0.6's
      // removePoint mishandles that one).
      const gt = bruteForceKnn('l2', train.data, BF_COUNT, queries.data, 10, train.dim, 1);
      removed = [...new Set(Array.from(gt.neighbors))].filter((i) => i !== BF_COUNT - 1).map((i) => FIRST + i);
    });

    it('reads a file Python wrote and searches it as Python does', () => {
      const file = tmp.file('python-bf.bin');
      pythonBruteForceBuild({
        space: 'l2',
        data: train.data,
        count: BF_COUNT,
        dim: train.dim,
        maxElements: BF_CAPACITY,
        firstLabel: FIRST,
        deleted: removed,
        out: file,
        workDir: tmp.dir,
      });
      expect(fs.statSync(file).size).toBe(24 + BF_CAPACITY * (4 * train.dim + 8));
      const py = pythonBruteForceQuery({
        space: 'l2',
        dim: train.dim,
        index: file,
        queries: queries.data,
        queryCount: BF_QUERIES,
        k: K,
        workDir: tmp.dir,
      });
      const index = new BruteforceSearch('l2', train.dim);
      index.readIndexSync(file);
      expect(index.getCurrentCount()).toBe(BF_COUNT - removed.length);
      expect(index.getMaxElements()).toBe(BF_CAPACITY);
      const ours = searchAll(index);
      expectSameExactResults(ours, py);
      expectNoneRemoved(ours.labels);
    });

    it('writes a file Python reads and searches as we do', () => {
      const file = tmp.file('hnswkit-bf.bin');
      const index = new BruteforceSearch('l2', train.dim);
      index.initIndex(BF_CAPACITY);
      for (let i = 0; i < BF_COUNT; i++) index.addPoint(row(train, i), FIRST + i);
      for (const label of removed) index.removePoint(label);
      index.writeIndexSync(file);
      expect(fs.statSync(file).size).toBe(24 + BF_CAPACITY * (4 * train.dim + 8));
      const ours = searchAll(index);
      const py = pythonBruteForceQuery({
        space: 'l2',
        dim: train.dim,
        index: file,
        queries: queries.data,
        queryCount: BF_QUERIES,
        k: K,
        workDir: tmp.dir,
      });
      expectSameExactResults(py, ours);
      expectNoneRemoved(py.labels);
    });
  });
});
