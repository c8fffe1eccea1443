// addItems and addItemsSync of both index classes: the abort signal and onProgress plumbing around the native row
// loops, the AbortError, and the `insertedLabels` every failure of a started batch carries.

import * as util from 'util';
import {
  CHUNK_FLOATS,
  type Progress,
  SlicedBatch,
  chunkBuffer,
  readBoolean,
  readNumThreads,
  readOptions,
  readProgress,
  readSignal,
  returnChunkBuffers,
  toBatchLabels,
  toFlatVectors,
  toLabelArray,
  touchPages,
} from './batch-input';
import { type IndexCore, preparedJob } from './index-core';
import type { NativeBatchControl } from './native';
import type { AbortSignalLike, ErrorCode } from './types';

const PROGRESS_INTERVAL_MS = 100;
const NO_LABELS = new Float64Array(0);
const CANCELLED: ErrorCode = 'ERR_CANCELLED';

/** Node's AbortError: the same name, code and message, plus a batch's insertedLabels (compact has none). */
export class AbortError extends Error {
  readonly code: ErrorCode = 'ABORT_ERR';
  declare readonly insertedLabels?: Float64Array;

  constructor(reason: unknown, insertedLabels?: Float64Array) {
    super('The operation was aborted', { cause: reason });
    this.name = 'AbortError';
    if (insertedLabels) {
      Object.defineProperty(this, 'insertedLabels', { value: insertedLabels, enumerable: true, writable: true, configurable: true });
    }
  }
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

export function isCancelled(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === CANCELLED;
}

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
function defaultLabels(core: IndexCore, count: number, labels: Float64Array = new Float64Array(count)): Float64Array {
  core.native.reserveLabels(labels);
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
function readAddOptions(core: IndexCore, options: unknown): AddSettings {
  const settings = readOptions(options);
  return {
    numThreads: readNumThreads(settings),
    replaceDeleted: core.graph ? readBoolean(settings, 'replaceDeleted') : false,
    onProgress: readProgress(settings),
    signal: readSignal(settings),
  };
}

function prepareAdd(core: IndexCore, settings: AddSettings, flat: { data: Float32Array; count: number }, labels: unknown): AddBatch {
  const given = labels === undefined ? undefined : toLabelArray(labels, 'labels', { count: flat.count });
  return labelBatch(core, settings, flat, given);
}

/** What must hold before a batch takes its labels: an index, and a signal not aborted yet. */
function checkStart(core: IndexCore, settings: AddSettings): void {
  core.ready();
  if (settings.signal?.aborted) throw new AbortError(settings.signal.reason, NO_LABELS);
}

/**
 * The batch with the labels given, or else with default labels reserved now, into `reserved` if the caller made
 * that array already (the Promise form maps its pages beforehand, over several turns: see touchPages).
 */
function labelBatch(
  core: IndexCore,
  settings: AddSettings,
  flat: { data: Float32Array; count: number },
  given: Float64Array | undefined,
  reserved?: Float64Array,
): AddBatch {
  checkStart(core, settings);
  return { ...settings, vectors: flat.data, labels: given ?? defaultLabels(core, flat.count, reserved) };
}

/**
 * The labels of the first `done` rows of `labels` (the chunks already inserted) followed by `more` (those a failed
 * chunk inserted, in row order). When `more` are the rows right after them, as after an abort, this is a view of
 * `labels`: a new array would take the JS thread a page fault per 512 labels, in one go, at the end of a batch of
 * millions of rows.
 */
function concatLabels(labels: Float64Array, done: number, more: Float64Array): Float64Array {
  let next = 0;
  while (next < more.length && done + next < labels.length && more[next] === labels[done + next]) next++;
  if (next === more.length) return labels.subarray(0, done + more.length);
  const all = new Float64Array(done + more.length);
  all.set(labels.subarray(0, done));
  all.set(more, done);
  return all;
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
export class AbortWatch {
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

/** The two cells a native row loop shares with lib: see NativeBatchControl. */
export function newBatchControl(): NativeBatchControl {
  return new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
}

/**
 * The onProgress of a Promise form: about every PROGRESS_INTERVAL_MS, onProgress(done, total) with the rows the
 * native loop counted in control[1], only when the count moved (0, rows not started yet, never is) and below the
 * total. What onProgress throws is kept in `failure` and stops the rows through control[0].
 */
export class ProgressPoll {
  failure: { error: unknown } | undefined;
  readonly #timer: ReturnType<typeof setInterval> | undefined;

  constructor(control: NativeBatchControl, total: number, onProgress: Progress | undefined) {
    if (!onProgress) return;
    let reported = 0;
    this.#timer = setInterval(() => {
      const done = Number(Atomics.load(control, 1));
      if (this.failure || done >= total || done === reported) return;
      reported = done;
      try {
        onProgress(done, total);
      } catch (error) {
        this.failure = { error };
        Atomics.store(control, 0, 1n);
      }
    }, PROGRESS_INTERVAL_MS);
    // The job keeps the process alive; the poll alone should not.
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}

/**
 * addItems: rows on native threads off the JS thread. The abort listener and the progress poll both talk to the
 * rows through one shared BigInt64Array (see NativeBatchControl). A batch of more than CHUNK_FLOATS floats is
 * checked whole first, then runs as one native call per chunk of rows, the next chunk copied while the one before
 * is inserted: the batch never holds more than two chunks of copies. The index counts the batch as one job in
 * flight from the call until the last chunk settles.
 */
export function addItems(index: IndexCore, vectors: unknown, labels: unknown, options: unknown): Promise<Float64Array> {
  return preparedJob(index, 'holdAddItems', (started, core) => {
    // Default labels go to the calls in the order they were made: the place in line is taken now, in the call.
    const turn = labels === undefined ? core.labelOrder.take() : undefined;
    return addBatch(core, started, vectors, labels, options, turn).finally(() => turn?.done());
  });
}

/** addItems once its job is counted; `turn` is its place in the line for default labels (see LabelOrder). */
async function addBatch(
  core: IndexCore,
  started: () => void,
  vectors: unknown,
  labels: unknown,
  options: unknown,
  turn: { ready: Promise<void>; done: () => void } | undefined,
): Promise<Float64Array> {
  const settings = readAddOptions(core, options);
  const source = new SlicedBatch(vectors, core.dim, 'vectors', 'addItems');
  const { count } = source;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / core.dim));
  if (count > rowsPerChunk) await source.check();
  const firstRows = Math.min(count, rowsPerChunk);
  // Two buffers of one chunk each, taken in turn: a chunk's buffer is free again once its native call settled.
  const buffers = [chunkBuffer(firstRows * core.dim)];
  const first = await source.copyInto(buffers[0], 0, firstRows);
  // Caller labels are checked, and the pages of the default labels' array mapped, a millisecond per turn; the
  // default labels are then reserved in one native call, in the same turn as the first chunk's job starts.
  const given = labels === undefined ? undefined : await toBatchLabels(labels, 'labels', count, 'addItems');
  let reserved: Float64Array | undefined;
  if (!given) {
    checkStart(core, settings);
    reserved = new Float64Array(count);
    await touchPages(reserved);
    await turn?.ready;
  }
  const batch = labelBatch(core, settings, { data: first, count }, given, reserved);
  turn?.done();
  const { signal, onProgress } = batch;
  const total = batch.labels.length;
  const control = newBatchControl();
  const abort = new AbortWatch(control);
  const poll = new ProgressPoll(control, total, onProgress);
  // The batch counts as one job in flight throughout: preparedJob's hold until the first chunk's native job has
  // started, then each native job, and between two chunks a hold of its own (taken as the earlier chunk settles,
  // before any other JS runs, and handed over when the next chunk's job starts).
  let holding = false;
  const handOver = (chunk: number): void => {
    if (chunk === 0) started();
    else if (holding) {
      holding = false;
      core.native.releaseJob();
    }
  };
  const cleanup = (): void => {
    handOver(1);
    source.stopped = true;
    poll.stop();
    signal?.removeEventListener?.('abort', abort.listener);
  };
  // The rows of the chunks that finished, all inserted; a failure carries their labels and those of its own chunk.
  let finished = 0;
  const failure = (err: unknown): unknown => {
    const own = insertedLabelsOf(err);
    const inserted = finished === 0 ? own : concatLabels(batch.labels, finished, own);
    if (poll.failure) return withInsertedLabels(poll.failure.error, inserted);
    if (isCancelled(err) && (abort.fired || signal?.aborted)) return new AbortError(signal?.reason, inserted);
    return finished === 0 ? err : withInsertedLabels(err, inserted);
  };
  try {
    // Inside the try: a signal-like object may call the listener, or throw, right here.
    signal?.addEventListener('abort', abort.listener);
    let vectorsOfChunk = first;
    let chunk = 0;
    do {
      const to = Math.min(count, finished + rowsPerChunk);
      if (chunk > 0 && (poll.failure || abort.fired || signal?.aborted)) {
        throw failure(Object.assign(new Error('addItems was aborted'), { code: CANCELLED, insertedLabels: NO_LABELS }));
      }
      let job: Promise<void>;
      try {
        job = core.native.addItems(vectorsOfChunk, batch.labels.subarray(finished, to), {
          numThreads: batch.numThreads,
          replaceDeleted: batch.replaceDeleted,
          control,
          owned: true,
          ...(count > rowsPerChunk ? { remainingLabels: batch.labels.subarray(finished) } : {}),
        });
      } catch (err) {
        throw failure(err);
      }
      handOver(chunk);
      let next: Promise<Float32Array> | undefined;
      if (to < count) {
        const slot = (chunk + 1) % 2;
        buffers[slot] ??= chunkBuffer(rowsPerChunk * core.dim);
        next = source.copyInto(buffers[slot], to, Math.min(count, to + rowsPerChunk));
        // Awaited once this chunk settled; a copy failing before then must not count as an unhandled rejection.
        next.catch(() => undefined);
      }
      try {
        await job;
      } catch (err) {
        throw failure(err);
      }
      finished = to;
      chunk++;
      if (next) {
        try {
          core.native.holdAddItems();
          holding = true;
          vectorsOfChunk = await next;
        } catch (err) {
          throw withInsertedLabels(err, batch.labels.subarray(0, finished));
        }
      }
    } while (finished < count);
  } catch (err) {
    cleanup();
    throw err;
  }
  cleanup();
  // Every chunk's native call has settled and no copy is pending: only on this path are the buffers free for sure.
  returnChunkBuffers(buffers);
  if (poll.failure) throw withInsertedLabels(poll.failure.error, batch.labels);
  return reportDone(batch);
}

/**
 * addItemsSync: the same rows on native threads while the JS thread waits (and, with onProgress, reports). The
 * binding calls a wrapper of onProgress, not onProgress itself: what onProgress throws is kept here and the binding
 * sees an Error of this module's own, so the binding only ever annotates (and so touches) an object made here.
 */
export function addItemsSync(core: IndexCore, vectors: unknown, labels: unknown, options: unknown): Float64Array {
  const settings = readAddOptions(core, options);
  const batch = prepareAdd(core, settings, toFlatVectors(vectors, core.dim, 'vectors'), labels);
  const { signal, onProgress } = batch;
  // Only JS run during the call can abort the signal meanwhile: onProgress, or a signal-like object calling the
  // listener as it is added.
  const control = signal ? newBatchControl() : undefined;
  const abort = control ? new AbortWatch(control) : undefined;
  let callbackFailure: { error: unknown } | undefined;
  const report =
    onProgress &&
    ((done: number, total: number): void => {
      try {
        onProgress(done, total);
      } catch (error) {
        callbackFailure = { error };
        throw new Error('onProgress threw', { cause: error });
      }
    });
  try {
    if (abort) signal?.addEventListener('abort', abort.listener);
    core.native.addItemsSync(batch.vectors, batch.labels, {
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
