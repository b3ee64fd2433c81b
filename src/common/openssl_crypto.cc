#include "common/openssl_crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <memory>
#include <vector>

namespace squall::crypto {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// OpenSSL's reason for the last failure, or `fallback`.
std::string openssl_reason(const char* fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

[[noreturn]] void fail(const char* kind, const char* what) {
  throw CryptoError(kind, std::string(what) + ": " + openssl_reason("failed"));
}
void check(int ok, const char* what) {
  if (ok <= 0) fail("OperationError", what);
}

const EVP_MD* md_of(std::string_view hash) {
  if (hash == "SHA-1") return EVP_sha1();
  if (hash == "SHA-256") return EVP_sha256();
  if (hash == "SHA-384") return EVP_sha384();
  if (hash == "SHA-512") return EVP_sha512();
  throw CryptoError("NotSupportedError",
                    "unsupported hash '" + std::string(hash) + "' (SHA-1, SHA-256, SHA-384, SHA-512)");
}

// OpenSSL's group name of a WebCrypto curve, and back.
const char* group_of(std::string_view curve) {
  if (curve == "P-256") return "prime256v1";
  if (curve == "P-384") return "secp384r1";
  if (curve == "P-521") return "secp521r1";
  throw CryptoError("NotSupportedError", "unsupported curve '" + std::string(curve) + "' (P-256, P-384, P-521)");
}
std::string curve_of_group(std::string_view group) {
  if (group == "prime256v1" || group == "P-256") return "P-256";
  if (group == "secp384r1" || group == "P-384") return "P-384";
  if (group == "secp521r1" || group == "P-521") return "P-521";
  return std::string(group);
}
size_t field_bytes(std::string_view curve) { return curve == "P-256" ? 32 : curve == "P-384" ? 48 : 66; }

const EVP_CIPHER* aes_cipher(std::string_view mode, size_t key_size) {
  const bool cbc = mode == "cbc", gcm = mode == "gcm";
  switch (key_size) {
    case 16: return cbc ? EVP_aes_128_cbc() : gcm ? EVP_aes_128_gcm() : EVP_aes_128_ecb();
    case 24: return cbc ? EVP_aes_192_cbc() : gcm ? EVP_aes_192_gcm() : EVP_aes_192_ecb();
    case 32: return cbc ? EVP_aes_256_cbc() : gcm ? EVP_aes_256_gcm() : EVP_aes_256_ecb();
    default: throw CryptoError("DataError", "an AES key has 16, 24 or 32 bytes, not " + std::to_string(key_size));
  }
}

Owned<EVP_PKEY> private_key(std::string_view pkcs8) {
  const unsigned char* p = bytes(pkcs8);
  Owned<PKCS8_PRIV_KEY_INFO> info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size())));
  if (!info) fail("DataError", "not a PKCS #8 private key");
  Owned<EVP_PKEY> key(EVP_PKCS82PKEY(info.get()));
  if (!key) fail("DataError", "not a usable PKCS #8 private key");
  return key;
}
Owned<EVP_PKEY> public_key(std::string_view spki) {
  const unsigned char* p = bytes(spki);
  Owned<EVP_PKEY> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key) fail("DataError", "not a SubjectPublicKeyInfo public key");
  return key;
}
std::string pkcs8_of(EVP_PKEY* key) {
  Owned<PKCS8_PRIV_KEY_INFO> info(EVP_PKEY2PKCS8(key));
  if (!info) fail("OperationError", "PKCS #8 export");
  unsigned char* out = nullptr;
  const int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out);
  if (n <= 0) fail("OperationError", "PKCS #8 export");
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}
std::string spki_of(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  const int n = i2d_PUBKEY(key, &out);
  if (n <= 0) fail("OperationError", "SubjectPublicKeyInfo export");
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

KeyInfo info_of(EVP_PKEY* key) {
  KeyInfo info;
  if (EVP_PKEY_is_a(key, "EC")) {
    info.kind = "EC";
    char group[64] = {};
    size_t length = 0;
    check(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length),
          "EC key curve");
    info.curve = curve_of_group(group);
  } else if (EVP_PKEY_is_a(key, "RSA")) {
    info.kind = "RSA";
    info.modulus_bits = EVP_PKEY_get_bits(key);
    BIGNUM* e = nullptr;
    check(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e), "RSA public exponent");
    Owned<BIGNUM> exponent(e);
    info.public_exponent.resize(static_cast<size_t>(BN_num_bytes(e)));
    BN_bn2bin(e, reinterpret_cast<unsigned char*>(info.public_exponent.data()));
  } else {
    throw CryptoError("NotSupportedError", "the key is neither EC nor RSA");
  }
  return info;
}

