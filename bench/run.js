'use strict';
// hnswkit's benchmark against Python hnswlib and hnswlib-node on Fashion-MNIST, in the manner of ann-benchmarks, with
// hnswkit also storing its vectors at f16 and i8 (the "Reduced precision" sections compare those with hnswkit f32).
//
//   npm run bench                       the full run: 60,000 train rows, 10,000 queries, both data sets, 3 rounds,
//                                       f32, f16 and i8; writes docs/benchmark.md, docs/benchmark.svg and README.md's
//                                       table. About 25 minutes on 2 cores (28 when other jobs share them), plus 5
//                                       to 10 the first time (ground truth)
//   npm run bench:ci                    the reduced run CI does (--ci): 20,000 rows, 1,000 queries, ef 10/40/120,
//                                       2 rounds; about 2.5 minutes on 2 busy cores (1.5 of them without f16 and i8,
//                                       --precisions f32), plus about 45 s the first time (ground truth)
//   node bench/run.js --train 5000 --queries 200 --variants euclidean --precisions f32     a quick look; JSON only
//   node bench/run.js --help
//
// Every build and every search runs in its own process (bench/case-node.js, bench/case_python.py). Searches of the
// libraries alternate round-robin over --rounds rounds and the fastest round of each is kept. Exact ground truth is
// computed once by numpy and cached in bench/cache/ with the data files; results go to bench/results/*.json.
// The exit status is 1 for a broken run (a case failed, impossible answers), when hnswkit f32's recall@k is more
// than 0.01 below Python hnswlib's at the same settings, or when f16's or i8's is more than 0.05 below f32's; speed
// never fails a run, nor do the reduced-precision goals (bench/report.js), which are only reported.

