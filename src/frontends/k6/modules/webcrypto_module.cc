// The global `crypto` of k6 scripts (WebCrypto) and 'k6/experimental/webcrypto', which exports
// it. webcrypto.js speaks the W3C API; the natives here give it common/openssl_crypto with
// ArrayBuffers in and out. A CryptoError becomes an Error whose name is its WebCrypto class.
#include <cstring>

#include "common/base64.h"
#include "common/openssl_crypto.h"
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"

namespace squall::k6 {

const std::string& webcrypto_source();  // webcrypto.js, embedded at build time

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// Arguments as the natives take them: webcrypto.js has checked their types already.
struct Args {
  const FunctionCallbackInfo<Value>& info;
  v8::Isolate* isolate() const { return info.GetIsolate(); }
  std::string bytes(int i) const {
    std::string out;
    binary_or_string_bytes(isolate(), info[i], out);
    return out;
  }
  std::string text(int i) const { return to_std_string(isolate(), info[i]); }
  bool flag(int i) const { return info[i]->BooleanValue(isolate()); }
  int64_t integer(int i) const { return info[i]->IntegerValue(isolate()->GetCurrentContext()).FromMaybe(-1); }
};

Local<v8::ArrayBuffer> array_buffer(v8::Isolate* isolate, std::string_view bytes) {
  auto buffer = v8::ArrayBuffer::New(isolate, bytes.size());
  if (!bytes.empty()) std::memcpy(buffer->GetBackingStore()->Data(), bytes.data(), bytes.size());
  return buffer;
}

void throw_named(v8::Isolate* isolate, const std::string& name, const std::string& message) {
  auto context = isolate->GetCurrentContext();
  auto error = v8::Exception::Error(js_string(isolate, message)).As<v8::Object>();
  set_value(context, error, "name", js_string(isolate, name));
  isolate->ThrowException(error);
}

// Runs `body` and returns what it gives; a CryptoError is thrown into JavaScript.
template <typename Body>
void guarded(const FunctionCallbackInfo<Value>& info, Body body) {
  try {
    info.GetReturnValue().Set(body(Args{info}));
  } catch (const crypto::CryptoError& error) {
    throw_named(info.GetIsolate(), error.kind(), error.what());
  }
}

Local<v8::Object> pair_object(v8::Isolate* isolate, const crypto::KeyPair& pair) {
  auto context = isolate->GetCurrentContext();
  auto out = v8::Object::New(isolate);
  set_value(context, out, "privateKey", array_buffer(isolate, pair.private_pkcs8));
  set_value(context, out, "publicKey", array_buffer(isolate, pair.public_spki));
  return out;
}

#define SQUALL_NATIVE(name, expression)                       \
  void name(const FunctionCallbackInfo<Value>& info) {        \
    guarded(info, [&](const Args& a) { return expression; }); \
  }

SQUALL_NATIVE(digest, array_buffer(a.isolate(), crypto::digest(a.text(0), a.bytes(1))))
SQUALL_NATIVE(hmac, array_buffer(a.isolate(), crypto::hmac(a.text(0), a.bytes(1), a.bytes(2))))
SQUALL_NATIVE(hash_block_size, static_cast<double>(crypto::hash_block_size(a.text(0))))
SQUALL_NATIVE(random_bytes, array_buffer(a.isolate(), crypto::random_bytes(static_cast<size_t>(a.integer(0)))))
SQUALL_NATIVE(copy, array_buffer(a.isolate(), a.bytes(0)))
SQUALL_NATIVE(aes_cbc, array_buffer(a.isolate(), crypto::aes_cbc(a.flag(0), a.bytes(1), a.bytes(2), a.bytes(3))))
SQUALL_NATIVE(aes_ctr, array_buffer(a.isolate(), crypto::aes_ctr(a.bytes(0), a.bytes(1), static_cast<int>(a.integer(2)),
                                                                 a.bytes(3))))
SQUALL_NATIVE(aes_gcm, array_buffer(a.isolate(), crypto::aes_gcm(a.flag(0), a.bytes(1), a.bytes(2), a.bytes(3),
                                                                 static_cast<int>(a.integer(4)), a.bytes(5))))
SQUALL_NATIVE(generate_ec, pair_object(a.isolate(), crypto::generate_ec(a.text(0))))
SQUALL_NATIVE(generate_rsa, pair_object(a.isolate(), crypto::generate_rsa(static_cast<int>(a.integer(0)), a.bytes(1))))
SQUALL_NATIVE(ecdsa_sign, array_buffer(a.isolate(), crypto::ecdsa_sign(a.text(0), a.bytes(1), a.bytes(2))))
SQUALL_NATIVE(ecdsa_verify, crypto::ecdsa_verify(a.text(0), a.bytes(1), a.bytes(2), a.bytes(3)))
SQUALL_NATIVE(rsa_sign, array_buffer(a.isolate(), crypto::rsa_sign(a.text(0), a.bytes(1), a.bytes(2),
                                                                   static_cast<int>(a.integer(3)))))
SQUALL_NATIVE(rsa_verify,
              crypto::rsa_verify(a.text(0), a.bytes(1), a.bytes(2), a.bytes(3), static_cast<int>(a.integer(4))))
SQUALL_NATIVE(rsa_oaep,
              array_buffer(a.isolate(), crypto::rsa_oaep(a.flag(0), a.text(1), a.bytes(2), a.bytes(3), a.bytes(4))))
SQUALL_NATIVE(ecdh, array_buffer(a.isolate(), crypto::ecdh(a.bytes(0), a.bytes(1), static_cast<size_t>(a.integer(2)))))
SQUALL_NATIVE(pbkdf2,
              array_buffer(a.isolate(), crypto::pbkdf2(a.text(0), a.bytes(1), a.bytes(2),
                                                       static_cast<unsigned>(std::max<int64_t>(0, a.integer(3))),
                                                       static_cast<size_t>(std::max<int64_t>(0, a.integer(4))))))
SQUALL_NATIVE(ec_point, array_buffer(a.isolate(), crypto::ec_point_of(a.bytes(0))))
SQUALL_NATIVE(ec_spki_of_point, array_buffer(a.isolate(), crypto::ec_spki_of_point(a.text(0), a.bytes(1))))
SQUALL_NATIVE(to_base64_url, js_string(a.isolate(), base64_encode(a.bytes(0), Base64Variant::kRawUrl)))
#undef SQUALL_NATIVE

void from_base64_url(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string text = to_std_string(isolate, info[0]);
  while (text.ends_with('=')) text.pop_back();  // JWKs are unpadded; tolerate padding
  auto bytes = base64_decode(text, Base64Variant::kRawUrl);
  if (!bytes) return throw_named(isolate, "DataError", "'" + text + "' is not base64url");
  info.GetReturnValue().Set(array_buffer(isolate, *bytes));
}

// Constant-time comparison of two byte strings (an HMAC verify).
void equal(const FunctionCallbackInfo<Value>& info) {
  const Args a{info};
  const std::string x = a.bytes(0), y = a.bytes(1);
  unsigned char diff = x.size() == y.size() ? 0 : 1;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  info.GetReturnValue().Set(diff == 0);
}

// getRandomValues' fill, in place.
void random_fill(const FunctionCallbackInfo<Value>& info) {
  if (!info[0]->IsArrayBufferView()) return;
  auto view = info[0].As<v8::ArrayBufferView>();
  const std::string random = crypto::random_bytes(view->ByteLength());
  auto* base = static_cast<char*>(view->Buffer()->GetBackingStore()->Data());
  std::memcpy(base + view->ByteOffset(), random.data(), random.size());
}

void inspect(const FunctionCallbackInfo<Value>& info) {
  guarded(info, [](const Args& a) {
    const auto key = a.flag(1) ? crypto::inspect_private(a.bytes(0)) : crypto::inspect_public(a.bytes(0));
    auto context = a.isolate()->GetCurrentContext();
    auto out = v8::Object::New(a.isolate());
    set_value(context, out, "kind", js_string(a.isolate(), key.kind));
    set_value(context, out, "curve", js_string(a.isolate(), key.curve));
    set_value(context, out, "modulusLength", v8::Number::New(a.isolate(), key.modulus_bits));
    set_value(context, out, "publicExponent", array_buffer(a.isolate(), key.public_exponent));
    return out;
  });
}

void jwk_fields(const FunctionCallbackInfo<Value>& info) {
  guarded(info, [](const Args& a) {
    auto context = a.isolate()->GetCurrentContext();
    auto out = v8::Object::New(a.isolate());
    for (const auto& [name, value] : crypto::jwk_fields(a.bytes(0), a.flag(1)))
      set_value(context, out, name, js_string(a.isolate(), base64_encode(value, Base64Variant::kRawUrl)));
    return out;
  });
}

// derOfJwk(curve, jwk): the members a key needs, decoded; absent ones stay absent.
void der_of_jwk(const FunctionCallbackInfo<Value>& info) {
  guarded(info, [](const Args& a) {
    auto context = a.isolate()->GetCurrentContext();
    crypto::JwkFields fields;
    if (a.info[1]->IsObject()) {
      auto jwk = a.info[1].As<v8::Object>();
      for (const char* name : {"x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi"}) {
        auto value = get_value(context, jwk, name);
        if (value.IsEmpty()) continue;
        std::string text = to_std_string(a.isolate(), value);
        while (text.ends_with('=')) text.pop_back();
        auto bytes = base64_decode(text, Base64Variant::kRawUrl);
        if (!bytes) throw crypto::CryptoError("DataError", std::string("the JWK's '") + name + "' is not base64url");
        fields[name] = *bytes;
      }
    }
    return array_buffer(a.isolate(), crypto::der_of_jwk(a.text(0), fields));
  });
}

Local<v8::Object> native_object(Local<v8::Context> context) {
  auto native = v8::Object::New(context->GetIsolate());
  static constexpr std::pair<const char*, v8::FunctionCallback> kNatives[] = {
      {"digest", digest},
      {"hmac", hmac},
      {"hashBlockSize", hash_block_size},
      {"randomBytes", random_bytes},
      {"randomFill", random_fill},
      {"copy", copy},
      {"equal", equal},
      {"aesCbc", aes_cbc},
      {"aesCtr", aes_ctr},
      {"aesGcm", aes_gcm},
      {"generateEc", generate_ec},
      {"generateRsa", generate_rsa},
      {"inspect", inspect},
      {"ecdsaSign", ecdsa_sign},
      {"ecdsaVerify", ecdsa_verify},
      {"rsaSign", rsa_sign},
      {"rsaVerify", rsa_verify},
      {"rsaOaep", rsa_oaep},
      {"ecdh", ecdh},
      {"pbkdf2", pbkdf2},
      {"ecPoint", ec_point},
      {"ecSpkiOfPoint", ec_spki_of_point},
      {"jwkFields", jwk_fields},
      {"derOfJwk", der_of_jwk},
      {"toBase64Url", to_base64_url},
      {"fromBase64Url", from_base64_url},
  };
  for (const auto& [name, callback] : kNatives) set_function(context, native, name, callback);
  return native;
}

// Built when a script first reads `crypto`: a context that never does pays nothing.
void crypto_getter(Local<v8::Name>, const v8::PropertyCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  v8::ScriptOrigin origin(isolate, js_string(isolate, "squall:webcrypto.js"));
  auto script = v8::Script::Compile(context, js_string(isolate, webcrypto_source()), &origin).ToLocalChecked();
  auto factory = script->Run(context).ToLocalChecked().As<v8::Function>();
  Local<Value> argv[] = {native_object(context)};
  info.GetReturnValue().Set(factory->Call(context, context->Global(), 1, argv).ToLocalChecked());
}

}  // namespace

void install_webcrypto(Local<v8::Context> context) {
  context->Global()->SetLazyDataProperty(context, js_string(context->GetIsolate(), "crypto"), crypto_getter).Check();
}

void build_webcrypto_module(Local<v8::Context> context, Local<v8::Object> exports) {
  set_value(context, exports, "crypto", get_value(context, context->Global(), "crypto"));
}

}  // namespace squall::k6
