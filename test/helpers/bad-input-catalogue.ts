// The bad-input catalogue as data: every kind of bad input the public API can receive, the error each gets, and
// the calls that prove it. docs/bad-input.md is rendered from this module (renderCatalogue) and
// test/bad-input.test.ts runs every call of every row, so the document and the tests cannot drift apart.
//
// A row's message is a template: `{name}` is filled from each call's `vars`, `{*}` matches anything (a pid, a
// timestamp). The document shows `{name}` as `<name>` and `{*}` as `…`, and lists the values each placeholder takes.

import * as assert from 'assert';
import { constants as bufferConstants } from 'buffer';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space } from 'hnswkit';
import { hostileProxy } from './hostile-proxy';

// ---- the shape of a row ---------------------------------------------------------------------------------------

/** Any method callable with any arguments: the API as untyped JavaScript sees it. */
export type Loose = Record<string, (...args: any[]) => any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a row's input leads to. */
export type Outcome =
  /** An error of this constructor name, `code` (undefined: none) and message template. */
  | { kind: 'error'; cls: string; code: string | undefined; message: string; classNote?: string }
  /** The caller's own exception comes back unchanged; each call checks it. */
  | { kind: 'rethrown'; text: string }
  /** Not an error; each call checks the result. */
  | { kind: 'accepted'; text: string };

export interface Call {
  /** `HierarchicalNSW#addPoint`, `new L2Space`, ... */
  method: string;
  /** Distinguishes calls of one method in a row, e.g. `Float32Array`. */
  variant?: string;
  /** Synchronous throw (default for errors) or a rejected Promise. */
  mode?: 'throws' | 'rejects';
  /** Values for the message template's placeholders. */
  vars?: Record<string, string>;
  run: (env: Env) => unknown;
  /** Accepted and rethrown rows: asserts on the result (or the caught value). Error rows: extra checks after it. */
  check?: (outcome: unknown, env: Env) => void;
  /** The call legitimately changes an index it created, so the byte-identity check is skipped. */
  mutates?: boolean;
  /** Runs with this directory as the working directory (for paths relative to it). */
  cwd?: (env: Env) => string;
}

export interface Row {
  /** Stable key, e.g. `vector-nan`. */
  id: string;
  /** The bad input, in Markdown. */
  input: string;
  /** More about the row, in Markdown (shown under the input). */
  note?: string;
  outcome: Outcome;
  calls: Call[];
  /**
   * A row proven elsewhere: the test file and the exact test title there, and the methods it covers as the
   * document shows them (default: the four write methods).
   */
  testedIn?: { file: string; title: string; methods?: string };
  /** The values a placeholder takes, for a row whose calls are elsewhere (testedIn). */
  examples?: Record<string, string[]>;
}

export interface Group {
  title: string;
  /** A paragraph above the group's table, in Markdown. */
  intro?: string;
  rows: Row[];
}

// ---- the environment calls run in -----------------------------------------------------------------------------

const DIM = 3;

/** The vector stored under label i in the catalogue's indexes: [i, i+1, ..., i+dim-1]. */
export function vec(i: number, dim = DIM): number[] {
  return Array.from({ length: dim }, (_, j) => i + j);
}

interface Tracked {
  index: Loose;
  /** The bytes of toBufferSync when tracked; null for an index that was not initialised. */
  bytes: Buffer | null;
}

export interface IndexOptions {
  capacity?: number;
  count?: number;
  dim?: number;
  allowReplaceDeleted?: boolean;
  deleted?: number[];
}

type LooseClass = new (...args: unknown[]) => Loose;
export const H = HierarchicalNSW as unknown as LooseClass;
export const B = BruteforceSearch as unknown as LooseClass;
export const L2 = L2Space as unknown as LooseClass;
export const IP = InnerProductSpace as unknown as LooseClass;

/**
 * Builds what a call needs and remembers every index it built, so the runner can check afterwards that a failed call
 * changed nothing (same serialised bytes; an uninitialised index still uninitialised) and the index still answers.
 */
export class Env {
  readonly tracked: Tracked[] = [];
  readonly deferred: Promise<unknown>[] = [];

  constructor(readonly dir: string) {}

  /** An l2 HierarchicalNSW of dimension 3 (default), capacity 10, labels 0..3 holding vec(label). */
  hnsw(options: IndexOptions = {}): Loose {
    const { capacity = 10, count = 4, dim = DIM, allowReplaceDeleted = false, deleted = [] } = options;
    const index = new H('l2', dim);
    index.initIndex(capacity, 16, 200, 100, allowReplaceDeleted);
    for (let i = 0; i < count; i++) index.addPoint(vec(i, dim), i);
    for (const label of deleted) index.markDelete(label);
    return this.track(index);
  }

  /** An l2 BruteforceSearch of dimension 3 (default), capacity 10, labels 0..3 holding vec(label). */
  brute(options: IndexOptions = {}): Loose {
    const { capacity = 10, count = 4, dim = DIM } = options;
    const index = new B('l2', dim);
    index.initIndex(capacity);
    for (let i = 0; i < count; i++) index.addPoint(vec(i, dim), i);
    return this.track(index);
  }

  /** A HierarchicalNSW that was constructed but never initialised. */
  bareHnsw(dim = DIM): Loose {
    return this.track(new H('l2', dim));
  }

  /** A BruteforceSearch that was constructed but never initialised. */
  bareBrute(dim = DIM): Loose {
    return this.track(new B('l2', dim));
  }

  /** Starts tracking an index in its present state. */
  track(index: Loose): Loose {
    let bytes: Buffer | null = null;
    if (index.getMaxElements() > 0 || isInitialised(index)) bytes = index.toBufferSync();
    this.tracked.push({ index, bytes });
    return index;
  }

  /** A path in the catalogue's temporary directory. */
  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** Writes bytes to a file in the temporary directory and returns its path. */
  write(name: string, bytes: Uint8Array): string {
    const file = this.path(name);
    fs.writeFileSync(file, bytes);
    return file;
  }

  /** The file format of a small index of either kind (untracked), dimension 3 unless given. */
  bytesOf(kind: 'hnsw' | 'brute', dim = DIM): Buffer {
    const index = kind === 'hnsw' ? new H('l2', dim) : new B('l2', dim);
    index.initIndex(kind === 'hnsw' ? 10 : 3);
    index.addPoint(vec(1, dim), 1);
    return index.toBufferSync();
  }

  /** The runner awaits these (settled either way) before checking the tracked indexes. */
  defer(promise: Promise<unknown>): void {
    this.deferred.push(promise.catch(() => undefined));
  }
}

