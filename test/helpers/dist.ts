// The built package (dist/) for tests whose child processes run it as users do: rebuilt from lib/ with
// `npm run build:ts`, as test/exports.test.ts does, unless every compiled file is already newer than its source
// (which also keeps test files that run in parallel from rewriting dist/ under each other's children).

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

function isFresh(): boolean {
  const lib = path.join(ROOT, 'lib');
  return fs
    .readdirSync(lib)
    .filter((name) => name.endsWith('.ts'))
    .every((name) => {
      const built = path.join(ROOT, 'dist', name.replace(/\.ts$/, '.js'));
      return fs.existsSync(built) && fs.statSync(built).mtimeMs >= fs.statSync(path.join(lib, name)).mtimeMs;
    });
}

/** Makes sure dist/ holds the current lib/; throws with the compiler's output if the build fails. */
export function buildDist(): void {
  if (isFresh()) return;
  execFileSync('npm', ['run', 'build:ts'], { cwd: ROOT, stdio: 'pipe' });
}
