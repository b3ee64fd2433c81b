// 'k6/metrics': Counter, Gauge, Rate and Trend. Metrics are defined in the
// init context (as in k6) and shared by name run-wide; add(value[, tags])
// records a sample with the VU's current tags plus the given ones.
#include <cmath>

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"
#include "metrics/metric_registry.h"

namespace squall::k6 {

namespace {

using metrics::MetricType;
using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// Tags from a plain object: {k: v} -> sorted pairs (values as strings).
metrics::Tags tags_of(v8::Isolate* isolate, Local<Value> value) {
  metrics::Tags tags;
  if (!value->IsObject()) return tags;
  auto context = isolate->GetCurrentContext();
  auto object = value.As<v8::Object>();
  auto keys = object->GetOwnPropertyNames(context).ToLocalChecked();
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    tags.emplace_back(to_std_string(isolate, key), to_std_string(isolate, object->Get(context, key).ToLocalChecked()));
  }
  return tags;
}

template <MetricType kType>
void construct(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!info.IsConstructCall()) return throw_type_error(isolate, "a metric must be created with new");
  if (!JsVu::current().in_init()) return throw_error(isolate, "metrics must be declared in the init context");
  if (info.Length() < 1 || !info[0]->IsString()) return throw_type_error(isolate, "a metric needs a name");
  const std::string name = to_std_string(isolate, info[0]);
  if (name.empty() || name.size() > 128)
    return throw_error(isolate, "invalid metric name '" + name + "' (1 to 128 characters)");
  const bool is_time = kType == MetricType::kTrend && info.Length() > 1 && info[1]->BooleanValue(isolate);
  auto id = JsVu::current().store().metrics().define(
      name, kType, is_time ? metrics::ValueType::kTime : metrics::ValueType::kDefault);
  if (!id) return throw_error(isolate, "metric '" + name + "' already exists with another type");
  auto self = info.This();
  self->SetInternalField(0, v8::Integer::NewFromUnsigned(isolate, *id));
  self->SetInternalField(1, v8::Boolean::New(isolate, is_time));
  set_value(isolate->GetCurrentContext(), self, "name", info[0]);
}

void add(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  if (vu.in_init()) return throw_error(isolate, "metrics can only be added to in the VU context");
  if (info.This()->InternalFieldCount() < 2)
    return throw_type_error(isolate, "add() called on something that is not a metric");
  const auto id = static_cast<metrics::MetricId>(info.This()->GetInternalField(0).As<v8::Integer>()->Value());
  const auto type = vu.store().metrics().info(id).type;
  const bool is_time = info.This()->GetInternalField(1)->IsTrue();
  Local<Value> arg = info.Length() > 0 ? info[0] : Local<Value>(v8::Undefined(isolate));
  double value;
  if (type == MetricType::kRate) {
    value = arg->IsNumber() ? (arg.As<v8::Number>()->Value() != 0 ? 1 : 0) : (arg->BooleanValue(isolate) ? 1 : 0);
  } else {
    value = arg->IsBoolean() ? (arg->BooleanValue(isolate) ? 1 : 0)
                             : arg->NumberValue(isolate->GetCurrentContext()).FromMaybe(NAN);
    if (std::isnan(value))
      return throw_error(isolate, "metric value must be a number, got " + to_std_string(isolate, arg));
  }
  metrics::TagSetId tags = vu.current_tags();
  if (info.Length() > 1 && info[1]->IsObject()) tags = vu.store().tag_sets().with(tags, tags_of(isolate, info[1]));
  if (is_time) {
    vu.samples().add_time(id, tags, static_cast<Nanos>(value * 1e6));
  } else if (type == MetricType::kTrend) {
    vu.samples().add_trend_value(id, tags, value);
  } else {
    vu.samples().add(id, tags, value);
  }
  info.GetReturnValue().Set(true);
}

template <MetricType kType>
void define_class(Local<v8::Context> context, Local<v8::Object> exports, const char* name) {
  v8::Isolate* isolate = context->GetIsolate();
  auto tpl = v8::FunctionTemplate::New(isolate, construct<kType>);
  tpl->SetClassName(js_string(isolate, name));
  tpl->InstanceTemplate()->SetInternalFieldCount(2);
  tpl->PrototypeTemplate()->Set(isolate, "add", v8::FunctionTemplate::New(isolate, add));
  set_value(context, exports, name, tpl->GetFunction(context).ToLocalChecked());
}

}  // namespace

void build_metrics_module(Local<v8::Context> context, Local<v8::Object> exports) {
  define_class<MetricType::kCounter>(context, exports, "Counter");
  define_class<MetricType::kGauge>(context, exports, "Gauge");
  define_class<MetricType::kRate>(context, exports, "Rate");
  define_class<MetricType::kTrend>(context, exports, "Trend");
}

}  // namespace squall::k6
