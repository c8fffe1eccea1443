// One temporary directory per test file, created before its tests and removed after them.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TmpDir {
  /** The directory; valid between beforeAll and afterAll. */
  readonly dir: string;
  /** A path inside the directory. */
  file(name: string): string;
}

/**
 * Registers beforeAll/afterAll hooks that create and remove a fresh directory under os.tmpdir().
 * Call at the top level of a test file (or of a describe block).
 */
export function useTmpDir(prefix = 'hnswkit-test-'): TmpDir {
  let current: string | undefined;
  beforeAll(() => {
    current = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    if (current) fs.rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get dir(): string {
      if (!current) throw new Error('the temporary directory exists only while the tests of this file run');
      return current;
    },
    file(name: string): string {
      return path.join(this.dir, name);
    },
  };
}
