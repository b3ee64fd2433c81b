#include "frontends/k6/runtime/js_vu.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <utility>

#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/v8_thread_identity.h"

namespace squall::k6 {

namespace {

// A VU's stack (mmap'd: only the pages it touches are resident, ~2 pages for a VU in sleep()): V8
// frames of ordinary scripts fit many times over; deep recursion ends in a RangeError thanks to the
// limit set in serve() (a guard band for native frames under it).
constexpr size_t kVuStackBytes = 256 * 1024;
constexpr size_t kNativeGuardBytes = 48 * 1024;

}  // namespace

JsVu::JsVu(IsolateHost& host, vu::Worker& worker, vu::VuState& state, const plan::ScenarioConfig* scenario)
    : CooperativeVu(host.hub(), worker, state),
      host_(host),
      scenario_(scenario),
      fiber_(kVuStackBytes, [this] { serve(); }),
      v8_thread_id_(v8_thread_identity::allocate()) {
  metrics::Tags tags = {{"group", ""}};
  if (scenario_) {
    tags.emplace_back("scenario", scenario_->name);
    tags.insert(tags.end(), scenario_->tags.begin(), scenario_->tags.end());
  }
  scenario_tags_ = store().tag_sets().intern(tags);
  record_redirect_hops(true);  // k6 emits a sample per hop
}

JsVu::~JsVu() { end(); }

void JsVu::serve() {
  serve_commands();
  close_connections();
  take_isolate();
  release_runtime();
  let_isolate_go();
  // V8's record of this "thread" ends with it: the isolate would keep one for every VU ever run.
  host_.isolate()->DiscardThreadSpecificMetadata();
}

v8::Local<v8::Context> JsVu::context() {
  if (!run().context_per_vu) return host_.context();
  if (own_context_.IsEmpty()) {
    v8::HandleScope scope(host_.isolate());  // what making it takes does not outlive it
    promise_jobs_ = v8::MicrotaskQueue::New(host_.isolate(), v8::MicrotasksPolicy::kExplicit);
    own_context_.Reset(host_.isolate(), host_.new_vu_context(promise_jobs_.get()));
  }
  return own_context_.Get(host_.isolate());
}

void JsVu::run_promise_jobs() {
  if (promise_jobs_) {
    promise_jobs_->PerformCheckpoint(host_.isolate());
  } else {
    host_.isolate()->PerformMicrotaskCheckpoint();
  }
}

void JsVu::take_isolate() {
  if (isolate_scopes_) return;
  isolate_scopes_.emplace(*this);
  // V8 assumes a large stack below the point where a thread first takes the isolate.
  host_.isolate()->SetStackLimit(fiber_.stack_low() + kNativeGuardBytes);
}

// All of it: V8 frees what it kept for this VU's "thread" (its handle blocks, its saved state), so
// an idle VU costs V8 nothing but its module instance.
void JsVu::let_isolate_go() { isolate_scopes_.reset(); }

// A switch away in the middle of a command lets the isolate go (another fiber takes it next, as
// another thread would) and takes it back, with this VU's state, when the hub switches back.
void JsVu::yield() {
  if (!isolate_scopes_) return CooperativeVu::yield();
  v8::Unlocker unlocker(host_.isolate());
  hub_.suspend_holding_runtime();
}

void JsVu::before_idle() { let_isolate_go(); }

// A sleeping VU sits ~5 KB deep (two pages); a GC or a compile that ran on its stack went deeper.
// The rest of the frames down to the switch fit in the margin.
void JsVu::before_long_wait() { fiber_.release_stack_below(1024); }

// V8 handles are released in the VU, holding the isolate.
void JsVu::release_runtime() {
  entry_.Reset();
  modules_.clear();
  exports_cache_.clear();
  setup_data_.Reset();
  timers_.clear();
  own_context_.Reset();
  promise_jobs_.reset();  // (the isolate's list of queues changes: under the lock)
}

bool JsVu::init(std::string& error) {
  bool ok = false;
  run_task([&] {
    take_isolate();
    ok = ensure_initialized(error);
  });
  return ok;
}

JsVu::CallResult JsVu::call(const std::string& function, const std::string& arg_json) {
  CallResult result;
  run_task([&] {
    take_isolate();
    // k6 runs setup() and teardown() in groups of those names ("::setup" in the group tag).
    group_ = function == "setup" || function == "teardown" ? "::" + function : "";
    result = call_export(function, arg_json, false);
    group_.clear();
  });
  return result;
}

std::string JsVu::options_json(std::vector<std::string>& functions) {
  std::string options;
  run_task([&] {
    take_isolate();
    std::string error;
    if (!ensure_initialized(error)) return;
    auto isolate = host_.isolate();
    v8::HandleScope handles(isolate);
    auto context = this->context();
    auto ns = entry_.Get(isolate)->GetModuleNamespace().As<v8::Object>();
    auto keys = ns->GetOwnPropertyNames(context).ToLocalChecked();
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      auto key = keys->Get(context, i).ToLocalChecked();
      v8::Local<v8::Value> value;
      if (ns->Get(context, key).ToLocal(&value) && value->IsFunction())
        functions.push_back(to_std_string(isolate, key));
    }
    v8::TryCatch try_catch(isolate);
    auto value = get_value(context, ns, "options");
    v8::Local<v8::String> json;
    if (!value.IsEmpty() && json_stringify(context, value).ToLocal(&json)) options = to_std_string(isolate, json);
  });
  return options;
}

