// Crash-safe saving: a process SIGKILLed while it saves a ~200 MB index over an existing file leaves that file
// byte for byte as it was (and loadable), with only the writer's temporary file `.hnswkit-<12 hex digits>.tmp` left
// beside it; and a write that cannot complete (read-only directory, full disk, file-size limit) fails with ERR_IO
// from all four write methods, never a silent success. The children run the built package (dist/).

import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';
import { buildDist } from './helpers/dist';
import { makeTempDir, removeTempDir, withTempDir } from './helpers/tmp';

const HELPERS = path.join(__dirname, 'helpers');
const SAVE_CHILD = path.join(HELPERS, 'save-kill-child.js');
const WRITE_FAIL_CHILD = path.join(HELPERS, 'write-fail-child.js');
/** The name of a save's temporary file, in the target's directory. */
const TEMP_NAME = /^\.hnswkit-[0-9a-f]{12}\.tmp$/;

/** The large indexes: ~197 MB of HNSW (12000 x 4096, cheap to build at m 4) and ~206 MB of brute force. */
const BIG = {
  hnsw: { count: 12_000, dim: 4096 },
  brute: { count: 200_000, dim: 256 },
} as const;
/** The previous files the saves replace: small indexes of the same dimensions. */
const OLD_COUNT = 50;

type Kind = keyof typeof BIG;

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function runChild(args: string[]): string {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status} (${r.signal}):\n${r.stderr}`);
  return r.stdout;
}

function oldIndex(kind: Kind): HierarchicalNSW | BruteforceSearch {
  const { dim } = BIG[kind];
  const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
  index.initIndex(OLD_COUNT);
  const v = new Float32Array(dim);
  for (let i = 0; i < OLD_COUNT; i++) {
    v.fill(i / OLD_COUNT);
    index.addPoint(v, 1000 + i);
  }
  return index;
}

/** Loads a file as the given kind and returns its element count (throws if it does not load). */
function loadedCount(kind: Kind, file: string): number {
  const { dim } = BIG[kind];
  const index = kind === 'hnsw' ? new HierarchicalNSW('l2', dim) : new BruteforceSearch('l2', dim);
  index.readIndexSync(file);
  return index.getCurrentCount();
}

/** Resolves once the child has printed `line` on a line of its own; rejects if it exits first. */
function waitForLine(child: ChildProcess, line: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (seen.split('\n').includes(line)) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`the child exited (${code}, ${signal}) before printing "${line}":\n${stderr()}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

interface Moment {
  name: string;
  /** Kill once the temporary file holds at least this fraction of the final size (1: all of it). */
  fraction: number;
}

const MOMENTS: Record<string, Moment> = {
  appear: { name: 'as soon as the temporary file appears', fraction: 0 },
  quarter: { name: 'a quarter of the way through the bytes', fraction: 0.25 },
  half: { name: 'half way through the bytes', fraction: 0.5 },
  twoThirds: { name: 'two thirds of the way through the bytes', fraction: 2 / 3 },
  synced: { name: 'after the last byte, while the file is synced and before the rename', fraction: 1 },
};

interface Round {
  kind: Kind;
  how: 'sync' | 'async';
  moment: Moment;
}

const ROUNDS: Round[] = [
  { kind: 'hnsw', how: 'sync', moment: MOMENTS.appear },
  { kind: 'hnsw', how: 'sync', moment: MOMENTS.quarter },
  { kind: 'hnsw', how: 'sync', moment: MOMENTS.twoThirds },
  { kind: 'hnsw', how: 'sync', moment: MOMENTS.synced },
  { kind: 'hnsw', how: 'async', moment: MOMENTS.half },
  { kind: 'brute', how: 'sync', moment: MOMENTS.quarter },
  { kind: 'brute', how: 'async', moment: MOMENTS.synced },
];

