// Reading and writing one link list of the HNSW graph (docs/format.md 2.3-2.4): [u16 count][2 bytes][u32 ids...].
//
// Link lists are written under their element's lock and read by searches without it, so every access to a count
// or an id is atomic (GCC/Clang __atomic builtins on the list's own bytes, which keep the file layout):
// - the count is a 16-bit release store and an acquire load, so a reader sees either the old or the new count,
//   and the ids below the count it loaded are at least as new as that count;
// - each id is a 32-bit release store (store_id) and, for a reader without the lock, an acquire load (load_id).
//   A reader that loads a freshly linked id goes on to read that element's vector, level and upper lists, which
//   its inserter wrote before linking it. The count alone cannot carry that order: connect() shrinks a full list
//   by rewriting its ids in place, and set_links() renews a live list, both while readers hold an older count. So
//   the id itself must be the release/acquire pair. Nothing weaker is correct in C++: the reader's next accesses
//   depend on the id only through an address (memory_order_consume, which compilers treat as acquire anyway).
//   On x86-64 both orders are plain MOVs, free; on AArch64 they are LDAR/STLR (LDAPR with RCpc), the cheapest
//   instructions that order the later loads.
// - Under the element's lock, ids are read with load_id_locked (relaxed): the lock already orders them after every
//   store to the list, and the writers' own ids need no further order.
// A reader may thus see a list mid-update: an id twice, or one that was just replaced. Every id it can see names a
// complete element, which is all a search needs. ThreadSanitizer checks all of this (scripts/test-tsan.sh).
// For the engine's index/ files only; internal linkage gives each file its own copy.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hnswkit {
namespace {

#if defined(__GNUC__) || defined(__clang__)
constexpr int kAcquire = __ATOMIC_ACQUIRE;
constexpr int kRelaxed = __ATOMIC_RELAXED;
#else
constexpr int kAcquire = 0;  // unused: volatile accesses
constexpr int kRelaxed = 0;
#endif

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

// The i-th id with the given memory order (__ATOMIC_ACQUIRE or __ATOMIC_RELAXED, see above); a template argument
// so that the builtin sees a constant at every optimisation level.
template <int Order>
inline std::uint32_t load_id_ordered(const std::uint8_t* header, std::size_t i) {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_load_n(link_ids(header) + i, Order);
#else
  return static_cast<const volatile std::uint32_t*>(link_ids(header))[i];
#endif
}

// The i-th id, for readers that do not hold the element's lock (searches).
inline std::uint32_t load_id(const std::uint8_t* header, std::size_t i) { return load_id_ordered<kAcquire>(header, i); }

// The i-th id, for the holder of the element's lock.
inline std::uint32_t load_id_locked(const std::uint8_t* header, std::size_t i) {
  return load_id_ordered<kRelaxed>(header, i);
}

// Writes the i-th id; the caller holds the element's lock.
inline void store_id(std::uint8_t* header, std::size_t i, std::uint32_t id) {
#if defined(__GNUC__) || defined(__clang__)
  __atomic_store_n(link_ids(header) + i, id, __ATOMIC_RELEASE);
#else
  static_cast<volatile std::uint32_t*>(link_ids(header))[i] = id;
#endif
}

}  // namespace
}  // namespace hnswkit
