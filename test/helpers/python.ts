// Drives Python hnswlib (Debian's python3-hnswlib under /usr/bin/python3) through hnswlib_peer.py, so tests can
// compare hnswkit with the reference implementation on the same data and exchange index files with it.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Always the system interpreter: a python3 earlier on PATH (pyenv, venv) may lack the Debian modules. */
export const PYTHON = '/usr/bin/python3';

const PEER = path.join(__dirname, 'hnswlib_peer.py');

export type PeerSpace = 'l2' | 'ip' | 'cosine';

let available: boolean | undefined;

/** Whether /usr/bin/python3 can import hnswlib and numpy. */
export function hasPythonHnswlib(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import hnswlib, numpy'], { stdio: 'ignore' });
    available = r.status === 0;
  }
  return available;
}

/** The message tests print when the peer is missing. */
export const PYTHON_HNSWLIB_MISSING =
  `${PYTHON} cannot import hnswlib and numpy; install them with ` +
  '`apt-get install python3-hnswlib python3-numpy` or run `sh scripts/setup.sh`';

/** The installed Debian package version of python3-hnswlib, or 'unknown'. */
export function pythonHnswlibVersion(): string {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'python3-hnswlib'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : 'unknown';
}

/** The environment for Python children, without an LD_PRELOAD meant for the addon. */
export function peerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  return env;
}

