// Callers that work against a batch call or a callback: Proxies thrown from callbacks; a signal-like object that
// calls its listener at once; option getters that rewrite or detach the vectors; another thread writing the vectors
// through a SharedArrayBuffer; a batch whose length changes while a Promise form copies it; and a k far beyond what
// the index holds, or results too large for memory (in child processes, since a runtime that fails such an allocation
// natively aborts). docs/api.md describes each behaviour and docs/bad-input.md lists the errors.

import { spawnSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { loose, type Loose } from './fixtures/expect-error';
import { expectError, expectFailure, failureOf, randomVectors } from './helpers/batch';
import { BF_HEADER } from './helpers/index-file';
import { hostileProxy } from './helpers/hostile-proxy';

const ROOT = path.resolve(__dirname, '..');
const HELPERS = path.join(__dirname, 'helpers');

type Kind = 'hnsw' | 'brute';
const KINDS: Kind[] = ['hnsw', 'brute'];
const CLASS: Record<Kind, string> = { hnsw: 'HierarchicalNSW', brute: 'BruteforceSearch' };

const DIM = 3;

/** An l2 index of either kind, dimension `dim`, capacity `capacity`, holding labels 0..count-1 at [i, i+1, ...]. */
function makeIndex(kind: Kind, count = 4, capacity = 100, dim = DIM): Loose {
  const index = loose(kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim));
  if (kind === 'hnsw') index.initIndex(capacity, 8, 20, 1);
  else index.initIndex(capacity);
  for (let i = 0; i < count; i++) index.addPoint(Array.from({ length: dim }, (_, j) => i + j), i);
  return index;
}

/** What `call` threw or rejected with, or undefined if it succeeded. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (err) {
    return err;
  }
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * The vector stored under each label, as the index holds it: getPoint for HNSW, and for brute force (which has no
 * getPoint) its serialized slots, each `dim` floats followed by the 8-byte label.
 */
function storedVectors(index: Loose, kind: Kind, dim: number): Map<number, Float32Array> {
  const stored = new Map<number, Float32Array>();
  if (kind === 'hnsw') {
    for (const label of index.getIdsList() as number[]) stored.set(label, index.getPoint(label) as Float32Array);
    return stored;
  }
  const bytes = index.toBufferSync() as Buffer;
  const count = Number(bytes.readBigUInt64LE(BF_HEADER.curElementCount));
  const slot = Number(bytes.readBigUInt64LE(BF_HEADER.sizePerElement));
  // A copy, so that the floats are 4-byte aligned (the header and each slot are multiples of 4 bytes).
  const aligned = new Uint8Array(bytes).buffer;
  for (let i = 0; i < count; i++) {
    const at = BF_HEADER.size + i * slot;
    stored.set(Number(bytes.readBigUInt64LE(at + 4 * dim)), new Float32Array(aligned, at, dim));
  }
  return stored;
}

// ---- Proxies thrown from callbacks ----------------------------------------------------------------------------


function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** What `call` threw or rejected with, caught without reading anything of it (a then-callback would read `then`). */
async function thrownBy(call: () => unknown): Promise<{ threw: boolean; value: unknown }> {
  let threw = false;
  let value: unknown;
  try {
    await (call() as Promise<unknown>);
  } catch (err) {
    threw = true;
    value = err;
  }
  return { threw, value };
}

/** Calls that make the binding or lib/ call a callback that throws `value`. */
function throwingCalls(kind: Kind, value: unknown): Array<[string, () => unknown]> {
  const thrower = (): never => {
    throw value;
  };
  // Long enough that onProgress is called while rows still run (about every 100 ms), from native code for the
  // Sync form and from a timer of lib/ for the Promise form.
  const slow = (): { index: Loose; data: Float32Array } => {
    const index = loose(new HierarchicalNSW('l2', 32));
    index.initIndex(20000, 16, 200, 1);
    return { index, data: randomVectors(20000, 32, 3) };
  };
  const calls: Array<[string, () => unknown]> = [[`${CLASS[kind]}#searchKnn filter`, () => makeIndex(kind).searchKnn([0, 1, 2], 2, thrower)]];
  if (kind === 'hnsw') {
    calls.push(['HierarchicalNSW#addItemsSync onProgress while rows run', () => {
      const { index, data } = slow();
      return index.addItemsSync(data, undefined, { numThreads: 1, onProgress: thrower });
    }]);
    calls.push(['HierarchicalNSW#addItems onProgress while rows run', () => {
      const { index, data } = slow();
      return index.addItems(data, undefined, { numThreads: 1, onProgress: thrower });
    }]);
  }
  for (const method of ['addItemsSync', 'addItems']) {
    calls.push([`${CLASS[kind]}#${method} onProgress at the end`, () => makeIndex(kind)[method]([[9, 9, 9]], [30], { onProgress: thrower })]);
  }
  return calls;
}

