// Engine test: every distance kernel this machine can run against the scalar reference, one test per instruction
// set (scripts/test-cpus.sh greps the "ok   kernels" lines to show which ran), the i8 kernels and the f16
// conversions also against arithmetic references that share no code with them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "engine_test.h"
#include "space/kernels.h"

using namespace hnswkit;

namespace engine_test {
namespace {

void kernels_match_scalar(const KernelSet& set) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(-8, 8);
  for (std::size_t d = 1; d <= 1100; ++d) {
    // Exactly d floats each, so a kernel reading past the end is caught by the sanitizers.
    std::vector<float> a(d), b(d), ia(d), ib(d);
    for (std::size_t i = 0; i < d; ++i) {
      a[i] = real(rng);
      b[i] = real(rng);
      ia[i] = static_cast<float>(small(rng));
      ib[i] = static_cast<float>(small(rng));
    }
    const KernelFn pairs[2][2] = {{kScalarKernels.l2_squared, set.l2_squared}, {kScalarKernels.dot, set.dot}};
    for (const auto& pair : pairs) {
      const float want = pair[0](a.data(), b.data(), d), got = pair[1](a.data(), b.data(), d);
      // Both sums round differently; bound the error by the sum of magnitudes, which a cancelling dot needs.
      float magnitude = 0;
      for (std::size_t i = 0; i < d; ++i) magnitude += std::fabs(a[i] * b[i]) + (a[i] - b[i]) * (a[i] - b[i]);
      if (std::fabs(want - got) > 1e-5f * magnitude) {
        throw std::runtime_error("dimension " + std::to_string(d) + ": " + std::to_string(want) + " vs " +
                                 std::to_string(got));
      }
      // Integer-valued data below 2^24 sums exactly in any order.
      if (pair[0](ia.data(), ib.data(), d) != pair[1](ia.data(), ib.data(), d)) {
        throw std::runtime_error("integer data differs at dimension " + std::to_string(d));
      }
    }
  }
}

// The prefetching kernels only add prefetches: their sums must be bit for bit those of the plain kernels.
void ahead_kernels_match_plain(const KernelSet& set) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  for (std::size_t d = 1; d <= 1100; ++d) {
    std::vector<float> a(d), b(d), ahead(d);
    for (std::size_t i = 0; i < d; ++i) {
      a[i] = real(rng);
      b[i] = real(rng);
      ahead[i] = real(rng);
    }
    if (set.l2_squared_ahead(a.data(), b.data(), d, ahead.data()) != set.l2_squared(a.data(), b.data(), d) ||
        set.dot_ahead(a.data(), b.data(), d, ahead.data()) != set.dot(a.data(), b.data(), d)) {
      throw std::runtime_error("dimension " + std::to_string(d) + " differs");
    }
  }
}

// f16 vectors for the f16 kernels: n values drawn as floats and narrowed by the scalar set.
std::vector<std::uint16_t> to_f16_vector(const std::vector<float>& values) {
  std::vector<std::uint16_t> out(values.size());
  kScalarKernels.to_f16(values.data(), out.data(), values.size());
  return out;
}

