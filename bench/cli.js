'use strict';
// The command lines of the benchmark scripts: util.parseArgs over a table of `--name value` options (each with a
// default and a help line) and boolean flags, with --help / -h, and the usage text made from the same table.

const { parseArgs } = require('util');

/**
 * Parses `argv` and returns the values given (strings for options, true for flags; absent ones undefined).
 * `options` and `flags` map names to `{ value, help }` and help texts; `internal` names options that the
 * script passes to its own child processes and does not list. Prints `usage` and exits on --help. Throws
 * util.parseArgs' error for an unknown option, a missing value or a stray argument.
 */
function readArgs(argv, { options, flags = {}, internal = [] }, usage) {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries([...Object.keys(options), ...internal].map((name) => [name, { type: 'string' }])),
      ...Object.fromEntries(Object.keys(flags).map((name) => [name, { type: 'boolean' }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

/** The usage text: one line per option (with its default unless it is ''), per flag, and --help. */
function usageText(command, { options, flags = {} }, width) {
  const lines = [`Usage: ${command} [options]`, ''];
  for (const [name, o] of Object.entries(options)) {
    lines.push(`  --${name.padEnd(width)} ${o.help}${o.value === '' ? '' : ` (default ${o.value})`}`);
  }
  for (const [name, help] of Object.entries(flags)) lines.push(`  --${name.padEnd(width)} ${help}`);
  lines.push(`  --${'help'.padEnd(width)} show this text`);
  return lines.join('\n');
}

module.exports = { readArgs, usageText };
