#include "net/content_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace squall::net {
namespace {

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
    ASSERT_TRUE(decode_content(encoding, body, error)) << encoding << bits << error;
    EXPECT_EQ(body, text);
  }
}

TEST(ContentDecoder, ReportsCorruptAndUnknown) {
  std::string body = "not gzip", error;
  EXPECT_FALSE(decode_content("gzip", body, error));
  EXPECT_FALSE(error.empty());
  std::string truncated = compress(std::string(1000, 'y'), 31);
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(decode_content("gzip", truncated, error));
  EXPECT_FALSE(decode_content("br", body, error));
  std::string plain = "same";
  EXPECT_TRUE(decode_content("", plain, error));
  EXPECT_TRUE(decode_content("identity", plain, error));
  EXPECT_EQ(plain, "same");
}

}  // namespace
}  // namespace squall::net
