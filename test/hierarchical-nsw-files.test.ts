// HierarchicalNSW#writeIndex / #readIndex and their Sync twins: round trips, allowReplaceDeleted on load, reading
// into another space, and missing, corrupt, truncated and foreign files, after which the previous index stays as it
// was. The file format itself, and BruteforceSearch's files: index-files.test.ts.

import * as fs from 'fs';
import { HierarchicalNSW } from 'hnswkit';
import { expectReject, expectThrow, loose, sorted } from './fixtures/expect-error';
import { NOT_INITIALIZED } from './helpers/messages';
import { POINTS, l2Index } from './helpers/small-index';
import { useTmpDir } from './helpers/tmp';

describe('HierarchicalNSW', () => {
  const tmp = useTmpDir('hnswkit-hnsw-files-');

  describe('#writeIndex / #readIndex', () => {
    it('throws (synchronously) for the wrong arguments', () => {
      const index = loose(l2Index(POINTS));
      expectThrow(() => index.writeIndex(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.writeIndex('a', 'b'), 'Error', 'Expected 1 arguments, but got 2.');
      expectThrow(() => index.writeIndex(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.writeIndexSync(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => index.writeIndexSync(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndex(), 'Error', 'Expected 1-2 arguments, but got 0.');
      expectThrow(() => index.readIndex(1), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndex('a', 1), 'TypeError', 'Invalid the second argument type, must be a boolean.');
      expectThrow(() => index.readIndexSync(), 'Error', 'Expected 1-2 arguments, but got 0.');
      expectThrow(() => index.readIndexSync(null), 'TypeError', 'Invalid the first argument type, must be a string.');
      expectThrow(() => index.readIndexSync('a', 'yes'), 'TypeError', 'Invalid the second argument type, must be a boolean.');
    });

    it('round-trips through writeIndex/readIndex, which resolve to true', async () => {
      const file = tmp.file('round-trip.hnsw');
      const index = l2Index(POINTS, 10);
      index.markDelete(2);
      index.setEf(77);
      await expect(index.writeIndex(file)).resolves.toBe(true);
      expect(fs.statSync(file).size).toBeGreaterThan(0);

      const loaded = new HierarchicalNSW('l2', 3);
      await expect(loaded.readIndex(file)).resolves.toBe(true);
      expect(loaded.getEf()).toBe(10);
      expect(loaded.getMaxElements()).toBe(10);
      expect(loaded.getCurrentCount()).toBe(5);
      expect(loaded.getDeletedCount()).toBe(1);
      expect(loaded.getM()).toBe(16);
      expect(sorted(loaded.getIdsList())).toEqual([0, 1, 2, 3, 4]);
      expect(loaded.getPoint(4)).toEqual([4, 4, 4]);
      expectThrow(() => loaded.getPoint(2), 'Error', 'Hnswlib Error: Label not found');
      expect(loaded.searchKnn([0, 0, 0], 5)).toEqual(index.searchKnn([0, 0, 0], 5));
      expect(loaded.getNumDimensions()).toBe(3);
    });

    it('round-trips through writeIndexSync/readIndexSync, which return null', () => {
      const file = tmp.file('round-trip-sync.hnsw');
      const index = l2Index(POINTS, 6);
      expect(index.writeIndexSync(file)).toBeNull();
      const loaded = new HierarchicalNSW('l2', 3);
      expect(loaded.readIndexSync(file)).toBeNull();
      expect(loaded.getEf()).toBe(10);
      expect(loaded.getMaxElements()).toBe(6);
      expect(loaded.searchKnn([0, 2, 0], 1)).toEqual({ distances: [0], neighbors: [2] });
      // The loaded index keeps working: add up to the file's capacity.
      loaded.addPoint([5, 5, 5], 5);
      expectThrow(() => loaded.addPoint([6, 6, 6], 6), 'Error', 'Hnswlib Error: The number of elements exceeds the specified limit');
    });

    it('passes allowReplaceDeleted on to the loaded index', async () => {
      const file = tmp.file('replace.hnsw');
      const index = l2Index(POINTS, 5);
      index.markDelete(0);
      index.writeIndexSync(file);

      const plain = new HierarchicalNSW('l2', 3);
      await plain.readIndex(file);
      expectThrow(
        () => plain.addPoint([9, 9, 9], 9, true),
        'Error',
        'Hnswlib Error: Replacement of deleted elements is disabled in constructor',
      );

      const replacing = new HierarchicalNSW('l2', 3);
      await replacing.readIndex(file, true);
      replacing.addPoint([9, 9, 9], 9, true);
      expect(sorted(replacing.getIdsList())).toEqual([1, 2, 3, 4, 9]);

      const replacingSync = new HierarchicalNSW('l2', 3);
      replacingSync.readIndexSync(file, true);
      replacingSync.addPoint([9, 9, 9], 9, true);
      expect(replacingSync.getCurrentCount()).toBe(5);
    });

    it('reads the same index into a cosine object and searches it', async () => {
      const file = tmp.file('cosine.hnsw');
      const index = new HierarchicalNSW('cosine', 3);
      index.initIndex(3);
      index.addPoint([1, 2, 3], 1);
      index.addPoint([4, 5, 6], 2);
      index.addPoint([7, 8, 9], 3);
      await index.writeIndex(file);
      const loaded = new HierarchicalNSW('cosine', 3);
      await loaded.readIndex(file);
      expect(loaded.searchKnn([1, 2, 2], 2)).toEqual(index.searchKnn([1, 2, 2], 2));
    });

    it('rejects readIndex of a missing file and keeps the previous index', async () => {
      const missing = tmp.file('missing.hnsw');
      const index = l2Index(POINTS);
      await expectReject(index.readIndex(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 3], 1)).toEqual({ distances: [0], neighbors: [3] });
      index.addPoint([2, 2, 2], 5);
      expect(index.getCurrentCount()).toBe(6);
    });

    it('throws from readIndexSync of a missing file and keeps the previous index', () => {
      const missing = tmp.file('missing-sync.hnsw');
      const index = l2Index(POINTS);
      expectThrow(() => index.readIndexSync(missing), 'Error', `Hnswlib Error: failed to open file: ${missing}`);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([0, 0, 3], 1)).toEqual({ distances: [0], neighbors: [3] });
    });

    it('rejects a corrupt file with an Hnswlib Error and keeps the previous index', async () => {
      const file = tmp.file('corrupt.hnsw');
      fs.writeFileSync(file, Buffer.from('this is not an hnswlib index, not at all'));
      const index = l2Index(POINTS);
      await expectReject(index.readIndex(file), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.readIndexSync(file), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(5);
      expect(index.searchKnn([1, 0, 0], 1).neighbors).toEqual([1]);
    });

    it('rejects a truncated file and leaves an uninitialised object uninitialised', async () => {
      const good = tmp.file('good.hnsw');
      l2Index(POINTS).writeIndexSync(good);
      const bytes = fs.readFileSync(good);
      const truncated = tmp.file('truncated.hnsw');
      fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const index = new HierarchicalNSW('l2', 3);
      await expectReject(index.readIndex(truncated), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(0);
      expectThrow(() => index.getEf(), 'Error', NOT_INITIALIZED);
    });

    it('rejects a file of another dimension (hnswlib-node loaded it and read garbage)', async () => {
      const file = tmp.file('dim3.hnsw');
      l2Index(POINTS).writeIndexSync(file);
      const index = new HierarchicalNSW('l2', 4);
      index.initIndex(2);
      index.addPoint([1, 2, 3, 4], 1);
      await expectReject(index.readIndex(file), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.readIndexSync(file), 'Error', /^Hnswlib Error: /);
      expect(index.getPoint(1)).toEqual([1, 2, 3, 4]);
    });

    it('reports a write that cannot happen (unlike hnswlib-node)', async () => {
      const index = l2Index(POINTS);
      const target = tmp.file('no-such-dir/index.hnsw');
      await expectReject(index.writeIndex(target), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.writeIndexSync(target), 'Error', /^Hnswlib Error: /);
    });
  });
});
