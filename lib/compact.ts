// compact and compactSync of HierarchicalNSW: the graph rebuilt from its live elements only, so deleted elements
// give their memory back; with the progress reports and AbortSignal of addItems.

import { AbortError, AbortWatch, ProgressPoll, isCancelled, newBatchControl } from './add-items';
import { type Progress, readNumThreads, readOptions, readProgress, readSignal } from './batch-input';
import type { IndexCore } from './index-core';
import type { NativeHierarchicalNSW } from './native';
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
  const control = newBatchControl();
  const abort = new AbortWatch(control);
  const poll = new ProgressPoll(control, total, onProgress);
  try {
    signal?.addEventListener('abort', abort.listener);
    await core.native.compact({ numThreads: settings.numThreads, control });
  } catch (err) {
    if (poll.failure) throw poll.failure.error;
    if (isCancelled(err) && (abort.fired || signal?.aborted)) throw new AbortError(signal?.reason);
    throw err;
  } finally {
    poll.stop();
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
  const control = newBatchControl();
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
