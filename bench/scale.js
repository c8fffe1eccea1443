'use strict';
// hnswkit at one million vectors: Fashion-MNIST grown to N 784-d vectors (bench/scale-data.js), indexed on 2 threads
// by hnswkit at f32, f16 and i8 and by Python hnswlib, each file then loaded and searched in fresh processes, and
// hnswkit's files also opened memory-mapped where the package can.
//
//   npm run bench:scale                              the full run: 1,000,000 vectors, 1,000 queries; prints the report
//   npm run bench:scale -- --docs                    the same, and writes its section of docs/benchmark.md and
//                                                    docs/benchmark-scale.svg
//   node bench/scale.js --n 100000 --queries 200     a smaller run of the same steps
//   node bench/scale.js --help
//
// One case process runs at a time (bench/cases.js): the builds and searches of bench/case-node.js and
// bench/case_python.py, and the ground truth of bench/scale-data.js. The data and ground truth are cached in --cache;
// the index files live in a work directory there and each is deleted once searched. Results go to --out as JSON.
// The exit status is 1 for a broken run: a case failed, or a library returned labels that do not exist, a label twice
// in one answer, or (hnswkit) empty result slots. Recall and speed are reported, never judged.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const { makeTempDir, removeTempDir } = require('../test/helpers/tmp');
const cases = require('./cases');
const { readArgs, usageText } = require('./cli');
const data = require('./data');
const { recallQpsSvg } = require('./plot');
const report = require('./report');
const scaleData = require('./scale-data');

const { ROOT } = cases;
const DIM = data.DIM;
const SVG_NAME = 'benchmark-scale.svg';
const { fmtInt, fmtSeconds, fmtMiB, fmtGiB, markdownTable, textTable, wrap, plural } = report;
const DASH = '—';

const OPTIONS = {
  n: { value: 1000000, help: `vectors to index (at most ${fmtInt(scaleData.QUERY_START)})` },
  queries: { value: 1000, help: `held-out query vectors (at most ${fmtInt(scaleData.MAX_QUERIES)})` },
  ef: { value: '10,40,120,400', help: 'comma-separated search beam widths' },
  precisions: { value: 'f32,f16,i8', help: 'precisions hnswkit stores vectors at, each built and searched' },
  k: { value: 10, help: 'neighbours per query (recall@k)' },
  m: { value: 16, help: 'HNSW M' },
  'ef-construction': { value: 200, help: 'beam width while building' },
  seed: { value: 100, help: 'seed of the data noise and of the level generator' },
  threads: { value: 2, help: 'threads of the builds, the batch searches and the ground truth' },
  chunk: { value: 2048, help: 'base rows per brute-force pass of the ground truth (a few MB: stays in cache)' },
  cache: { value: path.join(os.tmpdir(), 'hnswkit-scale'), help: 'directory of the data, ground truth and index files' },
  timeout: { value: 10800, help: 'seconds one case may take before the run is called broken' },
  out: { value: '', help: 'results file (default bench/results/scale.json)' },
  rounds: { value: 2, help: 'search processes per file and mode; the fastest time at each ef is kept' },
  report: { value: '', help: 'run nothing: print (and with --docs, write) the report of this results file' },
};
const FLAGS = {
  'no-python': 'leave Python hnswlib out',
  docs: `also write the report into docs/benchmark.md (its own section) and docs/${SVG_NAME}`,
};
/** The hnswkit columns by precision, then Python hnswlib; colours as in docs/benchmark.svg. */
const LIBS = {
  f32: { id: 'hnswkit', name: 'hnswkit f32', runtime: 'node', library: 'hnswkit', precision: 'f32' },
  f16: { id: 'hnswkit-f16', name: 'hnswkit f16', runtime: 'node', library: 'hnswkit', precision: 'f16' },
  i8: { id: 'hnswkit-i8', name: 'hnswkit i8', runtime: 'node', library: 'hnswkit', precision: 'i8' },
  python: { id: 'python', name: 'Python hnswlib', runtime: 'python', library: 'python', precision: 'f32' },
};
const COLORS = Object.fromEntries(report.LIBRARIES.map((l) => [l.id, l.color]));

function usage() {
  return usageText('node bench/scale.js', { options: OPTIONS, flags: FLAGS }, 17);
}

class UsageError extends Error {}

