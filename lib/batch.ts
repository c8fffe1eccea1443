// The batch and async surface both index classes share: checks and conversions for addItems and searchKnnBatch,
// the abort signal and onProgress plumbing around the native jobs, the AbortError, and the buffer methods' helpers.
// Its public types live in types.ts, so the shipped typings of the classes never reach this file or native.ts.

import { constants as bufferConstants } from 'buffer';
import * as os from 'os';
import * as util from 'util';
import type {
  NativeBatchControl,
  NativeBatchMethods,
  NativeBatchSearchResult,
  NativeLabelFilter,
  NativeSearchOptions,
} from './native';
import type { AbortSignalLike, BatchSearchResult, NodeBuffer } from './types';
import {
  FLOAT32_MAX,
  UINT32_MAX,
  changedWhileReadError,
  checkIntegerRange,
  notInitializedError,
  outOfMemoryError,
  rangeError,
  typeError,
  verbatim,
} from './validate';

// ---- internal -------------------------------------------------------------------------------------------------

/** What a class tells the shared code about itself. */
export interface BatchTarget {
  native: NativeBatchMethods;
  dim: number;
  /** Whether `replaceDeleted` and `ef` mean anything (HierarchicalNSW) or are ignored (BruteforceSearch). */
  graph: boolean;
}

/** Node's AbortError: the same name, code and message, plus the batch's insertedLabels. */
class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  readonly insertedLabels: Float64Array;

  constructor(reason: unknown, insertedLabels: Float64Array) {
    super('The operation was aborted', { cause: reason });
    this.name = 'AbortError';
    this.insertedLabels = insertedLabels;
  }
}

type Progress = (done: number, total: number) => void;

const PROGRESS_INTERVAL_MS = 100;
/** The longest typed array this Node makes (2^32 in Node 20), so the bound on count * k result slots. */
const MAX_RESULT_SLOTS = bufferConstants.MAX_LENGTH;
const LABEL_MAX = Number.MAX_SAFE_INTEGER;
const NO_LABELS = new Float64Array(0);

/** Runs `start`, turning a synchronous throw into a rejection: a Promise form never throws. */
export function attempt<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Runs a Promise method whose input is copied over several event-loop turns before its native job starts. The
 * index counts it as a job in flight from the call on, so `resizeIndex` and the like fail fast meanwhile, exactly
 * as once the job runs; `start` receives the function that hands the count over to the native job.
 */
function preparedJob<T>(
  target: BatchTarget,
  method: 'holdAddItems' | 'holdSearchKnnBatch',
  start: (started: () => void) => Promise<T>,
): Promise<T> {
  return attempt(() => {
    target.native[method]();
    let held = true;
    const release = (): void => {
      if (held) {
        held = false;
        target.native.releaseJob();
      }
    };
    return start(release).finally(release);
  });
}

function requireIndex(target: BatchTarget): void {
  if (!target.native.isInitialized()) throw notInitializedError();
}

/**
 * Sets `insertedLabels` on an error object; a thrown primitive, a frozen object or a Proxy stays as it is. A Proxy
 * is left alone because defining a property on it runs its traps, which may throw or change what it is.
 */
function withInsertedLabels(err: unknown, labels: Float64Array): unknown {
  if (((typeof err === 'object' && err !== null) || typeof err === 'function') && !util.types.isProxy(err)) {
    try {
      Object.defineProperty(err, 'insertedLabels', { value: labels, enumerable: true, writable: true, configurable: true });
    } catch {
      // Not extensible: the error still says what happened.
    }
  }
  return err;
}

function insertedLabelsOf(err: unknown): Float64Array {
  const labels = (err as { insertedLabels?: unknown } | null)?.insertedLabels;
  return util.types.isFloat64Array(labels) ? labels : NO_LABELS;
}

function isCancelled(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_CANCELLED';
}

// ---- argument conversion --------------------------------------------------------------------------------------

/** Floats the Promise forms convert per event-loop turn: a few milliseconds of work, so timers keep running. */
const SLICE_FLOATS = 1 << 20;

