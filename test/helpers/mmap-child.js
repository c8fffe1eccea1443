'use strict';
// Child process for the mapped-index tests, run with register-ts.js preloaded:
//
//   search FILE DIM
//     maps FILE with readIndexSync(FILE, { mmap: true }), prints "ready" and then searches it in a loop (searchKnn and
//     searchKnnBatch on 2 threads) until stdin closes, counting the calls that succeed and the codes of those that
//     fail; then prints { searches, failed: { code: count } } as JSON. A crash (SIGBUS, SIGSEGV) is the failure this
//     child exists to catch.

const { HierarchicalNSW } = require('hnswkit');

async function search(file, dim) {
  const index = new HierarchicalNSW('l2', dim);
  index.readIndexSync(file, { mmap: true });
  const query = new Float32Array(dim).fill(0.5);
  const batch = new Float32Array(8 * dim).fill(0.25);
  let open = true;
  process.stdin.on('end', () => (open = false));
  process.stdin.resume();
  process.stdout.write('ready\n');
  let searches = 0;
  const failed = {};
  while (open) {
    for (const call of [() => index.searchKnn(query, 10), () => index.searchKnnBatch(batch, 10, { numThreads: 2 })]) {
      try {
        await call();
        searches++;
      } catch (err) {
        failed[err.code] = (failed[err.code] || 0) + 1;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(JSON.stringify({ searches, failed }) + '\n');
}

const [command, file, dim] = process.argv.slice(2);
if (command === 'search') {
  search(file, Number(dim)).catch((err) => {
    process.stderr.write(String(err && err.stack) + '\n');
    process.exit(1);
  });
} else {
  process.stderr.write(`unknown command ${command}\n`);
  process.exit(2);
}
