// The public types shared by the index classes, as hnswlib-node 3.0.0 declares them (plus the named initIndex form).

/**
 * The distance an index uses: `'l2'` squared Euclidean, `'ip'` `1 - dot`, `'cosine'` `1 - dot` of vectors
 * normalised at insert and at query time.
 */
export type SpaceName = 'l2' | 'ip' | 'cosine';

/**
 * What `searchKnn` returns: two plain arrays of equal length, closest first. `neighbors` holds labels,
 * `distances` the float32 distances widened to numbers.
 */
export interface SearchResult {
  distances: number[];
  neighbors: number[];
}

/**
 * Called with a candidate's label during `searchKnn`; the label can be returned only if the result is truthy.
 * If it throws, the search stops and the error propagates out of `searchKnn`.
 */
export type FilterFunction = (label: number) => boolean;

/** The named form of `HierarchicalNSW#initIndex`. A key that is present must hold a value of its type. */
export interface InitIndexOptions {
  /** The capacity: an integer 0..2^32-1. */
  maxElements: number;
  /** Links per node on upper levels (2M on level 0): an integer 2..10000. Default 16. */
  m?: number;
  /** Candidate list size while building: an integer 0..2^32-1 (raised to at least `m`). Default 200. */
  efConstruction?: number;
  /** Seed of the level generator: an integer 0..2^53-1. Default 100. */
  randomSeed?: number;
  /** Let `addPoint(point, label, true)` reuse the slot of a deleted element. Default false. */
  allowReplaceDeleted?: boolean;
}

/**
 * What `HierarchicalNSW.getStats()` reports: the graph's shape, memory, the kernels in use, and counters of the
 * searches since the index was created, loaded or `resetStats()` was called (batch searches included). Divide the
 * counters by `searches` for per-query figures, the numbers to watch when tuning M and ef.
 */
export interface IndexStats {
  /** The top level of the graph; -1 while empty. */
  maxLevel: number;
  /** The label of the element searches start from; null while empty. */
  entryPoint: number | null;
  /** elementsPerLevel[l]: how many elements reach level l (elementsPerLevel[0] is the element count). */
  elementsPerLevel: number[];
  /** meanOutDegree[l]: the mean number of links of the elements on level l (at most 2M on level 0, M above). */
  meanOutDegree: number[];
  /** Elements, deleted ones included (as getCurrentCount()). */
  count: number;
  /** Elements marked deleted. */
  deletedCount: number;
  /** The capacity (as getMaxElements()). */
  maxElements: number;
  /**
   * Bytes the index has reserved: records for the whole capacity, upper-level links, the label map. Capacity that
   * was never used is reserved but not resident (its pages are never touched).
   */
  memoryBytes: number;
  /** The distance kernels in use: 'scalar', 'sse', 'avx2', 'avx512' or 'neon'. */
  simdLevel: string;
  /** Searches counted below. */
  searches: number;
  /** Distances computed by those searches. */
  distanceEvaluations: number;
  /** Elements whose level-0 neighbour lists those searches read. */
  visitedNodes: number;
}
