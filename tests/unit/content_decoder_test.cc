#include "net/content_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace squall::net {
namespace {

constexpr size_t kLimit = size_t{1} << 20;

std::string compress(const std::string& in, int window_bits) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(in.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ContentDecoder, DecodesGzipZlibAndRawDeflate) {
  const std::string text(5000, 'x');
  for (auto [encoding, bits] : {std::pair{"gzip", 15 + 16}, std::pair{"deflate", 15}, std::pair{"deflate", -15}}) {
    std::string body = compress(text, bits), error;
    ASSERT_TRUE(decode_content(encoding, body, kLimit, error)) << encoding << bits << error;
    EXPECT_EQ(body, text);
  }
}

TEST(ContentDecoder, ReportsCorruptAndUnknown) {
  std::string body = "not gzip", error;
  EXPECT_FALSE(decode_content("gzip", body, kLimit, error));
  EXPECT_FALSE(error.empty());
  std::string truncated = compress(std::string(1000, 'y'), 31);
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(decode_content("gzip", truncated, kLimit, error));
  EXPECT_FALSE(decode_content("br", body, kLimit, error));
  std::string plain = "same";
  EXPECT_TRUE(decode_content("", plain, kLimit, error));
  EXPECT_TRUE(decode_content("identity", plain, kLimit, error));
  EXPECT_EQ(plain, "same");
}

TEST(ContentDecoder, StopsABombAtTheLimit) {
  // 64 MiB of zeros compress to ~64 KiB: the decoder gives up at the 1 MiB limit, not after.
  const std::string zeros(size_t{64} << 20, '\0');
  std::string bomb = compress(zeros, 15 + 16), error;
  const size_t compressed = bomb.size();
  EXPECT_FALSE(decode_content("gzip", bomb, kLimit, error));
  EXPECT_NE(error.find("decompression limit"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(kLimit)), std::string::npos) << error;
  EXPECT_EQ(bomb.size(), compressed);  // the body is left as it came
  std::string exact = compress(std::string(kLimit, 'z'), 15 + 16);
  EXPECT_TRUE(decode_content("gzip", exact, kLimit, error)) << error;
  EXPECT_EQ(exact.size(), kLimit);
}

}  // namespace
}  // namespace squall::net
