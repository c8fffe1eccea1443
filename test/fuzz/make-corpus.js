'use strict';
// Writes the fuzzer's float32 seed corpus: small valid index files from hnswkit and from Python hnswlib, each
// prefixed with the selector byte fuzz_index_reader.cc reads (bit 0: brute force; bits 1-2: space l2/ip/cosine;
// bits 3-5, precision and conversion, are 0 here). The native-format seeds come from make_native_seeds.cc.
// Run from the repository root after building: node test/fuzz/make-corpus.js

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { HierarchicalNSW, BruteforceSearch } = require('../..');

const out = path.join(__dirname, 'corpus');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-corpus-'));
const spaces = ['l2', 'ip', 'cosine'];

function seed(name, selector, file) {
  fs.writeFileSync(path.join(out, name), Buffer.concat([Buffer.from([selector]), fs.readFileSync(file)]));
}

function vectors(count, dim, salt) {
  const data = [];
  for (let i = 0; i < count; i++) {
    data.push(Array.from({ length: dim }, (_, j) => Math.sin(i * 7.1 + j * 3.3 + salt)));
  }
  return data;
}

fs.mkdirSync(out, { recursive: true });
spaces.forEach((space, s) => {
  for (const [count, dim, m] of [[0, 3, 4], [1, 2, 2], [40, 4, 4], [120, 3, 2]]) {
    const index = new HierarchicalNSW(space, dim);
    index.initIndex(count + 5, m, 20, 7);
    vectors(count, dim, s).forEach((v, i) => index.addPoint(v, i * 3));
    if (count > 10) index.markDelete(3);
    const file = path.join(tmp, 'h.bin');
    index.writeIndexSync(file);
    seed(`hnswkit-hnsw-${space}-${count}x${dim}-m${m}`, s << 1, file);
  }
  const bf = new BruteforceSearch(space, 3);
  bf.initIndex(12);
  vectors(9, 3, s).forEach((v, i) => bf.addPoint(v, i + 100));
  bf.removePoint(104);
  const file = path.join(tmp, 'b.bin');
  bf.writeIndexSync(file);
  seed(`hnswkit-bf-${space}`, (s << 1) | 1, file);
});

// Python hnswlib's own files, when Debian's python3-hnswlib is installed.
const python = `
import hnswlib, numpy as np, sys
out = sys.argv[1]
for s, space in enumerate(['l2', 'ip', 'cosine']):
    data = np.sin(np.arange(60 * 4, dtype=np.float32).reshape(60, 4) * 1.7 + s)
    p = hnswlib.Index(space=space, dim=4)
    p.init_index(max_elements=64, M=4, ef_construction=16, random_seed=3)
    p.add_items(data, np.arange(60) * 5 + 2**33)
    p.mark_deleted(2**33 + 5)
    p.save_index(f'{out}/py-hnsw-{space}.bin')
    b = hnswlib.BFIndex(space=space, dim=4)
    b.init_index(max_elements=10)
    b.add_items(data[:7], np.arange(7))
    b.save_index(f'{out}/py-bf-{space}.bin')
`;
const result = spawnSync('/usr/bin/python3', ['-c', python, tmp], { encoding: 'utf8' });
if (result.status === 0) {
  spaces.forEach((space, s) => {
    seed(`python-hnsw-${space}`, s << 1, path.join(tmp, `py-hnsw-${space}.bin`));
    seed(`python-bf-${space}`, (s << 1) | 1, path.join(tmp, `py-bf-${space}.bin`));
  });
} else {
  console.warn(`make-corpus: Python hnswlib seeds skipped: ${result.stderr.trim().split('\n').pop()}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`make-corpus: ${fs.readdirSync(out).length} files in ${path.relative(process.cwd(), out)}`);