std::string bn_param(EVP_PKEY* key, const char* name, size_t pad_to) {
  BIGNUM* value = nullptr;
  check(EVP_PKEY_get_bn_param(key, name, &value), name);
  Owned<BIGNUM> owned(value);
  const size_t size = std::max(pad_to, static_cast<size_t>(BN_num_bytes(value)));
  std::string out(size, '\0');
  BN_bn2binpad(value, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size));
  return out;
}

Owned<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* builder, bool is_private) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    fail("DataError", "the JWK does not describe a valid key");
  }
  return Owned<EVP_PKEY>(key);
}

const std::string& member(const JwkFields& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty())
    throw CryptoError("DataError", std::string("the JWK has no '") + name + "' member");
  return it->second;
}

// `bn` as a BIGNUM pushed onto `builder` (it keeps the pointer: `keep` holds it until the build).
void push_bn(OSSL_PARAM_BLD* builder, const char* name, std::string_view big_endian, std::vector<Owned<BIGNUM>>& keep) {
  keep.emplace_back(BN_bin2bn(bytes(big_endian), static_cast<int>(big_endian.size()), nullptr));
  check(OSSL_PARAM_BLD_push_BN(builder, name, keep.back().get()), name);
}

std::string sign_with(EVP_PKEY* key, std::string_view hash, std::string_view data, int rsa_padding, int salt) {
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  check(EVP_DigestSignInit(ctx.get(), &pctx, md_of(hash), nullptr, key), "sign");
  if (rsa_padding) {
    check(EVP_PKEY_CTX_set_rsa_padding(pctx, rsa_padding), "RSA padding");
    if (rsa_padding == RSA_PKCS1_PSS_PADDING) check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt), "PSS salt length");
  }
  size_t size = 0;
  check(EVP_DigestSign(ctx.get(), nullptr, &size, bytes(data), data.size()), "sign");
  std::string out(size, '\0');
  check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, bytes(data), data.size()),
        "sign");
  out.resize(size);
  return out;
}

bool verify_with(EVP_PKEY* key, std::string_view hash, std::string_view signature, std::string_view data,
                 int rsa_padding, int salt) {
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  check(EVP_DigestVerifyInit(ctx.get(), &pctx, md_of(hash), nullptr, key), "verify");
  if (rsa_padding) {
    check(EVP_PKEY_CTX_set_rsa_padding(pctx, rsa_padding), "RSA padding");
    if (rsa_padding == RSA_PKCS1_PSS_PADDING) check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt), "PSS salt length");
  }
  const int ok = EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(data), data.size());
  ERR_clear_error();
  return ok == 1;
}

}  // namespace

std::string digest(std::string_view hash, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  check(EVP_Digest(data.data(), data.size(), out, &n, md_of(hash), nullptr), "digest");
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string hmac(std::string_view hash, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(md_of(hash), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), out, &n))
    fail("OperationError", "HMAC");
  return std::string(reinterpret_cast<char*>(out), n);
}

size_t hash_block_size(std::string_view hash) { return static_cast<size_t>(EVP_MD_get_block_size(md_of(hash))); }

std::string random_bytes(size_t count) {
  std::string out(count, '\0');
  check(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)), "random bytes");
  return out;
}

