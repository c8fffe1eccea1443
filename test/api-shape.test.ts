// The error codes: the C++ sources, the `ErrorCode` type of lib/types.ts and the table of docs/api.md must name the
// same codes.

import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

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
    ...codes(read('deps/hnswkit/util/error.cc'), /case [\w:]+: return "(ERR_[A-Z_]+)";/g),
  ]);
  // The codes lib/ sets itself: quoted code literals in its sources.
  const libFiles = fs.readdirSync(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && f !== 'types.ts');
  const lib = new Set(libFiles.flatMap((f) => [...codes(read(path.join('lib', f)), /'((?:ERR_[A-Z_]+)|ABORT_ERR)'/g)]));
  // The ErrorCode union, and the first column of the table under docs/api.md's "## Errors".
  const types = read('lib/types.ts');
  const union = types.slice(types.indexOf('export type ErrorCode ='), types.indexOf(';', types.indexOf('export type ErrorCode =')));
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
