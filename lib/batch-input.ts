// The inputs of the batch methods, checked and converted: a VectorBatch into one flat Float32Array, labels into a
// Float64Array, the options objects into plain values (each read once), a label filter into its native form.

import * as os from 'os';
import * as util from 'util';
import { type NativeLabelFilter, native } from './native';
import type { AbortSignalLike } from './types';
import { FLOAT32_MAX, changedWhileReadError, checkIntegerRange, rangeError, typeError, verbatim } from './validate';

export type Progress = (done: number, total: number) => void;

const LABEL_MAX = Number.MAX_SAFE_INTEGER;

/** Floats the Promise forms convert per event-loop turn: about a millisecond (page faults included), so timers run. */
const SLICE_FLOATS = 1 << 17;

/**
 * Floats of one native addItems call when a batch is larger: lib copies a chunk of rows while the chunk before it
 * is inserted, so a batch never holds more than two chunks of copies at once, whatever its size.
 */
export const CHUNK_FLOATS = 1 << 21;

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

/**
 * Throws the RangeError naming `name[row][col]` for the first non-finite float of out[from, to). `first` is the
 * batch row that out[0] holds.
 */
function checkFinite(out: Float32Array, dim: number, name: string, from: number, to: number, first = 0): void {
  // Native: a JS loop runs many times slower until it is optimised, which a slice of a large batch would feel.
  for (let start = from; ; ) {
    const i = native.firstNonFinite(out, start, to);
    if (i < 0) return;
    // Read once: `out` may be the caller's shared memory, changing between two reads.
    const value = out[i];
    if (!Number.isFinite(value)) throw rangeError(`${name}[${first + Math.floor(i / dim)}][${i % dim}]`, 'a finite number', value);
    // Another thread wrote the element finite meanwhile: the rest still needs checking.
    start = i + 1;
  }
}

/**
 * Copies rows [from, to) of a batch into `out` and checks them; row r goes to row r - `first` of `out`. Messages
 * name the argument, the row and the column (`vectors[5][3]`). Float32Array rows are checked on the copy, after
 * copying: the caller's memory may be a SharedArrayBuffer that another thread writes meanwhile, and the copy is
 * what gets stored.
 */
