'use strict';
// Real sentence embeddings for recall tests and the related-documents example: the 778 all-MiniLM-L6-v2 vectors
// (384 dimensions, unit length) of SAP Fiori documentation chunks shipped by the npm package
// @sap-ux/fiori-docs-embeddings (Apache-2.0, a dev dependency): data/embeddings/embeddings.bin holds the float32
// vectors row after row, with no header; records.jsonl holds one JSON record per row, in the same order.

const fs = require('fs');
const path = require('path');

const PACKAGE = '@sap-ux/fiori-docs-embeddings';

/** The package's data folder, or undefined when the package is not installed (npm install skipped dev deps). */
function embeddingsDir() {
  try {
    return path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), 'data', 'embeddings');
  } catch {
    return undefined;
  }
}

function hasEmbeddings() {
  return embeddingsDir() !== undefined;
}

/** The vectors as one row-major Float32Array, with each row's title and text. */
function loadEmbeddings() {
  const dir = embeddingsDir();
  if (dir === undefined) throw new Error(`${PACKAGE} is not installed: run npm install (it is a dev dependency)`);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(dir, 'embeddings.bin'));
  const dim = meta.dimensions;
  const count = bytes.length / 4 / dim;
  if (!Number.isInteger(count) || count !== meta.totalVectors) {
    throw new Error(`${PACKAGE}: embeddings.bin holds ${bytes.length} bytes, not ${meta.totalVectors} x ${dim} floats`);
  }
  const data = new Float32Array(count * dim);
  new Uint8Array(data.buffer).set(bytes);
  const records = fs
    .readFileSync(path.join(dir, 'records.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const { id, title, category, content } = JSON.parse(line);
      return { id, title, category, content };
    });
  if (records.length !== count) throw new Error(`${PACKAGE}: ${records.length} records for ${count} vectors`);
  return { count, dim, data, records, model: meta.model };
}

module.exports = { hasEmbeddings, loadEmbeddings };
