// Chooses the kernel set once per process, from the CPU's features, the OS's support for the wider registers
// and the HNSWKIT_SIMD override. Compiled for the baseline ISA: nothing here may execute a wider instruction.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "space/kernels.h"

// MSVC has its own intrinsics; GCC and Clang, mingw-w64's included (which also defines _M_X64), use <cpuid.h> and
// inline assembly.
#if defined(_MSC_VER) && !defined(__clang__) && defined(_M_X64)
#define HNSWKIT_MSVC_CPUID 1
#include <intrin.h>
#elif defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

// How each arm64 OS tells whether the CPU has the dot-product instructions (the neondot level).
#if defined(__aarch64__) || defined(_M_ARM64)
#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#elif defined(__linux__)
#include <sys/auxv.h>
#endif
#endif

namespace hnswkit {
namespace {

#if defined(__x86_64__) || defined(_M_X64)
struct X86Features {
  bool avx2_fma = false;     // with F16C, which every AVX2 CPU has and the avx2 level's f16 kernels use
  bool avx512 = false;       // F, BW and VL (every AVX-512 CPU since Skylake-SP), on top of avx2_fma
  bool avx512_vnni = false;  // on top of avx512
};

void cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
#ifdef HNSWKIT_MSVC_CPUID
  int r[4];
  __cpuidex(r, static_cast<int>(leaf), static_cast<int>(subleaf));
  for (int i = 0; i < 4; ++i) regs[i] = static_cast<unsigned>(r[i]);
#else
  __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
#endif
}

std::uint64_t xgetbv0() {
#ifdef HNSWKIT_MSVC_CPUID
  return _xgetbv(0);
#else
  std::uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
#endif
}

// The CPU must have the instructions and the OS must save the registers they use on a context switch (XCR0):
// a CPU with AVX-512 under an OS or hypervisor that does not enable it would fault on the first zmm access.
X86Features detect_x86() {
  X86Features f;
  unsigned regs[4];
  cpuid(0, 0, regs);
  const unsigned max_leaf = regs[0];
  if (max_leaf < 7) return f;
  cpuid(1, 0, regs);
  const bool osxsave = (regs[2] >> 27) & 1u;
  const bool avx = (regs[2] >> 28) & 1u;
  const bool fma = (regs[2] >> 12) & 1u;
  const bool f16c = (regs[2] >> 29) & 1u;
  if (!osxsave || !avx) return f;
  const std::uint64_t xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x6u) == 0x6u;
  const bool zmm_state = (xcr0 & 0xE6u) == 0xE6u;
  cpuid(7, 0, regs);
  const bool avx2 = (regs[1] >> 5) & 1u;
  const bool avx512f = (regs[1] >> 16) & 1u;
  const bool avx512bw = (regs[1] >> 30) & 1u;  // the i8 kernel's byte widening and the masked 8- and 16-bit loads
  const bool avx512vl = (regs[1] >> 31) & 1u;  // those masked loads into 256-bit registers
  const bool avx512vnni = (regs[2] >> 11) & 1u;
  f.avx2_fma = ymm_state && avx2 && fma && f16c;
  f.avx512 = zmm_state && avx512f && avx512bw && avx512vl && f.avx2_fma;
  f.avx512_vnni = f.avx512 && avx512vnni;
  return f;
}
#elif defined(__aarch64__) || defined(_M_ARM64)
// SDOT and UDOT (FEAT_DotProd, optional from Armv8.2), as the OS reports them; false where it cannot say.
bool detect_arm_dotprod() {
#if defined(_WIN32)
#ifndef PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE 43
#endif
  return IsProcessorFeaturePresent(PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE) != 0;
#elif defined(__APPLE__)
  int value = 0;
  std::size_t size = sizeof value;
  return sysctlbyname("hw.optional.arm.FEAT_DotProd", &value, &size, nullptr, 0) == 0 && value != 0;
#elif defined(__linux__)
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1UL << 20)
#endif
  return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#else
  return false;