/** Makes a FIFO at `file` unless one is there (rows run their calls one after another in one directory). */
function makeFifo(file: string): void {
  if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFIFO()) return;
  const made = spawnSync('mkfifo', [file], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${file} failed: ${made.stderr}`);
}

/** Makes a symbolic link at `file` unless one is there. */
function makeSymlink(target: string, file: string): void {
  if (!fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) fs.symlinkSync(target, file);
}

function isInitialised(index: Loose): boolean {
  try {
    index.toBufferSync();
    return true;
  } catch {
    return false;
  }
}

/** The check the runner applies to every tracked index after a call. */
export function checkTracked(env: Env, mutates: boolean): void {
  for (const { index, bytes } of env.tracked) {
    if (bytes === null) {
      assert.strictEqual(index.getMaxElements(), 0, 'an uninitialised index stays uninitialised');
      assert.throws(() => index.toBufferSync(), (err: { code?: string }) => err.code === 'ERR_NOT_INITIALIZED');
      continue;
    }
    if (!mutates) assert.ok(index.toBufferSync().equals(bytes), 'a failed call leaves the index byte for byte as it was');
    if (index.getMaxElements() > 0) {
      const found = index.searchKnn(vec(0, index.getNumDimensions()), 1) as { neighbors: number[] };
      assert.ok(Array.isArray(found.neighbors), 'the index still answers searchKnn');
    }
  }
}

/**
 * Deep equality of plain data across realms: values made by the addon or by Node's core modules come from the
 * main realm, where jest's test realm sees other Array and Object prototypes, so both sides go through JSON here.
 */
export function assertJson(actual: unknown, expected: unknown): void {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)));
}

/** Catches what `fn` throws (undefined marks "nothing thrown" via `threw`). */
export function caught(fn: () => unknown): { threw: boolean; value: unknown } {
  try {
    fn();
    return { threw: false, value: undefined };
  } catch (value) {
    return { threw: true, value };
  }
}

// ---- small builders -------------------------------------------------------------------------------------------

const err = (cls: string, code: string | undefined, message: string, classNote?: string): Outcome => ({
  kind: 'error',
  cls,
  code,
  message,
  classNote,
});
const accepted = (text: string): Outcome => ({ kind: 'accepted', text });

const NOT_INITIALIZED = 'Search index has not been initialized, call `initIndex` in advance.';
const LABEL_BOUNDS = 'an integer between 0 and 9007199254740991';
const TOO_BIG_FOR_FLOAT32 = '±3.4028234663852886e+38';

/** A batch of two rows, [vec(20), vec(21)], with labels 20 and 21. */
const TWO_ROWS = (): number[][] => [vec(20), vec(21)];

/** Asserts that a value is the given object, and that the catalogue's indexes still work. */
function sameObject(expected: unknown): (outcome: unknown) => void {
  return (outcome) => assert.strictEqual(outcome, expected);
}

/** A filter that throws `value` on its first call, for the rethrow rows. */
function throwingFilter(value: unknown): () => never {
  return () => {
    throw value;
  };
}

/** Calls `run` with a filter throwing `value` and returns what came out, so `check` can compare identity. */
function rethrowCall(method: string, variant: string, value: unknown, make: (env: Env) => Loose): Call {
  return {
    method,
    variant,
    run: (env) => {
      const index = make(env);
      const { threw, value: out } = caught(() => index.searchKnn(vec(0), 2, throwingFilter(value)));
      assert.ok(threw, 'searchKnn rethrows what the filter threw');
      return out;
    },
    check: sameObject(value),
  };
}

/** An options object whose `key` is a getter that runs `effect` first, then returns `value`. */
function getterOptions(key: string, value: unknown, effect: () => void): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      effect();
      return value;
    },
  });
}

/** Transfers a typed array's buffer away, leaving the array detached (length 0). */
function detach(array: Float32Array): Float32Array {
  structuredClone(array, { transfer: [array.buffer] });
  return array;
}

/** More rows of dimension 3 than a Promise form copies in one event-loop turn (2^20 floats), all finite. */
function twoSlices(): Float32Array {
  return new Float32Array(3 * (Math.floor(2 ** 20 / 3) + 1)).fill(0.5);
}


/**
 * Runs `run` with a function that throws a Proxy whose traps all throw, and returns whether `run` threw that very
 * Proxy and which of its traps ran (none may).
 */
async function proxyThrownThrough(run: (thrower: () => never) => unknown): Promise<{ same: boolean; traps: string[] }> {
  const traps: string[] = [];
  const proxy = hostileProxy(traps);
  let thrown: unknown;
  try {
    await (run(() => {
      throw proxy;
    }) as Promise<unknown>);
  } catch (value) {
    thrown = value;
  }
  return { same: thrown === proxy, traps };
}

/** Starts an addItems job that is still in flight when the call right after it runs (it settles on the JS thread). */
function withJob(env: Env, index: Loose): void {
  env.defer(index.addItems([vec(7)], [7], { numThreads: 1 }) as Promise<unknown>);
}

/** Starts a fromBuffer load that is still in flight when the call right after it runs. */
function withLoad(env: Env, index: Loose, kind: 'hnsw' | 'brute'): void {
  env.defer(index.fromBuffer(env.bytesOf(kind)) as Promise<unknown>);
}

// ---- the catalogue --------------------------------------------------------------------------------------------

export const CATALOGUE: Group[] = [
  {
    title: 'Calling the classes',
    rows: [
      {
        id: 'no-new',
        input: 'a class called without `new`',
        outcome: err('TypeError', undefined, "Class constructor {cls} cannot be invoked without 'new'", 'TypeError (V8)'),
        calls: (['HierarchicalNSW', 'BruteforceSearch', 'L2Space', 'InnerProductSpace'] as const).map((cls) => ({
          method: cls,
          vars: { cls },
          run: () => (({ HierarchicalNSW, BruteforceSearch, L2Space, InnerProductSpace })[cls] as unknown as (...a: unknown[]) => unknown)('l2', 3),
        })),
      },
      {
        id: 'foreign-receiver',
        input: 'an index method called on an object that is not an instance (`HierarchicalNSW.prototype.getEf.call({})`, a bare `Object.create(prototype)`)',
        outcome: err('TypeError', undefined, 'Receiver must be an instance of class {cls}', 'TypeError (V8)'),
        calls: [
          { method: 'HierarchicalNSW#getEf', vars: { cls: 'HierarchicalNSW' }, run: () => (H.prototype as Loose).getEf.call({}) },
          {
            method: 'HierarchicalNSW#addPoint',
            vars: { cls: 'HierarchicalNSW' },
            run: () => (H.prototype as Loose).addPoint.call(Object.create(H.prototype), vec(0), 0),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            vars: { cls: 'BruteforceSearch' },
            run: () => (B.prototype as Loose).searchKnn.call({}, vec(0), 1),
          },
        ],
      },
      {
        id: 'foreign-receiver-space',
        input: 'a space method called on an object that is not an instance',
        outcome: err('TypeError', undefined, 'Cannot read private member #dim from an object whose class did not declare it', 'TypeError (V8)'),
        calls: [
          { method: 'L2Space#distance', run: () => (L2.prototype as Loose).distance.call({}, vec(0), vec(1)) },
          { method: 'InnerProductSpace#getNumDimensions', run: () => (IP.prototype as Loose).getNumDimensions.call({}) },
        ],
      },
      {
        id: 'too-few-args',
        input: 'too few arguments',
        outcome: err('Error', 'ERR_INVALID_ARG_COUNT', 'Expected {n} arguments, but got {got}.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { n: '2', got: '0' }, run: () => new H() },
          { method: 'new BruteforceSearch', vars: { n: '2', got: '1' }, run: () => new B('l2') },
          { method: 'new L2Space', vars: { n: '1', got: '0' }, run: () => new L2() },
          { method: 'HierarchicalNSW#initIndex', vars: { n: '1-5', got: '0' }, run: (e) => e.bareHnsw().initIndex() },
          { method: 'HierarchicalNSW#readIndexSync', vars: { n: '1-2', got: '0' }, run: (e) => e.hnsw().readIndexSync() },
          { method: 'HierarchicalNSW#readIndex', variant: 'throws synchronously', vars: { n: '1-2', got: '0' }, run: (e) => e.hnsw().readIndex() },
          { method: 'HierarchicalNSW#addPoint', vars: { n: '2-3', got: '1' }, run: (e) => e.hnsw().addPoint(vec(9)) },
          { method: 'HierarchicalNSW#searchKnn', vars: { n: '2-3', got: '1' }, run: (e) => e.hnsw().searchKnn(vec(0)) },
          { method: 'BruteforceSearch#searchKnn', vars: { n: '2-3', got: '0' }, run: (e) => e.brute().searchKnn() },
          { method: 'HierarchicalNSW#markDelete', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().markDelete() },
          { method: 'HierarchicalNSW#getPoint', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().getPoint() },
          { method: 'HierarchicalNSW#setEf', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().setEf() },
          { method: 'HierarchicalNSW#resizeIndex', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().resizeIndex() },
          { method: 'HierarchicalNSW#writeIndexSync', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().writeIndexSync() },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', vars: { n: '1', got: '0' }, run: (e) => e.hnsw().writeIndex() },
          { method: 'BruteforceSearch#initIndex', vars: { n: '1', got: '0' }, run: (e) => e.bareBrute().initIndex() },
          { method: 'BruteforceSearch#removePoint', vars: { n: '1', got: '0' }, run: (e) => e.brute().removePoint() },
          { method: 'L2Space#distance', vars: { n: '2', got: '1' }, run: () => new L2(3).distance(vec(0)) },
        ],
      },
      {
        id: 'too-many-args',
        input: 'too many arguments to a fixed-arity method',
        outcome: err('Error', 'ERR_INVALID_ARG_COUNT', 'Expected {n} arguments, but got {got}.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { n: '2', got: '3' }, run: () => new H('l2', 3, 16) },
          { method: 'new InnerProductSpace', vars: { n: '1', got: '2' }, run: () => new IP(3, 4) },
          { method: 'BruteforceSearch#addPoint', vars: { n: '2', got: '3' }, run: (e) => e.brute().addPoint(vec(9), 9, true) },
          { method: 'BruteforceSearch#initIndex', vars: { n: '1', got: '2' }, run: (e) => e.bareBrute().initIndex(10, 16) },
          { method: 'BruteforceSearch#readIndexSync', vars: { n: '1', got: '2' }, run: (e) => e.brute().readIndexSync('a', 'b') },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { n: '1', got: '2' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(1, 2) },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', vars: { n: '1', got: '2' }, run: (e) => e.hnsw().writeIndex(e.path('x.bin'), 1) },
          { method: 'L2Space#distance', vars: { n: '2', got: '3' }, run: () => new L2(3).distance(vec(0), vec(1), vec(2)) },
        ],
      },
      {
        id: 'extra-args-variadic',
        input: 'extra arguments after the last one `initIndex`, `searchKnn`, `HierarchicalNSW#addPoint` and `readIndex*` take',
        outcome: accepted('no error: ignored, as hnswlib-node ignores them'),
        calls: [
          {
            method: 'HierarchicalNSW#initIndex',
            run: (e) => {
              const index = e.hnsw();
              index.initIndex(5, 16, 200, 1, false, 'extra');
              return index.getMaxElements();
            },
            check: (out) => assert.strictEqual(out, 5),
            mutates: true,
          },
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 1, undefined, 'extra'),
            check: (out) => assertJson(out, { distances: [0], neighbors: [0] }),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            run: (e) => e.brute().searchKnn(vec(0), 1, undefined, 'extra'),
            check: (out) => assertJson(out, { distances: [0], neighbors: [0] }),
          },
          {
            method: 'HierarchicalNSW#addPoint',
            run: (e) => {
              const index = e.hnsw();
              index.addPoint(vec(9), 9, false, 'extra');
              return index.getCurrentCount();
            },
            check: (out) => assert.strictEqual(out, 5),
            mutates: true,
          },
        ],
      },
    ],
  },
  {
    title: "Argument types (hnswlib-node's messages)",
    intro:
      "The methods hnswlib-node 3.0.0 has keep its exact messages for a wrong argument type, typos included. The " +
      'ordinal names the position of the argument.',
    rows: [
      {
        id: 'space-not-string',
        input: 'a space name that is not a string',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a string.'),
        calls: [
          { method: 'new HierarchicalNSW', variant: 'number', run: () => new H(1, 3) },
          { method: 'new BruteforceSearch', variant: 'null', run: () => new B(null, 3) },
          { method: 'new HierarchicalNSW', variant: 'undefined', run: () => new H(undefined, 3) },
        ],
      },
      {
        id: 'space-unknown',
        input: 'an unknown space name (`"L2"`, `"euclidean"`, `""`)',
        outcome: err('Error', 'ERR_INVALID_ARG_VALUE', 'Wrong space name, expected "l2", "ip", or "cosine".'),
        calls: [
          { method: 'new HierarchicalNSW', variant: 'L2', run: () => new H('L2', 3) },
          { method: 'new BruteforceSearch', variant: 'euclidean', run: () => new B('euclidean', 3) },
          { method: 'new HierarchicalNSW', variant: 'empty', run: () => new H('', 3) },
        ],
      },
      {
        id: 'dimension-not-number',
        input: 'a dimension that is not a number (a string, a BigInt, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { ord: 'second' }, run: () => new H('l2', '3') },
          { method: 'new BruteforceSearch', vars: { ord: 'second' }, run: () => new B('l2', 3n) },
          { method: 'new L2Space', vars: { ord: 'first' }, run: () => new L2('3') },
          { method: 'new InnerProductSpace', vars: { ord: 'first' }, run: () => new IP(null) },
        ],
      },
      {
        id: 'vector-not-array',
        input: 'a vector that is neither an Array nor a Float32Array (a string, a Float64Array or other typed array, an array-like object, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be an Array.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', variant: 'string', vars: { ord: 'first' }, run: (e) => e.hnsw().addPoint('abc', 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float64Array', vars: { ord: 'first' }, run: (e) => e.hnsw().addPoint(new Float64Array(3), 9) },
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'array-like',
            vars: { ord: 'first' },
            run: (e) => e.hnsw().searchKnn({ length: 3, 0: 1, 1: 2, 2: 3 }, 1),
          },
          { method: 'BruteforceSearch#addPoint', variant: 'Uint8Array', vars: { ord: 'first' }, run: (e) => e.brute().addPoint(new Uint8Array(3), 9) },
          { method: 'BruteforceSearch#searchKnn', variant: 'null', vars: { ord: 'first' }, run: (e) => e.brute().searchKnn(null, 1) },
          { method: 'L2Space#distance', variant: 'Int16Array', vars: { ord: 'second' }, run: () => new L2(3).distance(vec(0), new Int16Array(3)) },
          { method: 'InnerProductSpace#distance', variant: 'undefined', vars: { ord: 'first' }, run: () => new IP(3).distance(undefined, vec(0)) },
        ],
      },
      {
        id: 'label-not-number',
        input: 'a label that is not a number (a numeric string, a BigInt, `null`, `undefined`, a boolean)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', variant: 'string', vars: { ord: 'second' }, run: (e) => e.hnsw().addPoint(vec(9), '9') },
          { method: 'HierarchicalNSW#addPoint', variant: 'BigInt', vars: { ord: 'second' }, run: (e) => e.hnsw().addPoint(vec(9), 9n) },
          { method: 'BruteforceSearch#addPoint', vars: { ord: 'second' }, run: (e) => e.brute().addPoint(vec(9), null) },
          { method: 'HierarchicalNSW#markDelete', vars: { ord: 'first' }, run: (e) => e.hnsw().markDelete('1') },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { ord: 'first' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(undefined) },
          { method: 'HierarchicalNSW#getPoint', vars: { ord: 'first' }, run: (e) => e.hnsw().getPoint('1') },
          { method: 'BruteforceSearch#removePoint', vars: { ord: 'first' }, run: (e) => e.brute().removePoint(true) },
        ],
      },
      {
        id: 'k-not-number',
        input: 'a `numNeighbors` (k) that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the second argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', variant: 'string', run: (e) => e.hnsw().searchKnn(vec(0), '1') },
          { method: 'HierarchicalNSW#searchKnn', variant: 'BigInt', run: (e) => e.hnsw().searchKnn(vec(0), 1n) },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), null) },
        ],
      },
      {
        id: 'filter-not-function',
        input: 'a `searchKnn` filter that is not a function (`null` included; `undefined` means no filter)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the third argument type, must be a function.'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', variant: 'null', run: (e) => e.hnsw().searchKnn(vec(0), 1, null) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'string', run: (e) => e.hnsw().searchKnn(vec(0), 1, 'label > 2') },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), 1, {}) },
        ],
      },
      {
        id: 'flag-not-boolean',
        input: 'a flag that is not a boolean (`replaceDeleted`, `allowReplaceDeleted`; `undefined` means the default)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a boolean.'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { ord: 'third' }, run: (e) => e.hnsw().addPoint(vec(9), 9, 'true') },
          { method: 'HierarchicalNSW#initIndex', vars: { ord: 'fifth' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 100, 1) },
          { method: 'HierarchicalNSW#readIndexSync', vars: { ord: 'second' }, run: (e) => e.hnsw().readIndexSync(e.path('none.bin'), 'yes') },
          {
            method: 'HierarchicalNSW#readIndex',
            variant: 'throws synchronously',
            vars: { ord: 'second' },
            run: (e) => e.hnsw().readIndex(e.path('none.bin'), 0),
          },
        ],
      },
      {
        id: 'init-number-not-number',
        input: 'a positional `initIndex` argument that is not a number (`null` included)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the {ord} argument type, must be a number.'),
        note: '`sencond` (sic) is hnswlib-node\'s spelling.',
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements', vars: { ord: 'first' }, run: (e) => e.bareHnsw().initIndex('10') },
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements null', vars: { ord: 'first' }, run: (e) => e.bareHnsw().initIndex(null) },
          { method: 'HierarchicalNSW#initIndex', variant: 'm', vars: { ord: 'sencond' }, run: (e) => e.bareHnsw().initIndex(10, '16') },
          { method: 'HierarchicalNSW#initIndex', variant: 'efConstruction', vars: { ord: 'third' }, run: (e) => e.bareHnsw().initIndex(10, 16, '200') },
          { method: 'HierarchicalNSW#initIndex', variant: 'randomSeed', vars: { ord: 'fourth' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, '100') },
          { method: 'BruteforceSearch#initIndex', vars: { ord: 'first' }, run: (e) => e.bareBrute().initIndex('10') },
        ],
      },
      {
        id: 'other-number-not-number',
        input: 'an `ef` or `newMaxElements` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#setEf', run: (e) => e.hnsw().setEf('10') },
          { method: 'HierarchicalNSW#resizeIndex', run: (e) => e.hnsw().resizeIndex(null) },
        ],
      },
      {
        id: 'filename-not-string',
        input: 'a file name that is not a string (a number, a Buffer, `undefined`, an object)',
        note: 'The Promise forms throw this synchronously, as hnswlib-node does.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the first argument type, must be a string.'),
        calls: [
          { method: 'HierarchicalNSW#readIndexSync', run: (e) => e.hnsw().readIndexSync(1) },
          { method: 'HierarchicalNSW#readIndex', variant: 'throws synchronously', run: (e) => e.hnsw().readIndex(Buffer.from('x.bin')) },
          { method: 'HierarchicalNSW#writeIndexSync', run: (e) => e.hnsw().writeIndexSync(undefined) },
          { method: 'HierarchicalNSW#writeIndex', variant: 'throws synchronously', run: (e) => e.hnsw().writeIndex({}) },
          { method: 'BruteforceSearch#readIndexSync', run: (e) => e.brute().readIndexSync(1) },
          { method: 'BruteforceSearch#writeIndex', variant: 'throws synchronously', run: (e) => e.brute().writeIndex(1) },
        ],
      },
    ],
  },
  {
    title: 'initIndex, named form',
    intro: '`initIndex` takes the named form when its only argument is an object (an Array counts).',
    rows: [
      {
        id: 'named-missing-max',
        input: 'no `maxElements` key (`{}`, `{ m: 16 }`, `[]`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Missing named argument `maxElements`, must be specified.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: '{}', run: (e) => e.bareHnsw().initIndex({}) },
          { method: 'HierarchicalNSW#initIndex', variant: '{ m }', run: (e) => e.bareHnsw().initIndex({ m: 16 }) },
          { method: 'HierarchicalNSW#initIndex', variant: '[]', run: (e) => e.bareHnsw().initIndex([]) },
        ],
      },
      {
        id: 'named-not-number',
        input: 'a numeric key holding something else, `undefined` included (a present key must hold a value)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the named argument type `{key}`, must be a number.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'maxElements string', vars: { key: 'maxElements' }, run: (e) => e.bareHnsw().initIndex({ maxElements: '10' }) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'maxElements undefined',
            vars: { key: 'maxElements' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: undefined }),
          },
          { method: 'HierarchicalNSW#initIndex', variant: 'm undefined', vars: { key: 'm' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, m: undefined }) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'efConstruction null',
            vars: { key: 'efConstruction' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: 10, efConstruction: null }),
          },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'randomSeed BigInt',
            vars: { key: 'randomSeed' },
            run: (e) => e.bareHnsw().initIndex({ maxElements: 10, randomSeed: 1n }),
          },
        ],
      },
      {
        id: 'named-flag-not-boolean',
        input: '`allowReplaceDeleted` holding something other than a boolean',
        note: '`allowRepalceDeleted` (sic) is hnswlib-node\'s spelling.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Invalid the named argument type `allowRepalceDeleted`, must be a boolean.'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', variant: 'number', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, allowReplaceDeleted: 1 }) },
          { method: 'HierarchicalNSW#initIndex', variant: 'string', run: (e) => e.bareHnsw().initIndex({ maxElements: 10, allowReplaceDeleted: 'true' }) },
        ],
      },
    ],
  },
  {
    title: 'Numbers out of range',
    intro:
      'Every integer is range-checked in JavaScript before it reaches C++; nothing wraps modulo 2^32 as in hnswlib-node. ' +
      'Fractions, NaN and ±Infinity are out of range too.',
    rows: [
      {
        id: 'dimension-range',
        input: 'a dimension of 0, negative, fractional, NaN, infinite, above 65536 or above 2^53',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `numDimensions` to be an integer between 1 and 65536 but received {got}'),
        calls: [
          { method: 'new HierarchicalNSW', vars: { got: '0' }, run: () => new H('l2', 0) },
          { method: 'new HierarchicalNSW', vars: { got: '-1' }, run: () => new H('ip', -1) },
          { method: 'new BruteforceSearch', vars: { got: '1.5' }, run: () => new B('l2', 1.5) },
          { method: 'new BruteforceSearch', vars: { got: 'NaN' }, run: () => new B('cosine', NaN) },
          { method: 'new L2Space', vars: { got: '65537' }, run: () => new L2(65537) },
          { method: 'new InnerProductSpace', vars: { got: 'Infinity' }, run: () => new IP(Infinity) },
          { method: 'new HierarchicalNSW', vars: { got: '9007199254740994' }, run: () => new H('l2', 2 ** 53 + 2) },
        ],
      },
      {
        id: 'max-elements-range',
        input: 'a `maxElements` that is negative, fractional, NaN or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `maxElements` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(-1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1.5' }, run: (e) => e.hnsw().initIndex(1.5) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '4294967296' }, run: (e) => e.bareHnsw().initIndex(2 ** 32) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: 'NaN' }, run: (e) => e.bareHnsw().initIndex({ maxElements: NaN }) },
          { method: 'BruteforceSearch#initIndex', vars: { got: '-1' }, run: (e) => e.bareBrute().initIndex(-1) },
          { method: 'BruteforceSearch#initIndex', vars: { got: '4294967296' }, run: (e) => e.brute().initIndex(2 ** 32) },
        ],
      },
      {
        id: 'm-range',
        input: 'an `m` below 2 or above 10000, or fractional',
        note: 'hnswlib-node crashed on 0, corrupted the index on 1 and capped values above 10000 with a warning.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `m` to be an integer between 2 and 10000 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '0' }, run: (e) => e.bareHnsw().initIndex(10, 0) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1' }, run: (e) => e.bareHnsw().initIndex(10, 1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '10001' }, run: (e) => e.bareHnsw().initIndex(10, 10001) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '2.5' }, run: (e) => e.hnsw().initIndex(10, 2.5) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: '-16' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, m: -16 }) },
        ],
      },
      {
        id: 'ef-construction-range',
        input: 'an `efConstruction` that is negative, fractional, NaN or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `efConstruction` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(10, 16, -1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '4294967296' }, run: (e) => e.bareHnsw().initIndex(10, 16, 2 ** 32) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '0.5' }, run: (e) => e.bareHnsw().initIndex(10, 16, 0.5) },
          { method: 'HierarchicalNSW#initIndex', variant: 'named', vars: { got: 'NaN' }, run: (e) => e.bareHnsw().initIndex({ maxElements: 10, efConstruction: NaN }) },
        ],
      },
      {
        id: 'random-seed-range',
        input: 'a `randomSeed` that is negative, fractional or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`randomSeed\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { got: '-1' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, -1) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '9007199254740992' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 2 ** 53) },
          { method: 'HierarchicalNSW#initIndex', vars: { got: '1.5' }, run: (e) => e.bareHnsw().initIndex(10, 16, 200, 1.5) },
        ],
      },
      {
        id: 'ef-range',
        input: 'an `ef` that is negative, fractional, NaN or at least 2^32 (`setEf`, the `ef` option of a batch search)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `ef` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#setEf', vars: { got: '-1' }, run: (e) => e.hnsw().setEf(-1) },
          { method: 'HierarchicalNSW#setEf', vars: { got: '4294967296' }, run: (e) => e.hnsw().setEf(2 ** 32) },
          { method: 'HierarchicalNSW#setEf', vars: { got: '1.5' }, run: (e) => e.hnsw().setEf(1.5) },
          { method: 'HierarchicalNSW#setEf', vars: { got: 'NaN' }, run: (e) => e.hnsw().setEf(NaN) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { ef: -1 }) },
          {
            method: 'HierarchicalNSW#searchKnnBatch',
            mode: 'rejects',
            vars: { got: '4294967296' },
            run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { ef: 2 ** 32 }),
          },
        ],
      },
      {
        id: 'ef-type',
        input: 'an `ef` option of a batch search that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `ef` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { ef: '50' }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { ef: null }) },
        ],
      },
      {
        id: 'ef-brute-force',
        input: 'an `ef` option (even an invalid one) given to `BruteforceSearch#searchKnnBatch*`',
        outcome: accepted('no error: brute force has no ef, and the option is not read'),
        calls: [
          {
            method: 'BruteforceSearch#searchKnnBatchSync',
            run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { ef: -5 }),
            check: (out) => assertJson(Array.from((out as { labels: Float64Array }).labels), [0]),
          },
        ],
      },
      {
        id: 'new-max-elements-range',
        input: 'a `newMaxElements` that is negative, fractional or at least 2^32',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `newMaxElements` to be an integer between 0 and 4294967295 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '-1' }, run: (e) => e.hnsw().resizeIndex(-1) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '4294967296' }, run: (e) => e.hnsw().resizeIndex(2 ** 32) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { got: '20.5' }, run: (e) => e.hnsw().resizeIndex(20.5) },
        ],
      },
      {
        id: 'resize-below-count',
        input: 'a `newMaxElements` below the current count',
        outcome: err('Error', 'ERR_RESIZE_TOO_SMALL', 'Hnswlib Error: Cannot resize, max element is less than the current number of elements'),
        calls: [{ method: 'HierarchicalNSW#resizeIndex', run: (e) => e.hnsw({ count: 4 }).resizeIndex(3) }],
      },
      {
        id: 'capacity-beyond-memory-hnsw',
        input: 'a capacity whose records cannot be allocated (here 2^32-1 elements of 65536 dimensions, about 1 PB)',
        note: 'The previous index, if any, is kept. How large a capacity can be allocated depends on the machine: see docs/resources.md.',
        outcome: err('Error', 'ERR_OUT_OF_MEMORY', 'Hnswlib Error: not enough memory for 4294967295 elements of {bytes} bytes'),
        calls: [
          { method: 'HierarchicalNSW#initIndex', vars: { bytes: '262284' }, run: (e) => e.hnsw({ dim: 65536, capacity: 1, count: 1 }).initIndex(2 ** 32 - 1) },
          { method: 'HierarchicalNSW#resizeIndex', vars: { bytes: '262284' }, run: (e) => e.hnsw({ dim: 65536, capacity: 1, count: 1 }).resizeIndex(2 ** 32 - 1) },
          {
            method: 'HierarchicalNSW#initIndex',
            variant: 'm 10000',
            vars: { bytes: '342156' },
            run: (e) => e.bareHnsw(65536).initIndex(2 ** 32 - 1, 10000),
          },
        ],
      },
      {
        id: 'capacity-beyond-memory-brute',
        input: 'a brute-force capacity whose slots cannot be allocated (2^32-1 elements of 65536 dimensions)',
        note: 'The previous index, if any, is kept.',
        outcome: err('Error', 'ERR_OUT_OF_MEMORY', 'Hnswlib Error: not enough memory for 4294967295 elements of {bytes} bytes'),
        calls: [
          {
            method: 'BruteforceSearch#initIndex',
            vars: { bytes: '262152' },
            run: (e) => e.brute({ dim: 65536, capacity: 1, count: 1 }).initIndex(2 ** 32 - 1),
          },
        ],
      },
    ],
  },
  {
    title: 'Vectors',
    intro:
      'Single vectors are `number[]` or `Float32Array` (used without a copy); batches are one flat `Float32Array` of ' +
      'n × dim floats or an array of such vectors. Every element must be a finite number within the float32 range.',
    rows: [
      {
        id: 'vector-length',
        input: 'a vector of the wrong length (Array or Float32Array)',
        outcome: err('Error', 'ERR_INVALID_ARG_VALUE', 'Invalid the {which} length (expected 3, but got {got}).'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { which: 'given array', got: '2' }, run: (e) => e.hnsw().addPoint([1, 2], 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float32Array', vars: { which: 'given array', got: '0' }, run: (e) => e.hnsw().addPoint(new Float32Array(0), 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { which: 'given array', got: '4' }, run: (e) => e.hnsw().searchKnn([1, 2, 3, 4], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { which: 'given array', got: '5' }, run: (e) => e.brute().addPoint(new Float32Array(5), 9) },
          { method: 'BruteforceSearch#searchKnn', vars: { which: 'given array', got: '1' }, run: (e) => e.brute().searchKnn([1], 1) },
          { method: 'L2Space#distance', vars: { which: 'first array', got: '2' }, run: () => new L2(3).distance([1, 2], vec(0)) },
          { method: 'InnerProductSpace#distance', vars: { which: 'second array', got: '0' }, run: () => new IP(3).distance(vec(0), []) },
        ],
      },
      {
        id: 'vector-element-type',
        input: 'an element that is not a number (a string, a hole in a sparse array, `null`, an object, a BigInt, a boolean)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{el}` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]', got: 'string' }, run: (e) => e.hnsw().addPoint([1, '2', 3], 9) },
          // eslint-disable-next-line no-sparse-arrays
          { method: 'HierarchicalNSW#addPoint', variant: 'hole', vars: { el: 'point[1]', got: 'undefined' }, run: (e) => e.hnsw().addPoint([1, , 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[2]', got: 'an object' }, run: (e) => e.hnsw().searchKnn([1, 2, {}], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[0]', got: 'null' }, run: (e) => e.brute().addPoint([null, 2, 3], 9) },
          { method: 'BruteforceSearch#searchKnn', vars: { el: 'queryPoint[1]', got: '2n' }, run: (e) => e.brute().searchKnn([1, 2n, 3], 1) },
          { method: 'L2Space#distance', vars: { el: 'pointB[1]', got: 'boolean' }, run: () => new L2(3).distance(vec(0), [1, true, 3]) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { el: 'vectors[1][1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1, '2', 3]], [20, 21]) },
          {
            method: 'HierarchicalNSW#searchKnnBatch',
            mode: 'rejects',
            vars: { el: 'queries[0][2]', got: 'undefined' },
            run: (e) => e.hnsw().searchKnnBatch([[1, 2, undefined]], 1),
          },
        ],
      },
      {
        id: 'vector-nan',
        input: 'a NaN element (in a number[], a Float32Array, a flat batch or a batch row)',
        note: 'hnswlib-node stored NaN and returned garbage distances.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]' }, run: (e) => e.hnsw().addPoint([1, NaN, 3], 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'Float32Array', vars: { el: 'point[2]' }, run: (e) => e.hnsw().addPoint(new Float32Array([1, 2, NaN]), 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[0]' }, run: (e) => e.hnsw().searchKnn([NaN, 2, 3], 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[1]' }, run: (e) => e.brute().addPoint([1, NaN, 3], 9) },
          { method: 'BruteforceSearch#searchKnn', variant: 'Float32Array', vars: { el: 'queryPoint[1]' }, run: (e) => e.brute().searchKnn(new Float32Array([1, NaN, 3]), 1) },
          { method: 'L2Space#distance', vars: { el: 'pointA[0]' }, run: () => new L2(3).distance([NaN, 1, 2], vec(0)) },
          { method: 'HierarchicalNSW#addItemsSync', variant: 'flat', vars: { el: 'vectors[1][1]' }, run: (e) => e.hnsw().addItemsSync(new Float32Array([1, 2, 3, 4, NaN, 6]), [20, 21]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { el: 'vectors[0][2]' }, run: (e) => e.hnsw().addItems([[1, 2, NaN]], [20]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { el: 'queries[1][0]' }, run: (e) => e.brute().searchKnnBatchSync([vec(0), [NaN, 1, 2]], 1) },
        ],
      },
      {
        id: 'vector-infinity',
        input: 'an infinite element (+Infinity or -Infinity)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[0]', got: 'Infinity' }, run: (e) => e.hnsw().addPoint([Infinity, 2, 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'Float32Array', vars: { el: 'queryPoint[2]', got: '-Infinity' }, run: (e) => e.hnsw().searchKnn(new Float32Array([1, 2, -Infinity]), 1) },
          { method: 'BruteforceSearch#addPoint', vars: { el: 'point[1]', got: '-Infinity' }, run: (e) => e.brute().addPoint([1, -Infinity, 3], 9) },
          { method: 'InnerProductSpace#distance', vars: { el: 'pointB[2]', got: 'Infinity' }, run: () => new IP(3).distance(vec(0), [1, 2, Infinity]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { el: 'vectors[0][0]', got: 'Infinity' }, run: (e) => e.brute().addItemsSync([[Infinity, 1, 1]], [20]) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'flat', vars: { el: 'queries[0][1]', got: '-Infinity' }, run: (e) => e.hnsw().searchKnnBatchSync(new Float32Array([1, -Infinity, 3]), 1) },
        ],
      },
      {
        id: 'vector-float32-overflow',
        input: 'a finite number that float32 cannot hold (beyond ±3.4028234663852886e+38; it would become ±Infinity)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`{el}\` to be a number within the float32 range (${TOO_BIG_FOR_FLOAT32}) but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { el: 'point[1]', got: '1e+39' }, run: (e) => e.hnsw().addPoint([1, 1e39, 3], 9) },
          { method: 'HierarchicalNSW#searchKnn', vars: { el: 'queryPoint[0]', got: '-3.5e+38' }, run: (e) => e.hnsw().searchKnn([-3.5e38, 1, 1], 1) },
          { method: 'L2Space#distance', vars: { el: 'pointA[2]', got: '1.7976931348623157e+308' }, run: () => new L2(3).distance([1, 2, Number.MAX_VALUE], vec(0)) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { el: 'vectors[1][0]', got: '1e+39' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1e39, 1, 1]], [20, 21]) },
        ],
      },
      {
        id: 'batch-not-vectors',
        input: 'a batch that is neither a Float32Array nor an array (a string, a Float64Array, `null`, `undefined`, an object)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{arg}` to be a Float32Array or an array of vectors but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors', got: 'string' }, run: (e) => e.hnsw().addItemsSync('abc') },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { arg: 'vectors', got: 'an instance of Float64Array' }, run: (e) => e.hnsw().addItems(new Float64Array(6)) },
          { method: 'BruteforceSearch#addItemsSync', vars: { arg: 'vectors', got: 'undefined' }, run: (e) => e.brute().addItemsSync() },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { arg: 'queries', got: 'null' }, run: (e) => e.hnsw().searchKnnBatchSync(null, 1) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { arg: 'queries', got: 'an object' }, run: (e) => e.brute().searchKnnBatch({}, 1) },
        ],
      },
      {
        id: 'batch-flat-length',
        input: 'a flat Float32Array batch whose length is not a multiple of the dimension',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{arg}` to have a length that is a multiple of 3 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors', got: '5' }, run: (e) => e.hnsw().addItemsSync(new Float32Array(5)) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { arg: 'vectors', got: '1' }, run: (e) => e.brute().addItems(new Float32Array(1)) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { arg: 'queries', got: '4' }, run: (e) => e.hnsw().searchKnnBatchSync(new Float32Array(4), 1) },
        ],
      },
      {
        id: 'batch-row-length',
        input: 'a batch row of the wrong length',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{row}` to have 3 elements but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { row: 'vectors[1]', got: '2' }, run: (e) => e.hnsw().addItemsSync([vec(20), [1, 2]], [20, 21]) },
          { method: 'BruteforceSearch#addItemsSync', variant: 'Float32Array row', vars: { row: 'vectors[0]', got: '4' }, run: (e) => e.brute().addItemsSync([new Float32Array(4)], [20]) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { row: 'queries[2]', got: '0' }, run: (e) => e.hnsw().searchKnnBatch([vec(0), vec(1), []], 1) },
        ],
      },
      {
        id: 'batch-row-type',
        input: 'a batch row that is not a number[] or a Float32Array',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{row}` to be a number[] or a Float32Array but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { row: 'vectors[1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync([vec(20), 'abc'], [20, 21]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { row: 'vectors[0]', got: 'an instance of Float64Array' }, run: (e) => e.brute().addItemsSync([new Float64Array(3)], [20]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { row: 'queries[0]', got: 'null' }, run: (e) => e.brute().searchKnnBatchSync([null], 1) },
        ],
      },
      {
        id: 'batch-detached',
        input: 'a batch Float32Array whose buffer is detached (transferred): before the call, or by an option getter',
        note: 'It reads as empty; taken as an empty batch, it would insert nothing and search nothing, silently.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{arg}` to be a Float32Array whose buffer is not detached but received a detached Float32Array'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { arg: 'vectors' }, run: (e) => e.hnsw().addItemsSync(detach(new Float32Array(6))) },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: '`numThreads` getter',
            vars: { arg: 'queries' },
            run: (e) => {
              const queries = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.hnsw().searchKnnBatchSync(queries, 2, getterOptions('numThreads', 1, () => detach(queries)));
            },
          },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { arg: 'vectors[1]' }, run: (e) => e.brute().addItems([new Float32Array(3), detach(new Float32Array(3))], [20, 21]) },
        ],
      },
      {
        id: 'batch-getter-writes',
        input: 'an option getter (`numThreads`, `replaceDeleted`, `onProgress`, `signal`, `ef`, `filter`) that writes NaN into the batch',
        note: 'Every option is read once, before the batch is read, so the check sees what the getter wrote.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: '`numThreads` getter',
            vars: { el: 'vectors[0][1]' },
            run: (e) => {
              const vectors = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.hnsw().addItemsSync(vectors, [20, 21], getterOptions('numThreads', 1, () => (vectors[1] = NaN)));
            },
          },
          {
            method: 'BruteforceSearch#addItems',
            variant: '`signal` getter',
            mode: 'rejects',
            vars: { el: 'vectors[1][2]' },
            run: (e) => {
              const vectors = new Float32Array([1, 2, 3, 4, 5, 6]);
              return e.brute().addItems(vectors, [20, 21], getterOptions('signal', undefined, () => (vectors[5] = NaN)));
            },
          },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: '`ef` getter',
            vars: { el: 'queries[0][0]' },
            run: (e) => {
              const queries = new Float32Array([1, 2, 3]);
              return e.hnsw().searchKnnBatchSync(queries, 1, getterOptions('ef', 10, () => (queries[0] = NaN)));
            },
          },
        ],
      },
      {
        id: 'batch-shared-written',
        input: 'a batch in a SharedArrayBuffer that another thread writes NaN into while the call reads it',
        note:
          'Elements are checked on the copy that is stored or searched (a Sync call\'s flat batch on each row\'s copy, ' +
          'as the row is taken): the row fails, with `insertedLabels`, or is stored finite; never NaN.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `{el}` to be a finite number but received NaN'),
        testedIn: {
          file: 'test/hostile-input.test.ts',
          title: '%s#%s rejects the row with the RangeError or stores it finite, never NaN',
          methods: '`addItems`, `addItemsSync`, `searchKnnBatch`, `searchKnnBatchSync` of both classes',
        },
        examples: { el: ['vectors[0][1]', 'queries[0][1]'] },
        calls: [],
      },
      {
        id: 'batch-changed-length',
        input: 'a batch whose length changes while a Promise form copies it (2^20 floats per event-loop turn): transferred, resized, or rows removed',
        outcome: err(
          'TypeError',
          'ERR_INVALID_ARG_VALUE',
          '`{arg}` changed length while {method} was reading it (from {from} to {to} {unit}): do not transfer, detach or resize it until the Promise settles',
        ),
        calls: [
          {
            method: 'HierarchicalNSW#addItems',
            mode: 'rejects',
            vars: { arg: 'vectors', method: 'addItems', from: '1048578', to: '0', unit: 'floats' },
            run: (e) => {
              const vectors = twoSlices();
              const job = e.hnsw().addItems(vectors);
              detach(vectors);
              return job;
            },
          },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            mode: 'rejects',
            vars: { arg: 'queries', method: 'searchKnnBatch', from: '1048578', to: '0', unit: 'floats' },
            run: (e) => {
              const queries = twoSlices();
              const job = e.brute().searchKnnBatch(queries, 1);
              detach(queries);
              return job;
            },
          },
        ],
      },
    ],
  },
  {
    title: 'Labels',
    intro:
      'Labels are integers 0..2^53-1 (`Number.MAX_SAFE_INTEGER`), so every label round-trips exactly; hnswlib-node ' +
      'wrapped them modulo 2^32. See docs/resources.md for the limits.',
    rows: [
      {
        id: 'label-range',
        input: 'a label that is negative, fractional, NaN, infinite or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`{name}\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '-1' }, run: (e) => e.hnsw().addPoint(vec(9), -1) },
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '1.5' }, run: (e) => e.hnsw().addPoint(vec(9), 1.5) },
          { method: 'HierarchicalNSW#addPoint', vars: { name: 'label', got: '9007199254740992' }, run: (e) => e.hnsw().addPoint(vec(9), 2 ** 53) },
          { method: 'HierarchicalNSW#markDelete', vars: { name: 'label', got: 'NaN' }, run: (e) => e.hnsw().markDelete(NaN) },
          { method: 'HierarchicalNSW#unmarkDelete', vars: { name: 'label', got: '18446744073709552000' }, run: (e) => e.hnsw({ deleted: [1] }).unmarkDelete(2 ** 64) },
          { method: 'HierarchicalNSW#getPoint', vars: { name: 'label', got: '0.5' }, run: (e) => e.hnsw().getPoint(0.5) },
          { method: 'HierarchicalNSW#getPoint', variant: 'before initIndex', vars: { name: 'label', got: '-1' }, run: (e) => e.bareHnsw().getPoint(-1) },
          { method: 'BruteforceSearch#addPoint', vars: { name: 'label', got: 'Infinity' }, run: (e) => e.brute().addPoint(vec(9), Infinity) },
          { method: 'BruteforceSearch#removePoint', vars: { name: 'label', got: '-Infinity' }, run: (e) => e.brute().removePoint(-Infinity) },
          { method: 'HierarchicalNSW#addItemsSync', vars: { name: 'labels[1]', got: '-1' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, -1]) },
          { method: 'HierarchicalNSW#addItems', variant: 'Int32Array', mode: 'rejects', vars: { name: 'labels[0]', got: '-6' }, run: (e) => e.hnsw().addItems([vec(20)], new Int32Array([-6])) },
          { method: 'BruteforceSearch#addItemsSync', variant: 'Float64Array', vars: { name: 'labels[0]', got: '2.5' }, run: (e) => e.brute().addItemsSync([vec(20)], new Float64Array([2.5])) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'filter', vars: { name: 'filter.allow[0]', got: '-1' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [-1] } }) },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            variant: 'filter Set',
            mode: 'rejects',
            vars: { name: 'filter.deny[1]', got: '9007199254740992' },
            run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { filter: { deny: new Set([1, 2 ** 53]) } }),
          },
        ],
      },
      {
        id: 'label-negative-zero',
        input: 'the label `-0`',
        outcome: accepted('no error: stored and returned as label 0'),
        calls: [
          {
            method: 'HierarchicalNSW#addPoint',
            run: (e) => {
              const index = e.hnsw({ count: 0 });
              index.addPoint(vec(5), -0);
              return index.searchKnn(vec(5), 1).neighbors[0];
            },
            check: (out) => assert.ok(Object.is(out, 0)),
            mutates: true,
          },
        ],
      },
      {
        id: 'batch-labels-container',
        input: 'batch labels that are not an array, a Float64Array, a Uint32Array or an Int32Array (a string, a `Set`, a Float32Array, a BigInt64Array, `null`)',
        note: 'A `Set` has no row order, so `addItems` does not take one; filters do.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `labels` to be an array of labels, a Float64Array, a Uint32Array or an Int32Array but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), 'ab') },
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'an instance of Set' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), new Set([20, 21])) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: 'an instance of Float32Array' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), new Float32Array([20, 21])) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: 'an instance of BigInt64Array' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), new BigInt64Array([20n, 21n])) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: 'null' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), null) },
        ],
      },
      {
        id: 'filter-labels-container',
        input: 'a batch filter list that is not an array, a Float64Array, a Uint32Array, an Int32Array or a Set',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{name}` to be an array of labels, a Float64Array, a Uint32Array, an Int32Array or a Set but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { name: 'filter.allow', got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: '1' } }) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { name: 'filter.deny', got: 'an object' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { filter: { deny: { 0: 1 } } }) },
        ],
      },
      {
        id: 'batch-label-type',
        input: 'a batch or filter label that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `{name}` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { name: 'labels[1]', got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, '21']) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { name: 'filter.allow[0]', got: '1n' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [1n] } }) },
        ],
      },
      {
        id: 'batch-label-count',
        input: 'not exactly one label per batch row',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `labels` to have {n} elements but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { n: '2', got: '1' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20]) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { n: '2', got: '3' }, run: (e) => e.brute().addItems(TWO_ROWS(), [20, 21, 22]) },
        ],
      },
      {
        id: 'batch-label-duplicate',
        input: 'a label given twice in one batch',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `labels` to hold distinct labels but received {label} twice'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { label: '20' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), [20, 20]) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { label: '7' }, run: (e) => e.brute().addItems([vec(1), vec(2), vec(3)], [7, 8, 7]) },
        ],
      },
      {
        id: 'label-unknown',
        input: 'a label the index does not hold (or, for `getPoint`, holds as deleted)',
        outcome: err('Error', 'ERR_LABEL_NOT_FOUND', 'Hnswlib Error: Label not found'),
        calls: [
          { method: 'HierarchicalNSW#markDelete', run: (e) => e.hnsw().markDelete(99) },
          { method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.hnsw().unmarkDelete(99) },
          { method: 'HierarchicalNSW#getPoint', run: (e) => e.hnsw().getPoint(2 ** 40) },
          { method: 'HierarchicalNSW#getPoint', variant: 'deleted', run: (e) => e.hnsw({ deleted: [2] }).getPoint(2) },
        ],
      },
      {
        id: 'remove-unknown',
        input: 'a label the brute-force index does not hold, given to `removePoint`',
        outcome: accepted('no error: nothing to remove, as in hnswlib-node'),
        calls: [
          {
            method: 'BruteforceSearch#removePoint',
            run: (e) => {
              const index = e.brute();
              index.removePoint(99);
              return index.getCurrentCount();
            },
            check: (out) => assert.strictEqual(out, 4),
          },
        ],
      },
      {
        id: 'label-already-deleted',
        input: '`markDelete` of a label already deleted',
        outcome: err('Error', 'ERR_ALREADY_DELETED', 'Hnswlib Error: The requested to delete element is already deleted'),
        calls: [{ method: 'HierarchicalNSW#markDelete', run: (e) => e.hnsw({ deleted: [1] }).markDelete(1) }],
      },
      {
        id: 'label-not-deleted',
        input: '`unmarkDelete` of a label that is not deleted',
        outcome: err('Error', 'ERR_NOT_DELETED', 'Hnswlib Error: The requested to undelete element is not deleted'),
        calls: [{ method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.hnsw().unmarkDelete(1) }],
      },
    ],
  },
  {
    title: 'k (numNeighbors)',
    rows: [
      {
        id: 'k-range',
        input: 'a `numNeighbors` that is negative, fractional, NaN, infinite or above 2^53-1',
        note: 'hnswlib-node wrapped -1 to 4294967295 and NaN to 0.',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', `Expected \`numNeighbors\` to be ${LABEL_BOUNDS} but received {got}`),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnn(vec(0), -1) },
          { method: 'HierarchicalNSW#searchKnn', vars: { got: '1.5' }, run: (e) => e.hnsw().searchKnn(vec(0), 1.5) },
          { method: 'HierarchicalNSW#searchKnn', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchKnn(vec(0), NaN) },
          { method: 'BruteforceSearch#searchKnn', vars: { got: 'Infinity' }, run: (e) => e.brute().searchKnn(vec(0), Infinity) },
          { method: 'BruteforceSearch#searchKnn', vars: { got: '9007199254740992' }, run: (e) => e.brute().searchKnn(vec(0), 2 ** 53) },
        ],
      },
      {
        id: 'k-above-capacity',
        input: 'a `numNeighbors` above `getMaxElements()`',
        outcome: err('Error', 'ERR_OUT_OF_RANGE', 'Invalid the number of k-nearest neighbors (cannot be given a value greater than `maxElements`: {max}).'),
        calls: [
          { method: 'HierarchicalNSW#searchKnn', vars: { max: '10' }, run: (e) => e.hnsw().searchKnn(vec(0), 11) },
          { method: 'HierarchicalNSW#searchKnn', variant: 'capacity 0', vars: { max: '0' }, run: (e) => e.hnsw({ capacity: 0, count: 0 }).searchKnn(vec(0), 1) },
          { method: 'BruteforceSearch#searchKnn', vars: { max: '10' }, run: (e) => e.brute().searchKnn(vec(0), 2 ** 40) },
        ],
      },
      {
        id: 'k-zero-brute',
        input: '`numNeighbors` 0 on a brute-force index',
        outcome: err('Error', 'ERR_OUT_OF_RANGE', 'Invalid the number of k-nearest neighbors (must be a positive number).'),
        calls: [{ method: 'BruteforceSearch#searchKnn', run: (e) => e.brute().searchKnn(vec(0), 0) }],
      },
      {
        id: 'k-zero-hnsw',
        input: '`numNeighbors` 0 on an HNSW index',
        outcome: accepted('no error: `{ distances: [], neighbors: [] }`, as hnswlib-node'),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 0),
            check: (out) => assertJson(out, { distances: [], neighbors: [] }),
          },
        ],
      },
      {
        id: 'k-above-count',
        input: 'a `numNeighbors` above the element count but within the capacity (an empty index included); a batch `k` above the element count, however large',
        note: 'hnswlib-node aborted the process here for `BruteforceSearch`.',
        outcome: accepted(
          'no error: only the elements there are, closest first; a batch result has rows of min(k, element count) slots (at least 1; the result\'s `k`), padded with -1 and `Infinity`',
        ),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            run: (e) => e.hnsw().searchKnn(vec(0), 10),
            check: (out) => assertJson((out as { neighbors: number[] }).neighbors, [0, 1, 2, 3]),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            run: (e) => e.brute().searchKnn(vec(0), 10),
            check: (out) => assertJson((out as { neighbors: number[] }).neighbors, [0, 1, 2, 3]),
          },
          {
            method: 'BruteforceSearch#searchKnn',
            variant: 'empty index',
            run: (e) => e.brute({ count: 0 }).searchKnn(vec(0), 3),
            check: (out) => assertJson(out, { distances: [], neighbors: [] }),
          },
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            variant: 'a deleted element',
            run: (e) => e.hnsw({ deleted: [3] }).searchKnnBatchSync([vec(0)], 6),
            check: (out) => {
              const r = out as { k: number; labels: Float64Array; distances: Float32Array; found: Uint32Array };
              assertJson([r.k, Array.from(r.found)], [4, [3]]);
              assertJson(Array.from(r.labels), [0, 1, 2, -1]);
              assert.ok(r.distances[3] === Infinity, 'unused slots hold Infinity');
            },
          },
          {
            method: 'BruteforceSearch#searchKnnBatch',
            run: (e) => e.brute().searchKnnBatch([vec(0), vec(3)], 1000),
            check: (out) => {
              const r = out as { k: number; labels: Float64Array; found: Uint32Array };
              assertJson([r.k, Array.from(r.found), Array.from(r.labels)], [4, [4, 4], [0, 1, 2, 3, 3, 2, 1, 0]]);
            },
          },
        ],
      },
      {
        id: 'batch-k-range',
        input: 'a batch `k` below 1, fractional, NaN or above 2^53-1',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `k` to be an integer between 1 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: '0' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 0) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: '-1' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], -1) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { got: '2.5' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 2.5) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'NaN' }, run: (e) => e.brute().searchKnnBatch([vec(0)], NaN) },
        ],
      },
      {
        id: 'batch-k-type',
        input: 'a batch `k` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `k` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], '1') },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'undefined' }, run: (e) => e.brute().searchKnnBatch([vec(0)]) },
        ],
      },
      {
        id: 'batch-k-slots',
        input: 'a batch whose count × k exceeds the longest typed array Node makes (`buffer.constants.MAX_LENGTH`, 2^32 in Node 20)',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `k` to be an integer between 1 and {most} for {n} queries but received {got}'),
        calls: [2, 3].map((n) => {
          const most = Math.floor(bufferConstants.MAX_LENGTH / n);
          return {
            method: n === 2 ? 'HierarchicalNSW#searchKnnBatchSync' : 'BruteforceSearch#searchKnnBatch',
            mode: n === 2 ? ('throws' as const) : ('rejects' as const),
            vars: { most: String(most), n: String(n), got: String(most + 1) },
            run: (e: Env) => (n === 2 ? e.hnsw() : e.brute())[n === 2 ? 'searchKnnBatchSync' : 'searchKnnBatch'](
              Array.from({ length: n }, (_, i) => vec(i)),
              most + 1,
            ),
          };
        }),
      },
      {
        id: 'batch-results-too-large',
        input: 'batch results (count × min(k, element count) slots of 12 bytes) that cannot be allocated',
        note: 'The result arrays are made in JavaScript, where a failed allocation can be reported; the runtime aborted the process when native code made them.',
        outcome: err(
          'RangeError',
          'ERR_OUT_OF_MEMORY',
          'Expected `k` to be small enough that the results fit in memory ({n} queries × {slots} slots: {bytes} bytes could not be allocated) but received {got}',
        ),
        testedIn: {
          file: 'test/hostile-input.test.ts',
          title: 'fails with a RangeError naming k and the sizes when the results cannot be allocated, and the index still works',
          methods: '`searchKnnBatch` (rejects), `searchKnnBatchSync` of both classes',
        },
        examples: { n: ['10000'], slots: ['100000'], bytes: ['12000040000'], got: ['100000'] },
        calls: [],
      },
    ],
  },
  {
    title: 'Batch options (addItems, searchKnnBatch)',
    intro:
      'The Promise forms never throw: every failure, argument errors included, is a rejection with the same error ' +
      'the `...Sync` form throws. Unknown option keys are ignored.',
    rows: [
      {
        id: 'options-not-object',
        input: '`options` that is not an object (a string, a number, `null`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `options` to be an object but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, 'fast') },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, null) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'number' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, 5) },
        ],
      },
      {
        id: 'num-threads-range',
        input: 'a `numThreads` below 1, fractional, NaN or infinite',
        outcome: err('RangeError', 'ERR_OUT_OF_RANGE', 'Expected `numThreads` to be an integer between 1 and 9007199254740991 but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: '0' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { numThreads: 0 }) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: '-1' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), undefined, { numThreads: -1 }) },
          { method: 'BruteforceSearch#addItemsSync', vars: { got: '1.5' }, run: (e) => e.brute().addItemsSync(TWO_ROWS(), undefined, { numThreads: 1.5 }) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'NaN' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { numThreads: NaN }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'Infinity' }, run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { numThreads: Infinity }) },
        ],
      },
      {
        id: 'num-threads-type',
        input: 'a `numThreads` that is not a number',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `numThreads` to be a number but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'string' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { numThreads: '2' }) },
          { method: 'BruteforceSearch#searchKnnBatch', mode: 'rejects', vars: { got: 'null' }, run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { numThreads: null }) },
        ],
      },
      {
        id: 'num-threads-many',
        input: 'a `numThreads` above the core count or the row count',
        outcome: accepted('no error: capped at the row count (and at 256)'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw().addItemsSync([vec(20)], [20], { numThreads: 1e6 }),
            check: (out) => assertJson(Array.from(out as Float64Array), [20]),
            mutates: true,
          },
          {
            method: 'BruteforceSearch#searchKnnBatchSync',
            run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { numThreads: 2 ** 53 - 1 }),
            check: (out) => assertJson(Array.from((out as { labels: Float64Array }).labels), [0]),
          },
        ],
      },
      {
        id: 'replace-deleted-type',
        input: 'a `replaceDeleted` option that is not a boolean (`HierarchicalNSW`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `replaceDeleted` to be a boolean but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'number' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { replaceDeleted: 1 }) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { got: 'string' }, run: (e) => e.hnsw().addItems(TWO_ROWS(), undefined, { replaceDeleted: 'yes' }) },
        ],
      },
      {
        id: 'replace-deleted-brute',
        input: 'a `replaceDeleted` option (even an invalid one) given to `BruteforceSearch#addItems*`',
        outcome: accepted('no error: brute force removes for real and has no deleted slots; the option is not read'),
        calls: [
          {
            method: 'BruteforceSearch#addItemsSync',
            run: (e) => e.brute().addItemsSync(TWO_ROWS(), [20, 21], { replaceDeleted: 'x' }),
            check: (out) => assertJson(Array.from(out as Float64Array), [20, 21]),
            mutates: true,
          },
        ],
      },
      {
        id: 'on-progress-type',
        input: 'an `onProgress` that is not a function',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `onProgress` to be a function but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'number' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { onProgress: 1 }) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'an object' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, { onProgress: {} }) },
        ],
      },
      {
        id: 'on-progress-throws',
        input: 'an `onProgress` that throws',
        note: 'The rows in progress finish and no new row starts; the error gets `insertedLabels`, the labels of the batch now in the index.',
        outcome: {
          kind: 'rethrown',
          text: 'what `onProgress` threw, unchanged, with `insertedLabels` added (not to a primitive, a frozen object or a Proxy, none of whose traps run)',
        },
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            mutates: true,
            run: (e) => {
              const boom = new Error('progress failed');
              const { value } = caught(() =>
                e.hnsw().addItemsSync(TWO_ROWS(), [20, 21], {
                  onProgress: () => {
                    throw boom;
                  },
                }),
              );
              const inserted = (value as { insertedLabels?: Float64Array } | undefined)?.insertedLabels;
              assert.strictEqual(value, boom);
              return Array.from(inserted ?? []);
            },
            // Two rows finish before the first (and only) report, which comes at the end.
            check: (out) => assertJson(out, [20, 21]),
          },
          {
            method: 'BruteforceSearch#addItems',
            mutates: true,
            run: async (e) => {
              const boom = new RangeError('progress failed');
              const value = await (e.brute().addItems(TWO_ROWS(), [20, 21], {
                onProgress: () => {
                  throw boom;
                },
              }) as Promise<unknown>).then(
                () => undefined,
                (failure: unknown) => failure,
              );
              const inserted = (value as { insertedLabels?: Float64Array } | undefined)?.insertedLabels;
              assert.strictEqual(value, boom);
              return Array.from(inserted ?? []);
            },
            check: (out) => assertJson(out, [20, 21]),
          },
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: 'a Proxy whose traps throw',
            mutates: true,
            run: (e) => proxyThrownThrough((thrower) => e.hnsw().addItemsSync(TWO_ROWS(), [20, 21], { onProgress: thrower })),
            check: (out) => assertJson(out, { same: true, traps: [] }),
          },
          {
            method: 'BruteforceSearch#addItems',
            variant: 'a Proxy whose traps throw',
            mutates: true,
            run: (e) => proxyThrownThrough((thrower) => e.brute().addItems(TWO_ROWS(), [20, 21], { onProgress: thrower })),
            check: (out) => assertJson(out, { same: true, traps: [] }),
          },
        ],
      },
      {
        id: 'signal-type',
        input: 'a `signal` that is not an AbortSignal (no boolean `aborted` and `addEventListener`)',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `signal` to be an AbortSignal but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { got: 'an object' }, run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { signal: {} }) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', vars: { got: 'an instance of AbortController' }, run: (e) => e.brute().addItems(TWO_ROWS(), undefined, { signal: new AbortController() }) },
        ],
      },
      {
        id: 'signal-aborted',
        input: 'a `signal` that is already aborted',
        note: 'Nothing is inserted; `cause` is the signal\'s reason and `insertedLabels` is empty.',
        outcome: err('AbortError', 'ABORT_ERR', 'The operation was aborted', 'AbortError (`name` `AbortError`, an `Error`)'),
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw().addItemsSync(TWO_ROWS(), undefined, { signal: AbortSignal.abort('stop') }),
            check: (error) => {
              assert.strictEqual((error as Error).cause, 'stop');
              assert.strictEqual((error as Error).name, 'AbortError');
              assert.strictEqual((error as { insertedLabels: Float64Array }).insertedLabels.length, 0);
            },
          },
          {
            method: 'BruteforceSearch#addItems',
            mode: 'rejects',
            run: (e) => {
              const controller = new AbortController();
              controller.abort(new Error('user left'));
              return e.brute().addItems(TWO_ROWS(), undefined, { signal: controller.signal });
            },
            check: (error) => assert.strictEqual(((error as Error).cause as Error).message, 'user left'),
          },
        ],
      },
      {
        id: 'signal-eager',
        input: 'a signal-like object whose `addEventListener` calls the `abort` listener at once (its `aborted` stays false)',
        note: 'The call of the listener is the abort. Nothing is inserted; `insertedLabels` is empty.',
        outcome: err('AbortError', 'ABORT_ERR', 'The operation was aborted', 'AbortError (`name` `AbortError`, an `Error`)'),
        calls: (['HierarchicalNSW#addItemsSync', 'BruteforceSearch#addItems'] as const).map((method) => ({
          method,
          mode: method.endsWith('Sync') ? ('throws' as const) : ('rejects' as const),
          run: (e: Env) => {
            const signal = { aborted: false, addEventListener: (_type: string, listener: () => void) => listener() };
            const index = method.startsWith('Hier') ? e.hnsw() : e.brute();
            return index[method.endsWith('Sync') ? 'addItemsSync' : 'addItems'](TWO_ROWS(), [20, 21], { signal });
          },
          check: (error: unknown) => assertJson(Array.from((error as { insertedLabels: Float64Array }).insertedLabels), []),
        })),
      },
      {
        id: 'batch-filter-shape',
        input: 'a batch `filter` that is not an object (`null`, a function, a string)',
        note: 'A JavaScript callback cannot run on the worker threads of a batch search; pass label lists.',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter` to be an object with `allow` or `deny` but received {got}'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', vars: { got: 'null' }, run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: null }) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', vars: { got: 'a function' }, run: (e) => e.hnsw().searchKnnBatch([vec(0)], 1, { filter: () => true }) },
          { method: 'BruteforceSearch#searchKnnBatchSync', vars: { got: 'string' }, run: (e) => e.brute().searchKnnBatchSync([vec(0)], 1, { filter: 'even' }) },
        ],
      },
      {
        id: 'batch-filter-keys',
        input: 'a batch `filter` with both `allow` and `deny`, or neither',
        outcome: err('TypeError', 'ERR_INVALID_ARG_TYPE', 'Expected `filter` to be an object with exactly one of `allow` and `deny` but received an object'),
        calls: [
          { method: 'HierarchicalNSW#searchKnnBatchSync', variant: 'both', run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { filter: { allow: [1], deny: [2] } }) },
          { method: 'BruteforceSearch#searchKnnBatch', variant: 'neither', mode: 'rejects', run: (e) => e.brute().searchKnnBatch([vec(0)], 1, { filter: {} }) },
        ],
      },
      {
        id: 'unknown-option-keys',
        input: 'unknown option keys (`{ threads: 2 }`, `{ k: 5 }`)',
        outcome: accepted('no error: ignored'),
        calls: [
          {
            method: 'HierarchicalNSW#searchKnnBatchSync',
            run: (e) => e.hnsw().searchKnnBatchSync([vec(0)], 1, { threads: 2, k: 5 }),
            check: (out) => assert.strictEqual((out as { k: number }).k, 1),
          },
        ],
      },
    ],
  },
  {
    title: 'State: before initIndex, full, deleted, busy',
    rows: [
      {
        id: 'before-init',
        input: 'a method that needs an index, called before `initIndex` or a successful read',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', NOT_INITIALIZED),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.bareHnsw().addPoint(vec(0), 0) },
          { method: 'HierarchicalNSW#searchKnn', run: (e) => e.bareHnsw().searchKnn(vec(0), 1) },
          { method: 'HierarchicalNSW#markDelete', run: (e) => e.bareHnsw().markDelete(0) },
          { method: 'HierarchicalNSW#unmarkDelete', run: (e) => e.bareHnsw().unmarkDelete(0) },
          { method: 'HierarchicalNSW#resizeIndex', run: (e) => e.bareHnsw().resizeIndex(10) },
          { method: 'HierarchicalNSW#getEf', run: (e) => e.bareHnsw().getEf() },
          { method: 'HierarchicalNSW#setEf', run: (e) => e.bareHnsw().setEf(10) },
          { method: 'HierarchicalNSW#getM', run: (e) => e.bareHnsw().getM() },
          { method: 'HierarchicalNSW#getEfConstruction', run: (e) => e.bareHnsw().getEfConstruction() },
          { method: 'HierarchicalNSW#addItemsSync', run: (e) => e.bareHnsw().addItemsSync([vec(0)]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', run: (e) => e.bareHnsw().addItems([vec(0)]) },
          { method: 'HierarchicalNSW#searchKnnBatchSync', run: (e) => e.bareHnsw().searchKnnBatchSync([vec(0)], 1) },
          { method: 'HierarchicalNSW#searchKnnBatch', mode: 'rejects', run: (e) => e.bareHnsw().searchKnnBatch([vec(0)], 1) },
          { method: 'HierarchicalNSW#toBufferSync', run: (e) => e.bareHnsw().toBufferSync() },
          { method: 'HierarchicalNSW#toBuffer', mode: 'rejects', run: (e) => e.bareHnsw().toBuffer() },
          { method: 'BruteforceSearch#addPoint', run: (e) => e.bareBrute().addPoint(vec(0), 0) },
          { method: 'BruteforceSearch#removePoint', run: (e) => e.bareBrute().removePoint(0) },
          { method: 'BruteforceSearch#searchKnn', run: (e) => e.bareBrute().searchKnn(vec(0), 1) },
          { method: 'BruteforceSearch#addItems', mode: 'rejects', run: (e) => e.bareBrute().addItems([vec(0)]) },
          { method: 'BruteforceSearch#searchKnnBatchSync', run: (e) => e.bareBrute().searchKnnBatchSync([vec(0)], 1) },
          { method: 'BruteforceSearch#toBufferSync', run: (e) => e.bareBrute().toBufferSync() },
        ],
      },
      {
        id: 'before-init-getters',
        input: 'the getters, called before `initIndex`',
        outcome: accepted('no error: `getIdsList()` and `getPoint(label)` give `[]`; the counts give 0'),
        calls: [
          {
            method: 'HierarchicalNSW#getIdsList',
            variant: 'and getPoint, getCurrentCount, getMaxElements, getDeletedCount',
            run: (e) => {
              const index = e.bareHnsw();
              return [index.getIdsList(), index.getPoint(5), index.getCurrentCount(), index.getMaxElements(), index.getDeletedCount()];
            },
            check: (out) => assertJson(out, [[], [], 0, 0, 0]),
          },
          {
            method: 'BruteforceSearch#getCurrentCount',
            variant: 'and getMaxElements',
            run: (e) => {
              const index = e.bareBrute();
              return [index.getCurrentCount(), index.getMaxElements()];
            },
            check: (out) => assertJson(out, [0, 0]),
          },
        ],
      },
      {
        id: 'write-before-init',
        input: '`writeIndexSync` before `initIndex`',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', 'Search index is not constructed.'),
        calls: [
          { method: 'HierarchicalNSW#writeIndexSync', run: (e) => e.bareHnsw().writeIndexSync(e.path('never.bin')) },
          { method: 'BruteforceSearch#writeIndexSync', run: (e) => e.bareBrute().writeIndexSync(e.path('never.bin')) },
        ],
      },
      {
        id: 'write-async-before-init',
        input: '`writeIndex` before `initIndex`',
        outcome: err('Error', 'ERR_NOT_INITIALIZED', 'Hnswlib Error: search index is not constructed.'),
        calls: [
          { method: 'HierarchicalNSW#writeIndex', mode: 'rejects', run: (e) => e.bareHnsw().writeIndex(e.path('never.bin')) },
          { method: 'BruteforceSearch#writeIndex', mode: 'rejects', run: (e) => e.bareBrute().writeIndex(e.path('never.bin')) },
        ],
      },
      {
        id: 'full-hnsw',
        input: '`addPoint` of a new label into a full index (capacity 0 included)',
        outcome: err('Error', 'ERR_INDEX_FULL', 'Hnswlib Error: The number of elements exceeds the specified limit'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ capacity: 4, count: 4 }).addPoint(vec(9), 9) },
          { method: 'HierarchicalNSW#addPoint', variant: 'capacity 0', run: (e) => e.hnsw({ capacity: 0, count: 0 }).addPoint(vec(9), 9) },
          {
            method: 'HierarchicalNSW#addPoint',
            variant: 'full of deleted elements',
            run: (e) => e.hnsw({ capacity: 4, count: 4, deleted: [0, 1, 2, 3] }).addPoint(vec(9), 9),
          },
        ],
      },
      {
        id: 'full-brute',
        input: '`addPoint` of a new label into a full brute-force index',
        note: 'The trailing newline is hnswlib-node\'s.',
        outcome: err('Error', 'ERR_INDEX_FULL', 'Hnswlib Error: The number of elements exceeds the specified limit\n'),
        calls: [
          { method: 'BruteforceSearch#addPoint', run: (e) => e.brute({ capacity: 4, count: 4 }).addPoint(vec(9), 9) },
          { method: 'BruteforceSearch#addPoint', variant: 'capacity 0', run: (e) => e.brute({ capacity: 0, count: 0 }).addPoint(vec(9), 9) },
        ],
      },
      {
        id: 'full-batch',
        input: 'a batch with more new labels than free slots',
        note: 'Checked before any row is inserted; labels already in the index (updates) are not counted.',
        outcome: err(
          'Error',
          'ERR_INDEX_FULL',
          'Hnswlib Error: The number of elements exceeds the specified limit (capacity {cap}, current count {count}, batch adds {add} new labels)',
        ),
        calls: [
          { method: 'HierarchicalNSW#addItemsSync', vars: { cap: '5', count: '4', add: '2' }, run: (e) => e.hnsw({ capacity: 5 }).addItemsSync([vec(1), vec(20), vec(21)], [1, 20, 21]) },
          { method: 'HierarchicalNSW#addItems', mode: 'rejects', vars: { cap: '0', count: '0', add: '1' }, run: (e) => e.hnsw({ capacity: 0, count: 0 }).addItems([vec(0)]) },
          { method: 'BruteforceSearch#addItemsSync', vars: { cap: '4', count: '4', add: '2' }, run: (e) => e.brute({ capacity: 4 }).addItemsSync(TWO_ROWS(), [20, 21]) },
        ],
      },
      {
        id: 'replace-disabled',
        input: '`replaceDeleted` asked of an index initialised without `allowReplaceDeleted`',
        outcome: err('Error', 'ERR_REPLACE_DISABLED', 'Hnswlib Error: Replacement of deleted elements is disabled in constructor'),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ deleted: [1] }).addPoint(vec(9), 9, true) },
          { method: 'HierarchicalNSW#addItemsSync', run: (e) => e.hnsw({ deleted: [1] }).addItemsSync([vec(9)], [9], { replaceDeleted: true }) },
        ],
      },
      {
        id: 'update-deleted',
        input: 'an update of a deleted label when `allowReplaceDeleted` is on',
        outcome: err('Error', 'ERR_UPDATE_DELETED', "Hnswlib Error: Can't use addPoint to update deleted elements if replacement of deleted elements is enabled."),
        calls: [
          { method: 'HierarchicalNSW#addPoint', run: (e) => e.hnsw({ allowReplaceDeleted: true, deleted: [1] }).addPoint(vec(9), 1) },
          {
            method: 'HierarchicalNSW#addItemsSync',
            run: (e) => e.hnsw({ allowReplaceDeleted: true, deleted: [1] }).addItemsSync([vec(9)], [1]),
          },
        ],
      },
      {
        id: 'busy-exclusive',
        input: 'a call that replaces the whole index while a Promise job (`addItems`, ...) of the same object is in flight',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while 1 asynchronous operations are running on this index; await them first'),
        calls: (
          [
            ['HierarchicalNSW', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['HierarchicalNSW', 'resizeIndex', 'throws', (i: Loose) => i.resizeIndex(100)],
            ['HierarchicalNSW', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.path('none.bin'))],
            ['HierarchicalNSW', 'fromBufferSync', 'throws', (i: Loose, e: Env) => i.fromBufferSync(e.bytesOf('hnsw'))],
            ['HierarchicalNSW', 'readIndex', 'rejects', (i: Loose, e: Env) => i.readIndex(e.path('none.bin'))],
            ['HierarchicalNSW', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('hnsw'))],
            ['BruteforceSearch', 'initIndex', 'throws', (i: Loose) => i.initIndex(10)],
            ['BruteforceSearch', 'readIndexSync', 'throws', (i: Loose, e: Env) => i.readIndexSync(e.path('none.bin'))],
            ['BruteforceSearch', 'fromBuffer', 'rejects', (i: Loose, e: Env) => i.fromBuffer(e.bytesOf('brute'))],
          ] as const
        ).map(([cls, method, mode, call]) => ({
          method: `${cls}#${method}`,
          mode,
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = cls === 'HierarchicalNSW' ? e.hnsw() : e.brute();
            withJob(e, index);
            return call(index, e);
          },
        })),
      },
      {
        id: 'busy-loading',
        input: 'a call that changes the index while a `readIndex` / `fromBuffer` of the same object is in flight',
        note: 'Reads (`searchKnn`, `getPoint`, `searchKnnBatchSync`, `writeIndexSync`, ...) answer from the old index until the new one is in.',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while 1 asynchronous operations are running on this index; await them first'),
        calls: (
          [
            ['HierarchicalNSW', 'addPoint', 'throws', (i: Loose) => i.addPoint(vec(9), 9)],
            ['HierarchicalNSW', 'markDelete', 'throws', (i: Loose) => i.markDelete(1)],
            ['HierarchicalNSW', 'setEf', 'throws', (i: Loose) => i.setEf(50)],
            ['HierarchicalNSW', 'addItemsSync', 'throws', (i: Loose) => i.addItemsSync([vec(9)], [9])],
            ['HierarchicalNSW', 'searchKnnBatch', 'rejects', (i: Loose) => i.searchKnnBatch([vec(0)], 1)],
            ['HierarchicalNSW', 'writeIndex', 'rejects', (i: Loose, e: Env) => i.writeIndex(e.path('during-load.bin'))],
            ['BruteforceSearch', 'removePoint', 'throws', (i: Loose) => i.removePoint(1)],
            ['BruteforceSearch', 'toBuffer', 'rejects', (i: Loose) => i.toBuffer()],
          ] as const
        ).map(([cls, method, mode, call]) => ({
          method: `${cls}#${method}`,
          mode,
          mutates: true,
          vars: { method },
          run: (e: Env) => {
            const index = cls === 'HierarchicalNSW' ? e.hnsw() : e.brute();
            withLoad(e, index, cls === 'HierarchicalNSW' ? 'hnsw' : 'brute');
            return call(index, e);
          },
        })),
      },
      {
        id: 'busy-progress',
        input: 'a call that replaces the whole index from inside an `addItemsSync` `onProgress` callback',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: cannot {method} while addItemsSync is running on this index'),
        note: 'The error comes out of `addItemsSync` (it is what `onProgress` threw).',
        calls: [
          {
            method: 'HierarchicalNSW#addItemsSync',
            variant: 'onProgress calls initIndex',
            vars: { method: 'initIndex' },
            mutates: true,
            run: (e) => {
              const index = e.hnsw({ capacity: 20_000, count: 0 });
              // Enough rows for the 100 ms progress report to come while rows still run.
              const rows = new Float32Array(20_000 * DIM).map((_, i) => (i * 7919) % 1000);
              return index.addItemsSync(rows, undefined, { numThreads: 1, onProgress: () => index.initIndex(5) });
            },
          },
        ],
      },
      {
        id: 'filter-reentrant',
        input: 'a `searchKnn` filter that calls a method of the index it filters',
        outcome: err('Error', 'ERR_INDEX_BUSY', 'Hnswlib Error: an index cannot be used from inside its own searchKnn filter'),
        note: 'The error comes out of `searchKnn`; the index stays usable.',
        calls: [
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'filter calls addPoint',
            run: (e) => {
              const index = e.hnsw();
              return index.searchKnn(vec(0), 2, (label: number) => index.addPoint(vec(9), label + 100));
            },
          },
          {
            method: 'HierarchicalNSW#searchKnn',
            variant: 'filter calls searchKnn',
            run: (e) => {
              const index = e.hnsw();
              return index.searchKnn(vec(0), 2, () => index.searchKnn(vec(1), 1).neighbors.length > 0);
            },
          },
          {
            method: 'BruteforceSearch#searchKnn',
            variant: 'filter calls getCurrentCount',
            run: (e) => {
              const index = e.brute();
              return index.searchKnn(vec(0), 2, () => index.getCurrentCount() > 0);
            },
          },
        ],
      },
    ],
  },
  {
    title: 'searchKnn filter callbacks',
    rows: [
      {
        id: 'filter-throws',
        input: 'a filter that throws (an Error, a string, `undefined`, `null`, a Proxy)',
        note: 'The search stops admitting elements and the exception is rethrown; hnswlib-node aborted the process.',
        outcome: {
          kind: 'rethrown',
          text: 'exactly what the filter threw (the same object; none of a Proxy\'s traps run); the index stays usable',
        },
        calls: [
          ...(['hnsw', 'brute'] as const).map((kind) => ({
            method: kind === 'hnsw' ? 'HierarchicalNSW#searchKnn' : 'BruteforceSearch#searchKnn',
            variant: 'a Proxy whose traps throw',
            run: (e: Env) => proxyThrownThrough((thrower) => (kind === 'hnsw' ? e.hnsw() : e.brute()).searchKnn(vec(0), 2, thrower)),
            check: (out: unknown) => assertJson(out, { same: true, traps: [] }),
          })),
          rethrowCall('HierarchicalNSW#searchKnn', 'RangeError', new RangeError('filter failed'), (e) => e.hnsw()),
          rethrowCall('HierarchicalNSW#searchKnn', 'string', 'not an Error', (e) => e.hnsw()),
          rethrowCall('HierarchicalNSW#searchKnn', 'undefined', undefined, (e) => e.hnsw()),
          rethrowCall('BruteforceSearch#searchKnn', 'TypeError', new TypeError('filter failed'), (e) => e.brute()),
          rethrowCall('BruteforceSearch#searchKnn', 'null', null, (e) => e.brute()),
        ],
      },
      {
        id: 'filter-non-boolean',
        input: 'a filter that returns something other than a boolean (`1`, `0`, `""`, `"no"`, `{}`, `null`, `undefined`, `NaN`, `0n`, a Symbol, a Promise)',
        outcome: accepted('no error: JavaScript truthiness decides (`"no"`, `{}`, a Promise pass; `0`, `""`, `NaN`, `0n` do not)'),
        calls: [
          ['1 or 0', (l: number) => l % 2, [1, 3]],
          ['"" or "no"', (l: number) => (l % 2 ? '' : 'no'), [0, 2]],
          ['{} or null', (l: number) => (l < 2 ? {} : null), [0, 1]],
          ['undefined', () => undefined, []],
          ['NaN', () => NaN, []],
          ['0n or 1n', (l: number) => (l === 3 ? 1n : 0n), [3]],
          ['Symbol', () => Symbol('x'), [0, 1, 2, 3]],
          ['Promise of false', () => Promise.resolve(false), [0, 1, 2, 3]],
        ].flatMap(([variant, filter, expected]) =>
          (['hnsw', 'brute'] as const).map((kind) => ({
            method: kind === 'hnsw' ? 'HierarchicalNSW#searchKnn' : 'BruteforceSearch#searchKnn',
            variant: variant as string,
            run: (e: Env) => (kind === 'hnsw' ? e.hnsw() : e.brute()).searchKnn(vec(0), 4, filter),
            check: (out: unknown) => assertJson([...(out as { neighbors: number[] }).neighbors].sort(), expected),
          })),
        ),
      },
    ],
  },
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

