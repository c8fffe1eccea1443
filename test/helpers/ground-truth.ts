// Exact k-nearest-neighbour ground truth by brute force in plain TypeScript, and recall@k against it.
//
// Distances follow the index spaces: l2 = squared Euclidean, ip = 1 - dot, cosine = 1 - dot / (|a| |b|).
// Sums are accumulated in doubles, so on integer-valued data (Fashion-MNIST pixels) l2 and ip are exact.

export type Metric = 'l2' | 'ip' | 'cosine';

/** The exact top-k of every query, nearest first; ties broken by the lower base row. */
export interface GroundTruth {
  metric: Metric;
  k: number;
  queryCount: number;
  /** queryCount*k base row indices. */
  neighbors: Int32Array;
  /** queryCount*k exact distances, ascending within a query. */
  distances: Float64Array;
}

function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= dim; j += 4) {
    s0 += a[aOff + j] * b[bOff + j];
    s1 += a[aOff + j + 1] * b[bOff + j + 1];
    s2 += a[aOff + j + 2] * b[bOff + j + 2];
    s3 += a[aOff + j + 3] * b[bOff + j + 3];
  }
  for (; j < dim; j++) s0 += a[aOff + j] * b[bOff + j];
  return s0 + s1 + (s2 + s3);
}

function squaredL2(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= dim; j += 4) {
    const d0 = a[aOff + j] - b[bOff + j];
    const d1 = a[aOff + j + 1] - b[bOff + j + 1];
    const d2 = a[aOff + j + 2] - b[bOff + j + 2];
    const d3 = a[aOff + j + 3] - b[bOff + j + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

function norms(data: Float32Array, count: number, dim: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(dot(data, i * dim, data, i * dim, dim));
  return out;
}

/** The exact distance between row `qi` of `queries` and row `bi` of `base` in the given metric. */
export function exactDistance(
  metric: Metric,
  queries: Float32Array,
  qi: number,
  base: Float32Array,
  bi: number,
  dim: number,
): number {
  const qOff = qi * dim;
  const bOff = bi * dim;
  if (metric === 'l2') return squaredL2(queries, qOff, base, bOff, dim);
  const d = dot(queries, qOff, base, bOff, dim);
  if (metric === 'ip') return 1 - d;
  const nq = Math.sqrt(dot(queries, qOff, queries, qOff, dim));
  const nb = Math.sqrt(dot(base, bOff, base, bOff, dim));
  return nq > 0 && nb > 0 ? 1 - d / (nq * nb) : 1;
}

/**
 * Brute-force top-k of every query row against every base row.
 * `base` holds baseCount rows and `queries` queryCount rows, both of `dim` floats.
 */
export function bruteForceKnn(
  metric: Metric,
  base: Float32Array,
  baseCount: number,
  queries: Float32Array,
  queryCount: number,
  dim: number,
  k: number,
): GroundTruth {
  if (k < 1 || k > baseCount) throw new RangeError(`k must be in 1..${baseCount}, got ${k}`);
  const neighbors = new Int32Array(queryCount * k);
  const distances = new Float64Array(queryCount * k);
  const baseNorms = metric === 'cosine' ? norms(base, baseCount, dim) : undefined;
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let q = 0; q < queryCount; q++) {
    const qOff = q * dim;
    const qNorm = metric === 'cosine' ? Math.sqrt(dot(queries, qOff, queries, qOff, dim)) : 0;
    let filled = 0;
    let worst = Infinity;
    for (let b = 0; b < baseCount; b++) {
      let d: number;
      if (metric === 'l2') {
        d = squaredL2(queries, qOff, base, b * dim, dim);
      } else {
        const ip = dot(queries, qOff, base, b * dim, dim);
        if (metric === 'ip') {
          d = 1 - ip;
        } else {
          const nb = (baseNorms as Float64Array)[b];
          d = qNorm > 0 && nb > 0 ? 1 - ip / (qNorm * nb) : 1;
        }
      }
      if (filled < k || d < worst) {
        // Insertion into the sorted list; equal distances keep the earlier (lower) row first.
        let pos = filled < k ? filled : k - 1;
        while (pos > 0 && bestD[pos - 1] > d) {
          bestD[pos] = bestD[pos - 1];
          bestI[pos] = bestI[pos - 1];
          pos--;
        }
        bestD[pos] = d;
        bestI[pos] = b;
        if (filled < k) filled++;
        if (filled === k) worst = bestD[k - 1];
      }
    }
    neighbors.set(bestI, q * k);
    distances.set(bestD, q * k);
  }
  return { metric, k, queryCount, neighbors, distances };
}

/**
 * Mean recall@k of `found` (one list of base row labels per query, nearest first) against the ground truth.
 * A returned label counts as a hit if its exact distance is no larger than the k-th true distance, so ties at
 * the cut are not held against the index; duplicates count once; at most k labels per query are considered.
 */
export function recallAtK(
  gt: GroundTruth,
  found: ArrayLike<ArrayLike<number>>,
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number = gt.k,
): number {
  if (k > gt.k) throw new RangeError(`ground truth holds ${gt.k} neighbours, recall@${k} asked`);
  if (found.length !== gt.queryCount) {
    throw new RangeError(`expected results for ${gt.queryCount} queries, got ${found.length}`);
  }
  let hits = 0;
  for (let q = 0; q < gt.queryCount; q++) {
    const kth = gt.distances[q * gt.k + k - 1];
    const threshold = kth + 1e-9 * Math.max(1, Math.abs(kth));
    const truth = new Set<number>();
    for (let i = 0; i < k; i++) truth.add(gt.neighbors[q * gt.k + i]);
    const seen = new Set<number>();
    const list = found[q];
    for (let i = 0; i < Math.min(k, list.length); i++) {
      const label = list[i];
      if (seen.has(label)) continue;
      seen.add(label);
      if (truth.has(label) || exactDistance(gt.metric, queries, q, base, label, dim) <= threshold) hits++;
    }
  }
  return hits / (gt.queryCount * k);
}

/** Mean over queries of |a_q ∩ b_q| / k, comparing the first k labels of two result lists. */
export function overlapAtK(a: ArrayLike<ArrayLike<number>>, b: ArrayLike<ArrayLike<number>>, k: number): number {
  if (a.length !== b.length) throw new RangeError(`result lists differ in length: ${a.length} vs ${b.length}`);
  let total = 0;
  for (let q = 0; q < a.length; q++) {
    const setB = new Set<number>();
    for (let i = 0; i < Math.min(k, b[q].length); i++) setB.add(b[q][i]);
    let common = 0;
    const seen = new Set<number>();
    for (let i = 0; i < Math.min(k, a[q].length); i++) {
      const label = a[q][i];
      if (!seen.has(label) && setB.has(label)) common++;
      seen.add(label);
    }
    total += common / k;
  }
  return a.length === 0 ? 1 : total / a.length;
}
