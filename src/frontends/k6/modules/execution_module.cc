// 'k6/execution': what a VU knows about the run (instance counters, scenario,
// vu, test) read through getters on shared objects, so each VU sees its own
// values; vu.tags is a live view of the VU's tags; test.abort() and
// test.fail() reach the CLI's exit code (108, 110).
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

using v8::Local;
using v8::PropertyCallbackInfo;
using v8::Value;

using Getter = void (*)(Local<v8::Name>, const PropertyCallbackInfo<Value>&);

void add_getter(Local<v8::Context> context, Local<v8::Object> object, const char* name, Getter getter) {
  object->SetAccessor(context, js_string(context->GetIsolate(), name), getter).Check();
}

double number(int64_t v) { return static_cast<double>(v); }

// instance
void current_test_run_duration(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  const Nanos start = JsVu::current().run().test_start;
  info.GetReturnValue().Set(start ? static_cast<double>(mono_now() - start) / 1e6 : 0.0);
}

template <std::atomic<int64_t> RunShared::*kCounter>
void instance_counter(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(number((JsVu::current().run().*kCounter).load()));
}

// scenario
void scenario_name(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  auto* s = JsVu::current().scenario();
  info.GetReturnValue().Set(js_string(info.GetIsolate(), s ? s->name : ""));
}
void scenario_executor(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  auto* s = JsVu::current().scenario();
  info.GetReturnValue().Set(js_string(info.GetIsolate(), s ? plan::executor_name(s->executor) : ""));
}
void scenario_iteration_in_instance(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(number(JsVu::current().scenario_iteration()));
}
void scenario_start_time(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  JsVu& vu = JsVu::current();
  const Nanos offset = vu.scenario() ? vu.scenario()->start_time : 0;
  // Unix milliseconds of the scenario's start: now, minus how long the test has run, plus the offset.
  const double wall_ms = static_cast<double>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  const double ran_ms = vu.run().test_start ? static_cast<double>(mono_now() - vu.run().test_start) / 1e6 : 0;
  info.GetReturnValue().Set(wall_ms - ran_ms + static_cast<double>(offset) / 1e6);
}

// vu
void vu_id(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(number(JsVu::current().id()));
}
void vu_iteration_in_scenario(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(number(JsVu::current().iteration()));
}
void vu_iteration_in_instance(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  info.GetReturnValue().Set(number(JsVu::current().iteration_in_instance()));
}

void tags_getter(Local<v8::Name> property, const PropertyCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!property->IsString()) return;
  JsVu& vu = JsVu::current();
  const std::string key = to_std_string(isolate, property);
  if (key == "scenario" && vu.scenario()) return info.GetReturnValue().Set(js_string(isolate, vu.scenario()->name));
  if (key == "group") return info.GetReturnValue().Set(js_string(isolate, vu.group()));
  for (const auto& [k, v] : vu.vu_tags()) {
    if (k == key) return info.GetReturnValue().Set(js_string(isolate, v));
  }
}

void tags_setter(Local<v8::Name> property, Local<Value> value, const PropertyCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!property->IsString()) return;
  if (!value->IsString() && !value->IsNumber() && !value->IsBoolean()) {
    return throw_type_error(isolate, "only String, Boolean and Number types are accepted as a tag value");
  }
  const std::string key = to_std_string(isolate, property);
  auto& tags = JsVu::current().vu_tags();
  std::erase_if(tags, [&](const auto& kv) { return kv.first == key; });
  tags.emplace_back(key, to_std_string(isolate, value));
  info.GetReturnValue().Set(value);
}

void tags_enumerator(const PropertyCallbackInfo<v8::Array>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  auto out = v8::Array::New(isolate);
  uint32_t i = 0;
  if (vu.scenario()) out->Set(context, i++, js_string(isolate, "scenario")).Check();
  out->Set(context, i++, js_string(isolate, "group")).Check();
  for (const auto& kv : vu.vu_tags()) out->Set(context, i++, js_string(isolate, kv.first)).Check();
  info.GetReturnValue().Set(out);
}

