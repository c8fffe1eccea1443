// Argument checks for the public classes: hnswlib-node 3.0.0's exact count/type messages, plus range and vector checks
// that all speak through one message builder.

import * as util from 'util';
import type { ErrorCode, Precision, SpaceName } from './types';

/** A vector as the public API takes it. */
export type VectorInput = number[] | Float32Array;

/** Largest finite float32; a double beyond it (after rounding) would be stored as Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Largest value hnswlib-node's uint32 conversion could carry; used as the bound of maxElements, ef, ... */
export const UINT32_MAX = 4294967295;

/** The widest dimension a space or index accepts. */
export const MAX_DIMENSIONS = 65536;

/** Bounds of HNSW's `m` (below 2 the level multiplier 1/ln(m) is infinite; hnswlib caps m at 10000). */
export const MIN_M = 2;
export const MAX_M = 10000;

function withCode<E extends Error>(err: E, code: ErrorCode): E {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true });
  return err;
}

/** An Error (the class hnswlib-node throws for state and value errors) with a code. */
function codedError(message: string, code: ErrorCode): Error {
  return withCode(new Error(message), code);
}

/** What a message shows as received when that is not a value but a finding, e.g. `7 twice`. */
export class Verbatim {
  constructor(readonly text: string) {}
}

/** Wraps text so the message builder shows it as it is. */
export function verbatim(text: string): Verbatim {
  return new Verbatim(text);
}

/**
 * How a received value reads in a message: `string`, `null`, `NaN`, `-1.5`, `an instance of Float64Array`, or
 * the text of a Verbatim.
 */
export function describeReceived(value: unknown): string {
  if (value instanceof Verbatim) return value.text;
  if (value === null) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'function') return 'a function';
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `an instance of ${name}` : 'an object';
  }
  return typeof value;
}

/** How a message joins the argument to what was expected of it. */
export type Expectation = 'to be' | 'to have' | 'to hold';

/**
 * The one message builder for this layer's own messages:
 * "Expected `point[3]` to be a finite number but received NaN",
 * "Expected `vectors` to have a length that is a multiple of 784 but received 1000".
 */
export function expectationMessage(name: string, expected: string, received: unknown, verb: Expectation = 'to be'): string {
  return `Expected \`${name}\` ${verb} ${expected} but received ${describeReceived(received)}`;
}

/** A RangeError in the builder's words, code ERR_OUT_OF_RANGE. */
export function rangeError(name: string, expected: string, received: unknown, verb?: Expectation): RangeError {
  return withCode(new RangeError(expectationMessage(name, expected, received, verb)), 'ERR_OUT_OF_RANGE');
}

/**
 * A TypeError in the builder's words, code ERR_INVALID_ARG_TYPE. A number that arrived is shown by its type
 * (`number`, not `42`): its value is not the problem.
 */
export function typeError(name: string, expected: string, received: unknown, verb?: Expectation): TypeError {
  const shown = typeof received === 'number' ? verbatim('number') : received;
  return withCode(new TypeError(expectationMessage(name, expected, shown, verb)), 'ERR_INVALID_ARG_TYPE');
}

/**
 * A RangeError in the builder's words for a value whose consequences do not fit in memory, code ERR_OUT_OF_MEMORY:
 * "Expected `k` to be small enough that the results fit in memory (...) but received 1000000000".
 */
export function outOfMemoryError(name: string, expected: string, received: unknown): RangeError {
  return withCode(new RangeError(expectationMessage(name, expected, received)), 'ERR_OUT_OF_MEMORY');
}

/**
 * A TypeError (code ERR_INVALID_ARG_VALUE) for an argument whose length changed while a Promise method read it over
 * several event-loop turns: "`vectors` changed length while addItems was reading it (from 7840000 to 0 floats): do
 * not transfer, detach or resize it until the Promise settles".
 */
export function changedWhileReadError(name: string, method: string, from: number, to: number, unit: string): TypeError {
  return withCode(
    new TypeError(
      `\`${name}\` changed length while ${method} was reading it (from ${from} to ${to} ${unit}): ` +
        'do not transfer, detach or resize it until the Promise settles',
    ),
    'ERR_INVALID_ARG_VALUE',
  );
}

// ---- hnswlib-node's own messages ------------------------------------------------------------------------------

/** Ordinal words as hnswlib-node prints them; `sencond` (sic) is what its positional initIndex says about `m`. */
export type Ordinal = 'first' | 'second' | 'sencond' | 'third' | 'fourth' | 'fifth';

/** hnswlib-node's message for the wrong number of arguments, class Error. */
export function argCountError(expected: string, actual: number): Error {
  return codedError(`Expected ${expected} arguments, but got ${actual}.`, 'ERR_INVALID_ARG_COUNT');
}

const PRECISIONS: readonly string[] = ['f32', 'f16', 'i8'];