// The float32 x f16 kernels against the scalar set, for every dimension 1..1100, each vector starting 0, 1 or 3
// elements past an aligned block (so 2-byte f16 vectors also start off a 4-byte boundary) and ending at its
// allocation's end, so a kernel reading past it is caught by the sanitizers. The scalar kernel is the scalar float32
// kernel on the query and the widened vector, bit for bit; _ahead gives the plain kernel's bits.
void f32_f16_kernels_match_scalar(const KernelSet& set) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(-8, 8);
  const std::size_t offsets[] = {0, 1, 3};
  for (std::size_t d = 1; d <= 1100; ++d) {
    for (std::size_t offset_a : offsets) {
      for (std::size_t offset_b : offsets) {
        std::vector<float> a(offset_a + d), b(offset_b + d), ia(offset_a + d), ib(offset_b + d), ahead(d);
        for (float& x : a) x = real(rng);
        for (float& x : b) x = real(rng);
        for (float& x : ia) x = static_cast<float>(small(rng));
        for (float& x : ib) x = static_cast<float>(small(rng));
        for (float& x : ahead) x = real(rng);
        const std::vector<std::uint16_t> hb = to_f16_vector(b), hib = to_f16_vector(ib), hahead = to_f16_vector(ahead);
        const float *pa = a.data() + offset_a, *pia = ia.data() + offset_a;
        const std::uint16_t *pb = hb.data() + offset_b, *pib = hib.data() + offset_b;
        std::vector<float> wide(d);
        kScalarKernels.from_f16(pb, wide.data(), d);
        float magnitude = 0;
        for (std::size_t i = 0; i < d; ++i)
          magnitude += std::fabs(pa[i] * wide[i]) + (pa[i] - wide[i]) * (pa[i] - wide[i]);
        const F32F16KernelFn pairs[2][2] = {{kScalarKernels.l2_squared_f32_f16, set.l2_squared_f32_f16},
                                            {kScalarKernels.dot_f32_f16, set.dot_f32_f16}};
        const F32F16AheadKernelFn ahead_forms[2] = {set.l2_squared_f32_f16_ahead, set.dot_f32_f16_ahead};
        const KernelFn widened[2] = {kScalarKernels.l2_squared, kScalarKernels.dot};
        for (int k = 0; k < 2; ++k) {
          const float want = pairs[k][0](pa, pb, d), got = pairs[k][1](pa, pb, d);
          if (want != widened[k](pa, wide.data(), d)) {
            throw std::runtime_error("scalar f32 x f16 kernel differs from float32 at dimension " + std::to_string(d));
          }
          if (std::fabs(want - got) > 1e-5f * magnitude) {
            throw std::runtime_error("dimension " + std::to_string(d) + " offsets " + std::to_string(offset_a) + "," +
                                     std::to_string(offset_b) + ": " + std::to_string(want) + " vs " +
                                     std::to_string(got));
          }
          if (ahead_forms[k](pa, pb, d, hahead.data()) != got) {
            throw std::runtime_error("prefetching kernel differs at dimension " + std::to_string(d));
          }
          if (pairs[k][0](pia, pib, d) != pairs[k][1](pia, pib, d)) {
            throw std::runtime_error("integer data differs at dimension " + std::to_string(d));
          }
        }
      }
    }
  }
}

// The i8 dot product in 64-bit arithmetic, sharing no code with the kernels.
std::int64_t reference_dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<std::int64_t>(a[i]) * b[i];
  return sum;
}

// Fills a and b with one of the i8 patterns: random bytes, or the extremes whose products are largest (-128 * -128,
// 127 * 127), most negative (-128 * 127), or alternate in sign from one element to the next.
void fill_i8(int pattern, std::mt19937& rng, std::int8_t* a, std::int8_t* b, std::size_t n) {
  std::uniform_int_distribution<int> byte(-128, 127);
  for (std::size_t i = 0; i < n; ++i) {
    std::int8_t x = 0, y = 0;
    switch (pattern) {
      case 0:
        x = static_cast<std::int8_t>(byte(rng));
        y = static_cast<std::int8_t>(byte(rng));
        break;
      case 1:
        x = y = -128;
        break;
      case 2:
        x = y = 127;
        break;
      case 3:
        x = -128;
        y = 127;
        break;
      default:
        x = static_cast<std::int8_t>(i % 2 == 0 ? -128 : 127);
        y = static_cast<std::int8_t>(i % 3 == 0 ? 127 : -128);
        break;
    }
    a[i] = x;
    b[i] = y;
  }
}
constexpr int kI8Patterns = 5;

// The i8 kernel against the scalar set and the 64-bit reference, exactly, for every length 1..1100 and with each
// vector starting 0, 1 or 3 bytes past an aligned block. Each vector ends at the end of its allocation, so a kernel
// reading past it is caught by the sanitizers.
void i8_kernels_match_scalar(const KernelSet& set) {
  std::mt19937 rng(11);
  const std::size_t offsets[] = {0, 1, 3};
  for (std::size_t d = 1; d <= 1100; ++d) {
    for (std::size_t offset_a : offsets) {
      for (std::size_t offset_b : offsets) {
        for (int pattern = 0; pattern < kI8Patterns; ++pattern) {
          std::vector<std::int8_t> a(offset_a + d), b(offset_b + d);
          const std::int8_t *pa = a.data() + offset_a, *pb = b.data() + offset_b;
          fill_i8(pattern, rng, a.data() + offset_a, b.data() + offset_b, d);
          const std::int64_t want = reference_dot_i8(pa, pb, d);
          const std::int32_t scalar = kScalarKernels.dot_i8(pa, pb, d), got = set.dot_i8(pa, pb, d);
          if (scalar != want || got != want) {
            throw std::runtime_error("length " + std::to_string(d) + " offsets " + std::to_string(offset_a) + "," +
                                     std::to_string(offset_b) + " pattern " + std::to_string(pattern) + ": " +
                                     std::to_string(got) + " (scalar " + std::to_string(scalar) + "), want " +
                                     std::to_string(want));
          }
        }
      }
    }
  }
}