describe('a Proxy thrown from a callback', () => {
  const cases = KINDS.flatMap((kind) => throwingCalls(kind, null).map(([name], i) => [name, kind, i] as const));

  it.each(cases)('%s comes back as the same Proxy, with none of its traps run (all traps throwing)', async (_name, kind, i) => {
    const log: string[] = [];
    const proxy = hostileProxy(log);
    const { threw, value } = await thrownBy(throwingCalls(kind, proxy)[i][1]);
    expect({ threw, same: value === proxy, traps: log }).toEqual({ threw: true, same: true, traps: [] });
  }, 30_000);

  it.each(cases)('%s comes back as the same revoked Proxy', async (_name, kind, i) => {
    const proxy = revokedProxy();
    const { threw, value } = await thrownBy(throwingCalls(kind, proxy)[i][1]);
    expect({ threw, same: value === proxy }).toEqual({ threw: true, same: true });
  }, 30_000);
});

// ---- signal-like objects --------------------------------------------------------------------------------------

/** The duck type `signal` accepts, calling its abort listener as soon as it is added; `aborted` stays false. */
function eagerSignal(): object {
  return { aborted: false, addEventListener: (_type: string, listener: () => void) => listener(), removeEventListener: () => undefined };
}

function expectAbortError(err: unknown): void {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; insertedLabels?: unknown };
  expect({ name: e.name, code: e.code, message: e.message, inserted: Array.from(e.insertedLabels as Float64Array) }).toEqual({
    name: 'AbortError',
    code: 'ABORT_ERR',
    message: 'The operation was aborted',
    inserted: [],
  });
}

describe('a signal-like object that calls its abort listener as it is added', () => {
  it.each(KINDS.map((kind) => [CLASS[kind], kind] as const))('%s#addItems rejects with the AbortError', async (_cls, kind) => {
    const index = makeIndex(kind);
    expectAbortError(await failureOf(() => index.addItems([[9, 9, 9], [8, 8, 8]], [20, 21], { signal: eagerSignal() })));
    expect(index.getCurrentCount()).toBe(4);
  });

  it.each(KINDS.flatMap((kind) => [false, true].map((progress) => [CLASS[kind], progress, kind] as const)))(
    '%s#addItemsSync throws the AbortError (onProgress given: %s)',
    async (_cls, progress, kind) => {
      const index = makeIndex(kind);
      const options = { signal: eagerSignal(), onProgress: progress ? () => undefined : undefined };
      expectAbortError(await failureOf(() => index.addItemsSync([[9, 9, 9], [8, 8, 8]], [20, 21], options)));
      expect(index.getCurrentCount()).toBe(4);
    },
  );
});

// ---- option getters -------------------------------------------------------------------------------------------

type Method = 'addItems' | 'addItemsSync' | 'searchKnnBatch' | 'searchKnnBatchSync';
const METHODS: Method[] = ['addItems', 'addItemsSync', 'searchKnnBatch', 'searchKnnBatchSync'];

/** The options each method reads on each class, in the order it reads them, and a valid value for each. */
function optionKeys(kind: Kind, method: Method): string[] {
  if (method.startsWith('add')) return kind === 'hnsw' ? ['numThreads', 'replaceDeleted', 'onProgress', 'signal'] : ['numThreads', 'onProgress', 'signal'];
  return kind === 'hnsw' ? ['numThreads', 'ef', 'filter'] : ['numThreads', 'filter'];
}
const VALID: Record<string, unknown> = { numThreads: 1, replaceDeleted: false, onProgress: undefined, signal: undefined, ef: 10, filter: undefined };

/** The name the messages give the vectors of `method`. */
const argName = (method: Method): string => (method.startsWith('add') ? 'vectors' : 'queries');

/** Calls `method` as a Promise either way (searches ask for k = 2). */
function call(index: Loose, method: Method, data: unknown, options: object): Promise<unknown> {
  return failureOf(() => (method.startsWith('add') ? index[method](data, undefined, options) : index[method](data, 2, options)));
}

