// Bad-input catalogue group: files and buffers (paths, missing, foreign, corrupt and truncated files, FIFOs,
// symbolic links, buffers). Row shape and builders: env.ts.

import * as assert from 'assert';
import * as fs from 'fs';
import { accepted, assertJson, caught, Env, err, type Group, type Loose, makeFifo, makeSymlink, vec } from './env';

/** e.hnsw() saved and opened again with `{ mmap: true }`: the same elements, read-only. */
function mappedIndex(e: Env): Loose {
  const index = e.hnsw();
  const file = e.path('mapped.bin');
  index.writeIndexSync(file);
  index.readIndexSync(file, { mmap: true });
  return index;
}

export const FILES_AND_BUFFERS: Group[] = [
  {
    title: 'Files and buffers',
    intro:
      'A failed read or load never touches the index it was called on: an index that held data keeps it and ' +
      'answers as before; an index that was never initialised stays uninitialised. (The runner checks both after ' +
      'every row: the serialised bytes are unchanged.)',
    rows: [
      {
        id: 'read-missing',
        input: 'a file that does not exist',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: failed to open file: {path}'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', vars: { path: '<dir>/missing.bin' }, run: (e) => e.hnsw().readIndexSync(e.path('missing.bin')) },
          { method: 'HierarchicalNSW#readIndex', mode: 'rejects', vars: { path: '<dir>/missing.bin' }, run: (e) => e.hnsw().readIndex(e.path('missing.bin')) },
          { method: 'HierarchicalNSW#readIndexSync', variant: 'never initialised', vars: { path: '<dir>/missing.bin' }, run: (e) => e.bareHnsw().readIndexSync(e.path('missing.bin')) },
          { method: 'BruteforceSearch#readIndexSync', vars: { path: '<dir>/missing.bin' }, run: (e) => e.brute().readIndexSync(e.path('missing.bin')) },
          { method: 'BruteforceSearch#readIndex', mode: 'rejects', variant: 'never initialised', vars: { path: '<dir>/missing.bin' }, run: (e) => e.bareBrute().readIndex(e.path('missing.bin')) },
        ],
      },
      {
        id: 'read-directory',
        input: 'a directory instead of a file',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: failed to open file: {path} (not a regular file)'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', vars: { path: '<dir>' }, run: (e) => e.hnsw().readIndexSync(e.dir) },
          { method: 'BruteforceSearch#readIndex', mode: 'rejects', vars: { path: '<dir>' }, run: (e) => e.brute().readIndex(e.dir) },
        ],
      },
      {
        id: 'read-empty-name',
        input: 'an empty file name',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: failed to open file: '),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw().readIndexSync('') },
          { method: 'BruteforceSearch#readIndex', mode: 'rejects', run: (e) => e.bareBrute().readIndex('') },
        ],
      },
      {
        id: 'write-empty-name',
        input: 'an empty file name to write',
        note: 'The index is written to a temporary file named `.hnswkit-<12 hex digits>.tmp` in the working directory, which is removed when the rename fails.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot replace : No such file or directory'),
        calls: [
          {
            method: 'HierarchicalNSW#writeIndexSync',
            cwd: (e) => e.path('cwd'),
            run: (e) => e.hnsw().writeIndexSync(''),
            check: (_error, e) => assertJson(fs.readdirSync(e.path('cwd')), []),
          },
          {
            method: 'BruteforceSearch#writeIndex',
            mode: 'rejects',
            cwd: (e) => e.path('cwd'),
            run: (e) => e.brute().writeIndex(''),
            check: (_error, e) => assertJson(fs.readdirSync(e.path('cwd')), []),
          },
        ],
      },
      {
        id: 'filename-nul',
        input: 'a file name containing a NUL character (`"index.bin\\0.txt"`)',
        note: 'The C library would cut the name at the NUL, so the binding refuses it.',
        outcome: err('RangeError', 'ERR_INVALID_ARG_VALUE', 'Expected `filename` to contain no NUL characters'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw().readIndexSync(e.path('index.bin\0.txt')) },
          { method: 'HierarchicalNSW#writeIndexSync', run: (e) => e.hnsw().writeIndexSync(e.path('index.bin\0.txt')) },
          { method: 'HierarchicalNSW#writeIndex', mode: 'rejects', run: (e) => e.hnsw().writeIndex(e.path('index.bin\0.txt')) },
          { method: 'BruteforceSearch#readIndex', mode: 'rejects', run: (e) => e.brute().readIndex(e.path('index.bin\0.txt')) },
          { method: 'BruteforceSearch#writeIndex', mode: 'rejects', run: (e) => e.brute().writeIndex(e.path('index.bin\0.txt')) },
        ],
      },
      {
        id: 'read-empty',
        input: 'an empty file or buffer',
        outcome: err('Error', 'ERR_CORRUPT_INDEX', 'Hnswlib Error: Index seems to be corrupted or unsupported: input ends inside the {n}-byte header (needs 8 bytes at offset 0, total size 0)'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', vars: { n: '96' }, run: (e) => e.hnsw().readIndexSync(e.write('empty.bin', new Uint8Array(0))) },
          { method: 'HierarchicalNSW#fromBufferSync', vars: { n: '96' }, run: (e) => e.bareHnsw().fromBufferSync(new Uint8Array(0)) },
          { method: 'HierarchicalNSW#fromBuffer', mode: 'rejects', vars: { n: '96' }, run: (e) => e.hnsw().fromBuffer(Buffer.alloc(0)) },
          { method: 'BruteforceSearch#readIndex', mode: 'rejects', vars: { n: '24' }, run: (e) => e.brute().readIndex(e.write('empty.bin', new Uint8Array(0))) },
          { method: 'BruteforceSearch#fromBufferSync', vars: { n: '24' }, run: (e) => e.brute().fromBufferSync(new Uint8Array(0)) },
        ],
      },
      {
        id: 'read-junk',
        input: 'bytes that are no index (200 bytes of 0x07)',
        note: 'Truncated, padded and field-by-field corrupted files are covered by test/index-files.test.ts and the fuzzer.',
        outcome: err('Error', 'ERR_CORRUPT_INDEX', 'Hnswlib Error: Index seems to be corrupted or unsupported: {detail}'),
        calls: [
          {
            method: 'HierarchicalNSW#readIndexSync',
            vars: { detail: 'header field offsetLevel0 is 506381209866536711, expected 0' },
            run: (e) => e.hnsw().readIndexSync(e.write('junk.bin', Buffer.alloc(200, 7))),
          },
          {
            method: 'HierarchicalNSW#fromBuffer',
            mode: 'rejects',
            vars: { detail: 'header field offsetLevel0 is 506381209866536711, expected 0' },
            run: (e) => e.bareHnsw().fromBuffer(Buffer.alloc(200, 7)),
          },
          {
            method: 'BruteforceSearch#fromBufferSync',
            vars: { detail: 'slot size is 506381209866536711 bytes, expected 4*dim+8 = 20' },
            run: (e) => e.brute().fromBufferSync(Buffer.alloc(200, 7)),
          },
        ],
      },
      {
        id: 'read-wrong-kind',
        input: 'a file of the other index kind (a brute-force file read by `HierarchicalNSW`, and the reverse)',
        note: 'The message names the first field that does not fit, not the kind of file it is.',
        outcome: err('Error', 'ERR_CORRUPT_INDEX', 'Hnswlib Error: Index seems to be corrupted or unsupported: {detail}'),
        calls: [
          {
            method: 'HierarchicalNSW#readIndexSync',
            vars: { detail: 'input ends inside the 96-byte header (needs 8 bytes at offset 80, total size 84)' },
            run: (e) => e.hnsw().readIndexSync(e.write('brute.bin', e.bytesOf('brute'))),
          },
          {
            method: 'HierarchicalNSW#fromBufferSync',
            vars: { detail: 'input ends inside the 96-byte header (needs 8 bytes at offset 80, total size 84)' },
            run: (e) => e.bareHnsw().fromBufferSync(e.bytesOf('brute')),
          },
          {
            method: 'BruteforceSearch#readIndex',
            mode: 'rejects',
            vars: { detail: 'slot size is 10 bytes, expected 4*dim+8 = 20' },
            run: (e) => e.brute().readIndex(e.write('hnsw.bin', e.bytesOf('hnsw'))),
          },
          {
            method: 'BruteforceSearch#fromBufferSync',
            vars: { detail: 'slot size is 10 bytes, expected 4*dim+8 = 20' },
            run: (e) => e.bareBrute().fromBufferSync(e.bytesOf('hnsw')),
          },
        ],
      },
      {
        id: 'read-wrong-dimension',
        input: 'a file or buffer written with another dimension',
        note: 'hnswlib-node loaded it and returned garbage.',
        outcome: err('Error', 'ERR_CORRUPT_INDEX', 'Hnswlib Error: Index seems to be corrupted or unsupported: the file holds 3-dimensional vectors but the index was created with 4 dimensions'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw({ dim: 4 }).readIndexSync(e.write('dim3.bin', e.bytesOf('hnsw'))) },
          { method: 'HierarchicalNSW#fromBuffer', mode: 'rejects', run: (e) => e.bareHnsw(4).fromBuffer(e.bytesOf('hnsw')) },
          { method: 'BruteforceSearch#fromBufferSync', run: (e) => e.brute({ dim: 4 }).fromBufferSync(e.bytesOf('brute')) },
        ],
      },
      {
        id: 'mapped-change',
        input: 'a change to an index opened with `readIndex(file, { mmap: true })`',
        note: 'A mapped index is read-only; load the file without `mmap` to change it. `setEf` is a search setting, not a change, and works.',
        outcome: err('Error', 'ERR_READ_ONLY', 'Hnswlib Error: cannot {method}: the index is read-only (opened with mmap); load it without mmap to change it'),
        calls: (
          [
            ['addPoint', 'throws', 'a new label', (i: Loose) => i.addPoint(vec(9), 9)],
            ['addPoint', 'throws', 'an update', (i: Loose) => i.addPoint(vec(1), 1)],
            ['markDelete', 'throws', undefined, (i: Loose) => i.markDelete(1)],
            ['unmarkDelete', 'throws', undefined, (i: Loose) => i.unmarkDelete(1)],
            ['resizeIndex', 'throws', undefined, (i: Loose) => i.resizeIndex(100)],
            ['addItemsSync', 'throws', undefined, (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['addItems', 'rejects', 'no labels', (i: Loose) => i.addItems([vec(9)])],
          ] as const
        ).map(([method, mode, variant, call]) => ({
          method: `HierarchicalNSW#${method}`,
          mode,
          ...(variant ? { variant } : {}),
          vars: { method },
          run: (e: Env) => call(mappedIndex(e)),
        })),
      },
      {
        id: 'mapped-precision',
        input: 'a file mapped with `{ mmap: true }` by an index created with another `precision`',
        note: 'A mapped file is used as it is; a load without `mmap` converts it.',
        outcome: err('Error', 'ERR_INVALID_ARGUMENT', "Hnswlib Error: the file holds f32 vectors but the index was created with precision 'f16': a mapped file is used as it is; load it without mmap to convert it"),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw({ precision: 'f16' }).readIndexSync(e.write('f32.bin', e.bytesOf('hnsw')), { mmap: true }) },
          { method: 'HierarchicalNSW#readIndex', mode: 'rejects', run: (e) => e.hnsw({ precision: 'f16' }).readIndex(e.write('f32.bin', e.bytesOf('hnsw')), { mmap: true }) },
        ],
      },
      {
        id: 'read-option-type',
        input: 'a `readIndex` option that is not a boolean (`{ mmap: "yes" }`, `{ allowReplaceDeleted: 1 }`)',
        note: 'Thrown synchronously by the Promise form too, as its other argument errors are.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{key}` to be a boolean but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', vars: { key: 'mmap', got: 'string' }, run: (e) => e.hnsw().readIndexSync(e.write('opt.bin', e.bytesOf('hnsw')), { mmap: 'yes' }) },
          { method: 'HierarchicalNSW#readIndex', vars: { key: 'allowReplaceDeleted', got: 'number' }, run: (e) => e.hnsw().readIndex(e.write('opt.bin', e.bytesOf('hnsw')), { allowReplaceDeleted: 1 }) },
        ],
      },
      {
        id: 'after-failed-load',
        input: 'any call after a failed read or load',
        outcome: accepted(
          'no error: an index that held data answers and changes as before the failure; one that was never initialised still ' +
            'throws `ERR_NOT_INITIALIZED` (`getEf`, `searchKnn`) and "Search index is not constructed." (`writeIndexSync`)',
        ),
        calls: [
          {
            method: 'HierarchicalNSW#readIndexSync',
            variant: 'then searchKnn, getPoint, addPoint',
            mutates: true,
            run: (e) => {
              const index = e.hnsw();
              assert.throws(() => index.readIndexSync(e.path('missing.bin')));
              index.addPoint(vec(9), 9);
              return [index.searchKnn(vec(2), 1).neighbors, index.getPoint(2), index.getCurrentCount(), index.getEf()];
            },
            check: (out) => assertJson(out, [[2], vec(2), 5, 10]),
          },
          {
            method: 'HierarchicalNSW#readIndex',
            variant: 'then searchKnnBatch, markDelete',
            mutates: true,
            run: async (e) => {
              const index = e.hnsw();
              await assert.rejects(index.readIndex(e.write('junk.bin', Buffer.alloc(200, 7))) as Promise<unknown>);
              index.markDelete(0);
              const found = (await index.searchKnnBatch([vec(0)], 2)) as { labels: Float64Array };
              return Array.from(found.labels);
            },
            check: (out) => assertJson(out, [1, 2]),
          },
          {
            method: 'HierarchicalNSW#fromBufferSync',
            variant: 'never initialised, then getEf, searchKnn, writeIndexSync, getIdsList',
            run: (e) => {
              const index = e.bareHnsw();
              assert.throws(() => index.fromBufferSync(Buffer.alloc(200, 7)));
              const codeOf = (fn: () => unknown): unknown => (caught(fn).value as { code?: unknown } | undefined)?.code;
              const messageOf = (fn: () => unknown): unknown => (caught(fn).value as { message?: unknown } | undefined)?.message;
              return [
                codeOf(() => index.getEf()),
                codeOf(() => index.searchKnn(vec(0), 1)),
                messageOf(() => index.writeIndexSync(e.path('never.bin'))),
                index.getIdsList(),
                index.getMaxElements(),
              ];
            },
            check: (out) => assertJson(out, ['ERR_NOT_INITIALIZED', 'ERR_NOT_INITIALIZED', 'Search index is not constructed.', [], 0]),
          },
          {
            method: 'BruteforceSearch#fromBuffer',
            variant: 'then searchKnn, removePoint',
            mutates: true,
            run: async (e) => {
              const index = e.brute();
              await assert.rejects(index.fromBuffer(e.bytesOf('hnsw')) as Promise<unknown>);
              index.removePoint(0);
              return [index.searchKnn(vec(0), 1).neighbors, index.getCurrentCount()];
            },
            check: (out) => assertJson(out, [[1], 3]),
          },
        ],
      },
      {
        id: 'buffer-type',
        input: '`fromBuffer` data that is not a Uint8Array or Buffer (an ArrayBuffer, a Float32Array, a Uint8ClampedArray, a DataView, a string, nothing)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `data` to be a Uint8Array or a Buffer but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#fromBufferSync', vars: { got: 'an instance of ArrayBuffer' }, run: (e) => e.hnsw().fromBufferSync(new ArrayBuffer(8)) },
          { method: 'HierarchicalNSW#fromBufferSync', vars: { got: 'an instance of Float32Array' }, run: (e) => e.bareHnsw().fromBufferSync(new Float32Array(8)) },
          { method: 'HierarchicalNSW#fromBuffer', mode: 'rejects', vars: { got: 'an instance of Uint8ClampedArray' }, run: (e) => e.hnsw().fromBuffer(new Uint8ClampedArray(8)) },
          { method: 'BruteforceSearch#fromBufferSync', vars: { got: 'an instance of DataView' }, run: (e) => e.brute().fromBufferSync(new DataView(new ArrayBuffer(8))) },
          { method: 'BruteforceSearch#fromBuffer', mode: 'rejects', vars: { got: 'string' }, run: (e) => e.brute().fromBuffer('index') },
          { method: 'HierarchicalNSW#fromBufferSync', variant: 'no argument', vars: { got: 'undefined' }, run: (e) => e.hnsw().fromBufferSync() },
        ],
      },
      {
        id: 'buffer-flag-type',
        input: 'a `fromBuffer` `allowReplaceDeleted` that is not a boolean (`HierarchicalNSW`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `allowReplaceDeleted` to be a boolean but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#fromBufferSync', vars: { got: 'number' }, run: (e) => e.hnsw().fromBufferSync(e.bytesOf('hnsw'), 1) },
          { method: 'HierarchicalNSW#fromBuffer', mode: 'rejects', vars: { got: 'string' }, run: (e) => e.hnsw().fromBuffer(e.bytesOf('hnsw'), 'true') },
        ],
      },
      {
        id: 'write-missing-dir',
        input: 'a target in a directory that does not exist',
        note: 'Nothing is created.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot write {path}: No such file or directory (while creating {parent}/.hnswkit-{*}.tmp)'),
        calls: [
          { method: 'HierarchicalNSW#writeIndexSync', vars: { path: '<dir>/no-dir/x.bin', parent: '<dir>/no-dir' }, run: (e) => e.hnsw().writeIndexSync(e.path('no-dir/x.bin')) },
          { method: 'HierarchicalNSW#writeIndex', mode: 'rejects', vars: { path: '<dir>/no-dir/x.bin', parent: '<dir>/no-dir' }, run: (e) => e.hnsw().writeIndex(e.path('no-dir/x.bin')) },
          { method: 'BruteforceSearch#writeIndexSync', vars: { path: '<dir>/no-dir/x.bin', parent: '<dir>/no-dir' }, run: (e) => e.brute().writeIndexSync(e.path('no-dir/x.bin')) },
          { method: 'BruteforceSearch#writeIndex', mode: 'rejects', vars: { path: '<dir>/no-dir/x.bin', parent: '<dir>/no-dir' }, run: (e) => e.brute().writeIndex(e.path('no-dir/x.bin')) },
        ],
      },
      {
        id: 'write-parent-is-file',
        input: 'a target whose parent is a regular file',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot write {path}: Not a directory'),
        calls: [
          {
            method: 'HierarchicalNSW#writeIndexSync',
            vars: { path: '<dir>/plain-file/x.bin' },
            run: (e) => {
              e.write('plain-file', Buffer.from('not a directory'));
              return e.hnsw().writeIndexSync(e.path('plain-file/x.bin'));
            },
          },
          {
            method: 'BruteforceSearch#writeIndex',
            mode: 'rejects',
            vars: { path: '<dir>/plain-file/x.bin' },
            run: (e) => {
              e.write('plain-file', Buffer.from('not a directory'));
              return e.brute().writeIndex(e.path('plain-file/x.bin'));
            },
          },
        ],
      },
      {
        id: 'write-target-directory',
        input: 'a target that is a directory',
        note: 'Refused before anything is written; the directory stays as it was.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot replace {path}: it is a directory, not a regular file'),
        calls: [
          {
            method: 'HierarchicalNSW#writeIndexSync',
            vars: { path: '<dir>/target-dir' },
            run: (e) => {
              fs.mkdirSync(e.path('target-dir'), { recursive: true });
              return e.hnsw().writeIndexSync(e.path('target-dir'));
            },
            check: (_error, e) => assert.ok(!fs.readdirSync(e.dir).some((name) => name.startsWith('.hnswkit-'))),
          },
          {
            method: 'BruteforceSearch#writeIndex',
            mode: 'rejects',
            vars: { path: '<dir>/target-dir' },
            run: (e) => {
              fs.mkdirSync(e.path('target-dir'), { recursive: true });
              return e.brute().writeIndex(e.path('target-dir'));
            },
            check: (_error, e) => assert.ok(!fs.readdirSync(e.dir).some((name) => name.startsWith('.hnswkit-'))),
          },
        ],
      },
      {
        id: 'write-fails-midway',
        input: 'a write that fails: read-only directory, full disk, file-size limit',
        note: 'The old file stays byte for byte, and no temporary file is left.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot write {path}: {reason}{*}'),
        testedIn: {
          file: 'test/crash-safety.test.ts',
          title: 'gives ERR_IO from all four write methods, and keeps the old file',
          methods: 'all four writes',
        },
        examples: {
          path: ['<dir>/hnsw.bin', '<dir>/brute.bin'],
          reason: ['Permission denied', 'No space left on device', 'File too large'],
        },
        calls: [],
      },
      {
        id: 'read-fifo',
        input: 'a FIFO (named pipe) instead of a file',
        note: 'Refused as soon as it is opened, without waiting for a writer; devices and sockets likewise.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: failed to open file: {path} (not a regular file)'),
        testedIn: {
          file: 'test/index-files.test.ts',
          title: 'throws ERR_IO for a FIFO at once, as readIndex rejects, and the index stays free',
          methods: 'the four reads',
        },
        examples: { path: ['<dir>/index.bin'] },
        calls: [],
      },
      {
        id: 'write-target-fifo',
        input: 'a target that is a FIFO (named pipe)',
        note:
          'Refused before anything is written; the FIFO stays. Sockets and devices are refused the same way ' +
          '(`it is a socket`, `it is a character device`; `test/file-replace.test.ts`).',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot replace {path}: it is a FIFO, not a regular file'),
        calls: (['hnsw', 'brute'] as const).map((kind) => ({
          method: kind === 'hnsw' ? 'HierarchicalNSW#writeIndexSync' : 'BruteforceSearch#writeIndex',
          mode: kind === 'hnsw' ? ('throws' as const) : ('rejects' as const),
          vars: { path: '<dir>/fifo-target' },
          run: (e: Env) => {
            makeFifo(e.path('fifo-target'));
            return kind === 'hnsw' ? e.hnsw().writeIndexSync(e.path('fifo-target')) : e.brute().writeIndex(e.path('fifo-target'));
          },
          check: (_error: unknown, e: Env) => {
            assert.ok(fs.lstatSync(e.path('fifo-target')).isFIFO(), 'the FIFO is still there');
            assert.ok(!fs.readdirSync(e.dir).some((name) => name.startsWith('.hnswkit-')));
          },
        })),
      },
      {
        id: 'write-link-to-device',
        input: 'a target that is a symbolic link to something other than a regular file (here `/dev/null`)',
        note: 'Links are followed, so it is the device that would be replaced: refused; the link and the device stay.',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot replace {path}: it links to {target}, {what}, not a regular file'),
        calls: (['hnsw', 'brute'] as const).map((kind) => ({
          method: kind === 'hnsw' ? 'HierarchicalNSW#writeIndex' : 'BruteforceSearch#writeIndexSync',
          mode: kind === 'hnsw' ? ('rejects' as const) : ('throws' as const),
          vars: { path: '<dir>/null-link', target: '/dev/null', what: 'a character device' },
          run: (e: Env) => {
            makeSymlink('/dev/null', e.path('null-link'));
            return kind === 'hnsw' ? e.hnsw().writeIndex(e.path('null-link')) : e.brute().writeIndexSync(e.path('null-link'));
          },
          check: (_error: unknown, e: Env) => {
            assert.strictEqual(fs.readlinkSync(e.path('null-link')), '/dev/null');
            assert.ok(fs.statSync('/dev/null').isCharacterDevice());
          },
        })),
      },
      {
        id: 'write-link-loop',
        input: 'a target that is a loop of symbolic links',
        outcome: err('Error', 'ERR_IO', 'Hnswlib Error: cannot write {path}: Too many levels of symbolic links'),
        calls: [
          {
            method: 'HierarchicalNSW#writeIndexSync',
            vars: { path: '<dir>/loop-a' },
            run: (e) => {
              makeSymlink('loop-b', e.path('loop-a'));
              makeSymlink('loop-a', e.path('loop-b'));
              return e.hnsw().writeIndexSync(e.path('loop-a'));
            },
            check: (_error, e) => assert.strictEqual(fs.readlinkSync(e.path('loop-a')), 'loop-b'),
          },
        ],
      },
    ],
  },
];
