// Test suites that need something outside the repository (the Fashion-MNIST package, Python hnswlib) run only
// where it is installed. Elsewhere they are skipped with a message saying what to install, except under CI
// (CI set), where a missing prerequisite fails the run instead of quietly passing it.

import { FASHION_MNIST_MISSING, hasFashionMnist } from '../../bench/fashion-mnist';
import { PYTHON_HNSWLIB_MISSING, hasPythonHnswlib } from './python';

export interface Prerequisite {
  ok: boolean;
  missing: string;
}

export const fashionMnist = (): Prerequisite => ({ ok: hasFashionMnist(), missing: FASHION_MNIST_MISSING });
export const pythonHnswlib = (): Prerequisite => ({ ok: hasPythonHnswlib(), missing: PYTHON_HNSWLIB_MISSING });

/** `describe` when every prerequisite is met; otherwise a skipped block (or, under CI, a failing one). */
export function describeWith(prerequisites: Prerequisite[], name: string, body: () => void): void {
  const missing = prerequisites.filter((p) => !p.ok).map((p) => p.missing);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('has its prerequisites installed', () => {
        throw new Error(missing.join('\n'));
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${missing.join('; ')}`);
  describe.skip(name, body);
}