/**
 * The `precision` of the constructors' `options` (undefined or an object, which the caller has checked): undefined or
 * one of the names; TypeError `ERR_INVALID_ARG_TYPE` for a wrong type, RangeError `ERR_INVALID_ARG_VALUE` for an
 * unknown name.
 */
export function readIndexOptions(options: object | undefined): Precision | undefined {
  if (options === undefined) return undefined;
  const { precision } = options as { precision?: unknown };
  if (precision === undefined) return undefined;
  const expected = '"f32", "f16" or "i8"';
  if (typeof precision !== 'string') throw typeError('options.precision', expected, precision);
  if (!PRECISIONS.includes(precision)) {
    const received = verbatim(JSON.stringify(precision));
    throw withCode(new RangeError(expectationMessage('options.precision', expected, received)), 'ERR_INVALID_ARG_VALUE');
  }
  return precision as Precision;
}

/** Throws unless exactly `expected` arguments were given ("Expected 2 arguments, but got 3."). */
export function checkArgCount(actual: number, expected: number): void {
  if (actual !== expected) throw argCountError(String(expected), actual);
}

/** Throws if fewer than `min` arguments were given; the message shows `shown`, e.g. "2-3". Extra ones are ignored. */
export function checkMinArgCount(actual: number, min: number, shown: string): void {
  if (actual < min) throw argCountError(shown, actual);
}

function argTypeError(ordinal: Ordinal, what: string): TypeError {
  return withCode(new TypeError(`Invalid the ${ordinal} argument type, must be ${what}.`), 'ERR_INVALID_ARG_TYPE');
}

/** Asserts a number argument (NaN included, as hnswlib-node's `IsNumber`); the range check comes separately. */
export function checkNumberArg(value: unknown, ordinal: Ordinal): asserts value is number {
  if (typeof value !== 'number') throw argTypeError(ordinal, 'a number');
}

/** A file name the C library can open as written: a NUL would silently cut it short. */
export function checkFilename(value: string): void {
  if (value.includes('\0')) {
    throw withCode(new RangeError('Expected `filename` to contain no NUL characters'), 'ERR_INVALID_ARG_VALUE');
  }
}

export function checkStringArg(value: unknown, ordinal: Ordinal): asserts value is string {
  if (typeof value !== 'string') throw argTypeError(ordinal, 'a string');
}

/** Asserts a boolean argument or `undefined` (hnswlib-node treats `undefined` as "not given"). */
export function checkOptionalBooleanArg(value: unknown, ordinal: Ordinal): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw argTypeError(ordinal, 'a boolean');
}

/** Asserts a number argument or `undefined`. */
export function checkOptionalNumberArg(value: unknown, ordinal: Ordinal): asserts value is number | undefined {
  if (value !== undefined && typeof value !== 'number') throw argTypeError(ordinal, 'a number');
}

/** Asserts a function or `undefined`; `null` is rejected as hnswlib-node does. */
export function checkOptionalFunctionArg(
  value: unknown,
  ordinal: Ordinal,
): asserts value is ((...args: never[]) => unknown) | undefined {
  if (value !== undefined && typeof value !== 'function') throw argTypeError(ordinal, 'a function');
}

/** Asserts a vector argument: a plain Array or a Float32Array. Other typed arrays get hnswlib-node's message. */
export function checkVectorArg(value: unknown, ordinal: Ordinal): asserts value is VectorInput {
  if (!Array.isArray(value) && !util.types.isFloat32Array(value)) throw argTypeError(ordinal, 'an Array');
}

/** hnswlib-node's named-initIndex messages (`allowRepalceDeleted` sic). */
export function missingNamedArgError(name: string): TypeError {
  return withCode(new TypeError(`Missing named argument \`${name}\`, must be specified.`), 'ERR_INVALID_ARG_TYPE');
}

