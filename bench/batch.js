'use strict';
// Batch / async figures on Fashion-MNIST (M=16, efConstruction=200): build time with 1 and 2 threads,
// batch search throughput with 1 and 2 threads and its recall@10 against exact ground truth, and the longest
// event-loop stall a 10 ms setInterval sees during an asynchronous build. Figures, not assertions.
//
//   node bench/batch.js                          60000 train rows, 10000 queries (the full figures)
//   node bench/batch.js --train 10000 --queries 1000
//   node bench/batch.js --scaling                only batch search: 2 threads over 1, mapped over loaded, at ef 10/40/120
//   node bench/batch.js --scaling --docs         the same, written into docs/benchmark.md
//   node bench/batch.js --help
//
// Each measured case runs in its own child process (`node bench/batch.js --case ...`), so no case warms another.
// Exact ground truth is computed once per size with BruteforceSearch#searchKnnBatch on all cores and cached in
// bench/cache/; the built indexes go there too. The summary is printed and written to bench/results/batch.json.
// Needs the built package (`npm run build:ts`) and the addon (`npm run build` or a prebuild).

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay, performance } = require('perf_hooks');
const { readArgs, usageText } = require('./cli');
const { FASHION_MNIST_MISSING, hasFashionMnist, loadFashionMnist } = require('./fashion-mnist');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(__dirname, 'cache');
const RESULTS = path.join(__dirname, 'results');

const OPTIONS = {
  train: { value: 60000, help: 'training images to index (at most 60000)' },
  queries: { value: 10000, help: 'test images to query (at most 10000)' },
  k: { value: 10, help: 'neighbours per query' },
  ef: { value: 50, help: 'search beam width' },
  m: { value: 16, help: 'HNSW M' },
  'ef-construction': { value: 200, help: 'beam width while building' },
  seed: { value: 100, help: 'random seed of the level generator' },
  repeats: { value: 3, help: 'timed batch searches per thread count (the best is reported)' },
  efs: { value: '10,40,120', help: 'with --scaling: the beam widths to measure' },
  rounds: { value: 5, help: 'with --scaling: child-process pairs (1 thread, 2 threads) per ef' },
};

const FLAGS = {
  scaling: 'measure only batch search on 2 threads against 1, and over the file mapped, per ef, over several rounds',
  docs: 'with --scaling: also write the table into docs/benchmark.md (its batch-scaling section)',
};

const TARGETS = { buildSpeedup: 1.7, searchSpeedup: 1.8, stallMs: 20 };
const TIMER_MS = 10;

function usage() {
  return usageText('node bench/batch.js', { options: OPTIONS, flags: FLAGS }, 16);
}

/** Reads the options; `--case`, `--threads` and `--index` are for the child processes. */
function readOptions(argv) {
  let values;
  try {
    values = readArgs(argv, { options: OPTIONS, flags: FLAGS, internal: ['case', 'threads', 'index', 'mapped'] }, usage());
  } catch (err) {
    throw new Error(`${err.message}\n${usage()}`, { cause: err });
  }
  const opts = {};
  for (const name of ['case', 'threads', 'index', 'mapped']) if (values[name] !== undefined) opts[name] = values[name];
  opts.scaling = values.scaling === true;
  opts.docs = values.docs === true;
  if (opts.docs && !opts.scaling) throw new Error(`--docs goes with --scaling\n${usage()}`);
  opts.efs = (values.efs ?? OPTIONS.efs.value).split(',').map((text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--efs must list positive integers, got ${values.efs}`);
    return n;
  });
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (name === 'efs') continue;
    if (values[name] === undefined) {
      opts[name] = o.value;
      continue;
    }
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${values[name]}`);
    opts[name] = n;
  }
  opts.train = Math.min(opts.train, 60000);
  opts.queries = Math.min(opts.queries, 10000);
  return opts;
}