const { spawn, spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const { makeTempDir, removeTempDir } = require('../test/helpers/tmp');
const cases = require('./cases');
const { readArgs, usageText } = require('./cli');
const data = require('./data');
const report = require('./report');

const { ROOT, PYTHON, NODE_CASE } = cases;
const RESULTS = path.join(__dirname, 'results');
/** How far below Python hnswlib's recall hnswkit's may be, at the same data, parameters, ef and mode. */
const RECALL_TOLERANCE = 0.01;
/**
 * How far below hnswkit f32's recall an f16 or i8 index may be before the run counts as broken: far beyond what
 * rounding the stored vectors costs (the goals in bench/report.js ask for 0.002 and 0.01), so only a store that
 * decodes wrongly trips it.
 */
const REDUCED_RECALL_FLOOR = 0.05;
/** The library id of hnswkit at each precision; f32 keeps the plain id. */
const PRECISION_IDS = { f32: 'hnswkit', f16: 'hnswkit-f16', i8: 'hnswkit-i8' };
/** Processes that search one f32 file at once for the sharing figures (runSharing), at this ef. */
const SHARING_PROCESSES = 4;
const SHARING_EF = 40;

const OPTIONS = {
  train: { value: 60000, help: 'training rows to index (at most 60000)' },
  queries: { value: 10000, help: 'test rows to query (at most 10000)' },
  ef: { value: '10,20,40,80,120,200,400', help: 'comma-separated search beam widths' },
  variants: { value: 'euclidean,angular', help: 'data sets: euclidean (l2), angular (cosine)' },
  precisions: {
    value: 'f32,f16,i8',
    help: 'precisions hnswkit stores vectors at (f32, f16, i8), each built and searched as a library of its own',
  },
  rounds: { value: 3, help: 'search rounds; each library searches once per round, the fastest round is kept' },
  k: { value: 10, help: 'neighbours per query (recall@k)' },
  m: { value: 16, help: 'HNSW M' },
  'ef-construction': { value: 200, help: 'beam width while building' },
  seed: { value: 100, help: 'random seed of the level generator (all libraries)' },
  threads: { value: os.availableParallelism(), help: 'threads of the "all cores" builds and batch searches' },
  timeout: { value: 7200, help: 'seconds one case may take before the run is called broken' },
  out: { value: '', help: 'results file (default bench/results/benchmark.json, or ci.json with --ci)' },
};
const FLAGS = {
  ci: 'the reduced CI run: --train 20000 --queries 1000 --ef 10,40,120 --rounds 2 --timeout 900 (set options override it)',
  docs: 'also write docs/benchmark.md, docs/benchmark.svg and the table in README.md',
};
const CI_PRESET = { train: 20000, queries: 1000, ef: '10,40,120', rounds: 2, timeout: 900 };

function usage() {
  return usageText('node bench/run.js', { options: OPTIONS, flags: FLAGS }, 17);
}

function readOptions(argv) {
  let values;
  try {
    values = readArgs(argv, { options: OPTIONS, flags: FLAGS }, usage());
  } catch (err) {
    throw new UsageError(err.message);
  }
  const given = {};
  for (const name of Object.keys(OPTIONS)) if (values[name] !== undefined) given[name] = values[name];
  const flags = { ci: values.ci === true, docs: values.docs === true };
  const raw = {};
  for (const [name, o] of Object.entries(OPTIONS)) raw[name] = o.value;
  if (flags.ci) Object.assign(raw, CI_PRESET);
  Object.assign(raw, given);

  const o = { ci: flags.ci, docs: flags.docs };
  for (const name of ['train', 'queries', 'rounds', 'k', 'm', 'ef-construction', 'seed', 'threads', 'timeout']) {
    const n = Number(raw[name]);
    if (!Number.isInteger(n) || n < (name === 'seed' ? 0 : 1)) {
      throw new UsageError(`--${name} takes a ${name === 'seed' ? 'non-negative' : 'positive'} integer, got ${raw[name]}`);
    }
    o[name === 'ef-construction' ? 'efConstruction' : name] = n;
  }
  o.M = o.m;
  delete o.m;
  if (o.train > 60000 || o.train < data.GT_DEPTH) {
    throw new UsageError(`--train is between ${data.GT_DEPTH} and 60000, got ${o.train}`);
  }
  if (o.queries > 10000) throw new UsageError(`--queries is at most 10000, got ${o.queries}`);
  if (o.k > data.GT_DEPTH) throw new UsageError(`--k is at most ${data.GT_DEPTH}, got ${o.k}`);
  o.efs = String(raw.ef).split(',').map(Number);
  if (o.efs.some((x) => !Number.isInteger(x) || x < 1)) throw new UsageError(`--ef takes positive integers, got ${raw.ef}`);
  o.efs = [...new Set(o.efs)].sort((a, b) => a - b);
  o.variants = [...new Set(String(raw.variants).split(','))];
  for (const v of o.variants) if (!(v in data.VARIANTS)) throw new UsageError(`unknown variant ${v}`);
  o.precisions = [...new Set(String(raw.precisions).split(','))];
  for (const p of o.precisions) if (!(p in PRECISION_IDS)) throw new UsageError(`unknown precision ${p}`);
  o.out = raw.out ? path.resolve(raw.out) : path.join(RESULTS, o.ci ? 'ci.json' : 'benchmark.json');
  return o;
}

/** Bad command-line arguments: printed with the usage text. */
class UsageError extends Error {}
/** Something the run needs is missing: printed with the fix. */
class SetupError extends Error {}

// ---- child processes -----------------------------------------------------------------------------------------

function runPython(o, what, args) {
  return cases.runPython(what, args, { timeout: o.timeout });
}

function runNode(o, what, args) {
  return cases.runNode(what, args, { timeout: o.timeout });
}

// ---- environment -----------------------------------------------------------------------------------------------

function cpuInfo() {
  let text = '';
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the model from os.cpus() and no flags.
  }
  const field = (name) => {
    const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text);
    return m ? m[1].trim() : '';
  };
  const flags = (field('flags') || field('Features')).split(/\s+/).filter(Boolean);
  const cpus = os.cpus();
  return {
    model: field('model name') || (cpus.length > 0 ? cpus[0].model.trim() : 'unknown'),
    cores: os.availableParallelism(),
    flags,
    simdFlags: flags.filter((f) => /^(sse|ssse|avx|fma|f16c|amx|asimd|neon|sve)/.test(f)),
  };
}