void tags_query(Local<v8::Name> property, const PropertyCallbackInfo<v8::Integer>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const std::string key = to_std_string(isolate, property);
  JsVu& vu = JsVu::current();
  bool found = key == "group" || (key == "scenario" && vu.scenario());
  for (const auto& kv : vu.vu_tags()) found = found || kv.first == key;
  if (found) info.GetReturnValue().Set(v8::None);
}

void tags_deleter(Local<v8::Name> property, const PropertyCallbackInfo<v8::Boolean>& info) {
  const std::string key = to_std_string(info.GetIsolate(), property);
  std::erase_if(JsVu::current().vu_tags(), [&](const auto& kv) { return kv.first == key; });
  info.GetReturnValue().Set(true);
}

Local<v8::Object> tags_view(Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  auto tpl = v8::ObjectTemplate::New(isolate);
  tpl->SetHandler(
      v8::NamedPropertyHandlerConfiguration(tags_getter, tags_setter, tags_query, tags_deleter, tags_enumerator));
  return tpl->NewInstance(context).ToLocalChecked();
}

// test
void test_abort(const v8::FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  const std::string reason = info.Length() > 0 ? to_std_string(isolate, info[0]) : "";
  vu.run().aborted_by_script = true;
  if (vu.run().abort_test) vu.run().abort_test(reason);
  throw_error(isolate, "test aborted" + (reason.empty() ? std::string() : ": " + reason));
}

void test_fail(const v8::FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  vu.run().marked_failed = true;
  if (info.Length() > 0) log_line(vu.run(), "ERRO", "test marked as failed: " + to_std_string(isolate, info[0]));
}

void test_options(Local<v8::Name>, const PropertyCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  Local<Value> parsed;
  if (v8::JSON::Parse(isolate->GetCurrentContext(), js_string(isolate, JsVu::current().run().options_json))
          .ToLocal(&parsed)) {
    info.GetReturnValue().Set(parsed);
  }
}

}  // namespace

void build_execution_module(Local<v8::Context> context, Local<v8::Object> exports) {
  v8::Isolate* isolate = context->GetIsolate();
  auto instance = v8::Object::New(isolate);
  add_getter(context, instance, "currentTestRunDuration", current_test_run_duration);
  add_getter(context, instance, "vusInitialized", instance_counter<&RunShared::vus_initialized>);
  add_getter(context, instance, "vusActive", instance_counter<&RunShared::vus_active>);
  add_getter(context, instance, "iterationsCompleted", instance_counter<&RunShared::iterations_completed>);
  add_getter(context, instance, "iterationsInterrupted", instance_counter<&RunShared::iterations_interrupted>);
  set_value(context, exports, "instance", instance);

  auto scenario = v8::Object::New(isolate);
  add_getter(context, scenario, "name", scenario_name);
  add_getter(context, scenario, "executor", scenario_executor);
  add_getter(context, scenario, "startTime", scenario_start_time);
  add_getter(context, scenario, "iterationInInstance", scenario_iteration_in_instance);
  add_getter(context, scenario, "iterationInTest", scenario_iteration_in_instance);
  set_value(context, exports, "scenario", scenario);

  auto vu = v8::Object::New(isolate);
  add_getter(context, vu, "idInInstance", vu_id);
  add_getter(context, vu, "idInTest", vu_id);
  add_getter(context, vu, "iterationInInstance", vu_iteration_in_instance);
  add_getter(context, vu, "iterationInScenario", vu_iteration_in_scenario);
  auto tags = tags_view(context);
  set_value(context, vu, "tags", tags);
  auto vu_metrics = v8::Object::New(isolate);
  set_value(context, vu_metrics, "tags", tags);
  set_value(context, vu, "metrics", vu_metrics);
  set_value(context, exports, "vu", vu);

  auto test = v8::Object::New(isolate);
  set_function(context, test, "abort", test_abort);
  set_function(context, test, "fail", test_fail);
  add_getter(context, test, "options", test_options);
  set_value(context, exports, "test", test);
}

}  // namespace squall::k6