function loadPackage() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build:ts` first');
  }
  return require(ROOT);
}

// ---- files in bench/cache -------------------------------------------------------------------------------------

function groundTruthFile(o) {
  return path.join(CACHE, `gt-l2-train${o.train}-queries${o.queries}-k${o.k}.bin`);
}

function indexFile(o, threads) {
  return path.join(CACHE, `hnsw-l2-train${o.train}-m${o.m}-efc${o['ef-construction']}-seed${o.seed}-threads${threads}.bin`);
}

/** Ground truth on disk: queries*k int32 labels, then queries*k float32 distances. */
function writeGroundTruth(file, labels, distances) {
  const buf = Buffer.alloc(labels.length * 8);
  for (let i = 0; i < labels.length; i++) {
    buf.writeInt32LE(labels[i], i * 4);
    buf.writeFloatLE(distances[i], labels.length * 4 + i * 4);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, buf);
  fs.renameSync(`${file}.tmp`, file);
}

function readGroundTruth(file, n) {
  const buf = fs.readFileSync(file);
  if (buf.length !== n * 8) throw new Error(`${file}: ${buf.length} bytes, expected ${n * 8}`);
  const labels = new Int32Array(n);
  const distances = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = buf.readInt32LE(i * 4);
    distances[i] = buf.readFloatLE(n * 4 + i * 4);
  }
  return { labels, distances };
}

/**
 * Mean recall@k. A returned label is a hit if it is in the exact top k or its distance is no larger than the k-th
 * exact distance (a tie at the cut is not a miss). Both distances come from the same float32 kernels.
 */
function recallAtK(result, gt, k) {
  let hits = 0;
  for (let q = 0; q < result.count; q++) {
    const truth = new Set(gt.labels.subarray(q * k, (q + 1) * k));
    const kth = gt.distances[(q + 1) * k - 1];
    for (let i = 0; i < result.found[q]; i++) {
      const j = q * result.k + i;
      if (truth.has(result.labels[j]) || result.distances[j] <= kth) hits++;
    }
  }
  return hits / (result.count * k);
}

/** CPU seconds (user + system, all threads) of this process since `start`. */
function cpuSecondsSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

// ---- cases, each run in a child process ------------------------------------------------------------------------

const CASES = {
  /** Exact top k of every query, on all cores. */
  async groundTruth(o) {
    const { BruteforceSearch } = loadPackage();
    const train = loadFashionMnist('train', o.train);
    const queries = loadFashionMnist('t10k', o.queries);
    const index = new BruteforceSearch('l2', train.dim);
    index.initIndex(train.count);
    await index.addItems(train.data);
    const t0 = performance.now();
    const result = await index.searchKnnBatch(queries.data, o.k);
    const seconds = (performance.now() - t0) / 1000;
    writeGroundTruth(groundTruthFile(o), result.labels, result.distances);
    return { seconds, threads: os.availableParallelism() };
  },

  /** One build with --threads threads, timed; the index is saved for the search cases. */
  async build(o) {
    const { HierarchicalNSW } = loadPackage();
    const threads = Number(o.threads);
    const train = loadFashionMnist('train', o.train);
    const index = new HierarchicalNSW('l2', train.dim);
    index.initIndex(train.count, o.m, o['ef-construction'], o.seed);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const labels = await index.addItems(train.data, undefined, { numThreads: threads });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSecondsSince(cpu0);
    if (labels.length !== train.count) throw new Error(`addItems returned ${labels.length} labels`);
    fs.mkdirSync(CACHE, { recursive: true });
    await index.writeIndex(indexFile(o, threads));
    return { threads, seconds, rowsPerSecond: train.count / seconds, cpuPerWall: cpuSeconds / seconds };
  },

  /** Batch search over a saved index with --threads threads: best of --repeats, and recall@k. */
  async search(o) {
    const { HierarchicalNSW } = loadPackage();
    const threads = Number(o.threads);
    const queries = loadFashionMnist('t10k', o.queries);
    const index = new HierarchicalNSW('l2', queries.dim);
    index.readIndexSync(indexFile(o, Number(o.index)), o.mapped === '1' ? { mmap: true } : undefined);
    const gt = fs.existsSync(groundTruthFile(o)) ? readGroundTruth(groundTruthFile(o), o.queries * o.k) : null;
    // Warm-up: page the index in and start the threads once.
    await index.searchKnnBatch(queries.data.subarray(0, Math.min(500, queries.count) * queries.dim), o.k, {
      ef: o.ef,
      numThreads: threads,
    });
    let best = Infinity;
    let cpuPerWall = 0;
    let result;
    for (let r = 0; r < o.repeats; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      result = await index.searchKnnBatch(queries.data, o.k, { ef: o.ef, numThreads: threads });
      const seconds = (performance.now() - t0) / 1000;
      if (seconds < best) {
        best = seconds;
        cpuPerWall = cpuSecondsSince(cpu0) / seconds;
      }
    }
    return {
      threads,
      builtWith: Number(o.index),
      seconds: best,
      queriesPerSecond: queries.count / best,
      cpuPerWall,
      recall: gt ? recallAtK(result, gt, o.k) : null,
    };
  },

  /** An async build with the default thread count while a 10 ms setInterval and monitorEventLoopDelay watch. */
  async stall(o) {
    const { HierarchicalNSW } = loadPackage();
    const train = loadFashionMnist('train', o.train);
    const index = new HierarchicalNSW('l2', train.dim);
    index.initIndex(train.count, o.m, o['ef-construction'], o.seed);

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let last = performance.now();
    let callReturnedAt = Infinity;
    let maxGap = 0;
    let maxGapAfterCall = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const gap = now - last;
      maxGap = Math.max(maxGap, gap);
      // Gaps that began after addItems returned its Promise: the build itself, off the JS thread.
      if (last >= callReturnedAt) maxGapAfterCall = Math.max(maxGapAfterCall, gap);
      last = now;
      ticks++;
    }, TIMER_MS);
    let progressCalls = 0;
    histogram.enable();
    const t0 = performance.now();
    last = t0;
    const job = index.addItems(train.data, undefined, { onProgress: () => progressCalls++ });
    callReturnedAt = performance.now();
    await job;
    const seconds = (performance.now() - t0) / 1000;
    histogram.disable();
    clearInterval(timer);
    return {
      threads: os.availableParallelism(),
      seconds,
      ticks,
      progressCalls,
      // How long the addItems call ran on the JS thread before returning its Promise (argument checks).
      callMs: callReturnedAt - t0,
      maxIntervalGapMs: maxGap,
      // How much later than scheduled the worst tick came, overall and once the call had returned.
      maxStallMs: Math.max(0, maxGap - TIMER_MS),
      maxStallAfterCallMs: Math.max(0, maxGapAfterCall - TIMER_MS),
      eventLoopDelayMaxMs: histogram.max / 1e6,
      eventLoopDelayP99Ms: histogram.percentile(99) / 1e6,
    };
  },
};

/** Runs one case in a fresh Node process and returns the JSON it prints last. */
function runCase(o, name, extra = {}) {
  const args = [__filename, '--case', name];
  for (const key of Object.keys(OPTIONS)) if (key !== 'efs' && key !== 'rounds') args.push(`--${key}`, String(o[key]));
  for (const [key, value] of Object.entries(extra)) args.push(`--${key}`, String(value));
  const child = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    const how = child.signal ?? `status ${child.status}`;
    throw new Error(`case ${name} ${JSON.stringify(extra)} failed (${how})`);
  }
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

function cpuModel() {
  const cpus = os.cpus();
  return cpus.length > 0 ? cpus[0].model.trim() : 'unknown';
}

function ratioText(x) {
  return `${x.toFixed(2)}x`;
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

/**
 * --scaling: the batch search throughput on 2 threads over 1 thread, per ef, on the index built with 2 threads
 * (built once and cached). Each round runs one 1-thread and one 2-thread child back to back, alternating which
 * goes first, and the round's ratio is of that pair; the ratios' range is printed with the median, because on a
 * shared machine one round can be far off. Written to bench/results/batch-scaling.json.
 */
async function scaling(o) {
  const { simdLevel, version } = loadPackage();
  const loadBefore = os.loadavg();
  console.log(
    `hnswkit ${version} batch scaling: Fashion-MNIST ${o.train} train / ${o.queries} queries, M=${o.m}, ` +
      `efConstruction=${o['ef-construction']}, k=${o.k}, best of ${o.repeats} batches per child, ${o.rounds} rounds`,
  );
  console.log(`${cpuModel()}, ${os.availableParallelism()} cores, kernels ${simdLevel()}, node ${process.version}`);
  if (!fs.existsSync(indexFile(o, 2))) {
    process.stdout.write('building the index (cached for later runs)... ');
    console.log(`${runCase(o, 'build', { threads: 2 }).seconds.toFixed(1)} s`);
  }
  const rows = [];
  for (const ef of o.efs) {
    const p = { ...o, ef };
    const one = [];
    const two = [];
    const mapped = [];
    const ratios = [];
    const mappedRatios = [];
    // Three processes a round: 1 thread, 2 threads and 2 threads over the file mapped ({ mmap: true }), in an order
    // that turns round by round.
    const kinds = [
      { key: 'one', threads: 1 },
      { key: 'two', threads: 2 },
      { key: 'mapped', threads: 2, mapped: 1 },
    ];
    for (let r = 0; r < o.rounds; r++) {
      const got = {};
      for (let i = 0; i < kinds.length; i++) {
        const { key, ...extra } = kinds[(r + i) % kinds.length];
        got[key] = runCase(p, 'search', { ...extra, index: 2 }).queriesPerSecond;
      }
      one.push(got.one);
      two.push(got.two);
      mapped.push(got.mapped);
      ratios.push(got.two / got.one);
      mappedRatios.push(got.mapped / got.two);
    }
    const row = {
      ef,
      threads1: summary(one),
      threads2: summary(two),
      mapped2: summary(mapped),
      ratio: summary(ratios),
      mappedRatio: summary(mappedRatios),
      ratios,
      mappedRatios,
    };
    rows.push(row);
    const qps = (s) => `${s.median.toFixed(0)} q/s (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
    const ratioRange = (s) => `${ratioText(s.median)} (${ratioText(s.min)}-${ratioText(s.max)})`;
    console.log(
      `ef ${String(ef).padStart(4)}: 1 thread ${qps(row.threads1)}, 2 threads ${qps(row.threads2)}, ratio ` +
        `${ratioRange(row.ratio)}; mapped, 2 threads ${qps(row.mapped2)}, mapped/loaded ${ratioRange(row.mappedRatio)}`,
    );
  }
  const loadAfter = os.loadavg();
  console.log(
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ` +
      `${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
  );
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpuModel(), cores: os.availableParallelism(), simd: simdLevel(), node: process.version, hnswkit: version },
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    params: { dataset: 'fashion-mnist', space: 'l2', train: o.train, queries: o.queries, k: o.k, M: o.m,
      efConstruction: o['ef-construction'], seed: o.seed, repeats: o.repeats, rounds: o.rounds },
    rows,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  const out = path.join(RESULTS, 'batch-scaling.json');
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${path.relative(ROOT, out)}`);
  if (o.docs) writeScalingDocs(report);
}

/** The --scaling --docs section of docs/benchmark.md. */
function writeScalingDocs(report) {
  const { SCALING_END, SCALING_START, fmtInt, markdownTable, writeMarkedSection } = require('./report');
  const { machine: m, params: p } = report;
  const range = (s, fmt) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
  const ratio = (x) => `${x.toFixed(2)}×`;
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  const body = [
    '## Batch search: two threads against one, and a mapped file',
    '',
    `Generated by \`node bench/batch.js --scaling --docs\` on ${report.date.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, ` +
      `kernels \`${m.simd}\`, Node.js ${m.node}, hnswkit ${m.hnswkit}; load average ${load(report.loadAverageBefore)} ` +
      `at the start, ${load(report.loadAverageAfter)} at the end.`,
    '',
    `\`searchKnnBatch\` (the Promise form) over ${fmtInt(p.queries)} Fashion-MNIST test images on an index of ` +
      `${fmtInt(p.train)} training images (M ${p.M}, efConstruction ${p.efConstruction}, k ${p.k}), with \`numThreads\` ` +
      '1 and 2 on the index loaded, and with 2 on its file opened with `{ mmap: true }` (in the page cache). Each ' +
      'round runs the three as processes back to back, in an order that turns round by round, each keeping the best ' +
      `of ${p.repeats} batches after a warm-up batch; a round's ratios are of its own processes, so a change in what ` +
      `else the machine runs between rounds does not enter them. Median of ${p.rounds} rounds, range in brackets.`,
    '',
    markdownTable(
      ['ef', 'queries/s, 1 thread', 'queries/s, 2 threads', '2 threads ÷ 1', 'queries/s, 2 threads, mapped', 'mapped ÷ loaded'],
      report.rows.map((row) => [
        String(row.ef),
        range(row.threads1, fmtInt),
        range(row.threads2, fmtInt),
        range(row.ratio, ratio),
        range(row.mapped2, fmtInt),
        range(row.mappedRatio, ratio),
      ]),
      Array(6).fill('right'),
    ),
  ].join('\n');
  writeMarkedSection(path.join(ROOT, 'docs', 'benchmark.md'), SCALING_START, SCALING_END, body);
  console.log('wrote docs/benchmark.md (its batch-scaling section)');
}

