// compact and compactSync of HierarchicalNSW: the graph rebuilt from its live elements only, so deleted elements
// give their memory back; with the progress reports and AbortSignal of addItems.

import { AbortError, AbortWatch, PROGRESS_INTERVAL_MS, isCancelled } from './add-items';
import { type Progress, readNumThreads, readOptions, readProgress, readSignal } from './batch-input';
import type { IndexCore } from './index-core';
import type { NativeBatchControl, NativeHierarchicalNSW } from './native';
import type { AbortSignalLike } from './types';

interface CompactSettings {
  numThreads: number;
  onProgress?: Progress;
  signal?: AbortSignalLike;
}

/** The options, each read once, before anything runs. */
function readCompactOptions(options: unknown): CompactSettings {
  const settings = readOptions(options);
  return { numThreads: readNumThreads(settings), onProgress: readProgress(settings), signal: readSignal(settings) };
}

/** The live elements to copy, once the options are read and nothing stops the call from starting. */
function startCompact(core: IndexCore<NativeHierarchicalNSW>, settings: CompactSettings): number {
  const index = core.ready();
  if (settings.signal?.aborted) throw new AbortError(settings.signal.reason);
  return index.getCurrentCount() - index.getDeletedCount();
}

function newControl(): NativeBatchControl {
  return new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
}

/** The last onProgress(total, total), also when nothing needed rebuilding (no element was deleted). */
function reportDone(settings: CompactSettings, total: number): void {
  settings.onProgress?.(total, total);
}

/**
 * compact(): the copy runs on native threads while the old graph keeps answering searches; it replaces the old
 * graph when the Promise resolves. Adds and deletes are refused (ERR_INDEX_BUSY) until then.
 */
export async function compact(core: IndexCore<NativeHierarchicalNSW>, options: unknown): Promise<void> {
  const settings = readCompactOptions(options);
  const { signal, onProgress } = settings;
  const total = startCompact(core, settings);
  const control = newControl();
  const abort = new AbortWatch(control);
  let callbackFailure: { error: unknown } | undefined;
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
        Atomics.store(control, 0, 1n);
      }
    }, PROGRESS_INTERVAL_MS);
  // The job keeps the process alive; the poll alone should not.
  poll?.unref();
  try {
    signal?.addEventListener('abort', abort.listener);
    await core.native.compact({ numThreads: settings.numThreads, control });
  } catch (err) {
    if (callbackFailure) throw callbackFailure.error;
    if (isCancelled(err) && (abort.fired || signal?.aborted)) throw new AbortError(signal?.reason);
    throw err;
  } finally {
    if (poll) clearInterval(poll);
    signal?.removeEventListener?.('abort', abort.listener);
  }
  reportDone(settings, total);
}

/**
 * compactSync(): the same copy while the JS thread waits (and, with onProgress, reports); as in addItemsSync, the
 * binding calls a wrapper of onProgress, so what onProgress throws comes out unchanged.
 */
export function compactSync(core: IndexCore<NativeHierarchicalNSW>, options: unknown): void {
  const settings = readCompactOptions(options);
  const { signal, onProgress } = settings;
  const total = startCompact(core, settings);
  // Only JS run during the call can abort the signal meanwhile: onProgress, or a signal-like object calling the
  // listener as it is added.
  const control = newControl();
  const abort = new AbortWatch(control);
  let callbackFailure: { error: unknown } | undefined;
  const report =
    onProgress &&
    ((done: number, all: number): void => {
      try {
        onProgress(done, all);
      } catch (error) {
        callbackFailure = { error };
        throw new Error('onProgress threw', { cause: error });
      }
    });
  try {
    signal?.addEventListener('abort', abort.listener);
    core.native.compactSync({ numThreads: settings.numThreads, control, onProgress: report });
  } catch (err) {
    if (callbackFailure) throw callbackFailure.error;
    if (isCancelled(err) && (abort.fired || signal?.aborted)) throw new AbortError(signal?.reason);
    throw err;
  } finally {
    signal?.removeEventListener?.('abort', abort.listener);
  }
  reportDone(settings, total);
}
