// The labels of a Promise addItems batch, checked a millisecond per event-loop turn (toBatchLabels) and, when the
// caller gives none, reserved in one native call into an array whose pages were mapped beforehand. The answers are
// those of the Sync form: the same labels, the same error naming the same element, raised before any row runs,
// also when the batch spans several chunks and the bad label is among its last rows.

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { toBatchLabels, toLabelArray } from '../lib/batch-input';
import { expectFailure, randomVectors, range, rowOf, syncFailureOf } from './helpers/batch';
import { seededRandom } from './helpers/index-file';

const DIM = 64;
const CHUNK_ROWS = (1 << 21) / DIM;
// Two whole chunks and part of a third.
const ROWS = 2 * CHUNK_ROWS + 777;

function shuffled(values: number[], seed: number): number[] {
  const next = seededRandom(seed);
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function messageOf(err: unknown): string {
  return (err as Error).message;
}

describe('the labels of a Promise addItems batch of several chunks', () => {
  const data = randomVectors(ROWS, DIM, 41);

  it('numbers default labels as the Sync form does, past labels already held, across chunk boundaries', async () => {
    const sliced = new BruteforceSearch('l2', DIM);
    const inPlace = new BruteforceSearch('l2', DIM);
    const others = randomVectors(3, DIM, 42);
    for (const index of [sliced, inPlace]) {
      index.initIndex(ROWS + 3);
      // Labels the default numbering must skip: one below the count, two in the range it would take.
      index.addPoint(rowOf(others, 0, DIM), 1);
      index.addPoint(rowOf(others, 1, DIM), 4);
      index.addPoint(rowOf(others, 2, DIM), CHUNK_ROWS + 5);
    }
    const labels = Array.from(await sliced.addItems(data));
    expect(labels).toEqual(Array.from(inPlace.addItemsSync(data)));
    expect(labels.slice(0, 3)).toEqual([3, 5, 6]);
    expect(labels).not.toContain(CHUNK_ROWS + 5);
    expect(labels[ROWS - 1]).toBe(ROWS + 4);
    for (const row of [0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS, ROWS - 1]) {
      expect(sliced.searchKnn(rowOf(data, row, DIM), 1)).toEqual({ neighbors: [labels[row]], distances: [0] });
    }
  });

  it('gives batches started together runs of consecutive default labels in the order they were called', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS + 110);
    // The first batch takes many turns to check and copy, the second and third one each: called in this order, they
    // still take their labels in this order.
    const [a, b, c] = await Promise.all([
      index.addItems(data),
      index.addItems(data.subarray(0, 100 * DIM)),
      index.addItems(data.subarray(0, 10 * DIM)),
    ]);
    expect(Array.from(a)).toEqual(range(0, ROWS));
    expect(Array.from(b)).toEqual(range(ROWS, 100));
    expect(Array.from(c)).toEqual(range(ROWS + 100, 10));
    expect(index.getCurrentCount()).toBe(ROWS + 110);
  });

  it('lets a later batch take its labels when an earlier one fails first', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(200);
    const bad = data.slice(0, 100 * DIM);
    bad[50 * DIM + 3] = NaN;
    const failed = index.addItems(bad);
    const good = index.addItems(data.subarray(0, 100 * DIM));
    await expect(failed).rejects.toThrow(/NaN/);
    expect(Array.from(await good)).toEqual(range(0, 100));
  });

  it.each([
    ['a number[] in random order', (labels: number[]) => labels],
    ['a Float64Array', (labels: number[]) => Float64Array.from(labels)],
    ['a Uint32Array', (labels: number[]) => Uint32Array.from(labels)],
  ])('stores every row under its label given as %s', async (_, make) => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS);
    const labels = shuffled(
      range(0, ROWS).map((i) => 2 * i + 7),
      5,
    );
    expect(Array.from(await index.addItems(data, make(labels), { numThreads: 2 }))).toEqual(labels);
    expect(index.getCurrentCount()).toBe(ROWS);
    for (const row of [0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS, ROWS - 1]) {
      expect(index.searchKnn(rowOf(data, row, DIM), 1)).toEqual({ neighbors: [labels[row]], distances: [0] });
    }
  });

  it.each([
    ['not a number', '7' as unknown],
    ['negative', -1],
    ['a fraction', 2.5],
    ['above 2^53 - 1', 2 ** 53],
  ])('refuses the whole batch for a last label that is %s, as the Sync form does, before any row', async (_, bad) => {
    const labels: unknown[] = range(0, ROWS);
    labels[ROWS - 1] = bad;
    const index = new HierarchicalNSW('l2', DIM);
    index.initIndex(ROWS);
    const expected = syncFailureOf(() => index.addItemsSync(data, labels as number[]));
    expect(messageOf(expected)).toContain(`labels[${ROWS - 1}]`);
    const err = await expectFailure(
      () => index.addItems(data, labels as number[]),
      (expected as Error).name as 'TypeError' | 'RangeError',
      messageOf(expected),
    );
    expect((err as { code?: string }).code).toBe((expected as { code?: string }).code);
    expect(index.getCurrentCount()).toBe(0);
  });

  it.each([
    ['ascending', (labels: number[]) => labels],
    ['in random order', (labels: number[]) => shuffled(labels, 9)],
  ])('refuses the whole batch for a repeated label among its last rows (labels %s), before any row', async (_, order) => {
    const labels = order(range(0, ROWS));
    labels[ROWS - 2] = labels[ROWS - 1] = labels[3];
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS);
    await expectFailure(
      () => index.addItems(data, labels),
      'RangeError',
      `Expected \`labels\` to hold distinct labels but received ${labels[3]} twice`,
    );
    expect(index.getCurrentCount()).toBe(0);
  });

  it('refuses a list of labels of the wrong length before reading it', async () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(ROWS);
    await expectFailure(
      () => index.addItems(data, range(0, ROWS - 1)),
      'RangeError',
      `Expected \`labels\` to have ${ROWS} elements but received ${ROWS - 1}`,
    );
    expect(index.getCurrentCount()).toBe(0);
  });
});

