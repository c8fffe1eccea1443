'use strict';
// How long addItems (the Promise form) keeps the event loop from running timers. A 1 ms setInterval probe records
// the gaps between its ticks, first while the process is idle (the baseline: what the machine alone costs), then
// from the addItems call until the batch settles or the window ends (the batch is then aborted). Reported per case:
// the longest gap and the 99th percentile of both windows, and how long the addItems call took to return.
//
//   node bench/stall.js                               every size up to 1M rows, 784 and 96 floats per row
//   node bench/stall.js --sizes 1000,100000 --dims 784 --labels none,array --threads 1,2
//   node bench/stall.js --help
//
// Labels: `none` lets the index number the rows, `array` passes 0..n-1 as a number[], `shuffled` passes the same
// labels in a random order as a Float64Array. Each case runs in its own child process (`--case`), so no case warms
// another's memory; so does each size's control, a process with the same vectors that never loads hnswkit. The
// index is small-graph HNSW (M 4, efConstruction 8) so that many chunks run within the window.
// With STALL_TRACE=1 each case also prints every gap over 3 ms, with its time, to stderr (run one case with
// `--case '{"rows":1000000,"dim":96,"labels":"none","threads":1,"window":1500,"idle":500}'` to see them).
// Needs the built package (`npm run build:ts`) and the addon (`npm run build` or a prebuild).

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { readArgs, usageText } = require('./cli');

const ROOT = path.resolve(__dirname, '..');

const FLAGS = { docs: 'also write the table into docs/benchmark.md (its event-loop section)' };

const OPTIONS = {
  sizes: { value: '1000,10000,100000,1000000', help: 'batch sizes (rows), comma-separated' },
  dims: { value: '784,96', help: 'floats per row, comma-separated' },
  labels: { value: 'none,array', help: 'label kinds (none, array, shuffled), comma-separated' },
  threads: { value: '1,2', help: 'numThreads values, comma-separated' },
  window: { value: '2000', help: 'longest time (ms) the probe watches a batch before aborting it' },
  idle: { value: '1000', help: 'time (ms) of the idle baseline in each case' },
  repeats: { value: '1', help: 'runs of each case (each in a fresh process); the table shows the worst' },
};

function usage() {
  return usageText('node bench/stall.js', { options: OPTIONS, flags: FLAGS }, 12);
}

function readOptions(argv) {
  let values;
  try {
    values = readArgs(argv, { options: OPTIONS, flags: FLAGS, internal: ['case'] }, usage());
  } catch (err) {
    throw new Error(`${err.message}\n${usage()}`, { cause: err });
  }
  const list = (name, parse) =>
    (values[name] ?? OPTIONS[name].value).split(',').map((text) => {
      const value = parse(text.trim());
      if (value === undefined) throw new Error(`--${name}: bad value ${text}\n${usage()}`);
      return value;
    });
  const positive = (text) => (/^[1-9]\d*$/.test(text) ? Number(text) : undefined);
  const kind = (text) => (['none', 'array', 'shuffled'].includes(text) ? text : undefined);
  return {
    case: values.case,
    docs: values.docs === true,
    sizes: list('sizes', positive),
    dims: list('dims', positive),
    labels: list('labels', kind),
    threads: list('threads', positive),
    window: list('window', positive)[0],
    idle: list('idle', positive)[0],
    repeats: list('repeats', positive)[0],
  };
}