void JsVu::survey_modules() {
  run_task([&] {
    take_isolate();
    std::vector<const SourceFile*> files;
    std::string error;
    for (const auto& [path, module] : modules_) {
      if (const SourceFile* file = run().bundle.file(path, error)) files.push_back(file);
    }
    // acorn is loaded only for a script that names what the survey looks for.
    bool worth_it = false;
    for (const SourceFile* file : files) {
      for (const char* word : {"sleep", "async", "await", "Promise", ".then", ".catch", ".finally"}) {
        worth_it = worth_it || file->text.find(word) != std::string::npos;
      }
    }
    if (!worth_it) return;
    ScriptSurvey survey = survey_script(host_.isolate(), files);
    run().tail_calls = std::move(survey.tail_calls);
    run().context_per_vu = survey.queues_promise_jobs;
  });
}

void JsVu::run_iteration() {
  take_isolate();
  ++iterations_started_;
  scenario_iteration_ = run().next_scenario_iteration(scenario_ ? scenario_->name : "");
  const Nanos min_duration = run().min_iteration_duration;
  iteration_started_ = min_duration > 0 ? mono_now() : 0;  // (a clock read per iteration saved when unset)
  group_.clear();  // (the VU's own tags, exec.vu.tags, last for its life, as in k6)
  ++run().vus_active;
  const std::string exec = scenario_ ? scenario_->exec : "default";
#ifndef NDEBUG
  const int handles_before = v8::HandleScope::NumberOfHandles(host_.isolate());
#endif
  CallResult r = call_export(exec, "", true);
  // minIterationDuration: a shorter iteration sleeps the rest, within the iteration (k6 does too).
  if (min_duration > 0) {
    if (const Nanos rest = min_duration - (mono_now() - iteration_started_); rest > 0 && !interrupted()) sleep(rest);
  }
  // Debug builds (CI's sanitizer run) check that no handle outlives its iteration: a VU holds the
  // isolate, and the scope opened then, across many iterations.
  assert(v8::HandleScope::NumberOfHandles(host_.isolate()) == handles_before && "an iteration leaked V8 handles");
  --run().vus_active;
  if (run().no_vu_connection_reuse) client().close_idle();
  ++(interrupted() ? run().iterations_interrupted : run().iterations_completed);
  if (!r.ok && !interrupted()) {
    log_line(run(), "ERRO", r.error,
             scenario_ ? "executor=" + std::string(plan::executor_name(scenario_->executor)) +
                             " scenario=" + scenario_->name + " source=stacktrace"
                       : "source=stacktrace");
  }
}

bool JsVu::ensure_initialized(std::string& error) {
  if (initialized_ || !init_error_.empty()) {
    error = init_error_;
    return initialized_;
  }
  auto isolate = host_.isolate();
  v8::HandleScope handles(isolate);
  auto context = this->context();
  in_init_ = true;
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Module> entry;
  std::string load_error;
  bool ok = load_module(run().bundle.entry().path, load_error).ToLocal(&entry);
  if (ok && !entry->InstantiateModule(context, &JsVu::resolve).FromMaybe(false)) ok = false;
  v8::Local<v8::Value> evaluated;
  if (ok && !entry->Evaluate(context).ToLocal(&evaluated)) ok = false;
  if (ok && evaluated->IsPromise()) {
    auto promise = evaluated.As<v8::Promise>();
    run_promise_jobs();
    if (promise->State() == v8::Promise::kRejected) {
      isolate->ThrowException(promise->Result());
      ok = false;
    }
  }
  in_init_ = false;
  if (!ok) {
    init_error_ = !load_error.empty() ? load_error : describe(try_catch);
    if (init_error_.empty()) init_error_ = "the script could not be initialised";
    error = init_error_;
    return false;
  }
  entry_.Reset(isolate, entry);
  initialized_ = true;
  if (scenario_) ++run().vus_initialized;
  return true;
}