function readOptions(argv) {
  let values;
  try {
    values = readArgs(argv, { options: OPTIONS, flags: FLAGS }, usage());
  } catch (err) {
    throw new UsageError(err.message);
  }
  const raw = {};
  for (const [name, o] of Object.entries(OPTIONS)) raw[name] = values[name] !== undefined ? values[name] : o.value;
  const o = { docs: values.docs === true, python: values['no-python'] !== true };
  const ints = ['n', 'queries', 'k', 'm', 'ef-construction', 'seed', 'threads', 'chunk', 'timeout', 'rounds'];
  for (const name of ints) {
    const x = Number(raw[name]);
    if (!Number.isInteger(x) || x < (name === 'seed' ? 0 : 1)) {
      throw new UsageError(`--${name} takes a ${name === 'seed' ? 'non-negative' : 'positive'} integer, got ${raw[name]}`);
    }
    o[{ 'ef-construction': 'efConstruction', m: 'M' }[name] || name] = x;
  }
  if (o.n > scaleData.QUERY_START || o.n < data.GT_DEPTH) {
    throw new UsageError(`--n is between ${data.GT_DEPTH} and ${scaleData.QUERY_START}, got ${o.n}`);
  }
  if (o.queries > scaleData.MAX_QUERIES) throw new UsageError(`--queries is at most ${scaleData.MAX_QUERIES}`);
  if (o.k > data.GT_DEPTH) throw new UsageError(`--k is at most ${data.GT_DEPTH}, got ${o.k}`);
  if (o.chunk < data.GT_DEPTH) throw new UsageError(`--chunk is at least ${data.GT_DEPTH}, got ${o.chunk}`);
  o.efs = [...new Set(String(raw.ef).split(',').map(Number))].sort((a, b) => a - b);
  if (o.efs.some((x) => !Number.isInteger(x) || x < 1)) throw new UsageError(`--ef takes positive integers, got ${raw.ef}`);
  o.precisions = [...new Set(String(raw.precisions).split(',').filter(Boolean))];
  for (const p of o.precisions) if (!['f32', 'f16', 'i8'].includes(p)) throw new UsageError(`unknown precision ${p}`);
  o.cache = path.resolve(raw.cache);
  o.out = raw.out ? path.resolve(raw.out) : path.join(__dirname, 'results', 'scale.json');
  o.report = raw.report ? path.resolve(raw.report) : '';
  return o;
}

// ---- memory -------------------------------------------------------------------------------------------------------

/** Bytes of one stored vector at a precision, l2 space (docs/api.md, Precision): padded to a multiple of 4. */
function vectorBytes(precision, dim) {
  const pad4 = (x) => Math.ceil(x / 4) * 4;
  if (precision === 'f16') return pad4(2 * dim);
  if (precision === 'i8') return pad4(dim + 16);
  return 4 * dim;
}

/**
 * Bytes per element docs/resources.md predicts for an HNSW index: the level-0 record (link count and flags, 2M
 * links, the vector, the label), the upper levels on average, the per-slot level and pointer, and ~50 bytes of label
 * map and allocator overhead. With the f32 vector it is the same layout as hnswlib's.
 */
function predictedBytesPerElement(precision, dim, M) {
  const record = 4 + 8 * M + vectorBytes(precision, dim) + 8;
  return record + (4 + 4 * M) / (M - 1) + 12 + 50;
}

// ---- the run ------------------------------------------------------------------------------------------------------

function log(started, message) {
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
}

