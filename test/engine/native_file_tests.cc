// Engine test: the native index format (docs/format.md 6): CRC-32C against RFC 3720's vectors.
#include <cstring>

#include "engine_test.h"
#include "util/crc32c.h"

using namespace hnswkit;

namespace engine_test {
namespace {

// RFC 3720 appendix B.4, and the usual check value of "123456789"; pieces give the CRC of the whole.
void crc32c_vectors() {
  std::uint8_t zeros[32] = {}, ones[32], up[32], down[32];
  for (int i = 0; i < 32; ++i) {
    ones[i] = 0xFF;
    up[i] = static_cast<std::uint8_t>(i);
    down[i] = static_cast<std::uint8_t>(31 - i);
  }
  CHECK(crc32c(zeros, 32) == 0x8A9136AAu);
  CHECK(crc32c(ones, 32) == 0x62A8AB43u);
  CHECK(crc32c(up, 32) == 0x46DD794Eu);
  CHECK(crc32c(down, 32) == 0x113FDB5Cu);
  // The iSCSI read command PDU of B.4.
  const std::uint8_t read_pdu[48] = {0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                                     0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  CHECK(crc32c(read_pdu, sizeof read_pdu) == 0xD9963A56u);
  CHECK(crc32c("123456789", 9) == 0xE3069283u);
  CHECK(crc32c(nullptr, 0) == 0);
  const std::vector<float> data = make_data(100, 7, 3);
  const std::uint32_t whole = crc32c(data.data(), data.size() * 4);
  for (std::size_t cut : {0, 1, 7, 8, 13, 399, 2800}) {
    Crc32c pieces;
    pieces.update(data.data(), cut);
    pieces.update(reinterpret_cast<const char*>(data.data()) + cut, data.size() * 4 - cut);
    CHECK(pieces.value() == whole);
  }
}

}  // namespace

std::vector<TestCase> native_file_tests() {
  return {
      {"CRC-32C gives RFC 3720's values, in one piece or several", crc32c_vectors},
  };
}

}  // namespace engine_test
