// One k6 virtual user: a fiber of its isolate's JsHub running its instance of
// the script's modules in the isolate's shared context. The native functions
// of the k6 modules reach the VU through JsVu::current() (in the VU, isolate
// locked). init(), call() and options_json() are for the lifecycle (the first
// init, setup(), teardown(), handleSummary()) from a thread that is not the hub's.
#pragma once

#include <v8.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/splitmix64.h"
#include "frontends/k6/runtime/isolate_host.h"
#include "net/http_types.h"
#include "plan/scenario.h"
#include "script/cooperative_vu.h"
#include "script/fiber.h"

namespace squall::k6 {

class JsVu final : public script::CooperativeVu {
 public:
  struct CallResult {
    bool ok = false;
    bool missing = false;  // the script exports no such function
    std::string json;      // the return value as JSON ("" for undefined)
    std::string error;     // the exception with its stack
  };

  // `scenario` is null for the VU that runs init for options, setup, teardown and handleSummary.
  JsVu(IsolateHost& host, vu::Worker& worker, vu::VuState& state, const plan::ScenarioConfig* scenario);
  ~JsVu() override;

  // Another thread: evaluates the modules if not done yet (k6's init context); false with the error.
  bool init(std::string& error);
  // Another thread: calls the entry module's export `function` with `arg_json` (empty: no argument).
  CallResult call(const std::string& function, const std::string& arg_json);
  // Another thread: the entry module's `options` export as JSON ("" if none) and its exported function names.
  std::string options_json(std::vector<std::string>& functions);
  // Another thread, after init(): what the modules this VU has loaded tell of how to run the
  // script — their tail calls (defer_tail_sleep()), and whether they may queue promise jobs
  // (RunShared::context_per_vu).
  void survey_modules();

  // ---- VU (its fiber, holding the isolate) ----
  static JsVu& current() { return *static_cast<JsVu*>(script::CooperativeHub::running()); }
  IsolateHost& host() { return host_; }
  RunShared& run() { return host_.run(); }
  int64_t iteration() const { return state().iteration; }
  int64_t iteration_in_instance() const { return iterations_started_ - 1; }
  bool in_init() const { return in_init_; }
  const plan::ScenarioConfig* scenario() const { return scenario_; }
  std::string& group() { return group_; }
  metrics::Tags& vu_tags() { return vu_tags_; }
  // The tags every sample of this VU carries now: scenario, group and the VU's own tags.
  metrics::TagSetId current_tags();
  // This VU's iteration number within its scenario across all workers of this instance (k6/execution).
  int64_t scenario_iteration() const { return scenario_iteration_; }
  // setTimeout & co: run when the iteration's function has returned, in due order.
  int64_t add_timer(Nanos delay, v8::Local<v8::Function> callback, std::vector<v8::Local<v8::Value>> args, bool repeat);
  void clear_timer(int64_t id);
  // k6's sleep(duration): true if it is the last thing the iteration's function does (called by
  // it, in tail position: RunShared::tail_calls), so that the VU sleeps once the call has
  // returned, holding nothing of V8's; false: sleep now.
  bool defer_tail_sleep(Nanos duration);
  // Turns an exception into the log text k6 prints: "Error: message\n\tat fn (file:///x.js:3:9)".
  std::string describe(v8::TryCatch& try_catch);
  // k6/http's setResponseCallback(expectedStatuses(...)) for this VU; empty: every status is expected.
  std::vector<std::pair<int, int>> expected_statuses{{200, 399}};
  // Interned tag sets by a caller-chosen key (request and check tags repeat); bounded per VU.
  metrics::TagSetId intern_cached(const std::string& key, const std::function<metrics::TagSetId()>& make);
  // Math.random: a seeded stream after k6's randomSeed(), else a random one.
  void seed_random(uint64_t seed) { rng_.seed(seed); }
  double random() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

 private:
  struct Timer {
    int64_t id;
    Nanos due;
    Nanos interval;  // 0: once
    v8::Global<v8::Function> callback;
    std::vector<v8::Global<v8::Value>> args;
  };

  friend class JsHub;

  void serve() override;
  void yield() override;
  void before_idle() override;
  void run_iteration() override;
  void before_long_wait() override;
  void take_isolate();
  void let_isolate_go();
  // Holding the isolate: the context this VU runs in, the isolate's shared one or its own.
  v8::Local<v8::Context> context();
  // Holding the isolate: the promise jobs queued in that context.
  void run_promise_jobs();
  void release_runtime();
  bool ensure_initialized(std::string& error);
  v8::MaybeLocal<v8::Module> load_module(const std::string& path, std::string& error);
  static v8::MaybeLocal<v8::Module> resolve(v8::Local<v8::Context> context, v8::Local<v8::String> specifier,
                                            v8::Local<v8::FixedArray> assertions, v8::Local<v8::Module> referrer);
  CallResult call_export(const std::string& function, const std::string& argument, bool iteration);
  // call_export()'s halves: the call itself (false: it failed, `result` says why), and what follows
  // it (the promise settled, the timers run), with a deferred sleep between them.
  bool start_call(const std::string& function, const std::string& argument, bool iteration,
                  v8::Global<v8::Value>& returned, CallResult& result);
  void finish_call(const v8::Global<v8::Value>& returned, bool iteration, CallResult& result);
  bool run_event_loop(v8::Local<v8::Promise> promise);
  bool settle(v8::Local<v8::Value> value, v8::Local<v8::Value>& result, std::string& error);

  IsolateHost& host_;
  const plan::ScenarioConfig* scenario_;
  metrics::TagSetId scenario_tags_ = 0;
  script::Fiber fiber_;   // the VU's flow: serve() on a stack of its own
  int v8_thread_id_;      // who V8 takes the fiber for (v8_thread_identity.h)
  struct IsolateScopes {  // the isolate as this VU holds it while it runs a command
    explicit IsolateScopes(JsVu& vu) : locker(vu.host_.isolate()), handles(vu.host_.isolate()), context(vu.context()) {}
    v8::Locker locker;
    v8::HandleScope handles;
    v8::Context::Scope context;
  };
  std::optional<IsolateScopes> isolate_scopes_;
  v8::Global<v8::Context> own_context_;  // RunShared::context_per_vu, with its own queue of promise jobs
  std::unique_ptr<v8::MicrotaskQueue> promise_jobs_;
  bool in_iteration_call_ = false;  // the iteration's function itself runs (not its timers)
  Nanos deferred_sleep_ = 0;        // k6's sleep() called as that function's last act

  // The VU only.
  bool initialized_ = false;
  std::string init_error_;
  bool in_init_ = false;
  int64_t iterations_started_ = 0;
  int64_t scenario_iteration_ = 0;
  Nanos iteration_started_ = 0;  // only when minIterationDuration is set
  std::string group_;
  metrics::Tags vu_tags_;
  metrics::TagSetId cached_tags_ = 0;
  std::string cached_tags_key_;
  v8::Global<v8::Module> entry_;
  std::map<std::string, v8::Global<v8::Module>> modules_;  // this VU's instance of each local file
  std::unordered_map<int, std::string> module_paths_;      // identity hash -> path, for resolve()
  std::map<std::string, v8::Global<v8::Function>> exports_cache_;
  v8::Global<v8::Value> setup_data_;
  bool setup_data_parsed_ = false;
  std::vector<Timer> timers_;
  std::unordered_map<std::string, metrics::TagSetId> tag_cache_;
  int64_t next_timer_id_ = 1;
  SplitMix64 rng_{(static_cast<uint64_t>(std::random_device{}()) << 32) | std::random_device{}()};
};

}  // namespace squall::k6
