// 'k6/data' SharedArray: the data is built once (by the first VU that
// constructs the name) and kept once, as JSON text per element, for every
// isolate and VU; each read parses the element, as k6 does.
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

using v8::Local;
using v8::Value;

const SharedArrayData* data_of(Local<v8::Object> self) {
  return static_cast<const SharedArrayData*>(self->GetAlignedPointerFromInternalField(0));
}

void element(uint32_t index, const v8::PropertyCallbackInfo<Value>& info) {
  const SharedArrayData* data = data_of(info.Holder());
  if (!data || index >= data->elements.size()) return;
  Local<Value> parsed;
  v8::Isolate* isolate = info.GetIsolate();
  if (v8::JSON::Parse(isolate->GetCurrentContext(), js_string(isolate, data->elements[index])).ToLocal(&parsed)) {
    info.GetReturnValue().Set(parsed);
  }
}

void element_set(uint32_t, Local<Value>, const v8::PropertyCallbackInfo<Value>& info) {
  throw_type_error(info.GetIsolate(), "SharedArray is read-only");
}

void indexes(const v8::PropertyCallbackInfo<v8::Array>& info) {
  const SharedArrayData* data = data_of(info.Holder());
  v8::Isolate* isolate = info.GetIsolate();
  auto out = v8::Array::New(isolate, static_cast<int>(data ? data->elements.size() : 0));
  for (uint32_t i = 0; data && i < data->elements.size(); ++i)
    out->Set(isolate->GetCurrentContext(), i, v8::Integer::NewFromUnsigned(isolate, i)).Check();
  info.GetReturnValue().Set(out);
}

void length(Local<v8::Name>, const v8::PropertyCallbackInfo<Value>& info) {
  const SharedArrayData* data = data_of(info.Holder());
  info.GetReturnValue().Set(static_cast<double>(data ? data->elements.size() : 0));
}

void construct(const v8::FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  if (!info.IsConstructCall()) return throw_type_error(isolate, "SharedArray must be created with new");
  if (!vu.in_init()) return throw_error(isolate, "new SharedArray must be called in the init context");
  if (info.Length() < 2 || !info[1]->IsFunction()) return throw_type_error(isolate, "SharedArray(name, function)");
  const std::string name = to_std_string(isolate, info[0]);
  if (name.empty()) return throw_error(isolate, "empty name provided to SharedArray's constructor");
  auto data = vu.run().shared_array(name);
  if (!data) {
    Local<Value> result;
    if (!info[1].As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr).ToLocal(&result)) return;
    if (!result->IsArray()) return throw_type_error(isolate, "only arrays can be made into SharedArray");
    auto array = result.As<v8::Array>();
    SharedArrayData fresh;
    for (uint32_t i = 0; i < array->Length(); ++i) {
      Local<v8::String> json;
      if (!json_stringify(context, array->Get(context, i).ToLocalChecked()).ToLocal(&json)) return;
      fresh.elements.push_back(to_std_string(isolate, json));
    }
    data = vu.run().add_shared_array(name, std::move(fresh));
  }
  // The data lives in RunShared for the whole run, longer than any VU's object.
  info.This()->SetAlignedPointerInInternalField(0, const_cast<SharedArrayData*>(data.get()));
}

}  // namespace

void build_data_module(Local<v8::Context> context, Local<v8::Object> exports) {
  v8::Isolate* isolate = context->GetIsolate();
  auto tpl = v8::FunctionTemplate::New(isolate, construct);
  tpl->SetClassName(js_string(isolate, "SharedArray"));
  auto instance = tpl->InstanceTemplate();
  instance->SetInternalFieldCount(1);
  instance->SetHandler(v8::IndexedPropertyHandlerConfiguration(element, element_set, nullptr, nullptr, indexes));
  instance->SetAccessor(js_string(isolate, "length"), length);
  auto ctor = tpl->GetFunction(context).ToLocalChecked();
  // for...of and spread: Array.prototype's iterator works on any array-like.
  auto array_proto =
      get_value(context, get_value(context, context->Global(), "Array").As<v8::Object>(), "prototype").As<v8::Object>();
  auto proto = get_value(context, ctor, "prototype").As<v8::Object>();
  proto->Set(context, v8::Symbol::GetIterator(isolate), get_value(context, array_proto, "values")).Check();
  for (const char* method :
       {"forEach", "map", "filter", "find", "indexOf", "slice", "some", "every", "reduce", "includes"}) {
    proto->Set(context, js_string(isolate, method), get_value(context, array_proto, method)).Check();
  }
  set_value(context, exports, "SharedArray", ctor);
}

}  // namespace squall::k6
