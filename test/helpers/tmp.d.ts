// Types of test/helpers/tmp.js: temporary directories for tests, child scripts and benchmarks.

/** Makes a fresh, empty directory `<parent>/<prefix>XXXXXX` (parent: os.tmpdir()) and returns its path. */
export function makeTempDir(prefix?: string, parent?: string): string;

/** Removes a directory and everything in it; nothing happens for '' or a directory already gone. */
export function removeTempDir(dir: string | undefined): void;

/** Runs `fn(dir)` with a fresh directory, removed afterwards (also on a throw or a rejection). */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T, parent?: string): T;

export interface TmpDir {
  /** The directory; valid between beforeAll and afterAll. */
  readonly dir: string;
  /** A path inside the directory. */
  file(name: string): string;
  /** A new empty directory `<dir>/<name>-XXXXXX`, for a test that looks at a directory listing. */
  freshDir(name: string): string;
}

/**
 * Registers beforeAll/afterAll hooks that make and remove one fresh directory under os.tmpdir().
 * Call at the top level of a test file (or of a describe block).
 */
export function useTmpDir(prefix?: string): TmpDir;