function checkPrerequisites(o) {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build:ts` (or `sh scripts/setup.sh`) first');
  }
  const hnswkit = require(ROOT);
  if (o.python) cases.runPython('python info', { command: 'info' }, { timeout: 60 });
  return hnswkit;
}

function ensureGroundTruth(o, files, started) {
  const rowBytes = data.GT_DEPTH * 12;
  const stem = path.basename(scaleData.groundTruthFile(o.cache, o.seed, o.n, 0)).split('-queries0-')[0];
  const cached = scaleData.findCached(o.cache, `${stem}-queries`, `-gt${data.GT_DEPTH}.bin`, o.queries, rowBytes);
  if (cached) return { file: cached.file, queries: cached.count, cached: true };
  const file = scaleData.groundTruthFile(o.cache, o.seed, o.n, o.queries);
  log(started, `exact top-${data.GT_DEPTH} of ${o.queries} queries over ${fmtInt(o.n)} vectors (BruteforceSearch)`);
  const reply = cases.runNode(
    'ground truth',
    {
      command: 'groundtruth',
      base: files.base,
      queries: files.queries,
      n: o.n,
      queryCount: o.queries,
      dim: DIM,
      depth: data.GT_DEPTH,
      k: o.k,
      threads: o.threads,
      chunk: o.chunk,
      check: 5,
      out: file,
    },
    { timeout: o.timeout },
    path.join(__dirname, 'scale-data.js'),
  );
  const bad = reply.check.filter((c) => c.sameIds < o.k && c.maxRelativeDistanceError > 1e-5);
  if (bad.length > 0) throw new Error(`ground truth disagrees with the plain loop: ${JSON.stringify(bad)}`);
  return { file, queries: o.queries, cached: false, ...reply };
}

function readLabels(file, n) {
  const buf = fs.readFileSync(file);
  if (buf.length !== n * 4) throw new Error(`${file}: ${buf.length} bytes, expected ${n * 4}`);
  return new Int32Array(buf.buffer, buf.byteOffset, n);
}

function runOne(o, lib, what, args) {
  const options = { timeout: o.timeout };
  return lib.runtime === 'python' ? cases.runPython(what, args, options) : cases.runNode(what, args, options);
}

function build(o, lib, files, work, started) {
  const out = path.join(work, `${lib.id}.${lib.runtime === 'python' ? 'bin' : 'hnsw'}`);
  const what = `build ${lib.name}, ${plural(o.threads, 'thread')}`;
  log(started, `${what} ...`);
  const reply = runOne(o, lib, what, {
    command: 'build',
    library: lib.library,
    precision: lib.runtime === 'node' ? lib.precision : undefined,
    space: 'l2',
    dim: DIM,
    train: files.base,
    count: o.n,
    M: o.M,
    efConstruction: o.efConstruction,
    seed: o.seed,
    threads: o.threads,
    out,
  });
  if (reply.count !== o.n) throw new Error(`${what}: the index holds ${reply.count} elements, expected ${o.n}`);
  const predicted = predictedBytesPerElement(lib.precision, DIM, o.M);
  const measured = reply.indexBytes / o.n;
  log(
    started,
    `${what}: ${fmtSeconds(reply.seconds)}, peak RSS ${fmtSize(reply.maxRssBytes)}, ${measured.toFixed(1)} bytes per ` +
      `element (predicted ${predicted.toFixed(1)}, ×${(measured / predicted).toFixed(3)}), file ${fmtMiB(reply.fileBytes)}`,
  );
  return { file: out, result: { ...reply, predictedBytesPerElement: predicted, bytesPerElement: measured } };
}

/**
 * Whether this hnswkit opens an index file of `precision` memory-mapped: a small index is saved and opened with
 * `readIndexSync(file, { mmap: true })`, which must succeed and report the mapping (`getStats().mappedBytes`, the
 * file's size). `{ supported: true }`, or `{ supported: false, error }` with what went wrong.
 */
function mmapSupport(hnswkit, precision, dir) {
  const file = path.join(dir, `mmap-probe-${precision}.hnsw`);
  try {
    const index = new hnswkit.HierarchicalNSW('l2', 4, { precision });
    index.initIndex(2);
    index.addPoint([0, 0, 0, 1], 0);
    index.addPoint([1, 0, 0, 0], 1);
    index.writeIndexSync(file);
    const mapped = new hnswkit.HierarchicalNSW('l2', 4);
    try {
      mapped.readIndexSync(file, { mmap: true });
    } catch (err) {
      return { supported: false, error: `it threw "${String(err && err.message).split('\n')[0]}"` };
    }
    if (!(mapped.getStats().mappedBytes > 0)) {
      return { supported: false, error: 'it read the file instead (getStats().mappedBytes is not above 0)' };
    }
    return { supported: true };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** One search process over a saved file (memory-mapped with `mmap`): recall@k and queries/s at each ef. */
function search(o, lib, file, files, gt, work, mode, mmap, started) {
  const labelsFile = path.join(work, `labels-${lib.id}-${mode}${mmap ? '-mmap' : ''}.i32`);
  const what = `${mode} search ${lib.name}${mmap ? ', memory-mapped' : ''}`;
  const reply = runOne(o, lib, what, {
    command: 'search',
    mode,
    library: lib.library,
    precision: lib.runtime === 'node' ? lib.precision : undefined,
    space: 'l2',
    dim: DIM,
    index: file,
    queries: files.queries,
    queryCount: o.queries,
    k: o.k,
    efs: o.efs,
    threads: mode === 'single' ? 1 : o.threads,
    mmap: mmap || undefined,
    out: labelsFile,
  });
  const stride = o.queries * o.k;
  const labels = readLabels(labelsFile, o.efs.length * stride);
  fs.rmSync(labelsFile);
  const points = reply.timings.map((t, e) => {
    if (t.ef !== o.efs[e]) throw new Error(`${what}: timings out of order`);
    const r = data.recallAtK(labels.subarray(e * stride, (e + 1) * stride), gt, o.queries, o.k, o.n);
    return { ef: t.ef, seconds: t.seconds, qps: o.queries / t.seconds, ...r };
  });
  const summary = points.map((p) => `ef ${p.ef}: ${p.recall.toFixed(4)} @ ${fmtInt(p.qps)}/s`).join(', ');
  log(started, `${what}: load ${fmtSeconds(reply.loadSeconds)}; ${summary}`);
  return {
    supported: true,
    threads: mode === 'single' ? 1 : o.threads,
    loadSeconds: reply.loadSeconds,
    loadBytes: reply.loadBytes,
    maxRssBytes: reply.maxRssBytes,
    memoryBytes: reply.memoryBytes,
    points,
  };
}

/**
 * The rounds of one search as one: at each ef the fastest round's time (and its recall, the same in every round of a
 * deterministic search), the smallest load time and RSS figures; the times of every round are kept.
 */
function fastest(rounds) {
  const min = (key) => Math.min(...rounds.map((r) => r[key]));
  return {
    ...rounds[0],
    loadSeconds: min('loadSeconds'),
    loadBytes: min('loadBytes'),
    maxRssBytes: min('maxRssBytes'),
    points: rounds[0].points.map((_, e) => {
      const best = rounds.reduce((a, r) => (r.points[e].seconds < a.points[e].seconds ? r : a)).points[e];
      return { ...best, roundSeconds: rounds.map((r) => r.points[e].seconds) };
    }),
  };
}

function checkResults(results) {
  const failures = [];
  for (const [id, lib] of Object.entries(results.libraries)) {
    for (const [key, s] of Object.entries(lib.search)) {
      if (!s.supported) continue;
      for (const p of s.points) {
        const where = `${id}, ${key}, ef ${p.ef}`;
        if (p.outOfRange > 0 || p.duplicates > 0) {
          failures.push(`${where}: ${p.outOfRange} labels out of range, ${p.duplicates} repeated labels`);
        }
        if (p.empty > 0 && id.startsWith('hnswkit')) failures.push(`${where}: ${p.empty} empty result slots`);
      }
    }
  }
  return failures;
}

async function main() {
  const o = readOptions(process.argv.slice(2));
  if (o.report) {
    // Only the report, from a results file of an earlier run.
    const results = JSON.parse(fs.readFileSync(o.report, 'utf8'));
    console.log(renderConsole(results));
    finish(o, results);
    return;
  }
  const started = performance.now();
  const hnswkit = checkPrerequisites(o);
  const plan = [...o.precisions.map((p) => LIBS[p]), ...(o.python ? [LIBS.python] : [])];
  console.log(
    `hnswkit ${hnswkit.version} at scale: ${fmtInt(o.n)} vectors of ${DIM} floats, ${fmtInt(o.queries)} queries, ` +
      `M=${o.M}, efConstruction=${o.efConstruction}, ${plural(o.threads, 'thread')}, k=${o.k}, ef ${o.efs.join('/')}; ` +
      `${plan.map((l) => l.name).join(', ')}; cache ${o.cache}`,
  );
  const loadAverageAtStart = os.loadavg();
  if (loadAverageAtStart[0] > 0.5) {
    console.log(`warning: the machine is busy (load average ${loadAverageAtStart[0].toFixed(2)}): timings will be noisy`);
  }

  const t0 = performance.now();
  const files = scaleData.prepare(o.cache, { n: o.n, queries: o.queries, seed: o.seed });
  for (const w of files.written) log(started, `wrote ${fmtInt(w.rows)} vectors to ${w.file} (${fmtSeconds(w.seconds)})`);
  const dataSeconds = files.written.length > 0 ? (performance.now() - t0) / 1000 : null;
  const gtInfo = ensureGroundTruth(o, files, started);
  if (!gtInfo.cached) {
    const checks = gtInfo.check.map((c) => `${c.sameIds}/${o.k}`).join(', ');
    log(started, `ground truth: ${fmtSeconds(gtInfo.seconds)}; plain-loop check of ${gtInfo.check.length} queries: ${checks}`);
  }
  const gt = data.readGroundTruth(gtInfo.file, gtInfo.queries, o.queries);

  const results = {
    command: `node bench/scale.js ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    environment: {
      cpu: os.cpus()[0] ? os.cpus()[0].model.trim() : 'unknown',
      cores: os.availableParallelism(),
      memoryBytes: os.totalmem(),
      node: process.version,
      hnswkit: hnswkit.version,
      simd: hnswkit.simdLevel(),
      loadAverageAtStart,
    },
    params: {
      n: o.n,
      queries: o.queries,
      dim: DIM,
      k: o.k,
      M: o.M,
      efConstruction: o.efConstruction,
      seed: o.seed,
      efs: o.efs,
      threads: o.threads,
      rounds: o.rounds,
      noise: scaleData.NOISE,
      dataBytes: o.n * DIM * 4,
    },
    data: { seconds: dataSeconds, cached: dataSeconds === null },
    groundTruth: {
      cached: gtInfo.cached,
      seconds: gtInfo.seconds,
      maxRssBytes: gtInfo.maxRssBytes,
      check: gtInfo.check,
      chunk: gtInfo.chunk,
    },
    libraries: {},
  };

  const work = makeTempDir('work-', o.cache);
  try {
    for (const lib of plan) {
      const built = build(o, lib, files, work, started);
      const entry = { name: lib.name, precision: lib.precision, build: built.result, search: {} };
      results.libraries[lib.id] = entry;
      const mapped = lib.runtime === 'node' ? mmapSupport(hnswkit, lib.precision, work) : null;
      if (mapped && !mapped.supported) {
        log(started, `${lib.name}: no memory-mapped opening here: ${mapped.error}`);
        entry.search['single-mmap'] = mapped;
      }
      for (const mmap of mapped && mapped.supported ? [false, true] : [false]) {
        for (const mode of ['single', 'batch']) {
          const rounds = [];
          for (let round = 0; round < o.rounds; round++) {
            rounds.push(search(o, lib, built.file, files, gt, work, mode, mmap, started));
          }
          entry.search[mmap ? `${mode}-mmap` : mode] = fastest(rounds);
        }
      }
      fs.rmSync(built.file);
    }
  } finally {
    removeTempDir(work);
  }

  results.environment.loadAverageAtEnd = os.loadavg();
  results.wallSeconds = (performance.now() - started) / 1000;
  results.maxRssBytes = {
    runner: process.resourceUsage().maxRSS * 1024,
    cases: Math.max(
      gtInfo.maxRssBytes || 0,
      ...Object.values(results.libraries).flatMap((l) => [
        l.build.maxRssBytes,
        ...Object.values(l.search).map((s) => s.maxRssBytes || 0),
      ]),
    ),
  };
  results.failures = checkResults(results);
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  console.log('');
  console.log(renderConsole(results));
  console.log(`\nwrote ${path.relative(process.cwd(), o.out)} (${(results.wallSeconds / 60).toFixed(1)} min in all)`);
  finish(o, results);
}

