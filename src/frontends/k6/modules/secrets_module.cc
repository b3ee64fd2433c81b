// 'k6/secrets': get(key) from the default source, source(name).get(key) from a named one. Each
// returns a promise (k6's API is asynchronous); the sources are read when the run starts.
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// A promise settled with the value of `key` in `source`.
void settle(const FunctionCallbackInfo<Value>& info, const std::string& source) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
  info.GetReturnValue().Set(resolver->GetPromise());
  std::string error;
  auto value = JsVu::current().run().secrets.get(source, to_std_string(isolate, info[0]), error);
  if (value) {
    resolver->Resolve(context, js_string(isolate, *value)).Check();
  } else {
    resolver->Reject(context, v8::Exception::Error(js_string(isolate, error))).Check();
  }
}

void get_default(const FunctionCallbackInfo<Value>& info) { settle(info, "default"); }

void get_named(const FunctionCallbackInfo<Value>& info) { settle(info, to_std_string(info.GetIsolate(), info.Data())); }

void source(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto named = v8::Object::New(isolate);
  set_function(context, named, "get", get_named, js_string(isolate, to_std_string(isolate, info[0])));
  info.GetReturnValue().Set(named);
}

}  // namespace

void build_secrets_module(Local<v8::Context> context, Local<v8::Object> exports) {
  set_function(context, exports, "get", get_default);
  set_function(context, exports, "source", source);
}

}  // namespace squall::k6
