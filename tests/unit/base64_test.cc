#include "common/base64.h"

#include <gtest/gtest.h>

namespace squall {
namespace {

TEST(Base64, FourVariantsOfOneInput) {
  const std::string input = "hello?>";
  EXPECT_EQ(base64_encode(input, Base64Variant::kStd), "aGVsbG8/Pg==");
  EXPECT_EQ(base64_encode(input, Base64Variant::kRawStd), "aGVsbG8/Pg");
  EXPECT_EQ(base64_encode(input, Base64Variant::kUrl), "aGVsbG8_Pg==");
  EXPECT_EQ(base64_encode(input, Base64Variant::kRawUrl), "aGVsbG8_Pg");
  for (auto v : {Base64Variant::kStd, Base64Variant::kRawStd, Base64Variant::kUrl, Base64Variant::kRawUrl}) {
    EXPECT_EQ(base64_decode(base64_encode(input, v), v), input);
  }
}

TEST(Base64, EveryLengthAndByteRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 260; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << i;
    bytes += static_cast<char>(i * 37);
  }
}

TEST(Base64, RejectsWhatIsNotBase64) {
  EXPECT_FALSE(base64_decode("aGVsbG8", Base64Variant::kStd));   // padding missing
  EXPECT_FALSE(base64_decode("aGV$bG8=", Base64Variant::kStd));  // not in the alphabet
  EXPECT_FALSE(base64_decode("aGVsbG8_Pg==", Base64Variant::kStd));
  EXPECT_FALSE(base64_decode("a", Base64Variant::kRawStd));
  EXPECT_EQ(parse_base64_variant("rawurl"), Base64Variant::kRawUrl);
  EXPECT_FALSE(parse_base64_variant("base32"));
}

}  // namespace
}  // namespace squall
