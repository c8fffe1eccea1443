// Types of bench/embeddings.js, the reader of the sentence embeddings the tests and the example use.

/** One documentation chunk, in the order of the vectors. */
export interface EmbeddingRecord {
  id: string;
  title: string;
  category: string;
  content: string;
}

export interface Embeddings {
  count: number;
  dim: number;
  /** Row-major unit vectors: row i is data[i*dim .. (i+1)*dim). */
  data: Float32Array;
  records: EmbeddingRecord[];
  /** The model that made them ("Xenova/all-MiniLM-L6-v2"). */
  model: string;
}

/** Whether the dev dependency @sap-ux/fiori-docs-embeddings is installed. */
export function hasEmbeddings(): boolean;

/** Loads every vector and record; throws if the package is missing or its files disagree. */
export function loadEmbeddings(): Embeddings;