function loadPackage() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build:ts` first');
  }
  return require(ROOT);
}

/**
 * How long the main thread has waited for a CPU so far (ns): the second field of Linux's schedstat of this thread
 * (the main thread's id is the process id), brought up to date each time the thread gets a CPU back; undefined
 * elsewhere. On a loaded machine a gap can be long only because the thread waited for a core: a gap less this wait
 * is the time the JS thread itself spent between two ticks (its work, page faults and GC included).
 */
const waitClock = (() => {
  let fd;
  try {
    fd = fs.openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return () => undefined;
  }
  const buf = Buffer.alloc(128);
  return () => Number(buf.toString('latin1', 0, fs.readSync(fd, buf, 0, buf.length, 0)).split(' ')[1]);
})();

/** A 1 ms interval recording the gaps between its ticks (ms): wall-clock, and less the waits for a CPU. */
function startProbe() {
  const gaps = [];
  const cpu = [];
  let last = performance.now();
  let lastWait = waitClock();
  const tick = () => {
    const now = performance.now();
    const wait = waitClock();
    gaps.push(now - last);
    if (wait !== undefined) cpu.push(now - last - (wait - lastWait) / 1e6);
    if (process.env.STALL_TRACE && now - last > 3) {
      process.stderr.write(`gap at ${now.toFixed(1)}: wall ${(now - last).toFixed(1)} own ${cpu[cpu.length - 1]?.toFixed(1)}\n`);
    }
    last = now;
    lastWait = wait;
  };
  const timer = setInterval(tick, 1);
  return {
    stop() {
      clearInterval(timer);
      // The gap still open when the window ends counts too.
      tick();
      return { gaps, cpu };
    },
  };
}

function summary({ gaps, cpu }) {
  const sorted = Float64Array.from(gaps).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const cpuMax = cpu.length > 0 ? Math.max(...cpu) : undefined;
  return { max: sorted[sorted.length - 1], p99: at(0.99), cpuMax, ticks: sorted.length };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows of uniform floats in [0, 1) from a fixed LCG, so every run inserts the same batch. */
function makeVectors(rows, dim) {
  const data = new Float32Array(rows * dim);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 4294967296;
  }
  return data;
}

function makeLabels(kind, rows) {
  if (kind === 'none') return undefined;
  if (kind === 'array') return Array.from({ length: rows }, (_, i) => i);
  const labels = Float64Array.from({ length: rows }, (_, i) => i);
  let state = 777;
  for (let i = rows - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return labels;
}

/**
 * The control of a size: a process that makes the same vectors and never loads hnswkit, probed for as long as a
 * case's two windows. Gaps here are what the machine does to a process holding that much memory.
 */
async function runControl(spec) {
  const vectors = makeVectors(spec.rows, spec.dim);
  await sleep(200);
  const probe = startProbe();
  await sleep(spec.idle + spec.window);
  const idle = summary(probe.stop());
  console.log(JSON.stringify({ ...spec, idle, floats: vectors.length }));
}

/** One case in this process: prints one JSON line. */
async function runCase(spec) {
  if (spec.control) return runControl(spec);
  const { HierarchicalNSW } = loadPackage();
  const vectors = makeVectors(spec.rows, spec.dim);
  const labels = makeLabels(spec.labels, spec.rows);
  const index = new HierarchicalNSW('l2', spec.dim);
  index.initIndex(spec.rows, 4, 8, 100);
  // Let the allocations above and their GC settle before the baseline.
  await sleep(200);
  let probe = startProbe();
  await sleep(spec.idle);
  const idle = summary(probe.stop());

  const controller = new AbortController();
  probe = startProbe();
  const t0 = performance.now();
  if (process.env.STALL_TRACE) process.stderr.write(`call at ${t0.toFixed(1)}\n`);
  const job = index.addItems(vectors, labels, { numThreads: spec.threads, signal: controller.signal });
  const callMs = performance.now() - t0;
  let settled = false;
  const outcome = job.then(
    () => 'done',
    (err) => (err.name === 'AbortError' ? 'aborted' : `failed: ${err.message}`),
  );
  outcome.then(() => {
    settled = true;
  });
  const deadline = t0 + spec.window;
  while (!settled && performance.now() < deadline) await sleep(5);
  if (!settled) controller.abort();
  const result = await outcome;
  const busy = summary(probe.stop());
  const inserted = index.getCurrentCount();
  console.log(JSON.stringify({ ...spec, idle, busy, callMs, result, inserted, ms: performance.now() - t0 }));
}

function runChild(spec) {
  const child = spawnSync(process.execPath, [__filename, '--case', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`case ${JSON.stringify(spec)} failed:\n${child.stderr}`);
  const line = child.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

function fmt(ms) {
  return ms === undefined ? 'n/a' : ms.toFixed(1);
}

function rowsText(rows) {
  return rows >= 1e6 && rows % 1e6 === 0 ? `${rows / 1e6}M` : rows >= 1e3 && rows % 1e3 === 0 ? `${rows / 1e3}k` : `${rows}`;
}

function main() {
  const o = readOptions(process.argv.slice(2));
  if (o.case) return runCase(JSON.parse(o.case));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const loadAtStart = os.loadavg();
  const lines = [];
  // Printed as it goes, and kept for --docs.
  const say = (line) => {
    console.log(line);
    lines.push(line);
  };
  say(`hnswkit addItems event-loop stall: ${cpu}, ${os.availableParallelism()} cores, load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  say(`probe: setInterval 1 ms; idle baseline ${o.idle} ms, then the batch until it settles or ${o.window} ms pass`);
  say(`(then aborted); of ${o.repeats} run(s) per case, the one with the longest busy own, each in a fresh process. Times in ms.\n`);
  say('Gaps between ticks: longest (max) and 99th percentile (p99) wall-clock, and the longest gap less the time the');
  say('JS thread waited for a core within it (own: what the thread itself spent). call: addItems returning.\n');
  say('| rows x dim | labels | threads | idle max | idle p99 | idle own | busy max | busy p99 | busy own | call | rows in | outcome |');
  say('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const all = [];
  for (const dim of o.dims) {
    for (const rows of o.sizes) {
      if (rows * dim * 4 > os.totalmem() / 4) {
        say(`| ${rowsText(rows)} x ${dim} | | | skipped: ${rows * dim * 4} bytes of vectors | | | | | | | | | |`);
        continue;
      }
      let control;
      for (let r = 0; r < o.repeats; r++) {
        const run = runChild({ rows, dim, control: true, window: o.window, idle: o.idle });
        if (!control || (run.idle.cpuMax ?? run.idle.max) > (control.idle.cpuMax ?? control.idle.max)) control = run;
      }
      all.push(control);
      say(
        `| ${rowsText(rows)} x ${dim} | control | | ${fmt(control.idle.max)} | ${fmt(control.idle.p99)} | ` +
          `${fmt(control.idle.cpuMax)} | | | | | | no hnswkit |`,
      );
      for (const labels of o.labels) {
        for (const threads of o.threads) {
          const spec = { rows, dim, labels, threads, window: o.window, idle: o.idle };
          let worst;
          for (let r = 0; r < o.repeats; r++) {
            const run = runChild(spec);
            const worse = (a, b) => (a.busy.cpuMax ?? a.busy.max) > (b.busy.cpuMax ?? b.busy.max);
            if (!worst || worse(run, worst)) worst = run;
          }
          all.push(worst);
          const w = worst;
          say(
            `| ${rowsText(rows)} x ${dim} | ${labels} | ${threads} | ${fmt(w.idle.max)} | ${fmt(w.idle.p99)} | ` +
              `${fmt(w.idle.cpuMax)} | ${fmt(w.busy.max)} | ${fmt(w.busy.p99)} | ${fmt(w.busy.cpuMax)} | ` +
              `${w.callMs.toFixed(2)} | ${w.inserted} | ${w.result} |`,
          );
        }
      }
    }
  }
  const results = path.join(__dirname, 'results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'stall.json'), `${JSON.stringify({ cpu, load: os.loadavg(), cases: all }, null, 2)}\n`);
  if (o.docs) {
    const { STALL_END, STALL_START, writeMarkedSection } = require('./report');
    const command = `node bench/stall.js ${process.argv.slice(2).join(' ')}`.trim();
    const body = [
      '## Event loop during addItems',
      '',
      `Generated by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (\`npm run bench:stall -- --docs\`); ` +
        `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ` +
        `${os.loadavg().map((l) => l.toFixed(2)).join(' ')}. Each case is a fresh process: first an idle window, then ` +
        '`addItems` (the Promise form) on a small graph (M 4, efConstruction 8) with a 1 ms `setInterval` probe ' +
        'recording the gaps between its ticks. "own" subtracts from each gap the time the JS thread waited for a core ' +
        '(Linux scheduler statistics), which on a shared machine is not the package\'s doing. Before the cases of ' +
        'each size, a control process makes the same vectors, never loads hnswkit and runs the probe as long as a ' +
        'case\'s two windows (its figures sit in the idle columns): what the machine alone does to the event loop ' +
        'of a process holding that much memory. A busy window no worse than its control is a batch that adds no stall.',
      '',
      ...lines.slice(3),
    ].join('\n');
    writeMarkedSection(path.join(ROOT, 'docs', 'benchmark.md'), STALL_START, STALL_END, body);
    console.log('wrote docs/benchmark.md (its event-loop section)');
  }
}

Promise.resolve()
  .then(main)
  .catch((err) => {
    console.error(err.stack ?? err);
    process.exitCode = 1;
  });
