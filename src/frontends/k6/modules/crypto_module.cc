// 'k6/crypto' on OpenSSL: md4, md5, sha1, sha256, sha384, sha512,
// sha512_224, sha512_256, ripemd160 (where OpenSSL provides them), hmac,
// createHash / createHMAC (update + digest) and randomBytes. Output
// encodings: hex, base64, base64url, base64rawurl, binary (ArrayBuffer).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "common/base64.h"
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

const EVP_MD* digest_named(const std::string& name) {
  if (name == "md4") return EVP_get_digestbyname("md4");
  if (name == "md5") return EVP_md5();
  if (name == "sha1") return EVP_sha1();
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  if (name == "sha512_224") return EVP_sha512_224();
  if (name == "sha512_256") return EVP_sha512_256();
  if (name == "ripemd160") return EVP_get_digestbyname("ripemd160");
  return nullptr;
}

// `raw` in the requested encoding; an exception for an unknown one.
Local<Value> encode(v8::Isolate* isolate, const std::string& raw, const std::string& encoding) {
  if (encoding == "hex" || encoding.empty()) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return js_string(isolate, out);
  }
  if (encoding == "base64") return js_string(isolate, base64_encode(raw, Base64Variant::kStd));
  if (encoding == "base64url") return js_string(isolate, base64_encode(raw, Base64Variant::kUrl));
  if (encoding == "base64rawurl") return js_string(isolate, base64_encode(raw, Base64Variant::kRawUrl));
  if (encoding == "binary") {
    auto buffer = v8::ArrayBuffer::New(isolate, raw.size());
    std::memcpy(buffer->GetBackingStore()->Data(), raw.data(), raw.size());
    return buffer;
  }
  throw_type_error(isolate,
                   "unsupported output encoding '" + encoding + "' (hex, base64, base64url, base64rawurl, binary)");
  return {};
}

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string hmac(const EVP_MD* md, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

const EVP_MD* algorithm_arg(v8::Isolate* isolate, Local<Value> value) {
  const std::string name = to_std_string(isolate, value);
  const EVP_MD* md = digest_named(name);
  if (!md) throw_type_error(isolate, "unsupported hash algorithm '" + name + "'");
  return md;
}

template <const char* kName>
void hash_fn(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const EVP_MD* md = digest_named(kName);
  if (!md) return throw_error(isolate, std::string(kName) + " is not available in this OpenSSL");
  if (info.Length() < 1) return throw_type_error(isolate, std::string(kName) + "(input, outputEncoding)");
  auto out = encode(isolate, digest(md, bytes_of(isolate, info[0])),
                    info.Length() > 1 ? to_std_string(isolate, info[1]) : "hex");
  if (!out.IsEmpty()) info.GetReturnValue().Set(out);
}

constexpr char kMd4[] = "md4";
constexpr char kMd5[] = "md5";
constexpr char kSha1[] = "sha1";
constexpr char kSha256[] = "sha256";
constexpr char kSha384[] = "sha384";
constexpr char kSha512[] = "sha512";
constexpr char kSha512_224[] = "sha512_224";
constexpr char kSha512_256[] = "sha512_256";
constexpr char kRipemd160[] = "ripemd160";

void hmac_fn(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 3) return throw_type_error(isolate, "hmac(algorithm, secret, data, outputEncoding)");
  const EVP_MD* md = algorithm_arg(isolate, info[0]);
  if (!md) return;
  auto out = encode(isolate, hmac(md, bytes_of(isolate, info[1]), bytes_of(isolate, info[2])),
                    info.Length() > 3 ? to_std_string(isolate, info[3]) : "hex");
  if (!out.IsEmpty()) info.GetReturnValue().Set(out);
}

void random_bytes(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const double n = info.Length() > 0 ? info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(-1) : -1;
  if (!(n >= 0 && n <= (1 << 24))) return throw_type_error(isolate, "randomBytes(size): size must be 0 to 16777216");
  auto buffer = v8::ArrayBuffer::New(isolate, static_cast<size_t>(n));
  if (n > 0 && RAND_bytes(static_cast<unsigned char*>(buffer->GetBackingStore()->Data()), static_cast<int>(n)) != 1) {
    return throw_error(isolate, "randomBytes: no randomness available");
  }
  info.GetReturnValue().Set(buffer);
}