std::string aes_cbc(bool encrypt, std::string_view key, std::string_view iv, std::string_view data) {
  if (iv.size() != 16) throw CryptoError("OperationError", "AES-CBC needs a 16-byte iv");
  Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  check(EVP_CipherInit_ex(ctx.get(), aes_cipher("cbc", key.size()), nullptr, bytes(key), bytes(iv), encrypt ? 1 : 0),
        "AES-CBC");
  std::string out(data.size() + 16, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  check(EVP_CipherUpdate(ctx.get(), o, &n, bytes(data), static_cast<int>(data.size())), "AES-CBC");
  check(EVP_CipherFinal_ex(ctx.get(), o + n, &tail), encrypt ? "AES-CBC" : "AES-CBC decryption (bad padding)");
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

std::string aes_ctr(std::string_view key, std::string_view counter, int counter_bits, std::string_view data) {
  if (counter.size() != 16) throw CryptoError("OperationError", "AES-CTR needs a 16-byte counter");
  if (counter_bits < 1 || counter_bits > 128)
    throw CryptoError("OperationError", "AES-CTR's length is between 1 and 128 bits");
  Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  check(EVP_EncryptInit_ex(ctx.get(), aes_cipher("ecb", key.size()), nullptr, bytes(key), nullptr), "AES-CTR");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  std::array<unsigned char, 16> block{};
  std::copy(counter.begin(), counter.end(), block.begin());
  std::string out(data);
  for (size_t at = 0; at < out.size(); at += 16) {
    std::array<unsigned char, 16> stream{};
    int n = 0;
    check(EVP_EncryptUpdate(ctx.get(), stream.data(), &n, block.data(), 16), "AES-CTR");
    for (size_t i = 0; i < 16 && at + i < out.size(); ++i) out[at + i] = static_cast<char>(out[at + i] ^ stream[i]);
    // Increment the rightmost counter_bits of the block, wrapping within them.
    int bits_left = counter_bits;
    for (int i = 15; i >= 0 && bits_left > 0; --i, bits_left -= 8) {
      const unsigned mask = bits_left >= 8 ? 0xffu : ((1u << bits_left) - 1u);
      const unsigned low = (block[static_cast<size_t>(i)] & mask) + 1u;
      block[static_cast<size_t>(i)] =
          static_cast<unsigned char>((block[static_cast<size_t>(i)] & ~mask) | (low & mask));
      if ((low & mask) != 0) break;  // no carry
    }
  }
  return out;
}

std::string aes_gcm(bool encrypt, std::string_view key, std::string_view iv, std::string_view additional_data,
                    int tag_bits, std::string_view data) {
  if (tag_bits != 32 && tag_bits != 64 && (tag_bits < 96 || tag_bits > 128 || tag_bits % 8))
    throw CryptoError("OperationError", "AES-GCM's tagLength is 32, 64, 96, 104, 112, 120 or 128");
  if (iv.empty()) throw CryptoError("OperationError", "AES-GCM needs an iv");
  const size_t tag_size = static_cast<size_t>(tag_bits / 8);
  if (!encrypt && data.size() < tag_size) throw CryptoError("OperationError", "AES-GCM data shorter than its tag");
  Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  check(EVP_CipherInit_ex(ctx.get(), aes_cipher("gcm", key.size()), nullptr, nullptr, nullptr, encrypt ? 1 : 0),
        "AES-GCM");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr), "AES-GCM iv");
  check(EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(iv), encrypt ? 1 : 0), "AES-GCM");
  int n = 0;
  if (!additional_data.empty())
    check(EVP_CipherUpdate(ctx.get(), nullptr, &n, bytes(additional_data), static_cast<int>(additional_data.size())),
          "AES-GCM additional data");
  const std::string_view body = encrypt ? data : data.substr(0, data.size() - tag_size);
  std::string out(body.size() + tag_size, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  check(EVP_CipherUpdate(ctx.get(), o, &n, bytes(body), static_cast<int>(body.size())), "AES-GCM");
  if (!encrypt) {
    std::string tag(data.substr(body.size()));
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()), "AES-GCM tag");
  }
  int tail = 0;
  if (EVP_CipherFinal_ex(ctx.get(), o + n, &tail) <= 0) {
    ERR_clear_error();
    throw CryptoError("OperationError", "AES-GCM: the data or its tag is not authentic");
  }
  if (!encrypt) {
    out.resize(static_cast<size_t>(n + tail));
    return out;
  }
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), o + n + tail), "AES-GCM tag");
  out.resize(static_cast<size_t>(n + tail) + tag_size);
  return out;
}

KeyPair generate_ec(std::string_view curve) {
  Owned<EVP_PKEY> key(EVP_EC_gen(group_of(curve)));
  if (!key) fail("OperationError", "EC key generation");
  return {pkcs8_of(key.get()), spki_of(key.get())};
}