export function namedArgTypeError(shownName: string, what: string): TypeError {
  return withCode(
    new TypeError(`Invalid the named argument type \`${shownName}\`, must be ${what}.`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** "Search index has not been initialized, call `initIndex` in advance." (Error, code ERR_NOT_INITIALIZED). */
export function notInitializedError(): Error {
  return codedError('Search index has not been initialized, call `initIndex` in advance.', 'ERR_NOT_INITIALIZED');
}

/** Any method but close() after close() (Error, code ERR_CLOSED); the addon words its own the same. */
export function closedError(): Error {
  return codedError(
    'Hnswlib Error: the index was closed (close() or [Symbol.dispose]); create or load a new index object',
    'ERR_CLOSED',
  );
}

/** writeIndexSync before any index exists. */
export function notConstructedError(): Error {
  return codedError('Search index is not constructed.', 'ERR_NOT_INITIALIZED');
}

/** writeIndex (the Promise form) before any index exists: the rejection reason. */
export function notConstructedAsyncError(): Error {
  return codedError('Hnswlib Error: search index is not constructed.', 'ERR_NOT_INITIALIZED');
}

/** k above the capacity, hnswlib-node's message. */
export function kAboveMaxElementsError(maxElements: number): Error {
  const message = `cannot be given a value greater than \`maxElements\`: ${maxElements}`;
  return codedError(`Invalid the number of k-nearest neighbors (${message}).`, 'ERR_OUT_OF_RANGE');
}

/** k == 0 on BruteforceSearch, hnswlib-node's message. */
export function kNotPositiveError(): Error {
  return codedError('Invalid the number of k-nearest neighbors (must be a positive number).', 'ERR_OUT_OF_RANGE');
}

/** "Wrong space name, expected "l2", "ip", or "cosine"." (Error). */
export function wrongSpaceNameError(): Error {
  return codedError('Wrong space name, expected "l2", "ip", or "cosine".', 'ERR_INVALID_ARG_VALUE');
}

/** fromBuffer's data: any Uint8Array, Node's Buffer included. */
export function checkBytes(data: unknown): asserts data is Uint8Array {
  if (!util.types.isUint8Array(data)) throw typeError('data', 'a Uint8Array or a Buffer', data);
}

/** An optional boolean argument of the hnswkit-only methods, named in the TypeError. */
export function checkOptionalBoolean(value: unknown, name: string): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw typeError(name, 'a boolean', value);
}

// ---- ranges ---------------------------------------------------------------------------------------------------

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function checkIntegerRange(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(name, `an integer between ${min} and ${max}`, value);
  }
}

/** Labels: integers 0..Number.MAX_SAFE_INTEGER (exactly representable; no uint32 wrapping). */
export function checkLabel(value: number, name = 'label'): void {
  checkIntegerRange(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** numDimensions: an integer 1..65536. */
export function checkDimensions(value: number): void {
  checkIntegerRange(value, 'numDimensions', 1, MAX_DIMENSIONS);
}

/** A count-like setting (maxElements, efConstruction, ef): an integer 0..2^32-1. */
export function checkUint32(value: number, name: string): void {
  checkIntegerRange(value, name, 0, UINT32_MAX);
}

/** k: a non-negative integer (the capacity check with hnswlib-node's message follows separately). */
export function checkK(value: number): void {
  checkIntegerRange(value, 'numNeighbors', 0, Number.MAX_SAFE_INTEGER);
}

/** The space names, as a table the compiler holds to `SpaceName`: a name added there must be added here. */
const SPACE_NAMES: Readonly<Record<SpaceName, true>> = { l2: true, ip: true, cosine: true };

/** The space name, checked after its type. */
export function checkSpaceName(value: string): asserts value is SpaceName {
  if (!Object.hasOwn(SPACE_NAMES, value)) throw wrongSpaceNameError();
}

// ---- vectors --------------------------------------------------------------------------------------------------

function checkVectorLength(length: number, dim: number, lengthWhich: string): void {
  if (length !== dim) {
    throw codedError(`Invalid the ${lengthWhich} length (expected ${dim}, but got ${length}).`, 'ERR_INVALID_ARG_VALUE');
  }
}

/**
 * As `toFloat32Vector` for a search query, except that a Float32Array's elements are left to the native search,
 * which checks them faster and reports the first non-finite one (single-search.ts).
 */
export function toFloat32Query(value: VectorInput, dim: number): Float32Array {
  if (!util.types.isFloat32Array(value)) return toFloat32Vector(value, dim, 'queryPoint', 'given array');
  checkVectorLength(value.length, dim, 'given array');
  return value;
}

/**
 * Returns the vector as a Float32Array of length `dim`: a Float32Array is passed through without a copy, a
 * number[] is converted once. Wrong length -> Error with `lengthMessage` (hnswlib-node's wording); an element that
 * is not a number -> TypeError; NaN, +-Infinity or beyond the float32 range -> RangeError. `name` names the
 * argument in the element messages (`point[3]`).
 */
export function toFloat32Vector(value: VectorInput, dim: number, name: string, lengthWhich: string): Float32Array {
  const length = value.length;
  checkVectorLength(length, dim, lengthWhich);
  if (util.types.isFloat32Array(value)) {
    for (let i = 0; i < length; i++) {
      if (!Number.isFinite(value[i])) throw rangeError(`${name}[${i}]`, 'a finite number', value[i]);
    }
    return value;
  }
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const element: unknown = value[i];
    if (typeof element !== 'number') throw typeError(`${name}[${i}]`, 'a number', element);
    if (!Number.isFinite(element)) throw rangeError(`${name}[${i}]`, 'a finite number', element);
    out[i] = element;
    if (!Number.isFinite(out[i])) {
      throw rangeError(`${name}[${i}]`, `a number within the float32 range (±${FLOAT32_MAX})`, element);
    }
  }
  return out;
}
