// 'k6/encoding': b64encode(input[, variant]) and b64decode(input[, variant[, format]])
// with k6's variants std, rawstd, url, rawurl; decode returns an ArrayBuffer
// unless format is "s".
#include <cstring>

#include "common/base64.h"
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Value;

bool variant_arg(const FunctionCallbackInfo<Value>& info, int at, Base64Variant& out) {
  if (info.Length() <= at || info[at]->IsNullOrUndefined() || to_std_string(info.GetIsolate(), info[at]).empty()) {
    out = Base64Variant::kStd;
    return true;
  }
  const std::string name = to_std_string(info.GetIsolate(), info[at]);
  auto v = parse_base64_variant(name);
  if (!v) {
    throw_type_error(info.GetIsolate(), "unsupported base64 encoding '" + name + "' (std, rawstd, url or rawurl)");
    return false;
  }
  out = *v;
  return true;
}

void b64encode(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  Base64Variant variant;
  if (info.Length() < 1 || !variant_arg(info, 1, variant)) return;
  info.GetReturnValue().Set(js_string(isolate, base64_encode(bytes_of(isolate, info[0]), variant)));
}

void b64decode(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  Base64Variant variant;
  if (info.Length() < 1 || !variant_arg(info, 1, variant)) return;
  auto bytes = base64_decode(to_std_string(isolate, info[0]), variant);
  if (!bytes) return throw_error(isolate, "invalid base64 input");
  if (info.Length() > 2 && to_std_string(isolate, info[2]) == "s") {
    return info.GetReturnValue().Set(js_string(isolate, *bytes));
  }
  auto buffer = v8::ArrayBuffer::New(isolate, bytes->size());
  std::memcpy(buffer->GetBackingStore()->Data(), bytes->data(), bytes->size());
  info.GetReturnValue().Set(buffer);
}

}  // namespace

void build_encoding_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports) {
  set_function(context, exports, "b64encode", b64encode);
  set_function(context, exports, "b64decode", b64decode);
}

}  // namespace squall::k6
