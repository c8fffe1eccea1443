// An index as bytes: toBuffer / fromBuffer and their Sync twins on HierarchicalNSW and BruteforceSearch, the same
// bytes writeIndexSync writes, Uint8Array views, and corrupt, truncated or foreign bytes, after which the previous
// index stays as it was.

import * as fs from 'fs';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { expectThrow, loose, sorted } from './fixtures/expect-error';
import {
  MODES,
  type Space,
  bfIndex,
  expectFailure,
  expectSyncFailure,
  filledHnsw,
  randomVectors,
  range,
  singleAnswers,
} from './helpers/batch';
import { NOT_INITIALIZED } from './helpers/messages';
import { useTmpDir } from './helpers/tmp';

describe('HierarchicalNSW', () => {
  const tmp = useTmpDir('hnswkit-batch-buffer-');

  describe('#toBuffer / #fromBuffer', () => {
    const DIM = 5;

    function sample(): HierarchicalNSW {
      const index = filledHnsw('cosine', DIM, 30, 61, 45);
      index.markDelete(4);
      index.markDelete(17);
      index.setEf(33);
      return index;
    }

    it('returns exactly the bytes writeIndexSync writes (toBuffer and toBufferSync)', async () => {
      const index = sample();
      const file = tmp.file('hnsw-bytes.bin');
      index.writeIndexSync(file);
      const onDisk = fs.readFileSync(file);
      const asyncBytes = await index.toBuffer();
      const syncBytes = index.toBufferSync();
      expect(Buffer.isBuffer(asyncBytes)).toBe(true);
      expect(Buffer.isBuffer(syncBytes)).toBe(true);
      expect(asyncBytes.length).toBe(onDisk.length);
      expect(Buffer.compare(asyncBytes, onDisk)).toBe(0);
      expect(Buffer.compare(syncBytes, onDisk)).toBe(0);
    });

    it.each(MODES)('round-trips through toBuffer and fromBuffer (%s)', async (mode) => {
      const index = sample();
      const bytes = mode === 'sync' ? index.toBufferSync() : await index.toBuffer();
      const loaded = new HierarchicalNSW('cosine', DIM);
      if (mode === 'sync') loaded.fromBufferSync(bytes);
      else await loaded.fromBuffer(bytes);
      expect(loaded.getMaxElements()).toBe(45);
      expect(loaded.getCurrentCount()).toBe(30);
      expect(loaded.getDeletedCount()).toBe(2);
      expect(loaded.getEf()).toBe(10);
      expect(sorted(loaded.getIdsList())).toEqual(range(0, 30));
      expect(loaded.getPoint(29)).toEqual(index.getPoint(29));
      expectThrow(() => loaded.getPoint(17), 'Error', 'Hnswlib Error: Label not found');
      index.setEf(10);
      const queries = randomVectors(10, DIM, 62);
      expect(singleAnswers(loaded, queries, DIM, 6)).toEqual(singleAnswers(index, queries, DIM, 6));
      expect(Buffer.compare(loaded.toBufferSync(), bytes)).toBe(0);
    });

    it('reads a Uint8Array view with a byteOffset', async () => {
      const bytes = sample().toBufferSync();
      const padded = new Uint8Array(bytes.length + 11);
      padded.set(bytes, 7);
      const view = padded.subarray(7, 7 + bytes.length);
      const loaded = new HierarchicalNSW('cosine', DIM);
      await loaded.fromBuffer(view);
      expect(loaded.getCurrentCount()).toBe(30);
      const again = new HierarchicalNSW('cosine', DIM);
      again.fromBufferSync(view);
      expect(Buffer.compare(again.toBufferSync(), bytes)).toBe(0);
    });

    it('passes allowReplaceDeleted on to the loaded index', async () => {
      const bytes = sample().toBufferSync();
      const plain = new HierarchicalNSW('cosine', DIM);
      await plain.fromBuffer(bytes);
      expectThrow(
        () => plain.addPoint([1, 2, 3, 4, 5], 99, true),
        'Error',
        'Hnswlib Error: Replacement of deleted elements is disabled in constructor',
      );
      const replacing = new HierarchicalNSW('cosine', DIM);
      await replacing.fromBuffer(bytes, true);
      replacing.addPoint([1, 2, 3, 4, 5], 99, true);
      expect(replacing.getCurrentCount()).toBe(30);
      const replacingSync = new HierarchicalNSW('cosine', DIM);
      replacingSync.fromBufferSync(bytes, true);
      replacingSync.addPoint([1, 2, 3, 4, 5], 99, true);
      expect(replacingSync.getIdsList()).toContain(99);
    });

    it('replaces an existing index, capacity included', async () => {
      const bytes = sample().toBufferSync();
      const target = filledHnsw('cosine', DIM, 3, 63, 1000);
      await target.fromBuffer(bytes);
      expect(target.getMaxElements()).toBe(45);
      expect(target.getCurrentCount()).toBe(30);
    });

    it('rejects corrupt or truncated bytes with an Hnswlib Error and keeps the previous index', async () => {
      const bytes = sample().toBufferSync();
      const index = filledHnsw('cosine', DIM, 3, 64, 7);
      const before = index.toBufferSync();
      const corrupt = [
        Buffer.from('this is not an hnswlib index, not at all'),
        bytes.subarray(0, Math.floor(bytes.length / 2)),
        bytes.subarray(0, 10),
      ];
      for (const data of corrupt) {
        await expectFailure(() => index.fromBuffer(data), 'Error', /^Hnswlib Error: /);
        expectSyncFailure(() => index.fromBufferSync(data), 'Error', /^Hnswlib Error: /);
      }
      expect(Buffer.compare(index.toBufferSync(), before)).toBe(0);
      expect(index.getCurrentCount()).toBe(3);
      expect(index.searchKnn(index.getPoint(1), 1).neighbors).toEqual([1]);
    });

    it('rejects bytes of another dimension and keeps the previous index', async () => {
      const bytes = sample().toBufferSync();
      const other = filledHnsw('l2', DIM + 1, 2, 65, 2);
      await expectFailure(() => other.fromBuffer(bytes), 'Error', /^Hnswlib Error: /);
      expect(other.getCurrentCount()).toBe(2);
    });

    it('leaves an uninitialised object uninitialised after a failed read', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      await expectFailure(() => index.fromBuffer(Buffer.from('garbage garbage garbage')), 'Error', /^Hnswlib Error: /);
      expectThrow(() => index.getEf(), 'Error', NOT_INITIALIZED);
    });

    it('throws a TypeError if the data is not a Uint8Array', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      for (const [bad, shown] of [
        ['bytes', 'string'],
        [[1, 2, 3], 'an array'],
        [null, 'null'],
        [new Float32Array(4), 'an instance of Float32Array'],
      ] as const) {
        const message = `Expected \`data\` to be a Uint8Array or a Buffer but received ${shown}`;
        await expectFailure(() => loose(index).fromBuffer(bad), 'TypeError', message);
        expectSyncFailure(() => loose(index).fromBufferSync(bad), 'TypeError', message);
      }
    });

    it('throws the "not been initialized" Error from toBuffer before initIndex; the Promise form rejects', async () => {
      const index = new HierarchicalNSW('l2', DIM);
      expectSyncFailure(() => index.toBufferSync(), 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
      let promise: unknown;
      expect(() => {
        promise = index.toBuffer();
      }).not.toThrow();
      await expectFailure(() => promise, 'Error', NOT_INITIALIZED, 'ERR_NOT_INITIALIZED');
    });
  });
});

