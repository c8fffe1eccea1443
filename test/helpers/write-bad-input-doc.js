'use strict';
// Rewrites the generated part of docs/bad-input.md from test/helpers/bad-input-catalogue.ts (everything between
// the catalogue markers); the rest of the document is left as it is. test/bad-input.test.ts fails until the two
// agree. Use: node test/helpers/write-bad-input-doc.js

require('./register-ts.js');

const fs = require('fs');
const path = require('path');
const { CATALOGUE_END, CATALOGUE_START, renderCatalogue } = require('./bad-input-catalogue.ts');

const doc = path.resolve(__dirname, '..', '..', 'docs', 'bad-input.md');
const text = fs.readFileSync(doc, 'utf8');
const start = text.indexOf(CATALOGUE_START);
const end = text.indexOf(CATALOGUE_END);
if (start < 0 || end < start) {
  throw new Error(`${doc} lacks the markers:\n${CATALOGUE_START}\n${CATALOGUE_END}`);
}
const updated = `${text.slice(0, start + CATALOGUE_START.length)}\n\n${renderCatalogue().trim()}\n\n${text.slice(end)}`;
fs.writeFileSync(doc, updated);
process.stdout.write(`wrote ${path.relative(process.cwd(), doc)}\n`);
