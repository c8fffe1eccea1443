// Reads and edits the fields of hnswlib index files (docs/format.md 2.2-2.4, 3) so tests can check what was written
// and craft corrupt variants of valid files.

/** Byte offsets of the 96-byte HierarchicalNSW header fields. */
export const HNSW_HEADER = {
  offsetLevel0: 0,
  maxElements: 8,
  curElementCount: 16,
  sizeDataPerElement: 24,
  labelOffset: 32,
  offsetData: 40,
  maxLevel: 48,
  enterpointNode: 52,
  maxM: 56,
  maxM0: 64,
  M: 72,
  mult: 80,
  efConstruction: 88,
  size: 96,
} as const;

/** Byte offsets of the 24-byte BruteforceSearch header fields. */
export const BF_HEADER = {
  maxElements: 0,
  sizePerElement: 8,
  curElementCount: 16,
  size: 24,
} as const;

export interface HnswHeader {
  offsetLevel0: number;
  maxElements: number;
  curElementCount: number;
  sizeDataPerElement: number;
  labelOffset: number;
  offsetData: number;
  maxLevel: number;
  enterpointNode: number;
  maxM: number;
  maxM0: number;
  M: number;
  mult: number;
  efConstruction: number;
}

/** Where an element's upper-level link lists sit in a file. */
export interface UpperLevelEntry {
  /** Offset of the uint32 linkListSize. */
  sizeOffset: number;
  /** linkListSize in bytes; level = linkListSize / (4*maxM + 4). */
  size: number;
}

export interface HnswLayout {
  header: HnswHeader;
  /** Offset of the level-0 block (right after the header). */
  level0Offset: number;
  /** Offset of the first linkListSize. */
  upperOffset: number;
  /** One entry per element, in internal-id order. */
  upper: UpperLevelEntry[];
  /** Bytes the file should have according to the fields: header + records + upper-level lists. */
  expectedSize: number;
}

function u64(buf: Buffer, off: number): number {
  const v = buf.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`field at ${off} is ${v}, beyond 2^53`);
  return Number(v);
}

export function readHnswHeader(buf: Buffer): HnswHeader {
  if (buf.length < HNSW_HEADER.size) throw new RangeError(`${buf.length} bytes cannot hold the 96-byte header`);
  const h = HNSW_HEADER;
  return {
    offsetLevel0: u64(buf, h.offsetLevel0),
    maxElements: u64(buf, h.maxElements),
    curElementCount: u64(buf, h.curElementCount),
    sizeDataPerElement: u64(buf, h.sizeDataPerElement),
    labelOffset: u64(buf, h.labelOffset),
    offsetData: u64(buf, h.offsetData),
    maxLevel: buf.readInt32LE(h.maxLevel),
    enterpointNode: buf.readUInt32LE(h.enterpointNode),
    maxM: u64(buf, h.maxM),
    maxM0: u64(buf, h.maxM0),
    M: u64(buf, h.M),
    mult: buf.readDoubleLE(h.mult),
    efConstruction: u64(buf, h.efConstruction),
  };
}

/** Walks a well-formed file's sections; throws if the upper-level lists run past the end. */
export function hnswLayout(buf: Buffer): HnswLayout {
  const header = readHnswHeader(buf);
  const level0Offset = HNSW_HEADER.size;
  const upperOffset = level0Offset + header.curElementCount * header.sizeDataPerElement;
  const upper: UpperLevelEntry[] = [];
  let pos = upperOffset;
  for (let i = 0; i < header.curElementCount; i++) {
    if (pos + 4 > buf.length) throw new RangeError(`element ${i}: linkListSize at ${pos} is past the end`);
    const size = buf.readUInt32LE(pos);
    upper.push({ sizeOffset: pos, size });
    pos += 4 + size;
  }
  return { header, level0Offset, upperOffset, upper, expectedSize: pos };
}

/** Offset of internal id `id`'s level-0 record. */
export function recordOffset(layout: HnswLayout, id: number): number {
  return layout.level0Offset + id * layout.header.sizeDataPerElement;
}

/** Bytes per upper-level block: a 4-byte header and maxM uint32 ids. */
export function upperBlockSize(header: HnswHeader): number {
  return header.maxM * 4 + 4;
}

/** A copy of the file with a uint64 field set. */
export function withU64(buf: Buffer, off: number, value: number | bigint): Buffer {
  const out = Buffer.from(buf);
  out.writeBigUInt64LE(BigInt(value), off);
  return out;
}

/** A copy of the file with a uint32 field set. */
export function withU32(buf: Buffer, off: number, value: number): Buffer {
  const out = Buffer.from(buf);
  out.writeUInt32LE(value >>> 0, off);
  return out;
}

/** A copy of the file with an int32 field set. */
export function withI32(buf: Buffer, off: number, value: number): Buffer {
  const out = Buffer.from(buf);
  out.writeInt32LE(value, off);
  return out;
}

/** A copy of the file with a uint16 field set. */
export function withU16(buf: Buffer, off: number, value: number): Buffer {
  const out = Buffer.from(buf);
  out.writeUInt16LE(value, off);
  return out;
}

/** Deterministic pseudo-random floats in [0, 1) (mulberry32), for reproducible test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** count rows of dim seeded random floats in [0, 1). */
export function randomVectors(count: number, dim: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = rand();
  return out;
}
