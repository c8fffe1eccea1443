// The bad-input catalogue (docs/bad-input.md): every call of every row of test/helpers/bad-input-catalogue.ts gets
// exactly the error class, `code` and message the row names (or the outcome it names), leaves every index it
// touched as it was, and the document shows exactly the catalogue's rows.

import * as fs from 'fs';
import * as path from 'path';
import {
  CATALOGUE,
  CATALOGUE_END,
  CATALOGUE_START,
  type Call,
  Env,
  type Row,
  checkTracked,
  expectedMessage,
  makeCatalogueDir,
  renderCatalogue,
} from './helpers/bad-input-catalogue';

const ROOT = path.resolve(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'bad-input.md');

let dir = '';
beforeAll(() => {
  dir = makeCatalogueDir();
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The constructor name of a thrown value, compared across realms (native errors come from Node's main realm). */
function className(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
}

/**
 * Runs a call, in `cwd` if it names one, and settles what it returns: the thrown or rejected value, or the result.
 * The working directory is restored only after a returned Promise settles, since the work it stands for resolves
 * relative paths on another thread meanwhile.
 */
async function outcomeOf(call: Call, env: Env): Promise<{ how: 'throws' | 'rejects' | 'returned' | 'resolved'; value: unknown }> {
  const previous = process.cwd();
  if (call.cwd) process.chdir(call.cwd(env));
  try {
    let result: unknown;
    try {
      result = call.run(env);
    } catch (value) {
      return { how: 'throws', value };
    }
    if (!isThenable(result)) return { how: 'returned', value: result };
    try {
      return { how: 'resolved', value: await result };
    } catch (value) {
      return { how: 'rejects', value };
    }
  } finally {
    if (call.cwd) process.chdir(previous);
  }
}

async function settle(env: Env): Promise<void> {
  await Promise.all(env.deferred);
}

async function runErrorCall(row: Row, call: Call): Promise<void> {
  if (row.outcome.kind !== 'error') throw new Error('not an error row');
  const env = new Env(dir);
  const { how, value } = await outcomeOf(call, env);
  await settle(env);
  expect(how).toBe(call.mode ?? 'throws');
  const expected = expectedMessage(row.outcome.message, call.vars, dir);
  const message = (value as { message?: unknown } | null)?.message;
  expect({ cls: className(value), code: (value as { code?: unknown } | null)?.code, message }).toEqual({
    cls: row.outcome.cls,
    code: row.outcome.code,
    message: typeof expected === 'string' ? expected : expect.stringMatching(expected),
  });
  call.check?.(value, env);
  checkTracked(env, call.mutates ?? false);
}

async function runOtherCall(call: Call): Promise<void> {
  const env = new Env(dir);
  const { how, value } = await outcomeOf(call, env);
  await settle(env);
  if (how === 'throws' || how === 'rejects') throw value;
  if (!call.check) throw new Error(`${call.method}: an accepted or rethrown row needs a check`);
  call.check(value, env);
  checkTracked(env, call.mutates ?? false);
}

function verb(row: Row, call: Call): string {
  const outcome = row.outcome;
  if (outcome.kind === 'accepted') return 'accepts it';
  if (outcome.kind === 'rethrown') return 'passes on what was thrown, unchanged';
  const how = call.mode === 'rejects' ? 'rejects with' : 'throws';
  return `${how} ${/^[AEIOU]/.test(outcome.cls) ? 'an' : 'a'} ${outcome.cls}${outcome.code ? ` (${outcome.code})` : ''}`;
}

/** `HierarchicalNSW#addPoint [Float32Array] throws a RangeError (ERR_OUT_OF_RANGE)`; without a variant, the vars. */
function title(row: Row, call: Call): string {
  const variant = call.variant ?? (call.vars ? Object.values(call.vars).join(', ') : undefined);
  return `${call.method}${variant ? ` [${variant}]` : ''} ${verb(row, call)}`;
}

describe('the bad-input catalogue', () => {
  CATALOGUE.forEach((group, g) => {
    describe(`${g + 1}. ${group.title}`, () => {
      group.rows.forEach((row, r) => {
        describe(`${g + 1}.${r + 1} ${row.input}`, () => {
          if (row.testedIn) {
            const { file, title: testTitle } = row.testedIn;
            it(`is tested by "${testTitle}" in ${file}`, () => {
              expect(row.calls).toEqual([]);
              expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toContain(`'${testTitle}'`);
            });
            return;
          }
          it('has at least one call', () => {
            expect(row.calls.length).toBeGreaterThan(0);
          });
          it.each(row.calls.map((call) => [title(row, call), call] as const))('%s', async (_title, call) => {
            if (row.outcome.kind === 'error') await runErrorCall(row, call);
            else await runOtherCall(call);
          });
        });
      });
    });
  });
});

describe('docs/bad-input.md', () => {
  it('shows exactly the rows of the catalogue (regenerate with `node test/helpers/write-bad-input-doc.js`)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    const start = doc.indexOf(CATALOGUE_START);
    const end = doc.indexOf(CATALOGUE_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(doc.slice(start + CATALOGUE_START.length, end).trim()).toBe(renderCatalogue().trim());
  });

  it('gives every row a distinct id and every call a distinct title', () => {
    const ids = CATALOGUE.flatMap((group) => group.rows.map((row) => row.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const group of CATALOGUE) {
      for (const row of group.rows) {
        const titles = row.calls.map((call) => title(row, call));
        expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
      }
    }
  });
});