// ---- rendering and matching ---------------------------------------------------------------------------------

/** Every call of the catalogue with its group and row, in order. */
export function allCalls(): Array<{ group: Group; row: Row; call: Call }> {
  return CATALOGUE.flatMap((group) => group.rows.flatMap((row) => row.calls.map((call) => ({ group, row, call }))));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The exact message (string) or pattern (RegExp, when the template has `{*}`) a call must produce. */
export function expectedMessage(template: string, vars: Record<string, string> = {}, dir = ''): string | RegExp {
  const fill = (text: string): string =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in vars)) throw new Error(`no value for {${name}} in ${template}`);
      return vars[name].replace(/<dir>/g, dir);
    });
  if (!template.includes('{*}')) return fill(template);
  return new RegExp(`^${template.split('{*}').map((part) => escapeRegExp(fill(part))).join('.*')}$`, 's');
}

/** A code span that survives backticks inside (CommonMark: a longer fence, padded with spaces). */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '\\n');
}

function methodsOf(row: Row): string {
  const seen = new Map<string, Set<string>>();
  for (const call of row.calls) {
    const forms = seen.get(call.method) ?? new Set<string>();
    if (call.mode === 'rejects') forms.add('rejects');
    else if (row.outcome.kind === 'error') forms.add('throws');
    seen.set(call.method, forms);
  }
  return [...seen]
    .map(([method, forms]) => {
      const note = forms.has('rejects') && !forms.has('throws') ? ' (rejects)' : forms.has('rejects') ? ' (throws / rejects)' : '';
      return `\`${method}\`${note}`;
    })
    .join(', ');
}