/** An options object whose `key` is a getter that runs `effect` and returns a valid value. */
function withGetter(key: string, effect: () => void): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      effect();
      return VALID[key];
    },
  });
}

const GETTER_CASES = KINDS.flatMap((kind) =>
  METHODS.flatMap((method) => optionKeys(kind, method).map((key) => [CLASS[kind], method, key, kind] as const)),
);

describe('option getters', () => {
  it.each(KINDS.flatMap((kind) => METHODS.map((method) => [CLASS[kind], method, kind] as const)))(
    '%s#%s reads each option once, before any vector',
    async (_cls, method, kind) => {
      const index = makeIndex(kind);
      const log: string[] = [];
      const options = {};
      for (const key of optionKeys(kind, method)) {
        Object.defineProperty(options, key, {
          enumerable: true,
          get() {
            log.push(key);
            return VALID[key];
          },
        });
      }
      const rows = [[1, 2, 3], [4, 5, 6]];
      Object.defineProperty(rows, 0, {
        get() {
          log.push('row 0');
          return [1, 2, 3];
        },
      });
      const job = method.startsWith('add') ? index[method](rows, [50, 51], options) : index[method](rows, 2, options);
      await job;
      expect(log).toEqual([...optionKeys(kind, method), 'row 0']);
    },
  );

  it.each(GETTER_CASES)('%s#%s: a `%s` getter that writes NaN into the vectors gives the RangeError for that element', async (_cls, method, key, kind) => {
    const index = makeIndex(kind);
    const data = Float32Array.from([10, 11, 12, 13, 14, 15]);
    const err = await call(index, method, data, withGetter(key, () => (data[1] = NaN)));
    expectError(err, 'RangeError', `Expected \`${argName(method)}[0][1]\` to be a finite number but received NaN`, 'ERR_OUT_OF_RANGE');
    expect(index.getCurrentCount()).toBe(4);
  });

  it.each(GETTER_CASES)('%s#%s: a `%s` getter that detaches the vectors gives a TypeError, not an empty batch', async (_cls, method, key, kind) => {
    const index = makeIndex(kind);
    const data = Float32Array.from([10, 11, 12, 13, 14, 15]);
    const err = await call(index, method, data, withGetter(key, () => structuredClone(data, { transfer: [data.buffer] })));
    expectError(
      err,
      'TypeError',
      `Expected \`${argName(method)}\` to be a Float32Array whose buffer is not detached but received a detached Float32Array`,
      'ERR_INVALID_ARG_TYPE',
    );
    expect(index.getCurrentCount()).toBe(4);
  });
});

// ---- another thread writing the vectors -----------------------------------------------------------------------

/**
 * A worker that writes NaN into float `index` of `data` once per round, a round's delay after the round starts
 * (see test/helpers/nan-writer-worker.js). `round(delayMicros)` restores the float to 1 and starts a round.
 */
async function nanWriter(data: Float32Array, index: number): Promise<{ round: (delayMicros: number) => void; stop: () => Promise<void> }> {
  const control = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(path.join(HELPERS, 'nan-writer-worker.js'), {
    workerData: { buffer: data.buffer, index: data.byteOffset / 4 + index, control: control.buffer },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    round: (delayMicros) => {
      data[index] = 1;
      Atomics.store(control, 2, delayMicros);
      Atomics.add(control, 0, 1);
    },
    stop: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      Atomics.store(control, 1, 1);
      await exited;
    },
  };
}

/** `rows` x `dim` random floats in a SharedArrayBuffer. */
function sharedVectors(rows: number, dim: number, seed: number): Float32Array {
  const data = new Float32Array(new SharedArrayBuffer(rows * dim * 4));
  data.set(randomVectors(rows, dim, seed));
  return data;
}

/**
 * The delays of the rounds, in microseconds: spread so that, however fast the machine, some rounds write while the
 * call reads the rest of the batch after checking the float (an unchecked read then stores or searches the NaN).
 */
const RACE_DELAYS = [250, 500, 1000, 1500, 2500].flatMap((delay) => [delay, delay]);

/** Batches of 2^18 floats: checking and copying them takes long enough that a write lands among them. */
const RACE_ROWS = 64;
const RACE_DIM = 4096;

