'use strict';
// Removes from dist/ the declaration files that the package's public typings never reach: tsc writes one per module,
// but only dist/index.d.ts and the files it imports, transitively, describe the API. The rest (the native binding's
// shape, the argument checks, the batch plumbing) would only add bytes to every install.
//   node scripts/prune-typings.js        (npm run build:ts runs it after tsc)

const fs = require('fs');
const path = require('path');

const dist = path.join(__dirname, '..', 'dist');
const reached = new Set();
const pending = ['index.d.ts'];
while (pending.length > 0) {
  const file = pending.pop();
  if (reached.has(file)) continue;
  reached.add(file);
  const text = fs.readFileSync(path.join(dist, file), 'utf8');
  for (const match of text.matchAll(/from '\.\/([\w-]+)'/g)) pending.push(`${match[1]}.d.ts`);
  for (const match of text.matchAll(/import\('\.\/([\w-]+)'\)/g)) pending.push(`${match[1]}.d.ts`);
}
for (const file of fs.readdirSync(dist)) {
  if (file.endsWith('.d.ts') && !reached.has(file)) fs.unlinkSync(path.join(dist, file));
}