v8::MaybeLocal<v8::Module> JsVu::load_module(const std::string& path, std::string& error) {
  auto isolate = host_.isolate();
  auto it = modules_.find(path);
  if (it != modules_.end()) return it->second.Get(isolate);
  const SourceFile* file = run().bundle.file(path, error);
  if (!file) return {};
  v8::ScriptOrigin origin(isolate, js_string(isolate, file->url), 0, 0, false, -1, v8::Local<v8::Value>(), false, false,
                          true);
  v8::ScriptCompiler::CachedData* cache = host_.code_cache(path);
  auto* cache_copy = cache ? new v8::ScriptCompiler::CachedData(cache->data, cache->length) : nullptr;
  v8::ScriptCompiler::Source source(js_string(isolate, file->text), origin, cache_copy);
  v8::Local<v8::Module> module;
  const auto options = cache_copy ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions;
  if (!v8::ScriptCompiler::CompileModule(isolate, &source, options).ToLocal(&module)) return {};
  if (!cache) host_.store_code_cache(path, module);
  modules_[path].Reset(isolate, module);
  module_paths_[module->GetIdentityHash()] = path;
  return module;
}

namespace {

// "\n\tat file:///a.js:3:1", where the module at `url` imports `specifier`: an error thrown while
// resolving has no JS frame to carry its place.
std::string import_location(v8::Local<v8::Context> context, v8::Local<v8::Module> referrer, const std::string& url,
                            const std::string& specifier) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::FixedArray> requests = referrer->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    auto request = requests->Get(context, i).As<v8::ModuleRequest>();
    if (to_std_string(isolate, request->GetSpecifier()) != specifier) continue;
    v8::Location at = referrer->SourceOffsetToLocation(request->GetSourceOffset());
    return "\n\tat " + url + ":" + std::to_string(at.GetLineNumber() + 1) + ":" +
           std::to_string(at.GetColumnNumber() + 1);
  }
  return "\n\tat " + url;
}

}  // namespace

v8::MaybeLocal<v8::Module> JsVu::resolve(v8::Local<v8::Context> context, v8::Local<v8::String> specifier,
                                         v8::Local<v8::FixedArray>, v8::Local<v8::Module> referrer) {
  JsVu& vu = current();
  v8::Isolate* isolate = context->GetIsolate();
  const std::string name = to_std_string(isolate, specifier);
  v8::Local<v8::Module> builtin;
  if (vu.host_.builtin_module(context, name).ToLocal(&builtin)) return builtin;
  std::string error;
  const std::string& referrer_path = vu.module_paths_[referrer->GetIdentityHash()];
  auto path = ScriptBundle::resolve(referrer_path, name, error);
  if (!path) {
    throw_error(isolate, error + import_location(context, referrer, "file://" + referrer_path, name));
    return {};
  }
  v8::MaybeLocal<v8::Module> module = vu.load_module(*path, error);
  if (module.IsEmpty() && !error.empty())
    throw_error(isolate, error + import_location(context, referrer, "file://" + referrer_path, name));
  return module;
}

JsVu::CallResult JsVu::call_export(const std::string& function, const std::string& argument, bool iteration) {
  CallResult result;
  v8::Global<v8::Value> returned;
  if (!start_call(function, argument, iteration, returned, result)) return result;
  if (deferred_sleep_ > 0) {
    // The function's last act was k6's sleep(): the VU waits outside the isolate, then the call
    // ends as it would have (microtasks, timers), in k6's order.
    const Nanos duration = std::exchange(deferred_sleep_, 0);
    let_isolate_go();
    const bool slept = sleep(duration);
    take_isolate();
    if (!slept) {
      result.error = "iteration interrupted";
      timers_.clear();
      drop_async();
      return result;
    }
  }
  finish_call(returned, iteration, result);
  return result;
}