// At the largest length the contract allows, where the extremes reach +-2^30.
void i8_kernels_exact_at_the_limit(const KernelSet& set) {
  std::mt19937 rng(13);
  const std::size_t lengths[] = {kMaxI8Elements, kMaxI8Elements - 1, kMaxI8Elements - 63};
  for (std::size_t d : lengths) {
    for (int pattern = 0; pattern < kI8Patterns; ++pattern) {
      std::vector<std::int8_t> a(d), b(d);
      fill_i8(pattern, rng, a.data(), b.data(), d);
      const std::int64_t want = reference_dot_i8(a.data(), b.data(), d);
      const std::int32_t got = set.dot_i8(a.data(), b.data(), d);
      const std::int32_t got_ahead = set.dot_i8_ahead(a.data(), b.data(), d, b.data());
      if (got != want || got_ahead != want) {
        throw std::runtime_error("length " + std::to_string(d) + " pattern " + std::to_string(pattern) + ": " +
                                 std::to_string(got) + " (ahead " + std::to_string(got_ahead) + "), want " +
                                 std::to_string(want));
      }
    }
  }
}

void i8_ahead_kernels_match_plain(const KernelSet& set) {
  std::mt19937 rng(15);
  for (std::size_t d = 1; d <= 1100; ++d) {
    std::vector<std::int8_t> a(d), b(d), ahead(d);
    fill_i8(0, rng, a.data(), b.data(), d);
    fill_i8(0, rng, ahead.data(), ahead.data(), d);
    if (set.dot_i8_ahead(a.data(), b.data(), d, ahead.data()) != set.dot_i8(a.data(), b.data(), d)) {
      throw std::runtime_error("length " + std::to_string(d) + " differs");
    }
  }
}

