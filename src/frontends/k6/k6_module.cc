// The 'k6' module: check, fail, group, sleep, randomSeed.
#include <cmath>

#include "frontends/k6/builtin_modules.h"
#include "frontends/k6/js_util.h"
#include "frontends/k6/js_vu.h"
#include "metrics/metric_registry.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// check(value, {name: predicate | boolean, ...}[, tags]) -> all passed.
void check(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  if (vu.in_init()) return throw_error(isolate, "check() can only be used in the VU context, not in the init context");
  if (info.Length() < 2 || !info[1]->IsObject()) return throw_type_error(isolate, "check(value, sets[, tags]): sets must be an object");
  auto sets = info[1].As<v8::Object>();
  metrics::Tags extra;
  if (info.Length() > 2 && info[2]->IsObject()) {
    auto tags = info[2].As<v8::Object>();
    auto keys = tags->GetOwnPropertyNames(context).ToLocalChecked();
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      auto key = keys->Get(context, i).ToLocalChecked();
      extra.emplace_back(to_std_string(isolate, key), to_std_string(isolate, tags->Get(context, key).ToLocalChecked()));
    }
  }
  auto keys = sets->GetOwnPropertyNames(context).ToLocalChecked();
  bool all = true;
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    Local<Value> predicate;
    if (!sets->Get(context, key).ToLocal(&predicate)) return;
    bool passed;
    if (predicate->IsFunction()) {
      Local<Value> args[] = {info[0]};
      Local<Value> result;
      if (!predicate.As<v8::Function>()->Call(context, v8::Undefined(isolate), 1, args).ToLocal(&result)) return;
      passed = result->BooleanValue(isolate);
    } else {
      passed = predicate->BooleanValue(isolate);
    }
    const std::string name = to_std_string(isolate, key);
    const metrics::TagSetId base = vu.current_tags();
    std::string cache_key = "check" + std::to_string(base);
    for (const auto& [k, v] : extra) {
      cache_key.append(1, '\0').append(k).append(1, '\0').append(v);
    }
    cache_key.append(1, '\0').append(name);
    const metrics::TagSetId check_tags = vu.intern_cached(cache_key, [&] {
      metrics::Tags tags = extra;
      tags.emplace_back("check", name);
      return metrics::TagSetRegistry::global().with(base, tags);
    });
    vu.samples().add(metrics::builtin::kChecks, check_tags, passed ? 1 : 0);
    all = all && passed;
  }
  info.GetReturnValue().Set(all);
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
  if (info.Length() < 2 || !info[1]->IsFunction()) return throw_type_error(isolate, "group(name, fn): fn must be a function");
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
  set_function(context, exports, "check", check);
  set_function(context, exports, "fail", fail);
  set_function(context, exports, "group", group);
  set_function(context, exports, "sleep", sleep);
  set_function(context, exports, "randomSeed", random_seed);
}

}  // namespace squall::k6
