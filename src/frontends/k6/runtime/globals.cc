// The global scope of k6 scripts: console, open(), __ENV, __VU, __ITER and
// Math.random (seedable per VU with k6's randomSeed).
#include <cstring>
#include <filesystem>

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// console.log's argument text: strings as they are, other values as JSON where possible (as k6 prints them).
std::string console_text(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  std::string text;
  for (int i = 0; i < info.Length(); ++i) {
    if (i) text += ' ';
    Local<Value> v = info[i];
    if (v->IsObject() && !v->IsFunction() && !v->IsNativeError()) {
      v8::TryCatch ignore(isolate);
      Local<v8::String> json;
      if (json_stringify(context, v).ToLocal(&json)) {
        text += to_std_string(isolate, json);
        continue;
      }
    }
    text += to_std_string(isolate, v);
  }
  return text;
}

template <const char* kLevel>
void console_log(const FunctionCallbackInfo<Value>& info) {
  log_line(JsVu::current().run(), kLevel, console_text(info), "source=console");
}

constexpr char kInfo[] = "INFO";
constexpr char kWarn[] = "WARN";
constexpr char kError[] = "ERRO";
constexpr char kDebug[] = "DEBU";

// open(path[, 'b']): a file's text, or an ArrayBuffer in binary mode; init context only.
void open_file(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  if (!vu.in_init())
    return throw_error(
        isolate,
        "open() can't be used with files that weren't previously opened during initialization (__VU=0), path: \"" +
            (info.Length() ? to_std_string(isolate, info[0]) : std::string()) + "\"");
  if (info.Length() < 1) return throw_type_error(isolate, "open(path[, mode]) needs a path");
  std::string path = to_std_string(isolate, info[0]);
  if (path.starts_with("file://")) path = path.substr(7);
  if (!path.starts_with("/")) path = vu.run().bundle.entry_directory() + "/" + path;
  // A file larger than a JavaScript string can hold would abort V8 (and the run with it): refused,
  // before it is read.
  std::error_code size_error;
  const auto size = std::filesystem::file_size(normalize_path(path), size_error);
  if (!size_error && size > static_cast<uintmax_t>(v8::String::kMaxLength)) {
    return throw_error(isolate, "open(): '" + path + "' has " + std::to_string(size) + " bytes, more than a " +
                                    "JavaScript string or buffer squall makes can hold (" +
                                    std::to_string(v8::String::kMaxLength) + ")");
  }
  std::string error;
  const SourceFile* file = vu.run().bundle.file(normalize_path(path), error);
  if (!file) return throw_error(isolate, "open(): " + error);
  if (info.Length() > 1 && to_std_string(isolate, info[1]) == "b") {
    auto buffer = v8::ArrayBuffer::New(isolate, file->text.size());
    std::memcpy(buffer->GetBackingStore()->Data(), file->text.data(), file->text.size());
    return info.GetReturnValue().Set(buffer);
  }
  info.GetReturnValue().Set(js_string(isolate, file->text));
}

void vu_getter(Local<v8::Name>, const v8::PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(JsVu::current().id()));
}
void iter_getter(Local<v8::Name>, const v8::PropertyCallbackInfo<Value>& info) {
  JsVu& vu = JsVu::current();
  info.GetReturnValue().Set(static_cast<double>(vu.in_init() ? 0 : vu.iteration()));
}

void math_random(const FunctionCallbackInfo<Value>& info) { info.GetReturnValue().Set(JsVu::current().random()); }

}  // namespace

void install_globals(Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  auto global = context->Global();
  auto console = v8::Object::New(isolate);
  set_function(context, console, "log", console_log<kInfo>);
  set_function(context, console, "info", console_log<kInfo>);
  set_function(context, console, "warn", console_log<kWarn>);
  set_function(context, console, "error", console_log<kError>);
  set_function(context, console, "debug", console_log<kDebug>);
  set_value(context, global, "console", console);
  set_function(context, global, "open", open_file);
  global->SetAccessor(context, js_string(isolate, "__VU"), vu_getter).Check();
  global->SetAccessor(context, js_string(isolate, "__ITER"), iter_getter).Check();
  auto math = get_value(context, global, "Math").As<v8::Object>();
  set_function(context, math, "random", math_random);
  // __ENV is filled per isolate from the run's environment and the scenario's `env`; VUs share it
  // (k6 copies it per VU).
  auto env = v8::Object::New(isolate);
  auto* host = static_cast<IsolateHost*>(isolate->GetData(0));
  for (const auto& [name, value] : host->env()) set_value(context, env, name, js_string(isolate, value));
  set_value(context, global, "__ENV", env);
  auto timers = v8::Object::New(isolate);
  build_timers_module(context, timers);
  for (const char* name : {"setTimeout", "clearTimeout", "setInterval", "clearInterval"}) {
    set_value(context, global, name, get_value(context, timers, name));
  }
  install_webcrypto(context);
}

}  // namespace squall::k6
