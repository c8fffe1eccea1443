// The bad-input catalogue as data: every kind of bad input the public API can receive, the error each gets, and
// the calls that prove it. docs/bad-input.md is rendered from this module (renderCatalogue) and
// test/bad-input.test.ts runs every call of every row, so the document and the tests cannot drift apart. The rows
// live in test/helpers/bad-input/, one file per few groups; their shape, environment and builders in env.ts there.
//
// A row's message is a template: `{name}` is filled from each call's `vars`, `{*}` matches anything (a pid, a
// timestamp). The document shows `{name}` as `<name>` and `{*}` as `…`, and lists the values each placeholder takes.

import * as fs from 'fs';
import * as path from 'path';
import { BATCH_AND_STATE } from './bad-input/batch-and-state';
import { CALLS_AND_TYPES } from './bad-input/calls-and-types';
import type { Call, Group, Row } from './bad-input/env';
import { FILES_AND_BUFFERS } from './bad-input/files';
import { LABELS_AND_K } from './bad-input/labels-and-k';
import { NUMBERS_AND_VECTORS } from './bad-input/numbers-and-vectors';
import { RANGE_SEARCH } from './bad-input/range';
import { makeTempDir } from './tmp';

export { type Call, Env, type Group, type Outcome, type Row, checkTracked } from './bad-input/env';

// ---- the catalogue --------------------------------------------------------------------------------------------

/** Every group, in the order of docs/bad-input.md. */
export const CATALOGUE: Group[] = [
  ...CALLS_AND_TYPES,
  ...NUMBERS_AND_VECTORS,
  ...LABELS_AND_K,
  ...BATCH_AND_STATE,
  ...FILES_AND_BUFFERS,
  ...RANGE_SEARCH,
];

// ---- rendering and matching ---------------------------------------------------------------------------------

/** Every call of the catalogue with its group and row, in order. */
export function allCalls(): Array<{ group: Group; row: Row; call: Call }> {
  return CATALOGUE.flatMap((group) => group.rows.flatMap((row) => row.calls.map((call) => ({ group, row, call }))));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The exact message (string) or pattern (RegExp, when the template has `{*}`) a call must produce. */
export function expectedMessage(template: string, vars: Record<string, string> = {}, dir = ''): string | RegExp {
  const fill = (text: string): string =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!(name in vars)) throw new Error(`no value for {${name}} in ${template}`);
      return vars[name].replace(/<dir>/g, dir);
    });
  if (!template.includes('{*}')) return fill(template);
  return new RegExp(`^${template.split('{*}').map((part) => escapeRegExp(fill(part))).join('.*')}$`, 's');
}

/** A code span that survives backticks inside (CommonMark: a longer fence, padded with spaces). */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '\\n');
}

function methodsOf(row: Row): string {
  const seen = new Map<string, Set<string>>();
  for (const call of row.calls) {
    const forms = seen.get(call.method) ?? new Set<string>();
    if (call.mode === 'rejects') forms.add('rejects');
    else if (row.outcome.kind === 'error') forms.add('throws');
    seen.set(call.method, forms);
  }
  return [...seen]
    .map(([method, forms]) => {
      const note = forms.has('rejects') && !forms.has('throws') ? ' (rejects)' : forms.has('rejects') ? ' (throws / rejects)' : '';
      return `\`${method}\`${note}`;
    })
    .join(', ');
}

function placeholders(row: Row): string {
  if (row.outcome.kind !== 'error') return '';
  const names = [...row.outcome.message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const lines = [...new Set(names)].map((name) => {
    const values = row.examples?.[name] ?? [
      ...new Set(row.calls.map((call) => call.vars?.[name]).filter((v): v is string => v !== undefined)),
    ];
    return `${code(`<${name}>`)}: ${values.map((v) => code(v)).join(', ')}`;
  });
  return lines.length ? `<br>${lines.join('<br>')}` : '';
}

function messageCell(row: Row): string {
  const outcome = row.outcome;
  if (outcome.kind !== 'error') return outcome.text;
  const shown = outcome.message.replace(/\{\*\}/g, '…').replace(/\{(\w+)\}/g, '<$1>');
  return code(shown) + placeholders(row);
}

/** The Markdown tables of docs/bad-input.md, between its catalogue markers. */
export function renderCatalogue(): string {
  const out: string[] = [];
  CATALOGUE.forEach((group, g) => {
    out.push(`### ${g + 1}. ${group.title}`, '');
    if (group.intro) out.push(group.intro, '');
    out.push('| # | Bad input | Methods | Class | `code` | Message or outcome |', '|---|---|---|---|---|---|');
    group.rows.forEach((row, r) => {
      const outcome = row.outcome;
      const input = row.note ? `${row.input}<br>*${row.note}*` : row.input;
      const methods = row.testedIn ? `${row.testedIn.methods ?? 'all four writes'}; see \`${row.testedIn.file}\`` : methodsOf(row);
      const cls = outcome.kind === 'error' ? (outcome.classNote ?? outcome.cls) : outcome.kind === 'rethrown' ? 'as thrown' : '—';
      const codeCell = outcome.kind === 'error' ? (outcome.code ? `\`${outcome.code}\`` : 'none') : '—';
      out.push(`| ${g + 1}.${r + 1} | ${cell(input)} | ${cell(methods)} | ${cell(cls)} | ${codeCell} | ${cell(messageCell(row))} |`);
    });
    out.push('');
  });
  return out.join('\n');
}

export const CATALOGUE_START = '<!-- bad-input catalogue: generated from test/helpers/bad-input-catalogue.ts; do not edit by hand -->';
export const CATALOGUE_END = '<!-- end of bad-input catalogue -->';

/** A fresh temporary directory for one run of the catalogue. */
export function makeCatalogueDir(): string {
  const dir = makeTempDir('hnswkit-bad-input-');
  fs.mkdirSync(path.join(dir, 'cwd'));
  return dir;
}