KeyPair generate_rsa(int modulus_bits, std::string_view public_exponent) {
  if (modulus_bits < 512 || modulus_bits > 16384)
    throw CryptoError("OperationError", "RSA modulusLength must be between 512 and 16384");
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  Owned<BIGNUM> exponent(BN_bin2bn(bytes(public_exponent), static_cast<int>(public_exponent.size()), nullptr));
  check(ctx ? EVP_PKEY_keygen_init(ctx.get()) : 0, "RSA key generation");
  check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), modulus_bits), "RSA modulusLength");
  check(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), exponent.get()), "RSA publicExponent");
  EVP_PKEY* key = nullptr;
  check(EVP_PKEY_keygen(ctx.get(), &key), "RSA key generation");
  Owned<EVP_PKEY> owned(key);
  return {pkcs8_of(key), spki_of(key)};
}

KeyInfo inspect_private(std::string_view pkcs8) { return info_of(private_key(pkcs8).get()); }
KeyInfo inspect_public(std::string_view spki) { return info_of(public_key(spki).get()); }

std::string ecdsa_sign(std::string_view hash, std::string_view pkcs8, std::string_view data) {
  auto key = private_key(pkcs8);
  const std::string der = sign_with(key.get(), hash, data, 0, 0);
  const unsigned char* p = bytes(der);
  Owned<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) fail("OperationError", "ECDSA signature");
  const size_t half = field_bytes(info_of(key.get()).curve);
  std::string out(2 * half, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), o, static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), o + half, static_cast<int>(half));
  return out;
}

bool ecdsa_verify(std::string_view hash, std::string_view spki, std::string_view signature, std::string_view data) {
  auto key = public_key(spki);
  const size_t half = field_bytes(info_of(key.get()).curve);
  if (signature.size() != 2 * half) return false;
  Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(signature), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes(signature) + half, static_cast<int>(half), nullptr);
  ECDSA_SIG_set0(sig.get(), r, s);
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig.get(), &der);
  if (n <= 0) return false;
  const std::string der_text(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return verify_with(key.get(), hash, der_text, data, 0, 0);
}

std::string rsa_sign(std::string_view hash, std::string_view pkcs8, std::string_view data, int salt_length) {
  auto key = private_key(pkcs8);
  return sign_with(key.get(), hash, data, salt_length < 0 ? RSA_PKCS1_PADDING : RSA_PKCS1_PSS_PADDING, salt_length);
}

bool rsa_verify(std::string_view hash, std::string_view spki, std::string_view signature, std::string_view data,
                int salt_length) {
  auto key = public_key(spki);
  return verify_with(key.get(), hash, signature, data, salt_length < 0 ? RSA_PKCS1_PADDING : RSA_PKCS1_PSS_PADDING,
                     salt_length);
}

std::string rsa_oaep(bool encrypt, std::string_view hash, std::string_view der, std::string_view label,
                     std::string_view data) {
  auto key = encrypt ? public_key(der) : private_key(der);
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  check(ctx ? (encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) : 0, "RSA-OAEP");
  check(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING), "RSA-OAEP");
  check(EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md_of(hash)), "RSA-OAEP hash");
  check(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md_of(hash)), "RSA-OAEP hash");
  if (!label.empty()) {
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
    if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) <= 0) {
      OPENSSL_free(copy);
      fail("OperationError", "RSA-OAEP label");
    }
  }
  auto run = [&](unsigned char* out, size_t* size) {
    return encrypt ? EVP_PKEY_encrypt(ctx.get(), out, size, bytes(data), data.size())
                   : EVP_PKEY_decrypt(ctx.get(), out, size, bytes(data), data.size());
  };
  size_t size = 0;
  check(run(nullptr, &size), encrypt ? "RSA-OAEP encryption" : "RSA-OAEP decryption");
  std::string out(size, '\0');
  check(run(reinterpret_cast<unsigned char*>(out.data()), &size),
        encrypt ? "RSA-OAEP encryption" : "RSA-OAEP decryption");
  out.resize(size);
  return out;
}

