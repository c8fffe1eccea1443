'use strict';
// Writes dist/sources.json.gz: the C++ sources a compile needs (CMakeLists.txt, binding/, deps/hnswkit/) as one
// gzipped JSON object { format: 1, files: { "<path>": "<text>" } }. The package ships this file instead of the
// sources themselves, which keeps a fresh install small (about 130 KB instead of 470 KB); scripts/install.js
// unpacks it into the package folder only when no prebuilt binary fits and it has to compile.
//   node scripts/pack-sources.js        (part of `npm run build:ts`, so every `npm pack` path has it)

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..');
const TREES = ['binding', path.join('deps', 'hnswkit')];

function walk(dir, out) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(rel, out);
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

const paths = ['CMakeLists.txt', ...TREES.flatMap((tree) => walk(tree, []))].sort();
const files = {};
for (const rel of paths) files[rel.split(path.sep).join('/')] = fs.readFileSync(path.join(root, rel), 'utf8');
const out = path.join(root, 'dist', 'sources.json.gz');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, zlib.gzipSync(JSON.stringify({ format: 1, files }), { level: 9 }));