describe('toBatchLabels', () => {
  const errorOf = async (run: () => unknown): Promise<unknown> => {
    try {
      await run();
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('names the same repeated label as toLabelArray, wherever the repeats are', async () => {
    const next = seededRandom(77);
    for (let round = 0; round < 40; round++) {
      const count = 2 + Math.floor(next() * 5000);
      // Few distinct values for some rounds (many repeats), labels up to 2^53 - 1 for others.
      const span = round % 2 === 0 ? Math.max(2, Math.floor(count * next())) : Number.MAX_SAFE_INTEGER;
      const labels = range(0, count).map(() => Math.floor(next() * span));
      const expected = await errorOf(() => toLabelArray(labels, 'labels', { count }));
      const actual = await errorOf(() => toBatchLabels(labels, 'labels', count, 'addItems'));
      expect(messageOf(actual ?? new Error('none'))).toBe(messageOf(expected ?? new Error('none')));
    }
  });

  it('treats -0 and 0 as the same label', async () => {
    await expect(toBatchLabels([3, -0, 0], 'labels', 3, 'addItems')).rejects.toThrow(
      'Expected `labels` to hold distinct labels but received 0 twice',
    );
  });

  it('returns the labels as a Float64Array, large lists in ascending or any order', async () => {
    const labels = range(0, 100_000).map((i) => i * 3);
    expect(await toBatchLabels(labels, 'labels', labels.length, 'addItems')).toEqual(Float64Array.from(labels));
    const mixed = shuffled(labels, 3);
    expect(await toBatchLabels(mixed, 'labels', mixed.length, 'addItems')).toEqual(Float64Array.from(mixed));
  });

  it('fails clearly when the list changes length between two turns of the pass', async () => {
    const labels = range(0, 3_000_000);
    const pass = toBatchLabels(labels, 'labels', labels.length, 'addItems');
    // Runs at the pass's first yield, a millisecond in: a pass over three million labels takes many.
    setImmediate(() => {
      labels.length = 10;
    });
    await expect(pass).rejects.toThrow(
      '`labels` changed length while addItems was reading it (from 3000000 to 10 labels): do not transfer, detach or ' +
        'resize it until the Promise settles',
    );
  });
});
