// Reading and writing index files (docs/format.md), from and to paths or memory: hnswlib's formats for float32
// indexes, hnswkit's native format for f16 and i8 ones (6.1).
//
// Readers recognise either format by its first 8 bytes and validate every field against the input's size, the given
// space and each other before allocating, and throw Error(kCorruptFile) naming the field and the numbers; they never
// return a half-built index. File writers write a temporary file beside the target, flush and fsync it and rename it
// over the target, so a failure or a crash leaves the previous file in place; every failure throws Error(kIo). What a
// path may name (symbolic links, existing modes, special files) is described at AtomicFileWriter and FileReader in
// io/byte_io.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/brute_force.h"
#include "index/hierarchical_nsw.h"

namespace hnswkit {

// space: the metric and dimension the file must hold (a native file names both and must match; hnswlib's files name
// neither). convert false: the index keeps the file's precision (float32 for hnswlib's files, the header's for native
// ones); convert true: every stored vector is converted to space.precision() while it is read (6.7), and a value that
// precision cannot hold (beyond 65504 for f16, or not finite) throws Error(kOutOfRange).
// max_elements: the capacity wanted after loading; 0, or less than the stored count, keeps the file's capacity.
std::unique_ptr<HierarchicalNsw> read_hnsw_file(const std::string& path, const Space& space, bool convert,
                                                std::size_t max_elements, bool allow_replace_deleted);
std::unique_ptr<HierarchicalNsw> read_hnsw_buffer(const std::uint8_t* data, std::size_t size, const Space& space,
                                                  bool convert, std::size_t max_elements, bool allow_replace_deleted);
// A read-only index over the file mapped into memory (docs/format.md 4.8): opening reads the header and every
// element's upper-level lists only, so it takes milliseconds whatever the file's size, and the pages are the page
// cache's, shared with every process that maps the file. space and allow_replace_deleted as above; convert true
// with a file of another precision than space's throws Error(kInvalidArgument), since the bytes are used as they
// are. The index throws Error(kReadOnly) on any change, and Error(kCorruptFile) from a call that finds the file was
// truncated meanwhile (MappedFile); a file rewritten in place gives wrong answers, never a crash.
std::unique_ptr<HierarchicalNsw> map_hnsw_file(const std::string& path, const Space& space, bool convert,
                                               bool allow_replace_deleted);
// Writers use hnswlib's format for a float32 index, which Python hnswlib reads, and the native one for f16 and i8.
void write_hnsw_file(const HierarchicalNsw& index, const std::string& path);
std::vector<std::uint8_t> write_hnsw_buffer(const HierarchicalNsw& index);
// The exact byte size the writers produce now.
std::size_t hnsw_serialized_size(const HierarchicalNsw& index);

// space and convert as for read_hnsw_file; the capacity is the file's.
std::unique_ptr<BruteForce> read_brute_force_file(const std::string& path, const Space& space, bool convert);
std::unique_ptr<BruteForce> read_brute_force_buffer(const std::uint8_t* data, std::size_t size, const Space& space,
                                                    bool convert);
void write_brute_force_file(const BruteForce& index, const std::string& path);
std::vector<std::uint8_t> write_brute_force_buffer(const BruteForce& index);

}  // namespace hnswkit