std::string ecdh(std::string_view pkcs8, std::string_view peer_spki, size_t bits) {
  auto key = private_key(pkcs8);
  auto peer = public_key(peer_spki);
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  check(ctx ? EVP_PKEY_derive_init(ctx.get()) : 0, "ECDH");
  if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0)
    fail("InvalidAccessError", "ECDH: the public key is not on the private key's curve");
  size_t size = 0;
  check(EVP_PKEY_derive(ctx.get(), nullptr, &size), "ECDH");
  std::string secret(size, '\0');
  check(EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &size), "ECDH");
  secret.resize(size);
  if (bits == 0) return secret;
  if (bits > secret.size() * 8)
    throw CryptoError("OperationError",
                      "ECDH gives " + std::to_string(secret.size() * 8) + " bits, not " + std::to_string(bits));
  secret.resize((bits + 7) / 8);
  if (bits % 8) secret.back() = static_cast<char>(secret.back() & (0xff << (8 - bits % 8)));
  return secret;
}

std::string pbkdf2(std::string_view hash, std::string_view password, std::string_view salt, unsigned iterations,
                   size_t bits) {
  if (iterations == 0) throw CryptoError("OperationError", "PBKDF2 needs at least one iteration");
  if (bits == 0 || bits % 8) throw CryptoError("OperationError", "PBKDF2's length is a non-zero multiple of 8");
  std::string out(bits / 8, '\0');
  check(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), md_of(hash),
                          static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data())),
        "PBKDF2");
  return out;
}

std::string ec_point_of(std::string_view spki) {
  auto key = public_key(spki);
  size_t size = 0;
  check(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &size), "EC public key");
  std::string point(size, '\0');
  check(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                        reinterpret_cast<unsigned char*>(point.data()), size, &size),
        "EC public key");
  point.resize(size);
  return point;
}

std::string ec_spki_of_point(std::string_view curve, std::string_view point) {
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  check(OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_of(curve), 0), "EC curve");
  check(OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
        "EC point");
  return spki_of(key_from_params("EC", builder.get(), false).get());
}

JwkFields jwk_fields(std::string_view der, bool is_private) {
  auto key = is_private ? private_key(der) : public_key(der);
  const KeyInfo info = info_of(key.get());
  JwkFields fields;
  if (info.kind == "EC") {
    const size_t size = field_bytes(info.curve);
    const std::string point = ec_point_of(spki_of(key.get()));
    if (point.size() != 1 + 2 * size || point[0] != 0x04) fail("OperationError", "EC point export");
    fields["x"] = point.substr(1, size);
    fields["y"] = point.substr(1 + size);
    if (is_private) fields["d"] = bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, size);
    return fields;
  }
  fields["n"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, 0);
  fields["e"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, 0);
  if (is_private) {
    fields["d"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_D, 0);
    fields["p"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, 0);
    fields["q"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, 0);
    fields["dp"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, 0);
    fields["dq"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, 0);
    fields["qi"] = bn_param(key.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 0);
  }
  return fields;
}

std::string der_of_jwk(std::string_view curve, const JwkFields& fields) {
  const bool is_private = fields.count("d") && !fields.at("d").empty();
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  std::vector<Owned<BIGNUM>> keep;
  Owned<EVP_PKEY> key;
  if (!curve.empty()) {
    const size_t size = field_bytes(curve);
    const std::string& x = member(fields, "x");
    const std::string& y = member(fields, "y");
    if (x.size() != size || y.size() != size)
      throw CryptoError("DataError", "the JWK's x and y do not fit curve " + std::string(curve));
    const std::string point = std::string(1, '\x04') + x + y;
    check(OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_of(curve), 0), "EC curve");
    check(OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
          "EC point");
    if (is_private) push_bn(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, member(fields, "d"), keep);
    key = key_from_params("EC", builder.get(), is_private);
  } else {
    push_bn(builder.get(), OSSL_PKEY_PARAM_RSA_N, member(fields, "n"), keep);
    push_bn(builder.get(), OSSL_PKEY_PARAM_RSA_E, member(fields, "e"), keep);
    if (is_private) {
      push_bn(builder.get(), OSSL_PKEY_PARAM_RSA_D, member(fields, "d"), keep);
      static constexpr std::pair<const char*, const char*> kFactors[] = {
          {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},       {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
          {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},    {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
          {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
      };
      for (const auto& [name, param] : kFactors) push_bn(builder.get(), param, member(fields, name), keep);
    }
    key = key_from_params("RSA", builder.get(), is_private);
  }
  return is_private ? pkcs8_of(key.get()) : spki_of(key.get());
}

}  // namespace squall::crypto
