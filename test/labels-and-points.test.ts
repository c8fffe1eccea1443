// getLabels() (the live labels, in insertion order) and getPoints(labels) (many vectors in one flat Float32Array,
// Python hnswlib's get_items), on both classes, every precision, a loaded and a mapped index. Their errors are rows
// of docs/bad-input.md (test/helpers/bad-input/).

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import type { Precision, SpaceName } from 'hnswkit';

import { randomVectors } from './helpers/index-file';
import { useTmpDir } from './helpers/tmp';

const DIM = 12;
const COUNT = 300;
const tmp = useTmpDir('hnswkit-points-');
const data = randomVectors(COUNT, DIM, 21);
const row = (i: number): Float32Array => data.subarray(i * DIM, (i + 1) * DIM);
// Labels far from their row numbers, inserted in a scrambled order.
const labelOf = (i: number): number => ((i * 7919) % COUNT) * 1000 + 3;

function hnsw(space: SpaceName = 'l2', precision: Precision = 'f32'): HierarchicalNSW {
  const index = new HierarchicalNSW(space, DIM, { precision });
  index.initIndex({ maxElements: COUNT, m: 8 });
  for (let i = 0; i < COUNT; i++) index.addPoint(row(i), labelOf(i));
  return index;
}

/** getPoint of each label, concatenated: what getPoints must equal. */
function onePerCall(index: { getPoint(label: number): number[] }, labels: number[]): Float32Array {
  const out = new Float32Array(labels.length * DIM);
  labels.forEach((label, i) => out.set(index.getPoint(label), i * DIM));
  return out;
}

describe('getLabels', () => {
  it('lists the live labels in insertion order, where getIdsList also lists the deleted ones', () => {
    const index = hnsw();
    const deleted = [labelOf(0), labelOf(5), labelOf(299)];
    for (const label of deleted) index.markDelete(label);
    const inserted = Array.from({ length: COUNT }, (_, i) => labelOf(i));
    expect(index.getLabels()).toEqual(inserted.filter((label) => !deleted.includes(label)));
    expect(index.getIdsList().sort((a, b) => a - b)).toEqual([...inserted].sort((a, b) => a - b));
    index.unmarkDelete(labelOf(5));
    expect(index.getLabels()).toContain(labelOf(5));
    expect(index.getLabels()).toHaveLength(COUNT - 2);
  });

  it('lists what a brute-force index holds after removals', () => {
    const index = new BruteforceSearch('l2', DIM);
    index.initIndex(10);
    for (let i = 0; i < 5; i++) index.addPoint(row(i), 10 + i);
    index.removePoint(12);
    expect([...index.getLabels()].sort((a, b) => a - b)).toEqual([10, 11, 13, 14]);
  });
});

describe('getPoints', () => {
  it.each<[SpaceName, Precision]>([
    ['l2', 'f32'],
    ['cosine', 'f32'],
    ['l2', 'f16'],
    ['ip', 'i8'],
  ])('equals getPoint label by label (%s, %s), repeats and order included', (space, precision) => {
    const index = hnsw(space, precision);
    const labels = [labelOf(7), labelOf(3), labelOf(7), labelOf(250), labelOf(0)];
    const points = index.getPoints(labels);
    expect(points).toBeInstanceOf(Float32Array);
    expect(Array.from(points)).toEqual(Array.from(onePerCall(index, labels)));
    if (space === 'l2' && precision === 'f32') expect(Array.from(points.subarray(0, DIM))).toEqual(Array.from(row(7)));
  });

  it('takes every label container a batch takes, and an empty list', () => {
    const index = hnsw();
    const labels = [labelOf(1), labelOf(2)];
    const expected = Array.from(onePerCall(index, labels));
    expect(Array.from(index.getPoints(new Float64Array(labels)))).toEqual(expected);
    expect(Array.from(index.getPoints(new Uint32Array(labels)))).toEqual(expected);
    expect(Array.from(index.getPoints(new Int32Array(labels)))).toEqual(expected);
    expect(index.getPoints([])).toEqual(new Float32Array(0));
  });

  it('leaves out nothing and adds nothing on a loaded and on a mapped index', () => {
    const index = hnsw();
    index.markDelete(labelOf(4));
    const file = tmp.file('points.bin');
    index.writeIndexSync(file);
    const labels = index.getLabels();
    const expected = Array.from(index.getPoints(labels));
    for (const mmap of [false, true]) {
      const other = new HierarchicalNSW('l2', DIM);
      other.readIndexSync(file, { mmap });
      expect(other.getLabels()).toEqual(labels);
      expect(Array.from(other.getPoints(labels))).toEqual(expected);
      expect(() => other.getPoints([labelOf(4)])).toThrow(expect.objectContaining({ code: 'ERR_LABEL_NOT_FOUND' }));
      other.close();
    }
  });

  it('works on a brute-force index', () => {
    const index = new BruteforceSearch('cosine', DIM);
    index.initIndex(10);
    for (let i = 0; i < 5; i++) index.addPoint(row(i), 10 + i);
    const points = index.getPoints([14, 10]);
    expect(points).toHaveLength(2 * DIM);
    // Stored normalised, as getPoint of HierarchicalNSW shows.
    const norm = Math.hypot(...points.subarray(0, DIM));
    expect(norm).toBeCloseTo(1, 5);
  });
});
