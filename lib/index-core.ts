// The state behind one index object, and the argument readers and job plumbing both index classes share. The
// classes' typings never name this file (see base-index.ts), so its native types stay out of users' programs.

import { type NativeBruteforceSearch, type NativeHierarchicalNSW, type NativeIndex, native } from './native';
import { HitBuffer, searchResult } from './single-search';
import type { FilterFunction, Precision, SearchResult, SpaceName } from './types';
import {
  type VectorInput,
  checkArgCount,
  checkDimensions,
  checkFilename,
  checkK,
  checkLabel,
  checkMinArgCount,
  checkNumberArg,
  checkOptionalFunctionArg,
  checkSpaceName,
  checkStringArg,
  checkUint32,
  checkVectorArg,
  closedError,
  notInitializedError,
  readIndexOptions,
  toFloat32Query,
} from './validate';

/** The native index types, by the name of the public class each one backs. */
interface NativeByClass {
  HierarchicalNSW: NativeHierarchicalNSW;
  BruteforceSearch: NativeBruteforceSearch;
}

/** The addon's constructors of those types. */
const NATIVE_CLASSES: {
  [C in keyof NativeByClass]: new (space: SpaceName, dim: number, precision?: Precision) => NativeByClass[C];
} = native;

/**
 * The order in which Promise addItems calls given no labels take their default labels: the order they were called
 * in. A call copies its rows over several event-loop turns before it reserves labels, so without this a small batch
 * called second would often take the labels right after getCurrentCount() from a large one called first.
 */
class LabelOrder {
  #last: Promise<void> = Promise.resolve();

  /**
   * A place in line, taken when addItems is called: `ready` settles once every call before it has reserved its
   * labels or failed; `done` (idempotent) lets the next one go.
   */
  take(): { ready: Promise<void>; done: () => void } {
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const ready = this.#last;
    this.#last = mine;
    return { ready, done };
  }
}

/**
 * One index object's state: its native index, the dimension it was made with, its hit buffer, and whether the
 * native index is known to exist. The public object (a subclass of IndexBase) and its base class both hold it.
 */
export class IndexCore<N extends NativeIndex = NativeIndex> {
  readonly #native: N;
  readonly dim: number;
  /** Whether `replaceDeleted` and `ef` mean anything (HierarchicalNSW) or are ignored (BruteforceSearch). */
  readonly graph: boolean;
  readonly hits = new HitBuffer();
  /** Shared with every forJob view, so calls line up per index object. */
  readonly labelOrder: LabelOrder;
  #initialized = false;
  #closed = false;
  /** Promise methods in flight that make several native calls (preparedJob): the addon is closed after the last. */
  #spanning = 0;

  private constructor(index: N, dim: number, graph: boolean, labelOrder = new LabelOrder()) {
    this.#native = index;
    this.dim = dim;
    this.graph = graph;
    this.labelOrder = labelOrder;
  }