/**
 * Whether a typed array's buffer was detached (transferred): it then reads as empty, and would pass for an empty
 * batch. Node 20 has no `ArrayBuffer.prototype.detached`; a view of a detached buffer cannot be made.
 */
function isDetached(array: Float32Array): boolean {
  if (array.length !== 0 || array.buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(array.buffer);
    return false;
  } catch {
    return true;
  }
}

function detachedError(name: string): TypeError {
  return typeError(name, 'a Float32Array whose buffer is not detached', verbatim('a detached Float32Array'));
}

/** The number of rows of a batch, from its container alone (rows are checked as they are copied). */
function batchRows(value: unknown, dim: number, name: string): number {
  if (util.types.isFloat32Array(value)) {
    if (isDetached(value)) throw detachedError(name);
    if (value.length % dim !== 0) {
      throw rangeError(name, `a length that is a multiple of ${dim}`, value.length, 'to have');
    }
    return value.length / dim;
  }
  if (!Array.isArray(value)) throw typeError(name, 'a Float32Array or an array of vectors', value);
  return value.length;
}

/** Throws the RangeError naming `name[row][col]` for the first non-finite float of out[from, to). */
function checkFinite(out: Float32Array, dim: number, name: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    // Read once: `out` may be the caller's shared memory, changing between two reads.
    const value = out[i];
    if (!Number.isFinite(value)) throw rangeError(`${name}[${Math.floor(i / dim)}][${i % dim}]`, 'a finite number', value);
  }
}

/**
 * Copies rows [from, to) of a batch into `out` (count * dim floats) and checks them. Messages name the argument,
 * the row and the column (`vectors[5][3]`). Float32Array rows are checked on the copy, after copying: the caller's
 * memory may be a SharedArrayBuffer that another thread writes meanwhile, and the copy is what gets stored.
 */
function copyRows(value: Float32Array | readonly unknown[], dim: number, name: string, out: Float32Array, from: number, to: number): void {
  if (util.types.isFloat32Array(value)) {
    // A flat batch of a Sync call is `out` itself: checked in place here, and again by the binding on the copy of
    // each row it inserts or searches.
    if (out !== value) out.set(value.subarray(from * dim, to * dim), from * dim);
    checkFinite(out, dim, name, from * dim, to * dim);
    return;
  }
  for (let r = from; r < to; r++) {
    const row = value[r];
    const rowName = `${name}[${r}]`;
    if (util.types.isFloat32Array(row)) {
      if (row.length !== dim) {
        if (isDetached(row)) throw detachedError(rowName);
        throw rangeError(rowName, `${dim} elements`, row.length, 'to have');
      }
      out.set(row, r * dim);
      checkFinite(out, dim, name, r * dim, (r + 1) * dim);
      continue;
    }
    if (!Array.isArray(row)) throw typeError(rowName, 'a number[] or a Float32Array', row);
    const elements = row as readonly unknown[];
    if (elements.length !== dim) throw rangeError(rowName, `${dim} elements`, elements.length, 'to have');
    const base = r * dim;
    for (let c = 0; c < dim; c++) {
      const element = elements[c];
      if (typeof element !== 'number') throw typeError(`${rowName}[${c}]`, 'a number', element);
      if (!Number.isFinite(element)) throw rangeError(`${rowName}[${c}]`, 'a finite number', element);
      out[base + c] = element;
      if (!Number.isFinite(out[base + c])) {
        throw rangeError(`${rowName}[${c}]`, `a number within the float32 range (±${FLOAT32_MAX})`, element);
      }
    }
  }
}

/**
 * A batch of vectors as one flat Float32Array of count * dim floats, for the Sync forms: a flat Float32Array is
 * checked and passed through (the binding copies each row as it takes it), an array of vectors is copied once.
 */
export function toFlatVectors(value: unknown, dim: number, name: string): { data: Float32Array; count: number } {
  const count = batchRows(value, dim, name);
  const source = value as Float32Array | readonly unknown[];
  const data = util.types.isFloat32Array(source) ? source : new Float32Array(count * dim);
  copyRows(source, dim, name, data, 0, count);
  return { data, count };
}