describe('vectors in a SharedArrayBuffer that another thread writes meanwhile', () => {
  const addCases = KINDS.flatMap((kind) => (['addItems', 'addItemsSync'] as const).map((method) => [CLASS[kind], method, kind] as const));

  it.each(addCases)('%s#%s rejects the row with the RangeError or stores it finite, never NaN', async (_cls, method, kind) => {
    const data = sharedVectors(RACE_ROWS, RACE_DIM, 7);
    const writer = await nanWriter(data, 1);
    let storedNaN = 0;
    try {
      for (const delay of RACE_DELAYS) {
        const index = makeIndex(kind, 0, RACE_ROWS, RACE_DIM);
        let labels: Float64Array = new Float64Array(0);
        writer.round(delay);
        const err = await errorOf(async () => {
          labels = await index[method](data, undefined, { numThreads: 1 });
        });
        if (err !== undefined) {
          expectError(err, 'RangeError', 'Expected `vectors[0][1]` to be a finite number but received NaN', 'ERR_OUT_OF_RANGE');
          // Rows before the failure stay, and are listed; a failure before any row lists none.
          labels = (err as { insertedLabels?: Float64Array }).insertedLabels ?? new Float64Array(0);
        }
        const stored = storedVectors(index, kind, RACE_DIM);
        expect([...stored.keys()].sort((a, b) => a - b)).toEqual(Array.from(labels).sort((a, b) => a - b));
        for (const vector of stored.values()) if (!allFinite(vector)) storedNaN++;
      }
    } finally {
      await writer.stop();
    }
    expect(storedNaN).toBe(0);
  }, 60_000);

  const searchCases = KINDS.flatMap((kind) =>
    (['searchKnnBatch', 'searchKnnBatchSync'] as const).map((method) => [CLASS[kind], method, kind] as const),
  );

  it.each(searchCases)('%s#%s rejects the query with the RangeError or searches it finite, never NaN', async (_cls, method, kind) => {
    const index = makeIndex(kind, 0, 20, RACE_DIM);
    index.addItemsSync(randomVectors(20, RACE_DIM, 8));
    const queries = sharedVectors(RACE_ROWS, RACE_DIM, 9);
    const writer = await nanWriter(queries, 1);
    let nanSearched = 0;
    try {
      for (const delay of RACE_DELAYS) {
        let result: { distances: Float32Array; found: Uint32Array } | undefined;
        writer.round(delay);
        const err = await errorOf(async () => {
          result = await index[method](queries, 3, { numThreads: 1 });
        });
        if (err !== undefined) {
          expectError(err, 'RangeError', 'Expected `queries[0][1]` to be a finite number but received NaN', 'ERR_OUT_OF_RANGE');
          continue;
        }
        // A NaN query has no finite distance to anything.
        const row0 = result!.distances.subarray(0, result!.found[0]);
        if (result!.found[0] === 0 || !allFinite(row0)) nanSearched++;
      }
    } finally {
      await writer.stop();
    }
    expect(nanSearched).toBe(0);
  }, 60_000);
});

// ---- a buffer that changes while a Promise form copies it -----------------------------------------------------

describe('a batch that changes length while a Promise form copies it, a slice per event-loop turn', () => {
  const SLICE = 1 << 17;

  it.each(KINDS.map((kind) => [CLASS[kind], kind] as const))(
    '%s#addItems and #searchKnnBatch say what happened when the Float32Array is transferred between slices',
    async (_cls, kind) => {
      const index = makeIndex(kind, 4, 10, 4);
      for (const [method, name] of [['addItems', 'vectors'], ['searchKnnBatch', 'queries']] as const) {
        const data = new Float32Array(SLICE + 8).fill(0.5);
        const job = method === 'addItems' ? index.addItems(data) : index.searchKnnBatch(data, 1);
        structuredClone(data, { transfer: [data.buffer] });
        await expectFailure(
          () => job,
          'TypeError',
          `\`${name}\` changed length while ${method} was reading it (from ${SLICE + 8} to 0 floats): ` +
            'do not transfer, detach or resize it until the Promise settles',
          'ERR_INVALID_ARG_VALUE',
        );
      }
      expect(index.getCurrentCount()).toBe(4);
    },
  );

  it.each(KINDS.map((kind) => [CLASS[kind], kind] as const))(
    '%s#addItems and #searchKnnBatch say what happened when rows are removed from the array between slices',
    async (_cls, kind) => {
      const dim = 1024;
      const index = makeIndex(kind, 4, 10, dim);
      for (const [method, name] of [['addItems', 'vectors'], ['searchKnnBatch', 'queries']] as const) {
        const rows = Array.from({ length: SLICE / dim + 1 }, () => new Array<number>(dim).fill(0.5));
        const job = method === 'addItems' ? index.addItems(rows) : index.searchKnnBatch(rows, 1);
        rows.length = 3;
        await expectFailure(
          () => job,
          'TypeError',
          `\`${name}\` changed length while ${method} was reading it (from ${SLICE / dim + 1} to 3 rows): ` +
            'do not transfer, detach or resize it until the Promise settles',
          'ERR_INVALID_ARG_VALUE',
        );
      }
      expect(index.getCurrentCount()).toBe(4);
    },
  );
});