function placeholders(row: Row): string {
  if (row.outcome.kind !== 'error') return '';
  const names = [...row.outcome.message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const lines = [...new Set(names)].map((name) => {
    const values = row.examples?.[name] ?? [
      ...new Set(row.calls.map((call) => call.vars?.[name]).filter((v): v is string => v !== undefined)),
    ];
    return `${code(`<${name}>`)}: ${values.map((v) => code(v)).join(', ')}`;
  });
  return lines.length ? `<br>${lines.join('<br>')}` : '';
}

function messageCell(row: Row): string {
  const outcome = row.outcome;
  if (outcome.kind !== 'error') return outcome.text;
  const shown = outcome.message.replace(/\{\*\}/g, '…').replace(/\{(\w+)\}/g, '<$1>');
  return code(shown) + placeholders(row);
}

/** The Markdown tables of docs/bad-input.md, between its catalogue markers. */
export function renderCatalogue(): string {
  const out: string[] = [];
  CATALOGUE.forEach((group, g) => {
    out.push(`### ${g + 1}. ${group.title}`, '');
    if (group.intro) out.push(group.intro, '');
    out.push('| # | Bad input | Methods | Class | `code` | Message or outcome |', '|---|---|---|---|---|---|');
    group.rows.forEach((row, r) => {
      const outcome = row.outcome;
      const input = row.note ? `${row.input}<br>*${row.note}*` : row.input;
      const methods = row.testedIn ? `${row.testedIn.methods ?? 'all four writes'}; see \`${row.testedIn.file}\`` : methodsOf(row);
      const cls = outcome.kind === 'error' ? (outcome.classNote ?? outcome.cls) : outcome.kind === 'rethrown' ? 'as thrown' : '—';
      const codeCell = outcome.kind === 'error' ? (outcome.code ? `\`${outcome.code}\`` : 'none') : '—';
      out.push(`| ${g + 1}.${r + 1} | ${cell(input)} | ${cell(methods)} | ${cell(cls)} | ${codeCell} | ${cell(messageCell(row))} |`);
    });
    out.push('');
  });
  return out.join('\n');
}

export const CATALOGUE_START = '<!-- bad-input catalogue: generated from test/helpers/bad-input-catalogue.ts; do not edit by hand -->';
export const CATALOGUE_END = '<!-- end of bad-input catalogue -->';

/** A fresh temporary directory for one run of the catalogue. */
export function makeCatalogueDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-bad-input-'));
  fs.mkdirSync(path.join(dir, 'cwd'));
  return dir;
}