/**
 * The same for the Promise forms: always a private copy, made a slice per event-loop turn so that a batch of
 * hundreds of megabytes never stalls the event loop. The copy never leaves this module, so no caller can detach
 * or change it while native threads read it, and the binding reads it in place (`owned`). `method` names the
 * call in the error for a batch whose length changes between slices.
 */
export async function toOwnedFlatVectors(
  value: unknown,
  dim: number,
  name: string,
  method: string,
): Promise<{ data: Float32Array; count: number }> {
  const count = batchRows(value, dim, name);
  const source = value as Float32Array | readonly unknown[];
  const flat = util.types.isFloat32Array(source);
  const length = flat ? count * dim : count;
  const data = new Float32Array(count * dim);
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_FLOATS / dim));
  for (let from = 0; from < count; from += rowsPerSlice) {
    if (from > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      // A caller may transfer or resize its buffer between slices.
      if (source.length !== length) throw changedWhileReadError(name, method, length, source.length, flat ? 'floats' : 'rows');
    }
    copyRows(source, dim, name, data, from, Math.min(count, from + rowsPerSlice));
  }
  return { data, count };
}

/**
 * Labels as a new Float64Array, each checked to be an integer 0..2^53-1 (`labels[3]` in messages). `count`
 * (addItems) also requires that many labels, all distinct; `sets` accepts a Set (filters).
 */
export function toLabelArray(value: unknown, name: string, rules: { count?: number; sets?: boolean }): Float64Array {
  let items: ArrayLike<unknown>;
  if (Array.isArray(value) || util.types.isFloat64Array(value) || util.types.isUint32Array(value) || util.types.isInt32Array(value)) {
    items = value as ArrayLike<unknown>;
  } else if (rules.sets && util.types.isSet(value)) {
    items = Array.from(value as Set<unknown>);
  } else {
    const kinds = 'an array of labels, a Float64Array, a Uint32Array or an Int32Array';
    throw typeError(name, rules.sets ? `${kinds.replace(' or ', ', ')} or a Set` : kinds, value);
  }
  if (rules.count !== undefined && items.length !== rules.count) {
    throw rangeError(name, `${rules.count} elements`, items.length, 'to have');
  }
  const labels = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const label = items[i];
    if (typeof label !== 'number') throw typeError(`${name}[${i}]`, 'a number', label);
    checkIntegerRange(label, `${name}[${i}]`, 0, LABEL_MAX);
    labels[i] = label;
  }
  if (rules.count !== undefined && labels.length > 1) {
    const seen = new Set<number>();
    for (const label of labels) {
      if (seen.has(label)) throw rangeError(name, 'distinct labels', verbatim(`${label} twice`), 'to hold');
      seen.add(label);
    }
  }
  return labels;
}

function readOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw typeError('options', 'an object', options);
  return options as Record<string, unknown>;
}

function readNumThreads(options: Record<string, unknown>): number {
  const value = options.numThreads;
  if (value === undefined) return os.availableParallelism();
  if (typeof value !== 'number') throw typeError('numThreads', 'a number', value);
  checkIntegerRange(value, 'numThreads', 1, Number.MAX_SAFE_INTEGER);
  return value;
}

function readBoolean(options: Record<string, unknown>, key: string): boolean {
  const value = options[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw typeError(key, 'a boolean', value);
  return value;
}

function readProgress(options: Record<string, unknown>): Progress | undefined {
  const value = options.onProgress;
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw typeError('onProgress', 'a function', value);
  return value as Progress;
}

function readSignal(options: Record<string, unknown>): AbortSignalLike | undefined {
  const value = options.signal as Partial<AbortSignalLike> | undefined;
  if (value === undefined) return undefined;
  const isSignal =
    typeof value === 'object' &&
    value !== null &&
    typeof value.aborted === 'boolean' &&
    typeof value.addEventListener === 'function';
  if (!isSignal) throw typeError('signal', 'an AbortSignal', value);
  return value as AbortSignalLike;
}

function toNativeFilter(value: unknown): NativeLabelFilter | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw typeError('filter', 'an object with `allow` or `deny`', value);
  const { allow, deny } = value as { allow?: unknown; deny?: unknown };
  if ((allow === undefined) === (deny === undefined)) {
    throw typeError('filter', 'an object with exactly one of `allow` and `deny`', value);
  }
  return allow !== undefined
    ? { allow: toLabelArray(allow, 'filter.allow', { sets: true }) }
    : { deny: toLabelArray(deny, 'filter.deny', { sets: true }) };
}