// The handles of one call die with it: a VU can hold the isolate (and the scope opened then) across
// many iterations, and handles piling up there kept garbage alive and lengthened every GC.
bool JsVu::start_call(const std::string& function, const std::string& argument, bool iteration,
                      v8::Global<v8::Value>& returned, CallResult& result) {
  v8::HandleScope handles(host_.isolate());
  if (!ensure_initialized(result.error)) return false;
  auto isolate = host_.isolate();
  auto context = this->context();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Function> fn;
  auto cached = exports_cache_.find(function);
  if (cached != exports_cache_.end()) {
    fn = cached->second.Get(isolate);
  } else {
    auto ns = entry_.Get(isolate)->GetModuleNamespace().As<v8::Object>();
    auto value = get_value(context, ns, function);
    if (value.IsEmpty() || !value->IsFunction()) {
      result.missing = true;
      result.error = "function '" + function + "' not found in exports";
      return false;
    }
    fn = value.As<v8::Function>();
    exports_cache_[function].Reset(isolate, fn);
  }
  std::vector<v8::Local<v8::Value>> args;
  if (iteration) {
    // k6 hands every iteration the data setup() returned, parsed once per VU.
    if (!setup_data_parsed_) {
      setup_data_parsed_ = true;
      v8::Local<v8::Value> data;
      if (!run().setup_data_json.empty() &&
          v8::JSON::Parse(context, js_string(isolate, run().setup_data_json)).ToLocal(&data)) {
        setup_data_.Reset(isolate, data);
      }
    }
    if (!setup_data_.IsEmpty()) args.push_back(setup_data_.Get(isolate));
  } else if (!argument.empty()) {
    v8::Local<v8::Value> data;
    if (!v8::JSON::Parse(context, js_string(isolate, argument)).ToLocal(&data)) {
      result.error = describe(try_catch);
      return false;
    }
    args.push_back(data);
  }
  v8::Local<v8::Value> value;
  in_iteration_call_ = iteration;
  const bool ok = fn->Call(context, context->Global(), static_cast<int>(args.size()), args.data()).ToLocal(&value);
  in_iteration_call_ = false;
  if (!ok) {
    deferred_sleep_ = 0;  // (nothing can throw after a tail call; if it did, the sleep is dropped)
    timers_.clear();
    drop_async();
    result.error = describe(try_catch);
    return false;
  }
  returned.Reset(isolate, value);
  return true;
}

void JsVu::finish_call(const v8::Global<v8::Value>& returned, bool iteration, CallResult& result) {
  auto isolate = host_.isolate();
  v8::HandleScope handles(isolate);
  auto context = this->context();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> value = returned.Get(isolate);
  run_promise_jobs();
  std::string error;
  bool ok = settle(value, value, error);
  if (ok) ok = run_event_loop({});  // k6 ends an iteration once its timers and requests are done
  timers_.clear();
  drop_async();
  if (!ok) {
    result.error = !error.empty() ? error : describe(try_catch);
    return;
  }
  result.ok = true;
  if (!iteration && !value->IsUndefined()) {
    v8::Local<v8::String> json;
    if (json_stringify(context, value).ToLocal(&json)) result.json = to_std_string(isolate, json);
  }
}

bool JsVu::defer_tail_sleep(Nanos duration) {
  if (!in_iteration_call_ || deferred_sleep_ > 0) return false;
  v8::Isolate* isolate = host_.isolate();
  constexpr auto kWhere = static_cast<v8::StackTrace::StackTraceOptions>(
      v8::StackTrace::kLineNumber | v8::StackTrace::kColumnOffset | v8::StackTrace::kScriptName);
  auto trace = v8::StackTrace::CurrentStackTrace(isolate, 2, kWhere);
  if (trace->GetFrameCount() != 1) return false;  // called from deeper than the iteration's function
  auto frame = trace->GetFrame(isolate, 0);
  const std::string url = to_std_string(isolate, frame->GetScriptName());
  if (!run().tail_calls.contains(url, frame->GetLineNumber(), frame->GetColumn())) return false;
  deferred_sleep_ = duration;
  return true;
}

// An async function's promise: its event loop runs until it settles.
bool JsVu::settle(v8::Local<v8::Value> value, v8::Local<v8::Value>& result, std::string& error) {
  if (!value->IsPromise()) {
    result = value;
    return true;
  }
  auto isolate = host_.isolate();
  auto promise = value.As<v8::Promise>();
  if (!run_event_loop(promise)) return false;
  if (promise->State() == v8::Promise::kRejected) {
    isolate->ThrowException(promise->Result());
    return false;
  }
  if (promise->State() == v8::Promise::kPending) {
    error = interrupted() ? "iteration interrupted" : "";
    result = v8::Undefined(isolate);
    return error.empty();
  }
  result = promise->Result();
  return true;
}

