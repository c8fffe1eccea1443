// Reading bad index files and failing writes: every corrupt, truncated or foreign file throws a catchable
// `Hnswlib Error: ...` with code ERR_CORRUPT_INDEX and leaves the index that was loaded before untouched; a FIFO is
// refused with ERR_IO at once rather than waited on; saves go through a temporary file, so a failed save throws ERR_IO
// and leaves the previous file as it was.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

import {
  BF_HEADER,
  HNSW_HEADER,
  HnswLayout,
  hnswLayout,
  randomVectors,
  recordOffset,
  seededRandom,
  upperBlockSize,
  withI32,
  withU16,
  withU32,
  withU64,
} from './helpers/index-file';
import { useTmpDir } from './helpers/tmp';

const DIM = 4;
const COUNT = 300;
const M = 4;
const QUERIES = randomVectors(8, DIM, 99);

type AnyIndex = HierarchicalNSW | BruteforceSearch;

interface Snapshot {
  count: number;
  maxElements: number;
  ids: number[];
  results: { distances: number[]; neighbors: number[] }[];
}

function snapshot(index: AnyIndex): Snapshot {
  const results = [];
  for (let q = 0; q < 8; q++) results.push(index.searchKnn(QUERIES.subarray(q * DIM, (q + 1) * DIM), 5));
  return {
    count: index.getCurrentCount(),
    maxElements: index.getMaxElements(),
    ids: labelsOf(index),
    results,
  };
}

/** Every label the index holds, ascending (BruteforceSearch has no getIdsList: ask a search for all of them). */
function labelsOf(index: AnyIndex): number[] {
  if (index instanceof HierarchicalNSW) return index.getIdsList().sort((a, b) => a - b);
  const count = index.getCurrentCount();
  if (count === 0) return [];
  return index.searchKnn(new Float32Array(DIM), count).neighbors.sort((a, b) => a - b);
}

interface CodedError {
  name: string;
  message: string;
  code?: unknown;
}

function thrownBy(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (err) {
    // Not `instanceof Error`: errors made by the addon may come from another realm than the test's.
    expect(Object.prototype.toString.call(err)).toBe('[object Error]');
    return err as CodedError;
  }
  throw new Error('expected the call to throw, but it returned');
}

function expectHnswlibError(err: CodedError, code: string): void {
  expect(err.name).toBe('Error');
  expect(err.message.startsWith('Hnswlib Error: ')).toBe(true);
  expect(err.code).toBe(code);
}

function remove(buf: Buffer, at: number, length: number): Buffer {
  return Buffer.concat([buf.subarray(0, at), buf.subarray(at + length)]);
}

function insert(buf: Buffer, at: number, bytes: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), bytes, buf.subarray(at)]);
}

