// The shape of the index classes as programs see it at run time (methods, their `length`, what `new` makes), the
// order of writeIndexSync's checks, and the error codes: the C++ sources, the `ErrorCode` type of lib/types.ts and
// the table of docs/api.md must name the same codes.

import * as fs from 'fs';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW, InnerProductSpace, L2Space } from 'hnswkit';
import { expectThrow } from './fixtures/expect-error';

const ROOT = path.resolve(__dirname, '..');

/** Every method an instance has, own or inherited (not Object's), with its `length`. */
function methodsOf(cls: { prototype: object }): Record<string, number> {
  const out: Record<string, number> = {};
  for (let proto = cls.prototype; proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (proto as Record<string, unknown>)[name];
      if (name !== 'constructor' && !(name in out) && typeof value === 'function') out[name] = value.length;
    }
  }
  return out;
}

/** The methods both classes have, with hnswlib-node's rest-argument `length` 0 or hnswkit's own parameter count. */
const SHARED = {
  addItems: 3,
  addItemsSync: 3,
  addPoint: 0,
  close: 0,
  getCurrentCount: 0,
  getLabels: 0,
  getMaxElements: 0,
  getNumDimensions: 0,
  getPoints: 1,
  getPrecision: 0,
  initIndex: 0,
  readIndex: 0,
  readIndexSync: 0,
  searchKnn: 0,
  searchKnnBatch: 3,
  searchKnnBatchSync: 3,
  searchRange: 3,
  searchRangeBatch: 3,
  searchRangeBatchSync: 3,
  toBuffer: 0,
  toBufferSync: 0,
  writeIndex: 0,
  writeIndexSync: 0,
};

describe('HierarchicalNSW', () => {
  it('has exactly its methods, with their lengths', () => {
    expect(methodsOf(HierarchicalNSW)).toEqual({
      ...SHARED,
      compact: 1,
      compactSync: 1,
      fromBuffer: 2,
      fromBufferSync: 2,
      getDeletedCount: 0,
      getEf: 0,
      getEfConstruction: 0,
      getIdsList: 0,
      getM: 0,
      getPoint: 0,
      getStats: 0,
      markDelete: 0,
      resetStats: 0,
      resizeIndex: 0,
      setEf: 0,
      unmarkDelete: 0,
    });
  });
});

describe('BruteforceSearch', () => {
  it('has exactly its methods, with their lengths', () => {
    expect(methodsOf(BruteforceSearch)).toEqual({ ...SHARED, fromBuffer: 1, fromBufferSync: 1, removePoint: 0 });
  });
});

