// Small helpers for native functions: strings in and out of V8, thrown
// errors, defining functions on objects.
#pragma once

#include <v8.h>

#include <string>
#include <string_view>

namespace squall::k6 {

inline v8::Local<v8::String> js_string(v8::Isolate* isolate, std::string_view text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, static_cast<int>(text.size()))
      .ToLocalChecked();
}

// Converts any value as JavaScript's String() would; "" if that throws. Written straight into the
// result (String::Utf8Value would allocate a buffer of its own and be copied).
inline std::string to_std_string(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::Local<v8::String> text;
  if (value->IsString()) {
    text = value.As<v8::String>();
  } else if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&text)) {
    return {};
  }
  std::string out(static_cast<size_t>(text->Utf8Length(isolate)), '\0');
  text->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                  v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  return out;
}

// The bytes of an ArrayBuffer or typed array (true), or of a string as UTF-8 (true); false for
// anything else, `out` untouched.
inline bool binary_or_string_bytes(v8::Isolate* isolate, v8::Local<v8::Value> value, std::string& out) {
  if (value->IsArrayBuffer()) {
    auto store = value.As<v8::ArrayBuffer>()->GetBackingStore();
    out.assign(static_cast<const char*>(store->Data()), store->ByteLength());
    return true;
  }
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    out.resize(view->ByteLength());
    view->CopyContents(out.data(), out.size());
    return true;
  }
  if (value->IsString()) {
    out = to_std_string(isolate, value);
    return true;
  }
  return false;
}

// As above, anything else converted as String() would.
inline std::string bytes_of(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  std::string out;
  if (!binary_or_string_bytes(isolate, value, out)) out = to_std_string(isolate, value);
  return out;
}

inline void throw_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::Error(js_string(isolate, message)));
}
inline void throw_type_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(js_string(isolate, message)));
}

inline void set_value(v8::Local<v8::Context> context, v8::Local<v8::Object> object, std::string_view name,
                      v8::Local<v8::Value> value) {
  object->Set(context, js_string(context->GetIsolate(), name), value).Check();
}

inline void set_function(v8::Local<v8::Context> context, v8::Local<v8::Object> object, std::string_view name,
                         v8::FunctionCallback callback, v8::Local<v8::Value> data = {}) {
  v8::Isolate* isolate = context->GetIsolate();
  auto fn = v8::Function::New(context, callback, data).ToLocalChecked();
  fn->SetName(js_string(isolate, name));
  set_value(context, object, name, fn);
}

// The property `name` of `object`, or an empty handle (undefined, or a getter threw).
inline v8::Local<v8::Value> get_value(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                      v8::Local<v8::String> name) {
  v8::Local<v8::Value> out;
  if (!object->Get(context, name).ToLocal(&out) || out->IsUndefined()) return {};
  return out;
}
inline v8::Local<v8::Value> get_value(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                                      std::string_view name) {
  return get_value(context, object, js_string(context->GetIsolate(), name));
}

// JSON.stringify(value); empty on failure (cycles, BigInt) with an exception pending.
inline v8::MaybeLocal<v8::String> json_stringify(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
  return v8::JSON::Stringify(context, value);
}

}  // namespace squall::k6