// ---- addItems -------------------------------------------------------------------------------------------------

/** The options of an addItems call as plain values, read before anything else (see readAddOptions). */
interface AddSettings {
  numThreads: number;
  replaceDeleted: boolean;
  onProgress?: Progress;
  signal?: AbortSignalLike;
}

/**
 * Labels for a batch given none, reserved at once: consecutive from getCurrentCount() (as Python hnswlib's
 * add_items), or from past the labels an earlier call reserved, skipping any label the index holds. So batches
 * running at the same time never share a label, and a default label never overwrites an element.
 */
function defaultLabels(target: BatchTarget, count: number): Float64Array {
  const labels = new Float64Array(count);
  target.native.reserveLabels(labels);
  return labels;
}

interface AddBatch extends AddSettings {
  vectors: Float32Array;
  labels: Float64Array;
}

/**
 * Reads every option once, before the vectors are checked or copied: a getter runs JS, which could otherwise
 * rewrite or detach vectors that were already checked.
 */
function readAddOptions(target: BatchTarget, options: unknown): AddSettings {
  const settings = readOptions(options);
  return {
    numThreads: readNumThreads(settings),
    replaceDeleted: target.graph ? readBoolean(settings, 'replaceDeleted') : false,
    onProgress: readProgress(settings),
    signal: readSignal(settings),
  };
}

function prepareAdd(target: BatchTarget, settings: AddSettings, flat: { data: Float32Array; count: number }, labels: unknown): AddBatch {
  const given = labels === undefined ? undefined : toLabelArray(labels, 'labels', { count: flat.count });
  const batch: AddBatch = { ...settings, vectors: flat.data, labels: NO_LABELS };
  requireIndex(target);
  if (batch.signal?.aborted) throw new AbortError(batch.signal.reason, NO_LABELS);
  batch.labels = given ?? defaultLabels(target, flat.count);
  return batch;
}

/** The final onProgress(total, total) of a successful batch; if it throws, every label is in the index. */
function reportDone(batch: AddBatch): Float64Array {
  if (batch.onProgress) {
    try {
      batch.onProgress(batch.labels.length, batch.labels.length);
    } catch (err) {
      throw withInsertedLabels(err, batch.labels);
    }
  }
  return batch.labels;
}

/**
 * The abort listener of a batch: stops the rows through `control` and remembers that it was called, since a
 * signal-like object may call it without ever setting `aborted`.
 */
class AbortWatch {
  fired = false;

  constructor(private readonly control: NativeBatchControl) {}

  readonly listener = (): void => {
    this.fired = true;
    Atomics.store(this.control, 0, 1n);
  };
}

/** A cancelled native batch becomes the AbortError when the signal asked for it. */
function batchFailure(err: unknown, batch: AddBatch, abort: AbortWatch | undefined): unknown {
  if (isCancelled(err) && (abort?.fired || batch.signal?.aborted)) {
    return new AbortError(batch.signal?.reason, insertedLabelsOf(err));
  }
  return err;
}

/**
 * addItems: rows on native threads off the JS thread. The abort listener and the progress poll both talk to the
 * rows through one shared BigInt64Array (see NativeBatchControl).
 */
