'use strict';
// Child process for the save-failure tests: builds an index big enough to exceed the file-size limit the parent
// set (ulimit -f), saves it over argv[2], and prints the outcome as one JSON line. Run with register-ts.js
// preloaded so `hnswkit` is the current lib/ sources.

const { BruteforceSearch, HierarchicalNSW } = require('hnswkit');

const [kind, target, countArg, dimArg] = process.argv.slice(2);
const count = Number(countArg);
const dim = Number(dimArg);

const index = kind === 'bruteforce' ? new BruteforceSearch('l2', dim) : new HierarchicalNSW('l2', dim);
if (kind === 'bruteforce') index.initIndex(count);
else index.initIndex(count, 8, 20, 1);
const v = new Float32Array(dim);
for (let i = 0; i < count; i++) {
  for (let j = 0; j < dim; j++) v[j] = ((i * 31 + j * 7) % 97) / 97;
  index.addPoint(v, i);
}

let outcome;
try {
  index.writeIndexSync(target);
  outcome = { ok: true };
} catch (err) {
  outcome = { ok: false, name: err.name, code: err.code, message: err.message };
}
process.stdout.write(JSON.stringify(outcome) + '\n');
