// Digest authentication against the RFC examples.
#include "net/digest_auth.h"

#include <gtest/gtest.h>

namespace squall::net {
namespace {

// RFC 2617 section 3.5: Mufasa / "Circle Of Life", response 6629fae49393a05397450978507c4ef1.
TEST(DigestAuth, AnswersRfc2617sExample) {
  auto challenge = parse_digest_challenge(
      "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->at("realm"), "testrealm@host.com");
  auto header = digest_authorization(*challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", "0a4f113b");
  ASSERT_TRUE(header);
  EXPECT_NE(header->find("response=\"6629fae49393a05397450978507c4ef1\""), std::string::npos) << *header;
  EXPECT_NE(header->find("qop=auth, nc=00000001, cnonce=\"0a4f113b\""), std::string::npos) << *header;
  EXPECT_NE(header->find("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), std::string::npos) << *header;
}

// RFC 7616 section 3.9.1: the same user with SHA-256 and its own nonce and cnonce.
TEST(DigestAuth, AnswersRfc7616sSha256Example) {
  auto challenge = parse_digest_challenge(
      "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
      "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  ASSERT_TRUE(challenge);
  auto header = digest_authorization(*challenge, "GET", "/dir/index.html", "Mufasa", "Circle of Life",
                                     "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  ASSERT_TRUE(header);
  EXPECT_NE(header->find("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""),
            std::string::npos)
      << *header;
}

TEST(DigestAuth, RefusesWhatItCannotAnswer) {
  EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\""));
  EXPECT_FALSE(parse_digest_challenge("Digest qop=auth"));  // no realm or nonce
  auto only_int = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"");
  ASSERT_TRUE(only_int);
  EXPECT_FALSE(digest_authorization(*only_int, "GET", "/", "u", "p", "c"));
  auto unknown = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(digest_authorization(*unknown, "GET", "/", "u", "p", "c"));
  auto plain = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\"");
  ASSERT_TRUE(plain);
  auto header = digest_authorization(*plain, "GET", "/", "u", "p", "c");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->find("qop"), std::string::npos);
}

}  // namespace
}  // namespace squall::net
