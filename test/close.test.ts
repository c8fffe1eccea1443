// close() and [Symbol.dispose]: the native memory goes at once (or once the jobs in flight have settled), every later
// call throws ERR_CLOSED (test/helpers/bad-input/batch-and-state.ts lists each method), Promise methods called before
// close() settle as they would have, a mapped file is unmapped; and the memory an index holds is reported to V8, so
// indexes dropped without close() are collected without --expose-gc. Memory is measured in child processes.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

import { buildDist } from './helpers/dist';
import { randomVectors } from './helpers/index-file';
import { useTmpDir } from './helpers/tmp';

const DIM = 16;
const CHILD = path.join(__dirname, 'helpers', 'lifetime-child.js');
const tmp = useTmpDir('hnswkit-close-');
const row = (v: Float32Array, i: number): Float32Array => v.subarray(i * DIM, (i + 1) * DIM);
const closedError = expect.objectContaining({ code: 'ERR_CLOSED' });

function built(count: number, seed = 1): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', DIM);
  index.initIndex({ maxElements: count, m: 8, efConstruction: 50 });
  index.addItemsSync(randomVectors(count, DIM, seed), undefined, { numThreads: 2 });
  return index;
}

describe('close()', () => {
  it('makes every later call throw ERR_CLOSED and can be called again', () => {
    const index = built(100);
    expect(index.close()).toBeUndefined();
    expect(() => index.searchKnn(row(randomVectors(1, DIM, 9), 0), 1)).toThrow(closedError);
    expect(() => index.getCurrentCount()).toThrow(
      'Hnswlib Error: the index was closed (close() or [Symbol.dispose]); create or load a new index object',
    );
    expect(() => index.close()).not.toThrow();
    expect(() => index[Symbol.dispose]()).not.toThrow();
  });

  it('is what [Symbol.dispose] does, for both classes', () => {
    const brute = new BruteforceSearch('l2', DIM);
    brute.initIndex(10);
    brute[Symbol.dispose]();
    expect(() => brute.getCurrentCount()).toThrow(closedError);
    const bare = new HierarchicalNSW('l2', DIM);
    bare[Symbol.dispose]();
    expect(() => bare.initIndex(10)).toThrow(closedError);
  });

  it('lets an addItems of many chunks already called finish, with every row inserted', async () => {
    const count = 20_000;
    // 20,000 x 256 floats is more than two chunks of addItems's copies (2^21 floats each).
    const dim = 256;
    const index = new HierarchicalNSW('l2', dim);
    index.initIndex({ maxElements: count, m: 8, efConstruction: 20 });
    const pending = index.addItems(randomVectors(count, dim, 3), undefined, { numThreads: 2 });
    index.close();
    const labels = await pending;
    expect(labels.length).toBe(count);
    expect(labels[count - 1]).toBe(count - 1);
    expect(() => index.getCurrentCount()).toThrow(closedError);
  });

  it('lets searchKnnBatch, writeIndex and toBuffer already called settle with their normal results', async () => {
    const index = built(2000, 4);
    const queries = randomVectors(200, DIM, 5);
    const expected = index.searchKnnBatchSync(queries, 5, { numThreads: 1 });
    const bytes = index.toBufferSync();
    const file = tmp.file('closed-while-writing.bin');
    const search = index.searchKnnBatch(queries, 5, { numThreads: 2 });
    const write = index.writeIndex(file);
    const buffer = index.toBuffer();
    index.close();
    const found = await search;
    expect(Array.from(found.labels)).toEqual(Array.from(expected.labels));
    expect(Array.from(found.distances)).toEqual(Array.from(expected.distances));
    await expect(write).resolves.toBe(true);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect((await buffer).equals(bytes)).toBe(true);
  });

  it('lets a readIndex already called resolve, and the index stays closed', async () => {
    const file = tmp.file('to-read.bin');
    built(500, 6).writeIndexSync(file);
    const index = new HierarchicalNSW('l2', DIM);
    const reading = index.readIndex(file);
    index.close();
    await expect(reading).resolves.toBe(true);
    expect(() => index.getCurrentCount()).toThrow(closedError);
  });

  // /proc/self/maps lists every mapping of this process with its file's path.
  const describeProc = fs.existsSync('/proc/self/maps') ? it : it.skip;
  describeProc('unmaps a mapped file', () => {
    const file = tmp.file('mapped-then-closed.bin');
    built(500, 7).writeIndexSync(file);
    const index = new HierarchicalNSW('l2', DIM);
    index.readIndexSync(file, { mmap: true });
    const mapped = (): boolean => fs.readFileSync('/proc/self/maps', 'utf8').includes(file);
    expect(mapped()).toBe(true);
    index.close();
    expect(mapped()).toBe(false);
  });
});

// Under AddressSanitizer the allocator quarantines freed memory, so RSS says nothing about the library.
const describeMemory = process.env.HNSWKIT_SANITIZE === '1' ? describe.skip : describe;

describeMemory('native memory over an index life (child processes without --expose-gc)', () => {
  beforeAll(() => {
    // The children run dist/: build it from the current lib/.
    buildDist();
  }, 120_000);

  function runChild<T>(args: string[]): T {
    const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`lifetime-child.js ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
  }

  it('returns the index memory to the system on close()', () => {
    const r = runChild<{ before: number; held: number; closed: number; indexBytes: number }>(['close', '20000', '1024']);
    // 20,000 x 1,024 floats: about 85 MB of index.
    expect(r.held - r.before).toBeGreaterThan(0.8 * r.indexBytes);
    expect(r.held - r.closed).toBeGreaterThan(0.8 * r.indexBytes);
  });

  it('is collected when dropped: 40 indexes of 4,000 x 1,024 filled with await addItems hold a few at a time', () => {
    const r = runChild<{ baseline: number; first: number; peak: number; indexBytes: number }>([
      'cycles',
      '40',
      '4000',
      '1024',
      'async',
    ]);
    expect(r.first - r.baseline).toBeGreaterThan(0.8 * r.indexBytes);
    // Unreported, V8 saw only the JS objects and the 40 indexes (17 MB each) piled up to 30x one index's memory
    // (510 MB); reported, 10x, the batches' own buffers included.
    expect((r.peak - r.baseline) / r.indexBytes).toBeLessThan(16);
  });
});
