// Limits: labels up to Number.MAX_SAFE_INTEGER round-trip exactly (through every method that takes or returns one,
// files and buffers included, and from files Python hnswlib wrote), dimensions 1..65536, m 2..10000, the extremes
// of ef and efConstruction, k beyond the count, maxElements 0 and 2^32-1, and a clear error one step past each
// limit. docs/resources.md lists the limits.

import * as fs from 'fs';
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space } from 'hnswkit';
import { expectThrow } from './fixtures/expect-error';
import { HNSW_HEADER, randomVectors, readHnswHeader } from './helpers/index-file';
import { describeWith, pythonHnswlib } from './helpers/prerequisites';
import { pythonBuild, pythonQuery } from './helpers/python';
import { useTmpDir } from './helpers/tmp';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const UINT32_MAX = 2 ** 32 - 1;

/** Labels on both sides of every boundary a 32-bit or double conversion could break. */
const EDGE_LABELS = [
  0,
  1,
  2 ** 31 - 1,
  2 ** 31,
  UINT32_MAX,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 40 + 3,
  2 ** 52 + 1,
  MAX_SAFE - 1,
  MAX_SAFE,
];

/** A distinct vector per row index: [i, i % 3, 1, -i]. */
function rowVector(i: number): number[] {
  return [i, i % 3, 1, -i];
}

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function sortedNumbers(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

/** The uint64 label of internal id `id` in an hnswlib HNSW file. */
function fileLabel(bytes: Buffer, id: number): bigint {
  const header = readHnswHeader(bytes);
  return bytes.readBigUInt64LE(HNSW_HEADER.size + id * header.sizeDataPerElement + header.labelOffset);
}

/** Asserts that an index of dimension 4 holds EDGE_LABELS[i] -> rowVector(i), answering exactly. */
function expectEdgeLabels(index: HierarchicalNSW | BruteforceSearch): void {
  EDGE_LABELS.forEach((label, i) => {
    const found = index.searchKnn(rowVector(i), 1);
    expect(plain(found)).toEqual({ distances: [0], neighbors: [label] });
  });
  const batch = index.searchKnnBatchSync(EDGE_LABELS.map((_, i) => rowVector(i)), 1, { numThreads: 2 });
  expect(Array.from(batch.labels)).toEqual(EDGE_LABELS);
  if (index instanceof HierarchicalNSW) {
    expect(sortedNumbers(index.getIdsList())).toEqual(EDGE_LABELS);
    EDGE_LABELS.forEach((label, i) => expect(index.getPoint(label)).toEqual(rowVector(i)));
  }
}

describe('labels up to Number.MAX_SAFE_INTEGER', () => {
  const tmp = useTmpDir('hnswkit-limits-');

  function hnswWithEdgeLabels(): HierarchicalNSW {
    const index = new HierarchicalNSW('l2', 4);
    index.initIndex(EDGE_LABELS.length + 5);
    EDGE_LABELS.forEach((label, i) => index.addPoint(rowVector(i), label));
    return index;
  }

  describe('HierarchicalNSW', () => {
    it('round-trip through addPoint, searchKnn, searchKnnBatchSync, getIdsList and getPoint', () => {
      expectEdgeLabels(hnswWithEdgeLabels());
    });

    it('round-trip through addItems (number[] labels and a Float64Array) and searchKnnBatch', async () => {
      const index = new HierarchicalNSW('l2', 4);
      index.initIndex(EDGE_LABELS.length);
      const half = Math.ceil(EDGE_LABELS.length / 2);
      const rows = EDGE_LABELS.map((_, i) => rowVector(i));
      expect(Array.from(index.addItemsSync(rows.slice(0, half), EDGE_LABELS.slice(0, half)))).toEqual(EDGE_LABELS.slice(0, half));
      const added = await index.addItems(rows.slice(half), new Float64Array(EDGE_LABELS.slice(half)));
      expect(Array.from(added)).toEqual(EDGE_LABELS.slice(half));
      expectEdgeLabels(index);
      const batch = await index.searchKnnBatch(rows, 1, { numThreads: 2, filter: { deny: [MAX_SAFE - 1] } });
      expect(Array.from(batch.labels)).toEqual(EDGE_LABELS.map((label, i) => (label === MAX_SAFE - 1 ? EDGE_LABELS[i + 1] : label)));
    });

    it('are deleted, undeleted and filtered by their exact value, never by a neighbour that rounds alike', () => {
      const index = hnswWithEdgeLabels();
      const last = EDGE_LABELS.length - 1;
      index.markDelete(MAX_SAFE);
      expect(index.getDeletedCount()).toBe(1);
      expect(index.searchKnn(rowVector(last), 1).neighbors).toEqual([MAX_SAFE - 1]);
      expectThrow(() => index.getPoint(MAX_SAFE), 'Error', 'Hnswlib Error: Label not found');
      expect(index.getPoint(MAX_SAFE - 1)).toEqual(rowVector(last - 1));
      index.unmarkDelete(MAX_SAFE);
      expect(index.searchKnn(rowVector(last), 1).neighbors).toEqual([MAX_SAFE]);
      // 2^32 + 1 and 1 share their low 32 bits: hnswlib-node could not tell them apart.
      expect(index.searchKnn(rowVector(6), 2, (label) => label !== 2 ** 32 + 1).neighbors[0]).not.toBe(2 ** 32 + 1);
      expect(index.searchKnn(rowVector(1), 1, (label) => label === 1).neighbors).toEqual([1]);
      expect(plain(index.searchKnnBatchSync([rowVector(last)], 1, { filter: { allow: new Set([MAX_SAFE]) } }).labels)).toEqual({ 0: MAX_SAFE });
      // Re-adding an existing label updates it in place.
      index.addPoint([9, 9, 9, 9], MAX_SAFE);
      expect(index.getCurrentCount()).toBe(EDGE_LABELS.length);
      expect(index.getPoint(MAX_SAFE)).toEqual([9, 9, 9, 9]);
    });

    it('are written to files as exact uint64 values and read back (writeIndexSync / readIndex)', async () => {
      const file = tmp.file('edge-labels.bin');
      hnswWithEdgeLabels().writeIndexSync(file);
      const bytes = fs.readFileSync(file);
      const stored = EDGE_LABELS.map((_, id) => fileLabel(bytes, id));
      expect(stored).toEqual(EDGE_LABELS.map((label) => BigInt(label)));
      const loaded = new HierarchicalNSW('l2', 4);
      await loaded.readIndex(file);
      expectEdgeLabels(loaded);
    });

    it('survive writeIndex / readIndexSync and toBuffer / fromBuffer', async () => {
      const file = tmp.file('edge-labels-async.bin');
      await hnswWithEdgeLabels().writeIndex(file);
      const fromFile = new HierarchicalNSW('l2', 4);
      fromFile.readIndexSync(file);
      expectEdgeLabels(fromFile);
      const fromBuffer = new HierarchicalNSW('l2', 4);
      await fromBuffer.fromBuffer(await fromFile.toBuffer());
      expectEdgeLabels(fromBuffer);
    });

    it('stop at Number.MAX_SAFE_INTEGER: one more is a RangeError naming the bound', () => {
      const index = hnswWithEdgeLabels();
      const message = `Expected \`label\` to be an integer between 0 and ${MAX_SAFE} but received 9007199254740992`;
      expectThrow(() => index.addPoint(rowVector(0), MAX_SAFE + 1), 'RangeError', message);
      expectThrow(() => index.markDelete(MAX_SAFE + 1), 'RangeError', message);
      expectThrow(() => index.getPoint(MAX_SAFE + 1), 'RangeError', message);
      expectThrow(
        () => index.addItemsSync([rowVector(0)], [MAX_SAFE + 1]),
        'RangeError',
        `Expected \`labels[0]\` to be an integer between 0 and ${MAX_SAFE} but received 9007199254740992`,
      );
    });
  });

  describe('BruteforceSearch', () => {
    function bruteWithEdgeLabels(): BruteforceSearch {
      const index = new BruteforceSearch('l2', 4);
      index.initIndex(EDGE_LABELS.length);
      index.addItemsSync(EDGE_LABELS.map((_, i) => rowVector(i)), EDGE_LABELS);
      return index;
    }

    it('round-trip through addItems, addPoint, searchKnn, searchKnnBatch, files and buffers', async () => {
      const index = bruteWithEdgeLabels();
      expectEdgeLabels(index);
      const file = tmp.file('edge-labels-brute.bin');
      await index.writeIndex(file);
      const loaded = new BruteforceSearch('l2', 4);
      loaded.readIndexSync(file);
      expectEdgeLabels(loaded);
      const copy = new BruteforceSearch('l2', 4);
      copy.fromBufferSync(loaded.toBufferSync());
      expectEdgeLabels(copy);
      const batch = await copy.searchKnnBatch([rowVector(EDGE_LABELS.length - 1)], 2);
      expect(Array.from(batch.labels)).toEqual([MAX_SAFE, MAX_SAFE - 1]);
    });

    it('remove exactly the label given, and re-add it', () => {
      const index = bruteWithEdgeLabels();
      index.removePoint(MAX_SAFE - 1);
      expect(index.getCurrentCount()).toBe(EDGE_LABELS.length - 1);
      expect(index.searchKnn(rowVector(EDGE_LABELS.length - 2), 1).neighbors).not.toEqual([MAX_SAFE - 1]);
      index.addPoint(rowVector(EDGE_LABELS.length - 2), MAX_SAFE - 1);
      expectEdgeLabels(index);
    });
  });
});

describeWith([pythonHnswlib()], 'labels of index files written by Python hnswlib', () => {
  const tmp = useTmpDir('hnswkit-limits-py-');
  const DIM = 8;
  const COUNT = 40;
  const data = randomVectors(COUNT, DIM, 17);
  const row = (i: number): Float32Array => data.subarray(i * DIM, (i + 1) * DIM);

  describe.each([
    ['across 2^32', 2 ** 32 - COUNT / 2],
    ['up to Number.MAX_SAFE_INTEGER', MAX_SAFE - COUNT + 1],
  ])('%s', (_name, first) => {
    const labels = Array.from({ length: COUNT }, (_, i) => first + i);
    let file = '';

    beforeAll(() => {
      file = tmp.file(`python-${first}.bin`);
      pythonBuild({ space: 'l2', data, count: COUNT, dim: DIM, M: 8, efConstruction: 100, seed: 5, out: file, workDir: tmp.dir, firstLabel: first });
    });

    it('are listed, found, returned by getPoint and deleted with their exact values', () => {
      const index = new HierarchicalNSW('l2', DIM);
      index.readIndexSync(file);
      index.setEf(COUNT);
      expect(sortedNumbers(index.getIdsList())).toEqual(labels);
      labels.forEach((label, i) => {
        expect(index.searchKnn(row(i), 1).neighbors).toEqual([label]);
        expect(index.getPoint(label)).toEqual(Array.from(row(i)));
      });
      const batch = index.searchKnnBatchSync(data, 1, { numThreads: 2, ef: COUNT });
      expect(Array.from(batch.labels)).toEqual(labels);
      index.markDelete(labels[COUNT - 1]);
      expect(index.searchKnn(row(COUNT - 1), 1).neighbors).not.toEqual([labels[COUNT - 1]]);
    });

    it('go back to Python unchanged when this package saves the file again', () => {
      const index = new HierarchicalNSW('l2', DIM);
      index.readIndexSync(file);
      const again = tmp.file(`again-${first}.bin`);
      index.writeIndexSync(again);
      expect(fs.readFileSync(again).equals(fs.readFileSync(file))).toBe(true);
      const reply = pythonQuery({ space: 'l2', dim: DIM, index: again, workDir: tmp.dir });
      expect(sortedNumbers(reply.ids)).toEqual(labels);
    });
  });

  it('come back rounded to the nearest double above Number.MAX_SAFE_INTEGER (as in hnswlib-node)', () => {
    // A Python file can hold any uint64 label; a JS number cannot, so 2^60 + 0..4 all read as 2^60.
    const file = tmp.file('python-2p60.bin');
    pythonBuild({ space: 'l2', data, count: 5, dim: DIM, M: 8, efConstruction: 100, seed: 5, out: file, workDir: tmp.dir, firstLabel: 2 ** 60 });
    const index = new HierarchicalNSW('l2', DIM);
    index.readIndexSync(file);
    expect(index.getIdsList()).toEqual([2 ** 60, 2 ** 60, 2 ** 60, 2 ** 60, 2 ** 60]);
    expect(index.searchKnn(row(2), 1).neighbors).toEqual([2 ** 60]);
  });
});

describe('dimensions', () => {
  const tmp = useTmpDir('hnswkit-limits-dim-');

  it.each([1, 2, 3, 4095, 4096, 65536])('%d: builds, searches exactly and survives save/load (both kinds)', (dim) => {
    const count = dim >= 4095 ? 12 : 60;
    const data = randomVectors(count, dim, dim);
    const row = (i: number): Float32Array => data.subarray(i * dim, (i + 1) * dim);
    const hnsw = new HierarchicalNSW('l2', dim);
    hnsw.initIndex(count, 8, 50, 1);
    hnsw.addItemsSync(data, undefined, { numThreads: 2 });
    const brute = new BruteforceSearch('ip', dim);
    brute.initIndex(count);
    brute.addItemsSync(data);
    hnsw.setEf(count);
    for (const i of [0, Math.floor(count / 2), count - 1]) {
      // Dimension 1 has ties in value; the point itself is still at distance 0.
      expect(hnsw.searchKnn(row(i), 1).distances).toEqual([0]);
      expect(hnsw.getPoint(i)).toEqual(Array.from(row(i)));
      expect(brute.searchKnn(row(i), 1).neighbors).toHaveLength(1);
    }
    const file = tmp.file(`dim-${dim}.bin`);
    hnsw.writeIndexSync(file);
    const loaded = new HierarchicalNSW('l2', dim);
    loaded.readIndexSync(file);
    expect(loaded.toBufferSync().equals(fs.readFileSync(file))).toBe(true);
    expect(loaded.getPoint(count - 1)).toEqual(Array.from(row(count - 1)));
    const bruteCopy = new BruteforceSearch('ip', dim);
    bruteCopy.fromBufferSync(brute.toBufferSync());
    expect(plain(bruteCopy.searchKnn(row(1), 3))).toEqual(plain(brute.searchKnn(row(1), 3)));
    expect(new L2Space(dim).distance(row(0), row(0))).toBe(0);
    expect(new InnerProductSpace(dim).getNumDimensions()).toBe(dim);
  });

  it('stop at 65536: 65537 (and 0) is a RangeError naming the bounds, for every class', () => {
    for (const dim of [0, 65537]) {
      const message = `Expected \`numDimensions\` to be an integer between 1 and 65536 but received ${dim}`;
      expectThrow(() => new HierarchicalNSW('l2', dim), 'RangeError', message);
      expectThrow(() => new BruteforceSearch('cosine', dim), 'RangeError', message);
      expectThrow(() => new L2Space(dim), 'RangeError', message);
      expectThrow(() => new InnerProductSpace(dim), 'RangeError', message);
    }
  });
});

describe('m', () => {
  const tmp = useTmpDir('hnswkit-limits-m-');

  // With m 2 (at most 4 links per element on level 0) a few elements end up unreachable: Python hnswlib 0.6 finds
  // the same 97.3% of these self-queries with the same settings. From m 3 on, every element finds itself. The build
  // runs on one thread, so the graph is the same on every run: with two, the insertion order varies, and m 3 left one
  // of the 300 unreachable in about 1 run in 100.
  it.each([
    [2, 300, 0.95],
    [3, 300, 1],
    [10_000, 40, 1],
  ])('%d builds an index in which the elements find themselves, and survives save/load', (m, count, minimum) => {
    const data = randomVectors(count, 8, m);
    const index = new HierarchicalNSW('l2', 8);
    index.initIndex(count, m, 100, 3);
    index.addItemsSync(data, undefined, { numThreads: 1 });
    expect(index.getM()).toBe(m);
    index.setEf(64);
    const self = index.searchKnnBatchSync(data, 1, { numThreads: 2 });
    const hits = Array.from(self.labels).filter((label, i) => label === i).length;
    expect(hits / count).toBeGreaterThanOrEqual(minimum);
    const file = tmp.file(`m-${m}.bin`);
    index.writeIndexSync(file);
    const header = readHnswHeader(fs.readFileSync(file));
    expect([header.M, header.maxM, header.maxM0]).toEqual([m, m, 2 * m]);
    const loaded = new HierarchicalNSW('l2', 8);
    loaded.readIndexSync(file);
    expect(loaded.getM()).toBe(m);
    expect(loaded.toBufferSync().equals(fs.readFileSync(file))).toBe(true);
  });

  it('stops at 2 and 10000: 1 and 10001 are RangeErrors naming the bounds', () => {
    const index = new HierarchicalNSW('l2', 8);
    for (const m of [1, 10_001]) {
      const message = `Expected \`m\` to be an integer between 2 and 10000 but received ${m}`;
      expectThrow(() => index.initIndex(10, m), 'RangeError', message);
      expectThrow(() => index.initIndex({ maxElements: 10, m }), 'RangeError', message);
    }
    expect(index.getMaxElements()).toBe(0);
  });
});

describe('ef and efConstruction', () => {
  function lineIndex(efConstruction: number): HierarchicalNSW {
    const index = new HierarchicalNSW('l2', 4);
    index.initIndex(50, 16, efConstruction, 1);
    for (let i = 0; i < 50; i++) index.addPoint([i, 0, 0, 0], i);
    return index;
  }

  it('raises efConstruction 0 to m, and builds with it', () => {
    const index = lineIndex(0);
    expect(index.getEfConstruction()).toBe(16);
    expect(index.searchKnn([7, 0, 0, 0], 1).neighbors).toEqual([7]);
  });

  it('builds with efConstruction 2^32-1 (the beam is bounded by the elements there are)', () => {
    const index = lineIndex(UINT32_MAX);
    expect(index.getEfConstruction()).toBe(UINT32_MAX);
    expect(index.searchKnn([7, 0, 0, 0], 3).neighbors).toEqual([7, 6, 8]);
  });

  it('searches with ef 0 (the beam is max(ef, k)) and ef 2^32-1, in searchKnn and searchKnnBatch', () => {
    const index = lineIndex(200);
    for (const ef of [0, UINT32_MAX]) {
      index.setEf(ef);
      expect(index.getEf()).toBe(ef);
      expect(plain(index.searchKnn([7, 0, 0, 0], 3))).toEqual({ distances: [0, 1, 1], neighbors: [7, 6, 8] });
      expect(Array.from(index.searchKnnBatchSync([[7, 0, 0, 0]], 3, { ef }).labels)).toEqual([7, 6, 8]);
    }
  });

  it('stop at 2^32-1: 2^32 is a RangeError naming the bounds', () => {
    const index = lineIndex(200);
    const past = 'an integer between 0 and 4294967295 but received 4294967296';
    expectThrow(() => index.setEf(2 ** 32), 'RangeError', `Expected \`ef\` to be ${past}`);
    expectThrow(() => index.searchKnnBatchSync([[1, 0, 0, 0]], 1, { ef: 2 ** 32 }), 'RangeError', `Expected \`ef\` to be ${past}`);
    expectThrow(() => index.initIndex(10, 16, 2 ** 32), 'RangeError', `Expected \`efConstruction\` to be ${past}`);
  });
});

describe('k', () => {
  it('returns every element, closest first, when k exceeds the count (both kinds, single and batch)', () => {
    const hnsw = new HierarchicalNSW('l2', 2);
    hnsw.initIndex(100);
    const brute = new BruteforceSearch('l2', 2);
    brute.initIndex(100);
    for (let i = 0; i < 5; i++) {
      hnsw.addPoint([i, 0], i);
      brute.addPoint([i, 0], i);
    }
    for (const index of [hnsw, brute]) {
      expect(plain(index.searchKnn([0, 0], 100))).toEqual({ distances: [0, 1, 4, 9, 16], neighbors: [0, 1, 2, 3, 4] });
      // A batch row holds at most the element count: that is the result's k, its stride.
      const batch = index.searchKnnBatchSync([[0, 0]], 1000);
      expect([batch.k, batch.found[0]]).toEqual([5, 5]);
      expect(Array.from(batch.labels)).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('may equal the capacity; one more is the hnswlib-node Error', () => {
    const index = new HierarchicalNSW('l2', 2);
    index.initIndex(3);
    index.addPoint([0, 0], 0);
    expect(index.searchKnn([0, 0], 3).neighbors).toEqual([0]);
    expectThrow(
      () => index.searchKnn([0, 0], 4),
      'Error',
      'Invalid the number of k-nearest neighbors (cannot be given a value greater than `maxElements`: 3).',
    );
  });
});

describe('maxElements', () => {
  it('0 is accepted; adds fail with ERR_INDEX_FULL until resizeIndex makes room', async () => {
    const index = new HierarchicalNSW('l2', 2);
    index.initIndex(0);
    expect(index.getMaxElements()).toBe(0);
    expectThrow(() => index.addPoint([1, 2], 1), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
    await expect(index.addItems([[1, 2]], [1])).rejects.toMatchObject({
      code: 'ERR_INDEX_FULL',
      message: 'Hnswlib Error: The number of elements exceeds the specified limit (capacity 0, current count 0, batch adds 1 new labels)',
    });
    expect(index.getCurrentCount()).toBe(0);
    index.resizeIndex(2);
    index.addPoint([1, 2], 1);
    await index.addItems([[3, 4]], [2]);
    expect(index.searchKnn([3, 4], 2).neighbors).toEqual([2, 1]);

    const brute = new BruteforceSearch('l2', 2);
    brute.initIndex(0);
    expectThrow(() => brute.addPoint([1, 2], 1), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit\n');
    expect(brute.getCurrentCount()).toBe(0);
  });

  it('2^32-1 is accepted lazily: nothing like its 650 GB of records is committed up front', () => {
    const index = new HierarchicalNSW('l2', 3);
    const before = process.memoryUsage().rss;
    index.initIndex(UINT32_MAX);
    const grown = process.memoryUsage().rss - before;
    expect(index.getMaxElements()).toBe(UINT32_MAX);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    index.addPoint([1, 2, 3], MAX_SAFE);
    expect(index.searchKnn([1, 2, 3], 1).neighbors).toEqual([MAX_SAFE]);
  });

  it('stops at 2^32-1: 2^32 is a RangeError naming the bounds, and the index is unchanged', () => {
    const index = new HierarchicalNSW('l2', 3);
    index.initIndex(5);
    const message = 'Expected `maxElements` to be an integer between 0 and 4294967295 but received 4294967296';
    expectThrow(() => index.initIndex(2 ** 32), 'RangeError', message);
    expectThrow(() => new BruteforceSearch('l2', 3).initIndex(2 ** 32), 'RangeError', message);
    expectThrow(
      () => index.resizeIndex(2 ** 32),
      'RangeError',
      'Expected `newMaxElements` to be an integer between 0 and 4294967295 but received 4294967296',
    );
    expect(index.getMaxElements()).toBe(5);
  });
});