std::uint32_t bits_of(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

float float_of(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

bool is_f16_nan(std::uint16_t h) { return (h & 0x7FFFu) > 0x7C00u; }

// The value of a finite f16 from its fields, by arithmetic: (-1)^s * 2^(e-15) * (1 + m/1024), or 2^-14 * m/1024.
double f16_value(std::uint16_t h) {
  const int exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
  const double magnitude = exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(1024 + mantissa, exponent - 25);
  return (h & 0x8000u) != 0 ? -magnitude : magnitude;
}

// Round to nearest, ties to even, by search: the two finite f16 values around |x| (their bit patterns ascend with
// their values), the nearer one, on a tie the one with an even pattern; past 65504, infinity from 65520 (where
// the next step of the format would be 65536).
std::uint16_t reference_to_f16(float x) {
  const auto sign = static_cast<std::uint16_t>(std::signbit(x) ? 0x8000u : 0u);
  const double v = std::fabs(static_cast<double>(x));
  if (v >= 65520.0) return static_cast<std::uint16_t>(sign | 0x7C00u);
  std::uint16_t lo = 0, hi = 0x7BFF;  // the largest pattern whose value is <= v
  while (lo < hi) {
    const auto mid = static_cast<std::uint16_t>((lo + hi + 1) / 2);
    if (f16_value(mid) <= v) {
      lo = mid;
    } else {
      hi = static_cast<std::uint16_t>(mid - 1);
    }
  }
  std::uint16_t best = lo;
  if (lo < 0x7BFF || v > 65504.0) {
    const double below = v - f16_value(lo), above = f16_value(static_cast<std::uint16_t>(lo + 1)) - v;
    if (above < below || (above == below && (lo & 1u) != 0)) best = static_cast<std::uint16_t>(lo + 1);
  }
  return static_cast<std::uint16_t>(sign | best);
}

// Every one of the 65536 patterns widens to its arithmetic value (NaNs to NaNs), identically in every set, and
// narrows back to itself (a NaN to a NaN).
void f16_round_trips_every_pattern(const KernelSet& set) {
  std::vector<std::uint16_t> all(65536), back(65536);
  for (std::size_t h = 0; h < all.size(); ++h) all[h] = static_cast<std::uint16_t>(h);
  std::vector<float> wide(65536), reference(65536);
  // Odd lengths and offsets reach the vector loops and the tails.
  set.from_f16(all.data(), wide.data(), 65536);
  kScalarKernels.from_f16(all.data() + 5, reference.data() + 5, 65531);
  kScalarKernels.from_f16(all.data(), reference.data(), 5);
  for (std::size_t h = 0; h < all.size(); ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const bool nan = is_f16_nan(bits);
    if (nan) {
      if (!std::isnan(wide[h]) || std::signbit(wide[h]) != ((h & 0x8000u) != 0) ||
          bits_of(wide[h]) != bits_of(reference[h])) {
        throw std::runtime_error("NaN pattern " + std::to_string(h) + " widens to " + std::to_string(bits_of(wide[h])));
      }
    } else {
      const bool infinite = (h & 0x7FFFu) == 0x7C00u;
      const double want = infinite ? ((h & 0x8000u) != 0 ? -HUGE_VAL : HUGE_VAL) : f16_value(bits);
      if (static_cast<double>(wide[h]) != want || std::signbit(wide[h]) != ((h & 0x8000u) != 0) ||
          bits_of(wide[h]) != bits_of(reference[h])) {
        throw std::runtime_error("pattern " + std::to_string(h) + " widens to " + std::to_string(wide[h]));
      }
    }
  }
  set.to_f16(wide.data() + 3, back.data() + 3, 65533);
  set.to_f16(wide.data(), back.data(), 3);
  for (std::size_t h = 0; h < all.size(); ++h) {
    const bool ok = is_f16_nan(all[h]) ? is_f16_nan(back[h]) && (back[h] & 0x8000u) == (h & 0x8000u)
                                       : back[h] == all[h];
    if (!ok) throw std::runtime_error("pattern " + std::to_string(h) + " comes back as " + std::to_string(back[h]));
  }
}

// Narrowing against reference_to_f16 on a sweep of floats: every f16 value, the midpoints between neighbours (the
// ties) and the floats just either side of each, float subnormals, the overflow edge around 65504 and 65520,
// infinities, NaNs, and a stride through all 2^32 patterns; each with both signs. NaNs must stay NaNs with their
// sign, with the scalar set's bits.
void f16_narrowing_rounds_to_nearest_even(const KernelSet& set) {
  std::vector<float> sweep;
  for (std::uint32_t h = 0; h <= 0x7BFF; ++h) {
    const double value = f16_value(static_cast<std::uint16_t>(h));
    sweep.push_back(static_cast<float>(value));
    const double tie = h < 0x7BFF ? (value + f16_value(static_cast<std::uint16_t>(h + 1))) / 2 : 65520.0;
    const auto tie_float = static_cast<float>(tie);  // at most 12 significant bits: exact
    sweep.push_back(tie_float);
    sweep.push_back(std::nextafter(tie_float, 0.0f));
    sweep.push_back(std::nextafter(tie_float, HUGE_VALF));
  }
  for (std::uint32_t bits = 0; bits < 0x1000; ++bits) sweep.push_back(float_of(bits));  // float subnormals
  for (std::uint32_t bits = 0x32FFFF00u; bits < 0x33000100u; ++bits) sweep.push_back(float_of(bits));  // 2^-25
  for (std::uint32_t bits = 0x477FE000u; bits < 0x47801000u; ++bits) sweep.push_back(float_of(bits));  // 65504..
  sweep.push_back(HUGE_VALF);
  sweep.push_back(std::numeric_limits<float>::max());
  for (std::uint64_t bits = 0; bits <= 0xFFFFFFFFull; bits += 4093) {
    sweep.push_back(float_of(static_cast<std::uint32_t>(bits)));
  }
  const std::size_t positives = sweep.size();
  for (std::size_t i = 0; i < positives; ++i) sweep.push_back(-sweep[i]);
  const std::uint32_t nans[] = {0x7FC00000u, 0x7F800001u, 0x7FBFFFFFu, 0x7FFFFFFFu, 0x7FA00000u, 0x7F802000u};
  for (std::uint32_t bits : nans) {
    sweep.push_back(float_of(bits));
    sweep.push_back(float_of(bits | 0x80000000u));
  }
  std::vector<std::uint16_t> got(sweep.size()), scalar(sweep.size());
  set.to_f16(sweep.data(), got.data(), sweep.size());
  kScalarKernels.to_f16(sweep.data(), scalar.data(), sweep.size());
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    const float x = sweep[i];
    const bool ok = std::isnan(x)
                        ? is_f16_nan(got[i]) && ((got[i] & 0x8000u) != 0) == std::signbit(x) && got[i] == scalar[i]
                        : got[i] == reference_to_f16(x);
    if (!ok) {
      throw std::runtime_error("float bits " + std::to_string(bits_of(x)) + " narrow to " + std::to_string(got[i]) +
                               ", want " + std::to_string(std::isnan(x) ? scalar[i] : reference_to_f16(x)));
    }
  }
}

}  // namespace