/** Writes the documents with --docs, and reports what makes the run broken. */
function finish(o, results) {
  const failures = results.failures;
  if (o.docs) {
    const md = path.join(ROOT, 'docs', 'benchmark.md');
    report.writeMarkedSection(md, report.SCALE_START, report.SCALE_END, renderSection(results));
    const svg = path.join(ROOT, 'docs', SVG_NAME);
    fs.writeFileSync(svg, renderSvg(results));
    console.log(`wrote ${path.relative(process.cwd(), md)} and ${path.relative(process.cwd(), svg)}`);
  }
  if (failures.length > 0) {
    for (const f of failures) console.log(`FAILED: ${f}`);
    process.exitCode = 1;
  }
}

// ---- report -------------------------------------------------------------------------------------------------------

/** GiB from 1 GiB up, MiB below. */
function fmtSize(bytes) {
  return bytes >= 1 << 30 ? fmtGiB(bytes) : fmtMiB(bytes);
}

function fmtRatio3(x) {
  return Number.isFinite(x) ? `${x.toFixed(3)}×` : DASH;
}

function buildTable(results) {
  const header = [
    'library',
    `build, ${plural(results.params.threads, 'thread')}`,
    'peak RSS of the build process',
    'RSS growth per element',
    'predicted per element (resources.md)',
    'measured ÷ predicted',
    'getStats().memoryBytes per element',
    'file size',
    'save time',
  ];
  const rows = Object.values(results.libraries).map((l) => {
    const b = l.build;
    return [
      l.name,
      fmtSeconds(b.seconds),
      fmtSize(b.maxRssBytes),
      `${b.bytesPerElement.toFixed(1)} B`,
      `${b.predictedBytesPerElement.toFixed(1)} B`,
      fmtRatio3(b.bytesPerElement / b.predictedBytesPerElement),
      b.memoryBytes == null ? DASH : `${(b.memoryBytes / results.params.n).toFixed(1)} B`,
      fmtMiB(b.fileBytes),
      b.saveSeconds == null ? DASH : fmtSeconds(b.saveSeconds),
    ];
  });
  return { header, rows };
}