export function addItems(target: BatchTarget, vectors: unknown, labels: unknown, options: unknown): Promise<Float64Array> {
  return preparedJob(target, 'holdAddItems', async (started) => {
    const settings = readAddOptions(target, options);
    const batch = prepareAdd(target, settings, await toOwnedFlatVectors(vectors, target.dim, 'vectors', 'addItems'), labels);
    const { signal, onProgress } = batch;
    const total = batch.labels.length;
    const control = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
    const stop = (): void => {
      Atomics.store(control, 0, 1n);
    };
    const abort = new AbortWatch(control);
    let callbackFailure: { error: unknown } | undefined;
    // Only counts that moved are reported; 0 (rows not started yet) never is.
    let reported = 0;
    const poll =
      onProgress &&
      setInterval(() => {
        const done = Number(Atomics.load(control, 1));
        if (callbackFailure || done >= total || done === reported) return;
        reported = done;
        try {
          onProgress(done, total);
        } catch (error) {
          callbackFailure = { error };
          stop();
        }
      }, PROGRESS_INTERVAL_MS);
    // The job keeps the process alive; the poll alone should not.
    poll?.unref();
    const cleanup = (): void => {
      if (poll) clearInterval(poll);
      signal?.removeEventListener?.('abort', abort.listener);
    };
    let job: Promise<void>;
    try {
      // Inside the try: a signal-like object may call the listener, or throw, right here.
      signal?.addEventListener('abort', abort.listener);
      job = target.native.addItems(batch.vectors, batch.labels, {
        numThreads: batch.numThreads,
        replaceDeleted: batch.replaceDeleted,
        control,
        owned: true,
      });
      started();
    } catch (err) {
      cleanup();
      throw err;
    }
    return job.then(
      () => {
        cleanup();
        if (callbackFailure) throw withInsertedLabels(callbackFailure.error, batch.labels);
        return reportDone(batch);
      },
      (err: unknown) => {
        cleanup();
        if (callbackFailure) throw withInsertedLabels(callbackFailure.error, insertedLabelsOf(err));
        throw batchFailure(err, batch, abort);
      },
    );
  });
}

/**
 * addItemsSync: the same rows on native threads while the JS thread waits (and, with onProgress, reports). The
 * binding calls a wrapper of onProgress, not onProgress itself: what onProgress throws is kept here and the binding
 * sees an Error of this module's own, so the binding only ever annotates (and so touches) an object made here.
 */
export function addItemsSync(target: BatchTarget, vectors: unknown, labels: unknown, options: unknown): Float64Array {
  const settings = readAddOptions(target, options);
  const batch = prepareAdd(target, settings, toFlatVectors(vectors, target.dim, 'vectors'), labels);
  const { signal, onProgress } = batch;
  // Only JS run during the call can abort the signal meanwhile: onProgress, or a signal-like object calling the
  // listener as it is added.
  const control = signal ? new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT)) : undefined;
  const abort = control ? new AbortWatch(control) : undefined;
  let callbackFailure: { error: unknown } | undefined;
  const report =
    onProgress &&
    ((done: number, total: number): void => {
      try {
        onProgress(done, total);
      } catch (error) {
        callbackFailure = { error };
        throw new Error('onProgress threw');
      }
    });
  try {
    if (abort) signal?.addEventListener('abort', abort.listener);
    target.native.addItemsSync(batch.vectors, batch.labels, {
      numThreads: batch.numThreads,
      replaceDeleted: batch.replaceDeleted,
      control,
      onProgress: report,
    });
  } catch (err) {
    if (callbackFailure) throw withInsertedLabels(callbackFailure.error, insertedLabelsOf(err));
    throw batchFailure(err, batch, abort);
  } finally {
    if (abort) signal?.removeEventListener?.('abort', abort.listener);
  }
  return reportDone(batch);
}

// ---- searchKnnBatch -------------------------------------------------------------------------------------------

/** k and the options of a searchKnnBatch call as plain values, read before the queries (see readAddOptions). */
interface SearchSettings {
  k: number;
  numThreads: number;
  ef?: number;
  filter?: NativeLabelFilter;
}

