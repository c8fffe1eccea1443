// L2Space and InnerProductSpace: distance functions over two vectors, computed with the same kernels the indexes use.

import { native } from './native';
import type { SpaceName } from './types';
import { checkArgCount, checkDimensions, checkNumberArg, checkVectorArg, toFloat32Vector } from './validate';

/** The spaces with a class of their own (`cosine` is an index setting only, as in hnswlib-node). */
type SpaceMetric = Exclude<SpaceName, 'cosine'>;

/**
 * What L2Space and InnerProductSpace share: the dimension, its checks, and the distance through the index kernels.
 * Internal: the package entry exports only the two subclasses. Each subclass declares a private field of its own:
 * without one the two would be the same type to TypeScript, and an InnerProductSpace would pass for an L2Space.
 */
export abstract class DistanceSpace {
  readonly #dim: number;
  readonly #metric: SpaceMetric;

  /** Reads the subclass constructor's `(numDimensions)` with hnswlib-node's messages. */
  protected constructor(args: unknown[], metric: SpaceMetric) {
    checkArgCount(args.length, 1);
    const numDimensions = args[0];
    checkNumberArg(numDimensions, 'first');
    checkDimensions(numDimensions);
    this.#dim = numDimensions;
    this.#metric = metric;
  }

  /**
   * The distance between two vectors of length `numDimensions`, computed in float32 with the kernels the indexes
   * use: squared L2 for `L2Space`, `1 - dot(pointA, pointB)` for `InnerProductSpace`.
   *
   * @param pointA - a number[] or a Float32Array.
   * @param pointB - a number[] or a Float32Array.
   * @throws Error `Expected 2 arguments, but got N.`
   * @throws TypeError `Invalid the first argument type, must be an Array.` (or `second`) for anything but an Array
   *   or a Float32Array; a TypeError naming the element (`pointA[1]`) if an element is not a number.
   * @throws Error `Invalid the first array length (expected D, but got L).` (or `second array`).
   * @throws RangeError naming the element if it is NaN, infinite, or beyond the float32 range.
   * @example `new L2Space(2).distance([0, 0], [3, 4]); // 25`
   */
  distance(pointA: number[] | Float32Array, pointB: number[] | Float32Array): number;
  distance(...args: unknown[]): number {
    const dim = this.#dim;
    checkArgCount(args.length, 2);
    const [pointA, pointB] = args;
    // hnswlib-node checks both types before either length.
    checkVectorArg(pointA, 'first');
    checkVectorArg(pointB, 'second');
    const a = toFloat32Vector(pointA, dim, 'pointA', 'first array');
    const b = toFloat32Vector(pointB, dim, 'pointB', 'second array');
    return native.distance(this.#metric, a, b);
  }

  /** The `numDimensions` given to the constructor. */
  getNumDimensions(): number {
    return this.#dim;
  }
}

/**
 * The squared Euclidean distance (no square root), as hnswlib's `l2` space computes it.
 *
 * @example
 * ```ts
 * const space = new L2Space(2);
 * space.distance([0, 0], [3, 4]); // 25
 * ```
 */
export class L2Space extends DistanceSpace {
  /** A private name of this class's own keeps the two space classes distinct types (see DistanceSpace). */
  // eslint-disable-next-line no-unused-private-class-members -- never read: its presence is the point
  readonly #space = true;

  /**
   * @param numDimensions - the vector length: an integer 1..65536.
   * @throws Error `Expected 1 arguments, but got N.` for another argument count.
   * @throws TypeError `Invalid the first argument type, must be a number.`
   * @throws RangeError if `numDimensions` is not an integer in 1..65536 (hnswlib-node wrapped it to uint32).
   */
  constructor(numDimensions: number);
  constructor(...args: unknown[]) {
    super(args, 'l2');
  }
}

/**
 * The inner-product distance `1 - dot(a, b)` (can be negative; not a metric), as hnswlib's `ip` space computes it.
 *
 * @example
 * ```ts
 * const space = new InnerProductSpace(3);
 * space.distance([1, 2, 3], [1, 0, 1]); // 1 - 4 = -3
 * ```
 */
export class InnerProductSpace extends DistanceSpace {
  /** A private name of this class's own keeps the two space classes distinct types (see DistanceSpace). */
  // eslint-disable-next-line no-unused-private-class-members -- never read: its presence is the point
  readonly #space = true;

  /**
   * @param numDimensions - the vector length: an integer 1..65536.
   * @throws Error `Expected 1 arguments, but got N.` for another argument count.
   * @throws TypeError `Invalid the first argument type, must be a number.`
   * @throws RangeError if `numDimensions` is not an integer in 1..65536.
   */
  constructor(numDimensions: number);
  constructor(...args: unknown[]) {
    super(args, 'ip');
  }
}