// Every level, the scalar one first; kernels_for() leaves out those this binary lacks or this CPU cannot run.
constexpr SimdLevel kLevels[] = {SimdLevel::kScalar,     SimdLevel::kSse,  SimdLevel::kAvx2,   SimdLevel::kAvx512,
                                 SimdLevel::kAvx512Vnni, SimdLevel::kNeon, SimdLevel::kNeonDot};

// Whether HNSWKIT_SIMD names a level and the process uses it.
bool simd_forced() {
  const char* forced = std::getenv("HNSWKIT_SIMD");
  return forced != nullptr && *forced != '\0' && *simd_warning() == '\0';
}

// Unless HNSWKIT_SIMD chose it, the process uses the first level of space/dispatch.cc's preference order that this
// CPU runs (the test's name shows which, for scripts/test-cpus.sh).
void active_kernels_are_the_best() {
  const SimdLevel preference[] = {SimdLevel::kAvx512Vnni, SimdLevel::kAvx512, SimdLevel::kAvx2,  SimdLevel::kSse,
                                  SimdLevel::kNeonDot,    SimdLevel::kNeon,   SimdLevel::kScalar};
  const KernelSet& active = active_kernels();
  if (kernels_for(active.level) != &active) throw std::runtime_error(std::string(active.name) + " is not runnable");
  if (simd_forced()) return;
  for (SimdLevel level : preference) {
    if (const KernelSet* set = kernels_for(level)) {
      if (set != &active) throw std::runtime_error(std::string("uses ") + active.name + ", not " + set->name);
      return;
    }
  }
}

std::vector<TestCase> kernel_tests() {
  std::vector<TestCase> tests;
  tests.push_back({std::string("kernels in use: ") + active_kernels().name +
                       (simd_forced() ? ", as HNSWKIT_SIMD asks" : ", the best level this CPU runs"),
                   [] { active_kernels_are_the_best(); }});
  for (SimdLevel level : kLevels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr || level == SimdLevel::kScalar) continue;
    tests.push_back({std::string("kernels ") + set->name + " match scalar for every dimension 1..1100",
                     [set] { kernels_match_scalar(*set); }});
  }
  for (SimdLevel level : kLevels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    tests.push_back({std::string("kernels ") + set->name + " give the same bits with prefetch ahead, for 1..1100",
                     [set] { ahead_kernels_match_plain(*set); }});
  }
  for (SimdLevel level : kLevels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    tests.push_back({std::string("kernels ") + set->name +
                         " i8 match scalar exactly for 1..1100 at offsets 0, 1, 3, random and extreme bytes",
                     [set] { i8_kernels_match_scalar(*set); }});
    tests.push_back({std::string("kernels ") + set->name + " i8 stay exact at 65536 elements with extreme bytes",
                     [set] { i8_kernels_exact_at_the_limit(*set); }});
    tests.push_back({std::string("kernels ") + set->name + " i8 give the same sum with prefetch ahead, for 1..1100",
                     [set] { i8_ahead_kernels_match_plain(*set); }});
  }
  for (SimdLevel level : kLevels) {
    const KernelSet* set = kernels_for(level);
    if (set == nullptr) continue;
    tests.push_back({std::string("kernels ") + set->name +
                         " f32 x f16 match scalar for 1..1100 at offsets 0, 1, 3, and with prefetch ahead",
                     [set] { f32_f16_kernels_match_scalar(*set); }});
    tests.push_back({std::string("kernels ") + set->name + " f16 widen and narrow back all 65536 patterns",
                     [set] { f16_round_trips_every_pattern(*set); }});
    tests.push_back(
        {std::string("kernels ") + set->name + " f16 narrowing rounds to nearest even, ties, subnormals, overflow",
         [set] { f16_narrowing_rounds_to_nearest_even(*set); }});
  }
  return tests;
}

}  // namespace engine_test
