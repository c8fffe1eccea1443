// L2Space and InnerProductSpace: hnswlib-node's arguments and messages, and distances checked against exact values
// over many dimensions (every SIMD tail length) with integer-valued inputs, where float32 sums are exact.

import { InnerProductSpace, L2Space } from 'hnswkit';
import { expectThrow, loose, looseClass } from './fixtures/expect-error';

/** A deterministic integer-valued vector in -3..3. */
function intVector(dim: number, seed: number): number[] {
  let state = seed * 2654435761 + 1;
  return Array.from({ length: dim }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state % 7) - 3;
  });
}

interface SpaceLike {
  distance(pointA: number[] | Float32Array, pointB: number[] | Float32Array): number;
  getNumDimensions(): number;
}

const SPACES: Array<[string, new (numDimensions: number) => SpaceLike]> = [
  ['L2Space', L2Space],
  ['InnerProductSpace', InnerProductSpace],
];

describe.each(SPACES)('%s', (name, Space) => {
  const LooseSpace = looseClass(Space);

  it('is a real class: calling it without `new` throws a TypeError', () => {
    expectThrow(() => (Space as unknown as (...args: unknown[]) => unknown)(3), 'TypeError', /without 'new'/);
  });

  describe('#constructor', () => {
    it('throws an Error unless given exactly 1 argument', () => {
      expectThrow(() => new LooseSpace(), 'Error', 'Expected 1 arguments, but got 0.');
      expectThrow(() => new LooseSpace(3, 4), 'Error', 'Expected 1 arguments, but got 2.');
    });

    it('throws a TypeError if the dimension is not a number', () => {
      expectThrow(() => new LooseSpace('3'), 'TypeError', 'Invalid the first argument type, must be a number.');
    });

    it('throws a RangeError if the dimension is not an integer in 1..65536', () => {
      expectThrow(() => new Space(0), 'RangeError', 'Expected `numDimensions` to be an integer between 1 and 65536 but received 0');
      expectThrow(() => new Space(-3), 'RangeError', 'Expected `numDimensions` to be an integer between 1 and 65536 but received -3');
      expectThrow(() => new Space(3.5), 'RangeError', 'Expected `numDimensions` to be an integer between 1 and 65536 but received 3.5');
      expectThrow(() => new Space(70000), 'RangeError', 'Expected `numDimensions` to be an integer between 1 and 65536 but received 70000');
    });
  });

  describe('#getNumDimensions', () => {
    it('returns the dimension', () => {
      expect(new Space(5).getNumDimensions()).toBe(5);
    });
  });

  describe('#distance', () => {
    const space = new Space(3);

    it('throws an Error unless given exactly 2 arguments', () => {
      expectThrow(() => loose(space).distance(), 'Error', 'Expected 2 arguments, but got 0.');
      expectThrow(() => loose(space).distance([1, 2, 3]), 'Error', 'Expected 2 arguments, but got 1.');
      expectThrow(() => loose(space).distance([1, 2, 3], [1, 2, 3], [1, 2, 3]), 'Error', 'Expected 2 arguments, but got 3.');
    });

    it('throws TypeErrors if an argument is not an Array or a Float32Array', () => {
      expectThrow(() => loose(space).distance('abc', [1, 2, 3]), 'TypeError', 'Invalid the first argument type, must be an Array.');
      expectThrow(() => loose(space).distance([1, 2, 3], 123), 'TypeError', 'Invalid the second argument type, must be an Array.');
      expectThrow(
        () => loose(space).distance([1, 2, 3], new Float64Array(3)),
        'TypeError',
        'Invalid the second argument type, must be an Array.',
      );
      // Both types are checked before either length.
      expectThrow(() => loose(space).distance([1, 2], 'x'), 'TypeError', 'Invalid the second argument type, must be an Array.');
    });

    it('throws Errors if an array has the wrong length', () => {
      expectThrow(() => space.distance([1, 2], [1, 2, 3]), 'Error', 'Invalid the first array length (expected 3, but got 2).');
      expectThrow(() => space.distance([1, 2, 3], [1, 2, 3, 4]), 'Error', 'Invalid the second array length (expected 3, but got 4).');
      expectThrow(
        () => space.distance(new Float32Array(1), new Float32Array(3)),
        'Error',
        'Invalid the first array length (expected 3, but got 1).',
      );
    });

    it('throws a TypeError naming an element that is not a number', () => {
      expectThrow(() => loose(space).distance([1, '2', 3], [1, 2, 3]), 'TypeError', 'Expected `pointA[1]` to be a number but received string');
      expectThrow(() => loose(space).distance([1, 2, 3], [undefined, 2, 3]), 'TypeError', 'Expected `pointB[0]` to be a number but received undefined');
    });

    it('throws a RangeError naming an element that is NaN or infinite', () => {
      expectThrow(() => space.distance([1, 2, NaN], [1, 2, 3]), 'RangeError', 'Expected `pointA[2]` to be a finite number but received NaN');
      expectThrow(() => space.distance([1, 2, 3], [1, -Infinity, 3]), 'RangeError', 'Expected `pointB[1]` to be a finite number but received -Infinity');
      expectThrow(
        () => space.distance([1, 2, 3], new Float32Array([1, 2, Infinity])),
        'RangeError',
        'Expected `pointB[2]` to be a finite number but received Infinity',
      );
    });

    it('gives the same result for Float32Array and number[] input', () => {
      const a = [0.1, 0.2, 0.3];
      const b = [-1.5, 2.25, 0.7];
      const expected = space.distance(a, b);
      expect(space.distance(new Float32Array(a), b)).toBe(expected);
      expect(space.distance(a, new Float32Array(b))).toBe(expected);
      expect(space.distance(new Float32Array(a), new Float32Array(b))).toBe(expected);
    });

    it(`matches the exact ${name === 'L2Space' ? 'squared L2' : '1 - dot'} on dimensions 1..130`, () => {
      for (let dim = 1; dim <= 130; dim++) {
        const s = new Space(dim);
        for (let seed = 0; seed < 3; seed++) {
          const a = intVector(dim, seed + dim * 10);
          const b = intVector(dim, seed + dim * 10 + 5);
          const expected =
            name === 'L2Space'
              ? a.reduce((sum, x, i) => sum + (x - b[i]) ** 2, 0)
              : 1 - a.reduce((sum, x, i) => sum + x * b[i], 0);
          expect(s.distance(a, b)).toBe(expected);
        }
      }
    });
  });
});

describe('L2Space', () => {
  describe('#distance', () => {
    it('computes the squared Euclidean distance, without a square root', () => {
      const space = new L2Space(2);
      expect(space.distance([0, 0], [3, 4])).toBe(25);
      expect(space.distance([1, 1], [1, 1])).toBe(0);
      expect(new L2Space(3).distance([1, 2, 3], [4, 6, 3])).toBe(25);
    });

    it('computes in float32', () => {
      const space = new L2Space(1);
      expect(space.distance([0.1], [0])).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.1)));
    });
  });
});

describe('InnerProductSpace', () => {
  describe('#distance', () => {
    it('computes 1 - dot, which can be negative', () => {
      const space = new InnerProductSpace(3);
      expect(space.distance([1, 2, 3], [1, 0, 1])).toBe(-3);
      expect(space.distance([1, 0, 0], [0, 1, 0])).toBe(1);
      expect(space.distance([1, 0, 0], [1, 0, 0])).toBe(0);
      expect(space.distance([0.5, 0, 0], [1, 0, 0])).toBe(0.5);
    });
  });
});