describe.each([
  ['HierarchicalNSW', HierarchicalNSW],
  ['BruteforceSearch', BruteforceSearch],
] as const)('%s', (name, Cls) => {
  it('has [Symbol.dispose], which is close()', () => {
    expect(typeof Cls.prototype[Symbol.dispose]).toBe('function');
    const index = new Cls('l2', 3);
    index[Symbol.dispose]();
    expect(() => index.getMaxElements()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });

  it('makes instances of itself with no own enumerable properties', () => {
    const index = new Cls('l2', 3);
    expect(index).toBeInstanceOf(Cls);
    expect(index.constructor).toBe(Cls);
    expect(Object.keys(index)).toEqual([]);
    expect(Cls.name).toBe(name);
    expect(Cls.length).toBe(0);
  });

  it('is not an instance of the other class', () => {
    const other = name === 'HierarchicalNSW' ? BruteforceSearch : HierarchicalNSW;
    expect(new Cls('l2', 3)).not.toBeInstanceOf(other);
  });

  describe('#writeIndexSync', () => {
    // hnswlib-node 3.0.0 checks, in both classes: the count, the type, then whether an index exists.
    it('checks the argument type before whether an index exists', () => {
      const call = (): unknown => new Cls('l2', 3).writeIndexSync(7 as unknown as string);
      expectThrow(call, 'TypeError', 'Invalid the first argument type, must be a string.');
    });

    it('checks whether an index exists before the file name holds a NUL', () => {
      const call = (): unknown => new Cls('l2', 3).writeIndexSync('index.bin\0.txt');
      expectThrow(call, 'Error', 'Search index is not constructed.');
    });

    it('throws a RangeError for a NUL in the file name once an index exists', () => {
      const index = new Cls('l2', 3);
      index.initIndex(1);
      const call = (): unknown => index.writeIndexSync('index.bin\0.txt');
      expectThrow(call, 'RangeError', 'Expected `filename` to contain no NUL characters');
    });
  });
});

describe('a method called on an object that is not an instance', () => {
  // The class's own private method is the first thing such a call touches, before any argument check.
  type Loose = Record<string, (...args: unknown[]) => unknown>;
  const hnsw = HierarchicalNSW.prototype as unknown as Loose;
  const brute = BruteforceSearch.prototype as unknown as Loose;
  it.each([
    ['HierarchicalNSW', 'getPoint', hnsw.getPoint],
    ['HierarchicalNSW', 'markDelete', hnsw.markDelete],
    ['HierarchicalNSW', 'unmarkDelete', hnsw.unmarkDelete],
    ['HierarchicalNSW', 'getEf', hnsw.getEf],
    ['BruteforceSearch', 'readIndex', brute.readIndex],
    ['BruteforceSearch', 'readIndexSync', brute.readIndexSync],
  ])('%s#%s throws V8\'s TypeError naming the class', (cls, _name, method) => {
    expectThrow(() => method.call({}), 'TypeError', `Receiver must be an instance of class ${cls}`);
  });
});

describe('L2Space and InnerProductSpace', () => {
  it('are distinct classes and distinct types', () => {
    // `tsc -p tsconfig.json` checks the directive: an InnerProductSpace must not pass for an L2Space.
    // @ts-expect-error -- an InnerProductSpace is not an L2Space
    const space: L2Space = new InnerProductSpace(2);
    expect(space).not.toBeInstanceOf(L2Space);
    expect(Object.keys(space)).toEqual([]);
    expect([L2Space.length, InnerProductSpace.length]).toEqual([0, 0]);
  });
});

/** The `ERR_...` (and `ABORT_ERR`) names in a text, matched by `pattern`'s first group. */
function codes(text: string, pattern: RegExp): Set<string> {
  return new Set(Array.from(text.matchAll(pattern), (m) => m[1]));
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

describe('error codes', () => {
  // The codes C++ sets: the binding's string literals (binding/errors.h and the wraps), and the engine's names of
  // its ErrorCode values (the `return "ERR_UNKNOWN"` after that switch is unreachable: the switch names them all).
  const bindingFiles = fs.readdirSync(path.join(ROOT, 'binding')).filter((f) => /\.(h|cc)$/.test(f));
  const native = new Set([
    ...bindingFiles.flatMap((f) => [...codes(read(path.join('binding', f)), /"(ERR_[A-Z_]+)"/g)]),
    ...codes(read('deps/hnswkit/util/error.cc'), /case [\w:]+:\s+return "(ERR_[A-Z_]+)";/g),
  ]);
  // The codes lib/ sets itself: quoted code literals in its sources.
  const libFiles = fs.readdirSync(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && f !== 'types.ts');
  const lib = new Set(libFiles.flatMap((f) => [...codes(read(path.join('lib', f)), /'((?:ERR_[A-Z_]+)|ABORT_ERR)'/g)]));
  // The ErrorCode union, and the first column of the table under docs/api.md's "## Errors".
  const types = read('lib/types.ts');
  const start = types.indexOf('export type ErrorCode =');
  const union = types.slice(start, types.indexOf(';', start));
  const typed = codes(union, /\| '([A-Z_]+)'/g);
  const api = read('docs/api.md');
  const errorsSection = api.slice(api.indexOf('\n## Errors\n'), api.indexOf('\n## ', api.indexOf('\n## Errors\n') + 1));
  const documented = codes(errorsSection, /^\| `([A-Z_]+)` \|/gm);

  const sorted = (set: Set<string>): string[] => [...set].sort();

  it('finds the codes in each place', () => {
    expect(native.size).toBeGreaterThanOrEqual(14);
    expect(typed.size).toBeGreaterThanOrEqual(19);
    expect(documented.has('ERR_INDEX_BUSY')).toBe(true);
  });

  it('types every code the C++ code and lib/ set as ErrorCode, and no other', () => {
    expect(sorted(typed)).toEqual(sorted(new Set([...native, ...lib])));
  });

  it('documents every ErrorCode in docs/api.md, Errors, and no other', () => {
    expect(sorted(documented)).toEqual(sorted(typed));
  });
});
