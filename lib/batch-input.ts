// The inputs of the batch methods, checked and converted: a VectorBatch into one flat Float32Array, labels into a
// Float64Array, the options objects into plain values (each read once), a label filter into its native form.

import * as os from 'os';
import { performance } from 'perf_hooks';
import * as util from 'util';
import { type NativeBatchFilter, type NativeLabelFilter, native } from './native';
import type { AbortSignalLike } from './types';
import { FLOAT32_MAX, changedWhileReadError, checkIntegerRange, rangeError, typeError, verbatim } from './validate';

export type Progress = (done: number, total: number) => void;

const LABEL_MAX = Number.MAX_SAFE_INTEGER;

/** Floats the Promise forms convert per event-loop turn at most: about a millisecond, so timers run. */
const SLICE_FLOATS = 1 << 17;

/** How long one event-loop turn of a sliced pass may run before it lets timers and I/O run. */
const TURN_MS = 1;

/** Floats converted between two looks at the clock within a slice (see SlicedBatch). */
const BLOCK_FLOATS = 1 << 14;

/**
 * Floats of one native addItems or searchKnnBatch call when a batch is larger: lib copies a chunk of rows while the
 * chunk before it runs, so a batch never holds more than two chunks of copies at once, whatever its size, and the
 * native threads start on the first chunk instead of waiting for a copy of the whole batch.
 */
export const CHUNK_FLOATS = 1 << 21;

/**
 * The chunk buffers of batches that finished, held weakly: a later large batch takes one the garbage collector has
 * not freed yet instead of allocating another 8 MB (whose pages it would also have to fault in), so a loop of
 * large batches leaves no chunk buffers behind as garbage; and none is kept alive for an idle process.
 */
const spareChunks: WeakRef<Float32Array>[] = [];

/** A buffer for `floats` floats of one chunk: one of CHUNK_FLOATS (a spare if one is left) unless it is small. */
export function chunkBuffer(floats: number): Float32Array {
  if (floats * 2 <= CHUNK_FLOATS) return new Float32Array(floats);
  for (let spare = spareChunks.pop(); spare; spare = spareChunks.pop()) {
    const buffer = spare.deref();
    if (buffer) return buffer;
  }
  return new Float32Array(CHUNK_FLOATS);
}

