// CRC-32C (Castagnoli), the checksum of the native index files (docs/format.md, section 6.4): portable software
// slice-by-8, no instruction-set extensions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hnswkit {

// The CRC-32C of n bytes following a CRC-32C `crc` of the bytes before them (0 for none): reflected polynomial
// 0x82F63B78, initial value and final XOR 0xFFFFFFFF, as in RFC 3720 (iSCSI) appendix B.4. So
// crc32c(b, crc32c(a, 0)) is the CRC of a followed by b.
std::uint32_t crc32c(const void* data, std::size_t n, std::uint32_t crc = 0);

// A CRC-32C over bytes given in pieces.
class Crc32c {
 public:
  void update(const void* data, std::size_t n) { value_ = crc32c(data, n, value_); }
  std::uint32_t value() const { return value_; }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace hnswkit