#endif
}
#endif

const KernelSet* compiled_kernels(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return &kScalarKernels;
#if defined(__x86_64__) || defined(_M_X64)
    case SimdLevel::kSse:
      return &kSseKernels;
    case SimdLevel::kAvx2:
      return &kAvx2Kernels;
    case SimdLevel::kAvx512:
      return &kAvx512Kernels;
    case SimdLevel::kAvx512Vnni:
      return &kAvx512VnniKernels;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case SimdLevel::kNeon:
      return &kNeonKernels;
#ifdef HNSWKIT_NEON_DOT_KERNELS
    case SimdLevel::kNeonDot:
      return &kNeonDotKernels;
#endif
#endif
    default:
      return nullptr;
  }
}

bool cpu_supports(SimdLevel level) {
#if defined(__x86_64__) || defined(_M_X64)
  static const X86Features features = detect_x86();
  switch (level) {
    case SimdLevel::kScalar:
    case SimdLevel::kSse:
      return true;  // SSE2 is part of x86-64
    case SimdLevel::kAvx2:
      return features.avx2_fma;
    case SimdLevel::kAvx512:
      return features.avx512;
    case SimdLevel::kAvx512Vnni:
      return features.avx512_vnni;
    default:
      return false;
  }
#elif defined(__aarch64__) || defined(_M_ARM64)
  static const bool dotprod = detect_arm_dotprod();
  switch (level) {
    case SimdLevel::kScalar:
    case SimdLevel::kNeon:
      return true;  // NEON is part of AArch64
    case SimdLevel::kNeonDot:
      return dotprod;
    default:
      return false;
  }
#else
  return level == SimdLevel::kScalar;
#endif
}

// By level number (SimdLevel).
const char* const kLevelNames[] = {"scalar", "sse", "avx2", "avx512", "neon", "avx512vnni", "neondot"};

// The kernels in use, and why they are not the ones HNSWKIT_SIMD asked for ("" if they are, or if it asked for
// none). Trivially destructible, so it stays valid while the process exits. The engine prints nothing: the binding
// hands the warning to its host (lib/ emits a process warning).
struct Choice {
  const KernelSet* kernels;
  char warning[192];  // holds the longest sentence: a 64-character value, the list of names, "avx512vnni"
};

Choice choose() {
  static const SimdLevel kPreference[] = {SimdLevel::kAvx512Vnni, SimdLevel::kAvx512,  SimdLevel::kAvx2,
                                          SimdLevel::kSse,        SimdLevel::kNeonDot, SimdLevel::kNeon,
                                          SimdLevel::kScalar};
  Choice choice{nullptr, ""};
  for (SimdLevel level : kPreference) {
    if ((choice.kernels = kernels_for(level)) != nullptr) break;
  }
  const char* forced = std::getenv("HNSWKIT_SIMD");
  if (forced == nullptr || *forced == '\0') return choice;
  const char* problem = "is not one of scalar, sse, avx2, avx512, avx512vnni, neon, neondot";
  for (SimdLevel level : kPreference) {
    if (std::strcmp(forced, kLevelNames[static_cast<int>(level)]) != 0) continue;
    if (const KernelSet* set = kernels_for(level)) {
      choice.kernels = set;
      return choice;
    }
    problem = "is not available on this CPU or build";
    break;
  }
  // The value is cut at 64 characters, so the level in use always fits.
  std::snprintf(choice.warning, sizeof choice.warning, "HNSWKIT_SIMD=%.64s %s; using %s", forced, problem,
                choice.kernels->name);
  return choice;
}

const Choice& chosen() {
  static const Choice choice = choose();
  return choice;
}

}  // namespace

const KernelSet* kernels_for(SimdLevel level) {
  const KernelSet* set = compiled_kernels(level);
  return set != nullptr && cpu_supports(level) ? set : nullptr;
}

const KernelSet& active_kernels() { return *chosen().kernels; }

const char* simd_warning() { return chosen().warning; }

}  // namespace hnswkit