describe('BruteforceSearch', () => {
  const tmp = useTmpDir('hnswkit-batch-buffer-bf-');
  const DIM = 7;
  const bf = (space: Space, maxElements: number): BruteforceSearch => bfIndex(space, DIM, maxElements);

  describe('#toBuffer / #fromBuffer', () => {
    it('returns exactly the bytes writeIndexSync writes, and round-trips (async and sync)', async () => {
      const index = bf('l2', 40);
      index.addItemsSync(randomVectors(25, DIM, 91));
      index.removePoint(3);
      const file = tmp.file('bf-bytes.bin');
      index.writeIndexSync(file);
      const onDisk = fs.readFileSync(file);
      const bytes = await index.toBuffer();
      expect(Buffer.compare(bytes, onDisk)).toBe(0);
      expect(Buffer.compare(index.toBufferSync(), onDisk)).toBe(0);

      const queries = randomVectors(5, DIM, 92);
      const loaded = new BruteforceSearch('l2', DIM);
      await loaded.fromBuffer(bytes);
      const loadedSync = new BruteforceSearch('l2', DIM);
      loadedSync.fromBufferSync(new Uint8Array(bytes));
      for (const copy of [loaded, loadedSync]) {
        expect(copy.getMaxElements()).toBe(40);
        expect(copy.getCurrentCount()).toBe(24);
        expect(Buffer.compare(copy.toBufferSync(), onDisk)).toBe(0);
        expect(singleAnswers(copy, queries, DIM, 4)).toEqual(singleAnswers(index, queries, DIM, 4));
      }
    });

    it('rejects corrupt bytes and keeps the previous index', async () => {
      const index = bf('l2', 5);
      index.addItemsSync(randomVectors(2, DIM, 93), [1, 2]);
      await expectFailure(() => index.fromBuffer(Buffer.from('not an index at all')), 'Error', /^Hnswlib Error: /);
      expectSyncFailure(() => index.fromBufferSync(Buffer.alloc(3)), 'Error', /^Hnswlib Error: /);
      expect(index.getCurrentCount()).toBe(2);
      expect(index.getMaxElements()).toBe(5);
      expect(index.searchKnn(randomVectors(2, DIM, 93).subarray(DIM), 1)).toEqual({ neighbors: [2], distances: [0] });
    });
  });
});