// createHash(alg) / createHMAC(alg, secret): {update(data), digest(encoding)}; the input is kept in the object.
void hasher_update(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto key = v8::Private::ForApi(isolate, js_string(isolate, "k6.crypto.data"));
  Local<Value> so_far;
  std::string data;
  if (info.This()->GetPrivate(context, key).ToLocal(&so_far) && so_far->IsString())
    data = to_std_string(isolate, so_far);
  if (info.Length() > 0) data += bytes_of(isolate, info[0]);
  auto stored = v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(data.data()),
                                           v8::NewStringType::kNormal, static_cast<int>(data.size()))
                    .ToLocalChecked();
  info.This()->SetPrivate(context, key, stored).Check();
}

std::string stored_bytes(v8::Isolate* isolate, Local<v8::Object> self, const char* name) {
  auto context = isolate->GetCurrentContext();
  Local<Value> v;
  if (!self->GetPrivate(context, v8::Private::ForApi(isolate, js_string(isolate, name))).ToLocal(&v) || !v->IsString())
    return "";
  auto s = v.As<v8::String>();
  std::string out(static_cast<size_t>(s->Length()), '\0');
  s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, s->Length());
  return out;
}

void hasher_digest(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const EVP_MD* md = digest_named(stored_bytes(isolate, info.This(), "k6.crypto.algorithm"));
  if (!md) return throw_error(isolate, "digest(): not a hasher");
  const std::string data = stored_bytes(isolate, info.This(), "k6.crypto.data");
  const std::string secret = stored_bytes(isolate, info.This(), "k6.crypto.secret");
  const bool is_hmac = !stored_bytes(isolate, info.This(), "k6.crypto.hmac").empty();
  auto out = encode(isolate, is_hmac ? hmac(md, secret, data) : digest(md, data),
                    info.Length() > 0 ? to_std_string(isolate, info[0]) : "hex");
  if (!out.IsEmpty()) info.GetReturnValue().Set(out);
}

void make_hasher(const FunctionCallbackInfo<Value>& info, bool is_hmac) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (info.Length() < (is_hmac ? 2 : 1))
    return throw_type_error(isolate, is_hmac ? "createHMAC(algorithm, secret)" : "createHash(algorithm)");
  if (!algorithm_arg(isolate, info[0])) return;
  auto hasher = v8::Object::New(isolate);
  auto put = [&](const char* name, const std::string& bytes) {
    auto s = v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(bytes.data()),
                                        v8::NewStringType::kNormal, static_cast<int>(bytes.size()))
                 .ToLocalChecked();
    hasher->SetPrivate(context, v8::Private::ForApi(isolate, js_string(isolate, name)), s).Check();
  };
  put("k6.crypto.algorithm", to_std_string(isolate, info[0]));
  put("k6.crypto.data", "");
  if (is_hmac) {
    put("k6.crypto.secret", bytes_of(isolate, info[1]));
    put("k6.crypto.hmac", "1");
  }
  set_function(context, hasher, "update", hasher_update);
  set_function(context, hasher, "digest", hasher_digest);
  info.GetReturnValue().Set(hasher);
}

void create_hash(const FunctionCallbackInfo<Value>& info) { make_hasher(info, false); }
void create_hmac(const FunctionCallbackInfo<Value>& info) { make_hasher(info, true); }

}  // namespace

void build_crypto_module(Local<v8::Context> context, Local<v8::Object> exports) {
  set_function(context, exports, "md4", hash_fn<kMd4>);
  set_function(context, exports, "md5", hash_fn<kMd5>);
  set_function(context, exports, "sha1", hash_fn<kSha1>);
  set_function(context, exports, "sha256", hash_fn<kSha256>);
  set_function(context, exports, "sha384", hash_fn<kSha384>);
  set_function(context, exports, "sha512", hash_fn<kSha512>);
  set_function(context, exports, "sha512_224", hash_fn<kSha512_224>);
  set_function(context, exports, "sha512_256", hash_fn<kSha512_256>);
  set_function(context, exports, "ripemd160", hash_fn<kRipemd160>);
  set_function(context, exports, "hmac", hmac_fn);
  set_function(context, exports, "createHash", create_hash);
  set_function(context, exports, "createHMAC", create_hmac);
  set_function(context, exports, "randomBytes", random_bytes);
}

}  // namespace squall::k6