/** Runs one peer command and returns its JSON reply; throws with Python's stderr if it fails. */
export function runPeer<T = Record<string, unknown>>(args: Record<string, unknown>): T {
  const r = spawnSync(PYTHON, [PEER, JSON.stringify(args)], {
    // The peer is not the code under test: a sanitizer runtime preloaded for the addon stays out of it.
    env: peerEnv(),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`hnswlib_peer.py ${String(args.command)} failed (status ${r.status}):\n${r.stderr}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** Writes the floats as raw little-endian float32, the layout numpy.fromfile reads. */
export function writeFloat32File(file: string, data: Float32Array): void {
  fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

function readExact(file: string, bytesPerValue: number, count: number): Buffer {
  const buf = fs.readFileSync(file);
  if (buf.length !== bytesPerValue * count) {
    throw new Error(`${file} holds ${buf.length} bytes, expected ${bytesPerValue * count}`);
  }
  return buf;
}

/** Reads rows*k uint64 labels into one number[] per row (exact below 2^53). */
export function readLabelRows(file: string, rows: number, k: number): number[][] {
  const buf = readExact(file, 8, rows * k);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let i = 0; i < k; i++) row.push(Number(buf.readBigUInt64LE((r * k + i) * 8)));
    out.push(row);
  }
  return out;
}

/** Reads rows*k float32 distances into one number[] per row. */
export function readDistanceRows(file: string, rows: number, k: number): number[][] {
  const buf = readExact(file, 4, rows * k);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let i = 0; i < k; i++) row.push(buf.readFloatLE((r * k + i) * 4));
    out.push(row);
  }
  return out;
}

export interface PythonBuildOptions {
  space: PeerSpace;
  /** Row-major vectors; row i gets label firstLabel + i. */
  data: Float32Array;
  count: number;
  dim: number;
  M: number;
  efConstruction: number;
  seed: number;
  /** Where the index is saved; omit to not save it. */
  out?: string;
  /** Scratch directory for the raw vector file. */
  workDir: string;
  firstLabel?: number;
  maxElements?: number;
  /** Labels marked deleted before saving. */
  deleted?: number[];
  /** add_items threads; 1 gives a reproducible graph. */
  numThreads?: number;
}

function buildArgs(opts: PythonBuildOptions, dataFile: string): Record<string, unknown> {
  return {
    command: 'build',
    space: opts.space,
    dim: opts.dim,
    data: dataFile,
    count: opts.count,
    M: opts.M,
    efConstruction: opts.efConstruction,
    seed: opts.seed,
    out: opts.out,
    firstLabel: opts.firstLabel ?? 0,
    maxElements: opts.maxElements ?? opts.count,
    deleted: opts.deleted ?? [],
    numThreads: opts.numThreads ?? 1,
  };
}

/** Builds an index in Python over the given vectors and saves it. */
export function pythonBuild(opts: PythonBuildOptions): { count: number; maxElements: number } {
  const dataFile = path.join(opts.workDir, `py-build-${process.pid}-${Date.now()}.f32`);
  writeFloat32File(dataFile, opts.data.subarray(0, opts.count * opts.dim));
  try {
    return runPeer(buildArgs(opts, dataFile));
  } finally {
    fs.rmSync(dataFile, { force: true });
  }
}

/**
 * Builds an index in Python (saving it only if `out` is given), then searches it for the top k of every query at
 * each ef. Returns one list of label rows per ef, in the order of `efs`.
 */
export function pythonBuildAndSearch(
  opts: PythonBuildOptions,
  queries: Float32Array,
  queryCount: number,
  k: number,
  efs: number[],
): number[][][] {
  const stamp = `${process.pid}-${Date.now()}`;
  const dataFile = path.join(opts.workDir, `py-build-${stamp}.f32`);
  const queriesFile = path.join(opts.workDir, `py-queries-${stamp}.f32`);
  const labelsFile = path.join(opts.workDir, `py-labels-${stamp}.u64`);
  writeFloat32File(dataFile, opts.data.subarray(0, opts.count * opts.dim));
  writeFloat32File(queriesFile, queries.subarray(0, queryCount * opts.dim));
  try {
    runPeer({ ...buildArgs(opts, dataFile), queries: queriesFile, queryCount, k, efs, outLabels: labelsFile });
    return efs.map((ef) => readLabelRows(`${labelsFile}.${ef}`, queryCount, k));
  } finally {
    for (const f of [dataFile, queriesFile, ...efs.map((ef) => `${labelsFile}.${ef}`)]) fs.rmSync(f, { force: true });
  }
}

export interface PythonQueryOptions {
  space: PeerSpace;
  dim: number;
  /** The index file to load. */
  index: string;
  workDir: string;
  /** Labels whose stored vectors to return (they must be live). */
  items?: number[];
  /** Queries to run after set_ef(ef); omit to only inspect the index. */
  queries?: Float32Array;
  queryCount?: number;
  ef?: number;
  k?: number;
  numThreads?: number;
}

export interface PythonQueryResult {
  count: number;
  maxElements: number;
  /** get_ids_list(), deleted labels included. */
  ids: number[];
  /** Labels Python reports as deleted (present in get_ids_list, refused by get_items). */
  deleted: number[];
  /** get_items(items), in the order asked. */
  items?: number[][];
  labels?: number[][];
  distances?: number[][];
}

/** Loads an index file in Python, inspects it and optionally queries it. */
export function pythonQuery(opts: PythonQueryOptions): PythonQueryResult {
  const stamp = `${process.pid}-${Date.now()}`;
  const queriesFile = path.join(opts.workDir, `py-queries-${stamp}.f32`);
  const labelsFile = path.join(opts.workDir, `py-labels-${stamp}.u64`);
  const distancesFile = path.join(opts.workDir, `py-distances-${stamp}.f32`);
  const args: Record<string, unknown> = {
    command: 'query',
    space: opts.space,
    dim: opts.dim,
    index: opts.index,
    items: opts.items ?? [],
  };
  const queryCount = opts.queryCount ?? 0;
  const k = opts.k ?? 10;
  if (opts.queries) {
    writeFloat32File(queriesFile, opts.queries.subarray(0, queryCount * opts.dim));
    Object.assign(args, {
      queries: queriesFile,
      queryCount,
      ef: opts.ef ?? 10,
      k,
      outLabels: labelsFile,
      outDistances: distancesFile,
      numThreads: opts.numThreads ?? 1,
    });
  }
  try {
    const reply = runPeer<PythonQueryResult>(args);
    if (opts.queries) {
      reply.labels = readLabelRows(labelsFile, queryCount, k);
      reply.distances = readDistanceRows(distancesFile, queryCount, k);
    }
    return reply;
  } finally {
    for (const f of [queriesFile, labelsFile, distancesFile]) fs.rmSync(f, { force: true });
  }
}

/** Loads an index file in Python and saves it again under another name. */
export function pythonResave(space: PeerSpace, dim: number, index: string, out: string): void {
  runPeer({ command: 'resave', space, dim, index, out });
}

/** Builds a brute-force index (BFIndex) in Python, removes `deleted` with delete_vector, and saves it. */
export function pythonBruteForceBuild(opts: {
  space: PeerSpace;
  data: Float32Array;
  count: number;
  dim: number;
  maxElements: number;
  firstLabel: number;
  deleted: number[];
  out: string;
  workDir: string;
}): void {
  const dataFile = path.join(opts.workDir, `py-bf-${process.pid}-${Date.now()}.f32`);
  writeFloat32File(dataFile, opts.data.subarray(0, opts.count * opts.dim));
  try {
    runPeer({
      command: 'bf_build',
      space: opts.space,
      dim: opts.dim,
      data: dataFile,
      count: opts.count,
      maxElements: opts.maxElements,
      firstLabel: opts.firstLabel,
      deleted: opts.deleted,
      out: opts.out,
    });
  } finally {
    fs.rmSync(dataFile, { force: true });
  }
}

/** Loads a brute-force index file in Python (BFIndex) and returns its exact top k of every query. */
export function pythonBruteForceQuery(opts: {
  space: PeerSpace;
  dim: number;
  index: string;
  queries: Float32Array;
  queryCount: number;
  k: number;
  workDir: string;
}): { labels: number[][]; distances: number[][] } {
  const stamp = `${process.pid}-${Date.now()}`;
  const queriesFile = path.join(opts.workDir, `py-bf-queries-${stamp}.f32`);
  const labelsFile = path.join(opts.workDir, `py-bf-labels-${stamp}.u64`);
  const distancesFile = path.join(opts.workDir, `py-bf-distances-${stamp}.f32`);
  writeFloat32File(queriesFile, opts.queries.subarray(0, opts.queryCount * opts.dim));
  try {
    runPeer({
      command: 'bf_query',
      space: opts.space,
      dim: opts.dim,
      index: opts.index,
      queries: queriesFile,
      queryCount: opts.queryCount,
      k: opts.k,
      outLabels: labelsFile,
      outDistances: distancesFile,
    });
    return {
      labels: readLabelRows(labelsFile, opts.queryCount, opts.k),
      distances: readDistanceRows(distancesFile, opts.queryCount, opts.k),
    };
  } finally {
    for (const f of [queriesFile, labelsFile, distancesFile]) fs.rmSync(f, { force: true });
  }
}