async function main() {
  const o = readOptions(process.argv.slice(2));
  if (o.case) {
    const run = CASES[o.case];
    if (!run) throw new Error(`unknown case ${o.case}`);
    process.stdout.write(JSON.stringify(await run(o)) + '\n');
    return;
  }

  if (!hasFashionMnist()) throw new Error(FASHION_MNIST_MISSING);
  if (o.scaling) {
    await scaling(o);
    return;
  }
  const { simdLevel, version } = loadPackage();
  const started = performance.now();
  const loadBefore = os.loadavg();
  console.log(
    `hnswkit ${version} batch figures: Fashion-MNIST ${o.train} train / ${o.queries} queries, M=${o.m}, ` +
      `efConstruction=${o['ef-construction']}, k=${o.k}, ef=${o.ef}`,
  );
  console.log(`${cpuModel()}, ${os.availableParallelism()} cores, kernels ${simdLevel()}, node ${process.version}`);

  let groundTruth = { cached: true };
  if (!fs.existsSync(groundTruthFile(o))) {
    process.stdout.write('computing exact ground truth (cached for later runs)... ');
    groundTruth = { cached: false, ...runCase(o, 'groundTruth') };
    console.log(`${groundTruth.seconds.toFixed(1)} s`);
  }

  const build1 = runCase(o, 'build', { threads: 1 });
  console.log(`build, 1 thread:  ${build1.seconds.toFixed(2)} s`);
  const build2 = runCase(o, 'build', { threads: 2 });
  console.log(`build, 2 threads: ${build2.seconds.toFixed(2)} s`);
  const search1 = runCase(o, 'search', { threads: 1, index: 2 });
  const search2 = runCase(o, 'search', { threads: 2, index: 2 });
  // Recall of the 1-thread build too, so the two builds can be compared on quality.
  const search1Built1 = runCase(o, 'search', { threads: 2, index: 1 });
  const stall = runCase(o, 'stall');

  const buildSpeedup = build1.seconds / build2.seconds;
  const searchSpeedup = search2.queriesPerSecond / search1.queriesPerSecond;
  const rows = [
    ['', '1 thread', '2 threads', 'ratio', 'target'],
    ['build (s)', build1.seconds.toFixed(2), build2.seconds.toFixed(2), ratioText(buildSpeedup), `>= ${TARGETS.buildSpeedup}x`],
    [
      `batch search (queries/s, ef=${o.ef})`,
      search1.queriesPerSecond.toFixed(0),
      search2.queriesPerSecond.toFixed(0),
      ratioText(searchSpeedup),
      `>= ${TARGETS.searchSpeedup}x`,
    ],
    [`recall@${o.k} of the build`, search1Built1.recall.toFixed(4), search2.recall.toFixed(4), '', ''],
    [
      `longest stall, ${TIMER_MS} ms timer (ms)`,
      '',
      stall.maxStallMs.toFixed(1),
      '',
      `< ${TARGETS.stallMs} ms`,
    ],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(
    `\nstall: during the async ${o.train}-row build (${stall.seconds.toFixed(1)} s, ${stall.threads} threads) a ${TIMER_MS} ms ` +
      `setInterval ticked ${stall.ticks} times, longest gap ${stall.maxIntervalGapMs.toFixed(1)} ms. The addItems call ` +
      `itself held the JS thread ${stall.callMs.toFixed(1)} ms before returning its Promise; after that the longest ` +
      `stall was ${stall.maxStallAfterCallMs.toFixed(1)} ms. monitorEventLoopDelay: max ` +
      `${stall.eventLoopDelayMaxMs.toFixed(1)} ms, p99 ${stall.eventLoopDelayP99Ms.toFixed(1)} ms; ${stall.progressCalls} progress calls.`,
  );
  const met = {
    buildSpeedup: buildSpeedup >= TARGETS.buildSpeedup,
    searchSpeedup: searchSpeedup >= TARGETS.searchSpeedup,
    stall: stall.maxStallMs < TARGETS.stallMs,
  };
  console.log(
    `CPU time / wall time (about the thread count when nothing else competes for the cores): build ` +
      `${build1.cpuPerWall.toFixed(2)} / ${build2.cpuPerWall.toFixed(2)}, search ` +
      `${search1.cpuPerWall.toFixed(2)} / ${search2.cpuPerWall.toFixed(2)}; ` +
      `load average before the run ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`,
  );
  console.log(
    `targets: build ${met.buildSpeedup ? 'met' : 'MISSED'}, search ${met.searchSpeedup ? 'met' : 'MISSED'}, ` +
      `stall ${met.stall ? 'met' : 'MISSED'}`,
  );

  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpuModel(),
      cores: os.availableParallelism(),
      simd: simdLevel(),
      node: process.version,
      hnswkit: version,
      loadAverageBefore: loadBefore,
    },
    params: {
      dataset: 'fashion-mnist',
      space: 'l2',
      train: o.train,
      queries: o.queries,
      k: o.k,
      ef: o.ef,
      M: o.m,
      efConstruction: o['ef-construction'],
      seed: o.seed,
      searchRepeats: o.repeats,
    },
    groundTruth,
    build: { threads1: build1, threads2: build2, speedup: buildSpeedup },
    search: { threads1: search1, threads2: search2, speedup: searchSpeedup, recallOfOneThreadBuild: search1Built1.recall },
    stall,
    targets: TARGETS,
    met,
    wallSeconds: (performance.now() - started) / 1000,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  const out = path.join(RESULTS, 'batch.json');
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(ROOT, out)} (${report.wallSeconds.toFixed(0)} s in all)`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
