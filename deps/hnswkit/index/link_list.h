// Reading and writing one link list of the HNSW graph (FORMAT.md 3.2/3.3): [u16 count][2 bytes][u32 ids...].
//
// Link lists are written under their element's lock and read without it, so the count is read and written as one
// atomic 16-bit access: a reader sees either the old or the new count, and every id below either is valid.
// For the engine's index/ files only; internal linkage gives each file its own copy.
#pragma once

#include <cstdint>

namespace hnswkit {
namespace {

inline std::uint16_t load_count(const std::uint8_t* header) {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_load_n(reinterpret_cast<const std::uint16_t*>(header), __ATOMIC_ACQUIRE);
#else
  return *reinterpret_cast<const volatile std::uint16_t*>(header);
#endif
}

inline void store_count(std::uint8_t* header, std::uint16_t count) {
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store_n(reinterpret_cast<std::uint16_t*>(header), count, __ATOMIC_RELEASE);
#else
  *reinterpret_cast<volatile std::uint16_t*>(header) = count;
#endif
}

inline const std::uint32_t* link_ids(const std::uint8_t* header) {
  return reinterpret_cast<const std::uint32_t*>(header + 4);
}

inline std::uint32_t* link_ids(std::uint8_t* header) { return reinterpret_cast<std::uint32_t*>(header + 4); }

}  // namespace
}  // namespace hnswkit