function loadTable(results) {
  const header = [
    'library',
    'load time',
    'RSS growth on load',
    'peak RSS of the search process',
    'open memory-mapped',
    'RSS growth on mapping',
  ];
  const rows = Object.values(results.libraries).map((l) => {
    const s = l.search.single;
    const m = l.search['single-mmap'];
    const mapped = !m ? [DASH, DASH] : m.supported ? [fmtSeconds(m.loadSeconds), fmtMiB(m.loadBytes)] : ['n/a', 'n/a'];
    return [l.name, fmtSeconds(s.loadSeconds), fmtMiB(s.loadBytes), fmtSize(s.maxRssBytes), ...mapped];
  });
  return { header, rows };
}

function searchTable(results) {
  const t = results.params.threads;
  const header = [
    'library',
    'ef',
    `recall@${results.params.k}`,
    'queries/s, 1 per call',
    `queries/s, batch, ${plural(t, 'thread')}`,
    'mapped: recall',
    'mapped: queries/s, 1 per call',
    `mapped: queries/s, batch`,
  ];
  const rows = [];
  for (const l of Object.values(results.libraries)) {
    const { single, batch } = l.search;
    const ms = l.search['single-mmap'];
    const mb = l.search['batch-mmap'];
    single.points.forEach((p, e) => {
      const b = batch && batch.points[e];
      const mapped = !ms
        ? [DASH, DASH, DASH]
        : !ms.supported
          ? ['n/a', 'n/a', 'n/a']
          : [
              ms.points[e].recall.toFixed(4),
              fmtInt(ms.points[e].qps),
              mb && mb.supported ? fmtInt(mb.points[e].qps) : 'n/a',
            ];
      rows.push([l.name, String(p.ef), p.recall.toFixed(4), fmtInt(p.qps), b ? fmtInt(b.qps) : DASH, ...mapped]);
    });
  }
  return { header, rows };
}

