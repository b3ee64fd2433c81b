// One V8 isolate with one shared context, used by the VUs of one worker and
// scenario: fibers of the isolate's JsHub, taking turns with v8::Locker. Each
// VU holds its own instance of the user's modules inside the shared context
// (see docs/javascript.md for why and what it costs), while k6's built-in
// modules (k6, k6/http, ...) exist once per isolate and read the calling VU
// from the hub (JsVu::current()). The VUs' HTTP connections and sleep timers
// live on the hub's event loop.
#pragma once

#include <v8.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/text_hash.h"
#include "frontends/k6/runtime/js_hub.h"
#include "frontends/k6/runtime/run_shared.h"
#include "net/event_loop.h"
#include "net/url_cache.h"

namespace squall::k6 {

class IsolateHost {
 public:
  // `scenario_env`: the scenario's `env`, over the run's (__ENV of this isolate's VUs).
  explicit IsolateHost(RunShared& run, const std::map<std::string, std::string>& scenario_env = {});
  ~IsolateHost();
  IsolateHost(const IsolateHost&) = delete;
  IsolateHost& operator=(const IsolateHost&) = delete;

  v8::Isolate* isolate() const { return isolate_; }
  // Under the lock only: the context the VUs share (when they do: RunShared::context_per_vu).
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }
  // Under the lock: a context of one VU's own, with k6's globals and `promise_jobs` for its queue.
  v8::Local<v8::Context> new_vu_context(v8::MicrotaskQueue* promise_jobs);
  JsHub& hub() { return *hub_; }
  net::EventLoop& io() { return hub_->io(); }
  RunShared& run() const { return run_; }
  const std::map<std::string, std::string>& env() const { return env_; }

  // Under the lock: the built-in module `specifier` of `context` (created on first use), or empty if unknown.
  v8::MaybeLocal<v8::Module> builtin_module(v8::Local<v8::Context> context, const std::string& specifier);
  // Under the lock: V8's code cache for a file, so later VUs compile it faster (null: none yet).
  v8::ScriptCompiler::CachedData* code_cache(const std::string& path);
  void store_code_cache(const std::string& path, v8::Local<v8::Module> module);

  // Under the lock: an internalized string / private symbol for a name used again and again.
  // `literal` must be a string literal: it is cached by its address.
  v8::Local<v8::String> name(const char* literal);
  v8::Local<v8::Private> private_key(const char* literal);
  // Under the lock: the function `make` builds for `context` (a class written in JavaScript),
  // built once per context and kept under `literal` (a string literal, as for name()).
  using FunctionMaker = v8::Local<v8::Function> (*)(v8::Local<v8::Context>);
  v8::Local<v8::Function> per_context(v8::Local<v8::Context> context, const char* literal, FunctionMaker make);
  // Under the lock: the internalized canonical name of a header as received ("content-type" ->
  // "Content-Type"); the first kCachedHeaderNames spellings are kept, the rest made each time.
  v8::Local<v8::String> header_name(std::string_view raw);
  // Under the lock: the canonical name and a string of `value`; the last value seen under each
  // kept name is kept too, since most headers repeat from response to response (Date changes).
  std::pair<v8::Local<v8::String>, v8::Local<v8::String>> header(std::string_view raw_name, std::string_view value);
  static constexpr size_t kCachedHeaderNames = 512;
  // Under the lock: a string for a short text that recurs (a method, a status line's text, a peer's
  // address); the first kCachedTexts texts are kept.
  v8::Local<v8::String> recurring(std::string_view text);
  static constexpr size_t kCachedTexts = 256;
  // The URLs this isolate's VUs request, parsed once (the isolate's thread only).
  net::UrlCache& urls() { return urls_; }
  static IsolateHost& of(v8::Isolate* isolate) { return *static_cast<IsolateHost*>(isolate->GetData(0)); }

  // Stops the JavaScript running in this isolate now (shutdown).
  void terminate() { isolate_->TerminateExecution(); }
  // Whether the last termination was for a heap out of memory (and forgets it).
  bool take_heap_exhausted() { return heap_exhausted_.exchange(false); }

 private:
  // V8 is about to run out of heap: the running script is terminated (its iteration fails with an
  // error; the run and its results go on) and V8 gets room to unwind it. The initial limit comes
  // back once the heap is half empty again; past twice the initial limit V8 aborts as before.
  static size_t near_heap_limit(void* host, size_t current_limit, size_t initial_limit);
  static v8::MaybeLocal<v8::Value> evaluate_builtin(v8::Local<v8::Context> context, v8::Local<v8::Module> module);
  // A context's number, in its embedder data: which built-in modules are its.
  static constexpr int kContextNumber = 1;
  void number(v8::Local<v8::Context> context);

  RunShared& run_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  std::unique_ptr<JsHub> hub_;  // made once the isolate is; ends (every VU gone) before it
  v8::Global<v8::Context> context_;
  struct Builtin {
    v8::Global<v8::Module> module;
    v8::Global<v8::Object> exports;
  };
  std::map<std::pair<int, std::string>, Builtin> builtins_;  // by context number (kContextNumber) and name
  int contexts_ = 0;
  v8::Local<v8::Object> evaluating_exports_;  // of the built-in module being evaluated (evaluate_builtin)
  std::map<std::string, std::unique_ptr<v8::ScriptCompiler::CachedData>> code_caches_;
  std::unordered_map<const char*, v8::Eternal<v8::String>> names_;
  std::unordered_map<const char*, v8::Eternal<v8::Private>> private_keys_;
  std::unordered_map<const char*, v8::Eternal<v8::Function>> shared_context_functions_;  // per_context()
  struct HeaderStrings {
    v8::Eternal<v8::String> name;
    std::string last_value;
    v8::Global<v8::String> last_value_string;  // (reset under the lock, before the isolate goes)
  };
  HeaderStrings* header_strings(std::string_view raw);  // null when not kept
  v8::Local<v8::String> internalized(std::string_view text);
  std::unordered_map<std::string, HeaderStrings, TextHash, std::equal_to<>> header_names_;
  std::unordered_map<std::string, v8::Eternal<v8::String>, TextHash, std::equal_to<>> recurring_;
  net::UrlCache urls_;
  std::atomic<bool> heap_exhausted_{false};
};

}  // namespace squall::k6