describe('saving over an existing index file', () => {
  let work = '';
  const big: Record<Kind, { file: string; bytes: number; hash: string; count: number }> = {} as never;
  const old: Record<Kind, { file: string; hash: string }> = {} as never;

  beforeAll(() => {
    // The children run dist/: build it from the current lib/.
    buildDist();
    work = makeTempDir('hnswkit-crash-');
    for (const kind of ['hnsw', 'brute'] as const) {
      const file = path.join(work, `big-${kind}.bin`);
      const { count, dim } = BIG[kind];
      const out = runChild([SAVE_CHILD, `make-${kind}`, file, String(count), String(dim)]);
      expect(JSON.parse(out.trim())).toEqual({ count });
      big[kind] = { file, bytes: fs.statSync(file).size, hash: sha256(file), count };
      const oldFile = path.join(work, `old-${kind}.bin`);
      oldIndex(kind).writeIndexSync(oldFile);
      old[kind] = { file: oldFile, hash: sha256(oldFile) };
    }
  }, 120_000);

  afterAll(() => {
    removeTempDir(work);
  });

  it('uses indexes of about 200 MB, so that writing one takes a while', () => {
    expect(big.hnsw.bytes).toBeGreaterThan(190e6);
    expect(big.brute.bytes).toBeGreaterThan(190e6);
  });

  describe('when the saving process is SIGKILLed', () => {
    it.each(ROUNDS.map((round) => [`${round.kind} ${round.how === 'sync' ? 'writeIndexSync' : 'writeIndex'}`, round.moment.name, round] as const))(
      'keeps the previous file intact and loadable (%s, killed %s)',
      async (_method, _moment, round) => {
        const { kind, how, moment } = round;
        const dir = makeTempDir('round-', work);
        const target = path.join(dir, 'index.bin');
        fs.copyFileSync(old[kind].file, target);

        const child = spawn(process.execPath, [SAVE_CHILD, 'save', kind, String(BIG[kind].dim), big[kind].file, target, how], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        await waitForLine(child, 'saving', () => stderr);

        // Poll the directory without yielding, so the kill follows the observation within microseconds.
        const threshold = Math.ceil(moment.fraction * big[kind].bytes);
        const deadline = Date.now() + 60_000;
        let temp = '';
        let seenSize = -1;
        let renamed = false;
        for (;;) {
          const names = fs.readdirSync(dir);
          const found = names.find((name) => TEMP_NAME.test(name));
          if (found) {
            temp = found;
            try {
              seenSize = fs.statSync(path.join(dir, found)).size;
            } catch {
              // Renamed between the listing and the stat: the save completed.
              renamed = true;
              break;
            }
            if (seenSize >= threshold) {
              child.kill('SIGKILL');
              break;
            }
          } else if (temp) {
            renamed = true;
            break;
          }
          if (Date.now() > deadline) {
            child.kill('SIGKILL');
            throw new Error(`no temporary file reached ${threshold} bytes within 60 s:\n${stderr}`);
          }
        }
        const exit = await exitOf(child);
        expect(renamed && moment.fraction < 1 ? 'the save completed before the kill' : 'killed').toBe('killed');
        const listing = fs.readdirSync(dir).sort();

        if (exit.signal === 'SIGKILL' && listing.includes(temp)) {
          // Killed before the rename: the old file, and the partial temporary file.
          expect(listing).toEqual(['index.bin', temp].sort());
          expect(temp).toMatch(TEMP_NAME);
          expect(fs.statSync(path.join(dir, temp)).size).toBeGreaterThanOrEqual(seenSize);
          expect(fs.statSync(path.join(dir, temp)).size).toBeLessThanOrEqual(big[kind].bytes);
          expect(sha256(target)).toBe(old[kind].hash);
          expect(loadedCount(kind, target)).toBe(OLD_COUNT);
        } else {
          // Only when the kill came after all the bytes: the rename may already have happened. Then the target
          // is the complete new file and nothing is left over; never a mix of the two.
          expect(moment.fraction).toBe(1);
          expect(listing).toEqual(['index.bin']);
          expect(sha256(target)).toBe(big[kind].hash);
        }
        removeTempDir(dir);
      },
      90_000,
    );

    it('completes the same save when not killed, replacing the file with the new bytes', async () => {
      const dir = makeTempDir('complete-', work);
      const target = path.join(dir, 'index.bin');
      fs.copyFileSync(old.hnsw.file, target);
      const out = runChild([SAVE_CHILD, 'save', 'hnsw', String(BIG.hnsw.dim), big.hnsw.file, target, 'sync']);
      expect(out.split('\n').slice(0, 2)).toEqual(['saving', 'saved']);
      expect(fs.readdirSync(dir)).toEqual(['index.bin']);
      expect(sha256(target)).toBe(big.hnsw.hash);
      removeTempDir(dir);
    }, 60_000);
  });
});

// ---- writes that cannot complete ------------------------------------------------------------------------------

interface WriteOutcome {
  ok: boolean;
  name?: string;
  code?: string;
  message?: string;
}

interface ChildReport {
  pid: number;
  writes: Record<string, WriteOutcome>;
  before: { listing: string[]; hashes: Record<string, string> };
  after: { listing: string[]; hashes: Record<string, string> };
  loaded: Record<string, { count?: number; nearest?: number } & WriteOutcome>;
}

/** How a failing place is made: the command prefix, whether the child makes the old files, the errno text. */
interface Place {
  name: string;
  /** Why it cannot be used here, or undefined if it can. */
  unavailable?: string;
  /** Prepares the directory and returns the argv prefix the child runs under. */
  setUp(dir: string): { prefix: string[]; makeOld: boolean };
  tearDown(dir: string): void;
  reason: string;
  /** The message ends with "(while creating <tmp>)" when the temporary file cannot even be created. */
  atCreate: boolean;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Root ignores directory permissions; without capabilities (setpriv) it does not. */
const DROP_CAPS = ['setpriv', '--inh-caps=-all', '--bounding-set=-all', '--'];

function readOnlyPrefix(): { prefix?: string[]; unavailable?: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  if (!hasCommand('setpriv')) return { unavailable: 'running as root, and setpriv (util-linux) is missing to drop CAP_DAC_OVERRIDE' };
  return withTempDir('hnswkit-ro-probe-', (dir) => {
    try {
      fs.chmodSync(dir, 0o555);
      const r = spawnSync(DROP_CAPS[0], [...DROP_CAPS.slice(1), 'sh', '-c', ': > "$0/probe"', dir], { stdio: 'ignore' });
      const written = fs.existsSync(path.join(dir, 'probe'));
      if (r.status === 0 || written) return { unavailable: 'a process without capabilities could still write into a 0555 directory' };
      return { prefix: DROP_CAPS };
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
}

function tmpfsPrefix(): { prefix?: string[]; unavailable?: string } {
  if (!hasCommand('unshare')) return { unavailable: 'unshare (util-linux) is missing' };
  return withTempDir('hnswkit-tmpfs-probe-', (dir) => {
    for (const flags of process.getuid?.() === 0 ? [['-m'], ['-rm']] : [['-rm']]) {
      const r = spawnSync('unshare', [...flags, 'sh', '-c', 'mount -t tmpfs -o size=64k hnswkit "$0" && : > "$0/probe"', dir], {
        stdio: 'ignore',
      });
      // The probe file went to the tmpfs, which vanished with the namespace.
      if (r.status === 0 && !fs.existsSync(path.join(dir, 'probe'))) return { prefix: ['unshare', ...flags] };
    }
    return { unavailable: 'this process may not mount a tmpfs in a new mount namespace (no CAP_SYS_ADMIN, no user namespaces)' };
  });
}

function writeOldFiles(dir: string): void {
  for (const [file, index] of [
    ['hnsw.bin', new HierarchicalNSW('l2', 16)],
    ['brute.bin', new BruteforceSearch('l2', 16)],
  ] as const) {
    index.initIndex(10);
    for (let i = 0; i < 10; i++) index.addPoint(Array.from({ length: 16 }, (_, j) => ((i * 31 + j * 7) % 97) / 97), i);
    index.writeIndexSync(path.join(dir, file));
  }
}

const readOnly = readOnlyPrefix();
const tmpfs = tmpfsPrefix();

const PLACES: Place[] = [
  {
    name: 'in a read-only directory (chmod 0555; as root, run without capabilities)',
    unavailable: readOnly.unavailable,
    setUp(dir) {
      writeOldFiles(dir);
      fs.chmodSync(dir, 0o555);
      return { prefix: readOnly.prefix ?? [], makeOld: false };
    },
    tearDown(dir) {
      fs.chmodSync(dir, 0o755);
    },
    reason: 'Permission denied',
    atCreate: true,
  },
  {
    name: 'on a full disk (a 64 kB tmpfs mounted over the directory)',
    unavailable: tmpfs.unavailable,
    setUp(dir) {
      // The child mounts the tmpfs ("$0") in its own mount namespace, then writes the old files into it itself.
      const script = 'mount -t tmpfs -o size=64k hnswkit "$0" && exec "$@"';
      return { prefix: [...(tmpfs.prefix ?? []), 'sh', '-c', script, dir], makeOld: true };
    },
    tearDown() {},
    reason: 'No space left on device',
    atCreate: false,
  },
  {
    name: 'under a file-size limit (ulimit -f 64, SIGXFSZ ignored)',
    setUp(dir) {
      writeOldFiles(dir);
      return { prefix: ['sh', '-c', 'trap "" XFSZ; ulimit -f 64 && exec "$@"', 'sh'], makeOld: false };
    },
    tearDown() {},
    reason: 'File too large',
    atCreate: false,
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a write that cannot complete', () => {
  let work = '';
  beforeAll(() => {
    buildDist();
    work = makeTempDir('hnswkit-write-fail-');
  }, 60_000);
  afterAll(() => {
    removeTempDir(work);
  });

  describe('gives ERR_IO from all four write methods, and keeps the old file', () => {
    for (const place of PLACES) {
      if (place.unavailable) {
        it.skip(`${place.name}: not possible here (${place.unavailable})`, () => undefined);
        continue;
      }
      it(place.name, () => {
        const dir = makeTempDir('place-', work);
        fs.chmodSync(dir, 0o755);
        const { prefix, makeOld } = place.setUp(dir);
        let report: ChildReport;
        try {
          const command = [...prefix, process.execPath, WRITE_FAIL_CHILD, dir];
          if (makeOld) command.push('--make-old');
          const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 60_000 });
          if (r.status !== 0) throw new Error(`${command.join(' ')} exited with ${r.status} (${r.signal}):\n${r.stderr}`);
          report = JSON.parse(r.stdout.trim().split('\n').pop() as string) as ChildReport;
        } finally {
          place.tearDown(dir);
        }

        for (const [method, outcome] of Object.entries(report.writes)) {
          const target = path.join(dir, method.startsWith('HierarchicalNSW') ? 'hnsw.bin' : 'brute.bin');
          const tail = place.atCreate ? ` \\(while creating ${escapeRegExp(dir)}/\\.hnswkit-[0-9a-f]{12}\\.tmp\\)` : '';
          expect({ method, ...outcome }).toEqual({
            method,
            ok: false,
            name: 'Error',
            code: 'ERR_IO',
            message: expect.stringMatching(new RegExp(`^Hnswlib Error: cannot write ${escapeRegExp(target)}: ${place.reason}${tail}$`)),
          });
        }
        // Nothing left over, the old files byte for byte, and both still load with their 10 elements.
        expect(report.before.listing).toEqual(['brute.bin', 'hnsw.bin']);
        expect(report.after).toEqual(report.before);
        expect(report.loaded).toEqual({ hnsw: { count: 10, nearest: 3 }, brute: { count: 10, nearest: 3 } });
        if (!makeOld) expect(fs.readdirSync(dir).sort()).toEqual(['brute.bin', 'hnsw.bin']);
        removeTempDir(dir);
      }, 60_000);
    }
  });
});
