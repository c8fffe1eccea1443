'use strict';
// An index over a long life: the native memory of indexes dropped without close() (collected because each index
// tells V8 what it holds), and what close() gives back. Each figure comes from a child process of its own
// (test/helpers/lifetime-child.js), started without --expose-gc.
//
//   npm run bench:lifetime                         40 cycles of 4,000 x 1,024, close() of 20,000 x 1,024, 1M single
//                                                  adds into an index made with { maxElements: 1000, autoGrow: true }
//   node bench/lifetime.js --cycles 40 --count 4000 --dim 1024 --close-count 20000
//   node bench/lifetime.js --help
//
// Needs the built package (`npm run build:ts`) and the addon (`npm run build` or a prebuild).

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { readArgs, usageText } = require('./cli');
const { fmtMiB, markdownTable } = require('./report');

const CHILD = path.join(__dirname, '..', 'test', 'helpers', 'lifetime-child.js');
const RESULTS = path.join(__dirname, 'results');

const OPTIONS = {
  cycles: { value: 40, help: 'indexes created, filled and dropped one after another' },
  count: { value: 4000, help: 'vectors per index in the cycles' },
  dim: { value: 1024, help: 'floats per vector' },
  'close-count': { value: 20000, help: 'vectors of the index that close() frees' },
  'grow-count': { value: 1000000, help: 'single addPoint calls into an index made with autoGrow (0: skip)' },
  'grow-dim': { value: 16, help: 'floats per vector of the autoGrow case' },
  'grow-start': { value: 1000, help: 'maxElements the autoGrow index starts from' },
};

function usage() {
  return usageText('node bench/lifetime.js', { options: OPTIONS, flags: {} }, 12);
}

function child(args) {
  const r = spawnSync(process.execPath, [CHILD, ...args.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lifetime-child.js ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function main() {
  let values;
  try {
    values = readArgs(process.argv.slice(2), { options: OPTIONS, flags: {} }, usage());
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const o = Object.fromEntries(Object.entries(OPTIONS).map(([k, { value }]) => [k, Number(values[k] ?? value)]));
  for (const [name, value] of Object.entries(o)) {
    if (!Number.isSafeInteger(value) || value < (name === 'grow-count' ? 0 : 1)) {
      console.error(`--${name}: expected a positive integer, got ${values[name]}\n${usage()}`);
      process.exit(2);
    }
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`hnswkit index lifetime: ${cpu}, ${os.cpus().length} cores, node ${process.version}`);

  const rows = [];
  const cycles = {};
  for (const mode of ['async', 'sync']) {
    const r = child(['cycles', o.cycles, o.count, o.dim, mode]);
    cycles[mode] = r;
    const one = r.first - r.baseline;
    const peakGrowth = r.peak - r.baseline;
    const how = mode === 'async' ? 'await addItems, the event loop turning between cycles' : 'addItemsSync in one synchronous loop';
    rows.push([
      `${o.cycles} indexes of ${o.count} x ${o.dim} created, filled and dropped (${how}; no close, no --expose-gc)`,
      `one index: ${fmtMiB(one)} of RSS (getStats().memoryBytes ${fmtMiB(r.indexBytes)}); highest RSS above the start: ${fmtMiB(peakGrowth)} = ${(peakGrowth / one).toFixed(2)}x one index`,
      mode === 'async' ? `< 3x one index: ${peakGrowth / one < 3 ? 'met' : 'not met'}` : '',
    ]);
  }
  const closed = child(['close', o['close-count'], o.dim]);
  const held = closed.held - closed.before;
  const returned = closed.held - closed.closed;
  rows.push([
    `close() of an index of ${o['close-count']} x ${o.dim}`,
    `RSS ${fmtMiB(held)} above the start with the index; ${fmtMiB(returned)} (${((100 * returned) / held).toFixed(0)}%) returned by close()`,
    '',
  ]);
  let grow;
  if (o['grow-count'] > 0) {
    grow = child(['grow', o['grow-count'], o['grow-dim'], o['grow-start']]);
    const line = (r) => `${r.count} elements, capacity ${r.maxElements}, ${r.seconds.toFixed(1)} s, recall@10 ${r.recall.toFixed(4)}`;
    rows.push([
      `${o['grow-count']} single adds of ${o['grow-dim']} floats, maxElements ${o['grow-start']} with autoGrow, against an index made at full size`,
      `autoGrow: ${line(grow.grown)}; full size: ${line(grow.full)}; the same answers: ${grow.sameAnswers ? 'yes' : 'no'}`,
      `all added, recall equal: ${grow.grown.count === o['grow-count'] && grow.grown.recall === grow.full.recall ? 'met' : 'not met'}`,
    ]);
  }
  console.log(markdownTable(['case', 'measured', 'goal'], rows));
  fs.mkdirSync(RESULTS, { recursive: true });
  const out = path.join(RESULTS, 'lifetime.json');
  fs.writeFileSync(out, `${JSON.stringify({ cpu, options: o, cycles, close: closed, grow }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main();
