// 'k6/timers' (also global): setTimeout, clearTimeout, setInterval, clearInterval.
// Callbacks run on the VU's thread once the iteration's function has returned.
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

template <bool kRepeat>
void set_timer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 1 || !info[0]->IsFunction())
    return throw_type_error(isolate, "the first argument must be a function");
  const double ms = info.Length() > 1 ? info[1]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0) : 0;
  std::vector<v8::Local<v8::Value>> args;
  for (int i = 2; i < info.Length(); ++i) args.push_back(info[i]);
  const int64_t id = JsVu::current().add_timer(static_cast<Nanos>((ms > 0 ? ms : 0) * 1e6), info[0].As<v8::Function>(),
                                               std::move(args), kRepeat);
  info.GetReturnValue().Set(static_cast<double>(id));
}

void clear_timer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (info.Length() < 1) return;
  JsVu::current().clear_timer(
      static_cast<int64_t>(info[0]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0)));
}

}  // namespace

void build_timers_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports) {
  set_function(context, exports, "setTimeout", set_timer<false>);
  set_function(context, exports, "setInterval", set_timer<true>);
  set_function(context, exports, "clearTimeout", clear_timer);
  set_function(context, exports, "clearInterval", clear_timer);
}

}  // namespace squall::k6
