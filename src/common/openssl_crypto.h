// Cryptographic operations on OpenSSL with bytes in and bytes out, for WebCrypto (k6's global
// `crypto.subtle`) and any script runtime that needs the same. Asymmetric keys travel as DER:
// PKCS#8 for private keys, SubjectPublicKeyInfo for public ones. Every failure throws CryptoError
// naming the WebCrypto error class it maps to (DataError for bad key bytes, OperationError for a
// failed operation, NotSupportedError for an unknown algorithm or curve).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace squall::crypto {

class CryptoError : public std::runtime_error {
 public:
  CryptoError(std::string kind, const std::string& message) : std::runtime_error(message), kind_(std::move(kind)) {}
  // "DataError", "OperationError", "NotSupportedError", "InvalidAccessError".
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

// Hash names as WebCrypto spells them: SHA-1, SHA-256, SHA-384, SHA-512.
std::string digest(std::string_view hash, std::string_view data);
std::string hmac(std::string_view hash, std::string_view key, std::string_view data);
// The block size of `hash` in bytes (an HMAC key's default length).
size_t hash_block_size(std::string_view hash);
std::string random_bytes(size_t count);

// AES. CBC pads with PKCS#7; CTR increments the rightmost `counter_bits` of the counter block,
// wrapping within them; GCM appends (encrypt) or checks and strips (decrypt) a tag of `tag_bits`.
std::string aes_cbc(bool encrypt, std::string_view key, std::string_view iv, std::string_view data);
std::string aes_ctr(std::string_view key, std::string_view counter, int counter_bits, std::string_view data);
std::string aes_gcm(bool encrypt, std::string_view key, std::string_view iv, std::string_view additional_data,
                    int tag_bits, std::string_view data);

struct KeyPair {
  std::string private_pkcs8;
  std::string public_spki;
};
// Curves as WebCrypto names them: P-256, P-384, P-521.
KeyPair generate_ec(std::string_view curve);
KeyPair generate_rsa(int modulus_bits, std::string_view public_exponent);

// What a DER key holds. `curve` for EC keys; `modulus_bits` and `public_exponent` for RSA ones.
struct KeyInfo {
  std::string kind;  // "EC" or "RSA"
  std::string curve;
  int modulus_bits = 0;
  std::string public_exponent;  // big-endian bytes
};
KeyInfo inspect_private(std::string_view pkcs8);
KeyInfo inspect_public(std::string_view spki);

// ECDSA signatures in WebCrypto's form: r || s, each as long as the curve's order.
std::string ecdsa_sign(std::string_view hash, std::string_view pkcs8, std::string_view data);
bool ecdsa_verify(std::string_view hash, std::string_view spki, std::string_view signature, std::string_view data);
// RSASSA-PKCS1-v1_5 when salt_length < 0, RSA-PSS with that salt length otherwise.
std::string rsa_sign(std::string_view hash, std::string_view pkcs8, std::string_view data, int salt_length);
bool rsa_verify(std::string_view hash, std::string_view spki, std::string_view signature, std::string_view data,
                int salt_length);
std::string rsa_oaep(bool encrypt, std::string_view hash, std::string_view der, std::string_view label,
                     std::string_view data);
// The first `bits` of the ECDH shared secret.
std::string ecdh(std::string_view pkcs8, std::string_view peer_spki, size_t bits);
std::string pbkdf2(std::string_view hash, std::string_view password, std::string_view salt, unsigned iterations,
                   size_t bits);

// EC public keys as raw uncompressed points (0x04 || x || y).
std::string ec_point_of(std::string_view spki);
std::string ec_spki_of_point(std::string_view curve, std::string_view point);

// JWK members as raw bytes (not yet base64url): x, y, d for EC; n, e, d, p, q, dp, dq, qi for RSA.
// `is_private` keys have d (and the RSA factors).
using JwkFields = std::map<std::string, std::string>;
JwkFields jwk_fields(std::string_view der, bool is_private);
// A DER key (PKCS#8 when `fields` has d, SPKI otherwise) from JWK members; `curve` for EC ("" for RSA).
std::string der_of_jwk(std::string_view curve, const JwkFields& fields);

}  // namespace squall::crypto