  /**
   * The native index; ERR_CLOSED once `close()` was called. Every public method reaches the addon through this, after
   * reading its arguments, so a closed index reports its state where one not yet initialised would. A Promise method
   * that has started keeps what it took from here, and so finishes and settles after a `close()` as it would have.
   */
  get native(): N {
    if (this.#closed) throw closedError();
    return this.#native;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The same native index for one Promise method that has started, deaf to a later `close()`: the method goes on
   * through its event-loop turns and native jobs, and settles, as it would have (preparedJob delays the addon's
   * close until then). ERR_CLOSED if this index is closed already.
   */
  forJob(): IndexCore<N> {
    const view = new IndexCore(this.native, this.dim, this.graph, this.labelOrder);
    view.#initialized = this.#initialized;
    return view;
  }

  /**
   * close() and [Symbol.dispose]: the public methods refuse from now on; the addon lets the engine go now, or once
   * its own jobs have settled, and is itself closed only after the last Promise method that still calls it (an
   * addItems between chunks). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#spanning === 0) this.#native.close();
  }

  /** preparedJob's count of the methods in flight that close() waits for. */
  beginSpanning(): void {
    this.#spanning++;
  }

  endSpanning(): void {
    this.#spanning--;
    if (this.#closed && this.#spanning === 0) this.#native.close();
  }

  /**
   * Checks a constructor's `(spaceName, numDimensions, options?)` in hnswlib-node's order (the count, both types,
   * the space name, then the dimension's range), then the options, and makes the native index behind the public
   * class `className`. hnswlib-node's constructors take exactly two arguments; a third that is an object (or
   * `undefined`) is hnswkit's options, and any other third argument keeps hnswlib-node's count error.
   */
  static create<C extends keyof NativeByClass>(className: C, args: unknown[]): IndexCore<NativeByClass[C]> {
    const [spaceName, numDimensions, options] = args;
    const withOptions = args.length === 3 && (options === undefined || (typeof options === 'object' && options !== null));
    if (!withOptions) checkArgCount(args.length, 2);
    checkStringArg(spaceName, 'first');
    checkNumberArg(numDimensions, 'second');
    checkSpaceName(spaceName);
    checkDimensions(numDimensions);
    const precision = readIndexOptions(withOptions ? (options as object | undefined) : undefined);
    const Native = NATIVE_CLASSES[className];
    const index = new Native(spaceName, numDimensions, precision);
    return new IndexCore(index, numDimensions, className === 'HierarchicalNSW');
  }

  /** The native index, or hnswlib-node's not-initialized Error before `initIndex` or a read. */
  ready(): N {
    // Once initialised, a native index stays so (a failed load or initIndex keeps the previous index), which spares
    // searchKnn a native call per query.
    if (!this.#initialized) {
      if (!this.native.isInitialized()) throw notInitializedError();
      this.#initialized = true;
    }
    return this.native;
  }

  /**
   * searchKnn after its arguments are read and the index is known to exist: converts the query, takes the hit
   * buffer, runs `search` (the class's native call) and shapes `{ distances, neighbors }`.
   */
  searchOne(
    queryPoint: VectorInput,
    k: number,
    search: (query: Float32Array, out: Float64Array) => number,
  ): SearchResult {
    const query = toFloat32Query(queryPoint, this.dim);
    const out = this.hits.take(k, query, this.native);
    return searchResult(search(query, out), out, query);
  }
}

/**
 * The `(vector, number, optional third)` of HierarchicalNSW's addPoint and both searchKnn: the count (2 or 3), then
 * the first two types. The caller checks the third argument's type, then the number's range, in that order.
 */
export function readVectorCall(args: unknown[]): [VectorInput, number, unknown] {
  checkMinArgCount(args.length, 2, '2-3');
  const [vector, value, third] = args;
  checkVectorArg(vector, 'first');
  checkNumberArg(value, 'second');
  return [vector, value, third];
}

/** searchKnn's `(queryPoint, numNeighbors, filter?)`, checked in hnswlib-node's order; k's range last. */
export function readSearchArgs(args: unknown[]): [VectorInput, number, FilterFunction | undefined] {
  const [queryPoint, numNeighbors, filter] = readVectorCall(args);
  checkOptionalFunctionArg(filter, 'third');
  checkK(numNeighbors);
  return [queryPoint, numNeighbors, filter as FilterFunction | undefined];
}

/** A method's only argument, a count-like integer (`maxElements`, `ef`, ...): the count, the type, the range. */
export function readUint32Arg(args: unknown[], name: string): number {
  checkArgCount(args.length, 1);
  const [value] = args;
  checkNumberArg(value, 'first');
  checkUint32(value, name);
  return value;
}

/** A method's only argument, a label: the count, the type, then the range. */
export function readLabelArg(args: unknown[]): number {
  checkArgCount(args.length, 1);
  const [label] = args;
  checkNumberArg(label, 'first');
  checkLabel(label);
  return label;
}

/** A method's only argument, a file name: the count, then the type. */
export function readFilenameArg(args: unknown[]): string {
  checkArgCount(args.length, 1);
  const [filename] = args;
  checkStringArg(filename, 'first');
  return filename;
}

/** Runs `start`, turning a synchronous throw into a rejection: a Promise form never throws. */
export function attempt<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * readIndex and writeIndex after their arguments' count and type: the file name's content is checked as part of the
 * Promise (a NUL rejects), and the Promise resolves to `true` as hnswlib-node's does.
 */
export function fileJob(filename: string, run: (filename: string) => Promise<void>): Promise<boolean> {
  return attempt(() => {
    checkFilename(filename);
    return run(filename);
  }).then(() => true);
}

/**
 * Runs a Promise method whose input is copied over several event-loop turns before its native job starts. The
 * index counts it as a job in flight from the call on, so `resizeIndex` and the like fail fast meanwhile, exactly
 * as once the job runs; `start` receives the function that hands the count over to the native job, and the core
 * to work with (`forJob`: a `close()` meanwhile lets the method finish). A method that runs several native jobs
 * (addItems over chunks of rows) keeps the count until its Promise settles.
 */
export function preparedJob<T>(
  core: IndexCore,
  method: 'holdAddItems' | 'holdSearchKnnBatch' | 'holdSearchRangeBatch',
  start: (started: () => void, job: IndexCore) => Promise<T>,
): Promise<T> {
  return attempt(() => {
    const job = core.forJob();
    const index = job.native;
    index[method]();
    core.beginSpanning();
    let held = true;
    const release = (): void => {
      if (held) {
        held = false;
        index.releaseJob();
      }
    };
    return start(release, job).finally(() => {
      release();
      core.endSpanning();
    });
  });
}