// As k6's event loop: promise jobs, the responses of asyncRequest as they come, and timers when due,
// until `promise` (if given) settles or nothing is left to wait for. False if a callback threw.
bool JsVu::run_event_loop(v8::Local<v8::Promise> promise) {
  auto isolate = host_.isolate();
  auto context = this->context();
  for (;;) {
    run_promise_jobs();
    if ((!promise.IsEmpty() && promise->State() != v8::Promise::kPending) || interrupted()) return true;
    if (deliver_async_responses()) continue;  // (their callbacks resolve or reject promises)
    if (timers_.empty()) {
      if (!async_pending()) return true;
      wait_async(0);
      continue;
    }
    auto next = std::min_element(timers_.begin(), timers_.end(), [](const Timer& a, const Timer& b) {
      return a.due != b.due ? a.due < b.due : a.id < b.id;
    });
    if (next->due > mono_now()) {
      wait_async(next->due);  // until the timer is due, or sooner for a response: then look again
      continue;
    }
    auto callback = next->callback.Get(isolate);
    std::vector<v8::Local<v8::Value>> args;
    for (auto& a : next->args) args.push_back(a.Get(isolate));
    if (next->interval > 0) {
      next->due += next->interval;
    } else {
      timers_.erase(next);
    }
    v8::Local<v8::Value> ignored;
    if (!callback->Call(context, context->Global(), static_cast<int>(args.size()), args.data()).ToLocal(&ignored)) {
      return false;
    }
  }
}

int64_t JsVu::add_timer(Nanos delay, v8::Local<v8::Function> callback, std::vector<v8::Local<v8::Value>> args,
                        bool repeat) {
  auto isolate = host_.isolate();
  Timer timer;
  timer.id = next_timer_id_++;
  timer.due = mono_now() + std::max<Nanos>(delay, 0);
  timer.interval = repeat ? std::max<Nanos>(delay, kMillisecond) : 0;
  timer.callback.Reset(isolate, callback);
  for (auto& a : args) timer.args.emplace_back(isolate, a);
  timers_.push_back(std::move(timer));
  return timers_.back().id;
}

void JsVu::clear_timer(int64_t id) {
  std::erase_if(timers_, [id](const Timer& t) { return t.id == id; });
}

std::string JsVu::describe(v8::TryCatch& try_catch) {
  if (!try_catch.HasCaught()) return "";
  auto isolate = host_.isolate();
  auto context = this->context();
  if (try_catch.HasTerminated()) {
    return host_.take_heap_exhausted()
               ? "the JavaScript heap ran out of memory: the script was stopped (what it measured is kept)"
               : "the script was terminated";
  }
  v8::Local<v8::Value> stack;
  std::string text;
  if (try_catch.StackTrace(context).ToLocal(&stack) && stack->IsString()) text = to_std_string(isolate, stack);
  if (text.empty()) text = to_std_string(isolate, try_catch.Exception());
  // Compile errors carry no stack frames: name the place from the message, as file:line:column.
  auto message = try_catch.Message();
  const std::string where = message.IsEmpty() ? "" : to_std_string(isolate, message->GetScriptResourceName());
  if (text.find("\n    at ") == std::string::npos && !message.IsEmpty() && where != "undefined") {
    text += "\n\tat " + where + ":" + std::to_string(message->GetLineNumber(context).FromMaybe(0)) + ":" +
            std::to_string(message->GetStartColumn(context).FromMaybe(0) + 1);
    const std::string line = to_std_string(isolate, message->GetSourceLine(context).FromMaybe(v8::Local<v8::String>()));
    if (!line.empty()) text += "\n\t" + line;
  }
  // k6 (goja) indents frames with a tab.
  for (size_t at = text.find("\n    at "); at != std::string::npos; at = text.find("\n    at ", at + 1)) {
    text.replace(at, 5, "\n\t");
  }
  return run().bundle.with_source_positions(std::move(text));
}

metrics::TagSetId JsVu::current_tags() {
  if (group_.empty() && vu_tags_.empty()) return scenario_tags_;
  std::string key = group_;
  for (const auto& [k, v] : vu_tags_) key += '\0' + k + '\0' + v;
  if (cached_tags_ && key == cached_tags_key_) return cached_tags_;
  metrics::Tags extra = vu_tags_;
  extra.emplace_back("group", group_);
  cached_tags_ = store().tag_sets().with(scenario_tags_, extra);
  cached_tags_key_ = std::move(key);
  return cached_tags_;
}

metrics::TagSetId JsVu::intern_cached(const std::string& key, const std::function<metrics::TagSetId()>& make) {
  auto it = tag_cache_.find(key);
  if (it != tag_cache_.end()) return it->second;
  if (tag_cache_.size() >= 512) tag_cache_.clear();  // URLs with ids in them would grow it without end
  return tag_cache_[key] = make();
}

}  // namespace squall::k6