function readSearchOptions(target: BatchTarget, k: unknown, options: unknown): SearchSettings {
  if (typeof k !== 'number') throw typeError('k', 'a number', k);
  checkIntegerRange(k, 'k', 1, Number.MAX_SAFE_INTEGER);
  const settings = readOptions(options);
  const numThreads = readNumThreads(settings);
  let ef: number | undefined;
  // Read once: a getter could answer differently on every read.
  const givenEf = target.graph ? settings.ef : undefined;
  if (givenEf !== undefined) {
    if (typeof givenEf !== 'number') throw typeError('ef', 'a number', givenEf);
    checkIntegerRange(givenEf, 'ef', 0, UINT32_MAX);
    // The beam is max(ef, k) and k >= 1, so ef 0 searches as ef 1 would; the native 0 means "the index's ef".
    ef = Math.max(givenEf, 1);
  }
  const filter = toNativeFilter(settings.filter);
  return { k, numThreads, ef, filter };
}

/**
 * The native call's arguments, with the result arrays. They are made here, in JS, where a failed allocation is a
 * RangeError to report rather than a fatal error of the runtime, and sized by what a search can return: rows of
 * min(k, element count) slots (at least 1), since no row holds more hits than the index holds elements.
 */
function prepareSearch(
  target: BatchTarget,
  settings: SearchSettings,
  flat: { data: Float32Array; count: number },
): { queries: Float32Array; k: number; options: NativeSearchOptions } {
  const { k, numThreads, ef, filter } = settings;
  const rows = flat.count;
  if (rows > 0 && k * rows > MAX_RESULT_SLOTS) {
    const most = Math.floor(MAX_RESULT_SLOTS / rows);
    throw rangeError('k', `an integer between 1 and ${most} for ${rows} queries`, k);
  }
  requireIndex(target);
  const stride = Math.max(1, Math.min(k, target.native.getCurrentCount()));
  const slots = rows * stride;
  let out: NativeSearchOptions['out'];
  try {
    out = { labels: new Float64Array(slots), distances: new Float32Array(slots), found: new Uint32Array(rows) };
  } catch {
    const bytes = slots * (Float64Array.BYTES_PER_ELEMENT + Float32Array.BYTES_PER_ELEMENT) + rows * Uint32Array.BYTES_PER_ELEMENT;
    throw outOfMemoryError(
      'k',
      `small enough that the results fit in memory (${rows} queries × ${stride} slots: ${bytes} bytes could not be allocated)`,
      k,
    );
  }
  return { queries: flat.data, k, options: { numThreads, ef, filter, stride, out } };
}

export function searchKnnBatch(
  target: BatchTarget,
  queries: unknown,
  k: unknown,
  options: unknown,
): Promise<BatchSearchResult> {
  return preparedJob(target, 'holdSearchKnnBatch', async (started) => {
    const settings = readSearchOptions(target, k, options);
    const search = prepareSearch(target, settings, await toOwnedFlatVectors(queries, target.dim, 'queries', 'searchKnnBatch'));
    const job = target.native.searchKnnBatch(search.queries, search.k, { ...search.options, owned: true });
    started();
    return job;
  });
}

export function searchKnnBatchSync(target: BatchTarget, queries: unknown, k: unknown, options: unknown): BatchSearchResult {
  const settings = readSearchOptions(target, k, options);
  const search = prepareSearch(target, settings, toFlatVectors(queries, target.dim, 'queries'));
  return target.native.searchKnnBatchSync(search.queries, search.k, search.options);
}

// ---- buffers --------------------------------------------------------------------------------------------------

export function toBuffer(target: BatchTarget): Promise<NodeBuffer> {
  return attempt(() => {
    requireIndex(target);
    return target.native.toBufferAsync();
  });
}

export function toBufferSync(target: BatchTarget): NodeBuffer {
  requireIndex(target);
  return target.native.toBuffer();
}

/** fromBuffer's data: any Uint8Array, Node's Buffer included. */
export function checkBytes(data: unknown): asserts data is Uint8Array {
  if (!util.types.isUint8Array(data)) throw typeError('data', 'a Uint8Array or a Buffer', data);
}

/** An optional boolean argument of the new methods, named in the TypeError. */
export function checkOptionalBoolean(value: unknown, name: string): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw typeError(name, 'a boolean', value);
}