/** Why the memory-mapped columns say n/a: the error of the first file that could not be mapped; null if none. */
function mmapUnsupported(results) {
  for (const l of Object.values(results.libraries)) {
    const m = l.search['single-mmap'];
    if (m && !m.supported) {
      return `n/a: this hnswkit cannot open a file memory-mapped: asked to open a small ${l.precision} index with ` +
        `\`readIndexSync(file, { mmap: true })\`, ${m.error}.`;
    }
  }
  return null;
}

function renderConsole(results) {
  const short = (h) =>
    h
      .replace('peak RSS of the build process', 'peak RSS')
      .replace('predicted per element (resources.md)', 'predicted')
      .replace('getStats().memoryBytes per element', 'memoryBytes/elt')
      .replace('peak RSS of the search process', 'search peak RSS')
      .replace('RSS growth per element', 'RSS/element');
  const p = results.params;
  const out = [`== ${fmtInt(p.n)} vectors, ${fmtInt(p.queries)} queries, M=${p.M}, efConstruction=${p.efConstruction} ==`];
  const b = buildTable(results);
  out.push(textTable(b.header.map(short), b.rows), '');
  const l = loadTable(results);
  out.push(textTable(l.header.map(short), l.rows), '');
  const why = mmapUnsupported(results);
  if (why) out.push(why, '');
  const s = searchTable(results);
  out.push(textTable(s.header, s.rows), '');
  const g = results.groundTruth;
  if (g.check) {
    const agree = g.check.map((c) => `${c.sameIds}/${p.k}`).join(', ');
    out.push(`ground truth: plain float64 loop on ${g.check.length} queries agrees on ${agree} ids`);
  }
  out.push(
    `peak RSS: largest case ${fmtSize(results.maxRssBytes.cases)}, this runner ${fmtMiB(results.maxRssBytes.runner)}`,
  );
  return out.join('\n');
}