function randomBytes(length: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

const tmp = useTmpDir('hnswkit-files-');

/** FIFOs and file modes are POSIX; Windows has neither in this sense. */
const itOnPosix = process.platform === 'win32' ? it.skip : it;

interface FifoReport {
  sync: CodedError | { ok: true };
  async: CodedError | { ok: true };
  afterSync: number;
  poolFree: number;
  afterAsync: number;
}

/**
 * Makes a FIFO that no process writes to and reads it with both read methods in a child
 * (test/helpers/fifo-read-child.js), which then loads `goodFile`. A read that waits for a writer gets the child
 * killed after 20 s, which fails the test instead of hanging it.
 */
function readFifoInChild(kind: 'hnsw' | 'brute', goodFile: string): { fifo: string; report: FifoReport } {
  const fifo = path.join(tmp.freshDir('fifo'), 'index.bin');
  const made = spawnSync('mkfifo', [fifo], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${fifo} failed: ${made.stderr}`);
  const helpers = path.join(__dirname, 'helpers');
  const r = spawnSync(
    process.execPath,
    ['-r', path.join(helpers, 'register-ts.js'), path.join(helpers, 'fifo-read-child.js'), kind, String(DIM), fifo, goodFile],
    { encoding: 'utf8', timeout: 20_000, env: { ...process.env, UV_THREADPOOL_SIZE: '1' } },
  );
  if (r.status !== 0) {
    const how = r.signal ? `was killed (${r.signal}) after 20 s: a read waits for a writer` : `exited with ${r.status}`;
    throw new Error(`fifo-read-child.js ${kind} ${how}\n${r.stdout}\n${r.stderr}`);
  }
  return { fifo, report: JSON.parse(r.stdout.trim().split('\n').pop() as string) as FifoReport };
}

function fifoRefusal(fifo: string): CodedError {
  return { name: 'Error', code: 'ERR_IO', message: `Hnswlib Error: failed to open file: ${fifo} (not a regular file)` };
}

describe('HierarchicalNSW', () => {
  let goodFile: string;
  let good: Buffer;
  let layout: HnswLayout;
  let holder: HierarchicalNSW;
  let before: Snapshot;
  /** Internal ids (record order) of an element above level 0 and of one at level 0 only. */
  let upperId: number;
  let level0Id: number;

  beforeAll(() => {
    const source = new HierarchicalNSW('l2', DIM);
    source.initIndex(COUNT + 20, M, 50, 7);
    const data = randomVectors(COUNT, DIM, 1);
    for (let i = 0; i < COUNT; i++) source.addPoint(data.subarray(i * DIM, (i + 1) * DIM), i);
    source.markDelete(3);
    source.markDelete(150);
    goodFile = tmp.file('good-hnsw.bin');
    source.writeIndexSync(goodFile);
    good = fs.readFileSync(goodFile);
    layout = hnswLayout(good);
    upperId = layout.upper.findIndex((e) => e.size >= 2 * upperBlockSize(layout.header));
    if (upperId < 0) upperId = layout.upper.findIndex((e) => e.size > 0);
    level0Id = layout.upper.findIndex((e) => e.size === 0);
    holder = new HierarchicalNSW('l2', DIM);
    holder.readIndexSync(goodFile);
    before = snapshot(holder);
  });

  function expectCorrupt(bytes: Buffer, into: HierarchicalNSW = holder, dim = DIM): void {
    const file = tmp.file('bad.bin');
    fs.writeFileSync(file, bytes);
    expectHnswlibError(
      thrownBy(() => into.readIndexSync(file)),
      'ERR_CORRUPT_INDEX',
    );
    if (into === holder && dim === DIM) expect(snapshot(holder)).toEqual(before);
  }

  describe('the test file', () => {
    it('is a valid multi-level index with deletions', () => {
      expect(layout.expectedSize).toBe(good.length);
      expect(layout.header.maxLevel).toBeGreaterThanOrEqual(2);
      expect(upperId).toBeGreaterThanOrEqual(0);
      expect(level0Id).toBeGreaterThanOrEqual(0);
      expect(before.count).toBe(COUNT);
      expect(before.results[0].neighbors).toHaveLength(5);
    });
  });

  describe('#readIndexSync', () => {
    const truncations: [string, (b: Buffer, l: HnswLayout) => number][] = [
      ['to 1 byte', () => 1],
      ['inside the first header field', () => 5],
      ['in the middle of the header', () => 50],
      ['one byte short of the header', () => 95],
      ['right after the header', () => 96],
      ['inside the first level-0 record', (_b, l) => 96 + Math.floor(l.header.sizeDataPerElement / 2)],
      ['in the middle of the level-0 block', (_b, l) => recordOffset(l, Math.floor(COUNT / 2)) + 7],
      ['one byte before the upper levels', (_b, l) => l.upperOffset - 1],
      ['at the start of the upper levels', (_b, l) => l.upperOffset],
      ['inside a linkListSize field', (_b, l) => l.upperOffset + 2],
      ['inside an upper-level link list', (_b, l) => l.upper[upperId].sizeOffset + 4 + 6],
      ['one byte short', (b) => b.length - 1],
    ];

    it.each(truncations)('throws ERR_CORRUPT_INDEX for a file cut %s', (_name, at) => {
      expectCorrupt(good.subarray(0, at(good, layout)));
    });

    it('throws ERR_CORRUPT_INDEX for the file cut at 40 pseudo-random lengths', () => {
      const rand = seededRandom(5);
      for (let i = 0; i < 40; i++) expectCorrupt(good.subarray(0, Math.floor(rand() * good.length)));
    });

    it.each([1, 4, 8, 1000])('throws ERR_CORRUPT_INDEX for %d trailing bytes', (n) => {
      expectCorrupt(Buffer.concat([good, Buffer.alloc(n, 0)]));
    });

    it('throws ERR_CORRUPT_INDEX for an empty file', () => {
      expectCorrupt(Buffer.alloc(0));
    });

    it.each([1, 24, 95, 96, 97, 500, 4096, 65536])('throws ERR_CORRUPT_INDEX for %d random bytes', (n) => {
      expectCorrupt(randomBytes(n, n));
    });

    it('throws ERR_CORRUPT_INDEX for random level-0 records between a valid header and valid upper levels', () => {
      const records = randomBytes(layout.upperOffset - 96, 3);
      expectCorrupt(Buffer.concat([good.subarray(0, 96), records, good.subarray(layout.upperOffset)]));
    });

    const headerEdits: [string, (b: Buffer, l: HnswLayout) => Buffer][] = [
      ['offsetLevel0 is not 0', (b) => withU64(b, HNSW_HEADER.offsetLevel0, 8)],
      ['max_elements is below the element count', (b) => withU64(b, HNSW_HEADER.maxElements, COUNT - 1)],
      ['the element count exceeds what the file holds', (b) => withU64(b, HNSW_HEADER.curElementCount, COUNT + 1)],
      ['the element count is absurdly large', (b) =>
        withU64(withU64(b, HNSW_HEADER.curElementCount, 2n ** 40n), HNSW_HEADER.maxElements, 2n ** 41n)],
      ['the element count is 0 but data follows', (b) => withU64(b, HNSW_HEADER.curElementCount, 0)],
      ['size_data_per_element is off by 4', (b, l) =>
        withU64(b, HNSW_HEADER.sizeDataPerElement, l.header.sizeDataPerElement + 4)],
      ['label_offset does not match the dimension', (b, l) =>
        withU64(b, HNSW_HEADER.labelOffset, l.header.labelOffset - 4)],
      ['offsetData is not 4*maxM0+4', (b, l) => withU64(b, HNSW_HEADER.offsetData, l.header.offsetData + 4)],
      ['offsetData is 0', (b) => withU64(b, HNSW_HEADER.offsetData, 0)],
      ['maxlevel is above the entry point level', (b, l) => withI32(b, HNSW_HEADER.maxLevel, l.header.maxLevel + 1)],
      ['maxlevel is -1 in a non-empty index', (b) => withI32(b, HNSW_HEADER.maxLevel, -1)],
      ['the entry point equals the element count', (b) => withU32(b, HNSW_HEADER.enterpointNode, COUNT)],
      ['the entry point is 0xFFFFFFFF in a non-empty index', (b) => withU32(b, HNSW_HEADER.enterpointNode, 0xffffffff)],
      ['maxM0 is not 2*M', (b, l) => withU64(b, HNSW_HEADER.maxM0, l.header.maxM0 + 2)],
      ['maxM does not match the upper-level block size', (b, l) => withU64(b, HNSW_HEADER.maxM, l.header.maxM + 1)],
      ['M is 0', (b) => withU64(b, HNSW_HEADER.M, 0)],
    ];

    it.each(headerEdits)('throws ERR_CORRUPT_INDEX when %s', (_name, edit) => {
      expectCorrupt(edit(good, layout));
    });

    const linkEdits: [string, (b: Buffer, l: HnswLayout) => Buffer][] = [
      ['a level-0 link id equals the element count', (b, l) => {
        const rec = recordOffset(l, 10);
        return withU32(withU16(b, rec, Math.max(1, b.readUInt16LE(rec))), rec + 4, COUNT);
      }],
      ['a level-0 link id is 0xFFFFFFFF', (b, l) => {
        const rec = recordOffset(l, COUNT - 1);
        return withU32(withU16(b, rec, Math.max(1, b.readUInt16LE(rec))), rec + 4, 0xffffffff);
      }],
      ['a level-0 neighbour count exceeds maxM0', (b, l) => withU16(b, recordOffset(l, 20), l.header.maxM0 + 1)],
      ['an upper-level link id equals the element count', (b, l) => {
        const list = l.upper[upperId].sizeOffset + 4;
        return withU32(withU16(b, list, Math.max(1, b.readUInt16LE(list))), list + 4, COUNT);
      }],
      ['an upper-level neighbour count exceeds maxM', (b, l) =>
        withU16(b, l.upper[upperId].sizeOffset + 4, l.header.maxM + 1)],
      ['a linkListSize is not a multiple of the block size', (b, l) => {
        const e = l.upper[upperId];
        // Keep the file length consistent so only the multiple-of-block rule is broken.
        return withU32(remove(b, e.sizeOffset + 4 + e.size - 4, 4), e.sizeOffset, e.size - 4);
      }],
      ['an element is above maxlevel', (b, l) => {
        const e = l.upper[level0Id];
        const size = (l.header.maxLevel + 1) * upperBlockSize(l.header);
        return withU32(insert(b, e.sizeOffset + 4, Buffer.alloc(size)), e.sizeOffset, size);
      }],
    ];

    it.each(linkEdits)('throws ERR_CORRUPT_INDEX when %s', (_name, edit) => {
      expectCorrupt(edit(good, layout));
    });

    it('throws ERR_CORRUPT_INDEX for a dim-3 file read into a dim-4 index, and the reverse', () => {
      const small = new HierarchicalNSW('l2', 3);
      small.initIndex(50);
      const data = randomVectors(50, 3, 2);
      for (let i = 0; i < 50; i++) small.addPoint(data.subarray(i * 3, i * 3 + 3), i);
      const file3 = tmp.file('dim3.bin');
      small.writeIndexSync(file3);
      expectCorrupt(fs.readFileSync(file3));
      const before3 = snapshotDim3(small);
      expectCorrupt(good, small, 3);
      expect(snapshotDim3(small)).toEqual(before3);
    });

    it('throws ERR_CORRUPT_INDEX for a BruteforceSearch file', () => {
      const bf = new BruteforceSearch('l2', DIM);
      bf.initIndex(40);
      const data = randomVectors(30, DIM, 4);
      for (let i = 0; i < 30; i++) bf.addPoint(data.subarray(i * DIM, (i + 1) * DIM), i);
      const file = tmp.file('bf-for-hnsw.bin');
      bf.writeIndexSync(file);
      expectCorrupt(fs.readFileSync(file));
    });

    it('throws ERR_IO for a missing file and keeps the index', () => {
      const missing = tmp.file('does-not-exist.bin');
      const err = thrownBy(() => holder.readIndexSync(missing));
      expectHnswlibError(err, 'ERR_IO');
      expect(err.message).toContain(missing);
      expect(snapshot(holder)).toEqual(before);
    });

    itOnPosix('throws ERR_IO for a FIFO at once, as readIndex rejects, and the index stays free', () => {
      const { fifo, report } = readFifoInChild('hnsw', goodFile);
      expect(report).toEqual({
        sync: fifoRefusal(fifo),
        async: fifoRefusal(fifo),
        afterSync: COUNT,
        poolFree: good.length,
        afterAsync: COUNT,
      });
    }, 30_000);

    it('leaves an uninitialised index uninitialised after a failed read', () => {
      const fresh = new HierarchicalNSW('l2', DIM);
      const file = tmp.file('bad-fresh.bin');
      fs.writeFileSync(file, good.subarray(0, 100));
      expectHnswlibError(thrownBy(() => fresh.readIndexSync(file)), 'ERR_CORRUPT_INDEX');
      expect(fresh.getCurrentCount()).toBe(0);
      expect(fresh.getMaxElements()).toBe(0);
      expect(fresh.getIdsList()).toEqual([]);
    });

    it('still loads the good file after all the failures', () => {
      const again = new HierarchicalNSW('l2', DIM);
      again.readIndexSync(goodFile);
      expect(snapshot(again)).toEqual(before);
      holder.readIndexSync(goodFile);
      expect(snapshot(holder)).toEqual(before);
    });
  });

  describe('#readIndex', () => {
    it('rejects with ERR_CORRUPT_INDEX for a truncated file and keeps the index', async () => {
      const file = tmp.file('bad-async.bin');
      fs.writeFileSync(file, good.subarray(0, good.length - 9));
      const err = await holder.readIndex(file).then(
        () => undefined,
        (e: CodedError) => e,
      );
      expect(err).toBeDefined();
      expectHnswlibError(err as CodedError, 'ERR_CORRUPT_INDEX');
      expect(snapshot(holder)).toEqual(before);
    });
  });

  describe('#writeIndexSync', () => {
    it('throws ERR_IO when the directory does not exist, and creates nothing', () => {
      const dir = tmp.file('no-such-dir');
      const err = thrownBy(() => holder.writeIndexSync(path.join(dir, 'index.bin')));
      expectHnswlibError(err, 'ERR_IO');
      expect(fs.existsSync(dir)).toBe(false);
    });

    it('rejects with ERR_IO from writeIndex when the directory does not exist', async () => {
      const dir = tmp.file('no-such-dir-async');
      const err = await holder.writeIndex(path.join(dir, 'index.bin')).then(
        () => undefined,
        (e: CodedError) => e,
      );
      expect(err).toBeDefined();
      expectHnswlibError(err as CodedError, 'ERR_IO');
      expect(fs.existsSync(dir)).toBe(false);
    });

    it('throws ERR_IO when the target is a directory, and leaves no temporary file', () => {
      const dir = tmp.freshDir('target-dir');
      const target = path.join(dir, 'sub');
      fs.mkdirSync(target);
      expectHnswlibError(thrownBy(() => holder.writeIndexSync(target)), 'ERR_IO');
      expect(fs.statSync(target).isDirectory()).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['sub']);
    });

    it('replaces an existing file by renaming a new one over it', () => {
      const dir = tmp.freshDir('replace');
      const target = path.join(dir, 'index.bin');
      const small = new HierarchicalNSW('l2', DIM);
      small.initIndex(10);
      small.addPoint([1, 2, 3, 4], 1);
      small.writeIndexSync(target);
      const oldBytes = fs.readFileSync(target);
      // A second name for the old file: an in-place rewrite would change what it shows, a rename does not.
      const link = path.join(dir, 'old-link.bin');
      fs.linkSync(target, link);

      holder.writeIndexSync(target);
      expect(fs.readFileSync(target).equals(good)).toBe(true);
      expect(fs.readFileSync(link).equals(oldBytes)).toBe(true);
      expect(fs.readdirSync(dir).sort()).toEqual(['index.bin', 'old-link.bin']);
      const loaded = new HierarchicalNSW('l2', DIM);
      loaded.readIndexSync(target);
      expect(snapshot(loaded)).toEqual(before);
    });

    it('leaves the previous file intact and no temporary file when a write fails midway', () => {
      const dir = tmp.freshDir('fsize');
      const target = path.join(dir, 'index.bin');
      fs.copyFileSync(goodFile, target);
      // About 280 kB of index against a 64-block file size limit (32 or 64 kB); good.bin is smaller than that.
      expect(good.length).toBeLessThan(32 * 1024);
      const outcome = saveUnderFileSizeLimit('hnsw', target, 2000, 16);
      expect(outcome).toMatchObject({ ok: false, name: 'Error', code: 'ERR_IO' });
      expect(String(outcome.message).startsWith('Hnswlib Error: ')).toBe(true);
      expect(fs.readFileSync(target).equals(good)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['index.bin']);
      const loaded = new HierarchicalNSW('l2', DIM);
      loaded.readIndexSync(target);
      expect(snapshot(loaded)).toEqual(before);
    });
  });
});

function snapshotDim3(index: HierarchicalNSW): Snapshot {
  return {
    count: index.getCurrentCount(),
    maxElements: index.getMaxElements(),
    ids: index.getIdsList().sort((a, b) => a - b),
    results: [index.searchKnn([0.5, 0.5, 0.5], 5), index.searchKnn([0.1, 0.9, 0.2], 5)],
  };
}

/**
 * Runs test/helpers/save-child.js under `ulimit -f 64` with SIGXFSZ ignored, so the save's writes fail with
 * EFBIG part way through the file instead of killing the process.
 */
function saveUnderFileSizeLimit(kind: string, target: string, count: number, dim: number): Record<string, unknown> {
  const helpers = path.join(__dirname, 'helpers');
  const r = spawnSync(
    'sh',
    ['-c', 'trap "" XFSZ; ulimit -f 64 && exec "$0" -r "$1" "$2" "$3" "$4" "$5" "$6"',
      process.execPath, path.join(helpers, 'register-ts.js'), path.join(helpers, 'save-child.js'),
      kind, target, String(count), String(dim)],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`save-child.js exited with ${r.status} (${r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

describe('BruteforceSearch', () => {
  const BF_COUNT = 50;
  const BF_CAPACITY = 60;
  let goodFile: string;
  let good: Buffer;
  let holder: BruteforceSearch;
  let before: Snapshot;

  beforeAll(() => {
    const source = new BruteforceSearch('l2', DIM);
    source.initIndex(BF_CAPACITY);
    const data = randomVectors(BF_COUNT, DIM, 11);
    for (let i = 0; i < BF_COUNT; i++) source.addPoint(data.subarray(i * DIM, (i + 1) * DIM), 1000 + i);
    goodFile = tmp.file('good-bf.bin');
    source.writeIndexSync(goodFile);
    good = fs.readFileSync(goodFile);
    holder = new BruteforceSearch('l2', DIM);
    holder.readIndexSync(goodFile);
    before = snapshot(holder);
  });

  function expectCorrupt(bytes: Buffer): void {
    const file = tmp.file('bad-bf.bin');
    fs.writeFileSync(file, bytes);
    expectHnswlibError(
      thrownBy(() => holder.readIndexSync(file)),
      'ERR_CORRUPT_INDEX',
    );
    expect(snapshot(holder)).toEqual(before);
  }

  describe('the test file', () => {
    it('has the brute-force layout: header, then every capacity slot', () => {
      const slot = 4 * DIM + 8;
      expect(good.readBigUInt64LE(BF_HEADER.maxElements)).toBe(BigInt(BF_CAPACITY));
      expect(good.readBigUInt64LE(BF_HEADER.sizePerElement)).toBe(BigInt(slot));
      expect(good.readBigUInt64LE(BF_HEADER.curElementCount)).toBe(BigInt(BF_COUNT));
      expect(good.length).toBe(BF_HEADER.size + BF_CAPACITY * slot);
      expect(before.count).toBe(BF_COUNT);
      expect(before.maxElements).toBe(BF_CAPACITY);
    });
  });

  describe('#readIndexSync', () => {
    const cuts = [0, 1, 8, 23, 24, 25, 24 + 4 * DIM + 3, 200];
    it.each(cuts)('throws ERR_CORRUPT_INDEX for the file cut to %d bytes', (n) => {
      expectCorrupt(good.subarray(0, n));
    });

    it('throws ERR_CORRUPT_INDEX for the file one byte short', () => {
      expectCorrupt(good.subarray(0, good.length - 1));
    });

    it.each([1, 8, 100])('throws ERR_CORRUPT_INDEX for %d trailing bytes', (n) => {
      expectCorrupt(Buffer.concat([good, Buffer.alloc(n, 0)]));
    });

    it.each([1, 24, 100, 4096])('throws ERR_CORRUPT_INDEX for %d random bytes', (n) => {
      expectCorrupt(randomBytes(n, 1000 + n));
    });

    it('throws ERR_CORRUPT_INDEX when the count exceeds the capacity', () => {
      expectCorrupt(withU64(good, BF_HEADER.curElementCount, BF_CAPACITY + 1));
    });

    it('throws ERR_CORRUPT_INDEX when the capacity is absurdly large', () => {
      expectCorrupt(withU64(good, BF_HEADER.maxElements, 2n ** 40n));
    });

    it('throws ERR_CORRUPT_INDEX when the element size does not match the dimension', () => {
      expectCorrupt(withU64(good, BF_HEADER.sizePerElement, 4 * (DIM + 1) + 8));
    });

    it('throws ERR_CORRUPT_INDEX for a dim-3 file', () => {
      const small = new BruteforceSearch('l2', 3);
      small.initIndex(10);
      small.addPoint([1, 2, 3], 1);
      const file = tmp.file('bf-dim3.bin');
      small.writeIndexSync(file);
      expectCorrupt(fs.readFileSync(file));
    });

    it('throws ERR_CORRUPT_INDEX for a HierarchicalNSW file', () => {
      const hnsw = new HierarchicalNSW('l2', DIM);
      hnsw.initIndex(20);
      const data = randomVectors(20, DIM, 12);
      for (let i = 0; i < 20; i++) hnsw.addPoint(data.subarray(i * DIM, (i + 1) * DIM), i);
      const file = tmp.file('hnsw-for-bf.bin');
      hnsw.writeIndexSync(file);
      expectCorrupt(fs.readFileSync(file));
    });

    it('throws ERR_IO for a missing file and keeps the index', () => {
      expectHnswlibError(thrownBy(() => holder.readIndexSync(tmp.file('missing-bf.bin'))), 'ERR_IO');
      expect(snapshot(holder)).toEqual(before);
    });

    itOnPosix('throws ERR_IO for a FIFO at once, as readIndex rejects, and the index stays free', () => {
      const { fifo, report } = readFifoInChild('brute', goodFile);
      expect(report).toEqual({
        sync: fifoRefusal(fifo),
        async: fifoRefusal(fifo),
        afterSync: BF_COUNT,
        poolFree: good.length,
        afterAsync: BF_COUNT,
      });
    }, 30_000);

    it('still loads the good file after all the failures', () => {
      const again = new BruteforceSearch('l2', DIM);
      again.readIndexSync(goodFile);
      expect(snapshot(again)).toEqual(before);
    });
  });

  describe('#writeIndexSync', () => {
    it('throws ERR_IO when the directory does not exist, and creates nothing', () => {
      const dir = tmp.file('no-such-dir-bf');
      expectHnswlibError(thrownBy(() => holder.writeIndexSync(path.join(dir, 'index.bin'))), 'ERR_IO');
      expect(fs.existsSync(dir)).toBe(false);
    });

    it('leaves the previous file intact and no temporary file when a write fails midway', () => {
      const dir = tmp.freshDir('fsize-bf');
      const target = path.join(dir, 'index.bin');
      fs.copyFileSync(goodFile, target);
      const outcome = saveUnderFileSizeLimit('bruteforce', target, 2000, 16);
      expect(outcome).toMatchObject({ ok: false, name: 'Error', code: 'ERR_IO' });
      expect(fs.readFileSync(target).equals(good)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(['index.bin']);
    });
  });
});
