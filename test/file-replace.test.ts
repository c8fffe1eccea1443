// Saving to a path: symbolic links are followed and their final target replaced, the file replaced keeps its
// permission bits (and owner and group, where the process may set them), anything that is not a regular file is
// refused with ERR_IO and left alone, other hard links keep the old contents, and the temporary file has a short name
// of its own, so any legal file name can be saved to, and none is left behind. docs/api.md (writeIndex) documents it.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

import { useTmpDir, withTempDir } from './helpers/tmp';

const DIM = 3;
const KINDS = ['HierarchicalNSW', 'BruteforceSearch'] as const;
const METHODS = ['writeIndexSync', 'writeIndex'] as const;

type Kind = (typeof KINDS)[number];
type Method = (typeof METHODS)[number];
type AnyIndex = HierarchicalNSW | BruteforceSearch;

interface CodedError {
  name: string;
  code?: unknown;
  message: string;
}

const tmp = useTmpDir('hnswkit-replace-');

/** Modes, owners, FIFOs, sockets and device nodes are POSIX. */
const POSIX = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;

/** Why a character device cannot be made here (mknod needs root and CAP_MKNOD), or undefined if it can. */
function deviceNodesUnavailable(): string | undefined {
  if (!POSIX) return 'not a POSIX system';
  if (!isRoot) return 'mknod needs root';
  return withTempDir('hnswkit-mknod-probe-', (dir) => {
    const node = path.join(dir, 'null');
    const r = spawnSync('mknod', [node, 'c', '1', '3'], { stdio: 'ignore' });
    if (r.status !== 0 || !fs.lstatSync(node, { throwIfNoEntry: false })?.isCharacterDevice()) {
      return 'mknod failed (no CAP_MKNOD?)';
    }
    return undefined;
  });
}

const noDeviceNodes = deviceNodesUnavailable();
const itOnPosix = POSIX ? it : it.skip;
const itAsRoot = POSIX && isRoot ? it : it.skip;
const itWithDeviceNodes = noDeviceNodes === undefined ? it : it.skip;

/** An index of `count` elements; the bytes it saves differ with the count. */
function makeIndex(kind: Kind, count: number): AnyIndex {
  const index = kind === 'HierarchicalNSW' ? new HierarchicalNSW('l2', DIM) : new BruteforceSearch('l2', DIM);
  index.initIndex(10);
  for (let i = 0; i < count; i++) index.addPoint([i, i + 1, i + 2], i);
  return index;
}

function load(kind: Kind, file: string): AnyIndex {
  const index = kind === 'HierarchicalNSW' ? new HierarchicalNSW('l2', DIM) : new BruteforceSearch('l2', DIM);
  index.readIndexSync(file);
  return index;
}

/** The element count of the index in `file`: 2 for the old files the tests make, 5 for what they save. */
function countIn(kind: Kind, file: string): number {
  return load(kind, file).getCurrentCount();
}

async function save(index: AnyIndex, file: string, method: Method): Promise<void> {
  if (method === 'writeIndexSync') index.writeIndexSync(file);
  else expect(await index.writeIndex(file)).toBe(true);
}

async function saveError(index: AnyIndex, file: string, method: Method): Promise<CodedError> {
  try {
    await save(index, file, method);
  } catch (err) {
    const { name, code, message } = err as CodedError;
    return { name, code, message };
  }
  throw new Error(`expected saving to ${file} to fail, but it succeeded`);
}

function ioError(message: string): CodedError {
  return { name: 'Error', code: 'ERR_IO', message: `Hnswlib Error: ${message}` };
}

/** A fresh directory for one test, so its listing shows exactly what the save left. */
function freshDir(name: string): string {
  return tmp.freshDir(name);
}

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/**
 * What identifies a file system object and would show it replaced or changed (lstat: a link is not followed). Not
 * the times: other processes may write to /dev/null.
 */