function renderSvg(results) {
  const p = results.params;
  const series = [];
  const modes = [
    ['single', '', false, 'one query per call'],
    ['batch', '6 4', true, `batch, ${plural(p.threads, 'thread')}`],
    ['single-mmap', '2 3', false, 'memory-mapped, one query per call'],
  ];
  for (const [id, l] of Object.entries(results.libraries)) {
    for (const [mode, dash, open, label] of modes) {
      const s = l.search[mode];
      if (!s || !s.supported) continue;
      series.push({
        name: `${l.name}, ${label}`,
        color: COLORS[id] || '#333333',
        dash,
        open,
        points: s.points.map((x) => ({ recall: x.recall, qps: x.qps, label: `ef=${x.ef}` })),
      });
    }
  }
  return recallQpsSvg({
    title: `Fashion-MNIST grown to ${fmtInt(p.n)} vectors (784-d, l2)`,
    subtitle: `${fmtInt(p.queries)} held-out queries, M=${p.M}, efConstruction=${p.efConstruction}, ef ${p.efs.join(', ')}`,
    xLabel: `recall@${p.k}`,
    series,
  });
}

/**
 * Wraps Markdown prose at `width` as report.js's wrap does, but never inside a code span and never so that a line
 * starts with a list or block marker (`+`, `-`, `*`, `>`, `#`, `1.`), which would change what the text means.
 */
