#include "frontends/k6/runtime/isolate_host.h"

#include <algorithm>
#include <vector>

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/modules/http_response.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/v8_platform.h"

namespace squall::k6 {

IsolateHost::IsolateHost(RunShared& run, const std::map<std::string, std::string>& scenario_env)
    : run_(run), env_(run.env) {
  for (const auto& [name, value] : scenario_env) env_[name] = value;
  ensure_v8_initialized();
  allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  isolate_ = v8::Isolate::New(params);
  isolate_->SetData(0, this);
  // Promise jobs run where k6 runs them, once the iteration's function has returned (JsVu::finish_call)
  // — not whenever a call from C++ returns, which is before a deferred tail sleep.
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->AddNearHeapLimitCallback(&IsolateHost::near_heap_limit, this);
  isolate_->AutomaticallyRestoreInitialHeapLimit(0.5);
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolate_scope(isolate_);
    v8::HandleScope handles(isolate_);
    auto context = v8::Context::New(isolate_);
    context_.Reset(isolate_, context);
    v8::Context::Scope context_scope(context);
    number(context);
    install_globals(context);
  }
  hub_ = std::make_unique<JsHub>(isolate_);  // enters the isolate on its thread: not while this one is in
}

IsolateHost::~IsolateHost() {
  hub_.reset();
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope isolate_scope(isolate_);
    builtins_.clear();
    header_names_.clear();
    context_.Reset();
  }
  isolate_->Dispose();
}

size_t IsolateHost::near_heap_limit(void* data, size_t current_limit, size_t initial_limit) {
  auto* host = static_cast<IsolateHost*>(data);
  if (current_limit >= 2 * initial_limit) return current_limit;
  host->heap_exhausted_ = true;
  host->isolate_->TerminateExecution();
  return std::min(current_limit + initial_limit / 4, 2 * initial_limit);
}

void IsolateHost::number(v8::Local<v8::Context> context) {
  context->SetEmbedderData(kContextNumber, v8::Integer::New(isolate_, contexts_++));
}

v8::Local<v8::Context> IsolateHost::new_vu_context(v8::MicrotaskQueue* promise_jobs) {
  auto context = v8::Context::New(isolate_, nullptr, {}, {}, {}, promise_jobs);
  v8::Context::Scope scope(context);
  number(context);
  install_globals(context);
  return context;
}

v8::MaybeLocal<v8::Module> IsolateHost::builtin_module(v8::Local<v8::Context> context, const std::string& specifier) {
  const int number = context->GetEmbedderData(kContextNumber).As<v8::Integer>()->Int32Value(context).FromMaybe(-1);
  auto it = builtins_.find({number, specifier});
  if (it != builtins_.end()) return it->second.module.Get(isolate_);
  ModuleBuilder build = find_builtin_module(specifier);
  if (!build) return {};
  auto exports = v8::Object::New(isolate_);
  build(context, exports);
  std::vector<v8::Local<v8::String>> names = {js_string(isolate_, "default")};
  auto keys = exports->GetOwnPropertyNames(context).ToLocalChecked();
  for (uint32_t i = 0; i < keys->Length(); ++i)
    names.push_back(keys->Get(context, i).ToLocalChecked().As<v8::String>());
  auto module = v8::Module::CreateSyntheticModule(isolate_, js_string(isolate_, specifier), names, evaluate_builtin);
  auto& entry = builtins_[{number, specifier}];
  entry.module.Reset(isolate_, module);
  entry.exports.Reset(isolate_, exports);
  // A synthetic module imports nothing: instantiation never calls back.
  module
      ->InstantiateModule(context, [](v8::Local<v8::Context>, v8::Local<v8::String>, v8::Local<v8::FixedArray>,
                                      v8::Local<v8::Module>) { return v8::MaybeLocal<v8::Module>(); })
      .Check();
  evaluating_exports_ = exports;  // evaluation runs at once, in Evaluate()
  v8::Local<v8::Value> ignored;
  const bool evaluated = module->Evaluate(context).ToLocal(&ignored);
  evaluating_exports_.Clear();
  if (!evaluated) return {};
  return module;
}