function identity(file: string): Record<string, unknown> {
  const s = fs.lstatSync(file);
  return { dev: s.dev, ino: s.ino, mode: s.mode, rdev: s.rdev, size: s.size, nlink: s.nlink, uid: s.uid, gid: s.gid };
}

describe.each(KINDS)('%s', (kind) => {
  describe.each(METHODS)('#%s', (method) => {
    /** A directory holding `old.bin`, an index of 2 elements. */
    function withOldFile(name: string): { dir: string; old: string } {
      const dir = freshDir(name);
      const old = path.join(dir, 'old.bin');
      makeIndex(kind, 2).writeIndexSync(old);
      return { dir, old };
    }

    describe('over a file that is there', () => {
      itOnPosix.each([
        ['0600', 0o600],
        ['0640', 0o640],
        ['0444', 0o444],
      ])('keeps its mode %s', async (_shown, mode) => {
        const { dir, old } = withOldFile('mode');
        fs.chmodSync(old, mode);
        await save(makeIndex(kind, 5), old, method);
        expect(fs.statSync(old).mode & 0o7777).toBe(mode);
        expect(countIn(kind, old)).toBe(5);
        expect(listing(dir)).toEqual(['old.bin']);
      });

      itAsRoot('keeps its owner and group (as root)', async () => {
        const { dir, old } = withOldFile('owner');
        fs.chownSync(old, 1234, 2345);
        fs.chmodSync(old, 0o640);
        await save(makeIndex(kind, 5), old, method);
        const after = fs.statSync(old);
        expect({ uid: after.uid, gid: after.gid, mode: after.mode & 0o7777 }).toEqual({ uid: 1234, gid: 2345, mode: 0o640 });
        expect(countIn(kind, old)).toBe(5);
        expect(listing(dir)).toEqual(['old.bin']);
      });

      it('gives the new file to the named path only: another hard link keeps the old contents', async () => {
        const { dir, old } = withOldFile('hard-link');
        const other = path.join(dir, 'other.bin');
        fs.linkSync(old, other);
        await save(makeIndex(kind, 5), old, method);
        expect(countIn(kind, old)).toBe(5);
        expect(countIn(kind, other)).toBe(2);
        expect(fs.statSync(old).nlink).toBe(1);
        expect(fs.statSync(other).nlink).toBe(1);
        expect(listing(dir)).toEqual(['old.bin', 'other.bin']);
      });
    });

    describe('to a new file', () => {
      itOnPosix('gives it mode 0666 less the umask', async () => {
        const dir = freshDir('umask');
        const target = path.join(dir, 'new.bin');
        const previous = process.umask(0o027);
        try {
          await save(makeIndex(kind, 5), target, method);
        } finally {
          process.umask(previous);
        }
        expect(fs.statSync(target).mode & 0o7777).toBe(0o640);
        expect(listing(dir)).toEqual(['new.bin']);
      });

      it.each([240, 255])('saves to and loads from a %d-character file name, leaving no temporary file', async (length) => {
        const dir = freshDir('long-name');
        const name = `${'n'.repeat(length - 4)}.bin`;
        await save(makeIndex(kind, 4), path.join(dir, name), method);
        expect(listing(dir)).toEqual([name]);
        expect(countIn(kind, path.join(dir, name))).toBe(4);
        // And over the file now there.
        await save(makeIndex(kind, 5), path.join(dir, name), method);
        expect(listing(dir)).toEqual([name]);
        expect(countIn(kind, path.join(dir, name))).toBe(5);
      });
    });

    describe('through symbolic links', () => {
      itOnPosix('replaces the target of a link, and the link stays a link', async () => {
        const { dir, old } = withOldFile('link');
        fs.chmodSync(old, 0o600);
        const link = path.join(dir, 'link.bin');
        fs.symlinkSync('old.bin', link);
        await save(makeIndex(kind, 5), link, method);
        expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
        expect(fs.readlinkSync(link)).toBe('old.bin');
        expect(countIn(kind, old)).toBe(5);
        expect(fs.statSync(old).mode & 0o7777).toBe(0o600);
        expect(listing(dir)).toEqual(['link.bin', 'old.bin']);
      });

      itOnPosix('takes a relative target from the directory of the link, and writes beside the target', async () => {
        const { dir: dataDir, old } = withOldFile('data');
        const linkDir = freshDir('links');
        const link = path.join(linkDir, 'link.bin');
        fs.symlinkSync(path.join('..', path.basename(dataDir), 'old.bin'), link);
        await save(makeIndex(kind, 5), link, method);
        expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
        expect(countIn(kind, old)).toBe(5);
        expect(listing(linkDir)).toEqual(['link.bin']);
        expect(listing(dataDir)).toEqual(['old.bin']);
      });

      itOnPosix('follows an absolute target', async () => {
        const { dir: dataDir, old } = withOldFile('data-abs');
        const linkDir = freshDir('links-abs');
        const link = path.join(linkDir, 'link.bin');
        fs.symlinkSync(old, link);
        await save(makeIndex(kind, 5), link, method);
        expect(fs.readlinkSync(link)).toBe(old);
        expect(countIn(kind, old)).toBe(5);
        expect(listing(linkDir)).toEqual(['link.bin']);
        expect(listing(dataDir)).toEqual(['old.bin']);
      });

      itOnPosix('follows a chain of links, each relative to its own directory', async () => {
        // top/a.bin -> mid/b.bin -> ../data/old.bin
        const top = freshDir('chain');
        fs.mkdirSync(path.join(top, 'mid'));
        fs.mkdirSync(path.join(top, 'data'));
        const old = path.join(top, 'data', 'old.bin');
        makeIndex(kind, 2).writeIndexSync(old);
        fs.symlinkSync(path.join('..', 'data', 'old.bin'), path.join(top, 'mid', 'b.bin'));
        fs.symlinkSync(path.join('mid', 'b.bin'), path.join(top, 'a.bin'));
        await save(makeIndex(kind, 5), path.join(top, 'a.bin'), method);
        expect(fs.lstatSync(path.join(top, 'a.bin')).isSymbolicLink()).toBe(true);
        expect(fs.lstatSync(path.join(top, 'mid', 'b.bin')).isSymbolicLink()).toBe(true);
        expect(countIn(kind, old)).toBe(5);
        expect(listing(path.join(top, 'mid'))).toEqual(['b.bin']);
        expect(listing(path.join(top, 'data'))).toEqual(['old.bin']);
      });

      itOnPosix('creates the file a dangling link names', async () => {
        const dir = freshDir('dangling');
        fs.mkdirSync(path.join(dir, 'data'));
        const link = path.join(dir, 'link.bin');
        fs.symlinkSync(path.join('data', 'new.bin'), link);
        await save(makeIndex(kind, 5), link, method);
        expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
        expect(countIn(kind, path.join(dir, 'data', 'new.bin'))).toBe(5);
        expect(countIn(kind, link)).toBe(5);
        expect(listing(path.join(dir, 'data'))).toEqual(['new.bin']);
      });

      itOnPosix('refuses a loop of links with ERR_IO and leaves the links as they were', async () => {
        const dir = freshDir('loop');
        fs.symlinkSync('b.bin', path.join(dir, 'a.bin'));
        fs.symlinkSync('a.bin', path.join(dir, 'b.bin'));
        const target = path.join(dir, 'a.bin');
        expect(await saveError(makeIndex(kind, 5), target, method)).toEqual(
          ioError(`cannot write ${target}: Too many levels of symbolic links`),
        );
        expect(fs.readlinkSync(path.join(dir, 'a.bin'))).toBe('b.bin');
        expect(fs.readlinkSync(path.join(dir, 'b.bin'))).toBe('a.bin');
        expect(listing(dir)).toEqual(['a.bin', 'b.bin']);
      });
    });

    describe('refuses with ERR_IO, and leaves it as it was,', () => {
      it('a directory', async () => {
        const dir = freshDir('directory');
        const target = path.join(dir, 'target');
        fs.mkdirSync(target);
        fs.writeFileSync(path.join(target, 'inside.txt'), 'kept');
        const before = identity(target);
        expect(await saveError(makeIndex(kind, 5), target, method)).toEqual(
          ioError(`cannot replace ${target}: it is a directory, not a regular file`),
        );
        expect(identity(target)).toEqual(before);
        expect(listing(target)).toEqual(['inside.txt']);
        expect(listing(dir)).toEqual(['target']);
      });

      itOnPosix('a FIFO', async () => {
        const dir = freshDir('fifo');
        const target = path.join(dir, 'index.bin');
        expect(spawnSync('mkfifo', [target]).status).toBe(0);
        const before = identity(target);
        expect(await saveError(makeIndex(kind, 5), target, method)).toEqual(
          ioError(`cannot replace ${target}: it is a FIFO, not a regular file`),
        );
        expect(fs.lstatSync(target).isFIFO()).toBe(true);
        expect(identity(target)).toEqual(before);
        expect(listing(dir)).toEqual(['index.bin']);
      });

      itOnPosix('a socket', async () => {
        const dir = freshDir('socket');
        const target = path.join(dir, 'index.bin');
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(target, resolve));
        try {
          const before = identity(target);
          expect(await saveError(makeIndex(kind, 5), target, method)).toEqual(
            ioError(`cannot replace ${target}: it is a socket, not a regular file`),
          );
          expect(fs.lstatSync(target).isSocket()).toBe(true);
          expect(identity(target)).toEqual(before);
          expect(listing(dir)).toEqual(['index.bin']);
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
      });

      itWithDeviceNodes(`a character device (a node made with mknod${noDeviceNodes ? `; skipped: ${noDeviceNodes}` : ''})`, async () => {
        const dir = freshDir('device');
        const target = path.join(dir, 'null');
        expect(spawnSync('mknod', [target, 'c', '1', '3']).status).toBe(0);
        const before = identity(target);
        expect(await saveError(makeIndex(kind, 5), target, method)).toEqual(
          ioError(`cannot replace ${target}: it is a character device, not a regular file`),
        );
        expect(fs.lstatSync(target).isCharacterDevice()).toBe(true);
        expect(identity(target)).toEqual(before);
        expect(listing(dir)).toEqual(['null']);
      });

      itOnPosix('a symbolic link to /dev/null (the link and the device both)', async () => {
        // Safe even where links are not followed: the link would be replaced, never the device.
        const dir = freshDir('null-link');
        const link = path.join(dir, 'index.bin');
        fs.symlinkSync('/dev/null', link);
        const before = { link: identity(link), device: identity('/dev/null') };
        expect(await saveError(makeIndex(kind, 5), link, method)).toEqual(
          ioError(`cannot replace ${link}: it links to /dev/null, a character device, not a regular file`),
        );
        expect(fs.readlinkSync(link)).toBe('/dev/null');
        expect({ link: identity(link), device: identity('/dev/null') }).toEqual(before);
        expect(listing(dir)).toEqual(['index.bin']);
      });
    });
  });

  describe('#writeIndex', () => {
    it('gives saves running at once into one directory temporary files of their own', async () => {
      const dir = freshDir('at-once');
      const names = Array.from({ length: 8 }, (_, i) => `index-${i}.bin`);
      const indexes = names.map((_, i) => makeIndex(kind, 1 + i));
      await Promise.all(names.map((name, i) => indexes[i].writeIndex(path.join(dir, name))));
      expect(listing(dir)).toEqual(names);
      names.forEach((name, i) => expect(countIn(kind, path.join(dir, name))).toBe(1 + i));
    });
  });
});