function wrapMarkdown(text, width = 120) {
  const units = [];
  let open = false;
  for (const word of text.split(' ')) {
    if (open) units[units.length - 1] += ` ${word}`;
    else units.push(word);
    if ((word.match(/`/g) || []).length % 2 === 1) open = !open;
  }
  const lines = [];
  let line = '';
  for (const unit of units) {
    const startsBlock = /^([-+*>#]|\d+[.)])$/.test(unit);
    if (line && line.length + 1 + unit.length > width && !startsBlock) {
      lines.push(line);
      line = unit;
    } else {
      line = line ? `${line} ${unit}` : unit;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** How the section's figures are made; the same text heads the section with and without results. */
function methodMarkdown(results) {
  const lines = [];
  lines.push('## At scale: one million vectors', '');
  lines.push(
    wrapMarkdown(
      '`npm run bench:scale` (`node bench/scale.js`; `npm run bench:scale -- --docs` writes this section and ' +
        `\`docs/${SVG_NAME}\`) runs hnswkit at f32, f16 and i8 and Python hnswlib at f32 on one million ` +
        '784-dimensional vectors, far beyond the 60,000 rows above, where index memory and the page cache matter. ' +
        'Options make it smaller (`--n 100000 --queries 200`); see `node bench/scale.js --help`.',
    ),
    '',
  );
  const items = [
    "**Data.** `bench/scale-data.js` grows Fashion-MNIST's 70,000 images (train and test) into N vectors " +
      '(default 1,000,000): element i is image i mod 70,000 shifted by one of the 25 offsets of −2..2 pixels in x ' +
      'and y, offset number (image + floor(i / 70,000)) mod 25, so the first 1,750,000 elements would hold every ' +
      `image at every offset once; then noise uniform in ±${scaleData.NOISE} (pixels are 0..255) is added to every ` +
      'value, from a PRNG (mulberry32) seeded by `--seed` and the element number. The queries (default 1,000) are ' +
      'further elements of the same sequence, at offsets that no base set of up to 1,050,000 vectors holds: made ' +
      'the same way, never inserted. The vectors are written once to a raw float32 file in `--cache` (default ' +
      '`$TMPDIR/hnswkit-scale`; 3.1 GB at one million), which every case process reads (Python with ' +
      '`numpy.fromfile`); a smaller run reads the first rows of a larger cached file.',
    "**Ground truth.** The exact top 100 of every query by squared L2, with hnswkit's own `BruteforceSearch` and " +
      '`searchKnnBatchSync` on the same threads as the builds, over 2,048 base rows at a time (6 MB, which stay ' +
      'in the processor caches while every query passes over them; the lists are merged by distance, then label), ' +
      'so the process never holds the whole set. Five queries are checked against a plain float64 ' +
      'loop over every row: the same ten ids, or distances within float32 rounding. Cached in `--cache`.',
    '**Builds.** One process each, one after another, on 2 threads: hnswkit `addItems(vectors, undefined, ' +
      '{ numThreads: 2 })` with `{ precision }` given to the constructor, Python `add_items(data, labels, ' +
      'num_threads=2)`, both with M 16 and efConstruction 200 as above, then saved. Reported: the build time; the ' +
      'peak RSS of the process, which includes the data (3.1 GB at one million, loaded once); the RSS growth per ' +
      'element from just before the index is created to just after the last insert, against the prediction of ' +
      '[resources.md](resources.md), `4 + 8M + vector + 8 + (4 + 4M)/(M − 1) + 12 + 50` bytes with the vector at ' +
      "4·dim bytes for f32, 2·dim for f16 and dim + 16 for i8 (Python hnswlib's record has the f32 layout, its " +
      "other per-element costs are its own); hnswkit's `getStats().memoryBytes`; and the file size.",
    '**Searches.** Each saved file is loaded in a fresh process (load time, RSS growth; the file was just written, ' +
      'so it is read from the page cache when the machine has the memory to keep it) and searched for every ' +
      'query at each ef, one query per call on one thread and in one batch call on 2 threads, with 200 untimed ' +
      'warm-up queries first, as in the runs above. Each search runs in `--rounds` processes (default 2) and the ' +
      "fastest time at each ef is kept. Recall@10 counts ties with the 10th distance as hits. hnswkit's " +
      'files are also opened memory-mapped (`readIndexSync(file, { mmap: true })`) in processes of their own and ' +
      'searched the same way, where the installed hnswkit maps files: a small index of the same precision is ' +
      'opened that way first and must report the mapping (`getStats().mappedBytes`); otherwise the tables say n/a.',
    '**Cost.** By the formula above, at one million vectors an f32 index takes about 3.3 GB in memory and on disk ' +
      '(f16 about 1.8 GB, i8 about 1.0 GB). One case process runs at a time and each index file is deleted once ' +
      'searched, so the largest process holds the data and one index, about 6.5 GB, and the disk needs the data ' +
      'and one index file.',
  ];
  for (const item of items) lines.push(wrapMarkdown(`- ${item}`, 118).replace(/\n/g, '\n  '));
  lines.push('');
  if (!results) {
    lines.push(wrapMarkdown('No results here yet: `npm run bench:scale -- --docs` writes them, at the full size.'));
  }
  return lines.join('\n');
}

function renderSection(results) {
  const p = results.params;
  const e = results.environment;
  const lines = [methodMarkdown(results)];
  const right = (t) => t.header.map((_, i) => (i === 0 ? 'left' : 'right'));
  lines.push(
    wrap(
      `Generated by \`${results.command}\` on ${results.date.slice(0, 10)} in ${(results.wallSeconds / 60).toFixed(0)} ` +
        `minutes: ${fmtInt(p.n)} vectors, ${fmtInt(p.queries)} queries; ${e.cpu}, ${plural(e.cores, 'core')}, ` +
        `${fmtGiB(e.memoryBytes)}; hnswkit ${e.hnswkit} (kernels \`${e.simd}\`), Node.js ${e.node}; load average ` +
        `${e.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at the start, ` +
        `${e.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} at the end.`,
    ),
    '',
    `![queries per second against recall at ${fmtInt(p.n)} vectors](${SVG_NAME})`,
    '',
    '### Build and memory',
    '',
  );
  const b = buildTable(results);
  lines.push(markdownTable(b.header, b.rows, right(b)), '');
  lines.push('### Loading', '');
  const l = loadTable(results);
  lines.push(markdownTable(l.header, l.rows, right(l)), '');
  const why = mmapUnsupported(results);
  if (why) lines.push(wrapMarkdown(why), '');
  lines.push('### Search', '');
  const s = searchTable(results);
  lines.push(markdownTable(s.header, s.rows, right(s)), '');
  const g = results.groundTruth;
  const gtText = g.cached
    ? 'The ground truth came from the cache.'
    : `The ground truth took ${fmtSeconds(g.seconds)}; the plain loop agreed on ` +
      `${g.check.map((c) => `${c.sameIds}/${p.k}`).join(', ')} ids of its ${g.check.length} queries.`;
  lines.push(
    wrap(
      `${gtText} The largest case process peaked at ${fmtSize(results.maxRssBytes.cases)} of RSS, the runner at ` +
        `${fmtMiB(results.maxRssBytes.runner)}.`,
    ),
  );
  return lines.join('\n');
}

module.exports = { methodMarkdown, renderSection, renderSvg, predictedBytesPerElement };

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage()}`);
      process.exit(2);
    }
    console.error(`scale benchmark broken: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