/** A finished batch's chunk buffers go back, once none of its native calls or copies can touch them any more. */
export function returnChunkBuffers(buffers: Float32Array[]): void {
  for (const buffer of buffers) {
    if (buffer.length === CHUNK_FLOATS && spareChunks.length < 2) spareChunks.push(new WeakRef(buffer));
  }
}

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

  /**
   * Runs `work` on rows [from, to) a slice per event-loop turn, the first slice at once. A slice ends after
   * SLICE_FLOATS floats, or sooner once the turn has run TURN_MS (checked every BLOCK_FLOATS floats): fresh pages
   * of the copy and rows of plain numbers (read by unoptimised code at first) can make a slice of that size take
   * several milliseconds.
   */
  async #sliced(from: number, to: number, work: (start: number, end: number) => void): Promise<void> {
    const perTurn = this.#rowsPerSlice;
    const block = Math.max(1, Math.floor(BLOCK_FLOATS / this.dim));
    let turnStart = from;
    let turnClock = performance.now();
    for (let start = from; start < to; ) {
      if (start > turnStart && (start - turnStart >= perTurn || performance.now() - turnClock >= TURN_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
        turnStart = start;
        turnClock = performance.now();
      }
      if (this.stopped) return;
      // A caller may transfer or resize its buffer between slices (or between the copies of two chunks).
      if (this.#source.length !== this.#length) {
        const flat = util.types.isFloat32Array(this.#source);
        throw changedWhileReadError(this.name, this.method, this.#length, this.#source.length, flat ? 'floats' : 'rows');
      }
      const end = Math.min(to, start + block, turnStart + perTurn);
      work(start, end);
      start = end;
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

/** The elements of a list of labels, after checking its kind; `sets` accepts a Set (filters). */
function labelItems(value: unknown, name: string, sets: boolean): ArrayLike<unknown> {
  if (Array.isArray(value) || util.types.isFloat64Array(value) || util.types.isUint32Array(value) || util.types.isInt32Array(value)) {
    return value as ArrayLike<unknown>;
  }
  if (sets && util.types.isSet(value)) return Array.from(value as Set<unknown>);
  const kinds = 'an array of labels, a Float64Array, a Uint32Array or an Int32Array';
  throw typeError(name, sets ? `${kinds.replace(' or ', ', ')} or a Set` : kinds, value);
}

function countError(name: string, count: number, received: number): RangeError {
  return rangeError(name, `${count} elements`, received, 'to have');
}

function duplicateError(name: string, label: number): RangeError {
  return rangeError(name, 'distinct labels', verbatim(`${label} twice`), 'to hold');
}

/** Converts and checks items[from, to) into labels[from, to): each an integer 0..2^53-1 (`labels[3]` in messages). */
function convertLabels(items: ArrayLike<unknown>, labels: Float64Array, name: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const label = items[i];
    if (typeof label !== 'number') throw typeError(`${name}[${i}]`, 'a number', label);
    // The element's name is built only for a label that fails: a string per label would be most of the garbage of
    // a batch of millions of labels.
    if (!Number.isInteger(label) || label < 0 || label > LABEL_MAX) checkIntegerRange(label, `${name}[${i}]`, 0, LABEL_MAX);
    labels[i] = label;
  }
}

/**
 * Labels as a new Float64Array, each checked to be an integer 0..2^53-1 (`labels[3]` in messages). `count`
 * (addItemsSync) also requires that many labels, all distinct; `sets` accepts a Set (filters).
 */
export function toLabelArray(value: unknown, name: string, rules: { count?: number; sets?: boolean }): Float64Array {
  const items = labelItems(value, name, rules.sets ?? false);
  if (rules.count !== undefined && items.length !== rules.count) throw countError(name, rules.count, items.length);
  const labels = new Float64Array(items.length);
  convertLabels(items, labels, name, 0, items.length);
  if (rules.count !== undefined && labels.length > 1) {
    const seen = new Set<number>();
    for (const label of labels) {
      if (seen.has(label)) throw duplicateError(name, label);
      seen.add(label);
    }
  }
  return labels;
}

// ---- the Promise forms' passes over labels, a millisecond per event-loop turn ----------------------------------

/** Elements a sliced pass handles between two looks at the clock. */
const BLOCK = 1024;

/** Bytes of a memory page: the unit the kernel maps a fresh buffer in, on its first write. */
const PAGE_BYTES = 4096;

/**
 * Runs work(from, to) over [0, count) in blocks of `block`, the first blocks at once, and from then on yields to
 * the event loop (setImmediate) whenever the current turn has run for TURN_MS. The clock bounds each turn, whatever
 * a block costs on this machine (page faults of fresh memory included).
 */
async function timeSliced(count: number, block: number, work: (from: number, to: number) => void): Promise<void> {
  let turn = performance.now();
  for (let from = 0; from < count; from += block) {
    if (performance.now() - turn >= TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = performance.now();
    }
    work(from, Math.min(count, from + block));
  }
}

/**
 * Writes a zero into each memory page of a new (all zero) array, over as many turns as it takes: the kernel maps a
 * fresh buffer's pages on their first write, which costs microseconds a page, so a native call that then fills a
 * large array in one go (reserveLabels) or a pass writing it in random order (a hash table) finds them mapped.
 */
export async function touchPages(array: Float64Array): Promise<void> {
  const stride = PAGE_BYTES / Float64Array.BYTES_PER_ELEMENT;
  const pages = Math.ceil(array.length / stride);
  await timeSliced(pages, BLOCK / 64, (from, to) => {
    for (let page = from; page < to; page++) array[page * stride] = 0;
  });
}

/** A 32-bit mix of an integer 0..2^53-1: both halves, then the finaliser of MurmurHash3. */
function hashLabel(label: number): number {
  let h = Math.imul(label >>> 0, 0x9e3779b1) ^ Math.imul((label / 4294967296) >>> 0, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Above this many labels the table would outgrow 2^31 slots: a Set checks them instead. */
const TABLE_MAX_LABELS = 2 ** 29;

/**
 * Throws the RangeError of the first label (in order) that an earlier one repeats, over several turns. An open
 * addressing table of at least twice as many slots as labels, made once (a Set growing past a million entries
 * rehashes in one step that takes hundreds of milliseconds); a slot holds label + 1, so 0 is empty.
 */
async function checkDistinct(labels: Float64Array, name: string): Promise<void> {
  if (labels.length > TABLE_MAX_LABELS) {
    const seen = new Set<number>();
    await timeSliced(labels.length, BLOCK, (from, to) => {
      for (let i = from; i < to; i++) {
        if (seen.has(labels[i])) throw duplicateError(name, labels[i]);
        seen.add(labels[i]);
      }
    });
    return;
  }
  let slots = 2;
  while (slots < 2 * labels.length) slots *= 2;
  const table = new Float64Array(slots);
  await touchPages(table);
  const mask = slots - 1;
  await timeSliced(labels.length, BLOCK, (from, to) => {
    for (let i = from; i < to; i++) {
      const label = labels[i];
      const key = label + 1;
      for (let slot = hashLabel(label) & mask; ; slot = (slot + 1) & mask) {
        const held = table[slot];
        if (held === 0) {
          table[slot] = key;
          break;
        }
        if (held === key) throw duplicateError(name, label);
      }
    }
  });
}

/**
 * addItems' labels: what toLabelArray(value, name, { count }) returns or throws (the same checks, in the same
 * order, naming the same element), computed over several event-loop turns so that a batch of millions of labels
 * never holds up timers. Each element is read once; the list must keep its length meanwhile (`method` names the
 * call in the error that says it did not). Labels in ascending order, the usual case, need no table to be distinct.
 */
export async function toBatchLabels(value: unknown, name: string, count: number, method: string): Promise<Float64Array> {
  const items = labelItems(value, name, false);
  if (items.length !== count) throw countError(name, count, items.length);
  const labels = new Float64Array(count);
  let ascending = true;
  await timeSliced(count, BLOCK, (from, to) => {
    if (items.length !== count) throw changedWhileReadError(name, method, count, items.length, 'labels');
    convertLabels(items, labels, name, from, to);
    for (let i = Math.max(1, from); ascending && i < to; i++) ascending = labels[i] > labels[i - 1];
  });
  if (!ascending) await checkDistinct(labels, name);
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

/**
 * searchKnnBatch's `filter`: one `{ allow }` or `{ deny }` for every query, or an array of one (or undefined or null:
 * none) per query. Each label list is converted once here, so the native rows read plain arrays.
 */
export function toNativeFilter(value: unknown): NativeBatchFilter | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return toFilterSpec(value, 'filter');
  // One per query; undefined or null leaves that query unfiltered. The count is checked against the queries.
  return Array.from(value as unknown[], (item, i) => (item === undefined || item === null ? undefined : toFilterSpec(item, `filter[${i}]`)));
}

/** One `{ allow }` or `{ deny }` filter (searchRange's), or undefined. */
export function toLabelFilter(value: unknown): NativeLabelFilter | undefined {
  return value === undefined ? undefined : toFilterSpec(value, 'filter');
}

function toFilterSpec(value: unknown, name: string): NativeLabelFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw typeError(name, 'an object with `allow` or `deny`', value);
  }
  const { allow, deny } = value as { allow?: unknown; deny?: unknown };
  if ((allow === undefined) === (deny === undefined)) {
    throw typeError(name, 'an object with exactly one of `allow` and `deny`', value);
  }
  return allow !== undefined
    ? { allow: toLabelArray(allow, `${name}.allow`, { sets: true }) }
    : { deny: toLabelArray(deny, `${name}.deny`, { sets: true }) };
}
