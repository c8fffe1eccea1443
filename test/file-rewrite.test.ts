// A file that another process rewrites while it is being loaded: every load either fails with a clear error or
// gives an index that is whole (searches and statistics walk every level of it), never a crash. Loading reads the
// file once and trusts nothing it read earlier to hold later, so a load cannot validate one version of the file
// and build from another. A writer process flips the file between two valid indexes for 20 seconds while readers
// load it in a loop, with readIndexSync and readIndex at once.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { useTmpDir } from './helpers/tmp';

const CHILD = path.join(__dirname, 'helpers', 'rewrite-child.js');
const REGISTER = path.join(__dirname, 'helpers', 'register-ts.js');
const DIM = 8;
const COUNT = 3000;
const REWRITE_MS = 20_000;

const tmp = useTmpDir('hnswkit-rewrite-');

interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', REGISTER, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

function parsed<T>(result: ChildResult, what: string): T {
  if (result.status !== 0) {
    throw new Error(`${what} exited with status ${result.status}, signal ${result.signal}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

function vectors(seed: number): Float32Array {
  const data = new Float32Array(COUNT * DIM);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state / 2147483648;
  }
  return data;
}

/**
 * Two HNSW files of the same size over the same vectors, built with different level seeds, so that their
 * upper-level sizes differ element by element: the part of the file a torn load could mix up.
 */
function sameSizeHnswFiles(): [string, string] {
  const data = vectors(7);
  const bySize = new Map<number, Buffer>();
  for (let seed = 1; seed < 400; seed++) {
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex(COUNT, 8, 40, seed);
    index.addItemsSync(data, undefined, { numThreads: 1 });
    const bytes = index.toBufferSync();
    const other = bySize.get(bytes.length);
    if (other && !other.equals(bytes)) {
      const a = tmp.file('a.hnsw');
      const b = tmp.file('b.hnsw');
      fs.writeFileSync(a, other);
      fs.writeFileSync(b, bytes);
      return [a, b];
    }
    bySize.set(bytes.length, bytes);
  }
  throw new Error('no two level seeds gave files of the same size');
}

function bruteForceFiles(): [string, string] {
  const files: string[] = [];
  for (const seed of [3, 4]) {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(COUNT);
    index.addItemsSync(vectors(seed), undefined, { numThreads: 1 });
    files.push(tmp.file(`bf-${seed}.bin`));
    index.writeIndexSync(files[files.length - 1]);
  }
  return [files[0], files[1]];
}

interface ReaderResult {
  loads: number;
  refused: number;
  codes: Record<string, number>;
}

async function rewriteWhileReading(kind: 'hnsw' | 'bruteforce', files: [string, string], ms: number) {
  const target = tmp.file(`${kind}-target`);
  fs.copyFileSync(files[0], target);
  const [writer, sync, promise] = await Promise.all([
    runChild(['writer', target, files[0], files[1], String(ms)]),
    runChild(['reader', kind, 'sync', target, String(DIM), String(ms)]),
    runChild(['reader', kind, 'promise', target, String(DIM), String(ms)]),
  ]);
  return {
    writer: parsed<{ rewrites: number }>(writer, 'the writer'),
    sync: parsed<ReaderResult>(sync, 'the readIndexSync reader'),
    promise: parsed<ReaderResult>(promise, 'the readIndex reader'),
  };
}

function expectOnlyCleanRefusals(result: ReaderResult): void {
  // Loads that saw two versions of the file are refused as a corrupt index, or as an I/O error when the file
  // shrank under the read; every other load succeeded and was searched.
  expect(Object.keys(result.codes).filter((code) => code !== 'ERR_CORRUPT_INDEX' && code !== 'ERR_IO')).toEqual([]);
  expect(result.loads).toBeGreaterThan(0);
}

describe('an index file rewritten by another process while it loads', () => {
  it(
    'HierarchicalNSW: 20 s of in-place rewrites never crash readIndexSync or readIndex, or what they loaded',
    async () => {
      const result = await rewriteWhileReading('hnsw', sameSizeHnswFiles(), REWRITE_MS);
      expect(result.writer.rewrites).toBeGreaterThan(100);
      expectOnlyCleanRefusals(result.sync);
      expectOnlyCleanRefusals(result.promise);
    },
    REWRITE_MS + 60_000,
  );

  it(
    'BruteforceSearch: rewrites never crash readIndexSync or readIndex, or what they loaded',
    async () => {
      const result = await rewriteWhileReading('bruteforce', bruteForceFiles(), 5_000);
      expect(result.writer.rewrites).toBeGreaterThan(10);
      expectOnlyCleanRefusals(result.sync);
      expectOnlyCleanRefusals(result.promise);
    },
    60_000,
  );
});
