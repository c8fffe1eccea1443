// Registry install test (scripts/test-registry.sh), LangChain case: with hnswkit installed under the name
// hnswlib-node (`npm install hnswlib-node@npm:hnswkit @langchain/community @langchain/core`), LangChain's HNSWLib
// vector store builds an index from texts, searches it with and without a filter, saves it, loads it back, and
// grows it past its first capacity. The embeddings are made from the words of each text, so nothing is downloaded.

import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';

const require = createRequire(import.meta.url);
const DIM = 32;

/** Deterministic vectors: each word adds +1 or -1 to a few coordinates picked by a hash of the word. */
class WordHashEmbeddings extends Embeddings {
  constructor() {
    super({});
  }

  static vector(text) {
    const v = new Array(DIM).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) || []) {
      let h = 2166136261;
      for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      for (let j = 0; j < 3; j++) {
        const slot = (h >>> (j * 5)) % DIM;
        v[slot] += (h >>> (20 + j)) & 1 ? 1 : -1;
      }
    }
    return v;
  }

  async embedDocuments(texts) {
    return texts.map((t) => WordHashEmbeddings.vector(t));
  }

  async embedQuery(text) {
    return WordHashEmbeddings.vector(text);
  }
}

const first = [
  'the quick brown fox jumps over the lazy dog',
  'vector search finds nearest neighbours in a graph',
  'bread dough rises in a warm kitchen overnight',
  'the orchestra tuned violins before the concert',
  'glaciers carve valleys over thousands of years',
];
const later = [
  'a lighthouse keeper logs passing ships at dawn',
  'compilers translate source code into machine instructions',
  'tomatoes ripen faster next to bananas',
  'marathon runners pace themselves on long hills',
  'owls hunt mice silently in moonlit fields',
  'saturn rings are made of ice and rock',
];

async function topHit(store, text, k = 2, filter) {
  const hits = await store.similaritySearchWithScore(text, k, filter);
  assert.ok(hits.length >= 1, `no hit for "${text}"`);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i][1] >= hits[i - 1][1], 'scores ascending');
  return hits;
}

async function expectFinds(store, texts, label) {
  for (const text of texts) {
    const hits = await topHit(store, text);
    assert.strictEqual(hits[0][0].pageContent, text, `${label}: nearest document to "${text}"`);
    assert.ok(Math.abs(hits[0][1]) < 1e-5, `${label}: cosine distance of a text to itself is ${hits[0][1]}`);
  }
}

const installed = require('hnswlib-node/package.json');
assert.strictEqual(installed.name, 'hnswkit', 'node_modules/hnswlib-node holds hnswkit');

const embeddings = new WordHashEmbeddings();
const store = await HNSWLib.fromTexts(
  first,
  first.map((_, i) => ({ id: i, group: i % 2 ? 'odd' : 'even' })),
  embeddings
);
assert.strictEqual(store.index.getMaxElements(), first.length, 'fromTexts sizes the index to the texts');
await expectFinds(store, first, 'fromTexts');

const odd = await store.similaritySearch(first[0], 5, (doc) => doc.metadata.group === 'odd');
assert.deepStrictEqual(
  odd.map((d) => d.metadata.id).sort(),
  [1, 3],
  'a filter keeps only the matching documents'
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hnswkit-langchain-'));
try {
  await store.save(dir);
  for (const file of ['hnswlib.index', 'args.json', 'docstore.json']) {
    assert.ok(fs.statSync(path.join(dir, file)).size > 0, `save wrote ${file}`);
  }
  const loaded = await HNSWLib.load(dir, embeddings);
  assert.strictEqual(loaded.index.getCurrentCount(), first.length, 'load: element count');
  for (const text of first) {
    const before = await store.similaritySearchWithScore(text, 3);
    const after = await loaded.similaritySearchWithScore(text, 3);
    assert.deepStrictEqual(
      after.map(([d, s]) => [d.pageContent, Math.round(s * 1e6)]),
      before.map(([d, s]) => [d.pageContent, Math.round(s * 1e6)]),
      `load: same answers for "${text}"`
    );
  }

  await loaded.addDocuments(later.map((t, i) => new Document({ pageContent: t, metadata: { id: 100 + i } })));
  const total = first.length + later.length;
  assert.strictEqual(loaded.index.getCurrentCount(), total, 'addDocuments past the capacity: count');
  assert.ok(loaded.index.getMaxElements() >= total, 'addDocuments past the capacity: the store resized the index');
  await expectFinds(loaded, [...first, ...later], 'after resize');

  await loaded.save(dir);
  const reloaded = await HNSWLib.load(dir, embeddings);
  assert.strictEqual(reloaded.index.getCurrentCount(), total, 'second save and load: count');
  await expectFinds(reloaded, later, 'second load');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const community = require('@langchain/community/package.json').version;
const core = require('@langchain/core/package.json').version;
console.log(
  `langchain: ok, HNSWLib of @langchain/community ${community} (core ${core}) on hnswlib-node = ` +
    `${installed.name} ${installed.version}: fromTexts, searches, filter, save, load, resize ${first.length} -> ` +
    `${first.length + later.length}`
);
