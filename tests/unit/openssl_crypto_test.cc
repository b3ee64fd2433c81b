// common/openssl_crypto against published vectors (FIPS 180, RFC 4231, NIST SP 800-38A, the GCM
// specification, RFC 7914) and round trips for what has no fixed output (signatures, key pairs).
#include "common/openssl_crypto.h"

#include <gtest/gtest.h>

namespace squall::crypto {
namespace {

std::string hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view text) {
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(OpensslCrypto, DigestsAndHmacMatchPublishedVectors) {
  EXPECT_EQ(hex(digest("SHA-256", "abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(digest("SHA-1", "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(hmac("SHA-256", "Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hash_block_size("SHA-256"), 64u);
  EXPECT_EQ(hash_block_size("SHA-512"), 128u);
  try {
    digest("MD5", "abc");
    FAIL() << "MD5 is not a WebCrypto digest";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.kind(), "NotSupportedError");
  }
}

const std::string kKey = unhex("2b7e151628aed2a6abf7158809cf4f3c");
const std::string kBlock1 = unhex("6bc1bee22e409f96e93d7e117393172a");
const std::string kBlock2 = unhex("ae2d8a571e03ac9c9eb76fac45af8e51");

TEST(OpensslCrypto, AesCbcMatchesSp80038aAndPadsWithPkcs7) {
  const std::string iv = unhex("000102030405060708090a0b0c0d0e0f");
  const std::string sealed = aes_cbc(true, kKey, iv, kBlock1 + kBlock2);
  ASSERT_EQ(sealed.size(), 48u);  // two blocks and a block of padding
  EXPECT_EQ(hex(sealed.substr(0, 32)), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
  EXPECT_EQ(aes_cbc(false, kKey, iv, sealed), kBlock1 + kBlock2);
  EXPECT_THROW(aes_cbc(false, kKey, iv, sealed.substr(0, 32)), CryptoError);  // its padding is gone
}

TEST(OpensslCrypto, AesCtrMatchesSp80038aAndWrapsWithinItsCounterBits) {
  const std::string counter = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  const std::string sealed = aes_ctr(kKey, counter, 128, kBlock1 + kBlock2);
  EXPECT_EQ(hex(sealed), "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
  EXPECT_EQ(aes_ctr(kKey, counter, 64, sealed), kBlock1 + kBlock2);
  // With an 8-bit counter the second block's counter is ...fe00, not ...ff00: same first block only.
  const std::string narrow = aes_ctr(kKey, counter, 8, kBlock1 + kBlock2);
  EXPECT_EQ(narrow.substr(0, 16), sealed.substr(0, 16));
  EXPECT_NE(narrow.substr(16), sealed.substr(16));
  EXPECT_EQ(aes_ctr(kKey, counter, 8, narrow), kBlock1 + kBlock2);
}

TEST(OpensslCrypto, AesGcmMatchesTheSpecificationAndRefusesATamperedTag) {
  const std::string key(16, '\0'), iv(12, '\0'), plain(16, '\0');
  const std::string sealed = aes_gcm(true, key, iv, "", 128, plain);
  EXPECT_EQ(hex(sealed), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
  EXPECT_EQ(aes_gcm(false, key, iv, "", 128, sealed), plain);
  std::string tampered = sealed;
  tampered.back() = static_cast<char>(tampered.back() ^ 1);
  try {
    aes_gcm(false, key, iv, "", 128, tampered);
    FAIL() << "a tampered tag must not decrypt";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.kind(), "OperationError");
  }
  EXPECT_THROW(aes_gcm(false, key, iv, "other aad", 128, sealed), CryptoError);
  EXPECT_EQ(aes_gcm(true, key, iv, "", 96, plain).size(), 16u + 12u);
}

TEST(OpensslCrypto, Pbkdf2MatchesRfc7914) {
  EXPECT_EQ(hex(pbkdf2("SHA-256", "passwd", "salt", 1, 512)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_THROW(pbkdf2("SHA-256", "p", "s", 0, 256), CryptoError);
}

TEST(OpensslCrypto, EcdsaSignaturesAreRAndSOfTheCurvesSize) {
  for (const auto& [curve, size] : {std::pair<const char*, size_t>{"P-256", 64}, {"P-384", 96}, {"P-521", 132}}) {
    const KeyPair pair = generate_ec(curve);
    EXPECT_EQ(inspect_private(pair.private_pkcs8).curve, curve);
    EXPECT_EQ(inspect_public(pair.public_spki).kind, "EC");
    const std::string signature = ecdsa_sign("SHA-256", pair.private_pkcs8, "hello");
    EXPECT_EQ(signature.size(), size) << curve;
    EXPECT_TRUE(ecdsa_verify("SHA-256", pair.public_spki, signature, "hello"));
    EXPECT_FALSE(ecdsa_verify("SHA-256", pair.public_spki, signature, "hellO"));
    EXPECT_FALSE(ecdsa_verify("SHA-256", pair.public_spki, signature.substr(1), "hello"));
  }
}

TEST(OpensslCrypto, EcdhBothSidesAgreeAndTruncateToTheBitsAsked) {
  const KeyPair alice = generate_ec("P-256"), bob = generate_ec("P-256");
  const std::string a = ecdh(alice.private_pkcs8, bob.public_spki, 256);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, ecdh(bob.private_pkcs8, alice.public_spki, 256));
  EXPECT_EQ(ecdh(alice.private_pkcs8, bob.public_spki, 128), a.substr(0, 16));
  EXPECT_THROW(ecdh(alice.private_pkcs8, bob.public_spki, 512), CryptoError);
  EXPECT_THROW(ecdh(alice.private_pkcs8, generate_ec("P-384").public_spki, 0), CryptoError);
}

TEST(OpensslCrypto, RsaSignaturesAndOaepRoundTrip) {
  const KeyPair pair = generate_rsa(1024, unhex("010001"));
  const KeyInfo info = inspect_public(pair.public_spki);
  EXPECT_EQ(info.kind, "RSA");
  EXPECT_EQ(info.modulus_bits, 1024);
  EXPECT_EQ(hex(info.public_exponent), "010001");
  for (int salt : {-1, 32}) {
    const std::string signature = rsa_sign("SHA-256", pair.private_pkcs8, "data", salt);
    EXPECT_EQ(signature.size(), 128u);
    EXPECT_TRUE(rsa_verify("SHA-256", pair.public_spki, signature, "data", salt));
    EXPECT_FALSE(rsa_verify("SHA-256", pair.public_spki, signature, "date", salt));
  }
  const std::string sealed = rsa_oaep(true, "SHA-256", pair.public_spki, "label", "secret");
  EXPECT_EQ(rsa_oaep(false, "SHA-256", pair.private_pkcs8, "label", sealed), "secret");
  EXPECT_THROW(rsa_oaep(false, "SHA-256", pair.private_pkcs8, "other", sealed), CryptoError);
}

TEST(OpensslCrypto, JwkMembersRebuildTheSameKeys) {
  const KeyPair ec = generate_ec("P-384");
  const JwkFields ec_fields = jwk_fields(ec.private_pkcs8, true);
  EXPECT_EQ(ec_fields.at("x").size(), 48u);
  EXPECT_EQ(ec_fields.at("d").size(), 48u);
  const std::string rebuilt = der_of_jwk("P-384", ec_fields);
  const std::string signature = ecdsa_sign("SHA-384", rebuilt, "m");
  EXPECT_TRUE(ecdsa_verify("SHA-384", ec.public_spki, signature, "m"));
  EXPECT_EQ(der_of_jwk("P-384", jwk_fields(ec.public_spki, false)), ec.public_spki);

  const KeyPair rsa = generate_rsa(1024, unhex("010001"));
  const JwkFields rsa_fields = jwk_fields(rsa.private_pkcs8, true);
  EXPECT_EQ(rsa_fields.size(), 8u);
  const std::string rsa_rebuilt = der_of_jwk("", rsa_fields);
  EXPECT_TRUE(rsa_verify("SHA-256", rsa.public_spki, rsa_sign("SHA-256", rsa_rebuilt, "m", -1), "m", -1));

  JwkFields short_x = ec_fields;
  short_x["x"].pop_back();
  EXPECT_THROW(der_of_jwk("P-384", short_x), CryptoError);
}

TEST(OpensslCrypto, EcPointsAndBadKeyBytes) {
  const KeyPair pair = generate_ec("P-256");
  const std::string point = ec_point_of(pair.public_spki);
  ASSERT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], '\x04');
  EXPECT_EQ(ec_spki_of_point("P-256", point), pair.public_spki);
  try {
    inspect_private("not DER at all");
    FAIL() << "garbage must not parse as a key";
  } catch (const CryptoError& e) {
    EXPECT_EQ(e.kind(), "DataError");
  }
  EXPECT_THROW(inspect_public(""), CryptoError);
  EXPECT_THROW(ec_spki_of_point("P-256", point.substr(0, 40)), CryptoError);
  EXPECT_THROW(generate_ec("P-192"), CryptoError);
}

}  // namespace
}  // namespace squall::crypto