/** The widest vector registers a binary's machine code uses, from objdump, or null if that cannot be told. */
function binaryVectorWidth(file) {
  try {
    const out = execFileSync('objdump', ['-d', '--no-show-raw-insn', file], {
      encoding: 'utf8',
      maxBuffer: 512 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (/%zmm\d/.test(out)) return '512-bit (zmm, AVX-512)';
    if (/%ymm\d/.test(out)) return '256-bit (ymm, AVX)';
    if (/%xmm\d/.test(out)) return '128-bit (xmm, SSE)';
    return null;
  } catch {
    return null;
  }
}

function hnswkitBinaryPath() {
  try {
    return path.relative(ROOT, require('node-gyp-build').path(ROOT));
  } catch {
    return null;
  }
}

function commandOutput(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Loads what the run needs and fails early, with the fix, when something is missing. */
function checkPrerequisites() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new SetupError('dist/ is missing: run `sh scripts/setup.sh` (or `npm install`) first');
  }
  const hnswkit = require(ROOT);
  let hnswlibNode;
  try {
    hnswlibNode = require('hnswlib-node');
  } catch (err) {
    throw new SetupError(
      `hnswlib-node 3.0.0 cannot be loaded (${err.message.split('\n')[0]}): it is a devDependency compiled by ` +
        'node-gyp; run `npm install` (needs python3, make and g++) or `npm rebuild hnswlib-node`',
    );
  }
  const probe = spawnSync(PYTHON, ['-c', 'import hnswlib, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new SetupError(
      `${PYTHON} cannot import hnswlib and numpy: apt-get install python3-hnswlib python3-numpy ` +
        '(or sh scripts/setup.sh)',
    );
  }
  return { hnswkit, hnswlibNode };
}

function environment(o, hnswkit) {
  const py = runPython(o, 'python info', { command: 'info' });
  const hnswlibNodeDir = path.dirname(require.resolve('hnswlib-node/package.json'));
  const hnswlibNodeAddon = path.join(hnswlibNodeDir, 'build', 'Release', 'addon.node');
  const proto = hnswkit.HierarchicalNSW.prototype;
  return {
    date: new Date().toISOString(),
    cpu: cpuInfo(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg(),
    versions: {
      node: process.version,
      python: py.python,
      numpy: py.numpy,
      hnswlib: commandOutput('dpkg-query', ['-W', '-f', '${Version}', 'python3-hnswlib']) || py.hnswlibModuleVersion,
      hnswlibModule: py.hnswlibModuleVersion,
      hnswlibNode: JSON.parse(fs.readFileSync(path.join(hnswlibNodeDir, 'package.json'), 'utf8')).version,
      hnswkit: hnswkit.version,
      hnswkitCommit: commandOutput('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD']),
    },
    // The addon node-gyp-build loads for hnswkit: build/Release when compiled here, else a prebuild.
    hnswkitBinary: hnswkitBinaryPath(),
    simd: {
      hnswkit: hnswkit.simdLevel(),
      python: binaryVectorWidth(py.hnswlibModule),
      hnswlibNode: fs.existsSync(hnswlibNodeAddon) ? binaryVectorWidth(hnswlibNodeAddon) : null,
    },
    hnswkitApi: {
      addItems: typeof proto.addItems === 'function',
      searchKnnBatch: typeof proto.searchKnnBatch === 'function',
    },
  };
}

// ---- the run -----------------------------------------------------------------------------------------------------

/**
 * The search columns for the chosen precisions: which runtime runs them, on which library, and which saved build they
 * search. "hnswkit-mmap" is hnswkit searching its own f32 file opened with { mmap: true } instead of loaded;
 * "hnswkit-pyfile" is hnswkit searching the very file Python hnswlib built and saved; "hnswkit-f16" and
 * "hnswkit-i8" search hnswkit's own build at that precision, and check the file loads at it.
 */
function searchers(o) {
  const hnswkit = (p) => {
    const id = PRECISION_IDS[p];
    return { id, runtime: 'node', library: 'hnswkit', file: id, precision: p };
  };
  return [
    ...(o.precisions.includes('f32') ? [hnswkit('f32'), { ...hnswkit('f32'), id: 'hnswkit-mmap', mmap: true }] : []),
    { id: 'hnswkit-pyfile', runtime: 'node', library: 'hnswkit', file: 'python', precision: 'f32' },
    { id: 'python', runtime: 'python', library: 'python', file: 'python' },
    { id: 'hnswlib-node', runtime: 'node', library: 'hnswlib-node', file: 'hnswlib-node' },
    ...o.precisions.filter((p) => p !== 'f32').map(hnswkit),
  ];
}

function log(started, message) {
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
}

function ensureGroundTruth(o, variant, started) {
  const found = data.findGroundTruth(variant, o.train, o.queries);
  if (found) return { ...found, cached: true };
  const file = data.groundTruthFile(variant, o.train, o.queries);
  log(started, `${variant}: exact top-${data.GT_DEPTH} ground truth with numpy (cached for later runs)`);
  const reply = runPython(o, `${variant} ground truth`, {
    command: 'groundtruth',
    train: data.vectorFile(variant, 'train'),
    queries: data.vectorFile(variant, 'test'),
    count: o.train,
    queryCount: o.queries,
    dim: data.DIM,
    metric: data.VARIANTS[variant].metric,
    depth: data.GT_DEPTH,
    workers: o.threads,
    out: file,
  });
  return { file, queries: o.queries, cached: false, seconds: reply.seconds, workers: reply.workers };
}

function runBuilds(o, env, variant, work, started) {
  const v = data.VARIANTS[variant];
  const common = {
    command: 'build',
    space: v.space,
    dim: data.DIM,
    train: data.vectorFile(variant, 'train'),
    count: o.train,
    M: o.M,
    efConstruction: o.efConstruction,
    seed: o.seed,
  };
  // hnswkit once per chosen precision, each built exactly as f32 is (same rows, M, efConstruction and seed).
  const hnswkit = (p, threads, save) => {
    return { id: PRECISION_IDS[p], runtime: 'node', library: 'hnswkit', precision: p, threads, save };
  };
  const plan = [
    ...o.precisions.map((p) => hnswkit(p, 1, true)),
    { id: 'python', runtime: 'python', threads: 1, save: true },
    { id: 'hnswlib-node', runtime: 'node', library: 'hnswlib-node', threads: 1, save: true },
  ];
  if (o.threads > 1) {
    if (env.hnswkitApi.addItems) plan.push(...o.precisions.map((p) => hnswkit(p, o.threads, false)));
    plan.push({ id: 'python', runtime: 'python', threads: o.threads });
  }
  const builds = {};
  for (const b of plan) {
    const what = `${variant}: build ${b.id}, ${b.threads} thread${b.threads > 1 ? 's' : ''}`;
    const out = b.save ? path.join(work, `${b.id}.hnsw`) : undefined;
    const args = { ...common, threads: b.threads, library: b.library, precision: b.precision, out };
    const reply = b.runtime === 'python' ? runPython(o, what, args) : runNode(o, what, args);
    if (reply.count !== o.train) throw new Error(`${what}: the index holds ${reply.count} elements, expected ${o.train}`);
    log(started, `${what}: ${reply.seconds.toFixed(1)} s`);
    builds[b.id] = builds[b.id] || {};
    builds[b.id][b.threads === 1 ? 'oneThread' : 'allThreads'] = { threads: b.threads, ...reply };
  }
  return builds;
}

function runSearches(o, env, variant, work, gt, started) {
  const v = data.VARIANTS[variant];
  const modes = [
    { mode: 'single', searchers: searchers(o), threads: 1 },
    {
      mode: 'batch',
      searchers: searchers(o).filter(
        (s) => s.runtime === 'python' || (s.library === 'hnswkit' && env.hnswkitApi.searchKnnBatch),
      ),
      threads: o.threads,
    },
  ];
  const rounds = {};
  for (let round = 0; round < o.rounds; round++) {
    for (const { mode, searchers, threads } of modes) {
      // A different library goes first in each round, so none always runs right after the same neighbour.
      const order = searchers.map((_, i) => searchers[(i + round) % searchers.length]);
      for (const s of order) {
        const labelsFile = path.join(work, `labels-${s.id}-${mode}.i32`);
        const args = {
          command: 'search',
          mode,
          library: s.library,
          precision: s.precision,
          space: v.space,
          dim: data.DIM,
          index: path.join(work, `${s.file}.hnsw`),
          queries: data.vectorFile(variant, 'test'),
          queryCount: o.queries,
          k: o.k,
          efs: o.efs,
          threads,
          mmap: s.mmap,
          out: labelsFile,
        };
        const what = `${variant}: ${mode} search ${s.id}, round ${round + 1}`;
        const reply = s.runtime === 'python' ? runPython(o, what, args) : runNode(o, what, args);
        const stride = o.queries * o.k;
        const labels = readLabels(labelsFile, o.efs.length * stride);
        const perEf = reply.timings.map((t, e) => {
          if (t.ef !== o.efs[e]) throw new Error(`${what}: timings out of order`);
          const r = data.recallAtK(labels.subarray(e * stride, (e + 1) * stride), gt, o.queries, o.k, o.train);
          const { seconds, distancesPerQuery, expandedPerQuery } = t;
          return { ef: t.ef, seconds, distancesPerQuery, expandedPerQuery, ...r };
        });
        const key = `${mode}/${s.id}`;
        rounds[key] = rounds[key] || [];
        rounds[key].push({
          loadSeconds: reply.loadSeconds,
          loadBytes: reply.loadBytes,
          maxRssBytes: reply.maxRssBytes,
          memoryBytes: reply.memoryBytes,
          perEf,
        });
        const summary = perEf.map((p) => `ef ${p.ef}: ${p.recall.toFixed(4)} @ ${Math.round(o.queries / p.seconds)}/s`);
        log(started, `${what}: ${summary.join(', ')}`);
      }
    }
  }
  // Keep the fastest round of each (mode, library, ef); the load figures are the smallest seen.
  const search = { single: {}, batch: {} };
  for (const [key, list] of Object.entries(rounds)) {
    const [mode, id] = key.split('/');
    search[mode][id] = {
      threads: mode === 'single' ? 1 : o.threads,
      loadSeconds: Math.min(...list.map((r) => r.loadSeconds)),
      loadBytes: Math.min(...list.map((r) => r.loadBytes)),
      maxRssBytes: Math.min(...list.map((r) => r.maxRssBytes)),
      ...(list[0].memoryBytes === undefined ? {} : { memoryBytes: list[0].memoryBytes }),
      points: o.efs.map((ef, e) => {
        const best = list.reduce((a, r) => (r.perEf[e].seconds < a.perEf[e].seconds ? r : a)).perEf[e];
        return {
          ef,
          recall: best.recall,
          qps: o.queries / best.seconds,
          seconds: best.seconds,
          roundSeconds: list.map((r) => r.perEf[e].seconds),
          roundRecalls: list.map((r) => r.perEf[e].recall),
          distancesPerQuery: best.distancesPerQuery,
          expandedPerQuery: best.expandedPerQuery,
          outOfRange: best.outOfRange,
          duplicates: best.duplicates,
          empty: best.empty,
        };
      }),
    };
  }
  return search;
}

/**
 * Memory of SHARING_PROCESSES processes that each open hnswkit's f32 file, search every query once (so every page
 * a search reaches is in) and then wait, measured from /proc/<pid>/smaps_rollup while all of them are alive: with
 * { mmap: true } and, for contrast, loaded. Pss divides each shared page among the processes that map it, so the
 * sum is what the group holds. Linux only (undefined elsewhere).
 */
async function runSharing(o, variant, work, started) {
  if (process.platform !== 'linux') return undefined;
  const v = data.VARIANTS[variant];
  const index = path.join(work, `${PRECISION_IDS.f32}.hnsw`);
  const result = { processes: SHARING_PROCESSES, fileBytes: fs.statSync(index).size };
  for (const mode of ['mapped', 'loaded']) {
    const args = {
      command: 'hold',
      library: 'hnswkit',
      space: v.space,
      dim: data.DIM,
      index,
      queries: data.vectorFile(variant, 'test'),
      queryCount: o.queries,
      k: o.k,
      ef: SHARING_EF,
      mmap: mode === 'mapped',
    };
    const children = Array.from({ length: SHARING_PROCESSES }, () =>
      spawn(process.execPath, [NODE_CASE, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const ready = children.map(
      (child) =>
        new Promise((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk) => {
            out += chunk;
            if (out.includes('\n')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`${variant}: a ${mode} sharing process exited with ${code}`)));
        }),
    );
    await Promise.all(ready);
    const kb = (pid, field) => {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    };
    result[mode] = {
      pssBytes: children.map((c) => kb(c.pid, 'Pss')),
      rssBytes: children.map((c) => kb(c.pid, 'Rss')),
      filePssBytes: children.map((c) => mappingPssBytes(c.pid, index)),
    };
    const exited = children.map((c) => new Promise((resolve) => c.on('exit', resolve)));
    for (const c of children) c.stdin.end();
    await Promise.all(exited);
    const sum = result[mode].pssBytes.reduce((a, b) => a + b, 0);
    log(started, `${variant}: ${SHARING_PROCESSES} processes searching the f32 file ${mode}: Pss ${(sum / 2 ** 20).toFixed(1)} MiB in all`);
  }
  return result;
}

/** The Pss of the mappings of `file` in process `pid` (/proc/<pid>/smaps), in bytes; 0 if it maps none. */
function mappingPssBytes(pid, file) {
  let total = 0;
  let inFile = false;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inFile = line.endsWith(` ${file}`);
    else if (inFile && line.startsWith('Pss:')) total += Number(/(\d+) kB/.exec(line)[1]) * 1024;
  }
  return total;
}

function readLabels(file, n) {
  const buf = fs.readFileSync(file);
  if (buf.length !== n * 4) throw new Error(`${file}: ${buf.length} bytes, expected ${n * 4}`);
  return new Int32Array(buf.buffer, buf.byteOffset, n);
}

/**
 * What makes the run fail: impossible answers from any library (labels that do not exist, a label twice in one
 * answer), empty result slots from hnswkit, hnswkit f32's recall more than RECALL_TOLERANCE below Python hnswlib's at
 * the same ef and mode (hnswkit's own build and hnswkit on Python's file), and an f16 or i8 index's recall more than
 * REDUCED_RECALL_FLOOR below hnswkit f32's. Speed never does, nor do the reduced-precision goals of bench/report.js.
 */
function checkResults(results) {
  const failures = [];
  const warnings = [];
  const reducedIds = new Set(Object.entries(PRECISION_IDS).filter(([p]) => p !== 'f32').map(([, id]) => id));
  for (const [variant, r] of Object.entries(results.variants)) {
    for (const [mode, byId] of Object.entries(r.search)) {
      const python = byId.python;
      const f32 = byId[PRECISION_IDS.f32];
      for (const [id, s] of Object.entries(byId)) {
        s.points.forEach((p, e) => {
          const where = `${variant}, ${mode}, ${id}, ef ${p.ef}`;
          if (p.outOfRange > 0 || p.duplicates > 0) {
            failures.push(`${where}: ${p.outOfRange} labels out of range, ${p.duplicates} repeated labels`);
          }
          if (p.empty > 0) (id.startsWith('hnswkit') ? failures : warnings).push(`${where}: ${p.empty} empty result slots`);
          const [reference, name, tolerance] = reducedIds.has(id)
            ? [f32, 'hnswkit f32', REDUCED_RECALL_FLOOR]
            : [id.startsWith('hnswkit') ? python : null, 'Python hnswlib', RECALL_TOLERANCE];
          if (!reference) return;
          const floor = reference.points[e].recall - tolerance;
          if (!(p.recall >= floor)) {
            failures.push(
              `${where}: recall@${results.params.k} ${p.recall.toFixed(4)} is more than ${tolerance} below ` +
                `${name}'s ${reference.points[e].recall.toFixed(4)}`,
            );
          }
        });
      }
    }
  }
  return { failures, warnings };
}

async function main() {
  const o = readOptions(process.argv.slice(2));
  const started = performance.now();
  const { hnswkit } = checkPrerequisites();
  const env = environment(o, hnswkit);
  console.log(
    `hnswkit ${env.versions.hnswkit} benchmark${o.ci ? ' (CI)' : ''}: Fashion-MNIST ${o.train} train / ${o.queries} ` +
      `queries, ${o.variants.join(' + ')}, M=${o.M}, efConstruction=${o.efConstruction}, k=${o.k}, ` +
      `ef ${o.efs.join('/')}, ${o.rounds} round${o.rounds > 1 ? 's' : ''}, hnswkit at ${o.precisions.join('/')}`,
  );
  console.log(
    `${env.cpu.model}, ${env.cpu.cores} cores, hnswkit kernels ${env.simd.hnswkit}; node ${env.versions.node}, ` +
      `Python ${env.versions.python}, hnswlib ${env.versions.hnswlib}, hnswlib-node ${env.versions.hnswlibNode}; ` +
      `load average ${env.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}`,
  );
  if (env.loadAverageAtStart[0] > 0.5) {
    console.log(`warning: the machine is busy (load average ${env.loadAverageAtStart[0].toFixed(2)}): timings will be noisy`);
  }
  if (!env.hnswkitApi.addItems || !env.hnswkitApi.searchKnnBatch) {
    console.log('hnswkit has no addItems/searchKnnBatch here: no multi-threaded hnswkit build, no hnswkit batch search');
  }

  const written = data.prepareVectors(o.variants);
  if (written.length > 0) log(started, `wrote the data files of ${written.join(', ')} to bench/cache/`);

  const results = {
    kind: o.ci ? 'ci' : 'full',
    command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    resultsFile: path.relative(ROOT, o.out),
    environment: env,
    params: {
      dataset: 'Fashion-MNIST (Debian dataset-fashion-mnist)',
      train: o.train,
      queries: o.queries,
      dim: data.DIM,
      k: o.k,
      M: o.M,
      efConstruction: o.efConstruction,
      seed: o.seed,
      efs: o.efs,
      rounds: o.rounds,
      threads: o.threads,
      recallTolerance: RECALL_TOLERANCE,
      precisions: o.precisions,
      reducedRecallFloor: REDUCED_RECALL_FLOOR,
    },
    variants: {},
  };

  const work = makeTempDir('work-', data.CACHE);
  try {
    for (const variant of o.variants) {
      const gtInfo = ensureGroundTruth(o, variant, started);
      const gt = data.readGroundTruth(gtInfo.file, gtInfo.queries, o.queries);
      const dir = path.join(work, variant);
      fs.mkdirSync(dir);
      const builds = runBuilds(o, env, variant, dir, started);
      const search = runSearches(o, env, variant, dir, gt, started);
      const sharing = o.precisions.includes('f32') ? await runSharing(o, variant, dir, started) : undefined;
      results.variants[variant] = {
        name: data.VARIANTS[variant].name,
        space: data.VARIANTS[variant].space,
        description: data.VARIANTS[variant].description,
        groundTruth: { cached: gtInfo.cached, seconds: gtInfo.seconds, depth: data.GT_DEPTH },
        builds,
        search,
        ...(sharing ? { sharing } : {}),
      };
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    removeTempDir(work);
  }

  results.environment.loadAverageAtEnd = os.loadavg();
  results.wallSeconds = (performance.now() - started) / 1000;
  const check = checkResults(results);
  results.check = { ...check, passed: check.failures.length === 0 };

  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  console.log('');
  console.log(report.renderConsole(results));
  console.log(`\nwrote ${path.relative(process.cwd(), o.out)} (${(results.wallSeconds / 60).toFixed(1)} min in all)`);
  if (o.docs) {
    for (const file of report.writeDocs(results, ROOT)) console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  for (const w of check.warnings) console.log(`warning: ${w}`);
  if (check.failures.length > 0) {
    for (const f of check.failures) console.log(`FAILED: ${f}`);
    process.exitCode = 1;
  } else {
    const reduced = o.precisions.some((p) => p !== 'f32') && o.precisions.includes('f32')
      ? `, f16/i8 recall within ${REDUCED_RECALL_FLOOR} of hnswkit f32's`
      : '';
    console.log(
      `passed: no broken results, hnswkit f32's recall within ${RECALL_TOLERANCE} of Python hnswlib's everywhere${reduced}`,
    );
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage()}`);
    process.exit(2);
  }
  if (err instanceof SetupError) {
    console.error(`benchmark not run: ${err.message}`);
    process.exit(1);
  }
  console.error(`benchmark broken: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