v8::MaybeLocal<v8::Value> IsolateHost::evaluate_builtin(v8::Local<v8::Context> context, v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  auto exports = of(isolate).evaluating_exports_;
  module->SetSyntheticModuleExport(isolate, js_string(isolate, "default"), exports).Check();
  auto keys = exports->GetOwnPropertyNames(context).ToLocalChecked();
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    module->SetSyntheticModuleExport(isolate, key.As<v8::String>(), exports->Get(context, key).ToLocalChecked())
        .Check();
  }
  return v8::Undefined(isolate);
}

v8::ScriptCompiler::CachedData* IsolateHost::code_cache(const std::string& path) {
  auto it = code_caches_.find(path);
  return it == code_caches_.end() ? nullptr : it->second.get();
}

void IsolateHost::store_code_cache(const std::string& path, v8::Local<v8::Module> module) {
  if (code_caches_.count(path)) return;
  code_caches_[path].reset(v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
}

v8::Local<v8::String> IsolateHost::name(const char* literal) {
  auto it = names_.find(literal);
  if (it != names_.end()) return it->second.Get(isolate_);
  auto s = internalized(literal);
  names_.emplace(literal, v8::Eternal<v8::String>(isolate_, s));
  return s;
}

v8::Local<v8::Private> IsolateHost::private_key(const char* literal) {
  auto it = private_keys_.find(literal);
  if (it != private_keys_.end()) return it->second.Get(isolate_);
  auto p = v8::Private::ForApi(isolate_, name(literal));
  private_keys_.emplace(literal, v8::Eternal<v8::Private>(isolate_, p));
  return p;
}

// The shared context's functions are found in a map (the common case, once per request); a VU's own
// context keeps its functions on its global object, under private keys, and dies with them.
v8::Local<v8::Function> IsolateHost::per_context(v8::Local<v8::Context> context, const char* literal,
                                                 FunctionMaker make) {
  if (context == this->context()) {
    auto it = shared_context_functions_.find(literal);
    if (it != shared_context_functions_.end()) return it->second.Get(isolate_);
    auto made = make(context);
    shared_context_functions_.emplace(literal, v8::Eternal<v8::Function>(isolate_, made));
    return made;
  }
  auto key = private_key(literal);
  auto global = context->Global();
  v8::Local<v8::Value> existing;
  if (global->GetPrivate(context, key).ToLocal(&existing) && existing->IsFunction()) return existing.As<v8::Function>();
  auto made = make(context);
  global->SetPrivate(context, key, made).Check();
  return made;
}

v8::Local<v8::String> IsolateHost::internalized(std::string_view text) {
  return v8::String::NewFromUtf8(isolate_, text.data(), v8::NewStringType::kInternalized, static_cast<int>(text.size()))
      .ToLocalChecked();
}

IsolateHost::HeaderStrings* IsolateHost::header_strings(std::string_view raw) {
  auto it = header_names_.find(raw);
  if (it != header_names_.end()) return &it->second;
  if (header_names_.size() >= kCachedHeaderNames) return nullptr;
  auto name = internalized(canonical_header_name(raw));
  return &header_names_.emplace(raw, HeaderStrings{v8::Eternal<v8::String>(isolate_, name), {}, {}}).first->second;
}

v8::Local<v8::String> IsolateHost::header_name(std::string_view raw) {
  if (HeaderStrings* kept = header_strings(raw)) return kept->name.Get(isolate_);
  return internalized(canonical_header_name(raw));
}

std::pair<v8::Local<v8::String>, v8::Local<v8::String>> IsolateHost::header(std::string_view raw_name,
                                                                            std::string_view value) {
  HeaderStrings* kept = header_strings(raw_name);
  if (!kept) return {header_name(raw_name), js_string(isolate_, value)};
  if (kept->last_value_string.IsEmpty() || kept->last_value != value) {
    kept->last_value.assign(value);
    kept->last_value_string.Reset(isolate_, js_string(isolate_, value));
  }
  return {kept->name.Get(isolate_), kept->last_value_string.Get(isolate_)};
}

v8::Local<v8::String> IsolateHost::recurring(std::string_view text) {
  if (text.empty()) return v8::String::Empty(isolate_);
  auto it = recurring_.find(text);
  if (it != recurring_.end()) return it->second.Get(isolate_);
  auto made = internalized(text);
  if (recurring_.size() < kCachedTexts) recurring_.emplace(text, v8::Eternal<v8::String>(isolate_, made));
  return made;
}

}  // namespace squall::k6