function copyRows(
  value: Float32Array | readonly unknown[],
  dim: number,
  name: string,
  out: Float32Array,
  from: number,
  to: number,
  first = 0,
): void {
  if (util.types.isFloat32Array(value)) {
    // A flat batch of a Sync call is `out` itself: checked in place here, and again by the binding on the copy of
    // each row it inserts or searches.
    if (out !== value) out.set(value.subarray(from * dim, to * dim), (from - first) * dim);
    checkFinite(out, dim, name, (from - first) * dim, (to - first) * dim, first);
    return;
  }
  for (let r = from; r < to; r++) {
    const row = value[r];
    const rowName = `${name}[${r}]`;
    const base = (r - first) * dim;
    if (util.types.isFloat32Array(row)) {
      if (row.length !== dim) {
        if (isDetached(row)) throw detachedError(rowName);
        throw rangeError(rowName, `${dim} elements`, row.length, 'to have');
      }
      out.set(row, base);
      checkFinite(out, dim, name, base, base + dim, first);
      continue;
    }
    if (!Array.isArray(row)) throw typeError(rowName, 'a number[] or a Float32Array', row);
    const elements = row as readonly unknown[];
    if (elements.length !== dim) throw rangeError(rowName, `${dim} elements`, elements.length, 'to have');
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
 * A batch a Promise form reads over several event-loop turns, a slice of about a millisecond per turn, so that a
 * batch of hundreds of megabytes never stalls the event loop. What it copies never leaves lib, so no caller can
 * detach or change it while native threads read it, and the binding reads it in place (`owned`). `method` names
 * the call in the error for a batch whose length changes between slices.
 */
export class SlicedBatch {
  readonly count: number;
  readonly #source: Float32Array | readonly unknown[];
  readonly #length: number;
  /** Set once the batch has failed: a copy still under way stops at its next slice. */
  stopped = false;

  constructor(
    value: unknown,
    readonly dim: number,
    readonly name: string,
    readonly method: string,
  ) {
    this.count = batchRows(value, dim, name);
    this.#source = value as Float32Array | readonly unknown[];
    this.#length = util.types.isFloat32Array(value) ? this.count * dim : this.count;
  }

  /** Rows [from, to) as a new private copy, checked. */
  copy(from: number, to: number): Promise<Float32Array> {
    return this.copyInto(new Float32Array((to - from) * this.dim), from, to);
  }

  /** Rows [from, to) copied into the start of `out` and checked; resolves to the part of `out` they fill. */
  async copyInto(out: Float32Array, from: number, to: number): Promise<Float32Array> {
    const data = out.subarray(0, (to - from) * this.dim);
    await this.#sliced(from, to, (start, end) => copyRows(this.#source, this.dim, this.name, data, start, end, from));
    return data;
  }

  /**
   * Checks every row, as copying would, without keeping a copy: what a batch run as several native calls does
   * before its first row runs, so that a bad element refuses the whole batch as it does a smaller one.
   */
  async check(): Promise<void> {
    const source = this.#source;
    if (util.types.isFloat32Array(source)) {
      await this.#sliced(0, this.count, (start, end) => checkFinite(source, this.dim, this.name, start * this.dim, end * this.dim));
      return;
    }
    const scratch = new Float32Array(this.#rowsPerSlice * this.dim);
    await this.#sliced(0, this.count, (start, end) => copyRows(source, this.dim, this.name, scratch, start, end, start));
  }

  get #rowsPerSlice(): number {
    return Math.max(1, Math.floor(SLICE_FLOATS / this.dim));
  }

  /** Runs `work` on rows [from, to) a slice per event-loop turn, the first slice at once. */
  async #sliced(from: number, to: number, work: (start: number, end: number) => void): Promise<void> {
    const step = this.#rowsPerSlice;
    for (let start = from; start < to; start += step) {
      if (start > from) await new Promise((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      // A caller may transfer or resize its buffer between slices (or between the copies of two chunks).
      if (this.#source.length !== this.#length) {
        const flat = util.types.isFloat32Array(this.#source);
        throw changedWhileReadError(this.name, this.method, this.#length, this.#source.length, flat ? 'floats' : 'rows');
      }
      work(start, Math.min(to, start + step));
    }
  }
}

/** The Promise forms' private copy of a whole batch (see SlicedBatch). */
export async function toOwnedFlatVectors(
  value: unknown,
  dim: number,
  name: string,
  method: string,
): Promise<{ data: Float32Array; count: number }> {
  const batch = new SlicedBatch(value, dim, name, method);
  return { data: await batch.copy(0, batch.count), count: batch.count };
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

export function readOptions(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw typeError('options', 'an object', options);
  return options as Record<string, unknown>;
}

export function readNumThreads(options: Record<string, unknown>): number {
  const value = options.numThreads;
  if (value === undefined) return os.availableParallelism();
  if (typeof value !== 'number') throw typeError('numThreads', 'a number', value);
  checkIntegerRange(value, 'numThreads', 1, Number.MAX_SAFE_INTEGER);
  return value;
}

export function readBoolean(options: Record<string, unknown>, key: string): boolean {
  const value = options[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw typeError(key, 'a boolean', value);
  return value;
}

export function readProgress(options: Record<string, unknown>): Progress | undefined {
  const value = options.onProgress;
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw typeError('onProgress', 'a function', value);
  return value as Progress;
}

export function readSignal(options: Record<string, unknown>): AbortSignalLike | undefined {
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

export function toNativeFilter(value: unknown): NativeLabelFilter | undefined {
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
