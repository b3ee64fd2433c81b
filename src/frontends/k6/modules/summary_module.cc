// 'squall/summary': the end-of-test summary text for the bundled jslib k6-summary (jslib_modules.cc).
// The CLI renders it from the run's metrics just before handleSummary(); empty before that.
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

void build_summary_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports) {
  set_function(context, exports, "text", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    info.GetReturnValue().Set(js_string(info.GetIsolate(), JsVu::current().run().summary_text));
  });
}

}  // namespace squall::k6
