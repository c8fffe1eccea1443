'use strict';
// Seeded test vectors for the helper scripts that run as plain Node child processes (the TypeScript tests use
// seededRandom in index-file.ts, the same generator).

/** count*dim seeded pseudo-random floats in [0, 1) (mulberry32). */
function randomVectors(count, dim, seed) {
  let a = seed >>> 0;
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}

module.exports = { randomVectors };