// ---- result sizes ---------------------------------------------------------------------------------------------

interface ChildLine {
  name: string;
  k?: number;
  count?: number;
  labels?: number[];
  distances?: number[];
  found?: number[];
  error?: { name: string; code: string; message: string };
}

// Under AddressSanitizer (scripts/test-sanitize.sh) the process reserves terabytes of shadow memory at start, which
// a limit on its address space forbids: there the children run unlimited, and the case that needs the limit to make
// an allocation fail is left to the plain run.
const underSanitizer = process.env.HNSWKIT_SANITIZE === '1';

/**
 * Runs test/helpers/big-k-child.js in a process limited to 3 GB of address space (except under the sanitizer); a
 * crash fails the test.
 */
function runBigK(scenario: string): ChildLine[] {
  const limit = underSanitizer ? '' : 'ulimit -v 3000000; ';
  const command = `${limit}exec "$0" -r "$1" "$2" "$3"`;
  const r = spawnSync(
    'sh',
    ['-c', command, process.execPath, path.join(HELPERS, 'register-ts.js'), path.join(HELPERS, 'big-k-child.js'), scenario],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.status !== 0 || r.signal !== null) {
    throw new Error(`the child exited with ${r.status} (${r.signal}):\n${r.stdout}\n${r.stderr.slice(0, 2000)}`);
  }
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ChildLine);
}

describe('searchKnnBatch result sizes', () => {
  it('caps the stride at the element count: k 2^32 or 10^9 on a 1-element index gives 1 slot per row', () => {
    const lines = runBigK('beyond-count');
    const names = KINDS.flatMap((kind) =>
      [2 ** 32, 1e9].flatMap((k) => [`${kind} searchKnnBatchSync k=${k}`, `${kind} searchKnnBatch k=${k}`]),
    );
    expect(lines.map((line) => line.name)).toEqual(names);
    for (const line of lines) {
      // One query with k 2^32, four with k 10^9.
      const rows = line.name.endsWith(`k=${2 ** 32}`) ? 1 : 4;
      expect(line).toEqual({
        name: line.name,
        k: 1,
        count: rows,
        labels: Array(rows).fill(7),
        distances: Array(rows).fill(0),
        found: Array(rows).fill(1),
      });
    }
  });

  (underSanitizer ? it.skip : it)('fails with a RangeError naming k and the sizes when the results cannot be allocated, and the index still works', () => {
    const lines = runBigK('too-large');
    const message = (queries: number, slots: number, bytes: number, k: number): string =>
      `Expected \`k\` to be small enough that the results fit in memory (${queries} queries × ${slots} slots: ` +
      `${bytes} bytes could not be allocated) but received ${k}`;
    const tooLarge = (name: string, queries: number, count: number): ChildLine => ({
      name,
      error: { name: 'RangeError', code: 'ERR_OUT_OF_MEMORY', message: message(queries, count, queries * count * 12 + queries * 4, count) },
    });
    const after = (name: string): ChildLine => ({ name, k: 1, count: 2, labels: [0, 0], distances: [0, 0], found: [1, 1] });
    expect(lines).toEqual([
      tooLarge('hnsw searchKnnBatchSync', 50000, 20000),
      tooLarge('hnsw searchKnnBatch', 50000, 20000),
      after('hnsw searchKnnBatchSync after'),
      tooLarge('brute searchKnnBatchSync', 10000, 100000),
      tooLarge('brute searchKnnBatch', 10000, 100000),
      after('brute searchKnnBatchSync after'),
    ]);
  });
});
