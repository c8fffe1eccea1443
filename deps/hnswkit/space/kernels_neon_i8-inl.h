// The loop of both NEON i8 kernels, included inside the anonymous namespace of space/kernels_neon.cc and
// space/kernels_neon_dot.cc after space/kernels-inl.h: the two differ only in the instruction that adds sixteen byte
// products to an int32x4 accumulator (`step`: SMULL and SADALP in the neon set, SDOT in the neondot one).
//
// Four accumulator chains over a step of 64 bytes, one cache line. Every partial sum is a sum of some of the n
// products, so within +-2^30 for n <= kMaxI8Elements: no lane overflows, whatever the order.

// Bytes [16 - remaining, 16) set, for remaining in [1, 16]: the tail reads the last sixteen bytes of each vector and
// zeroes those of a that were counted already, so their products vanish and nothing past either vector is read.
inline int8x16_t last_bytes(std::size_t remaining) {
  static const std::uint8_t kBytes[32] = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  return vreinterpretq_s8_u8(vld1q_u8(kBytes + remaining));
}

template <bool kAhead, typename Step>
std::int32_t dot_i8_steps(const std::int8_t* a, const std::int8_t* b, std::size_t n, const char* ahead, Step step) {
  int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0), acc2 = vdupq_n_s32(0), acc3 = vdupq_n_s32(0);
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_step<kAhead, 64, std::int8_t>(ahead, i);
    acc0 = step(acc0, vld1q_s8(a + i), vld1q_s8(b + i));
    acc1 = step(acc1, vld1q_s8(a + i + 16), vld1q_s8(b + i + 16));
    acc2 = step(acc2, vld1q_s8(a + i + 32), vld1q_s8(b + i + 32));
    acc3 = step(acc3, vld1q_s8(a + i + 48), vld1q_s8(b + i + 48));
  }
  prefetch_rest<kAhead, std::int8_t>(ahead, i, n);
  for (; i + 16 <= n; i += 16) acc0 = step(acc0, vld1q_s8(a + i), vld1q_s8(b + i));
  if (i < n && n >= 16) {
    acc1 = step(acc1, vandq_s8(vld1q_s8(a + n - 16), last_bytes(n - i)), vld1q_s8(b + n - 16));
    i = n;
  }
  return dot_i8_tail(a, b, i, n, vaddvq_s32(vaddq_s32(vaddq_s32(acc0, acc1), vaddq_s32(acc2, acc3))));
}
