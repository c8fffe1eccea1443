// The bad-input catalogue's building blocks: the shape of a row, the environment its calls run in (it remembers
// every index it built, so the runner can check that a failed call changed nothing), and the small builders the
// groups of rows share. The groups: the other files of this folder; the whole: ../bad-input-catalogue.ts.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space } from 'hnswkit';
import { hostileProxy } from '../hostile-proxy';

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

export const DIM = 3;

/** The vector stored under label i in the catalogue's indexes: [i, i+1, ..., i+dim-1]. */
export function vec(i: number, dim = DIM): number[] {
  return Array.from({ length: dim }, (_, j) => i + j);
}

export interface Tracked {
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
  /** The index's precision (default f32). */
  precision?: 'f32' | 'f16' | 'i8';
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
  readonly closed = new Set<Loose>();

  constructor(readonly dir: string) {}

  /** An l2 HierarchicalNSW of dimension 3 (default), capacity 10, labels 0..3 holding vec(label). */
  hnsw(options: IndexOptions = {}): Loose {
    const { capacity = 10, count = 4, dim = DIM, allowReplaceDeleted = false, deleted = [], precision } = options;
    const index = new H('l2', dim, { precision });
    index.initIndex(capacity, 16, 200, 100, allowReplaceDeleted);
    for (let i = 0; i < count; i++) index.addPoint(vec(i, dim), i);
    for (const label of deleted) index.markDelete(label);
    return this.track(index);
  }

  /** An l2 BruteforceSearch of dimension 3 (default), capacity 10, labels 0..3 holding vec(label). */
  brute(options: IndexOptions = {}): Loose {
    const { capacity = 10, count = 4, dim = DIM, precision } = options;
    const index = new B('l2', dim, { precision });
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

  /** Closes a tracked index (through `[Symbol.dispose]` if `dispose`), which the check afterwards then leaves out. */
  close(index: Loose, dispose = false): Loose {
    if (dispose) (index as unknown as Disposable)[Symbol.dispose]();
    else index.close();
    this.closed.add(index);
    return index;
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
export function makeFifo(file: string): void {
  if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFIFO()) return;
  const made = spawnSync('mkfifo', [file], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${file} failed: ${made.stderr}`);
}

/** Makes a symbolic link at `file` unless one is there. */
export function makeSymlink(target: string, file: string): void {
  if (!fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) fs.symlinkSync(target, file);
}

export function isInitialised(index: Loose): boolean {
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
    if (env.closed.has(index)) continue;
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

export const err = (cls: string, code: string | undefined, message: string, classNote?: string): Outcome => ({
  kind: 'error',
  cls,
  code,
  message,
  classNote,
});
export const accepted = (text: string): Outcome => ({ kind: 'accepted', text });

export const NOT_INITIALIZED = 'Search index has not been initialized, call `initIndex` in advance.';
export const LABEL_BOUNDS = 'an integer between 0 and 9007199254740991';
export const TOO_BIG_FOR_FLOAT32 = '±3.4028234663852886e+38';

/** A batch of two rows, [vec(20), vec(21)], with labels 20 and 21. */
export const TWO_ROWS = (): number[][] => [vec(20), vec(21)];

/** Asserts that a value is the given object, and that the catalogue's indexes still work. */
export function sameObject(expected: unknown): (outcome: unknown) => void {
  return (outcome) => assert.strictEqual(outcome, expected);
}

/** A filter that throws `value` on its first call, for the rethrow rows. */
export function throwingFilter(value: unknown): () => never {
  return () => {
    throw value;
  };
}

/** Calls `run` with a filter throwing `value` and returns what came out, so `check` can compare identity. */
export function rethrowCall(method: string, variant: string, value: unknown, make: (env: Env) => Loose): Call {
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
export function getterOptions(key: string, value: unknown, effect: () => void): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      effect();
      return value;
    },
  });
}

/** Transfers a typed array's buffer away, leaving the array detached (length 0). */
export function detach(array: Float32Array): Float32Array {
  structuredClone(array, { transfer: [array.buffer] });
  return array;
}

/** More rows of dimension 3 than a Promise form copies in one event-loop turn (2^20 floats), all finite. */
export function twoSlices(): Float32Array {
  return new Float32Array(3 * (Math.floor(2 ** 20 / 3) + 1)).fill(0.5);
}


/**
 * Runs `run` with a function that throws a Proxy whose traps all throw, and returns whether `run` threw that very
 * Proxy and which of its traps ran (none may).
 */
export async function proxyThrownThrough(run: (thrower: () => never) => unknown): Promise<{ same: boolean; traps: string[] }> {
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
export function withJob(env: Env, index: Loose): void {
  env.defer(index.addItems([vec(7)], [7], { numThreads: 1 }) as Promise<unknown>);
}

/** Starts a fromBuffer load that is still in flight when the call right after it runs. */
export function withLoad(env: Env, index: Loose, kind: 'hnsw' | 'brute'): void {
  env.defer(index.fromBuffer(env.bytesOf(kind)) as Promise<unknown>);
}
