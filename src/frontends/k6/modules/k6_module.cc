// The 'k6' module: check, fail, group, sleep, randomSeed.
#include <cmath>

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"
#include "metrics/metric_registry.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// record_check(name, passed[, tags]): one sample of `checks`, tagged with the check's name.
void record_check(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  if (vu.in_init()) return throw_error(isolate, "check() can only be used in the VU context, not in the init context");
  const std::string name = to_std_string(isolate, info[0]);
  const bool passed = info[1]->BooleanValue(isolate);
  const metrics::TagSetId base = vu.current_tags();
  std::string cache_key;
  cache_key.reserve(name.size() + 24);
  cache_key.append("check").append(std::to_string(base));
  metrics::Tags extra;
  if (info.Length() > 2 && info[2]->IsObject()) {
    auto tags = info[2].As<v8::Object>();
    auto keys = tags->GetOwnPropertyNames(context).ToLocalChecked();
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      auto key = keys->Get(context, i).ToLocalChecked();
      extra.emplace_back(to_std_string(isolate, key), to_std_string(isolate, tags->Get(context, key).ToLocalChecked()));
      cache_key.append(1, '\0').append(extra.back().first).append(1, '\0').append(extra.back().second);
    }
  }
  cache_key.append(1, '\0').append(name);
  const metrics::TagSetId check_tags = vu.intern_cached(cache_key, [&] {
    metrics::Tags tags = extra;
    tags.emplace_back("check", name);
    return vu.store().tag_sets().with(base, tags);
  });
  vu.samples().add(metrics::builtin::kChecks, check_tags, passed ? 1 : 0);
}

// check(value, {name: predicate | boolean, ...}[, tags]) -> all passed. In JavaScript, so the
// predicates are called from generated code (a call from C++ into each cost more than the check);
// an exception in a predicate propagates, as in k6.
constexpr char kCheck[] = R"js(
(function (record) {
  return function check(value, sets, tags) {
    if (sets === null || (typeof sets !== 'object' && typeof sets !== 'function')) {
      throw new TypeError('check(value, sets[, tags]): sets must be an object');
    }
    const names = Object.keys(sets);
    let all = true;
    for (let i = 0; i < names.length; i++) {
      const predicate = sets[names[i]];
      const passed = typeof predicate === 'function' ? !!predicate(value) : !!predicate;
      record(names[i], passed, tags);
      all = all && passed;
    }
    return all;
  };
})
)js";

Local<v8::Function> make_check(Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  auto factory =
      v8::Script::Compile(context, js_string(isolate, kCheck)).ToLocalChecked()->Run(context).ToLocalChecked();
  Local<Value> record = v8::Function::New(context, record_check).ToLocalChecked();
  return factory.As<v8::Function>()
      ->Call(context, v8::Undefined(isolate), 1, &record)
      .ToLocalChecked()
      .As<v8::Function>();
}

void fail(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const std::string message = info.Length() > 0 && !info[0]->IsUndefined() ? to_std_string(isolate, info[0]) : "";
  throw_error(isolate, message);
}

// group(name, fn): runs fn with the group tag "::name" (nested: "::a::b") and records group_duration.
void group(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  if (vu.in_init()) return throw_error(isolate, "group() can only be used in the VU context, not in the init context");
  if (info.Length() < 2 || !info[1]->IsFunction())
    return throw_type_error(isolate, "group(name, fn): fn must be a function");
  const std::string name = to_std_string(isolate, info[0]);
  if (name.find("::") != std::string::npos) return throw_error(isolate, "group and check names may not contain '::'");
  const std::string outer = vu.group();
  vu.group() = outer + "::" + name;
  const Nanos start = mono_now();
  Local<Value> result;
  const bool ok = info[1].As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&result);
  vu.samples().add_time(metrics::builtin::kGroupDuration, vu.current_tags(), mono_now() - start);
  vu.group() = outer;
  if (ok) info.GetReturnValue().Set(result);
}

void sleep(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  const double seconds = info.Length() > 0 ? info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0) : 0;
  if (!std::isfinite(seconds) || seconds <= 0) return;
  const auto duration = static_cast<Nanos>(seconds * 1e9);
  if (vu.defer_tail_sleep(duration)) return;
  if (!vu.sleep(duration)) throw_error(isolate, "iteration interrupted");
}

void random_seed(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const double seed = info.Length() > 0 ? info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0) : 0;
  JsVu::current().seed_random(static_cast<uint64_t>(static_cast<int64_t>(seed)));
}

}  // namespace

void build_k6_module(Local<v8::Context> context, Local<v8::Object> exports) {
  exports->Set(context, js_string(context->GetIsolate(), "check"), make_check(context)).Check();
  set_function(context, exports, "fail", fail);
  set_function(context, exports, "group", group);
  set_function(context, exports, "sleep", sleep);
  set_function(context, exports, "randomSeed", random_seed);
}

}  // namespace squall::k6
